//! Operations and what the API offers: removed operations and paths (judged by their
//! deprecation and sunset), operation ids and tags added or removed, and component schemas
//! removed. Parameters added or removed are [`super::parameters::declaration`]'s, request bodies
//! [`super::request_body::media`]'s, statuses [`super::responses`]'.
//!
//! Semantics, ids, levels and wording follow oasdiff's checks (`check_api_removed.go`,
//! `check_api_operation_id_updated.go`, `check_api_tag_updated.go`, ...). The operation-pair
//! helpers here ([`for_each_pair`], [`within`], [`departure`]) are shared by the families that
//! judge what is inside an operation.

use super::index::{gone, OperationPair, Removed, UnreadableSunset};
use super::lifecycle::operation_sunset;
use super::schema::Differ;
use super::{Check, Ctx, Sink};
use crate::date::Date;
use crate::finding::Location;
use crate::openapi::model::{Operation, Spec};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/api-path-removed-before-sunset",
        api_path_removed_before_sunset,
    ),
    Rule::new(
        "openapi/api-path-removed-with-deprecation",
        api_path_removed_with_deprecation,
    ),
    Rule::new(
        "openapi/api-path-removed-without-deprecation",
        api_path_removed_without_deprecation,
    ),
    Rule::new("openapi/api-path-sunset-parse", api_path_sunset_parse),
    Rule::new(
        "openapi/api-removed-before-sunset",
        api_removed_before_sunset,
    ),
    Rule::new(
        "openapi/api-removed-with-deprecation",
        api_removed_with_deprecation,
    ),
    Rule::new(
        "openapi/api-removed-without-deprecation",
        api_removed_without_deprecation,
    ),
    Rule::new("openapi/api-operation-id-added", api_operation_id_added),
    Rule::new("openapi/api-operation-id-removed", api_operation_id_removed),
    Rule::new("openapi/api-tag-added", api_tag_added),
    Rule::new("openapi/api-tag-removed", api_tag_removed),
    Rule::new("openapi/api-schema-removed", api_schema_removed),
];

/// How an element left, judged by its deprecation and sunset (oasdiff's order: not
/// deprecated, deprecated without sunset, unreadable sunset, sunset still ahead).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Departure {
    WithoutDeprecation,
    WithDeprecation,
    SunsetParse(UnreadableSunset),
    BeforeSunset(String),
    /// Deprecated and past its sunset: fine.
    AfterSunset,
}

/// `sunset`: the element's sunset date, read (or not) from wherever it is documented.
pub(super) fn departure(
    ctx: &Ctx,
    deprecated: bool,
    sunset: Option<Result<Date, UnreadableSunset>>,
) -> Departure {
    if !deprecated {
        return Departure::WithoutDeprecation;
    }
    let Some(sunset) = sunset else {
        return Departure::WithDeprecation;
    };
    match sunset {
        Err(e) => Departure::SunsetParse(e),
        Ok(date) if ctx.today < date => Departure::BeforeSunset(date.to_string()),
        Ok(_) => Departure::AfterSunset,
    }
}

/// Report each removed operation (of a removed path, or of a surviving path) whose departure
/// `pick` turns into a message.
fn removed_operations(
    ctx: &Ctx,
    sink: &mut Sink,
    whole_path: bool,
    pick: impl Fn(&Departure) -> Option<String>,
) {
    for pair in &ctx.specs {
        for Removed {
            op,
            path_removed,
            new_path,
        } in pair.removed_operations()
        {
            if path_removed != whole_path {
                continue;
            }
            // `x-sunset`, else a documented `Sunset` response header (RFC 8594).
            let sunset = operation_sunset(op).map(|s| s.date);
            let Some(message) = pick(&departure(ctx, op.deprecated(), sunset)) else {
                continue;
            };
            match (&pair.new, new_path) {
                (Some(_), Some(path)) => {
                    let (at, old) = gone(path.key, op.key);
                    sink.report_operation(&op.id, at, old, message);
                }
                (Some(new), None) => {
                    let (at, old) = gone(new.paths_key(), op.key);
                    sink.report_operation(&op.id, at, old, message);
                }
                // The spec file itself is gone: nothing to point at in the new revision.
                (None, _) => sink.report_operation_old(&op.id, op.key.line_location(), message),
            }
        }
    }
}

fn api_path_removed_without_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, true, |d| {
        (*d == Departure::WithoutDeprecation).then(|| "api path removed without deprecation".into())
    });
}

fn api_path_removed_with_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, true, |d| {
        (*d == Departure::WithDeprecation).then(|| "api path removed with deprecation".into())
    });
}

fn api_path_removed_before_sunset(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, true, |d| match d {
        Departure::BeforeSunset(date) => {
            Some(format!("api path removed before the sunset date '{date}'"))
        }
        _ => None,
    });
}

/// oasdiff reports an unreadable sunset of a removed operation under this one id, whether the
/// path went or only the operation.
fn api_path_sunset_parse(ctx: &Ctx, sink: &mut Sink) {
    for whole_path in [true, false] {
        removed_operations(ctx, sink, whole_path, |d| match d {
            Departure::SunsetParse(e) => Some(format!("failed to parse sunset date: '{e}'")),
            _ => None,
        });
    }
}

fn api_removed_without_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, false, |d| {
        (*d == Departure::WithoutDeprecation).then(|| "api removed without deprecation".into())
    });
}

fn api_removed_with_deprecation(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, false, |d| {
        (*d == Departure::WithDeprecation).then(|| "api removed with deprecation".into())
    });
}

