//! Limits of response bodies and their properties: numeric bounds, lengths, item counts,
//! `contains` and patterns (oasdiff's `ResponsePropertyMax*`, `Min*`, `ContainsUpdated` and
//! `ResponsePatternAddedOrChanged` checks).
//!
//! A response constraint is a promise to clients: they size buffers by `maxLength`, index
//! `items[0]` because of `minItems: 1`, store a value in a column typed by `maximum`. Loosening
//! one breaks them (error); tightening one keeps every old client working (info, for
//! changelogs and `--fail-on info`).
//!
//! The rules are one table: each row names its level (body or property) and kind, and
//! [`classify`] maps a schema change to its kind. `body` rules see the response schema itself,
//! `property` rules every schema under it (properties, `items`, composition branches), as
//! oasdiff does. Bounds and counts are compared as the request side compares them
//! ([`Bound::moved`], [`count_absent`]), with the other direction breaking.
//!
//! Left out, so as not to report side effects: changes under a `writeOnly` schema (never in a
//! response), and a keyword added or removed where it does not apply to the schema's type on
//! either side (a `maximum` dropped along with `type: integer` is the type change's story, not
//! a bound's). A keyword present on both sides is compared whatever the type, as oasdiff does.

use super::super::body::{count_absent, count_applies, Admits, Bound, Level};
use super::super::schema::{Change, Limit, SchemaChange, Site, TypeSet};
use super::super::{Check, Ctx, Sink};
use super::{changes, subject};
use crate::openapi::refs::Obj;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    // Numeric bounds: loosened is an error (clients relying on the old limit break), tightened info.
    Rule::new("openapi/response-body-max-increased", |ctx, sink| {
        check(ctx, sink, Level::Body, "max-increased")
    }),
    Rule::new("openapi/response-property-max-increased", |ctx, sink| {
        check(ctx, sink, Level::Property, "max-increased")
    }),
    Rule::new("openapi/response-body-max-decreased", |ctx, sink| {
        check(ctx, sink, Level::Body, "max-decreased")
    }),
    Rule::new("openapi/response-property-max-decreased", |ctx, sink| {
        check(ctx, sink, Level::Property, "max-decreased")
    }),
    Rule::new(
        "openapi/response-body-exclusive-max-increased",
        |ctx, sink| check(ctx, sink, Level::Body, "exclusive-max-increased"),
    ),
    Rule::new(
        "openapi/response-property-exclusive-max-increased",
        |ctx, sink| check(ctx, sink, Level::Property, "exclusive-max-increased"),
    ),
    Rule::new("openapi/response-body-min-decreased", |ctx, sink| {
        check(ctx, sink, Level::Body, "min-decreased")
    }),
    Rule::new("openapi/response-property-min-decreased", |ctx, sink| {
        check(ctx, sink, Level::Property, "min-decreased")
    }),
    Rule::new("openapi/response-body-min-increased", |ctx, sink| {
        check(ctx, sink, Level::Body, "min-increased")
    }),
    Rule::new("openapi/response-property-min-increased", |ctx, sink| {
        check(ctx, sink, Level::Property, "min-increased")
    }),
    Rule::new(
        "openapi/response-body-exclusive-min-decreased",
        |ctx, sink| check(ctx, sink, Level::Body, "exclusive-min-decreased"),
    ),
    Rule::new(
        "openapi/response-property-exclusive-min-decreased",
        |ctx, sink| check(ctx, sink, Level::Property, "exclusive-min-decreased"),
    ),
    // Lengths, item counts and `contains`.
    Rule::new("openapi/response-body-max-length-increased", |ctx, sink| {
        check(ctx, sink, Level::Body, "max-length-increased")
    }),
    Rule::new(
        "openapi/response-property-max-length-increased",
        |ctx, sink| check(ctx, sink, Level::Property, "max-length-increased"),
    ),
    Rule::new("openapi/response-body-max-length-unset", |ctx, sink| {
        check(ctx, sink, Level::Body, "max-length-unset")
    }),
    Rule::new("openapi/response-property-max-length-unset", |ctx, sink| {
        check(ctx, sink, Level::Property, "max-length-unset")
    }),
    Rule::new("openapi/response-body-max-length-decreased", |ctx, sink| {
        check(ctx, sink, Level::Body, "max-length-decreased")
    }),
    Rule::new(
        "openapi/response-property-max-length-decreased",
        |ctx, sink| check(ctx, sink, Level::Property, "max-length-decreased"),
    ),
    Rule::new("openapi/response-body-min-length-decreased", |ctx, sink| {
        check(ctx, sink, Level::Body, "min-length-decreased")
    }),
    Rule::new(
        "openapi/response-property-min-length-decreased",
        |ctx, sink| check(ctx, sink, Level::Property, "min-length-decreased"),
    ),
    Rule::new("openapi/response-body-min-length-increased", |ctx, sink| {
        check(ctx, sink, Level::Body, "min-length-increased")
    }),
    Rule::new(
        "openapi/response-property-min-length-increased",
        |ctx, sink| check(ctx, sink, Level::Property, "min-length-increased"),
    ),
    Rule::new("openapi/response-body-min-items-decreased", |ctx, sink| {
        check(ctx, sink, Level::Body, "min-items-decreased")
    }),
    Rule::new(
        "openapi/response-property-min-items-decreased",
        |ctx, sink| check(ctx, sink, Level::Property, "min-items-decreased"),
    ),
    Rule::new("openapi/response-body-min-items-unset", |ctx, sink| {
        check(ctx, sink, Level::Body, "min-items-unset")
    }),
    Rule::new("openapi/response-property-min-items-unset", |ctx, sink| {
        check(ctx, sink, Level::Property, "min-items-unset")
    }),
    Rule::new("openapi/response-body-min-items-increased", |ctx, sink| {
        check(ctx, sink, Level::Body, "min-items-increased")
    }),
    Rule::new(
        "openapi/response-property-min-items-increased",
        |ctx, sink| check(ctx, sink, Level::Property, "min-items-increased"),
    ),
    Rule::new("openapi/response-body-contains-removed", |ctx, sink| {
        check(ctx, sink, Level::Body, "contains-removed")
    }),
    Rule::new("openapi/response-property-contains-removed", |ctx, sink| {
        check(ctx, sink, Level::Property, "contains-removed")
    }),
    Rule::new("openapi/response-body-contains-added", |ctx, sink| {
        check(ctx, sink, Level::Body, "contains-added")
    }),
    Rule::new("openapi/response-property-contains-added", |ctx, sink| {
        check(ctx, sink, Level::Property, "contains-added")
    }),
    Rule::new(
        "openapi/response-body-min-contains-decreased",
        |ctx, sink| check(ctx, sink, Level::Body, "min-contains-decreased"),
    ),
    Rule::new(
        "openapi/response-property-min-contains-decreased",
        |ctx, sink| check(ctx, sink, Level::Property, "min-contains-decreased"),
    ),
    Rule::new(
        "openapi/response-body-min-contains-increased",
        |ctx, sink| check(ctx, sink, Level::Body, "min-contains-increased"),
    ),
    Rule::new(
        "openapi/response-property-min-contains-increased",
        |ctx, sink| check(ctx, sink, Level::Property, "min-contains-increased"),
    ),
    Rule::new(
        "openapi/response-body-max-contains-increased",
        |ctx, sink| check(ctx, sink, Level::Body, "max-contains-increased"),
    ),
    Rule::new(
        "openapi/response-property-max-contains-increased",
        |ctx, sink| check(ctx, sink, Level::Property, "max-contains-increased"),
    ),
    Rule::new(
        "openapi/response-body-max-contains-decreased",
        |ctx, sink| check(ctx, sink, Level::Body, "max-contains-decreased"),
    ),
    Rule::new(
        "openapi/response-property-max-contains-decreased",
        |ctx, sink| check(ctx, sink, Level::Property, "max-contains-decreased"),
    ),
    // Patterns: oasdiff reads them on properties only.
    Rule::new("openapi/response-property-pattern-added", |ctx, sink| {
        check(ctx, sink, Level::Property, "pattern-added")
    }),
    Rule::new("openapi/response-property-pattern-changed", |ctx, sink| {
        check(ctx, sink, Level::Property, "pattern-changed")
    }),
    Rule::new("openapi/response-property-pattern-removed", |ctx, sink| {
        check(ctx, sink, Level::Property, "pattern-removed")
    }),
];

