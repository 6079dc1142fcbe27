//! Operations are identified, described, tagged and answer with a success (Spectral's
//! `spectral:oas` operation rules). Findings point at the offending field, or at the method key
//! when the field is absent.

use super::{Check, Ctx, Sink};
use crate::openapi::model::{Operation, Spec};
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use crate::tree::{Node, Value};

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/operation-id-missing", operation_id_missing),
    Rule::new("openapi/operation-id-duplicate", operation_id_duplicate),
    Rule::new(
        "openapi/operation-id-not-url-safe",
        operation_id_not_url_safe,
    ),
    Rule::new(
        "openapi/operation-success-response-missing",
        success_response_missing,
    ),
    Rule::new("openapi/operation-parameter-duplicate", parameter_duplicate),
    Rule::new("openapi/operation-tags-missing", tags_missing),
    Rule::new("openapi/operation-tag-undefined", tag_undefined),
    Rule::new("openapi/operation-description-missing", description_missing),
];

/// A value that says something: not absent, `null`, `false`, `0`, or the empty string.
pub(super) fn truthy(node: &Node) -> bool {
    match &node.value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0 && !f.is_nan(),
        Value::Str(s) => !s.is_empty(),
        Value::Seq(_) | Value::Map(_) => true,
    }
}

/// Where a field of `at` that is missing or empty is reported: the field's value when it is
/// there, else the key that holds `at`.
pub(super) fn empty_field<'a>(
    holder: NodeRef<'a>,
    holder_key: NodeRef<'a>,
    field: &str,
) -> Option<NodeRef<'a>> {
    match holder.get(field) {
        Some(value) if truthy(value.node) => None,
        Some(value) => Some(value),
        None => Some(holder_key),
    }
}

/// The operations of a spec in file order (the model lists a path item's methods in the
/// spec's method order; which of two duplicates is "the second" follows the file).
fn in_file_order<'s, 'a>(spec: &'s Spec<'a>) -> Vec<&'s Operation<'a>> {
    let mut ops: Vec<&Operation> = spec.operations.iter().collect();
    ops.sort_by_key(|op| (op.path_index, op.key.node.span.start));
    ops
}

fn operation_id_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            if let Some(at) = empty_field(op.obj.target, op.key, "operationId") {
                sink.lint_operation(
                    &op.id,
                    at.location(),
                    format!(
                        "{} has no operationId: clients, SDKs and documentation links have no \
                         stable name for it",
                        op.id
                    ),
                );
            }
        }
    }
}

/// A scalar operationId as text with its kind (`12` and `"12"` are different ids).
fn id_key(op: &Operation) -> Option<(&'static str, String)> {
    let node = op.obj.target.get("operationId")?;
    if node.node.as_map().is_some() || node.node.as_seq().is_some() {
        return None;
    }
    let text = node.node.scalar_text(&node.doc.text)?;
    Some((node.node.kind(), text.into_owned()))
}

fn operation_id_duplicate(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let mut seen: Vec<((&'static str, String), &str)> = Vec::new();
        for op in in_file_order(spec) {
            let Some(key) = id_key(op) else { continue };
            let Some(at) = op.obj.target.get("operationId") else {
                continue;
            };
            match seen.iter().find(|(k, _)| *k == key) {
                Some((_, first)) => sink.lint_operation(
                    &op.id,
                    at.location(),
                    format!(
                        "{} reuses the operationId '{}' of {first}: generated clients and links \
                         by operationId cannot tell them apart",
                        op.id, key.1
                    ),
                ),
                None => seen.push((key, &op.id)),
            }
        }
    }
}

/// Characters an operationId may hold to be used in a URL unescaped: RFC 3986 unreserved and
/// reserved characters.
fn url_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=".contains(c)
}

fn operation_id_not_url_safe(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            let Some(node) = op.obj.target.get("operationId") else {
                continue;
            };
            let Some(id) = node.node.as_str() else {
                continue;
            };
            if let Some(bad) = id.chars().find(|c| !url_safe(*c)) {
                sink.lint_operation(
                    &op.id,
                    node.location(),
                    format!(
                        "the operationId '{id}' of {} holds '{bad}', which a URL cannot carry \
                         unescaped (documentation links and tools use operationIds in URLs)",
                        op.id
                    ),
                );
            }
        }
    }
}

