//! The shape, types and values a request body accepts: types and formats, enums, `const`,
//! nullability, `required`, compositions, media types, property lifecycle (deprecation sunsets,
//! stability levels) and the JSON Schema 2020-12 keywords of OpenAPI 3.1 (`if`/`then`/`else`,
//! `dependentRequired`/`dependentSchemas`, `patternProperties`, `propertyNames`,
//! `unevaluated*`, `content*`, `prefixItems`).
//!
//! Like oasdiff, a change at the body's own schema is a `request-body-*` finding and a change
//! anywhere below it (properties, items, composition branches, ...) a `request-property-*` one
//! named by its property path. Unlike oasdiff, property-level findings leave out `readOnly`
//! schemas (clients never send them) and anything under `not` (a restriction there widens
//! what is accepted), so neither can be reported as breaking.
//!
//! Some edits show up as several raw changes; the rules here report the edit once:
//! - a "list of types" (`type: string` <-> `oneOf: [{type: string}, {type: integer}]`) that
//!   lost a type is `list-of-types-narrowed`, not also a removed `oneOf` branch or a type change;
//! - `oneOf: [{type: 'null'}, X]` unwrapped to `X` is `became-not-nullable`, not a removed
//!   `oneOf` branch.

use std::collections::HashSet;

use super::index::sunset_date;
use super::schema::{Change, Composition, SchemaChange, Site, TypeSet};
use super::{Check, Ctx, Sink};
use crate::openapi::model::{content, same_value};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/request-body-all-of-added",
        request_body_all_of_added,
    ),
    Rule::new(
        "openapi/request-body-all-of-removed",
        request_body_all_of_removed,
    ),
    Rule::new(
        "openapi/request-body-any-of-removed",
        request_body_any_of_removed,
    ),
    Rule::new("openapi/request-body-became-enum", request_body_became_enum),
    Rule::new(
        "openapi/request-body-became-not-nullable",
        request_body_became_not_nullable,
    ),
    Rule::new("openapi/request-body-const-added", request_body_const_added),
    Rule::new(
        "openapi/request-body-const-changed",
        request_body_const_changed,
    ),
    Rule::new(
        "openapi/request-body-enum-value-removed",
        request_body_enum_value_removed,
    ),
    Rule::new(
        "openapi/request-body-list-of-types-narrowed",
        request_body_list_of_types_narrowed,
    ),
    Rule::new(
        "openapi/request-body-media-type-removed",
        request_body_media_type_removed,
    ),
    Rule::new(
        "openapi/request-body-media-type-schema-added",
        request_body_media_type_schema_added,
    ),
    Rule::new(
        "openapi/request-body-one-of-removed",
        request_body_one_of_removed,
    ),
    Rule::new(
        "openapi/request-body-type-changed",
        request_body_type_changed,
    ),
    Rule::new(
        "openapi/request-property-all-of-added",
        request_property_all_of_added,
    ),
    Rule::new(
        "openapi/request-property-all-of-removed",
        request_property_all_of_removed,
    ),
    Rule::new(
        "openapi/request-property-any-of-removed",
        request_property_any_of_removed,
    ),
    Rule::new(
        "openapi/request-property-became-enum",
        request_property_became_enum,
    ),
    Rule::new(
        "openapi/request-property-became-not-nullable",
        request_property_became_not_nullable,
    ),
    Rule::new(
        "openapi/request-property-became-required",
        request_property_became_required,
    ),
    Rule::new(
        "openapi/request-property-became-required-with-default",
        request_property_became_required_with_default,
    ),
    Rule::new(
        "openapi/request-property-const-added",
        request_property_const_added,
    ),
    Rule::new(
        "openapi/request-property-const-changed",
        request_property_const_changed,
    ),
    Rule::new(
        "openapi/request-property-deprecated-sunset-invalid",
        request_property_deprecated_sunset_invalid,
    ),
    Rule::new(
        "openapi/request-property-deprecated-sunset-missing",
        request_property_deprecated_sunset_missing,
    ),
    Rule::new(
        "openapi/request-property-enum-value-removed",
        request_property_enum_value_removed,
    ),
    Rule::new(
        "openapi/request-property-list-of-types-narrowed",
        request_property_list_of_types_narrowed,
    ),
    Rule::new(
        "openapi/request-property-one-of-removed",
        request_property_one_of_removed,
    ),
    Rule::new(
        "openapi/request-property-stability-decreased",
        request_property_stability_decreased,
    ),
    Rule::new(
        "openapi/request-property-sunset-date-too-small",
        request_property_sunset_date_too_small,
    ),
    Rule::new(
        "openapi/request-property-type-changed",
        request_property_type_changed,
    ),
    Rule::new(
        "openapi/request-property-x-extensible-enum-value-removed",
        request_property_x_extensible_enum_value_removed,
    ),
    // JSON Schema 2020-12 (OpenAPI 3.1).
    Rule::new(
        "openapi/request-body-content-encoding-changed",
        request_body_content_encoding_changed,
    ),
    Rule::new(
        "openapi/request-body-content-media-type-changed",
        request_body_content_media_type_changed,
    ),
    Rule::new(
        "openapi/request-body-content-schema-added",
        request_body_content_schema_added,
    ),
    Rule::new(
        "openapi/request-body-dependent-required-added",
        request_body_dependent_required_added,
    ),
    Rule::new(
        "openapi/request-body-dependent-required-changed",
        request_body_dependent_required_changed,
    ),
    Rule::new(
        "openapi/request-body-dependent-schema-added",
        request_body_dependent_schema_added,
    ),
    Rule::new("openapi/request-body-else-added", request_body_else_added),
    Rule::new("openapi/request-body-if-added", request_body_if_added),
    Rule::new(
        "openapi/request-body-pattern-property-added",
        request_body_pattern_property_added,
    ),
    Rule::new(
        "openapi/request-body-prefix-items-removed",
        request_body_prefix_items_removed,
    ),
    Rule::new(
        "openapi/request-body-property-names-added",
        request_body_property_names_added,
    ),
    Rule::new("openapi/request-body-then-added", request_body_then_added),
    Rule::new(
        "openapi/request-body-unevaluated-items-added",
        request_body_unevaluated_items_added,
    ),
    Rule::new(
        "openapi/request-body-unevaluated-properties-added",
        request_body_unevaluated_properties_added,
    ),
    Rule::new(
        "openapi/request-property-content-encoding-changed",
        request_property_content_encoding_changed,
    ),
    Rule::new(
        "openapi/request-property-content-media-type-changed",
        request_property_content_media_type_changed,
    ),
    Rule::new(
        "openapi/request-property-content-schema-added",
        request_property_content_schema_added,
    ),
    Rule::new(
        "openapi/request-property-dependent-required-added",
        request_property_dependent_required_added,
    ),
    Rule::new(
        "openapi/request-property-dependent-required-changed",
        request_property_dependent_required_changed,
    ),
    Rule::new(
        "openapi/request-property-dependent-schema-added",
        request_property_dependent_schema_added,
    ),
    Rule::new(
        "openapi/request-property-else-added",
        request_property_else_added,
    ),
    Rule::new(
        "openapi/request-property-if-added",
        request_property_if_added,
    ),
    Rule::new(
        "openapi/request-property-pattern-property-added",
        request_property_pattern_property_added,
    ),
    Rule::new(
        "openapi/request-property-prefix-items-removed",
        request_property_prefix_items_removed,
    ),
    Rule::new(
        "openapi/request-property-property-names-added",
        request_property_property_names_added,
    ),
    Rule::new(
        "openapi/request-property-then-added",
        request_property_then_added,
    ),
    Rule::new(
        "openapi/request-property-unevaluated-items-added",
        request_property_unevaluated_items_added,
    ),
    Rule::new(
        "openapi/request-property-unevaluated-properties-added",
        request_property_unevaluated_properties_added,
    ),
];

