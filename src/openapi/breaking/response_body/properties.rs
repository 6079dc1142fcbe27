//! The properties of response bodies: removed (a required or optional one readers relied on is
//! an error or warning, a write-only one is info: clients never read it), added, made optional
//! (an error) or required, made `readOnly`/`writeOnly` or not (a required property that stops
//! being write-only now shows up where clients never expected it: a warning), deprecated (with
//! or without a sunset date), reactivated, and moved between stability levels. A property that
//! only moved into an `allOf` branch, or into the alternatives of a `oneOf` wrapping, is still
//! there.

use super::super::body::{stability_change, Level, BETA};
use super::super::index::sunset_date;
use super::super::schema::{merged_property, Change, Segment};
use super::super::{Check, Ctx, Sink};
use super::compositions::{in_one_of_stand_in, moved_into_one_of};
use super::{changes, status, BOTH};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Removed, added.
    Rule::new("openapi/response-required-property-removed", |ctx, sink| {
        presence(ctx, sink, Presence::Removed, true, false)
    }),
    Rule::new("openapi/response-optional-property-removed", |ctx, sink| {
        presence(ctx, sink, Presence::Removed, false, false)
    }),
    Rule::new(
        "openapi/response-required-write-only-property-removed",
        |ctx, sink| presence(ctx, sink, Presence::Removed, true, true),
    ),
    Rule::new(
        "openapi/response-optional-write-only-property-removed",
        |ctx, sink| presence(ctx, sink, Presence::Removed, false, true),
    ),
    Rule::new("openapi/response-required-property-added", |ctx, sink| {
        presence(ctx, sink, Presence::Added, true, false)
    }),
    Rule::new("openapi/response-optional-property-added", |ctx, sink| {
        presence(ctx, sink, Presence::Added, false, false)
    }),
    Rule::new(
        "openapi/response-required-write-only-property-added",
        |ctx, sink| presence(ctx, sink, Presence::Added, true, true),
    ),
    Rule::new(
        "openapi/response-optional-write-only-property-added",
        |ctx, sink| presence(ctx, sink, Presence::Added, false, true),
    ),
    // Required, optional.
    Rule::new("openapi/response-property-became-optional", |ctx, sink| {
        response_property_became_optional(ctx, sink)
    }),
    Rule::new("openapi/response-property-became-required", |ctx, sink| {
        required_changed(ctx, sink, true, false)
    }),
    Rule::new(
        "openapi/response-write-only-property-became-required",
        |ctx, sink| required_changed(ctx, sink, true, true),
    ),
    Rule::new(
        "openapi/response-write-only-property-became-optional",
        |ctx, sink| required_changed(ctx, sink, false, true),
    ),
    // readOnly, writeOnly.
    Rule::new(
        "openapi/response-required-property-became-read-only",
        |ctx, sink| access(ctx, sink, "readOnly", true, true),
    ),
    Rule::new(
        "openapi/response-required-property-became-not-read-only",
        |ctx, sink| access(ctx, sink, "readOnly", false, true),
    ),
    Rule::new(
        "openapi/response-required-property-became-write-only",
        |ctx, sink| access(ctx, sink, "writeOnly", true, true),
    ),
    Rule::new(
        "openapi/response-required-property-became-not-write-only",
        |ctx, sink| access(ctx, sink, "writeOnly", false, true),
    ),
    Rule::new(
        "openapi/response-optional-property-became-read-only",
        |ctx, sink| access(ctx, sink, "readOnly", true, false),
    ),
    Rule::new(
        "openapi/response-optional-property-became-not-read-only",
        |ctx, sink| access(ctx, sink, "readOnly", false, false),
    ),
    Rule::new(
        "openapi/response-optional-property-became-write-only",
        |ctx, sink| access(ctx, sink, "writeOnly", true, false),
    ),
    Rule::new(
        "openapi/response-optional-property-became-not-write-only",
        |ctx, sink| access(ctx, sink, "writeOnly", false, false),
    ),
    // Deprecation and stability.
    Rule::new("openapi/response-property-deprecated", |ctx, sink| {
        deprecation(ctx, sink, Want::Deprecated)
    }),
    Rule::new(
        "openapi/response-property-deprecated-with-sunset",
        |ctx, sink| deprecation(ctx, sink, Want::WithSunset),
    ),
    Rule::new(
        "openapi/response-property-deprecated-sunset-missing",
        |ctx, sink| deprecation(ctx, sink, Want::SunsetMissing),
    ),
    Rule::new(
        "openapi/response-property-deprecated-sunset-invalid",
        |ctx, sink| deprecation(ctx, sink, Want::SunsetInvalid),
    ),
    Rule::new(
        "openapi/response-property-sunset-date-too-small",
        |ctx, sink| deprecation(ctx, sink, Want::SunsetTooSmall),
    ),
    Rule::new("openapi/response-property-reactivated", |ctx, sink| {
        deprecation(ctx, sink, Want::Reactivated)
    }),
    Rule::new(
        "openapi/response-property-stability-decreased",
        |ctx, sink| stability(ctx, sink, false),
    ),
    Rule::new(
        "openapi/response-property-stability-increased",
        |ctx, sink| stability(ctx, sink, true),
    ),
];

