//! Configuration: `treaty.toml`, or an existing `buf.yaml` (v1beta1, v1, v2) read as a migration
//! path, so a team switching from buf changes only the command.
//!
//! Every path in a [`Config`] (roots, excludes, includes, ignores) is normalised to a `/`-separated
//! path relative to the directory that holds the config file, `"."` for that directory itself.
//! buf.yaml versions disagree here (v1 ignores are relative to the module root, v1beta1 ones to
//! each build root, v2 ones to the buf.yaml directory), so consumers get one convention.
//!
//! Rule IDs and categories are kept as written (`FILE`, `FIELD_SAME_TYPE`, `buf:WIRE_JSON`); the
//! rule registry resolves them. One exception: a buf.yaml v1beta1 or v1 `lint` category becomes
//! the rule ids it holds in that version (buf's lint categories differ between versions; the
//! catalog's are v2's).

mod buf;
pub mod init;
mod treaty;

use std::path::Path;

use crate::diag::InputError;
use crate::finding::{Location, Severity};
use crate::span::line_col_at;

/// Name of treaty's own config file, looked up first.
pub const TREATY_TOML: &str = "treaty.toml";
/// buf's config file, used when there is no `treaty.toml`.
pub const BUF_YAML: &str = "buf.yaml";
/// buf v1 workspace file, used when there is neither: each listed directory is a module with
/// its own `buf.yaml`.
pub const BUF_WORK_YAML: &str = "buf.work.yaml";

/// Breaking-change settings (buf's `breaking` section).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakingConfig {
    /// Rule IDs or categories to run; buf's default is `["FILE"]`.
    pub use_ids: Vec<String>,
    pub except: Vec<String>,
    /// Directories or files (relative to the config directory) to skip entirely.
    pub ignore: Vec<String>,
    /// Rule-or-category ID -> paths where only that rule is skipped, in file order.
    pub ignore_only: Vec<(String, Vec<String>)>,
    /// Skip packages like `foo.v1alpha1`, `foo.v1beta1`, `foo.v1test`.
    pub ignore_unstable_packages: bool,
}

impl Default for BreakingConfig {
    fn default() -> BreakingConfig {
        BreakingConfig {
            use_ids: vec!["FILE".to_string()],
            except: Vec::new(),
            ignore: Vec::new(),
            ignore_only: Vec::new(),
            ignore_unstable_packages: false,
        }
    }
}

/// Lint settings (buf's `lint` section), including the options some buf rules read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// Rule IDs or categories to run; default `["STANDARD"]` (buf v1 calls it `DEFAULT`).
    pub use_ids: Vec<String>,
    pub except: Vec<String>,
    pub ignore: Vec<String>,
    pub ignore_only: Vec<(String, Vec<String>)>,
    /// `ENUM_ZERO_VALUE_SUFFIX`: default `_UNSPECIFIED`.
    pub enum_zero_value_suffix: String,
    /// `SERVICE_SUFFIX`: default `Service`.
    pub service_suffix: String,
    pub rpc_allow_same_request_response: bool,
    pub rpc_allow_google_protobuf_empty_requests: bool,
    pub rpc_allow_google_protobuf_empty_responses: bool,
    /// `// buf:lint:ignore ID` comments are honoured (buf v2 default; v1 default off).
    pub allow_comment_ignores: bool,
}

impl Default for LintConfig {
    fn default() -> LintConfig {
        LintConfig {
            use_ids: vec!["STANDARD".to_string()],
            except: Vec::new(),
            ignore: Vec::new(),
            ignore_only: Vec::new(),
            enum_zero_value_suffix: "_UNSPECIFIED".to_string(),
            service_suffix: "Service".to_string(),
            rpc_allow_same_request_response: false,
            rpc_allow_google_protobuf_empty_requests: false,
            rpc_allow_google_protobuf_empty_responses: false,
            allow_comment_ignores: true,
        }
    }
}

