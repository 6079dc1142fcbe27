//! Types and formats, lists of types and nullability of what a client reads. A response that
//! may now carry a type, format or null it did not is an error (`changed`, `generalized`,
//! `list-of-types-widened`, `became-nullable`); one narrowed, or changed only in a way text
//! media cannot tell (`compatible`), is info. A type and a format change at one schema are one
//! finding, and a list of types (`oneOf` of plain types) is reported as such, not as branches.
//! Response headers are judged with the same verdicts, as text ([`super::super::headers`]).

use super::super::body::{nullability, Admits, Direction, Level, Once};
use super::super::schema::{Change, SchemaChange, TypeSet};
use super::super::{Check, Ctx, Sink};
use super::{changes, media, status, subject};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/response-body-type-changed", |ctx, sink| {
        body_types(ctx, sink, Level::Body, TypeEdit::Changed)
    }),
    Rule::new("openapi/response-property-type-changed", |ctx, sink| {
        body_types(ctx, sink, Level::Property, TypeEdit::Changed)
    }),
    Rule::new("openapi/response-body-type-generalized", |ctx, sink| {
        body_types(ctx, sink, Level::Body, TypeEdit::Generalized)
    }),
    Rule::new("openapi/response-property-type-generalized", |ctx, sink| {
        body_types(ctx, sink, Level::Property, TypeEdit::Generalized)
    }),
    Rule::new("openapi/response-body-type-specialized", |ctx, sink| {
        body_types(ctx, sink, Level::Body, TypeEdit::Specialized)
    }),
    Rule::new("openapi/response-property-type-specialized", |ctx, sink| {
        body_types(ctx, sink, Level::Property, TypeEdit::Specialized)
    }),
    Rule::new("openapi/response-body-type-compatible", |ctx, sink| {
        body_types(ctx, sink, Level::Body, TypeEdit::Compatible)
    }),
    Rule::new("openapi/response-property-type-compatible", |ctx, sink| {
        body_types(ctx, sink, Level::Property, TypeEdit::Compatible)
    }),
    Rule::new(
        "openapi/response-body-list-of-types-widened",
        |ctx, sink| list_of_types(ctx, sink, Level::Body, Admits::More),
    ),
    Rule::new(
        "openapi/response-property-list-of-types-widened",
        |ctx, sink| list_of_types(ctx, sink, Level::Property, Admits::More),
    ),
    Rule::new(
        "openapi/response-body-list-of-types-narrowed",
        |ctx, sink| list_of_types(ctx, sink, Level::Body, Admits::Less),
    ),
    Rule::new(
        "openapi/response-property-list-of-types-narrowed",
        |ctx, sink| list_of_types(ctx, sink, Level::Property, Admits::Less),
    ),
    // Nullability.
    Rule::new("openapi/response-body-became-nullable", |ctx, sink| {
        nullable(sink, changes(ctx, Level::Body), subject, Admits::More)
    }),
    Rule::new("openapi/response-property-became-nullable", |ctx, sink| {
        nullable(sink, changes(ctx, Level::Property), subject, Admits::More)
    }),
    Rule::new("openapi/response-body-became-not-nullable", |ctx, sink| {
        nullable(sink, changes(ctx, Level::Body), subject, Admits::Less)
    }),
    Rule::new(
        "openapi/response-property-became-not-nullable",
        |ctx, sink| nullable(sink, changes(ctx, Level::Property), subject, Admits::Less),
    ),
];

// ---------------------------------------------------------------------------------------------
// Types and formats

/// How a response type/format change reads to a client (oasdiff's response verdicts).
#[derive(Debug, PartialEq, Eq)]
enum TypeVerdict {
    /// A new type or format the client cannot read as the old one.
    Changed,
    /// The set of types grew (`integer` -> `number`, `string` -> `[string, integer]`).
    Generalized,
    /// Narrower or compatible: not breaking.
    Fine,
}

fn subtype(sub: &str, sup: &str) -> bool {
    sub == sup || (sub == "integer" && sup == "number")
}

