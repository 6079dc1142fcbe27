//! What a client reads back: response bodies (properties removed, made optional or nullable,
//! retyped, given new enum values or alternatives, and the JSON Schema 2020-12 keywords that
//! constrain them), response headers and response media types. Semantics, ids and levels follow
//! oasdiff's response checks (`check_response_*.go`, `check_media_type_schema_existence.go`,
//! `check_property_stability_level.go`); two treaty guide rules close the file: a success status
//! that changed and an error body that drifted from the error shape.
//!
//! Responses are covariant: what was promised must still hold, so anything that widens what
//! the server may send (a new type, a new enum value, null, a missing field) breaks readers,
//! and anything that narrows it does not. Schema rules are filters over the shared walk
//! ([`super::schema`]); a "body" rule is about the response schema itself (empty path), a
//! "property" rule about anything below it, as in oasdiff.

use std::collections::HashSet;

use super::index::{sunset_date, Date, OperationPair};
use super::schema::{
    pair_media, Change, Composition, MediaName, SchemaChange, Segment, Site, TypeSet,
};
use super::{Check, Ctx, Sink};
use crate::openapi::model::{content, Response};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/error-shape-drift", error_shape_drift),
    Rule::new(
        "openapi/response-body-became-nullable",
        response_body_became_nullable,
    ),
    Rule::new(
        "openapi/response-body-const-changed",
        response_body_const_changed,
    ),
    Rule::new(
        "openapi/response-body-const-removed",
        response_body_const_removed,
    ),
    Rule::new(
        "openapi/response-body-content-encoding-changed",
        response_body_content_encoding_changed,
    ),
    Rule::new(
        "openapi/response-body-content-media-type-changed",
        response_body_content_media_type_changed,
    ),
    Rule::new(
        "openapi/response-body-content-schema-removed",
        response_body_content_schema_removed,
    ),
    Rule::new(
        "openapi/response-body-dependent-required-changed",
        response_body_dependent_required_changed,
    ),
    Rule::new(
        "openapi/response-body-dependent-required-removed",
        response_body_dependent_required_removed,
    ),
    Rule::new(
        "openapi/response-body-dependent-schema-removed",
        response_body_dependent_schema_removed,
    ),
    Rule::new(
        "openapi/response-body-else-removed",
        response_body_else_removed,
    ),
    Rule::new("openapi/response-body-if-removed", response_body_if_removed),
    Rule::new(
        "openapi/response-body-list-of-types-widened",
        response_body_list_of_types_widened,
    ),
    Rule::new(
        "openapi/response-body-media-type-schema-removed",
        response_body_media_type_schema_removed,
    ),
    Rule::new(
        "openapi/response-body-one-of-added",
        response_body_one_of_added,
    ),
    Rule::new(
        "openapi/response-body-pattern-property-removed",
        response_body_pattern_property_removed,
    ),
    Rule::new(
        "openapi/response-body-prefix-items-added",
        response_body_prefix_items_added,
    ),
    Rule::new(
        "openapi/response-body-property-names-removed",
        response_body_property_names_removed,
    ),
    Rule::new(
        "openapi/response-body-then-removed",
        response_body_then_removed,
    ),
    Rule::new(
        "openapi/response-body-type-changed",
        response_body_type_changed,
    ),
    Rule::new(
        "openapi/response-body-type-generalized",
        response_body_type_generalized,
    ),
    Rule::new(
        "openapi/response-body-unevaluated-items-removed",
        response_body_unevaluated_items_removed,
    ),
    Rule::new(
        "openapi/response-body-unevaluated-properties-removed",
        response_body_unevaluated_properties_removed,
    ),
    Rule::new(
        "openapi/response-body-wrapped-in-one-of",
        response_body_wrapped_in_one_of,
    ),
    Rule::new(
        "openapi/response-media-type-name-generalized",
        response_media_type_name_generalized,
    ),
    Rule::new(
        "openapi/response-media-type-removed",
        response_media_type_removed,
    ),
    Rule::new(
        "openapi/response-optional-property-removed",
        response_optional_property_removed,
    ),
    Rule::new(
        "openapi/response-property-became-nullable",
        response_property_became_nullable,
    ),
    Rule::new(
        "openapi/response-property-became-optional",
        response_property_became_optional,
    ),
    Rule::new(
        "openapi/response-property-const-changed",
        response_property_const_changed,
    ),
    Rule::new(
        "openapi/response-property-const-removed",
        response_property_const_removed,
    ),
    Rule::new(
        "openapi/response-property-content-encoding-changed",
        response_property_content_encoding_changed,
    ),
    Rule::new(
        "openapi/response-property-content-media-type-changed",
        response_property_content_media_type_changed,
    ),
    Rule::new(
        "openapi/response-property-content-schema-removed",
        response_property_content_schema_removed,
    ),
    Rule::new(
        "openapi/response-property-dependent-required-changed",
        response_property_dependent_required_changed,
    ),
    Rule::new(
        "openapi/response-property-dependent-required-removed",
        response_property_dependent_required_removed,
    ),
    Rule::new(
        "openapi/response-property-dependent-schema-removed",
        response_property_dependent_schema_removed,
    ),
    Rule::new(
        "openapi/response-property-deprecated-sunset-invalid",
        response_property_deprecated_sunset_invalid,
    ),
    Rule::new(
        "openapi/response-property-deprecated-sunset-missing",
        response_property_deprecated_sunset_missing,
    ),
    Rule::new(
        "openapi/response-property-else-removed",
        response_property_else_removed,
    ),
    Rule::new(
        "openapi/response-property-enum-value-added",
        response_property_enum_value_added,
    ),
    Rule::new(
        "openapi/response-property-if-removed",
        response_property_if_removed,
    ),
    Rule::new(
        "openapi/response-property-list-of-types-widened",
        response_property_list_of_types_widened,
    ),
    Rule::new(
        "openapi/response-property-one-of-added",
        response_property_one_of_added,
    ),
    Rule::new(
        "openapi/response-property-pattern-property-removed",
        response_property_pattern_property_removed,
    ),
    Rule::new(
        "openapi/response-property-prefix-items-added",
        response_property_prefix_items_added,
    ),
    Rule::new(
        "openapi/response-property-property-names-removed",
        response_property_property_names_removed,
    ),
    Rule::new(
        "openapi/response-property-stability-decreased",
        response_property_stability_decreased,
    ),
    Rule::new(
        "openapi/response-property-sunset-date-too-small",
        response_property_sunset_date_too_small,
    ),
    Rule::new(
        "openapi/response-property-then-removed",
        response_property_then_removed,
    ),
    Rule::new(
        "openapi/response-property-type-changed",
        response_property_type_changed,
    ),
    Rule::new(
        "openapi/response-property-type-generalized",
        response_property_type_generalized,
    ),
    Rule::new(
        "openapi/response-property-unevaluated-items-removed",
        response_property_unevaluated_items_removed,
    ),
    Rule::new(
        "openapi/response-property-unevaluated-properties-removed",
        response_property_unevaluated_properties_removed,
    ),
    Rule::new(
        "openapi/response-required-property-became-not-write-only",
        response_required_property_became_not_write_only,
    ),
    Rule::new(
        "openapi/response-required-property-removed",
        response_required_property_removed,
    ),
    Rule::new("openapi/success-status-changed", success_status_changed),
];

