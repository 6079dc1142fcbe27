//! A spec whose containers are of the wrong kind (`paths` a list, an operation a string) would be
//! compared as empty: it is an input error at its line (exit 2) instead.

mod common;
use common::treaty;

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

const GOOD: &str = "paths:\n  /v1/pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: string}\n";

/// `(exit code, first error's message and line)` of linting and of diffing a good spec to it.
fn refused(body: &str) -> Vec<(i32, String, u64)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), format!("{HEAD}{GOOD}")).unwrap();
    std::fs::write(dir.path().join("bad.yaml"), format!("{HEAD}{body}")).unwrap();
    [
        vec!["lint", "bad.yaml", "--format", "json"],
        vec!["diff", "good.yaml", "bad.yaml", "--format", "json"],
    ]
    .iter()
    .map(|args| {
        let out = treaty(dir.path(), args);
        let text = String::from_utf8_lossy(&out.stdout);
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let error = &json["errors"][0];
        (
            out.status.code().unwrap(),
            error["message"].as_str().unwrap_or_default().to_string(),
            error["line"].as_u64().unwrap_or_default(),
        )
    })
    .collect()
}

#[test]
fn containers_of_the_wrong_kind_are_exit_2_at_their_line() {
    let cases = [
        ("paths:\n  - /v1/pets\n", "`paths` must be a map of paths to path items, found a list", 4),
        ("paths:\n  /v1/pets: [get]\n", "`/v1/pets` must be a path item (a map of operations), found a list", 4),
        ("paths:\n  /v1/pets:\n    get: list pets\n", "`get` must be an operation (a map), found a string", 5),
        ("paths:\n  /v1/pets:\n    get:\n      responses: [200]\n", "`responses` must be a map of statuses to responses, found a list", 6),
        ("paths:\n  /v1/pets:\n    get:\n      parameters: {limit: 1}\n", "`parameters` must be a list of parameters, found a map", 6),
        ("paths:\n  /v1/pets:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: [string]\n", "`schema` must be a schema (a map), found a list", 10),
        ("components:\n  schemas: [Pet]\n", "`schemas` must be a map of schemas, found a list", 4),
    ];
    for (body, message, line) in cases {
        for (code, got, got_line) in refused(body) {
            assert_eq!(code, 2, "{body}");
            assert_eq!(got, message, "{body}");
            assert_eq!(got_line, line, "{body}");
        }
    }
}

#[test]
fn what_openapi_allows_is_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    // An empty path item, `paths:` with nothing, boolean schemas in 3.1, extensions of any kind.
    let spec = format!(
        "{HEAD}x-list: [1]\npaths:\n  /v1/health:\n  /v1/pets:\n    x-tags: 3\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: true\ncomponents:\n  schemas:\n    Anything: true\n"
    );
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    let out = treaty(dir.path(), &["diff", "spec.yaml", "spec.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.path().join("empty.yaml"), format!("{HEAD}paths:\n")).unwrap();
    let out = treaty(dir.path(), &["diff", "empty.yaml", "empty.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_error_far_along_a_one_line_spec_is_exit_2_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // Minified JSON: a duplicate key past column 70,000 of its only line.
    let filler = "0,".repeat(40_000);
    let spec = format!(
        "{{\"openapi\":\"3.0.3\",\"info\":{{\"title\":\"t\",\"version\":\"1\"}},\"x-filler\":[{filler}0],\"paths\":{{}},\"paths\":{{}}}}"
    );
    std::fs::write(dir.path().join("spec.json"), spec).unwrap();
    let out = treaty(dir.path(), &["lint", "spec.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("spec.json:1:"), "{stderr}");
    assert!(
        stderr.len() < 2_000,
        "the line is named, not quoted: {stderr}"
    );
}
