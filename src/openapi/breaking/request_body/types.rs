//! Types and formats, lists of types and nullability of what a client sends. A type, format
//! or list of types narrowed, or null no longer accepted, refuses values that were valid: an
//! error. Widened, it is a changelog entry (info); so is a change that only holds because the
//! media type carries values as text (`compatible`). Each edit is judged once per schema, as
//! the walker may report a type and a format change there apart.
//!
//! Some edits show up as several raw changes and are reported once, as what they are:
//! - a "list of types" (`type: string` <-> `oneOf: [{type: string}, {type: integer}]`) that
//!   lost (gained) a type is `list-of-types-narrowed` (`-widened`), not also a `oneOf` branch
//!   removed (added) or a type change;
//! - `oneOf: [{type: 'null'}, X]` unwrapped to `X` is `became-not-nullable`, not a removed
//!   `oneOf` branch.

use super::super::body::{nullability, Admits, Direction};
use super::super::schema::{Change, Composition, SchemaChange, Site, TypeSet};
use super::super::{Check, Ctx, Sink};
use super::limits::Subject;
use super::Scope::{Asserted, Body, Property};
use super::{run, run_once, run_per_node, subject, Level, Scope};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/request-body-type-changed", |ctx, sink| {
        run_once(ctx, sink, Body, |c| type_change(c, TypeEdit::Breaking))
    }),
    Rule::new("openapi/request-property-type-changed", |ctx, sink| {
        run_once(ctx, sink, Property, |c| type_change(c, TypeEdit::Breaking))
    }),
    Rule::new("openapi/request-body-type-generalized", |ctx, sink| {
        run_once(ctx, sink, Body, |c| type_change(c, TypeEdit::Generalized))
    }),
    Rule::new("openapi/request-property-type-generalized", |ctx, sink| {
        run_once(ctx, sink, Asserted, |c| {
            type_change(c, TypeEdit::Generalized)
        })
    }),
    Rule::new("openapi/request-body-type-compatible", |ctx, sink| {
        run_once(ctx, sink, Body, |c| type_change(c, TypeEdit::Compatible))
    }),
    Rule::new("openapi/request-property-type-compatible", |ctx, sink| {
        run_once(ctx, sink, Asserted, |c| {
            type_change(c, TypeEdit::Compatible)
        })
    }),
    Rule::new(
        "openapi/request-body-list-of-types-narrowed",
        |ctx, sink| run_per_node(ctx, sink, Body, list_of_types_narrowed),
    ),
    Rule::new(
        "openapi/request-property-list-of-types-narrowed",
        |ctx, sink| run_per_node(ctx, sink, Property, list_of_types_narrowed),
    ),
    Rule::new("openapi/request-body-list-of-types-widened", |ctx, sink| {
        run_per_node(ctx, sink, Body, list_of_types_widened)
    }),
    Rule::new(
        "openapi/request-property-list-of-types-widened",
        |ctx, sink| run_per_node(ctx, sink, Asserted, list_of_types_widened),
    ),
    // Nullability.
    Rule::new("openapi/request-body-became-not-nullable", |ctx, sink| {
        became_not_nullable(ctx, sink, Level::Body)
    }),
    Rule::new(
        "openapi/request-property-became-not-nullable",
        |ctx, sink| became_not_nullable(ctx, sink, Level::Property),
    ),
    Rule::new("openapi/request-body-became-nullable", |ctx, sink| {
        run(ctx, sink, Body, |c| became_nullable(c, subject))
    }),
    Rule::new("openapi/request-property-became-nullable", |ctx, sink| {
        run(ctx, sink, Asserted, |c| became_nullable(c, subject))
    }),
];

// ---------------------------------------------------------------------------------------------
// Types and formats

/// A schema's type and format, as a message shows them: `string`, `integer (int64)`, `any`.
fn type_format(o: &Obj) -> String {
    let (types, _) = TypeSet::of(o);
    let t = if types.is_empty() {
        "any".to_string()
    } else {
        types.to_string()
    };
    match o.str("format") {
        Some(f) => format!("{t} ({f})"),
        None => t,
    }
}

/// Every value of type `sub` is also of type `sup` (an integer is a number).
fn subtype(sub: &str, sup: &str) -> bool {
    sub == sup || (sub == "integer" && sup == "number")
}

/// Every type of `sub` (non-empty) is covered by a type of `sup`.
fn covered(sub: TypeSet, sup: TypeSet) -> bool {
    !sub.is_empty() && sub.names().all(|t| sup.names().any(|s| subtype(t, s)))
}

/// A format change that accepts every value the old format did.
fn format_widened(types: TypeSet, from: Option<&str>, to: Option<&str>) -> bool {
    let Some(to) = to else {
        return true;
    };
    let mut names = types.names();
    let (Some(t), None) = (names.next(), names.next()) else {
        return false;
    };
    matches!(
        (t, from, to),
        ("number", Some("float"), "double")
            | ("integer", Some("int32"), "int64" | "bigint")
            | ("integer", Some("int64"), "bigint")
            | ("string", Some("date" | "time"), "date-time")
    )
}