// ---------------------------------------------------------------------------------------------
// Shared plumbing

/// Whether a schema rule is about the response schema itself or something below it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    Body,
    Property,
}

impl Level {
    pub(super) fn of(c: &SchemaChange) -> Level {
        if c.path.is_empty() {
            Level::Body
        } else {
            Level::Property
        }
    }
}

/// Response-body changes at `level`.
pub(super) fn body_changes<'c, 'a>(
    ctx: &'c Ctx<'a>,
    level: Level,
) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    ctx.schema_changes()
        .iter()
        .filter(move |c| c.in_response_body() && Level::of(c) == level)
}

pub(super) fn status<'a>(c: &SchemaChange<'a>) -> &'a str {
    match c.site {
        Site::Response { status, .. } | Site::ResponseHeader { status, .. } => status,
        _ => "",
    }
}

pub(super) fn media<'a>(c: &SchemaChange<'a>) -> &'a str {
    match c.site {
        Site::Response { media, .. } => media,
        _ => "",
    }
}

/// `the response body` or `the response property 'items/name'`.
pub(super) fn subject(c: &SchemaChange) -> String {
    match Level::of(c) {
        Level::Body => "the response body".to_string(),
        Level::Property => format!("the response property '{}'", c.path),
    }
}

/// A value as written: scalars as text, collections as their source on one line.
pub(super) fn value_text(v: NodeRef) -> String {
    if let Some(s) = v.node.scalar_text(&v.doc.text) {
        return s.into_owned();
    }
    let src = v.node.source(&v.doc.text);
    let one_line: Vec<&str> = src.split_whitespace().collect();
    let text = one_line.join(" ");
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

pub(super) fn opt_text(v: Option<NodeRef>) -> String {
    v.map_or_else(|| "none".to_string(), value_text)
}

/// Names in a schema's `required`.
pub(super) fn required_names<'a>(o: &Obj<'a>) -> Vec<&'a str> {
    o.get("required")
        .map(|r| r.node.items().filter_map(|n| n.as_str()).collect())
        .unwrap_or_default()
}

pub(super) fn has_property(o: &Obj, name: &str) -> bool {
    o.get("properties")
        .is_some_and(|p| p.node.get(name).is_some())
}

/// The new operation a change is in.
fn operation_of<'s, 'a>(
    ctx: &'s Ctx<'a>,
    c: &SchemaChange,
) -> Option<&'s crate::openapi::model::Operation<'a>> {
    let spec = ctx.specs.get(c.spec)?;
    let pair = spec.ops.get(c.op)?;
    spec.new.as_ref()?.operations.get(pair.new)
}

/// Every paired operation in scope, and the statuses present on both sides.
pub(super) fn for_each_response_pair(
    ctx: &Ctx,
    mut f: impl FnMut(&OperationPair, &Response, &Response),
) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let new = pair.new.responses();
            for old in pair.old.responses() {
                if let Some(new) = new.iter().find(|r| r.status == old.status) {
                    f(&pair, &old, new);
                }
            }
        }
    }
}

/// Report each change once per schema node (several raw changes can stand for one finding).
pub(super) struct Once(HashSet<(usize, usize, String, String)>);

impl Once {
    pub(super) fn new() -> Once {
        Once(HashSet::new())
    }

    pub(super) fn first(&mut self, c: &SchemaChange) -> bool {
        self.0
            .insert((c.spec, c.op, format!("{:?}", c.site), c.path.clone()))
    }
}