/// `sub` is non-empty and every type in it is covered by one in `sup`.
fn covered(sub: TypeSet, sup: TypeSet) -> bool {
    !sub.is_empty() && sub.names().all(|t| sup.names().any(|s| subtype(t, s)))
}

/// JSON tells `1` from `"1"`; in text media (and headers) any value reads as a string.
pub(crate) fn strongly_typed(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The types a schema allows: its own `type`, else what its `allOf` branches all allow (a
/// schema refactored into `allOf: [{$ref: Base}]` keeps Base's type).
fn effective_types(o: &Obj) -> TypeSet {
    fn go(o: &Obj, depth: usize) -> TypeSet {
        let own = TypeSet::of(o).0;
        if !own.is_empty() || depth >= 8 {
            return own;
        }
        let Some(list) = o.get("allOf") else {
            return own;
        };
        list.node
            .items()
            .map(|b| go(&o.set.view(NodeRef::new(list.doc, b)), depth + 1))
            .filter(|t| !t.is_empty())
            .reduce(TypeSet::intersect)
            .unwrap_or_default()
    }
    go(o, 0)
}

fn type_verdict(old: &Obj, new: &Obj, strongly: bool) -> TypeVerdict {
    let (ot, nt) = (effective_types(old), effective_types(new));
    let (of, nf) = (old.str("format"), new.str("format"));
    let type_changed = ot != nt;
    // Fewer types is fine for a reader; the format is still judged on its own.
    let type_diff = type_changed && !covered(nt, ot);
    if type_diff && ot.is_empty() {
        // It was untyped: anything was possible before.
        return TypeVerdict::Fine;
    }
    let type_breaking = type_diff && {
        let gone: Vec<&str> = ot.names().filter(|t| !nt.contains(t)).collect();
        let came: Vec<&str> = nt.names().filter(|t| !ot.contains(t)).collect();
        let contained = match (gone.as_slice(), came.as_slice()) {
            ([g], [c]) if subtype(c, g) => true,
            _ if !strongly => gone.is_empty() || gone == ["string"],
            _ => false,
        };
        !contained
    };
    let format_breaking = of != nf && {
        let contained = match of {
            None => true,
            Some(was) => {
                let now = nf.unwrap_or("");
                let single = (ot.names().count() == 1)
                    .then(|| ot.names().next())
                    .flatten();
                matches!(
                    (single, was, now),
                    (Some("number"), "double", "float")
                        | (Some("integer"), "int64", "int32")
                        | (Some("integer"), "bigint", "int32" | "int64")
                        | (Some("string"), "date-time", "date" | "time")
                )
            }
        };
        !contained
    };
    if !(type_breaking || format_breaking) {
        TypeVerdict::Fine
    } else if type_changed && covered(ot, nt) {
        TypeVerdict::Generalized
    } else {
        TypeVerdict::Changed
    }
}

/// `type`, `format` or `type/format`, and each side rendered that way.
fn type_change_text(old: &Obj, new: &Obj) -> (&'static str, String, String) {
    let types = |o: &Obj| {
        let t = effective_types(o);
        if t.is_empty() {
            "any".to_string()
        } else {
            t.to_string()
        }
    };
    let format = |o: &Obj| o.str("format").unwrap_or("none").to_string();
    let type_changed = effective_types(old) != effective_types(new);
    let format_changed = old.str("format") != new.str("format");
    match (type_changed, format_changed) {
        (true, false) => ("type", types(old), types(new)),
        (false, true) => ("format", format(old), format(new)),
        _ => {
            let both = |o: &Obj| match o.str("format") {
                Some(f) => format!("{}/{f}", types(o)),
                None => types(o),
            };
            ("type/format", both(old), both(new))
        }
    }
}

/// Type/format changes with `verdict`, once per schema (a type and a format change at the
/// same schema are one finding).
fn type_changes<'c, 'a>(
    changes: impl Iterator<Item = &'c SchemaChange<'a>>,
    verdict: TypeVerdict,
    strongly: impl Fn(&SchemaChange) -> bool,
) -> Vec<&'c SchemaChange<'a>>
where
    'a: 'c,
{
    changes
        .filter(|c| match c.change {
            Change::Type { .. } => true,
            // With a type change too, that change speaks for both.
            Change::Format { .. } => effective_types(&c.old) == effective_types(&c.new),
            _ => false,
        })
        .filter(|c| !in_list_of_types(c))
        .filter(|c| type_verdict(&c.old, &c.new, strongly(c)) == verdict)
        .collect()
}

/// A non-breaking type change that swaps one concrete type for another (oasdiff's
/// "compatible": allowed only because the media type is not strongly typed), rather than
/// narrowing the set of types ("specialized").
fn loose_swap(c: &SchemaChange) -> bool {
    let (ot, nt) = (effective_types(&c.old), effective_types(&c.new));
    ot != nt && !ot.is_empty() && !nt.is_empty() && !covered(nt, ot)
}

/// The four ways a response type/format change reads, one rule each.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeEdit {
    /// A new type or format a client cannot read as the old one.
    Changed,
    /// The set of types grew (`integer` -> `number`, `string` -> `[string, integer]`).
    Generalized,
    /// Narrowed: not breaking.
    Specialized,
    /// One concrete type swapped for another, fine only because the content is text (oasdiff's
    /// "compatible").
    Compatible,
}

/// Report the type/format changes among `changes` that read as `edit`, naming the schema with
/// `who`; `strongly`: whether the content tells `1` from `"1"`.
pub(crate) fn type_rule<'c, 'a: 'c>(
    sink: &mut Sink,
    changes: impl Iterator<Item = &'c SchemaChange<'a>>,
    strongly: impl Fn(&SchemaChange) -> bool,
    who: impl Fn(&SchemaChange) -> String,
    edit: TypeEdit,
) {
    let verdict = match edit {
        TypeEdit::Changed => TypeVerdict::Changed,
        TypeEdit::Generalized => TypeVerdict::Generalized,
        TypeEdit::Specialized | TypeEdit::Compatible => TypeVerdict::Fine,
    };
    for c in type_changes(changes, verdict, strongly) {
        let how = match edit {
            TypeEdit::Changed => "changed",
            TypeEdit::Generalized => "was widened",
            TypeEdit::Specialized | TypeEdit::Compatible => {
                // A `type` moved into an `allOf` branch is the same type: nothing to list.
                let same = effective_types(&c.old) == effective_types(&c.new)
                    && c.old.str("format") == c.new.str("format");
                let compatible = edit == TypeEdit::Compatible;
                if same || loose_swap(c) != compatible {
                    continue;
                }
                if compatible {
                    "changed compatibly (the content is text)"
                } else {
                    "was narrowed"
                }
            }
        };
        let (dimension, from, to) = type_change_text(&c.old, &c.new);
        c.report(
            sink,
            format!(
                "{} {dimension} {how} from '{from}' to '{to}' for the status {}",
                who(c),
                status(c)
            ),
        );
    }
}