/// An untyped schema whose keywords only ever applied to one type (`properties` to objects,
/// `items` to arrays) that now says so: a documentation fix in practice, not a restriction.
fn implied(old: &Obj, new_types: TypeSet) -> bool {
    let has = |keys: &[&str]| keys.iter().any(|k| old.get(k).is_some());
    let mut names = new_types.names();
    match (names.next(), names.next()) {
        (Some("object"), None) => has(&["properties", "additionalProperties", "required"]),
        (Some("array"), None) => has(&["items", "prefixItems"]),
        _ => false,
    }
}

/// Whether a request schema's type/format change rejects values it accepted before (oasdiff's
/// judgement): a wider type set, a dropped type constraint, `integer` -> `number` and a dropped
/// or widened format are fine; outside JSON (`strongly_typed` false) anything may also become a
/// string, since there every value is text. Unlike oasdiff, an untyped schema with `properties`
/// that gains `type: object` (or with `items`, `type: array`) is fine too.
fn type_change_breaking(old: &Obj, new: &Obj, strongly_typed: bool) -> bool {
    let ((ot, _), (nt, _)) = (TypeSet::of(old), TypeSet::of(new));
    let (of, nf) = (old.str("format"), new.str("format"));
    let type_changed = ot != nt;
    if type_changed && nt.is_empty() {
        return false;
    }
    let type_breaking = type_changed
        && !covered(ot, nt)
        && !(ot.is_empty() && implied(old, nt))
        && {
            let added: Vec<&str> = nt.names().filter(|t| !ot.contains(t)).collect();
            let removed: Vec<&str> = ot.names().filter(|t| !nt.contains(t)).collect();
            let contained = matches!((added.as_slice(), removed.as_slice()), ([a], [r]) if subtype(r, a))
                || (!strongly_typed && matches!(added.as_slice(), [] | ["string"]));
            !contained
        };
    let format_breaking = of != nf && !format_widened(nt, of, nf);
    type_breaking || format_breaking
}

/// JSON and `+json` media types tell a number from a string; text forms do not.
fn strongly_typed(c: &SchemaChange) -> bool {
    match c.site {
        Site::RequestBody { media } => {
            let media = media.split(';').next().unwrap_or("").trim();
            media == "application/json" || media.ends_with("+json")
        }
        _ => true,
    }
}

/// How a request schema's type/format change reads to a client.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TypeEdit {
    /// Values accepted before are refused.
    Breaking,
    /// Everything accepted before still is.
    Generalized,
    /// Everything accepted before still is, but only because the media type carries values as
    /// text: typed JSON values would break.
    Compatible,
}

