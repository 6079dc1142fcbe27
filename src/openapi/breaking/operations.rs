//! Operations and what a call needs: removed operations and paths, removed success statuses,
//! request bodies that became required, appeared or went. (Parameters added or removed are
//! [`super::parameters::declaration`]'s.)
//!
//! Semantics, ids, levels and wording follow oasdiff's checks (`check_api_removed.go`,
//! `check_request_body_*.go`, ...). The operation-pair helpers here ([`for_each_pair`],
//! [`within`], [`departure`]) are shared by the families that judge what is inside an operation.

use super::index::{gone, Date, OperationPair, Removed};
use super::lifecycle::operation_sunset;
use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::openapi::model::Operation;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/api-path-removed-before-sunset",
        api_path_removed_before_sunset,
    ),
    Rule::new(
        "openapi/api-path-removed-with-deprecation",
        api_path_removed_with_deprecation,
    ),
    Rule::new(
        "openapi/api-path-removed-without-deprecation",
        api_path_removed_without_deprecation,
    ),
    Rule::new("openapi/api-path-sunset-parse", api_path_sunset_parse),
    Rule::new(
        "openapi/api-removed-before-sunset",
        api_removed_before_sunset,
    ),
    Rule::new(
        "openapi/api-removed-with-deprecation",
        api_removed_with_deprecation,
    ),
    Rule::new(
        "openapi/api-removed-without-deprecation",
        api_removed_without_deprecation,
    ),
    Rule::new(
        "openapi/response-success-status-removed",
        response_success_status_removed,
    ),
];

/// How an element left, judged by its deprecation and sunset (oasdiff's order: not
/// deprecated, deprecated without sunset, unreadable sunset, sunset still ahead).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Departure {
    WithoutDeprecation,
    WithDeprecation,
    SunsetParse(String),
    BeforeSunset(String),
    /// Deprecated and past its sunset: fine.
    AfterSunset,
}

/// `sunset`: the element's sunset date, read (or not) from wherever it is documented.
pub(super) fn departure(
    ctx: &Ctx,
    deprecated: bool,
    sunset: Option<Result<Date, String>>,
) -> Departure {
    if !deprecated {
        return Departure::WithoutDeprecation;
    }
    let Some(sunset) = sunset else {
        return Departure::WithDeprecation;
    };
    match sunset {
        Err(e) => Departure::SunsetParse(e),
        Ok(date) if ctx.today < date => Departure::BeforeSunset(date.to_string()),
        Ok(_) => Departure::AfterSunset,
    }
}

/// Report each removed operation (of a removed path, or of a surviving path) whose departure
/// `pick` turns into a message.
fn removed_operations(
    ctx: &Ctx,
    sink: &mut Sink,
    whole_path: bool,
    pick: impl Fn(&Departure) -> Option<String>,
) {
    for pair in &ctx.specs {
        for Removed {
            op,
            path_removed,
            new_path,
        } in pair.removed_operations()
        {
            if path_removed != whole_path {
                continue;
            }
            // `x-sunset`, else a documented `Sunset` response header (RFC 8594).
            let sunset = operation_sunset(op).map(|s| s.date);
            let Some(message) = pick(&departure(ctx, op.deprecated(), sunset)) else {
                continue;
            };
            match (&pair.new, new_path) {
                (Some(_), Some(path)) => {
                    let (at, old) = gone(path.key, op.key);
                    sink.report_operation(&op.id, at, old, message);
                }
                (Some(new), None) => {
                    let (at, old) = gone(new.paths_key(), op.key);
                    sink.report_operation(&op.id, at, old, message);
                }
                // The spec file itself is gone: nothing to point at in the new revision.
                (None, _) => sink.report_operation_old(&op.id, op.key.line_location(), message),
            }
        }
    }
}

fn api_path_removed_without_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, true, |d| {
        (*d == Departure::WithoutDeprecation).then(|| "api path removed without deprecation".into())
    });
}

fn api_path_removed_with_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, true, |d| {
        (*d == Departure::WithDeprecation).then(|| "api path removed with deprecation".into())
    });
}

fn api_path_removed_before_sunset(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, true, |d| match d {
        Departure::BeforeSunset(date) => {
            Some(format!("api path removed before the sunset date '{date}'"))
        }
        _ => None,
    });
}

/// oasdiff reports an unreadable sunset of a removed operation under this one id, whether the
/// path went or only the operation.
fn api_path_sunset_parse(ctx: &Ctx, sink: &mut Sink) {
    for whole_path in [true, false] {
        removed_operations(ctx, sink, whole_path, |d| match d {
            Departure::SunsetParse(e) => Some(format!("failed to parse sunset date: '{e}'")),
            _ => None,
        });
    }
}

fn api_removed_without_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, false, |d| {
        (*d == Departure::WithoutDeprecation).then(|| "api removed without deprecation".into())
    });
}

fn api_removed_with_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, false, |d| {
        (*d == Departure::WithDeprecation).then(|| "api removed with deprecation".into())
    });
}

fn api_removed_before_sunset(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, false, |d| match d {
        Departure::BeforeSunset(date) => {
            Some(format!("api removed before the sunset date '{date}'"))
        }
        _ => None,
    });
}

/// Every operation present in both revisions.
pub(super) fn for_each_pair(ctx: &Ctx, mut f: impl FnMut(&OperationPair)) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            f(&pair);
        }
    }
}

/// Where a finding about something inside an operation's `key` (`parameters`, `responses`,
/// `requestBody`) points: that key, else the operation.
pub(super) fn within(op: &Operation, key: &str) -> Location {
    op.obj
        .get_entry(key)
        .map_or(op.key, |(k, _)| k)
        .line_location()
}

/// A 2xx status written as a number (ranges like `2XX` and `default` are not statuses, as
/// in oasdiff).
fn is_success(status: &str) -> bool {
    status
        .parse::<u16>()
        .is_ok_and(|s| (200..=299).contains(&s))
}

fn response_success_status_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        let new = pair.new.responses();
        for old in pair.old.responses() {
            if is_success(old.status) && !new.iter().any(|r| r.status == old.status) {
                sink.report_operation(
                    pair.id(),
                    within(pair.new, "responses"),
                    Some(old.key.line_location()),
                    format!(
                        "removed the success response with the status '{}'",
                        old.status
                    ),
                );
            }
        }
    });
}
