//! An Example object has exactly one of `value` and `externalValue` (Spectral's
//! `oas3-examples-value-or-externalValue`). Read as Spectral reads them: the component examples,
//! and the examples of every `content` media type, parameter and header found under an
//! operation (or other path-item entry), following `$ref`s; an example that is itself a `$ref`
//! is read as its component.

use super::{Check, Ctx, Sink};
use crate::openapi::load::SpecSet;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use crate::tree::{Node, Value};
use std::collections::HashSet;

pub const RULES: &[Rule<Check>] = &[Rule::new(
    "openapi/example-value-conflict",
    example_value_conflict,
)];

struct Walk<'a, 's> {
    set: &'a SpecSet,
    sink: &'s mut Sink,
    /// Mappings already walked (a `$ref` target is walked once) and examples already read.
    seen: HashSet<usize>,
}

impl<'a> Walk<'a, '_> {
    /// One Example object, under its key.
    fn example(&mut self, key: NodeRef<'a>, example: &'a Node) {
        if example.as_map().is_none()
            || example.get("$ref").is_some()
            || !self.seen.insert(key.addr())
        {
            return;
        }
        let value = example.get("value").is_some();
        let external = example.get("externalValue").is_some();
        if value != external {
            return;
        }
        let name = key.node.as_str().unwrap_or_default();
        self.sink.lint(
            key.location(),
            if value {
                format!("the example '{name}' has both value and externalValue: which one it shows is undefined")
            } else {
                format!("the example '{name}' has neither value nor externalValue: it shows nothing")
            },
        );
    }

    /// The `examples` of a media type, parameter or header (through its `$ref`).
    fn holder(&mut self, holder: NodeRef<'a>) {
        let holder = self.resolve(holder);
        let Some(examples) = holder.get("examples") else {
            return;
        };
        let examples = self.resolve(examples);
        for (k, v) in examples.node.as_map().unwrap_or(&[]) {
            self.example(NodeRef::new(examples.doc, k), v);
        }
    }

    /// The node a `$ref` mapping leads to (one hop at a time, at most a few), else itself.
    fn resolve(&self, mut node: NodeRef<'a>) -> NodeRef<'a> {
        for _ in 0..8 {
            if node.node.get("$ref").is_none() {
                break;
            }
            match self.set.ref_target(node.node) {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    /// Everything under `node`, following references once each.
    fn walk(&mut self, node: NodeRef<'a>) {
        let node = self.resolve(node);
        match &node.node.value {
            Value::Map(entries) => {
                if !self.seen.insert(node.addr()) {
                    return;
                }
                for (k, v) in entries.iter() {
                    let v_ref = NodeRef::new(node.doc, v);
                    if matches!(k.as_str(), Some("content" | "parameters" | "headers")) {
                        let container = self.resolve(v_ref);
                        match &container.node.value {
                            Value::Map(items) => {
                                for (_, item) in items.iter() {
                                    self.holder(NodeRef::new(container.doc, item));
                                }
                            }
                            Value::Seq(items) => {
                                for item in items.iter() {
                                    self.holder(NodeRef::new(container.doc, item));
                                }
                            }
                            _ => {}
                        }
                    }
                    self.walk(v_ref);
                }
            }
            Value::Seq(items) => {
                for item in items.iter() {
                    self.walk(NodeRef::new(node.doc, item));
                }
            }
            _ => {}
        }
    }
}

fn example_value_conflict(ctx: &Ctx, sink: &mut Sink) {
    let Some(set) = ctx.specs.first().map(|s| s.set) else {
        return;
    };
    let mut walk = Walk {
        set,
        sink,
        seen: HashSet::new(),
    };
    for spec in &ctx.specs {
        let components = spec.root.get("components");
        if let Some(examples) = components.and_then(|c| c.get("examples")) {
            for (k, v) in examples.node.as_map().unwrap_or(&[]) {
                walk.example(NodeRef::new(examples.doc, k), v);
            }
        }
        for kind in ["parameters", "headers"] {
            let Some(list) = components.and_then(|c| c.get(kind)) else {
                continue;
            };
            for (_, item) in list.node.as_map().unwrap_or(&[]) {
                walk.holder(NodeRef::new(list.doc, item));
            }
        }
        for item in &spec.paths {
            for (_, value) in item.item.target.node.as_map().unwrap_or(&[]) {
                walk.walk(NodeRef::new(item.item.target.doc, value));
            }
        }
    }
}
