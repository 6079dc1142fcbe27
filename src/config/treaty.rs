//! `treaty.toml`: the same settings as buf.yaml in a small TOML file of treaty's own.
//!
//! ```toml
//! [proto]
//! roots = ["proto"]                    # import roots; default ["."]
//! exclude = ["proto/google/protobuf"]  # directories left out, relative to this file
//!
//! [breaking]
//! use = ["FILE"]
//! except = []
//! ignore = ["proto/legacy"]
//! ignore_unstable_packages = false
//!
//! [breaking.ignore_only]
//! "buf:FIELD_SAME_TYPE" = ["proto/legacy"]
//!
//! [lint]                               # same keys as [breaking] except ignore_unstable_packages,
//! use = ["STANDARD"]                   # plus buf's lint options:
//! enum_zero_value_suffix = "_UNSPECIFIED"
//! service_suffix = "Service"
//! rpc_allow_same_request_response = false
//! rpc_allow_google_protobuf_empty_requests = false
//! rpc_allow_google_protobuf_empty_responses = false
//! allow_comment_ignores = true
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
//! ```
//!
//! Unknown keys are errors that name the key: a typo must not silently turn a check off.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{
    contains_path, error_at_offset, normalize_path, BreakingConfig, Config, ConfigSource,
    ErrorShapeConfig, ErrorVariant, GuideConfig, LintConfig, ProtoRoot,
};
use crate::diag::InputError;
use crate::url_path::{Casing, SegmentStyle};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct File {
    proto: ProtoSection,
    breaking: BreakingSection,
    lint: LintSection,
    openapi: OpenApiSection,
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
    use_ids: Option<Vec<String>>,
    except: Vec<String>,
    ignore: Vec<Spanned<String>>,
    ignore_only: BTreeMap<String, Vec<Spanned<String>>>,
    ignore_unstable_packages: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct LintSection {
    #[serde(rename = "use")]
    use_ids: Option<Vec<String>>,
    except: Vec<String>,
    ignore: Vec<Spanned<String>>,
    ignore_only: BTreeMap<String, Vec<Spanned<String>>>,
    enum_zero_value_suffix: Option<String>,
    service_suffix: Option<String>,
    rpc_allow_same_request_response: bool,
    rpc_allow_google_protobuf_empty_requests: bool,
    rpc_allow_google_protobuf_empty_responses: bool,
    allow_comment_ignores: Option<bool>,
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
        error_at_offset(path, text, offset, e.message().trim_end())
    })?;
    let norm = |p: &Spanned<String>| {
        normalize_path(p.get_ref())
            .map_err(|e| error_at_offset(path, text, p.span().start, e.to_string()))
    };
    let norm_all = |list: &[Spanned<String>]| list.iter().map(norm).collect::<Result<Vec<_>, _>>();
    let norm_map = |map: &BTreeMap<String, Vec<Spanned<String>>>| {
        map.iter()
            .map(|(id, paths)| Ok((id.clone(), norm_all(paths)?)))
            .collect::<Result<Vec<_>, InputError>>()
    };

    let mut roots: Vec<ProtoRoot> = match &file.proto.roots {
        None => vec![ProtoRoot::new(".")],
        Some(list) => norm_all(list)?.iter().map(|p| ProtoRoot::new(p)).collect(),
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
        let exclude = norm(raw)?;
        let owner = roots
            .iter_mut()
            .filter(|r| contains_path(&r.path, &exclude) && r.path != exclude)
            .max_by_key(|r| r.path.len());
        match owner {
            Some(root) => root.excludes.push(exclude),
            None => {
                return Err(error_at_offset(
                    path,
                    text,
                    raw.span().start,
                    format!("exclude {exclude:?} is not a directory inside any of `proto.roots`"),
                ))
            }
        }
    }

    let breaking = BreakingConfig {
        // No `use` in treaty.toml means treaty's own default selection (buf's FILE plus
        // treaty's GUIDE and HTTP rules), which an empty list stands for.
        use_ids: file.breaking.use_ids.unwrap_or_default(),
        except: file.breaking.except,
        ignore: norm_all(&file.breaking.ignore)?,
        ignore_only: norm_map(&file.breaking.ignore_only)?,
        ignore_unstable_packages: file.breaking.ignore_unstable_packages,
    };
    let guide = guide_config(path, text, &file.lint.errors, &file.lint.urls)?;
    let lint_default = LintConfig::default();
    let l = file.lint;
    let lint = LintConfig {
        // As for breaking: no `use` means treaty's own default (buf's STANDARD plus the guide's
        // rules), which an empty list stands for.
        use_ids: l.use_ids.unwrap_or_default(),
        except: l.except,
        ignore: norm_all(&l.ignore)?,
        ignore_only: norm_map(&l.ignore_only)?,
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

    let mut openapi_paths = Vec::new();
    for raw in &file.openapi.paths {
        let glob = norm(raw)?;
        globset::Glob::new(&glob).map_err(|e| {
            error_at_offset(
                path,
                text,
                raw.span().start,
                format!("invalid glob {glob:?}: {}", e.kind()),
            )
        })?;
        openapi_paths.push(glob);
    }

    Ok(Config {
        roots,
        breaking,
        lint,
        openapi_paths,
        guide,
        source: ConfigSource::Treaty(path.to_string()),
        warnings: Vec::new(),
    })
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
