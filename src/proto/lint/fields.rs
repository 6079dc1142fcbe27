//! Fields: no required fields, no field named like the generated `descriptor` accessor, and
//! files that say which syntax they are written in.

use super::naming::fields;
use super::{Check, Ctx, Sink};
use crate::proto::ast::{Field, Label, OptionValue};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/field-not-required", field_not_required),
    Rule::new("proto/field-no-descriptor", field_no_descriptor),
    Rule::new("proto/syntax-specified", syntax_specified),
];

/// A proto2 `required` label, or the editions feature that means the same.
fn is_required(field: &Field) -> bool {
    field.label == Some(Label::Required)
        || field
            .option("features.field_presence")
            .is_some_and(|o| matches!(&o.value, OptionValue::Ident(v) if v == "LEGACY_REQUIRED"))
}

fn field_not_required(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for field in fields(&file.ast).into_iter().filter(|f| is_required(f)) {
            sink.lint(
                file.location(field.name_span),
                format!(
                    "the field '{}' is required: it can never be removed or left unset without \
                     breaking every reader",
                    field.name
                ),
            );
        }
    }
}

fn field_no_descriptor(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for field in fields(&file.ast) {
            if field
                .name
                .trim_matches('_')
                .eq_ignore_ascii_case("descriptor")
            {
                sink.lint(
                    file.location(field.name_span),
                    format!(
                        "the field '{}' is named like the 'descriptor' accessor some generated \
                         code has",
                        field.name
                    ),
                );
            }
        }
    }
}

fn syntax_specified(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files().filter(|f| f.ast.syntax_span.is_none()) {
        sink.lint(
            file.file_location(),
            "the file has no 'syntax' or 'edition' statement: it is read as proto2, which \
             nobody may have meant",
        );
    }
}
