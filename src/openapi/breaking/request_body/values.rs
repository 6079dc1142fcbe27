//! The values a client may send: enums (and `x-extensible-enum`), `const` and defaults. A value
//! refused now (an enum where there was none, an enum value or `x-extensible-enum` value gone,
//! a `const` set or changed) is an error; a value accepted now (an enum value added, a `const`
//! dropped) is info, as is every default change, since servers apply defaults, not clients.
//! The response twins are in [`super::super::response_body::values`], read through the same
//! [`enum_value`].

use super::super::body::{enum_value, extensible_values_removed, show, show_pair, Admits, Edit};
use super::super::schema::{Change, SchemaChange};
use super::super::{Check, Ctx, Sink};
use super::limits::Subject;
use super::Scope::{Asserted, Body, Property, ReadOnly};
use super::{changes, run, subject};
use crate::openapi::model::same_value;
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Enums.
    Rule::new("openapi/request-body-became-enum", |ctx, sink| {
        run(ctx, sink, Body, became_enum)
    }),
    Rule::new("openapi/request-property-became-enum", |ctx, sink| {
        run(ctx, sink, Property, became_enum)
    }),
    Rule::new("openapi/request-body-enum-value-removed", |ctx, sink| {
        run(ctx, sink, Body, enum_value_removed)
    }),
    Rule::new(
        "openapi/request-property-enum-value-removed",
        |ctx, sink| run(ctx, sink, Property, enum_value_removed),
    ),
    Rule::new("openapi/request-property-enum-value-added", |ctx, sink| {
        run(ctx, sink, Asserted, |c| enum_value_added(c, subject))
    }),
    Rule::new(
        "openapi/request-read-only-property-enum-value-removed",
        |ctx, sink| run(ctx, sink, ReadOnly, read_only_enum_value_removed),
    ),
    Rule::new(
        "openapi/request-property-x-extensible-enum-value-removed",
        request_property_x_extensible_enum_value_removed,
    ),
    // Const.
    Rule::new("openapi/request-body-const-added", |ctx, sink| {
        run(ctx, sink, Body, |c| const_edit(c, Edit::Added))
    }),
    Rule::new("openapi/request-property-const-added", |ctx, sink| {
        run(ctx, sink, Property, |c| const_edit(c, Edit::Added))
    }),
    Rule::new("openapi/request-body-const-changed", |ctx, sink| {
        run(ctx, sink, Body, |c| const_edit(c, Edit::Changed))
    }),
    Rule::new("openapi/request-property-const-changed", |ctx, sink| {
        run(ctx, sink, Property, |c| const_edit(c, Edit::Changed))
    }),
    Rule::new("openapi/request-body-const-removed", |ctx, sink| {
        run(ctx, sink, Body, |c| const_edit(c, Edit::Removed))
    }),
    Rule::new("openapi/request-property-const-removed", |ctx, sink| {
        run(ctx, sink, Asserted, |c| const_edit(c, Edit::Removed))
    }),
    // Defaults.
    Rule::new("openapi/request-body-default-value-added", |ctx, sink| {
        run(ctx, sink, Body, |c| default_edit(c, Edit::Added))
    }),
    Rule::new(
        "openapi/request-property-default-value-added",
        |ctx, sink| run(ctx, sink, Asserted, |c| default_edit(c, Edit::Added)),
    ),
    Rule::new("openapi/request-body-default-value-removed", |ctx, sink| {
        run(ctx, sink, Body, |c| default_edit(c, Edit::Removed))
    }),
    Rule::new(
        "openapi/request-property-default-value-removed",
        |ctx, sink| run(ctx, sink, Asserted, |c| default_edit(c, Edit::Removed)),
    ),
    Rule::new("openapi/request-body-default-value-changed", |ctx, sink| {
        run(ctx, sink, Body, |c| default_edit(c, Edit::Changed))
    }),
    Rule::new(
        "openapi/request-property-default-value-changed",
        |ctx, sink| run(ctx, sink, Asserted, |c| default_edit(c, Edit::Changed)),
    ),
];

// ---------------------------------------------------------------------------------------------
// Enums

fn became_enum(c: &SchemaChange) -> Option<String> {
    matches!(c.change, Change::EnumAdded)
        .then(|| format!("{} was restricted to a list of enum values", subject(c)))
}

fn enum_value_removed(c: &SchemaChange) -> Option<String> {
    match enum_value(c)? {
        (Admits::Less, v) => Some(format!(
            "removed the enum value '{}' of {}",
            show(v),
            subject(c)
        )),
        _ => None,
    }
}

/// Shared with the parameters.
pub(crate) fn enum_value_added(c: &SchemaChange, subject: Subject) -> Option<String> {
    match enum_value(c)? {
        (Admits::More, v) => Some(format!(
            "added the enum value '{}' to {}",
            show(v),
            subject(c)
        )),
        _ => None,
    }
}

fn read_only_enum_value_removed(c: &SchemaChange) -> Option<String> {
    match enum_value(c)? {
        (Admits::Less, v) => Some(format!(
            "removed the enum value '{}' of the read-only {}: clients do not send it",
            show(v),
            &subject(c)[4..]
        )),
        _ => None,
    }
}

/// `x-extensible-enum` lists the values known today and promises more may come, so adding is
/// fine; a value that goes is one clients may still send.
fn request_property_x_extensible_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    for c in changes(ctx, Property) {
        for value in extensible_values_removed(c) {
            sink.report_operation(
                &c.operation,
                c.new_at.line_location(),
                Some(value.line_location()),
                format!(
                    "removed the x-extensible-enum value '{}' of {}",
                    show(value),
                    subject(c)
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Const and defaults

/// A `const` set where there was none (not when an `enum` of that one value already said as
/// much), changed, or dropped (other values are accepted now).
fn const_edit(c: &SchemaChange, want: Edit) -> Option<String> {
    let Change::Const { from, to } = c.change else {
        return None;
    };
    if Edit::of(&from, &to)? != want {
        return None;
    }
    let s = subject(c);
    match (from, to) {
        (None, Some(to)) if !only_value(&c.old, to) => Some(format!(
            "{s} now only accepts the const value '{}'",
            show(to)
        )),
        (Some(from), Some(to)) => Some(format!(
            "the const value of {s} changed from '{}' to '{}'",
            show(from),
            show(to)
        )),
        (Some(from), None) => Some(format!(
            "removed the const value '{}' of {s}: other values are accepted",
            show(from)
        )),
        _ => None,
    }
}

/// `o` already accepted nothing but `value` (an `enum` of just it).
fn only_value(o: &Obj, value: NodeRef) -> bool {
    o.get("enum").is_some_and(|e| {
        e.node
            .as_seq()
            .is_some_and(|s| !s.is_empty() && s.iter().all(|v| same_value(v, value.node)))
    })
}

fn default_edit(c: &SchemaChange, want: Edit) -> Option<String> {
    let Change::Default { from, to } = c.change else {
        return None;
    };
    if Edit::of(&from, &to)? != want {
        return None;
    }
    let s = subject(c);
    Some(match (from, to) {
        (None, Some(v)) => format!("added the default value '{}' to {s}", show(v)),
        (Some(v), None) => format!("removed the default value '{}' of {s}", show(v)),
        (Some(f), Some(t)) => {
            let (f, t) = show_pair(f, t);
            format!("changed the default value of {s} from '{f}' to '{t}'")
        }
        (None, None) => return None,
    })
}
