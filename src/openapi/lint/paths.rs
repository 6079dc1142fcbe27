//! Path keys are clean templates (Spectral's `spectral:oas` path-key rules): no trailing slash,
//! no query string, no empty `{}`; and path parameters match their templates (Spectral's
//! `path-params`: declared, used, required, once; no two paths equal but for names). Every key under `paths` is read as written, except `x-`
//! extensions (Spectral reads those too: they are not paths); findings point at the key.

use super::{Check, Ctx, Sink};
use crate::openapi::model::{Operation, PathItem, Spec};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/path-trailing-slash", trailing_slash),
    Rule::new("openapi/path-query-string", query_string),
    Rule::new("openapi/path-parameter-empty", parameter_empty),
    Rule::new("openapi/path-parameter-undeclared", parameter_undeclared),
    Rule::new("openapi/path-parameter-unused", parameter_unused),
    Rule::new(
        "openapi/path-parameter-not-required",
        parameter_not_required,
    ),
    Rule::new("openapi/path-parameter-duplicate", parameter_duplicate),
    Rule::new("openapi/path-equivalent", path_equivalent),
];

/// Each key under `paths` with its text, extensions left out.
fn path_keys<'a>(ctx: &Ctx<'a>) -> Vec<(&'a str, NodeRef<'a>)> {
    let mut keys = Vec::new();
    for spec in &ctx.specs {
        let Some(paths) = spec.root.get("paths") else {
            continue;
        };
        for (k, _) in paths.node.as_map().unwrap_or(&[]) {
            if let Some(text) = k.as_str().filter(|t| !t.starts_with("x-")) {
                keys.push((text, NodeRef::new(paths.doc, k)));
            }
        }
    }
    keys
}

fn trailing_slash(ctx: &Ctx, sink: &mut Sink) {
    for (path, key) in path_keys(ctx) {
        // `/` alone is the root, not a trailing slash.
        if path.chars().count() > 1 && path.ends_with('/') {
            sink.lint(
                key.location(),
                format!(
                    "the path '{path}' ends with '/': servers and clients treat it and the path \
                     without the slash differently"
                ),
            );
        }
    }
}

fn query_string(ctx: &Ctx, sink: &mut Sink) {
    for (path, key) in path_keys(ctx) {
        if path.contains('?') {
            sink.lint(
                key.location(),
                format!(
                    "the path '{path}' holds a query string: declare query parameters as \
                     parameters with `in: query`"
                ),
            );
        }
    }
}

fn parameter_empty(ctx: &Ctx, sink: &mut Sink) {
    for (path, key) in path_keys(ctx) {
        if path.contains("{}") {
            sink.lint(
                key.location(),
                format!(
                    "the path '{path}' has an unnamed parameter '{{}}': a path parameter needs a \
                     name its declaration can match"
                ),
            );
        }
    }
}

/// The parameter names of a path template, each once, in order: `{id}`, and the RFC 6570
/// forms `{;id}`, `{?id}`, `{id*}` read as `id`. An empty `{}` names nothing.
fn template_names(path: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for name in template_occurrences(path) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Every parameter occurrence of a template, repeats included.
fn template_occurrences(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        let name = inner.strip_prefix(';').unwrap_or(inner);
        let name = name.strip_prefix('?').unwrap_or(name).trim_end_matches('*');
        if !name.is_empty() {
            out.push(name);
        }
        rest = &rest[open + close + 1..];
    }
    out
}

/// One `in: path` parameter declared in a `parameters` list: its name, its view (through a
/// `$ref`) and the list item, where findings point.
struct Declared<'a> {
    name: &'a str,
    obj: Obj<'a>,
    item: NodeRef<'a>,
}

/// The `in: path` parameters of one `parameters` list, in order, repeats included.
fn declared_in<'a>(holder: &Obj<'a>) -> Vec<Declared<'a>> {
    let Some(list) = holder.get("parameters") else {
        return Vec::new();
    };
    list.node
        .items()
        .filter_map(|node| {
            let item = NodeRef::new(list.doc, node);
            let obj = holder.set.view(item);
            (obj.str("in") == Some("path")).then_some(())?;
            Some(Declared {
                name: obj.str("name")?,
                obj,
                item,
            })
        })
        .collect()
}

/// The first declaration of each name, in order.
fn first_of_each<'s, 'a>(declared: &'s [Declared<'a>]) -> Vec<&'s Declared<'a>> {
    let mut out: Vec<&Declared> = Vec::new();
    for d in declared {
        if !out.iter().any(|o| o.name == d.name) {
            out.push(d);
        }
    }
    out
}

