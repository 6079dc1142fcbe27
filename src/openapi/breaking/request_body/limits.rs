//! Limits on what a client sends: numeric bounds (`minimum`, `maximum` and their exclusive
//! forms), lengths and item counts (`minLength`, `maxLength`, `minItems`, `minContains`,
//! `maxContains`), `contains` and `pattern`, on the request body itself (`request-body-*`) or
//! anything under it (`request-property-*`), following oasdiff's `RequestProperty*` checks. A
//! limit tightened is an error (calls that passed may now be refused), one set where there was
//! none (or a pattern changed) a warning, one loosened info. The `request-read-only-property-*`
//! rules list a tightening of what clients never send.
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
//! `minContains`, `maxContains`), it is compared with what its absence means
//! ([`count_absent`]), so `minLength` appearing is a raise from 0: oasdiff reports nothing
//! there. Numeric bounds are named by what they mean, not how they are written: a 3.0
//! `maximum: 10` with `exclusiveMaximum: true` is an exclusive maximum, as 3.1's
//! `exclusiveMaximum: 10` is. The response twins, with the other direction breaking, are in
//! [`super::super::response_body::limits`]; the parameters' in
//! [`super::super::parameters::limits`], which share the changelog helpers here.

use super::super::body::{count_absent, count_applies, matches_all, Admits, Bound};
use super::super::schema::{Change, Limit, SchemaChange};
use super::super::Check;
use super::keywords::subschema_removed;
use super::Scope::{Asserted, Body, ReadOnly, SentBody};
use super::{run, subject};
use crate::rules::Rule;
use Bound::{Max, Min};