// ---------------------------------------------------------------------------------------------
// Selecting changes

/// Which level a rule reports: the body's own schema, or anything below it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Body,
    Property,
}

impl Level {
    fn of(c: &SchemaChange) -> Level {
        if c.path.is_empty() {
            Level::Body
        } else {
            Level::Property
        }
    }
}

/// Under a `not`: constraints there are inverted, so a restriction widens.
pub(super) fn under_not(c: &SchemaChange) -> bool {
    c.under_not
}

/// Request-body changes at `level` that can affect what a client sends: property-level ones
/// leave out `readOnly` schemas and anything under `not`.
fn changes<'c, 'a>(ctx: &'c Ctx<'a>, level: Level) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    ctx.schema_changes().iter().filter(move |c| {
        c.in_request_body()
            && Level::of(c) == level
            && (level == Level::Body || !(c.in_read_only || under_not(c)))
    })
}

/// Run `f` over the changes at `level`, reporting what it returns.
fn each(ctx: &Ctx, sink: &mut Sink, level: Level, f: impl Fn(&SchemaChange) -> Option<String>) {
    for c in changes(ctx, level) {
        if let Some(message) = f(c) {
            c.report(sink, message);
        }
    }
}

/// Identity of the schema a change sits at: operation, media type and path.
type NodeKey<'c> = (usize, usize, &'c str, &'c str);

