//! `treaty init`: a starter treaty.toml that loads, carries over buf.yaml and .spectral.yaml,
//! and never replaces a config without `--force`.

mod common;
use common::{treaty, write};

use std::path::Path;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// (rule, file) of each finding of `treaty lint`.
fn lint(dir: &Path) -> Vec<(String, String)> {
    let out = treaty(dir, &["lint", "--format", "json"]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap().iter().map(|f| {
        (
            f["rule"].as_str().unwrap().to_string(),
            f["file"].as_str().unwrap().to_string(),
        )
    });
    findings.collect()
}

const SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1', description: d, contact: {name: n}}
paths:
  /v1/getUsers:
    get:
      description: d
      tags: [users]
      responses:
        '200': {description: ok}
servers: [{url: 'https://api.example.org'}]
tags: [{name: users}]
";

#[test]
fn init_writes_a_starter_that_loads_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "openapi.yaml", SPEC);
    let out = treaty(d, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("wrote treaty.toml\n"));
    let written = std::fs::read_to_string(d.join("treaty.toml")).unwrap();
    assert!(written.contains("[severity]") && written.contains("# [[overrides]]"));
    // It loads, and its defaults are treaty's.
    let rules: Vec<String> = lint(d).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        ["openapi/path-has-verb", "openapi/operation-id-missing"]
    );

    std::fs::write(d.join("treaty.toml"), "# mine\n").unwrap();
    let again = treaty(d, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr)
            .contains("treaty.toml: already exists; `treaty init --force` replaces it"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("treaty.toml")).unwrap(),
        "# mine\n"
    );
    let forced = treaty(d, &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(d.join("treaty.toml")).unwrap(),
        written
    );
}

#[test]
fn init_carries_over_buf_yaml_and_spectral_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api/openapi.yaml", SPEC);
    // Unversioned packages (lint), one under a module directory and one under an ignored one.
    let proto = |package: &str| {
        format!("syntax = \"proto3\";\npackage {package};\nmessage User {{ string id = 1; }}\n")
    };
    write(d, "proto/acme/user.proto", &proto("acme"));
    write(d, "proto/legacy/old.proto", &proto("legacy"));
    write(
        d,
        "buf.yaml",
        "version: v2
modules:
  - path: proto
breaking:
  use: [WIRE_JSON]
  except: [FIELD_SAME_JSON_NAME]
lint:
  except: [PACKAGE_DIRECTORY_MATCH]
  ignore: [proto/legacy]
",
    );
    write(
        d,
        ".spectral.yaml",
        "extends: [[spectral:oas, recommended]]
rules:
  operation-operationId: off
  operation-tags: error
  no-such-rule: warn
",
    );
    let before = lint(d);
    let out = treaty(d, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let notes = text(&out.stdout);
    for note in [
        "read buf.yaml (v2)",
        "roots: proto",
        "read .spectral.yaml",
        "extends spectral:oas: treaty runs its recommended rules by default",
        "rule no-such-rule: no treaty equivalent, left out",
    ] {
        assert!(notes.contains(note), "{note}: {notes}");
    }
    let written = std::fs::read_to_string(d.join("treaty.toml")).unwrap();
    for line in [
        "roots = [\"proto\"]",
        "use = [\"WIRE_JSON\"]",
        "except = [\"FIELD_SAME_JSON_NAME\"]",
        "except = [\"PACKAGE_DIRECTORY_MATCH\", \"spectral:operation-operationId\"]",
        "ignore = [\"proto/legacy\"]",
        "\"spectral:operation-tags\" = \"error\"",
    ] {
        assert!(written.contains(line), "{line}:\n{written}");
    }
    // With treaty.toml in charge: the spec's missing operationId is off, as .spectral.yaml said;
    // the proto findings are buf.yaml's.
    let after = lint(d);
    let missing_id =
        |found: &[(String, String)]| found.iter().any(|f| f.0 == "openapi/operation-id-missing");
    assert!(
        missing_id(&before),
        "buf.yaml alone leaves OpenAPI at its defaults"
    );
    assert!(!missing_id(&after), "{after:?}");
    let protos: Vec<&(String, String)> = after.iter().filter(|f| f.1.ends_with(".proto")).collect();
    assert_eq!(
        protos,
        [&(
            "proto/package-version-suffix".to_string(),
            "proto/acme/user.proto".to_string()
        )]
    );
}
