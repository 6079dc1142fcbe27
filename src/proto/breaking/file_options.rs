//! Settings that shape generated code without being part of the schema: the file's
//! package and syntax, the language file options (`java_package`, `go_package`, ...) and two
//! message options. Generated code changes names, layout or API when they change.
//!
//! As buf does, values are compared as in effect: an unset option has its `descriptor.proto`
//! default, so `option java_multiple_files = false;` added where it was unset is no change.
//! A finding is located at the option in the new revision; when the option is gone, at the
//! start of the file (buf has no location left to point at either).

use super::index::{go_quote, loc};
use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::proto::ast::{OptionDecl, OptionValue, Span};
use crate::proto::model::SourceProto;
use crate::rules::Rule;

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

/// The language file options differ only by option name and default.
pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/file-same-cc-enable-arenas", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "cc_enable_arenas",
                default: Unset::Bool(true),
            },
        )
    }),
    Rule::new("proto/file-same-cc-generic-services", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "cc_generic_services",
                default: Unset::Bool(false),
            },
        )
    }),
    Rule::new("proto/file-same-csharp-namespace", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "csharp_namespace",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-go-package", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "go_package",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-java-generic-services", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "java_generic_services",
                default: Unset::Bool(false),
            },
        )
    }),
    Rule::new("proto/file-same-java-multiple-files", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "java_multiple_files",
                default: Unset::Bool(false),
            },
        )
    }),
    Rule::new("proto/file-same-java-outer-classname", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "java_outer_classname",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-java-package", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "java_package",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-java-string-check-utf8", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "java_string_check_utf8",
                default: Unset::Bool(false),
            },
        )
    }),
    Rule::new("proto/file-same-objc-class-prefix", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "objc_class_prefix",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-optimize-for", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "optimize_for",
                default: Unset::Enum("SPEED"),
            },
        )
    }),
    Rule::new("proto/file-same-php-class-prefix", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "php_class_prefix",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-php-generic-services", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "php_generic_services",
                default: Unset::Bool(false),
            },
        )
    }),
    Rule::new("proto/file-same-php-metadata-namespace", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "php_metadata_namespace",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-php-namespace", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "php_namespace",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-py-generic-services", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "py_generic_services",
                default: Unset::Bool(false),
            },
        )
    }),
    Rule::new("proto/file-same-ruby-package", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "ruby_package",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-swift-prefix", |ctx, sink| {
        same_file_option(
            ctx,
            sink,
            &FileOption {
                name: "swift_prefix",
                default: Unset::Str,
            },
        )
    }),
    Rule::new("proto/file-same-package", file_same_package),
    Rule::new("proto/file-same-syntax", file_same_syntax),
    Rule::new(
        "proto/message-no-remove-standard-descriptor-accessor",
        message_no_remove_standard_descriptor_accessor,
    ),
    Rule::new(
        "proto/message-same-message-set-wire-format",
        message_same_message_set_wire_format,
    ),
];

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
    for (old, new) in ctx.message_pairs() {
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
    for (old, new) in ctx.message_pairs() {
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
