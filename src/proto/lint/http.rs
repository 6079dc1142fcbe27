//! The API guide's URL conventions on `google.api.http` bindings, the REST routes a gRPC
//! service also serves: resource nouns, not verbs (a custom method `:cancel` is the accepted
//! form of an action), a `/v{N}/` version, and the same version as the package.

use super::packages::is_package_version;
use super::{Check, Ctx, Sink};
use crate::proto::ast::Method;
use crate::proto::http::{http_option, Binding};
use crate::proto::model::SourceProto;
use crate::rules::Rule;
use crate::url_path::{
    has_custom_method, major, miscased_segments, singular_collections, standard_method,
    verb_segment, version_of, Casing,
};

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/http-path-has-verb", http_path_has_verb),
    Rule::new("proto/http-path-missing-version", http_path_missing_version),
    Rule::new("proto/http-version-mismatch", http_version_mismatch),
    Rule::new("proto/http-method-mismatch", http_method_mismatch),
    Rule::new("proto/http-segment-not-plural", http_segment_not_plural),
    Rule::new("proto/http-segment-case", http_segment_case),
];

/// A collection segment (one a variable or `*` follows: `shelf/*`) whose last word is
/// singular; each segment once per file, at the first binding that has it.
fn http_segment_not_plural(ctx: &Ctx, sink: &mut Sink) {
    let style = &ctx.settings.segments;
    let mut seen = std::collections::HashSet::new();
    for_each_binding(ctx, |file, method, binding| {
        for c in singular_collections(&binding.path, style) {
            if !seen.insert((file.display.clone(), c.segment.clone())) {
                continue;
            }
            let (segment, word) = (c.segment, c.word);
            sink.lint(
                file.location(binding.pattern_span),
                format!(
                    "the HTTP route {} of {} names the collection '{segment}' in the singular \
                     ('{word}'): collections are plural nouns",
                    binding.shown(),
                    method.name
                ),
            );
        }
    });
}

/// A literal segment not in the configured casing (default camelCase, as Google's AIP-122
/// writes collection ids); each segment once per file, at the first binding that has it.
fn http_segment_case(ctx: &Ctx, sink: &mut Sink) {
    let style = &ctx.settings.segments;
    let casing = style.casing.unwrap_or(Casing::Camel);
    let mut seen = std::collections::HashSet::new();
    for_each_binding(ctx, |file, method, binding| {
        for segment in miscased_segments(&binding.path, casing, style) {
            if !seen.insert((file.display.clone(), segment.clone())) {
                continue;
            }
            sink.lint(
                file.location(binding.pattern_span),
                format!(
                    "the segment '{segment}' of the HTTP route {} of {} is not {}",
                    binding.shown(),
                    method.name,
                    casing.as_str()
                ),
            );
        }
    });
}

/// Every binding of every method of the tree's files, with its file and method.
fn for_each_binding(ctx: &Ctx, mut f: impl FnMut(&SourceProto, &Method, &Binding)) {
    for file in ctx.files() {
        for service in &file.ast.services {
            for method in &service.methods {
                let Some(option) = http_option(method) else {
                    continue;
                };
                for binding in option.bindings() {
                    f(file, method, binding);
                }
            }
        }
    }
}

fn http_path_has_verb(ctx: &Ctx, sink: &mut Sink) {
    for_each_binding(ctx, |file, method, binding| {
        let Some((segment, verb)) = verb_segment(&binding.path) else {
            return;
        };
        sink.lint(
            file.location(binding.pattern_span),
            format!(
                "the HTTP route {} of {} names an action: its segment '{segment}' starts with \
                 the verb '{verb}'; name the resource, and use the HTTP method or a custom method \
                 (':{verb}') for the action",
                binding.shown(),
                method.name
            ),
        );
    });
}

fn http_path_missing_version(ctx: &Ctx, sink: &mut Sink) {
    for_each_binding(ctx, |file, method, binding| {
        if version_of(&binding.path).is_some() {
            return;
        }
        sink.lint(
            file.location(binding.pattern_span),
            format!(
                "the HTTP route {} of {} has no version segment such as /v1/",
                binding.shown(),
                method.name
            ),
        );
    });
}

fn http_version_mismatch(ctx: &Ctx, sink: &mut Sink) {
    for_each_binding(ctx, |file, method, binding| {
        let package = file.package();
        let package_version = package.rsplit('.').next().unwrap_or("");
        if !is_package_version(package_version) {
            return;
        }
        let Some(path_version) = version_of(&binding.path) else {
            return;
        };
        if major(&path_version) == major(package_version) {
            return;
        }
        sink.lint(
            file.location(binding.pattern_span),
            format!(
                "the HTTP route {} of {} is under /{path_version}/ while its package '{package}' \
                 is version {package_version}",
                binding.shown(),
                method.name
            ),
        );
    });
}

fn http_method_mismatch(ctx: &Ctx, sink: &mut Sink) {
    for_each_binding(ctx, |file, method, binding| {
        let Some((standard, verbs)) = standard_method(&method.name) else {
            return;
        };
        let verb = binding.verb.to_ascii_uppercase();
        if verbs.contains(&verb.as_str()) || has_custom_method(&binding.path) || verb == "CUSTOM" {
            return;
        }
        sink.lint(
            file.location(binding.pattern_span),
            format!(
                "{} is a standard {standard} method bound to {}: clients and caches expect \
                 {standard} over {}",
                method.name,
                binding.shown(),
                verbs.join(" or ")
            ),
        );
    });
}
