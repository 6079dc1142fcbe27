//! GitLab Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues,
//! each with a description, check name, fingerprint, severity and location.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::Report;
use crate::diag::InputError;
use crate::finding::{Revision, Severity};

/// FNV-1a, 128 bits: our own few lines, stable across versions and platforms, which GitLab
/// needs to match an issue in the merge request with the same one on the target branch.
fn fnv1a_128(parts: &[&str]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let mut hash = OFFSET;
    for part in parts {
        // A separator byte that cannot occur in UTF-8 keeps ("ab", "c") apart from ("a", "bc").
        for byte in part.bytes().chain([0xff]) {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn render(report: &Report) -> String {
    // The fingerprint leaves out the line so that an issue keeps its identity when lines move
    // above it; identical issues in one file are told apart by their order.
    let mut seen: HashMap<(&str, &str, String), usize> = HashMap::new();
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut description = super::headline(f).into_owned();
            if f.revision == Revision::Old {
                description.push_str(" (old revision)");
            }
            let key = (
                f.rule.as_str(),
                f.location.file.as_str(),
                description.clone(),
            );
            let occurrence = seen.entry(key).or_insert(0);
            *occurrence += 1;
            let fingerprint = fnv1a_128(&[
                f.rule.as_str(),
                &f.location.file,
                &description,
                &occurrence.to_string(),
            ]);
            json!({
                "type": "issue",
                "engine_name": "treaty",
                "check_name": f.rule.as_str(),
                "description": description,
                "fingerprint": format!("{fingerprint:032x}"),
                "severity": severity(f.severity),
                "location": {
                    "path": f.location.file,
                    "lines": {"begin": f.location.line},
                },
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// A run that could not read its input (exit 2) as blocker issues, so the merge request shows
/// why nothing was checked instead of an empty, passing report.
pub fn render_errors(errors: &[InputError]) -> String {
    let issues: Vec<Value> = errors
        .iter()
        .map(|e| {
            let file = e.file().unwrap_or("");
            let line = e.location().map_or(1, |l| l.line);
            json!({
                "type": "issue",
                "engine_name": "treaty",
                "check_name": "treaty/input-error",
                "description": e.message,
                "fingerprint": format!("{:032x}", fnv1a_128(&["treaty/input-error", file, &e.message])),
                "severity": "blocker",
                "location": {"path": file, "lines": {"begin": line}},
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).expect("JSON values always serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn input_errors_are_blocker_issues_at_their_place() {
        let errors = [InputError::at(
            "bad",
            crate::finding::Location::point("a.proto", 3, 1),
            None,
        )];
        let issues: Value = serde_json::from_str(&render_errors(&errors)).unwrap();
        assert_eq!(issues[0]["severity"], "blocker");
        assert_eq!(issues[0]["location"]["path"], "a.proto");
        assert_eq!(issues[0]["location"]["lines"]["begin"], 3);
    }

    use super::*;
    use crate::finding::{Finding, Location};
    use crate::rules::RuleId;

    fn finding(rule: &str, line: u32, message: &str) -> Finding {
        Finding {
            rule: RuleId::of(rule),
            severity: Severity::Error,
            message: message.to_string(),
            location: Location::point("api/shop.proto", line, 3),
            revision: Revision::New,
            related: None,
            operation: None,
            element: None,
        }
    }

    fn issues(report: &Report) -> Vec<Value> {
        serde_json::from_str::<Value>(&render(report))
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    #[test]
    fn issues_carry_gitlab_fields_and_stable_distinct_fingerprints() {
        let rule = "proto/field-same-type";
        let report = Report {
            findings: vec![
                finding(rule, 10, "field 1 changed type"),
                finding(rule, 20, "field 1 changed type"),
                finding(rule, 30, "field 2 changed type"),
            ],
            ..Report::default()
        };
        let first = issues(&report);
        assert_eq!(first.len(), 3);
        assert_eq!(first[0]["check_name"], rule);
        assert_eq!(first[0]["severity"], "major");
        assert_eq!(first[0]["location"]["path"], "api/shop.proto");
        assert_eq!(first[0]["location"]["lines"]["begin"], 10);
        let prints: Vec<&str> = first
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(prints[0].len(), 32);
        assert!(prints[0] != prints[1] && prints[1] != prints[2] && prints[0] != prints[2]);

        // Lines moving (an edit above) leave every fingerprint as it was.
        let moved = Report {
            findings: vec![
                finding(rule, 15, "field 1 changed type"),
                finding(rule, 25, "field 1 changed type"),
                finding(rule, 35, "field 2 changed type"),
            ],
            ..Report::default()
        };
        let again: Vec<Value> = issues(&moved)
            .iter()
            .map(|i| i["fingerprint"].clone())
            .collect();
        assert_eq!(again, prints);
    }

    #[test]
    fn no_findings_is_an_empty_array() {
        assert_eq!(render(&Report::default()), "[]\n");
    }
}
