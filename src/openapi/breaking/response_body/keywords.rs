//! The JSON Schema 2020-12 keywords of OpenAPI 3.1 on what a client reads: single subschemas
//! (`if`/`then`/`else`, `propertyNames`, `unevaluatedItems`/`unevaluatedProperties`,
//! `contentSchema`), `contentMediaType`/`contentEncoding`, schema maps (`patternProperties`,
//! `dependentSchemas`), `dependentRequired` and `prefixItems`. A constraint that goes is a
//! guarantee about the response that no longer holds (error); one that appears promises more
//! (info). A `prefixItems` entry that appears checks a position by a new schema (error). The
//! request twins are in [`super::super::request_body::keywords`], with the other direction
//! breaking.

use super::super::body::{self, entry_key, keyword_edit, show, show_opt, Admits, Edit, Level};
use super::super::schema::Change;
use super::super::{Check, Ctx, Sink};
use super::{changes, status, subject};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Single subschemas.
    Rule::new("openapi/response-body-if-removed", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "if", Admits::More)
    }),
    Rule::new("openapi/response-body-if-added", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "if", Admits::Less)
    }),
    Rule::new("openapi/response-property-if-removed", |ctx, sink| {
        subschema(ctx, sink, Level::Property, "if", Admits::More)
    }),
    Rule::new("openapi/response-property-if-added", |ctx, sink| {
        subschema(ctx, sink, Level::Property, "if", Admits::Less)
    }),
    Rule::new("openapi/response-body-then-removed", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "then", Admits::More)
    }),
    Rule::new("openapi/response-body-then-added", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "then", Admits::Less)
    }),
    Rule::new("openapi/response-property-then-removed", |ctx, sink| {
        subschema(ctx, sink, Level::Property, "then", Admits::More)
    }),
    Rule::new("openapi/response-property-then-added", |ctx, sink| {
        subschema(ctx, sink, Level::Property, "then", Admits::Less)
    }),
    Rule::new("openapi/response-body-else-removed", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "else", Admits::More)
    }),
    Rule::new("openapi/response-body-else-added", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "else", Admits::Less)
    }),
    Rule::new("openapi/response-property-else-removed", |ctx, sink| {
        subschema(ctx, sink, Level::Property, "else", Admits::More)
    }),
    Rule::new("openapi/response-property-else-added", |ctx, sink| {
        subschema(ctx, sink, Level::Property, "else", Admits::Less)
    }),
    Rule::new(
        "openapi/response-body-property-names-removed",
        |ctx, sink| subschema(ctx, sink, Level::Body, "propertyNames", Admits::More),
    ),
    Rule::new("openapi/response-body-property-names-added", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "propertyNames", Admits::Less)
    }),
    Rule::new(
        "openapi/response-property-property-names-removed",
        |ctx, sink| subschema(ctx, sink, Level::Property, "propertyNames", Admits::More),
    ),
    Rule::new(
        "openapi/response-property-property-names-added",
        |ctx, sink| subschema(ctx, sink, Level::Property, "propertyNames", Admits::Less),
    ),
    Rule::new(
        "openapi/response-body-unevaluated-items-removed",
        |ctx, sink| subschema(ctx, sink, Level::Body, "unevaluatedItems", Admits::More),
    ),
    Rule::new(
        "openapi/response-body-unevaluated-items-added",
        |ctx, sink| subschema(ctx, sink, Level::Body, "unevaluatedItems", Admits::Less),
    ),
    Rule::new(
        "openapi/response-property-unevaluated-items-removed",
        |ctx, sink| subschema(ctx, sink, Level::Property, "unevaluatedItems", Admits::More),
    ),
    Rule::new(
        "openapi/response-property-unevaluated-items-added",
        |ctx, sink| subschema(ctx, sink, Level::Property, "unevaluatedItems", Admits::Less),
    ),
    Rule::new(
        "openapi/response-body-unevaluated-properties-removed",
        |ctx, sink| {
            subschema(
                ctx,
                sink,
                Level::Body,
                "unevaluatedProperties",
                Admits::More,
            )
        },
    ),
    Rule::new(
        "openapi/response-body-unevaluated-properties-added",
        |ctx, sink| {
            subschema(
                ctx,
                sink,
                Level::Body,
                "unevaluatedProperties",
                Admits::Less,
            )
        },
    ),
    Rule::new(
        "openapi/response-property-unevaluated-properties-removed",
        |ctx, sink| {
            subschema(
                ctx,
                sink,
                Level::Property,
                "unevaluatedProperties",
                Admits::More,
            )
        },
    ),
    Rule::new(
        "openapi/response-property-unevaluated-properties-added",
        |ctx, sink| {
            subschema(
                ctx,
                sink,
                Level::Property,
                "unevaluatedProperties",
                Admits::Less,
            )
        },
    ),
    Rule::new(
        "openapi/response-body-content-schema-removed",
        |ctx, sink| subschema(ctx, sink, Level::Body, "contentSchema", Admits::More),
    ),
    Rule::new("openapi/response-body-content-schema-added", |ctx, sink| {
        subschema(ctx, sink, Level::Body, "contentSchema", Admits::Less)
    }),
    Rule::new(
        "openapi/response-property-content-schema-removed",
        |ctx, sink| subschema(ctx, sink, Level::Property, "contentSchema", Admits::More),
    ),
    Rule::new(
        "openapi/response-property-content-schema-added",
        |ctx, sink| subschema(ctx, sink, Level::Property, "contentSchema", Admits::Less),
    ),
    // Encoded content.
    Rule::new(
        "openapi/response-body-content-media-type-changed",
        |ctx, sink| content_keyword_changed(ctx, sink, Level::Body, "contentMediaType"),
    ),
    Rule::new(
        "openapi/response-property-content-media-type-changed",
        |ctx, sink| content_keyword_changed(ctx, sink, Level::Property, "contentMediaType"),
    ),
    Rule::new(
        "openapi/response-body-content-encoding-changed",
        |ctx, sink| content_keyword_changed(ctx, sink, Level::Body, "contentEncoding"),
    ),
    Rule::new(
        "openapi/response-property-content-encoding-changed",
        |ctx, sink| content_keyword_changed(ctx, sink, Level::Property, "contentEncoding"),
    ),
    // Schema maps.
    Rule::new(
        "openapi/response-body-pattern-property-removed",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Body,
                "patternProperties",
                "pattern property",
                Admits::More,
            )
        },
    ),
    Rule::new(
        "openapi/response-body-pattern-property-added",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Body,
                "patternProperties",
                "pattern property",
                Admits::Less,
            )
        },
    ),
    Rule::new(
        "openapi/response-property-pattern-property-removed",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Property,
                "patternProperties",
                "pattern property",
                Admits::More,
            )
        },
    ),
    Rule::new(
        "openapi/response-property-pattern-property-added",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Property,
                "patternProperties",
                "pattern property",
                Admits::Less,
            )
        },
    ),
    Rule::new(
        "openapi/response-body-dependent-schema-removed",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Body,
                "dependentSchemas",
                "dependent schema",
                Admits::More,
            )
        },
    ),
    Rule::new(
        "openapi/response-body-dependent-schema-added",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Body,
                "dependentSchemas",
                "dependent schema",
                Admits::Less,
            )
        },
    ),
    Rule::new(
        "openapi/response-property-dependent-schema-removed",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Property,
                "dependentSchemas",
                "dependent schema",
                Admits::More,
            )
        },
    ),
    Rule::new(
        "openapi/response-property-dependent-schema-added",
        |ctx, sink| {
            entry(
                ctx,
                sink,
                Level::Property,
                "dependentSchemas",
                "dependent schema",
                Admits::Less,
            )
        },
    ),
    // dependentRequired, prefixItems.
    Rule::new(
        "openapi/response-body-dependent-required-removed",
        |ctx, sink| dependent_required(ctx, sink, Level::Body, Edit::Removed),
    ),
    Rule::new(
        "openapi/response-body-dependent-required-changed",
        |ctx, sink| dependent_required(ctx, sink, Level::Body, Edit::Changed),
    ),
    Rule::new(
        "openapi/response-body-dependent-required-added",
        |ctx, sink| dependent_required(ctx, sink, Level::Body, Edit::Added),
    ),
    Rule::new("openapi/response-body-prefix-items-added", |ctx, sink| {
        prefix_items(ctx, sink, Level::Body, Edit::Added)
    }),
    Rule::new("openapi/response-body-prefix-items-removed", |ctx, sink| {
        prefix_items(ctx, sink, Level::Body, Edit::Removed)
    }),
    Rule::new(
        "openapi/response-property-dependent-required-removed",
        |ctx, sink| dependent_required(ctx, sink, Level::Property, Edit::Removed),
    ),
    Rule::new(
        "openapi/response-property-dependent-required-changed",
        |ctx, sink| dependent_required(ctx, sink, Level::Property, Edit::Changed),
    ),
    Rule::new(
        "openapi/response-property-dependent-required-added",
        |ctx, sink| dependent_required(ctx, sink, Level::Property, Edit::Added),
    ),
    Rule::new(
        "openapi/response-property-prefix-items-added",
        |ctx, sink| prefix_items(ctx, sink, Level::Property, Edit::Added),
    ),
    Rule::new(
        "openapi/response-property-prefix-items-removed",
        |ctx, sink| prefix_items(ctx, sink, Level::Property, Edit::Removed),
    ),
];

