//! SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning, GitLab, IDEs).

use serde_json::{json, Value};

use super::Report;
use crate::diag::InputError;
use crate::finding::{Location, Revision, Severity};
use crate::rules::RuleId;

/// Where the tool is documented, from the package metadata (SARIF's `informationUri` must be
/// an absolute URI, so an empty one is left out).
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

/// A relative path as a URI reference: every byte outside the unreserved characters, `/` and
/// a few safe delimiters is percent-encoded (a space, `%`, `#`, `?`, and `:`, which in a first
/// segment would read as a scheme).
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(byte as char),
            b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*'
            | b'+' | b',' | b';' | b'=' | b'@' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn region(l: &Location) -> Value {
    json!({
        "startLine": l.line,
        "startColumn": l.column,
        "endLine": l.end_line,
        "endColumn": l.end_column,
    })
}

/// A location in one revision; one in the base revision says so, since its path may name a
/// file the new revision no longer has (or has with other lines).
fn physical(l: &Location, revision: Revision) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri_reference(&l.file)},
            "region": region(l),
        }
    });
    if revision == Revision::Old {
        location["message"] = json!({"text": "in the base (old) revision"});
        location["properties"] = json!({"revision": Revision::Old});
    }
    location
}

fn rule_descriptor(id: RuleId) -> Value {
    let doc = id.doc();
    let body = doc.body.trim();
    json!({
        "id": doc.id,
        "name": doc.id,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.summary},
        "help": {
            "text": format!("{}\n\n{body}", doc.summary),
            "markdown": format!("{}\n\n{body}", doc.summary),
        },
        "defaultConfiguration": {"level": level(doc.severity)},
        "properties": {"aliases": doc.aliases, "categories": doc.categories},
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(report: &Report) -> String {
    document(report, &[])
}

/// The log of a run that could not read its input: no results, and the errors as the
/// invocation's notifications, the invocation marked unsuccessful.
pub fn render_errors(errors: &[InputError]) -> String {
    document(&Report::default(), errors)
}

fn notification(e: &InputError) -> Value {
    let mut text = e.message.clone();
    if let Some(hint) = &e.hint {
        text.push_str(&format!(" (hint: {hint})"));
    }
    let mut notification = json!({"level": "error", "message": {"text": text}});
    if let Some(file) = e.file() {
        let mut physical = json!({"artifactLocation": {"uri": uri_reference(file)}});
        if let Some(l) = e.location() {
            physical["region"] = json!({"startLine": l.line, "startColumn": l.column});
        }
        notification["locations"] = json!([{ "physicalLocation": physical }]);
    }
    notification
}

fn document(report: &Report, errors: &[InputError]) -> String {
    let mut used: Vec<RuleId> = report.findings.iter().map(|f| f.rule).collect();
    used.sort_unstable();
    used.dedup();
    let descriptors: Vec<Value> = used.iter().map(|&id| rule_descriptor(id)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut message = super::headline(f).into_owned();
            if f.revision == Revision::Old {
                message.push_str(" (old revision)");
            }
            let mut result = json!({
                "ruleId": f.rule.as_str(),
                "ruleIndex": used.binary_search(&f.rule).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": message},
                "locations": [physical(&f.location, f.revision)],
                "properties": {"revision": f.revision},
            });
            if let Some(op) = &f.operation {
                result["properties"]["operation"] = json!(op);
            }
            if let Some(r) = &f.related {
                let mut related = physical(r, Revision::Old);
                related["id"] = json!(1);
                result["relatedLocations"] = json!([related]);
            }
            result
        })
        .collect();
    let mut driver = json!({
        "name": "treaty",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": descriptors,
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = json!(uri);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": errors.iter().map(notification).collect::<Vec<_>>(),
            }],
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_reference("api/pet store.yaml"), "api/pet%20store.yaml");
        assert_eq!(
            uri_reference("a:b/100%#x?.proto"),
            "a%3Ab/100%25%23x%3F.proto"
        );
        assert_eq!(uri_reference("dir/ünï.proto"), "dir/%C3%BCn%C3%AF.proto");
    }
}