/// Response changes at `level` that [`classify`] gives `kind`.
fn check(ctx: &Ctx, sink: &mut Sink, level: Level, kind: &str) {
    for c in changes(ctx, level) {
        if let Some(found) = classify(c) {
            if found.kind == kind {
                c.report(sink, found.message);
            }
        }
    }
}

/// A change to a response limit: the rule kind it falls under and what to say.
#[derive(Debug, PartialEq)]
struct Found {
    kind: &'static str,
    message: String,
}

/// One limit kept in a count: maxLength, minItems, ...
struct CountLimit {
    keyword: &'static str,
    /// A maximum (loosening raises it) rather than a minimum.
    upper: bool,
    /// The type the keyword constrains.
    applies_to: &'static str,
    looser: &'static str,
    /// The kind for a loosening that removes the keyword (oasdiff tells some apart).
    unset: &'static str,
    tighter: &'static str,
}

const COUNTS: [CountLimit; 5] = [
    CountLimit {
        keyword: "maxLength",
        upper: true,
        applies_to: "string",
        looser: "max-length-increased",
        unset: "max-length-unset",
        tighter: "max-length-decreased",
    },
    CountLimit {
        keyword: "minLength",
        upper: false,
        applies_to: "string",
        looser: "min-length-decreased",
        unset: "min-length-decreased",
        tighter: "min-length-increased",
    },
    CountLimit {
        keyword: "minItems",
        upper: false,
        applies_to: "array",
        looser: "min-items-decreased",
        unset: "min-items-unset",
        tighter: "min-items-increased",
    },
    // Without `contains` these two mean nothing; [`classify`] wants it on both sides.
    CountLimit {
        keyword: "minContains",
        upper: false,
        applies_to: "array",
        looser: "min-contains-decreased",
        unset: "min-contains-decreased",
        tighter: "min-contains-increased",
    },
    CountLimit {
        keyword: "maxContains",
        upper: true,
        applies_to: "array",
        looser: "max-contains-increased",
        unset: "max-contains-increased",
        tighter: "max-contains-decreased",
    },
];

