//! OpenAPI 3.0 / 3.1: YAML or JSON -> spanned nodes -> model, and the checks over it.

pub mod json;
pub mod node;
pub mod yaml;
