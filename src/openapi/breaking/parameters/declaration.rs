//! The parameter itself, whatever its schema: added (required parameters break existing calls,
//! optional ones are listed), removed (judged by its deprecation and sunset), made required or
//! optional, moved to another location, deprecated or reactivated, and its sunset date.

use super::super::index::{sunset_date, OperationPair};
use super::super::operations::{departure, for_each_pair, within, Departure};
use super::super::{Check, Ctx, Sink};
use super::{named, param_at, param_pairs};
use crate::openapi::model::Param;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/new-request-path-parameter",
        new_request_path_parameter,
    ),
    Rule::new(
        "openapi/new-required-request-default-parameter-to-existing-path",
        new_required_request_default_parameter,
    ),
    Rule::new(
        "openapi/new-required-request-parameter",
        new_required_request_parameter,
    ),
    Rule::new(
        "openapi/new-optional-request-parameter",
        new_optional_request_parameter,
    ),
    Rule::new(
        "openapi/new-optional-request-default-parameter-to-existing-path",
        new_optional_request_default_parameter,
    ),
    Rule::new(
        "openapi/request-parameter-removed",
        request_parameter_removed,
    ),
    Rule::new(
        "openapi/request-parameter-removed-before-sunset",
        request_parameter_removed_before_sunset,
    ),
    Rule::new(
        "openapi/request-parameter-removed-with-deprecation",
        request_parameter_removed_with_deprecation,
    ),
    Rule::new(
        "openapi/request-parameter-sunset-parse",
        request_parameter_sunset_parse,
    ),
    // The parameter itself.
    Rule::new(
        "openapi/request-parameter-became-required",
        request_parameter_became_required,
    ),
    Rule::new(
        "openapi/request-parameter-became-optional",
        request_parameter_became_optional,
    ),
    Rule::new(
        "openapi/request-parameter-in-changed",
        request_parameter_in_changed,
    ),
    Rule::new(
        "openapi/request-parameter-deprecated",
        request_parameter_deprecated,
    ),
    Rule::new(
        "openapi/request-parameter-reactivated",
        request_parameter_reactivated,
    ),
    Rule::new(
        "openapi/request-parameter-deprecated-sunset-missing",
        request_parameter_deprecated_sunset_missing,
    ),
    Rule::new(
        "openapi/request-parameter-sunset-date-too-small",
        request_parameter_sunset_date_too_small,
    ),
    Rule::new(
        "openapi/request-parameter-sunset-deleted",
        request_parameter_sunset_deleted,
    ),
    Rule::new(
        "openapi/request-parameter-sunset-date-changed-too-small",
        request_parameter_sunset_date_changed_too_small,
    ),
];

/// Parameters only the new operation has, that `keep` selects.
fn added_parameters(ctx: &Ctx, sink: &mut Sink, keep: impl Fn(&Param) -> Option<String>) {
    for_each_pair(ctx, |pair| {
        for (old, new) in pair.params() {
            let (None, Some(new)) = (old, new) else {
                continue;
            };
            if let Some(message) = keep(new) {
                sink.report_operation(
                    pair.id(),
                    new.at().line_location(),
                    Some(pair.old.key.line_location()),
                    message,
                );
                sink.about(parameter_element(sink, new));
            }
        }
    });
}

/// A new required query, header or cookie parameter declared on the operation: existing
/// clients do not send it. (Path-level ones are the next rule; path parameters the one after.)
fn new_required_request_parameter(ctx: &Ctx, sink: &mut Sink) {
    added_parameters(ctx, sink, |p| {
        (p.location != "path" && !p.path_level && p.required()).then(|| {
            format!(
                "added the new required '{}' request parameter '{}'",
                p.location, p.name
            )
        })
    });
}

fn new_required_request_default_parameter(ctx: &Ctx, sink: &mut Sink) {
    added_parameters(ctx, sink, |p| {
        (p.location != "path" && p.path_level && p.required()).then(|| {
            format!(
                "added the new required '{}' request parameter '{}' to all path's operations",
                p.location, p.name
            )
        })
    });
}

fn new_request_path_parameter(ctx: &Ctx, sink: &mut Sink) {
    added_parameters(ctx, sink, |p| {
        (p.location == "path").then(|| format!("added the new path request parameter '{}'", p.name))
    });
}

fn new_optional_request_parameter(ctx: &Ctx, sink: &mut Sink) {
    added_parameters(ctx, sink, |p| {
        (!p.path_level && !p.required()).then(|| {
            format!(
                "added the new optional '{}' request parameter '{}'",
                p.location, p.name
            )
        })
    });
}

fn new_optional_request_default_parameter(ctx: &Ctx, sink: &mut Sink) {
    added_parameters(ctx, sink, |p| {
        (p.path_level && !p.required()).then(|| {
            format!(
                "added the new optional '{}' request parameter '{}' to all of the path's operations",
                p.location, p.name
            )
        })
    });
}

