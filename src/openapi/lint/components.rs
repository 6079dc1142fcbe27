//! Components are used, and a `$ref` stands alone in OpenAPI 3.0 (Spectral's
//! `oas3-unused-component` and `no-$ref-siblings`).

use super::schemas::{each_map, spec_docs};
use super::{Check, Ctx, Sink};
use crate::openapi::load::Version;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use std::collections::HashSet;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/component-unused", component_unused),
    Rule::new("openapi/ref-sibling", ref_sibling),
];

/// The kinds of component a `$ref` can reach and Spectral reads (security schemes are named,
/// not referenced; 3.1 path items are left out as Spectral leaves them).
const KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
];

/// A document's identity for the length of the run.
fn doc_address(doc: &crate::openapi::load::Doc) -> usize {
    doc as *const _ as usize
}

fn component_unused(ctx: &Ctx, sink: &mut Sink) {
    let Some(set) = ctx.specs.first().map(|s| s.set) else {
        return;
    };
    // Every node some `$ref` of any loaded document points at (one hop: a component reached
    // only through another component's `$ref` is used by that one).
    let mut targets: HashSet<usize> = HashSet::new();
    // `$ref`s that treaty reads as data (under `x-` extensions, examples) are not resolved, but
    // Spectral, like a reader, counts them as uses: (document, kind, name) of local ones.
    let mut named: HashSet<(usize, String, String)> = HashSet::new();
    for doc in &set.docs {
        each_map(&doc.root, &mut |map, _| {
            let Some(reference) = map.get("$ref") else {
                return;
            };
            if let Some(target) = set.ref_target(map) {
                targets.insert(target.addr());
            } else if let Some((kind, name)) = reference
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/"))
                .and_then(|r| r.split_once('/'))
            {
                let name = name.replace("~1", "/").replace("~0", "~");
                named.insert((doc_address(doc), kind.to_string(), name));
            }
        });
    }
    for spec in &ctx.specs {
        let Some(components) = spec.root.get("components") else {
            continue;
        };
        for kind in KINDS {
            let Some(entries) = components.node.get(kind).and_then(|k| k.as_map()) else {
                continue;
            };
            for (key, value) in entries {
                let name = key.as_str().unwrap_or_default();
                let doc = doc_address(spec.doc);
                if targets.contains(&NodeRef::new(spec.doc, value).addr())
                    || named.contains(&(doc, kind.to_string(), name.to_string()))
                {
                    continue;
                }
                sink.lint(
                    NodeRef::new(spec.doc, key).location(),
                    format!(
                        "the component {kind}/{name} is referenced nowhere: dead weight that \
                         readers take for part of the API"
                    ),
                );
            }
        }
    }
}

fn ref_sibling(ctx: &Ctx, sink: &mut Sink) {
    for (doc, version) in spec_docs(ctx) {
        // OpenAPI 3.1 gives `$ref` siblings a meaning; 3.0 ignores them.
        if version != Version::V30 {
            continue;
        }
        each_map(&doc.root, &mut |map, _| {
            let entries = map.as_map().unwrap_or(&[]);
            if entries.len() < 2 || map.get("$ref").is_none() {
                return;
            }
            for (key, _) in entries {
                let name = key.as_str().unwrap_or_default();
                if name == "$ref" {
                    continue;
                }
                sink.lint(
                    NodeRef::new(doc, key).location(),
                    format!(
                        "'{name}' sits next to a $ref: OpenAPI 3.0 ignores everything beside a \
                         $ref, so it has no effect"
                    ),
                );
            }
        });
    }
}
