//! Markdown, for a pull-request comment or a job summary.

use std::fmt::Write as _;

use super::Report;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn render(report: &Report) -> String {
    let mut out = String::from("## treaty\n\n");
    if report.findings.is_empty() {
        let left_out = match report.files_unchanged {
            0 => String::new(),
            n => format!(", {n} of them unchanged and not compared"),
        };
        let _ = writeln!(
            out,
            "No findings ({} contract files checked{left_out}).",
            report.files_checked
        );
        return out;
    }
    out.push_str(&super::human::summary_line(report).replace("treaty: ", ""));
    out.push_str("\n| severity | rule | where | what |\n| --- | --- | --- | --- |\n");
    for f in &report.findings {
        let l = &f.location;
        let side = if f.revision == crate::finding::Revision::Old {
            " (old)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}:{}`{} | {} |",
            f.severity.as_str(),
            f.rule,
            cell(&l.file),
            l.line,
            side,
            cell(&super::headline(f))
        );
    }
    out
}
