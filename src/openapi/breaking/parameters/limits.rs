//! Limits of a parameter's own schema: numeric `minimum`/`maximum` (and their exclusive forms),
//! the counts `minLength`/`maxLength`/`minItems`/`maxItems` and `pattern`, tightened (an error:
//! calls that passed may now be refused), set where there was none or a pattern changed (a
//! warning) or loosened (info). oasdiff reads parameter
//! limits on the parameter's own schema only. Plus the guide's `paging-limit-max-lowered`: a paging
//! `limit` query parameter capped lower.

use super::super::body::Bound::{self, Max, Min};
use super::super::request_body::limits::{
    count_loosened, limit as shown_limit, loosened, pattern_generalized, pattern_removed,
    tightened_text,
};
use super::super::schema::{Change, Limit, SchemaChange, Site};
use super::super::{Check, Ctx, Sink};
use super::{num, param_changes, report_changes, run, subject, Named, Scope::Own};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Bounds: oasdiff reads them on the parameter's own schema only.
    Rule::new(
        "openapi/request-parameter-max-items-decreased",
        request_parameter_max_items_decreased,
    ),
    Rule::new("openapi/request-parameter-max-length-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| count(c, p, "maxLength", Edit::Set))
    }),
    Rule::new(
        "openapi/request-parameter-max-length-decreased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                count(c, p, "maxLength", Edit::Tightened)
            })
        },
    ),
    Rule::new("openapi/request-parameter-min-items-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| count(c, p, "minItems", Edit::Set))
    }),
    Rule::new(
        "openapi/request-parameter-min-items-increased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                count(c, p, "minItems", Edit::Tightened)
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-min-length-increased",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                count(c, p, "minLength", Edit::Tightened)
            })
        },
    ),
    Rule::new("openapi/request-parameter-max-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| limit(c, p, Max, Edit::Set, false))
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-max-set",
        |ctx, sink| report_changes(ctx, sink, |_, c, p| limit(c, p, Max, Edit::Set, true)),
    ),
    Rule::new("openapi/request-parameter-max-decreased", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            limit(c, p, Max, Edit::Tightened, false)
        })
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-max-decreased",
        |ctx, sink| report_changes(ctx, sink, |_, c, p| limit(c, p, Max, Edit::Tightened, true)),
    ),
    Rule::new("openapi/request-parameter-min-set", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| limit(c, p, Min, Edit::Set, false))
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-min-set",
        |ctx, sink| report_changes(ctx, sink, |_, c, p| limit(c, p, Min, Edit::Set, true)),
    ),
    Rule::new("openapi/request-parameter-min-increased", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| {
            limit(c, p, Min, Edit::Tightened, false)
        })
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-min-increased",
        |ctx, sink| report_changes(ctx, sink, |_, c, p| limit(c, p, Min, Edit::Tightened, true)),
    ),
    Rule::new("openapi/request-parameter-max-increased", |ctx, sink| {
        run(ctx, sink, Own, |c| loosened(c, subject, Max, false))
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-max-increased",
        |ctx, sink| run(ctx, sink, Own, |c| loosened(c, subject, Max, true)),
    ),
    Rule::new("openapi/request-parameter-min-decreased", |ctx, sink| {
        run(ctx, sink, Own, |c| loosened(c, subject, Min, false))
    }),
    Rule::new(
        "openapi/request-parameter-exclusive-min-decreased",
        |ctx, sink| run(ctx, sink, Own, |c| loosened(c, subject, Min, true)),
    ),
    Rule::new(
        "openapi/request-parameter-max-length-increased",
        |ctx, sink| {
            run(ctx, sink, Own, |c| {
                count_loosened(c, subject, "maxLength", false)
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-min-length-decreased",
        |ctx, sink| {
            run(ctx, sink, Own, |c| {
                count_loosened(c, subject, "minLength", false)
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-max-items-increased",
        |ctx, sink| {
            run(ctx, sink, Own, |c| {
                count_loosened(c, subject, "maxItems", false)
            })
        },
    ),
    Rule::new(
        "openapi/request-parameter-min-items-decreased",
        |ctx, sink| {
            run(ctx, sink, Own, |c| {
                count_loosened(c, subject, "minItems", false)
            })
        },
    ),
    // Patterns: `.*` accepts anything, so oasdiff calls a change to it generalized (info).
    Rule::new("openapi/request-parameter-pattern-added", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| match c.change {
            Change::Pattern {
                from: None,
                to: Some(to),
            } if c.path.is_empty() => Some(format!("added the pattern '{to}' to {p}")),
            _ => None,
        })
    }),
    Rule::new("openapi/request-parameter-pattern-changed", |ctx, sink| {
        report_changes(ctx, sink, |_, c, p| match c.change {
            Change::Pattern {
                from: Some(from),
                to: Some(to),
            } if c.path.is_empty() && to != ".*" => Some(format!(
                "changed the pattern of {p} from '{from}' to '{to}'"
            )),
            _ => None,
        })
    }),
    Rule::new("openapi/request-parameter-pattern-removed", |ctx, sink| {
        run(ctx, sink, Own, |c| pattern_removed(c, subject))
    }),
    Rule::new(
        "openapi/request-parameter-pattern-generalized",
        |ctx, sink| run(ctx, sink, Own, |c| pattern_generalized(c, subject)),
    ),
    Rule::new("openapi/paging-limit-max-lowered", paging_limit_max_lowered),
];

/// Which bound changes a rule reports: one that appeared, or one that got stricter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Set,
    Tightened,
}

/// A count bound (`maxLength`, `minItems`, ...) of the parameter's own schema: set where there
/// was none, or made stricter (a `max*` lowered, a `min*` raised).
fn count(c: &SchemaChange, p: &Named, keyword: &str, edit: Edit) -> Option<String> {
    let Change::Count {
        keyword: k,
        from,
        to,
    } = c.change
    else {
        return None;
    };
    if k != keyword || !c.path.is_empty() {
        return None;
    }
    count_message(p, keyword, from, to, edit)
}

fn count_message(
    p: &Named,
    keyword: &str,
    from: Option<u64>,
    to: Option<u64>,
    edit: Edit,
) -> Option<String> {
    let max = keyword.starts_with("max");
    match (edit, from, to) {
        (Edit::Set, None, Some(to)) => Some(format!("for {p}, the {keyword} was set to {to}")),
        (Edit::Tightened, Some(from), Some(to)) if (to < from) == max && to != from => {
            let verb = if max { "decreased" } else { "increased" };
            Some(format!(
                "for {p}, the {keyword} was {verb} from {from} to {to}"
            ))
        }
        _ => None,
    }
}

/// oasdiff also reads `maxItems` on the items of an array parameter when the parameter's own
/// schema did not change it (a spec that put the bound one level too deep).
fn request_parameter_max_items_decreased(ctx: &Ctx, sink: &mut Sink) {
    let changes: Vec<_> = param_changes(ctx).collect();
    let own = |c: &SchemaChange| {
        changes.iter().any(|(o, _)| {
            o.spec == c.spec
                && o.op == c.op
                && o.site == c.site
                && o.path.is_empty()
                && matches!(
                    o.change,
                    Change::Count {
                        keyword: "maxItems",
                        ..
                    }
                )
        })
    };
    for (c, p) in &changes {
        let Change::Count {
            keyword: "maxItems",
            from,
            to,
        } = c.change
        else {
            continue;
        };
        let applies = c.path.is_empty() || (c.path == "items" && !own(c));
        if !applies {
            continue;
        }
        if let Some(message) = count_message(p, "maxItems", from, to, Edit::Tightened) {
            c.report(sink, message);
        }
    }
}

/// A numeric bound of the parameter's own schema. `exclusive` picks the rule for the bound as
/// the new revision writes it (`exclusiveMaximum` in 3.1, or `exclusiveMaximum: true` in 3.0).
/// oasdiff compares `maximum` and `exclusiveMaximum` as separate keywords; here they are one
/// bound, so an inclusive bound turned exclusive at the same value is "exclusive ... set" (the
/// bound was set to exclude its value) rather than a removal plus an addition.
fn limit(c: &SchemaChange, p: &Named, side: Bound, edit: Edit, exclusive: bool) -> Option<String> {
    if !c.path.is_empty() {
        return None;
    }
    let (from, to) = side.of(&c.change)?;
    let to = to?;
    if to.exclusive != exclusive {
        return None;
    }
    let (word, stricter) = match side {
        Max => ("max", "decreased"),
        Min => ("min", "increased"),
    };
    let keyword = match (side, exclusive) {
        (_, false) => word.to_string(),
        (Max, true) => "exclusiveMaximum".into(),
        (Min, true) => "exclusiveMinimum".into(),
    };
    let tighter = |from: Limit| match side {
        Max => to.value < from.value,
        Min => to.value > from.value,
    };
    match (edit, from) {
        (Edit::Set, None) => Some(format!(
            "for {p}, the {keyword} was set to {}",
            num(to.value)
        )),
        // The same value, now excluded.
        (Edit::Set, Some(from)) if exclusive && !from.exclusive && from.value == to.value => {
            Some(format!(
                "for {p}, the {keyword} was set to {} (the {word} was inclusive)",
                num(to.value)
            ))
        }
        (Edit::Tightened, Some(from)) if tighter(from) => Some(format!(
            "for {p}, the {keyword} was {stricter} from {} to {}",
            num(from.value),
            num(to.value)
        )),
        _ => None,
    }
}

/// Query parameters that set a page size.
const PAGING_NAMES: &[&str] = &[
    "limit",
    "page_size",
    "pageSize",
    "per_page",
    "perPage",
    "max_results",
    "maxResults",
];

/// A paging `limit` capped lower, or capped where it was not: clients that page with the old
/// maximum (or with any size they liked) now get 400s. The guide's advice is to cap the limit
/// from the start, and then never lower the cap.
fn paging_limit_max_lowered(ctx: &Ctx, sink: &mut Sink) {
    for c in ctx.schema_changes() {
        let Site::Parameter {
            location: "query",
            name,
        } = c.site
        else {
            continue;
        };
        if !c.path.is_empty() || !PAGING_NAMES.contains(&name) {
            continue;
        }
        let Change::Maximum { from, to: Some(to) } = c.change else {
            continue;
        };
        let message = match from {
            None => format!(
                "capped the paging parameter '{name}' at {} where it had no maximum: clients asking for larger pages now get 400",
                shown_limit(to)
            ),
            Some(from) if Max.looser(to, from) => format!(
                "{}; clients paging with the old maximum now get 400",
                tightened_text(Max, &format!("the paging parameter '{name}'"), from, to)
            ),
            Some(_) => continue,
        };
        c.report(sink, message);
    }
}