/// The API guide's house conventions that some lint rules read (`[lint.errors]` and
/// `[lint.urls]` in treaty.toml; buf.yaml has no say in them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuideConfig {
    pub errors: ErrorShapeConfig,
    pub urls: crate::url_path::SegmentStyle,
}

/// Which error body the house uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ErrorVariant {
    /// `{"error": {"code", "message", "details"}}`: the guide's.
    #[default]
    Envelope,
    /// `{"code", "message", "details"}` at the top of the body.
    Flat,
    /// RFC 9457 problem details: `{"type", "title", "status", "detail"}`.
    Problem,
}

impl ErrorVariant {
    /// The fields a body of this variant declares unless `[lint.errors] fields` says otherwise.
    pub fn default_fields(self) -> &'static [&'static str] {
        match self {
            ErrorVariant::Envelope | ErrorVariant::Flat => &["code", "message", "details"],
            ErrorVariant::Problem => &["type", "title", "status", "detail"],
        }
    }
}

/// `[lint.errors]`: the house error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorShapeConfig {
    pub variant: ErrorVariant,
    /// The property that wraps the fields in the envelope variant.
    pub envelope: String,
    /// The fields every error body declares.
    pub fields: Vec<String>,
}

impl Default for ErrorShapeConfig {
    fn default() -> ErrorShapeConfig {
        let variant = ErrorVariant::default();
        ErrorShapeConfig {
            variant,
            envelope: "error".to_string(),
            fields: variant
                .default_fields()
                .iter()
                .map(|f| f.to_string())
                .collect(),
        }
    }
}

/// One directory of `.proto` files that is also an import root (a buf v2 module, a v1beta1 build
/// root, or the buf.yaml directory for v1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoRoot {
    /// Relative to the config directory, `"."` for the directory itself.
    pub path: String,
    /// Directories left out, relative to the config directory (so they start with `path`).
    pub excludes: Vec<String>,
    /// buf v2 `includes`: when not empty, only these directories (relative to the config
    /// directory) belong to the root.
    pub includes: Vec<String>,
    /// buf v2 module-level `breaking` section; replaces [`Config::breaking`] for this root.
    pub breaking: Option<BreakingConfig>,
    /// buf v2 module-level `lint` section; replaces [`Config::lint`] for this root.
    pub lint: Option<LintConfig>,
}

impl ProtoRoot {
    pub fn new(path: &str) -> ProtoRoot {
        ProtoRoot {
            path: path.to_string(),
            excludes: Vec::new(),
            includes: Vec::new(),
            breaking: None,
            lint: None,
        }
    }

    /// Whether `file` (relative to the config directory) belongs to this root: inside it, not
    /// excluded and, when includes are given, inside one of them.
    pub fn contains(&self, file: &str) -> bool {
        contains_path(&self.path, file)
            && !self.excludes.iter().any(|e| contains_path(e, file))
            && (self.includes.is_empty() || self.includes.iter().any(|i| contains_path(i, file)))
    }
}

/// A path the config names that must match something in the compared tree (a protobuf root,
/// a buf module or workspace directory, an `[openapi] paths` glob): a typo in one would turn
/// checking off without a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPath {
    /// The key that holds it, as messages name it: `proto.roots`, `openapi.paths`.
    pub key: String,
    /// Normalised, relative to the config directory.
    pub path: String,
    /// A glob matched against whole file paths (`[openapi] paths`), not a directory or file.
    pub glob: bool,
    /// Where it is written, and the config's text (to show the line).
    pub at: Location,
    pub text: std::sync::Arc<str>,
}

/// Where the configuration came from (paths as given to the loader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// No config file: buf's defaults.
    Default,
    Treaty(String),
    /// buf.yaml `version: v1` or `v1beta1`, or a v1 `buf.work.yaml`.
    BufV1(String),
    BufV2(String),
}

