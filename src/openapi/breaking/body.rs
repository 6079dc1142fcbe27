//! What the request and response sides share when they read the schema walk
//! ([`super::schema`]): the body changes of one [`Direction`] at one [`Level`], the schema node
//! a change sits at, and the readings of a keyword that both sides make, each saying which way
//! the change moved what the schema [`Admits`].
//!
//! A request rule and its response twin look at the same schema change and differ in which way
//! breaks ([`Admits`]): a request schema that admits less refuses calls that worked, a response
//! schema that admits more sends what old clients do not expect; the other way is a changelog
//! entry. So `request-property-enum-value-removed` and
//! `response-property-enum-value-added` read one [`enum_value`], the `*-max-decreased` and
//! `*-max-increased` rules one [`Bound`]. Where the two sides read a keyword differently on
//! purpose (nullability), the helper takes the direction and says how. Parameters and headers
//! read the same walk and use the same helpers.

use std::collections::HashSet;

pub use super::schema::Direction;
use super::schema::{Change, Limit, SchemaChange, Site, TypeSet};
use super::Ctx;
use crate::openapi::model::ValueSet;
use crate::openapi::refs::{NodeRef, Obj};

// ---------------------------------------------------------------------------------------------
// Selecting changes

/// Which schemas of a body a rule reads: the body's own (the `*-body-*` rules), or anything
/// below it, properties, array items, composition branches (the `*-property-*` rules, which name
/// it by its property path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Body,
    Property,
}

impl Level {
    pub fn of(c: &SchemaChange) -> Level {
        if c.path.is_empty() {
            Level::Body
        } else {
            Level::Property
        }
    }
}

/// Is `c` in a request body (`Request`) or a response body (`Response`), rather than in a
/// parameter or a header?
pub fn in_body(c: &SchemaChange, dir: Direction) -> bool {
    match dir {
        Direction::Request => c.in_request_body(),
        Direction::Response => c.in_response_body(),
    }
}

/// The changes of request bodies (`Request`) or response bodies (`Response`) at `level`: one
/// pass over the shared walk's changes, as every rule makes.
pub fn body_changes<'c, 'a>(
    ctx: &'c Ctx<'a>,
    dir: Direction,
    level: Level,
) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    ctx.schema_changes()
        .iter()
        .filter(move |c| in_body(c, dir) && Level::of(c) == level)
}

/// The schema node a change sits at: spec, operation, site and property path.
pub type NodeKey<'c> = (usize, usize, (u8, &'c str, &'c str), &'c str);

pub fn node_key<'c>(c: &'c SchemaChange) -> NodeKey<'c> {
    let site = match c.site {
        Site::Parameter { location, name } => (0, location, name),
        Site::RequestBody { media } => (1, media, ""),
        Site::Response { status, media } => (2, status, media),
        Site::ResponseHeader { status, name } => (3, status, name),
    };
    (c.spec, c.op, site, c.path.as_str())
}

/// One finding per schema node for rules that judge a schema as a whole (its type and format
/// together, its list of types, its branches): several raw changes there stand for one edit, and
/// the first with something to say speaks for it.
#[derive(Default)]
pub struct Once<'c>(HashSet<NodeKey<'c>>);

impl<'c> Once<'c> {
    /// True the first time a change at `c`'s node asks.
    pub fn first(&mut self, c: &'c SchemaChange) -> bool {
        self.0.insert(node_key(c))
    }
}

// ---------------------------------------------------------------------------------------------
// Which way a change goes

/// Which way a change moved what a schema admits. A request schema admitting less refuses calls
/// that worked, a response schema admitting more sends values old clients cannot read: those
/// are the breaking ways; the other way round is a changelog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admits {
    More,
    Less,
}

/// A numeric bound, `minimum` or `maximum`, each with its exclusive form: a 3.0 `maximum` with
/// `exclusiveMaximum: true` and a 3.1 `exclusiveMaximum` are one exclusive bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Min,
    Max,
}

