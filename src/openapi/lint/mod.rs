//! Lint checks of one revision of OpenAPI specs: the API guide's conventions and Spectral's
//! recommended rules. A rule reads the
//! specs of one revision and reports what breaks a convention, at the offending key, in the
//! same `Rule` shape and through the same `Sink` as the breaking rules.
//!
//! - [`urls`]: path segments are nouns, and every path is under a `/v{N}` version.
//! - [`status`]: status codes (201 + Location on create, no body on 204, Retry-After).
//! - [`paging`]: page sizes are capped.
//! - [`deprecation`]: deprecated operations say so in Deprecation and Sunset headers.
//! - [`operations`], [`paths`], [`info`], [`servers`], [`schemas`], [`markdown`], [`tags`],
//!   [`components`], [`security`], [`examples`],
//!   [`callbacks`]: Spectral's `spectral:oas` rules.
//! - [`example_values`]: examples validate against their schemas (Spectral's `oas3-valid-*-example`).

pub mod callbacks;
pub mod components;
pub mod deprecation;
pub mod example_values;
pub mod examples;
pub mod info;
pub mod markdown;
pub mod operations;
pub mod paging;
pub mod paths;
pub mod schemas;
pub mod security;
pub mod servers;
pub mod status;
pub mod tags;
pub mod urls;

use crate::openapi::load::SpecSet;
use crate::openapi::model::{Operation, Response, Spec};
use crate::rules::Rule;

pub use crate::finding::Sink;

/// The specs of one revision, read once for every rule.
pub struct Ctx<'a> {
    pub specs: Vec<Spec<'a>>,
}

impl<'a> Ctx<'a> {
    pub fn new(set: &'a SpecSet) -> Ctx<'a> {
        let specs = (0..set.specs.len()).map(|i| Spec::new(set, i)).collect();
        Ctx { specs }
    }
}

impl<'a> Ctx<'a> {
    /// Every operation of every spec.
    pub fn operations<'c>(&'c self) -> impl Iterator<Item = &'c Operation<'a>> {
        self.specs.iter().flat_map(|spec| &spec.operations)
    }
}

/// Does response `r` of `op` document the header `name` (header names are case-insensitive)?
pub fn has_header(op: &Operation, r: &Response, name: &str) -> bool {
    op.set
        .child(&r.obj, "headers")
        .is_some_and(|headers| headers.entries().any(|(h, _)| h.eq_ignore_ascii_case(name)))
}

/// A parameter name as conventions compare it: lower case, without `-` and `_`
/// (`api-version`, `api_version` and `apiVersion` are one name).
pub fn plain_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The check of a lint rule: it reads one revision in `Ctx`.
pub type Check = fn(&Ctx, &mut Sink);

/// Every OpenAPI lint rule implemented in code, by family.
pub fn rules() -> impl Iterator<Item = &'static Rule<Check>> {
    let families: &[&'static [Rule<Check>]] = &[
        urls::RULES,
        status::RULES,
        paging::RULES,
        deprecation::RULES,
        operations::RULES,
        paths::RULES,
        info::RULES,
        servers::RULES,
        schemas::RULES,
        markdown::RULES,
        tags::RULES,
        components::RULES,
        security::RULES,
        examples::RULES,
        callbacks::RULES,
        example_values::RULES,
    ];
    families.iter().copied().flatten()
}
