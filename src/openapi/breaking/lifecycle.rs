//! Operation lifecycle: stability levels, deprecation and sunset dates, operations and webhooks
//! that appear or go, and the guide's rule against moving `/v1/` operations to `/v2/` in one step.
//!
//! Semantics, ids and levels follow oasdiff's `check_api_stability_level.go`,
//! `check_api_deprecation.go`, `check_api_sunset_changed.go`, `check_api_added.go` and
//! `check_webhook_updated.go`, with these differences by design:
//! - The sunset date is `x-sunset`, else the documented value (example or default) of a
//!   `Sunset` response header (RFC 8594), which is where our API guide puts it.
//! - The deprecation policy is oasdiff's (`[breaking] deprecation_days_beta` and
//!   `deprecation_days_stable`, 0 by default: a sunset must not be past), except that
//!   deprecating a stable operation (one without `x-stability-level`, or `stable`) always
//!   requires a sunset date, as the guide asks ("pair it with a sunset date").
//! - A sunset that stops parsing, or stops being unparseable, when it is changed is reported as
//!   `api-deprecated-sunset-parse` (oasdiff files both under `api-path-sunset-parse`, which
//!   treaty keeps for removed operations).

use super::index::{in_scope, sunset_date, OperationPair, SpecPair, UnreadableSunset};
use super::operations::for_each_pair;
use super::{Check, Ctx, Sink};
use crate::date::Date;
use crate::finding::Location;
use crate::openapi::model::{content, same_value, Operation};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/api-deprecated-sunset-missing",
        api_deprecated_sunset_missing,
    ),
    Rule::new(
        "openapi/api-deprecated-sunset-parse",
        api_deprecated_sunset_parse,
    ),
    Rule::new(
        "openapi/api-invalid-stability-level",
        api_invalid_stability_level,
    ),
    Rule::new("openapi/api-stability-decreased", api_stability_decreased),
    Rule::new("openapi/api-stability-increased", api_stability_increased),
    Rule::new(
        "openapi/api-sunset-date-changed-too-small",
        api_sunset_date_changed_too_small,
    ),
    Rule::new(
        "openapi/api-sunset-date-too-small",
        api_sunset_date_too_small,
    ),
    Rule::new("openapi/endpoint-added", endpoint_added),
    Rule::new("openapi/endpoint-deprecated", endpoint_deprecated),
    Rule::new(
        "openapi/endpoint-deprecated-with-sunset",
        endpoint_deprecated_with_sunset,
    ),
    Rule::new("openapi/endpoint-reactivated", endpoint_reactivated),
    Rule::new("openapi/sunset-deleted", sunset_deleted),
    Rule::new("openapi/version-path-moved", version_path_moved),
    Rule::new("openapi/webhook-added", webhook_added),
    Rule::new("openapi/webhook-removed", webhook_removed),
];

// ---------------------------------------------------------------------------------------------
// Stability levels

/// The levels of `x-stability-level`, least stable first.
const LEVELS: [&str; 4] = ["draft", "alpha", "beta", "stable"];

/// An `x-stability-level` that is none of [`LEVELS`], as written; it displays as the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UnknownLevel(String);

impl std::fmt::Display for UnknownLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (bad, levels) = (&self.0, LEVELS.join(", "));
        write!(
            f,
            "failed to parse stability level: '{bad}' is not one of {levels}"
        )
    }
}

/// An operation's stability as a rank in [`LEVELS`]: no `x-stability-level` means stable.
fn stability_rank(op: &Operation) -> Result<usize, UnknownLevel> {
    let Some(node) = op.obj.get("x-stability-level") else {
        return Ok(LEVELS.len() - 1);
    };
    let text = node.node.scalar_text(&node.doc.text).unwrap_or_default();
    node.node
        .as_str()
        .and_then(|s| LEVELS.iter().position(|l| *l == s))
        .ok_or_else(|| UnknownLevel(text.into_owned()))
}

/// Where a finding about an operation's stability points: the level, else the operation.
fn stability_at(op: &Operation) -> Location {
    op.obj
        .at("x-stability-level")
        .unwrap_or(op.key)
        .line_location()
}

