//! HTTP/JSON transcoding bindings (`google.api.http` on rpc methods), which grpc-gateway and
//! Envoy's gRPC-JSON transcoder serve as REST routes. buf compares none of it: a changed route,
//! body or response body breaks every REST client of the method while the gRPC contract is
//! untouched.
//!
//! A method's bindings are paired by route (verb + the URL pattern of the path), so moving a
//! route between the primary binding and `additional_bindings` is not a change; a route that
//! is no longer served is. Body and response body are compared on bindings that serve the same
//! route in both revisions.

use std::collections::HashMap;

use super::index::loc;
use super::{Check, Ctx, Sink};
use crate::proto::ast::Method;
use crate::proto::http::{http_option, Binding, HttpOption};
use crate::proto::model::SourceProto;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/http-binding-changed", http_binding_changed),
    Rule::new("proto/http-body-changed", http_body_changed),
    Rule::new(
        "proto/http-response-body-changed",
        http_response_body_changed,
    ),
    Rule::new("proto/http-binding-removed", http_binding_removed),
];

/// One method present in both revisions.
struct MethodPair<'a> {
    full_name: String,
    old_file: &'a SourceProto,
    new_file: &'a SourceProto,
    new_method: &'a Method,
    old: Option<HttpOption>,
    new: Option<HttpOption>,
}

fn method_pairs<'a>(ctx: &Ctx<'a>) -> Vec<MethodPair<'a>> {
    let mut out = Vec::new();
    for (name, old) in &ctx.old.services {
        let Some(new) = ctx.new.services.get(name) else {
            continue;
        };
        let new_methods: HashMap<&str, &Method> = new
            .service
            .methods
            .iter()
            .map(|m| (m.name.as_str(), m))
            .collect();
        for old_method in &old.service.methods {
            let Some(new_method) = new_methods.get(old_method.name.as_str()) else {
                continue;
            };
            let old_http = http_option(old_method);
            if old_http.is_none() {
                // Adding a binding breaks nobody.
                continue;
            }
            out.push(MethodPair {
                full_name: format!("{}.{}", new.full_name, new_method.name),
                old_file: old.file,
                new_file: new.file,
                new_method,
                old: old_http,
                new: http_option(new_method),
            });
        }
    }
    out
}

/// What became of one old binding in the new revision.
enum Fate<'o, 'n> {
    /// The same route is still served (maybe as another binding).
    Kept(&'o Binding, &'n Binding),
    /// The primary route is gone and the primary binding now serves this one.
    Changed(&'o Binding, &'n Binding),
    /// The route is gone.
    Removed(&'o Binding),
}

fn fates<'o, 'n>(old: &'o HttpOption, new: &'n HttpOption) -> Vec<Fate<'o, 'n>> {
    let routes: HashMap<(String, String), &Binding> =
        new.bindings().map(|b| (b.route(), b)).collect();
    let mut out = Vec::new();
    for (i, b) in old.bindings().enumerate() {
        let is_primary = i == 0 && old.primary.has_pattern();
        match routes.get(&b.route()) {
            Some(n) => out.push(Fate::Kept(b, n)),
            None if is_primary && new.primary.has_pattern() => {
                out.push(Fate::Changed(b, &new.primary))
            }
            None => out.push(Fate::Removed(b)),
        }
    }
    out
}

fn http_binding_changed(ctx: &Ctx, sink: &mut Sink) {
    for p in method_pairs(ctx) {
        let (Some(old), Some(new)) = (&p.old, &p.new) else {
            continue;
        };
        for fate in fates(old, new) {
            let Fate::Changed(o, n) = fate else {
                continue;
            };
            sink.report(
                loc(p.new_file, n.pattern_span),
                Some(loc(p.old_file, o.pattern_span)),
                format!(
                    "HTTP binding of method {:?} changed from {} to {}: REST clients calling the \
                     old route are no longer served.",
                    p.full_name,
                    o.shown(),
                    n.shown()
                ),
            );
        }
    }
}

/// What a `body` / `response_body` value sends: `""` nothing (or the whole response), `"*"`
/// the whole request, else one field.
fn describe_body(value: &str, response: bool) -> String {
    match (value, response) {
        ("", false) => "no body (every field not in the path is a query parameter)".into(),
        ("*", false) => "the whole request".into(),
        ("", true) => "the whole response".into(),
        (field, _) => format!("field {field:?}"),
    }
}

fn http_body_changed(ctx: &Ctx, sink: &mut Sink) {
    compare_bodies(ctx, sink, false);
}

fn http_response_body_changed(ctx: &Ctx, sink: &mut Sink) {
    compare_bodies(ctx, sink, true);
}

fn compare_bodies(ctx: &Ctx, sink: &mut Sink, response: bool) {
    let what = if response { "response body" } else { "body" };
    for p in method_pairs(ctx) {
        let (Some(old), Some(new)) = (&p.old, &p.new) else {
            continue;
        };
        for fate in fates(old, new) {
            // On a changed route the client is rewriting the call anyway:
            // http-binding-changed is the one finding there.
            let Fate::Kept(o, n) = fate else {
                continue;
            };
            let (ob, nb, o_span, n_span) = if response {
                (
                    o.response_body(),
                    n.response_body(),
                    o.response_body.as_ref().map(|b| b.1),
                    n.response_body.as_ref().map(|b| b.1),
                )
            } else {
                (
                    o.body(),
                    n.body(),
                    o.body.as_ref().map(|b| b.1),
                    n.body.as_ref().map(|b| b.1),
                )
            };
            if ob == nb {
                continue;
            }
            sink.report(
                loc(p.new_file, n_span.unwrap_or(n.span)),
                Some(loc(p.old_file, o_span.unwrap_or(o.span))),
                format!(
                    "HTTP {what} of method {:?} ({}) changed from {ob:?} to {nb:?}: it was {} \
                     and is now {}.",
                    p.full_name,
                    n.shown(),
                    describe_body(ob, response),
                    describe_body(nb, response)
                ),
            );
        }
    }
}

fn http_binding_removed(ctx: &Ctx, sink: &mut Sink) {
    for p in method_pairs(ctx) {
        let Some(old) = &p.old else {
            continue;
        };
        let Some(new) = &p.new else {
            let routes: Vec<String> = old.bindings().map(|b| b.shown()).collect();
            sink.report(
                loc(p.new_file, p.new_method.span),
                Some(loc(p.old_file, old.span)),
                format!(
                    "Option \"(google.api.http)\" was removed from method {:?}: REST clients of \
                     {} are no longer served.",
                    p.full_name,
                    routes.join(", ")
                ),
            );
            continue;
        };
        for fate in fates(old, new) {
            if let Fate::Removed(o) = fate {
                sink.report(
                    loc(p.new_file, new.span),
                    Some(loc(p.old_file, o.span)),
                    format!(
                        "HTTP binding {} of method {:?} was removed: REST clients calling it \
                         are no longer served.",
                        o.shown(),
                        p.full_name
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_category_selects_the_four_rules() {
        use crate::rules::{Kind, Selection};
        let only = |token: &str| {
            Selection {
                only: vec![token.into()],
                ..Selection::default()
            }
            .resolve(Kind::Breaking)
        };
        let http = only("HTTP");
        assert_eq!(http.len(), 4);
        assert!(RULES.iter().all(|rule| http.contains(&rule.id)));
        // GUIDE spans both protocols; its protobuf members are exactly guide.rs's rules.
        let proto_guide = only("GUIDE")
            .into_iter()
            .filter(|id| id.as_str().starts_with("proto/"));
        assert_eq!(proto_guide.count(), super::super::guide::RULES.len());
    }
}
