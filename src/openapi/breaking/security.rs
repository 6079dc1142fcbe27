//! Security: the requirements of operations and of the whole API (`security`), and the schemes
//! they name (`components.securitySchemes`).
//!
//! Ids and levels follow oasdiff's `check_api_security_updated.go` and
//! `check_components_security_updated.go`: every one is INFO there and stays INFO here (the
//! rule entries explain when such a change breaks clients). Differences by design:
//! - An operation's requirements are compared as they apply: its own `security`, else the
//!   API's. Operations that inherit on both sides are left to the `api-global-*` rules, so a
//!   global change is reported once, and moving the same list between the two levels is no
//!   change.
//! - Adding or removing the empty requirement `{}` (anonymous access) of an operation is
//!   reported too; oasdiff skips it, yet removing it makes authentication mandatory.
//! - OAuth URLs and scopes are compared in every flow; oasdiff reads only the implicit one.

use std::collections::{BTreeMap, BTreeSet};

use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::openapi::model::Spec;
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/api-global-security-added",
        api_global_security_added,
    ),
    Rule::new(
        "openapi/api-global-security-removed",
        api_global_security_removed,
    ),
    Rule::new(
        "openapi/api-global-security-scope-added",
        api_global_security_scope_added,
    ),
    Rule::new(
        "openapi/api-global-security-scope-removed",
        api_global_security_scope_removed,
    ),
    Rule::new("openapi/api-security-added", api_security_added),
    Rule::new(
        "openapi/api-security-component-added",
        api_security_component_added,
    ),
    Rule::new(
        "openapi/api-security-component-oauth-scope-added",
        api_security_component_oauth_scope_added,
    ),
    Rule::new(
        "openapi/api-security-component-oauth-scope-changed",
        api_security_component_oauth_scope_changed,
    ),
    Rule::new(
        "openapi/api-security-component-oauth-scope-removed",
        api_security_component_oauth_scope_removed,
    ),
    Rule::new(
        "openapi/api-security-component-oauth-token-url-changed",
        api_security_component_oauth_token_url_changed,
    ),
    Rule::new(
        "openapi/api-security-component-oauth-url-changed",
        api_security_component_oauth_url_changed,
    ),
    Rule::new(
        "openapi/api-security-component-removed",
        api_security_component_removed,
    ),
    Rule::new(
        "openapi/api-security-component-type-changed",
        api_security_component_type_changed,
    ),
    Rule::new("openapi/api-security-removed", api_security_removed),
    Rule::new("openapi/api-security-scope-added", api_security_scope_added),
    Rule::new(
        "openapi/api-security-scope-removed",
        api_security_scope_removed,
    ),
];

// ---------------------------------------------------------------------------------------------
// Requirements

/// One security requirement (an item of a `security` list): schemes AND-ed, each with the
/// scopes it needs. The items of a list are alternatives (OR).
struct Requirement<'a> {
    /// The list item.
    at: NodeRef<'a>,
    schemes: BTreeMap<String, BTreeSet<String>>,
}

