//! The rule catalog (compiled in from `rules/**/*.md` by `build.rs`), the `RuleId` handle and the
//! `Rule` shape every protocol registers its rules in, and selection by id, peer alias or
//! category. A shared leaf: it names no protocol (`crate::registry` assembles their rules).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

pub mod spelling;

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

#[cfg(test)]
#[path = "../../build/front_matter.rs"]
mod front_matter;

/// How much a finding of a rule matters; `--fail-on` compares against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// One rule's documentation and metadata, from its `rules/` entry (compiled in by `build.rs`).
#[derive(Debug, serde::Serialize)]
pub struct RuleDoc {
    pub id: &'static str,
    pub kind: Kind,
    pub protocol: Protocol,
    /// Peer categories the rule belongs to, e.g. buf's `FILE`, `PACKAGE`, `WIRE_JSON`, `WIRE`.
    pub categories: &'static [&'static str],
    pub severity: Severity,
    pub aliases: &'static [&'static str],
    pub summary: &'static str,
    /// Selected when neither `--only` nor a config says otherwise.
    pub default: bool,
    /// Rules (ids, aliases) whose findings about the same element this rule's finding
    /// replaces in treaty's default selection: one clear finding instead of side effects.
    pub supersedes: &'static [&'static str],
    /// A peer's deprecated ids that select this rule, often with others: buf's
    /// `FIELD_SAME_LABEL` selects the three cardinality rules that replaced it. They select, as
    /// aliases do, but no finding is named by them.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub deprecated_aliases: &'static [&'static str],
    /// The markdown body: why, a bad and a good example.
    #[serde(skip)]
    pub body: &'static str,
    /// The entry's path under `rules/`.
    #[serde(skip)]
    pub source: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// Every documented rule, sorted by id.
pub fn catalog() -> &'static [RuleDoc] {
    CATALOG
}

/// A rule, as an index into the sorted catalog: ordering ids orders rules by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(u16);

impl RuleId {
    /// The rule with this id, resolved at compile time where it is registered: an id without
    /// a `rules/` entry stops the build at the registration.
    pub const fn of(id: &str) -> RuleId {
        match index_of(id) {
            Some(i) => RuleId(i as u16),
            None => panic!("this rule id has no rules/ entry"),
        }
    }

    pub fn doc(self) -> &'static RuleDoc {
        &CATALOG[self.0 as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.doc().id
    }

    /// The rule's position in the sorted catalog, for tables indexed by rule.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Every rule of the catalog.
    pub fn all() -> impl Iterator<Item = RuleId> {
        (0..CATALOG.len() as u16).map(RuleId)
    }