fn api_removed_before_sunset(ctx: &Ctx, sink: &mut Sink) {
    removed_operations(ctx, sink, false, |d| match d {
        Departure::BeforeSunset(date) => {
            Some(format!("api removed before the sunset date '{date}'"))
        }
        _ => None,
    });
}

/// Every operation present in both revisions whose new version is in scope (not draft or alpha).
pub(super) fn for_each_pair(ctx: &Ctx, mut f: impl FnMut(&OperationPair)) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            f(&pair);
        }
    }
}

/// Where a finding about something inside an operation's `key` (`parameters`, `responses`,
/// `requestBody`) points: that key, else the operation.
pub(super) fn within(op: &Operation, key: &str) -> Location {
    op.obj
        .get_entry(key)
        .map_or(op.key, |(k, _)| k)
        .line_location()
}

// ---------------------------------------------------------------------------------------------
// Operation ids, tags, component schemas (changelog entries)

fn operation_id(ctx: &Ctx, sink: &mut Sink, added: bool) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            // An empty id names nothing: it counts as none.
            let (was, now) = (
                pair.old.obj.str("operationId").filter(|id| !id.is_empty()),
                pair.new.obj.str("operationId").filter(|id| !id.is_empty()),
            );
            let message = match (was, now, added) {
                (None, Some(id), true) => format!("added the operation id '{id}'"),
                (Some(id), None, false) => format!("removed the operation id '{id}'"),
                // A changed id is the old one gone (as oasdiff files it): generated clients
                // rename the method.
                (Some(old), Some(new), false) if old != new => {
                    format!("removed the operation id '{old}' and replaced it with '{new}'")
                }
                _ => continue,
            };
            let at = |op: &Operation| op.obj.at("operationId").unwrap_or(op.key).line_location();
            sink.report_operation(pair.id(), at(pair.new), Some(at(pair.old)), message);
        }
    }
}

fn api_operation_id_added(ctx: &Ctx, sink: &mut Sink) {
    operation_id(ctx, sink, true);
}

fn api_operation_id_removed(ctx: &Ctx, sink: &mut Sink) {
    operation_id(ctx, sink, false);
}

/// An operation's tags with their nodes.
fn tags<'a>(op: &Operation<'a>) -> Vec<(&'a str, NodeRef<'a>)> {
    op.obj
        .get("tags")
        .map(|t| {
            t.node
                .items()
                .filter_map(|n| Some((n.as_str()?, NodeRef::new(t.doc, n))))
                .collect()
        })
        .unwrap_or_default()
}

fn tag_rule(ctx: &Ctx, sink: &mut Sink, added: bool) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let (was, now) = (tags(pair.old), tags(pair.new));
            let tags_at = |op: &Operation| op.obj.at("tags").unwrap_or(op.key).line_location();
            if added {
                for (name, at) in now.iter().filter(|(n, _)| !was.iter().any(|(w, _)| w == n)) {
                    sink.report_operation(
                        pair.id(),
                        at.line_location(),
                        Some(tags_at(pair.old)),
                        format!("added the tag '{name}'"),
                    );
                }
            } else {
                for (name, at) in was.iter().filter(|(n, _)| !now.iter().any(|(w, _)| w == n)) {
                    sink.report_operation(
                        pair.id(),
                        tags_at(pair.new),
                        Some(at.line_location()),
                        format!("removed the tag '{name}'"),
                    );
                }
            }
        }
    }
}

fn api_tag_added(ctx: &Ctx, sink: &mut Sink) {
    tag_rule(ctx, sink, true);
}

fn api_tag_removed(ctx: &Ctx, sink: &mut Sink) {
    tag_rule(ctx, sink, false);
}

/// A schema gone from `components.schemas`. Operations that used it are compared on their
/// own; this lists the component for changelogs (and generated-code users, whose type goes).
fn api_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let (Some(old), Some(new)) = (&spec.old, &spec.new) else {
            continue;
        };
        fn schemas<'a>(s: &Spec<'a>) -> Option<NodeRef<'a>> {
            s.root.get("components").and_then(|c| c.get("schemas"))
        }
        let Some(was) = schemas(old) else { continue };
        let now = schemas(new);
        let at = now
            .map(|n| {
                new.root
                    .get("components")
                    .and_then(|c| c.node.get_entry("schemas"))
                    .map_or(n, |(k, _)| NodeRef::new(n.doc, k))
            })
            .or_else(|| {
                new.root
                    .node
                    .get_entry("components")
                    .map(|(k, _)| NodeRef::new(new.doc, k))
            })
            .unwrap_or(new.root);
        let added: Vec<NodeRef> = now
            .map(|n| {
                n.node
                    .entries()
                    .filter(|(k, _)| was.node.get(k).is_none())
                    .map(|(_, v)| NodeRef::new(n.doc, v))
                    .collect()
            })
            .unwrap_or_default();
        let mut differ = Differ::new();
        for (key, value) in was.node.as_map().unwrap_or(&[]) {
            let Some(name) = key.as_str() else { continue };
            // A component renamed with its shape unchanged is not gone: `$ref`s are followed,
            // as everywhere in treaty (oasdiff reports it removed).
            let old_schema = ctx.old.view(NodeRef::new(was.doc, value));
            if now.is_some_and(|n| n.node.get(name).is_some())
                || added
                    .iter()
                    .any(|a| differ.diff(old_schema, ctx.new.view(*a)).is_none())
            {
                continue;
            }
            sink.report(
                at.line_location(),
                Some(NodeRef::new(was.doc, key).line_location()),
                format!("removed the component schema '{name}'"),
            );
        }
    }
}
