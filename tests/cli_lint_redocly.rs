//! Redocly's `recommended` set as treaty selects it (`--only redocly:recommended`), through
//! the binary: its opt-in rules run only when selected, and a top-level `security` answers for
//! every operation.

mod common;
use common::treaty;

use std::path::Path;

/// `(rule, line)` of every finding of `treaty lint --format json` with `extra` arguments.
fn findings(dir: &Path, extra: &[&str]) -> Vec<(String, u64)> {
    let mut args = vec!["lint", "--format", "json", "--fail-on", "never"];
    args.extend_from_slice(extra);
    let out = treaty(dir, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// An operation (line 7) without a summary, a 4xx response or security, under a path with a
/// verb (`path-has-verb`, not in Redocly's recommended set) and a trailing slash (line 6).
const SPEC: &str = r#"openapi: 3.0.3
info: {title: t, version: "1", description: d, contact: {name: n}}
servers: [{url: "https://api.example.org"}]
tags: [{name: users, description: Users.}]
paths:
  /v1/getUsers/:
    get:
      operationId: listUsers
      description: Lists users.
      tags: [users]
      responses:
        "200": {description: ok}
"#;

#[test]
fn redocly_recommended_selects_its_rules_and_the_opt_in_ones_only_then() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.yaml"), SPEC).unwrap();
    let mut selected = findings(dir.path(), &["--only", "redocly:recommended"]);
    selected.sort();
    let expected = [
        ("openapi/operation-client-error-response-missing", 11),
        ("openapi/operation-security-missing", 7),
        ("openapi/operation-summary-missing", 7),
        ("openapi/path-trailing-slash", 6),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
    assert_eq!(selected, expected);

    let default: Vec<String> = findings(dir.path(), &[]).into_iter().map(|f| f.0).collect();
    assert!(default.contains(&"openapi/path-has-verb".to_string()));
    assert!(default.contains(&"openapi/path-trailing-slash".to_string()));
    for opt_in in [
        "openapi/operation-client-error-response-missing",
        "openapi/operation-security-missing",
        "openapi/operation-summary-missing",
    ] {
        assert!(!default.contains(&opt_in.to_string()), "{opt_in} is opt-in");
    }
}

#[test]
fn a_top_level_security_answers_for_every_operation() {
    let dir = tempfile::tempdir().unwrap();
    let with_security = SPEC.replace("paths:\n", "security: []\npaths:\n");
    std::fs::write(dir.path().join("openapi.yaml"), with_security).unwrap();
    let rules: Vec<String> = findings(dir.path(), &["--only", "redocly:security-defined"])
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert!(rules.is_empty(), "{rules:?}");
}

#[test]
fn a_bare_recommended_names_no_peer_and_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.yaml"), SPEC).unwrap();
    let out = treaty(dir.path(), &["lint", "--only", "recommended"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`recommended`"));
}
