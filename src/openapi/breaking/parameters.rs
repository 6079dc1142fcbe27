//! Request parameters (query, header, cookie, path) present in both revisions: what a client
//! may send narrowed (bounds, enums, patterns, types, nullability), defaults changed, the
//! parameter became required, its deprecation lost or shortened its sunset, or it moved to
//! another location (`in`).
//!
//! Semantics, ids and levels follow oasdiff's parameter checks (`check_request_parameter*.go`,
//! `check_request_header_property_*.go`). Most rules are filters over the shared schema walk:
//! parameter sites, one change kind, at the parameter's own schema (`path` empty) or inside it
//! (the `-property-` variants). Differences from oasdiff are noted where they are made.

use std::collections::HashSet;

use super::index::{sunset_date, OperationPair};
use super::schema::{Change, Differ, Limit, SchemaChange, Site, TypeSet};
use super::{Check, Ctx, Sink};
use crate::openapi::model::Param;
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Bounds: oasdiff reads them on the parameter's own schema only.
    Rule::new(
        "openapi/request-parameter-max-items-decreased",
        request_parameter_max_items_decreased,
    ),
    Rule::new("openapi/request-parameter-max-length-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| count(c, p, "maxLength", Bound::Set))
    }),
    Rule::new(
        "openapi/request-parameter-max-length-decreased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                count(c, p, "maxLength", Bound::Tightened)
            })
        },
    ),
    Rule::new("openapi/request-parameter-min-items-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| count(c, p, "minItems", Bound::Set))
    }),
    Rule::new(
        "openapi/request-parameter-min-items-increased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                count(c, p, "minItems", Bound::Tightened)
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-min-length-increased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                count(c, p, "minLength", Bound::Tightened)
            })
        },
    ),
    Rule::new("openapi/request-parameter-max-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            limit(c, p, Side::Max, Bound::Set, false)
        })
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-max-set",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                limit(c, p, Side::Max, Bound::Set, true)
            })
        },
    ),
    Rule::new("openapi/request-parameter-max-decreased", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            limit(c, p, Side::Max, Bound::Tightened, false)
        })
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-max-decreased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                limit(c, p, Side::Max, Bound::Tightened, true)
            })
        },
    ),
    Rule::new("openapi/request-parameter-min-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            limit(c, p, Side::Min, Bound::Set, false)
        })
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-min-set",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                limit(c, p, Side::Min, Bound::Set, true)
            })
        },
    ),
    Rule::new("openapi/request-parameter-min-increased", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            limit(c, p, Side::Min, Bound::Tightened, false)
        })
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-min-increased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                limit(c, p, Side::Min, Bound::Tightened, true)
            })
        },
    ),
    // Values.
    Rule::new("openapi/request-parameter-became-enum", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            (c.path.is_empty() && matches!(c.change, Change::EnumAdded))
                .then(|| format!("{p} was restricted to a list of enum values"))
        })
    }),
    Rule::new(
        "openapi/request-header-property-became-enum",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                (p.location == "header"
                    && !c.path.is_empty()
                    && matches!(c.change, Change::EnumAdded))
                .then(|| {
                    format!(
                        "the property '{}' of {p} was restricted to a list of enum values",
                        c.path
                    )
                })
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-enum-value-removed",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| match &c.change {
                Change::EnumValueRemoved(v) if c.path.is_empty() => {
                    Some(format!("removed the enum value {} from {p}", show(*v)))
                }
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-property-enum-value-removed",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| match &c.change {
                Change::EnumValueRemoved(v) if !c.path.is_empty() => Some(format!(
                    "removed the enum value {} from the property '{}' of {p}",
                    show(*v),
                    c.path
                )),
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-x-extensible-enum-value-removed",
        request_parameter_x_extensible_enum_value_removed,
    ),
    Rule::new("openapi/request-parameter-pattern-added", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| match c.change {
            Change::Pattern {
                from: None,
                to: Some(to),
            } if c.path.is_empty() => Some(format!("added the pattern '{to}' to {p}")),
            _ => None,
        })
    }),
    // `.*` accepts anything: oasdiff calls that generalized (info), not changed.
    Rule::new("openapi/request-parameter-pattern-changed", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| match c.change {
            Change::Pattern {
                from: Some(from),
                to: Some(to),
            } if c.path.is_empty() && to != ".*" => Some(format!(
                "changed the pattern of {p} from '{from}' to '{to}'"
            )),
            _ => None,
        })
    }),
    Rule::new(
        "openapi/request-parameter-became-not-nullable",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                (c.path.is_empty() && became_not_nullable(c))
                    .then(|| format!("{p} became not nullable"))
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-property-became-not-nullable",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                (!c.path.is_empty() && became_not_nullable(c))
                    .then(|| format!("the property '{}' of {p} became not nullable", c.path))
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-default-value-added",
        |ctx, sink| {
            report_changes(ctx, sink, |ctx, c, p| match default_change(ctx, c, p)? {
                (None, Some(to)) => {
                    Some(format!("for {p}, the default value {} was added", show(to)))
                }
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-default-value-removed",
        |ctx, sink| {
            report_changes(ctx, sink, |ctx, c, p| match default_change(ctx, c, p)? {
                (Some(from), None) => Some(format!(
                    "for {p}, the default value {} was removed",
                    show(from)
                )),
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-default-value-changed",
        |ctx, sink| {
            report_changes(ctx, sink, |ctx, c, p| match default_change(ctx, c, p)? {
                (Some(from), Some(to)) => Some(format!(
                    "for {p}, the default value was changed from {} to {}",
                    show(from),
                    show(to)
                )),
                _ => None,
            })
        },
    ),
    // Types.
    Rule::new(
        "openapi/request-parameter-type-changed",
        request_parameter_type_changed,
    ),
    Rule::new(
        "openapi/request-parameter-property-type-changed",
        |ctx, sink| property_type(ctx, sink, Verdict::Unsure),
    ),
    Rule::new(
        "openapi/request-parameter-property-type-specialized",
        |ctx, sink| property_type(ctx, sink, Verdict::Breaking),
    ),
    Rule::new(
        "openapi/request-parameter-list-of-types-narrowed",
        |ctx, sink| list_of_types_narrowed(ctx, sink, true),
    ),
    Rule::new(
        "openapi/request-parameter-property-list-of-types-narrowed",
        |ctx, sink| list_of_types_narrowed(ctx, sink, false),
    ),
    // Object-valued headers.
    Rule::new(
        "openapi/request-header-property-became-required",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| match &c.change {
                Change::RequiredAdded { name } if p.location == "header" => {
                    let prop = c.new.child("properties").and_then(|ps| ps.child(name))?;
                    // A name `required` lists but the schema does not define (on either side) is
                    // not a property a client could have left out knowingly.
                    c.old.child("properties").and_then(|ps| ps.get(name))?;
                    (!prop.flag("readOnly")).then(|| {
                        format!("the property '{}' of {p} became required", c.property(name))
                    })
                }
                _ => None,
            })
        },
    ),
    // The parameter itself.
    Rule::new(
        "openapi/request-parameter-became-required",
        request_parameter_became_required,
    ),
    Rule::new(
        "openapi/request-parameter-in-changed",
        request_parameter_in_changed,
    ),
    Rule::new(
        "openapi/request-parameter-deprecated-sunset-missing",
        request_parameter_deprecated_sunset_missing,
    ),
    Rule::new(
        "openapi/request-parameter-sunset-date-too-small",
        request_parameter_sunset_date_too_small,
    ),
    Rule::new(
        "openapi/request-parameter-sunset-deleted",
        request_parameter_sunset_deleted,
    ),
    Rule::new(
        "openapi/request-parameter-sunset-date-changed-too-small",
        request_parameter_sunset_date_changed_too_small,
    ),
];

/// The parameter a schema change belongs to; displays as `the 'query' request parameter 'x'`.
pub(super) struct Named<'a> {
    location: &'a str,
    name: &'a str,
}

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the '{}' request parameter '{}'",
            self.location, self.name
        )
    }
}

