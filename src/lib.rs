//! treaty: lint API contracts (protobuf, OpenAPI) and find breaking changes between revisions.
//!
//! Data flows one way: `source` (files of a revision) -> `proto` / `openapi` (models) ->
//! checks (`Finding`s) -> `report` -> exit code.

pub mod cli;
pub mod config;
pub mod finding;
pub mod openapi;
pub mod proto;
pub mod report;
pub mod rules;
pub mod run;
pub mod source;
pub mod span;


