//! The properties of a request body: added (a new required one breaks existing calls, an
//! optional one is listed), removed, made required or optional, made `readOnly`/`writeOnly` or
//! not, deprecated (with or without a sunset date), reactivated, and moved between stability
//! levels. Properties clients never send (`readOnly`) are left out of what concerns sending
//! them, as are the properties of a schema under `not`, which describe what a payload must not
//! be.

use super::super::body::{in_body, stability_change, Direction, BETA};
use super::super::index::sunset_date;
use super::super::schema::{merged_property, Change, SchemaChange, Segment};
use super::super::{Check, Ctx, Sink};
use super::Scope::{AnyProperty, Asserted, Object, Property};
use super::{run, subject};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Added, removed.
    Rule::new("openapi/new-required-request-property", |ctx, sink| {
        added(ctx, sink, true, false)
    }),
    Rule::new(
        "openapi/new-required-request-property-with-default",
        |ctx, sink| added(ctx, sink, true, true),
    ),
    Rule::new("openapi/new-optional-request-property", |ctx, sink| {
        added(ctx, sink, false, false)
    }),
    Rule::new("openapi/request-property-removed", request_property_removed),
    // Required, optional.
    Rule::new("openapi/request-property-became-required", |ctx, sink| {
        became_required(ctx, sink, false)
    }),
    Rule::new(
        "openapi/request-property-became-required-with-default",
        |ctx, sink| became_required(ctx, sink, true),
    ),
    Rule::new("openapi/request-property-became-optional", |ctx, sink| {
        run(ctx, sink, Object, became_optional)
    }),
    // readOnly, writeOnly.
    Rule::new(
        "openapi/request-optional-property-became-read-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "readOnly", true, false)
            })
        },
    ),
    Rule::new(
        "openapi/request-optional-property-became-not-read-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "readOnly", false, false)
            })
        },
    ),
    Rule::new(
        "openapi/request-optional-property-became-write-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "writeOnly", true, false)
            })
        },
    ),
    Rule::new(
        "openapi/request-optional-property-became-not-write-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "writeOnly", false, false)
            })
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-read-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "readOnly", true, true)
            })
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-not-read-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "readOnly", false, true)
            })
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-write-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "writeOnly", true, true)
            })
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-not-write-only",
        |ctx, sink| {
            run(ctx, sink, AnyProperty, |c| {
                access(c, "writeOnly", false, true)
            })
        },
    ),
    // Deprecation and stability.
    Rule::new("openapi/request-property-deprecated", |ctx, sink| {
        run(ctx, sink, Asserted, |c| deprecated(ctx, c, false))
    }),
    Rule::new(
        "openapi/request-property-deprecated-with-sunset",
        |ctx, sink| run(ctx, sink, Asserted, |c| deprecated(ctx, c, true)),
    ),
    Rule::new(
        "openapi/request-property-deprecated-sunset-missing",
        request_property_deprecated_sunset_missing,
    ),
    Rule::new(
        "openapi/request-property-deprecated-sunset-invalid",
        request_property_deprecated_sunset_invalid,
    ),
    Rule::new(
        "openapi/request-property-sunset-date-too-small",
        request_property_sunset_date_too_small,
    ),
    Rule::new("openapi/request-property-reactivated", |ctx, sink| {
        run(ctx, sink, Asserted, reactivated)
    }),
    Rule::new(
        "openapi/request-property-stability-decreased",
        |ctx, sink| run(ctx, sink, Property, |c| stability(c, false)),
    ),
    Rule::new(
        "openapi/request-property-stability-increased",
        |ctx, sink| run(ctx, sink, Asserted, |c| stability(c, true)),
    ),
];

// ---------------------------------------------------------------------------------------------
// Added, removed, required

/// Request-body changes, leaving out those under `not`: the properties of a negated schema
/// describe what a payload must not be, not properties a client sends, so adding or removing
/// one there is no request property added or removed.
fn outside_not<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    ctx.schema_changes()
        .iter()
        .filter(|c| in_body(c, Direction::Request) && !c.under_not)
}

/// Added properties that clients send (not `readOnly`), required or optional, with a default
/// or not (an optional one is listed either way).
fn added(ctx: &Ctx, sink: &mut Sink, required: bool, default: bool) {
    for c in outside_not(ctx) {
        let Change::PropertyAdded {
            name,
            required: r,
            schema,
        } = &c.change
        else {
            continue;
        };
        let has_default = schema.get("default").is_some();
        if schema.flag("readOnly") || *r != required || (required && has_default != default) {
            continue;
        }
        let name = c.property(name);
        let message = match (required, default) {
            (true, false) => format!("added the new required request property '{name}'"),
            (true, true) => {
                format!("added the new required request property '{name}' with a default value")
            }
            (false, _) => format!("added the new optional request property '{name}'"),
        };
        c.report(sink, message);
    }
}

