//! The request body: what a client sends. Every `request-body-*` and `request-property-*` rule,
//! of every severity, by aspect: [`limits`] (bounds, lengths, counts, `contains`, patterns),
//! [`types`] (types, formats, lists of types, nullability), [`values`] (enums, `const`,
//! defaults), [`properties`] (added, removed, required, `readOnly`/`writeOnly`, deprecation and
//! stability), [`compositions`] (`allOf`/`oneOf`/`anyOf`, discriminators), [`keywords`] (the
//! JSON Schema 2020-12 keywords of OpenAPI 3.1) and [`media`] (the body itself and its media
//! types).
//!
//! Within an aspect a rule and its opposite read the same change the same way: a request body
//! that admits less refuses calls that worked (error or warning), one that admits more is a
//! changelog entry (info, failing a run only with `--fail-on info`). Their response twins in
//! [`super::response_body`] read the same changes through the helpers of [`super::body`], with
//! the other direction breaking. Like oasdiff, a change at the body's own schema is a
//! `request-body-*` finding and anything below it a `request-property-*` one named by its
//! property path; unlike oasdiff, property findings leave out what clients never send
//! (`readOnly` schemas; the `request-read-only-property-*` rules say when one tightened) and
//! changes under `not` (a restriction there widens what is accepted): see [`Scope`].

pub mod compositions;
pub mod keywords;
pub mod limits;
pub mod media;
pub mod properties;
pub mod types;
pub mod values;

use super::body::{in_body, Direction, Level, Once};
use super::schema::SchemaChange;
use super::{Ctx, Sink};

/// Which changed schemas of a request body a rule reads.
///
/// The breaking rules of [`types`], [`values`], [`compositions`] and [`keywords`] read
/// [`Scope::Property`]; the limit rules and the changelog rules read [`Scope::Asserted`], which
/// also leaves out `if` conditions (tightening or relaxing a condition shifts which branch
/// applies rather than what is accepted) and, as oasdiff does, tells `not` and `if` from the
/// property path; the limit rules read the body's own schema as [`Scope::SentBody`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The body's own schema.
    Body,
    /// The body's own schema, unless it is `readOnly`.
    SentBody,
    /// Any schema below the body that clients send: not `readOnly`, not under `not`.
    Property,
    /// Any schema below the body that clients send and that asserts on the payload: not
    /// `readOnly`, and no `not` or `if` in its path.
    Asserted,
    /// Any schema of the body clients send, its own included (no `not` or `if` in its path): for
    /// changes of an object's `required` list, which concern the properties below it.
    Object,
    /// A `readOnly` schema below the body (or one inside a `readOnly` object).
    ReadOnly,
    /// Any schema below the body, `readOnly` or not, with no `not` or `if` in its path (for the
    /// access rules, which are about `readOnly` itself).
    AnyProperty,
}

impl Scope {
    /// The scope the breaking rules read at `level`.
    pub(crate) fn at(level: Level) -> Scope {
        match level {
            Level::Body => Scope::Body,
            Level::Property => Scope::Property,
        }
    }

    fn holds(self, c: &SchemaChange) -> bool {
        let own = c.path.is_empty();
        match self {
            Scope::Body => own,
            Scope::SentBody => own && !c.in_read_only,
            Scope::Property => !(own || c.in_read_only || c.under_not),
            Scope::Asserted => !own && !c.in_read_only && !inverted(&c.path),
            Scope::Object => !c.in_read_only && !inverted(&c.path),
            Scope::ReadOnly => !own && c.in_read_only && !inverted(&c.path),
            Scope::AnyProperty => !own && !inverted(&c.path),
        }
    }
}

/// Under `not` (constraints there are inverted) or `if` (it only picks a branch), as the path
/// tells.
pub(crate) fn inverted(path: &str) -> bool {
    path.split('/').any(|s| s == "not" || s == "if")
}

/// The request-body changes `scope` holds.
pub(crate) fn changes<'c, 'a>(
    ctx: &'c Ctx<'a>,
    scope: Scope,
) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    ctx.schema_changes()
        .iter()
        .filter(move |c| in_body(c, Direction::Request) && scope.holds(c))
}

/// Report what `f` says of each change `scope` holds.
pub(crate) fn run(
    ctx: &Ctx,
    sink: &mut Sink,
    scope: Scope,
    f: impl Fn(&SchemaChange) -> Option<String>,
) {
    for c in changes(ctx, scope) {
        if let Some(message) = f(c) {
            c.report(sink, message);
        }
    }
}

/// [`run`] for rules that judge a change in the context of its schema (a type and a format
/// change there are one edit): once per changed schema, the first change with something to say
/// standing for the others.
pub(crate) fn run_once(
    ctx: &Ctx,
    sink: &mut Sink,
    scope: Scope,
    f: impl Fn(&SchemaChange) -> Option<String>,
) {
    once_per_node(ctx, sink, scope, false, f);
}

/// [`run`] for rules that judge a changed schema as a whole, whatever changed in it (its list of
/// types, its branches): `f` is asked once per schema, at the first change there, which is
/// where the finding points.
pub(crate) fn run_per_node(
    ctx: &Ctx,
    sink: &mut Sink,
    scope: Scope,
    f: impl Fn(&SchemaChange) -> Option<String>,
) {
    once_per_node(ctx, sink, scope, true, f);
}

/// One finding per changed schema: the first change there (`first_change`), or the first with a
/// finding, stands for it.
fn once_per_node(
    ctx: &Ctx,
    sink: &mut Sink,
    scope: Scope,
    first_change: bool,
    f: impl Fn(&SchemaChange) -> Option<String>,
) {
    let mut once = Once::default();
    for c in changes(ctx, scope) {
        if first_change && !once.first(c) {
            continue;
        }
        if let Some(message) = f(c) {
            if first_change || once.first(c) {
                c.report(sink, message);
            }
        }
    }
}

/// `the request body`, or `the request property 'items/name'`.
pub(crate) fn subject(c: &SchemaChange) -> String {
    if c.path.is_empty() {
        "the request body".to_string()
    } else {
        format!("the request property '{}'", c.path)
    }
}
