//! `treaty.toml`: the same settings as buf.yaml in a small TOML file of treaty's own, plus
//! per-rule severity, per-directory overrides, the deprecation policy and treaty's suppressions.
//! Every key is optional; `treaty init` writes a commented starter.
//!
//! ```toml
//! [proto]
//! roots = ["proto"]                    # import roots; default ["."]
//! exclude = ["proto/google/protobuf"]  # directories left out, relative to this file
//!
//! [breaking]
//! use = ["FILE"]                       # rule tokens; omitted: treaty's default (FILE, GUIDE, HTTP)
//! except = []                          # rule tokens never run
//! ignore = ["proto/legacy", "api/**/draft-*.yaml"]  # paths or globs whose findings are dropped
//! ignore_unstable_packages = false     # drop findings in foo.v1alpha1, foo.v2beta, foo.v1test
//! deprecation_days_stable = 0          # days of notice before a sunset, stable operations
//! deprecation_days_beta = 0            # the same for `x-stability-level: beta` operations
//! disallow_ignores = false             # true: treaty:ignore / x-treaty-ignore stop working
//!
//! [breaking.ignore_only]               # rule token -> paths or globs where it is dropped
//! "buf:FIELD_SAME_TYPE" = ["proto/legacy/**"]
//!
//! [lint]                               # use, except, ignore, ignore_only, disallow_ignores as
//! use = ["STANDARD"]                   # in [breaking], plus buf's lint options:
//! enum_zero_value_suffix = "_UNSPECIFIED"
//! service_suffix = "Service"
//! rpc_allow_same_request_response = false
//! rpc_allow_google_protobuf_empty_requests = false
//! rpc_allow_google_protobuf_empty_responses = false
//! allow_comment_ignores = true         # `// buf:lint:ignore ID` comments count
//!
//! [lint.errors]                        # the house error body (OpenAPI ERRORS rules)
//! shape = "envelope"                   # envelope | flat | problem
//! envelope = "error"                   # the wrapping property of the envelope shape
//! fields = ["code", "message", "details"]  # default per shape
//!
//! [lint.urls]                          # literal path segments (URLS rules)
//! casing = "kebab-case"                # kebab-case | snake_case | camelCase
//! exceptions = ["me"]                  # segments never reported
//!
//! [openapi]
//! paths = ["api/**/*.yaml"]            # optional globs; default: find specs by content
//!
//! [severity]                           # rule token -> error | warning | info | off
//! "openapi/path-has-verb" = "error"
//! GUIDE = "warning"
//!
//! [[overrides]]                        # settings for the files some globs match
//! paths = ["legacy/**"]                # required
//! use = ["FILE"]                       # replaces the selection of the protocols it names
//! except = ["GUIDE"]                   # unselects
//! severity = { "proto/field-no-delete" = "warning" }
//! ```
//!
//! - A rule token is a rule id (`proto/field-same-type`), a peer alias (`buf:FIELD_SAME_TYPE`,
//!   also bare `FIELD_SAME_TYPE`, `spectral:operation-tags`, `oasdiff:...`), a category (`FILE`,
//!   `buf:WIRE_JSON`, `GUIDE`, `spectral:oas`), `proto`, `openapi`, `breaking`, `lint` or `all`.
//! - Paths are relative to this file's directory. A path without `*?[{` is a directory or file
//!   (it and everything under it); one with them is a glob (`*` stays within one directory,
//!   `**` crosses them) that matches a file or any of its directories.
//! - `[severity]`: when several entries name a rule, the one naming the fewest rules wins (an id
//!   over its category, a category over `all`), the later one on a tie. `off` drops the rule's
//!   findings; a severity does not select a rule that is not selected.
//! - `[[overrides]]`: every entry whose `paths` match a finding's file applies on top of the
//!   `[breaking]`/`[lint]` policy, from the least specific to the most specific (the most
//!   leading literal directories, `legacy/v1/**` over `legacy/**`; the later entry on a tie),
//!   so the most specific has the last word on a rule's selection and severity. `use` governs
//!   only the protocols and kinds its tokens name rules of; `--only` on the command line
//!   outranks it, and `--skip` cannot be undone by it.
//! - Deprecation policy (oasdiff's `--deprecation-days-beta`/`-stable`): a deprecation, or a
//!   sunset moved earlier, must leave at least that many days between today and the sunset
//!   date (`api-sunset-date-too-small`, `api-sunset-date-changed-too-small` and their parameter
//!   and property twins); with more than 0 days for beta, a deprecated beta operation needs a
//!   sunset date too (`api-deprecated-sunset-missing`). `draft` and `alpha` need no notice.
//! - Suppressions in the contracts (`// treaty:ignore RULE reason` above a protobuf element,
//!   `x-treaty-ignore: {RULE: reason}` on an OpenAPI object) work unless `disallow_ignores`;
//!   `[lint]`'s governs lint findings, `[breaking]`'s breaking ones.
//!
//! An unknown key, rule token or severity is an error at its line with the nearest valid name:
//! a typo must not silently turn a check off.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{
    contains_path, error_at_offset, normalize_path, BreakingConfig, Config, ConfigSource,
    Deprecation, ErrorShapeConfig, ErrorVariant, GuideConfig, Level, LintConfig, NamedPath,
    Override, ProtoRoot, SeverityMap, TreatyIgnores,
};
use crate::diag::InputError;
use crate::finding::Location;
use crate::rules::spelling::nearest;
use crate::span::line_col_at;
use crate::url_path::{Casing, SegmentStyle};
use std::sync::Arc;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct File {
    proto: ProtoSection,
    breaking: BreakingSection,
    lint: LintSection,
    openapi: OpenApiSection,
    severity: Levels,
    overrides: Vec<OverrideSection>,
}

