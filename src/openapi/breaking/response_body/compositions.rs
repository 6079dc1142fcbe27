//! Compositions of response bodies: `allOf` branches, `oneOf`/`anyOf` alternatives and
//! discriminators. A new `oneOf` alternative is something a client may now receive and not
//! understand (an error); an object restructured into a `oneOf` may now miss a field every
//! response carried (an error, reported once for the body rather than per property); the rest
//! is info. A branch of nothing but annotations accepts anything and has its own rules, and a
//! list of types gaining or losing a type is [`super::types`]' (`list-of-types-*`), not a
//! branch.

use super::super::body::Level;
use super::super::request_body::compositions::annotation_only;
use super::super::schema::{Change, Composition, SchemaChange, Segment};
use super::super::{Check, Ctx, Sink};
use super::types::list_of_types_changed;
use super::{changes, status, subject};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // allOf.
    Rule::new("openapi/response-body-all-of-added", |ctx, sink| {
        all_of(ctx, sink, Level::Body, true, false)
    }),
    Rule::new("openapi/response-body-all-of-removed", |ctx, sink| {
        all_of(ctx, sink, Level::Body, false, false)
    }),
    Rule::new(
        "openapi/response-body-all-of-added-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Body, true, true),
    ),
    Rule::new(
        "openapi/response-body-all-of-removed-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Body, false, true),
    ),
    Rule::new("openapi/response-property-all-of-added", |ctx, sink| {
        all_of(ctx, sink, Level::Property, true, false)
    }),
    Rule::new("openapi/response-property-all-of-removed", |ctx, sink| {
        all_of(ctx, sink, Level::Property, false, false)
    }),
    Rule::new(
        "openapi/response-property-all-of-added-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Property, true, true),
    ),
    Rule::new(
        "openapi/response-property-all-of-removed-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Property, false, true),
    ),
    // oneOf, anyOf.
    Rule::new("openapi/response-body-one-of-added", |ctx, sink| {
        one_of_added(ctx, sink, Level::Body)
    }),
    Rule::new("openapi/response-body-one-of-removed", |ctx, sink| {
        branches(ctx, sink, Level::Body, Composition::OneOf, false, |_| true)
    }),
    Rule::new("openapi/response-body-any-of-added", |ctx, sink| {
        branches(ctx, sink, Level::Body, Composition::AnyOf, true, |_| true)
    }),
    Rule::new("openapi/response-body-any-of-removed", |ctx, sink| {
        branches(ctx, sink, Level::Body, Composition::AnyOf, false, |_| true)
    }),
    Rule::new("openapi/response-property-one-of-added", |ctx, sink| {
        one_of_added(ctx, sink, Level::Property)
    }),
    Rule::new("openapi/response-property-one-of-removed", |ctx, sink| {
        branches(
            ctx,
            sink,
            Level::Property,
            Composition::OneOf,
            false,
            |_| true,
        )
    }),
    Rule::new("openapi/response-property-any-of-added", |ctx, sink| {
        branches(ctx, sink, Level::Property, Composition::AnyOf, true, |_| {
            true
        })
    }),
    Rule::new("openapi/response-property-any-of-removed", |ctx, sink| {
        branches(
            ctx,
            sink,
            Level::Property,
            Composition::AnyOf,
            false,
            |_| true,
        )
    }),
    Rule::new(
        "openapi/response-body-wrapped-in-one-of",
        response_body_wrapped_in_one_of,
    ),
    // Discriminators.
    Rule::new("openapi/response-body-discriminator-added", |ctx, sink| {
        discriminator(ctx, sink, Level::Body, Disc::Added)
    }),
    Rule::new(
        "openapi/response-body-discriminator-removed",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::Removed),
    ),
    Rule::new(
        "openapi/response-body-discriminator-property-name-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::PropertyName),
    ),
    Rule::new(
        "openapi/response-body-discriminator-mapping-added",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::MappingAdded),
    ),
    Rule::new(
        "openapi/response-body-discriminator-mapping-deleted",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::MappingDeleted),
    ),
    Rule::new(
        "openapi/response-body-discriminator-mapping-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::MappingChanged),
    ),
    Rule::new(
        "openapi/response-property-discriminator-added",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::Added),
    ),
    Rule::new(
        "openapi/response-property-discriminator-removed",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::Removed),
    ),
    Rule::new(
        "openapi/response-property-discriminator-property-name-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::PropertyName),
    ),
    Rule::new(
        "openapi/response-property-discriminator-mapping-added",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::MappingAdded),
    ),
    Rule::new(
        "openapi/response-property-discriminator-mapping-deleted",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::MappingDeleted),
    ),
    Rule::new(
        "openapi/response-property-discriminator-mapping-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::MappingChanged),
    ),
];

// ---------------------------------------------------------------------------------------------
// Branches

