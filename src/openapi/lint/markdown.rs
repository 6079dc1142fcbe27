//! Descriptions and titles carry no script (Spectral's `no-eval-in-markdown` and
//! `no-script-tags-in-markdown`): documentation renders them as Markdown, and Markdown passes
//! HTML through. Every string under a `description` or `title` key of each spec's document is
//! read, wherever it is (examples included, as Spectral reads them); the finding is at the value.

use super::schemas::{each_map, spec_docs};
use super::{Check, Ctx, Sink};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/markdown-eval", |ctx, sink| {
        text_containing(ctx, sink, "eval(", "calls eval(")
    }),
    Rule::new("openapi/markdown-script-tag", |ctx, sink| {
        text_containing(ctx, sink, "<script", "holds a <script> tag")
    }),
];

fn text_containing(ctx: &Ctx, sink: &mut Sink, needle: &str, what: &str) {
    for (doc, _) in spec_docs(ctx) {
        each_map(&doc.root, &mut |map, _| {
            for key in ["description", "title"] {
                let Some(value) = map.get(key) else { continue };
                let Some(text) = value.as_str() else { continue };
                if text.contains(needle) {
                    sink.lint(
                        NodeRef::new(doc, value).location(),
                        format!(
                            "this {key} {what}: documentation that renders it as Markdown \
                             would run script in its readers' browsers"
                        ),
                    );
                }
            }
        });
    }
}
