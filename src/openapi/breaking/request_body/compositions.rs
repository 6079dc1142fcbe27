//! Compositions of a request body: `allOf` branches (one added is one more rule a request must
//! pass: an error; one removed may take away what servers act on: a warning), `oneOf`/`anyOf`
//! alternatives (one removed refuses the payloads that matched only
//! it; one added is info), the body restructured into a `oneOf`, and discriminators (info). A
//! branch of nothing but annotations accepts everything, so adding or removing one has its own
//! info rules. A list of types gaining or losing a type, or a nullable wrapper going, is
//! reported by [`super::types`], not as a branch.

use std::collections::hash_map::{Entry, HashMap};

use super::super::body::{node_key, NodeKey};
use super::super::schema::{Change, Composition, SchemaChange};
use super::super::{Check, Ctx, Sink};
use super::types::{any_at, list_of_types, nullable_unwrapped};
use super::Scope::{self, Asserted, Body, Property};
use super::{changes, run, run_per_node, subject};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // allOf.
    Rule::new("openapi/request-body-all-of-added", |ctx, sink| {
        all_of_added(ctx, sink, Body)
    }),
    Rule::new("openapi/request-body-all-of-removed", |ctx, sink| {
        all_of_removed(ctx, sink, Body)
    }),
    Rule::new("openapi/request-property-all-of-added", |ctx, sink| {
        all_of_added(ctx, sink, Property)
    }),
    Rule::new("openapi/request-property-all-of-removed", |ctx, sink| {
        all_of_removed(ctx, sink, Property)
    }),
    Rule::new(
        "openapi/request-body-all-of-added-annotation-only",
        |ctx, sink| run(ctx, sink, Body, |c| annotation_branch(c, true)),
    ),
    Rule::new(
        "openapi/request-body-all-of-removed-annotation-only",
        |ctx, sink| run(ctx, sink, Body, |c| annotation_branch(c, false)),
    ),
    Rule::new(
        "openapi/request-property-all-of-added-annotation-only",
        |ctx, sink| run(ctx, sink, Asserted, |c| annotation_branch(c, true)),
    ),
    Rule::new(
        "openapi/request-property-all-of-removed-annotation-only",
        |ctx, sink| run(ctx, sink, Asserted, |c| annotation_branch(c, false)),
    ),
    // oneOf, anyOf.
    Rule::new("openapi/request-body-one-of-removed", |ctx, sink| {
        alternative_removed(ctx, sink, Body, Composition::OneOf)
    }),
    Rule::new("openapi/request-body-one-of-added", |ctx, sink| {
        run_per_node(ctx, sink, Body, |c| {
            alternatives_added(ctx, c, Composition::OneOf)
        })
    }),
    Rule::new("openapi/request-property-one-of-removed", |ctx, sink| {
        alternative_removed(ctx, sink, Property, Composition::OneOf)
    }),
    Rule::new("openapi/request-property-one-of-added", |ctx, sink| {
        run_per_node(ctx, sink, Asserted, |c| {
            alternatives_added(ctx, c, Composition::OneOf)
        })
    }),
    Rule::new("openapi/request-body-any-of-removed", |ctx, sink| {
        alternative_removed(ctx, sink, Body, Composition::AnyOf)
    }),
    Rule::new("openapi/request-body-any-of-added", |ctx, sink| {
        run_per_node(ctx, sink, Body, |c| {
            alternatives_added(ctx, c, Composition::AnyOf)
        })
    }),
    Rule::new("openapi/request-property-any-of-removed", |ctx, sink| {
        alternative_removed(ctx, sink, Property, Composition::AnyOf)
    }),
    Rule::new("openapi/request-property-any-of-added", |ctx, sink| {
        run_per_node(ctx, sink, Asserted, |c| {
            alternatives_added(ctx, c, Composition::AnyOf)
        })
    }),
    Rule::new("openapi/request-body-wrapped-in-one-of", |ctx, sink| {
        run(ctx, sink, Body, wrapped_in_one_of)
    }),
    // Discriminators.
    Rule::new("openapi/request-body-discriminator-added", |ctx, sink| {
        run(ctx, sink, Body, |c| discriminator(c, Disc::Added))
    }),
    Rule::new("openapi/request-body-discriminator-removed", |ctx, sink| {
        run(ctx, sink, Body, |c| discriminator(c, Disc::Removed))
    }),
    Rule::new(
        "openapi/request-body-discriminator-property-name-changed",
        |ctx, sink| run(ctx, sink, Body, |c| discriminator(c, Disc::Renamed)),
    ),
    Rule::new(
        "openapi/request-body-discriminator-mapping-added",
        |ctx, sink| run(ctx, sink, Body, |c| discriminator(c, Disc::MappingAdded)),
    ),
    Rule::new(
        "openapi/request-body-discriminator-mapping-deleted",
        |ctx, sink| run(ctx, sink, Body, |c| discriminator(c, Disc::MappingDeleted)),
    ),
    Rule::new(
        "openapi/request-body-discriminator-mapping-changed",
        |ctx, sink| run(ctx, sink, Body, |c| discriminator(c, Disc::MappingChanged)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-added",
        |ctx, sink| run(ctx, sink, Asserted, |c| discriminator(c, Disc::Added)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-removed",
        |ctx, sink| run(ctx, sink, Asserted, |c| discriminator(c, Disc::Removed)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-property-name-changed",
        |ctx, sink| run(ctx, sink, Asserted, |c| discriminator(c, Disc::Renamed)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-mapping-added",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                discriminator(c, Disc::MappingAdded)
            })
        },
    ),
    Rule::new(
        "openapi/request-property-discriminator-mapping-deleted",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                discriminator(c, Disc::MappingDeleted)
            })
        },
    ),
    Rule::new(
        "openapi/request-property-discriminator-mapping-changed",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                discriminator(c, Disc::MappingChanged)
            })
        },
    ),
];