// ---------------------------------------------------------------------------------------------
// Transitions: one edit that shows up as several raw changes

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
pub(super) fn list_of_types_added<'a>(old: &Obj<'a>, new: &Obj<'a>) -> Option<Vec<&'a str>> {
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
pub(super) fn in_list_of_types(c: &SchemaChange) -> bool {
    list_of_types_added(&c.old, &c.new).is_some()
}

/// A plain object (with properties) became a `oneOf` of alternatives at this node.
fn object_wrapped_in_one_of(c: &SchemaChange) -> bool {
    c.old.get("oneOf").is_none()
        && c.new.get("oneOf").is_some()
        && c.old
            .get("properties")
            .is_some_and(|p| p.node.entries().next().is_some())
}

/// Is the change inside the alternative that stands for an object wrapped in a `oneOf`?
fn in_one_of_stand_in(c: &SchemaChange) -> bool {
    c.parent.as_ref().is_some_and(|p| {
        matches!(
            p.segment,
            Segment::Sub {
                kind: Composition::OneOf,
                ..
            }
        ) && p.old.get("oneOf").is_none()
            && p.new.get("oneOf").is_some()
    })
}

/// A removed property that only moved into one of the `oneOf` alternatives the schema was
/// wrapped in: not gone from the contract (the wrapping is its own finding).
fn moved_into_one_of(c: &SchemaChange, name: &str) -> bool {
    let Some(parent) = c.parent.as_ref().filter(|_| in_one_of_stand_in(c)) else {
        return false;
    };
    parent.new.get("oneOf").is_some_and(|list| {
        list.node
            .items()
            .any(|b| has_property(&parent.new.set.view(NodeRef::new(list.doc, b)), name))
    })
}

// ---------------------------------------------------------------------------------------------
// Properties removed, optional, nullable, write-only

fn removed_properties(ctx: &Ctx, sink: &mut Sink, required: bool) {
    for level in [Level::Body, Level::Property] {
        for c in body_changes(ctx, level) {
            let Change::PropertyRemoved {
                name,
                required: was_required,
                schema,
            } = &c.change
            else {
                continue;
            };
            // Clients never read write-only properties (oasdiff reports those as info). A
            // property that moved into an `allOf` branch (or a `oneOf` wrapping) is still there.
            if *was_required != required
                || schema.flag("writeOnly")
                || moved_into_one_of(c, name)
                || field(&c.new, name, 0).is_some()
            {
                continue;
            }
            let kind = if required { "required" } else { "optional" };
            c.report(
                sink,
                format!(
                    "removed the {kind} property '{}' from the {} response",
                    c.property(name),
                    status(c)
                ),
            );
        }
    }
}

fn response_required_property_removed(ctx: &Ctx, sink: &mut Sink) {
    removed_properties(ctx, sink, true);
}

fn response_optional_property_removed(ctx: &Ctx, sink: &mut Sink) {
    removed_properties(ctx, sink, false);
}

fn response_property_became_optional(ctx: &Ctx, sink: &mut Sink) {
    for level in [Level::Body, Level::Property] {
        for c in body_changes(ctx, level) {
            let Change::RequiredRemoved { name } = &c.change else {
                continue;
            };
            // Within an object wrapped in a oneOf, a property one alternative does not require
            // is the wrapping's own effect, reported once by response-body-wrapped-in-one-of
            // (unless that alternative is the old component itself, changed).
            let same_component = c.old.ref_text.is_some() && c.old.ref_text == c.new.ref_text;
            if in_one_of_stand_in(c) && !same_component {
                continue;
            }
            // Only properties defined on both sides: a removed one is reported as removed.
            // Looking through `allOf`: a property may have moved into a branch.
            let defined = super::schema::merged_property;
            let (Some(_), Some(new)) = (defined(&c.old, name), defined(&c.new, name)) else {
                continue;
            };
            if new.flag("writeOnly") || requires(&c.new, name, 0) {
                continue;
            }
            c.report(
                sink,
                format!(
                    "the response property '{}' became optional for the status {}",
                    c.property(name),
                    status(c)
                ),
            );
        }
    }
}

/// Did this change make the schema nullable? Adding `"null"` to the `type` of a schema that
/// had no `type` (nor composition) is no change: such a schema already admitted null.
pub(super) fn became_nullable(c: &SchemaChange) -> bool {
    let Change::Nullable {
        from: false,
        to: true,
    } = c.change
    else {
        return false;
    };
    let by_keyword = c.new.get("nullable").is_some() || c.old.get("nullable").is_some();
    let composed = |o: &Obj| {
        ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| o.get(k).is_some())
    };
    by_keyword || composed(&c.old) || composed(&c.new) || !TypeSet::of(&c.old).0.is_empty()
}

fn response_body_became_nullable(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Body).filter(|c| became_nullable(c)) {
        c.report(
            sink,
            format!(
                "the response body became nullable for the status {}",
                status(c)
            ),
        );
    }
}

fn response_property_became_nullable(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property).filter(|c| became_nullable(c)) {
        c.report(
            sink,
            format!(
                "the response property '{}' became nullable for the status {}",
                c.path,
                status(c)
            ),
        );
    }
}

