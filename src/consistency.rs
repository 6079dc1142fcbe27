//! Proto and OpenAPI of one service agree (category `CONSISTENCY`, off until selected): when a
//! repository holds a gRPC service with `google.api.http` bindings and an OpenAPI spec of the
//! same REST API, every bound route is in the spec and every operation of the spec is bound.
//!
//! A spec and a protobuf package describe the same API when they share at least one route with
//! the version segments masked (`GET /v*/users/*`), so that a spec one version behind its
//! package pairs with it and reports the version it lags at. Routes compare as a client sees
//! them: method, the server URL's path before the spec's path, variables as `*`.
//!
//! It sits above `proto` and `openapi`, which never see each other.

use std::collections::{BTreeSet, HashMap};

use crate::finding::Sink;
use crate::openapi::load::SpecSet;
use crate::openapi::model::Spec;
use crate::proto::http::{http_option, normalise_path};
use crate::proto::model::ProtoSet;
use crate::rules::Rule;
use crate::url_path::{is_version, without_variables};

/// The check of a consistency rule: it reads one revision's protobuf files and specs.
pub type Check = fn(&Ctx, &mut Sink);

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/http-route-not-in-spec", http_route_not_in_spec),
    Rule::new("openapi/operation-not-bound", operation_not_bound),
];

/// One route: `GET /v1/users/*`.
type Route = (String, String);

/// The routes of one revision: each protobuf package's bindings and each spec's operations,
/// and which of them describe the same API.
pub struct Ctx<'a> {
    protos: &'a ProtoSet,
    specs: Vec<Spec<'a>>,
    /// Per package: its bound routes.
    package_routes: HashMap<&'a str, BTreeSet<Route>>,
    /// Per spec (index in `specs`): the route of each operation, in operation order.
    operation_routes: Vec<Vec<Route>>,
    /// Per spec: its routes.
    spec_routes: Vec<BTreeSet<Route>>,
    /// (package, spec index) pairs that share a route, versions masked.
    pairs: Vec<(&'a str, usize)>,
}

impl<'a> Ctx<'a> {
    pub fn new(protos: &'a ProtoSet, set: &'a SpecSet) -> Ctx<'a> {
        let specs: Vec<Spec> = (0..set.specs.len()).map(|i| Spec::new(set, i)).collect();
        let mut package_routes: HashMap<&str, BTreeSet<Route>> = HashMap::new();
        for file in protos.tree_files() {
            for service in &file.ast.services {
                for method in &service.methods {
                    for binding in http_option(method).iter().flat_map(|o| o.bindings()) {
                        if binding.has_pattern() {
                            package_routes
                                .entry(file.package())
                                .or_default()
                                .insert(proto_route(&binding.verb, &binding.path));
                        }
                    }
                }
            }
        }
        let operation_routes: Vec<Vec<Route>> = specs
            .iter()
            .map(|spec| {
                let base = base_path(spec);
                spec.operations
                    .iter()
                    .map(|op| spec_route(op.method, &base, op.path))
                    .collect()
            })
            .collect();
        let spec_routes: Vec<BTreeSet<Route>> = operation_routes
            .iter()
            .map(|routes| routes.iter().cloned().collect())
            .collect();
        let masked = |routes: &BTreeSet<Route>| -> BTreeSet<Route> {
            routes
                .iter()
                .map(|(m, p)| (m.clone(), mask_versions(p)))
                .collect()
        };
        let masked_specs: Vec<BTreeSet<Route>> = spec_routes.iter().map(masked).collect();
        let mut pairs = Vec::new();
        for (package, routes) in &package_routes {
            let routes = masked(routes);
            for (i, spec) in masked_specs.iter().enumerate() {
                if !routes.is_disjoint(spec) {
                    pairs.push((*package, i));
                }
            }
        }
        pairs.sort();
        Ctx {
            protos,
            specs,
            package_routes,
            operation_routes,
            spec_routes,
            pairs,
        }
    }
}

/// `GET` and the binding's path as a client sees it.
fn proto_route(verb: &str, path: &str) -> Route {
    let path = normalise_path(path).replace("**", "*");
    (verb.to_ascii_uppercase(), trim_slash(&path).to_string())
}

