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

/// The full name of the message `google.protobuf.Empty`, which buf.yaml's
/// `rpc_allow_google_protobuf_empty_*` options let RPCs share.
const EMPTY: &str = "google.protobuf.Empty";

fn standard_name(ctx: &Ctx, sink: &mut Sink, side: Side) {
    each_method(ctx, |file, service, method| {
        let settings = ctx.settings_for(file);
        let (r, suffix, what, empty_allowed) = match side {
            Side::Request => (
                &method.input,
                "Request",
                "request",
                settings.rpc_allow_google_protobuf_empty_requests,
            ),
            Side::Response => (
                &method.output,
                "Response",
                "response",
                settings.rpc_allow_google_protobuf_empty_responses,
            ),
        };
        let full = if r.resolved.is_empty() {
            &r.written
        } else {
            &r.resolved
        };
        if empty_allowed && full == EMPTY {
            return;
        }
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

/// The messages an RPC takes and returns: one when they are the same.
fn types_of(method: &Method) -> BTreeSet<&str> {
    [&method.input, &method.output]
        .into_iter()
        .map(|r| r.resolved.as_str())
        .collect()
}

fn rpc_request_response_unique(ctx: &Ctx, sink: &mut Sink) {
    // Counted per module, as buf lints each module of a workspace on its own: how many RPCs
    // use a message, and how many take or return `google.protobuf.Empty`.
    let mut uses: HashMap<(&str, &str), usize> = HashMap::new();
    let mut empty_requests: HashMap<&str, usize> = HashMap::new();
    let mut empty_responses: HashMap<&str, usize> = HashMap::new();
    each_method(ctx, |file, _, method| {
        let module = module_of(file);
        for t in types_of(method) {
            *uses.entry((module, t)).or_default() += 1;
        }
        if method.input.resolved == EMPTY {
            *empty_requests.entry(module).or_default() += 1;
        }
        if method.output.resolved == EMPTY {
            *empty_responses.entry(module).or_default() += 1;
        }
    });
    each_method(ctx, |file, service, method| {
        // The options of the file's module (counting is per module too).
        let settings = ctx.settings_for(file);
        let (allow_empty_requests, allow_empty_responses) = (
            settings.rpc_allow_google_protobuf_empty_requests,
            settings.rpc_allow_google_protobuf_empty_responses,
        );
        let module = module_of(file);
        let at = file.location(method.span);
        let rpc = format!("{}.{}", service.name, method.name);
        let types = types_of(method);
        for t in &types {
            if uses.get(&(module, *t)).is_none_or(|&n| n <= 1) {
                continue;
            }
            if *t == EMPTY && (allow_empty_requests || allow_empty_responses) {
                // Only the side that is not allowed to share Empty is counted.
                let shared = |allowed: bool, used: bool, counts: &HashMap<&str, usize>| {
                    !allowed && used && counts.get(module).is_some_and(|&n| n > 1)
                };
                if shared(
                    allow_empty_requests,
                    method.input.resolved == EMPTY,
                    &empty_requests,
                ) {
                    sink.lint(
                        at.clone(),
                        format!("'{rpc}' shares '{EMPTY}' as its request with another RPC"),
                    );
                }
                if shared(
                    allow_empty_responses,
                    method.output.resolved == EMPTY,
                    &empty_responses,
                ) {
                    sink.lint(
                        at.clone(),
                        format!("'{rpc}' shares '{EMPTY}' as its response with another RPC"),
                    );
                }
                continue;
            }
            sink.lint(
                at.clone(),
                format!(
                    "'{rpc}' shares the message '{t}' with another RPC: a change for one \
                     changes both"
                ),
            );
        }
        let empty_both_ways =
            method.input.resolved == EMPTY && allow_empty_requests && allow_empty_responses;
        if types.len() == 1 && !settings.rpc_allow_same_request_response && !empty_both_ways {
            sink.lint(
                at,
                format!(
                    "'{rpc}' takes and returns the same message '{}'",
                    method.input.resolved
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::lint::Settings;
    use crate::rules::RuleId;

    const SERVICE: &str = r#"syntax = "proto3";
package acme.v1;
import "google/protobuf/empty.proto";
service PingService {
  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);
  rpc Reset(google.protobuf.Empty) returns (ResetResponse);
  rpc Echo(EchoRequest) returns (EchoRequest);
}
message ResetResponse {}
message EchoRequest {}
"#;

    /// The lines of the RPCs `check` reports with `settings`.
    fn reported(check: Check, rule: &str, settings: Settings) -> Vec<u32> {
        let snapshot = crate::source::Snapshot::of_texts("t", [("ping.proto", SERVICE)]);
        let set = crate::proto::load::load(&snapshot, &Default::default()).unwrap();
        let mut sink = Sink::new(RuleId::of(rule));
        check(&Ctx::new(&set, &settings), &mut sink);
        let mut lines: Vec<u32> = sink.findings.iter().map(|f| f.location.line).collect();
        lines.dedup();
        lines
    }

    #[test]
    fn buf_yaml_options_allow_empty_and_same_messages() {
        let unique = "proto/rpc-request-response-unique";
        let check = rpc_request_response_unique;
        assert_eq!(reported(check, unique, Settings::default()), [5, 6, 7]);
        let empty_requests = Settings {
            rpc_allow_google_protobuf_empty_requests: true,
            ..Settings::default()
        };
        // Ping still takes and returns the same message.
        assert_eq!(reported(check, unique, empty_requests), [5, 7]);
        let all = Settings {
            rpc_allow_google_protobuf_empty_requests: true,
            rpc_allow_google_protobuf_empty_responses: true,
            rpc_allow_same_request_response: true,
            ..Settings::default()
        };
        assert!(reported(check, unique, all).is_empty());
        let request_name = "proto/rpc-request-standard-name";
        let standard = |ctx: &Ctx, sink: &mut Sink| standard_name(ctx, sink, Side::Request);
        assert_eq!(
            reported(standard, request_name, Settings::default()),
            [5, 6]
        );
        let empty_requests = Settings {
            rpc_allow_google_protobuf_empty_requests: true,
            ..Settings::default()
        };
        assert!(reported(standard, request_name, empty_requests).is_empty());
    }
}
