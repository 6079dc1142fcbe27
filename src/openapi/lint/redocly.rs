//! Opt-in rules of Redocly's `recommended` set that no other family covers (category
//! `redocly:recommended`, off by default): every operation has a summary, documents at least
//! one client error, and says which security it requires.

use super::operations::empty_field;
use super::{Check, Ctx, Sink};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use crate::tree::Value;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/operation-summary-missing", summary_missing),
    Rule::new(
        "openapi/operation-client-error-response-missing",
        client_error_response_missing,
    ),
    Rule::new("openapi/operation-security-missing", security_missing),
];

fn summary_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            if let Some(at) = empty_field(op.obj.target, op.key, "summary") {
                sink.lint(
                    at.location(),
                    format!(
                        "{} has no summary: documentation lists and navigation show it untitled",
                        op.id
                    ),
                );
            }
        }
    }
}

/// A 4xx status as a response key writes it: `404`, or a range such as `4XX` (either case).
fn is_client_error(status: &str) -> bool {
    let bytes = status.as_bytes();
    bytes.len() == 3
        && bytes[0] == b'4'
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'X' | b'x'))
}

fn client_error_response_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            let Some((key, value)) = op.obj.get_entry("responses") else {
                continue;
            };
            let Some(entries) = op.set.view(value).target.node.as_map() else {
                continue;
            };
            if entries
                .iter()
                .any(|(k, _)| k.as_str().is_some_and(is_client_error))
            {
                continue;
            }
            sink.lint(
                key.location(),
                format!(
                    "{} documents no 4xx response: clients cannot know how a bad request, a \
                     missing resource or a refused caller is answered",
                    op.id
                ),
            );
        }
    }
}

/// A `security` field that says something, `[]` (anonymous access) included; `null` says nothing.
fn has_security(holder: NodeRef) -> bool {
    holder
        .get("security")
        .is_some_and(|s| !matches!(s.node.value, Value::Null))
}

fn security_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        if has_security(spec.root) {
            continue;
        }
        for op in &spec.operations {
            if !has_security(op.obj.target) {
                sink.lint(
                    op.key.location(),
                    format!(
                        "{} says nothing of authentication, and the API sets no top-level \
                         security: write `security` (`[]` if anyone may call it)",
                        op.id
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
    fn client_errors_are_4xx_codes_and_ranges() {
        for yes in ["400", "404", "429", "4XX", "4xx", "40X"] {
            assert!(is_client_error(yes), "{yes}");
        }
        for no in ["200", "500", "default", "4", "4000", "4YZ", " 404"] {
            assert!(!is_client_error(no), "{no}");
        }
    }
}
