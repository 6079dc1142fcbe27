//! Names: the case of every declared name (PascalCase types, services and methods,
//! lower_snake_case fields, oneofs, packages and file names, UPPER_SNAKE_CASE enum values),
//! enum values prefixed with their enum's name, the zero value's `_UNSPECIFIED` suffix and the
//! `Service` suffix — buf lint's naming rules, with buf's notion of each case.
//!
//! A name is in a case when converting it to that case leaves it unchanged, so the same
//! conversion also gives the suggested name. Map entry messages (synthesized) are not checked;
//! a group is both a message (its name as written) and a field (that name lowercased), and both
//! are checked, as buf does. Extension fields are fields.

use super::{Check, Ctx, Sink};
use crate::proto::ast::{Enum, EnumValue, Field, Message, Oneof, ProtoFile};
use crate::proto::model::SourceProto;
use crate::rules::Rule;
use crate::span::Span;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/enum-pascal-case", enum_pascal_case),
    Rule::new(
        "proto/enum-value-upper-snake-case",
        enum_value_upper_snake_case,
    ),
    Rule::new("proto/field-lower-snake-case", field_lower_snake_case),
    Rule::new("proto/message-pascal-case", message_pascal_case),
    Rule::new("proto/oneof-lower-snake-case", oneof_lower_snake_case),
    Rule::new("proto/package-lower-snake-case", package_lower_snake_case),
    Rule::new("proto/rpc-pascal-case", rpc_pascal_case),
    Rule::new("proto/service-pascal-case", service_pascal_case),
    Rule::new("proto/file-lower-snake-case", file_lower_snake_case),
    Rule::new("proto/enum-value-prefix", enum_value_prefix),
    Rule::new("proto/enum-zero-value-suffix", enum_zero_value_suffix),
    Rule::new("proto/service-suffix", service_suffix),
];

// ---------------------------------------------------------------------------------------------
// The cases.

/// The separators between words that a conversion drops or turns into `_`.
fn is_delimiter(c: char) -> bool {
    matches!(c, '.' | '-' | '_' | ' ' | '\t' | '\n' | '\r')
}

/// PascalCase: separators dropped, the first letter and every letter after a separator
/// uppercased, other uppercase letters kept (`HTTPRequest` and `FOO` are PascalCase), other
/// letters lowercased.
pub fn to_pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous: Option<char> = None;
    for c in name.trim_matches(is_delimiter).chars() {
        if !is_delimiter(c) {
            if previous.is_none_or(is_delimiter) || c.is_uppercase() {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
        previous = Some(c);
    }
    out
}

/// snake_case with the letters' case kept: leading and trailing separators dropped, a run of
/// separators becomes one `_`, and a `_` goes before an uppercase letter that follows a
/// lowercase one (`fooBar`) or that starts a capitalized word after other capitals
/// (`HTTPRequest` -> `HTTP_Request`). A digit never starts a word (`field1`, `Foo2Bar` ->
/// `Foo2_Bar`).
fn to_snake_case(name: &str) -> String {
    let chars: Vec<char> = name.trim_matches(is_delimiter).chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let c = if is_delimiter(c) { '_' } else { c };
        if i == 0 {
            out.push(c);
            continue;
        }
        let after_separator = out.ends_with('_');
        let next_starts_lower = chars
            .get(i + 1)
            .is_some_and(|&n| !n.is_uppercase() && !n.is_ascii_digit() && !is_delimiter(n));
        if c.is_uppercase()
            && !after_separator
            && (next_starts_lower || chars[i - 1].is_lowercase())
        {
            out.push('_');
            out.push(c);
        } else if !(c == '_' && after_separator) {
            out.push(c);
        }
    }
    out
}

pub fn to_lower_snake_case(name: &str) -> String {
    to_snake_case(name).to_lowercase()
}

pub fn to_upper_snake_case(name: &str) -> String {
    to_snake_case(name).to_uppercase()
}

// ---------------------------------------------------------------------------------------------
// Walking the declarations of a file.