pub const RULES: &[Rule<Check>] = &[
    // Numeric bounds: tightened or set (what was sent may now be refused), loosened (info).
    Rule::new("openapi/request-body-max-decreased", |ctx, sink| {
        run(ctx, sink, SentBody, |c| tightened(c, Max, false))
    }),
    Rule::new("openapi/request-property-max-decreased", |ctx, sink| {
        run(ctx, sink, Asserted, |c| tightened(c, Max, false))
    }),
    Rule::new("openapi/request-body-max-increased", |ctx, sink| {
        run(ctx, sink, Body, |c| loosened(c, subject, Max, false))
    }),
    Rule::new("openapi/request-property-max-increased", |ctx, sink| {
        run(ctx, sink, Asserted, |c| loosened(c, subject, Max, false))
    }),
    Rule::new("openapi/request-body-max-set", |ctx, sink| {
        run(ctx, sink, SentBody, |c| bound_set(c, Max, false))
    }),
    Rule::new("openapi/request-property-max-set", |ctx, sink| {
        run(ctx, sink, Asserted, |c| bound_set(c, Max, false))
    }),
    Rule::new(
        "openapi/request-read-only-property-max-decreased",
        |ctx, sink| run(ctx, sink, ReadOnly, |c| read_only_tightened(c, Max, false)),
    ),
    Rule::new(
        "openapi/request-body-exclusive-max-decreased",
        |ctx, sink| run(ctx, sink, SentBody, |c| tightened(c, Max, true)),
    ),
    Rule::new(
        "openapi/request-property-exclusive-max-decreased",
        |ctx, sink| run(ctx, sink, Asserted, |c| tightened(c, Max, true)),
    ),
    Rule::new(
        "openapi/request-body-exclusive-max-increased",
        |ctx, sink| run(ctx, sink, Body, |c| loosened(c, subject, Max, true)),
    ),
    Rule::new(
        "openapi/request-property-exclusive-max-increased",
        |ctx, sink| run(ctx, sink, Asserted, |c| loosened(c, subject, Max, true)),
    ),
    Rule::new("openapi/request-body-exclusive-max-set", |ctx, sink| {
        run(ctx, sink, SentBody, |c| bound_set(c, Max, true))
    }),
    Rule::new("openapi/request-property-exclusive-max-set", |ctx, sink| {
        run(ctx, sink, Asserted, |c| bound_set(c, Max, true))
    }),
    Rule::new(
        "openapi/request-read-only-property-exclusive-max-decreased",
        |ctx, sink| run(ctx, sink, ReadOnly, |c| read_only_tightened(c, Max, true)),
    ),
    Rule::new("openapi/request-body-min-increased", |ctx, sink| {
        run(ctx, sink, SentBody, |c| tightened(c, Min, false))
    }),
    Rule::new("openapi/request-property-min-increased", |ctx, sink| {
        run(ctx, sink, Asserted, |c| tightened(c, Min, false))
    }),
    Rule::new("openapi/request-body-min-decreased", |ctx, sink| {
        run(ctx, sink, Body, |c| loosened(c, subject, Min, false))
    }),
    Rule::new("openapi/request-property-min-decreased", |ctx, sink| {
        run(ctx, sink, Asserted, |c| loosened(c, subject, Min, false))
    }),
    Rule::new("openapi/request-body-min-set", |ctx, sink| {
        run(ctx, sink, SentBody, |c| bound_set(c, Min, false))
    }),
    Rule::new("openapi/request-property-min-set", |ctx, sink| {
        run(ctx, sink, Asserted, |c| bound_set(c, Min, false))
    }),
    Rule::new(
        "openapi/request-read-only-property-min-increased",
        |ctx, sink| run(ctx, sink, ReadOnly, |c| read_only_tightened(c, Min, false)),
    ),
    Rule::new(
        "openapi/request-body-exclusive-min-increased",
        |ctx, sink| run(ctx, sink, SentBody, |c| tightened(c, Min, true)),
    ),
    Rule::new(
        "openapi/request-property-exclusive-min-increased",
        |ctx, sink| run(ctx, sink, Asserted, |c| tightened(c, Min, true)),
    ),
    Rule::new(
        "openapi/request-body-exclusive-min-decreased",
        |ctx, sink| run(ctx, sink, Body, |c| loosened(c, subject, Min, true)),
    ),
    Rule::new(
        "openapi/request-property-exclusive-min-decreased",
        |ctx, sink| run(ctx, sink, Asserted, |c| loosened(c, subject, Min, true)),
    ),
    Rule::new("openapi/request-body-exclusive-min-set", |ctx, sink| {
        run(ctx, sink, SentBody, |c| bound_set(c, Min, true))
    }),
    Rule::new("openapi/request-property-exclusive-min-set", |ctx, sink| {
        run(ctx, sink, Asserted, |c| bound_set(c, Min, true))
    }),
    Rule::new(
        "openapi/request-read-only-property-exclusive-min-increased",
        |ctx, sink| run(ctx, sink, ReadOnly, |c| read_only_tightened(c, Min, true)),
    ),
    // Lengths, item counts and `contains`.
    Rule::new("openapi/request-body-max-length-decreased", |ctx, sink| {
        run(ctx, sink, SentBody, |c| {
            count_tightened(c, "maxLength", false)
        })
    }),
    Rule::new(
        "openapi/request-property-max-length-decreased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_tightened(c, "maxLength", false)
            })
        },
    ),
    Rule::new("openapi/request-body-max-length-increased", |ctx, sink| {
        run(ctx, sink, Body, |c| {
            count_loosened(c, subject, "maxLength", false)
        })
    }),
    Rule::new(
        "openapi/request-property-max-length-increased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_loosened(c, subject, "maxLength", false)
            })
        },
    ),
    Rule::new("openapi/request-body-max-length-set", |ctx, sink| {
        run(ctx, sink, SentBody, |c| count_set(c, "maxLength"))
    }),
    Rule::new("openapi/request-property-max-length-set", |ctx, sink| {
        run(ctx, sink, Asserted, |c| count_set(c, "maxLength"))
    }),
    Rule::new(
        "openapi/request-read-only-property-max-length-decreased",
        |ctx, sink| {
            run(ctx, sink, ReadOnly, |c| {
                read_only_count_tightened(c, "maxLength")
            })
        },
    ),
    Rule::new("openapi/request-body-min-length-increased", |ctx, sink| {
        run(ctx, sink, SentBody, |c| {
            count_tightened(c, "minLength", true)
        })
    }),
    Rule::new(
        "openapi/request-property-min-length-increased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_tightened(c, "minLength", true)
            })
        },
    ),
    Rule::new("openapi/request-body-min-length-decreased", |ctx, sink| {
        run(ctx, sink, Body, |c| {
            count_loosened(c, subject, "minLength", true)
        })
    }),
    Rule::new(
        "openapi/request-property-min-length-decreased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_loosened(c, subject, "minLength", true)
            })
        },
    ),
    Rule::new("openapi/request-body-min-items-increased", |ctx, sink| {
        run(ctx, sink, SentBody, |c| {
            count_tightened(c, "minItems", false)
        })
    }),
    Rule::new(
        "openapi/request-property-min-items-increased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_tightened(c, "minItems", false)
            })
        },
    ),
    Rule::new("openapi/request-body-min-items-set", |ctx, sink| {
        run(ctx, sink, SentBody, |c| count_set(c, "minItems"))
    }),
    Rule::new("openapi/request-property-min-items-set", |ctx, sink| {
        run(ctx, sink, Asserted, |c| count_set(c, "minItems"))
    }),
    Rule::new("openapi/request-body-contains-added", |ctx, sink| {
        run(ctx, sink, SentBody, contains_added)
    }),
    Rule::new("openapi/request-property-contains-added", |ctx, sink| {
        run(ctx, sink, Asserted, contains_added)
    }),
    Rule::new("openapi/request-body-contains-removed", |ctx, sink| {
        run(ctx, sink, Body, |c| subschema_removed(c, "contains"))
    }),
    Rule::new("openapi/request-property-contains-removed", |ctx, sink| {
        run(ctx, sink, Asserted, |c| subschema_removed(c, "contains"))
    }),
    Rule::new(
        "openapi/request-body-min-contains-increased",
        |ctx, sink| {
            run(ctx, sink, SentBody, |c| {
                count_tightened(c, "minContains", true)
            })
        },
    ),
    Rule::new(
        "openapi/request-property-min-contains-increased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_tightened(c, "minContains", true)
            })
        },
    ),
    Rule::new(
        "openapi/request-body-min-contains-decreased",
        |ctx, sink| {
            run(ctx, sink, Body, |c| {
                count_loosened(c, subject, "minContains", true)
            })
        },
    ),
    Rule::new(
        "openapi/request-property-min-contains-decreased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_loosened(c, subject, "minContains", true)
            })
        },
    ),
    Rule::new(
        "openapi/request-body-max-contains-decreased",
        |ctx, sink| {
            run(ctx, sink, SentBody, |c| {
                count_tightened(c, "maxContains", true)
            })
        },
    ),
    Rule::new(
        "openapi/request-property-max-contains-decreased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_tightened(c, "maxContains", true)
            })
        },
    ),
    Rule::new(
        "openapi/request-body-max-contains-increased",
        |ctx, sink| {
            run(ctx, sink, Body, |c| {
                count_loosened(c, subject, "maxContains", true)
            })
        },
    ),
    Rule::new(
        "openapi/request-property-max-contains-increased",
        |ctx, sink| {
            run(ctx, sink, Asserted, |c| {
                count_loosened(c, subject, "maxContains", true)
            })
        },
    ),
    // Patterns: oasdiff reads them on properties only.
    Rule::new("openapi/request-property-pattern-added", |ctx, sink| {
        run(ctx, sink, Asserted, pattern_added)
    }),
    Rule::new("openapi/request-property-pattern-changed", |ctx, sink| {
        run(ctx, sink, Asserted, pattern_changed)
    }),
    Rule::new("openapi/request-property-pattern-removed", |ctx, sink| {
        run(ctx, sink, Asserted, |c| pattern_removed(c, subject))
    }),
    Rule::new(
        "openapi/request-property-pattern-generalized",
        |ctx, sink| run(ctx, sink, Asserted, |c| pattern_generalized(c, subject)),
    ),
];