    /// A rule whose finding says a comparison was not made in full: a gate must never pass
    /// over it, so no selection, ignore, suppression or severity setting applies to it.
    pub fn fails_closed(self) -> bool {
        // Resolved at compile time: this is asked of every finding.
        const INCOMPLETE: RuleId = RuleId::of("openapi/comparison-incomplete");
        self == INCOMPLETE
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

const fn compare(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return if a[i] < b[i] {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            };
        }
        i += 1;
    }
    if a.len() < b.len() {
        std::cmp::Ordering::Less
    } else if a.len() > b.len() {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// Binary search of the sorted catalog by id, usable in constants.
const fn index_of(id: &str) -> Option<usize> {
    let (mut low, mut high) = (0, CATALOG.len());
    while low < high {
        let mid = (low + high) / 2;
        match compare(CATALOG[mid].id.as_bytes(), id.as_bytes()) {
            std::cmp::Ordering::Less => low = mid + 1,
            std::cmp::Ordering::Greater => high = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// A set of rules: one bit per catalog entry, so membership is an index, not a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSet([u64; RuleSet::WORDS]);

impl RuleSet {
    const WORDS: usize = CATALOG.len().div_ceil(64);

    pub const EMPTY: RuleSet = RuleSet([0; RuleSet::WORDS]);

    /// The rules whose entry satisfies `pred`.
    pub fn matching(pred: impl Fn(&RuleDoc) -> bool) -> RuleSet {
        let mut set = RuleSet::EMPTY;
        for id in RuleId::all().filter(|id| pred(id.doc())) {
            set.insert(id);
        }
        set
    }

    /// The rules any of `tokens` names (see [`token_matches`]).
    pub fn named_by<T: AsRef<str>>(tokens: &[T]) -> RuleSet {
        if tokens.is_empty() {
            return RuleSet::EMPTY;
        }
        RuleSet::matching(|d| tokens.iter().any(|t| token_matches(t.as_ref(), d)))
    }

    pub fn contains(&self, id: RuleId) -> bool {
        let i = id.index();
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn insert(&mut self, id: RuleId) {
        let i = id.index();
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub fn union(self, other: RuleSet) -> RuleSet {
        let mut out = self;
        for (word, o) in out.0.iter_mut().zip(other.0) {
            *word |= o;
        }
        out
    }

    pub fn intersect(self, other: RuleSet) -> RuleSet {
        let mut out = self;
        for (word, o) in out.0.iter_mut().zip(other.0) {
            *word &= o;
        }
        out
    }

    /// The rules of `self` that are not in `other`.
    pub fn minus(self, other: RuleSet) -> RuleSet {
        let mut out = self;
        for (word, o) in out.0.iter_mut().zip(other.0) {
            *word &= !o;
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// The rules of the set, in id order.
    pub fn iter(self) -> impl Iterator<Item = RuleId> {
        RuleId::all().filter(move |id| self.contains(*id))
    }
}

/// One rule's code: its id, written out whole where it is registered, and its check. Each
/// protocol and kind owns its check signature (`C`), so this type names none of them.
pub struct Rule<C> {
    pub id: RuleId,
    pub check: C,
}

impl<C> Rule<C> {
    pub const fn new(id: &str, check: C) -> Rule<C> {
        Rule {
            id: RuleId::of(id),
            check,
        }
    }
}

/// The rule whose id or alias is `name` (aliases compare case-insensitively; a buf id may go
/// without its `buf:` prefix, as buf.yaml writes it).
pub fn find(name: &str) -> Option<&'static RuleDoc> {
    if let Some(i) = index_of(name) {
        return Some(&CATALOG[i]);
    }
    let named = |alias: &str| {
        alias.eq_ignore_ascii_case(name)
            || alias
                .strip_prefix("buf:")
                .is_some_and(|bare| bare.eq_ignore_ascii_case(name))
    };
    CATALOG.iter().find(|d| d.aliases.iter().any(|a| named(a)))
}

/// The rules a peer's deprecated id selects (`FIELD_SAME_LABEL`: the three cardinality
/// rules), with the id as the catalog writes it; empty when `name` is no deprecated id.
pub fn replacing(name: &str) -> (Option<&'static str>, Vec<&'static RuleDoc>) {
    let named = |alias: &str| {
        alias.eq_ignore_ascii_case(name)
            || alias
                .split_once(':')
                .is_some_and(|(_, bare)| bare.eq_ignore_ascii_case(name))
    };
    let mut written = None;
    let docs = CATALOG
        .iter()
        .filter(|d| {
            let found = d.deprecated_aliases.iter().find(|a| named(a));
            written = written.or(found.copied());
            found.is_some()
        })
        .collect();
    (written, docs)
}

/// Does `token` name `doc`? A token is an id, an alias with or without its peer prefix
/// (`buf:FIELD_SAME_TYPE`, or `FIELD_SAME_TYPE` as buf.yaml writes it), `buf:CATEGORY` or a bare
/// category (`spectral:oas` names the category `oas` the same way), a category the catalog
/// writes with its peer's prefix (`redocly:recommended`: bare, `recommended` would be ambiguous
/// between peers), `proto`/`openapi`, `breaking`/`lint`, or `all`. Any case names an id or a
/// category when only one name is spelt that way ignoring case (see [`canonical_name`]).
pub fn token_matches(token: &str, doc: &RuleDoc) -> bool {
    let bare = strip_prefix_ignoring_case(token, "buf:")
        .or_else(|| strip_prefix_ignoring_case(token, "spectral:"))
        .unwrap_or(token);
    let category = canonical_name(bare).unwrap_or(bare);
    let alias_matches = |alias: &str| {
        alias.eq_ignore_ascii_case(token)
            || alias
                .split_once(':')
                .is_some_and(|(_, bare)| bare.eq_ignore_ascii_case(token))
    };
    let token = canonical_name(token).unwrap_or(token);
    token == "all"
        || doc.id == token
        || doc.aliases.iter().any(|a| alias_matches(a))
        || doc.deprecated_aliases.iter().any(|a| alias_matches(a))
        || doc.categories.contains(&category)
        || doc.categories.contains(&token)
        || (token == "proto" && doc.protocol == Protocol::Proto)
        || (token == "openapi" && doc.protocol == Protocol::Openapi)
        || (token == "breaking" && doc.kind == Kind::Breaking)
        || (token == "lint" && doc.kind == Kind::Lint)
}

fn strip_prefix_ignoring_case<'a>(token: &'a str, prefix: &str) -> Option<&'a str> {
    let head = token.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &token[prefix.len()..])
}

/// The names a token can spell in some other case, keyed lower-cased: ids, categories and the
/// keywords. Aliases are left out: they already compare in any case.
fn names_by_lower_case() -> &'static BTreeMap<String, BTreeSet<&'static str>> {
    static NAMES: OnceLock<BTreeMap<String, BTreeSet<&'static str>>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let keywords = ["proto", "openapi", "breaking", "lint", "all"];
        let names = catalog()
            .iter()
            .flat_map(|d| std::iter::once(d.id).chain(d.categories.iter().copied()))
            .chain(keywords);
        group_by_lower_case(names)
    })
}

fn group_by_lower_case<'a>(
    names: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, BTreeSet<&'a str>> {
    let mut groups: BTreeMap<String, BTreeSet<&'a str>> = BTreeMap::new();
    for name in names {
        groups
            .entry(name.to_ascii_lowercase())
            .or_default()
            .insert(name);
    }
    groups
}

/// The one id, category or keyword `token` spells in another case (`parameters` for
/// `PARAMETERS`), `None` when it spells none or, ignoring case, more than one: then only the
/// exact case names a thing.
fn canonical_name(token: &str) -> Option<&'static str> {
    canonical_in(names_by_lower_case(), token)
}

fn canonical_in<'a>(groups: &BTreeMap<String, BTreeSet<&'a str>>, token: &str) -> Option<&'a str> {
    let spellings = groups.get(&token.to_ascii_lowercase())?;
    match spellings.len() {
        1 => spellings.first().copied(),
        _ => None,
    }
}

