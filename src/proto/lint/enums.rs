//! Enums: the zero value first, no aliases.

use super::{Check, Ctx, Sink};
use crate::proto::ast::{Enum, Message, OptionValue};
use crate::proto::model::SourceProto;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/enum-first-value-zero", enum_first_value_zero),
    Rule::new("proto/enum-no-allow-alias", enum_no_allow_alias),
];

/// Every enum of the file, nested ones included, with its full name.
pub fn each_enum<'a>(file: &'a SourceProto, mut f: impl FnMut(String, &'a Enum)) {
    fn message<'a>(scope: &str, m: &'a Message, f: &mut dyn FnMut(String, &'a Enum)) {
        let name = format!("{scope}{}", m.name);
        for e in &m.enums {
            f(format!("{name}.{}", e.name), e);
        }
        for nested in &m.messages {
            message(&format!("{name}."), nested, f);
        }
    }
    let scope = match file.package() {
        "" => String::new(),
        p => format!("{p}."),
    };
    for e in &file.ast.enums {
        f(format!("{scope}{}", e.name), e);
    }
    for m in &file.ast.messages {
        message(&scope, m, &mut f);
    }
}

fn enum_first_value_zero(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        each_enum(file, |name, e| {
            let Some(first) = e.values.first() else {
                return;
            };
            if first.number != 0 {
                sink.lint(
                    file.location(first.number_span),
                    format!(
                        "the first value '{}' of the enum '{name}' is {}, not 0: the zero \
                         value is what an unset field reads as",
                        first.name, first.number
                    ),
                );
            }
        });
    }
}

fn enum_no_allow_alias(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        each_enum(file, |name, e| {
            for option in &e.options {
                if option.is_named("allow_alias") && option.value == OptionValue::Bool(true) {
                    sink.lint(
                        file.location(option.span),
                        format!(
                            "the enum '{name}' allows aliases: two names for one number \
                             make the JSON form and renames ambiguous"
                        ),
                    );
                }
            }
        });
    }
}
