//! Which rules apply where: the configured `Options` and `Policy`s, and `Policies`, their rule
//! tokens resolved to rule sets once per run so that judging a finding is index lookups.

use crate::config::{
    BreakingConfig, Config, ConfigSource, Deprecation, ErrorVariant, GuideConfig, Level,
    LintConfig, Override, SeverityMap, TreatyIgnores,
};
use crate::finding::{Finding, Revision};
use crate::openapi;
use crate::proto;
use crate::rules::{Kind, Protocol, RuleId, RuleSet, Selection};

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
fn lint_settings(lint: &LintConfig, guide: &GuideConfig) -> proto::lint::Settings {
    proto::lint::Settings {
        segments: guide.urls.clone(),
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
    /// The base revision's own layout, when its own configuration gives one that differs
    /// (roots moved between the revisions): files still pair by import path.
    pub old_layout: Option<proto::load::Layout>,
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
    /// The options of the OpenAPI lint rules (the house error shape, path segments).
    pub openapi_lint: openapi::lint::Settings,
    /// buf v2 modules with a `lint` section: (module directory, its options).
    pub proto_lint_modules: Vec<(String, proto::lint::Settings)>,
    /// Compare only files under these paths (all when empty); imports are still read from
    /// everywhere.
    pub paths: Vec<String>,
    /// `[openapi] paths`: globs naming the OpenAPI specs (empty: found by content).
    pub openapi_paths: Vec<String>,
    /// `[severity]`: levels by rule token, everywhere.
    pub severity: SeverityMap,
    /// `[[overrides]]`: settings for the files their globs match, on top of the policies.
    pub overrides: Vec<Override>,
    /// The command line's `--only` and `--skip`, which no override undoes.
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// Days of notice a deprecation must give before its sunset.
    pub deprecation: Deprecation,
    /// Whether `// treaty:ignore` and `x-treaty-ignore` are honoured, per kind.
    pub treaty_ignores: TreatyIgnores,
}

/// The OpenAPI lint rules' settings from the guide's section of the configuration.
fn openapi_lint_settings(guide: &GuideConfig) -> openapi::lint::Settings {
    use openapi::lint::errors::{HouseShape, Variant};
    let errors = &guide.errors;
    openapi::lint::Settings {
        errors: HouseShape {
            variant: match errors.variant {
                ErrorVariant::Envelope => Variant::Envelope,
                ErrorVariant::Flat => Variant::Flat,
                ErrorVariant::Problem => Variant::Problem,
            },
            envelope: errors.envelope.clone(),
            fields: errors.fields.clone(),
        },
        segments: guide.urls.clone(),
    }
}

impl Options {
    /// The protobuf module layout (import roots, excludes) a configuration declares.
    pub fn layout_of(config: &Config) -> proto::load::Layout {
        proto::load::Layout {
            roots: config.roots.iter().map(|r| r.path.clone()).collect(),
            excludes: config
                .roots
                .iter()
                .flat_map(|r| r.excludes.clone())
                .collect(),
        }
    }

    /// The layout of one side of a comparison.
    pub fn layout(&self, revision: Revision) -> &proto::load::Layout {
        match (revision, &self.old_layout) {
            (Revision::Old, Some(old)) => old,
            _ => &self.layout,
        }
    }

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
            layout: Self::layout_of(config),
            old_layout: None,
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
            proto_lint: lint_settings(&config.lint, &config.guide),
            proto_lint_modules: config
                .roots
                .iter()
                .filter_map(|r| {
                    Some((
                        r.path.clone(),
                        lint_settings(r.lint.as_ref()?, &config.guide),
                    ))
                })
                .collect(),
            openapi_lint: openapi_lint_settings(&config.guide),
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
            severity: config.severity.clone(),
            overrides: config.overrides.clone(),
            only: only.to_vec(),
            skip: skip.to_vec(),
            deprecation: config.deprecation,
            treaty_ignores: config.treaty_ignores,
        }
    }

    /// Which of `files` may be specs: what `[openapi] paths` and the path arguments allow,
    /// bar the files the `ignore` of every kind of rule that runs names (no finding of theirs
    /// would stand, and a file treaty cannot read, such as Swagger 2.0, is left out so).
    pub(super) fn spec_filter<'f>(
        &self,
        kinds: &[&Policies],
        files: impl IntoIterator<Item = &'f str>,
    ) -> openapi::load::SpecFilter {
        let ignored = files
            .into_iter()
            .filter(|f| openapi::load::is_yaml_or_json(f))
            .filter(|f| kinds.iter().all(|policies| policies.ignores_file(f)))
            .map(str::to_string)
            .collect();
        openapi::load::SpecFilter {
            globs: self.openapi_paths.clone(),
            under: self.paths.clone(),
            ignored,
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

/// The options' policies for one kind of rule, resolved: each selection, `ignore_only` token,
/// override and severity entry is a [`RuleSet`], and the union of what runs too, built once per
/// run.
pub(super) struct Policies<'o> {
    default: Resolved<'o>,
    /// (module directory, its policy).
    modules: Vec<(&'o str, Resolved<'o>)>,
    /// `[[overrides]]`, in file order.
    overrides: Vec<ResolvedOverride>,
    /// `[severity]`.
    severity: Levels,
    /// `--only` was given: it alone selects, overrides' `use` included.
    only_given: bool,
    /// `--skip`: never selected, whatever an override's `use` says.
    skip: RuleSet,
    /// Rules any policy selects: the ones that run.
    pub(super) selected: RuleSet,
    /// Supersession applies in treaty's default selection only (no `--only`, no `use`, no
    /// module settings): a configured selection gets exactly the findings it names.
    pub(super) supersede: bool,
    /// `// treaty:ignore` and `x-treaty-ignore` silence this kind's findings.
    pub(super) treaty_ignores: bool,
}

/// One policy with its tokens resolved.
struct Resolved<'o> {
    policy: &'o Policy,
    selected: RuleSet,
    ignore: Vec<PathPattern>,
    /// `ignore_only`: (the rules a token names, the paths where they are dropped).
    ignore_only: Vec<(RuleSet, Vec<PathPattern>)>,
}

