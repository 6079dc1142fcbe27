//! Which rules apply where: the configured `Options` and `Policy`s, and `Policies`, their rule
//! tokens resolved to rule sets once per run so that judging a finding is index lookups.

use crate::config::{BreakingConfig, Config, ConfigSource, LintConfig};
use crate::finding::Finding;
use crate::openapi;
use crate::proto;
use crate::rules::{Kind, RuleSet, Selection};

/// Which rules apply to a file, and which of their findings are dropped.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub selection: Selection,
    /// Paths (files or directories, relative to the compared root) whose findings are dropped.
    pub ignore: Vec<String>,
    /// Rule token -> paths where that rule's findings are dropped.
    pub ignore_only: Vec<(String, Vec<String>)>,
    /// Drop findings in packages whose last component is unstable (`v1alpha1`, `v2beta`, `v1test`).
    pub ignore_unstable_packages: bool,
}

impl Policy {
    /// A config's `breaking` section, with the command line's `--only`/`--skip` on top.
    pub fn from_breaking(breaking: &BreakingConfig, only: &[String], skip: &[String]) -> Policy {
        Policy {
            selection: Selection {
                only: only.to_vec(),
                skip: breaking.except.iter().chain(skip).cloned().collect(),
                uses: breaking.use_ids.clone(),
            },
            ignore: breaking.ignore.clone(),
            ignore_only: breaking.ignore_only.clone(),
            ignore_unstable_packages: breaking.ignore_unstable_packages,
        }
    }

    /// A config's `lint` section, with the command line's `--only`/`--skip` on top.
    pub fn from_lint(lint: &LintConfig, only: &[String], skip: &[String]) -> Policy {
        Policy {
            selection: Selection {
                only: only.to_vec(),
                skip: lint.except.iter().chain(skip).cloned().collect(),
                uses: lint.use_ids.clone(),
            },
            ignore: lint.ignore.clone(),
            ignore_only: lint.ignore_only.clone(),
            ignore_unstable_packages: false,
        }
    }

    /// Treaty's default selection (no config file), with `--only`/`--skip`.
    fn command_line(only: &[String], skip: &[String]) -> Policy {
        Policy {
            selection: Selection {
                only: only.to_vec(),
                skip: skip.to_vec(),
                uses: Vec::new(),
            },
            ..Policy::default()
        }
    }
}

/// The options of the protobuf lint rules in a config's `lint` section.
fn lint_settings(lint: &LintConfig) -> proto::lint::Settings {
    proto::lint::Settings {
        enum_zero_value_suffix: lint.enum_zero_value_suffix.clone(),
        service_suffix: lint.service_suffix.clone(),
        rpc_allow_same_request_response: lint.rpc_allow_same_request_response,
        rpc_allow_google_protobuf_empty_requests: lint.rpc_allow_google_protobuf_empty_requests,
        rpc_allow_google_protobuf_empty_responses: lint.rpc_allow_google_protobuf_empty_responses,
        buf_comment_ignores: lint.allow_comment_ignores,
    }
}

/// What to compare and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub layout: proto::load::Layout,
    /// The policy of files outside every module with its own settings.
    pub policy: Policy,
    /// buf v2 modules with their own `breaking` section: (module directory, policy).
    pub module_policies: Vec<(String, Policy)>,
    /// The same two for lint rules, from the `lint` sections.
    pub lint_policy: Policy,
    pub lint_module_policies: Vec<(String, Policy)>,
    /// `// buf:lint:ignore` comments silence protobuf lint findings (buf v2's default; buf v1
    /// only with `allow_comment_ignores`).
    pub buf_comment_ignores: bool,
    /// The options of the protobuf lint rules.
    pub proto_lint: proto::lint::Settings,
    /// buf v2 modules with a `lint` section: (module directory, its options).
    pub proto_lint_modules: Vec<(String, proto::lint::Settings)>,
    /// Compare only files under these paths (all when empty); imports are still read from
    /// everywhere.
    pub paths: Vec<String>,
    /// `[openapi] paths`: globs naming the OpenAPI specs (empty: found by content).
    pub openapi_paths: Vec<String>,
}

impl Options {
    /// Options from a configuration, with the command line's `--only`/`--skip`.
    pub fn from_config(config: &Config, only: &[String], skip: &[String]) -> Options {
        // No config file: treaty's default selections (breaking: buf's FILE plus GUIDE and
        // HTTP; lint: buf's STANDARD plus the guide's rules).
        let (default_policy, lint_policy) = if config.source == ConfigSource::Default {
            let policy = Policy::command_line(only, skip);
            (policy.clone(), policy)
        } else {
            (
                Policy::from_breaking(&config.breaking, only, skip),
                Policy::from_lint(&config.lint, only, skip),
            )
        };
        Options {
            layout: proto::load::Layout {
                roots: config.roots.iter().map(|r| r.path.clone()).collect(),
                excludes: config
                    .roots
                    .iter()
                    .flat_map(|r| r.excludes.clone())
                    .collect(),
            },
            policy: default_policy,
            module_policies: config
                .roots
                .iter()
                .filter_map(|r| {
                    r.breaking
                        .as_ref()
                        .map(|b| (r.path.clone(), Policy::from_breaking(b, only, skip)))
                })
                .collect(),
            lint_policy,
            buf_comment_ignores: config.lint.allow_comment_ignores,
            proto_lint: lint_settings(&config.lint),
            proto_lint_modules: config
                .roots
                .iter()
                .filter_map(|r| Some((r.path.clone(), lint_settings(r.lint.as_ref()?))))
                .collect(),
            lint_module_policies: config
                .roots
                .iter()
                .filter_map(|r| {
                    let lint = r.lint.as_ref()?;
                    Some((r.path.clone(), Policy::from_lint(lint, only, skip)))
                })
                .collect(),
            paths: Vec::new(),
            openapi_paths: config.openapi_paths.clone(),
        }
    }

