//! A thin, version-tolerant view of one spec for the checks: operations by method and path,
//! with path-level and operation-level parameters merged, and accessors that follow `$ref`s.
//!
//! Nothing is copied out of the node tree: every accessor returns [`Obj`] views or [`NodeRef`]s,
//! so a finding can point at the exact key or value it is about. Fields read the same in 3.0
//! and 3.1; where the versions differ (`nullable` vs `type: [x, "null"]`, `$ref` siblings) the
//! difference is absorbed in [`refs`](super::refs) and the schema comparison.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::OnceLock;

use super::load::{Doc, SpecSet, Version};
use super::refs::{NodeRef, Obj};
use crate::tree::Node;

/// HTTP methods an OpenAPI path item may hold, in the spec's order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One spec of a revision.
pub struct Spec<'a> {
    pub set: &'a SpecSet,
    pub doc: &'a Doc,
    pub version: Version,
    pub root: NodeRef<'a>,
    /// Path items in file order.
    pub paths: Vec<PathItem<'a>>,
    /// Operations in file order.
    pub operations: Vec<Operation<'a>>,
}

/// A path item (`/pets/{id}`) and what its template looks like without parameter names.
pub struct PathItem<'a> {
    pub path: &'a str,
    /// The key under `paths`.
    pub key: NodeRef<'a>,
    pub item: Obj<'a>,
    /// `/pets/{}`: paths equal modulo parameter names are the same path.
    pub template: String,
    /// Parameter names in template order: `["id"]`.
    pub template_params: Vec<&'a str>,
}

/// One operation: a method of a path item.
pub struct Operation<'a> {
    pub set: &'a SpecSet,
    /// `GET`.
    pub method: &'static str,
    /// The path as written in the spec.
    pub path: &'a str,
    /// Index of its path item in [`Spec::paths`].
    pub path_index: usize,
    /// The method key (`get:`).
    pub key: NodeRef<'a>,
    pub obj: Obj<'a>,
    /// Path-level and operation-level parameters, the operation's winning on the same
    /// `(name, in)`, path-level first.
    pub params: Vec<Param<'a>>,
    /// `GET /pets/{id}`.
    pub id: std::sync::Arc<str>,
    /// [`Operation::responses`], read once: dozens of rules ask for them, and reading them
    /// again each time was a fifth of a large comparison.
    responses: OnceLock<Vec<Response<'a>>>,
}

/// One parameter of an operation.
#[derive(Clone, Copy)]
pub struct Param<'a> {
    pub name: &'a str,
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'a str,
    pub obj: Obj<'a>,
    /// Declared on the path item rather than the operation.
    pub path_level: bool,
}

impl<'a> Param<'a> {
    /// Path parameters are always required, whatever `required` says.
    pub fn required(&self) -> bool {
        self.location == "path" || self.obj.flag("required")
    }

    pub fn deprecated(&self) -> bool {
        self.obj.flag("deprecated")
    }

    /// The parameter's schema: `schema`, or the schema of its single `content` entry.
    pub fn schema(&self) -> Option<Obj<'a>> {
        if let Some(s) = self.obj.child("schema") {
            return Some(s);
        }
        let content = self.obj.child("content")?;
        let (_, media) = content.entries().next()?;
        self.obj.set.view(media).child("schema")
    }

    /// Where to point at the parameter in its operation: the `$ref` entry when it is shared
    /// (the component would be the same line for every operation), else its `name`.
    pub fn at(&self) -> NodeRef<'a> {
        if self.obj.ref_text.is_some() {
            return self.obj.origin;
        }
        self.obj.get("name").unwrap_or(self.obj.origin)
    }
}

/// One response of an operation: status (or `default`, `2XX`) and the response object.
#[derive(Clone, Copy)]
pub struct Response<'a> {
    pub status: &'a str,
    pub key: NodeRef<'a>,
    pub obj: Obj<'a>,
}

/// One media type of a body: `application/json` and its Media Type object.
#[derive(Clone, Copy)]
pub struct Media<'a> {
    pub name: &'a str,
    pub key: NodeRef<'a>,
    pub obj: Obj<'a>,
}

impl<'a> Media<'a> {
    pub fn schema(&self) -> Option<Obj<'a>> {
        self.obj.child("schema")
    }
}

/// `/pets/{}` and `["id"]` for `/pets/{id}`.
pub fn normalize_template(path: &str) -> (String, Vec<&str>) {
    let mut out = String::with_capacity(path.len());
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..=open]);
        out.push('}');
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    (out, names)
}

/// The `in`/`name` key of a parameter, or `None` for something that is not one.
fn param_of<'a>(set: &'a SpecSet, node: NodeRef<'a>, path_level: bool) -> Option<Param<'a>> {
    let obj = set.view(node);
    Some(Param {
        name: obj.str("name")?,
        location: obj.str("in")?,
        obj,
        path_level,
    })
}