impl Requirement<'_> {
    /// `api_key AND oauth: [read, write]`, or `{}` for anonymous access (oasdiff's rendering).
    fn render(&self) -> String {
        if self.schemes.is_empty() {
            return "{}".into();
        }
        self.schemes
            .iter()
            .map(|(name, scopes)| {
                if scopes.is_empty() {
                    name.clone()
                } else {
                    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                    format!("{name}: [{}]", scopes.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    fn names(&self) -> BTreeSet<&str> {
        self.schemes.keys().map(String::as_str).collect()
    }
}

fn text(node: NodeRef) -> String {
    node.node
        .scalar_text(&node.doc.text)
        .unwrap_or_default()
        .into_owned()
}

/// The requirements of a `security` list, in order.
fn requirements(list: Option<NodeRef<'_>>) -> Vec<Requirement<'_>> {
    let Some(list) = list else {
        return Vec::new();
    };
    // Only mappings are requirements: a malformed item must not read as `{}` (anonymous).
    list.node
        .items()
        .filter(|item| item.as_map().is_some())
        .map(|item| Requirement {
            at: NodeRef::new(list.doc, item),
            schemes: item
                .entries()
                .map(|(name, scopes)| {
                    let scopes = scopes
                        .items()
                        .map(|s| text(NodeRef::new(list.doc, s)))
                        .collect();
                    (name.to_string(), scopes)
                })
                .collect(),
        })
        .collect()
}

/// Scopes of one scheme of a requirement present on both sides: (scheme, added, removed).
type ScopeChange = (String, Vec<String>, Vec<String>);

/// How two `security` lists differ, matched as oasdiff does: identical requirements cancel
/// out; a leftover whose scheme set is unambiguous on both sides (one unmatched requirement
/// with those schemes each) is a scope change; the rest were added or removed.
struct SecurityDiff<'r, 'a> {
    added: Vec<&'r Requirement<'a>>,
    removed: Vec<&'r Requirement<'a>>,
    /// (old, new, changes), non-empty changes only.
    scopes: Vec<(&'r Requirement<'a>, &'r Requirement<'a>, Vec<ScopeChange>)>,
}

fn diff<'r, 'a>(old: &'r [Requirement<'a>], new: &'r [Requirement<'a>]) -> SecurityDiff<'r, 'a> {
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    for (i, o) in old.iter().enumerate() {
        if let Some(j) = (0..new.len()).find(|&j| !new_used[j] && new[j].schemes == o.schemes) {
            old_used[i] = true;
            new_used[j] = true;
        }
    }
    let unique = |list: &[Requirement], used: &[bool], names: &BTreeSet<&str>| {
        (0..list.len())
            .filter(|&k| !used[k] && list[k].names() == *names)
            .count()
            == 1
    };
    let mut scopes = Vec::new();
    for (i, o) in old.iter().enumerate() {
        let names = o.names();
        if old_used[i] || !unique(old, &old_used, &names) || !unique(new, &new_used, &names) {
            continue;
        }
        let Some(j) = (0..new.len()).find(|&j| !new_used[j] && new[j].names() == names) else {
            continue;
        };
        old_used[i] = true;
        new_used[j] = true;
        let changes: Vec<ScopeChange> = o
            .schemes
            .iter()
            .filter_map(|(name, was)| {
                let now = &new[j].schemes[name];
                let added: Vec<String> = now.difference(was).cloned().collect();
                let removed: Vec<String> = was.difference(now).cloned().collect();
                (!added.is_empty() || !removed.is_empty()).then(|| (name.clone(), added, removed))
            })
            .collect();
        scopes.push((o, &new[j], changes));
    }
    SecurityDiff {
        added: (0..new.len())
            .filter(|&j| !new_used[j])
            .map(|j| &new[j])
            .collect(),
        removed: (0..old.len())
            .filter(|&i| !old_used[i])
            .map(|i| &old[i])
            .collect(),
        scopes,
    }
}

/// The API-wide `security` key of a spec.
fn security_key<'a>(spec: &Spec<'a>) -> Option<NodeRef<'a>> {
    let (key, _) = spec.root.node.get_entry("security")?;
    Some(NodeRef::new(spec.doc, key))
}

/// Security of an operation as it applies, when it declares its own on either side.
struct OpSecurity<'a> {
    id: String,
    old: Vec<Requirement<'a>>,
    new: Vec<Requirement<'a>>,
    /// The new operation's `security` key, else its method key.
    new_at: Location,
    /// The same in the old revision.
    old_at: Location,
    /// The new side has its own `security` (so its items are the operation's).
    new_own: bool,
    old_own: bool,
}

