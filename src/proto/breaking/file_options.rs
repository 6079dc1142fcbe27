//! Settings that shape generated code without being part of the schema: the file's
//! package and syntax, the language file options (`java_package`, `go_package`, ...) and two
//! message options. Generated code changes names, layout or API when they change.
//!
//! As buf does, values are compared as in effect: an unset option has its `descriptor.proto`
//! default, so `option java_multiple_files = false;` added where it was unset is no change.
//! A finding is located at the option in the new revision; when the option is gone, at the
//! start of the file (buf has no location left to point at either).

use super::index::{go_quote, loc};
use super::{Ctx, Sink};
use crate::finding::Location;
use crate::proto::ast::{OptionDecl, OptionValue, Span};
use crate::proto::model::SourceProto;
use crate::rules::{Check, RuleCode};

/// How an unset option reads.
#[derive(Clone, Copy)]
enum Unset {
    Bool(bool),
    Str,
    /// An enum option: the name of its default value.
    Enum(&'static str),
}

/// One file option compared by value.
struct FileOption {
    name: &'static str,
    default: Unset,
}

/// The rules comparing one file option differ only by option name and default; the macro
/// gives each its own function, as the registry takes plain function pointers.
macro_rules! rules {
    (
        file_options { $($func:ident, $id:literal, $name:literal, $default:expr;)* }
        others { $($other_id:literal => $other_func:ident,)* }
    ) => {
        $(
            fn $func(ctx: &Ctx, sink: &mut Sink) {
                same_file_option(ctx, sink, &FileOption { name: $name, default: $default });
            }
        )*
        pub const RULES: &[RuleCode] = &[
            $(RuleCode { id: $id, check: Check::ProtoBreaking($func) },)*
            $(RuleCode { id: $other_id, check: Check::ProtoBreaking($other_func) },)*
        ];
    };
}

rules! {
    file_options {
        cc_enable_arenas, "proto/file-same-cc-enable-arenas", "cc_enable_arenas", Unset::Bool(true);
        cc_generic_services, "proto/file-same-cc-generic-services", "cc_generic_services", Unset::Bool(false);
        csharp_namespace, "proto/file-same-csharp-namespace", "csharp_namespace", Unset::Str;
        go_package, "proto/file-same-go-package", "go_package", Unset::Str;
        java_generic_services, "proto/file-same-java-generic-services", "java_generic_services", Unset::Bool(false);
        java_multiple_files, "proto/file-same-java-multiple-files", "java_multiple_files", Unset::Bool(false);
        java_outer_classname, "proto/file-same-java-outer-classname", "java_outer_classname", Unset::Str;
        java_package, "proto/file-same-java-package", "java_package", Unset::Str;
        java_string_check_utf8, "proto/file-same-java-string-check-utf8", "java_string_check_utf8", Unset::Bool(false);
        objc_class_prefix, "proto/file-same-objc-class-prefix", "objc_class_prefix", Unset::Str;
        optimize_for, "proto/file-same-optimize-for", "optimize_for", Unset::Enum("SPEED");
        php_class_prefix, "proto/file-same-php-class-prefix", "php_class_prefix", Unset::Str;
        php_generic_services, "proto/file-same-php-generic-services", "php_generic_services", Unset::Bool(false);
        php_metadata_namespace, "proto/file-same-php-metadata-namespace", "php_metadata_namespace", Unset::Str;
        php_namespace, "proto/file-same-php-namespace", "php_namespace", Unset::Str;
        py_generic_services, "proto/file-same-py-generic-services", "py_generic_services", Unset::Bool(false);
        ruby_package, "proto/file-same-ruby-package", "ruby_package", Unset::Str;
        swift_prefix, "proto/file-same-swift-prefix", "swift_prefix", Unset::Str;
    }
    others {
        "proto/file-same-package" => file_same_package,
        "proto/file-same-syntax" => file_same_syntax,
        "proto/message-no-remove-standard-descriptor-accessor" => message_no_remove_standard_descriptor_accessor,
        "proto/message-same-message-set-wire-format" => message_same_message_set_wire_format,
    }
}

/// A plain (non-extension) option by name, e.g. `java_package`.
pub(super) fn find_option<'a>(options: &'a [OptionDecl], name: &str) -> Option<&'a OptionDecl> {
    options
        .iter()
        .find(|o| o.name.len() == 1 && !o.name[0].is_extension && o.name[0].name == name)
}

/// The option's value as buf prints it: `true`/`false`, the string's bytes, the enum
/// value's name. A value of the wrong type (which protoc rejects) prints as written.
fn value_text(value: &OptionValue) -> Vec<u8> {
    match value {
        OptionValue::Bool(b) => b.to_string().into_bytes(),
        OptionValue::Str(bytes) => bytes.clone(),
        OptionValue::Ident(word) => word.clone().into_bytes(),
        OptionValue::Int(i) => i.to_string().into_bytes(),
        OptionValue::Float(f) => f.to_string().into_bytes(),
        OptionValue::Aggregate(_) | OptionValue::List(_) => Vec::new(),
    }
}