impl<'a> Spec<'a> {
    pub fn new(set: &'a SpecSet, spec_index: usize) -> Spec<'a> {
        let entry = &set.specs[spec_index];
        let doc: &Doc = &set.docs[entry.doc];
        let root = NodeRef::new(doc, &doc.root);
        let mut spec = Spec {
            set,
            doc,
            version: entry.version,
            root,
            paths: Vec::new(),
            operations: Vec::new(),
        };
        let Some(paths) = root.node.get_entry("paths") else {
            return spec;
        };
        let paths = paths.1.as_map().unwrap_or(&[]);
        // Sized up front (operations: trimmed at the end): a large spec's model is tens of
        // megabytes, and doubling growth would leave up to half of it unused.
        spec.paths.reserve_exact(paths.len());
        for (key, value) in paths {
            let Some(path) = key.as_str() else { continue };
            // `x-` keys under `paths` are extensions, not paths.
            if !path.starts_with('/') {
                continue;
            }
            let item = set.view(NodeRef::new(doc, value));
            let (template, template_params) = normalize_template(path);
            let path_index = spec.paths.len();
            let shared: Vec<Param<'a>> = item
                .get("parameters")
                .map(|list| {
                    list.node
                        .items()
                        .filter_map(|p| param_of(set, NodeRef::new(list.doc, p), true))
                        .collect()
                })
                .unwrap_or_default();
            for method in METHODS {
                let Some((mkey, mvalue)) = item.get_entry(method) else {
                    continue;
                };
                let obj = set.view(mvalue);
                let mut params = shared.clone();
                if let Some(list) = obj.get("parameters") {
                    params.reserve_exact(list.node.as_seq().map_or(0, <[Node]>::len));
                    for p in list.node.items() {
                        let Some(p) = param_of(set, NodeRef::new(list.doc, p), false) else {
                            continue;
                        };
                        params.retain(|q| !(q.name == p.name && q.location == p.location));
                        params.push(p);
                    }
                }
                let upper = method_upper(method);
                spec.operations.push(Operation {
                    set,
                    method: upper,
                    path,
                    path_index,
                    key: mkey,
                    obj,
                    params,
                    id: format!("{upper} {path}").into(),
                    responses: OnceLock::new(),
                });
            }
            spec.paths.push(PathItem {
                path,
                key: NodeRef::new(doc, key),
                item,
                template,
                template_params,
            });
        }
        spec.operations.shrink_to_fit();
        spec
    }

    /// The `paths` key, where findings about removed paths point.
    pub fn paths_key(&self) -> NodeRef<'a> {
        match self.root.node.get_entry("paths") {
            Some((k, _)) => NodeRef::new(self.doc, k),
            None => self.root,
        }
    }

    /// Top-level `security`, which operations without their own inherit.
    pub fn security(&self) -> Option<NodeRef<'a>> {
        self.root.get("security")
    }

    /// A component by kind and name (`schemas`, `Pet`).
    pub fn component(&self, kind: &str, name: &str) -> Option<Obj<'a>> {
        let node = self.root.get("components")?.get(kind)?.get(name)?;
        Some(self.set.view(node))
    }
}

fn method_upper(method: &str) -> &'static str {
    match method {
        "get" => "GET",
        "put" => "PUT",
        "post" => "POST",
        "delete" => "DELETE",
        "options" => "OPTIONS",
        "head" => "HEAD",
        "patch" => "PATCH",
        _ => "TRACE",
    }
}

impl<'a> Operation<'a> {
    pub fn deprecated(&self) -> bool {
        self.obj.flag("deprecated")
    }

    /// `x-sunset` (a date, `2025-12-31` or RFC 3339), the value node.
    pub fn sunset(&self) -> Option<NodeRef<'a>> {
        self.obj.get("x-sunset")
    }

    /// `x-stability-level` as written: `draft`, `alpha`, `beta`, `stable`.
    pub fn stability(&self) -> Option<&'a str> {
        self.obj.str("x-stability-level")
    }

    pub fn param(&self, location: &str, name: &str) -> Option<&Param<'a>> {
        self.params
            .iter()
            .find(|p| p.location == location && p.name == name)
    }

    pub fn request_body(&self) -> Option<Obj<'a>> {
        self.set.child(&self.obj, "requestBody")
    }

    pub fn responses(&self) -> Vec<Response<'a>> {
        self.responses
            .get_or_init(|| {
                let Some(responses) = self.set.child(&self.obj, "responses") else {
                    return Vec::new();
                };
                responses
                    .entries_with_keys()
                    .filter(|(status, _, _)| !status.starts_with("x-"))
                    .map(|(status, key, value)| Response {
                        status,
                        key,
                        obj: self.set.view(value),
                    })
                    .collect::<Vec<_>>()
                    // Kept for the whole comparison, one per operation: no spare capacity.
                    .into_boxed_slice()
                    .into_vec()
            })
            .clone()
    }

    pub fn response(&self, status: &str) -> Option<Response<'a>> {
        self.responses().into_iter().find(|r| r.status == status)
    }

    /// The operation's `security`, else the spec's.
    pub fn security(&self, spec: &Spec<'a>) -> Option<NodeRef<'a>> {
        self.obj.get("security").or_else(|| spec.security())
    }
}