fn node_key<'c>(c: &'c SchemaChange) -> NodeKey<'c> {
    let media = match &c.site {
        Site::RequestBody { media } => *media,
        _ => "",
    };
    (c.spec, c.op, media, c.path.as_str())
}

/// Run `f` once per changed schema at `level` (the first change there stands for it).
fn each_node(
    ctx: &Ctx,
    sink: &mut Sink,
    level: Level,
    f: impl Fn(&SchemaChange) -> Option<String>,
) {
    let mut seen = HashSet::new();
    for c in changes(ctx, level) {
        if seen.insert(node_key(c)) {
            if let Some(message) = f(c) {
                c.report(sink, message);
            }
        }
    }
}

/// `'items/name'`, or the body.
fn what(c: &SchemaChange) -> String {
    match Level::of(c) {
        Level::Body => "the request body".to_string(),
        Level::Property => format!("the request property '{}'", c.path),
    }
}

/// A value as a short text: scalars as written, collections compacted.
pub(super) fn show(v: NodeRef) -> String {
    if let Some(s) = v.node.scalar_text(&v.doc.text) {
        return s.into_owned();
    }
    let text = v.node.source(&v.doc.text);
    let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if compact.chars().count() > 60 {
        format!("{}...", compact.chars().take(57).collect::<String>())
    } else {
        compact
    }
}

// ---------------------------------------------------------------------------------------------
// Types and formats

/// A schema's type and format, as a message shows them: `string`, `integer (int64)`, `any`.
pub(super) fn type_format(o: &Obj) -> String {
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
pub(super) fn type_change_breaking(old: &Obj, new: &Obj, strongly_typed: bool) -> bool {
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
pub(super) fn strongly_typed(c: &SchemaChange) -> bool {
    match c.site {
        Site::RequestBody { media } => {
            let media = media.split(';').next().unwrap_or("").trim();
            media == "application/json" || media.ends_with("+json")
        }
        _ => true,
    }
}

/// Once per schema whose type or format changed (the walker reports the two apart).
fn type_changed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    let mut seen = HashSet::new();
    for c in changes(ctx, level) {
        let relevant = matches!(c.change, Change::Type { .. } | Change::Format { .. });
        if !relevant || !seen.insert(node_key(c)) || list_of_types(&c.old, &c.new).is_some() {
            continue;
        }
        if type_change_breaking(&c.old, &c.new, strongly_typed(c)) {
            c.report(
                sink,
                format!(
                    "the type/format of {} changed from '{}' to '{}'",
                    what(c),
                    type_format(&c.old),
                    type_format(&c.new)
                ),
            );
        }
    }
}

/// Whether some change at the schema `c` sits at matches `pred`.
fn any_at(ctx: &Ctx, c: &SchemaChange, pred: impl Fn(&SchemaChange) -> bool) -> bool {
    let key = node_key(c);
    ctx.schema_changes()
        .iter()
        .any(|d| d.in_request_body() && node_key(d) == key && pred(d))
}

fn request_body_type_changed(ctx: &Ctx, sink: &mut Sink) {
    type_changed(ctx, sink, Level::Body);
}

fn request_property_type_changed(ctx: &Ctx, sink: &mut Sink) {
    type_changed(ctx, sink, Level::Property);
}

/// The "list of types" a schema stands for: its single type, or the types of a `oneOf`/`anyOf`
/// whose branches are each nothing but one type (`oneOf: [{type: string}, {type: integer}]`).
/// `(types, is a list)`; `None` for anything else (objects, untyped schemas, ...).
pub(super) fn type_pattern<'a>(o: &Obj<'a>) -> Option<(Vec<&'static str>, bool)> {
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
pub(super) fn list_of_types(old: &Obj, new: &Obj) -> Option<Vec<&'static str>> {
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

fn list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    each_node(ctx, sink, level, |c| {
        let lost = list_of_types(&c.old, &c.new)?;
        (!lost.is_empty()).then(|| {
            format!(
                "the list of types of {} was narrowed: '{}' no longer accepted",
                what(c),
                lost.join("', '")
            )
        })
    });
}

fn request_body_list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_narrowed(ctx, sink, Level::Body);
}

fn request_property_list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_narrowed(ctx, sink, Level::Property);
}