/// Who a message names: the request body or property ([`subject`]), or a parameter.
pub(crate) type Subject = fn(&SchemaChange) -> String;

// ---------------------------------------------------------------------------------------------
// Numeric bounds

/// A bound present on both sides that moved the way `admits` says; `exclusive`: the new bound
/// is exclusive (the `exclusive-*` rules).
fn moved_bound(
    c: &SchemaChange,
    bound: Bound,
    exclusive: bool,
    admits: Admits,
) -> Option<(Limit, Limit)> {
    let (from, to) = bound.of(&c.change)?;
    let (from, to) = (from?, to?);
    (to.exclusive == exclusive && bound.moved(from, to) == Some(admits)).then_some((from, to))
}

fn tightened(c: &SchemaChange, bound: Bound, exclusive: bool) -> Option<String> {
    let (from, to) = moved_bound(c, bound, exclusive, Admits::Less)?;
    Some(tightened_text(bound, &subject(c), from, to))
}

pub(crate) fn loosened(
    c: &SchemaChange,
    subject: Subject,
    bound: Bound,
    exclusive: bool,
) -> Option<String> {
    let (from, to) = moved_bound(c, bound, exclusive, Admits::More)?;
    Some(bound_text(bound, &subject(c), from, to))
}

fn read_only_tightened(c: &SchemaChange, bound: Bound, exclusive: bool) -> Option<String> {
    let (from, to) = moved_bound(c, bound, exclusive, Admits::Less)?;
    let s = format!("the read-only {}", &subject(c)[4..]);
    Some(format!(
        "{}: clients do not send it",
        bound_text(bound, &s, from, to)
    ))
}

