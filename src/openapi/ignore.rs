//! `x-treaty-ignore: {RULE: reason}`: treaty's suppression in an OpenAPI document, the
//! counterpart of `// treaty:ignore RULE reason` in a `.proto` file.
//!
//! It may sit on any object (an operation, a path item, a parameter, a schema, a response, the
//! document itself) and covers that object's text, from the key that introduces it (or its `-`
//! in a list) to its end: a finding of RULE located there is dropped, lint or breaking. RULE is
//! one rule's id or alias; the reason is a non-empty string. An entry that cannot work (not a
//! mapping, a name that is no rule's, a category, no reason) is an error at its place, so a
//! suppression never silently does nothing.

use std::collections::HashMap;

use super::load::{Doc, SpecSet};
use crate::diag::InputError;
use crate::finding::Location;
use crate::rules::RuleId;
use crate::tree::{Node, Value};

/// The extension key.
pub const KEY: &str = "x-treaty-ignore";

/// One object's suppression of one rule: the text it covers, as (line, column) bounds.
struct Region {
    start: Position,
    end: Position,
    rule: RuleId,
}

/// Every `x-treaty-ignore` of one revision's documents, by file.
#[derive(Default)]
pub struct Ignores {
    by_file: HashMap<String, Vec<Region>>,
}

impl Ignores {
    /// The suppressions of every document of `set`, and the entries that cannot work.
    pub fn collect(set: &SpecSet) -> (Ignores, Vec<InputError>) {
        let mut ignores = Ignores::default();
        let mut errors = Vec::new();
        for doc in &set.docs {
            if !doc.text.contains(KEY) {
                continue;
            }
            let regions = regions(doc, &mut errors);
            if !regions.is_empty() {
                ignores.by_file.insert(doc.path.clone(), regions);
            }
        }
        (ignores, errors)
    }

    pub fn is_empty(&self) -> bool {
        self.by_file.is_empty()
    }

    /// Does a suppression of `rule` cover `at`?
    pub fn covers(&self, rule: RuleId, at: &Location) -> bool {
        let Some(regions) = self.by_file.get(&at.file) else {
            return false;
        };
        let point = (at.line, at.column);
        regions
            .iter()
            .any(|r| r.rule == rule && r.start <= point && point < r.end)
    }
}

/// A line and a column, 1-based.
type Position = (u32, u32);

/// The regions of one document: a walk of its tree (with a stack: documents nest deep), each
/// object with the place its text starts (its key, its list item, or the top of the file).
fn regions(doc: &Doc, errors: &mut Vec<InputError>) -> Vec<Region> {
    let mut out = Vec::new();
    let end_of = |node: &Node| doc.lines().position(&doc.text, node.span.end);
    let file_end = doc.lines().position(&doc.text, doc.text.len() as u32);
    let mut stack: Vec<(&Node, Position, Position)> = vec![(&doc.root, (1, 1), file_end)];
    while let Some((node, start, end)) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                for (key, value) in entries.iter() {
                    if key.as_str() == Some(KEY) {
                        for rule in rules_of(doc, value, errors) {
                            out.push(Region { start, end, rule });
                        }
                    } else {
                        stack.push((value, (key.line, key.col), end_of(value)));
                    }
                }
            }
            Value::Seq(items) => {
                for item in items.iter() {
                    stack.push((item, (item.line, item.col), end_of(item)));
                }
            }
            _ => {}
        }
    }
    out
}

/// The rules an `x-treaty-ignore` value names; what is wrong with it goes to `errors`.
fn rules_of(doc: &Doc, value: &Node, errors: &mut Vec<InputError>) -> Vec<RuleId> {
    let error = |node: &Node, message: String| {
        InputError::at(message, doc.location(node), None).with_text(doc.text.clone())
    };
    let Some(entries) = value.as_map() else {
        errors.push(error(
            value,
            format!(
                "`{KEY}` must be a mapping of rule to reason, found a {}: \
                 `{KEY}: {{openapi/path-has-verb: why}}`",
                value.kind()
            ),
        ));
        return Vec::new();
    };
    let mut rules = Vec::new();
    for (key, reason) in entries.iter() {
        let token = key.as_str().unwrap_or_default();
        match crate::rules::suppressed_rule(token) {
            Err(message) => errors.push(error(key, message)),
            Ok(_) if reason.as_str().is_none_or(|r| r.trim().is_empty()) => errors.push(error(
                key,
                format!("`{KEY}` of `{token}` gives no reason: say why, for the reviewer"),
            )),
            Ok(rule) => rules.push(rule),
        }
    }
    rules
}
