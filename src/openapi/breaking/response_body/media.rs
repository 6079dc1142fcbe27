//! Media types of responses present on both sides, paired as oasdiff pairs them (by name, then
//! a generalisation or specialisation of an unpaired one): a media type removed (clients asking
//! for it get none: an error) or added (info), renamed to a more general one (clients relying on
//! the specific format lose it: an error), a more specific one or one with other parameters
//! (info), and a media type's schema removed (a warning: anything may come) or added (info).

use super::super::index::OperationPair;
use super::super::responses::for_each_response_pair;
use super::super::schema::{pair_media, MediaName};
use super::super::{Check, Ctx, Sink};
use crate::openapi::model::{content, Media, Response};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/response-media-type-removed", |ctx, sink| {
        media_type(ctx, sink, false)
    }),
    Rule::new("openapi/response-media-type-added", |ctx, sink| {
        media_type(ctx, sink, true)
    }),
    Rule::new(
        "openapi/response-media-type-name-generalized",
        |ctx, sink| renamed(ctx, sink, Rename::Generalized),
    ),
    Rule::new(
        "openapi/response-media-type-name-specialized",
        |ctx, sink| renamed(ctx, sink, Rename::Specialized),
    ),
    Rule::new("openapi/response-media-type-name-changed", |ctx, sink| {
        renamed(ctx, sink, Rename::Parameters)
    }),
    Rule::new(
        "openapi/response-body-media-type-schema-removed",
        response_body_media_type_schema_removed,
    ),
    Rule::new(
        "openapi/response-body-media-type-schema-added",
        response_body_media_type_schema_added,
    ),
];

/// Where a finding about a response's media types points: its `content` key, else the response.
fn content_at<'a>(r: &Response<'a>) -> NodeRef<'a> {
    r.obj.get_entry("content").map_or(r.key, |(k, _)| k)
}

/// Media types of each response present on both sides, paired as oasdiff pairs them.
fn media_pairs(
    ctx: &Ctx,
    mut f: impl FnMut(&OperationPair, &Response, &Response, Option<&Media>, Option<&Media>),
) {
    for_each_response_pair(ctx, |pair, old, new| {
        let (om, nm) = (
            content(old.obj.set, &old.obj),
            content(new.obj.set, &new.obj),
        );
        for (oi, ni) in pair_media(&om, &nm) {
            f(pair, old, new, oi.map(|i| &om[i]), ni.map(|j| &nm[j]));
        }
    });
}

/// A media type with no partner: removed, or `added`.
fn media_type(ctx: &Ctx, sink: &mut Sink, added: bool) {
    media_pairs(ctx, |pair, old, new, o, n| match (o, n) {
        (Some(o), None) if !added => sink.report_operation(
            pair.id(),
            content_at(new).line_location(),
            Some(o.key.line_location()),
            format!(
                "removed the media type '{}' from the {} response",
                o.name, old.status
            ),
        ),
        (None, Some(n)) if added => sink.report_operation(
            pair.id(),
            n.key.line_location(),
            Some(content_at(old).line_location()),
            format!(
                "added the media type '{}' to the {} response",
                n.name, new.status
            ),
        ),
        _ => {}
    });
}

/// How a paired media type was renamed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rename {
    /// To a more general one (`application/problem+json` -> `application/json`).
    Generalized,
    /// To a more specific one.
    Specialized,
    /// To one with other parameters: a different media type (oasdiff: info).
    Parameters,
}

fn renamed(ctx: &Ctx, sink: &mut Sink, want: Rename) {
    media_pairs(ctx, |pair, _, new, o, n| {
        let (Some(o), Some(n)) = (o, n) else { return };
        if o.name == n.name {
            return;
        }
        let (Some(on), Some(nn)) = (MediaName::parse(o.name), MediaName::parse(n.name)) else {
            return;
        };
        let rename = if on.params != nn.params {
            Rename::Parameters
        } else if on.contains(&nn) {
            Rename::Specialized
        } else {
            Rename::Generalized
        };
        if rename != want {
            return;
        }
        let how = match rename {
            Rename::Generalized => "was replaced by the more general",
            Rename::Specialized => "was replaced by the more specific",
            Rename::Parameters => "was renamed to",
        };
        sink.report_operation(
            pair.id(),
            n.key.line_location(),
            Some(o.key.line_location()),
            format!(
                "the media type '{}' {how} '{}' for the status {}",
                o.name, n.name, new.status
            ),
        );
    });
}

fn response_body_media_type_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    media_pairs(ctx, |pair, old, _, o, n| {
        let (Some(o), Some(n)) = (o, n) else { return };
        if let (Some(schema), None) = (o.obj.get_entry("schema"), n.schema()) {
            sink.report_operation(
                pair.id(),
                n.key.line_location(),
                Some(schema.0.line_location()),
                format!(
                    "removed the schema of the media type '{}' from the {} response",
                    n.name, old.status
                ),
            );
        }
    });
}

fn response_body_media_type_schema_added(ctx: &Ctx, sink: &mut Sink) {
    media_pairs(ctx, |pair, _, new, o, n| {
        let (Some(o), Some(n)) = (o, n) else { return };
        if let (None, Some((key, _))) = (o.schema(), n.obj.get_entry("schema")) {
            sink.report_operation(
                pair.id(),
                key.line_location(),
                Some(o.key.line_location()),
                format!(
                    "added a schema to the media type '{}' of the {} response",
                    n.name, new.status
                ),
            );
        }
    });
}
