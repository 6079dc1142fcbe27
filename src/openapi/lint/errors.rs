//! Error bodies: "The error body format should also be consistent across your entire
//! organization — when every service returns errors in the same shape, client-side error
//! handling becomes trivial" (the API guide, whose shape is `{"error": {"code", "message",
//! "details"}}`). The house shape is configurable (`[lint.errors]`); each spec's error bodies
//! should follow it, and follow one shape between them.
//!
//! An error body is the JSON schema of a 4xx/5xx response, or of `default` when the operation
//! documents a 2xx response of its own (else `default` may be the success). Findings point at
//! where the body is defined: the component schema it references (once for every response
//! using it), else the `schema` key of the response's media type.

use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::openapi::breaking::response_body::properties::field;
use crate::openapi::breaking::responses::{error_holder, is_error_status, json_bodies};
use crate::openapi::model::{Operation, Spec};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/error-shape-nonstandard", error_shape_nonstandard),
    Rule::new("openapi/error-shape-inconsistent", error_shape_inconsistent),
];

/// Which error body the house uses (`[lint.errors] shape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The fields under one wrapping property: `{"error": {...}}`.
    Envelope,
    /// The fields at the top of the body.
    Flat,
    /// RFC 9457 problem details (`application/problem+json`): fields at the top.
    Problem,
}

/// The house error shape: the variant, the envelope's property, and the fields every error
/// body declares (as properties; required or not, as the guide adds `details` only when
/// there are some).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseShape {
    pub variant: Variant,
    pub envelope: String,
    pub fields: Vec<String>,
}

impl Default for HouseShape {
    fn default() -> HouseShape {
        HouseShape {
            variant: Variant::Envelope,
            envelope: "error".to_string(),
            fields: ["code", "message", "details"].map(String::from).to_vec(),
        }
    }
}

impl HouseShape {
    /// `{error: {code, message, details}}`, as messages show it.
    pub fn shown(&self) -> String {
        let fields = format!("{{{}}}", self.fields.join(", "));
        match self.variant {
            Variant::Envelope => format!("{{{}: {fields}}}", self.envelope),
            Variant::Flat | Variant::Problem => fields,
        }
    }

