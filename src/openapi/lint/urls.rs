//! URLs name resources and carry their version (the API guide: "Stick to resource nouns and let
//! HTTP verbs carry intent", "Add /v1/ to every URL on the first day"). Findings point at the
//! path's key under `paths`.

use super::{Check, Ctx, Sink};
use crate::openapi::model::Spec;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/path-has-verb", path_has_verb),
    Rule::new("openapi/path-missing-version", path_missing_version),
];

/// Words that make a path segment an action rather than a resource when the segment starts
/// with them. Words that are as often nouns or accepted action resources (`search`, `login`,
/// `export`, `post`, `set`, `make`, `cancel`, ...) are left out: a false alarm costs more trust
/// than a missed verb.
const VERBS: &[&str] = &[
    "get", "list", "create", "update", "delete", "remove", "add", "fetch", "retrieve", "insert",
    "modify", "edit", "save", "submit", "process", "execute", "perform",
];

/// The segments of a path that name something: templates (`{id}`) and a custom method's
/// suffix (`{id}:cancel`, which the guide accepts) are not names.
fn named_segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .map(|segment| segment.split(':').next().unwrap_or(segment))
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{'))
}

/// A segment's words, lower case: split at `-`, `_`, `.` and where camelCase turns upper.
fn words(segment: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in segment.chars() {
        let boundary = matches!(c, '-' | '_' | '.') || (c.is_uppercase() && previous_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !matches!(c, '-' | '_' | '.') {
            word.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The first segment of `path` that starts with a verb, and the verb.
fn verb_segment(path: &str) -> Option<(&str, String)> {
    named_segments(path).find_map(|segment| {
        let first = words(segment).into_iter().next()?;
        VERBS.contains(&first.as_str()).then_some((segment, first))
    })
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

/// `v1`, `v2`, `v1beta1`, `v2alpha`, `v1.2`: a version segment.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && rest[digits..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
}

fn has_version(path: &str) -> bool {
    path.split('/').any(is_version)
}

/// The path part of each server URL, with server variables replaced by their defaults.
fn server_paths(spec: &Spec) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_are_found_in_any_casing() {
        for (path, verb) in [
            ("/getUsers", "get"),
            ("/v1/users/{id}/delete", "delete"),
            ("/create-order", "create"),
            ("/v1/process_payment", "process"),
            ("/ListThings", "list"),
        ] {
            assert_eq!(
                verb_segment(path).map(|(_, v)| v),
                Some(verb.into()),
                "{path}"
            );
        }
        for path in [
            "/v1/users",
            "/v1/orders/{id}:cancel",
            "/v1/updates",
            "/v1/getaway",
            "/v1/{getId}",
            "/v1/search",
            "/v1/user-settings",
        ] {
            assert_eq!(verb_segment(path), None, "{path}");
        }
    }

    #[test]
    fn version_segments() {
        for s in ["v1", "v2", "v1beta1", "v2alpha", "v10", "v1.2"] {
            assert!(is_version(s), "{s}");
        }
        for s in ["v", "version1", "va", "1", "v-1", "api"] {
            assert!(!is_version(s), "{s}");
        }
    }
}