/// A required property that stops being write-only: clients that followed the old contract
/// never expected it in a response, and now it is required there.
fn response_required_property_became_not_write_only(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property) {
        let Change::Flag {
            keyword: "writeOnly",
            from: true,
            to: false,
        } = c.change
        else {
            continue;
        };
        let Some(parent) = &c.parent else { continue };
        let Segment::Property(name) = parent.segment else {
            continue;
        };
        if required_names(&parent.old).contains(&name) {
            c.report(
                sink,
                format!(
                    "the required response property '{}' is no longer write-only for the status {}",
                    c.path,
                    status(c)
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Types

/// How a response type/format change reads to a client (oasdiff's response verdicts).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TypeVerdict {
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
pub(super) fn covered(sub: TypeSet, sup: TypeSet) -> bool {
    !sub.is_empty() && sub.names().all(|t| sup.names().any(|s| subtype(t, s)))
}

/// JSON tells `1` from `"1"`; in text media (and headers) any value reads as a string.
pub(super) fn strongly_typed(media: &str) -> bool {
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
pub(super) fn effective_types(o: &Obj) -> TypeSet {
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
pub(super) fn type_change_text(old: &Obj, new: &Obj) -> (&'static str, String, String) {
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
pub(super) fn type_changes<'c, 'a>(
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

fn body_type_rule(ctx: &Ctx, sink: &mut Sink, level: Level, verdict: TypeVerdict) {
    let widened = verdict == TypeVerdict::Generalized;
    for c in type_changes(body_changes(ctx, level), verdict, |c| {
        strongly_typed(media(c))
    }) {
        let (dimension, from, to) = type_change_text(&c.old, &c.new);
        let how = if widened { "was widened" } else { "changed" };
        c.report(
            sink,
            format!(
                "{} {dimension} {how} from '{from}' to '{to}' for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

fn response_body_type_changed(ctx: &Ctx, sink: &mut Sink) {
    body_type_rule(ctx, sink, Level::Body, TypeVerdict::Changed);
}

fn response_body_type_generalized(ctx: &Ctx, sink: &mut Sink) {
    body_type_rule(ctx, sink, Level::Body, TypeVerdict::Generalized);
}

fn response_property_type_changed(ctx: &Ctx, sink: &mut Sink) {
    body_type_rule(ctx, sink, Level::Property, TypeVerdict::Changed);
}

fn response_property_type_generalized(ctx: &Ctx, sink: &mut Sink) {
    body_type_rule(ctx, sink, Level::Property, TypeVerdict::Generalized);
}

fn list_of_types_widened(ctx: &Ctx, sink: &mut Sink, level: Level) {
    let mut once = Once::new();
    for c in body_changes(ctx, level) {
        let relevant = c.change.may_change_type_list();
        if !relevant {
            continue;
        }
        let Some(added) = list_of_types_added(&c.old, &c.new) else {
            continue;
        };
        if added.is_empty() || !once.first(c) {
            continue;
        }
        c.report(
            sink,
            format!(
                "{} may now be of type {} (list of types widened) in the '{}' content of the {} response",
                subject(c),
                added.join(", "),
                media(c),
                status(c)
            ),
        );
    }
}

fn response_body_list_of_types_widened(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_widened(ctx, sink, Level::Body);
}

fn response_property_list_of_types_widened(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_widened(ctx, sink, Level::Property);
}

// ---------------------------------------------------------------------------------------------
// Values: enums and const

fn response_property_enum_value_added(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property) {
        let Change::EnumValueAdded(v) = &c.change else {
            continue;
        };
        if c.new.flag("writeOnly") {
            continue;
        }
        c.report(
            sink,
            format!(
                "added the new enum value '{}' to the response property '{}' for the status {}",
                value_text(*v),
                c.path,
                status(c)
            ),
        );
    }
}

fn const_rule(ctx: &Ctx, sink: &mut Sink, level: Level, removed: bool) {
    for c in body_changes(ctx, level) {
        let Change::Const {
            from: Some(from),
            to,
        } = &c.change
        else {
            continue;
        };
        match (to, removed) {
            (None, true) => c.report(
                sink,
                format!(
                    "{} is no longer the constant '{}' for the status {}",
                    subject(c),
                    value_text(*from),
                    status(c)
                ),
            ),
            (Some(to), false) => c.report(
                sink,
                format!(
                    "{} const value changed from '{}' to '{}' for the status {}",
                    subject(c),
                    value_text(*from),
                    value_text(*to),
                    status(c)
                ),
            ),
            _ => {}
        }
    }
}

fn response_body_const_removed(ctx: &Ctx, sink: &mut Sink) {
    const_rule(ctx, sink, Level::Body, true);
}

fn response_body_const_changed(ctx: &Ctx, sink: &mut Sink) {
    const_rule(ctx, sink, Level::Body, false);
}

fn response_property_const_removed(ctx: &Ctx, sink: &mut Sink) {
    const_rule(ctx, sink, Level::Property, true);
}

fn response_property_const_changed(ctx: &Ctx, sink: &mut Sink) {
    const_rule(ctx, sink, Level::Property, false);
}

// ---------------------------------------------------------------------------------------------
// Alternatives: oneOf

fn one_of_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    for c in body_changes(ctx, level) {
        let Change::SubschemaAdded {
            kind: Composition::OneOf,
            label,
        } = &c.change
        else {
            continue;
        };
        // An object wrapped in a oneOf is one finding about the body (below); a list of types
        // is reported as such.
        if in_list_of_types(c) || (level == Level::Body && object_wrapped_in_one_of(c)) {
            continue;
        }
        c.report(
            sink,
            format!(
                "added '{label}' to the oneOf of {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

fn response_body_one_of_added(ctx: &Ctx, sink: &mut Sink) {
    one_of_added(ctx, sink, Level::Body);
}

fn response_property_one_of_added(ctx: &Ctx, sink: &mut Sink) {
    one_of_added(ctx, sink, Level::Property);
}

/// A response object restructured into a `oneOf`: a field that every response carried may now
/// be missing, depending on the alternative. Reported once per body.
fn response_body_wrapped_in_one_of(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Body) {
        let wrapped = matches!(
            c.change,
            Change::Wrapped {
                kind: Composition::OneOf,
                ..
            }
        );
        if wrapped && object_wrapped_in_one_of(c) {
            c.report(
                sink,
                format!(
                    "the {} response body was restructured into a oneOf, so a field that was always present may now be missing",
                    status(c)
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deprecation and stability of properties

/// Minimum days between deprecating a response property and its sunset, by the operation's
/// stability. oasdiff's defaults: no minimum, so a sunset date is never required; a date in
/// the past is still too small.
fn min_sunset_days(_stability: Option<&str>) -> i64 {
    0
}

/// Days from 1970-01-01 to a civil date (the inverse of [`Date::from_days`]).
fn days_of(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// What is wrong with a newly deprecated response property's sunset, if anything.
enum SunsetProblem {
    Missing,
    Invalid(String),
    TooSoon { date: Date, days: i64 },
}

fn sunset_problems<'c, 'a>(ctx: &'c Ctx<'a>) -> Vec<(&'c SchemaChange<'a>, SunsetProblem)> {
    let mut out = Vec::new();
    for c in body_changes(ctx, Level::Property) {
        let Change::Flag {
            keyword: "deprecated",
            from: false,
            to: true,
        } = c.change
        else {
            continue;
        };
        let days = min_sunset_days(operation_of(ctx, c).and_then(|op| op.stability()));
        let problem = match c.new.get("x-sunset") {
            // Only the sunset-missing rule reads this; selecting it is the policy.
            None => SunsetProblem::Missing,
            Some(node) => match sunset_date(node) {
                Err(e) => SunsetProblem::Invalid(e),
                Ok(date) if days_of(date) - days_of(ctx.today) < days => {
                    SunsetProblem::TooSoon { date, days }
                }
                Ok(_) => continue,
            },
        };
        out.push((c, problem));
    }
    out
}

fn response_property_deprecated_sunset_missing(ctx: &Ctx, sink: &mut Sink) {
    for (c, p) in sunset_problems(ctx) {
        if let SunsetProblem::Missing = p {
            c.report(
                sink,
                format!(
                    "the response property '{}' was deprecated without a sunset date",
                    c.path
                ),
            );
        }
    }
}

fn response_property_deprecated_sunset_invalid(ctx: &Ctx, sink: &mut Sink) {
    for (c, p) in sunset_problems(ctx) {
        if let SunsetProblem::Invalid(e) = p {
            c.report(
                sink,
                format!(
                    "the response property '{}' was deprecated with an invalid sunset date: {e}",
                    c.path
                ),
            );
        }
    }
}

fn response_property_sunset_date_too_small(ctx: &Ctx, sink: &mut Sink) {
    for (c, p) in sunset_problems(ctx) {
        if let SunsetProblem::TooSoon { date, days } = p {
            c.report(
                sink,
                format!(
                    "the response property '{}' was deprecated with the sunset date '{date}', which must be at least {days} days from now",
                    c.path
                ),
            );
        }
    }
}

/// `x-stability-level` as a rank (`draft` lowest); absent is `stable`; `None` when unreadable.
pub(super) fn stability_rank(v: Option<NodeRef>) -> Option<(u8, String)> {
    let label = match v {
        None => "stable".to_string(),
        Some(v) => v.node.as_str()?.to_string(),
    };
    let rank = match label.as_str() {
        "draft" => 1,
        "alpha" => 2,
        "beta" => 3,
        "stable" => 4,
        _ => return None,
    };
    Some((rank, label))
}

fn response_property_stability_decreased(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property) {
        let Change::Keyword {
            name: "x-stability-level",
            from,
            to,
        } = c.change
        else {
            continue;
        };
        let (Some((old, old_label)), Some((new, new_label))) =
            (stability_rank(from), stability_rank(to))
        else {
            continue;
        };
        // Only a property leaving a level that promises stability (beta or stable) counts.
        if old >= 3 && new < old {
            c.report(
                sink,
                format!(
                    "the response property '{}' stability level decreased from '{old_label}' to '{new_label}'",
                    c.path
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema 2020-12 keywords

fn prefix_items_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    for c in body_changes(ctx, level) {
        let Change::Keyword {
            name: "prefixItems",
            from: None,
            to: Some(_),
        } = c.change
        else {
            continue;
        };
        let index = c
            .new
            .get("prefixItems")
            .and_then(|l| l.node.items().position(|n| std::ptr::eq(n, c.new_at.node)))
            .map_or_else(String::new, |i| format!(" #{}", i + 1));
        c.report(
            sink,
            format!(
                "added the prefix item{index} to {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

fn response_body_prefix_items_added(ctx: &Ctx, sink: &mut Sink) {
    prefix_items_added(ctx, sink, Level::Body);
}

fn response_property_prefix_items_added(ctx: &Ctx, sink: &mut Sink) {
    prefix_items_added(ctx, sink, Level::Property);
}

/// A single-schema keyword (`if`, `propertyNames`, `unevaluatedItems`, ...) that is gone:
/// what it guaranteed about the response no longer holds.
fn keyword_removed(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str) {
    for c in body_changes(ctx, level) {
        if matches!(c.change, Change::SchemaRemoved { keyword: k } if k == keyword) {
            c.report(
                sink,
                format!(
                    "removed '{keyword}' from {} for the status {}",
                    subject(c),
                    status(c)
                ),
            );
        }
    }
}

fn response_body_if_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Body, "if");
}

fn response_body_then_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Body, "then");
}

fn response_body_else_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Body, "else");
}

fn response_property_if_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Property, "if");
}

fn response_property_then_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Property, "then");
}

fn response_property_else_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Property, "else");
}

fn response_body_property_names_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Body, "propertyNames");
}

fn response_property_property_names_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Property, "propertyNames");
}

fn response_body_unevaluated_items_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Body, "unevaluatedItems");
}

fn response_body_unevaluated_properties_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Body, "unevaluatedProperties");
}

fn response_property_unevaluated_items_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Property, "unevaluatedItems");
}

fn response_property_unevaluated_properties_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Property, "unevaluatedProperties");
}

fn response_body_content_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Body, "contentSchema");
}

