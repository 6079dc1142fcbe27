//! RPC signatures: streaming on either side, request and response types, and the
//! `idempotency_level` option. Methods are paired by service full name (in any file, as
//! buf does) and then by method name.

use std::collections::HashMap;

use super::file_options::find_option;
use super::index::{go_quote, loc, ServiceRef};
use super::{Check, Ctx, Sink};
use crate::proto::ast::{Method, OptionDecl, OptionValue, TypeRef};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/rpc-same-client-streaming", rpc_same_client_streaming),
    Rule::new(
        "proto/rpc-same-idempotency-level",
        rpc_same_idempotency_level,
    ),
    Rule::new("proto/rpc-same-request-type", rpc_same_request_type),
    Rule::new("proto/rpc-same-response-type", rpc_same_response_type),
    Rule::new("proto/rpc-same-server-streaming", rpc_same_server_streaming),
];

/// One method present in both revisions.
struct MethodPair<'a> {
    old_service: ServiceRef<'a>,
    old: &'a Method,
    new_service: ServiceRef<'a>,
    new: &'a Method,
}

fn method_pairs<'a>(ctx: &Ctx<'a>) -> Vec<MethodPair<'a>> {
    let mut pairs = Vec::new();
    for (full_name, old_service) in &ctx.old.services {
        let Some(new_service) = ctx.new.services.get(full_name) else {
            continue;
        };
        let new_methods: HashMap<&str, &Method> = new_service
            .service
            .methods
            .iter()
            .map(|m| (m.name.as_str(), m))
            .collect();
        for old in &old_service.service.methods {
            if let Some(new) = new_methods.get(old.name.as_str()) {
                pairs.push(MethodPair {
                    old_service: *old_service,
                    old,
                    new_service: *new_service,
                    new,
                });
            }
        }
    }
    pairs
}

/// `RPC "Get" on service "Orders"`: buf names the service by its simple name.
fn rpc_description(pair: &MethodPair) -> String {
    format!(
        "RPC {} on service {}",
        go_quote(pair.new.name.as_bytes()),
        go_quote(pair.new_service.service.name.as_bytes())
    )
}

fn streaming_word(streaming: bool) -> &'static str {
    if streaming {
        "streaming"
    } else {
        "unary"
    }
}

/// Streaming changes are reported at the whole method, like buf.
fn same_streaming(ctx: &Ctx, sink: &mut Sink, side: &str, streaming: fn(&Method) -> bool) {
    for pair in method_pairs(ctx) {
        let (before, after) = (streaming(pair.old), streaming(pair.new));
        if before != after {
            sink.report(
                loc(pair.new_service.file, pair.new.span),
                Some(loc(pair.old_service.file, pair.old.span)),
                format!(
                    "{} changed from {side} {} to {side} {}.",
                    rpc_description(&pair),
                    streaming_word(before),
                    streaming_word(after)
                ),
            );
        }
    }
}

fn rpc_same_client_streaming(ctx: &Ctx, sink: &mut Sink) {
    same_streaming(ctx, sink, "client", |m| m.client_streaming);
}

fn rpc_same_server_streaming(ctx: &Ctx, sink: &mut Sink) {
    same_streaming(ctx, sink, "server", |m| m.server_streaming);
}

/// The full name without leading dot, as buf prints it; as written if it did not resolve.
fn type_name(t: &TypeRef) -> &str {
    if t.resolved.is_empty() {
        t.written.trim_start_matches('.')
    } else {
        &t.resolved
    }
}

/// Type changes are reported at the type name (after any `stream`), like buf.
fn same_type(ctx: &Ctx, sink: &mut Sink, what: &str, ty: fn(&Method) -> &TypeRef) {
    for pair in method_pairs(ctx) {
        let (before, after) = (ty(pair.old), ty(pair.new));
        if type_name(before) != type_name(after) {
            sink.report(
                loc(pair.new_service.file, after.span),
                Some(loc(pair.old_service.file, before.span)),
                format!(
                    "{} changed {what} type from {} to {}.",
                    rpc_description(&pair),
                    go_quote(type_name(before).as_bytes()),
                    go_quote(type_name(after).as_bytes())
                ),
            );
        }
    }
}

fn rpc_same_request_type(ctx: &Ctx, sink: &mut Sink) {
    same_type(ctx, sink, "request", |m| &m.input);
}

fn rpc_same_response_type(ctx: &Ctx, sink: &mut Sink) {
    same_type(ctx, sink, "response", |m| &m.output);
}

/// The method's `idempotency_level` option and its value; unset is `IDEMPOTENCY_UNKNOWN`.
fn idempotency(m: &Method) -> (String, Option<&OptionDecl>) {
    let decl = find_option(&m.options, "idempotency_level");
    let level = match decl.map(|d| &d.value) {
        Some(OptionValue::Ident(name)) => name.clone(),
        // Numbers are not accepted for enum options by protoc; keep what was written.
        Some(OptionValue::Int(n)) => n.to_string(),
        _ => "IDEMPOTENCY_UNKNOWN".to_string(),
    };
    (level, decl)
}

/// Clients and proxies retry or cache by idempotency level (and gRPC/Connect may send
/// `NO_SIDE_EFFECTS` calls as HTTP GET), so any change alters behaviour on the wire. Reported
/// at the option, or at the start of the file when it was removed, as buf does.
fn rpc_same_idempotency_level(ctx: &Ctx, sink: &mut Sink) {
    for pair in method_pairs(ctx) {
        let (before, old_decl) = idempotency(pair.old);
        let (after, new_decl) = idempotency(pair.new);
        if before != after {
            let file = pair.new_service.file;
            sink.report(
                new_decl.map_or_else(|| file.file_location(), |d| loc(file, d.span)),
                old_decl.map(|d| loc(pair.old_service.file, d.span)),
                format!(
                    "{} changed option \"idempotency_level\" from {} to {}.",
                    rpc_description(&pair),
                    go_quote(before.as_bytes()),
                    go_quote(after.as_bytes())
                ),
            );
        }
    }
}
