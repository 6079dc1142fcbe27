//! The API guide's house conventions as `treaty.toml` sets them (`[lint.errors]`,
//! `[lint.urls]`), and the opt-in categories (`owasp`, `HEADERS`), through the binary.

mod common;
use common::{treaty, write};

use std::path::Path;

/// `(rule, line)` of every finding of `rules` in `treaty lint --format json`.
fn findings(dir: &Path, extra: &[&str], rules: &[&str]) -> Vec<(String, u64)> {
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
        .filter(|f| rules.contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Error bodies in three shapes: the guide's envelope (line 12), a flat body (line 22) and
/// problem details (line 29).
const ERRORS: &str = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/orders:
    get:
      responses:
        "200": {description: ok}
        "400":
          description: envelope
          content:
            application/json:
              schema:
                type: object
                properties:
                  error:
                    type: object
                    properties: {code: {type: string}, message: {type: string}, details: {type: array}}
        "404":
          description: flat
          content:
            application/json:
              schema:
                type: object
                properties: {code: {type: string}, message: {type: string}, details: {type: array}}
        "500":
          description: problem
          content:
            application/problem+json:
              schema:
                type: object
                properties: {type: {type: string}, title: {type: string}, status: {type: integer}, detail: {type: string}}
"#;

const SHAPE: &[&str] = &["openapi/error-shape-nonstandard"];

#[test]
fn the_house_error_shape_is_the_guide_s_envelope_unless_configured() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", ERRORS);
    let lines = |toml: Option<&str>| -> Vec<u64> {
        if let Some(toml) = toml {
            write(dir.path(), "treaty.toml", toml);
        }
        findings(dir.path(), &[], SHAPE)
            .into_iter()
            .map(|(_, line)| line)
            .collect()
    };
    assert_eq!(lines(None), [22, 29], "default: the envelope");
    assert_eq!(lines(Some("[lint.errors]\nshape = \"flat\"\n")), [12, 29]);
    assert_eq!(
        lines(Some("[lint.errors]\nshape = \"problem\"\n")),
        [12, 22]
    );
    // The fields are the house's: a flat body that only needs code and message.
    assert_eq!(
        lines(Some(
            "[lint.errors]\nshape = \"flat\"\nfields = [\"code\", \"message\"]\n"
        )),
        [12, 29]
    );
    assert_eq!(
        lines(Some(
            "[lint.errors]\nshape = \"envelope\"\nfields = [\"code\", \"retry\"]\n"
        )),
        [12, 22, 29],
        "no body has a 'retry' field"
    );
    assert_eq!(
        lines(Some("[lint.errors]\nenvelope = \"fault\"\n")),
        [12, 22, 29],
        "no body wraps its fields in 'fault'"
    );
}

#[test]
fn error_shapes_that_differ_within_a_spec_are_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", ERRORS);
    write(
        dir.path(),
        "treaty.toml",
        "[lint.errors]\nshape = \"flat\"\n",
    );
    // Default selection: where the body also misses the house shape, that finding replaces
    // the drift one.
    let all = findings(
        dir.path(),
        &[],
        &[
            "openapi/error-shape-nonstandard",
            "openapi/error-shape-inconsistent",
        ],
    );
    assert_eq!(
        all,
        [
            ("openapi/error-shape-nonstandard".to_string(), 12),
            ("openapi/error-shape-nonstandard".to_string(), 29)
        ]
    );
    // Selected alone, the drift rule reports the bodies unlike the house shape, which one of
    // them follows (three shapes, one use each: no majority could say which is right).
    let drift = findings(
        dir.path(),
        &["--only", "openapi/error-shape-inconsistent"],
        &["openapi/error-shape-inconsistent"],
    );
    assert_eq!(
        drift,
        [
            ("openapi/error-shape-inconsistent".to_string(), 12),
            ("openapi/error-shape-inconsistent".to_string(), 29)
        ]
    );
}

#[test]
fn a_configuration_value_treaty_does_not_know_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", ERRORS);
    for (toml, expected) in [
        ("[lint.errors]\nshape = \"rfc7807\"\n", "treaty.toml:2:9"),
        ("[lint.errors]\nfields = []\n", "treaty.toml:2:10"),
        (
            "[lint.urls]\n\ncasing = \"PascalCase\"\n",
            "treaty.toml:3:10",
        ),
        ("[lint.urls]\ncase = \"kebab-case\"\n", "treaty.toml:2:1"),
    ] {
        write(dir.path(), "treaty.toml", toml);
        let out = treaty(dir.path(), &["lint"]);
        assert_eq!(out.status.code(), Some(2), "{toml}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{toml}: {stderr}");
    }
}

const URLS: &str = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/user:
    get: {responses: {"200": {description: ok}}}
  /v1/user/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /v1/order_items:
    get: {responses: {"200": {description: ok}}}
  /v1/orderNotes:
    get: {responses: {"200": {description: ok}}}
