//! The JSON Schema 2020-12 keywords of OpenAPI 3.1 on what a client sends: single subschemas
//! (`if`/`then`/`else`, `propertyNames`, `unevaluatedItems`/`unevaluatedProperties`,
//! `contentSchema`), `contentMediaType`/`contentEncoding`, schema maps (`patternProperties`,
//! `dependentSchemas`), `dependentRequired` and `prefixItems`. A constraint that appears is one
//! more rule a request must pass (error); one that goes is info. `prefixItems` entries that go
//! leave their positions to `items` (error). A subschema that accepts
//! everything (`true`, `{}`) constrains nothing and is not reported. (`contains` and its counts
//! are limits: [`super::limits`].)

use super::super::body::{
    accepts_all, dependent_required, entry_key, keyword_edit, show, show_opt, Edit,
};
use super::super::schema::{Change, SchemaChange};
use super::super::{Check, Ctx, Sink};
use super::Scope::{self, Asserted, Body, Property};
use super::{changes, run, run_once, subject};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Single subschemas.
    Rule::new("openapi/request-body-if-added", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_added(c, "if"))
    }),
    Rule::new("openapi/request-property-if-added", |ctx, sink| {
        run(ctx, sink, Property, |c| subschema_added(c, "if"))
    }),
    Rule::new("openapi/request-body-if-removed", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_removed(c, "if"))
    }),
    Rule::new("openapi/request-property-if-removed", |ctx, sink| {
        run(ctx, sink, Asserted, |c| subschema_removed(c, "if"))
    }),
    Rule::new("openapi/request-body-then-added", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_added(c, "then"))
    }),
    Rule::new("openapi/request-property-then-added", |ctx, sink| {
        run(ctx, sink, Property, |c| subschema_added(c, "then"))
    }),
    Rule::new("openapi/request-body-then-removed", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_removed(c, "then"))
    }),
    Rule::new("openapi/request-property-then-removed", |ctx, sink| {
        run(ctx, sink, Asserted, |c| subschema_removed(c, "then"))
    }),
    Rule::new("openapi/request-body-else-added", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_added(c, "else"))
    }),
    Rule::new("openapi/request-property-else-added", |ctx, sink| {
        run(ctx, sink, Property, |c| subschema_added(c, "else"))
    }),
    Rule::new("openapi/request-body-else-removed", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_removed(c, "else"))
    }),
    Rule::new("openapi/request-property-else-removed", |ctx, sink| {
        run(ctx, sink, Asserted, |c| subschema_removed(c, "else"))
    }),
    Rule::new("openapi/request-body-property-names-added", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_added(c, "propertyNames"))
    }),
    Rule::new(
        "openapi/request-property-property-names-added",
        |ctx, sink| run(ctx, sink, Property, |c| subschema_added(c, "propertyNames")),
    ),
    Rule::new(
        "openapi/request-body-property-names-removed",
        |ctx, sink| run(ctx, sink, Body, |c| subschema_removed(c, "propertyNames")),
    ),
    Rule::new(
        "openapi/request-property-property-names-removed",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                subschema_removed(c, "propertyNames")
            })
        },
    ),
    Rule::new(
        "openapi/request-body-unevaluated-items-added",
        |ctx, sink| run(ctx, sink, Body, |c| subschema_added(c, "unevaluatedItems")),
    ),
    Rule::new(
        "openapi/request-property-unevaluated-items-added",
        |ctx, sink| {
            run(ctx, sink, Property, |c| {
                subschema_added(c, "unevaluatedItems")
            })
        },
    ),
    Rule::new(
        "openapi/request-body-unevaluated-items-removed",
        |ctx, sink| {
            run(ctx, sink, Body, |c| {
                subschema_removed(c, "unevaluatedItems")
            })
        },
    ),
    Rule::new(
        "openapi/request-property-unevaluated-items-removed",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                subschema_removed(c, "unevaluatedItems")
            })
        },
    ),
    Rule::new(
        "openapi/request-body-unevaluated-properties-added",
        |ctx, sink| {
            run(ctx, sink, Body, |c| {
                subschema_added(c, "unevaluatedProperties")
            })
        },
    ),
    Rule::new(
        "openapi/request-property-unevaluated-properties-added",
        |ctx, sink| {
            run(ctx, sink, Property, |c| {
                subschema_added(c, "unevaluatedProperties")
            })
        },
    ),
    Rule::new(
        "openapi/request-body-unevaluated-properties-removed",
        |ctx, sink| {
            run(ctx, sink, Body, |c| {
                subschema_removed(c, "unevaluatedProperties")
            })
        },
    ),
    Rule::new(
        "openapi/request-property-unevaluated-properties-removed",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                subschema_removed(c, "unevaluatedProperties")
            })
        },
    ),
    Rule::new("openapi/request-body-content-schema-added", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_added(c, "contentSchema"))
    }),
    Rule::new(
        "openapi/request-property-content-schema-added",
        |ctx, sink| run(ctx, sink, Property, |c| subschema_added(c, "contentSchema")),
    ),
    Rule::new(
        "openapi/request-body-content-schema-removed",
        |ctx, sink| run(ctx, sink, Body, |c| subschema_removed(c, "contentSchema")),
    ),
    Rule::new(
        "openapi/request-property-content-schema-removed",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                subschema_removed(c, "contentSchema")
            })
        },
    ),
    // Encoded content.
    Rule::new(
        "openapi/request-body-content-media-type-changed",
        |ctx, sink| {
            run(ctx, sink, Body, |c| {
                content_keyword_changed(c, "contentMediaType")
            })
        },
    ),
    Rule::new(
        "openapi/request-property-content-media-type-changed",
        |ctx, sink| {
            run(ctx, sink, Property, |c| {
                content_keyword_changed(c, "contentMediaType")
            })
        },
    ),
    Rule::new(
        "openapi/request-body-content-encoding-changed",
        |ctx, sink| {
            run(ctx, sink, Body, |c| {
                content_keyword_changed(c, "contentEncoding")
            })
        },
    ),
    Rule::new(
        "openapi/request-property-content-encoding-changed",
        |ctx, sink| {
            run(ctx, sink, Property, |c| {
                content_keyword_changed(c, "contentEncoding")
            })
        },
    ),
    // Schema maps.
    Rule::new(
        "openapi/request-body-pattern-property-added",
        |ctx, sink| run(ctx, sink, Body, |c| entry_added(c, "patternProperties")),
    ),
    Rule::new(
        "openapi/request-property-pattern-property-added",
        |ctx, sink| run(ctx, sink, Property, |c| entry_added(c, "patternProperties")),
    ),
    Rule::new(
        "openapi/request-body-pattern-property-removed",
        |ctx, sink| run(ctx, sink, Body, |c| entry_removed(c, "patternProperties")),
    ),
    Rule::new(
        "openapi/request-property-pattern-property-removed",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                entry_removed(c, "patternProperties")
            })
        },
    ),
    Rule::new(
        "openapi/request-body-dependent-schema-added",
        |ctx, sink| run(ctx, sink, Body, |c| entry_added(c, "dependentSchemas")),
    ),
    Rule::new(
        "openapi/request-property-dependent-schema-added",
        |ctx, sink| run(ctx, sink, Property, |c| entry_added(c, "dependentSchemas")),
    ),
    Rule::new(
        "openapi/request-body-dependent-schema-removed",
        |ctx, sink| run(ctx, sink, Body, |c| entry_removed(c, "dependentSchemas")),
    ),
    Rule::new(
        "openapi/request-property-dependent-schema-removed",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                entry_removed(c, "dependentSchemas")
            })
        },
    ),
    // dependentRequired, prefixItems.
    Rule::new(
        "openapi/request-body-dependent-required-added",
        |ctx, sink| dependent_required_added(ctx, sink, Body, false),
    ),
    Rule::new(
        "openapi/request-body-dependent-required-changed",
        |ctx, sink| dependent_required_added(ctx, sink, Body, true),
    ),
    Rule::new(
        "openapi/request-body-dependent-required-removed",
        |ctx, sink| run(ctx, sink, Body, dependent_required_removed),
    ),
    Rule::new(
        "openapi/request-property-dependent-required-added",
        |ctx, sink| dependent_required_added(ctx, sink, Property, false),
    ),
    Rule::new(
        "openapi/request-property-dependent-required-changed",
        |ctx, sink| dependent_required_added(ctx, sink, Property, true),
    ),
    Rule::new(
        "openapi/request-property-dependent-required-removed",
        |ctx, sink| run(ctx, sink, Asserted, dependent_required_removed),
    ),
    Rule::new("openapi/request-body-prefix-items-removed", |ctx, sink| {
        run_once(ctx, sink, Body, prefix_items_removed)
    }),
    Rule::new("openapi/request-body-prefix-items-added", |ctx, sink| {
        run(ctx, sink, Body, prefix_items_added)
    }),
    Rule::new(
        "openapi/request-property-prefix-items-removed",
        |ctx, sink| run_once(ctx, sink, Property, prefix_items_removed),
    ),
    Rule::new(
        "openapi/request-property-prefix-items-added",
        |ctx, sink| run(ctx, sink, Asserted, prefix_items_added),
    ),
];