/// Does `keyword` constrain this schema, given its type? A schema of no declared type takes
/// every keyword.
fn applies(schema: &Obj, types: &[&str]) -> bool {
    let (set, _) = TypeSet::of(schema);
    set.is_empty() || types.iter().any(|t| set.contains(t))
}

/// The rule kind and message for a response change, if it is a limit this family covers.
fn classify(c: &SchemaChange) -> Option<Found> {
    let Site::Response { status, .. } = c.site else {
        return None;
    };
    if c.old.flag("writeOnly") || c.new.flag("writeOnly") {
        return None;
    }
    // Every rule of the table classifies every response change: only a limit's change is
    // worth naming its subject for (formatting it for all took a quarter of a Stripe diff).
    let limit_change = matches!(
        c.change,
        Change::Maximum { .. }
            | Change::Minimum { .. }
            | Change::Count { .. }
            | Change::SchemaRemoved {
                keyword: "contains"
            }
            | Change::SchemaAdded {
                keyword: "contains"
            }
            | Change::Pattern { .. }
    );
    if !limit_change {
        return None;
    }
    let subject = subject(c);
    let both = |types: &[&str]| applies(&c.old, types) && applies(&c.new, types);
    // A keyword the author kept on both sides is compared whatever `type` says (as oasdiff
    // does): a `minimum` on an object body still tells what the author promised.
    let kept_or_applies = |from: bool, to: bool, types: &[&str]| (from && to) || both(types);
    let (kind, text) = match &c.change {
        Change::Maximum { from, to }
            if kept_or_applies(from.is_some(), to.is_some(), &["number", "integer"]) =>
        {
            bound(c, *from, *to, true, &subject)?
        }
        Change::Minimum { from, to }
            if kept_or_applies(from.is_some(), to.is_some(), &["number", "integer"]) =>
        {
            bound(c, *from, *to, false, &subject)?
        }
        Change::Count { keyword, from, to } => {
            let limit = COUNTS.iter().find(|l| l.keyword == *keyword)?;
            if !kept_or_applies(from.is_some(), to.is_some(), &[limit.applies_to])
                || !count_applies(c, keyword)
            {
                return None;
            }
            count(limit, *from, *to, &subject)?
        }
        Change::SchemaRemoved {
            keyword: "contains",
        } if both(&["array"]) => (
            "contains-removed",
            format!("the 'contains' constraint of {subject} was removed"),
        ),
        Change::SchemaAdded {
            keyword: "contains",
        } if both(&["array"]) => (
            "contains-added",
            format!("a 'contains' constraint was added to {subject}"),
        ),
        // oasdiff reports patterns of properties only; so do we (the id says "property").
        Change::Pattern { from, to } if !c.path.is_empty() && both(&["string"]) => match (from, to)
        {
            (Some(a), None) => (
                "pattern-removed",
                format!("the pattern '{a}' of {subject} was removed"),
            ),
            (None, Some(b)) => (
                "pattern-added",
                format!("the pattern '{b}' was added to {subject}"),
            ),
            (Some(a), Some(b)) => (
                "pattern-changed",
                format!("the pattern of {subject} was changed from '{a}' to '{b}'"),
            ),
            (None, None) => return None,
        },
        _ => return None,
    };
    Some(Found {
        kind,
        message: format!("{text} (status '{status}')"),
    })
}

