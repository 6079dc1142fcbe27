//! Servers are declared, and their URLs join paths cleanly (Spectral's `oas3-api-servers` and
//! `oas3-server-trailing-slash`).

use super::{Check, Ctx, Sink};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/servers-missing", servers_missing),
    Rule::new(
        "openapi/server-url-trailing-slash",
        server_url_trailing_slash,
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