fn operation_security(ctx: &Ctx, mut f: impl FnMut(&OpSecurity)) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let old_own = pair.old.obj.get("security");
            let new_own = pair.new.obj.get("security");
            if old_own.is_none() && new_own.is_none() {
                continue;
            }
            let item = |own: Option<NodeRef<'_>>, op: &crate::openapi::model::Operation| {
                own.map_or(op.key, |_| {
                    op.obj.get_entry("security").map_or(op.key, |(k, _)| k)
                })
                .line_location()
            };
            f(&OpSecurity {
                id: pair.id().to_string(),
                old: requirements(old_own.or_else(|| pair.old_spec.security())),
                new: requirements(new_own.or_else(|| pair.new_spec.security())),
                new_at: item(new_own, pair.new),
                old_at: item(old_own, pair.old),
                new_own: new_own.is_some(),
                old_own: old_own.is_some(),
            });
        }
    }
}

/// The location of a requirement in an operation: the item when it is the operation's own,
/// else the operation's `security` key or method.
fn item_at(req: &Requirement, own: bool, fallback: &Location) -> Location {
    if own {
        req.at.line_location()
    } else {
        fallback.clone()
    }
}

fn api_security_added(ctx: &Ctx, sink: &mut Sink) {
    operation_security(ctx, |s| {
        let d = diff(&s.old, &s.new);
        for req in d.added {
            let message = if s.old.is_empty() {
                format!(
                    "the endpoint security requirement '{}' was added: it required no \
                     authentication before",
                    req.render()
                )
            } else if req.schemes.is_empty() {
                "the endpoint now also accepts anonymous calls ('{}' was added)".to_string()
            } else {
                format!(
                    "the endpoint security requirement '{}' was added as an alternative",
                    req.render()
                )
            };
            let at = item_at(req, s.new_own, &s.new_at);
            sink.report_operation(&s.id, at, Some(s.old_at.clone()), message);
        }
    });
}

fn api_security_removed(ctx: &Ctx, sink: &mut Sink) {
    operation_security(ctx, |s| {
        let d = diff(&s.old, &s.new);
        for req in d.removed {
            let message = if req.schemes.is_empty() {
                "the endpoint no longer accepts anonymous calls (the '{}' requirement was \
                 removed)"
                    .to_string()
            } else {
                format!(
                    "the endpoint security requirement '{}' was removed",
                    req.render()
                )
            };
            let was = item_at(req, s.old_own, &s.old_at);
            sink.report_operation(&s.id, s.new_at.clone(), Some(was), message);
        }
    });
}

/// Each scope change of `added` (or removed) scopes, with the requirements holding it.
fn each_scope<'r, 'a>(
    d: &SecurityDiff<'r, 'a>,
    added: bool,
    mut f: impl FnMut(&'r Requirement<'a>, &'r Requirement<'a>, &str, &str),
) {
    for (old, new, changes) in &d.scopes {
        for (scheme, plus, minus) in changes {
            for scope in if added { plus } else { minus } {
                f(old, new, scheme, scope);
            }
        }
    }
}

fn api_security_scope_added(ctx: &Ctx, sink: &mut Sink) {
    operation_security(ctx, |s| {
        each_scope(&diff(&s.old, &s.new), true, |old, new, scheme, scope| {
            sink.report_operation(
                &s.id,
                item_at(new, s.new_own, &s.new_at),
                Some(item_at(old, s.old_own, &s.old_at)),
                format!(
                    "the security scope '{scope}' was added to the endpoint's security scheme \
                     '{scheme}': tokens without it are refused"
                ),
            );
        });
    });
}

fn api_security_scope_removed(ctx: &Ctx, sink: &mut Sink) {
    operation_security(ctx, |s| {
        each_scope(&diff(&s.old, &s.new), false, |old, new, scheme, scope| {
            sink.report_operation(
                &s.id,
                item_at(new, s.new_own, &s.new_at),
                Some(item_at(old, s.old_own, &s.old_at)),
                format!(
                    "the security scope '{scope}' was removed from the endpoint's security \
                     scheme '{scheme}'"
                ),
            );
        });
    });
}