/// A single-schema keyword (`if`, `propertyNames`, `unevaluatedItems`, ...) that went (`More`:
/// what it guaranteed about the response no longer holds) or appeared.
fn subschema(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str, admits: Admits) {
    for c in changes(ctx, level) {
        let found = match (admits, &c.change) {
            (Admits::More, Change::SchemaRemoved { keyword: k }) => *k == keyword,
            (Admits::Less, Change::SchemaAdded { keyword: k }) => *k == keyword,
            _ => false,
        };
        if !found {
            continue;
        }
        let (verb, dir) = match admits {
            Admits::More => ("removed", "from"),
            Admits::Less => ("added", "to"),
        };
        c.report(
            sink,
            format!(
                "{verb} '{keyword}' {dir} {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

/// `contentMediaType`/`contentEncoding` that changed or went (oasdiff also reports one that
/// appeared; a string newly described as, say, base64 is still what the client read before).
fn content_keyword_changed(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str) {
    for c in changes(ctx, level) {
        let Change::Keyword {
            name,
            from: Some(from),
            to,
        } = c.change
        else {
            continue;
        };
        if name == keyword {
            c.report(
                sink,
                format!(
                    "{} {keyword} changed from '{}' to '{}' for the status {}",
                    subject(c),
                    show(from),
                    show_opt(to),
                    status(c)
                ),
            );
        }
    }
}

/// An entry of a schema map (`patternProperties`, `dependentSchemas`) that went (`More`) or
/// appeared.
fn entry(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str, what: &str, admits: Admits) {
    for c in changes(ctx, level) {
        let (value, schema, verb, dir) = match (admits, keyword_edit(c, keyword)) {
            (Admits::More, Some((Edit::Removed, Some(value), _))) => {
                (value, &c.old, "removed", "from")
            }
            (Admits::Less, Some((Edit::Added, _, Some(value)))) => (value, &c.new, "added", "to"),
            _ => continue,
        };
        let key = entry_key(schema, keyword, value).unwrap_or("?");
        c.report(
            sink,
            format!(
                "{verb} the {what} '{key}' {dir} {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

/// `dependentRequired` entries that went, changed (the names they require, in any order) or
/// appeared.
fn dependent_required(ctx: &Ctx, sink: &mut Sink, level: Level, want: Edit) {
    for c in changes(ctx, level) {
        let Some((_, from, to)) = keyword_edit(c, "dependentRequired") else {
            continue;
        };
        let (old, new) = (body::dependent_required(from), body::dependent_required(to));
        let (s, status) = (subject(c), status(c));
        match want {
            Edit::Removed | Edit::Changed => {
                for (key, names) in &old {
                    match (new.iter().find(|(k, _)| k == key), want) {
                        (None, Edit::Removed) => c.report(
                            sink,
                            format!(
                                "removed the dependentRequired entry of '{key}' (which required {}) from {s} for the status {status}",
                                names.join(", ")
                            ),
                        ),
                        (Some((_, now)), Edit::Changed) => {
                            let mut a = names.clone();
                            let mut b = now.clone();
                            a.sort_unstable();
                            b.sort_unstable();
                            if a != b {
                                c.report(
                                    sink,
                                    format!(
                                        "the dependentRequired entry of '{key}' in {s} changed from [{}] to [{}] for the status {status}",
                                        names.join(", "),
                                        now.join(", ")
                                    ),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            Edit::Added => {
                for (key, names) in &new {
                    if old.iter().any(|(k, _)| k == key) {
                        continue;
                    }
                    c.report(
                        sink,
                        format!(
                            "added the dependentRequired entry of '{key}' (which requires {}) to {s} for the status {status}",
                            names.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

/// A `prefixItems` entry that appeared (a position now checked: the response may carry what the
/// old `items` did not allow there) or went, named by its position.
fn prefix_items(ctx: &Ctx, sink: &mut Sink, level: Level, want: Edit) {
    for c in changes(ctx, level) {
        let (schema, node, verb, dir) = match keyword_edit(c, "prefixItems") {
            Some((Edit::Added, _, _)) if want == Edit::Added => {
                (&c.new, c.new_at.node, "added", "to")
            }
            Some((Edit::Removed, Some(from), _)) if want == Edit::Removed => {
                (&c.old, from.node, "removed", "from")
            }
            _ => continue,
        };
        let index = schema
            .get("prefixItems")
            .and_then(|l| l.node.items().position(|n| std::ptr::eq(n, node)))
            .map_or_else(String::new, |i| format!(" #{}", i + 1));
        c.report(
            sink,
            format!(
                "{verb} the prefix item{index} {dir} {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}