/// Every operation present in both revisions, whatever its stability (the stability rules must
/// see an operation that leaves the default scope).
fn every_pair<'s, 'a>(
    ctx: &'s Ctx<'a>,
) -> impl Iterator<Item = (&'s Operation<'a>, &'s Operation<'a>)> + 's {
    ctx.specs.iter().flat_map(|spec| {
        let sides = spec.old.as_ref().zip(spec.new.as_ref());
        spec.ops.iter().filter_map(move |p| {
            sides.map(|(old, new)| (&old.operations[p.old], &new.operations[p.new]))
        })
    })
}

/// oasdiff judges a stability change only for operations that were in scope (beta or stable):
/// a draft endpoint becoming stable is news to nobody relying on it.
fn stability_changed(ctx: &Ctx, sink: &mut Sink, decreased: bool) {
    for (old, new) in every_pair(ctx) {
        let (Ok(was), Ok(now)) = (stability_rank(old), stability_rank(new)) else {
            continue;
        };
        if was == now || !in_scope(Some(LEVELS[was])) || (now < was) != decreased {
            continue;
        }
        let word = if decreased { "decreased" } else { "increased" };
        sink.report_operation(
            &new.id,
            stability_at(new),
            Some(stability_at(old)),
            format!(
                "endpoint stability level {word} from '{}' to '{}'",
                LEVELS[was], LEVELS[now]
            ),
        );
    }
}

fn api_stability_decreased(ctx: &Ctx, sink: &mut Sink) {
    stability_changed(ctx, sink, true);
}

fn api_stability_increased(ctx: &Ctx, sink: &mut Sink) {
    stability_changed(ctx, sink, false);
}

/// An unreadable `x-stability-level` takes the operation out of every other check, so it is
/// reported when this revision is responsible for it: the value is new or changed, the
/// operation is new or its own object changed, or the operation was removed (its removal could
/// not be judged). An untouched operation with an old bad value is left alone: comparing a spec
/// with itself finds nothing.
fn api_invalid_stability_level(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        if let Some(new) = &spec.new {
            for (i, op) in new.operations.iter().enumerate() {
                let partner = spec
                    .ops
                    .iter()
                    .find(|p| p.new == i)
                    .and_then(|p| spec.old.as_ref().map(|old| &old.operations[p.old]));
                let bad = match (stability_rank(op), partner.map(stability_rank)) {
                    (Err(bad), _) => bad,
                    // An unreadable level replaced by a readable one: the stability change
                    // cannot be judged (it may have been lowered).
                    (Ok(now), Some(Err(before))) => {
                        let level = op
                            .obj
                            .get("x-stability-level")
                            .map_or("stable (no x-stability-level)", |_| LEVELS[now]);
                        sink.report_operation(
                            &op.id,
                            stability_at(op),
                            partner.map(stability_at),
                            format!(
                                "failed to parse the previous stability level: '{}' is not one of {}; cannot tell whether the new level '{level}' lowered it",
                                before.0,
                                LEVELS.join(", ")
                            ),
                        );
                        continue;
                    }
                    (Ok(_), _) => continue,
                };
                if let Some(old) = partner {
                    let same_level = stability_rank(old).err().as_ref() == Some(&bad);
                    if same_level && same_value(old.obj.target.node, op.obj.target.node) {
                        continue;
                    }
                }
                let related = partner.map(stability_at);
                sink.report_operation(&op.id, stability_at(op), related, bad.to_string());
            }
        }
        let Some(old) = &spec.old else { continue };
        for (i, op) in old.operations.iter().enumerate() {
            let Err(bad) = stability_rank(op) else {
                continue;
            };
            if spec.ops.iter().any(|p| p.old == i) {
                continue;
            }
            let was = stability_at(op);
            match &spec.new {
                Some(new) => {
                    let at = spec
                        .paths
                        .iter()
                        .find(|p| p.old == op.path_index)
                        .map_or(new.paths_key(), |p| new.paths[p.new].key);
                    sink.report_operation(&op.id, at.line_location(), Some(was), bad.to_string());
                }
                None => sink.report_operation_old(&op.id, was, bad.to_string()),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deprecation and sunset dates

/// A sunset date as documented: `x-sunset`, else a `Sunset` response header's value.
pub struct Sunset<'a> {
    /// The value node.
    pub at: NodeRef<'a>,
    /// Read from a `Sunset` response header rather than `x-sunset`.
    pub header: bool,
    /// The value as written.
    pub text: String,
    pub date: Result<Date, UnreadableSunset>,
}

impl Sunset<'_> {
    /// ` (from the Sunset response header)` when it came from there, for messages.
    fn source(&self) -> &'static str {
        if self.header {
            " (from the Sunset response header)"
        } else {
            ""
        }
    }
}

