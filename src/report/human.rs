//! Human output: miette diagnostics with the source line and a label. A breaking change
//! shows the new revision's line, and the old revision's line as a related note (miette
//! labels one source per diagnostic).

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::Report;
use crate::diag::{InputError, Place};
use crate::finding::{Location, Revision, Severity};

/// Byte offset and length of a location in `text` (columns count characters).
fn byte_span(text: &str, loc: &Location) -> (usize, usize) {
    let offset_of = |line: u32, column: u32| -> usize {
        let line_start = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1) as usize)
            .map(str::len)
            .sum::<usize>();
        let rest = &text[line_start.min(text.len())..];
        let within = rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i);
        line_start + within
    };
    let start = offset_of(loc.line, loc.column);
    let end = offset_of(loc.end_line, loc.end_column).max(start);
    // Multi-line spans are shown by their first line only: the point is where, not all of it.
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    (start, end.min(first_line_end).max(start) - start)
}

#[derive(Debug)]
struct Diag {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

fn located(
    message: String,
    label: &str,
    loc: &Location,
    text: Option<&Arc<str>>,
    severity: miette::Severity,
) -> Diag {
    let (source, labels) = match text {
        Some(text) => {
            let (start, len) = byte_span(text, loc);
            (
                Some(NamedSource::new(&loc.file, text.clone())),
                vec![LabeledSpan::new(Some(label.to_string()), start, len)],
            )
        }
        None => (None, vec![]),
    };
    Diag {
        message: if source.is_some() {
            message
        } else {
            format!("{}:{}:{}: {message}", loc.file, loc.line, loc.column)
        },
        code: None,
        severity,
        help: None,
        source,
        labels,
        related: vec![],
    }
}

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme).with_links(false)
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// Render every finding, then a one-line summary. Info findings (a changelog: additions,
/// widenings) are folded into a count unless `show_info`; machine formats always list them.
pub fn render(report: &Report, color: bool, show_info: bool) -> String {
    let handler = handler(color);
    let mut out = String::new();
    let mut folded = 0;
    for f in &report.findings {
        if f.severity == Severity::Info && !show_info {
            folded += 1;
            continue;
        }
        let text = report.sources.get(&(f.revision, f.location.file.clone()));
        let label = match (f.revision, &f.related) {
            (Revision::Old, _) => "deleted in the new revision",
            (Revision::New, Some(_)) => "here",
            (Revision::New, None) => "here",
        };
        let mut diag = located(
            super::headline(f).into_owned(),
            label,
            &f.location,
            text,
            miette_severity(f.severity),
        );
        diag.code = Some(f.rule.to_string());
        diag.help = Some(format!(
            "{} (treaty explain {})",
            f.rule.doc().summary,
            f.rule
        ));
        if let Some(r) = &f.related {
            let old_text = report.sources.get(&(Revision::Old, r.file.clone()));
            diag.related.push(located(
                "in the old revision".to_string(),
                "was here",
                r,
                old_text,
                miette::Severity::Advice,
            ));
        }
        let _ = handler.render_report(&mut out, &diag);
    }
    if folded > 0 {
        out.push_str(&format!(
            "{folded} info finding{} not shown (changes that break no client): `--fail-on info` or `--format json` lists them\n",
            if folded == 1 { "" } else { "s" }
        ));
    }
    out.push_str(&summary_line(report));
    out
}

pub fn summary_line(report: &Report) -> String {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    if report.findings.is_empty() {
        format!(
            "treaty: no findings ({} contract file{} checked)\n",
            report.files_checked,
            if report.files_checked == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "treaty: {} finding{}: {} error, {} warning, {} info\n",
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" },
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        )
    }
}

/// Render input errors (exit 2) with their source line when known.
pub fn render_errors(errors: &[InputError], color: bool) -> String {
    let handler = handler(color);
    let mut out = String::new();
    for e in errors {
        let mut diag = match &e.place {
            Some(Place::At(loc)) => located(
                e.message.clone(),
                "here",
                loc,
                e.text.as_ref(),
                miette::Severity::Error,
            ),
            place => Diag {
                message: match place {
                    Some(Place::File(file)) => format!("{file}: {}", e.message),
                    _ => e.message.clone(),
                },
                code: None,
                severity: miette::Severity::Error,
                help: None,
                source: None,
                labels: vec![],
                related: vec![],
            },
        };
        diag.help = e.hint.clone();
        let _ = handler.render_report(&mut out, &diag);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_span_maps_line_and_column() {
        let text = "ab\ncdé f\n";
        let loc = Location {
            file: "x".into(),
            line: 2,
            column: 3,
            end_line: 2,
            end_column: 5,
        };
        let (start, len) = byte_span(text, &loc);
        assert_eq!(&text[start..start + len], "é ");
    }

    #[test]
    fn errors_show_their_place_like_their_display() {
        let errors = [
            InputError::at("bad", Location::point("a.proto", 2, 3), None),
            InputError::in_file("buf.yaml", "cannot read config file: gone"),
            InputError::new("no revision").with_hint("give one"),
        ];
        let text = render_errors(&errors, false);
        assert!(text.contains("a.proto:2:3: bad"), "{text}");
        assert!(
            text.contains("buf.yaml: cannot read config file: gone"),
            "{text}"
        );
        assert!(text.contains("no revision"), "{text}");
        assert!(text.contains("help: give one"), "{text}");
    }
}
