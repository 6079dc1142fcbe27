//! Security requirements name defined schemes and their scopes (Spectral's
//! `oas3-operation-security-defined`). Requirements are read at the top level and on each
//! operation; a requirement whose values are not all lists of strings is malformed and not read.

use super::{Check, Ctx, Sink};
use crate::openapi::model::Spec;
use crate::openapi::refs::NodeRef;
use crate::rules::Rule;
use crate::tree::Node;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("openapi/security-scheme-undefined", |ctx, sink| {
        requirements(ctx, sink, Undefined::Scheme)
    }),
    Rule::new("openapi/security-scope-undefined", |ctx, sink| {
        requirements(ctx, sink, Undefined::Scope)
    }),
];

#[derive(Clone, Copy, PartialEq)]
/// What a rule reports as undefined.
enum Undefined {
    Scheme,
    Scope,
}

/// Every security requirement object of a spec: the top level's, then each operation's, with
/// whose it is.
fn each_requirement<'a>(spec: &Spec<'a>) -> Vec<(String, NodeRef<'a>)> {
    let mut out = Vec::new();
    let mut lists = vec![("the API".to_string(), spec.root.get("security"))];
    for op in &spec.operations {
        lists.push((op.id.to_string(), op.obj.get("security")));
    }
    for (whose, list) in lists {
        let Some(list) = list else { continue };
        for item in list.node.items() {
            out.push((whose.clone(), NodeRef::new(list.doc, item)));
        }
    }
    out
}

/// A scheme's scope: declared in one of its OAuth flows.
fn scope_defined(scheme: &Node, scope: &str) -> bool {
    scheme
        .get("flows")
        .and_then(Node::as_map)
        .is_some_and(|flows| {
            flows
                .iter()
                .any(|(_, flow)| flow.get("scopes").and_then(|s| s.get(scope)).is_some())
        })
}

fn requirements(ctx: &Ctx, sink: &mut Sink, what: Undefined) {
    for spec in &ctx.specs {
        let schemes = spec
            .root
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
            .filter(|s| s.node.as_map().is_some());
        for (whose, req) in each_requirement(spec) {
            let Some(entries) = req.node.as_map() else {
                continue;
            };
            let well_formed = entries.iter().all(|(_, scopes)| {
                scopes
                    .as_seq()
                    .is_some_and(|s| s.iter().all(|x| x.as_str().is_some()))
            });
            if !well_formed {
                continue;
            }
            for (key, scopes) in entries {
                let name = key.as_str().unwrap_or_default();
                let Some(scheme) = schemes.and_then(|s| s.node.get(name)) else {
                    if what == Undefined::Scheme {
                        sink.lint(
                            NodeRef::new(req.doc, key).location(),
                            format!(
                                "the security requirement of {whose} names the scheme '{name}', \
                                 which components.securitySchemes does not define"
                            ),
                        );
                    }
                    continue;
                };
                if what != Undefined::Scope {
                    continue;
                }
                for scope in scopes.items() {
                    let text = scope.as_str().unwrap_or_default();
                    if !scope_defined(scheme, text) {
                        sink.lint(
                            NodeRef::new(req.doc, scope).location(),
                            format!(
                                "the security requirement of {whose} asks for the scope \
                                 '{text}', which no OAuth flow of the scheme '{name}' declares"
                            ),
                        );
                    }
                }
            }
        }
    }
}
