//! Lint checks of one revision of OpenAPI specs: the API guide's conventions. A rule reads the
//! specs of one revision and reports what breaks a convention, at the offending key, in the
//! same `Rule` shape and through the same `Sink` as the breaking rules.
//!
//! - [`urls`]: path segments are nouns, and every path is under a `/v{N}` version.
//! - [`status`]: status codes (201 + Location on create, no body on 204, Retry-After).
//! - [`paging`]: page sizes are capped.
//! - [`deprecation`]: deprecated operations say so in Deprecation and Sunset headers.

pub mod deprecation;
pub mod paging;
pub mod status;
pub mod urls;

use crate::openapi::load::SpecSet;
use crate::openapi::model::Spec;
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

/// The check of a lint rule: it reads one revision in `Ctx`.
pub type Check = fn(&Ctx, &mut Sink);

/// Every OpenAPI lint rule implemented in code, by family.
pub fn rules() -> impl Iterator<Item = &'static Rule<Check>> {
    let families: &[&'static [Rule<Check>]] = &[
        urls::RULES,
        status::RULES,
        paging::RULES,
        deprecation::RULES,
    ];
    families.iter().copied().flatten()
}