/// Rule token -> level, each with its place in the file.
type Levels = BTreeMap<Spanned<String>, Spanned<String>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct OverrideSection {
    paths: Vec<Spanned<String>>,
    #[serde(rename = "use")]
    use_ids: Option<Vec<Spanned<String>>>,
    except: Vec<Spanned<String>>,
    severity: Levels,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct ProtoSection {
    roots: Option<Vec<Spanned<String>>>,
    exclude: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct BreakingSection {
    #[serde(rename = "use")]
    use_ids: Option<Vec<Spanned<String>>>,
    except: Vec<Spanned<String>>,
    ignore: Vec<Spanned<String>>,
    ignore_only: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    ignore_unstable_packages: bool,
    deprecation_days_beta: u32,
    deprecation_days_stable: u32,
    disallow_ignores: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct LintSection {
    #[serde(rename = "use")]
    use_ids: Option<Vec<Spanned<String>>>,
    except: Vec<Spanned<String>>,
    ignore: Vec<Spanned<String>>,
    ignore_only: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    enum_zero_value_suffix: Option<String>,
    service_suffix: Option<String>,
    rpc_allow_same_request_response: bool,
    rpc_allow_google_protobuf_empty_requests: bool,
    rpc_allow_google_protobuf_empty_responses: bool,
    allow_comment_ignores: Option<bool>,
    disallow_ignores: bool,
    errors: ErrorsSection,
    urls: UrlsSection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct ErrorsSection {
    shape: Option<Spanned<String>>,
    envelope: Option<Spanned<String>>,
    fields: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct UrlsSection {
    casing: Option<Spanned<String>>,
    exceptions: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct OpenApiSection {
    paths: Vec<Spanned<String>>,
}

pub(super) fn parse(path: &str, text: &str) -> Result<Config, InputError> {
    let file: File = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        error_at_offset(path, text, offset, explain_toml_error(e.message()))
    })?;
    let r = Reader { path, text };

    let mut roots: Vec<ProtoRoot> = match &file.proto.roots {
        None => vec![ProtoRoot::new(".")],
        Some(list) => r.paths(list)?.iter().map(|p| ProtoRoot::new(p)).collect(),
    };
    if roots.is_empty() {
        let offset = text.find("roots").unwrap_or(0);
        return Err(error_at_offset(
            path,
            text,
            offset,
            "`proto.roots` is empty; leave it out to use the config directory",
        ));
    }
    for raw in &file.proto.exclude {
        let exclude = r.path(raw)?;
        let owner = roots
            .iter_mut()
            .filter(|r| contains_path(&r.path, &exclude) && r.path != exclude)
            .max_by_key(|r| r.path.len());
        match owner {
            Some(root) => root.excludes.push(exclude),
            None => {
                return Err(r.err(
                    raw,
                    format!("exclude {exclude:?} is not a directory inside any of `proto.roots`"),
                ))
            }
        }
    }

    let b = file.breaking;
    let breaking = BreakingConfig {
        // No `use` in treaty.toml means treaty's own default selection (buf's FILE plus
        // treaty's GUIDE and HTTP rules), which an empty list stands for.
        use_ids: r.tokens(b.use_ids.as_deref().unwrap_or_default())?,
        except: r.tokens(&b.except)?,
        ignore: r.globs(&b.ignore)?,
        ignore_only: r.ignore_only(&b.ignore_only)?,
        ignore_unstable_packages: b.ignore_unstable_packages,
    };
    let guide = guide_config(path, text, &file.lint.errors, &file.lint.urls)?;
    let lint_default = LintConfig::default();
    let l = file.lint;
    let lint = LintConfig {
        // As for breaking: no `use` means treaty's own default (buf's STANDARD plus the guide's
        // rules), which an empty list stands for.
        use_ids: r.tokens(l.use_ids.as_deref().unwrap_or_default())?,
        except: r.tokens(&l.except)?,
        ignore: r.globs(&l.ignore)?,
        ignore_only: r.ignore_only(&l.ignore_only)?,
        enum_zero_value_suffix: l
            .enum_zero_value_suffix
            .unwrap_or(lint_default.enum_zero_value_suffix),
        service_suffix: l.service_suffix.unwrap_or(lint_default.service_suffix),
        rpc_allow_same_request_response: l.rpc_allow_same_request_response,
        rpc_allow_google_protobuf_empty_requests: l.rpc_allow_google_protobuf_empty_requests,
        rpc_allow_google_protobuf_empty_responses: l.rpc_allow_google_protobuf_empty_responses,
        allow_comment_ignores: l
            .allow_comment_ignores
            .unwrap_or(lint_default.allow_comment_ignores),
    };

    let mut overrides = Vec::new();
    for o in &file.overrides {
        if o.paths.is_empty() {
            let offset = text.find("[[overrides]]").unwrap_or(0);
            return Err(error_at_offset(
                path,
                text,
                offset,
                "an `[[overrides]]` entry needs `paths`: the globs of the files it applies to",
            ));
        }
        overrides.push(Override {
            paths: r.globs(&o.paths)?,
            use_ids: o.use_ids.as_deref().map(|u| r.tokens(u)).transpose()?,
            except: r.tokens(&o.except)?,
            severity: r.levels(&o.severity)?,
        });
    }

    let shared_text: Arc<str> = Arc::from(text);
    let named = |key: &str, list: &[Spanned<String>], glob: bool| -> Vec<NamedPath> {
        list.iter()
            .filter_map(|raw| {
                let (line, col) = line_col_at(text, raw.span().start);
                Some(NamedPath {
                    key: key.to_string(),
                    path: normalize_path(raw.get_ref()).ok()?,
                    glob,
                    at: Location::point(path, line, col),
                    text: shared_text.clone(),
                })
            })
            .collect()
    };
    let mut named_paths = named(
        "proto.roots",
        file.proto.roots.as_deref().unwrap_or(&[]),
        false,
    );
    named_paths.extend(named("openapi.paths", &file.openapi.paths, true));

    Ok(Config {
        roots,
        breaking,
        lint,
        openapi_paths: r.globs(&file.openapi.paths)?,
        guide,
        source: ConfigSource::Treaty(path.to_string()),
        warnings: Vec::new(),
        severity: r.levels(&file.severity)?,
        overrides,
        deprecation: Deprecation {
            beta_days: b.deprecation_days_beta,
            stable_days: b.deprecation_days_stable,
        },
        treaty_ignores: TreatyIgnores {
            lint: !l.disallow_ignores,
            breaking: !b.disallow_ignores,
        },
        named_paths,
    })
}

/// serde's "unknown field `excpet`, expected one of `use`, `except`, ..." as treaty says it:
/// the unknown key and the nearest known one.
fn explain_toml_error(message: &str) -> String {
    let message = message.trim_end();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((key, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match nearest(key, known.iter().copied()) {
        Some(name) => format!("unknown key `{key}`; did you mean `{name}`?"),
        None if known.is_empty() => format!("unknown key `{key}`: this table takes no keys"),
        None => format!("unknown key `{key}`; known keys: {}", known.join(", ")),
    }
}

/// Reads values of a parsed treaty.toml, with errors at their place in `text`.
struct Reader<'a> {
    path: &'a str,
    text: &'a str,
}

impl Reader<'_> {
    fn err<T>(&self, at: &Spanned<T>, message: impl Into<String>) -> InputError {
        error_at_offset(self.path, self.text, at.span().start, message)
    }

    fn path(&self, raw: &Spanned<String>) -> Result<String, InputError> {
        normalize_path(raw.get_ref()).map_err(|e| self.err(raw, e.to_string()))
    }

    fn paths(&self, list: &[Spanned<String>]) -> Result<Vec<String>, InputError> {
        list.iter().map(|p| self.path(p)).collect()
    }

    /// Paths that may be globs (`legacy/**`, `*.yaml`); a glob that cannot be one is an error.
    fn globs(&self, list: &[Spanned<String>]) -> Result<Vec<String>, InputError> {
        let mut out = Vec::with_capacity(list.len());
        for raw in list {
            let glob = self.path(raw)?;
            globset::Glob::new(&glob)
                .map_err(|e| self.err(raw, format!("invalid glob {glob:?}: {}", e.kind())))?;
            out.push(glob);
        }
        Ok(out)
    }

    /// Rule tokens; one that names no rule is an error at its place, with the nearest name.
    fn tokens(&self, list: &[Spanned<String>]) -> Result<Vec<String>, InputError> {
        list.iter()
            .map(|t| self.token(t).map(str::to_string))
            .collect()
    }

    fn token<'t>(&self, token: &'t Spanned<String>) -> Result<&'t str, InputError> {
        match crate::rules::unknown_token_message(token.get_ref()) {
            None => Ok(token.get_ref()),
            Some(message) => Err(self.err(token, message)),
        }
    }

    /// Entries of a table keyed by rule tokens, in file order (a TOML table has no order of its
    /// own here, and "the later entry wins" needs one).
    fn in_file_order<V>(map: &BTreeMap<Spanned<String>, V>) -> Vec<(&Spanned<String>, &V)> {
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        entries
    }

    fn ignore_only(
        &self,
        map: &BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    ) -> Result<Vec<(String, Vec<String>)>, InputError> {
        Self::in_file_order(map)
            .into_iter()
            .map(|(token, paths)| Ok((self.token(token)?.to_string(), self.globs(paths)?)))
            .collect()
    }

    fn levels(&self, map: &Levels) -> Result<SeverityMap, InputError> {
        Self::in_file_order(map)
            .into_iter()
            .map(|(token, level)| {
                let token = self.token(token)?.to_string();
                let level = Level::parse(level.get_ref()).ok_or_else(|| {
                    let names = ["error", "warning", "info", "off"];
                    let hint = nearest(level.get_ref(), names)
                        .map_or(String::new(), |n| format!("; did you mean `{n}`?"));
                    self.err(
                        level,
                        format!(
                            "unknown severity {:?} (error, warning, info or off){hint}",
                            level.get_ref()
                        ),
                    )
                })?;
                Ok((token, level))
            })
            .collect()
    }
}

/// `[lint.errors]` and `[lint.urls]`; a value treaty does not know is an error at its place.
fn guide_config(
    path: &str,
    text: &str,
    errors: &ErrorsSection,
    urls: &UrlsSection,
) -> Result<GuideConfig, InputError> {
    let variant = match &errors.shape {
        None => ErrorVariant::default(),
        Some(shape) => match shape.get_ref().as_str() {
            "envelope" => ErrorVariant::Envelope,
            "flat" => ErrorVariant::Flat,
            "problem" => ErrorVariant::Problem,
            other => {
                return Err(error_at_offset(
                    path,
                    text,
                    shape.span().start,
                    format!(
                        "`lint.errors.shape` is {other:?}; expected \"envelope\", \"flat\" or \"problem\""
                    ),
                ))
            }
        },
    };
    let fields = match &errors.fields {
        None => variant
            .default_fields()
            .iter()
            .map(|f| f.to_string())
            .collect(),
        Some(list) if list.get_ref().is_empty() || list.get_ref().iter().any(String::is_empty) => {
            return Err(error_at_offset(
                path,
                text,
                list.span().start,
                "`lint.errors.fields` needs at least one field name, none empty",
            ))
        }
        Some(list) => list.get_ref().clone(),
    };
    let envelope = match &errors.envelope {
        None => ErrorShapeConfig::default().envelope,
        Some(name) if name.get_ref().is_empty() => {
            return Err(error_at_offset(
                path,
                text,
                name.span().start,
                "`lint.errors.envelope` is empty; leave it out for \"error\"",
            ))
        }
        Some(name) => name.get_ref().clone(),
    };
    let casing = match &urls.casing {
        None => None,
        Some(casing) => Some(Casing::parse(casing.get_ref()).ok_or_else(|| {
            error_at_offset(
                path,
                text,
                casing.span().start,
                format!(
                    "`lint.urls.casing` is {:?}; expected \"kebab-case\", \"snake_case\" or \"camelCase\"",
                    casing.get_ref()
                ),
            )
        })?),
    };
    Ok(GuideConfig {
        errors: ErrorShapeConfig {
            variant,
            envelope,
            fields,
        },
        urls: SegmentStyle {
            casing,
            exceptions: urls.exceptions.clone(),
        },
    })
}