/// The operation's sunset: `x-sunset` (oasdiff's extension), else the documented example or
/// default of a `Sunset` response header (RFC 8594) of any of its responses, in file order.
pub fn operation_sunset<'a>(op: &Operation<'a>) -> Option<Sunset<'a>> {
    if let Some(node) = op.sunset() {
        return Some(Sunset {
            at: node,
            header: false,
            text: node
                .node
                .scalar_text(&node.doc.text)
                .unwrap_or_default()
                .into_owned(),
            date: sunset_date(node),
        });
    }
    op.responses().iter().find_map(|r| {
        let headers = op.set.child(&r.obj, "headers")?;
        let (_, header) = headers
            .entries()
            .find(|(name, _)| name.eq_ignore_ascii_case("sunset"))?;
        let node = documented_value(&op.set.view(header))?;
        let text = node
            .node
            .scalar_text(&node.doc.text)
            .unwrap_or_default()
            .into_owned();
        let date = Date::parse(&text)
            .or_else(|| Date::http(&text))
            .ok_or_else(|| UnreadableSunset {
                text: text.clone(),
                header: true,
            });
        Some(Sunset {
            at: node,
            header: true,
            text,
            date,
        })
    })
}

/// The value a header documents: its `example`, its first `examples` value, or its schema's
/// `example`, `default`, `const` or first `examples` item (also under a `content` media type).
fn documented_value<'a>(header: &Obj<'a>) -> Option<NodeRef<'a>> {
    let set = header.set;
    let first_example = |holder: &Obj<'a>| -> Option<NodeRef<'a>> {
        holder.get("example").or_else(|| {
            let examples = holder.child("examples")?;
            let (_, first) = examples.entries().next()?;
            set.view(first).get("value")
        })
    };
    let from_schema = |schema: Obj<'a>| -> Option<NodeRef<'a>> {
        ["example", "default", "const"]
            .iter()
            .find_map(|k| schema.get(k))
            .or_else(|| {
                let list = schema.get("examples")?;
                let first = list.node.as_seq()?.first()?;
                Some(NodeRef::new(list.doc, first))
            })
    };
    first_example(header)
        .or_else(|| header.child("schema").and_then(from_schema))
        .or_else(|| {
            content(set, header).into_iter().find_map(|media| {
                first_example(&media.obj).or_else(|| media.schema().and_then(from_schema))
            })
        })
}

fn deprecated_at(op: &Operation) -> Location {
    op.obj.at("deprecated").unwrap_or(op.key).line_location()
}

/// Deprecating a stable operation requires a sunset date (see the module notes); beta ones may
/// go without, as in oasdiff's default policy, unless the policy asks beta ones for notice.
fn requires_sunset(ctx: &Ctx, op: &Operation) -> bool {
    stability_rank(op) == Ok(LEVELS.len() - 1) || ctx.notice_days(op.stability()) > 0
}

/// Operations deprecated by this revision, with their sunset.
fn newly_deprecated(ctx: &Ctx, mut f: impl FnMut(&OperationPair, Option<Sunset>)) {
    for_each_pair(ctx, |pair| {
        if !pair.old.deprecated() && pair.new.deprecated() {
            f(pair, operation_sunset(pair.new));
        }
    });
}

fn api_deprecated_sunset_missing(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, sunset| {
        if sunset.is_none() && requires_sunset(ctx, pair.new) {
            sink.report_operation(
                pair.id(),
                deprecated_at(pair.new),
                Some(deprecated_at(pair.old)),
                "endpoint deprecated without a sunset date (x-sunset or a Sunset response header)",
            );
        }
    });
}

fn endpoint_deprecated(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, sunset| {
        if sunset.is_none() && !requires_sunset(ctx, pair.new) {
            let level = stability_rank(pair.new).map_or("", |r| LEVELS[r]);
            sink.report_operation(
                pair.id(),
                deprecated_at(pair.new),
                Some(deprecated_at(pair.old)),
                format!("endpoint deprecated (stability: {level})"),
            );
        }
    });
}

fn endpoint_deprecated_with_sunset(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, sunset| {
        let Some(s) = sunset else { return };
        if let Ok(date) = s.date {
            if !ctx.sunset_too_soon(date, pair.new.stability()) {
                sink.report_operation(
                    pair.id(),
                    deprecated_at(pair.new),
                    Some(deprecated_at(pair.old)),
                    format!(
                        "endpoint deprecated with the sunset date '{date}'{}",
                        s.source()
                    ),
                );
            }
        }
    });
}