// ---------------------------------------------------------------------------------------------
// Removed, added, required

#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    Added,
    Removed,
}

/// Properties added or removed, by whether they are required and write-only (on the side that
/// has them). A removed readable property that only moved into an `allOf` branch or a `oneOf`
/// wrapping is still there; so is an added one that was in a branch before.
fn presence(ctx: &Ctx, sink: &mut Sink, how: Presence, required: bool, write_only: bool) {
    for level in BOTH {
        for c in changes(ctx, level) {
            let (name, req, schema) = match (&c.change, how) {
                (
                    Change::PropertyAdded {
                        name,
                        required,
                        schema,
                    },
                    Presence::Added,
                )
                | (
                    Change::PropertyRemoved {
                        name,
                        required,
                        schema,
                    },
                    Presence::Removed,
                ) => (*name, *required, schema),
                _ => continue,
            };
            let removed = how == Presence::Removed;
            // Where it would still be, or was before.
            let other = if removed { &c.new } else { &c.old };
            if req != required
                || schema.flag("writeOnly") != write_only
                || (removed && !write_only && moved_into_one_of(c, name))
                || field(other, name, 0).is_some()
            {
                continue;
            }
            let kind = match (required, write_only) {
                (true, true) => "required write-only",
                (true, false) => "required",
                (false, true) => "optional write-only",
                (false, false) => "optional",
            };
            let (verb, dir) = if removed {
                ("removed", "from")
            } else {
                ("added", "to")
            };
            c.report(
                sink,
                format!(
                    "{verb} the {kind} property '{}' {dir} the {} response",
                    c.property(name),
                    status(c)
                ),
            );
        }
    }
}

