//! Field presence (opt-in). The API guide's discipline for proto contracts: "always add new
//! fields as optional". A proto3 scalar or enum field without `optional` has no presence: a
//! client cannot tell "set to zero" from "not sent", so a default can never change and a
//! field can never become conditionally required without a new field.

use super::{Check, Ctx, Sink};
use crate::proto::ast::{Field, FieldType, Message, RefKind, Syntax};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new(
    "proto/field-without-presence",
    field_without_presence,
)];

fn field_without_presence(ctx: &Ctx, sink: &mut Sink) {
    fn walk(m: &Message, scope: &str, report: &mut impl FnMut(&Field, &str)) {
        let name = format!("{scope}{}", m.name);
        for field in &m.fields {
            report(field, &name);
        }
        for nested in &m.messages {
            walk(nested, &format!("{name}."), report);
        }
    }
    for file in ctx.files().filter(|f| f.ast.syntax == Syntax::Proto3) {
        let mut report = |field: &Field, message: &str| {
            let implicit = field.label.is_none() && field.oneof.is_none() && !field.is_map;
            let scalar_like = match &field.ty {
                FieldType::Scalar(_) => true,
                FieldType::Named(r) => matches!(r.kind, RefKind::Enum),
            };
            if implicit && scalar_like {
                sink.lint(
                    file.location(field.name_span),
                    format!(
                        "the field '{}' of '{message}' has no presence: mark it `optional` so \
                         clients can tell \"not set\" from its zero value",
                        field.name
                    ),
                );
            }
        };
        for m in &file.ast.messages {
            walk(m, "", &mut report);
        }
    }
}
