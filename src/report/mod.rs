//! Rendering findings: human (miette), json (the documented contract), concise (one line
//! each), github (workflow commands), sarif, junit, markdown, gitlab (Code Quality).

pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::diag::InputError;
use crate::finding::{Finding, Revision};

/// What a run produced: its findings and the texts they point into.
#[derive(Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Source texts by (revision, file), for showing the lines in human output.
    pub sources: HashMap<(Revision, String), Arc<str>>,
    /// How many contract files of the new revision the run covered, those left out as
    /// unchanged included.
    pub files_checked: usize,
    /// How many of `files_checked` a comparison left out because they are the same in both
    /// revisions and nothing they depend on moved (the base's own run covered them).
    pub files_unchanged: usize,
    /// The base revision of `breaking` and `check`, as given and as resolved.
    pub base: Option<Base>,
}

/// What a comparison was made against: `--against` as written (`main...`) and the commit it
/// resolved to (the merge base for the three-dot form; none before the first commit).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Base {
    pub revision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// See [`Report::identity`].
pub type FindingIdentity<'r> = (crate::rules::RuleId, &'r str, &'r str, Option<&'r str>);

impl Report {
    /// What identifies each finding across revisions, in order: its rule, file and message,
    /// and the text of its line (so an edited declaration is a different finding). Each source
    /// text is split into lines once.
    pub fn identities(&self) -> Vec<FindingIdentity<'_>> {
        let mut lines: HashMap<(Revision, &str), Vec<&str>> = HashMap::new();
        self.findings
            .iter()
            .map(|f| {
                let key = (f.revision, f.location.file.as_str());
                let file_lines = lines.entry(key).or_insert_with(|| {
                    self.sources
                        .get(&(f.revision, f.location.file.clone()))
                        .map(|text| text.lines().collect())
                        .unwrap_or_default()
                });
                let index = (f.location.line as usize).checked_sub(1);
                let line = index.and_then(|i| file_lines.get(i).copied());
                (f.rule, f.location.file.as_str(), f.message.as_str(), line)
            })
            .collect()
    }

    /// Add another report's findings, texts and file counts (both of the same revisions, of
    /// different files: one protocol's report to the other's), keeping the findings sorted.
    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.findings.dedup();
        for (key, text) in other.sources {
            self.sources.entry(key).or_insert(text);
        }
        self.files_checked += other.files_checked;
        self.files_unchanged += other.files_unchanged;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Concise,
    Github,
    Sarif,
    Junit,
    Markdown,
    Gitlab,
}

/// The message as text renderers show it: prefixed by the operation when there is one
/// (`GET /pets/{id}: api removed without deprecation`). The JSON keeps them apart.
pub fn headline(f: &Finding) -> std::borrow::Cow<'_, str> {
    match &f.operation {
        Some(op) => std::borrow::Cow::Owned(format!("{op}: {}", f.message)),
        None => std::borrow::Cow::Borrowed(&f.message),
    }
}

/// A message on one line: a raw line break would start what reads as another finding.
fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

/// One line per finding, `file:line:col: severity[rule] message`, so line-oriented tools
/// (grep, editors' quickfix lists) read each finding whole: where the element was in the old
/// revision goes at the end of its line, and a finding located in the base revision says so.
pub fn concise(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let l = &f.location;
        let mut line = format!(
            "{}:{}:{}: {}[{}] {}",
            l.file,
            l.line,
            l.column,
            f.severity.as_str(),
            f.rule,
            one_line(&headline(f))
        );
        if f.revision == Revision::Old {
            line.push_str(" (in the base revision)");
        }
        if let Some(r) = &f.related {
            let _ = write!(line, " (previously at {}:{}:{})", r.file, r.line, r.column);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A workflow command's message: GitHub reads `%`, CR and LF specially there.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as a message, and `:` and `,` end a property.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, so findings show up as annotations on the PR diff. A
/// finding located in the base revision (its file is gone) is annotated at the old path and
/// says so: GitHub shows it with the run even when the path is not in the PR's diff.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.severity {
            crate::Severity::Error => "error",
            crate::Severity::Warning => "warning",
            crate::Severity::Info => "notice",
        };
        let l = &f.location;
        let (title, message) = match f.revision {
            Revision::New => (f.rule.as_str().to_string(), headline(f).into_owned()),
            Revision::Old => (
                format!("{} (base revision)", f.rule),
                format!("{} (in the base revision)", headline(f)),
            ),
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_property(&l.file),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            github_property(&title),
            github_data(&message)
        );
    }
    out
}