/// How much a rule's findings weigh, as a config sets it: a severity, or `off` (dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    /// `error`, `warning` (or `warn`), `info`, `off`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "off" => Some(Level::Off),
            _ => Severity::parse(text).map(Level::On),
        }
    }
}

/// Rule token (id, alias or category) -> level, in file order.
pub type SeverityMap = Vec<(String, Level)>;

/// `[[overrides]]`: settings for the files some globs match, on top of the rest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Override {
    /// Globs or directories, relative to the config directory.
    pub paths: Vec<String>,
    /// Replaces the selection of the protocols (and kinds) its tokens name; `None` keeps it.
    pub use_ids: Option<Vec<String>>,
    pub except: Vec<String>,
    pub severity: SeverityMap,
}

/// The notice a deprecation must give: the fewest days between today and the sunset date of an
/// element deprecated (or whose sunset moved earlier), by stability level (oasdiff's
/// `--deprecation-days-beta` and `--deprecation-days-stable`; draft and alpha need none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deprecation {
    pub beta_days: u32,
    pub stable_days: u32,
}

/// Whether treaty's own suppressions (`// treaty:ignore`, `x-treaty-ignore`) are honoured, per
/// kind of finding (`disallow_ignores` in `[lint]` and `[breaking]` turns them off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreatyIgnores {
    pub lint: bool,
    pub breaking: bool,
}

impl Default for TreatyIgnores {
    fn default() -> TreatyIgnores {
        TreatyIgnores {
            lint: true,
            breaking: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub roots: Vec<ProtoRoot>,
    /// Top-level breaking settings; a root's own section wins (see [`Config::breaking_for`]).
    pub breaking: BreakingConfig,
    pub lint: LintConfig,
    /// `[openapi] paths`: globs (relative to the config directory) naming the specs; empty means
    /// "find specs by content".
    pub openapi_paths: Vec<String>,
    /// `[lint.errors]`, `[lint.urls]`: the guide's conventions as this house writes them.
    pub guide: GuideConfig,
    pub source: ConfigSource,
    /// Things that were read but have no effect in treaty (buf `deps`, `plugins`, keys unknown to
    /// this version), as `file:line: message`, for the CLI to show.
    pub warnings: Vec<String>,
    /// `[severity]`: levels by rule token, for every file.
    pub severity: SeverityMap,
    /// `[[overrides]]`, in file order.
    pub overrides: Vec<Override>,
    /// `[breaking] deprecation_days_beta` / `deprecation_days_stable`.
    pub deprecation: Deprecation,
    pub treaty_ignores: TreatyIgnores,
    /// Paths that must exist in one of the compared revisions, in file order.
    pub named_paths: Vec<NamedPath>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            roots: vec![ProtoRoot::new(".")],
            breaking: BreakingConfig::default(),
            lint: LintConfig::default(),
            openapi_paths: Vec::new(),
            guide: GuideConfig::default(),
            source: ConfigSource::Default,
            warnings: Vec::new(),
            severity: Vec::new(),
            overrides: Vec::new(),
            deprecation: Deprecation::default(),
            treaty_ignores: TreatyIgnores::default(),
            named_paths: Vec::new(),
        }
    }
}

impl Config {
    /// The innermost root holding `file` (relative to the config directory).
    pub fn root_for(&self, file: &str) -> Option<&ProtoRoot> {
        self.roots
            .iter()
            .filter(|r| r.contains(file))
            .max_by_key(|r| if r.path == "." { 0 } else { r.path.len() + 1 })
    }

    /// Breaking settings that apply to `file`: its root's own section, else the top level.
    pub fn breaking_for(&self, file: &str) -> &BreakingConfig {
        self.root_for(file)
            .and_then(|r| r.breaking.as_ref())
            .unwrap_or(&self.breaking)
    }