/// A numeric bound where there was none.
fn bound_set(c: &SchemaChange, bound: Bound, exclusive: bool) -> Option<String> {
    let (from, to) = bound.of(&c.change)?;
    let to = to.filter(|t| from.is_none() && t.exclusive == exclusive)?;
    Some(format!(
        "added {} {} of {} to {}",
        if exclusive { "an exclusive" } else { "a" },
        bound.word(),
        num(to.value),
        subject(c)
    ))
}

/// "raised the maximum of {s} from 10 to 20", naming a bound exclusive on both sides as such
/// and a bound that only changed its exclusivity as that.
fn bound_text(bound: Bound, s: &str, from: Limit, to: Limit) -> String {
    let word = bound.word();
    if from.value == to.value {
        let how = if to.exclusive {
            "exclusive"
        } else {
            "inclusive"
        };
        return format!("made the {word} of {s} {how} (at {})", num(to.value));
    }
    let verb = if to.value > from.value {
        "raised"
    } else {
        "lowered"
    };
    if from.exclusive && to.exclusive {
        format!(
            "{verb} the exclusive {word} of {s} from {} to {}",
            num(from.value),
            num(to.value)
        )
    } else {
        format!(
            "{verb} the {word} of {s} from {} to {}",
            limit(from),
            limit(to)
        )
    }
}

/// [`bound_text`] for a bound that now refuses values it accepted: made exclusive at the same
/// value, that value is what goes.
pub(crate) fn tightened_text(bound: Bound, s: &str, from: Limit, to: Limit) -> String {
    if from.value == to.value {
        return format!(
            "made the {} of {s} exclusive: {} itself is no longer accepted",
            bound.word(),
            num(to.value)
        );
    }
    bound_text(bound, s, from, to)
}