/// The API-wide `security` of each spec present on both sides.
fn global_security(ctx: &Ctx, mut f: impl FnMut(&Spec, &Spec)) {
    for spec in &ctx.specs {
        if let (Some(old), Some(new)) = (&spec.old, &spec.new) {
            f(old, new);
        }
    }
}

fn api_global_security_added(ctx: &Ctx, sink: &mut Sink) {
    global_security(ctx, |old, new| {
        let (was, now) = (requirements(old.security()), requirements(new.security()));
        for req in diff(&was, &now).added {
            sink.report(
                req.at.line_location(),
                security_key(old).map(|k| k.line_location()),
                if was.is_empty() {
                    format!(
                        "the security requirement '{}' was added to the API: operations without \
                         their own security required no authentication before",
                        req.render()
                    )
                } else {
                    format!(
                        "the security requirement '{}' was added to the API as an alternative",
                        req.render()
                    )
                },
            );
        }
    });
}

fn api_global_security_removed(ctx: &Ctx, sink: &mut Sink) {
    global_security(ctx, |old, new| {
        let (was, now) = (requirements(old.security()), requirements(new.security()));
        for req in diff(&was, &now).removed {
            sink.report(
                security_key(new).unwrap_or(new.root).line_location(),
                Some(req.at.line_location()),
                format!(
                    "the security requirement '{}' was removed from the API",
                    req.render()
                ),
            );
        }
    });
}

fn global_scopes(ctx: &Ctx, sink: &mut Sink, added: bool) {
    global_security(ctx, |old, new| {
        let (was, now) = (requirements(old.security()), requirements(new.security()));
        each_scope(&diff(&was, &now), added, |o, n, scheme, scope| {
            let message = if added {
                format!(
                    "the security scope '{scope}' was added to the global security scheme \
                     '{scheme}'"
                )
            } else {
                format!(
                    "the security scope '{scope}' was removed from the global security scheme \
                     '{scheme}'"
                )
            };
            sink.report(n.at.line_location(), Some(o.at.line_location()), message);
        });
    });
}

fn api_global_security_scope_added(ctx: &Ctx, sink: &mut Sink) {
    global_scopes(ctx, sink, true);
}

fn api_global_security_scope_removed(ctx: &Ctx, sink: &mut Sink) {
    global_scopes(ctx, sink, false);
}

// ---------------------------------------------------------------------------------------------
// Security schemes

/// `components.securitySchemes`: its key (for findings about removed schemes) and the schemes
/// by name with their keys.
struct Schemes<'a> {
    key: Option<NodeRef<'a>>,
    list: Vec<(&'a str, NodeRef<'a>, Obj<'a>)>,
}

fn schemes<'a>(spec: &Spec<'a>) -> Schemes<'a> {
    let Some(components) = spec.root.get("components") else {
        return Schemes {
            key: None,
            list: Vec::new(),
        };
    };
    let Some((key, value)) = components.node.get_entry("securitySchemes") else {
        return Schemes {
            key: None,
            list: Vec::new(),
        };
    };
    let map = spec.set.view(NodeRef::new(spec.doc, value));
    let list = map
        .entries()
        .filter(|(name, _)| !name.starts_with("x-"))
        .filter_map(|(name, v)| {
            let (k, _) = map.get_entry(name)?;
            Some((name, k, spec.set.view(v)))
        })
        .collect();
    Schemes {
        key: Some(NodeRef::new(spec.doc, key)),
        list,
    }
}

/// Where a finding about a scheme gone from `spec` points: `securitySchemes`, else
/// `components`, else the document.
fn schemes_at(spec: &Spec, s: &Schemes) -> Location {
    s.key
        .or_else(|| {
            spec.root
                .node
                .get_entry("components")
                .map(|(k, _)| NodeRef::new(spec.doc, k))
        })
        .unwrap_or(spec.root)
        .line_location()
}