/// `200`..`399`, or (OpenAPI 3) the ranges `2XX` and `3XX`, as written.
fn is_success(status: &str) -> bool {
    status == "2XX"
        || status == "3XX"
        || status
            .trim()
            .parse::<f64>()
            .is_ok_and(|n| (200.0..400.0).contains(&n))
}

fn success_response_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            let Some((key, value)) = op.obj.get_entry("responses") else {
                continue;
            };
            let Some(entries) = op.set.view(value).target.node.as_map() else {
                continue;
            };
            if entries
                .iter()
                .any(|(k, _)| k.as_str().is_some_and(is_success))
            {
                continue;
            }
            sink.lint_operation(
                &op.id,
                key.location(),
                format!(
                    "{} declares no 2xx or 3xx response: clients cannot know what success \
                     looks like",
                    op.id
                ),
            );
        }
    }
}

fn parameter_duplicate(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            let Some(list) = op.obj.get("parameters") else {
                continue;
            };
            let mut seen: Vec<(String, String)> = Vec::new();
            for item in list.node.items() {
                let at = NodeRef::new(list.doc, item);
                let param = op.set.view(at);
                if !param.is_map() {
                    continue;
                }
                let text = |key: &str| {
                    param
                        .get(key)
                        .and_then(|n| n.node.scalar_text(&n.doc.text).map(|t| t.into_owned()))
                        .unwrap_or_default()
                };
                let fingerprint = (text("in"), text("name"));
                if seen.contains(&fingerprint) {
                    sink.lint_operation(
                        &op.id,
                        at.location(),
                        format!(
                            "{} declares the {} parameter '{}' twice: which one applies is \
                             undefined",
                            op.id, fingerprint.0, fingerprint.1
                        ),
                    );
                } else {
                    seen.push(fingerprint);
                }
            }
        }
    }
}

fn tags_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            let at = match op.obj.get_entry("tags") {
                None => op.key,
                Some((key, value)) => match value.node.as_seq() {
                    Some(items) if !items.is_empty() => continue,
                    _ => key,
                },
            };
            sink.lint_operation(
                &op.id,
                at.location(),
                format!(
                    "{} has no tags: documentation and generated clients group operations by \
                     tag",
                    op.id
                ),
            );
        }
    }
}

fn tag_undefined(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let defined: Vec<&str> = spec
            .root
            .get("tags")
            .map(|tags| {
                tags.node
                    .items()
                    .filter_map(|t| t.get("name").and_then(Node::as_str))
                    .collect()
            })
            .unwrap_or_default();
        for op in &spec.operations {
            let Some(tags) = op.obj.get("tags") else {
                continue;
            };
            for tag in tags.node.items() {
                if tag.as_str().is_some_and(|t| defined.contains(&t)) {
                    continue;
                }
                let name = tag.scalar_text(&tags.doc.text).unwrap_or_default();
                sink.lint_operation(
                    &op.id,
                    NodeRef::new(tags.doc, tag).location(),
                    format!(
                        "{} is tagged '{name}', which the top-level tags do not declare",
                        op.id
                    ),
                );
            }
        }
    }
}

fn description_missing(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for op in &spec.operations {
            if let Some(at) = empty_field(op.obj.target, op.key, "description") {
                sink.lint_operation(
                    &op.id,
                    at.location(),
                    format!(
                        "{} has no description: readers learn nothing of what it does",
                        op.id
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_statuses() {
        for s in ["200", "204", "302", "399", "2XX", "3XX"] {
            assert!(is_success(s), "{s}");
        }
        for s in ["199", "400", "default", "2xx", "4XX", ""] {
            assert!(!is_success(s), "{s}");
        }
    }

    #[test]
    fn url_safe_ids() {
        assert!("list_users-v1.get~:x".chars().all(url_safe));
        assert!(!"put user".chars().all(url_safe));
        assert!(!"caf\u{e9}".chars().all(url_safe));
    }
}