pub(crate) fn limit(l: Limit) -> String {
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

// ---------------------------------------------------------------------------------------------
// Counts

/// A change of the count `keyword`, compared by what it means ([`count_absent`]).
struct CountMove {
    from: Option<u64>,
    to: Option<u64>,
    admits: Admits,
    /// What an absent keyword means (`u64::MAX`: unlimited).
    unset: u64,
    upper: bool,
}

fn count_moved(c: &SchemaChange, keyword: &str) -> Option<CountMove> {
    let Change::Count {
        keyword: k,
        from,
        to,
    } = c.change
    else {
        return None;
    };
    if k != keyword || !count_applies(c, keyword) {
        return None;
    }
    let upper = keyword.starts_with("max");
    let unset = count_absent(keyword).unwrap_or(u64::MAX);
    let (f, t) = (from.unwrap_or(unset), to.unwrap_or(unset));
    if f == t {
        return None;
    }
    let admits = if (t > f) == upper {
        Admits::More
    } else {
        Admits::Less
    };
    Some(CountMove {
        from,
        to,
        admits,
        unset,
        upper,
    })
}

impl CountMove {
    /// "raised {the }maxLength of {s} from 5 to unlimited".
    fn text(&self, the: &str, keyword: &str, s: &str) -> String {
        let shown = |v: Option<u64>| match v {
            Some(v) => v.to_string(),
            None if self.upper => "unlimited".to_string(),
            None => format!("{} (unset)", self.unset),
        };
        let (f, t) = (
            self.from.unwrap_or(self.unset),
            self.to.unwrap_or(self.unset),
        );
        format!(
            "{} {the}{keyword} of {s} from {} to {}",
            if t > f { "raised" } else { "lowered" },
            shown(self.from),
            shown(self.to)
        )
    }
}

/// A count that now refuses more. `absent`: also compare a keyword that appears with what its
/// absence meant (else a `-set` rule reports that).
fn count_tightened(c: &SchemaChange, keyword: &str, absent: bool) -> Option<String> {
    let m = count_moved(c, keyword)?;
    (m.admits == Admits::Less && (m.from.is_some() || absent))
        .then(|| m.text("", keyword, &subject(c)))
}

/// A count that now accepts more. `absent`: a keyword that went counts as its absence.
pub(crate) fn count_loosened(
    c: &SchemaChange,
    subject: Subject,
    keyword: &str,
    absent: bool,
) -> Option<String> {
    let m = count_moved(c, keyword)?;
    (m.admits == Admits::More && m.from.is_some() && (m.to.is_some() || absent))
        .then(|| m.text("the ", keyword, &subject(c)))
}

fn read_only_count_tightened(c: &SchemaChange, keyword: &str) -> Option<String> {
    let m = count_moved(c, keyword)?;
    let (Some(f), Some(t)) = (m.from, m.to) else {
        return None;
    };
    (m.admits == Admits::Less).then(|| {
        format!(
            "{} the {keyword} of the read-only {} from {f} to {t}: clients do not send it",
            if m.upper { "lowered" } else { "raised" },
            &subject(c)[4..]
        )
    })
}

/// A count keyword where there was none; `minItems: 0` is what no `minItems` means.
fn count_set(c: &SchemaChange, keyword: &str) -> Option<String> {
    match c.change {
        Change::Count {
            keyword: k,
            from: None,
            to: Some(v),
        } if k == keyword => (keyword.starts_with("max") || v > 0)
            .then(|| format!("added {keyword} {v} to {}", subject(c))),
        _ => None,
    }
}

fn contains_added(c: &SchemaChange) -> Option<String> {
    matches!(
        c.change,
        Change::SchemaAdded {
            keyword: "contains"
        }
    )
    .then(|| {
        format!(
            "added a contains schema to {}: arrays without a matching item are now rejected",
            subject(c)
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Patterns

fn pattern_added(c: &SchemaChange) -> Option<String> {
    match c.change {
        Change::Pattern {
            from: None,
            to: Some(p),
        } if !matches_all(p) => Some(format!("added the pattern '{p}' to {}", subject(c))),
        _ => None,
    }
}

fn pattern_changed(c: &SchemaChange) -> Option<String> {
    match c.change {
        Change::Pattern {
            from: Some(f),
            to: Some(t),
        } if !matches_all(t) => Some(format!(
            "changed the pattern of {} from '{f}' to '{t}': values the old pattern matched may now be rejected",
            subject(c)
        )),
        _ => None,
    }
}

/// An empty pattern is no pattern (as oasdiff reads it): that is a removal.
pub(crate) fn pattern_removed(c: &SchemaChange, subject: Subject) -> Option<String> {
    match c.change {
        Change::Pattern {
            from: Some(p),
            to: None | Some(""),
        } if !matches_all(p) => Some(format!("removed the pattern '{p}' from {}", subject(c))),
        _ => None,
    }
}

pub(crate) fn pattern_generalized(c: &SchemaChange, subject: Subject) -> Option<String> {
    match c.change {
        Change::Pattern {
            from: Some(f),
            to: Some(t),
        } if !t.is_empty() && matches_all(t) && !matches_all(f) => Some(format!(
            "generalized the pattern of {} from '{f}' to '{t}': any string is accepted",
            subject(c)
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(value: f64, exclusive: bool) -> Limit {
        Limit { value, exclusive }
    }

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(num(100.0), "100");
        assert_eq!(num(-3.0), "-3");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(limit(l(7.0, true)), "7 (exclusive)");
    }
}
