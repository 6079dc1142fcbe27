//! A method's `google.api.http` option (HTTP/JSON transcoding, as grpc-gateway and Envoy's
//! gRPC-JSON transcoder serve it), read from its option declarations into bindings: what the
//! breaking rules pair by route and the lint rules hold to the API guide's URL conventions.

use crate::proto::ast::{Method, OptionDecl, OptionValue, Span};

/// One HTTP binding: the primary rule or one `additional_bindings` entry.
#[derive(Debug, Default, Clone)]
pub struct Binding {
    /// `GET`, `POST`, ... or a custom pattern's kind as written.
    pub verb: String,
    /// The path template as written; empty when no pattern was given.
    pub path: String,
    /// Where the pattern was set: the option declaring it (primary) or the
    /// `additional_bindings` entry.
    pub pattern_span: Span,
    pub body: Option<(String, Span)>,
    pub response_body: Option<(String, Span)>,
    /// The option (primary) or the `additional_bindings` entry.
    pub span: Span,
}

impl Binding {
    pub fn has_pattern(&self) -> bool {
        !self.verb.is_empty() || !self.path.is_empty()
    }

    /// What identifies the route to a REST client.
    pub fn route(&self) -> (String, String) {
        (self.verb.clone(), normalise_path(&self.path))
    }

    pub fn shown(&self) -> String {
        format!("{} {:?}", self.verb, self.path)
    }

    pub fn body(&self) -> &str {
        self.body.as_ref().map_or("", |(b, _)| b)
    }

    pub fn response_body(&self) -> &str {
        self.response_body.as_ref().map_or("", |(b, _)| b)
    }
}

/// A method's `google.api.http` option, merged from every declaration that sets part of it.
#[derive(Debug)]
pub struct HttpOption {
    pub primary: Binding,
    pub additional: Vec<Binding>,
    /// The first declaration.
    pub span: Span,
}

impl HttpOption {
    pub fn bindings(&self) -> impl Iterator<Item = &Binding> {
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

pub fn http_option(method: &Method) -> Option<HttpOption> {
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
pub fn normalise_path(path: &str) -> String {
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
}
