//! Status codes as the API guide uses them: "Status codes are the first thing clients inspect
//! ... using the wrong code silently breaks every retry library, every metric dashboard, and
//! every alerting rule." A create answers 201 with a `Location`, a 204 has no body, and a 429 or
//! 503 says when to come back (`Retry-After`).

use super::{has_header, Check, Ctx, Sink};
use crate::openapi::model::{content, Operation, Response, Spec};
use crate::rules::Rule;
use crate::url_path::verb_segment;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/create-without-201", create_without_201),
    Rule::new("openapi/no-content-with-body", no_content_with_body),
    Rule::new("openapi/retry-after-missing", retry_after_missing),
];

/// A POST to a collection: its path ends in a named segment, not a template variable, a custom
/// method (`/v1/orders/{id}:cancel`) or a verb (`path-has-verb`'s business), and the segment
/// looks like a collection: the path can also be listed (GET) or the name is a plural.
fn creates(spec: &Spec, op: &Operation) -> bool {
    let last = op
        .path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    if op.method != "POST" || last.is_empty() || last.contains(['{', ':']) {
        return false;
    }
    if verb_segment(last).is_some() {
        return false;
    }
    let listed = spec
        .operations
        .iter()
        .any(|other| other.path_index == op.path_index && other.method == "GET");
    listed || last.ends_with('s')
}

fn create_without_201(ctx: &Ctx, sink: &mut Sink) {
    let creates = ctx
        .specs
        .iter()
        .flat_map(|spec| spec.operations.iter().filter(|op| creates(spec, op)));
    for op in creates {
        let responses = op.responses();
        let success = |r: &&Response| r.status.starts_with('2');
        if responses.iter().any(|r| r.status == "202") || !responses.iter().any(|r| success(&r)) {
            // 202: the create goes on asynchronously; no 2xx documented: nothing to judge.
            continue;
        }
        match op.response("201") {
            None => sink.report_operation(
                &op.id,
                op.key.location(),
                None,
                format!(
                    "{} creates a resource but documents no 201 Created response",
                    op.id
                ),
            ),
            Some(created) if !has_header(op, &created, "Location") => sink.report_operation(
                &op.id,
                created.key.location(),
                None,
                format!(
                    "the 201 response of {} has no Location header naming the new resource",
                    op.id
                ),
            ),
            Some(_) => {}
        }
    }
}

fn no_content_with_body(ctx: &Ctx, sink: &mut Sink) {
    for op in ctx.operations() {
        let Some(r) = op.response("204") else {
            continue;
        };
        if !content(op.set, &r.obj).is_empty() {
            sink.report_operation(
                &op.id,
                r.key.location(),
                None,
                format!(
                    "the 204 No Content response of {} has a body; 204 means none",
                    op.id
                ),
            );
        }
    }
}

fn retry_after_missing(ctx: &Ctx, sink: &mut Sink) {
    for op in ctx.operations() {
        for r in op.responses() {
            if matches!(r.status, "429" | "503") && !has_header(op, &r, "Retry-After") {
                sink.report_operation(
                    &op.id,
                    r.key.location(),
                    None,
                    format!(
                        "the {} response of {} has no Retry-After header: clients cannot tell \
                         when to try again, and retry all at once",
                        r.status, op.id
                    ),
                );
            }
        }
    }
}
