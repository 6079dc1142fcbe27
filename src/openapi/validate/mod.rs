//! Does a value (an example, a default) validate against an OpenAPI schema?
//!
//! The keywords of OpenAPI 3.0 schema objects (JSON Schema draft 4 with `nullable` and boolean
//! `exclusiveMinimum`/`exclusiveMaximum`) and of 3.1 (the JSON Schema 2020-12 keywords that
//! constrain values: type arrays, `const`, numeric exclusive bounds, `prefixItems`, `contains`,
//! `if`/`then`/`else`, `dependentRequired`), read over the spanned tree through treaty's
//! resolved `$ref`s. The rest (`description`, `example`, `x-` extensions, ...) constrains
//! nothing.
//!
//! The first violation is the answer, found in the order ajv (Spectral's validator) checks
//! keywords: `type`, `const`/`enum`, the combinators, then the keywords of the value's own type,
//! properties and items in schema order. A value is left unjudged rather than wrongly condemned
//! when the schema cannot be read as a validator would (an unknown type name, a malformed
//! keyword), when it reaches a `$ref` cycle (Spectral, whose resolver leaves such references in
//! place, skips those schemas too), or when checking it would cost more than a fixed budget.

mod formats;
mod pattern;

use std::collections::HashMap;
use std::fmt::Write as _;

use regex_automata::meta::Regex;

use crate::openapi::load::{SpecSet, Version};
use crate::openapi::model::same_value;
use crate::openapi::refs::NodeRef;
use crate::tree::{Node, Value};

/// Schema-and-value visits (and `uniqueItems` comparisons) one value may cost; past it the
/// value is left unjudged.
const STEP_BUDGET: u32 = 200_000;
/// Steps all the values of one validator may cost together: a spec of many thousands of
/// examples of a costly schema cannot run for minutes. Past it, values are left unjudged.
/// GitHub's spec (10,000 examples and defaults) takes about 60,000, its largest example 1,900.
const TOTAL_STEP_BUDGET: u64 = 50_000_000;
/// Deepest nesting of schemas followed for one value (each level is a stack frame).
const MAX_DEPTH: u32 = 200;
/// Longest `$ref` -> `$ref` chain followed.
const MAX_REF_CHAIN: usize = 32;

/// Who sends the value: a request's example need not hold `readOnly` properties even when they
/// are required, nor a response's `writeOnly` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Any,
    Request,
    Response,
}

/// Why a value does not validate.
#[derive(Debug)]
pub struct Failure<'a> {
    /// The offending value.
    pub at: &'a Node,
    /// Where that is inside the checked value: `.items[2].id`, empty for the value itself.
    pub path: String,
    /// What is wrong, naming the schema keyword.
    pub message: String,
    /// How many levels below the checked value `at` is.
    pub depth: usize,
}

#[derive(Debug)]
pub enum Verdict<'a> {
    Valid,
    Invalid(Failure<'a>),
    /// Not checked: see the module documentation.
    Unjudged,
}

enum Stop<'a> {
    Fail(Failure<'a>),
    GiveUp,
}

type Outcome<'a> = Result<(), Stop<'a>>;

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Checks values against the schemas of one spec set; compiled patterns and what it learned
/// about `$ref` cycles are kept from one value to the next.
pub struct Validator<'a> {
    set: &'a SpecSet,
    version: Version,
    direction: Direction,
    /// Compiled patterns by their text; `None` for one that cannot be run.
    patterns: HashMap<&'a str, Option<Regex>>,
    /// Schema (by node address) -> whether a `$ref` cycle is reachable from it.
    cyclic: HashMap<usize, bool>,
    steps: u32,
    /// Steps of the values checked before this one.
    spent: u64,
    path: Vec<Segment<'a>>,
}

impl<'a> Validator<'a> {
    pub fn new(set: &'a SpecSet, version: Version) -> Validator<'a> {
        Validator {
            set,
            version,
            direction: Direction::Any,
            patterns: HashMap::new(),
            cyclic: HashMap::new(),
            steps: 0,
            spent: 0,
            path: Vec::new(),
        }
    }

    /// Does `value` validate against `schema`?
    pub fn check(
        &mut self,
        schema: NodeRef<'a>,
        value: &'a Node,
        direction: Direction,
    ) -> Verdict<'a> {
        if self.spent > TOTAL_STEP_BUDGET || self.reaches_cycle(schema) {
            return Verdict::Unjudged;
        }
        self.direction = direction;
        self.steps = 0;
        self.path.clear();
        let outcome = self.validate(schema, value, 0);
        self.spent += u64::from(self.steps);
        match outcome {
            Ok(()) => Verdict::Valid,
            Err(Stop::Fail(failure)) => Verdict::Invalid(failure),
            Err(Stop::GiveUp) => Verdict::Unjudged,
        }
    }

    /// The mapping a schema's `$ref`s lead to (a schema without one is itself).
    fn resolve(&self, schema: NodeRef<'a>) -> Result<NodeRef<'a>, Stop<'a>> {
        resolve(self.set, schema).ok_or(Stop::GiveUp)
    }

