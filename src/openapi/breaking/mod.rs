//! Breaking-change checks between two revisions of OpenAPI specs.
//!
//! As on the protobuf side, elements are paired once ([`index`]: specs, paths, operations,
//! parameters) and each rule compares pairs. Schema differences are computed once by the shared
//! walker ([`schema`]) and rules filter its typed changes. A deleted element is reported at its
//! closest surviving parent in the new spec, with the old element as related location.

pub mod body;
pub mod headers;
pub mod index;
pub mod lifecycle;
pub mod operations;
pub mod parameters;
pub mod request_body;
pub mod response_body;
pub mod responses;
pub mod schema;
pub mod security;

use crate::rules::Rule;

pub use index::{Ctx, Sink};

/// The check of a breaking rule: it compares the pair of revisions in `Ctx`.
pub type Check = fn(&Ctx, &mut Sink);

/// Every OpenAPI breaking rule implemented in code, by family.
pub fn rules() -> impl Iterator<Item = &'static Rule<Check>> {
    let families: &[&'static [Rule<Check>]] = &[
        lifecycle::RULES,
        operations::RULES,
        parameters::declaration::RULES,
        parameters::limits::RULES,
        parameters::values::RULES,
        parameters::types::RULES,
        headers::RULES,
        request_body::limits::RULES,
        request_body::types::RULES,
        request_body::values::RULES,
        request_body::properties::RULES,
        request_body::compositions::RULES,
        request_body::keywords::RULES,
        request_body::media::RULES,
        response_body::limits::RULES,
        response_body::types::RULES,
        response_body::values::RULES,
        response_body::properties::RULES,
        response_body::compositions::RULES,
        response_body::keywords::RULES,
        response_body::media::RULES,
        responses::RULES,
        security::RULES,
    ];
    families.iter().copied().flatten()
}