fn request_property_removed(ctx: &Ctx, sink: &mut Sink) {
    for c in outside_not(ctx) {
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

/// A property defined on both sides (looking through `allOf`: it may have moved into a branch)
/// that joined `required`, split by whether it has a default. Not `readOnly`: clients never send
/// those.
fn became_required(ctx: &Ctx, sink: &mut Sink, default: bool) {
    for c in outside_not(ctx) {
        let Change::RequiredAdded { name } = c.change else {
            continue;
        };
        let (Some(_), Some(new)) = (merged_property(&c.old, name), merged_property(&c.new, name))
        else {
            continue;
        };
        if new.flag("readOnly") || new.get("default").is_some() != default {
            continue;
        }
        let name = c.property(name);
        let message = if default {
            format!(
                "the request property '{name}' with a default value became required: \
                 requests that omit it are now invalid"
            )
        } else {
            format!("the request property '{name}' became required")
        };
        c.report(sink, message);
    }
}

/// A property defined on both sides (in the object's own `properties`) that left `required`.
fn became_optional(c: &SchemaChange) -> Option<String> {
    let Change::RequiredRemoved { name } = c.change else {
        return None;
    };
    fn defined<'a>(o: &Obj<'a>, name: &str) -> Option<Obj<'a>> {
        o.child("properties").and_then(|p| p.child(name))
    }
    let (_, new) = (defined(&c.old, name)?, defined(&c.new, name)?);
    (!new.flag("readOnly")).then(|| {
        format!(
            "the request property '{}' became optional",
            c.property(name)
        )
    })
}

/// A `readOnly`/`writeOnly` flag that became `to` on a property that is `required` (or not) in
/// its object.
fn access(c: &SchemaChange, keyword: &str, want: bool, required: bool) -> Option<String> {
    let Change::Flag { keyword: k, to, .. } = c.change else {
        return None;
    };
    if k != keyword || to != want {
        return None;
    }
    let parent = c.parent.as_ref()?;
    let Segment::Property(name) = parent.segment else {
        return None;
    };
    let listed = parent
        .new
        .get("required")
        .is_some_and(|r| r.node.items().any(|n| n.as_str() == Some(name)));
    if listed != required {
        return None;
    }
    let kind = if required { "required" } else { "optional" };
    let became = match (keyword, want) {
        ("readOnly", true) => "read-only",
        ("readOnly", false) => "not read-only",
        ("writeOnly", true) => "write-only",
        _ => "not write-only",
    };
    Some(format!(
        "the {kind} request property '{}' became {became}",
        c.path
    ))
}

// ---------------------------------------------------------------------------------------------
// Deprecation and stability

/// A property that became deprecated, with its `x-sunset` if it has one.
fn newly_deprecated<'a>(c: &SchemaChange<'a>) -> Option<Option<NodeRef<'a>>> {
    matches!(
        c.change,
        Change::Flag {
            keyword: "deprecated",
            from: false,
            to: true,
        }
    )
    .then(|| c.new.get("x-sunset"))
}

/// Newly deprecated without a sunset (`sunset` false), or with one still ahead. An unreadable
/// or past sunset is the sunset rules' business.
fn deprecated(ctx: &Ctx, c: &SchemaChange, sunset: bool) -> Option<String> {
    let date = newly_deprecated(c)?.map(sunset_date);
    let s = subject(c);
    match (sunset, date) {
        (false, None) => Some(format!("{s} was deprecated")),
        (true, Some(Ok(date))) if !ctx.sunset_too_soon(date, ctx.stability_of(c.spec, c.op)) => {
            Some(format!("{s} was deprecated with the sunset date '{date}'"))
        }
        _ => None,
    }
}

/// oasdiff raises this only under a deprecation policy (a minimum notice before sunset); in
/// treaty the rule is off by default and selecting it is the policy: every deprecated request
/// property must name its sunset.
fn request_property_deprecated_sunset_missing(ctx: &Ctx, sink: &mut Sink) {
    run(ctx, sink, Property, |c| {
        newly_deprecated(c)?.is_none().then(|| {
            format!(
                "the request property '{}' was deprecated without a sunset date",
                c.path
            )
        })
    });
}

fn request_property_deprecated_sunset_invalid(ctx: &Ctx, sink: &mut Sink) {
    run(ctx, sink, Property, |c| {
        let e = sunset_date(newly_deprecated(c)??).err()?;
        Some(format!(
            "the request property '{}' was deprecated with an unreadable sunset date: {e}",
            c.path
        ))
    });
}

/// A sunset sooner than the deprecation policy's notice; with oasdiff's default of 0 days, a
/// date already past (clients had no time at all).
fn request_property_sunset_date_too_small(ctx: &Ctx, sink: &mut Sink) {
    run(ctx, sink, Property, |c| {
        let date = sunset_date(newly_deprecated(c)??).ok()?;
        let stability = ctx.stability_of(c.spec, c.op);
        ctx.sunset_too_soon(date, stability).then(|| {
            format!(
                "the request property '{}' was deprecated with the sunset date '{date}', {}",
                c.path,
                ctx.too_soon_because(stability, "which is already past")
            )
        })
    });
}

fn reactivated(c: &SchemaChange) -> Option<String> {
    matches!(
        c.change,
        Change::Flag {
            keyword: "deprecated",
            from: true,
            to: false,
        }
    )
    .then(|| format!("{} is no longer deprecated", subject(c)))
}

/// A property's `x-stability-level` that moved (`increased` or not). Only properties leaving
/// `beta` or `stable` are tracked, as oasdiff does by default: `draft`/`alpha` promise nothing.
fn stability(c: &SchemaChange, increased: bool) -> Option<String> {
    let ((was, from), (now, to)) = stability_change(c)?;
    if was < BETA || now == was || (now > was) != increased {
        return None;
    }
    Some(if increased {
        format!(
            "the stability level of {} increased from '{from}' to '{to}'",
            subject(c)
        )
    } else {
        format!(
            "the stability level of the request property '{}' decreased from '{from}' to '{to}'",
            c.path
        )
    })
}