// ---------------------------------------------------------------------------------------------
// Nullability

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
fn nullable_unwrapped(c: &SchemaChange) -> bool {
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

fn became_not_nullable(ctx: &Ctx, sink: &mut Sink, level: Level) {
    each(ctx, sink, level, |c| {
        let dropped = match c.change {
            Change::Nullable {
                from: true,
                to: false,
            } => !accepts_any_type(&c.old, &c.new),
            _ => nullable_unwrapped(c),
        };
        dropped.then(|| format!("{} no longer accepts null", what(c)))
    });
}

fn request_body_became_not_nullable(ctx: &Ctx, sink: &mut Sink) {
    became_not_nullable(ctx, sink, Level::Body);
}

fn request_property_became_not_nullable(ctx: &Ctx, sink: &mut Sink) {
    became_not_nullable(ctx, sink, Level::Property);
}

// ---------------------------------------------------------------------------------------------
// Enums and const

fn became_enum(ctx: &Ctx, sink: &mut Sink, level: Level) {
    each(ctx, sink, level, |c| {
        matches!(c.change, Change::EnumAdded)
            .then(|| format!("{} was restricted to a list of enum values", what(c)))
    });
}

fn request_body_became_enum(ctx: &Ctx, sink: &mut Sink) {
    became_enum(ctx, sink, Level::Body);
}

fn request_property_became_enum(ctx: &Ctx, sink: &mut Sink) {
    became_enum(ctx, sink, Level::Property);
}

fn enum_value_removed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    each(ctx, sink, level, |c| match c.change {
        Change::EnumValueRemoved(v) => Some(format!(
            "removed the enum value '{}' of {}",
            show(v),
            what(c)
        )),
        _ => None,
    });
}

fn request_body_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    enum_value_removed(ctx, sink, Level::Body);
}

fn request_property_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    enum_value_removed(ctx, sink, Level::Property);
}

/// `x-extensible-enum` lists the values known today and promises more may come, so adding is
/// fine; a value that goes is one clients may still send.
fn request_property_x_extensible_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    for c in changes(ctx, Level::Property) {
        let Change::Keyword {
            name: "x-extensible-enum",
            from: Some(from),
            to: Some(to),
        } = c.change
        else {
            continue;
        };
        let (Some(old), Some(new)) = (from.node.as_seq(), to.node.as_seq()) else {
            continue;
        };
        for v in old {
            if !new.iter().any(|w| same_value(v, w)) {
                let value = NodeRef::new(from.doc, v);
                sink.report_operation(
                    &c.operation,
                    c.new_at.line_location(),
                    Some(value.line_location()),
                    format!(
                        "removed the x-extensible-enum value '{}' of {}",
                        show(value),
                        what(c)
                    ),
                );
            }
        }
    }
}

/// `Some((from, to))` for a `const` that appeared (`from` `None`) or changed.
fn const_change<'a>(c: &SchemaChange<'a>) -> Option<(Option<NodeRef<'a>>, NodeRef<'a>)> {
    match c.change {
        Change::Const { from, to: Some(to) } => Some((from, to)),
        _ => None,
    }
}

fn request_body_const_added(ctx: &Ctx, sink: &mut Sink) {
    const_added(ctx, sink, Level::Body);
}

fn request_property_const_added(ctx: &Ctx, sink: &mut Sink) {
    const_added(ctx, sink, Level::Property);
}

/// A `const` where there was none; not when an `enum` of that one value already said as much.
fn const_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    each(ctx, sink, level, |c| match const_change(c)? {
        (None, to) if !only_value(&c.old, to) => Some(format!(
            "{} now only accepts the const value '{}'",
            what(c),
            show(to)
        )),
        _ => None,
    });
}

/// `o` already accepted nothing but `value` (an `enum` of just it).
fn only_value(o: &Obj, value: NodeRef) -> bool {
    o.get("enum").is_some_and(|e| {
        e.node
            .as_seq()
            .is_some_and(|s| !s.is_empty() && s.iter().all(|v| same_value(v, value.node)))
    })
}

fn request_body_const_changed(ctx: &Ctx, sink: &mut Sink) {
    const_changed(ctx, sink, Level::Body);
}

fn request_property_const_changed(ctx: &Ctx, sink: &mut Sink) {
    const_changed(ctx, sink, Level::Property);
}

fn const_changed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    each(ctx, sink, level, |c| match const_change(c)? {
        (Some(from), to) => Some(format!(
            "the const value of {} changed from '{}' to '{}'",
            what(c),
            show(from),
            show(to)
        )),
        _ => None,
    });
}

// ---------------------------------------------------------------------------------------------
// Required properties