/// `GET` and the spec's path behind its server path, each `{parameter}` as `*`.
fn spec_route(method: &str, base: &str, path: &str) -> Route {
    let path = format!("{base}{}", without_variables(path).replace("{}", "*"));
    (method.to_ascii_uppercase(), trim_slash(&path).to_string())
}

fn trim_slash(path: &str) -> &str {
    if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    }
}

/// The path every server URL of the spec shares (`/api` of `https://x.org/api`), or nothing.
fn base_path(spec: &Spec) -> String {
    let paths = crate::openapi::lint::urls::server_paths(spec);
    match paths.split_first() {
        Some((first, rest)) if rest.iter().all(|p| p == first) => {
            first.trim_end_matches('/').to_string()
        }
        _ => String::new(),
    }
}

/// `/v*/users/*` of `/v1/users/*`: the segments that are versions, masked.
fn mask_versions(path: &str) -> String {
    path.split('/')
        .map(|segment| if is_version(segment) { "v*" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// The route of `routes` that matches `route` but for its version segments, if any.
fn other_version<'r>(routes: &'r BTreeSet<Route>, route: &Route) -> Option<&'r Route> {
    let masked = mask_versions(&route.1);
    routes
        .iter()
        .find(|(m, p)| *m == route.0 && *p != route.1 && mask_versions(p) == masked)
}

fn http_route_not_in_spec(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.protos.tree_files() {
        let package = file.package();
        let specs: Vec<usize> = ctx
            .pairs
            .iter()
            .filter(|(p, _)| *p == package)
            .map(|(_, s)| *s)
            .collect();
        if specs.is_empty() {
            continue;
        }
        let documented: BTreeSet<Route> = specs
            .iter()
            .flat_map(|&s| ctx.spec_routes[s].iter().cloned())
            .collect();
        let names: Vec<&str> = specs
            .iter()
            .map(|&s| ctx.specs[s].doc.path.as_str())
            .collect();
        for service in &file.ast.services {
            for method in &service.methods {
                for binding in http_option(method).iter().flat_map(|o| o.bindings()) {
                    let route = proto_route(&binding.verb, &binding.path);
                    if !binding.has_pattern() || documented.contains(&route) {
                        continue;
                    }
                    let hint = match other_version(&documented, &route) {
                        Some((_, path)) => format!(": the spec has it as {path}"),
                        None => String::new(),
                    };
                    sink.lint(
                        file.location(binding.pattern_span),
                        format!(
                            "the HTTP route {} of {}.{} is not in {}, which documents this \
                             package's other routes{hint}",
                            binding.shown(),
                            service.name,
                            method.name,
                            names.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

fn operation_not_bound(ctx: &Ctx, sink: &mut Sink) {
    for (i, spec) in ctx.specs.iter().enumerate() {
        let packages: Vec<&str> = ctx
            .pairs
            .iter()
            .filter(|(_, s)| *s == i)
            .map(|(p, _)| *p)
            .collect();
        if packages.is_empty() {
            continue;
        }
        let bound: BTreeSet<Route> = packages
            .iter()
            .flat_map(|p| ctx.package_routes[p].iter().cloned())
            .collect();
        for (op, route) in spec.operations.iter().zip(&ctx.operation_routes[i]) {
            if bound.contains(route) {
                continue;
            }
            let hint = match other_version(&bound, route) {
                Some((_, path)) => format!(": an RPC is bound to {path}"),
                None => String::new(),
            };
            sink.report_operation(
                &op.id,
                op.key.location(),
                None,
                format!(
                    "{} is not bound to any RPC of {}, whose other routes this spec documents{hint}",
                    op.id,
                    packages.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_compare_as_a_client_sees_them() {
        assert_eq!(
            proto_route("get", "/v1/{name=projects/*/topics/*}"),
            spec_route("get", "", "/v1/projects/{project}/topics/{topic}")
        );
        assert_eq!(
            proto_route("post", "/v1/{name=operations/**}:cancel"),
            spec_route("POST", "", "/v1/operations/{path}:cancel")
        );
        assert_eq!(
            spec_route("GET", "/api", "/v1/users/"),
            ("GET".to_string(), "/api/v1/users".to_string())
        );
        assert_eq!(mask_versions("/v2beta1/users/*"), "/v*/users/*");
        assert_eq!(mask_versions("/users/vendor"), "/users/vendor");
    }
}
