//! Constraints tightened on what clients send: numeric bounds (`minimum`, `maximum`, and their
//! exclusive forms), counts (`minLength`, `maxLength`, `minItems`, `minContains`,
//! `maxContains`), `contains` and `pattern`, on a request body itself (`request-body-*`) or on
//! anything under it (`request-property-*`), following oasdiff's `RequestProperty*` checks. Plus
//! the guide's `paging-limit-max-lowered`: a paging `limit` query parameter capped lower.
//!
//! The oasdiff rules differ only by keyword, direction and site, so they are one table
//! ([`RULES`], built by `limit_rules!`) over one filter ([`finding`]).
//!
//! What is deliberately not reported:
//! - `readOnly` properties, and anything inside one: clients never send them;
//! - changes under `not` or `if`: tightening a negated schema (or a condition) loosens the
//!   payload, or shifts which branch applies, rather than rejecting more;
//! - a keyword appearing with no effect (`minItems: 0`, `pattern: ".*"`), and rewrites that
//!   keep the same bound (3.0 `exclusiveMaximum: true` vs 3.1's numeric form: the walker
//!   already treats them as equal).
//!
//! Where a keyword appearing has no `-set` rule of its own in oasdiff (`minLength`,
//! `minContains`, `maxContains`), it is compared with what its absence means (`0`, `1`,
//! unlimited), so `minLength` appearing is a raise from 0: oasdiff reports nothing there.
//! Numeric bounds are named by what they mean, not how they are written: a 3.0 `maximum: 10`
//! with `exclusiveMaximum: true` is an exclusive maximum, as 3.1's `exclusiveMaximum: 10` is.

use super::schema::{Change, Limit, SchemaChange};
use super::{Check, Ctx, Sink};
use crate::rules::Rule;

/// Which schemas of a request body a rule looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The body's own schema.
    Body,
    /// Any schema under it (properties, items, composition branches, ...).
    Property,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Bound {
    Min,
    Max,
}

impl Bound {
    fn word(self) -> &'static str {
        match self {
            Bound::Min => "minimum",
            Bound::Max => "maximum",
        }
    }
}

/// What a rule looks for; `exclusive` is whether the new bound is exclusive.
#[derive(Clone, Copy)]
enum Test {
    /// A numeric bound present on both sides now rejects values it accepted.
    Tightened {
        bound: Bound,
        exclusive: bool,
    },
    /// A numeric bound where there was none.
    BoundSet {
        bound: Bound,
        exclusive: bool,
    },
    /// A `min*`/`max*` count that now rejects more. `absent`: also compare a keyword that
    /// appears with what its absence meant (else a `-set` rule reports that).
    Count {
        keyword: &'static str,
        absent: bool,
    },
    /// A count keyword where there was none.
    CountSet {
        keyword: &'static str,
    },
    ContainsAdded,
    PatternAdded,
    PatternChanged,
}

