//! Enums agree with their schema's type and list each value once (Spectral's `typed-enum` and
//! `duplicated-entry-in-enum`). Every mapping of each spec's document is read, wherever it is
//! (a schema anywhere, examples included, as Spectral reads them).

use super::{Check, Ctx, Sink};
use crate::openapi::load::{Doc, Version};
use crate::openapi::model::ValueSet;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use crate::tree::{Node, Value};

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/enum-value-type-mismatch", enum_value_type_mismatch),
    Rule::new("openapi/enum-value-duplicate", enum_value_duplicate),
    Rule::new("openapi/array-items-missing", array_items_missing),
];

/// Every mapping under `node` (itself included) with the key node it is under (`None` at the
/// root and for sequence items), depth first in file order.
pub(super) fn each_map<'n>(node: &'n Node, f: &mut dyn FnMut(&'n Node, Option<&'n Node>)) {
    let mut stack: Vec<(&Node, Option<&Node>)> = vec![(node, None)];
    while let Some((node, key)) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                f(node, key);
                for (k, v) in entries.iter().rev() {
                    stack.push((v, Some(k)));
                }
            }
            Value::Seq(items) => stack.extend(items.iter().rev().map(|i| (i, None))),
            _ => {}
        }
    }
}

/// The documents of the specs, each once.
pub(super) fn spec_docs<'a>(ctx: &Ctx<'a>) -> Vec<(&'a Doc, Version)> {
    let mut docs: Vec<(&Doc, Version)> = Vec::new();
    for spec in &ctx.specs {
        if !docs.iter().any(|(d, _)| std::ptr::eq(*d, spec.doc)) {
            docs.push((spec.doc, spec.version));
        }
    }
    docs
}

/// The JSON type of a value; a whole number is `integer` when `integer` is allowed.
fn json_type(value: &Node, integer: bool) -> &'static str {
    match &value.value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Str(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
        Value::Int(_) if integer => "integer",
        Value::Float(f) if integer && f.fract() == 0.0 => "integer",
        Value::Int(_) | Value::Float(_) => "number",
    }
}

/// The types a schema allows: `type` (a string or a list of strings), plus `null` for a 3.0
/// `nullable: true`. `None` when `type` is neither.
fn allowed_types(schema: &Node, version: Version) -> Option<Vec<&str>> {
    let ty = schema.get("type")?;
    let mut types: Vec<&str> = match &ty.value {
        Value::Str(s) => vec![&**s],
        Value::Seq(items) => items.iter().map(Node::as_str).collect::<Option<_>>()?,
        _ => return None,
    };
    if version == Version::V30 && schema.get("nullable").and_then(Node::as_bool) == Some(true) {
        types.push("null");
    }
    Some(types)
}

fn enum_value_type_mismatch(ctx: &Ctx, sink: &mut Sink) {
    for (doc, version) in spec_docs(ctx) {
        each_map(&doc.root, &mut |schema, _| {
            let Some(values) = schema.get("enum").and_then(Node::as_seq) else {
                return;
            };
            let Some(types) = allowed_types(schema, version) else {
                return;
            };
            let integer = types.contains(&"integer");
            for value in values {
                let actual = json_type(value, integer);
                if types.contains(&actual) {
                    continue;
                }
                let text = value.source(&doc.text);
                sink.lint(
                    NodeRef::new(doc, value).location(),
                    format!(
                        "the enum value {text} is {actual}, not of the schema's type {}: no \
                         valid instance can take it",
                        types.join(" or ")
                    ),
                );
            }
        });
    }
}

fn enum_value_duplicate(ctx: &Ctx, sink: &mut Sink) {
    for (doc, _) in spec_docs(ctx) {
        each_map(&doc.root, &mut |schema, key| {
            // A `properties` map holds property names: one named `enum` is not an enum.
            if key.and_then(Node::as_str) == Some("properties") {
                return;
            }
            let Some((enum_key, list)) = schema.get_entry("enum") else {
                return;
            };
            let Some(values) = list.as_seq() else { return };
            let mut seen = ValueSet::new();
            let repeated: Vec<&str> = values
                .iter()
                .filter(|v| !seen.insert(v))
                .map(|v| v.source(&doc.text))
                .collect();
            if repeated.is_empty() {
                return;
            }
            sink.lint(
                NodeRef::new(doc, enum_key).location(),
                format!(
                    "the enum lists {} more than once: a repeated value says nothing and hides \
                     what was meant",
                    repeated.join(", ")
                ),
            );
        });
    }
}

/// `type: array`, or (3.1) a type list that holds `array`.
fn is_array_schema(schema: &Node, version: Version) -> bool {
    match schema.get("type").map(|t| &t.value) {
        Some(Value::Str(s)) => &**s == "array",
        Some(Value::Seq(items)) => {
            version != Version::V30 && items.iter().any(|i| i.as_str() == Some("array"))
        }
        _ => false,
    }
}

fn array_items_missing(ctx: &Ctx, sink: &mut Sink) {
    for (doc, version) in spec_docs(ctx) {
        each_map(&doc.root, &mut |schema, key| {
            if !is_array_schema(schema, version) {
                return;
            }
            let at = match schema.get("items") {
                Some(items) if super::operations::truthy(items) => return,
                Some(items) => items,
                // The schema's key when it has one (a block mapping starts on the next line).
                None => key.unwrap_or(schema),
            };
            sink.lint(
                NodeRef::new(doc, at).location(),
                "this array schema has no items: what its elements are is unknown, and OpenAPI \
                 requires items with type array",
            );
        });
    }
}