fn response_property_became_optional(ctx: &Ctx, sink: &mut Sink) {
    for level in BOTH {
        for c in changes(ctx, level) {
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
            let (Some(old), Some(new)) =
                (merged_property(&c.old, name), merged_property(&c.new, name))
            else {
                continue;
            };
            // Write-only in the base: clients never read it, so losing `required` breaks no
            // one (`response-write-only-property-became-optional`).
            if write_only(&old, &new) || requires(&c.new, name, 0) {
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

/// A property's schema in `o`'s own `properties`.
fn defined<'a>(o: &Obj<'a>, name: &str) -> Option<Obj<'a>> {
    let p = o.get("properties")?;
    p.node.get(name).map(|n| o.set.view(NodeRef::new(p.doc, n)))
}

/// Is a property defined on both sides write-only, for the required/optional rules? Write-only
/// in the base (clients never read it: oasdiff judges nested properties so) or in the revision
/// (where the property going write-only is its own finding).
fn write_only(old: &Obj, new: &Obj) -> bool {
    old.flag("writeOnly") || new.flag("writeOnly")
}

/// A property defined on both sides that joined (`required`) or left `required`, filtered by
/// whether it is write-only ([`write_only`]).
fn required_changed(ctx: &Ctx, sink: &mut Sink, required: bool, want_write_only: bool) {
    for level in BOTH {
        for c in changes(ctx, level) {
            let name = match (&c.change, required) {
                (Change::RequiredAdded { name }, true)
                | (Change::RequiredRemoved { name }, false) => *name,
                _ => continue,
            };
            let (Some(old), Some(new)) = (defined(&c.old, name), defined(&c.new, name)) else {
                continue;
            };
            // Still required through an `allOf` branch, or already required through one.
            let (before, after) = (requires(&c.old, name, 0), requires(&c.new, name, 0));
            if before == after || write_only(&old, &new) != want_write_only {
                continue;
            }
            let what = if want_write_only {
                "write-only property"
            } else {
                "property"
            };
            let how = if required { "required" } else { "optional" };
            c.report(
                sink,
                format!(
                    "the response {what} '{}' became {how} for the status {}",
                    c.property(name),
                    status(c)
                ),
            );
        }
    }
}

/// A property that gained or lost `readOnly`/`writeOnly`, by whether the old schema required
/// it. A required property that stops being write-only is a warning: clients that followed the
/// old contract never expected it in a response, and now it is required there.
fn access(ctx: &Ctx, sink: &mut Sink, keyword: &str, to: bool, required: bool) {
    for c in changes(ctx, Level::Property) {
        let Change::Flag {
            keyword: k,
            from,
            to: now,
        } = c.change
        else {
            continue;
        };
        if k != keyword || now != to || from == to {
            continue;
        }
        let Some(parent) = &c.parent else { continue };
        let Segment::Property(name) = parent.segment else {
            continue;
        };
        if required_names(&parent.old).contains(&name) != required {
            continue;
        }
        let kind = if required { "required" } else { "optional" };
        let how = match (keyword, to) {
            ("readOnly", true) => "became read-only",
            ("readOnly", false) => "is no longer read-only",
            (_, true) => "became write-only",
            (_, false) => "is no longer write-only",
        };
        c.report(
            sink,
            format!(
                "the {kind} response property '{}' {how} for the status {}",
                c.path,
                status(c)
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Fields: properties looking through `allOf`

/// A property of a schema, looking through `allOf`: its key node, its schema, and whether it
/// is required.
pub(crate) struct Field<'a> {
    pub(crate) key: NodeRef<'a>,
    pub(crate) schema: Obj<'a>,
    pub(crate) required: bool,
    /// The `required` entry naming it.
    pub(crate) required_at: Option<NodeRef<'a>>,
}

/// Does `o` (or an `allOf` branch of it) list `name` in `required`?
pub(crate) fn requires(o: &Obj, name: &str, depth: usize) -> bool {
    required_names(o).contains(&name)
        || (depth < 8
            && o.get("allOf").is_some_and(|list| {
                list.node
                    .items()
                    .any(|b| requires(&o.set.view(NodeRef::new(list.doc, b)), name, depth + 1))
            }))
}

pub(crate) fn field<'a>(o: &Obj<'a>, name: &str, depth: usize) -> Option<Field<'a>> {
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

/// Names in a schema's `required`.
pub(crate) fn required_names<'a>(o: &Obj<'a>) -> Vec<&'a str> {
    o.get("required")
        .map(|r| r.node.items().filter_map(|n| n.as_str()).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Deprecation and stability

/// The deprecation rules, one finding kind each.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Deprecated,
    WithSunset,
    Reactivated,
    /// Only selecting the rule asks for a sunset: that is the policy (oasdiff raises it only
    /// under a deprecation policy).
    SunsetMissing,
    SunsetInvalid,
    SunsetTooSmall,
}

/// A property's `deprecated` flag that changed, read with its `x-sunset`: a date already past is
/// `sunset-date-too-small`'s, an unreadable one `deprecated-sunset-invalid`'s, and neither is
/// listed as a deprecation.
fn deprecation(ctx: &Ctx, sink: &mut Sink, want: Want) {
    for c in changes(ctx, Level::Property) {
        let Change::Flag {
            keyword: "deprecated",
            to: deprecated,
            ..
        } = c.change
        else {
            continue;
        };
        let path = &c.path;
        let sunset = c.new.get("x-sunset").map(sunset_date);
        let message = match (want, deprecated, sunset) {
            (Want::Reactivated, false, _) => {
                format!("the response property '{path}' is no longer deprecated")
            }
            (Want::Deprecated, true, None) => {
                format!("the response property '{path}' was deprecated")
            }
            (Want::SunsetMissing, true, None) => {
                format!("the response property '{path}' was deprecated without a sunset date")
            }
            (Want::SunsetInvalid, true, Some(Err(e))) => format!(
                "the response property '{path}' was deprecated with an invalid sunset date: {e}"
            ),
            (Want::WithSunset, true, Some(Ok(date)))
                if !ctx.sunset_too_soon(date, ctx.stability_of(c.spec, c.op)) =>
            {
                format!(
                    "the response property '{path}' was deprecated with the sunset date '{date}'"
                )
            }
            (Want::SunsetTooSmall, true, Some(Ok(date))) => {
                let stability = ctx.stability_of(c.spec, c.op);
                if !ctx.sunset_too_soon(date, stability) {
                    continue;
                }
                let days = ctx.notice_days(stability);
                format!(
                    "the response property '{path}' was deprecated with the sunset date '{date}', which must be at least {days} days from now"
                )
            }
            _ => continue,
        };
        c.report(sink, message);
    }
}

/// A property's `x-stability-level` that moved. A decrease counts only from a level that
/// promises stability (`beta` or `stable`, what oasdiff checks by default).
fn stability(ctx: &Ctx, sink: &mut Sink, increased: bool) {
    for c in changes(ctx, Level::Property) {
        let Some(((old, old_label), (new, new_label))) = stability_change(c) else {
            continue;
        };
        let moved = if increased {
            new > old
        } else {
            old >= BETA && new < old
        };
        if moved {
            let how = if increased { "increased" } else { "decreased" };
            c.report(
                sink,
                format!(
                    "the response property '{}' stability level {how} from '{old_label}' to '{new_label}'",
                    c.path
                ),
            );
        }
    }
}