    fn spend(&mut self, steps: u32) -> Outcome<'a> {
        self.steps = self.steps.saturating_add(steps);
        if self.steps > STEP_BUDGET {
            return Err(Stop::GiveUp);
        }
        Ok(())
    }

    fn fail(&self, at: &'a Node, message: String) -> Stop<'a> {
        let mut path = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(k) => push_key(&mut path, k),
                Segment::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        let depth = self.path.len();
        Stop::Fail(Failure {
            at,
            path,
            message,
            depth,
        })
    }

    /// `validate` of a child value, at `segment` of the path.
    fn validate_at(
        &mut self,
        segment: Segment<'a>,
        schema: NodeRef<'a>,
        value: &'a Node,
        depth: u32,
    ) -> Outcome<'a> {
        self.path.push(segment);
        let outcome = self.validate(schema, value, depth + 1);
        self.path.pop();
        outcome
    }

    /// Why `value` does not validate, `None` when it does; giving up propagates to `check`.
    fn failure(
        &mut self,
        schema: NodeRef<'a>,
        value: &'a Node,
        depth: u32,
    ) -> Result<Option<Failure<'a>>, Stop<'a>> {
        match self.validate(schema, value, depth + 1) {
            Ok(()) => Ok(None),
            Err(Stop::Fail(f)) => Ok(Some(f)),
            Err(Stop::GiveUp) => Err(Stop::GiveUp),
        }
    }

    /// Does `value` validate?
    fn passes(
        &mut self,
        schema: NodeRef<'a>,
        value: &'a Node,
        depth: u32,
    ) -> Result<bool, Stop<'a>> {
        Ok(self.failure(schema, value, depth)?.is_none())
    }

    fn validate(&mut self, schema: NodeRef<'a>, value: &'a Node, depth: u32) -> Outcome<'a> {
        self.spend(1)?;
        if depth > MAX_DEPTH {
            return Err(Stop::GiveUp);
        }
        let schema = self.resolve(schema)?;
        match schema.node.value {
            Value::Map(_) => {}
            Value::Bool(false) => {
                return Err(self.fail(
                    value,
                    "no value is allowed here (the schema is false)".into(),
                ))
            }
            // `true`, and what is no schema at all, allow anything.
            _ => return Ok(()),
        }
        let s = schema.node;
        let nullable = s.get("nullable").and_then(Node::as_bool) == Some(true);
        match s.get("type") {
            Some(types) => self.check_type(types, nullable, value)?,
            // `nullable` without a `type` means nothing to JSON Schema; its author meant null
            // is allowed, and that is how it is read.
            None if nullable && value.is_null() => return Ok(()),
            None => {}
        }
        if self.version >= Version::V31 {
            if let Some(expected) = s.get("const") {
                if !same_value(expected, value) {
                    let message =
                        format!("expected const {}, found {}", show(expected), show(value));
                    return Err(self.fail(value, message));
                }
            }
        }
        if let Some(allowed) = s.get("enum") {
            let Some(allowed) = allowed.as_seq() else {
                return Err(Stop::GiveUp);
            };
            self.spend(allowed.len() as u32)?;
            if !allowed.iter().any(|a| same_value(a, value)) {
                let message = format!("{} is not in enum {}", show(value), show_list(allowed));
                return Err(self.fail(value, message));
            }
        }
        self.combinators(schema, value, depth)?;
        match &value.value {
            Value::Int(_) | Value::Float(_) => self.number(s, value),
            Value::Str(text) => self.string(s, value, text),
            Value::Seq(items) => self.array(schema, value, items, depth),
            Value::Map(entries) => self.object(schema, value, entries, depth),
            Value::Null | Value::Bool(_) => Ok(()),
        }
    }

    fn check_type(&self, types: &'a Node, nullable: bool, value: &'a Node) -> Outcome<'a> {
        let names: Vec<&str> = match &types.value {
            Value::Str(t) => vec![t],
            Value::Seq(items) => match items.iter().map(Node::as_str).collect::<Option<_>>() {
                Some(names) => names,
                None => return Err(Stop::GiveUp),
            },
            _ => return Err(Stop::GiveUp),
        };
        let mut accepted = false;
        for name in &names {
            accepted |= match *name {
                "null" => value.is_null(),
                "boolean" => matches!(value.value, Value::Bool(_)),
                "integer" => value.as_f64().is_some_and(formats::is_whole),
                "number" => value.as_f64().is_some(),
                "string" => matches!(value.value, Value::Str(_)),
                "array" => matches!(value.value, Value::Seq(_)),
                "object" => matches!(value.value, Value::Map(_)),
                // A type no validator knows: the schema cannot be applied.
                _ => return Err(Stop::GiveUp),
            };
        }
        if accepted || nullable && value.is_null() {
            return Ok(());
        }
        let mut expected = names.join(" or ");
        if nullable {
            expected.push_str(" or null");
        }
        Err(self.fail(
            value,
            format!("expected type {expected}, found {}", json_type(value)),
        ))
    }

    fn combinators(&mut self, schema: NodeRef<'a>, value: &'a Node, depth: u32) -> Outcome<'a> {
        if let Some(not) = schema.get("not") {
            if self.passes(not, value, depth)? {
                return Err(self.fail(value, "matches the schema under not".into()));
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(branches) = schema.get(keyword) else {
                continue;
            };
            let mut matched = Vec::new();
            // The failure that got deepest into the value: the branch its author most likely
            // meant, and the most useful thing to show when none matches.
            let mut closest: Option<(usize, Failure<'a>)> = None;
            for (i, branch) in seq_of(branches)?.enumerate() {
                match self.failure(branch, value, depth)? {
                    None => {
                        matched.push(i);
                        if keyword == "anyOf" || matched.len() == 2 {
                            break;
                        }
                    }
                    Some(f) => {
                        if closest.as_ref().is_none_or(|(_, c)| f.depth > c.depth) {
                            closest = Some((i, f));
                        }
                    }
                }
            }
            match (&matched[..], closest) {
                ([], Some((i, mut f))) if f.depth > self.path.len() => {
                    let _ = write!(
                        f.message,
                        " (in #{}, the closest of the {keyword} schemas)",
                        i + 1
                    );
                    return Err(Stop::Fail(f));
                }
                ([], _) => {
                    return Err(self.fail(value, format!("matches none of the {keyword} schemas")))
                }
                ([first, second, ..], _) => {
                    let message = format!(
                        "matches more than one of the oneOf schemas (#{} and #{})",
                        first + 1,
                        second + 1
                    );
                    return Err(self.fail(value, message));
                }
                _ => {}
            }
        }
        if let Some(branches) = schema.get("allOf") {
            for branch in seq_of(branches)? {
                self.validate(branch, value, depth + 1)?;
            }
        }
        if self.version >= Version::V31 {
            if let Some(condition) = schema.get("if") {
                let branch = if self.passes(condition, value, depth)? {
                    "then"
                } else {
                    "else"
                };
                if let Some(branch) = schema.get(branch) {
                    self.validate(branch, value, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn number(&mut self, s: &'a Node, value: &'a Node) -> Outcome<'a> {
        let Some(n) = value.as_f64() else {
            return Ok(());
        };
        let bound = |key: &str| {
            s.get(key)
                .map(|b| b.as_f64().ok_or(Stop::GiveUp))
                .transpose()
        };
        let (maximum, minimum) = (bound("maximum")?, bound("minimum")?);
        if self.version >= Version::V31 {
            if maximum.is_some_and(|m| n > m) {
                return Err(self.fail(
                    value,
                    format!("{} is above maximum {}", show(value), show_f64(maximum)),
                ));
            }
            if minimum.is_some_and(|m| n < m) {
                return Err(self.fail(
                    value,
                    format!("{} is below minimum {}", show(value), show_f64(minimum)),
                ));
            }
            let (ex_max, ex_min) = (bound("exclusiveMaximum")?, bound("exclusiveMinimum")?);
            if ex_max.is_some_and(|m| n >= m) {
                let message = format!(
                    "{} is not below exclusiveMaximum {}",
                    show(value),
                    show_f64(ex_max)
                );
                return Err(self.fail(value, message));
            }
            if ex_min.is_some_and(|m| n <= m) {
                let message = format!(
                    "{} is not above exclusiveMinimum {}",
                    show(value),
                    show_f64(ex_min)
                );
                return Err(self.fail(value, message));
            }
        } else {
            // Draft 4: the exclusive flags are booleans that sharpen `maximum` and `minimum`.
            let flag = |key: &str| match s.get(key) {
                None => Ok(false),
                Some(f) => f.as_bool().ok_or(Stop::GiveUp),
            };
            let (ex_max, ex_min) = (flag("exclusiveMaximum")?, flag("exclusiveMinimum")?);
            if let Some(m) = maximum {
                if n > m || ex_max && n == m {
                    let which = if ex_max {
                        "exclusive maximum"
                    } else {
                        "maximum"
                    };
                    return Err(self.fail(
                        value,
                        format!("{} is above {which} {}", show(value), show_f64(maximum)),
                    ));
                }
            }
            if let Some(m) = minimum {
                if n < m || ex_min && n == m {
                    let which = if ex_min {
                        "exclusive minimum"
                    } else {
                        "minimum"
                    };
                    return Err(self.fail(
                        value,
                        format!("{} is below {which} {}", show(value), show_f64(minimum)),
                    ));
                }
            }
        }
        if let Some(m) = bound("multipleOf")? {
            if m <= 0.0 {
                return Err(Stop::GiveUp);
            }
            let quotient = n / m;
            if !formats::is_whole(quotient) {
                return Err(self.fail(
                    value,
                    format!("{} is not a multipleOf {}", show(value), show_f64(Some(m))),
                ));
            }
        }
        if let Some(format) = s.get("format").and_then(Node::as_str) {
            if formats::number_format(format, n) == Some(false) {
                return Err(self.fail(
                    value,
                    format!("{} is not a valid {format} (format)", show(value)),
                ));
            }
        }
        Ok(())
    }

    fn string(&mut self, s: &'a Node, value: &'a Node, text: &str) -> Outcome<'a> {
        if s.get("maxLength").is_some() || s.get("minLength").is_some() {
            let length = text.chars().count();
            self.bounded(s, value, length, ["maxLength", "minLength"], |n| {
                format!("length {n} is")
            })?;
        }
        if let Some(pattern) = s.get("pattern").and_then(Node::as_str) {
            if self.pattern(pattern).is_some_and(|re| !re.is_match(text)) {
                let message = format!("{} does not match pattern {}", show(value), quote(pattern));
                return Err(self.fail(value, message));
            }
        }
        if let Some(format) = s.get("format").and_then(Node::as_str) {
            if formats::string_format(format, text) == Some(false) {
                return Err(self.fail(
                    value,
                    format!("{} is not a valid {format} (format)", show(value)),
                ));
            }
        }
        Ok(())
    }

    /// A length, item or property count against its `[max, min]` keywords: "length 5 is above
    /// maxLength 3", "0 items, below minItems 1" (`counted` says the first words).
    fn bounded(
        &mut self,
        s: &'a Node,
        value: &'a Node,
        actual: usize,
        [max_key, min_key]: [&str; 2],
        counted: impl Fn(usize) -> String,
    ) -> Outcome<'a> {
        if let Some(max) = count(s, max_key)?.filter(|&max| actual > max) {
            let message = format!("{} above {max_key} {max}", counted(actual));
            return Err(self.fail(value, message));
        }
        if let Some(min) = count(s, min_key)?.filter(|&min| actual < min) {
            let message = format!("{} below {min_key} {min}", counted(actual));
            return Err(self.fail(value, message));
        }
        Ok(())
    }

    fn pattern(&mut self, pattern: &'a str) -> Option<&Regex> {
        self.patterns
            .entry(pattern)
            .or_insert_with(|| pattern::compile(pattern))
            .as_ref()
    }

    fn array(
        &mut self,
        schema: NodeRef<'a>,
        value: &'a Node,
        items: &'a [Node],
        depth: u32,
    ) -> Outcome<'a> {
        let s = schema.node;
        self.bounded(s, value, items.len(), ["maxItems", "minItems"], |n| {
            format!("{n} items,")
        })?;
        if s.get("uniqueItems").and_then(Node::as_bool) == Some(true) {
            for j in 1..items.len() {
                self.spend(j as u32)?;
                if let Some(i) = (0..j).find(|&i| same_value(&items[i], &items[j])) {
                    let message = format!("items [{i}] and [{j}] are equal, against uniqueItems");
                    return Err(self.fail(value, message));
                }
            }
        }
        // A tuple (`prefixItems`, or draft 4's `items` list) and a schema for the items after it.
        let items_schema = schema.get("items");
        let prefix = schema
            .get("prefixItems")
            .filter(|_| self.version >= Version::V31);
        let (tuple, rest, rest_key): (Vec<NodeRef<'a>>, _, _) = match (prefix, items_schema) {
            (Some(prefix), _) => (seq_of(prefix)?.collect(), items_schema, "items"),
            (None, Some(list)) if list.node.as_seq().is_some() => (
                seq_of(list)?.collect(),
                schema.get("additionalItems"),
                "additionalItems",
            ),
            (None, _) => (Vec::new(), items_schema, "items"),
        };
        for (i, (item, item_schema)) in items.iter().zip(&tuple).enumerate() {
            self.validate_at(Segment::Index(i), *item_schema, item, depth)?;
        }
        if let Some(rest) = rest {
            if rest.node.as_bool() == Some(false) && items.len() > tuple.len() {
                let message = format!(
                    "{} items, more than the {} that {rest_key} allows",
                    items.len(),
                    tuple.len()
                );
                return Err(self.fail(value, message));
            }
            for (i, item) in items.iter().enumerate().skip(tuple.len()) {
                self.validate_at(Segment::Index(i), rest, item, depth)?;
            }
        }
        if self.version >= Version::V31 {
            if let Some(contains) = schema.get("contains") {
                let min = count(s, "minContains")?.unwrap_or(1);
                let mut found = 0;
                for item in items {
                    if found >= min {
                        break;
                    }
                    found += usize::from(self.passes(contains, item, depth)?);
                }
                if found < min {
                    return Err(self.fail(
                        value,
                        "too few items match the schema under contains".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn object(
        &mut self,
        schema: NodeRef<'a>,
        value: &'a Node,
        entries: &'a [(Node, Node)],
        depth: u32,
    ) -> Outcome<'a> {
        let s = schema.node;
        self.bounded(
            s,
            value,
            entries.len(),
            ["maxProperties", "minProperties"],
            |n| format!("{n} properties,"),
        )?;
        let properties = schema.get("properties");
        if let Some(required) = s.get("required") {
            for name in required.as_seq().ok_or(Stop::GiveUp)? {
                let name = name.as_str().ok_or(Stop::GiveUp)?;
                if value.get(name).is_none() && !self.exempt(properties, name)? {
                    return Err(self.fail(value, format!("required property '{name}' is missing")));
                }
            }
        }
        if self.version >= Version::V31 {
            for (trigger, needed) in s
                .get("dependentRequired")
                .map_or(&[][..], |d| d.as_map().unwrap_or(&[]))
            {
                if value.get(trigger.as_str().unwrap_or_default()).is_none() {
                    continue;
                }
                for name in needed.items().filter_map(Node::as_str) {
                    if value.get(name).is_none() {
                        let trigger = trigger.as_str().unwrap_or_default();
                        let message = format!("property '{name}' is missing, which dependentRequired asks for with '{trigger}'");
                        return Err(self.fail(value, message));
                    }
                }
            }
        }
        let pattern_properties: Vec<(&'a str, NodeRef<'a>)> = match schema.get("patternProperties")
        {
            Some(pp) => pp
                .node
                .as_map()
                .ok_or(Stop::GiveUp)?
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default(), NodeRef::new(pp.doc, v)))
                .collect(),
            None => Vec::new(),
        };
        let mut patterns = Vec::with_capacity(pattern_properties.len());
        for (pattern, _) in &pattern_properties {
            // A key pattern that cannot be run leaves unknown which keys it covers.
            patterns.push(self.pattern(pattern).ok_or(Stop::GiveUp)?.clone());
        }
        if let Some(additional) = schema.get("additionalProperties") {
            for (key, item) in entries {
                let name = key.as_str().unwrap_or_default();
                let declared = properties.is_some_and(|p| p.node.get(name).is_some())
                    || patterns.iter().any(|re| re.is_match(name));
                if declared {
                    continue;
                }
                if additional.node.as_bool() == Some(false) {
                    let message =
                        format!("property '{name}' is not allowed: additionalProperties is false");
                    return Err(self.fail(value, message));
                }
                self.validate_at(Segment::Key(name), additional, item, depth)?;
            }
        }
        if let Some(properties) = properties {
            for (key, property) in properties.node.as_map().ok_or(Stop::GiveUp)? {
                let name = key.as_str().unwrap_or_default();
                if let Some(item) = value.get(name) {
                    let property = NodeRef::new(properties.doc, property);
                    self.validate_at(Segment::Key(name), property, item, depth)?;
                }
            }
        }
        for ((_, property), re) in pattern_properties.iter().zip(&patterns) {
            for (key, item) in entries {
                let name = key.as_str().unwrap_or_default();
                if re.is_match(name) {
                    self.validate_at(Segment::Key(name), *property, item, depth)?;
                }
            }
        }
        Ok(())
    }

    /// Is the required property `name` exempt in this direction (`readOnly` in a request,
    /// `writeOnly` in a response)?
    fn exempt(&self, properties: Option<NodeRef<'a>>, name: &str) -> Result<bool, Stop<'a>> {
        let flag = match self.direction {
            Direction::Any => return Ok(false),
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        let Some(property) = properties.and_then(|p| p.get(name)) else {
            return Ok(false);
        };
        let property = self.resolve(property)?;
        Ok(property.node.get(flag).and_then(Node::as_bool) == Some(true))
    }

    /// Can a `$ref` cycle be reached from `schema` through its subschemas? Depth-first, without
    /// recursion; what is learned about each schema is kept for the next question.
    fn reaches_cycle(&mut self, schema: NodeRef<'a>) -> bool {
        const ON_PATH: u8 = 1;
        let Ok(root) = self.resolve(schema) else {
            return true;
        };
        if let Some(&known) = self.cyclic.get(&root.addr()) {
            return known;
        }
        let mut state: HashMap<usize, u8> = HashMap::new();
        // Each frame: a schema and the subschemas not yet explored.
        let mut stack: Vec<(NodeRef<'a>, Vec<NodeRef<'a>>)> = vec![(root, subschemas(root))];
        state.insert(root.addr(), ON_PATH);
        let mut found = false;
        while let Some((_, pending)) = stack.last_mut() {
            let Some(next) = pending.pop() else {
                let (done, _) = stack.pop().unwrap_or((root, Vec::new()));
                state.remove(&done.addr());
                self.cyclic.insert(done.addr(), false);
                continue;
            };
            let Ok(next) = self.resolve(next) else {
                found = true;
                break;
            };
            if state.contains_key(&next.addr()) {
                found = true;
                break;
            }
            match self.cyclic.get(&next.addr()) {
                Some(true) => {
                    found = true;
                    break;
                }
                Some(false) => {}
                None => {
                    state.insert(next.addr(), ON_PATH);
                    stack.push((next, subschemas(next)));
                }
            }
        }
        if found {
            // Everything on the path reaches the cycle.
            for (frame, _) in stack {
                self.cyclic.insert(frame.addr(), true);
            }
        }
        found
    }
}

/// Where `node`'s `$ref` leads, one hop. Besides the references treaty resolves at load time,
/// a local one (`#/...`) in a place treaty reads as data (an `x-` extension such as GitHub's
/// `x-webhooks`) is followed too, as Spectral follows every reference.
pub fn ref_target<'a>(set: &'a SpecSet, node: NodeRef<'a>) -> Option<NodeRef<'a>> {
    if let Some(target) = set.ref_target(node.node) {
        return Some(target);
    }
    let pointer = node.node.get("$ref")?.as_str()?.strip_prefix('#')?;
    node.doc
        .root
        .pointer(pointer)
        .map(|n| NodeRef::new(node.doc, n))
}

/// The node at the end of `node`'s `$ref` chain (`node` itself without one); `None` for a
/// chain too long or circular.
pub fn resolve<'a>(set: &'a SpecSet, mut node: NodeRef<'a>) -> Option<NodeRef<'a>> {
    for _ in 0..MAX_REF_CHAIN {
        match ref_target(set, node) {
            Some(target) => node = target,
            None => return Some(node),
        }
    }
    None
}

/// The schemas directly under `schema`, as written (references not followed).
fn subschemas(schema: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    let mut out = Vec::new();
    for (key, value) in schema.node.entries() {
        let value_ref = NodeRef::new(schema.doc, value);
        match key {
            "not"
            | "additionalProperties"
            | "additionalItems"
            | "contains"
            | "if"
            | "then"
            | "else"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties" => out.push(value_ref),
            "items" if value.as_seq().is_none() => out.push(value_ref),
            "items" | "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                out.extend(value.items().map(|v| NodeRef::new(schema.doc, v)))
            }
            "properties" | "patternProperties" | "dependentSchemas" | "dependencies" => {
                out.extend(value.entries().map(|(_, v)| NodeRef::new(schema.doc, v)))
            }
            _ => {}
        }
    }
    out.retain(|s| s.node.as_map().is_some());
    out
}

/// The items of a list of schemas; anything else is a schema no validator would accept.
fn seq_of<'a>(node: NodeRef<'a>) -> Result<impl Iterator<Item = NodeRef<'a>>, Stop<'a>> {
    let items = node.node.as_seq().ok_or(Stop::GiveUp)?;
    Ok(items.iter().map(move |n| NodeRef::new(node.doc, n)))
}

/// A non-negative whole-number keyword (`maxLength`, `minItems`, ...).
fn count<'a>(s: &Node, key: &str) -> Result<Option<usize>, Stop<'a>> {
    match s.get(key) {
        None => Ok(None),
        Some(n) => match n.as_f64() {
            Some(f) if formats::is_whole(f) && f >= 0.0 => {
                Ok(Some(f.min(usize::MAX as f64) as usize))
            }
            _ => Err(Stop::GiveUp),
        },
    }
}

/// A value's JSON type, as messages name it.
fn json_type(value: &Node) -> &'static str {
    match &value.value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Int(_) => "integer",
        Value::Float(f) if formats::is_whole(*f) => "integer",
        Value::Float(_) => "number",
        Value::Str(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

/// Longest string shown whole in a message.
const SHOWN_CHARS: usize = 40;

fn quote(s: &str) -> String {
    let mut shown: String = s.chars().take(SHOWN_CHARS).collect();
    if shown.len() < s.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// A value as a message shows it: scalars as JSON, collections by their type.
fn show(value: &Node) -> String {
    match &value.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => quote(s),
        Value::Seq(_) => "an array".into(),
        Value::Map(_) => "an object".into(),
    }
}

fn show_f64(n: Option<f64>) -> String {
    n.map_or_else(String::new, |n| n.to_string())
}

/// An enum's values, the first few of them.
fn show_list(values: &[Node]) -> String {
    const SHOWN: usize = 6;
    let mut shown: Vec<String> = values.iter().take(SHOWN).map(show).collect();
    if values.len() > SHOWN {
        shown.push(format!("… ({} in all)", values.len()));
    }
    format!("[{}]", shown.join(", "))
}

/// `.name`, or `["odd key"]` when the key is not a plain name.
pub fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$');
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        let _ = write!(path, "[{key:?}]");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::load::{load, no_fetch, SpecFilter};
    use crate::source::Snapshot;

    /// The verdict on `value` (YAML) against `schema` (YAML flow), as `valid`, `unjudged` or
    /// `PATH: MESSAGE`. `#/components/schemas/Other` is `{type: integer}` for references.
    fn judge(openapi: &str, direction: Direction, schema: &str, value: &str) -> String {
        let text = format!(
            "openapi: {openapi}\npaths: {{}}\ncomponents:\n  schemas:\n    S: {schema}\n    Other: {{type: integer}}\nx-value: {value}\n"
        );
        let snapshot = Snapshot::of_texts("test", [("a.yaml", text.as_str())]);
        let set = match load(&snapshot, &SpecFilter::default(), &no_fetch) {
            Ok(set) => set,
            Err(e) => panic!("{e}"),
        };
        let doc = &set.docs[set.specs[0].doc];
        let schema = NodeRef::new(doc, doc.root.pointer("/components/schemas/S").expect("S"));
        let value = doc.root.pointer("/x-value").expect("x-value");
        let mut validator = Validator::new(&set, set.specs[0].version);
        match validator.check(schema, value, direction) {
            Verdict::Valid => "valid".into(),
            Verdict::Unjudged => "unjudged".into(),
            Verdict::Invalid(f) => format!("{}: {}", f.path, f.message),
        }
    }

    fn v30(schema: &str, value: &str) -> String {
        judge("3.0.3", Direction::Any, schema, value)
    }

    fn v31(schema: &str, value: &str) -> String {
        judge("3.1.0", Direction::Any, schema, value)
    }

    #[test]
    fn type_and_nullable() {
        assert_eq!(v30("{type: integer}", "3"), "valid");
        assert_eq!(
            v30("{type: integer}", "3.0"),
            "valid",
            "a whole number is an integer"
        );
        assert_eq!(
            v30("{type: integer}", "3.5"),
            ": expected type integer, found number"
        );
        assert_eq!(v30("{type: number}", "3"), "valid");
        assert_eq!(v30("{type: string}", "'3'"), "valid");
        assert_eq!(
            v30("{type: string}", "3"),
            ": expected type string, found integer"
        );
        assert_eq!(
            v30("{type: boolean}", "null"),
            ": expected type boolean, found null"
        );
        assert_eq!(v30("{type: string, nullable: true}", "null"), "valid");
        assert_eq!(
            v30("{type: string, nullable: true}", "1"),
            ": expected type string or null, found integer"
        );
        assert_eq!(
            v30("{nullable: true, allOf: [{type: object}]}", "null"),
            "valid"
        );
        assert_eq!(
            v30("{type: array}", "{}"),
            ": expected type array, found object"
        );
        assert_eq!(
            v30("{type: object}", "[]"),
            ": expected type object, found array"
        );
        assert_eq!(v31("{type: [string, 'null']}", "null"), "valid");
        assert_eq!(
            v31("{type: [string, 'null']}", "true"),
            ": expected type string or null, found boolean"
        );
        assert_eq!(
            v30("{type: file}", "1"),
            "unjudged",
            "an unknown type cannot be applied"
        );
    }

    #[test]
    fn enum_and_const() {
        assert_eq!(v30("{enum: [a, 1, {x: [1]}]}", "{x: [1.0]}"), "valid");
        assert_eq!(
            v30("{enum: [a, b]}", "c"),
            r#": "c" is not in enum ["a", "b"]"#
        );
        assert_eq!(v31("{const: a}", "a"), "valid");
        assert_eq!(v31("{const: a}", "b"), r#": expected const "a", found "b""#);
        assert_eq!(v30("{const: a}", "b"), "valid", "draft 4 has no const");
    }

    #[test]
    fn objects() {
        let user = "{type: object, required: [id], properties: {id: {type: integer}}}";
        assert_eq!(v30(user, "{id: 1}"), "valid");
        assert_eq!(
            v30(user, "{name: x}"),
            ": required property 'id' is missing"
        );
        assert_eq!(
            v30(user, "{id: x}"),
            r#".id: expected type integer, found string"#
        );
        let closed = "{type: object, properties: {a: {}}, additionalProperties: false}";
        assert_eq!(v30(closed, "{a: 1}"), "valid");
        assert_eq!(
            v30(closed, "{a: 1, b: 2}"),
            ": property 'b' is not allowed: additionalProperties is false"
        );
        let typed = "{type: object, additionalProperties: {type: string}}";
        assert_eq!(v30(typed, "{a: x}"), "valid");
        assert_eq!(
            v30(typed, "{a: 1}"),
            ".a: expected type string, found integer"
        );
        let patterned = "{patternProperties: {'^x-': {type: string}}, additionalProperties: false}";
        assert_eq!(v30(patterned, "{x-a: s}"), "valid");
        assert_eq!(
            v30(patterned, "{x-a: 1}"),
            ".x-a: expected type string, found integer"
        );
        assert_eq!(v30("{minProperties: 1}", "{a: 1}"), "valid");
        assert_eq!(
            v30("{minProperties: 1}", "{}"),
            ": 0 properties, below minProperties 1"
        );
        assert_eq!(
            v30("{maxProperties: 1}", "{a: 1, b: 2}"),
            ": 2 properties, above maxProperties 1"
        );
        let dependent = "{dependentRequired: {a: [b]}}";
        assert_eq!(v31(dependent, "{a: 1, b: 2}"), "valid");
        assert_eq!(
            v31(dependent, "{a: 1}"),
            ": property 'b' is missing, which dependentRequired asks for with 'a'"
        );
    }

    #[test]
    fn read_only_and_write_only_required_properties() {
        let schema =
            "{required: [id, pw], properties: {id: {readOnly: true}, pw: {writeOnly: true}}}";
        assert_eq!(
            judge("3.0.3", Direction::Request, schema, "{pw: x}"),
            "valid"
        );
        assert_eq!(
            judge("3.0.3", Direction::Request, schema, "{id: 1}"),
            ": required property 'pw' is missing"
        );
        assert_eq!(
            judge("3.0.3", Direction::Response, schema, "{id: 1}"),
            "valid"
        );
        assert_eq!(
            judge("3.0.3", Direction::Any, schema, "{id: 1}"),
            ": required property 'pw' is missing"
        );
    }

    #[test]
    fn arrays() {
        let list = "{type: array, items: {type: integer}, minItems: 1, maxItems: 3}";
        assert_eq!(v30(list, "[1, 2]"), "valid");
        assert_eq!(
            v30(list, "[1, x]"),
            "[1]: expected type integer, found string"
        );
        assert_eq!(v30(list, "[]"), ": 0 items, below minItems 1");
        assert_eq!(v30(list, "[1, 2, 3, 4]"), ": 4 items, above maxItems 3");
        assert_eq!(v30("{uniqueItems: true}", "[1, 2]"), "valid");
        assert_eq!(
            v30("{uniqueItems: true}", "[{a: 1}, {a: 1.0}]"),
            ": items [0] and [1] are equal, against uniqueItems"
        );
        let tuple = "{items: [{type: string}], additionalItems: false}";
        assert_eq!(v30(tuple, "[a]"), "valid");
        assert_eq!(
            v30(tuple, "[a, b]"),
            ": 2 items, more than the 1 that additionalItems allows"
        );
        let prefix = "{prefixItems: [{type: string}], items: {type: integer}}";
        assert_eq!(v31(prefix, "[a, 1]"), "valid");
        assert_eq!(
            v31(prefix, "[a, b]"),
            "[1]: expected type integer, found string"
        );
        assert_eq!(
            v31("{prefixItems: [{}], items: false}", "[1, 2]"),
            ": 2 items, more than the 1 that items allows"
        );
        assert_eq!(v31("{contains: {type: string}}", "[1, a]"), "valid");
        assert_eq!(
            v31("{contains: {type: string}}", "[1, 2]"),
            ": too few items match the schema under contains"
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            v30("{minLength: 2, maxLength: 3}", "éé"),
            "valid",
            "length counts characters"
        );
        assert_eq!(
            v30("{minLength: 2}", "a"),
            ": length 1 is below minLength 2"
        );
        assert_eq!(
            v30("{maxLength: 2}", "abc"),
            ": length 3 is above maxLength 2"
        );
        assert_eq!(v30("{pattern: '^\\d+$'}", "'12'"), "valid");
        assert_eq!(
            v30("{pattern: '^\\d+$'}", "'1a'"),
            r#": "1a" does not match pattern "^\\d+$""#
        );
        assert_eq!(
            v30("{pattern: 'b'}", "abc"),
            "valid",
            "a pattern matches anywhere"
        );
        assert_eq!(
            v30("{pattern: '(?=x)'}", "abc"),
            "valid",
            "a pattern Rust cannot run is not held against the value"
        );
        assert_eq!(v30("{pattern: '[unclosed'}", "abc"), "valid");
        assert_eq!(v30("{format: date}", "'2024-02-29'"), "valid");
        assert_eq!(
            v30("{format: date}", "'2023-02-29'"),
            r#": "2023-02-29" is not a valid date (format)"#
        );
        assert_eq!(v30("{format: made-up}", "anything"), "valid");
        assert_eq!(
            v30("{format: int32}", "2147483648"),
            ": 2147483648 is not a valid int32 (format)"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(v30("{minimum: 1, maximum: 3}", "2"), "valid");
        assert_eq!(v30("{minimum: 1}", "0"), ": 0 is below minimum 1");
        assert_eq!(v30("{maximum: 3}", "4"), ": 4 is above maximum 3");
        assert_eq!(
            v30("{maximum: 3, exclusiveMaximum: true}", "3"),
            ": 3 is above exclusive maximum 3"
        );
        assert_eq!(
            v30("{minimum: 1, exclusiveMinimum: true}", "1"),
            ": 1 is below exclusive minimum 1"
        );
        assert_eq!(v30("{minimum: 1, exclusiveMinimum: true}", "1.5"), "valid");
        assert_eq!(
            v31("{exclusiveMinimum: 1}", "1"),
            ": 1 is not above exclusiveMinimum 1"
        );
        assert_eq!(v31("{exclusiveMaximum: 1}", "0.5"), "valid");
        assert_eq!(
            v31("{exclusiveMaximum: 1}", "1"),
            ": 1 is not below exclusiveMaximum 1"
        );
        assert_eq!(
            v31("{exclusiveMaximum: true}", "1"),
            "unjudged",
            "a draft 4 flag in 3.1"
        );
        assert_eq!(v30("{multipleOf: 0.5}", "1.5"), "valid");
        assert_eq!(v30("{multipleOf: 2}", "3"), ": 3 is not a multipleOf 2");
    }

    #[test]
    fn combinators() {
        assert_eq!(
            v30("{allOf: [{type: integer}, {minimum: 2}]}", "2"),
            "valid"
        );
        assert_eq!(
            v30("{allOf: [{type: integer}, {minimum: 2}]}", "1"),
            ": 1 is below minimum 2"
        );
        assert_eq!(
            v30("{anyOf: [{type: integer}, {type: string}]}", "a"),
            "valid"
        );
        assert_eq!(
            v30("{anyOf: [{type: integer}, {type: string}]}", "true"),
            ": matches none of the anyOf schemas"
        );
        assert_eq!(
            v30("{oneOf: [{type: integer}, {type: string}]}", "1"),
            "valid"
        );
        assert_eq!(
            v30("{oneOf: [{type: integer}, {type: number}]}", "1"),
            ": matches more than one of the oneOf schemas (#1 and #2)"
        );
        assert_eq!(
            v30(
                "{oneOf: [{type: string}, {properties: {a: {type: string}}}]}",
                "{a: 1}"
            ),
            ".a: expected type string, found integer (in #2, the closest of the oneOf schemas)"
        );
        assert_eq!(v30("{not: {type: string}}", "1"), "valid");
        assert_eq!(
            v30("{not: {type: string}}", "a"),
            ": matches the schema under not"
        );
        let conditional = "{if: {minimum: 10}, then: {multipleOf: 10}, else: {maximum: 5}}";
        assert_eq!(v31(conditional, "20"), "valid");
        assert_eq!(v31(conditional, "15"), ": 15 is not a multipleOf 10");
        assert_eq!(v31(conditional, "7"), ": 7 is above maximum 5");
        assert_eq!(
            v31("{anyOf: [true, false]}", "1"),
            "valid",
            "boolean schemas"
        );
        assert_eq!(
            v31("{allOf: [false]}", "1"),
            ": no value is allowed here (the schema is false)"
        );
    }

    #[test]
    fn references_and_cycles() {
        let via_ref = "{type: object, properties: {n: {$ref: '#/components/schemas/Other'}}}";
        assert_eq!(v30(via_ref, "{n: 1}"), "valid");
        assert_eq!(
            v30(via_ref, "{n: x}"),
            ".n: expected type integer, found string"
        );
        let cyclic = "{type: object, properties: {next: {$ref: '#/components/schemas/S'}}}";
        assert_eq!(v30(cyclic, "{next: {next: 1}}"), "unjudged");
    }

    #[test]
    fn odd_keys_are_quoted_in_paths() {
        assert_eq!(
            v30("{properties: {'a b': {type: string}}}", "{'a b': 1}"),
            r#"["a b"]: expected type string, found integer"#
        );
    }

    #[test]
    fn the_budget_bounds_the_work() {
        let items: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let value = format!("[{}]", items.join(", "));
        // A million comparisons for uniqueItems: over the budget, so left unjudged.
        assert_eq!(v30("{uniqueItems: true}", &value), "unjudged");
        assert_eq!(v30("{items: {type: integer}}", &value), "valid");
    }
}

#[cfg(test)]
mod deep_tests {
    use super::*;
    use crate::openapi::load::{load, no_fetch, SpecFilter};
    use crate::source::Snapshot;

    /// A chain of 400 distinct schemas, each a property of the one before, and a value nested
    /// as deep as YAML allows: the depth limit stops the walk within a rayon worker's stack
    /// (2 MiB, where lint rules run), unoptimised build included.
    #[test]
    fn deep_schemas_and_values_stay_within_a_worker_stack() {
        let mut text = String::from("openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n");
        for i in 0..400 {
            text.push_str(&format!(
                "    S{i}: {{type: object, properties: {{a: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
                i + 1
            ));
        }
        text.push_str("    S400: {type: string}\n");
        let depth = 240;
        text.push_str(&format!(
            "x-value: {}1{}\n",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        ));
        let worker = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let snapshot = Snapshot::of_texts("test", [("a.yaml", text.as_str())]);
                let set = load(&snapshot, &SpecFilter::default(), &no_fetch)
                    .map_err(|e| e.to_string())?;
                let doc = &set.docs[set.specs[0].doc];
                let schema =
                    NodeRef::new(doc, doc.root.pointer("/components/schemas/S0").expect("S0"));
                let value = doc.root.pointer("/x-value").expect("x-value");
                let verdict =
                    Validator::new(&set, Version::V30).check(schema, value, Direction::Any);
                Ok::<bool, String>(matches!(verdict, Verdict::Unjudged))
            });
        let unjudged = worker
            .expect("spawn")
            .join()
            .expect("no overflow, no panic");
        assert_eq!(unjudged, Ok(true));
    }
}