impl Bound {
    pub fn word(self) -> &'static str {
        match self {
            Bound::Min => "minimum",
            Bound::Max => "maximum",
        }
    }

    /// The old and new bound, when `change` is about this one.
    pub fn of(self, change: &Change) -> Option<(Option<Limit>, Option<Limit>)> {
        match (self, change) {
            (Bound::Min, Change::Minimum { from, to })
            | (Bound::Max, Change::Maximum { from, to }) => Some((*from, *to)),
            _ => None,
        }
    }

    /// Does `to` admit every value `from` did, and more: a maximum raised (a minimum lowered),
    /// or the same value made inclusive?
    pub fn looser(self, from: Limit, to: Limit) -> bool {
        let moved = match self {
            Bound::Min => to.value < from.value,
            Bound::Max => to.value > from.value,
        };
        moved || (to.value == from.value && from.exclusive && !to.exclusive)
    }

    /// Which way a bound present on both sides moved; `None` when it admits the same values.
    pub fn moved(self, from: Limit, to: Limit) -> Option<Admits> {
        if self.looser(from, to) {
            Some(Admits::More)
        } else if self.looser(to, from) {
            Some(Admits::Less)
        } else {
            None
        }
    }
}

/// What an absent count keyword means: no limit for a `max*` (`None`), 0 for a `min*`, 1 for
/// `minContains`. A keyword that appears or goes is compared with that.
pub fn count_absent(keyword: &str) -> Option<u64> {
    if keyword.starts_with("max") {
        None
    } else {
        Some(u64::from(keyword == "minContains"))
    }
}

/// `minContains`/`maxContains` mean nothing without `contains`: they count only with one on
/// both sides (a new `contains` is its own rule).
pub fn count_applies(c: &SchemaChange, keyword: &str) -> bool {
    !keyword.ends_with("Contains")
        || (c.old.get("contains").is_some() && c.new.get("contains").is_some())
}

/// How a keyword's value changed between the revisions: it appeared, went, or took another
/// value (`const`, `default`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Added,
    Removed,
    Changed,
}

impl Edit {
    pub fn of<T>(from: &Option<T>, to: &Option<T>) -> Option<Edit> {
        match (from, to) {
            (None, Some(_)) => Some(Edit::Added),
            (Some(_), None) => Some(Edit::Removed),
            (Some(_), Some(_)) => Some(Edit::Changed),
            (None, None) => None,
        }
    }
}

/// A change of a keyword compared by value (`prefixItems`, `dependentRequired`, an entry of
/// `patternProperties` or `dependentSchemas`, ...) named `name`: how it changed, with its old
/// and new value.
pub fn keyword_edit<'a>(
    c: &SchemaChange<'a>,
    name: &str,
) -> Option<(Edit, Option<NodeRef<'a>>, Option<NodeRef<'a>>)> {
    match c.change {
        Change::Keyword { name: n, from, to } if n == name => {
            Some((Edit::of(&from, &to)?, from, to))
        }
        _ => None,
    }
}

/// An enum value added (the schema admits more) or removed.
pub fn enum_value<'a>(c: &SchemaChange<'a>) -> Option<(Admits, NodeRef<'a>)> {
    match c.change {
        Change::EnumValueAdded(v) => Some((Admits::More, v)),
        Change::EnumValueRemoved(v) => Some((Admits::Less, v)),
        _ => None,
    }
}

/// The `x-extensible-enum` values gone from a list that is still there, as nodes of the old
/// list. The extension lists the values known today and promises more may come, so adding is
/// fine; a value that goes is one clients may still send. Both must be lists: anything else is
/// a malformed extension oasdiff skips too.
pub fn extensible_values_removed<'a>(c: &SchemaChange<'a>) -> Vec<NodeRef<'a>> {
    let Change::Keyword {
        name: "x-extensible-enum",
        from: Some(from),
        to: Some(to),
    } = c.change
    else {
        return Vec::new();
    };
    let (Some(old), Some(new)) = (from.node.as_seq(), to.node.as_seq()) else {
        return Vec::new();
    };
    let new = ValueSet::of(new);
    old.iter()
        .filter(|v| !new.contains(v))
        .map(|v| NodeRef::new(from.doc, v))
        .collect()
}