/// A sunset sooner than the policy's notice for the operation's stability; with no notice
/// configured, one that has already passed.
fn api_sunset_date_too_small(ctx: &Ctx, sink: &mut Sink) {
    newly_deprecated(ctx, |pair, sunset| {
        let Some(s) = sunset else { return };
        let stability = pair.new.stability();
        if let Ok(date) = s.date {
            if ctx.sunset_too_soon(date, stability) {
                let why = ctx
                    .too_soon_because(stability, "which has already passed: clients get no notice");
                sink.report_operation(
                    pair.id(),
                    s.at.line_location(),
                    Some(deprecated_at(pair.old)),
                    format!(
                        "endpoint deprecated with the sunset date '{date}'{}, {why}",
                        s.source()
                    ),
                );
            }
        }
    });
}

/// An unreadable sunset on a deprecated operation, when this revision wrote it (newly
/// deprecated, or the value changed); or an unreadable one replaced by a date, which cannot be
/// checked against what was announced.
fn api_deprecated_sunset_parse(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        if !pair.new.deprecated() {
            return;
        }
        let Some(s) = operation_sunset(pair.new) else {
            return;
        };
        let before = operation_sunset(pair.old);
        if let (Ok(date), Some(b)) = (&s.date, &before) {
            // Only a deprecated operation's sunset was a promise to compare with.
            if pair.old.deprecated() && b.date.is_err() && b.text != s.text {
                sink.report_operation(
                    pair.id(),
                    s.at.line_location(),
                    Some(b.at.line_location()),
                    format!(
                        "failed to parse the previous sunset date '{}'{}: cannot tell whether the new sunset date '{date}' moved it earlier",
                        b.text,
                        b.source()
                    ),
                );
            }
            return;
        }
        if s.date.is_ok() {
            return;
        }
        let unchanged = before.as_ref().is_some_and(|b| b.text == s.text);
        if pair.old.deprecated() && unchanged {
            return;
        }
        let related = before.map_or_else(|| deprecated_at(pair.old), |b| b.at.line_location());
        sink.report_operation(
            pair.id(),
            s.at.line_location(),
            Some(related),
            format!(
                "failed to parse the sunset date '{}'{}: write a date such as 2027-01-31{}",
                s.text,
                s.source(),
                if s.header {
                    ", or an HTTP date"
                } else {
                    " or an RFC 3339 timestamp"
                }
            ),
        );
    });
}

fn endpoint_reactivated(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        if pair.old.deprecated() && !pair.new.deprecated() {
            sink.report_operation(
                pair.id(),
                deprecated_at(pair.new),
                Some(deprecated_at(pair.old)),
                "endpoint reactivated: no longer deprecated",
            );
        }
    });
}

/// Sunsets of an operation deprecated in both revisions.
fn still_deprecated(ctx: &Ctx, mut f: impl FnMut(&OperationPair, Option<Sunset>, Option<Sunset>)) {
    for_each_pair(ctx, |pair| {
        if pair.old.deprecated() && pair.new.deprecated() {
            f(pair, operation_sunset(pair.old), operation_sunset(pair.new));
        }
    });
}

fn sunset_deleted(ctx: &Ctx, sink: &mut Sink) {
    still_deprecated(ctx, |pair, old, new| {
        let (Some(old), None) = (old, new) else {
            return;
        };
        sink.report_operation(
            pair.id(),
            deprecated_at(pair.new),
            Some(old.at.line_location()),
            format!(
                "api sunset date '{}'{} deleted, but deprecated=true kept",
                old.text,
                old.source()
            ),
        );
    });
}

