//! OWASP API Security Top 10, API4:2023 "Unrestricted Resource Consumption", as Spectral's
//! OWASP ruleset checks it in a contract: arrays without `maxItems`, integers without a
//! minimum and a maximum. Opt-in (category `owasp`): most specs bound few of their schemas,
//! and a limit is a promise the server must then keep. Every schema of each spec's documents
//! is read, wherever it is (components, inline, parameters); examples, defaults and
//! extensions are data, not schemas, and are left out.

use super::schemas::spec_docs;
use super::{Check, Ctx, Sink};
use crate::openapi::load::Doc;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use crate::tree::{Node, Value};

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/array-max-items-missing", array_max_items_missing),
    Rule::new("openapi/integer-bounds-missing", integer_bounds_missing),
];

/// Keys whose values are data (examples, defaults, enum values) or extensions, not schemas.
fn holds_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Where a schema is: the key it is under (`None` for sequence items) and the mapping that holds
/// that key.
type Place<'n> = Option<(&'n Node, &'n Node)>;

/// Every mapping that may be a schema, with its place. Depth first, in file order; a key of a
/// `properties` map is a property name, never data.
fn each_schema<'n>(root: &'n Node, f: &mut dyn FnMut(&'n Node, Place<'n>)) {
    let mut stack: Vec<(&Node, Place, bool)> = vec![(root, None, false)];
    while let Some((node, place, in_properties)) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                f(node, place);
                for (k, v) in entries.iter().rev() {
                    let name = k.as_str().unwrap_or("");
                    if !in_properties && holds_data(name) {
                        continue;
                    }
                    let properties =
                        !in_properties && matches!(name, "properties" | "patternProperties");
                    stack.push((v, Some((k, node)), properties));
                }
            }
            Value::Seq(items) => stack.extend(items.iter().rev().map(|i| (i, None, false))),
            _ => {}
        }
    }
}

/// Does the schema's `type` (a string, or a 3.1 list) allow `ty`?
fn has_type(schema: &Node, ty: &str) -> bool {
    match schema.get("type").map(|t| &t.value) {
        Some(Value::Str(s)) => &**s == ty,
        Some(Value::Seq(items)) => items.iter().any(|i| i.as_str() == Some(ty)),
        _ => false,
    }
}

/// Where to point at a schema, and how to name it: the key it is under (a parameter's schema
/// by the parameter's name), else its `type`.
fn schema_at<'a>(doc: &'a Doc, schema: &'a Node, place: Place<'a>) -> (NodeRef<'a>, String) {
    match place {
        Some((k, holder)) => {
            let key = k.as_str().unwrap_or("");
            let parameter = holder
                .get("in")
                .and(holder.get("name"))
                .and_then(Node::as_str);
            let name = match parameter {
                Some(p) if key == "schema" => format!("of the parameter '{p}'"),
                _ => format!("'{key}'"),
            };
            (NodeRef::new(doc, k), name)
        }
        None => {
            let at = schema.get_entry("type").map_or(schema, |(k, _)| k);
            (NodeRef::new(doc, at), "here".to_string())
        }
    }
}

fn array_max_items_missing(ctx: &Ctx, sink: &mut Sink) {
    for (doc, _) in spec_docs(ctx) {
        each_schema(&doc.root, &mut |schema, key| {
            if !has_type(schema, "array") || schema.get("maxItems").is_some() {
                return;
            }
            let (at, name) = schema_at(doc, schema, key);
            sink.lint(
                at.location(),
                format!(
                    "the array schema {name} has no maxItems: nothing bounds how many items a \
                     request or response may carry (OWASP API4:2023)"
                ),
            );
        });
    }
}

fn integer_bounds_missing(ctx: &Ctx, sink: &mut Sink) {
    for (doc, _) in spec_docs(ctx) {
        each_schema(&doc.root, &mut |schema, key| {
            // An enum or a const bounds the value already.
            if !has_type(schema, "integer")
                || schema.get("enum").is_some()
                || schema.get("const").is_some()
            {
                return;
            }
            // 3.0: `minimum` (with a boolean `exclusiveMinimum`); 3.1: either, a number.
            let bounded = |inclusive: &str, exclusive: &str| {
                schema.get(inclusive).is_some()
                    || schema.get(exclusive).is_some_and(|e| e.as_f64().is_some())
            };
            let missing: Vec<&str> = [
                ("minimum", bounded("minimum", "exclusiveMinimum")),
                ("maximum", bounded("maximum", "exclusiveMaximum")),
            ]
            .into_iter()
            .filter(|(_, has)| !has)
            .map(|(name, _)| name)
            .collect();
            if missing.is_empty() {
                return;
            }
            let (at, name) = schema_at(doc, schema, key);
            sink.lint(
                at.location(),
                format!(
                    "the integer schema {name} has no {}: any value up to the integer's range \
                     is valid (OWASP API4:2023)",
                    missing.join(" and no ")
                ),
            );
        });
    }
}
