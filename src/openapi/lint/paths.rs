//! Path keys are clean templates (Spectral's `spectral:oas` path-key rules): no trailing slash,
//! no query string, no empty `{}`. Every key under `paths` is read as written, except `x-`
//! extensions (Spectral reads those too: they are not paths); findings point at the key.

use super::{Check, Ctx, Sink};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/path-trailing-slash", trailing_slash),
    Rule::new("openapi/path-query-string", query_string),
    Rule::new("openapi/path-parameter-empty", parameter_empty),
];

/// Each key under `paths` with its text, extensions left out.
fn path_keys<'a>(ctx: &Ctx<'a>) -> Vec<(&'a str, NodeRef<'a>)> {
    let mut keys = Vec::new();
    for spec in &ctx.specs {
        let Some(paths) = spec.root.get("paths") else {
            continue;
        };
        for (k, _) in paths.node.as_map().unwrap_or(&[]) {
            if let Some(text) = k.as_str().filter(|t| !t.starts_with("x-")) {
                keys.push((text, NodeRef::new(paths.doc, k)));
            }
        }
    }
    keys
}

fn trailing_slash(ctx: &Ctx, sink: &mut Sink) {
    for (path, key) in path_keys(ctx) {
        // `/` alone is the root, not a trailing slash.
        if path.chars().count() > 1 && path.ends_with('/') {
            sink.lint(
                key.location(),
                format!(
                    "the path '{path}' ends with '/': servers and clients treat it and the path \
                     without the slash differently"
                ),
            );
        }
    }
}

fn query_string(ctx: &Ctx, sink: &mut Sink) {
    for (path, key) in path_keys(ctx) {
        if path.contains('?') {
            sink.lint(
                key.location(),
                format!(
                    "the path '{path}' holds a query string: declare query parameters as \
                     parameters with `in: query`"
                ),
            );
        }
    }
}

fn parameter_empty(ctx: &Ctx, sink: &mut Sink) {
    for (path, key) in path_keys(ctx) {
        if path.contains("{}") {
            sink.lint(
                key.location(),
                format!(
                    "the path '{path}' has an unnamed parameter '{{}}': a path parameter needs a \
                     name its declaration can match"
                ),
            );
        }
    }
}
