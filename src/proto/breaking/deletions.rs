//! Elements deleted from a file: the file itself, its messages, enums and services
//! (buf's FILE category deletions). Each element is looked up by its name within the file.

use super::{Ctx, Sink};
use crate::rules::{Check, RuleCode};

pub const RULES: &[RuleCode] = &[
    RuleCode {
        id: "proto/file-no-delete",
        check: Check::ProtoBreaking(file_no_delete),
    },
    RuleCode {
        id: "proto/message-no-delete",
        check: Check::ProtoBreaking(message_no_delete),
    },
];

fn file_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (path, old) in &ctx.old.files {
        if !ctx.new.files.contains_key(path) {
            sink.report_old(
                old.file_location(),
                format!("Previously present file {path:?} was deleted."),
            );
        }
    }
}

fn message_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (old_file, new_file) in ctx.file_pairs() {
        let new_messages = ctx.new.file_messages(&new_file.ast.path);
        for (nested, old) in ctx.old.file_messages(&old_file.ast.path) {
            if !new_messages.contains_key(nested) {
                sink.report(
                    ctx.deleted_parent_location(new_file, nested),
                    Some(old.file.location(old.message.span)),
                    format!("Previously present message {nested:?} was deleted from file."),
                );
            }
        }
    }
}
