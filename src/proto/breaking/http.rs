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
use crate::proto::ast::{Method, OptionDecl, OptionValue, Span};
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

/// One HTTP binding: the primary rule or one `additional_bindings` entry.
#[derive(Debug, Default, Clone)]
struct Binding {
    /// `GET`, `POST`, ... or a custom pattern's kind as written.
    verb: String,
    /// The path template as written; empty when no pattern was given.
    path: String,
    /// Where the pattern was set: the option declaring it (primary) or the
    /// `additional_bindings` entry.
    pattern_span: Span,
    body: Option<(String, Span)>,
    response_body: Option<(String, Span)>,
    /// The option (primary) or the `additional_bindings` entry.
    span: Span,
}

impl Binding {
    fn has_pattern(&self) -> bool {
        !self.verb.is_empty() || !self.path.is_empty()
    }

    /// What identifies the route to a REST client.
    fn route(&self) -> (String, String) {
        (self.verb.clone(), normalise_path(&self.path))
    }

    fn shown(&self) -> String {
        format!("{} {:?}", self.verb, self.path)
    }

    fn body(&self) -> &str {
        self.body.as_ref().map_or("", |(b, _)| b)
    }

    fn response_body(&self) -> &str {
        self.response_body.as_ref().map_or("", |(b, _)| b)
    }
}

/// A method's `google.api.http` option, merged from every declaration that sets part of it.
#[derive(Debug)]
struct HttpOption {
    primary: Binding,
    additional: Vec<Binding>,
    /// The first declaration.
    span: Span,
}

impl HttpOption {
    fn bindings(&self) -> impl Iterator<Item = &Binding> {
        std::iter::once(&self.primary)
            .chain(&self.additional)
            .filter(|b| b.has_pattern())
    }
}

fn is_http_option(decl: &OptionDecl) -> bool {
    decl.name
        .first()
        .is_some_and(|p| p.is_extension && p.name.trim_start_matches('.') == "google.api.http")
}

fn http_option(method: &Method) -> Option<HttpOption> {
    let mut out: Option<HttpOption> = None;
    for decl in method.options.iter().filter(|d| is_http_option(d)) {
        let opt = out.get_or_insert_with(|| HttpOption {
            primary: Binding {
                span: decl.span,
                ..Binding::default()
            },
            additional: Vec::new(),
            span: decl.span,
        });
        let path: Vec<&str> = decl.name[1..].iter().map(|p| p.name.as_str()).collect();
        apply(
            &mut opt.primary,
            Some(&mut opt.additional),
            &path,
            &decl.value,
            decl.span,
            decl.span,
        );
    }
    out
}

/// Sets the part of an `HttpRule` that `path` names (`[]` for the whole rule) from `value`.
/// `span` is where that part is written; `decl` is the option (or additional binding) that
/// holds it. `additional` is `None` inside an additional binding, which cannot nest more.
fn apply(
    b: &mut Binding,
    mut additional: Option<&mut Vec<Binding>>,
    path: &[&str],
    value: &OptionValue,
    span: Span,
    decl: Span,
) {
    match (path, value) {
        ([], OptionValue::Aggregate(fields)) => {
            for f in fields {
                apply(
                    b,
                    additional.as_deref_mut(),
                    &[f.name.as_str()],
                    &f.value,
                    f.span,
                    decl,
                );
            }
        }
        ([verb @ ("get" | "put" | "post" | "delete" | "patch")], v) => {
            b.verb = verb.to_ascii_uppercase();
            b.path = v.as_str().unwrap_or_default().to_string();
            b.pattern_span = decl;
        }
        (["custom"], OptionValue::Aggregate(fields)) => {
            for f in fields {
                apply(
                    b,
                    None,
                    &["custom", f.name.as_str()],
                    &f.value,
                    f.span,
                    decl,
                );
            }
        }
        (["custom", "kind"], v) => {
            b.verb = v.as_str().unwrap_or_default().to_string();
            b.pattern_span = decl;
        }
        (["custom", "path"], v) => {
            b.path = v.as_str().unwrap_or_default().to_string();
            b.pattern_span = decl;
        }
        (["body"], v) => b.body = Some((v.as_str().unwrap_or_default().to_string(), span)),
        (["response_body"], v) => {
            b.response_body = Some((v.as_str().unwrap_or_default().to_string(), span))
        }
        (["additional_bindings"], v) => {
            let Some(list) = additional else {
                return;
            };
            let items = match v {
                OptionValue::List(items) => items.as_slice(),
                single => std::slice::from_ref(single),
            };
            for item in items {
                let mut extra = Binding {
                    span,
                    ..Binding::default()
                };
                apply(&mut extra, None, &[], item, span, span);
                list.push(extra);
            }
        }
        _ => {}
    }
}

/// The URL pattern a path template matches, which is all a REST client sees: whitespace
/// dropped and each variable replaced by the segments it matches (`{name}` is `*`,
/// `{name=shelves/*}` is `shelves/*`). Which request field a variable fills is the server's
/// business (its mapping ships with it), so `/v1/{name=shelves/*}` and `/v1/{parent=shelves/*}`
/// are the same route, and so are `{parent=projects/*}/locations/{location_id}` and
/// `{parent=projects/*/locations/*}`.
fn normalise_path(path: &str) -> String {
    let compact: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::with_capacity(compact.len());
    let mut var: Option<String> = None;
    for c in compact.chars() {
        match (&mut var, c) {
            (None, '{') => var = Some(String::new()),
            (Some(v), '}') => {
                out.push_str(v.split_once('=').map_or("*", |(_, segments)| segments));
                var = None;
            }
            (Some(v), c) => v.push(c),
            (None, c) => out.push(c),
        }
    }
    if let Some(v) = var {
        // Unclosed: keep what was written.
        out.push('{');
        out.push_str(&v);
    }
    out
}

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
    fn paths_normalise() {
        assert_eq!(normalise_path("/v1/{name}"), "/v1/*");
        assert_eq!(
            normalise_path("/v1/{ name = shelves/* }:get"),
            "/v1/shelves/*:get"
        );
        assert_ne!(
            normalise_path("/v1/{name=shelves/*}"),
            normalise_path("/v1/{name=shelves/*/books/*}")
        );
    }

    #[test]
    fn variable_names_do_not_matter() {
        assert_eq!(
            normalise_path("/v1/{parent=shelves/*}/books/{book_id}"),
            normalise_path("/v1/{name=shelves/*}/books/*")
        );
        assert_eq!(
            normalise_path("/v2/{parent=projects/*}/locations/{location_id}/content:inspect"),
            normalise_path("/v2/{parent=projects/*/locations/*}/content:inspect")
        );
    }

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