/// The names `token` could mean in another case when they are more than one (so it must be
/// written in exact case); empty otherwise.
fn ambiguous_spellings_in<'a>(
    groups: &BTreeMap<String, BTreeSet<&'a str>>,
    token: &str,
) -> Vec<&'a str> {
    match groups.get(&token.to_ascii_lowercase()) {
        Some(spellings) if spellings.len() > 1 => spellings.iter().copied().collect(),
        _ => Vec::new(),
    }
}

/// Whether `token` names at least one rule (see [`token_matches`]).
pub fn is_known_token(token: &str) -> bool {
    catalog().iter().any(|d| token_matches(token, d))
}

/// What to tell a user who wrote `token`, when it names no rule: that it is unknown, and the
/// nearest name a token can take (an id, an alias with or without its prefix, a category, or
/// `proto`, `openapi`, `breaking`, `lint`, `all`) when one is close. `None` when it is known.
pub fn unknown_token_message(token: &str) -> Option<String> {
    if is_known_token(token) {
        return None;
    }
    let bare = token.split_once(':').map_or(token, |(_, bare)| bare);
    let mut ambiguous = ambiguous_spellings_in(names_by_lower_case(), token);
    if ambiguous.is_empty() {
        ambiguous = ambiguous_spellings_in(names_by_lower_case(), bare);
    }
    if !ambiguous.is_empty() {
        let names: Vec<String> = ambiguous.iter().map(|n| format!("`{n}`")).collect();
        return Some(format!(
            "`{token}` could mean {} (they differ only in case); write it in exact case",
            names.join(" or ")
        ));
    }
    let mut names: BTreeSet<&str> = ["proto", "openapi", "breaking", "lint", "all"].into();
    for d in catalog() {
        names.insert(d.id);
        names.extend(d.categories.iter().copied());
        for alias in d.aliases {
            names.insert(alias);
            names.extend(alias.split_once(':').map(|(_, bare)| bare));
        }
    }
    let nearest = spelling::nearest(token, names.iter().copied())
        .map(str::to_string)
        .or_else(|| {
            // `buf:WIRE_JSN`: categories are written bare in the catalog.
            let (prefix, bare) = token.split_once(':')?;
            let categories = catalog().iter().flat_map(|d| d.categories.iter().copied());
            spelling::nearest(bare, categories).map(|c| format!("{prefix}:{c}"))
        });
    Some(match nearest {
        Some(name) => format!("unknown rule, alias or category `{token}`; did you mean `{name}`?"),
        None => format!("unknown rule, alias or category `{token}` (see `treaty rules`)"),
    })
}