// ---------------------------------------------------------------------------------------------
// Branches

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
pub(crate) fn annotation_only(branch: NodeRef, set_of: &Obj) -> bool {
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
    scope: Scope,
    kind: Composition,
    added: bool,
    keep: impl Fn(&SchemaChange) -> bool,
) {
    // In walk order, one entry per schema; `group_of` finds a schema's entry by its key.
    let mut groups: Vec<(&SchemaChange, Vec<&str>)> = Vec::new();
    let mut group_of: HashMap<NodeKey, usize> = HashMap::new();
    for c in changes(ctx, scope) {
        let label = match &c.change {
            Change::SubschemaAdded { kind: k, label } if added && *k == kind => label,
            Change::SubschemaRemoved { kind: k, label } if !added && *k == kind => label,
            _ => continue,
        };
        if !keep(c) {
            continue;
        }
        match group_of.entry(node_key(c)) {
            Entry::Occupied(at) => groups[*at.get()].1.push(label),
            Entry::Vacant(at) => {
                at.insert(groups.len());
                groups.push((c, vec![label]));
            }
        }
    }
    for (c, labels) in groups {
        let list = labels.join("', '");
        let k = kind.keyword();
        let message = if added {
            format!("added '{list}' to the {k} list of {}", subject(c))
        } else {
            format!("removed '{list}' from the {k} list of {}", subject(c))
        };
        c.report(sink, message);
    }
}

/// An `allOf` branch that constrains something: every added one is one more rule a request
/// must pass.
fn all_of_added(ctx: &Ctx, sink: &mut Sink, scope: Scope) {
    branches(ctx, sink, scope, Composition::AllOf, true, |c| {
        !annotation_only(c.new_at, &c.new)
    });
}

/// A removed `allOf` branch: what it required is no longer checked, and what it defined may
/// be gone with it, so servers may no longer act on what clients send.
fn all_of_removed(ctx: &Ctx, sink: &mut Sink, scope: Scope) {
    branches(ctx, sink, scope, Composition::AllOf, false, |c| {
        !annotation_only(c.old_at, &c.old)
    });
}

/// A removed `oneOf`/`anyOf` alternative: payloads that matched only it are rejected. Not
/// when the edit was a list of types narrowing or a nullable wrapper going (their own rules).
fn alternative_removed(ctx: &Ctx, sink: &mut Sink, scope: Scope, kind: Composition) {
    branches(ctx, sink, scope, kind, false, |c| {
        let explained =
            list_of_types(&c.old, &c.new).is_some() || any_at(ctx, c, nullable_unwrapped);
        !explained
    });
}