/// Schema changes of parameters, with the parameter they belong to.
pub(super) fn param_changes<'c, 'a>(
    ctx: &'c Ctx<'a>,
) -> impl Iterator<Item = (&'c SchemaChange<'a>, Named<'a>)> {
    ctx.schema_changes().iter().filter_map(|c| match c.site {
        Site::Parameter { location, name } => Some((c, Named { location, name })),
        _ => None,
    })
}

fn report_changes(
    ctx: &Ctx,
    sink: &mut Sink,
    pick: impl Fn(&Ctx, &SchemaChange, &Named) -> Option<String>,
) {
    for (c, p) in param_changes(ctx) {
        if let Some(message) = pick(ctx, c, &p) {
            c.report(sink, message);
        }
    }
}

/// A value as a message shows it: scalars as written, collections on one line.
fn show(n: NodeRef) -> String {
    match n.node.scalar_text(&n.doc.text) {
        Some(s) => format!("'{s}'"),
        None => format!(
            "'{}'",
            n.node
                .source(&n.doc.text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn num(v: f64) -> String {
    format!("{v}")
}

/// Which bound changes a rule reports: one that appeared, or one that got stricter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    Set,
    Tightened,
}

/// A count bound (`maxLength`, `minItems`, ...) of the parameter's own schema: set where there
/// was none, or made stricter (a `max*` lowered, a `min*` raised).
fn count(c: &SchemaChange, p: &Named, keyword: &str, bound: Bound) -> Option<String> {
    let Change::Count {
        keyword: k,
        from,
        to,
    } = c.change
    else {
        return None;
    };
    if k != keyword || !c.path.is_empty() {
        return None;
    }
    count_message(p, keyword, from, to, bound)
}

fn count_message(
    p: &Named,
    keyword: &str,
    from: Option<u64>,
    to: Option<u64>,
    bound: Bound,
) -> Option<String> {
    let max = keyword.starts_with("max");
    match (bound, from, to) {
        (Bound::Set, None, Some(to)) => Some(format!("for {p}, the {keyword} was set to {to}")),
        (Bound::Tightened, Some(from), Some(to)) if (to < from) == max && to != from => {
            let verb = if max { "decreased" } else { "increased" };
            Some(format!(
                "for {p}, the {keyword} was {verb} from {from} to {to}"
            ))
        }
        _ => None,
    }
}

/// oasdiff also reads `maxItems` on the items of an array parameter when the parameter's own
/// schema did not change it (a spec that put the bound one level too deep).
fn request_parameter_max_items_decreased(ctx: &Ctx, sink: &mut Sink) {
    let changes: Vec<_> = param_changes(ctx).collect();
    let own = |c: &SchemaChange| {
        changes.iter().any(|(o, _)| {
            o.spec == c.spec
                && o.op == c.op
                && o.site == c.site
                && o.path.is_empty()
                && matches!(
                    o.change,
                    Change::Count {
                        keyword: "maxItems",
                        ..
                    }
                )
        })
    };
    for (c, p) in &changes {
        let Change::Count {
            keyword: "maxItems",
            from,
            to,
        } = c.change
        else {
            continue;
        };
        let applies = c.path.is_empty() || (c.path == "items" && !own(c));
        if !applies {
            continue;
        }
        if let Some(message) = count_message(p, "maxItems", from, to, Bound::Tightened) {
            c.report(sink, message);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Min,
    Max,
}

/// A numeric bound of the parameter's own schema. `exclusive` picks the rule for the bound as
/// the new revision writes it (`exclusiveMaximum` in 3.1, or `exclusiveMaximum: true` in 3.0).
/// oasdiff compares `maximum` and `exclusiveMaximum` as separate keywords; here they are one
/// bound, so an inclusive bound turned exclusive at the same value is "exclusive ... set" (the
/// bound was set to exclude its value) rather than a removal plus an addition.
fn limit(c: &SchemaChange, p: &Named, side: Side, bound: Bound, exclusive: bool) -> Option<String> {
    if !c.path.is_empty() {
        return None;
    }
    let (from, to) = match (side, &c.change) {
        (Side::Max, Change::Maximum { from, to }) | (Side::Min, Change::Minimum { from, to }) => {
            (*from, *to)
        }
        _ => return None,
    };
    let to = to?;
    if to.exclusive != exclusive {
        return None;
    }
    let (word, stricter) = match side {
        Side::Max => ("max", "decreased"),
        Side::Min => ("min", "increased"),
    };
    let keyword = match (side, exclusive) {
        (_, false) => word.to_string(),
        (Side::Max, true) => "exclusiveMaximum".into(),
        (Side::Min, true) => "exclusiveMinimum".into(),
    };
    let tighter = |from: Limit| match side {
        Side::Max => to.value < from.value,
        Side::Min => to.value > from.value,
    };
    match (bound, from) {
        (Bound::Set, None) => Some(format!(
            "for {p}, the {keyword} was set to {}",
            num(to.value)
        )),
        // The same value, now excluded.
        (Bound::Set, Some(from)) if exclusive && !from.exclusive && from.value == to.value => {
            Some(format!(
                "for {p}, the {keyword} was set to {} (the {word} was inclusive)",
                num(to.value)
            ))
        }
        (Bound::Tightened, Some(from)) if tighter(from) => Some(format!(
            "for {p}, the {keyword} was {stricter} from {} to {}",
            num(from.value),
            num(to.value)
        )),
        _ => None,
    }
}

/// The parameter or property no longer admits null. A type list that dropped `type` entirely
/// (3.1) admits anything again, null included: not a narrowing (as in oasdiff).
fn became_not_nullable(c: &SchemaChange) -> bool {
    let Change::Nullable {
        from: true,
        to: false,
    } = c.change
    else {
        return false;
    };
    c.new.get("type").is_some() || c.old.get("nullable").is_some()
}

/// A default of an optional parameter's own schema that appeared, went or changed. A required
/// parameter is always sent, so its default never applies (oasdiff skips those too).
fn default_change<'a>(
    ctx: &Ctx,
    c: &SchemaChange<'a>,
    p: &Named,
) -> Option<(Option<NodeRef<'a>>, Option<NodeRef<'a>>)> {
    let Change::Default { from, to } = c.change else {
        return None;
    };
    if !c.path.is_empty() || p.location == "path" {
        return None;
    }
    let pair = &ctx.specs[c.spec];
    let ops = pair.ops.get(c.op)?;
    let old = &pair.old.as_ref()?.operations[ops.old];
    let new = &pair.new.as_ref()?.operations[ops.new];
    let optional = |params: Option<&Param>| params.is_some_and(|q| !q.required());
    (optional(old.param(p.location, p.name)) && optional(new.param(p.location, p.name)))
        .then_some((from, to))
}

fn request_parameter_x_extensible_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    for (c, p) in param_changes(ctx) {
        let Change::Keyword {
            name: "x-extensible-enum",
            from: Some(from),
            to: Some(to),
        } = c.change
        else {
            continue;
        };
        // Both must be lists; anything else is a malformed extension oasdiff skips too.
        let (Some(old), Some(new)) = (from.node.as_seq(), to.node.as_seq()) else {
            continue;
        };
        if !c.path.is_empty() {
            continue;
        }
        for v in old {
            if !new.iter().any(|w| crate::openapi::model::same_value(v, w)) {
                sink.report_operation(
                    &c.operation,
                    to.line_location(),
                    Some(NodeRef::new(from.doc, v).line_location()),
                    format!(
                        "removed the x-extensible-enum value {} from {p}",
                        show(NodeRef::new(from.doc, v))
                    ),
                );
            }
        }
    }
}

/// How a type or format change reads for a client.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Every value valid before is still valid.
    Compatible,
    /// Breaking when the value is sent as typed JSON, fine when everything is text (a query
    /// string, `a[b]=1` style): which one applies depends on the serialization.
    Unsure,
    Breaking,
}

/// Are all `from` types still accepted by `to`? An empty set means "any type". Where values
/// travel as text (`strongly == false`), a string accepts anything. Unlike oasdiff, dropping
/// one of several types (`[string, integer]` -> `[integer]`) is a narrowing here.
fn types_covered(from: TypeSet, to: TypeSet, strongly: bool) -> bool {
    if to.is_empty() || (!strongly && to.contains("string")) {
        return true;
    }
    if from.is_empty() {
        return false;
    }
    from.names()
        .all(|t| to.contains(t) || (t == "integer" && to.contains("number")))
}

/// A format change is harmless when the format went, or widened within its type (oasdiff's
/// list: float -> double, int32 -> int64/bigint, int64 -> bigint, date/time -> date-time).
fn format_covered(to_types: TypeSet, from: Option<&str>, to: Option<&str>) -> bool {
    let Some(to) = to else { return true };
    let single = {
        let mut names = to_types.names();
        match (names.next(), names.next()) {
            (Some(t), None) => t,
            _ => return false,
        }
    };
    matches!(
        (single, from, to),
        ("number", Some("float"), "double")
            | ("integer", Some("int32"), "int64" | "bigint")
            | ("integer", Some("int64"), "bigint")
            | ("string", Some("date" | "time"), "date-time")
    )
}

/// The type and format changes at one schema of one parameter, merged.
pub(super) struct TypeChange<'c, 'a> {
    pub(super) first: &'c SchemaChange<'a>,
    types: Option<(TypeSet, TypeSet)>,
    formats: Option<(Option<&'a str>, Option<&'a str>)>,
}

impl TypeChange<'_, '_> {
    pub(super) fn verdict(&self, strongly: bool) -> bool {
        let (old_types, new_types) = self.types.unwrap_or_else(|| {
            let t = TypeSet::of(&self.first.new).0;
            (t, t)
        });
        let type_ok = types_covered(old_types, new_types, strongly);
        let format_ok = self
            .formats
            .is_none_or(|(from, to)| format_covered(new_types, from, to));
        type_ok && format_ok
    }

    /// `type`, `format` or `type/format`, with both sides rendered to match.
    pub(super) fn describe(&self) -> (String, String, String) {
        let types = |s: TypeSet| {
            if s.is_empty() {
                "any".to_string()
            } else {
                s.to_string()
            }
        };
        let format = |f: Option<&str>| f.unwrap_or("none").to_string();
        match (self.types, self.formats) {
            (Some((a, b)), None) => ("type".into(), types(a), types(b)),
            (None, Some((a, b))) => ("format".into(), format(a), format(b)),
            (Some((ta, tb)), Some((fa, fb))) => (
                "type/format".into(),
                format!("{}/{}", types(ta), format(fa)),
                format!("{}/{}", types(tb), format(fb)),
            ),
            (None, None) => Default::default(),
        }
    }
}

/// Type and format changes of parameter schemas, one per changed schema.
pub(super) fn type_changes<'c, 'a>(ctx: &'c Ctx<'a>) -> Vec<(TypeChange<'c, 'a>, Named<'a>)> {
    let mut out: Vec<(TypeChange<'c, 'a>, Named<'a>)> = Vec::new();
    for (c, p) in param_changes(ctx) {
        let (types, formats) = match c.change {
            Change::Type { from, to } => (Some((from, to)), None),
            Change::Format { from, to } => (None, Some((from, to))),
            _ => continue,
        };
        let same = out.iter_mut().find(|(t, _)| {
            let f = t.first;
            f.spec == c.spec && f.op == c.op && f.site == c.site && f.path == c.path
        });
        match same {
            Some((t, _)) => {
                t.types = t.types.or(types);
                t.formats = t.formats.or(formats);
            }
            None => out.push((
                TypeChange {
                    first: c,
                    types,
                    formats,
                },
                p,
            )),
        }
    }
    out
}

/// A parameter value is text on the wire, so only its non-strongly-typed reading counts
/// (oasdiff's choice): `integer` -> `string` is fine, `string` -> `integer` is not.
fn request_parameter_type_changed(ctx: &Ctx, sink: &mut Sink) {
    for (t, p) in type_changes(ctx) {
        let c = t.first;
        if !c.path.is_empty() || t.verdict(false) || scalar_to_form_array(ctx, c, &p) {
            continue;
        }
        let (what, from, to) = t.describe();
        c.report(
            sink,
            format!("for {p}, the {what} was changed from '{from}' to '{to}'"),
        );
    }
}

/// A scalar that became an array of the same values, in a parameter serialized `form` with
/// `explode` (the default for query and cookie parameters): `?color=red` is a valid
/// one-element array, so existing calls still work (as in oasdiff).
pub(super) fn scalar_to_form_array(ctx: &Ctx, c: &SchemaChange, p: &Named) -> bool {
    let (old_types, _) = TypeSet::of(&c.old);
    let (new_types, _) = TypeSet::of(&c.new);
    if old_types.is_empty() || old_types.contains("array") || !new_types.contains("array") {
        return false;
    }
    let Some(param) = new_param(ctx, c, p) else {
        return false;
    };
    let default_style = if matches!(p.location, "query" | "cookie") {
        "form"
    } else {
        "simple"
    };
    let style = param.obj.str("style").unwrap_or(default_style);
    let explode = param
        .obj
        .get("explode")
        .and_then(|n| n.node.as_bool())
        .unwrap_or(style == "form");
    if style != "form" || !explode {
        return false;
    }
    let Some(items) = c.new.child("items") else {
        return false;
    };
    if !types_covered(old_types, TypeSet::of(&items).0, false) {
        return false;
    }
    // Apart from the type, the items must accept exactly what the scalar did.
    match Differ::new().diff(c.old, items) {
        None => true,
        Some(d) => {
            d.children.is_empty()
                && d.changes
                    .iter()
                    .all(|l| matches!(l.change, Change::Type { .. } | Change::Nullable { .. }))
        }
    }
}

fn new_param<'c, 'a>(ctx: &'c Ctx<'a>, c: &SchemaChange, p: &Named) -> Option<&'c Param<'a>> {
    let pair = &ctx.specs[c.spec];
    let ops = pair.ops.get(c.op)?;
    pair.new.as_ref()?.operations[ops.new].param(p.location, p.name)
}

/// Inside an object (or array) parameter the serialization is unknown: `a[id]=1` is text,
/// `a={"id":1}` is typed JSON. Breaking both ways is an error (specialized); breaking only as
/// JSON is a warning (changed), as in oasdiff.
fn property_type(ctx: &Ctx, sink: &mut Sink, want: Verdict) {
    for (t, p) in type_changes(ctx) {
        let c = t.first;
        if c.path.is_empty() {
            continue;
        }
        let verdict = match (t.verdict(true), t.verdict(false)) {
            (true, true) => Verdict::Compatible,
            (false, false) => Verdict::Breaking,
            _ => Verdict::Unsure,
        };
        if verdict != want {
            continue;
        }
        let (what, from, to) = t.describe();
        let how = if want == Verdict::Breaking {
            "narrowed"
        } else {
            "changed"
        };
        c.report(
            sink,
            format!(
                "for {p}, the {what} of the property '{}' was {how} from '{from}' to '{to}'",
                c.path
            ),
        );
    }
}

/// oasdiff's "list of types": a schema that is one type, or a `oneOf`/`anyOf` of schemas that
/// are each nothing but one type. `None` for anything else.
pub(super) fn type_list(o: &Obj) -> Option<Vec<String>> {
    if ["not", "allOf", "properties"]
        .iter()
        .any(|k| o.get(k).is_some())
    {
        return None;
    }
    if let Some(t) = o.get("type") {
        let first = match t.node.as_str() {
            Some(s) => s,
            None => t.node.items().next()?.as_str()?,
        };
        return Some(vec![first.to_string()]);
    }
    ["oneOf", "anyOf"].iter().find_map(|k| {
        let list = o.get(k)?;
        let branches: Vec<Obj> = list
            .node
            .items()
            .map(|n| o.set.view(NodeRef::new(list.doc, n)))
            .collect();
        if branches.is_empty() {
            return None;
        }
        branches
            .iter()
            .map(|b| {
                let simple = ["properties", "oneOf", "anyOf", "allOf"]
                    .iter()
                    .all(|k| b.get(k).is_none());
                let t = b.get("type")?;
                simple.then(|| t.node.as_str().map(str::to_string))?
            })
            .collect()
    })
}

/// A `oneOf`/`anyOf` of plain types (or a single type becoming or leaving one) lost a type:
/// values of that type are refused now.
fn list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink, own: bool) {
    let mut seen = HashSet::new();
    for (c, p) in param_changes(ctx) {
        if c.path.is_empty() != own || !c.change.may_change_type_list() {
            continue;
        }
        if !seen.insert((c.spec, c.op, p.location, p.name, c.path.clone())) {
            continue;
        }
        let (Some(old), Some(new)) = (type_list(&c.old), type_list(&c.new)) else {
            continue;
        };
        let is_list = |o: &Obj| o.get("type").is_none();
        if !is_list(&c.old) && !is_list(&c.new) {
            continue; // one type for another: the type rules' business
        }
        let removed: Vec<&str> = old
            .iter()
            .filter(|t| !new.contains(t))
            .map(String::as_str)
            .collect();
        if removed.is_empty() {
            continue;
        }
        let removed = removed.join(", ");
        let message = if own {
            format!("the types accepted by {p} were narrowed by removing {removed}")
        } else {
            format!(
                "the types accepted by the property '{}' of {p} were narrowed by removing {removed}",
                c.path
            )
        };
        let at = c.new.origin.line_location();
        sink.report_operation(
            &c.operation,
            at,
            Some(c.old.origin.line_location()),
            message,
        );
    }
}

/// Every operation present in both revisions.
fn for_each_pair(ctx: &Ctx, mut f: impl FnMut(&OperationPair)) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            f(&pair);
        }
    }
}

