//! Breaking-change checks between two revisions of OpenAPI specs.
//!
//! As on the protobuf side, elements are paired once ([`index`]: specs, paths, operations,
//! parameters) and each rule compares pairs. Schema differences are computed once by the shared
//! walker ([`schema`]) and rules filter its typed changes. A deleted element is reported at its
//! closest surviving parent in the new spec, with the old element as related location.
//!
//! Rules live in families by subject, what changed, with every severity of a subject together
//! (a change that breaks clients and its opposite, a changelog entry, read the same change the
//! same way):
//! - [`operations`]: operations and paths removed, operation ids, tags, component schemas;
//! - [`lifecycle`]: stability levels, deprecation and sunset of operations, endpoints and
//!   webhooks added or removed;
//! - [`security`]: security requirements and schemes;
//! - [`parameters`]: request parameters, the parameter itself ([`parameters::declaration`]) and
//!   its schema ([`parameters::limits`], [`parameters::values`], [`parameters::types`]);
//! - [`headers`]: response headers and object-valued request header parameters;
//! - [`request_body`] and [`response_body`]: the body schemas by aspect (`limits`, `types`,
//!   `values`, `properties`, `compositions`, `keywords`) and `media`, the body itself and its
//!   media types; a request rule and its response twin read a change through the same helpers of
//!   [`body`], with the other direction breaking;
//! - [`responses`]: statuses and the guide's error shape;
//! - [`incomplete`]: where the schema walk stopped at one of its bounds.

pub mod body;
pub mod headers;
pub mod incomplete;
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
        incomplete::RULES,
    ];
    families.iter().copied().flatten()
}
