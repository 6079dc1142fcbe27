//! The values a parameter's schema admits: enums and defaults. A value refused now (an enum
//! value gone, an enum where there was none) is an error, one admitted now info. A default of an
//! optional parameter that appears, goes or changes is an error: clients that leave the
//! parameter out get other behaviour without changing a line.

use super::super::body::extensible_values_removed;
use super::super::request_body::values::enum_value_added;
use super::super::schema::{Change, SchemaChange};
use super::super::{Check, Ctx, Sink};
use super::{
    param_changes, report_changes, run, show, subject, Named,
    Scope::{Own, Property},
};
use crate::openapi::model::Param;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/request-parameter-became-enum", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            (c.path.is_empty() && matches!(c.change, Change::EnumAdded))
                .then(|| format!("{p} was restricted to a list of enum values"))
        })
    }),
    Rule::new(
        "openapi/request-parameter-enum-value-removed",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| match &c.change {
                Change::EnumValueRemoved(v) if c.path.is_empty() => {
                    Some(format!("removed the enum value {} from {p}", show(*v)))
                }
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-property-enum-value-removed",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| match &c.change {
                Change::EnumValueRemoved(v) if !c.path.is_empty() => Some(format!(
                    "removed the enum value {} from the property '{}' of {p}",
                    show(*v),
                    c.path
                )),
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-x-extensible-enum-value-removed",
        request_parameter_x_extensible_enum_value_removed,
    ),
    Rule::new("openapi/request-parameter-enum-value-added", |ctx, sink| {
        run(ctx, sink, Own, |c| enum_value_added(c, subject))
    }),
    Rule::new(
        "openapi/request-parameter-property-enum-value-added",
        |ctx, sink| run(ctx, sink, Property, |c| enum_value_added(c, subject)),
    ),
    Rule::new(
        "openapi/request-parameter-default-value-added",
        |ctx, sink| {
            report_changes(ctx, sink, |ctx, c, p| match default_change(ctx, c, p)? {
                (None, Some(to)) => {
                    Some(format!("for {p}, the default value {} was added", show(to)))
                }
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-default-value-removed",
        |ctx, sink| {
            report_changes(ctx, sink, |ctx, c, p| match default_change(ctx, c, p)? {
                (Some(from), None) => Some(format!(
                    "for {p}, the default value {} was removed",
                    show(from)
                )),
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-default-value-changed",
        |ctx, sink| {
            report_changes(ctx, sink, |ctx, c, p| match default_change(ctx, c, p)? {
                (Some(from), Some(to)) => {
                    let (from, to) = crate::openapi::breaking::body::show_pair(from, to);
                    Some(format!(
                        "for {p}, the default value was changed from '{from}' to '{to}'"
                    ))
                }
                _ => None,
            })
        },
    ),
];

/// A default of an optional parameter's own schema that appeared, went or changed. A required
/// parameter is always sent, so its default never applies (oasdiff skips those too).
fn default_change<'a>(
    ctx: &Ctx,
    c: &SchemaChange<'a>,
    p: &Named,
) -> Option<(Option<NodeRef<'a>>, Option<NodeRef<'a>>)> {
    let Change::Default { from, to } = c.change else {
        return None;
    };
    if !c.path.is_empty() || p.location == "path" {
        return None;
    }
    let pair = &ctx.specs[c.spec];
    let ops = pair.ops.get(c.op)?;
    let old = &pair.old.as_ref()?.operations[ops.old];
    let new = &pair.new.as_ref()?.operations[ops.new];
    let optional = |params: Option<&Param>| params.is_some_and(|q| !q.required());
    (optional(old.param(p.location, p.name)) && optional(new.param(p.location, p.name)))
        .then_some((from, to))
}

fn request_parameter_x_extensible_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    for (c, p) in param_changes(ctx) {
        if !c.path.is_empty() {
            continue;
        }
        let Change::Keyword { to: Some(to), .. } = c.change else {
            continue;
        };
        for v in extensible_values_removed(c) {
            sink.report_operation(
                &c.operation,
                to.line_location(),
                Some(v.line_location()),
                format!("removed the x-extensible-enum value {} from {p}", show(v)),
            );
        }
    }
}
