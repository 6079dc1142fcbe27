//! Deprecation that clients can see: the API guide asks for "a Deprecation header into your v1
//! responses from day one ... Pair it with a sunset date in the Sunset header" (RFC 9745,
//! RFC 8594). A deprecated operation documents both on its success responses.

use super::{has_header, Check, Ctx, Sink};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new(
    "openapi/deprecated-without-headers",
    deprecated_without_headers,
)];

fn deprecated_without_headers(ctx: &Ctx, sink: &mut Sink) {
    for op in ctx.operations() {
        if !op.deprecated() {
            continue;
        }
        let successes: Vec<_> = op
            .responses()
            .into_iter()
            .filter(|r| r.status.starts_with('2'))
            .collect();
        let documents =
            |name: &str| !successes.is_empty() && successes.iter().all(|r| has_header(op, r, name));
        let missing: Vec<&str> = ["Deprecation", "Sunset"]
            .into_iter()
            .filter(|h| !documents(h))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let at = op.obj.get("deprecated").unwrap_or(op.key);
        sink.report_operation(
            &op.id,
            at.location(),
            None,
            format!(
                "{} is deprecated but its success responses do not document the {} header{}",
                op.id,
                missing.join(" and "),
                if missing.len() > 1 { "s" } else { "" }
            ),
        );
    }
}