/// Every message of a file, nested ones and those groups declare included, map entries not.
pub(super) fn messages(file: &ProtoFile) -> Vec<&Message> {
    fn walk<'a>(message: &'a Message, out: &mut Vec<&'a Message>) {
        if !message.is_map_entry {
            out.push(message);
        }
        for nested in &message.messages {
            walk(nested, out);
        }
        for extend in &message.extends {
            for group in &extend.group_messages {
                walk(group, out);
            }
        }
    }
    let mut out = Vec::new();
    for message in &file.messages {
        walk(message, &mut out);
    }
    for extend in &file.extends {
        for group in &extend.group_messages {
            walk(group, &mut out);
        }
    }
    out
}

/// Every enum of a file, top-level and nested.
pub(super) fn enums(file: &ProtoFile) -> Vec<&Enum> {
    let mut out: Vec<&Enum> = file.enums.iter().collect();
    for message in messages(file) {
        out.extend(&message.enums);
    }
    out
}

/// Every field of a file: extensions and the fields groups declare included.
pub(super) fn fields(file: &ProtoFile) -> Vec<&Field> {
    let extends = file
        .extends
        .iter()
        .chain(messages(file).into_iter().flat_map(|m| &m.extends));
    messages(file)
        .into_iter()
        .flat_map(|m| &m.fields)
        .chain(extends.flat_map(|e| &e.fields))
        .collect()
}

pub(super) fn oneofs(file: &ProtoFile) -> Vec<&Oneof> {
    messages(file).into_iter().flat_map(|m| &m.oneofs).collect()
}

/// Reports `name` at `span` when it is not already `expected`.
fn check_case(
    sink: &mut Sink,
    file: &SourceProto,
    span: Span,
    what: &str,
    name: &str,
    case: &str,
    expected: String,
) {
    if name != expected {
        sink.lint(
            file.location(span),
            format!("the {what} '{name}' is not {case} (it would be '{expected}')"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The rules.

fn enum_pascal_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for e in enums(&file.ast) {
            let expected = to_pascal_case(&e.name);
            check_case(
                sink,
                file,
                e.name_span,
                "enum",
                &e.name,
                "PascalCase",
                expected,
            );
        }
    }
}

fn message_pascal_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for m in messages(&file.ast) {
            let expected = to_pascal_case(&m.name);
            check_case(
                sink,
                file,
                m.name_span,
                "message",
                &m.name,
                "PascalCase",
                expected,
            );
        }
    }
}

fn service_pascal_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for s in &file.ast.services {
            let expected = to_pascal_case(&s.name);
            check_case(
                sink,
                file,
                s.name_span,
                "service",
                &s.name,
                "PascalCase",
                expected,
            );
        }
    }
}

fn rpc_pascal_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for m in file.ast.services.iter().flat_map(|s| &s.methods) {
            let expected = to_pascal_case(&m.name);
            check_case(
                sink,
                file,
                m.name_span,
                "rpc",
                &m.name,
                "PascalCase",
                expected,
            );
        }
    }
}

fn field_lower_snake_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for f in fields(&file.ast) {
            let expected = to_lower_snake_case(&f.name);
            check_case(
                sink,
                file,
                f.name_span,
                "field",
                &f.name,
                "lower_snake_case",
                expected,
            );
        }
    }
}

fn oneof_lower_snake_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for o in oneofs(&file.ast) {
            let expected = to_lower_snake_case(&o.name);
            check_case(
                sink,
                file,
                o.name_span,
                "oneof",
                &o.name,
                "lower_snake_case",
                expected,
            );
        }
    }
}

fn enum_value_upper_snake_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for v in enums(&file.ast).into_iter().flat_map(|e| &e.values) {
            let expected = to_upper_snake_case(&v.name);
            check_case(
                sink,
                file,
                v.name_span,
                "enum value",
                &v.name,
                "UPPER_SNAKE_CASE",
                expected,
            );
        }
    }
}

/// Each dot-separated component lower_snake_case; reported at the `package` statement.
fn package_lower_snake_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let Some(package) = &file.ast.package else {
            continue;
        };
        let expected = package
            .name
            .split('.')
            .map(to_lower_snake_case)
            .collect::<Vec<_>>()
            .join(".");
        check_case(
            sink,
            file,
            package.span,
            "package",
            &package.name,
            "lower_snake_case in each component",
            expected,
        );
    }
}

