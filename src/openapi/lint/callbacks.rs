//! Callbacks do not nest, and webhooks carry neither servers nor callbacks (Spectral's
//! `oas3-callbacks-in-callbacks`, `oas3_1-servers-in-webhook`, `oas3_1-callbacks-in-webhook`).
//! Findings point at the offending key.

use super::{Check, Ctx, Sink};
use crate::openapi::load::Version;
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/callback-nested", callback_nested),
    Rule::new("openapi/webhook-servers", |ctx, sink| {
        webhook_field(ctx, sink, "servers")
    }),
    Rule::new("openapi/webhook-callbacks", |ctx, sink| {
        webhook_field(ctx, sink, "callbacks")
    }),
];

/// The entries of a mapping seen through its `$ref`s, values as views.
fn children<'a>(obj: &Obj<'a>) -> Vec<Obj<'a>> {
    obj.entries().map(|(_, v)| obj.set.view(v)).collect()
}

fn callback_nested(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            let Some(callbacks) = op.obj.child("callbacks") else {
                continue;
            };
            // callbacks -> a callback -> an expression's path item -> an entry (an operation).
            for callback in children(&callbacks) {
                for item in children(&callback) {
                    for entry in children(&item) {
                        let Some((key, _)) = entry.get_entry("callbacks") else {
                            continue;
                        };
                        sink.lint_operation(
                            &op.id,
                            key.location(),
                            format!(
                                "a callback of {} defines callbacks of its own: tools do not \
                                 follow callbacks of callbacks",
                                op.id
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn webhook_field(ctx: &Ctx, sink: &mut Sink, field: &str) {
    for spec in ctx.specs.iter().filter(|s| s.version != Version::V30) {
        let Some((_, webhooks)) = spec.root.node.get_entry("webhooks") else {
            continue;
        };
        let webhooks = spec.set.view(NodeRef::new(spec.doc, webhooks));
        let mut found: Vec<NodeRef> = Vec::new();
        // `webhooks.servers` itself, as Spectral reads it.
        if field == "servers" {
            found.extend(webhooks.get_entry("servers").map(|(k, _)| k));
        }
        for item in children(&webhooks) {
            for entry in children(&item) {
                found.extend(entry.get_entry(field).map(|(k, _)| k));
            }
        }
        for key in found {
            sink.lint(
                key.location(),
                format!(
                    "a webhook declares {field}: the API calls the webhook's receiver, so {}",
                    if field == "servers" {
                        "the receiver's URL is the subscriber's, not a server of this API"
                    } else {
                        "callbacks of a webhook have no request of this API to follow"
                    }
                ),
            );
        }
    }
}
