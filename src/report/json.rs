//! The JSON contract (version 1). Fields are only ever added, never renamed or removed.
//!
//! Serialised from borrowed views of the findings, in the contract's field order, straight into
//! the output text: a large report (80,000 findings of a whole tree) is not built twice.

use rayon::prelude::*;
use serde::Serialize;

use super::Report;
use crate::diag::InputError;
use crate::finding::{Finding, Revision, Severity};
use crate::rules::{Kind, Protocol};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<FindingView<'a>>,
    summary: Summary,
    /// The base revision compared against (`breaking`, `check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<&'a super::Base>,
    /// Inputs that could not be read (the run exited 2): only present when there are some,
    /// so a CI tool reading the report sees why it holds no findings.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: Vec<ErrorView<'a>>,
}

#[derive(Serialize)]
struct ErrorView<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    /// `old` or `new` when the file was read from one side of a comparison only.
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<Revision>,
}

fn error_view(e: &InputError) -> ErrorView<'_> {
    ErrorView {
        message: &e.message,
        file: e.file(),
        line: e.location().map(|l| l.line),
        column: e.location().map(|l| l.column),
        hint: e.hint.as_deref(),
        revision: e.revision,
    }
}

#[derive(Serialize)]
struct FindingView<'a> {
    rule: &'a str,
    aliases: &'a [&'a str],
    kind: Kind,
    protocol: Protocol,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    revision: Revision,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<Related<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<&'a str>,
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    error: usize,
    warning: usize,
    info: usize,
    files_checked: usize,
    files_unchanged: usize,
}

fn view(f: &Finding) -> FindingView<'_> {
    let doc = f.rule.doc();
    FindingView {
        rule: doc.id,
        aliases: doc.aliases,
        kind: doc.kind,
        protocol: doc.protocol,
        severity: f.severity,
        message: &f.message,
        file: &f.location.file,
        line: f.location.line,
        column: f.location.column,
        end_line: f.location.end_line,
        end_column: f.location.end_column,
        revision: f.revision,
        related: f.related.as_ref().map(|r| Related {
            file: &r.file,
            line: r.line,
            column: r.column,
        }),
        operation: f.operation.as_deref(),
    }
}

pub fn render(report: &Report) -> String {
    document(report, &[])
}

/// The report of a run that could not read its input: no findings, and the errors.
pub fn render_errors(errors: &[InputError]) -> String {
    document(&Report::default(), errors)
}

fn document(report: &Report, errors: &[InputError]) -> String {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let document = Document {
        version: 1,
        findings: Vec::new(),
        summary: Summary {
            total: report.findings.len(),
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
            files_checked: report.files_checked,
            files_unchanged: report.files_unchanged,
        },
        base: report.base.as_ref(),
        errors: errors.iter().map(error_view).collect(),
    };
    let mut frame = Vec::new();
    serde_json::to_writer_pretty(&mut frame, &document).expect("findings always serialize");
    // The findings go where the frame holds an empty array, written in parallel: a report of
    // 100,000 findings is 150 MB of text. Reserved up front, as growing it by doubling copied
    // it over and over; pages never written are never touched.
    const EMPTY: &[u8] = b"\"findings\": []";
    let close = memchr::memmem::find(&frame, EMPTY).expect("the frame has a findings array")
        + EMPTY.len()
        - 1;
    let chunks: Vec<Vec<u8>> = (report.findings.par_chunks(2048))
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.iter().map(estimated_finding_len).sum());
            for f in chunk {
                // As an element of the array: after `,` (dropped before the first), two levels in.
                out.extend_from_slice(b",\n    ");
                let mut element = serde_json::Serializer::with_formatter(&mut out, Pretty::at(2));
                view(f)
                    .serialize(&mut element)
                    .expect("findings always serialize");
            }
            out
        })
        .collect();
    let mut text = Vec::with_capacity(frame.len() + chunks.iter().map(Vec::len).sum::<usize>() + 4);
    text.extend_from_slice(&frame[..close]);
    if let Some((first, rest)) = chunks.split_first() {
        text.extend_from_slice(&first[1..]);
        for chunk in rest {
            text.extend_from_slice(chunk);
        }
        text.extend_from_slice(b"\n  ");
    }
    text.extend_from_slice(&frame[close..]);
    text.push(b'\n');
    String::from_utf8(text).expect("serde_json writes UTF-8")
}

/// serde_json's pretty layout (two spaces a level) starting some levels in, so that a finding
/// written on its own reads as it would inside the document.
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn at(level: usize) -> Pretty {
        Pretty {
            level,
            has_value: false,
        }
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, true)?;
        }
        w.write_all(bracket)
    }

    /// A line break (after a comma unless `first`) and this level's indent.
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A little more than the pretty text of one finding takes: its fixed fields' share (the keys,
/// indentation and numbers are about 600 bytes) and the strings it quotes.
fn estimated_finding_len(f: &Finding) -> usize {
    let doc = f.rule.doc();
    640 + doc.id.len()
        + doc.aliases.iter().map(|a| a.len() + 16).sum::<usize>()
        + f.message.len()
        + f.location.file.len()
        + f.related.as_ref().map_or(0, |r| r.file.len() + 100)
        + f.operation.as_ref().map_or(0, |o| o.len() + 24)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::rules::RuleId;

    fn at(file: &str, line: u32) -> Location {
        Location {
            file: file.into(),
            line,
            column: 3,
            end_line: line + 1,
            end_column: 1,
        }
    }

    /// What the document was before its findings were written apart: one pretty writer.
    fn written_whole(report: &Report) -> String {
        let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
        let whole = Document {
            version: 1,
            findings: report.findings.iter().map(view).collect(),
            summary: Summary {
                total: report.findings.len(),
                error: count(Severity::Error),
                warning: count(Severity::Warning),
                info: count(Severity::Info),
                files_checked: report.files_checked,
                files_unchanged: report.files_unchanged,
            },
            base: report.base.as_ref(),
            errors: Vec::new(),
        };
        serde_json::to_string_pretty(&whole).unwrap() + "\n"
    }

    /// The findings written in parallel chunks and spliced in read exactly as the document
    /// one pretty writer wrote: rules with and without aliases, a related place or none, an
    /// operation or none, text that needs escaping, several chunks; and no findings at all.
    #[test]
    fn findings_written_apart_read_as_one_pretty_document() {
        let rules = [
            RuleId::of("proto/field-same-type"),
            RuleId::of("openapi/error-shape-drift"),
        ];
        assert!(!rules[0].doc().aliases.is_empty() && rules[1].doc().aliases.is_empty());
        let findings: Vec<Finding> = (0..5000u32)
            .map(|i| {
                let rule = rules[i as usize % 2];
                Finding {
                    rule,
                    severity: rule.doc().severity,
                    message: format!("change {i}: \"quoted\"\n\tü"),
                    location: at(&format!("dir/f{}.yaml", i % 7), i),
                    revision: if i % 3 == 0 {
                        Revision::Old
                    } else {
                        Revision::New
                    },
                    related: (i % 2 == 0).then(|| at("old.yaml", i)),
                    operation: (i % 5 == 0).then(|| format!("GET /p/{i}")),
                    element: None,
                }
            })
            .collect();
        let report = Report {
            findings,
            files_checked: 9,
            base: Some(super::super::Base {
                revision: "main".into(),
                commit: None,
            }),
            ..Report::default()
        };
        assert_eq!(render(&report), written_whole(&report));
        let empty = Report::default();
        assert_eq!(render(&empty), written_whole(&empty));
    }
}