impl<'o> Resolved<'o> {
    fn new(policy: &'o Policy, kind: Kind) -> Resolved<'o> {
        Resolved {
            policy,
            selected: policy.selection.rule_set(kind),
            ignore: PathPattern::all(&policy.ignore),
            ignore_only: policy
                .ignore_only
                .iter()
                .map(|(token, paths)| (RuleSet::named_by(&[token]), PathPattern::all(paths)))
                .collect(),
        }
    }

    /// Does this policy keep finding `f` (whose file is in `package`)?
    fn keeps(&self, f: &Finding, package: Option<&str>, head_paths: &[String]) -> bool {
        let names = |p: &PathPattern| {
            p.matches(&f.location.file) || head_paths.iter().any(|h| p.matches(h))
        };
        if self.ignore.iter().any(names) {
            return false;
        }
        for (rules, paths) in &self.ignore_only {
            if rules.contains(f.rule) && paths.iter().any(names) {
                return false;
            }
        }
        !(self.policy.ignore_unstable_packages && package.is_some_and(is_unstable_package))
    }
}

/// Severity entries resolved: (the rules a token names, how many, the level), in file order.
struct Levels(Vec<(RuleSet, usize, Level)>);

impl Levels {
    fn new(map: &SeverityMap) -> Levels {
        Levels(
            map.iter()
                .map(|(token, level)| {
                    let rules = RuleSet::named_by(&[token]);
                    (rules, rules.iter().count(), *level)
                })
                .collect(),
        )
    }

    /// The level set for `rule`: of the entries that name it, the one that names the fewest
    /// rules (an id before its category, a category before `all`), the later on a tie.
    fn of(&self, rule: RuleId) -> Option<Level> {
        let mut best: Option<(usize, Level)> = None;
        for (rules, count, level) in &self.0 {
            if rules.contains(rule) && best.is_none_or(|(c, _)| *count <= c) {
                best = Some((*count, *level));
            }
        }
        best.map(|(_, level)| level)
    }
}

/// One `[[overrides]]` entry, resolved for one kind of rule.
struct ResolvedOverride {
    paths: Vec<PathPattern>,
    /// `use`: the rules of this kind it names, and the protocols it governs (proto, openapi).
    uses: Option<(RuleSet, [bool; 2])>,
    except: RuleSet,
    severity: Levels,
}

impl ResolvedOverride {
    fn new(o: &Override, kind: Kind) -> ResolvedOverride {
        let of_kind = RuleSet::matching(|d| d.kind == kind);
        let uses = o.use_ids.as_ref().and_then(|tokens| {
            let set = RuleSet::named_by(tokens).intersect(of_kind);
            let names = |p: Protocol| set.iter().any(|id| id.doc().protocol == p);
            // A `use` naming no rule of this kind says nothing about it.
            (!set.is_empty()).then(|| (set, [names(Protocol::Proto), names(Protocol::Openapi)]))
        });
        ResolvedOverride {
            paths: PathPattern::all(&o.paths),
            uses,
            except: RuleSet::named_by(&o.except),
            severity: Levels::new(&o.severity),
        }
    }