/// Parameters present in both revisions of an operation.
fn param_pairs(ctx: &Ctx, mut f: impl FnMut(&OperationPair, &Param, &Param)) {
    for_each_pair(ctx, |pair| {
        for (old, new) in pair.params() {
            if let (Some(old), Some(new)) = (old, new) {
                f(pair, old, new);
            }
        }
    });
}

/// Where to point at a parameter's `key`: the value, else the parameter.
fn param_at(p: &Param, key: &str) -> crate::finding::Location {
    p.obj.at(key).unwrap_or_else(|| p.at()).line_location()
}

fn named<'a>(p: &Param<'a>) -> Named<'a> {
    Named {
        location: p.location,
        name: p.name,
    }
}

/// An optional parameter made required: existing calls that leave it out now fail. (Path
/// parameters are always required, so they never become so.)
fn request_parameter_became_required(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if !old.required() && new.required() {
            sink.report_operation(
                pair.id(),
                param_at(new, "required"),
                Some(param_at(old, "required")),
                format!("{} became required", named(new)),
            );
        }
    });
}

/// A parameter with the same name in another location: oasdiff sees a removal and an
/// addition; this one finding says what happened, and its `supersedes` drops those two.
fn request_parameter_in_changed(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        let params = pair.params();
        let added: Vec<&Param> = params
            .iter()
            .filter_map(|(o, n)| if o.is_none() { *n } else { None })
            .collect();
        let mut taken = vec![false; added.len()];
        for (old, new) in &params {
            let (Some(old), None) = (old, new) else {
                continue;
            };
            // Header names are case-insensitive.
            let same = |q: &Param| {
                q.location != old.location
                    && if q.location == "header" || old.location == "header" {
                        q.name.eq_ignore_ascii_case(old.name)
                    } else {
                        q.name == old.name
                    }
            };
            let Some(i) = (0..added.len()).find(|&i| !taken[i] && same(added[i])) else {
                continue;
            };
            taken[i] = true;
            let new = added[i];
            sink.report_operation(
                pair.id(),
                new.at().line_location(),
                Some(old.at().line_location()),
                format!(
                    "the request parameter '{}' moved from '{}' to '{}': existing clients still send it in the {}",
                    new.name, old.location, new.location, old.location
                ),
            );
        }
    });
}