    /// Lint settings that apply to `file`: its root's own section, else the top level.
    pub fn lint_for(&self, file: &str) -> &LintConfig {
        self.root_for(file)
            .and_then(|r| r.lint.as_ref())
            .unwrap_or(&self.lint)
    }
}

/// An error at `line`:`col` of the config file `path`.
pub(crate) fn error_at(path: &str, line: u32, col: u32, message: impl Into<String>) -> InputError {
    InputError::at(message, Location::point(path, line, col), None)
}

/// An error at a byte offset of `text`, the text of the config file `path`.
pub(crate) fn error_at_offset(
    path: &str,
    text: &str,
    offset: usize,
    message: impl Into<String>,
) -> InputError {
    let (line, col) = line_col_at(text, offset);
    error_at(path, line, col, message)
}

/// `Err` with the hint for a rule token (id, alias, category) that names no rule, at `line`:`col`.
pub(crate) fn check_token(path: &str, line: u32, col: u32, token: &str) -> Result<(), InputError> {
    match crate::rules::unknown_token_message(token) {
        None => Ok(()),
        Some(message) => Err(error_at(path, line, col, message)),
    }
}

/// Finds the config of one directory through `dir_files` (relative path -> contents, `None` when
/// absent), so it works on a work tree and on a git snapshot alike: `treaty.toml` first, then
/// `buf.yaml`, then `buf.work.yaml` (whose modules' `DIR/buf.yaml` are read through the same
/// callback), else the defaults.
pub fn load_config(dir_files: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Config, InputError> {
    if let Some(bytes) = dir_files(TREATY_TOML) {
        return parse_config(TREATY_TOML, &bytes);
    }
    if let Some(bytes) = dir_files(BUF_YAML) {
        return parse_config(BUF_YAML, &bytes);
    }
    if let Some(bytes) = dir_files(BUF_WORK_YAML) {
        let text = crate::tree::utf8(BUF_WORK_YAML, &bytes)?;
        return buf::parse_work(BUF_WORK_YAML, text, dir_files);
    }
    Ok(Config::default())
}

/// The largest config file read: real ones are a few kilobytes.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

fn refuse_large_config(name: &str, bytes: &[u8]) -> Result<(), InputError> {
    if bytes.len() <= MAX_CONFIG_BYTES {
        return Ok(());
    }
    Err(InputError::in_file(
        name,
        format!(
            "config file is larger than the {} MiB limit for a config",
            MAX_CONFIG_BYTES >> 20
        ),
    ))
}

/// `--config FILE`: a `.toml` file is a treaty.toml, a `buf.work.yaml` a buf workspace, anything
/// else a buf.yaml (YAML or JSON). Paths inside are relative to the file's directory.
pub fn load_config_file(path: &Path) -> Result<Config, InputError> {
    use std::io::Read;
    let name = path.display().to_string();
    let cannot_read =
        |e: std::io::Error| InputError::in_file(&name, format!("cannot read config file: {e}"));
    let mut bytes = Vec::new();
    // Bounded: `--config` may name anything, a huge file or a device that never ends.
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(MAX_CONFIG_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(cannot_read)?;
    refuse_large_config(&name, &bytes)?;
    if path.file_name().is_some_and(|n| n == BUF_WORK_YAML) {
        let dir = path.parent().unwrap_or(Path::new("."));
        let text = crate::tree::utf8(&name, &bytes)?;
        return buf::parse_work(&name, text, &|rel: &str| std::fs::read(dir.join(rel)).ok());
    }
    parse_config(&name, &bytes)
}

/// Parses config bytes; `name` decides the format (`*.toml` is treaty's) and names the file in
/// errors.
pub fn parse_config(name: &str, bytes: &[u8]) -> Result<Config, InputError> {
    refuse_large_config(name, bytes)?;
    let text = crate::tree::utf8(name, bytes)?;
    if name.to_ascii_lowercase().ends_with(".toml") {
        treaty::parse(name, text)
    } else {
        buf::parse(name, text)
    }
}

/// A path in a config file that cannot be one: the caller knows where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BadPath {
    Absolute(String),
    /// It climbs out of the config file's directory with `..`.
    Outside(String),
}

impl std::fmt::Display for BadPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadPath::Absolute(raw) => write!(
                f,
                "path {raw:?} must be relative to the config file's directory"
            ),
            BadPath::Outside(raw) => {
                write!(f, "path {raw:?} points outside the config file's directory")
            }
        }
    }
}