    pub(super) fn spec_filter(&self) -> openapi::load::SpecFilter {
        openapi::load::SpecFilter {
            globs: self.openapi_paths.clone(),
            under: self.paths.clone(),
        }
    }

    /// Tokens in any selection that name no rule, alias or category.
    pub fn unknown_tokens(&self) -> Vec<String> {
        let mut unknown = self.policy.selection.unknown_tokens();
        unknown.extend(self.lint_policy.selection.unknown_tokens());
        for (_, p) in self
            .module_policies
            .iter()
            .chain(&self.lint_module_policies)
        {
            unknown.extend(p.selection.unknown_tokens());
        }
        unknown.sort();
        unknown.dedup();
        unknown
    }
}

/// The options' policies for one kind of rule, resolved: each selection, `ignore_only` token
/// and the union of what runs is a [`RuleSet`], built once per run.
pub(super) struct Policies<'o> {
    default: Resolved<'o>,
    /// (module directory, its policy).
    modules: Vec<(&'o str, Resolved<'o>)>,
    /// Rules any policy selects: the ones that run.
    pub(super) selected: RuleSet,
    /// Supersession applies in treaty's default selection only (no `--only`, no `use`, no
    /// module settings): a configured selection gets exactly the findings it names.
    pub(super) supersede: bool,
}

/// One policy with its tokens resolved.
struct Resolved<'o> {
    policy: &'o Policy,
    selected: RuleSet,
    /// `ignore_only`: (the rules a token names, the paths where they are dropped).
    ignore_only: Vec<(RuleSet, &'o [String])>,
}

impl<'o> Resolved<'o> {
    fn new(policy: &'o Policy, kind: Kind) -> Resolved<'o> {
        Resolved {
            policy,
            selected: policy.selection.rule_set(kind),
            ignore_only: policy
                .ignore_only
                .iter()
                .map(|(token, paths)| (RuleSet::named_by(&[token]), paths.as_slice()))
                .collect(),
        }
    }

    /// Does this policy keep finding `f` (whose file is in `package`)?
    fn keeps(&self, f: &Finding, package: Option<&str>) -> bool {
        let file = &f.location.file;
        if self.policy.ignore.iter().any(|p| path_matches(file, p)) {
            return false;
        }
        for (rules, paths) in &self.ignore_only {
            if rules.contains(f.rule) && paths.iter().any(|p| path_matches(file, p)) {
                return false;
            }
        }
        !(self.policy.ignore_unstable_packages && package.is_some_and(is_unstable_package))
    }
}

impl<'o> Policies<'o> {
    pub(super) fn new(options: &'o Options, kind: Kind) -> Policies<'o> {
        let (policy, module_policies) = match kind {
            Kind::Breaking => (&options.policy, &options.module_policies),
            Kind::Lint => (&options.lint_policy, &options.lint_module_policies),
        };
        let default = Resolved::new(policy, kind);
        let modules: Vec<(&str, Resolved)> = module_policies
            .iter()
            .map(|(dir, p)| (dir.as_str(), Resolved::new(p, kind)))
            .collect();
        let selected = modules
            .iter()
            .fold(default.selected, |all, (_, p)| all.union(p.selected));
        Policies {
            supersede: policy.selection.is_default() && modules.is_empty(),
            default,
            modules,
            selected,
        }
    }

    /// The policy that governs `file`: its module's (the deepest), else the default.
    fn policy_for(&self, file: &str) -> &Resolved<'o> {
        self.modules
            .iter()
            .filter(|(dir, _)| path_matches(file, dir))
            .max_by_key(|(dir, _)| dir.len())
            .map_or(&self.default, |(_, p)| p)
    }

    /// Does finding `f` (whose file is in `package`) stand? It answers to the policy of the
    /// file it is about (either revision): its rule must be selected there, and not ignored.
    pub(super) fn keeps(&self, f: &Finding, package: Option<&str>) -> bool {
        let policy = self.policy_for(&f.location.file);
        let selected = self.modules.is_empty() || policy.selected.contains(f.rule);
        selected && policy.keeps(f, package)
    }
}

/// Is `file` the path `prefix` names, or under it (`.` and the empty path name everything)?
pub(super) fn path_matches(file: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_start_matches("./").trim_end_matches('/');
    prefix.is_empty()
        || prefix == "."
        || file == prefix
        || (file.starts_with(prefix) && file.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// buf's notion of an unstable package: a last component like `v1alpha1`, `v1beta`, `v2test`.
pub fn is_unstable_package(package: &str) -> bool {
    let last = package.rsplit('.').next().unwrap_or("");
    let Some(rest) = last.strip_prefix('v') else {
        return false;
    };
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let suffix = &rest[digits..];
    ["alpha", "beta", "test"].iter().any(|word| {
        suffix
            .strip_prefix(word)
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstable_packages_follow_buf() {
        for p in ["a.v1alpha1", "a.v1beta", "foo.v2test1", "v1alpha"] {
            assert!(is_unstable_package(p), "{p}");
        }
        for p in ["a.v1", "a.valpha1", "a.v1gamma", "a.b", ""] {
            assert!(!is_unstable_package(p), "{p}");
        }
    }

    #[test]
    fn ignore_paths_match_directories_and_files() {
        assert!(path_matches("proto/a/b.proto", "proto/a"));
        assert!(path_matches("proto/a/b.proto", "proto/a/b.proto"));
        assert!(!path_matches("proto/ab/c.proto", "proto/a"));
    }
}
