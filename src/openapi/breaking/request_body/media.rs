//! The request body itself and its media types: a body added (required: existing calls lack
//! it; optional: info), removed, made required or optional, a media type added or removed, a
//! media type's schema added (payloads must now pass it) or removed (any payload is accepted).
//! Media types of a request body are paired by name.

use super::super::operations::{for_each_pair, within};
use super::super::{Check, Ctx, Sink};
use crate::openapi::model::content;
use crate::openapi::refs::Obj;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/request-body-added-required", |ctx, sink| {
        body_added(ctx, sink, true)
    }),
    Rule::new("openapi/request-body-added-optional", |ctx, sink| {
        body_added(ctx, sink, false)
    }),
    Rule::new("openapi/request-body-removed", request_body_removed),
    Rule::new("openapi/request-body-became-required", |ctx, sink| {
        required_changed(ctx, sink, true)
    }),
    Rule::new("openapi/request-body-became-optional", |ctx, sink| {
        required_changed(ctx, sink, false)
    }),
    Rule::new(
        "openapi/request-body-media-type-added",
        request_body_media_type_added,
    ),
    Rule::new(
        "openapi/request-body-media-type-removed",
        request_body_media_type_removed,
    ),
    Rule::new(
        "openapi/request-body-media-type-schema-added",
        request_body_media_type_schema_added,
    ),
    Rule::new(
        "openapi/request-body-media-type-schema-removed",
        request_body_media_type_schema_removed,
    ),
];

/// A request body where there was none, `required` or not.
fn body_added(ctx: &Ctx, sink: &mut Sink, required: bool) {
    for_each_pair(ctx, |pair| {
        let (None, Some(new)) = (pair.old.request_body(), pair.new.request_body()) else {
            return;
        };
        if new.flag("required") == required {
            let message = if required {
                "added required request body"
            } else {
                "added an optional request body"
            };
            sink.report_operation(
                pair.id(),
                within(pair.new, "requestBody"),
                Some(pair.old.key.line_location()),
                message,
            );
        }
    });
}

fn request_body_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        if pair.old.request_body().is_some() && pair.new.request_body().is_none() {
            sink.report_operation(
                pair.id(),
                pair.new.key.line_location(),
                Some(within(pair.old, "requestBody")),
                "removed the request body",
            );
        }
    });
}

/// A request body on both sides that became `required` (or stopped being).
fn required_changed(ctx: &Ctx, sink: &mut Sink, required: bool) {
    for_each_pair(ctx, |pair| {
        let (Some(old), Some(new)) = (pair.old.request_body(), pair.new.request_body()) else {
            return;
        };
        if old.flag("required") != required && new.flag("required") == required {
            let at = new.at("required").unwrap_or(new.origin).line_location();
            let was = old.at("required").unwrap_or(old.origin).line_location();
            let message = if required {
                "request body became required"
            } else {
                "the request body became optional"
            };
            sink.report_operation(pair.id(), at, Some(was), message);
        }
    });
}

/// Both revisions' request bodies of operations that have one on each side.
fn for_each_body(ctx: &Ctx, mut f: impl FnMut(&str, Obj, Obj)) {
    for_each_pair(ctx, |pair| {
        if let (Some(old), Some(new)) = (pair.old.request_body(), pair.new.request_body()) {
            f(pair.id(), old, new);
        }
    });
}

fn request_body_media_type_added(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let before = content(old.set, &old);
        for media in content(new.set, &new) {
            if !before.iter().any(|m| m.name == media.name) {
                let was = old.at("content").unwrap_or(old.origin);
                sink.report_operation(
                    op,
                    media.key.line_location(),
                    Some(was.line_location()),
                    format!("added the media type '{}' to the request body", media.name),
                );
            }
        }
    });
}

fn request_body_media_type_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let kept = content(new.set, &new);
        for media in content(old.set, &old) {
            if !kept.iter().any(|m| m.name == media.name) {
                let at = new.at("content").unwrap_or(new.origin);
                sink.report_operation(
                    op,
                    at.line_location(),
                    Some(media.key.line_location()),
                    format!(
                        "removed the media type '{}' from the request body",
                        media.name
                    ),
                );
            }
        }
    });
}

/// A media type that took any payload now has a schema to pass.
fn request_body_media_type_schema_added(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let before = content(old.set, &old);
        for media in content(new.set, &new) {
            let Some(was) = before.iter().find(|m| m.name == media.name) else {
                continue;
            };
            if was.obj.get("schema").is_none() {
                if let Some(at) = media.obj.at("schema") {
                    sink.report_operation(
                        op,
                        at.line_location(),
                        Some(was.key.line_location()),
                        format!(
                            "added a schema to the request body media type '{}'",
                            media.name
                        ),
                    );
                }
            }
        }
    });
}

/// A media type whose schema went now takes any payload.
fn request_body_media_type_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let after = content(new.set, &new);
        for was in content(old.set, &old) {
            let Some(media) = after.iter().find(|m| m.name == was.name) else {
                continue;
            };
            if media.obj.get("schema").is_none() {
                if let Some(at) = was.obj.at("schema") {
                    sink.report_operation(
                        op,
                        media.key.line_location(),
                        Some(at.line_location()),
                        format!(
                            "removed the schema of the request body media type '{}': any payload is accepted",
                            media.name
                        ),
                    );
                }
            }
        }
    });
}