/// Whether `c` changed whether its schema admits null, and which way. Adding or dropping
/// `"null"` in a 3.1 `type` list is no change when the side without it has no `type` to speak
/// of: an untyped schema admits null already. How that is told apart differs by side, as in
/// oasdiff: a request reads the `type` keyword of the side without null and the `nullable`
/// keyword of the side with it; a response reads the types of the side without null, the
/// `nullable` keyword of either side, and treats a composition on either side as a real change.
pub fn nullability(c: &SchemaChange, dir: Direction) -> Option<Admits> {
    let Change::Nullable { from, to } = c.change else {
        return None;
    };
    if from == to {
        return None;
    }
    let (without, with) = if to {
        (&c.old, &c.new)
    } else {
        (&c.new, &c.old)
    };
    let real = match dir {
        Direction::Request => without.get("type").is_some() || with.get("nullable").is_some(),
        Direction::Response => {
            let composed = |o: &Obj| {
                ["oneOf", "anyOf", "allOf"]
                    .iter()
                    .any(|k| o.get(k).is_some())
            };
            c.new.get("nullable").is_some()
                || c.old.get("nullable").is_some()
                || composed(&c.old)
                || composed(&c.new)
                || !TypeSet::of(without).0.is_empty()
        }
    };
    real.then_some(if to { Admits::More } else { Admits::Less })
}

// ---------------------------------------------------------------------------------------------
// Reading values

/// A value as a message shows it: scalars as written, collections on one line, cut at 60
/// characters.
pub fn show(v: NodeRef) -> String {
    if let Some(s) = v.node.scalar_text(&v.doc.text) {
        return s.into_owned();
    }
    let text = v.node.source(&v.doc.text);
    let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if compact.chars().count() > 60 {
        format!("{}...", compact.chars().take(57).collect::<String>())
    } else {
        compact
    }
}

/// Two values a message sets side by side ("changed from A to B"), each as [`show`] would cut
/// it, but from the same place: when they differ past what a cut keeps, both start a little
/// before the first difference (`...`), so the reader sees where they differ.
pub fn show_pair(from: NodeRef, to: NodeRef) -> (String, String) {
    let compact = |v: NodeRef| match v.node.scalar_text(&v.doc.text) {
        Some(s) => s.into_owned(),
        None => v
            .node
            .source(&v.doc.text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    };
    cut_pair(&compact(from), &compact(to))
}

/// What a cut keeps, and how much of the common prefix to keep before a difference.
const SHOWN: usize = 60;
const CONTEXT: usize = 20;

fn cut_pair(a: &str, b: &str) -> (String, String) {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let first_difference = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // Where both shown texts start: the start, unless the difference lies beyond the cut.
    let fits = a.len() <= SHOWN && b.len() <= SHOWN;
    let start = if fits || first_difference + CONTEXT < SHOWN - 3 {
        0
    } else {
        first_difference - CONTEXT
    };
    let cut = |text: &[char]| {
        let rest = &text[start.min(text.len())..];
        let mut out = String::new();
        let mut budget = SHOWN;
        if start > 0 {
            out.push_str("...");
            budget -= 3;
        }
        if rest.len() > budget {
            out.extend(&rest[..budget - 3]);
            out.push_str("...");
        } else {
            out.extend(rest);
        }
        out
    };
    (cut(&a), cut(&b))
}

/// [`show`], or `none`.
pub fn show_opt(v: Option<NodeRef>) -> String {
    v.map_or_else(|| "none".to_string(), show)
}

/// A schema that accepts everything: `true` or `{}`.
pub fn accepts_all(v: NodeRef) -> bool {
    v.node.as_bool() == Some(true) || v.node.as_map().is_some_and(|m| m.is_empty())
}

/// A pattern every string matches (`pattern` is an unanchored search).
pub fn matches_all(p: &str) -> bool {
    matches!(p, "" | ".*")
}

/// The key of the `keyword` map entry (`patternProperties`, `dependentSchemas`) whose value is
/// `value`: the walker reports an entry by its value.
pub fn entry_key<'a>(schema: &Obj<'a>, keyword: &str, value: NodeRef) -> Option<&'a str> {
    schema
        .get(keyword)?
        .node
        .entries()
        .find(|(_, v)| std::ptr::eq(*v, value.node))
        .map(|(k, _)| k)
}

