//! Documentation comments: every enum, enum value, field, message, oneof, service and RPC has
//! a non-empty comment right above it (buf's COMMENTS category).
//!
//! The comment is the one protoc attaches to the declaration (see
//! [`crate::proto::lexer::leading_comment`]): a blank line between the comment and the
//! declaration detaches it. A comment whose every line is empty or a `buf:lint:ignore`
//! directive documents nothing and does not count.

use super::naming::{enums, fields, messages, oneofs};
use super::{Check, Ctx, Sink};
use crate::proto::lexer::comment_lines;
use crate::proto::model::SourceProto;
use crate::rules::Rule;
use crate::span::Span;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/comment-enum", comment_enum),
    Rule::new("proto/comment-enum-value", comment_enum_value),
    Rule::new("proto/comment-field", comment_field),
    Rule::new("proto/comment-message", comment_message),
    Rule::new("proto/comment-oneof", comment_oneof),
    Rule::new("proto/comment-rpc", comment_rpc),
    Rule::new("proto/comment-service", comment_service),
];

/// Does the declaration at `decl` have a comment that says something?
pub fn is_documented(file: &SourceProto, decl: Span) -> bool {
    file.ast.leading_comment(decl).is_some_and(|comment| {
        let text = &file.text[comment.start as usize..comment.end as usize];
        comment_lines(text)
            .map(str::trim)
            .any(|line| !line.is_empty() && !line.starts_with(super::ignore::BUF_IGNORE_DIRECTIVE))
    })
}

fn require_comment(sink: &mut Sink, file: &SourceProto, decl: Span, what: &str, name: &str) {
    if !is_documented(file, decl) {
        sink.lint(
            file.location(decl),
            format!("the {what} '{name}' has no comment above it to document it"),
        );
    }
}

fn comment_enum(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for e in enums(&file.ast) {
            require_comment(sink, file, e.span, "enum", &e.name);
        }
    }
}

fn comment_enum_value(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for value in enums(&file.ast).into_iter().flat_map(|e| &e.values) {
            require_comment(sink, file, value.span, "enum value", &value.name);
        }
    }
}

fn comment_field(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        // A group's comment documents its message (comment-message), not its field.
        for field in fields(&file.ast).into_iter().filter(|f| !f.is_group) {
            require_comment(sink, file, field.span, "field", &field.name);
        }
    }
}

fn comment_message(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for message in messages(&file.ast) {
            require_comment(sink, file, message.span, "message", &message.name);
        }
    }
}

fn comment_oneof(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for oneof in oneofs(&file.ast) {
            require_comment(sink, file, oneof.span, "oneof", &oneof.name);
        }
    }
}

fn comment_rpc(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for method in file.ast.services.iter().flat_map(|s| &s.methods) {
            require_comment(sink, file, method.span, "RPC", &method.name);
        }
    }
}

fn comment_service(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for service in &file.ast.services {
            require_comment(sink, file, service.span, "service", &service.name);
        }
    }
}
