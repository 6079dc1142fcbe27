//! Properties of request bodies: removed, added as required (with or without a default) or
//! optional, and bodies restructured into a `oneOf` (oasdiff's `RequestPropertyUpdatedCheck`).
//!
//! Each rule is a filter over the shared schema changes: request-body sites, one change kind.
//! `readOnly` properties are left out: clients never send them.

use super::schema::{Change, Composition, SchemaChange};
use super::{Check, Ctx, Sink};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/new-optional-request-property",
        new_optional_request_property,
    ),
    Rule::new(
        "openapi/new-required-request-property",
        new_required_request_property,
    ),
    Rule::new(
        "openapi/new-required-request-property-with-default",
        new_required_request_property_with_default,
    ),
    Rule::new(
        "openapi/request-body-wrapped-in-one-of",
        request_body_wrapped_in_one_of,
    ),
    Rule::new("openapi/request-property-removed", request_property_removed),
];

/// Request-body changes, leaving out those under `not`: the properties of a negated schema
/// describe what a payload must not be, not properties a client sends, so adding or removing
/// one there is no request property added or removed.
fn body_changes<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    ctx.schema_changes()
        .iter()
        .filter(|c| c.in_request_body() && !c.under_not)
}

/// An added property that is required (`Some(has a default)`) or optional (`None`), for
/// non-readOnly properties only.
fn added<'c>(c: &'c SchemaChange) -> Option<(&'c str, bool, bool)> {
    match &c.change {
        Change::PropertyAdded {
            name,
            required,
            schema,
        } if !schema.flag("readOnly") => Some((name, *required, schema.get("default").is_some())),
        _ => None,
    }
}

fn new_required_request_property(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx) {
        if let Some((name, true, false)) = added(c) {
            c.report(
                sink,
                format!(
                    "added the new required request property '{}'",
                    c.property(name)
                ),
            );
        }
    }
}

fn new_required_request_property_with_default(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx) {
        if let Some((name, true, true)) = added(c) {
            c.report(
                sink,
                format!(
                    "added the new required request property '{}' with a default value",
                    c.property(name)
                ),
            );
        }
    }
}

fn new_optional_request_property(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx) {
        if let Some((name, false, _)) = added(c) {
            c.report(
                sink,
                format!(
                    "added the new optional request property '{}'",
                    c.property(name)
                ),
            );
        }
    }
}

fn request_property_removed(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx) {
        if let Change::PropertyRemoved { name, schema, .. } = &c.change {
            if !schema.flag("readOnly") {
                c.report(
                    sink,
                    format!("removed the request property '{}'", c.property(name)),
                );
            }
        }
    }
}

/// A body that became a `oneOf` of alternatives: a payload valid before may now match several
/// overlapping alternatives (or none) and be rejected. Reported once per body.
fn request_body_wrapped_in_one_of(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx) {
        let wrapped = matches!(
            c.change,
            Change::Wrapped {
                kind: Composition::OneOf,
                ..
            }
        );
        if wrapped && c.path.is_empty() {
            c.report(
                sink,
                "the request body was restructured into a oneOf, so a payload that was previously valid may no longer be accepted",
            );
        }
    }
}