    /// How `body` falls short of the house shape: `None` when it follows it or cannot be
    /// judged (a `oneOf`/`anyOf` of alternatives), else what is wrong, for a message.
    pub fn shortfall(&self, body: &Obj) -> Option<String> {
        if !declares_properties(body) {
            // An empty schema or a free-form object says nothing of the body's shape: like a
            // response without a body, it is not judged.
            return match body.str("type") {
                Some(ty) if ty != "object" && !is_alternatives(body) => {
                    Some(format!("is of type {ty}, not an object"))
                }
                _ => None,
            };
        }
        let holder = match self.variant {
            Variant::Envelope => match field(body, &self.envelope, 0) {
                Some(env) => env.schema,
                None => return Some(format!("has no '{}' object", self.envelope)),
            },
            Variant::Flat | Variant::Problem => *body,
        };
        let missing: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| field(&holder, f, 0).is_none())
            .map(String::as_str)
            .collect();
        let prefix = match self.variant {
            Variant::Envelope => format!("{}.", self.envelope),
            Variant::Flat | Variant::Problem => String::new(),
        };
        match missing.as_slice() {
            [] => None,
            [one] => Some(format!("lacks the field '{prefix}{one}'")),
            many => Some(format!(
                "lacks the fields {}",
                many.iter()
                    .map(|f| format!("'{prefix}{f}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Is `body` an error body of the house shape and nothing else: every field of the shape,
    /// and no property beside the envelope (envelope variant) or beside the fields (others).
    /// A resource that reports an error of its own (a long-running operation's `error`) is
    /// not one.
    pub fn is_error_body(&self, body: &Obj) -> bool {
        let Some(names) = property_names(body, 0) else {
            return false;
        };
        let only_shape = match self.variant {
            Variant::Envelope => names == [self.envelope.clone()],
            Variant::Flat | Variant::Problem => names.iter().all(|n| self.fields.contains(n)),
        };
        only_shape && self.shortfall(body).is_none()
    }
}

/// Does the schema (or an `allOf` branch of it) have `properties`?
fn declares_properties(o: &Obj) -> bool {
    property_names(o, 0).is_some()
}

/// A schema made of alternatives whose shape cannot be read from one place.
fn is_alternatives(o: &Obj) -> bool {
    ["oneOf", "anyOf", "not", "if"]
        .iter()
        .any(|k| o.get(k).is_some())
}

/// The property names of `o` and its `allOf` branches, sorted; `None` when it has none.
fn property_names(o: &Obj, depth: usize) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    let mut any = false;
    if let Some(props) = o.child("properties") {
        any = true;
        names.extend(props.entries().map(|(k, _)| k.to_string()));
    }
    if depth < 8 {
        if let Some(list) = o.get("allOf") {
            for branch in list.node.items() {
                let branch = o.set.view(NodeRef::new(list.doc, branch));
                if let Some(more) = property_names(&branch, depth + 1) {
                    any = true;
                    names.extend(more);
                }
            }
        }
    }
    names.sort();
    names.dedup();
    any.then_some(names)
}

/// The shape an error body follows, to compare bodies with each other: the guide's envelope or
/// flat variants as the breaking rule `openapi/error-shape-drift` recognises them, problem
/// details, or else its property names. `None` for a body that declares nothing to compare.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Shape {
    Envelope,
    Flat,
    Problem,
    Other(Vec<String>),
}

impl Shape {
    pub(crate) fn of(body: &Obj) -> Option<Shape> {
        if let Some((_, envelope)) = error_holder(body) {
            return Some(if envelope {
                Shape::Envelope
            } else {
                Shape::Flat
            });
        }
        let names = property_names(body, 0)?;
        let has = |n: &str| names.iter().any(|x| x == n);
        if has("title") && (has("status") || has("type")) {
            return Some(Shape::Problem);
        }
        (!names.is_empty()).then_some(Shape::Other(names))
    }

    fn shown(&self) -> String {
        match self {
            Shape::Envelope => "{error: {code, message}}".to_string(),
            Shape::Flat => "{code, message}".to_string(),
            Shape::Problem => "problem details {type, title, status}".to_string(),
            Shape::Other(names) => format!("{{{}}}", names.join(", ")),
        }
    }
}

/// Is response `status` of `op` an error response?
pub(crate) fn is_error_response(op: &Operation, status: &str) -> bool {
    is_error_status(status)
        || (status == "default" && op.responses().iter().any(|r| r.status.starts_with('2')))
}

/// Where an error body is defined, for a finding: a local component schema's key, else the
/// `schema` key of the media type (with the operation when that is inside it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Site {
    file: String,
    line: u32,
    column: u32,
}

struct Body<'a> {
    site: Site,
    at: Location,
    /// The operation, when the body is written inside it.
    inline_in: Option<std::sync::Arc<str>>,
    /// What the body is, for messages: `the error schema 'Error'` for a component, else `the
    /// error body of GET /x 404`. Messages name nothing that another operation's edit could
    /// change (a count of users, the first one), so `treaty check` tells old findings from new.
    named: String,
    schema: Obj<'a>,
}

/// The component schema key a local `$ref` names, in the referencing document.
fn component_key<'a>(spec: &Spec<'a>, schema: &Obj<'a>) -> Option<NodeRef<'a>> {
    let name = schema
        .ref_text?
        .strip_prefix("#/components/schemas/")
        .filter(|n| !n.contains('/'))?;
    if !std::ptr::eq(schema.origin.doc, spec.doc) {
        return None;
    }
    let schemas = spec.root.get("components")?.get("schemas")?;
    schemas
        .node
        .get_entry(name)
        .map(|(k, _)| NodeRef::new(schemas.doc, k))
}

/// Every JSON error body of every operation of `spec`, with where it is defined.
fn error_bodies<'a>(spec: &Spec<'a>) -> Vec<Body<'a>> {
    let mut out = Vec::new();
    for op in &spec.operations {
        for r in op.responses() {
            if !is_error_response(op, r.status) {
                continue;
            }
            for (media, schema) in json_bodies(&r) {
                let (key, inline, named) = match component_key(spec, &schema) {
                    Some(key) => (
                        key,
                        false,
                        format!("the error schema '{}'", schema.ref_name().unwrap_or("?")),
                    ),
                    None => {
                        let key = media.obj.get_entry("schema").map_or(media.key, |(k, _)| k);
                        // Inside the operation unless the response is a shared component.
                        let inline = r.obj.ref_text.is_none();
                        let named = match r.obj.ref_name().filter(|_| !inline) {
                            Some(response) => format!("the error response '{response}'"),
                            None => format!("the error body of {} {}", op.id, r.status),
                        };
                        (key, inline, named)
                    }
                };
                let at = key.location();
                out.push(Body {
                    site: Site {
                        file: at.file.clone(),
                        line: at.line,
                        column: at.column,
                    },
                    at,
                    inline_in: inline.then(|| op.id.clone()),
                    named,
                    schema,
                });
            }
        }
    }
    out
}