/// Normalises a config path to `/`-separated, relative, without `.` segments; `"."` for the
/// directory itself. Absolute paths and paths that climb out with `..` are errors.
pub(crate) fn normalize_path(raw: &str) -> Result<String, BadPath> {
    let unified = raw.replace('\\', "/");
    let drive = unified.len() >= 2
        && unified.as_bytes()[1] == b':'
        && unified.as_bytes()[0].is_ascii_alphabetic();
    if unified.starts_with('/') || drive {
        return Err(BadPath::Absolute(raw.to_string()));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(BadPath::Outside(raw.to_string()));
                }
            }
            p => parts.push(p),
        }
    }
    Ok(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// `dir` joined with a normalised relative `path`.
pub(crate) fn join_path(dir: &str, path: &str) -> String {
    match (dir, path) {
        (".", p) => p.to_string(),
        (d, ".") => d.to_string(),
        (d, p) => format!("{d}/{p}"),
    }
}

/// Whether normalised `path` is `dir` or inside it.
pub fn contains_path(dir: &str, path: &str) -> bool {
    dir == "."
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise() {
        assert_eq!(normalize_path("./proto/").unwrap(), "proto");
        assert_eq!(normalize_path("a/./b/../c").unwrap(), "a/c");
        assert_eq!(normalize_path(".").unwrap(), ".");
        assert_eq!(normalize_path("").unwrap(), ".");
        assert_eq!(normalize_path("a\\b").unwrap(), "a/b");
        assert_eq!(
            normalize_path("/etc"),
            Err(BadPath::Absolute("/etc".into()))
        );
        assert_eq!(
            normalize_path("C:/x"),
            Err(BadPath::Absolute("C:/x".into()))
        );
        assert_eq!(
            normalize_path("a/../..").unwrap_err().to_string(),
            "path \"a/../..\" points outside the config file's directory"
        );
        assert!(contains_path("proto", "proto/a.proto"));
        assert!(contains_path("proto", "proto"));
        assert!(!contains_path("proto", "protos/a.proto"));
        assert!(contains_path(".", "x"));
        assert_eq!(join_path(".", "a"), "a");
        assert_eq!(join_path("a", "."), "a");
        assert_eq!(join_path("a", "b"), "a/b");
    }

    #[test]
    fn config_errors_keep_file_line_and_column() {
        let e = parse_config("buf.yaml", b"version: v1\nlint: [x]\n").unwrap_err();
        let at = e.location().expect("a position");
        assert_eq!((at.file.as_str(), at.line, at.column), ("buf.yaml", 2, 7));
        assert_eq!(
            e.to_string(),
            "buf.yaml:2:7: `lint` must be a mapping, found a sequence"
        );

        let e = parse_config("treaty.toml", b"[breaking]\nignore = [\"/abs\"]\n").unwrap_err();
        let at = e.location().expect("a position");
        assert_eq!(
            (at.file.as_str(), at.line, at.column),
            ("treaty.toml", 2, 11)
        );

        // A file that cannot be read has no position: the file alone.
        let missing = Path::new("no/such/treaty.toml");
        let e = load_config_file(missing).unwrap_err();
        assert_eq!(e.file(), Some("no/such/treaty.toml"));
        assert_eq!(e.location(), None);
        assert!(
            e.to_string()
                .starts_with("no/such/treaty.toml: cannot read config file: "),
            "{e}"
        );
    }
}