fn response_property_content_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    keyword_removed(ctx, sink, Level::Property, "contentSchema");
}

/// An entry of a schema map (`patternProperties`, `dependentSchemas`) that went.
fn entry_removed(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str, what: &str) {
    for c in body_changes(ctx, level) {
        let Change::Keyword {
            name,
            from: Some(value),
            to: None,
        } = c.change
        else {
            continue;
        };
        if name != keyword {
            continue;
        }
        let key = c
            .old
            .get(keyword)
            .and_then(|m| {
                m.node
                    .entries()
                    .find(|(_, v)| std::ptr::eq(*v, value.node))
                    .map(|(k, _)| k)
            })
            .unwrap_or("?");
        c.report(
            sink,
            format!(
                "removed the {what} '{key}' from {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

fn response_body_pattern_property_removed(ctx: &Ctx, sink: &mut Sink) {
    entry_removed(
        ctx,
        sink,
        Level::Body,
        "patternProperties",
        "pattern property",
    );
}

fn response_property_pattern_property_removed(ctx: &Ctx, sink: &mut Sink) {
    entry_removed(
        ctx,
        sink,
        Level::Property,
        "patternProperties",
        "pattern property",
    );
}

fn response_body_dependent_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    entry_removed(
        ctx,
        sink,
        Level::Body,
        "dependentSchemas",
        "dependent schema",
    );
}

fn response_property_dependent_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    entry_removed(
        ctx,
        sink,
        Level::Property,
        "dependentSchemas",
        "dependent schema",
    );
}

/// `dependentRequired` entries: name -> the names it requires.
pub(super) fn dependent_required<'a>(v: Option<NodeRef<'a>>) -> Vec<(&'a str, Vec<&'a str>)> {
    v.map(|v| {
        v.node
            .entries()
            .map(|(k, list)| (k, list.items().filter_map(|n| n.as_str()).collect()))
            .collect()
    })
    .unwrap_or_default()
}

fn dependent_required_rule(ctx: &Ctx, sink: &mut Sink, level: Level, removed: bool) {
    for c in body_changes(ctx, level) {
        let Change::Keyword {
            name: "dependentRequired",
            from,
            to,
        } = c.change
        else {
            continue;
        };
        let (old, new) = (dependent_required(from), dependent_required(to));
        for (key, names) in &old {
            match (new.iter().find(|(k, _)| k == key), removed) {
                (None, true) => c.report(
                    sink,
                    format!(
                        "removed the dependentRequired entry of '{key}' (which required {}) from {} for the status {}",
                        names.join(", "),
                        subject(c),
                        status(c)
                    ),
                ),
                (Some((_, now)), false) => {
                    let mut a = names.clone();
                    let mut b = now.clone();
                    a.sort_unstable();
                    b.sort_unstable();
                    if a != b {
                        c.report(
                            sink,
                            format!(
                                "the dependentRequired entry of '{key}' in {} changed from [{}] to [{}] for the status {}",
                                subject(c),
                                names.join(", "),
                                now.join(", "),
                                status(c)
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn response_body_dependent_required_removed(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_rule(ctx, sink, Level::Body, true);
}

fn response_body_dependent_required_changed(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_rule(ctx, sink, Level::Body, false);
}

fn response_property_dependent_required_removed(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_rule(ctx, sink, Level::Property, true);
}

fn response_property_dependent_required_changed(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_rule(ctx, sink, Level::Property, false);
}

/// `contentMediaType`/`contentEncoding` that changed or went (oasdiff also reports one that
/// appeared; a string newly described as, say, base64 is still what the client read before).
fn content_keyword_changed(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str) {
    for c in body_changes(ctx, level) {
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
                    value_text(from),
                    opt_text(to),
                    status(c)
                ),
            );
        }
    }
}

fn response_body_content_media_type_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Body, "contentMediaType");
}

fn response_body_content_encoding_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Body, "contentEncoding");
}

fn response_property_content_media_type_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Property, "contentMediaType");
}