/// The operations of one path item.
fn operations_of<'s, 'a>(spec: &'s Spec<'a>, index: usize) -> Vec<&'s Operation<'a>> {
    spec.operations
        .iter()
        .filter(|op| op.path_index == index)
        .collect()
}

fn parameter_undeclared(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for (index, item) in spec.paths.iter().enumerate() {
            let shared = declared_in(&item.item);
            for op in operations_of(spec, index) {
                let own = declared_in(&op.obj);
                for name in template_names(item.path) {
                    if shared.iter().chain(&own).any(|d| d.name == name) {
                        continue;
                    }
                    sink.lint_operation(
                        &op.id,
                        op.key.location(),
                        format!(
                            "{} does not declare the path parameter '{name}' of its template: \
                             clients have no schema for it",
                            op.id
                        ),
                    );
                }
            }
        }
    }
}

fn report_unused(sink: &mut Sink, item: &PathItem, d: &Declared) {
    sink.lint(
        d.item.location(),
        format!(
            "the path parameter '{}' does not appear in the path '{}': no client can send it",
            d.name, item.path
        ),
    );
}

fn parameter_unused(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for (index, item) in spec.paths.iter().enumerate() {
            let names = template_names(item.path);
            let shared = declared_in(&item.item);
            let ops = operations_of(spec, index);
            let owns: Vec<Vec<Declared>> = ops.iter().map(|op| declared_in(&op.obj)).collect();
            // A path-level declaration is read by each operation that does not declare the
            // name itself; it is reported once, when one does.
            for d in first_of_each(&shared) {
                let read = owns.iter().any(|own| own.iter().all(|o| o.name != d.name));
                if read && !names.contains(&d.name) {
                    report_unused(sink, item, d);
                }
            }
            for own in &owns {
                for d in first_of_each(own) {
                    if !names.contains(&d.name) {
                        report_unused(sink, item, d);
                    }
                }
            }
        }
    }
}

fn parameter_not_required(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for item in &spec.paths {
            let ops = spec
                .operations
                .iter()
                .filter(|op| std::ptr::eq(op.path, item.path));
            let lists =
                std::iter::once(declared_in(&item.item)).chain(ops.map(|op| declared_in(&op.obj)));
            for d in lists.flatten() {
                if d.obj.get("required").and_then(|r| r.node.as_bool()) == Some(true) {
                    continue;
                }
                sink.lint(
                    d.item.location(),
                    format!(
                        "the path parameter '{}' of '{}' is not marked `required: true`, which \
                         OpenAPI demands of every path parameter",
                        d.name, item.path
                    ),
                );
            }
        }
    }
}

fn parameter_duplicate(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for (index, item) in spec.paths.iter().enumerate() {
            let occurrences = template_occurrences(item.path);
            let mut repeated: Vec<&str> = Vec::new();
            for (i, name) in occurrences.iter().enumerate() {
                if occurrences[..i].contains(name) && !repeated.contains(name) {
                    repeated.push(name);
                }
            }
            for name in repeated {
                sink.lint(
                    item.key.location(),
                    format!(
                        "the path '{}' uses the parameter '{name}' more than once: one value \
                         cannot fill two places",
                        item.path
                    ),
                );
            }
            let lists = std::iter::once(declared_in(&item.item)).chain(
                operations_of(spec, index)
                    .into_iter()
                    .map(|op| declared_in(&op.obj)),
            );
            for list in lists {
                for (i, d) in list.iter().enumerate() {
                    if list[..i].iter().any(|e| e.name == d.name) {
                        sink.lint(
                            d.item.location(),
                            format!(
                                "the path parameter '{}' of '{}' is declared twice in one \
                                 parameters list",
                                d.name, item.path
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn path_equivalent(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        for (i, item) in spec.paths.iter().enumerate() {
            let Some(first) = spec.paths[..i].iter().find(|p| p.template == item.template) else {
                continue;
            };
            sink.lint(
                item.key.location(),
                format!(
                    "the path '{}' is '{}' with other parameter names: a request matches both, \
                     and which one serves it is undefined",
                    item.path, first.path
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parameter_names() {
        assert_eq!(template_names("/a/{x}/b/{y}/c/{x}"), ["x", "y"]);
        assert_eq!(template_occurrences("/a/{x}/b/{x}"), ["x", "x"]);
        assert_eq!(template_names("/a/{;m}/{?q}/{p*}/{}"), ["m", "q", "p"]);
        assert_eq!(template_names("/files/{file.name}"), ["file.name"]);
        assert!(template_names("/a/{unclosed").is_empty());
    }
}