fn body_types(ctx: &Ctx, sink: &mut Sink, level: Level, edit: TypeEdit) {
    type_rule(
        sink,
        changes(ctx, level),
        |c| strongly_typed(media(c)),
        subject,
        edit,
    );
}

// ---------------------------------------------------------------------------------------------
// Lists of types

/// The "list of types" pattern: a single type, or a `oneOf`/`anyOf` of nothing but one-type
/// schemas (`oneOf: [{type: string}, {type: integer}]`). `null` is left out: it is reported
/// as nullability.
fn type_pattern<'a>(o: &Obj<'a>) -> Option<(Vec<&'a str>, bool)> {
    let non_empty = |k: &str| {
        o.get(k)
            .is_some_and(|v| v.node.items().next().is_some() || v.node.entries().next().is_some())
    };
    if o.get("not").is_some() || non_empty("allOf") || non_empty("properties") {
        return None;
    }
    let first_type = |o: &Obj<'a>| -> Option<&'a str> {
        let t = o.get("type")?;
        t.node
            .as_str()
            .or_else(|| t.node.items().next().and_then(|n| n.as_str()))
    };
    if let Some(t) = first_type(o) {
        return Some((vec![t], false));
    }
    for keyword in ["oneOf", "anyOf"] {
        let Some(list) = o.get(keyword) else { continue };
        let mut types = Vec::new();
        let mut all_simple = list.node.items().next().is_some();
        for item in list.node.items() {
            let b = o.set.view(NodeRef::new(list.doc, item));
            let one_type = b
                .get("type")
                .is_some_and(|t| t.node.as_str().is_some() || t.node.items().count() == 1);
            let complex = ["properties", "oneOf", "anyOf", "allOf"]
                .iter()
                .any(|k| b.get(k).is_some());
            match first_type(&b) {
                Some(t) if one_type && !complex => types.push(t),
                _ => all_simple = false,
            }
        }
        if all_simple && !types.is_empty() {
            return Some((types, true));
        }
    }
    None
}

