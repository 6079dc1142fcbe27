//! The `info` object says who runs the API and what it is for (Spectral's `info-contact` and
//! `info-description`). A missing field is reported at the `info` key (at the document's start
//! when `info` itself is missing); an empty one at its value.

use super::operations::empty_field;
use super::{Check, Ctx, Sink};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/info-contact-missing", |ctx, sink| {
        info_field(ctx, sink, "contact", "whom to ask about the API")
    }),
    Rule::new("openapi/info-description-missing", |ctx, sink| {
        info_field(ctx, sink, "description", "what the API is for")
    }),
];

fn info_field(ctx: &Ctx, sink: &mut Sink, field: &str, purpose: &str) {
    for spec in &ctx.specs {
        let at = match spec.root.node.get_entry("info") {
            None => Some(spec.root),
            Some((key, value)) => empty_field(
                crate::openapi::refs::NodeRef::new(spec.doc, value),
                crate::openapi::refs::NodeRef::new(spec.doc, key),
                field,
            ),
        };
        if let Some(at) = at {
            sink.lint(
                at.location(),
                format!("the info object has no {field}: readers cannot learn {purpose}"),
            );
        }
    }
}
