//! Responses as a whole, by status: success statuses removed, added or changed, non-success
//! statuses added or removed, and the guide's error shape (`{error: {code, message, details}}`
//! or the flat `{code, message, details}`) that an error body drifted from. What is inside a
//! response is [`super::response_body`]'s (schemas, media types) and [`super::headers`]'.
//!
//! A success status a client checks for that goes, or the one success status that changes,
//! sends working clients down their error path: an error. A status that appears, or a
//! non-success one that goes, is info.

use super::index::OperationPair;
use super::operations::{for_each_pair, within};
use super::response_body::properties::field;
use super::response_body::types::strongly_typed;
use super::schema::{pair_media, TypeSet};
use super::{Check, Ctx, Sink};
use crate::openapi::model::{content, Media, Operation, Response};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/response-success-status-removed",
        response_success_status_removed,
    ),
    Rule::new("openapi/response-success-status-added", |ctx, sink| {
        status_rule(ctx, sink, true, true)
    }),
    Rule::new("openapi/response-non-success-status-added", |ctx, sink| {
        status_rule(ctx, sink, false, true)
    }),
    Rule::new(
        "openapi/response-non-success-status-removed",
        |ctx, sink| status_rule(ctx, sink, false, false),
    ),
    Rule::new("openapi/success-status-changed", success_status_changed),
    Rule::new("openapi/error-shape-drift", error_shape_drift),
];

/// Every paired operation in scope, and the statuses present on both sides.
pub(crate) fn for_each_response_pair(
    ctx: &Ctx,
    mut f: impl FnMut(&OperationPair, &Response, &Response),
) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let new = pair.new.responses();
            for old in pair.old.responses() {
                if let Some(new) = new.iter().find(|r| r.status == old.status) {
                    f(&pair, &old, new);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Statuses

/// A 2xx status written as a number (ranges like `2XX` and `default` are not statuses, as
/// in oasdiff).
fn is_success_status(status: &str) -> bool {
    status
        .parse::<u16>()
        .is_ok_and(|s| (200..=299).contains(&s))
}

fn response_success_status_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        let new = pair.new.responses();
        for old in pair.old.responses() {
            if is_success_status(old.status) && !new.iter().any(|r| r.status == old.status) {
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

/// Numeric statuses only (oasdiff skips `default` and `2XX` ranges here).
fn numeric_status(s: &str) -> Option<u16> {
    (s.len() == 3).then(|| s.parse().ok()).flatten()
}

fn status_rule(ctx: &Ctx, sink: &mut Sink, success: bool, added: bool) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let (old, new) = (pair.old.responses(), pair.new.responses());
            let (from, to) = if added { (&old, &new) } else { (&new, &old) };
            for r in to {
                let Some(code) = numeric_status(r.status) else {
                    continue;
                };
                if (200..300).contains(&code) != success
                    || from.iter().any(|o| o.status == r.status)
                {
                    continue;
                }
                let kind = if success { "success" } else { "non-success" };
                let responses_at = |op: &Operation| {
                    op.obj
                        .get_entry("responses")
                        .map(|(k, _)| k.line_location())
                };
                if added {
                    sink.report_operation(
                        pair.id(),
                        r.key.line_location(),
                        responses_at(pair.old),
                        format!("added the {kind} response status {}", r.status),
                    );
                } else {
                    let at = responses_at(pair.new).unwrap_or_else(|| r.key.line_location());
                    sink.report_operation(
                        pair.id(),
                        at,
                        Some(r.key.line_location()),
                        format!("removed the {kind} response status {}", r.status),
                    );
                }
            }
        }
    }
}

/// A 2xx status written as three digits.
fn is_success(status: &str) -> bool {
    numeric_status(status).is_some_and(|code| (200..300).contains(&code))
}

/// The one success status of an operation changed (200 -> 201): every client checking for the
/// old one now takes the success path for an error, or the reverse.
fn success_status_changed(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            fn only<'a>(rs: Vec<Response<'a>>) -> Option<(&'a str, NodeRef<'a>)> {
                let mut ok = rs.into_iter().filter(|r| is_success(r.status));
                let first = ok.next()?;
                ok.next().is_none().then_some((first.status, first.key))
            }
            let (Some((was, old_key)), Some((now, new_key))) =
                (only(pair.old.responses()), only(pair.new.responses()))
            else {
                continue;
            };
            if was != now {
                sink.report_operation(
                    pair.id(),
                    new_key.line_location(),
                    Some(old_key.line_location()),
                    format!("the success status changed from {was} to {now}"),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Guide: error shape

/// The fields of the guide's error shape, under an `error` envelope
/// (`{"error": {"code", "message", "details"}}`) or, the flat variant, at the top of the body.
const ERROR_FIELDS: [&str; 3] = ["code", "message", "details"];
const ERROR_ENVELOPE: &str = "error";

/// A 4xx/5xx status (`404`, `4XX`).
pub(crate) fn is_error_status(status: &str) -> bool {
    let b = status.as_bytes();
    b.len() == 3
        && matches!(b[0], b'4' | b'5')
        && (b[1..].iter().all(|c| c.is_ascii_digit()) || b[1..].eq_ignore_ascii_case(b"XX"))
}

/// Which variant of the error shape a body follows: the object holding `code` and `message`
/// (the `error` envelope's schema, or the body itself), and whether it is the envelope.
pub(crate) fn error_holder<'a>(body: &Obj<'a>) -> Option<(Obj<'a>, bool)> {
    let follows = |o: &Obj<'a>| ERROR_FIELDS[..2].iter().all(|f| field(o, f, 0).is_some());
    if let Some(env) = field(body, ERROR_ENVELOPE, 0) {
        if follows(&env.schema) {
            return Some((env.schema, true));
        }
    }
    follows(body).then_some((*body, false))
}

/// JSON bodies of a response: media type index and schema.
pub(crate) fn json_bodies<'a>(r: &Response<'a>) -> Vec<(Media<'a>, Obj<'a>)> {
    content(r.obj.set, &r.obj)
        .into_iter()
        .filter(|m| strongly_typed(m.name))
        .filter_map(|m| m.schema().map(|s| (m, s)))
        .collect()
}

fn shape_name(envelope: bool) -> String {
    if envelope {
        format!("{{{ERROR_ENVELOPE}: {{code, message, details}}}}")
    } else {
        "{code, message, details}".to_string()
    }
}

fn error_shape_drift(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let (old_rs, new_rs) = (pair.old.responses(), pair.new.responses());
            // The shape every old error body of the operation follows, if they agree.
            let mut established: Option<Option<bool>> = None;
            for r in old_rs.iter().filter(|r| is_error_status(r.status)) {
                for (_, body) in json_bodies(r) {
                    let variant = error_holder(&body).map(|(_, env)| env);
                    established = match established {
                        None => Some(variant),
                        Some(v) if v == variant => Some(v),
                        Some(_) => Some(None),
                    };
                }
            }
            for new in new_rs.iter().filter(|r| is_error_status(r.status)) {
                let Some(old) = old_rs.iter().find(|r| r.status == new.status) else {
                    // A new error response: does it speak the operation's error shape?
                    let Some(Some(envelope)) = established else {
                        continue;
                    };
                    for (_, body) in json_bodies(new) {
                        if error_holder(&body).map(|(_, env)| env) != Some(envelope) {
                            sink.report_operation(
                                pair.id(),
                                new.key.line_location(),
                                pair.old
                                    .obj
                                    .get_entry("responses")
                                    .map(|(k, _)| k.line_location()),
                                format!(
                                    "the new {} response does not use the error shape {} of the operation's other error responses",
                                    new.status,
                                    shape_name(envelope)
                                ),
                            );
                            sink.about(response_element(sink, new.status));
                        }
                    }
                    continue;
                };
                let (ob, nb) = (json_bodies(old), json_bodies(new));
                let om: Vec<_> = ob.iter().map(|(m, _)| *m).collect();
                let nm: Vec<_> = nb.iter().map(|(m, _)| *m).collect();
                for (oi, ni) in pair_media(&om, &nm) {
                    let (Some(oi), Some(ni)) = (oi, ni) else {
                        continue;
                    };
                    drift(sink, &pair, new, &ob[oi].1, &nb[ni].1);
                }
            }
        }
    }
}