/// `dependentRequired` as (property, [names required with it]).
pub fn dependent_required<'a>(v: Option<NodeRef<'a>>) -> Vec<(&'a str, Vec<&'a str>)> {
    v.map(|v| {
        v.node
            .entries()
            .map(|(k, names)| (k, names.items().filter_map(|n| n.as_str()).collect()))
            .collect()
    })
    .unwrap_or_default()
}

/// A stability level: its rank and its name.
pub type Stability = (u8, &'static str);

/// `x-stability-level` by rank: `draft` < `alpha` < `beta` < `stable`; absent means stable.
/// `None` for a value that is not a level.
pub fn stability_rank(v: Option<NodeRef>) -> Option<Stability> {
    let Some(v) = v else {
        return Some((3, "stable"));
    };
    match v.node.as_str()? {
        "draft" => Some((0, "draft")),
        "alpha" => Some((1, "alpha")),
        "beta" => Some((2, "beta")),
        "stable" => Some((3, "stable")),
        _ => None,
    }
}

/// A `x-stability-level` change, both sides ranked ([`stability_rank`]); `None` when either is
/// not a level.
pub fn stability_change(c: &SchemaChange) -> Option<(Stability, Stability)> {
    let Change::Keyword {
        name: "x-stability-level",
        from,
        to,
    } = c.change
    else {
        return None;
    };
    Some((stability_rank(from)?, stability_rank(to)?))
}

/// The rank of `beta`: levels from here on promise stability (what oasdiff checks by default).
pub const BETA: u8 = 2;

#[cfg(test)]
mod tests {
    use super::cut_pair;

    #[test]
    fn long_values_side_by_side_are_cut_from_the_same_place_to_show_their_difference() {
        assert_eq!(cut_pair("false", "true"), ("false".into(), "true".into()));
        let prefix = "x".repeat(70);
        let (a, b) = cut_pair(&format!("{prefix}AAA tail"), &format!("{prefix}BBB tail"));
        assert_eq!(a, format!("...{}AAA tail", "x".repeat(20)));
        assert_eq!(b, format!("...{}BBB tail", "x".repeat(20)));
        let (a, b) = cut_pair(&format!("A{prefix}"), &format!("B{prefix}"));
        assert!(
            a.starts_with("Ax") && b.starts_with("Bx") && a.ends_with("..."),
            "{a}"
        );
        assert_eq!(a.chars().count(), 60);
    }

    use super::*;

    fn l(value: f64, exclusive: bool) -> Limit {
        Limit { value, exclusive }
    }

    #[test]
    fn looser_bounds() {
        assert!(Bound::Max.looser(l(10.0, false), l(20.0, false)));
        assert!(Bound::Max.looser(l(10.0, true), l(10.0, false)));
        assert!(!Bound::Max.looser(l(10.0, false), l(10.0, true)));
        assert!(!Bound::Max.looser(l(10.0, false), l(5.0, false)));
        assert!(Bound::Min.looser(l(1.0, false), l(0.0, false)));
        assert!(!Bound::Min.looser(l(1.0, false), l(1.0, true)));
        // Tighter is looser read backwards.
        assert!(Bound::Max.looser(l(5.0, false), l(10.0, false)));
        assert!(Bound::Max.looser(l(10.0, true), l(10.0, false)));
        assert!(!Bound::Max.looser(l(10.0, false), l(10.0, true)));
        assert!(Bound::Min.looser(l(1.0, true), l(1.0, false)));
        assert!(Bound::Min.looser(l(2.0, false), l(1.0, true)));
        assert_eq!(
            Bound::Max.moved(l(10.0, false), l(11.0, true)),
            Some(Admits::More)
        );
        assert_eq!(Bound::Min.moved(l(1.0, false), l(1.0, false)), None);
    }
}
