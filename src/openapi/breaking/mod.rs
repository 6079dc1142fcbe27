//! Breaking-change checks between two revisions of OpenAPI specs.
//!
//! As on the protobuf side, elements are paired once ([`index`]: specs, paths, operations,
//! parameters) and each rule compares pairs. Schema differences are computed once by the shared
//! walker ([`schema`]) and rules filter its typed changes. A deleted element is reported at its
//! closest surviving parent in the new spec, with the old element as related location.

pub mod index;
pub mod operations;
pub mod request_properties;
pub mod response_shape;
pub mod schema;

use crate::rules::RuleCode;

pub use index::{Ctx, Sink};

/// Every OpenAPI breaking rule implemented in code, by family.
pub fn rules() -> impl Iterator<Item = &'static RuleCode> {
    let families: [&'static [RuleCode]; 3] = [
        operations::RULES,
        request_properties::RULES,
        response_shape::RULES,
    ];
    families.into_iter().flatten()
}
