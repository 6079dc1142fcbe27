//! Types and formats of a parameter's schema, its "list of types" (`oneOf` of plain types) and
//! its nullability. A parameter's own value is text on the wire, so only the text reading
//! counts (`integer` -> `string` is fine); inside an object parameter the serialization is
//! unknown, so a change breaking only as typed JSON is a warning. Narrowed is an error, widened
//! info; nullability is read as the request body reads it ([`nullability`]).

use super::super::body::{nullability, Admits, Direction::Request, Once};
use super::super::request_body::types::became_nullable;
use super::super::schema::{Change, Differ, SchemaChange, Segment, TypeSet};
use super::super::{Check, Ctx, Sink};
use super::{
    param_changes, report_changes, run, subject, Named,
    Scope::{Own, Property},
};
use crate::openapi::model::Param;
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
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
        "openapi/request-parameter-type-generalized",
        request_parameter_type_generalized,
    ),
    Rule::new(
        "openapi/request-parameter-property-type-generalized",
        request_parameter_property_type_generalized,
    ),
    Rule::new(
        "openapi/request-parameter-list-of-types-narrowed",
        |ctx, sink| list_of_types_narrowed(ctx, sink, true),
    ),
    Rule::new(
        "openapi/request-parameter-property-list-of-types-narrowed",
        |ctx, sink| list_of_types_narrowed(ctx, sink, false),
    ),
    Rule::new(
        "openapi/request-parameter-list-of-types-widened",
        request_parameter_list_of_types_widened,
    ),
    Rule::new(
        "openapi/request-parameter-property-list-of-types-widened",
        request_parameter_property_list_of_types_widened,
    ),
    // Nullability.
    Rule::new(
        "openapi/request-parameter-became-not-nullable",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                (c.path.is_empty() && nullability(c, Request) == Some(Admits::Less))
                    .then(|| format!("{p} became not nullable"))
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-property-became-not-nullable",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                (!c.path.is_empty() && nullability(c, Request) == Some(Admits::Less))
                    .then(|| format!("the property '{}' of {p} became not nullable", c.path))
            })
        },
    ),
    Rule::new("openapi/request-parameter-became-nullable", |ctx, sink| {
        run(ctx, sink, Own, |c| became_nullable(c, subject))
    }),
    Rule::new(
        "openapi/request-parameter-property-became-nullable",
        |ctx, sink| run(ctx, sink, Property, |c| became_nullable(c, subject)),
    ),
];

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

/// A parameter's own type/format change that accepts every value it did: a parameter value is
/// text on the wire, so only that reading counts (as for `request-parameter-type-changed`).
fn request_parameter_type_generalized(ctx: &Ctx, sink: &mut Sink) {
    for (t, p) in type_changes(ctx) {
        let c = t.first;
        if !c.path.is_empty() || param_type_list(&c.old, &c.new).is_some() {
            continue;
        }
        if t.verdict(false) || scalar_to_form_array(ctx, c, &p) {
            let (what, from, to) = t.describe();
            c.report(
                sink,
                format!("for {p}, the {what} was generalized from '{from}' to '{to}'"),
            );
        }
    }
}

/// Inside an object parameter the serialization is unknown, so a generalization must hold
/// both as text and as typed JSON.
fn request_parameter_property_type_generalized(ctx: &Ctx, sink: &mut Sink) {
    for (t, p) in type_changes(ctx) {
        let c = t.first;
        if c.path.is_empty() || param_type_list(&c.old, &c.new).is_some() || branch_of_type_list(c)
        {
            continue;
        }
        if t.verdict(true) && t.verdict(false) {
            let (what, from, to) = t.describe();
            c.report(
                sink,
                format!(
                    "for {p}, the {what} of the property '{}' was generalized from '{from}' to '{to}'",
                    c.path
                ),
            );
        }
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

/// A change inside an alternative of a list of types (`format: uuid` dropped as `type: string`
/// became `oneOf: [{type: string}, {type: integer}]`): the list rules tell that widening, once.
fn branch_of_type_list(c: &SchemaChange) -> bool {
    c.parent.as_ref().is_some_and(|parent| {
        matches!(parent.segment, Segment::Sub { .. })
            && param_type_list(&parent.old, &parent.new).is_some()
    })
}

/// One side is a list of types (`oneOf` of plain types): the list rules report it.
fn param_type_list(old: &Obj, new: &Obj) -> Option<(Vec<String>, Vec<String>)> {
    let (o, n) = (type_list(old)?, type_list(new)?);
    let is_list = |o: &Obj| o.get("type").is_none();
    (is_list(old) || is_list(new)).then_some((o, n))
}

/// A `oneOf`/`anyOf` of plain types (or a single type becoming or leaving one) lost a type:
/// values of that type are refused now.
fn list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink, own: bool) {
    let mut once = Once::default();
    for (c, p) in param_changes(ctx) {
        if c.path.is_empty() != own || !c.change.may_change_type_list() {
            continue;
        }
        if !once.first(c) {
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

fn request_parameter_list_of_types_widened(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_widened(ctx, sink, true);
}

fn request_parameter_property_list_of_types_widened(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_widened(ctx, sink, false);
}

/// A list of types (or a single type becoming one) that gained types and lost none.
fn list_of_types_widened(ctx: &Ctx, sink: &mut Sink, own: bool) {
    let mut once = Once::default();
    for (c, p) in param_changes(ctx) {
        let relevant = c.change.may_change_type_list();
        if c.path.is_empty() != own || !relevant || !once.first(c) {
            continue;
        }
        let Some((old, new)) = param_type_list(&c.old, &c.new) else {
            continue;
        };
        let added: Vec<&str> = new
            .iter()
            .filter(|t| !old.contains(t))
            .map(String::as_str)
            .collect();
        if added.is_empty() || old.iter().any(|t| !new.contains(t)) {
            continue;
        }
        let added = added.join(", ");
        let message = if own {
            format!("the types accepted by {p} were widened by adding {added}")
        } else {
            format!(
                "the types accepted by the property '{}' of {p} were widened by adding {added}",
                c.path
            )
        };
        c.report(sink, message);
    }
}
