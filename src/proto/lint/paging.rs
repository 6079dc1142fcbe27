//! Paging of List RPCs. The API guide lists users "with pagination" and caps the page size; a
//! List RPC that returns everything at once cannot be paged later without a breaking change.
//! A List RPC's request has `page_size` and `page_token`, its response `next_page_token` (the
//! names of Google's API design guide, which buf's `RPC_*_STANDARD_NAME` rules also follow).

use std::collections::HashMap;

use super::{Check, Ctx, Sink};
use crate::proto::ast::Message;
use crate::proto::model::ProtoSet;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new("proto/list-without-paging", list_without_paging)];

/// Every message of the revision by full name.
fn messages(set: &ProtoSet) -> HashMap<String, &Message> {
    fn add<'a>(out: &mut HashMap<String, &'a Message>, scope: &str, m: &'a Message) {
        let name = format!("{scope}.{}", m.name);
        for nested in &m.messages {
            add(out, &name, nested);
        }
        out.insert(name, m);
    }
    let mut out = HashMap::new();
    for file in &set.files {
        for m in &file.ast.messages {
            add(&mut out, file.package(), m);
        }
    }
    out
}

fn has_field(m: &Message, name: &str) -> bool {
    m.fields.iter().any(|f| f.name == name)
}

fn list_without_paging(ctx: &Ctx, sink: &mut Sink) {
    let messages = messages(ctx.set);
    // A file without a package names its messages `.Name` here; `resolved` has no leading dot.
    let find = |resolved: &str| {
        messages
            .get(resolved)
            .or_else(|| messages.get(&format!(".{resolved}")))
            .copied()
    };
    for file in ctx.files() {
        for service in &file.ast.services {
            for method in &service.methods {
                if !method.name.starts_with("List") || method.server_streaming {
                    continue;
                }
                let (Some(request), Some(response)) =
                    (find(&method.input.resolved), find(&method.output.resolved))
                else {
                    continue;
                };
                let missing: Vec<&str> = [
                    ("page_size", has_field(request, "page_size")),
                    ("page_token", has_field(request, "page_token")),
                    ("next_page_token", has_field(response, "next_page_token")),
                ]
                .into_iter()
                .filter(|(_, present)| !present)
                .map(|(name, _)| name)
                .collect();
                if missing.is_empty() {
                    continue;
                }
                sink.lint(
                    file.location(method.name_span),
                    format!(
                        "'{}.{}' lists without paging: it lacks {}",
                        service.name,
                        method.name,
                        missing.join(", ")
                    ),
                );
            }
        }
    }
}
