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
//! - [`presence`]: scalar fields with presence (opt-in).

pub mod comments;
pub mod enums;
pub mod fields;
pub mod http;
pub mod ignore;
pub mod imports;
pub mod naming;
pub mod packages;
pub mod paging;
pub mod presence;
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
    /// `proto/http-segment-case`, `proto/http-segment-not-plural` (`[lint.urls]`).
    pub segments: crate::url_path::SegmentStyle,
    /// `proto/rpc-request-response-unique`: an RPC may take and return the same message.
    pub rpc_allow_same_request_response: bool,
    /// The RPC rules accept `google.protobuf.Empty` as a request (shared by any number of RPCs,
    /// and not named for its RPC).
    pub rpc_allow_google_protobuf_empty_requests: bool,
    /// The same for responses.
    pub rpc_allow_google_protobuf_empty_responses: bool,
    /// `// buf:lint:ignore` comments silence findings (buf v2's default; v1 only with
    /// `allow_comment_ignores`).
    pub buf_comment_ignores: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enum_zero_value_suffix: "_UNSPECIFIED".to_string(),
            service_suffix: "Service".to_string(),
            segments: Default::default(),
            rpc_allow_same_request_response: false,
            rpc_allow_google_protobuf_empty_requests: false,
            rpc_allow_google_protobuf_empty_responses: false,
            buf_comment_ignores: true,
        }
    }
}

/// The files of one revision, and the rules' settings.
pub struct Ctx<'a> {
    pub set: &'a ProtoSet,
    pub settings: &'a Settings,
    /// Modules with settings of their own (buf v2 modules with a `lint` section): (module
    /// directory, its settings).
    pub module_settings: &'a [(String, Settings)],
}

impl<'a> Ctx<'a> {
    pub fn new(set: &'a ProtoSet, settings: &'a Settings) -> Ctx<'a> {
        Ctx {
            set,
            settings,
            module_settings: &[],
        }
    }

    /// The settings that govern `file`: those of its module (the deepest), else the default.
    pub fn settings_for(&self, file: &SourceProto) -> &'a Settings {
        settings_for(self.settings, self.module_settings, &file.display)
    }

    /// The files the lint is about: the tree's own, not bundled or context imports.
    pub fn files(&self) -> impl Iterator<Item = &'a SourceProto> {
        self.set.tree_files()
    }
}

/// The settings of the module that holds the file at `path` (relative to the linted root), or
/// `default`.
pub fn settings_for<'a>(
    default: &'a Settings,
    modules: &'a [(String, Settings)],
    path: &str,
) -> &'a Settings {
    let holds = |dir: &str| {
        let dir = dir.trim_start_matches("./").trim_end_matches('/');
        dir.is_empty()
            || dir == "."
            || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
    };
    modules
        .iter()
        .filter(|(dir, _)| holds(dir))
        .max_by_key(|(dir, _)| dir.len())
        .map_or(default, |(_, settings)| settings)
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
        presence::RULES,
        protovalidate::RULES,
    ];
    families.iter().copied().flatten()
}
