//! The JSON contract (version 1). Fields are only ever added, never renamed or removed.

use serde_json::{json, Map, Value};

use super::Report;
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let doc = f.rule.doc();
            let mut obj = Map::new();
            obj.insert("rule".into(), json!(doc.id));
            obj.insert("aliases".into(), json!(doc.aliases));
            obj.insert("kind".into(), json!(doc.kind));
            obj.insert("protocol".into(), json!(doc.protocol));
            obj.insert("severity".into(), json!(f.severity));
            obj.insert("message".into(), json!(f.message));
            obj.insert("file".into(), json!(f.location.file));
            obj.insert("line".into(), json!(f.location.line));
            obj.insert("column".into(), json!(f.location.column));
            obj.insert("end_line".into(), json!(f.location.end_line));
            obj.insert("end_column".into(), json!(f.location.end_column));
            obj.insert("revision".into(), json!(f.revision));
            if let Some(r) = &f.related {
                obj.insert(
                    "related".into(),
                    json!({"file": r.file, "line": r.line, "column": r.column}),
                );
            }
            if let Some(op) = &f.operation {
                obj.insert("operation".into(), json!(op));
            }
            Value::Object(obj)
        })
        .collect();
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let doc = json!({
        "version": 1,
        "findings": findings,
        "summary": {
            "total": report.findings.len(),
            "error": count(Severity::Error),
            "warning": count(Severity::Warning),
            "info": count(Severity::Info),
            "files_checked": report.files_checked,
        }
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    text.push('\n');
    text
}
