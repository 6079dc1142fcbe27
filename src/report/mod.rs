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

use crate::finding::{Finding, Revision};

/// What a run produced: its findings and the texts they point into.
#[derive(Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Source texts by (revision, file), for showing the lines in human output.
    pub sources: HashMap<(Revision, String), Arc<str>>,
    /// How many contract files were compared (new revision).
    pub files_checked: usize,
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

    /// Add another report's findings and texts (both of the same revisions), keeping the
    /// findings sorted.
    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.findings.dedup();
        for (key, text) in other.sources {
            self.sources.entry(key).or_insert(text);
        }
        self.files_checked = self.files_checked.max(other.files_checked);
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

/// One line per finding: `file:line:col: severity[rule] message`, and the old location.
pub fn concise(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let l = &f.location;
        let side = if f.revision == Revision::Old {
            "(old) "
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{side}{}:{}:{}: {}[{}] {}",
            l.file,
            l.line,
            l.column,
            f.severity.as_str(),
            f.rule,
            headline(f)
        );
        if let Some(r) = &f.related {
            let _ = writeln!(
                out,
                "  (old) {}:{}:{}: previously here",
                r.file, r.line, r.column
            );
        }
    }
    out
}

/// GitHub Actions workflow commands, so findings show up as annotations on the PR diff.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.revision == Revision::New)
    {
        let level = match f.severity {
            crate::Severity::Error => "error",
            crate::Severity::Warning => "warning",
            crate::Severity::Info => "notice",
        };
        let l = &f.location;
        let message = headline(f)
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A");
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{message}",
            l.file, l.line, l.column, l.end_line, l.end_column, f.rule
        );
    }
    out
}
