//! Status codes as the API guide uses them: "Status codes are the first thing clients inspect
//! ... using the wrong code silently breaks every retry library, every metric dashboard, and
//! every alerting rule." A create answers 201 with a `Location`, a 204 has no body, and a 429 or
//! 503 says when to come back (`Retry-After`).

use super::errors::is_error_response;
use super::{has_header, Check, Ctx, Sink};
use crate::openapi::breaking::responses::{error_holder, json_bodies};
use crate::openapi::model::{content, Operation, Response, Spec};
use crate::openapi::refs::Obj;
use crate::rules::Rule;
use crate::url_path::verb_segment;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/create-without-201", create_without_201),
    Rule::new("openapi/no-content-with-body", no_content_with_body),
    Rule::new("openapi/retry-after-missing", retry_after_missing),
    Rule::new("openapi/success-with-error-body", success_with_error_body),
];

/// A POST to a collection: its path ends in a named segment, not a template variable, a custom
/// method (`/v1/orders/{id}:cancel`) or a verb (`path-has-verb`'s business), and the path is a
/// collection of addressable things: a member path (`/v1/orders/{id}`) exists, or the path's
/// GET lists items of the schema the POST sends. A plural name alone is not enough: actions
/// (`/v1/auditevents`, `/v1/notifications`) are named so too.
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
    let template = &spec.paths[op.path_index].template;
    let member = format!("{}/{{}}", template.trim_end_matches('/'));
    let has_members = spec.paths.iter().any(|p| p.template == member);
    has_members || lists_what_it_posts(spec, op)
}

/// The schema of the first JSON body of a request body or response.
fn json_schema<'a>(op: &Operation<'a>, holder: &Obj<'a>) -> Option<Obj<'a>> {
    content(op.set, holder)
        .into_iter()
        .filter(|m| m.name.contains("json"))
        .find_map(|m| m.schema())
}

/// Does the GET of the POST's path answer a list (an array, or an object with an array
/// property) of the very schema the POST sends?
fn lists_what_it_posts(spec: &Spec, post: &Operation) -> bool {
    let Some(sent) = post
        .request_body()
        .and_then(|body| json_schema(post, &body))
        .filter(|s| s.ref_text.is_some())
    else {
        return false;
    };
    let Some(get) = spec
        .operations
        .iter()
        .find(|o| o.path_index == post.path_index && o.method == "GET")
    else {
        return false;
    };
    let Some(listed) = get.response("200").and_then(|r| json_schema(get, &r.obj)) else {
        return false;
    };
    let items_are_sent = |array: &Obj| {
        array
            .child("items")
            .is_some_and(|items| items.target.addr() == sent.target.addr())
    };
    if items_are_sent(&listed) {
        return true;
    }
    listed.child("properties").is_some_and(|props| {
        props
            .entries()
            .any(|(_, p)| items_are_sent(&post.set.view(p)))
    })
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

/// "Returning 200 OK with an error body. Proxies, retry libraries, and monitoring will treat
/// this as a success" (the API guide). A 2xx JSON body is an error body when it is the house
/// error shape and nothing else, or when it is the very schema the spec's error responses answer with and that
/// schema holds an error's `code` and `message`.
fn success_with_error_body(ctx: &Ctx, sink: &mut Sink) {
    let house = &ctx.settings.errors;
    for spec in &ctx.specs {
        // The schemas (by address) the spec's error responses answer with.
        let error_schemas: std::collections::HashSet<usize> = spec
            .operations
            .iter()
            .flat_map(|op| {
                op.responses()
                    .into_iter()
                    .filter(|r| is_error_response(op, r.status))
            })
            .flat_map(|r| json_bodies(&r))
            .filter(|(_, s)| s.ref_text.is_some())
            .map(|(_, s)| s.target.addr())
            .collect();
        for op in &spec.operations {
            for r in op.responses() {
                if !r.status.starts_with('2') {
                    continue;
                }
                for (media, body) in json_bodies(&r) {
                    let shared = body.ref_text.is_some()
                        && error_schemas.contains(&body.target.addr())
                        && error_holder(&body).is_some();
                    let why = if house.is_error_body(&body) {
                        format!("has the house error shape {}", house.shown())
                    } else if shared {
                        format!(
                            "is the error schema '{}' of the spec's error responses",
                            body.ref_name().unwrap_or("?")
                        )
                    } else {
                        continue;
                    };
                    let at = media.obj.get_entry("schema").map_or(media.key, |(k, _)| k);
                    sink.report_operation(
                        &op.id,
                        at.location(),
                        None,
                        format!(
                            "the {} success response of {} {why}: clients, proxies and \
                             dashboards take an error for a success; answer errors with a 4xx \
                             or 5xx status",
                            r.status, op.id
                        ),
                    );
                }
            }
        }
    }
}
