//! Paging: "Always cap the limit parameter. Without this, a caller can request limit=1000000
//! and OOM your service or timeout your database." (the API guide).

use super::{plain_name, Check, Ctx, Sink};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new(
    "openapi/paging-limit-unbounded",
    paging_limit_unbounded,
)];

/// Query parameters that size a page, compared without case, `-` or `_`.
const PAGE_SIZES: &[&str] = &["limit", "pagesize", "perpage", "maxresults", "top", "count"];

fn is_page_size(name: &str) -> bool {
    PAGE_SIZES.contains(&plain_name(name).as_str())
}

fn paging_limit_unbounded(ctx: &Ctx, sink: &mut Sink) {
    for op in ctx.operations() {
        for param in op.params.iter().filter(|p| p.location == "query") {
            if !is_page_size(param.name) {
                continue;
            }
            let Some(schema) = param.schema() else {
                continue;
            };
            let numeric = matches!(schema.str("type"), Some("integer" | "number"));
            if numeric && schema.get("maximum").is_none() {
                sink.report_operation(
                    &op.id,
                    param.at().location(),
                    None,
                    format!(
                        "the page size '{}' of {} has no maximum: a caller can ask for every \
                         row at once",
                        param.name, op.id
                    ),
                );
            }
        }
    }
}