/// One finding per site, through the operation when the site is inside one.
fn report_site(sink: &mut Sink, body: &Body, message: String) {
    match &body.inline_in {
        Some(op) => sink.report_operation(op, body.at.clone(), None, message),
        None => sink.lint(body.at.clone(), message),
    }
}

fn error_shape_nonstandard(ctx: &Ctx, sink: &mut Sink) {
    let house = &ctx.settings.errors;
    for spec in &ctx.specs {
        let bodies = error_bodies(spec);
        let mut seen = std::collections::HashSet::new();
        for b in &bodies {
            if !seen.insert(&b.site) {
                continue;
            }
            let Some(shortfall) = house.shortfall(&b.schema) else {
                continue;
            };
            report_site(
                sink,
                b,
                format!(
                    "{} {shortfall}: the house error shape is {}",
                    b.named,
                    house.shown()
                ),
            );
        }
    }
}

fn error_shape_inconsistent(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let bodies: Vec<(Body, Shape)> = error_bodies(spec)
            .into_iter()
            .filter_map(|b| Shape::of(&b.schema).map(|s| (b, s)))
            .collect();
        // The spec's shape: the house's when some body follows it (then a body unlike it is
        // the one to change, whatever the others do), else the one most error responses use
        // (the first seen on a tie).
        let mut counts: Vec<(&Shape, usize)> = Vec::new();
        for (_, shape) in &bodies {
            match counts.iter_mut().find(|(s, _)| *s == shape) {
                Some((_, n)) => *n += 1,
                None => counts.push((shape, 1)),
            }
        }
        if counts.len() < 2 {
            continue;
        }
        let house = &ctx.settings.errors;
        let housed = bodies
            .iter()
            .find(|(b, _)| declares_properties(&b.schema) && house.shortfall(&b.schema).is_none())
            .map(|(_, shape)| shape);
        let reference = match housed {
            Some(shape) => counts.iter().find(|(s, _)| *s == shape),
            None => counts.iter().rev().max_by_key(|(_, n)| *n),
        };
        let Some(&(common, _)) = reference else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        for (b, shape) in &bodies {
            if shape == common || !seen.insert(&b.site) {
                continue;
            }
            report_site(
                sink,
                b,
                format!(
                    "{} is shaped {}, while this spec's error bodies are shaped {}: \
                     clients need one handler per shape",
                    b.named,
                    shape.shown(),
                    common.shown()
                ),
            );
        }
    }
}