/// Branches of `kind` added (or removed) that `keep` keeps, one finding each.
fn branches(
    ctx: &Ctx,
    sink: &mut Sink,
    level: Level,
    kind: Composition,
    added: bool,
    keep: impl Fn(&SchemaChange) -> bool,
) {
    for c in changes(ctx, level).filter(|c| keep(c)) {
        let (k, label) = match &c.change {
            Change::SubschemaAdded { kind, label } if added => (*kind, label),
            Change::SubschemaRemoved { kind, label } if !added => (*kind, label),
            _ => continue,
        };
        // A list of types that gained or lost a type is reported as such.
        if k != kind || list_of_types_changed(c) {
            continue;
        }
        let (verb, dir) = if added {
            ("added", "to")
        } else {
            ("removed", "from")
        };
        c.report(
            sink,
            format!(
                "{verb} '{label}' {dir} the {} of {} for the status {}",
                kind.keyword(),
                subject(c),
                status(c)
            ),
        );
    }
}

/// A new `oneOf` alternative. An object wrapped in a `oneOf` is one finding about the body
/// ([`response_body_wrapped_in_one_of`]), not one per alternative.
fn one_of_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    branches(ctx, sink, level, Composition::OneOf, true, |c| {
        !(level == Level::Body && object_wrapped_in_one_of(c))
    });
}

/// `allOf` branches added or removed, split as oasdiff splits them: a branch of nothing but
/// annotations (`title`, `description`, ...) accepts anything and gets its own id.
fn all_of(ctx: &Ctx, sink: &mut Sink, level: Level, added: bool, annotations: bool) {
    branches(ctx, sink, level, Composition::AllOf, added, |c| {
        let (branch, holder) = if added {
            (c.new_at, &c.new)
        } else {
            (c.old_at, &c.old)
        };
        annotation_only(branch, holder) == annotations
    });
}

/// A response object restructured into a `oneOf`: a field that every response carried may now
/// be missing, depending on the alternative. Reported once per body.
fn response_body_wrapped_in_one_of(ctx: &Ctx, sink: &mut Sink) {
    for c in changes(ctx, Level::Body) {
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

/// A plain object (with properties) became a `oneOf` of alternatives at this node.
fn object_wrapped_in_one_of(c: &SchemaChange) -> bool {
    c.old.get("oneOf").is_none()
        && c.new.get("oneOf").is_some()
        && c.old
            .get("properties")
            .is_some_and(|p| p.node.entries().next().is_some())
}

/// Is the change inside the alternative that stands for an object wrapped in a `oneOf`?
pub(crate) fn in_one_of_stand_in(c: &SchemaChange) -> bool {
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
pub(crate) fn moved_into_one_of(c: &SchemaChange, name: &str) -> bool {
    let Some(parent) = c.parent.as_ref().filter(|_| in_one_of_stand_in(c)) else {
        return false;
    };
    parent.new.get("oneOf").is_some_and(|list| {
        list.node
            .items()
            .any(|b| has_property(&parent.new.set.view(NodeRef::new(list.doc, b)), name))
    })
}

fn has_property(o: &Obj, name: &str) -> bool {
    o.get("properties")
        .is_some_and(|p| p.node.get(name).is_some())
}

// ---------------------------------------------------------------------------------------------
// Discriminators

#[derive(Clone, Copy, PartialEq, Eq)]
enum Disc {
    Added,
    Removed,
    PropertyName,
    MappingAdded,
    MappingDeleted,
    MappingChanged,
}

fn discriminator(ctx: &Ctx, sink: &mut Sink, level: Level, want: Disc) {
    for c in changes(ctx, level) {
        let Change::Discriminator { key, from, to } = c.change else {
            continue;
        };
        let whole = |o: &Obj| o.get("discriminator").is_some();
        let (kind, message) = match key {
            None => match (from, to) {
                (None, Some(to)) => (
                    Disc::Added,
                    format!("added a discriminator on '{to}' to {}", subject(c)),
                ),
                (Some(from), None) => (
                    Disc::Removed,
                    format!("removed the discriminator on '{from}' from {}", subject(c)),
                ),
                (Some(from), Some(to)) => (
                    Disc::PropertyName,
                    format!(
                        "the discriminator property of {} changed from '{from}' to '{to}'",
                        subject(c)
                    ),
                ),
                (None, None) => continue,
            },
            // A discriminator added or removed whole is one finding, not one per mapping.
            Some(_) if !whole(&c.old) || !whole(&c.new) => continue,
            Some(k) => match (from, to) {
                (None, Some(to)) => (
                    Disc::MappingAdded,
                    format!(
                        "added the discriminator mapping '{k}' -> '{to}' to {}",
                        subject(c)
                    ),
                ),
                (Some(from), None) => (
                    Disc::MappingDeleted,
                    format!(
                        "removed the discriminator mapping '{k}' -> '{from}' from {}",
                        subject(c)
                    ),
                ),
                (from, to) => (
                    Disc::MappingChanged,
                    format!(
                        "the discriminator mapping '{k}' of {} changed from '{}' to '{}'",
                        subject(c),
                        from.unwrap_or("none"),
                        to.unwrap_or("none")
                    ),
                ),
            },
        };
        if kind == want {
            c.report(sink, format!("{message} for the status {}", status(c)));
        }
    }
}