/// The media types of a `content` map (of a request body, response or parameter).
pub fn content<'a>(set: &'a SpecSet, holder: &Obj<'a>) -> Vec<Media<'a>> {
    let Some(content) = set.child(holder, "content") else {
        return Vec::new();
    };
    content
        .entries_with_keys()
        .map(|(name, key, value)| Media {
            name,
            key,
            obj: set.view(value),
        })
        .collect()
}

/// Structural equality of two values, ignoring positions and key order (for `enum`, `default`,
/// `const` and other data). Iterative, so deep values cannot overflow the stack.
pub fn same_value(a: &Node, b: &Node) -> bool {
    use crate::tree::Value;
    // Scalars (almost every enum value) need no stack: schema comparison calls this once per
    // pair of enum values, millions of times on large specs.
    match (&a.value, &b.value) {
        (Value::Map(_) | Value::Seq(_), Value::Map(_) | Value::Seq(_)) => {}
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            return a.as_f64() == b.as_f64();
        }
        (x, y) => return x == y,
    }
    let mut stack = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        match (&a.value, &b.value) {
            (Value::Map(x), Value::Map(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                for (k, v) in x.iter() {
                    match b.get(k.as_str().unwrap_or("")) {
                        Some(w) => stack.push((v, w)),
                        None => return false,
                    }
                }
            }
            (Value::Seq(x), Value::Seq(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                stack.extend(x.iter().zip(y.iter()));
            }
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                if a.as_f64() != b.as_f64() {
                    return false;
                }
            }
            (x, y) => {
                if x != y {
                    return false;
                }
            }
        }
    }
    true
}

/// Values compared as [`same_value`] compares them, held by a hash of their structure: telling
/// which of n enum values repeat, or which of one list are in another, takes n lookups rather
/// than n² comparisons (an enum of 1M values would take hours).
pub struct ValueSet<'n> {
    hasher: foldhash::fast::RandomState,
    buckets: HashMap<u64, Vec<&'n Node>, foldhash::fast::RandomState>,
}

impl<'n> ValueSet<'n> {
    pub fn new() -> ValueSet<'n> {
        ValueSet {
            hasher: foldhash::fast::RandomState::default(),
            buckets: HashMap::default(),
        }
    }

    pub fn of(values: &'n [Node]) -> ValueSet<'n> {
        let mut set = ValueSet::new();
        for v in values {
            set.insert(v);
        }
        set
    }

    /// Is a value equal to `v` held?
    pub fn contains(&self, v: &Node) -> bool {
        self.buckets
            .get(&value_hash(&self.hasher, v))
            .is_some_and(|held| held.iter().any(|w| same_value(v, w)))
    }

    /// Holds `v`; false when an equal value was held already.
    pub fn insert(&mut self, v: &'n Node) -> bool {
        let held = self.buckets.entry(value_hash(&self.hasher, v)).or_default();
        if held.iter().any(|w| same_value(v, w)) {
            return false;
        }
        held.push(v);
        true
    }
}

impl Default for ValueSet<'_> {
    fn default() -> Self {
        ValueSet::new()
    }
}