/// A property defined on both sides that joined `required` (not `readOnly`: clients never send
/// those): `Some(has a default)`.
fn became_required(c: &SchemaChange) -> Option<(String, bool)> {
    let Change::RequiredAdded { name } = c.change else {
        return None;
    };
    if under_not(c) {
        return None;
    }
    // Looking through `allOf`: a property may have moved into a branch.
    let property = super::schema::merged_property;
    let (_, new) = (property(&c.old, name)?, property(&c.new, name)?);
    if new.flag("readOnly") {
        return None;
    }
    Some((c.property(name), new.get("default").is_some()))
}

fn request_property_became_required(ctx: &Ctx, sink: &mut Sink) {
    for c in ctx.schema_changes().iter().filter(|c| c.in_request_body()) {
        if let Some((name, false)) = became_required(c) {
            c.report(
                sink,
                format!("the request property '{name}' became required"),
            );
        }
    }
}

fn request_property_became_required_with_default(ctx: &Ctx, sink: &mut Sink) {
    for c in ctx.schema_changes().iter().filter(|c| c.in_request_body()) {
        if let Some((name, true)) = became_required(c) {
            c.report(
                sink,
                format!(
                    "the request property '{name}' with a default value became required: \
                     requests that omit it are now invalid"
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compositions

/// Keywords that only annotate: a branch of nothing else accepts everything.
const ANNOTATIONS: [&str; 11] = [
    "title",
    "description",
    "example",
    "examples",
    "default",
    "externalDocs",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "xml",
];

/// The branch a `SubschemaAdded`/`SubschemaRemoved` change points at accepts anything.
pub(super) fn annotation_only(branch: NodeRef, set_of: &Obj) -> bool {
    let b = set_of.set.view(branch);
    b.is_map()
        && b.entries()
            .all(|(k, _)| k.starts_with("x-") || ANNOTATIONS.contains(&k))
}

/// Report, once per schema, the `kind` branches that were added (`added`) or removed, that
/// `keep` keeps.
fn branches(
    ctx: &Ctx,
    sink: &mut Sink,
    level: Level,
    kind: Composition,
    added: bool,
    keep: impl Fn(&SchemaChange) -> bool,
) {
    // In walk order, one entry per schema.
    let mut groups: Vec<(NodeKey, &SchemaChange, Vec<&str>)> = Vec::new();
    for c in changes(ctx, level) {
        let label = match &c.change {
            Change::SubschemaAdded { kind: k, label } if added && *k == kind => label,
            Change::SubschemaRemoved { kind: k, label } if !added && *k == kind => label,
            _ => continue,
        };
        if !keep(c) {
            continue;
        }
        let key = node_key(c);
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, labels)) => labels.push(label),
            None => groups.push((key, c, vec![label])),
        }
    }
    for (_, c, labels) in groups {
        let list = labels.join("', '");
        let k = kind.keyword();
        let message = if added {
            format!("added '{list}' to the {k} list of {}", what(c))
        } else {
            format!("removed '{list}' from the {k} list of {}", what(c))
        };
        c.report(sink, message);
    }
}

/// An `allOf` branch that constrains something: every added one is one more rule a request
/// must pass.
fn all_of_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    branches(ctx, sink, level, Composition::AllOf, true, |c| {
        !annotation_only(c.new_at, &c.new)
    });
}

/// A removed `allOf` branch: what it required is no longer checked, and what it defined may
/// be gone with it, so servers may no longer act on what clients send.
fn all_of_removed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    branches(ctx, sink, level, Composition::AllOf, false, |c| {
        !annotation_only(c.old_at, &c.old)
    });
}

/// A removed `oneOf`/`anyOf` alternative: payloads that matched only it are rejected. Not
/// when the edit was a list of types narrowing or a nullable wrapper going (their own rules).
fn alternative_removed(ctx: &Ctx, sink: &mut Sink, level: Level, kind: Composition) {
    branches(ctx, sink, level, kind, false, |c| {
        let explained =
            list_of_types(&c.old, &c.new).is_some() || any_at(ctx, c, nullable_unwrapped);
        !explained
    });
}

fn request_body_all_of_added(ctx: &Ctx, sink: &mut Sink) {
    all_of_added(ctx, sink, Level::Body);
}

fn request_property_all_of_added(ctx: &Ctx, sink: &mut Sink) {
    all_of_added(ctx, sink, Level::Property);
}

fn request_body_all_of_removed(ctx: &Ctx, sink: &mut Sink) {
    all_of_removed(ctx, sink, Level::Body);
}

fn request_property_all_of_removed(ctx: &Ctx, sink: &mut Sink) {
    all_of_removed(ctx, sink, Level::Property);
}

fn request_body_any_of_removed(ctx: &Ctx, sink: &mut Sink) {
    alternative_removed(ctx, sink, Level::Body, Composition::AnyOf);
}

