//! The top-level tags list exists, names each tag once and describes it (Spectral's
//! `openapi-tags-uniqueness`; `openapi-tags` and `tag-description`, which Spectral's recommended
//! set leaves off, are off by default here too).

use super::{Check, Ctx, Sink};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/tag-duplicate", tag_duplicate),
    Rule::new("openapi/tags-missing", tags_missing),
    Rule::new("openapi/tag-description-missing", tag_description_missing),
];

fn tags_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let at = match spec.root.node.get_entry("tags") {
            None => spec.root,
            Some((key, value)) => match value.as_seq() {
                Some(items) if !items.is_empty() => continue,
                _ => NodeRef::new(spec.doc, key),
            },
        };
        sink.lint(
            at.location(),
            "the spec has no top-level tags: its tags have no description and no order",
        );
    }
}

fn tag_description_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let Some(tags) = spec.root.get("tags") else {
            continue;
        };
        for tag in tags.node.items().filter(|t| t.as_map().is_some()) {
            let tag = NodeRef::new(tags.doc, tag);
            let Some(at) = super::operations::empty_field(tag, tag, "description") else {
                continue;
            };
            let name = tag.node.get("name").and_then(|n| n.as_str()).unwrap_or("");
            sink.lint(
                at.location(),
                format!("the tag '{name}' has no description: readers see a bare word"),
            );
        }
    }
}

fn tag_duplicate(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let Some(tags) = spec.root.get("tags") else {
            continue;
        };
        // A list that is not all tag objects with a name is malformed, not duplicated.
        let Some(names) = tags
            .node
            .items()
            .map(|t| t.get("name").filter(|n| n.as_str().is_some()))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        for (i, name) in names.iter().enumerate() {
            let text = name.as_str().unwrap_or_default();
            if names[..i].iter().any(|n| n.as_str() == Some(text)) {
                sink.lint(
                    NodeRef::new(tags.doc, name).location(),
                    format!(
                        "the tag '{text}' is declared twice in the top-level tags: which \
                         description and order apply is undefined"
                    ),
                );
            }
        }
    }
}