    /// How specific the override is for `file`: the most leading literal directories among its
    /// patterns that match it; `None` when none does.
    fn specificity(&self, file: &str) -> Option<usize> {
        self.paths
            .iter()
            .filter(|p| p.matches(file))
            .map(PathPattern::specificity)
            .max()
    }
}

/// A token that asks for rules as such, not for treaty's view of a protocol: a rule's whole id
/// (`proto/field-no-delete`), a peer's name (`buf:FIELD_NO_DELETE`, `oasdiff:...`, or buf's
/// bare upper-case ids and categories, `WIRE_JSON`, as a buf.yaml writes them), or `all`
/// (every rule's own findings). Broad treaty tokens (`proto`, `breaking`) are none of these.
fn is_peer_token(token: &str) -> bool {
    token == "all" || token.contains(['/', ':']) || token.chars().any(|c| c.is_ascii_uppercase())
}

/// Does the selection pick rules by name (`--only`, or a config's `use`)?
fn names_peer_rules(selection: &Selection) -> bool {
    selection
        .only
        .iter()
        .chain(&selection.uses)
        .any(|t| is_peer_token(t))
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
        let overrides: Vec<ResolvedOverride> = options
            .overrides
            .iter()
            .map(|o| ResolvedOverride::new(o, kind))
            .collect();
        let only_given = !options.only.is_empty();
        let skip = RuleSet::named_by(&options.skip);
        let mut selected = modules
            .iter()
            .fold(default.selected, |all, (_, p)| all.union(p.selected));
        if !only_given {
            for (uses, _) in overrides.iter().filter_map(|o| o.uses.as_ref()) {
                selected = selected.union(uses.minus(skip));
            }
        }
        // A finding that says a comparison stopped short runs whatever the selection.
        selected = selected.union(RuleSet::matching(|d| {
            d.kind == kind && RuleId::of(d.id).fails_closed()
        }));
        Policies {
            // Treaty's one clear finding replaces a peer's piecemeal ones whenever both run,
            // unless the peer's own rules were asked for by name: then they are wanted as such.
            supersede: !names_peer_rules(&policy.selection)
                && module_policies
                    .iter()
                    .all(|(_, p)| !names_peer_rules(&p.selection))
                && options
                    .overrides
                    .iter()
                    .flat_map(|o| o.use_ids.iter().flatten())
                    .all(|t| !is_peer_token(t)),
            default,
            modules,
            overrides,
            severity: Levels::new(&options.severity),
            only_given,
            skip,
            selected,
            treaty_ignores: match kind {
                Kind::Breaking => options.treaty_ignores.breaking,
                Kind::Lint => options.treaty_ignores.lint,
            },
        }
    }

    /// Whether the `ignore` of the policy governing `file` names it: none of its findings
    /// would stand, so it is not read as a spec.
    pub(super) fn ignores_file(&self, file: &str) -> bool {
        self.policy_for(file).ignore.iter().any(|p| p.matches(file))
    }

