//! Response bodies: what a client reads back. Every `response-body-*` and `response-property-*`
//! rule, of every severity, by aspect: [`limits`] (bounds, lengths, counts, `contains`,
//! patterns), [`types`] (types, formats, lists of types, nullability), [`values`] (enums,
//! `const`, defaults), [`properties`] (added, removed, required, `readOnly`/`writeOnly`,
//! deprecation and stability), [`compositions`] (`allOf`/`oneOf`/`anyOf`, discriminators),
//! [`keywords`] (the JSON Schema 2020-12 keywords of OpenAPI 3.1) and [`media`] (media types and
//! their schemas). Statuses and the guide's error shape are [`super::responses`]'; response
//! headers, [`super::headers`]'.
//!
//! Responses are covariant: what was promised must still hold, so a change that makes a
//! response admit more (a new type, a new enum value, null, a missing field) breaks readers, and
//! one that makes it admit less is a changelog entry (info). Within an aspect a rule and its
//! opposite read the same change the same way, and their request twins in
//! [`super::request_body`] read it through the same helpers of [`super::body`], with the other
//! direction breaking. Semantics, ids and levels follow oasdiff's response checks
//! (`check_response_*.go`, `check_media_type_schema_existence.go`,
//! `check_property_stability_level.go`); a "body" rule is about the response schema itself
//! (empty path), a "property" rule about anything below it, as in oasdiff.

pub mod compositions;
pub mod keywords;
pub mod limits;
pub mod media;
pub mod properties;
pub mod types;
pub mod values;

use super::body::{body_changes, Direction, Level};
use super::schema::{SchemaChange, Site};
use super::Ctx;

/// Response-body changes at `level`.
pub(crate) fn changes<'c, 'a>(
    ctx: &'c Ctx<'a>,
    level: Level,
) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    body_changes(ctx, Direction::Response, level)
}

/// Both levels, the body's own schema first (the properties rules read both).
pub(crate) const BOTH: [Level; 2] = [Level::Body, Level::Property];

pub(crate) fn status<'a>(c: &SchemaChange<'a>) -> &'a str {
    match c.site {
        Site::Response { status, .. } | Site::ResponseHeader { status, .. } => status,
        _ => "",
    }
}

pub(crate) fn media<'a>(c: &SchemaChange<'a>) -> &'a str {
    match c.site {
        Site::Response { media, .. } => media,
        _ => "",
    }
}

/// `the response body` or `the response property 'items/name'`.
pub(crate) fn subject(c: &SchemaChange) -> String {
    match Level::of(c) {
        Level::Body => "the response body".to_string(),
        Level::Property => format!("the response property '{}'", c.path),
    }
}
