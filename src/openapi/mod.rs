//! OpenAPI 3.0 / 3.1: YAML or JSON -> spanned nodes -> model, and the checks over it.

pub mod breaking;
pub mod ignore;
pub mod lint;
pub mod load;
pub mod model;
pub mod refs;
pub mod structure;
pub mod validate;
