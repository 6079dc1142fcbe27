//! Lint checks of one revision of OpenAPI specs: the API guide's conventions and Spectral's
//! recommended rules. A rule reads the
//! specs of one revision and reports what breaks a convention, at the offending key, in the
//! same `Rule` shape and through the same `Sink` as the breaking rules.
//!
//! - [`urls`]: path segments are nouns, and every path is under a `/v{N}` version.
//! - [`status`]: status codes (201 + Location on create, no body on 204, Retry-After).
//! - [`paging`]: page sizes are capped.
//! - [`deprecation`]: deprecated operations say so in Deprecation and Sunset headers.
//! - [`errors`]: error bodies follow the house error shape, and one shape per spec.
//! - [`headers`]: opt-in: `Idempotency-Key` on creates, a request id on responses.
//! - [`owasp`]: opt-in: OWASP API4 resource limits (arrays, integers).
//! - [`operations`], [`paths`], [`info`], [`servers`], [`schemas`], [`markdown`], [`tags`],
//!   [`components`], [`security`], [`examples`],
//!   [`callbacks`]: Spectral's `spectral:oas` rules.
//! - [`example_values`]: examples validate against their schemas (Spectral's `oas3-valid-*-example`).
//! - [`redocly`]: opt-in: Redocly's `recommended` rules no other family covers.

pub mod callbacks;
pub mod components;
pub mod deprecation;
pub mod errors;
pub mod example_values;
pub mod examples;
pub mod headers;
pub mod info;
pub mod markdown;
pub mod operations;
pub mod owasp;
pub mod paging;
pub mod paths;
pub mod redocly;
pub mod schemas;
pub mod security;
pub mod servers;
pub mod status;
pub mod tags;
pub mod urls;

use crate::openapi::load::SpecSet;
use crate::openapi::model::{Operation, Response, Spec};
use crate::rules::Rule;
use crate::url_path::SegmentStyle;

pub use crate::finding::Sink;

/// The house conventions some rules read (`[lint.errors]`, `[lint.urls]` in treaty.toml).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub errors: errors::HouseShape,
    pub segments: SegmentStyle,
}

/// The specs of one revision, read once for every rule, and the rules' settings.
pub struct Ctx<'a> {
    pub specs: Vec<Spec<'a>>,
    pub settings: Settings,
}

impl<'a> Ctx<'a> {
    pub fn new(set: &'a SpecSet) -> Ctx<'a> {
        Ctx::with_settings(set, Settings::default())
    }

    pub fn with_settings(set: &'a SpecSet, settings: Settings) -> Ctx<'a> {
        Ctx::of_specs(set, 0..set.specs.len(), settings)
    }

    /// The specs of `set` at `indices` only.
    pub fn of_specs(
        set: &'a SpecSet,
        indices: impl IntoIterator<Item = usize>,
        settings: Settings,
    ) -> Ctx<'a> {
        let specs = indices.into_iter().map(|i| Spec::new(set, i)).collect();
        Ctx { specs, settings }
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
        errors::RULES,
        headers::RULES,
        owasp::RULES,
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
        redocly::RULES,
    ];
    families.iter().copied().flatten()
}