    /// The policy that governs `file`: its module's (the deepest), else the default.
    fn policy_for(&self, file: &str) -> &Resolved<'o> {
        self.modules
            .iter()
            .filter(|(dir, _)| path_matches(file, dir))
            .max_by_key(|(dir, _)| dir.len())
            .map_or(&self.default, |(_, p)| p)
    }

    /// Does finding `f` (whose file is in `package`) stand, and how much does it weigh? It
    /// answers to the policy of the file it is about (either revision): its rule must be
    /// selected there and not ignored. Then the overrides whose paths match the file apply,
    /// the least specific first, so the most specific has the last word on selection and
    /// severity. A severity of `off` drops the finding; another one replaces the rule's.
    pub(super) fn judge(
        &self,
        f: &mut Finding,
        package: Option<&str>,
        head_paths: &[String],
    ) -> bool {
        if f.rule.fails_closed() {
            return true;
        }
        let policy = self.policy_for(&f.location.file);
        if !policy.keeps(f, package, head_paths) {
            return false;
        }
        let mut selected = policy.selected.contains(f.rule);
        let mut level = self.severity.of(f.rule);
        if self.overrides.is_empty() && level.is_none() {
            return selected && !self.skip.contains(f.rule);
        }
        let mut layers: Vec<(usize, usize, &ResolvedOverride)> = self
            .overrides
            .iter()
            .enumerate()
            .filter_map(|(i, o)| Some((o.specificity(&f.location.file)?, i, o)))
            .collect();
        layers.sort_by_key(|&(specificity, i, _)| (specificity, i));
        let protocol = match f.rule.doc().protocol {
            Protocol::Proto => 0,
            Protocol::Openapi => 1,
        };
        for (_, _, o) in layers {
            if let Some((uses, governs)) = &o.uses {
                if governs[protocol] && !self.only_given {
                    selected = uses.contains(f.rule);
                }
            }
            if o.except.contains(f.rule) {
                selected = false;
            }
            if let Some(l) = o.severity.of(f.rule) {
                level = Some(l);
            }
        }
        if !selected || self.skip.contains(f.rule) {
            return false;
        }
        match level {
            Some(Level::Off) => false,
            Some(Level::On(severity)) => {
                f.severity = severity;
                true
            }
            None => true,
        }
    }
}

/// A config path: a directory or file (it and everything under it), or a glob (`legacy/**`,
/// `api/*.yaml`; `*` stays within one directory) that matches a file or one of its directories.
enum PathPattern {
    Prefix(String),
    Glob(String, globset::GlobMatcher),
}

impl PathPattern {
    fn new(pattern: &str) -> PathPattern {
        if pattern.contains(['*', '?', '[', '{']) {
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build();
            if let Ok(glob) = glob {
                return PathPattern::Glob(pattern.to_string(), glob.compile_matcher());
            }
        }
        // A buf.yaml path is never a glob; one that does not compile is taken literally.
        PathPattern::Prefix(pattern.to_string())
    }

    fn all(patterns: &[String]) -> Vec<PathPattern> {
        patterns.iter().map(|p| PathPattern::new(p)).collect()
    }

    fn matches(&self, file: &str) -> bool {
        match self {
            PathPattern::Prefix(prefix) => path_matches(file, prefix),
            PathPattern::Glob(_, glob) => {
                glob.is_match(file)
                    || file
                        .match_indices('/')
                        .any(|(i, _)| glob.is_match(&file[..i]))
            }
        }
    }

    /// How many leading directories the pattern names literally: `legacy/v1/**` 2,
    /// `legacy/*.proto` 1, `**/*.proto` 0.
    fn specificity(&self) -> usize {
        let text = match self {
            PathPattern::Prefix(p) | PathPattern::Glob(p, _) => p,
        };
        text.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .take_while(|s| !s.contains(['*', '?', '[', '{']))
            .count()
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

    #[test]
    fn globs_match_files_and_their_directories() {
        let legacy = PathPattern::new("legacy/**");
        assert!(legacy.matches("legacy/a/b.proto"));
        assert!(!legacy.matches("legacyx/a.proto"));
        let versions = PathPattern::new("api/v*");
        assert!(versions.matches("api/v1/pets.yaml"), "a matching directory");
        assert!(!versions.matches("api/x/v1.yaml"));
        let top = PathPattern::new("*.yaml");
        assert!(top.matches("openapi.yaml"));
        assert!(
            !top.matches("api/openapi.yaml"),
            "`*` stays in one directory"
        );
        assert_eq!(PathPattern::new("legacy/v1/**").specificity(), 2);
        assert_eq!(PathPattern::new("legacy").specificity(), 1);
        assert_eq!(PathPattern::new("**/*.proto").specificity(), 0);
    }
}
