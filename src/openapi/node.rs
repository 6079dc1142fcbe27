//! Spanned YAML/JSON node tree shared by OpenAPI and config loading.
