//! SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning, GitLab, IDEs).

use serde_json::{json, Value};

use super::Report;
use crate::finding::{Location, Revision, Severity};
use crate::rules::RuleId;

fn region(l: &Location) -> Value {
    json!({
        "startLine": l.line,
        "startColumn": l.column,
        "endLine": l.end_line,
        "endColumn": l.end_column,
    })
}

pub fn render(report: &Report) -> String {
    let mut used: Vec<RuleId> = report.findings.iter().map(|f| f.rule).collect();
    used.sort_unstable();
    used.dedup();
    let descriptors: Vec<Value> = used
        .iter()
        .map(|id| {
            let doc = id.doc();
            json!({
                "id": doc.id,
                "shortDescription": {"text": doc.summary},
                "properties": {"aliases": doc.aliases},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            let mut result = json!({
                "ruleId": f.rule.as_str(),
                "ruleIndex": used.binary_search(&f.rule).unwrap_or(0),
                "level": level,
                "message": {"text": super::headline(f)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.location.file},
                        "region": region(&f.location),
                    }
                }],
                "properties": {"revision": f.revision},
            });
            if let Some(op) = &f.operation {
                result["properties"]["operation"] = json!(op);
            }
            if let Some(r) = &f.related {
                result["relatedLocations"] = json!([{
                    "id": 1,
                    "message": {"text": "in the old revision"},
                    "physicalLocation": {
                        "artifactLocation": {"uri": r.file},
                        "region": region(r),
                    }
                }]);
            }
            if f.revision == Revision::Old {
                result["message"]["text"] = json!(format!("{} (old revision)", super::headline(f)));
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "treaty",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    text.push('\n');
    text
}