/// The value in effect: the option's, or its default when unset.
fn effective(decl: Option<&OptionDecl>, default: Unset) -> Vec<u8> {
    match (decl, default) {
        (Some(d), _) => value_text(&d.value),
        (None, Unset::Bool(b)) => b.to_string().into_bytes(),
        (None, Unset::Str) => Vec::new(),
        (None, Unset::Enum(name)) => name.as_bytes().to_vec(),
    }
}

/// Where a changed file-level setting is reported: at its declaration, else (removed) at
/// the start of the file.
fn at_or_file(file: &SourceProto, decl_span: Option<Span>) -> Location {
    decl_span.map_or_else(|| file.file_location(), |s| loc(file, s))
}

fn same_file_option(ctx: &Ctx, sink: &mut Sink, option: &FileOption) {
    for (old, new) in ctx.file_pairs() {
        let old_decl = find_option(&old.ast.options, option.name);
        let new_decl = find_option(&new.ast.options, option.name);
        let before = effective(old_decl, option.default);
        let after = effective(new_decl, option.default);
        if before != after {
            sink.report(
                at_or_file(new, new_decl.map(|d| d.span)),
                old_decl.map(|d| loc(old, d.span)),
                format!(
                    "File option {} changed from {} to {}.",
                    go_quote(option.name.as_bytes()),
                    go_quote(&before),
                    go_quote(&after)
                ),
            );
        }
    }
}

fn file_same_package(ctx: &Ctx, sink: &mut Sink) {
    for (old, new) in ctx.file_pairs() {
        let before = old.package();
        let after = new.package();
        if before != after {
            sink.report(
                at_or_file(new, new.ast.package.as_ref().map(|p| p.span)),
                old.ast.package.as_ref().map(|p| loc(old, p.span)),
                format!(
                    "File package changed from {} to {}.",
                    go_quote(before.as_bytes()),
                    go_quote(after.as_bytes())
                ),
            );
        }
    }
}

/// Editions are one value for this rule (buf compares `proto2`/`proto3`/`editions`): moving
/// from edition 2023 to 2024 is judged by the rules on the features it changes.
fn file_same_syntax(ctx: &Ctx, sink: &mut Sink) {
    for (old, new) in ctx.file_pairs() {
        let before = old.ast.syntax.as_str();
        let after = new.ast.syntax.as_str();
        if before != after {
            sink.report(
                at_or_file(new, new.ast.syntax_span),
                old.ast.syntax_span.map(|s| loc(old, s)),
                format!(
                    "File syntax changed from {} to {}.",
                    go_quote(before.as_bytes()),
                    go_quote(after.as_bytes())
                ),
            );
        }
    }
}

/// The boolean message option `name`, with its declaration; unset reads as `false`.
fn message_flag<'a>(options: &'a [OptionDecl], name: &str) -> (bool, Option<&'a OptionDecl>) {
    let decl = find_option(options, name);
    let on = decl.is_some_and(|d| match &d.value {
        OptionValue::Bool(b) => *b,
        OptionValue::Ident(w) => w == "true",
        _ => false,
    });
    (on, decl)
}

/// Only turning the standard accessor off breaks callers (`descriptor()` disappears from
/// generated C++); turning it back on adds it.
fn message_no_remove_standard_descriptor_accessor(ctx: &Ctx, sink: &mut Sink) {
    const NAME: &str = "no_standard_descriptor_accessor";
    for (full_name, old) in &ctx.old.messages {
        let Some(new) = ctx.new.messages.get(full_name) else {
            continue;
        };
        let (before, old_decl) = message_flag(&old.message.options, NAME);
        let (after, new_decl) = message_flag(&new.message.options, NAME);
        if !before && after {
            sink.report(
                at_or_file(new.file, new_decl.map(|d| d.span)),
                old_decl.map(|d| loc(old.file, d.span)),
                format!(
                    "Message option {} changed from \"false\" to \"true\".",
                    go_quote(NAME.as_bytes())
                ),
            );
        }
    }
}

/// MessageSet encoding is a different wire format for the message's extensions.
fn message_same_message_set_wire_format(ctx: &Ctx, sink: &mut Sink) {
    const NAME: &str = "message_set_wire_format";
    for (full_name, old) in &ctx.old.messages {
        let Some(new) = ctx.new.messages.get(full_name) else {
            continue;
        };
        let (before, old_decl) = message_flag(&old.message.options, NAME);
        let (after, new_decl) = message_flag(&new.message.options, NAME);
        if before != after {
            sink.report(
                at_or_file(new.file, new_decl.map(|d| d.span)),
                old_decl.map(|d| loc(old.file, d.span)),
                format!(
                    "Message option {} changed from \"{before}\" to \"{after}\".",
                    go_quote(NAME.as_bytes())
                ),
            );
        }
    }
}
