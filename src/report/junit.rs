//! JUnit XML: one test case per finding, named by its rule and location, so CI systems that
//! only read test reports still show them. Findings at or above `--fail-on` are failures; the
//! others pass, with the finding as their output, so the counts agree with the exit code.

use std::fmt::Write as _;

use super::Report;
use crate::diag::InputError;
use crate::finding::{Finding, Revision, Severity};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One test case (its lines), and whether it failed or errored.
struct Case {
    xml: String,
    failed: bool,
    errored: bool,
}

fn finding_case(f: &Finding, fail_at: Option<Severity>) -> Case {
    let l = &f.location;
    let side = match f.revision {
        Revision::New => "",
        Revision::Old => " (base revision)",
    };
    let place = format!("{}:{}:{}{side}", l.file, l.line, l.column);
    let headline = super::headline(f);
    let failed = fail_at.is_some_and(|t| f.severity >= t);
    let mut xml = format!(
        "    <testcase classname=\"treaty\" name=\"{} at {}\" file=\"{}\" line=\"{}\">\n",
        escape(f.rule.as_str()),
        escape(&place),
        escape(&l.file),
        l.line
    );
    let detail = escape(&format!(
        "{place}: {}[{}] {headline}",
        f.severity.as_str(),
        f.rule
    ));
    if failed {
        let _ = writeln!(
            xml,
            "      <failure type=\"{}\" message=\"{}\">{detail}</failure>",
            f.severity.as_str(),
            escape(&headline),
        );
    } else {
        let _ = writeln!(xml, "      <system-out>{detail}</system-out>");
    }
    xml.push_str("    </testcase>\n");
    Case {
        xml,
        failed,
        errored: false,
    }
}

fn error_case(e: &InputError) -> Case {
    let name = match e.place.as_ref() {
        Some(place) => format!("input error at {place}"),
        None => "input error".to_string(),
    };
    let mut xml = format!(
        "    <testcase classname=\"treaty\" name=\"{}\"",
        escape(&name)
    );
    if let Some(file) = e.file() {
        let _ = write!(xml, " file=\"{}\"", escape(file));
    }
    if let Some(l) = e.location() {
        let _ = write!(xml, " line=\"{}\"", l.line);
    }
    let _ = writeln!(
        xml,
        ">\n      <error type=\"input\" message=\"{}\">{}</error>\n    </testcase>",
        escape(&e.message),
        escape(&e.to_string())
    );
    Case {
        xml,
        failed: false,
        errored: true,
    }
}

fn document(cases: Vec<Case>) -> String {
    let tests = cases.len();
    let failures = cases.iter().filter(|c| c.failed).count();
    let errors = cases.iter().filter(|c| c.errored).count();
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"treaty\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"treaty\" {counts} skipped=\"0\">");
    for case in cases {
        out.push_str(&case.xml);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// `fail_at`: the `--fail-on` severity (`None` for `never`: nothing fails).
pub fn render(report: &Report, fail_at: Option<Severity>) -> String {
    if report.findings.is_empty() {
        // A suite without cases reads as "nothing ran" to some CI tools.
        return document(vec![Case {
            xml: "    <testcase classname=\"treaty\" name=\"contracts\"/>\n".to_string(),
            failed: false,
            errored: false,
        }]);
    }
    document(
        report
            .findings
            .iter()
            .map(|f| finding_case(f, fail_at))
            .collect(),
    )
}

/// The report of a run that could not read its input: one errored case per error.
pub fn render_errors(errors: &[InputError]) -> String {
    document(errors.iter().map(error_case).collect())
}