fn request_property_any_of_removed(ctx: &Ctx, sink: &mut Sink) {
    alternative_removed(ctx, sink, Level::Property, Composition::AnyOf);
}

fn request_body_one_of_removed(ctx: &Ctx, sink: &mut Sink) {
    alternative_removed(ctx, sink, Level::Body, Composition::OneOf);
}

fn request_property_one_of_removed(ctx: &Ctx, sink: &mut Sink) {
    alternative_removed(ctx, sink, Level::Property, Composition::OneOf);
}

// ---------------------------------------------------------------------------------------------
// Media types

/// Every operation present on both sides with a request body on both sides.
fn for_each_body(ctx: &Ctx, mut f: impl FnMut(&str, Obj, Obj)) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            if let (Some(old), Some(new)) = (pair.old.request_body(), pair.new.request_body()) {
                f(pair.id(), old, new);
            }
        }
    }
}

fn request_body_media_type_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let kept = content(new.set, &new);
        for media in content(old.set, &old) {
            if !kept.iter().any(|m| m.name == media.name) {
                let at = new.at("content").unwrap_or(new.origin);
                sink.report_operation(
                    op,
                    at.line_location(),
                    Some(media.key.line_location()),
                    format!(
                        "removed the media type '{}' from the request body",
                        media.name
                    ),
                );
            }
        }
    });
}

/// A media type that took any payload now has a schema to pass.
fn request_body_media_type_schema_added(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let before = content(old.set, &old);
        for media in content(new.set, &new) {
            let Some(was) = before.iter().find(|m| m.name == media.name) else {
                continue;
            };
            if was.obj.get("schema").is_none() {
                if let Some(at) = media.obj.at("schema") {
                    sink.report_operation(
                        op,
                        at.line_location(),
                        Some(was.key.line_location()),
                        format!(
                            "added a schema to the request body media type '{}'",
                            media.name
                        ),
                    );
                }
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Property lifecycle

/// oasdiff raises this only under a deprecation policy (a minimum notice before sunset); in
/// treaty the rule is off by default and selecting it is the policy: every deprecated request
/// property must name its sunset.
fn request_property_deprecated_sunset_missing(ctx: &Ctx, sink: &mut Sink) {
    for c in changes(ctx, Level::Property) {
        let deprecated = matches!(
            c.change,
            Change::Flag {
                keyword: "deprecated",
                from: false,
                to: true,
            }
        );
        if deprecated && c.new.get("x-sunset").is_none() {
            c.report(
                sink,
                format!(
                    "the request property '{}' was deprecated without a sunset date",
                    c.path
                ),
            );
        }
    }
}

/// A property that became deprecated, with its `x-sunset` when it has one.
fn newly_deprecated<'c, 'a>(
    ctx: &'c Ctx<'a>,
) -> impl Iterator<Item = (&'c SchemaChange<'a>, NodeRef<'a>)> {
    changes(ctx, Level::Property).filter_map(|c| match c.change {
        Change::Flag {
            keyword: "deprecated",
            from: false,
            to: true,
        } => c.new.get("x-sunset").map(|s| (c, s)),
        _ => None,
    })
}

fn request_property_deprecated_sunset_invalid(ctx: &Ctx, sink: &mut Sink) {
    for (c, sunset) in newly_deprecated(ctx) {
        if let Err(e) = sunset_date(sunset) {
            c.report(
                sink,
                format!(
                    "the request property '{}' was deprecated with an unreadable sunset date: {e}",
                    c.path
                ),
            );
        }
    }
}

/// oasdiff's default minimum deprecation period is 0 days: a sunset date already past is too
/// early (clients had no time at all).
fn request_property_sunset_date_too_small(ctx: &Ctx, sink: &mut Sink) {
    for (c, sunset) in newly_deprecated(ctx) {
        if let Ok(date) = sunset_date(sunset) {
            if date < ctx.today {
                c.report(
                    sink,
                    format!(
                        "the request property '{}' was deprecated with the sunset date '{date}', \
                         which is already past",
                        c.path
                    ),
                );
            }
        }
    }
}

/// `x-stability-level` by rank: `draft` < `alpha` < `beta` < `stable`; absent means stable.
/// `None` for a value that is not a level.
fn stability_rank(v: Option<NodeRef>) -> Option<(u8, &'static str)> {
    let Some(v) = v else {
        return Some((3, "stable"));
    };
    match v.node.as_str()? {
        "draft" => Some((0, "draft")),
        "alpha" => Some((1, "alpha")),
        "beta" => Some((2, "beta")),
        "stable" => Some((3, "stable")),
        _ => None,
    }
}

/// A property that was `beta` or `stable` (what oasdiff checks by default) promised more than
/// it now does.
fn request_property_stability_decreased(ctx: &Ctx, sink: &mut Sink) {
    each(ctx, sink, Level::Property, |c| {
        let Change::Keyword {
            name: "x-stability-level",
            from,
            to,
        } = c.change
        else {
            return None;
        };
        let ((was, from), (now, to)) = (stability_rank(from)?, stability_rank(to)?);
        (was >= 2 && now < was).then(|| {
            format!(
                "the stability level of the request property '{}' decreased from '{from}' to '{to}'",
                c.path
            )
        })
    });
}

// ---------------------------------------------------------------------------------------------
// JSON Schema 2020-12 keywords (OpenAPI 3.1)

/// A schema that accepts everything: `true` or `{}`.
fn accepts_all(v: NodeRef) -> bool {
    v.node.as_bool() == Some(true) || v.node.as_map().is_some_and(|m| m.is_empty())
}

/// A subschema under `keyword` (non-trivial) that `c`'s schema gained.
fn gained<'a>(c: &SchemaChange<'a>, keyword: &str) -> Option<NodeRef<'a>> {
    match c.change {
        Change::SchemaAdded { keyword: k } if k == keyword => {
            c.new.get(keyword).filter(|v| !accepts_all(*v))
        }
        _ => None,
    }
}

/// A subschema that now constrains requests. `if` only selects between `then` and `else`, and
/// those apply only with an `if`, so each counts only with its partner there.
fn keyword_added(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &'static str) {
    each(ctx, sink, level, |c| {
        gained(c, keyword)?;
        let active = match keyword {
            "if" => ["then", "else"]
                .iter()
                .any(|k| c.new.get(k).is_some_and(|v| !accepts_all(v))),
            "then" | "else" => c.new.get("if").is_some(),
            _ => true,
        };
        active.then(|| format!("added the '{keyword}' subschema to {}", what(c)))
    });
}

fn request_body_if_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Body, "if");
}