/// A parameter that became deprecated in this revision, with its `x-sunset` (if any).
fn newly_deprecated(ctx: &Ctx, mut f: impl FnMut(&OperationPair, &Param, &Param, Option<NodeRef>)) {
    param_pairs(ctx, |pair, old, new| {
        if !old.deprecated() && new.deprecated() {
            f(pair, old, new, new.obj.get("x-sunset"));
        }
    });
}

/// The minimum number of days between a deprecation and its sunset. oasdiff's default policy
/// is 0 for beta and stable alike; treaty has no setting for it yet.
const MIN_SUNSET_DAYS: i64 = 0;

/// oasdiff raises this only under a deprecation policy (a minimum number of days before
/// sunset); by default it reports the deprecation as information. In treaty the rule is off by
/// default and turning it on is the policy: every deprecation must name its sunset.
fn request_parameter_deprecated_sunset_missing(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, old, new, sunset| {
        if sunset.is_none() {
            sink.report_operation(
                pair.id(),
                param_at(new, "deprecated"),
                Some(old.at().line_location()),
                format!("{} was deprecated without a sunset date", named(new)),
            );
        }
    });
}

fn request_parameter_sunset_date_too_small(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, old, new, sunset| {
        let Some(Ok(date)) = sunset.map(sunset_date) else {
            return;
        };
        if date.days() - ctx.today.days() < MIN_SUNSET_DAYS {
            sink.report_operation(
                pair.id(),
                param_at(new, "x-sunset"),
                Some(old.at().line_location()),
                format!(
                    "{} was deprecated with the sunset date '{date}', which is already past",
                    named(new)
                ),
            );
        }
    });
}