/// The `kind` alternatives added at `c`'s schema, in one message. Not when the edit is a list
/// of types widening (its own rule).
fn alternatives_added(ctx: &Ctx, c: &SchemaChange, kind: Composition) -> Option<String> {
    if list_of_types(&c.old, &c.new).is_some() {
        return None;
    }
    let labels: Vec<&str> = ctx
        .changes_at(c)
        .filter_map(|d| match &d.change {
            Change::SubschemaAdded { kind: k, label } if *k == kind => Some(label.as_str()),
            _ => None,
        })
        .collect();
    (!labels.is_empty()).then(|| {
        format!(
            "added '{}' to the {} list of {}",
            labels.join("', '"),
            kind.keyword(),
            subject(c)
        )
    })
}

/// An `allOf` branch of nothing but annotations added or removed: it accepts everything.
fn annotation_branch(c: &SchemaChange, added: bool) -> Option<String> {
    let s = subject(c);
    match &c.change {
        Change::SubschemaAdded { kind, label }
            if added && *kind == Composition::AllOf && annotation_only(c.new_at, &c.new) =>
        {
            Some(format!(
                "added the annotation-only '{label}' to the allOf list of {s}"
            ))
        }
        Change::SubschemaRemoved { kind, label }
            if !added && *kind == Composition::AllOf && annotation_only(c.old_at, &c.old) =>
        {
            Some(format!(
                "removed the annotation-only '{label}' from the allOf list of {s}"
            ))
        }
        _ => None,
    }
}

/// A body that became a `oneOf` of alternatives: a payload valid before may now match several
/// overlapping alternatives (or none) and be rejected. Reported once per body.
fn wrapped_in_one_of(c: &SchemaChange) -> Option<String> {
    matches!(
        c.change,
        Change::Wrapped {
            kind: Composition::OneOf,
            ..
        }
    )
    .then(|| {
        "the request body was restructured into a oneOf, so a payload that was previously valid may no longer be accepted".to_string()
    })
}

// ---------------------------------------------------------------------------------------------
// Discriminators

/// The discriminator edits oasdiff tells apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Disc {
    Added,
    Removed,
    Renamed,
    MappingAdded,
    MappingDeleted,
    MappingChanged,
}

/// A discriminator edit of kind `want`.
fn discriminator(c: &SchemaChange, want: Disc) -> Option<String> {
    let Change::Discriminator { key, from, to } = c.change else {
        return None;
    };
    let has = |o: &Obj| o.get("discriminator").is_some();
    let got = match (key, from, to) {
        (None, None, Some(_)) => Disc::Added,
        (None, Some(_), None) => Disc::Removed,
        (None, Some(_), Some(_)) => Disc::Renamed,
        // Mapping entries of a discriminator that itself came or went are part of that.
        (Some(_), None, Some(_)) if has(&c.old) => Disc::MappingAdded,
        (Some(_), Some(_), None) if has(&c.new) => Disc::MappingDeleted,
        (Some(_), Some(_), Some(_)) => Disc::MappingChanged,
        _ => return None,
    };
    if got != want {
        return None;
    }
    fn v(x: Option<&str>) -> &str {
        x.unwrap_or("")
    }
    let s = subject(c);
    Some(match (got, key) {
        (Disc::Added, _) => format!("added a discriminator on '{}' to {s}", v(to)),
        (Disc::Removed, _) => format!("removed the discriminator on '{}' of {s}", v(from)),
        (Disc::Renamed, _) => format!(
            "the discriminator property of {s} changed from '{}' to '{}'",
            v(from),
            v(to)
        ),
        (Disc::MappingAdded, Some(k)) => format!(
            "added the discriminator mapping '{k}' -> '{}' to {s}",
            v(to)
        ),
        (Disc::MappingDeleted, Some(k)) => {
            format!("removed the discriminator mapping '{k}' of {s}")
        }
        (_, k) => format!(
            "the discriminator mapping '{}' of {s} changed from '{}' to '{}'",
            v(k),
            v(from),
            v(to)
        ),
    })
}