fn request_property_if_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Property, "if");
}

fn request_body_then_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Body, "then");
}

fn request_property_then_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Property, "then");
}

fn request_body_else_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Body, "else");
}

fn request_property_else_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Property, "else");
}

fn request_body_property_names_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Body, "propertyNames");
}

fn request_property_property_names_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Property, "propertyNames");
}

fn request_body_unevaluated_items_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Body, "unevaluatedItems");
}

fn request_property_unevaluated_items_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Property, "unevaluatedItems");
}

fn request_body_unevaluated_properties_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Body, "unevaluatedProperties");
}

fn request_property_unevaluated_properties_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Property, "unevaluatedProperties");
}

fn request_body_content_schema_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Body, "contentSchema");
}

fn request_property_content_schema_added(ctx: &Ctx, sink: &mut Sink) {
    keyword_added(ctx, sink, Level::Property, "contentSchema");
}

/// `contentMediaType`/`contentEncoding` set or changed: clients encode the string the old way.
/// Dropping one is not reported (the string is then taken as it is).
fn content_keyword_changed(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &'static str) {
    each(ctx, sink, level, |c| match c.change {
        Change::Keyword {
            name,
            from,
            to: Some(to),
        } if name == keyword => Some(format!(
            "the {keyword} of {} changed from '{}' to '{}'",
            what(c),
            from.map_or_else(|| "none".to_string(), show),
            show(to)
        )),
        _ => None,
    });
}

fn request_body_content_media_type_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Body, "contentMediaType");
}

fn request_property_content_media_type_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Property, "contentMediaType");
}

fn request_body_content_encoding_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Body, "contentEncoding");
}

fn request_property_content_encoding_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Property, "contentEncoding");
}

/// The key of the `keyword` map entry whose value is `value` (`patternProperties`,
/// `dependentSchemas`: the walker reports the entry's value).
fn entry_key<'a>(schema: &Obj<'a>, keyword: &str, value: NodeRef) -> Option<&'a str> {
    schema
        .get(keyword)?
        .node
        .entries()
        .find(|(_, v)| std::ptr::eq(*v, value.node))
        .map(|(k, _)| k)
}

/// A new non-trivial entry of a schema map (`patternProperties`, `dependentSchemas`).
fn entry_added(
    ctx: &Ctx,
    sink: &mut Sink,
    level: Level,
    keyword: &'static str,
    message: impl Fn(&str, String) -> String,
) {
    each(ctx, sink, level, |c| match c.change {
        Change::Keyword {
            name,
            from: None,
            to: Some(to),
        } if name == keyword && !accepts_all(to) => {
            let key = entry_key(&c.new, keyword, to)?;
            Some(message(key, what(c)))
        }
        _ => None,
    });
}

