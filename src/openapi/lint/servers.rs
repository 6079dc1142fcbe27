//! Servers are declared, their URLs join paths cleanly, and their variables match their URL
//! templates (Spectral's `oas3-api-servers`, `oas3-server-trailing-slash` and
//! `oas3-server-variables`).

use super::{Check, Ctx, Sink};
use crate::openapi::model::Spec;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use crate::tree::Node;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/servers-missing", servers_missing),
    Rule::new(
        "openapi/server-url-trailing-slash",
        server_url_trailing_slash,
    ),
    Rule::new("openapi/server-variable-undefined", |ctx, sink| {
        variables(ctx, sink, Problem::Undefined)
    }),
    Rule::new("openapi/server-variable-unused", |ctx, sink| {
        variables(ctx, sink, Problem::Unused)
    }),
    Rule::new("openapi/server-variable-default-missing", |ctx, sink| {
        variables(ctx, sink, Problem::DefaultMissing)
    }),
    Rule::new(
        "openapi/server-variable-default-not-in-enum",
        |ctx, sink| variables(ctx, sink, Problem::DefaultNotInEnum),
    ),
];

fn servers_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let at = match spec.root.node.get_entry("servers") {
            None => spec.root,
            Some((key, value)) => match value.as_seq() {
                Some(items) if !items.is_empty() => {
                    for item in items.iter().filter(|i| i.as_map().is_none()) {
                        sink.lint(
                            NodeRef::new(spec.doc, item).location(),
                            "a server is not an object with a url",
                        );
                    }
                    continue;
                }
                _ => NodeRef::new(spec.doc, key),
            },
        };
        sink.lint(
            at.location(),
            "the spec declares no servers: clients and documentation have no base URL to call",
        );
    }
}

fn server_url_trailing_slash(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let Some(servers) = spec.root.get("servers") else {
            continue;
        };
        for server in servers.node.items() {
            let Some(url) = server.get("url") else {
                continue;
            };
            let Some(text) = url.as_str() else { continue };
            // A URL of `/` alone is the relative root, not a trailing slash.
            if text.chars().count() > 1 && text.ends_with('/') {
                sink.lint(
                    NodeRef::new(spec.doc, url).location(),
                    format!(
                        "the server URL '{text}' ends with '/': joined with a path (which starts \
                         with '/') it makes '//'"
                    ),
                );
            }
        }
    }
}

/// What a server-variable rule reports.
#[derive(Clone, Copy, PartialEq)]
enum Problem {
    Undefined,
    Unused,
    DefaultMissing,
    DefaultNotInEnum,
}

/// Every Server object of a spec: the top level's, each path item's and each operation's.
fn each_server<'a>(spec: &Spec<'a>) -> Vec<NodeRef<'a>> {
    let mut lists = vec![spec.root.get("servers")];
    lists.extend(spec.paths.iter().map(|p| p.item.get("servers")));
    lists.extend(spec.operations.iter().map(|op| op.obj.get("servers")));
    lists
        .into_iter()
        .flatten()
        .flat_map(|list| list.node.items().map(move |s| NodeRef::new(list.doc, s)))
        .collect()
}

/// `{name}` templates of a server URL, in order (a name may repeat).
fn url_variables(url: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        // At least one character between the braces: `{}}` names `}`.
        let after = &rest[open + 1..];
        let Some(close) = after.char_indices().skip(1).find(|(_, c)| *c == '}') else {
            break;
        };
        out.push(&after[..close.0]);
        rest = &after[close.0 + 1..];
    }
    out
}

/// A variable as OpenAPI shapes it: `enum` a list of strings, `default`, `description` strings,
/// other keys extensions. A server with another shape is malformed and not read.
fn well_formed_variable(variable: &Node) -> bool {
    let Some(entries) = variable.as_map() else {
        return false;
    };
    entries
        .iter()
        .all(|(k, v)| match k.as_str().unwrap_or_default() {
            "enum" => v
                .as_seq()
                .is_some_and(|items| items.iter().all(|i| i.as_str().is_some())),
            "default" | "description" | "examples" => v.as_str().is_some(),
            key => key.starts_with("x-"),
        })
}

fn variables(ctx: &Ctx, sink: &mut Sink, problem: Problem) {
    for spec in &ctx.specs {
        for server in each_server(spec) {
            let Some(url) = server.node.get("url").and_then(Node::as_str) else {
                continue;
            };
            let vars = server.node.get_entry("variables");
            let defined: &[(Node, Node)] = match vars {
                None => &[],
                Some((_, v)) => match v.as_map() {
                    Some(entries) if entries.iter().all(|(_, v)| well_formed_variable(v)) => {
                        entries
                    }
                    _ => continue,
                },
            };
            let used = url_variables(url);
            let at = |node: &Node| NodeRef::new(server.doc, node).location();
            match problem {
                Problem::Undefined => {
                    let missing: Vec<&str> = used
                        .iter()
                        .copied()
                        .filter(|u| !defined.iter().any(|(k, _)| k.as_str() == Some(u)))
                        .collect();
                    if !missing.is_empty() {
                        sink.lint(
                            at(vars.map_or(server.node, |(k, _)| k)),
                            format!(
                                "the server URL '{url}' uses {} without defining it under \
                                 variables: no client can fill it in",
                                missing.join(", ")
                            ),
                        );
                    }
                }
                Problem::Unused => {
                    for (key, _) in defined {
                        let name = key.as_str().unwrap_or_default();
                        if !used.contains(&name) {
                            sink.lint(
                                at(key),
                                format!(
                                    "the server variable '{name}' does not appear in the URL \
                                     '{url}': setting it changes nothing"
                                ),
                            );
                        }
                    }
                }
                Problem::DefaultMissing | Problem::DefaultNotInEnum => {
                    for (key, variable) in defined {
                        let name = key.as_str().unwrap_or_default();
                        if !used.contains(&name) {
                            continue;
                        }
                        let default = variable.get("default");
                        match (problem, default) {
                            (Problem::DefaultMissing, None) => sink.lint(
                                at(key),
                                format!(
                                    "the server variable '{name}' has no default, which \
                                     OpenAPI requires: the URL has no value to start from"
                                ),
                            ),
                            (Problem::DefaultNotInEnum, Some(default)) => {
                                let Some(values) = variable.get("enum").and_then(Node::as_seq)
                                else {
                                    continue;
                                };
                                if !values.iter().any(|v| v.as_str() == default.as_str()) {
                                    sink.lint(
                                        at(default),
                                        format!(
                                            "the default of the server variable '{name}' is not \
                                             one of its enum values"
                                        ),
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variable_names() {
        assert_eq!(
            url_variables("{scheme}://{host}:{port}/v1"),
            ["scheme", "host", "port"]
        );
        assert_eq!(url_variables("https://x/{a}/{a}"), ["a", "a"]);
        assert_eq!(url_variables("https://x/{}}"), ["}"]);
        assert!(url_variables("https://x/{open").is_empty());
    }
}
