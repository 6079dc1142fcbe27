//! Lint checks of one revision of protobuf files: buf lint's rules and the API guide's
//! conventions, in the same `Rule` shape and through the same `Sink` as the breaking rules.
//! Only the files of the tree are linted, not the imports they bring in from elsewhere.
//!
//! - [`naming`]: the case of names, enum value prefixes and suffixes.
//! - [`packages`]: package names (versioned packages), packages against directories, and the
//!   file options every file of a package must agree on.
//! - [`enums`]: enum zero values and aliases.
//! - [`fields`]: required fields, `descriptor` fields, the syntax statement.
//! - [`imports`]: public and unused imports.
//! - [`rpcs`]: request and response messages, streaming.
//! - [`http`]: the API guide's URL conventions on `google.api.http` bindings.
//! - [`paging`]: List RPCs page.
//! - [`comments`]: declarations carry a documentation comment.
//! - [`protovalidate`]: `(buf.validate.field)` rules that cannot work as written.

pub mod comments;
pub mod enums;
pub mod fields;
pub mod http;
pub mod ignore;
pub mod imports;
pub mod naming;
pub mod packages;
pub mod paging;
pub mod protovalidate;
pub mod rpcs;

use crate::proto::model::{ProtoSet, SourceProto};
use crate::rules::Rule;

pub use crate::finding::Sink;

/// The options some rules read (buf.yaml's `lint:` options of the same names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `proto/enum-zero-value-suffix`.
    pub enum_zero_value_suffix: String,
    /// `proto/service-suffix`.
    pub service_suffix: String,
    /// `proto/rpc-request-response-unique`: an RPC may take and return the same message.
    pub rpc_allow_same_request_response: bool,
    /// The RPC rules accept `google.protobuf.Empty` as a request (shared by any number of RPCs,
    /// and not named for its RPC).
    pub rpc_allow_google_protobuf_empty_requests: bool,
    /// The same for responses.
    pub rpc_allow_google_protobuf_empty_responses: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enum_zero_value_suffix: "_UNSPECIFIED".to_string(),
            service_suffix: "Service".to_string(),
            rpc_allow_same_request_response: false,
            rpc_allow_google_protobuf_empty_requests: false,
            rpc_allow_google_protobuf_empty_responses: false,
        }
    }
}

/// The files of one revision, and the rules' settings.
pub struct Ctx<'a> {
    pub set: &'a ProtoSet,
    pub settings: &'a Settings,
}

impl<'a> Ctx<'a> {
    pub fn new(set: &'a ProtoSet, settings: &'a Settings) -> Ctx<'a> {
        Ctx { set, settings }
    }

    /// The files the lint is about: the tree's own, not bundled or context imports.
    pub fn files(&self) -> impl Iterator<Item = &'a SourceProto> {
        self.set.tree_files()
    }
}

/// The check of a lint rule: it reads one revision in `Ctx`.
pub type Check = fn(&Ctx, &mut Sink);

/// Every protobuf lint rule implemented in code, by family.
pub fn rules() -> impl Iterator<Item = &'static Rule<Check>> {
    let families: &[&'static [Rule<Check>]] = &[
        naming::RULES,
        comments::RULES,
        packages::RULES,
        enums::RULES,
        fields::RULES,
        imports::RULES,
        rpcs::RULES,
        http::RULES,
        paging::RULES,
        protovalidate::RULES,
    ];
    families.iter().copied().flatten()
}