fn request_body_pattern_property_added(ctx: &Ctx, sink: &mut Sink) {
    pattern_property_added(ctx, sink, Level::Body);
}

fn request_property_pattern_property_added(ctx: &Ctx, sink: &mut Sink) {
    pattern_property_added(ctx, sink, Level::Property);
}

/// Properties whose names match the pattern must now pass its schema.
fn pattern_property_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    entry_added(ctx, sink, level, "patternProperties", |key, what| {
        format!("added the pattern property '{key}' to {what}")
    });
}

fn request_body_dependent_schema_added(ctx: &Ctx, sink: &mut Sink) {
    dependent_schema_added(ctx, sink, Level::Body);
}

fn request_property_dependent_schema_added(ctx: &Ctx, sink: &mut Sink) {
    dependent_schema_added(ctx, sink, Level::Property);
}

/// Objects with the property must now pass its dependent schema too.
fn dependent_schema_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    entry_added(ctx, sink, level, "dependentSchemas", |key, what| {
        format!("added a dependent schema for '{key}' to {what}")
    });
}

/// `dependentRequired` as (property, [names required with it]).
fn dependent_required<'a>(v: Option<NodeRef<'a>>) -> Vec<(&'a str, Vec<&'a str>)> {
    v.map(|v| {
        v.node
            .entries()
            .map(|(k, names)| (k, names.items().filter_map(|n| n.as_str()).collect()))
            .collect()
    })
    .unwrap_or_default()
}

/// `Some(key, names)` per entry of a `dependentRequired` change: new entries (`added`) or
/// entries that now require names they did not (`!added`).
fn dependent_required_changes<'a>(
    c: &SchemaChange<'a>,
    added: bool,
) -> Vec<(&'a str, Vec<&'a str>)> {
    let Change::Keyword {
        name: "dependentRequired",
        from,
        to,
    } = c.change
    else {
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

fn dependent_required_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    for c in changes(ctx, level) {
        for (key, names) in dependent_required_changes(c, true) {
            c.report(
                sink,
                format!(
                    "{} now requires '{}' whenever '{key}' is present (dependentRequired)",
                    what(c),
                    names.join("', '")
                ),
            );
        }
    }
}

fn dependent_required_changed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    for c in changes(ctx, level) {
        for (key, names) in dependent_required_changes(c, false) {
            c.report(
                sink,
                format!(
                    "{} now also requires '{}' whenever '{key}' is present (dependentRequired)",
                    what(c),
                    names.join("', '")
                ),
            );
        }
    }
}

fn request_body_dependent_required_added(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_added(ctx, sink, Level::Body);
}

fn request_property_dependent_required_added(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_added(ctx, sink, Level::Property);
}

fn request_body_dependent_required_changed(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_changed(ctx, sink, Level::Body);
}

fn request_property_dependent_required_changed(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_changed(ctx, sink, Level::Property);
}

/// `prefixItems` entries that went: the items at those positions now fall to `items` (or
/// `unevaluatedItems`). With neither, they accept anything and nothing is reported.
fn prefix_items_removed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    let mut groups: Vec<(NodeKey, &SchemaChange, &str)> = Vec::new();
    for c in changes(ctx, level) {
        if !matches!(
            c.change,
            Change::Keyword {
                name: "prefixItems",
                from: Some(_),
                to: None
            }
        ) {
            continue;
        }
        // Which keyword now checks the positions that lost their own schema.
        let Some(by) = ["items", "unevaluatedItems"]
            .into_iter()
            .find(|k| c.new.get(k).is_some_and(|v| !accepts_all(v)))
        else {
            continue;
        };
        let key = node_key(c);
        if !groups.iter().any(|(k, _, _)| *k == key) {
            groups.push((key, c, by));
        }
    }
    for (_, c, by) in groups {
        let kept = c
            .new
            .get("prefixItems")
            .map_or(0, |p| p.node.items().count());
        c.report(
            sink,
            format!(
                "removed the prefixItems of {} from index {kept} on: items there must now pass '{by}'",
                what(c)
            ),
        );
    }
}

fn request_body_prefix_items_removed(ctx: &Ctx, sink: &mut Sink) {
    prefix_items_removed(ctx, sink, Level::Body);
}

fn request_property_prefix_items_removed(ctx: &Ctx, sink: &mut Sink) {
    prefix_items_removed(ctx, sink, Level::Property);
}
