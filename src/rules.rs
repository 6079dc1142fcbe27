//! The rule catalog (from `rules/**/*.md`, embedded at build time) and the registry of the
//! code that implements each rule. Selection by id, peer alias or category lives here too.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::finding::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Breaking,
    Lint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Proto,
    Openapi,
}

/// One rule's documentation and metadata, from its `rules/` entry.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleDoc {
    pub id: String,
    pub kind: Kind,
    pub protocol: Protocol,
    /// Peer categories the rule belongs to, e.g. buf's `FILE`, `PACKAGE`, `WIRE_JSON`, `WIRE`.
    pub categories: Vec<String>,
    pub severity: Severity,
    pub aliases: Vec<String>,
    pub summary: String,
    /// Selected when neither `--only` nor a config says otherwise.
    pub default: bool,
    /// Rules (ids, aliases) whose findings about the same element this rule's finding
    /// replaces in treaty's default selection: one clear finding instead of side effects.
    pub supersedes: Vec<String>,
    /// The markdown body: why, a bad and a good example.
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub source: String,
}

fn parse_list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parse one `rules/` entry: `---` front matter of `key: value` lines, then markdown.
pub fn parse_doc(source: &str, text: &str) -> Result<RuleDoc, String> {
    let rest = text
        .strip_prefix("---\n")
        .ok_or_else(|| format!("{source}: must start with '---' front matter"))?;
    let end = rest
        .find("\n---\n")
        .ok_or_else(|| format!("{source}: front matter is not closed with '---'"))?;
    let (front, body) = (&rest[..end], &rest[end + 5..]);
    let mut id = None;
    let mut kind = None;
    let mut protocol = None;
    let mut severity = None;
    let mut categories = Vec::new();
    let mut aliases = Vec::new();
    let mut summary = String::new();
    let mut default = None;
    let mut supersedes = Vec::new();
    for line in front.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("{source}: expected 'key: value', found {line:?}"))?;
        let value = value.trim();
        match key.trim() {
            "id" => id = Some(value.to_string()),
            "kind" => {
                kind = Some(match value {
                    "breaking" => Kind::Breaking,
                    "lint" => Kind::Lint,
                    _ => return Err(format!("{source}: unknown kind {value:?}")),
                })
            }
            "protocol" => {
                protocol = Some(match value {
                    "proto" => Protocol::Proto,
                    "openapi" => Protocol::Openapi,
                    _ => return Err(format!("{source}: unknown protocol {value:?}")),
                })
            }
            "severity" => {
                severity = Some(
                    Severity::parse(value)
                        .ok_or_else(|| format!("{source}: unknown severity {value:?}"))?,
                )
            }
            "categories" => categories = parse_list(value),
            "aliases" => aliases = parse_list(value),
            "summary" => summary = value.trim_matches('"').to_string(),
            "default" => default = Some(value == "true"),
            "supersedes" => supersedes = parse_list(value),
            other => return Err(format!("{source}: unknown front matter key {other:?}")),
        }
    }
    let id = id.ok_or_else(|| format!("{source}: missing id"))?;
    let categories_default = categories.iter().any(|c| c == "FILE");
    Ok(RuleDoc {
        kind: kind.ok_or_else(|| format!("{source}: missing kind"))?,
        protocol: protocol.ok_or_else(|| format!("{source}: missing protocol"))?,
        severity: severity.ok_or_else(|| format!("{source}: missing severity"))?,
        default: default.unwrap_or(categories_default),
        supersedes,
        categories,
        aliases,
        summary,
        body: body.trim().to_string(),
        source: source.to_string(),
        id,
    })
}

/// Every documented rule, sorted by id. A malformed entry is a build defect: the
/// completeness test catches it, and at run time it is left out with a message.
pub fn catalog() -> &'static [RuleDoc] {
    static CATALOG: OnceLock<Vec<RuleDoc>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut docs: Vec<RuleDoc> = crate::embedded::RULE_DOCS
            .iter()
            .filter_map(|(path, text)| match parse_doc(path, text) {
                Ok(doc) => Some(doc),
                Err(e) => {
                    eprintln!("treaty: bad rule entry: {e}");
                    None
                }
            })
            .collect();
        docs.sort_by(|a, b| a.id.cmp(&b.id));
        docs
    })
}

/// The rule whose id or alias is `name` (aliases compare case-insensitively).
pub fn find(name: &str) -> Option<&'static RuleDoc> {
    catalog()
        .iter()
        .find(|d| d.id == name || d.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
}

