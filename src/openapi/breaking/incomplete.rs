//! A comparison that stopped short says so. The schema walk bounds itself (a `$ref` chain, the
//! nesting depth, the pairs compared per site), and a parameter, request body, response, header
//! or media type reached through a `$ref` chain longer than `refs::MAX_CHAIN` reads as empty;
//! past a bound nothing is compared, so instead of reading as "no change" the stop is a finding
//! of its own, an error that the run's selection, ignores and suppressions cannot drop (see
//! `RuleId::fails_closed`).

use super::schema::{Change, Stop};
use super::{Check, Ctx, Sink};
use crate::finding::operation_element;
use crate::openapi::model::{content, Operation};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new("openapi/comparison-incomplete", |ctx, sink| {
    comparison_incomplete(ctx, sink);
    referenced_parts_cut(ctx, sink);
})];

fn comparison_incomplete(ctx: &Ctx, sink: &mut Sink) {
    for c in ctx.schema_changes() {
        let Change::Incomplete(stop) = c.change else {
            continue;
        };
        // Where it stopped is the finding's location: the message names it without its line,
        // which a reformatting of the spec would change.
        let what = match stop {
            Stop::RefChain => {
                let reference = |n: NodeRef<'_>| n.node.get("$ref")?.as_str().map(str::to_string);
                match reference(c.new_at).or_else(|| reference(c.old_at)) {
                    Some(r) => format!("the $ref {r:?}"),
                    None => "this schema".to_string(),
                }
            }
            Stop::Depth | Stop::Pairs => "this schema".to_string(),
        };
        c.report(
            sink,
            format!(
                "the {} schema was not compared past {what}: {stop}; a breaking change beyond \
                 it would go unreported",
                c.site.element()
            ),
        );
    }
}

/// The objects of an operation other rules read through `$ref`s, named as a finding's element
/// names them under the operation: its parameters, request body, responses, their headers and
/// media types (the schemas are the walk's).
fn referenced_parts<'a>(op: &Operation<'a>) -> Vec<(String, Obj<'a>)> {
    let mut parts: Vec<(String, Obj<'a>)> = op
        .params
        .iter()
        .map(|p| (format!("parameters/{}/{}", p.name, p.location), p.obj))
        .collect();
    if let Some(body) = op.request_body() {
        for media in content(op.set, &body) {
            parts.push((format!("requestBody/{}", media.name), media.obj));
        }
        parts.push(("requestBody".to_string(), body));
    }
    for response in op.responses() {
        let status = response.status;
        for media in content(op.set, &response.obj) {
            parts.push((format!("responses/{status}/{}", media.name), media.obj));
        }
        if let Some(headers) = response.obj.child("headers") {
            for (name, header) in headers.entries() {
                let header = op.set.view(header);
                parts.push((format!("responses/{status}/headers/{name}"), header));
            }
        }
        parts.push((format!("responses/{status}"), response.obj));
    }
    parts
}

/// Parameters, bodies, responses, headers and media types of paired operations that a `$ref`
/// chain too long to follow leaves unread, on either side.
fn referenced_parts_cut(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let old_parts = referenced_parts(pair.old);
            for (name, new_part) in referenced_parts(pair.new) {
                let old_part = old_parts.iter().find(|(n, _)| *n == name).map(|(_, o)| *o);
                let old_cut = old_part.filter(|o| o.chain_cut);
                if !new_part.chain_cut && old_cut.is_none() {
                    continue;
                }
                let at = new_part.target.line_location();
                let old_at = old_part.map(|o| o.target.line_location());
                let reference = [Some(new_part), old_cut]
                    .into_iter()
                    .flatten()
                    .find(|o| o.chain_cut)
                    .and_then(|o| o.target.node.get("$ref")?.as_str());
                let element = format!(
                    "{} {name}",
                    operation_element(old_at.as_ref().unwrap_or(&at), &pair.new.id)
                );
                sink.report_operation(
                    &pair.new.id,
                    at,
                    old_at,
                    format!(
                        "{name} was not compared past the $ref {:?}: {}; a breaking change \
                         beyond it would go unreported",
                        reference.unwrap_or(""),
                        Stop::RefChain
                    ),
                );
                sink.about(element);
            }
        }
    }
}
