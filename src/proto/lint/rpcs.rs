//! RPCs: request and response messages named for their RPC and used by it alone, no
//! streaming (for the unary-only style).

use std::collections::{BTreeSet, HashMap};

use super::packages::module_of;
use super::{Check, Ctx, Sink};
use crate::proto::ast::{Method, Service};
use crate::proto::model::SourceProto;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/rpc-request-standard-name", |ctx, sink| {
        standard_name(ctx, sink, Side::Request)
    }),
    Rule::new("proto/rpc-response-standard-name", |ctx, sink| {
        standard_name(ctx, sink, Side::Response)
    }),
    Rule::new(
        "proto/rpc-request-response-unique",
        rpc_request_response_unique,
    ),
    Rule::new("proto/rpc-no-client-streaming", rpc_no_client_streaming),
    Rule::new("proto/rpc-no-server-streaming", rpc_no_server_streaming),
];

fn each_method<'a>(ctx: &Ctx<'a>, mut f: impl FnMut(&'a SourceProto, &'a Service, &'a Method)) {
    for file in ctx.files() {
        for service in &file.ast.services {
            for method in &service.methods {
                f(file, service, method);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Side {
    Request,
    Response,
}

fn standard_name(ctx: &Ctx, sink: &mut Sink, side: Side) {
    each_method(ctx, |file, service, method| {
        let (r, suffix, what) = match side {
            Side::Request => (&method.input, "Request", "request"),
            Side::Response => (&method.output, "Response", "response"),
        };
        let full = if r.resolved.is_empty() {
            &r.written
        } else {
            &r.resolved
        };
        let simple = full.rsplit('.').next().unwrap_or(full);
        let short = format!("{}{suffix}", method.name);
        let long = format!("{}{}{suffix}", service.name, method.name);
        if simple != short && simple != long {
            sink.lint(
                file.location(r.span),
                format!(
                    "the {what} message of '{}.{}' is '{simple}', not '{short}' or '{long}'",
                    service.name, method.name
                ),
            );
        }
    });
}

fn rpc_request_response_unique(ctx: &Ctx, sink: &mut Sink) {
    // Counted per module, as buf lints each module of a workspace on its own.
    let mut uses: HashMap<(&str, &str), usize> = HashMap::new();
    each_method(ctx, |file, _, method| {
        let types: BTreeSet<&str> = [&method.input, &method.output]
            .into_iter()
            .map(|r| r.resolved.as_str())
            .collect();
        for t in types {
            *uses.entry((module_of(file), t)).or_default() += 1;
        }
    });
    each_method(ctx, |file, service, method| {
        let at = file.location(method.span);
        let types: BTreeSet<&str> = [&method.input, &method.output]
            .into_iter()
            .map(|r| r.resolved.as_str())
            .collect();
        for t in &types {
            if uses.get(&(module_of(file), *t)).is_some_and(|&n| n > 1) {
                sink.lint(
                    at.clone(),
                    format!(
                        "'{}.{}' shares the message '{t}' with another RPC: a change for one \
                         changes both",
                        service.name, method.name
                    ),
                );
            }
        }
        if types.len() == 1 {
            sink.lint(
                at,
                format!(
                    "'{}.{}' takes and returns the same message '{}'",
                    service.name, method.name, method.input.resolved
                ),
            );
        }
    });
}

fn rpc_no_client_streaming(ctx: &Ctx, sink: &mut Sink) {
    each_method(ctx, |file, service, method| {
        if method.client_streaming {
            sink.lint(
                file.location(method.span),
                format!(
                    "'{}.{}' streams its requests: only unary RPCs are allowed",
                    service.name, method.name
                ),
            );
        }
    });
}

fn rpc_no_server_streaming(ctx: &Ctx, sink: &mut Sink) {
    each_method(ctx, |file, service, method| {
        if method.server_streaming {
            sink.lint(
                file.location(method.span),
                format!(
                    "'{}.{}' streams its responses: only unary RPCs are allowed",
                    service.name, method.name
                ),
            );
        }
    });
}