/// The one rule a suppression names, by id or alias (with or without its peer prefix, any
/// case). Else what to tell the user: a category names many rules, and an unknown name gets
/// the nearest one.
pub fn suppressed_rule(token: &str) -> Result<RuleId, String> {
    let one = RuleId::all().find(|id| {
        let d = id.doc();
        d.id.eq_ignore_ascii_case(token)
            || d.aliases.iter().any(|a| {
                a.eq_ignore_ascii_case(token)
                    || a.split_once(':')
                        .is_some_and(|(_, bare)| bare.eq_ignore_ascii_case(token))
            })
    });
    match one {
        Some(id) => Ok(id),
        None => Err(unknown_token_message(token).unwrap_or_else(|| {
            format!(
                "`{token}` names a group of rules; a suppression names one rule, by id or alias"
            )
        })),
    }
}

/// Which rules run.
impl RuleDoc {
    /// How to silence this rule, on one element or everywhere: the same for every rule of a
    /// protocol and kind, so `treaty explain` writes it rather than each entry.
    pub fn suppression(&self) -> String {
        let id = self.id;
        if RuleId::of(id).fails_closed() {
            return "## Suppress\nNothing suppresses it: not `--only`, `--skip`, `use`, `except`, \
                    `ignore`, `ignore_only`, `[severity]`, `x-treaty-ignore` nor `// treaty:ignore`.\n"
                .to_string();
        }
        let section = match self.kind {
            Kind::Lint => "lint",
            Kind::Breaking => "breaking",
        };
        let mut out = String::from(
            "## Suppress
",
        );
        match self.protocol {
            Protocol::Proto => {
                out.push_str(&format!(
                    "- one element: `// treaty:ignore {id} <reason>` in the comment right above \
                     it, or above the message, enum or service that encloses it\n"
                ));
                let buf = self.aliases.iter().find_map(|a| a.strip_prefix("buf:"));
                if let (Kind::Lint, Some(buf)) = (self.kind, buf) {
                    out.push_str(&format!(
                        "- as buf does: `// buf:lint:ignore {buf}` (buf.yaml v2 by default, v1 \
                         with `allow_comment_ignores`)\n"
                    ));
                }
            }
            Protocol::Openapi => out.push_str(&format!(
                "- one element: `x-treaty-ignore: {{{id}: <reason>}}` on the operation, path \
                 item, parameter, schema or response\n"
            )),
        }
        out.push_str(&format!(
            "- some files: `[{section}.ignore_only] \"{id}\" = [\"path/or/**/glob\"]` in \
             treaty.toml\n- everywhere: `except = [\"{id}\"]` under `[{section}]`, or \
             `--skip {id}`\n"
        ));
        out
    }
}

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
    pub fn resolve(&self, kind: Kind) -> BTreeSet<RuleId> {
        self.rule_set(kind).iter().collect()
    }

    /// The selected rules of one kind, each token resolved once.
    ///
    /// A config's `use` governs the protocols it names rules of: buf.yaml's `use: [FILE]` says
    /// nothing about OpenAPI, so OpenAPI rules keep their defaults next to it.
    pub fn rule_set(&self, kind: Kind) -> RuleSet {
        let only = RuleSet::named_by(&self.only);
        let uses = RuleSet::named_by(&self.uses);
        let skip = RuleSet::named_by(&self.skip);
        let uses_protocol = |p: Protocol| {
            uses.iter()
                .map(RuleId::doc)
                .any(|d| d.protocol == p && d.kind == kind)
        };
        let governed = [Protocol::Proto, Protocol::Openapi].map(uses_protocol);
        let mut set = RuleSet::EMPTY;
        for id in RuleId::all() {
            let d = id.doc();
            if d.kind != kind || skip.contains(id) {
                continue;
            }
            let by_use = match d.protocol {
                Protocol::Proto => governed[0],
                Protocol::Openapi => governed[1],
            };
            let chosen = if !self.only.is_empty() {
                only.contains(id)
            } else if by_use {
                uses.contains(id)
            } else {
                d.default
            };
            if chosen {
                set.insert(id);
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_rules_by_id_alias_and_category() {
        let doc = RuleId::of("proto/field-same-type").doc();
        assert_eq!(doc.categories, ["FILE", "PACKAGE"]);
        assert!(doc.default, "FILE rules are selected by default, like buf");
        assert!(token_matches("proto/field-same-type", doc));
        assert!(token_matches("buf:FILE", doc));
        assert!(token_matches("buf:field_same_type", doc));
        assert!(
            token_matches("FIELD_SAME_TYPE", doc),
            "bare, as buf.yaml writes it"
        );
        assert!(!token_matches("buf:WIRE", doc));
        assert!(!token_matches("openapi", doc));
    }

    #[test]
    fn spectral_ruleset_names_its_category() {
        let doc = RuleId::of("openapi/operation-id-missing").doc();
        assert!(doc.categories.contains(&"oas"));
        assert!(token_matches("spectral:oas", doc));
        assert!(token_matches("spectral:operation-operationId", doc));
        assert!(!token_matches(
            "spectral:oas",
            RuleId::of("openapi/path-has-verb").doc()
        ));
        assert!(!token_matches(
            "buf:oas",
            RuleId::of("proto/field-same-type").doc()
        ));
    }

    #[test]
    fn redocly_recommended_names_its_category_and_only_with_its_prefix() {
        let doc = RuleId::of("openapi/operation-id-duplicate").doc();
        assert!(token_matches("redocly:recommended", doc));
        assert!(token_matches("redocly:operation-operationId-unique", doc));
        assert!(
            !token_matches("recommended", doc),
            "bare, it could be any peer's recommended set"
        );
        assert!(!token_matches("spectral:recommended", doc));
        let off_in_redocly = RuleId::of("openapi/info-contact-missing").doc();
        assert!(token_matches("redocly:info-contact", off_in_redocly));
        assert!(!token_matches("redocly:recommended", off_in_redocly));
    }

    #[test]
    fn ids_resolve_to_their_entries_and_order_as_the_ids() {
        let ids: Vec<&str> = RuleId::all().map(RuleId::as_str).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "catalog sorted by id");
        for id in RuleId::all() {
            assert_eq!(RuleId::of(id.as_str()), id);
        }
        assert_eq!(index_of("proto/no-such-rule"), None);
        assert_eq!(
            find("buf:FIELD_SAME_TYPE").map(|d| d.id),
            Some("proto/field-same-type")
        );
    }

    #[test]
    fn a_rule_set_holds_exactly_the_rules_its_tokens_name() {
        for token in [
            "all",
            "FILE",
            "buf:FIELD_SAME_TYPE",
            "openapi",
            "proto/field-no-delete",
        ] {
            let set = RuleSet::named_by(&[token]);
            for id in RuleId::all() {
                assert_eq!(
                    set.contains(id),
                    token_matches(token, id.doc()),
                    "{token} {id}"
                );
            }
        }
        let two = RuleSet::named_by(&["proto/field-same-type", "proto/enum-no-delete"]);
        let ids: Vec<&str> = two.iter().map(RuleId::as_str).collect();
        assert_eq!(ids, ["proto/enum-no-delete", "proto/field-same-type"]);
        assert!(RuleSet::EMPTY.is_empty() && RuleSet::named_by::<&str>(&[]).is_empty());
        let last = RuleId::all().last().unwrap();
        let mut set = RuleSet::EMPTY;
        set.insert(last);
        assert_eq!(set.union(two).iter().count(), 3);
    }

    #[test]
    fn a_config_use_governs_only_the_protocols_it_names() {
        let file = Selection {
            uses: vec!["FILE".into()],
            ..Selection::default()
        }
        .resolve(Kind::Breaking);
        assert!(file.contains(&RuleId::of("proto/field-no-delete")));
        assert!(
            file.contains(&RuleId::of("openapi/api-removed-without-deprecation")),
            "buf's FILE says nothing about OpenAPI: its defaults stay"
        );
        let one = Selection {
            uses: vec!["FILE".into(), "oasdiff:request-parameter-removed".into()],
            ..Selection::default()
        }
        .resolve(Kind::Breaking);
        let openapi: Vec<&str> = one
            .iter()
            .map(|id| id.as_str())
            .filter(|id| id.starts_with("openapi/"))
            .collect();
        assert_eq!(openapi, ["openapi/request-parameter-removed"]);
    }

    #[test]
    fn ids_and_categories_match_in_any_case() {
        let field_same_type = RuleId::of("proto/field-same-type").doc();
        for token in [
            "Proto/Field-Same-Type",
            "file",
            "File",
            "buf:file",
            "BUF:Package",
        ] {
            assert!(token_matches(token, field_same_type), "{token}");
        }
        assert!(!token_matches("wire", field_same_type));
        let removed = RuleId::of("openapi/request-parameter-removed").doc();
        assert!(token_matches("parameters", removed));
        assert!(token_matches("OpenAPI", removed));
        assert!(unknown_token_message("lifecycle").is_none());
        assert_eq!(
            suppressed_rule("Proto/Field-Same-Type"),
            Ok(RuleId::of("proto/field-same-type"))
        );
    }

    #[test]
    fn a_name_two_things_spell_ignoring_case_needs_its_exact_case() {
        let groups = group_by_lower_case(["oas", "OAS", "FILE"].into_iter());
        assert_eq!(canonical_in(&groups, "file"), Some("FILE"));
        assert_eq!(canonical_in(&groups, "Oas"), None);
        assert_eq!(ambiguous_spellings_in(&groups, "Oas"), ["OAS", "oas"]);
        assert!(ambiguous_spellings_in(&groups, "file").is_empty());
        assert!(
            names_by_lower_case().values().all(|s| s.len() == 1),
            "no two catalog names differ only in case today: {:?}",
            names_by_lower_case()
                .values()
                .filter(|s| s.len() > 1)
                .collect::<Vec<_>>()
        );
    }

    /// buf leaves these rules out of every category; giving them one of buf's would change
    /// what `buf:STANDARD` or `buf:FILE` select compared with buf.
    const UNCATEGORIZED_IN_BUF: [&str; 6] = [
        "proto/field-no-descriptor",
        "proto/file-same-java-string-check-utf8",
        "proto/file-same-php-generic-services",
        "proto/import-no-weak",
        "proto/message-same-message-set-wire-format",
        "proto/stable-package-no-import-unstable",
    ];

    #[test]
    fn every_rule_belongs_to_a_category() {
        let missing: Vec<&str> = catalog()
            .iter()
            .filter(|d| d.categories.is_empty() && !UNCATEGORIZED_IN_BUF.contains(&d.id))
            .map(|d| d.id)
            .collect();
        assert!(
            missing.is_empty(),
            "rules no category selects (give each its siblings' category): {missing:?}"
        );
        for id in UNCATEGORIZED_IN_BUF {
            assert!(RuleId::of(id).doc().categories.is_empty(), "{id}");
        }
    }
}
