//! Request parameters (query, header, cookie, path): the parameter itself ([`declaration`]:
//! added, removed, required, moved to another `in`, deprecated), and the schema of a parameter
//! present in both revisions ([`limits`], [`values`], [`types`]), every severity of a subject in
//! one file: what a client may send narrowed is an error or warning, what it may send widened a
//! changelog entry (info), and both read the same schema changes the same way.
//!
//! Semantics, ids and levels follow oasdiff's parameter checks (`check_request_parameter*.go`,
//! `check_new_request_*parameter*.go`). Schema rules are filters over the shared schema walk:
//! parameter sites, one change kind, at the parameter's own schema (`path` empty) or inside it
//! (the `-property-` variants). Object-valued header parameters' properties are in
//! [`super::headers`]. Differences from oasdiff are noted where they are made.

pub mod declaration;
pub mod limits;
pub mod types;
pub mod values;

use super::index::OperationPair;
use super::operations::for_each_pair;
use super::request_body::inverted;
use super::schema::{SchemaChange, Site};
use super::{Ctx, Sink};
use crate::openapi::model::Param;
use crate::openapi::refs::NodeRef;

/// The parameter a schema change belongs to; displays as `the 'query' request parameter 'x'`.
pub(super) struct Named<'a> {
    pub(super) location: &'a str,
    pub(super) name: &'a str,
}

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the '{}' request parameter '{}'",
            self.location, self.name
        )
    }
}

/// Schema changes of parameters, with the parameter they belong to.
pub(super) fn param_changes<'c, 'a>(
    ctx: &'c Ctx<'a>,
) -> impl Iterator<Item = (&'c SchemaChange<'a>, Named<'a>)> {
    ctx.schema_changes().iter().filter_map(|c| match c.site {
        Site::Parameter { location, name } => Some((c, Named { location, name })),
        _ => None,
    })
}

pub(super) fn report_changes(
    ctx: &Ctx,
    sink: &mut Sink,
    pick: impl Fn(&Ctx, &SchemaChange, &Named) -> Option<String>,
) {
    for (c, p) in param_changes(ctx) {
        if let Some(message) = pick(ctx, c, &p) {
            c.report(sink, message);
        }
    }
}

/// Which schemas of a parameter a changelog rule reads: its own, or any below it that is not
/// under `not` or `if` (as the request body's [`super::request_body::Scope::Asserted`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Own,
    Property,
}

/// Report what `f` says of each parameter change `scope` holds. The changelog rules share their
/// reading of a keyword with the request body's ([`super::request_body`]), naming the parameter
/// with [`subject`].
pub(super) fn run(
    ctx: &Ctx,
    sink: &mut Sink,
    scope: Scope,
    f: impl Fn(&SchemaChange) -> Option<String>,
) {
    for (c, _) in param_changes(ctx) {
        let holds = match scope {
            Scope::Own => c.path.is_empty(),
            Scope::Property => !c.path.is_empty() && !inverted(&c.path),
        };
        if holds {
            if let Some(message) = f(c) {
                c.report(sink, message);
            }
        }
    }
}

/// `the 'query' request parameter 'limit'`, or `the property 'a/b' of the 'header' request
/// parameter 'X-Filter'`.
pub(super) fn subject(c: &SchemaChange) -> String {
    let Site::Parameter { location, name } = c.site else {
        return String::new();
    };
    let p = Named { location, name };
    if c.path.is_empty() {
        p.to_string()
    } else {
        format!("the property '{}' of {p}", c.path)
    }
}

/// A value as a message shows it: scalars as written, collections on one line.
fn show(n: NodeRef) -> String {
    match n.node.scalar_text(&n.doc.text) {
        Some(s) => format!("'{s}'"),
        None => format!(
            "'{}'",
            n.node
                .source(&n.doc.text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn num(v: f64) -> String {
    format!("{v}")
}

/// Parameters present in both revisions of an operation.
fn param_pairs(ctx: &Ctx, mut f: impl FnMut(&OperationPair, &Param, &Param)) {
    for_each_pair(ctx, |pair| {
        for (old, new) in pair.params() {
            if let (Some(old), Some(new)) = (old, new) {
                f(pair, old, new);
            }
        }
    });
}

/// Where to point at a parameter's `key`: the value, else the parameter.
fn param_at(p: &Param, key: &str) -> crate::finding::Location {
    p.obj.at(key).unwrap_or_else(|| p.at()).line_location()
}

fn named<'a>(p: &Param<'a>) -> Named<'a> {
    Named {
        location: p.location,
        name: p.name,
    }
}