fn api_security_component_added(ctx: &Ctx, sink: &mut Sink) {
    global_security(ctx, |old, new| {
        let (was, now) = (schemes(old), schemes(new));
        for (name, key, _) in &now.list {
            if !was.list.iter().any(|(n, _, _)| n == name) {
                sink.report(
                    key.line_location(),
                    Some(schemes_at(old, &was)),
                    format!("the component security scheme '{name}' was added"),
                );
            }
        }
    });
}

fn api_security_component_removed(ctx: &Ctx, sink: &mut Sink) {
    global_security(ctx, |old, new| {
        let (was, now) = (schemes(old), schemes(new));
        for (name, key, _) in &was.list {
            if !now.list.iter().any(|(n, _, _)| n == name) {
                sink.report(
                    schemes_at(new, &now),
                    Some(key.line_location()),
                    format!("the component security scheme '{name}' was removed"),
                );
            }
        }
    });
}

/// Schemes present on both sides, by name.
fn scheme_pairs(ctx: &Ctx, mut f: impl FnMut(&str, &Obj, &Obj)) {
    global_security(ctx, |old, new| {
        let (was, now) = (schemes(old), schemes(new));
        for (name, _, o) in &was.list {
            if let Some((_, _, n)) = now.list.iter().find(|(m, _, _)| m == name) {
                f(name, o, n);
            }
        }
    });
}

/// Where to point at `key` of `obj`, else at the object.
fn at_key(obj: &Obj, key: &str) -> Location {
    obj.at(key).unwrap_or(obj.origin).line_location()
}

fn api_security_component_type_changed(ctx: &Ctx, sink: &mut Sink) {
    scheme_pairs(ctx, |name, old, new| {
        let (was, now) = (old.str("type"), new.str("type"));
        if let (Some(was), Some(now)) = (was, now) {
            if was != now {
                sink.report(
                    at_key(new, "type"),
                    Some(at_key(old, "type")),
                    format!(
                        "the component security scheme '{name}' type changed from '{was}' to \
                         '{now}'"
                    ),
                );
            }
        }
    });
}

/// OAuth flows present in both versions of a scheme: (flow name, old, new).
fn flow_pairs(ctx: &Ctx, mut f: impl FnMut(&str, &str, &Obj, &Obj)) {
    scheme_pairs(ctx, |name, old, new| {
        let (Some(was), Some(now)) = (old.child("flows"), new.child("flows")) else {
            return;
        };
        for (flow, o) in was.entries() {
            if let Some(n) = now.get(flow) {
                f(name, flow, &old.set.view(o), &new.set.view(n));
            }
        }
    });
}

/// A URL of a flow (`authorizationUrl`, `tokenUrl`) that changed, appeared or went (an absent
/// one reads as empty, as in oasdiff).
fn flow_url(ctx: &Ctx, sink: &mut Sink, key: &str, what: &str) {
    flow_pairs(ctx, |name, flow, old, new| {
        let (was, now) = (old.str(key), new.str(key));
        if was == now {
            return;
        }
        let (was, now) = (was.unwrap_or_default(), now.unwrap_or_default());
        sink.report(
            at_key(new, key),
            Some(at_key(old, key)),
            format!(
                "the component security scheme '{name}' oauth {what} ({flow} flow) changed \
                 from '{was}' to '{now}'"
            ),
        );
    });
}

fn api_security_component_oauth_url_changed(ctx: &Ctx, sink: &mut Sink) {
    flow_url(ctx, sink, "authorizationUrl", "url");
}

fn api_security_component_oauth_token_url_changed(ctx: &Ctx, sink: &mut Sink) {
    flow_url(ctx, sink, "tokenUrl", "token url");
}