// ---------------------------------------------------------------------------------------------
// Single subschemas

/// A non-trivial subschema under `keyword` that now constrains requests. `if` only selects
/// between `then` and `else`, and those apply only with an `if`, so each counts only with its
/// partner there.
fn subschema_added(c: &SchemaChange, keyword: &str) -> Option<String> {
    match c.change {
        Change::SchemaAdded { keyword: k } if k == keyword => {
            c.new.get(keyword).filter(|v| !accepts_all(*v))?;
        }
        _ => return None,
    }
    let active = match keyword {
        "if" => ["then", "else"]
            .iter()
            .any(|k| c.new.get(k).is_some_and(|v| !accepts_all(v))),
        "then" | "else" => c.new.get("if").is_some(),
        _ => true,
    };
    active.then(|| format!("added the '{keyword}' subschema to {}", subject(c)))
}

/// A non-trivial subschema under `keyword` that went: what it refused is accepted now.
pub(crate) fn subschema_removed(c: &SchemaChange, keyword: &str) -> Option<String> {
    match c.change {
        Change::SchemaRemoved { keyword: k } if k == keyword => {
            let was = c.old.get(keyword)?;
            (!accepts_all(was))
                .then(|| format!("removed the '{keyword}' subschema of {}", subject(c)))
        }
        _ => None,
    }
}