/// A hash equal for values that [`same_value`] finds equal: numbers by their `f64` (so `1` and
/// `1.0` agree), mappings whatever their key order. Recursion is bounded by the parser's depth
/// limit.
fn value_hash(state: &impl BuildHasher, node: &Node) -> u64 {
    use crate::tree::Value;
    let mut h = state.build_hasher();
    match &node.value {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Str(s) => (2u8, &**s).hash(&mut h),
        Value::Int(_) | Value::Float(_) => {
            let f = node.as_f64().unwrap_or(0.0);
            // -0.0 == 0.0 but their bits differ.
            let f = if f == 0.0 { 0.0 } else { f };
            (3u8, f.to_bits()).hash(&mut h);
        }
        Value::Seq(items) => {
            (4u8, items.len()).hash(&mut h);
            for item in items.iter() {
                value_hash(state, item).hash(&mut h);
            }
        }
        Value::Map(entries) => {
            // A sum does not depend on the entries' order.
            let sum = entries.iter().fold(0u64, |sum, (k, v)| {
                let entry = state.hash_one((k.as_str().unwrap_or(""), value_hash(state, v)));
                sum.wrapping_add(entry)
            });
            (5u8, entries.len(), sum).hash(&mut h);
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_sets_hold_values_as_same_value_compares_them() {
        let list = crate::tree::parse(
            "t.yaml",
            "[1, 1.0, -0.0, 0, {a: 1, b: [x]}, {b: [x], a: 1.0}, .nan, .nan, '1', [1, 2], [2, 1]]",
        )
        .unwrap();
        let values = list.as_seq().unwrap();
        let mut seen = ValueSet::new();
        let repeated: Vec<usize> = (0..values.len())
            .filter(|&i| !seen.insert(&values[i]))
            .collect();
        // 1.0 is 1, 0 is -0.0, key order does not count; NaN equals nothing, '1' is a string,
        // and list order counts.
        assert_eq!(repeated, [1, 3, 5]);
        let pairwise: Vec<usize> = (0..values.len())
            .filter(|&i| values[..i].iter().any(|w| same_value(&values[i], w)))
            .collect();
        assert_eq!(repeated, pairwise);
        assert!(ValueSet::of(values).contains(&values[8]));
    }
    use crate::openapi::load::{load, no_fetch, SpecFilter};
    use crate::source::Snapshot;

    fn set_of(text: &str) -> SpecSet {
        let snapshot = Snapshot::of_texts("t", [("a.yaml", text)]);
        load(&snapshot, &SpecFilter::default(), &no_fetch).unwrap_or_else(|e| panic!("{e}"))
    }

    const PETS: &str = r#"openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  x-internal: {}
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {$ref: '#/components/parameters/Trace'}
    get:
      deprecated: true
      x-sunset: "2030-01-01"
      parameters:
        - {name: Trace, in: header, required: true, schema: {type: string}}
        - {name: fields, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {$ref: '#/components/schemas/Pet'}}
        default: {$ref: '#/components/responses/Error'}
    delete:
      responses: {"204": {description: gone}}
components:
  parameters:
    Trace: {name: Trace, in: header, schema: {type: string}}
  responses:
    Error: {description: error}
  schemas:
    Pet: {type: object}
"#;

    #[test]
    fn operations_merge_path_and_operation_parameters() {
        let set = set_of(PETS);
        let spec = Spec::new(&set, 0);
        let ids: Vec<&str> = spec.operations.iter().map(|o| &*o.id).collect();
        assert_eq!(ids, ["GET /pets/{id}", "DELETE /pets/{id}"]);
        let get = &spec.operations[0];
        let params: Vec<(&str, &str, bool, bool)> = get
            .params
            .iter()
            .map(|p| (p.location, p.name, p.path_level, p.required()))
            .collect();
        assert_eq!(
            params,
            [
                ("path", "id", true, true),
                ("header", "Trace", false, true),
                ("query", "fields", false, false)
            ]
        );
        let delete = &spec.operations[1];
        assert_eq!(
            delete.params.len(),
            2,
            "path-level parameters reach every operation"
        );
        assert!(get.deprecated());
        assert_eq!(get.sunset().unwrap().node.as_str(), Some("2030-01-01"));
        assert_eq!(get.key.node.line, 9);
    }

    #[test]
    fn responses_and_content_follow_refs() {
        let set = set_of(PETS);
        let spec = Spec::new(&set, 0);
        let get = &spec.operations[0];
        let statuses: Vec<&str> = get.responses().iter().map(|r| r.status).collect();
        assert_eq!(statuses, ["200", "default"]);
        let default = get.response("default").unwrap();
        assert_eq!(default.obj.str("description"), Some("error"));
        let ok = get.response("200").unwrap();
        let media = content(&set, &ok.obj);
        assert_eq!(media[0].name, "application/json");
        assert_eq!(media[0].schema().unwrap().str("type"), Some("object"));
    }

    #[test]
    fn templates_ignore_parameter_names() {
        assert_eq!(
            normalize_template("/pets/{petId}/toys/{toy}"),
            ("/pets/{}/toys/{}".to_string(), vec!["petId", "toy"])
        );
        assert_eq!(normalize_template("/a/{b"), ("/a/{b".to_string(), vec![]));
    }

    #[test]
    fn same_value_ignores_key_order_and_number_form() {
        let a = crate::tree::parse("a.yaml", "{x: 1, y: [a, {z: 2.0}]}").unwrap();
        let b = crate::tree::parse("b.json", r#"{"y": ["a", {"z": 2}], "x": 1.0}"#).unwrap();
        assert!(same_value(&a, &b));
        let c = crate::tree::parse("c.yaml", "{x: 1, y: [a]}").unwrap();
        assert!(!same_value(&a, &c));
    }
}
