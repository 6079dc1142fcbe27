//! The JSON contract (version 1). Fields are only ever added, never renamed or removed.
//!
//! Serialised from borrowed views of the findings, in the contract's field order, straight into
//! the output text: a large report (80,000 findings of a whole tree) is not built twice.

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
        errors: errors.iter().map(error_view).collect(),
    };
    // Reserved up front: a report of 100,000 findings is 150 MB of text, and growing it by
    // doubling copied it over and over. Pages never written are never touched.
    let mut text = Vec::with_capacity(estimated_len(report));
    serde_json::to_writer_pretty(&mut text, &document).expect("findings always serialize");
    text.push(b'\n');
    String::from_utf8(text).expect("serde_json writes UTF-8")
}

/// A little more than the pretty text of `report` takes: its fixed fields' share (the keys,
/// indentation and numbers of one finding are about 600 bytes) and the strings it quotes.
fn estimated_len(report: &Report) -> usize {
    let strings = |f: &Finding| {
        let doc = f.rule.doc();
        doc.id.len()
            + doc.aliases.iter().map(|a| a.len() + 16).sum::<usize>()
            + f.message.len()
            + f.location.file.len()
            + f.related.as_ref().map_or(0, |r| r.file.len() + 100)
            + f.operation.as_ref().map_or(0, |o| o.len() + 24)
    };
    let findings: usize = report.findings.iter().map(|f| 640 + strings(f)).sum();
    4096 + findings + findings / 8
}