/// A `minimum`/`maximum` change. The kind follows the keyword holding the bound that matters
/// (the new one; the old one when it went), as oasdiff's ids do: a 3.1 numeric
/// `exclusiveMaximum` is the `exclusive-max` rule, a 3.0 `maximum` with `exclusiveMaximum:
/// true` the plain one.
fn bound(
    c: &SchemaChange,
    from: Option<Limit>,
    to: Option<Limit>,
    upper: bool,
    subject: &str,
) -> Option<(&'static str, String)> {
    let exclusive_key = if upper {
        "exclusiveMaximum"
    } else {
        "exclusiveMinimum"
    };
    // The 3.1 form: the exclusive keyword carries the number itself.
    let numeric = |o: &Obj, l: Limit| {
        l.exclusive
            && o.get(exclusive_key)
                .is_some_and(|n| n.node.as_bool().is_none())
    };
    let label = |o: &Obj, l: Limit| match (upper, l.exclusive, numeric(o, l)) {
        (true, _, true) => "exclusiveMaximum",
        (false, _, true) => "exclusiveMinimum",
        (true, true, false) => "exclusive maximum",
        (false, true, false) => "exclusive minimum",
        (true, false, false) => "maximum",
        (false, false, false) => "minimum",
    };
    let (looser, exclusive_looser, tighter) = if upper {
        ("max-increased", "exclusive-max-increased", "max-decreased")
    } else {
        ("min-decreased", "exclusive-min-decreased", "min-increased")
    };
    let loosened_kind = |o: &Obj, l: Limit| {
        if numeric(o, l) {
            exclusive_looser
        } else {
            looser
        }
    };
    let side = if upper { "upper" } else { "lower" };
    match (from, to) {
        (Some(a), None) => Some((
            loosened_kind(&c.old, a),
            format!(
                "the {} {} of {subject} was removed",
                label(&c.old, a),
                a.value
            ),
        )),
        (None, Some(b)) => Some((
            tighter,
            format!(
                "the {} {} was added to {subject}",
                label(&c.new, b),
                b.value
            ),
        )),
        (Some(a), Some(b)) => {
            // Which admits more values: a higher maximum, or the same one made inclusive.
            let bound = if upper { Bound::Max } else { Bound::Min };
            let loosened = match bound.moved(a, b) {
                Some(admits) => admits == Admits::More,
                None => return None,
            };
            let kind = if loosened {
                loosened_kind(&c.new, b)
            } else {
                tighter
            };
            let (la, lb) = (label(&c.old, a), label(&c.new, b));
            let text = if la == lb {
                let verb = if b.value > a.value {
                    "increased"
                } else {
                    "decreased"
                };
                format!(
                    "the {la} of {subject} was {verb} from {} to {}",
                    a.value, b.value
                )
            } else {
                let verb = if loosened { "loosened" } else { "tightened" };
                format!(
                    "the {side} bound of {subject} was {verb} from {la} {} to {lb} {}",
                    a.value, b.value
                )
            };
            Some((kind, text))
        }
        (None, None) => None,
    }
}