fn response_property_content_encoding_changed(ctx: &Ctx, sink: &mut Sink) {
    content_keyword_changed(ctx, sink, Level::Property, "contentEncoding");
}

// ---------------------------------------------------------------------------------------------
// Headers

// ---------------------------------------------------------------------------------------------
// Media types

/// Where a finding about a response's media types points: its `content` key, else the response.
pub(super) fn content_at<'a>(r: &Response<'a>) -> NodeRef<'a> {
    r.obj.get_entry("content").map_or(r.key, |(k, _)| k)
}

fn response_media_type_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_response_pair(ctx, |pair, old, new| {
        let (om, nm) = (
            content(old.obj.set, &old.obj),
            content(new.obj.set, &new.obj),
        );
        for (oi, ni) in pair_media(&om, &nm) {
            let (Some(oi), None) = (oi, ni) else { continue };
            sink.report_operation(
                pair.id(),
                content_at(new).line_location(),
                Some(om[oi].key.line_location()),
                format!(
                    "removed the media type '{}' from the {} response",
                    om[oi].name, old.status
                ),
            );
        }
    });
}

/// A media type replaced by a more general one (`application/problem+json` ->
/// `application/json`): clients relying on the specific format lose that guarantee.
fn response_media_type_name_generalized(ctx: &Ctx, sink: &mut Sink) {
    for_each_response_pair(ctx, |pair, old, new| {
        let (om, nm) = (
            content(old.obj.set, &old.obj),
            content(new.obj.set, &new.obj),
        );
        for (oi, ni) in pair_media(&om, &nm) {
            let (Some(oi), Some(ni)) = (oi, ni) else {
                continue;
            };
            let (o, n) = (&om[oi], &nm[ni]);
            if o.name == n.name {
                continue;
            }
            let (Some(on), Some(nn)) = (MediaName::parse(o.name), MediaName::parse(n.name)) else {
                continue;
            };
            // Changed parameters make it a different media type (oasdiff: info).
            if on.params != nn.params || on.contains(&nn) {
                continue;
            }
            sink.report_operation(
                pair.id(),
                n.key.line_location(),
                Some(o.key.line_location()),
                format!(
                    "the media type '{}' was replaced by the more general '{}' for the status {}",
                    o.name, n.name, old.status
                ),
            );
        }
    });
}