/// Removed parameters whose departure `pick` turns into a message.
fn removed_parameters(
    ctx: &Ctx,
    sink: &mut Sink,
    pick: impl Fn(&Param, &Departure) -> Option<String>,
) {
    for_each_pair(ctx, |pair| {
        for (old, new) in pair.params() {
            let (Some(old), None) = (old, new) else {
                continue;
            };
            let sunset = old.obj.get("x-sunset").map(sunset_date);
            let d = departure(ctx, old.deprecated(), sunset);
            if let Some(message) = pick(old, &d) {
                let at = within(pair.new, "parameters");
                sink.report_operation(pair.id(), at, Some(old.at().line_location()), message);
                sink.about(parameter_element(sink, old));
            }
        }
    });
}

fn request_parameter_removed(ctx: &Ctx, sink: &mut Sink) {
    removed_parameters(ctx, sink, |p, d| {
        (*d == Departure::WithoutDeprecation).then(|| {
            format!(
                "deleted the '{}' request parameter '{}'",
                p.location, p.name
            )
        })
    });
}

fn request_parameter_removed_with_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_parameters(ctx, sink, |p, d| {
        (*d == Departure::WithDeprecation).then(|| {
            format!(
                "deleted the '{}' request parameter '{}' with deprecation",
                p.location, p.name
            )
        })
    });
}

fn request_parameter_removed_before_sunset(ctx: &Ctx, sink: &mut Sink) {
    removed_parameters(ctx, sink, |p, d| match d {
        Departure::BeforeSunset(date) => Some(format!(
            "deleted the '{}' request parameter '{}' before the sunset date '{date}'",
            p.location, p.name
        )),
        _ => None,
    });
}

/// An unreadable sunset date on a deprecated parameter: one removed (its removal cannot be
/// judged), one this revision wrote (newly deprecated, or the date changed), or one replaced
/// by a date (which cannot be compared with what was announced).
fn request_parameter_sunset_parse(ctx: &Ctx, sink: &mut Sink) {
    removed_parameters(ctx, sink, |p, d| match d {
        Departure::SunsetParse(e) => Some(format!(
            "failed to parse sunset date for the '{}' request parameter '{}': '{e}'",
            p.location, p.name
        )),
        _ => None,
    });
    param_pairs(ctx, |pair, old, new| {
        if !new.deprecated() {
            return;
        }
        let Some(now) = new.obj.get("x-sunset") else {
            return;
        };
        let was = old.obj.get("x-sunset");
        let text = |n: NodeRef| n.node.scalar_text(&n.doc.text).map(|t| t.into_owned());
        let rewritten = was.is_none_or(|w| text(w) != text(now));
        let message = match (sunset_date(now), was.map(sunset_date)) {
            // Written by this revision: newly deprecated, or the date changed.
            (Err(e), _) if !old.deprecated() || rewritten => format!(
                "failed to parse sunset date for the '{}' request parameter '{}': '{e}'",
                new.location, new.name
            ),
            (Ok(date), Some(Err(e))) if old.deprecated() && rewritten => format!(
                "failed to parse the previous sunset date for the '{}' request parameter '{}' ('{e}'): cannot tell whether the new sunset date '{date}' moved it earlier",
                new.location, new.name
            ),
            _ => return,
        };
        let related = was.map_or_else(|| old.at().line_location(), |w| w.line_location());
        sink.report_operation(pair.id(), param_at(new, "x-sunset"), Some(related), message);
    });
}

/// An optional parameter made required: existing calls that leave it out now fail. (Path
/// parameters are always required, so they never become so.)
fn request_parameter_became_required(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if !old.required() && new.required() {
            sink.report_operation(
                pair.id(),
                param_at(new, "required"),
                Some(param_at(old, "required")),
                format!("{} became required", named(new)),
            );
        }
    });
}

fn request_parameter_became_optional(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if old.required() && !new.required() {
            sink.report_operation(
                pair.id(),
                param_at(new, "required"),
                Some(param_at(old, "required")),
                format!(
                    "the '{}' request parameter '{}' became optional",
                    new.location, new.name
                ),
            );
        }
    });
}

/// A parameter with the same name in another location: oasdiff sees a removal and an
/// addition; this one finding says what happened, and its `supersedes` drops those two.
fn request_parameter_in_changed(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        let params = pair.params();
        let added: Vec<&Param> = params
            .iter()
            .filter_map(|(o, n)| if o.is_none() { *n } else { None })
            .collect();
        let mut taken = vec![false; added.len()];
        for (old, new) in &params {
            let (Some(old), None) = (old, new) else {
                continue;
            };
            // Header names are case-insensitive.
            let same = |q: &Param| {
                q.location != old.location
                    && if q.location == "header" || old.location == "header" {
                        q.name.eq_ignore_ascii_case(old.name)
                    } else {
                        q.name == old.name
                    }
            };
            let Some(i) = (0..added.len()).find(|&i| !taken[i] && same(added[i])) else {
                continue;
            };
            taken[i] = true;
            let new = added[i];
            sink.report_operation(
                pair.id(),
                new.at().line_location(),
                Some(old.at().line_location()),
                format!(
                    "the request parameter '{}' moved from '{}' to '{}': existing clients still send it in the {}",
                    new.name, old.location, new.location, old.location
                ),
            );
            // Both of its places: the removal from the old one and the addition to the new.
            let operation = sink.findings.last().and_then(|f| f.element.clone());
            sink.about(format!(
                "{} parameters/{}",
                operation.as_deref().unwrap_or_default(),
                old.name
            ));
        }
    });
}