/// A still-deprecated parameter lost its sunset date: clients no longer know how long it
/// stays.
fn request_parameter_sunset_deleted(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if new.deprecated()
            && old.obj.get("x-sunset").is_some()
            && new.obj.get("x-sunset").is_none()
        {
            sink.report_operation(
                pair.id(),
                param_at(new, "deprecated"),
                Some(param_at(old, "x-sunset")),
                format!(
                    "the sunset date of {} was deleted, but it is still deprecated",
                    named(new)
                ),
            );
        }
    });
}

/// A deprecated parameter's sunset moved earlier, to less than the policy's minimum from today
/// (with oasdiff's default policy: into the past).
fn request_parameter_sunset_date_changed_too_small(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if !new.deprecated() {
            return;
        }
        let (Some(was), Some(now)) = (old.obj.get("x-sunset"), new.obj.get("x-sunset")) else {
            return;
        };
        // Unreadable dates are the sunset-parse rules' business.
        let (Ok(was), Ok(now)) = (sunset_date(was), sunset_date(now)) else {
            return;
        };
        if now < was && now.days() - ctx.today.days() < MIN_SUNSET_DAYS {
            sink.report_operation(
                pair.id(),
                param_at(new, "x-sunset"),
                Some(param_at(old, "x-sunset")),
                format!(
                    "the sunset date of {} was moved earlier, from '{was}' to '{now}', which is already past",
                    named(new)
                ),
            );
        }
    });
}