/// The file's own name, its directories and `.proto` left out; reported at the file's start.
fn file_lower_snake_case(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let base = file.display.rsplit('/').next().unwrap_or(&file.display);
        let stem = base.strip_suffix(".proto").unwrap_or(base);
        let expected = to_lower_snake_case(stem);
        if stem != expected {
            sink.lint(
                file.location(Span::new(0, 0)),
                format!(
                    "the file name '{base}' is not lower_snake_case (it would be \
                     '{expected}.proto')"
                ),
            );
        }
    }
}

/// The prefix every value of an enum carries: its name in UPPER_SNAKE_CASE and `_`.
pub fn enum_value_prefix_of(enum_name: &str) -> String {
    format!("{}_", to_upper_snake_case(enum_name))
}

fn enum_value_prefix(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for e in enums(&file.ast) {
            let prefix = enum_value_prefix_of(&e.name);
            for v in e.values.iter().filter(|v| !v.name.starts_with(&prefix)) {
                sink.lint(
                    file.location(v.name_span),
                    format!(
                        "the value '{}' of the enum '{}' does not start with '{prefix}': \
                         values of sibling enums share one scope, the prefix keeps them apart",
                        v.name, e.name
                    ),
                );
            }
        }
    }
}

fn enum_zero_value_suffix(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let suffix = ctx.settings_for(file).enum_zero_value_suffix.as_str();
        for e in enums(&file.ast) {
            let zeros = e.values.iter().filter(|v| v.number == 0);
            for v in zeros.filter(|v: &&EnumValue| !v.name.ends_with(suffix)) {
                sink.lint(
                    file.location(v.name_span),
                    format!(
                        "the zero value '{}' of the enum '{}' does not end in '{suffix}': the \
                         zero value is what an unset field reads as, and should say so",
                        v.name, e.name
                    ),
                );
            }
        }
    }
}

fn service_suffix(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let suffix = ctx.settings_for(file).service_suffix.as_str();
        for s in file
            .ast
            .services
            .iter()
            .filter(|s| !s.name.ends_with(suffix))
        {
            sink.lint(
                file.location(s.name_span),
                format!("the service '{}' does not end in '{suffix}'", s.name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_follows_buf() {
        for ok in [
            "Foo",
            "FOO",
            "HTTPRequest",
            "Foo2Bar",
            "Foo1bar",
            "F",
            "X9",
            "FOOBar",
        ] {
            assert_eq!(to_pascal_case(ok), ok);
        }
        for (bad, want) in [
            ("foo_lower", "FooLower"),
            ("Foo_Bar", "FooBar"),
            ("_Foo", "Foo"),
            ("Foo_", "Foo"),
            ("fooBar", "FooBar"),
        ] {
            assert_eq!(to_pascal_case(bad), want, "{bad}");
        }
    }

    #[test]
    fn snake_case_follows_buf() {
        for ok in [
            "field_1", "field1", "f_1_a", "f1_a", "ab9c", "a_b_c", "oneof1",
        ] {
            assert_eq!(to_lower_snake_case(ok), ok);
        }
        for (bad, want) in [
            ("fieldA", "field_a"),
            ("FIELD", "field"),
            ("_field", "field"),
            ("field_", "field"),
            ("field__two", "field_two"),
            ("F1A", "f1a"),
            ("fooBar_", "foo_bar"),
            ("OneOfBad", "one_of_bad"),
            ("file.name", "file_name"),
        ] {
            assert_eq!(to_lower_snake_case(bad), want, "{bad}");
        }
        for ok in ["COLOR_RED_1", "COLOR_RED1", "COLOR_1", "COLORX"] {
            assert_eq!(to_upper_snake_case(ok), ok);
        }
        for (bad, want) in [
            ("COLOR_red", "COLOR_RED"),
            ("COLOR__RED", "COLOR_RED"),
            ("_COLOR_X", "COLOR_X"),
        ] {
            assert_eq!(to_upper_snake_case(bad), want, "{bad}");
        }
        for (name, prefix) in [
            ("HTTPMethod", "HTTP_METHOD_"),
            ("Foo2Baz", "FOO2_BAZ_"),
            ("V1Thing", "V1_THING_"),
            ("Abc_Def", "ABC_DEF_"),
            ("ENUMX", "ENUMX_"),
            ("FOOBar", "FOO_BAR_"),
            ("ABc", "A_BC_"),
        ] {
            assert_eq!(enum_value_prefix_of(name), prefix, "{name}");
        }
    }
}