/// Types a list-of-types change added, when the schema moved into, out of or within that
/// pattern (`type: string` -> `oneOf: [{type: string}, {type: integer}]` added `integer`).
fn list_of_types_added<'a>(old: &Obj<'a>, new: &Obj<'a>) -> Option<Vec<&'a str>> {
    let (ot, ol) = type_pattern(old)?;
    let (nt, nl) = type_pattern(new)?;
    if !ol && !nl {
        return None;
    }
    let added: Vec<&str> = nt
        .iter()
        .copied()
        .filter(|t| *t != "null" && !ot.contains(t))
        .fold(Vec::new(), |mut v, t| {
            if !v.contains(&t) {
                v.push(t);
            }
            v
        });
    Some(added)
}

/// Is the change at a node that the list-of-types pattern explains?
pub(crate) fn in_list_of_types(c: &SchemaChange) -> bool {
    list_of_types_added(&c.old, &c.new).is_some()
}

/// Did the list of types at this node gain or lose a type (a `list-of-types-*` finding)? An
/// alternative added or removed without changing the types (a second `type: string` with
/// another `enum`) is not, and is reported as a branch.
pub(crate) fn list_of_types_changed(c: &SchemaChange) -> bool {
    let gained = |from, to| list_of_types_added(from, to).is_some_and(|t| !t.is_empty());
    gained(&c.old, &c.new) || gained(&c.new, &c.old)
}

/// A list of types that gained types (`More`: the response may now be of a type clients do not
/// expect) or lost some, once per schema.
fn list_of_types(ctx: &Ctx, sink: &mut Sink, level: Level, admits: Admits) {
    let mut once = Once::default();
    for c in changes(ctx, level) {
        if !c.change.may_change_type_list() {
            continue;
        }
        // The types the old list lacks, or (read backwards) the types the new one lacks.
        let (from, to) = match admits {
            Admits::More => (&c.old, &c.new),
            Admits::Less => (&c.new, &c.old),
        };
        let Some(types) = list_of_types_added(from, to) else {
            continue;
        };
        if types.is_empty() || !once.first(c) {
            continue;
        }
        let how = match admits {
            Admits::More => "may now be of type",
            Admits::Less => "is no longer of type",
        };
        let what = match admits {
            Admits::More => "widened",
            Admits::Less => "narrowed",
        };
        c.report(
            sink,
            format!(
                "{} {how} {} (list of types {what}) in the '{}' content of the {} response",
                subject(c),
                types.join(", "),
                media(c),
                status(c)
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Nullability

/// Null admitted now (`More`: clients may get a null they did not expect) or no longer
/// ([`nullability`], as responses read it), naming the schema with `who`.
pub(crate) fn nullable<'c, 'a: 'c>(
    sink: &mut Sink,
    changes: impl Iterator<Item = &'c SchemaChange<'a>>,
    who: impl Fn(&SchemaChange) -> String,
    admits: Admits,
) {
    for c in changes {
        if nullability(c, Direction::Response) != Some(admits) {
            continue;
        }
        let how = match admits {
            Admits::More => "became nullable",
            Admits::Less => "is no longer nullable",
        };
        c.report(
            sink,
            format!("{} {how} for the status {}", who(c), status(c)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_is_strongly_typed() {
        assert!(strongly_typed("application/json"));
        assert!(strongly_typed("application/problem+json; charset=utf-8"));
        assert!(!strongly_typed("text/plain"));
        assert!(!strongly_typed("application/xml"));
    }
}
