//! Protocol buffers: parse -> link -> model, and the checks over it.

pub mod ast;
pub mod breaking;
pub mod http;
pub mod lexer;
pub mod link;
pub mod lint;
pub mod load;
pub mod model;
pub mod parser;