/// `contentMediaType`/`contentEncoding` set or changed: clients encode the string the old way.
/// Dropping one is not reported (the string is then taken as it is).
fn content_keyword_changed(c: &SchemaChange, keyword: &str) -> Option<String> {
    match c.change {
        Change::Keyword {
            name,
            from,
            to: Some(to),
        } if name == keyword => Some(format!(
            "the {keyword} of {} changed from '{}' to '{}'",
            subject(c),
            show_opt(from),
            show(to)
        )),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Schema maps

/// A new non-trivial entry of a schema map: properties whose names match a new pattern must
/// pass its schema; objects with the property must pass the dependent schema too.
fn entry_added(c: &SchemaChange, keyword: &str) -> Option<String> {
    let (Edit::Added, _, Some(to)) = keyword_edit(c, keyword)? else {
        return None;
    };
    if accepts_all(to) {
        return None;
    }
    let key = entry_key(&c.new, keyword, to)?;
    let s = subject(c);
    Some(if keyword == "patternProperties" {
        format!("added the pattern property '{key}' to {s}")
    } else {
        format!("added a dependent schema for '{key}' to {s}")
    })
}

fn entry_removed(c: &SchemaChange, keyword: &str) -> Option<String> {
    let (Edit::Removed, Some(v), _) = keyword_edit(c, keyword)? else {
        return None;
    };
    let key = entry_key(&c.old, keyword, v)?;
    Some(format!(
        "removed the {keyword} entry '{key}' of {}",
        subject(c)
    ))
}

// ---------------------------------------------------------------------------------------------
// dependentRequired, prefixItems

/// `Some(key, names)` per entry of a `dependentRequired` change: new entries (`added`) or
/// entries that now require names they did not (`!added`).
fn dependent_required_changes<'a>(
    c: &SchemaChange<'a>,
    added: bool,
) -> Vec<(&'a str, Vec<&'a str>)> {
    let Some((_, from, to)) = keyword_edit(c, "dependentRequired") else {
        return Vec::new();
    };
    let old = dependent_required(from);
    dependent_required(to)
        .into_iter()
        .filter_map(|(key, names)| match old.iter().find(|(k, _)| *k == key) {
            None if added => Some((key, names)),
            Some((_, was)) if !added => {
                let more: Vec<&str> = names.into_iter().filter(|n| !was.contains(n)).collect();
                (!more.is_empty()).then_some((key, more))
            }
            _ => None,
        })
        .collect()
}

/// New `dependentRequired` entries (`changed` false) or entries that now require more names:
/// one finding per entry.
fn dependent_required_added(ctx: &Ctx, sink: &mut Sink, scope: Scope, changed: bool) {
    for c in changes(ctx, scope) {
        for (key, names) in dependent_required_changes(c, !changed) {
            let also = if changed { "also " } else { "" };
            c.report(
                sink,
                format!(
                    "{} now {also}requires '{}' whenever '{key}' is present (dependentRequired)",
                    subject(c),
                    names.join("', '")
                ),
            );
        }
    }
}

fn dependent_required_removed(c: &SchemaChange) -> Option<String> {
    let (_, Some(from), to) = keyword_edit(c, "dependentRequired")? else {
        return None;
    };
    let kept = |k: &str| to.is_some_and(|t| t.node.entries().any(|(k2, _)| k2 == k));
    let gone: Vec<&str> = from
        .node
        .entries()
        .map(|(k, _)| k)
        .filter(|k| !kept(k))
        .collect();
    (!gone.is_empty()).then(|| {
        format!(
            "removed the dependentRequired rule for '{}' from {}",
            gone.join("', '"),
            subject(c)
        )
    })
}

/// `prefixItems` entries that went: the items at those positions now fall to `items` (or
/// `unevaluatedItems`). With neither, they accept anything and nothing is reported. Once per
/// schema.
fn prefix_items_removed(c: &SchemaChange) -> Option<String> {
    if !matches!(keyword_edit(c, "prefixItems")?, (Edit::Removed, ..)) {
        return None;
    }
    // Which keyword now checks the positions that lost their own schema.
    let by = ["items", "unevaluatedItems"]
        .into_iter()
        .find(|k| c.new.get(k).is_some_and(|v| !accepts_all(v)))?;
    let kept = c
        .new
        .get("prefixItems")
        .map_or(0, |p| p.node.items().count());
    Some(format!(
        "removed the prefixItems of {} from index {kept} on: items there must now pass '{by}'",
        subject(c)
    ))
}

fn prefix_items_added(c: &SchemaChange) -> Option<String> {
    matches!(keyword_edit(c, "prefixItems")?, (Edit::Added, ..))
        .then(|| format!("added a prefixItems entry to {}", subject(c)))
}