/// Does `token` name `doc`? A token is an id, an alias with or without its peer prefix
/// (`buf:FIELD_SAME_TYPE`, or `FIELD_SAME_TYPE` as buf.yaml writes it), `buf:CATEGORY` or a bare
/// category, `proto`/`openapi`, `breaking`/`lint`, or `all`.
pub fn token_matches(token: &str, doc: &RuleDoc) -> bool {
    let category = token.strip_prefix("buf:").unwrap_or(token);
    let alias_matches = |alias: &str| {
        alias.eq_ignore_ascii_case(token)
            || alias
                .split_once(':')
                .is_some_and(|(_, bare)| bare.eq_ignore_ascii_case(token))
    };
    token == "all"
        || doc.id == token
        || doc.aliases.iter().any(|a| alias_matches(a))
        || doc.categories.iter().any(|c| c == category)
        || (token == "proto" && doc.protocol == Protocol::Proto)
        || (token == "openapi" && doc.protocol == Protocol::Openapi)
        || (token == "breaking" && doc.kind == Kind::Breaking)
        || (token == "lint" && doc.kind == Kind::Lint)
}

/// Which rules run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--only`: exactly these (ids, aliases, categories).
    pub only: Vec<String>,
    /// `--skip` and a config's `except`.
    pub skip: Vec<String>,
    /// A config's `use`; replaces the default selection when set.
    pub uses: Vec<String>,
}

impl Selection {
    /// Neither `--only` nor a config's `use`: treaty's own default selection.
    pub fn is_default(&self) -> bool {
        self.only.is_empty() && self.uses.is_empty()
    }

    /// Tokens that name no rule, alias or category.
    pub fn unknown_tokens(&self) -> Vec<String> {
        self.only
            .iter()
            .chain(&self.skip)
            .chain(&self.uses)
            .filter(|t| !catalog().iter().any(|d| token_matches(t, d)))
            .cloned()
            .collect()
    }

    /// Ids of the selected rules of one kind.
    ///
    /// A config's `use` governs the protocols it names rules of: buf.yaml's `use: [FILE]` says
    /// nothing about OpenAPI, so OpenAPI rules keep their defaults next to it.
    pub fn resolve(&self, kind: Kind) -> BTreeSet<&'static str> {
        let uses_protocol = |p: Protocol| {
            self.uses.iter().any(|t| {
                catalog()
                    .iter()
                    .any(|d| d.protocol == p && d.kind == kind && token_matches(t, d))
            })
        };
        let governed = [Protocol::Proto, Protocol::Openapi].map(uses_protocol);
        catalog()
            .iter()
            .filter(|d| d.kind == kind)
            .filter(|d| {
                let by_use = match d.protocol {
                    Protocol::Proto => governed[0],
                    Protocol::Openapi => governed[1],
                };
                if !self.only.is_empty() {
                    self.only.iter().any(|t| token_matches(t, d))
                } else if by_use {
                    self.uses.iter().any(|t| token_matches(t, d))
                } else {
                    d.default
                }
            })
            .filter(|d| !self.skip.iter().any(|t| token_matches(t, d)))
            .map(|d| d.id.as_str())
            .collect()
    }
}

/// The code of one rule.
pub struct RuleCode {
    pub id: &'static str,
    pub check: Check,
}

pub enum Check {
    ProtoBreaking(fn(&crate::proto::breaking::Ctx, &mut crate::proto::breaking::Sink)),
    OpenapiBreaking(fn(&crate::openapi::breaking::Ctx, &mut crate::finding::Sink)),
}

/// Every rule implemented in code.
pub fn registry() -> impl Iterator<Item = &'static RuleCode> {
    crate::proto::breaking::rules().chain(crate::openapi::breaking::rules())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_parses() {
        let doc = parse_doc(
            "x.md",
            "---\nid: proto/x\nkind: breaking\nprotocol: proto\ncategories: [FILE, WIRE]\nseverity: error\naliases: [buf:X]\nsummary: A thing.\n---\n## Why\nBecause.\n",
        )
        .unwrap();
        assert_eq!(doc.id, "proto/x");
        assert_eq!(doc.categories, ["FILE", "WIRE"]);
        assert!(doc.default, "FILE rules are selected by default, like buf");
        assert!(token_matches("buf:WIRE", &doc));
        assert!(token_matches("buf:x", &doc));
        assert!(!token_matches("buf:PACKAGE", &doc));
    }

    #[test]
    fn a_config_use_governs_only_the_protocols_it_names() {
        let file = Selection {
            uses: vec!["FILE".into()],
            ..Selection::default()
        }
        .resolve(Kind::Breaking);
        assert!(file.contains("proto/field-no-delete"));
        assert!(
            file.contains("openapi/api-removed-without-deprecation"),
            "buf's FILE says nothing about OpenAPI: its defaults stay"
        );
        let one = Selection {
            uses: vec!["FILE".into(), "oasdiff:request-parameter-removed".into()],
            ..Selection::default()
        }
        .resolve(Kind::Breaking);
        let openapi: Vec<&str> = one
            .iter()
            .filter(|id| id.starts_with("openapi/"))
            .copied()
            .collect();
        assert_eq!(openapi, ["openapi/request-parameter-removed"]);
    }

    #[test]
    fn malformed_front_matter_is_an_error() {
        assert!(parse_doc("x.md", "id: x\n").is_err());
        assert!(parse_doc("x.md", "---\nid: x\nbogus: 1\n---\n").is_err());
    }
}