/// Where each compared side's root is in the repository (`proto/` for `diff main:proto proto`),
/// `/`-terminated, or empty: GitHub places annotations by paths from the repository root.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RepoPrefixes {
    pub old: String,
    pub new: String,
}

/// The findings with each path taken from the repository root (texts left out: only the
/// formats that place findings by repository paths, `github`, `sarif` and `gitlab`, use this).
pub fn from_repo_root(report: &Report, prefixes: &RepoPrefixes) -> Report {
    let rooted = |prefix: &str, l: &crate::finding::Location| crate::finding::Location {
        file: under_prefix(prefix, &l.file),
        ..l.clone()
    };
    let findings = report
        .findings
        .iter()
        .map(|f| Finding {
            location: match f.revision {
                Revision::New => rooted(&prefixes.new, &f.location),
                Revision::Old => rooted(&prefixes.old, &f.location),
            },
            related: f.related.as_ref().map(|r| rooted(&prefixes.old, r)),
            ..f.clone()
        })
        .collect();
    Report {
        findings,
        files_checked: report.files_checked,
        base: report.base.clone(),
        files_unchanged: report.files_unchanged,
        ..Report::default()
    }
}

/// `file`, relative to a side's root, from the repository root: `prefix` (`api/v1/`) joined to
/// it, a file read from above the root (`../common.yaml`) climbing out of the prefix
/// (`api/common.yaml`).
pub fn under_prefix(prefix: &str, file: &str) -> String {
    let mut prefix = prefix.trim_end_matches('/');
    let mut file = file;
    while let Some(rest) = file.strip_prefix("../") {
        if prefix.is_empty() {
            break;
        }
        prefix = prefix.rsplit_once('/').map_or("", |(parent, _)| parent);
        file = rest;
    }
    if prefix.is_empty() {
        file.to_string()
    } else {
        format!("{prefix}/{file}")
    }
}

/// Input errors as workflow commands: an annotation at the file and line when known.
fn github_errors(errors: &[InputError]) -> String {
    let mut out = String::new();
    for e in errors {
        let mut properties = Vec::new();
        if let Some(file) = e.file() {
            properties.push(format!("file={}", github_property(file)));
        }
        if let Some(l) = e.location() {
            properties.push(format!("line={},col={}", l.line, l.column));
        }
        properties.push(format!("title={}", github_property("treaty: input error")));
        let mut message = e.message.clone();
        if let Some(hint) = &e.hint {
            message.push_str(&format!(" (hint: {hint})"));
        }
        let _ = writeln!(
            out,
            "::error {}::{}",
            properties.join(","),
            github_data(&message)
        );
    }
    out
}

/// The errors of a run that could not read its input (exit 2), in a machine format, so a CI
/// tool reading only the report still sees why it holds no findings. `None` for formats
/// people read: those show the errors on stderr alone.
pub fn errors(format: Format, errors: &[InputError]) -> Option<String> {
    match format {
        Format::Json => Some(json::render_errors(errors)),
        Format::Github => Some(github_errors(errors)),
        Format::Sarif => Some(sarif::render_errors(errors)),
        Format::Junit => Some(junit::render_errors(errors)),
        Format::Gitlab => Some(gitlab::render_errors(errors)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_what_workflow_commands_read_specially() {
        assert_eq!(
            github_data("100% of a:b,\r\nnext"),
            "100%25 of a:b,%0D%0Anext"
        );
        assert_eq!(
            github_property("dir/a:b,c 100%.proto"),
            "dir/a%3Ab%2Cc 100%25.proto"
        );
    }

    #[test]
    fn files_above_a_side_climb_out_of_its_prefix() {
        assert_eq!(under_prefix("", "a.yaml"), "a.yaml");
        assert_eq!(under_prefix("api/v1/", "a.yaml"), "api/v1/a.yaml");
        assert_eq!(under_prefix("api/v1/", "../common.yaml"), "api/common.yaml");
        assert_eq!(under_prefix("api/v1/", "../../c/x.yaml"), "c/x.yaml");
        // Nothing to climb: left as found.
        assert_eq!(under_prefix("", "../x.yaml"), "../x.yaml");
    }

    #[test]
    fn concise_messages_stay_on_one_line() {
        assert_eq!(one_line("first\nsecond\r\n"), "first\\nsecond\\r\\n");
    }
}