fn request_parameter_deprecated(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if !old.deprecated() && new.deprecated() {
            // An unreadable or past sunset is reported by the sunset rules instead.
            let sunset = match new.obj.get("x-sunset").map(sunset_date) {
                None => String::new(),
                Some(Ok(date)) if !ctx.sunset_too_soon(date, pair.new.stability()) => {
                    format!(" with the sunset date '{date}'")
                }
                Some(_) => return,
            };
            sink.report_operation(
                pair.id(),
                param_at(new, "deprecated"),
                Some(old.at().line_location()),
                format!(
                    "the '{}' request parameter '{}' was deprecated{sunset}",
                    new.location, new.name
                ),
            );
        }
    });
}

fn request_parameter_reactivated(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if old.deprecated() && !new.deprecated() {
            sink.report_operation(
                pair.id(),
                new.at().line_location(),
                Some(param_at(old, "deprecated")),
                format!(
                    "the '{}' request parameter '{}' is no longer deprecated",
                    new.location, new.name
                ),
            );
        }
    });
}

/// A parameter that became deprecated in this revision, with its `x-sunset` (if any).
fn newly_deprecated(ctx: &Ctx, mut f: impl FnMut(&OperationPair, &Param, &Param, Option<NodeRef>)) {
    param_pairs(ctx, |pair, old, new| {
        if !old.deprecated() && new.deprecated() {
            f(pair, old, new, new.obj.get("x-sunset"));
        }
    });
}

/// oasdiff raises this only under a deprecation policy (a minimum number of days before
/// sunset); by default it reports the deprecation as information. In treaty the rule is off by
/// default and turning it on is the policy: every deprecation must name its sunset.
fn request_parameter_deprecated_sunset_missing(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, old, new, sunset| {
        if sunset.is_none() {
            sink.report_operation(
                pair.id(),
                param_at(new, "deprecated"),
                Some(old.at().line_location()),
                format!("{} was deprecated without a sunset date", named(new)),
            );
        }
    });
}

fn request_parameter_sunset_date_too_small(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, old, new, sunset| {
        let Some(Ok(date)) = sunset.map(sunset_date) else {
            return;
        };
        let stability = pair.new.stability();
        if ctx.sunset_too_soon(date, stability) {
            let why = ctx.too_soon_because(stability, "which is already past");
            sink.report_operation(
                pair.id(),
                param_at(new, "x-sunset"),
                Some(old.at().line_location()),
                format!(
                    "{} was deprecated with the sunset date '{date}', {why}",
                    named(new)
                ),
            );
        }
    });
}

/// A still-deprecated parameter lost its sunset date: clients no longer know how long it
/// stays.
fn request_parameter_sunset_deleted(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if new.deprecated()
            && old.obj.get("x-sunset").is_some()
            && new.obj.get("x-sunset").is_none()
        {
            sink.report_operation(
                pair.id(),
                param_at(new, "deprecated"),
                Some(param_at(old, "x-sunset")),
                format!(
                    "the sunset date of {} was deleted, but it is still deprecated",
                    named(new)
                ),
            );
        }
    });
}

/// A deprecated parameter's sunset moved earlier, to less than the policy's minimum from today
/// (with oasdiff's default policy: into the past).
fn request_parameter_sunset_date_changed_too_small(ctx: &Ctx, sink: &mut Sink) {
    param_pairs(ctx, |pair, old, new| {
        if !new.deprecated() {
            return;
        }
        let (Some(was), Some(now)) = (old.obj.get("x-sunset"), new.obj.get("x-sunset")) else {
            return;
        };
        // Unreadable dates are the sunset-parse rules' business.
        let (Ok(was), Ok(now)) = (sunset_date(was), sunset_date(now)) else {
            return;
        };
        let stability = pair.new.stability();
        if now < was && ctx.sunset_too_soon(now, stability) {
            let why = ctx.too_soon_because(stability, "which is already past");
            sink.report_operation(
                pair.id(),
                param_at(new, "x-sunset"),
                Some(param_at(old, "x-sunset")),
                format!(
                    "the sunset date of {} was moved earlier, from '{was}' to '{now}', {why}",
                    named(new)
                ),
            );
        }
    });
}

/// The element of parameter `p` of the last finding's operation (as `Site::element` names it).
fn parameter_element(sink: &Sink, p: &Param) -> String {
    let operation = sink.findings.last().and_then(|f| f.element.as_deref());
    format!(
        "{} parameters/{}/{}",
        operation.unwrap_or_default(),
        p.name,
        p.location
    )
}
