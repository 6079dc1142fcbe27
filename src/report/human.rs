//! Human output: miette diagnostics with the source line and a label. A breaking change
//! shows the new revision's line, then the old revision's line as a note of its own (miette
//! labels one source per diagnostic, and its related diagnostics come under an `Advice:` tag).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::Report;
use crate::diag::{InputError, Place};
use crate::finding::{Finding, Location, Revision, Severity};
use crate::span::LineIndex;

/// Byte offset and length of a location in `text` (columns count characters).
fn byte_span(text: &str, lines: &LineIndex, loc: &Location) -> (usize, usize) {
    let start = lines.offset(text, loc.line, loc.column);
    let end = lines.offset(text, loc.end_line, loc.end_column).max(start);
    // Multi-line spans are shown by their first line only: the point is where, not all of it.
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    (start, end.min(first_line_end).max(start) - start)
}

/// A source text with its line index: miette reads only the lines around a span, where its
/// own reading of a `str` walks from the top of the file for every diagnostic (8,000 findings
/// in a 4 MB spec took minutes).
#[derive(Debug, Clone)]
struct Indexed {
    name: String,
    text: Arc<str>,
    lines: Arc<LineIndex>,
}

impl miette::SourceCode for Indexed {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let first = self
            .lines
            .line_of(span.offset())
            .saturating_sub(context_lines_before);
        let last = self.lines.line_of(span.offset() + span.len()) + context_lines_after + 1;
        let from = self.lines.line_start(first).unwrap_or(0);
        let to = self
            .lines
            .line_start(last)
            .unwrap_or(self.text.len())
            .min(self.text.len());
        let window = &self.text[from..to];
        let shifted = miette::SourceSpan::new((span.offset() - from).into(), span.len());
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[derive(Debug)]
struct Diag {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Indexed>,
    labels: Vec<LabeledSpan>,
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
}

/// The longest source line (in bytes) the report quotes.
const MAX_QUOTED_LINE: usize = 4096;

fn located(
    message: String,
    label: &str,
    loc: &Location,
    text: Option<(&Arc<str>, &Arc<LineIndex>)>,
    severity: miette::Severity,
) -> Diag {
    // A minified JSON spec is one line: quoting it would print megabytes (and miette cannot
    // point past column 65,535), so such a place is named, not shown.
    let text = text.filter(|(text, lines)| {
        let start = lines.offset(text, loc.line, 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        end - start <= MAX_QUOTED_LINE
    });
    let (source, labels) = match text {
        Some((text, lines)) => {
            let (start, len) = byte_span(text, lines, loc);
            let source = Indexed {
                name: loc.file.clone(),
                text: text.clone(),
                lines: lines.clone(),
            };
            (
                Some(source),
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

/// The width to wrap the human report at on stdout: `COLUMNS` when set to a number (an explicit
/// choice: shells do not export it), else the terminal's when stdout is one. `None` when
/// neither: a file or pipe has no width, and unwrapped lines stay greppable.
pub fn stdout_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok();
    if let Some(width) = columns.and_then(|c| c.trim().parse::<usize>().ok()) {
        // Narrower than this, miette's gutter and arrows leave no room for text.
        return Some(width.max(40));
    }
    terminal_size::terminal_size().map(|(width, _)| usize::from(width.0))
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// Render every finding, a blank line between them, then a one-line summary. Info findings (a
/// changelog: additions, widenings) are folded into a count unless `show_info`. `width` wraps
/// the text (see [`stdout_width`]).
pub fn render(report: &Report, color: bool, show_info: bool, width: Option<usize>) -> String {
    let mut handler = handler(color);
    if let Some(width) = width {
        handler = handler.with_width(width);
    }
    let mut out = String::new();
    // Each source's line index, built once however many findings point into it.
    let mut indexes: HashMap<(Revision, &str), Arc<LineIndex>> = HashMap::new();
    let mut source = |revision: Revision, file: &str| {
        let (key, text) = report
            .sources
            .get_key_value(&(revision, file.to_string()))?;
        let lines = indexes
            .entry((revision, key.1.as_str()))
            .or_insert_with(|| Arc::new(LineIndex::new(text)))
            .clone();
        Some((text, lines))
    };
    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| show_info || f.severity != Severity::Info)
        .collect();
    let folded = report.findings.len() - shown.len();
    for group in shown.chunk_by(|a, b| same_edit(a, b)) {
        let f = group[0];
        let text = source(f.revision, &f.location.file);
        let label = match (f.revision, &f.related) {
            (Revision::Old, _) => "deleted in the new revision",
            (Revision::New, Some(_)) => "here",
            (Revision::New, None) => "here",
        };
        let mut diag = located(
            group_headline(group),
            label,
            &f.location,
            text.as_ref().map(|(t, l)| (*t, l)),
            miette_severity(f.severity),
        );
        diag.code = Some(f.rule.to_string());
        diag.help = Some(format!(
            "{} (treaty explain {})",
            f.rule.doc().summary,
            f.rule
        ));
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = handler.render_report(&mut out, &diag);
        if let Some(r) = &f.related {
            let old_text = source(Revision::Old, &r.file);
            let note = located(
                "in the old revision".to_string(),
                "was here",
                r,
                old_text.as_ref().map(|(t, l)| (*t, l)),
                miette::Severity::Advice,
            );
            let _ = handler.render_report(&mut out, &note);
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    if folded > 0 {
        out.push_str(&format!(
            "{folded} info finding{} not shown (changes that break no client): `--show-info` or `--format json` lists them\n",
            if folded == 1 { "" } else { "s" }
        ));
    }
    out.push_str(&summary_line(report));
    out
}

/// Findings that describe one edit seen from several operations: a shared schema's property
/// removed reads once, with the operations listed, not once per operation with the same
/// snippet. Only the human report groups; machine formats keep one finding per operation.
fn same_edit(a: &Finding, b: &Finding) -> bool {
    a.operation.is_some()
        && b.operation.is_some()
        && a.rule == b.rule
        && a.severity == b.severity
        && a.revision == b.revision
        && a.location == b.location
        && a.related == b.related
        && a.message == b.message
}

/// How many operations a grouped headline names before "and N more".
const OPERATIONS_LISTED: usize = 5;

fn group_headline(group: &[&Finding]) -> String {
    let [one] = group else {
        let operations: Vec<&str> = group
            .iter()
            .filter_map(|f| f.operation.as_deref())
            .collect();
        let mut listed = operations[..operations.len().min(OPERATIONS_LISTED)].join(", ");
        if operations.len() > OPERATIONS_LISTED {
            listed.push_str(&format!(
                " and {} more",
                operations.len() - OPERATIONS_LISTED
            ));
        }
        return format!(
            "{}, in {} operations: {listed}",
            group[0].message,
            operations.len()
        );
    };
    super::headline(one).into_owned()
}

pub fn summary_line(report: &Report) -> String {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (checked, unchanged) = (report.files_checked, report.files_unchanged);
    if report.findings.is_empty() {
        let left_out = match unchanged {
            0 => String::new(),
            _ => format!(", {unchanged} of them unchanged and not compared"),
        };
        format!(
            "treaty: no findings ({checked} contract file{} checked{left_out})\n",
            plural(checked)
        )
    } else {
        // Said with findings too: a reader must know what the comparison did not look at.
        let left_out = match unchanged {
            0 => String::new(),
            _ => format!(
                " ({unchanged} of {checked} contract file{} unchanged and not compared)",
                plural(checked)
            ),
        };
        format!(
            "treaty: {} finding{}: {} error, {} warning, {} info{left_out}\n",
            report.findings.len(),
            plural(report.findings.len()),
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
            Some(Place::At(loc)) => {
                let lines = e.text.as_ref().map(|t| Arc::new(LineIndex::new(t)));
                located(
                    match e.revision_note() {
                        Some(note) => format!("{}, {note}", e.message),
                        None => e.message.clone(),
                    },
                    "here",
                    loc,
                    e.text.as_ref().zip(lines.as_ref()),
                    miette::Severity::Error,
                )
            }
            place => Diag {
                message: match (place, e.revision_note()) {
                    (Some(Place::File(file)), Some(note)) => {
                        format!("{file} ({note}): {}", e.message)
                    }
                    (Some(Place::File(file)), None) => format!("{file}: {}", e.message),
                    _ => e.message.clone(),
                },
                code: None,
                severity: miette::Severity::Error,
                help: None,
                source: None,
                labels: vec![],
            },
        };
        diag.help = e.hint.clone();
        if !out.is_empty() {
            out.push('\n');
        }
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
        let (start, len) = byte_span(text, &LineIndex::new(text), &loc);
        assert_eq!(&text[start..start + len], "é ");
    }

    #[test]
    fn a_place_on_a_very_long_line_is_named_not_quoted() {
        let text: Arc<str> = format!("{{\"a\": [{}1]}}\n", "0, ".repeat(30_000)).into();
        let lines = Arc::new(LineIndex::new(&text));
        let at = Location {
            file: "spec.json".into(),
            line: 1,
            column: 90_001,
            end_line: 1,
            end_column: 90_002,
        };
        let diag = located(
            "bad".into(),
            "here",
            &at,
            Some((&text, &lines)),
            miette::Severity::Error,
        );
        assert!(diag.source.is_none());
        assert_eq!(diag.message, "spec.json:1:90001: bad");
        let mut out = String::new();
        handler(false).render_report(&mut out, &diag).unwrap();
        assert!(out.contains("spec.json:1:90001: bad"), "{out}");
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
