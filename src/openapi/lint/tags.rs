//! The top-level tags list names each tag once (Spectral's `openapi-tags-uniqueness`).

use super::{Check, Ctx, Sink};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new("openapi/tag-duplicate", tag_duplicate)];

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