fn response_body_media_type_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_response_pair(ctx, |pair, old, new| {
        let (om, nm) = (
            content(old.obj.set, &old.obj),
            content(new.obj.set, &new.obj),
        );
        for (oi, ni) in pair_media(&om, &nm) {
            let (Some(oi), Some(ni)) = (oi, ni) else {
                continue;
            };
            let (o, n) = (&om[oi], &nm[ni]);
            if let (Some(schema), None) = (o.obj.get_entry("schema"), n.schema()) {
                sink.report_operation(
                    pair.id(),
                    n.key.line_location(),
                    Some(schema.0.line_location()),
                    format!(
                        "removed the schema of the media type '{}' from the {} response",
                        n.name, old.status
                    ),
                );
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Guide: success status

/// A 2xx status written as a number.
fn is_success(status: &str) -> bool {
    status.len() == 3 && status.starts_with('2') && status.bytes().all(|b| b.is_ascii_digit())
}

/// The one success status of an operation changed (200 -> 201): every client checking for the
/// old one now takes the success path for an error, or the reverse.
fn success_status_changed(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            fn only<'a>(rs: Vec<Response<'a>>) -> Option<(&'a str, NodeRef<'a>)> {
                let mut ok = rs.into_iter().filter(|r| is_success(r.status));
                let first = ok.next()?;
                ok.next().is_none().then_some((first.status, first.key))
            }
            let (Some((was, old_key)), Some((now, new_key))) =
                (only(pair.old.responses()), only(pair.new.responses()))
            else {
                continue;
            };
            if was != now {
                sink.report_operation(
                    pair.id(),
                    new_key.line_location(),
                    Some(old_key.line_location()),
                    format!("the success status changed from {was} to {now}"),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Guide: error shape

/// The fields of the guide's error shape, under an `error` envelope
/// (`{"error": {"code", "message", "details"}}`) or, the flat variant, at the top of the body.
const ERROR_FIELDS: [&str; 3] = ["code", "message", "details"];
const ERROR_ENVELOPE: &str = "error";

/// A 4xx/5xx status (`404`, `4XX`).
fn is_error_status(status: &str) -> bool {
    let b = status.as_bytes();
    b.len() == 3
        && matches!(b[0], b'4' | b'5')
        && (b[1..].iter().all(|c| c.is_ascii_digit()) || b[1..].eq_ignore_ascii_case(b"XX"))
}

/// A property of a schema, looking through `allOf`: its key node, its schema, and whether it
/// is required.
pub(super) struct Field<'a> {
    key: NodeRef<'a>,
    schema: Obj<'a>,
    required: bool,
    /// The `required` entry naming it.
    required_at: Option<NodeRef<'a>>,
}

/// Does `o` (or an `allOf` branch of it) list `name` in `required`?
pub(super) fn requires(o: &Obj, name: &str, depth: usize) -> bool {
    required_names(o).contains(&name)
        || (depth < 8
            && o.get("allOf").is_some_and(|list| {
                list.node
                    .items()
                    .any(|b| requires(&o.set.view(NodeRef::new(list.doc, b)), name, depth + 1))
            }))
}

pub(super) fn field<'a>(o: &Obj<'a>, name: &str, depth: usize) -> Option<Field<'a>> {
    let required_at = o.get("required").and_then(|r| {
        r.node
            .items()
            .find(|n| n.as_str() == Some(name))
            .map(|n| NodeRef::new(r.doc, n))
    });
    if let Some(props) = o.get("properties") {
        if let Some((k, v)) = props.node.get_entry(name) {
            return Some(Field {
                key: NodeRef::new(props.doc, k),
                schema: o.set.view(NodeRef::new(props.doc, v)),
                required: requires(o, name, depth),
                required_at,
            });
        }
    }
    if depth >= 8 {
        return None;
    }
    let list = o.get("allOf")?;
    let mut found = list
        .node
        .items()
        .find_map(|b| field(&o.set.view(NodeRef::new(list.doc, b)), name, depth + 1))?;
    if required_at.is_some() {
        found.required = true;
        found.required_at = found.required_at.or(required_at);
    }
    Some(found)
}

/// Which variant of the error shape a body follows: the object holding `code` and `message`
/// (the `error` envelope's schema, or the body itself), and whether it is the envelope.
fn error_holder<'a>(body: &Obj<'a>) -> Option<(Obj<'a>, bool)> {
    let follows = |o: &Obj<'a>| ERROR_FIELDS[..2].iter().all(|f| field(o, f, 0).is_some());
    if let Some(env) = field(body, ERROR_ENVELOPE, 0) {
        if follows(&env.schema) {
            return Some((env.schema, true));
        }
    }
    follows(body).then_some((*body, false))
}

/// JSON bodies of a response: media type index and schema.
fn json_bodies<'a>(r: &Response<'a>) -> Vec<(crate::openapi::model::Media<'a>, Obj<'a>)> {
    content(r.obj.set, &r.obj)
        .into_iter()
        .filter(|m| strongly_typed(m.name))
        .filter_map(|m| m.schema().map(|s| (m, s)))
        .collect()
}

fn shape_name(envelope: bool) -> String {
    if envelope {
        format!("{{{ERROR_ENVELOPE}: {{code, message, details}}}}")
    } else {
        "{code, message, details}".to_string()
    }
}

fn error_shape_drift(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let (old_rs, new_rs) = (pair.old.responses(), pair.new.responses());
            // The shape every old error body of the operation follows, if they agree.
            let mut established: Option<Option<bool>> = None;
            for r in old_rs.iter().filter(|r| is_error_status(r.status)) {
                for (_, body) in json_bodies(r) {
                    let variant = error_holder(&body).map(|(_, env)| env);
                    established = match established {
                        None => Some(variant),
                        Some(v) if v == variant => Some(v),
                        Some(_) => Some(None),
                    };
                }
            }
            for new in new_rs.iter().filter(|r| is_error_status(r.status)) {
                let Some(old) = old_rs.iter().find(|r| r.status == new.status) else {
                    // A new error response: does it speak the operation's error shape?
                    let Some(Some(envelope)) = established else {
                        continue;
                    };
                    for (_, body) in json_bodies(new) {
                        if error_holder(&body).map(|(_, env)| env) != Some(envelope) {
                            sink.report_operation(
                                pair.id(),
                                new.key.line_location(),
                                pair.old
                                    .obj
                                    .get_entry("responses")
                                    .map(|(k, _)| k.line_location()),
                                format!(
                                    "the new {} response does not use the error shape {} of the operation's other error responses",
                                    new.status,
                                    shape_name(envelope)
                                ),
                            );
                        }
                    }
                    continue;
                };
                let (ob, nb) = (json_bodies(old), json_bodies(new));
                let om: Vec<_> = ob.iter().map(|(m, _)| *m).collect();
                let nm: Vec<_> = nb.iter().map(|(m, _)| *m).collect();
                for (oi, ni) in pair_media(&om, &nm) {
                    let (Some(oi), Some(ni)) = (oi, ni) else {
                        continue;
                    };
                    drift(sink, &pair, new, &ob[oi].1, &nb[ni].1);
                }
            }
        }
    }
}

