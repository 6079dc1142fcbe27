//! The values a client reads: enums, `const` and defaults. A value the response may now carry
//! that it could not is a warning for an enum value added to a readable property (clients that
//! switch over the values meet one they do not know) and an error for a `const` changed or
//! dropped; a value it no longer carries, a new `const`, or a write-only property's
//! new enum value (clients never read it) is info, as is every default change. The request twins
//! are in [`super::super::request_body::values`], read through the same [`enum_value`].

use super::super::body::{enum_value, show, show_pair, Admits, Edit, Level};
use super::super::schema::Change;
use super::super::{Check, Ctx, Sink};
use super::{changes, media, status, subject};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Enums.
    Rule::new("openapi/response-property-enum-value-added", |ctx, sink| {
        enum_values(ctx, sink, Level::Property, Admits::More, false)
    }),
    Rule::new(
        "openapi/response-write-only-property-enum-value-added",
        |ctx, sink| enum_values(ctx, sink, Level::Property, Admits::More, true),
    ),
    Rule::new(
        "openapi/response-property-enum-value-removed",
        |ctx, sink| enum_values(ctx, sink, Level::Property, Admits::Less, false),
    ),
    Rule::new(
        "openapi/response-mediatype-enum-value-removed",
        |ctx, sink| enum_values(ctx, sink, Level::Body, Admits::Less, false),
    ),
    // Const.
    Rule::new("openapi/response-body-const-added", |ctx, sink| {
        const_edit(ctx, sink, Level::Body, Edit::Added)
    }),
    Rule::new("openapi/response-property-const-added", |ctx, sink| {
        const_edit(ctx, sink, Level::Property, Edit::Added)
    }),
    Rule::new("openapi/response-body-const-changed", |ctx, sink| {
        const_edit(ctx, sink, Level::Body, Edit::Changed)
    }),
    Rule::new("openapi/response-property-const-changed", |ctx, sink| {
        const_edit(ctx, sink, Level::Property, Edit::Changed)
    }),
    Rule::new("openapi/response-body-const-removed", |ctx, sink| {
        const_edit(ctx, sink, Level::Body, Edit::Removed)
    }),
    Rule::new("openapi/response-property-const-removed", |ctx, sink| {
        const_edit(ctx, sink, Level::Property, Edit::Removed)
    }),
    // Defaults.
    Rule::new("openapi/response-body-default-value-added", |ctx, sink| {
        default_value(ctx, sink, Level::Body, Edit::Added)
    }),
    Rule::new(
        "openapi/response-property-default-value-added",
        |ctx, sink| default_value(ctx, sink, Level::Property, Edit::Added),
    ),
    Rule::new(
        "openapi/response-body-default-value-removed",
        |ctx, sink| default_value(ctx, sink, Level::Body, Edit::Removed),
    ),
    Rule::new(
        "openapi/response-property-default-value-removed",
        |ctx, sink| default_value(ctx, sink, Level::Property, Edit::Removed),
    ),
    Rule::new(
        "openapi/response-body-default-value-changed",
        |ctx, sink| default_value(ctx, sink, Level::Body, Edit::Changed),
    ),
    Rule::new(
        "openapi/response-property-default-value-changed",
        |ctx, sink| default_value(ctx, sink, Level::Property, Edit::Changed),
    ),
];

/// Enum values added (`More`) or removed at `level`: an added one is news to readers of a
/// readable property (an error) and not to anyone for a write-only one (info).
fn enum_values(ctx: &Ctx, sink: &mut Sink, level: Level, admits: Admits, write_only: bool) {
    for c in changes(ctx, level) {
        let Some((a, v)) = enum_value(c) else {
            continue;
        };
        if a != admits {
            continue;
        }
        let (v, status) = (show(v), status(c));
        let message = match (admits, level) {
            (Admits::More, _) if c.new.flag("writeOnly") != write_only => continue,
            (Admits::More, _) if write_only => format!(
                "added the enum value '{v}' to the write-only response property '{}' for the status {status}",
                c.path
            ),
            (Admits::More, _) => format!(
                "added the new enum value '{v}' to the response property '{}' for the status {status}",
                c.path
            ),
            (Admits::Less, Level::Property) => format!(
                "removed the enum value '{v}' from the response property '{}' for the status {status}",
                c.path
            ),
            (Admits::Less, Level::Body) => format!(
                "removed the enum value '{v}' from the '{}' response body for the status {status}",
                media(c)
            ),
        };
        c.report(sink, message);
    }
}

/// A `const` that appeared (the response promises one value: info), changed or went (clients
/// relying on the constant break).
fn const_edit(ctx: &Ctx, sink: &mut Sink, level: Level, want: Edit) {
    for c in changes(ctx, level) {
        let Change::Const { from, to } = &c.change else {
            continue;
        };
        if Edit::of(from, to) != Some(want) {
            continue;
        }
        let (s, status) = (subject(c), status(c));
        let message = match (from, to) {
            (None, Some(to)) => format!(
                "{s} is now the constant '{}' for the status {status}",
                show(*to)
            ),
            (Some(from), None) => format!(
                "{s} is no longer the constant '{}' for the status {status}",
                show(*from)
            ),
            (Some(from), Some(to)) => format!(
                "{s} const value changed from '{}' to '{}' for the status {status}",
                show(*from),
                show(*to)
            ),
            (None, None) => continue,
        };
        c.report(sink, message);
    }
}

fn default_value(ctx: &Ctx, sink: &mut Sink, level: Level, want: Edit) {
    for c in changes(ctx, level) {
        let Change::Default { from, to } = &c.change else {
            continue;
        };
        if Edit::of(from, to) != Some(want) {
            continue;
        }
        let (s, status) = (subject(c), status(c));
        let message = match (from, to) {
            (None, Some(to)) => format!(
                "{s} default value '{}' was added for the status {status}",
                show(*to)
            ),
            (Some(from), None) => format!(
                "{s} default value was removed (was '{}') for the status {status}",
                show(*from)
            ),
            (Some(from), Some(to)) => {
                let (from, to) = show_pair(*from, *to);
                format!("{s} default value changed from '{from}' to '{to}' for the status {status}")
            }
            (None, None) => continue,
        };
        c.report(sink, message);
    }
}