"#;

const SEGMENTS: &[&str] = &[
    "openapi/path-segment-case",
    "openapi/path-segment-not-plural",
];

#[test]
fn segment_casing_and_exceptions_come_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", URLS);
    let found = |toml: &str| {
        write(dir.path(), "treaty.toml", toml);
        findings(dir.path(), &[], SEGMENTS)
    };
    let case = |line| ("openapi/path-segment-case".to_string(), line);
    let plural = ("openapi/path-segment-not-plural".to_string(), 6);
    assert_eq!(found(""), [plural.clone(), case(10), case(12)]);
    assert_eq!(
        found("[lint.urls]\ncasing = \"snake_case\"\n"),
        [plural.clone(), case(12)]
    );
    assert_eq!(
        found("[lint.urls]\ncasing = \"camelCase\"\n"),
        [plural.clone(), case(10)]
    );
    assert_eq!(
        found("[lint.urls]\nexceptions = [\"user\", \"orderNotes\"]\n"),
        [case(10)]
    );
}

#[test]
fn google_api_http_routes_follow_the_same_settings_with_their_own_default_casing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "acme/v1/shelves.proto",
        r#"syntax = "proto3";
package acme.v1;
import "google/api/annotations.proto";
service ShelfService {
  rpc GetShelf(GetShelfRequest) returns (GetShelfResponse) {
    option (google.api.http) = {get: "/v1/{name=shelf/*}/readingLists"};
  }
}
message GetShelfRequest { string name = 1; }
message GetShelfResponse { string name = 1; }
"#,
    );
    let rules = &["proto/http-segment-case", "proto/http-segment-not-plural"];
    let only_plural = vec![("proto/http-segment-not-plural".to_string(), 6)];
    assert_eq!(findings(dir.path(), &[], rules), only_plural, "camelCase");
    write(
        dir.path(),
        "treaty.toml",
        "[lint.urls]\ncasing = \"kebab-case\"\n",
    );
    assert_eq!(
        findings(dir.path(), &[], rules),
        [
            ("proto/http-segment-case".to_string(), 6),
            ("proto/http-segment-not-plural".to_string(), 6)
        ]
    );
    write(
        dir.path(),
        "treaty.toml",
        "[lint.urls]\ncasing = \"kebab-case\"\nexceptions = [\"shelf\", \"readingLists\"]\n",
    );
    assert_eq!(findings(dir.path(), &[], rules), []);
}

const LIMITS: &str = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/orders:
    post:
      parameters:
        - {name: Idempotency-Key, in: header, schema: {type: string}}
      responses:
        "201":
          description: created
          headers:
            Location: {schema: {type: string}}
            X-Request-Id: {schema: {type: string}}
        "429":
          description: slow down
          content:
            application/json:
              schema:
                type: object
                properties:
                  ids: {type: array, items: {type: integer}}
"#;

#[test]
fn opt_in_rules_run_only_when_selected_by_category_id_or_alias() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", LIMITS);
    let owasp = &[
        "openapi/array-max-items-missing",
        "openapi/integer-bounds-missing",
        "openapi/retry-after-missing",
        "openapi/idempotency-key-missing",
        "openapi/request-id-missing",
    ];
    let rules_of = |extra: &[&str]| -> Vec<String> {
        let mut rules: Vec<String> = findings(dir.path(), extra, owasp)
            .into_iter()
            .map(|(rule, _)| rule)
            .collect();
        rules.dedup();
        rules
    };
    // By default only the guide's own Retry-After rule.
    assert_eq!(rules_of(&[]), ["openapi/retry-after-missing"]);
    // The owasp category: Spectral's Retry-After check is the same rule, one finding.
    assert_eq!(
        rules_of(&["--only", "owasp"]),
        [
            "openapi/retry-after-missing",
            "openapi/array-max-items-missing",
            "openapi/integer-bounds-missing"
        ]
    );
    assert_eq!(
        findings(
            dir.path(),
            &["--only", "owasp:api4:2023-rate-limit-retry-after"],
            owasp
        ),
        [("openapi/retry-after-missing".to_string(), 14)]
    );
    assert_eq!(
        rules_of(&["--only", "owasp:api4:2023-integer-limit-legacy"]),
        ["openapi/integer-bounds-missing"]
    );
    // HEADERS: the POST takes its key, but the 429 has no request id.
    assert_eq!(
        findings(dir.path(), &["--only", "HEADERS"], owasp),
        [("openapi/request-id-missing".to_string(), 14)]
    );
    // A treaty.toml `use` selects them too.
    write(
        dir.path(),
        "treaty.toml",
        "[lint]\nuse = [\"owasp:api4:2023-array-limit\"]\n",
    );
    assert_eq!(rules_of(&[]), ["openapi/array-max-items-missing"]);
}