/// A sunset moved earlier, to a date sooner than the policy's notice (oasdiff's test: earlier
/// than announced and sooner than the notice period; with no notice, already past).
fn api_sunset_date_changed_too_small(ctx: &Ctx, sink: &mut Sink) {
    still_deprecated(ctx, |pair, old, new| {
        let (Some(old), Some(new)) = (old, new) else {
            return;
        };
        let (Ok(was), Ok(now)) = (&old.date, &new.date) else {
            return;
        };
        let stability = pair.new.stability();
        if now < was && ctx.sunset_too_soon(*now, stability) {
            let why = ctx.too_soon_because(stability, "which has already passed");
            sink.report_operation(
                pair.id(),
                new.at.line_location(),
                Some(old.at.line_location()),
                format!(
                    "api sunset date changed to an earlier date, from '{was}' to '{now}'{}, \
                     {why}: keep '{was}' or a later date",
                    new.source()
                ),
            );
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Operations and webhooks that appear or go

/// Every operation only the new revision has, including those of a new spec file (a
/// changelog lists them too); operations of every stability, as oasdiff.
fn endpoint_added(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in spec.added_operations() {
            let path_before = spec
                .paths
                .iter()
                .find(|p| p.new == op.path_index)
                .and_then(|p| spec.old.as_ref().map(|old| old.paths[p.old].key));
            sink.report_operation(
                &op.id,
                op.key.line_location(),
                path_before.map(|k| k.line_location()),
                "endpoint added",
            );
        }
    }
}

/// Webhook names with their keys.
type Named<'a> = Vec<(&'a str, NodeRef<'a>)>;

/// A spec's `webhooks` (OpenAPI 3.1): the key and the names with their keys.
fn webhooks<'a>(spec: &crate::openapi::model::Spec<'a>) -> Option<(NodeRef<'a>, Named<'a>)> {
    let (key, value) = spec.root.node.get_entry("webhooks")?;
    let names = value
        .as_map()
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, _)| Some((k.as_str()?, NodeRef::new(spec.doc, k))))
        .filter(|(name, _)| !name.starts_with("x-"))
        .collect();
    Some((NodeRef::new(spec.doc, key), names))
}

/// Webhooks by name on each side of one spec pair.
fn webhook_names<'s, 'a>(spec: &'s SpecPair<'a>) -> (Named<'a>, Named<'a>) {
    let list = |s: &Option<crate::openapi::model::Spec<'a>>| {
        s.as_ref()
            .and_then(webhooks)
            .map(|(_, names)| names)
            .unwrap_or_default()
    };
    (list(&spec.old), list(&spec.new))
}

fn webhook_added(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let Some(old) = &spec.old else { continue };
        let (before, after) = webhook_names(spec);
        for (name, key) in after {
            if !before.iter().any(|(n, _)| *n == name) {
                let section = webhooks(old).map(|(k, _)| k.line_location());
                sink.report(
                    key.line_location(),
                    section,
                    format!("webhook '{name}' added"),
                );
            }
        }
    }
}