/// A change to one of [`COUNTS`], compared by what it means ([`count_absent`]: an absent
/// `minLength` is 0).
fn count(
    limit: &CountLimit,
    from: Option<u64>,
    to: Option<u64>,
    subject: &str,
) -> Option<(&'static str, String)> {
    // Unbounded is above every number.
    let value = |v: Option<u64>| {
        v.or(count_absent(limit.keyword))
            .map_or(u128::MAX, u128::from)
    };
    let (a, b) = (value(from), value(to));
    if a == b {
        return None;
    }
    let loosened = if limit.upper { b > a } else { b < a };
    let kind = match (loosened, to) {
        (true, None) => limit.unset,
        (true, Some(_)) => limit.looser,
        (false, _) => limit.tighter,
    };
    let keyword = limit.keyword;
    let text = match (from, to) {
        (Some(x), None) => format!("the {keyword} {x} of {subject} was removed"),
        (None, Some(y)) => format!("the {keyword} {y} was added to {subject}"),
        (Some(x), Some(y)) => {
            let verb = if y > x { "increased" } else { "decreased" };
            format!("the {keyword} of {subject} was {verb} from {x} to {y}")
        }
        (None, None) => return None,
    };
    Some((kind, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(keyword: &str, from: Option<u64>, to: Option<u64>) -> Option<&'static str> {
        let limit = COUNTS.iter().find(|l| l.keyword == keyword).unwrap();
        count(limit, from, to, "x").map(|(kind, _)| kind)
    }

    #[test]
    fn counts_compare_by_meaning() {
        assert_eq!(
            counted("maxLength", Some(5), Some(9)),
            Some("max-length-increased")
        );
        assert_eq!(
            counted("maxLength", Some(5), None),
            Some("max-length-unset")
        );
        assert_eq!(
            counted("maxLength", None, Some(5)),
            Some("max-length-decreased")
        );
        assert_eq!(
            counted("minLength", Some(3), None),
            Some("min-length-decreased")
        );
        // Absent and 0 are the same minimum; absent and 1 the same minContains.
        assert_eq!(counted("minLength", Some(0), None), None);
        assert_eq!(counted("minItems", None, Some(0)), None);
        assert_eq!(counted("minContains", Some(1), None), None);
        assert_eq!(
            counted("minContains", None, Some(0)),
            Some("min-contains-decreased")
        );
        assert_eq!(counted("minItems", Some(2), None), Some("min-items-unset"));
        assert_eq!(
            counted("minItems", Some(2), Some(1)),
            Some("min-items-decreased")
        );
        assert_eq!(
            counted("maxContains", Some(2), None),
            Some("max-contains-increased")
        );
    }
}