/// Compare one error body with its old version, field by field of the error shape.
fn drift(sink: &mut Sink, pair: &OperationPair, new: &Response, old_body: &Obj, new_body: &Obj) {
    let Some((old_holder, envelope)) = error_holder(old_body) else {
        return;
    };
    let mut report = |related: NodeRef, message: String| {
        sink.report_operation(
            pair.id(),
            new.key.line_location(),
            Some(related.line_location()),
            message,
        );
        sink.about(response_element(sink, new.status));
    };
    let status = new.status;
    let new_holder = if envelope {
        let old_env = field(old_body, ERROR_ENVELOPE, 0);
        match field(new_body, ERROR_ENVELOPE, 0) {
            Some(env) => env.schema,
            None => {
                if let Some(old_env) = old_env {
                    report(
                        old_env.key,
                        format!(
                            "the {status} error response no longer has the '{ERROR_ENVELOPE}' object of the error shape {}",
                            shape_name(true)
                        ),
                    );
                }
                return;
            }
        }
    } else {
        *new_body
    };
    let prefix = if envelope {
        format!("{ERROR_ENVELOPE}.")
    } else {
        String::new()
    };
    for name in ERROR_FIELDS {
        let Some(was) = field(&old_holder, name, 0) else {
            continue;
        };
        let Some(now) = field(&new_holder, name, 0) else {
            report(
                was.key,
                format!(
                    "the {status} error response no longer has the error field '{prefix}{name}'"
                ),
            );
            continue;
        };
        let (ot, nt) = (TypeSet::of(&was.schema).0, TypeSet::of(&now.schema).0);
        // A narrower type (number -> integer) still reads as the old one: clients lose
        // nothing, as the response schema rules rate it.
        if !nt.admitted_by(ot) && !ot.is_empty() && !nt.is_empty() {
            report(
                was.schema.at("type").unwrap_or(was.key),
                format!(
                    "the {status} error response changed the type of the error field '{prefix}{name}' from '{ot}' to '{nt}'"
                ),
            );
        }
        if was.required && !now.required {
            report(
                was.required_at.unwrap_or(was.key),
                format!(
                    "the {status} error response no longer requires the error field '{prefix}{name}'"
                ),
            );
        }
    }
}

/// The element of the last finding's response `status`, under its operation's element.
fn response_element(sink: &Sink, status: &str) -> String {
    let operation = sink.findings.last().and_then(|f| f.element.as_deref());
    format!("{} responses/{status}", operation.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_statuses() {
        for s in ["400", "404", "4XX", "5xx", "503"] {
            assert!(is_error_status(s), "{s}");
        }
        for s in ["200", "default", "40", "4000", "3XX", "4X4"] {
            assert!(!is_error_status(s), "{s}");
        }
    }
}
