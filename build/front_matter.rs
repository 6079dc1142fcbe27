//! The `---` front matter of a `rules/` entry, read as plain strings by `build.rs`, which
//! compiles the catalog in: a malformed entry fails the build. Not part of the library; its
//! unit tests run from `src/rules/mod.rs`.

/// One entry's fields as written; `build.rs` turns them into a `RuleDoc`.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub id: String,
    pub kind: String,
    pub protocol: String,
    pub severity: String,
    pub categories: Vec<String>,
    pub aliases: Vec<String>,
    pub summary: String,
    /// `None` when the entry does not say: selected by default when in buf's `FILE`.
    pub default: Option<bool>,
    pub supersedes: Vec<String>,
    /// Peers' deprecated ids that select this rule among others (`buf:FIELD_SAME_LABEL`).
    pub deprecated_aliases: Vec<String>,
    /// The markdown after the front matter: why, a bad and a good example.
    pub body: String,
}

const KINDS: [&str; 2] = ["breaking", "lint"];
const PROTOCOLS: [&str; 2] = ["proto", "openapi"];
const SEVERITIES: [&str; 3] = ["error", "warning", "info"];

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

/// Parse one entry: `---` front matter of `key: value` lines, then markdown. `source` names
/// the file in errors.
pub fn parse(source: &str, text: &str) -> Result<FrontMatter, String> {
    let rest = text
        .strip_prefix("---\n")
        .ok_or_else(|| format!("{source}: must start with '---' front matter"))?;
    let end = rest
        .find("\n---\n")
        .ok_or_else(|| format!("{source}: front matter is not closed with '---'"))?;
    let (front, body) = (&rest[..end], &rest[end + 5..]);
    let mut doc = FrontMatter {
        body: body.trim().to_string(),
        ..FrontMatter::default()
    };
    let one_of = |value: &str, allowed: &[&str], what: &str| {
        if allowed.contains(&value) {
            Ok(value.to_string())
        } else {
            Err(format!("{source}: unknown {what} {value:?}"))
        }
    };
    for line in front.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("{source}: expected 'key: value', found {line:?}"))?;
        let value = value.trim();
        match key.trim() {
            "id" => doc.id = value.to_string(),
            "kind" => doc.kind = one_of(value, &KINDS, "kind")?,
            "protocol" => doc.protocol = one_of(value, &PROTOCOLS, "protocol")?,
            // `warn` is accepted as a spelling of `warning`.
            "severity" if value == "warn" => doc.severity = "warning".to_string(),
            "severity" => doc.severity = one_of(value, &SEVERITIES, "severity")?,
            "categories" => doc.categories = parse_list(value),
            "aliases" => doc.aliases = parse_list(value),
            "summary" => doc.summary = value.trim_matches('"').to_string(),
            "default" => doc.default = Some(value == "true"),
            "supersedes" => doc.supersedes = parse_list(value),
            "deprecated_aliases" => doc.deprecated_aliases = parse_list(value),
            other => return Err(format!("{source}: unknown front matter key {other:?}")),
        }
    }
    for (field, value) in [
        ("id", &doc.id),
        ("kind", &doc.kind),
        ("protocol", &doc.protocol),
        ("severity", &doc.severity),
    ] {
        if value.is_empty() {
            return Err(format!("{source}: missing {field}"));
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_parses() {
        let doc = parse(
            "x.md",
            "---\nid: proto/x\nkind: breaking\nprotocol: proto\ncategories: [FILE, WIRE]\nseverity: error\naliases: [buf:X]\nsummary: A thing.\n---\n## Why\nBecause.\n",
        )
        .unwrap();
        assert_eq!(doc.id, "proto/x");
        assert_eq!(doc.categories, ["FILE", "WIRE"]);
        assert_eq!(doc.aliases, ["buf:X"]);
        assert_eq!(doc.body, "## Why\nBecause.");
        assert_eq!(doc.default, None);
    }

    #[test]
    fn malformed_front_matter_is_an_error() {
        assert!(parse("x.md", "id: x\n").is_err());
        assert!(parse("x.md", "---\nid: x\nbogus: 1\n---\n").is_err());
        assert!(parse("x.md", "---\nid: x\nkind: breaking\n---\n").is_err());
        assert!(parse(
            "x.md",
            "---\nid: x\nkind: neither\nprotocol: proto\nseverity: error\n---\n"
        )
        .is_err());
    }
}