/// Compare one error body with its old version, field by field of the error shape.
fn drift(sink: &mut Sink, pair: &OperationPair, new: &Response, old_body: &Obj, new_body: &Obj) {
    let Some((old_holder, envelope)) = error_holder(old_body) else {
        return;
    };
    let mut report = |related: NodeRef, message: String| {
        sink.report_operation(
            pair.id(),
            new.key.line_location(),
            Some(related.line_location()),
            message,
        );
    };
    let status = new.status;
    let new_holder = if envelope {
        let old_env = field(old_body, ERROR_ENVELOPE, 0);
        match field(new_body, ERROR_ENVELOPE, 0) {
            Some(env) => env.schema,
            None => {
                if let Some(old_env) = old_env {
                    report(
                        old_env.key,
                        format!(
                            "the {status} error response no longer has the '{ERROR_ENVELOPE}' object of the error shape {}",
                            shape_name(true)
                        ),
                    );
                }
                return;
            }
        }
    } else {
        *new_body
    };
    let prefix = if envelope {
        format!("{ERROR_ENVELOPE}.")
    } else {
        String::new()
    };
    for name in ERROR_FIELDS {
        let Some(was) = field(&old_holder, name, 0) else {
            continue;
        };
        let Some(now) = field(&new_holder, name, 0) else {
            report(
                was.key,
                format!(
                    "the {status} error response no longer has the error field '{prefix}{name}'"
                ),
            );
            continue;
        };
        let (ot, nt) = (TypeSet::of(&was.schema).0, TypeSet::of(&now.schema).0);
        if ot != nt && !ot.is_empty() && !nt.is_empty() {
            report(
                was.schema.at("type").unwrap_or(was.key),
                format!(
                    "the {status} error response changed the type of the error field '{prefix}{name}' from '{ot}' to '{nt}'"
                ),
            );
        }
        if was.required && !now.required {
            report(
                was.required_at.unwrap_or(was.key),
                format!(
                    "the {status} error response no longer requires the error field '{prefix}{name}'"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for n in [-1_000_000, -1, 0, 59, 60, 11_016, 19_723, 2_932_896] {
            assert_eq!(days_of(Date::from_days(n)), n, "{n}");
        }
    }

    #[test]
    fn error_statuses() {
        for s in ["400", "404", "4XX", "5xx", "503"] {
            assert!(is_error_status(s), "{s}");
        }
        for s in ["200", "default", "40", "4000", "3XX", "4X4"] {
            assert!(!is_error_status(s), "{s}");
        }
    }

    #[test]
    fn json_media_is_strongly_typed() {
        assert!(strongly_typed("application/json"));
        assert!(strongly_typed("application/problem+json; charset=utf-8"));
        assert!(!strongly_typed("text/plain"));
        assert!(!strongly_typed("application/xml"));
    }
}
