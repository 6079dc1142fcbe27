//! The skeleton of a spec, checked before anything reads it: where OpenAPI 3 puts a map (paths,
//! operations, responses, components) or a list (parameters, servers, tags), a value of another
//! kind would make the model see nothing there, and a comparison of nothing finds nothing. So a
//! spec whose `paths` is a list is an input error at that line (exit 2), not "no findings".
//!
//! Only kinds are checked, and only the containers the comparison walks (a `tags` string is a
//! lint finding, not a lost comparison); `$ref` objects are maps, and what a `$ref` leads to is
//! checked where it is read. Keys starting with `x-` are extensions.

use super::load::{Doc, Version};
use crate::diag::InputError;
use crate::tree::{Node, Value};

/// What a container holds.
#[derive(Clone, Copy)]
enum Shape {
    /// A map whose values are each of the given shape (`paths`: path -> path item).
    MapOf(&'static str, Item),
    /// A list whose items are each of the given shape.
    ListOf(&'static str, Item),
    /// One object, walked by the caller.
    Object(&'static str),
}

/// The shape of one member or item.
#[derive(Clone, Copy)]
enum Item {
    Path,
    Operation,
    Response,
    RequestBody,
    Media,
    Schema,
    /// A map not walked further (a parameter, a header, a server, an example).
    Plain,
}

const OPERATIONS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The first structural errors of a spec's document, at most one per container.
pub fn check(doc: &Doc, version: Version) -> Vec<InputError> {
    let mut errors = Vec::new();
    let mut checker = Checker {
        doc,
        version,
        errors: &mut errors,
    };
    let root = &doc.root;
    checker.member(root, "info", Shape::Object("the info object"));
    checker.member(
        root,
        "servers",
        Shape::ListOf("a list of servers", Item::Plain),
    );
    checker.member(
        root,
        "paths",
        Shape::MapOf("a map of paths to path items", Item::Path),
    );
    checker.member(
        root,
        "webhooks",
        Shape::MapOf("a map of webhooks to path items", Item::Path),
    );
    checker.member(
        root,
        "security",
        Shape::ListOf("a list of security requirements", Item::Plain),
    );
    if let Some(components) =
        checker.member(root, "components", Shape::Object("the components object"))
    {
        let of = |what, item| Shape::MapOf(what, item);
        checker.member(components, "schemas", of("a map of schemas", Item::Schema));
        checker.member(
            components,
            "responses",
            of("a map of responses", Item::Response),
        );
        checker.member(
            components,
            "parameters",
            of("a map of parameters", Item::Plain),
        );
        checker.member(
            components,
            "requestBodies",
            of("a map of request bodies", Item::RequestBody),
        );
        checker.member(components, "headers", of("a map of headers", Item::Plain));
        checker.member(
            components,
            "securitySchemes",
            of("a map of security schemes", Item::Plain),
        );
        checker.member(
            components,
            "pathItems",
            of("a map of path items", Item::Path),
        );
    }
    errors
}

struct Checker<'d, 'e> {
    doc: &'d Doc,
    version: Version,
    errors: &'e mut Vec<InputError>,
}

impl<'d> Checker<'d, '_> {
    /// Check `parent[key]` when present (a `null` value counts as absent: YAML's `paths:` with
    /// nothing under it), and return it when it is a map.
    fn member(&mut self, parent: &'d Node, key: &str, shape: Shape) -> Option<&'d Node> {
        let value = parent.get(key)?;
        if value.is_null() {
            return None;
        }
        let (what, want_map) = match shape {
            Shape::MapOf(what, _) | Shape::Object(what) => (what, true),
            Shape::ListOf(what, _) => (what, false),
        };
        let ok = if want_map {
            value.as_map().is_some()
        } else {
            value.as_seq().is_some()
        };
        if !ok {
            self.error(value, &format!("`{key}` must be {what}"));
            return None;
        }
        match shape {
            Shape::MapOf(_, item) => {
                for (name, member) in value.entries() {
                    if !name.starts_with("x-") {
                        self.item(member, item, name);
                    }
                }
            }
            Shape::ListOf(_, item) => {
                for (i, member) in value.items().enumerate() {
                    self.item(member, item, &format!("{key}[{i}]"));
                }
            }
            Shape::Object(_) => {}
        }
        value.as_map().map(|_| value)
    }

    /// Check one member of a container: its own kind, then what it holds.
    fn item(&mut self, node: &'d Node, item: Item, name: &str) {
        let is_map = node.as_map().is_some();
        let schema_bool = matches!(node.value, Value::Bool(_)) && self.version == Version::V31;
        match item {
            // A schema may be `true`/`false` in 3.1.
            Item::Schema if schema_bool => return,
            _ if is_map => {}
            // An empty path item (`/health:` with nothing under it) declares nothing.
            Item::Path if node.is_null() => return,
            _ => {
                let what = match item {
                    Item::Path => "a path item (a map of operations)",
                    Item::Operation => "an operation (a map)",
                    Item::Response => "a response (a map)",
                    Item::RequestBody => "a request body (a map)",
                    Item::Media => "a media type object (a map)",
                    Item::Schema => "a schema (a map)",
                    Item::Plain => "a map",
                };
                self.error(node, &format!("`{name}` must be {what}"));
                return;
            }
        }
        match item {
            Item::Path => {
                for method in OPERATIONS {
                    if let Some(op) = node.get(method).filter(|op| !op.is_null()) {
                        self.item(op, Item::Operation, method);
                    }
                }
                self.member(
                    node,
                    "parameters",
                    Shape::ListOf("a list of parameters", Item::Plain),
                );
                self.member(
                    node,
                    "servers",
                    Shape::ListOf("a list of servers", Item::Plain),
                );
            }
            Item::Operation => {
                self.member(
                    node,
                    "parameters",
                    Shape::ListOf("a list of parameters", Item::Plain),
                );
                let body = Shape::Object("a request body (a map)");
                if let Some(body) = self.member(node, "requestBody", body) {
                    self.item(body, Item::RequestBody, "requestBody");
                }
                self.member(
                    node,
                    "responses",
                    Shape::MapOf("a map of statuses to responses", Item::Response),
                );
                self.member(
                    node,
                    "security",
                    Shape::ListOf("a list of security requirements", Item::Plain),
                );
                self.member(
                    node,
                    "callbacks",
                    Shape::MapOf("a map of callbacks", Item::Plain),
                );
            }
            Item::Response | Item::RequestBody => {
                self.member(
                    node,
                    "content",
                    Shape::MapOf("a map of media types", Item::Media),
                );
                if matches!(item, Item::Response) {
                    self.member(
                        node,
                        "headers",
                        Shape::MapOf("a map of headers", Item::Plain),
                    );
                }
            }
            Item::Media => {
                if let Some(schema) = node.get("schema").filter(|s| !s.is_null()) {
                    self.item(schema, Item::Schema, "schema");
                }
            }
            Item::Schema | Item::Plain => {}
        }
    }

    fn error(&mut self, value: &Node, message: &str) {
        let found = match &value.value {
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
            Value::Str(_) => "a string",
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
        };
        self.errors.push(
            InputError::at(
                format!("{message}, found {found}"),
                self.doc.line_location(value),
                Some(self.doc.text.clone()),
            )
            .with_hint(
                "treaty reads a spec's structure as OpenAPI 3 defines it; a container of \
                 another kind would be compared as empty",
            ),
        );
    }
}
