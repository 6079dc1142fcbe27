//! JUnit XML: one test case per rule that ran into findings, one failure per finding, so CI
//! systems that only read test reports still show them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Report;
use crate::finding::Finding;

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

pub fn render(report: &Report) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"treaty\" tests=\"{}\" failures=\"{}\">",
        by_rule.len().max(1),
        report.findings.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"treaty\" tests=\"{}\" failures=\"{}\">",
        by_rule.len().max(1),
        report.findings.len()
    );
    if by_rule.is_empty() {
        out.push_str("    <testcase classname=\"treaty\" name=\"contracts\"/>\n");
    }
    for (rule, findings) in &by_rule {
        let _ = writeln!(
            out,
            "    <testcase classname=\"treaty\" name=\"{}\">",
            escape(rule)
        );
        for f in findings {
            let l = &f.location;
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}:{}:{}: {}</failure>",
                f.severity.as_str(),
                escape(&super::headline(f)),
                escape(&l.file),
                l.line,
                l.column,
                escape(&super::headline(f))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
