//! `treaty init`: a commented starter `treaty.toml`, carrying over what a `buf.yaml` and a
//! `.spectral.yaml` in the same directory already say, so adopting treaty keeps a team's
//! choices. The text is built here (and loads: a test holds it); the CLI writes it.
//!
//! From buf.yaml: roots (v1beta1 build roots, v2 module paths) and excludes, the `breaking` and
//! `lint` sections' `use`, `except`, `ignore`, `ignore_only` and options; a v2 module's own
//! sections become `[[overrides]]` for its directory. From .spectral.yaml: `extends:
//! spectral:oas` (treaty runs those rules by default) and each rule override, by its
//! `spectral:` alias: `off` becomes a `[lint] except` entry, a severity a `[severity]` entry.

use super::{BreakingConfig, Config, ConfigSource, LintConfig, BUF_YAML};
use crate::diag::InputError;
use crate::rules::{Kind, Protocol, Severity};
use crate::tree::{self, Node, Value};

/// Spectral's ruleset files, in the order Spectral looks for them.
pub const SPECTRAL_FILES: [&str; 3] = [".spectral.yaml", ".spectral.yml", ".spectral.json"];

/// A starter config: the text of `treaty.toml`, and one line per thing carried over or left
/// behind, for the user to read.
pub struct Starter {
    pub text: String,
    pub notes: Vec<String>,
}