/// The type/format change at `c`'s schema, when it reads as `want`. Not when one side is a list
/// of types (its own rules), nor, for a widening, when an untyped schema gains the type its
/// keywords implied (`properties` -> `object`: not breaking, see [`type_change_breaking`], but
/// not wider either).
fn type_change(c: &SchemaChange, want: TypeEdit) -> Option<String> {
    if !matches!(c.change, Change::Type { .. } | Change::Format { .. })
        || list_of_types(&c.old, &c.new).is_some()
    {
        return None;
    }
    let edit = if type_change_breaking(&c.old, &c.new, strongly_typed(c)) {
        TypeEdit::Breaking
    } else if TypeSet::of(&c.old).0.is_empty() && !TypeSet::of(&c.new).0.is_empty() {
        return None;
    } else if type_change_breaking(&c.old, &c.new, true) {
        TypeEdit::Compatible
    } else {
        TypeEdit::Generalized
    };
    if edit != want {
        return None;
    }
    let (from, to) = (type_format(&c.old), type_format(&c.new));
    let s = subject(c);
    Some(match edit {
        TypeEdit::Breaking => format!("the type/format of {s} changed from '{from}' to '{to}'"),
        TypeEdit::Generalized => {
            format!("the type/format of {s} was generalized from '{from}' to '{to}'")
        }
        TypeEdit::Compatible => format!(
            "the type/format of {s} was changed, compatibly for this text media type, from '{from}' to '{to}'"
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// Lists of types

/// The "list of types" a schema stands for: its single type, or the types of a `oneOf`/`anyOf`
/// whose branches are each nothing but one type (`oneOf: [{type: string}, {type: integer}]`).
/// `(types, is a list)`; `None` for anything else (objects, untyped schemas, ...).
fn type_pattern<'a>(o: &Obj<'a>) -> Option<(Vec<&'static str>, bool)> {
    let nonempty = |k: &str| {
        o.get(k).is_some_and(|n| {
            n.node.as_seq().is_some_and(|s| !s.is_empty())
                || n.node.as_map().is_some_and(|m| !m.is_empty())
        })
    };
    if o.get("not").is_some() || nonempty("allOf") || nonempty("properties") {
        return None;
    }
    let (types, _) = TypeSet::of(o);
    if let Some(t) = types.names().next() {
        return Some((vec![t], false));
    }
    for keyword in ["oneOf", "anyOf"] {
        let Some(list) = o.get(keyword) else {
            continue;
        };
        let mut found = Vec::new();
        for n in list.node.items() {
            let b = o.set.view(NodeRef::new(list.doc, n));
            let (t, _) = TypeSet::of(&b);
            let mut names = t.names();
            let simple = ["properties", "oneOf", "anyOf", "allOf"]
                .iter()
                .all(|k| b.get(k).is_none());
            match (names.next(), names.next()) {
                (Some(name), None) if simple => found.push(name),
                _ => {
                    found.clear();
                    break;
                }
            }
        }
        if !found.is_empty() {
            return Some((found, true));
        }
    }
    None
}

/// Types a list of types lost, when one side is a list of types and the other a list or a
/// single type (`Some(vec![])` when it changed without losing any).
pub(crate) fn list_of_types(old: &Obj, new: &Obj) -> Option<Vec<&'static str>> {
    let (o, n) = (type_pattern(old)?, type_pattern(new)?);
    if !o.1 && !n.1 {
        return None;
    }
    let same = o.0.iter().all(|t| n.0.contains(t)) && n.0.iter().all(|t| o.0.contains(t));
    if same {
        return None;
    }
    let mut lost: Vec<&str> = o.0.iter().copied().filter(|t| !n.0.contains(t)).collect();
    lost.dedup();
    Some(lost)
}

fn list_of_types_narrowed(c: &SchemaChange) -> Option<String> {
    let lost = list_of_types(&c.old, &c.new)?;
    (!lost.is_empty()).then(|| {
        format!(
            "the list of types of {} was narrowed: '{}' no longer accepted",
            subject(c),
            lost.join("', '")
        )
    })
}

fn list_of_types_widened(c: &SchemaChange) -> Option<String> {
    let lost = list_of_types(&c.old, &c.new)?;
    if !lost.is_empty() {
        return None;
    }
    let (old, _) = type_pattern(&c.old)?;
    let (new, _) = type_pattern(&c.new)?;
    let gained: Vec<&str> = new.into_iter().filter(|t| !old.contains(t)).collect();
    (!gained.is_empty()).then(|| {
        format!(
            "the list of types of {} was widened: '{}' now also accepted",
            subject(c),
            gained.join("', '")
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Nullability

/// Now admits null ([`nullability`], as requests read it); shared with the parameters.
pub(crate) fn became_nullable(c: &SchemaChange, subject: Subject) -> Option<String> {
    (nullability(c, Direction::Request) == Some(Admits::More))
        .then(|| format!("{} became nullable", subject(c)))
}

/// A schema of nothing but `type: 'null'` (3.1) or `enum: [null]` (annotations aside).
fn null_only(o: &Obj) -> bool {
    let (types, null) = TypeSet::of(o);
    let null_type = types.is_empty() && null && o.get("nullable").is_none();
    let null_enum = o.get("enum").is_some_and(|e| {
        e.node
            .as_seq()
            .is_some_and(|s| s.len() == 1 && s[0].is_null())
    });
    null_type || null_enum
}

/// `oneOf`/`anyOf: [{type: 'null'}, X]` became `X`: the schema no longer admits null. (Where
/// the walker itself reads a null alternative as nullability, this never matches and its
/// `Nullable` change is what reports it.)
pub(crate) fn nullable_unwrapped(c: &SchemaChange) -> bool {
    let Change::Unwrapped { kind, .. } = c.change else {
        return false;
    };
    if kind == Composition::AllOf || TypeSet::of(&c.new).1 {
        return false;
    }
    c.old.get(kind.keyword()).is_some_and(|list| {
        let branches: Vec<_> = list.node.items().collect();
        branches.len() == 2
            && branches
                .iter()
                .any(|n| null_only(&c.old.set.view(NodeRef::new(list.doc, n))))
    })
}

/// A 3.1 schema whose `type` list went entirely (no composition either) accepts values of
/// every type, null included: not a nullability loss. The 3.0 `nullable` keyword going is one,
/// whatever the type.
fn accepts_any_type(old: &Obj, new: &Obj) -> bool {
    !old.flag("nullable")
        && new.get("type").is_none()
        && ["allOf", "oneOf", "anyOf"]
            .iter()
            .all(|k| new.get(k).is_none())
}

/// No longer admits null. A request body reads this more broadly than [`nullability`] does for
/// the changelog rule and the parameters: a `nullable` that went counts whatever the type, a
/// 3.1 `"null"` that went counts unless no `type` and no composition are left, and a nullable
/// `oneOf` wrapper unwrapped counts too.
fn became_not_nullable(ctx: &Ctx, sink: &mut Sink, level: Level) {
    run(ctx, sink, Scope::at(level), |c| {
        let dropped = match c.change {
            Change::Nullable {
                from: true,
                to: false,
            } => !accepts_any_type(&c.old, &c.new),
            _ => nullable_unwrapped(c),
        };
        dropped.then(|| format!("{} no longer accepts null", subject(c)))
    });
}

/// Whether some change at the schema `c` sits at matches `pred`.
pub(crate) fn any_at(ctx: &Ctx, c: &SchemaChange, pred: impl Fn(&SchemaChange) -> bool) -> bool {
    ctx.changes_at(c).any(|d| d.in_request_body() && pred(d))
}
