//! A comparison that stopped short says so. The schema walk bounds itself (a `$ref` chain, the
//! nesting depth, the pairs compared per site); past a bound nothing is compared, so instead of
//! reading as "no change" the stop is a finding of its own, an error that the run's selection,
//! ignores and suppressions cannot drop (see `run::policy::FAIL_CLOSED`).

use super::schema::{Change, Stop};
use super::{Check, Ctx, Sink};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new(
    "openapi/comparison-incomplete",
    comparison_incomplete,
)];

fn comparison_incomplete(ctx: &Ctx, sink: &mut Sink) {
    for c in ctx.schema_changes() {
        let Change::Incomplete(stop) = c.change else {
            continue;
        };
        // Where it stopped is the finding's location: the message names it without its line,
        // which a reformatting of the spec would change.
        let what = match stop {
            Stop::RefChain => {
                let reference = |n: NodeRef<'_>| n.node.get("$ref")?.as_str().map(str::to_string);
                match reference(c.new_at).or_else(|| reference(c.old_at)) {
                    Some(r) => format!("the $ref {r:?}"),
                    None => "this schema".to_string(),
                }
            }
            Stop::Depth | Stop::Pairs => "this schema".to_string(),
        };
        c.report(
            sink,
            format!(
                "the {} schema was not compared past {what}: {stop}; a breaking change beyond \
                 it would go unreported",
                c.site.element()
            ),
        );
    }
}