use Bound::{Max, Min};
use Test::*;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/request-body-max-decreased", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            Tightened {
                bound: Max,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-property-max-decreased", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            Tightened {
                bound: Max,
                exclusive: false,
            },
        )
    }),
    Rule::new(
        "openapi/request-body-exclusive-max-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Body,
                Tightened {
                    bound: Max,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-exclusive-max-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Property,
                Tightened {
                    bound: Max,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new("openapi/request-body-max-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            BoundSet {
                bound: Max,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-property-max-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            BoundSet {
                bound: Max,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-body-exclusive-max-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            BoundSet {
                bound: Max,
                exclusive: true,
            },
        )
    }),
    Rule::new("openapi/request-property-exclusive-max-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            BoundSet {
                bound: Max,
                exclusive: true,
            },
        )
    }),
    Rule::new("openapi/request-body-min-increased", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            Tightened {
                bound: Min,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-property-min-increased", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            Tightened {
                bound: Min,
                exclusive: false,
            },
        )
    }),
    Rule::new(
        "openapi/request-body-exclusive-min-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Body,
                Tightened {
                    bound: Min,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-exclusive-min-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Property,
                Tightened {
                    bound: Min,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new("openapi/request-body-min-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            BoundSet {
                bound: Min,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-property-min-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            BoundSet {
                bound: Min,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-body-exclusive-min-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            BoundSet {
                bound: Min,
                exclusive: true,
            },
        )
    }),
    Rule::new("openapi/request-property-exclusive-min-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            BoundSet {
                bound: Min,
                exclusive: true,
            },
        )
    }),
    Rule::new("openapi/request-body-max-length-decreased", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            Count {
                keyword: "maxLength",
                absent: false,
            },
        )
    }),
    Rule::new(
        "openapi/request-property-max-length-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Property,
                Count {
                    keyword: "maxLength",
                    absent: false,
                },
            )
        },
    ),
    Rule::new("openapi/request-body-max-length-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            CountSet {
                keyword: "maxLength",
            },
        )
    }),
    Rule::new("openapi/request-property-max-length-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            CountSet {
                keyword: "maxLength",
            },
        )
    }),
    Rule::new("openapi/request-body-min-length-increased", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            Count {
                keyword: "minLength",
                absent: true,
            },
        )
    }),
    Rule::new(
        "openapi/request-property-min-length-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Property,
                Count {
                    keyword: "minLength",
                    absent: true,
                },
            )
        },
    ),
    Rule::new("openapi/request-body-min-items-increased", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            Count {
                keyword: "minItems",
                absent: false,
            },
        )
    }),
    Rule::new(
        "openapi/request-property-min-items-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Property,
                Count {
                    keyword: "minItems",
                    absent: false,
                },
            )
        },
    ),
    Rule::new("openapi/request-body-min-items-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Body,
            CountSet {
                keyword: "minItems",
            },
        )
    }),
    Rule::new("openapi/request-property-min-items-set", |ctx, sink| {
        run(
            ctx,
            sink,
            Place::Property,
            CountSet {
                keyword: "minItems",
            },
        )
    }),
    Rule::new("openapi/request-body-contains-added", |ctx, sink| {
        run(ctx, sink, Place::Body, ContainsAdded)
    }),
    Rule::new("openapi/request-property-contains-added", |ctx, sink| {
        run(ctx, sink, Place::Property, ContainsAdded)
    }),
    Rule::new(
        "openapi/request-body-min-contains-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Body,
                Count {
                    keyword: "minContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-min-contains-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Property,
                Count {
                    keyword: "minContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-body-max-contains-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Body,
                Count {
                    keyword: "maxContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-max-contains-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Place::Property,
                Count {
                    keyword: "maxContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new("openapi/request-property-pattern-added", |ctx, sink| {
        run(ctx, sink, Place::Property, PatternAdded)
    }),
    Rule::new("openapi/request-property-pattern-changed", |ctx, sink| {
        run(ctx, sink, Place::Property, PatternChanged)
    }),
];

fn run(ctx: &Ctx, sink: &mut Sink, place: Place, test: Test) {
    for c in ctx.schema_changes() {
        if !c.in_request_body() || c.path.is_empty() != (place == Place::Body) || !sent(c) {
            continue;
        }
        if let Some(message) = finding(c, test) {
            c.report(sink, message);
        }
    }
}

/// Does the changed schema constrain what clients send, in the same direction as the change?
fn sent(c: &SchemaChange) -> bool {
    !c.in_read_only && !c.path.split('/').any(|s| s == "not" || s == "if")
}

/// The message when `c` is what `test` looks for.
fn finding(c: &SchemaChange, test: Test) -> Option<String> {
    let subject = if c.path.is_empty() {
        "the request body".to_string()
    } else {
        format!("the request property '{}'", c.path)
    };
    match (test, &c.change) {
        (Tightened { bound, exclusive }, change) => {
            let (from, to) = bounds(change, bound)?;
            let (from, to) = (from?, to?);
            if to.exclusive != exclusive || !tighter(bound, from, to) {
                return None;
            }
            Some(tightening(bound, &subject, from, to))
        }
        (BoundSet { bound, exclusive }, change) => {
            let (from, to) = bounds(change, bound)?;
            let to = to.filter(|t| from.is_none() && t.exclusive == exclusive)?;
            Some(format!(
                "added {} {} of {} to {subject}",
                if exclusive { "an exclusive" } else { "a" },
                bound.word(),
                num(to.value)
            ))
        }
        (Count { keyword, absent }, Change::Count { keyword: k, from, to }) if *k == keyword => {
            // `minContains`/`maxContains` only count with a `contains` on both sides; a new
            // `contains` is `*-contains-added`.
            if keyword.ends_with("Contains") && !(c.old.get("contains").is_some() && c.new.get("contains").is_some())
            {
                return None;
            }
            if from.is_none() && !absent {
                return None;
            }
            let max = keyword.starts_with("max");
            // What an absent keyword means: no upper limit, 1 for `minContains`, else 0.
            let unset = if max {
                u64::MAX
            } else {
                u64::from(keyword == "minContains")
            };
            let (f, t) = (from.unwrap_or(unset), to.unwrap_or(unset));
            if (max && t >= f) || (!max && t <= f) {
                return None;
            }
            let shown = |v: Option<u64>| match v {
                Some(v) => v.to_string(),
                None if max => "unlimited".to_string(),
                None => format!("{unset} (unset)"),
            };
            Some(format!(
                "{} {keyword} of {subject} from {} to {}",
                if max { "lowered" } else { "raised" },
                shown(*from),
                shown(*to)
            ))
        }
        (CountSet { keyword }, Change::Count { keyword: k, from: None, to: Some(v) })
            if *k == keyword =>
        {
            // `minItems: 0` is what no `minItems` means.
            (keyword.starts_with("max") || *v > 0)
                .then(|| format!("added {keyword} {v} to {subject}"))
        }
        (ContainsAdded, Change::SchemaAdded { keyword: "contains" }) => Some(format!(
            "added a contains schema to {subject}: arrays without a matching item are now rejected"
        )),
        (PatternAdded, Change::Pattern { from: None, to: Some(p) }) if !matches_all(p) => {
            Some(format!("added the pattern '{p}' to {subject}"))
        }
        (
            PatternChanged,
            Change::Pattern {
                from: Some(f),
                to: Some(t),
            },
        ) if !matches_all(t) => Some(format!(
            "changed the pattern of {subject} from '{f}' to '{t}': values the old pattern matched may now be rejected"
        )),
        _ => None,
    }
}

/// The old and new bound of a `Minimum`/`Maximum` change of this `bound`.
fn bounds(change: &Change, bound: Bound) -> Option<(Option<Limit>, Option<Limit>)> {
    match (bound, change) {
        (Min, Change::Minimum { from, to }) | (Max, Change::Maximum { from, to }) => {
            Some((*from, *to))
        }
        _ => None,
    }
}

/// "lowered the maximum of {subject} from 10 to 5", for a bound `tighter` than before.
pub(super) fn tightening(bound: Bound, subject: &str, from: Limit, to: Limit) -> String {
    let word = bound.word();
    if from.value == to.value {
        return format!(
            "made the {word} of {subject} exclusive: {} itself is no longer accepted",
            num(to.value)
        );
    }
    let verb = if bound == Min { "raised" } else { "lowered" };
    if from.exclusive && to.exclusive {
        format!(
            "{verb} the exclusive {word} of {subject} from {} to {}",
            num(from.value),
            num(to.value)
        )
    } else {
        format!(
            "{verb} the {word} of {subject} from {} to {}",
            limit(from),
            limit(to)
        )
    }
}

/// Does the new bound reject a value the old one accepted?
pub(super) fn tighter(bound: Bound, from: Limit, to: Limit) -> bool {
    let moved = match bound {
        Min => to.value > from.value,
        Max => to.value < from.value,
    };
    moved || (to.value == from.value && to.exclusive && !from.exclusive)
}

/// A pattern every string matches (`pattern` is an unanchored search).
fn matches_all(p: &str) -> bool {
    matches!(p, "" | ".*")
}

pub(super) fn limit(l: Limit) -> String {
    if l.exclusive {
        format!("{} (exclusive)", num(l.value))
    } else {
        num(l.value)
    }
}

/// `100`, not `100.0`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(value: f64, exclusive: bool) -> Limit {
        Limit { value, exclusive }
    }

    #[test]
    fn tighter_bounds() {
        assert!(tighter(Max, l(10.0, false), l(5.0, false)));
        assert!(tighter(Max, l(10.0, false), l(10.0, true)));
        assert!(!tighter(Max, l(10.0, true), l(10.0, false)));
        assert!(!tighter(Max, l(10.0, false), l(11.0, true)));
        assert!(tighter(Min, l(1.0, false), l(1.0, true)));
        assert!(tighter(Min, l(1.0, true), l(2.0, false)));
        assert!(!tighter(Min, l(2.0, false), l(1.0, true)));
    }

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(num(100.0), "100");
        assert_eq!(num(-3.0), "-3");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(limit(l(7.0, true)), "7 (exclusive)");
    }
}