fn webhook_removed(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let (before, after) = webhook_names(spec);
        for (name, key) in before {
            if after.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let message = format!("webhook '{name}' removed");
            match &spec.new {
                Some(new) => {
                    let at = webhooks(new).map_or(new.root, |(k, _)| k);
                    sink.report(at.line_location(), Some(key.line_location()), message);
                }
                None => sink.report_old(key.line_location(), message),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Guide: versions side by side

/// `(segment index, version number)` of each `v<N>` segment of a path.
fn version_segments(path: &str) -> Vec<(usize, u64)> {
    path.split('/')
        .enumerate()
        .filter_map(|(i, seg)| {
            let n = seg.strip_prefix('v')?;
            let all_digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
            all_digits.then(|| n.parse().ok()).flatten().map(|n| (i, n))
        })
        .collect()
}

/// The same path with segment `at` set aside, parameters unnamed: `/pets/{}` for
/// `/v1/pets/{id}` and `/v2/pets/{petId}`.
fn path_shape(path: &str, at: usize) -> Vec<String> {
    path.split('/')
        .enumerate()
        .map(|(i, seg)| match () {
            _ if i == at => String::new(),
            _ if seg.starts_with('{') && seg.ends_with('}') => "{}".into(),
            _ => seg.to_string(),
        })
        .collect()
}

/// The operation `new` is `old` under a later version: same method, same path but for one
/// `v<N>` segment that went up. The version it moved to, if so.
fn moved_to(old: &Operation, new: &Operation) -> Option<u64> {
    if old.method != new.method {
        return None;
    }
    let later = version_segments(new.path);
    version_segments(old.path).into_iter().find_map(|(i, n)| {
        let &(_, m) = later.iter().find(|(j, m)| *j == i && *m > n)?;
        (path_shape(old.path, i) == path_shape(new.path, i)).then_some(m)
    })
}

/// A `/v1/` operation removed in the same revision that adds it under `/v2/`: its consumers had
/// no time on v2 before v1 went. Located at the new operation, the old one related, which is
/// also where the removal findings it supersedes point.
fn version_path_moved(ctx: &Ctx, sink: &mut Sink) {
    let added: Vec<&Operation> = ctx
        .specs
        .iter()
        .flat_map(|s| s.added_operations())
        .collect();
    for spec in &ctx.specs {
        for removed in spec.removed_operations() {
            let old = removed.op;
            let best = added
                .iter()
                .filter_map(|new| moved_to(old, new).map(|m| (m, *new)))
                .min_by_key(|(m, _)| *m);
            let Some((_, new)) = best else { continue };
            sink.report_operation(
                &old.id,
                new.key.line_location(),
                Some(old.key.line_location()),
                format!(
                    "'{}' was removed in the same change that added '{}': keep the old version \
                     running beside the new one until its consumers have moved",
                    old.id, new.id
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_in_paths() {
        assert_eq!(version_segments("/api/v1/pets/{id}"), [(2, 1)]);
        assert!(version_segments("/v1beta/pets").is_empty());
        assert!(version_segments("/v/pets").is_empty());
        assert_eq!(
            path_shape("/v1/pets/{id}", 1),
            path_shape("/v2/pets/{petId}", 1)
        );
        assert_ne!(path_shape("/v1/pets", 1), path_shape("/v2/dogs", 1));
    }

    fn snapshot(text: &str) -> crate::source::Snapshot {
        crate::source::Snapshot::of_texts("t", [("openapi.yaml", text)])
    }

    fn rules_found(old: &str, new: &str, options: &crate::run::Options) -> Vec<&'static str> {
        let report = crate::run::breaking(&snapshot(old), &snapshot(new), options)
            .unwrap_or_else(|e| panic!("{e:?}"));
        report.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    /// In the default selection the move replaces the plain removal findings, for an operation
    /// removed from a surviving path and for a whole path removed.
    #[test]
    fn a_move_to_v2_supersedes_the_removal() {
        let old = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/pets:
    get:
      responses: {"200": {description: ok}}
  /v1/pets/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
    delete:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: ok}}
"#;
        let new = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/pets/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /v2/pets:
    get:
      responses: {"200": {description: ok}}
  /v2/pets/{petId}:
    delete:
      parameters: [{name: petId, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: ok}}
"#;
        let mut found = rules_found(old, new, &crate::run::Options::default());
        found.sort();
        assert_eq!(
            found,
            [
                "openapi/endpoint-added",
                "openapi/endpoint-added",
                "openapi/version-path-moved",
                "openapi/version-path-moved",
            ]
        );
        let all = crate::run::Options {
            policy: crate::run::Policy {
                selection: crate::rules::Selection {
                    only: vec!["all".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
            ..Default::default()
        };
        let found = rules_found(old, new, &all);
        assert!(found.contains(&"openapi/api-removed-without-deprecation"));
        assert!(found.contains(&"openapi/api-path-removed-without-deprecation"));
    }

    #[test]
    fn sunset_from_a_documented_header() {
        let text = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          headers:
            sunset:
              schema: {type: string}
              examples:
                first: {value: "Thu, 31 Dec 2026 23:59:59 GMT"}
  /b:
    get:
      x-sunset: "2030-01-01"
      responses:
        "200":
          description: ok
          headers:
            Sunset: {schema: {type: string, default: "2026-12-31"}}
  /c:
    get:
      responses:
        "204": {description: none}
        "200":
          description: ok
          headers:
            Sunset: {schema: {type: string, example: "soon"}}
"#;
        let set = crate::openapi::load::load(
            &snapshot(text),
            &crate::openapi::load::SpecFilter::default(),
            &crate::openapi::load::no_fetch,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let spec = crate::openapi::model::Spec::new(&set, 0);
        let sunsets: Vec<(bool, String, Result<String, UnreadableSunset>)> = spec
            .operations
            .iter()
            .map(|op| {
                let s = operation_sunset(op).unwrap();
                (s.header, s.text, s.date.map(|d| d.to_string()))
            })
            .collect();
        assert_eq!(
            sunsets[0],
            (
                true,
                "Thu, 31 Dec 2026 23:59:59 GMT".into(),
                Ok("2026-12-31".into())
            )
        );
        assert_eq!(
            sunsets[1],
            (false, "2030-01-01".into(), Ok("2030-01-01".into()))
        );
        assert!(sunsets[2].0 && sunsets[2].2.is_err());
    }
}