/// The scopes of a flow: name, key and description.
fn scopes<'a>(flow: &Obj<'a>) -> Vec<(&'a str, NodeRef<'a>, NodeRef<'a>)> {
    let Some(map) = flow.child("scopes") else {
        return Vec::new();
    };
    map.entries()
        .filter_map(|(name, v)| {
            let (k, _) = map.get_entry(name)?;
            Some((name, k, v))
        })
        .collect()
}

fn api_security_component_oauth_scope_added(ctx: &Ctx, sink: &mut Sink) {
    flow_pairs(ctx, |name, flow, old, new| {
        let was = scopes(old);
        for (scope, key, _) in scopes(new) {
            if !was.iter().any(|(s, _, _)| *s == scope) {
                sink.report(
                    key.line_location(),
                    Some(at_key(old, "scopes")),
                    format!(
                        "the component security scheme '{name}' oauth scope '{scope}' was added \
                         ({flow} flow)"
                    ),
                );
            }
        }
    });
}

fn api_security_component_oauth_scope_removed(ctx: &Ctx, sink: &mut Sink) {
    flow_pairs(ctx, |name, flow, old, new| {
        let now = scopes(new);
        for (scope, key, _) in scopes(old) {
            if !now.iter().any(|(s, _, _)| *s == scope) {
                sink.report(
                    at_key(new, "scopes"),
                    Some(key.line_location()),
                    format!(
                        "the component security scheme '{name}' oauth scope '{scope}' was \
                         removed ({flow} flow)"
                    ),
                );
            }
        }
    });
}

fn api_security_component_oauth_scope_changed(ctx: &Ctx, sink: &mut Sink) {
    flow_pairs(ctx, |name, flow, old, new| {
        let now = scopes(new);
        for (scope, _, was) in scopes(old) {
            let Some((_, _, is)) = now.iter().find(|(s, _, _)| *s == scope) else {
                continue;
            };
            let (was_text, is_text) = (text(was), text(*is));
            if was_text != is_text {
                sink.report(
                    is.line_location(),
                    Some(was.line_location()),
                    format!(
                        "the component security scheme '{name}' oauth scope '{scope}' was \
                         updated from '{was_text}' to '{is_text}' ({flow} flow)"
                    ),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse;

    fn reqs(doc: &crate::openapi::load::Doc) -> Vec<Requirement<'_>> {
        requirements(Some(NodeRef::new(doc, &doc.root)))
    }

    fn doc(text: &str) -> crate::openapi::load::Doc {
        crate::openapi::load::Doc::new("s.yaml", text.into(), parse("s.yaml", text).unwrap(), None)
    }

    #[test]
    fn repeated_scheme_alternatives_are_not_scope_changes() {
        // read OR write, reordered: the same set of alternatives.
        let (a, b) = (
            doc("[{o: [read]}, {o: [write]}]"),
            doc("[{o: [write]}, {o: [read]}]"),
        );
        let (old, new) = (reqs(&a), reqs(&b));
        let d = diff(&old, &new);
        assert!(d.added.is_empty() && d.removed.is_empty() && d.scopes.is_empty());
    }

    #[test]
    fn unambiguous_leftovers_are_scope_changes() {
        let (a, b) = (
            doc("[{o: [read]}, {k: []}]"),
            doc("[{k: []}, {o: [read, write]}]"),
        );
        let (old, new) = (reqs(&a), reqs(&b));
        let d = diff(&old, &new);
        assert!(d.added.is_empty() && d.removed.is_empty());
        assert_eq!(d.scopes.len(), 1);
        assert_eq!(d.scopes[0].2, [("o".into(), vec!["write".into()], vec![])]);
        // Ambiguous: two unmatched `o` alternatives on the old side.
        let (a, b) = (doc("[{o: [a]}, {o: [b]}]"), doc("[{o: [c]}]"));
        let (old, new) = (reqs(&a), reqs(&b));
        let d = diff(&old, &new);
        assert_eq!((d.added.len(), d.removed.len(), d.scopes.len()), (1, 2, 0));
        assert_eq!(d.added[0].render(), "o: [c]");
    }
}