/// Builds the starter from the files of a directory (`read(name)`: their bytes, `None` when
/// absent). A buf.yaml or .spectral.yaml that cannot be read is an error at its place.
pub fn starter(read: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Starter, InputError> {
    let mut out = Writer::default();
    out.line("# treaty.toml: what treaty checks, and where. Every key is optional;");
    out.line("# `treaty rules` lists the rule ids, aliases and categories the lists take.");
    let buf = match read(BUF_YAML) {
        Some(bytes) => Some(super::parse_config(BUF_YAML, &bytes)?),
        None => None,
    };
    let spectral = SPECTRAL_FILES
        .iter()
        .find_map(|name| read(name).map(|bytes| (*name, bytes)));
    let spectral = match spectral {
        Some((name, bytes)) => Some(read_spectral(name, &bytes)?),
        None => None,
    };
    match &buf {
        Some(config) => out.buf_sections(config),
        None => out.defaults(),
    }
    out.spectral(spectral.as_ref());
    out.policy();
    Ok(Starter {
        text: out.text,
        notes: out.notes,
    })
}

/// What a `.spectral.yaml` says that treaty can use.
struct Spectral {
    name: String,
    extends_oas: bool,
    /// Every other ruleset it extends, as written.
    other_extends: Vec<String>,
    /// (Spectral rule name, its setting): `None` for off, else a severity.
    rules: Vec<(String, Option<Severity>)>,
    /// Rules of its own (with `given`/`then`), which treaty cannot run.
    custom: Vec<String>,
}

fn read_spectral(name: &str, bytes: &[u8]) -> Result<Spectral, InputError> {
    let text = tree::utf8(name, bytes)?;
    let root = tree::parse(name, text)?;
    let err = |node: &Node, message: String| super::error_at(name, node.line, node.col, message);
    let mut spectral = Spectral {
        name: name.to_string(),
        extends_oas: false,
        other_extends: Vec::new(),
        rules: Vec::new(),
        custom: Vec::new(),
    };
    // `extends: spectral:oas`, `[spectral:oas]` or `[[spectral:oas, recommended]]`.
    let mut extends = Vec::new();
    match root.get("extends").map(|n| &n.value) {
        None | Some(Value::Null) => {}
        Some(Value::Str(s)) => extends.push(s.to_string()),
        Some(Value::Seq(items)) => {
            for item in items.iter() {
                let first = item.as_seq().and_then(|pair| pair.first()).unwrap_or(item);
                extends.extend(first.as_str().map(str::to_string));
            }
        }
        Some(_) => {
            let node = root.get("extends").unwrap_or(&root);
            return Err(err(
                node,
                "`extends` must be a ruleset or a list of them".into(),
            ));
        }
    }
    for e in extends {
        if e == "spectral:oas" {
            spectral.extends_oas = true;
        } else {
            spectral.other_extends.push(e);
        }
    }
    for (rule, setting) in root.get("rules").map(|r| r.entries()).into_iter().flatten() {
        let severity = match &setting.value {
            Value::Map(_) if setting.get("given").is_some() || setting.get("then").is_some() => {
                spectral.custom.push(rule.to_string());
                continue;
            }
            Value::Map(_) => setting.get("severity").and_then(spectral_severity),
            _ => spectral_severity(setting),
        };
        match severity {
            Some(level) => spectral.rules.push((rule.to_string(), level)),
            None => {
                let shown = setting
                    .scalar_text(text)
                    .unwrap_or_else(|| setting.kind().into());
                return Err(err(
                    setting,
                    format!("unknown Spectral setting {shown:?} for rule `{rule}`"),
                ));
            }
        }
    }
    Ok(spectral)
}

/// A Spectral rule setting: `off`/`false` is `Some(None)`; `error`, `warn`, `info`, `hint`,
/// `true` (the rule's own), `0`..`3` are severities; `None` when it is none of these.
fn spectral_severity(node: &Node) -> Option<Option<Severity>> {
    match &node.value {
        Value::Bool(false) => Some(None),
        Value::Bool(true) => Some(Some(Severity::Warning)),
        Value::Int(n) => match n {
            0 => Some(Some(Severity::Error)),
            1 => Some(Some(Severity::Warning)),
            2 | 3 => Some(Some(Severity::Info)),
            -1 => Some(None),
            _ => None,
        },
        Value::Str(s) => match s.as_ref() {
            "off" => Some(None),
            "error" => Some(Some(Severity::Error)),
            "warn" | "warning" => Some(Some(Severity::Warning)),
            "info" | "hint" => Some(Some(Severity::Info)),
            _ => None,
        },
        _ => None,
    }
}

/// The starter's text, section by section, and the notes for the user.
#[derive(Default)]
struct Writer {
    text: String,
    notes: Vec<String>,
    /// Rule tokens for `[lint] except`, gathered from both files.
    lint_except: Vec<String>,
    /// `[lint]` keys other than `except`, written after it.
    lint_rest: Vec<String>,
    /// `[lint.ignore_only]`, written after the `[lint]` keys.
    lint_ignore_only: Vec<(String, Vec<String>)>,
    severity: Vec<(String, &'static str)>,
    overrides: Vec<String>,
}

/// A TOML string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

impl Writer {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// No buf.yaml: treaty's defaults, each key shown commented out.
    fn defaults(&mut self) {
        self.text.push_str(
            r#"
[proto]
# roots = ["proto"]                    # import paths start here (default: this directory)
# exclude = ["proto/third_party"]      # vendored trees to leave out

[breaking]
# use = ["FILE", "GUIDE", "HTTP"]      # default: buf's FILE plus treaty's GUIDE and HTTP rules
# except = []
# ignore = ["proto/legacy/**"]         # directories, files or globs
# ignore_unstable_packages = true      # skip foo.v1alpha1, foo.v2beta, foo.v1test
"#,
        );
        self.breaking_policy();
    }

    /// The commented policy keys of `[breaking]`, which buf.yaml has no word for.
    fn breaking_policy(&mut self) {
        self.line("# Days of notice a deprecation must give before its sunset (oasdiff's policy):");
        self.line("# deprecation_days_stable = 180");
        self.line("# deprecation_days_beta = 30");
        self.line("# disallow_ignores = true           # `// treaty:ignore`, `x-treaty-ignore` stop working");
    }

    fn buf_sections(&mut self, config: &Config) {
        let version = match &config.source {
            ConfigSource::BufV2(_) => "v2",
            _ => "v1",
        };
        self.notes.push(format!("read buf.yaml ({version})"));
        self.line("");
        self.line(&format!("# Carried over from buf.yaml ({version})."));
        self.line("[proto]");
        let roots: Vec<String> = config.roots.iter().map(|r| r.path.clone()).collect();
        if roots != ["."] {
            self.line(&format!("roots = {}", list(&roots)));
            self.notes.push(format!("roots: {}", roots.join(", ")));
        }
        let excludes: Vec<String> = config
            .roots
            .iter()
            .flat_map(|r| r.excludes.clone())
            .collect();
        if !excludes.is_empty() {
            self.line(&format!("exclude = {}", list(&excludes)));
        }
        if config.roots.iter().any(|r| !r.includes.is_empty()) {
            self.line("# buf's module `includes` have no treaty equivalent: left out.");
            self.notes
                .push("module `includes` have no treaty equivalent: left out".into());
        }

        // A module's ignores name paths inside it already: they join the top-level lists.
        let mut breaking = config.breaking.clone();
        let mut lint = config.lint.clone();
        for root in &config.roots {
            if let Some(b) = &root.breaking {
                breaking.ignore.extend(b.ignore.iter().cloned());
                breaking.ignore_only.extend(b.ignore_only.iter().cloned());
            }
            if let Some(l) = &root.lint {
                lint.ignore.extend(l.ignore.iter().cloned());
                lint.ignore_only.extend(l.ignore_only.iter().cloned());
            }
        }

        self.line("");
        self.line("[breaking]");
        self.selection(
            &breaking.use_ids,
            &BreakingConfig::default().use_ids,
            Kind::Breaking,
        );
        if !breaking.except.is_empty() {
            self.line(&format!("except = {}", list(&breaking.except)));
        }
        if !breaking.ignore.is_empty() {
            self.line(&format!("ignore = {}", list(&breaking.ignore)));
        }
        if breaking.ignore_unstable_packages {
            self.line("ignore_unstable_packages = true");
        }
        self.breaking_policy();
        self.ignore_only("breaking", &breaking.ignore_only);

        let default = LintConfig::default();
        self.lint_except.extend(lint.except.iter().cloned());
        let mut rest = Vec::new();
        if lint.use_ids != default.use_ids {
            rest.push(format!("use = {}", list(&lint.use_ids)));
        } else {
            rest.push(format!(
                "# use = {}   # buf's default; treaty's default runs instead: it adds the API guide's rules",
                list(&lint.use_ids)
            ));
        }
        if !lint.ignore.is_empty() {
            rest.push(format!("ignore = {}", list(&lint.ignore)));
        }
        if lint.enum_zero_value_suffix != default.enum_zero_value_suffix {
            rest.push(format!(
                "enum_zero_value_suffix = {}",
                quote(&lint.enum_zero_value_suffix)
            ));
        }
        if lint.service_suffix != default.service_suffix {
            rest.push(format!("service_suffix = {}", quote(&lint.service_suffix)));
        }
        for (key, on) in [
            (
                "rpc_allow_same_request_response",
                lint.rpc_allow_same_request_response,
            ),
            (
                "rpc_allow_google_protobuf_empty_requests",
                lint.rpc_allow_google_protobuf_empty_requests,
            ),
            (
                "rpc_allow_google_protobuf_empty_responses",
                lint.rpc_allow_google_protobuf_empty_responses,
            ),
        ] {
            if on {
                rest.push(format!("{key} = true"));
            }
        }
        if !lint.allow_comment_ignores {
            rest.push(
                "allow_comment_ignores = false   # as buf.yaml: `// buf:lint:ignore` off".into(),
            );
        }
        self.lint_rest = rest;
        self.lint_ignore_only = lint.ignore_only.clone();

        for root in &config.roots {
            let glob = if root.path == "." {
                "**".to_string()
            } else {
                format!("{}/**", root.path)
            };
            for (kind, section) in [
                (
                    "breaking",
                    root.breaking.as_ref().map(|b| (&b.use_ids, &b.except)),
                ),
                ("lint", root.lint.as_ref().map(|l| (&l.use_ids, &l.except))),
            ] {
                let Some((use_ids, except)) = section else {
                    continue;
                };
                let mut entry = format!("\n# buf.yaml module {:?}: its own {kind} section.\n[[overrides]]\npaths = {}\n", root.path, list(std::slice::from_ref(&glob)));
                if !use_ids.is_empty() {
                    entry.push_str(&format!("use = {}\n", list(use_ids)));
                }
                if !except.is_empty() {
                    entry.push_str(&format!("except = {}\n", list(except)));
                }
                self.overrides.push(entry);
                self.notes.push(format!(
                    "module {:?}: its {kind} section became an [[overrides]] entry",
                    root.path
                ));
            }
        }
    }

    /// `use`: written when it differs from buf's default; buf's default is left to treaty's,
    /// which adds its own rules to it.
    fn selection(&mut self, use_ids: &[String], buf_default: &[String], kind: Kind) {
        if use_ids == buf_default {
            let what = match kind {
                Kind::Breaking => "buf's FILE plus treaty's GUIDE and HTTP rules",
                Kind::Lint => "buf's STANDARD plus the API guide's rules",
            };
            self.line(&format!(
                "# use = {}   # buf's default; treaty's default runs instead: {what}",
                list(use_ids)
            ));
        } else {
            self.line(&format!("use = {}", list(use_ids)));
        }
    }

    fn ignore_only(&mut self, section: &str, map: &[(String, Vec<String>)]) {
        if map.is_empty() {
            return;
        }
        self.line("");
        self.line(&format!("[{section}.ignore_only]"));
        // One key per token: a module's entry and the top level's may name the same rule.
        let mut merged: Vec<(&String, Vec<String>)> = Vec::new();
        for (token, paths) in map {
            match merged.iter_mut().find(|(t, _)| *t == token) {
                Some((_, all)) => all.extend(paths.iter().cloned()),
                None => merged.push((token, paths.clone())),
            }
        }
        for (token, paths) in merged {
            self.line(&format!("{} = {}", quote(token), list(&paths)));
        }
    }

    fn spectral(&mut self, spectral: Option<&Spectral>) {
        let Some(s) = spectral else {
            return;
        };
        self.notes.push(format!("read {}", s.name));
        if s.extends_oas {
            self.notes
                .push("extends spectral:oas: treaty runs its recommended rules by default".into());
        }
        for other in &s.other_extends {
            self.notes
                .push(format!("extends {other}: no treaty equivalent, left out"));
        }
        for (rule, level) in &s.rules {
            let token = format!("spectral:{rule}");
            let Some(doc) = crate::rules::find(&token) else {
                self.notes
                    .push(format!("rule {rule}: no treaty equivalent, left out"));
                continue;
            };
            match level {
                None => self.lint_except.push(token),
                Some(severity) => {
                    if !doc.default && doc.protocol == Protocol::Openapi {
                        self.notes.push(format!(
                            "rule {rule} ({}): not in treaty's default selection; \
                             run it with `--only {token}` or a [lint] use list",
                            doc.id
                        ));
                    }
                    self.severity.push((token, severity.as_str()));
                }
            }
        }
        for custom in &s.custom {
            self.notes.push(format!(
                "custom rule {custom}: treaty does not run Spectral rules, left out"
            ));
        }
    }

    /// `[lint]`, `[severity]`, the policy keys with their defaults, `[[overrides]]`.
    fn policy(&mut self) {
        self.line("");
        self.line("[lint]");
        if self.lint_except.is_empty() && self.lint_rest.is_empty() {
            self.line("# use = [\"STANDARD\"]               # default: buf's STANDARD, Spectral's recommended, the API guide's");
            self.line("# except = [\"buf:PACKAGE_VERSION_SUFFIX\"]");
        }
        if !self.lint_except.is_empty() {
            let except = std::mem::take(&mut self.lint_except);
            self.line(&format!("except = {}", list(&except)));
        }
        for line in std::mem::take(&mut self.lint_rest) {
            self.line(&line);
        }
        self.line("# disallow_ignores = true           # `// treaty:ignore` and `x-treaty-ignore` stop working");
        let lint_ignore_only = std::mem::take(&mut self.lint_ignore_only);
        self.ignore_only("lint", &lint_ignore_only);

        self.line("");
        self.line(
            "# How much a rule's findings weigh (error, warning, info, off); ids, aliases or",
        );
        self.line("# categories, the entry naming the fewest rules wins.");
        self.line("[severity]");
        if self.severity.is_empty() {
            self.line("# \"openapi/path-has-verb\" = \"error\"");
        }
        for (token, level) in std::mem::take(&mut self.severity) {
            self.line(&format!("{} = {}", quote(&token), quote(level)));
        }

        self.line("");
        self.line("# Settings for some directories; the most specific paths win.");
        self.line("# [[overrides]]");
        self.line("# paths = [\"legacy/**\"]");
        self.line("# except = [\"GUIDE\"]");
        self.line("# severity = { \"proto/field-no-delete\" = \"warning\" }");
        for entry in std::mem::take(&mut self.overrides) {
            self.text.push_str(&entry);
        }
    }
}
