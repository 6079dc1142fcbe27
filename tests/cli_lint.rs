//! `treaty lint` through the binary: one revision (a directory, a single file, a git revision,
//! the index), lint findings in the same report and exit codes as breaking ones.

use std::path::Path;
use std::process::{Command, Output};

fn treaty(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("treaty runs")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1', description: d, contact: {name: n}}
paths:
  /v1/getUsers:
    get:
      operationId: getUsers
      description: d
      tags: [users]
      responses:
        '200': {description: ok}
servers: [{url: 'https://api.example.org'}]
tags: [{name: users}]
";

const PROTO: &str = "syntax = \"proto3\";\npackage acme.user;\nmessage User { string id = 1; }\n";

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn lint_reports_both_protocols_as_lint_findings_in_the_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api/openapi.yaml", SPEC);
    write(dir.path(), "proto/user.proto", PROTO);
    let out = treaty(dir.path(), &["lint", "--format", "json"]);
    // Warnings do not fail the default `--fail-on error`.
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["openapi/path-has-verb", "proto/package-version-suffix"]
    );
    for f in findings {
        assert_eq!(f["kind"], "lint");
        assert_eq!(f["revision"], "new");
        assert_eq!(f["severity"], "warning");
    }
    assert_eq!(findings[0]["file"], "api/openapi.yaml");
    assert_eq!(findings[0]["line"], 4);
    assert_eq!(findings[1]["file"], "proto/user.proto");
    assert_eq!(findings[1]["line"], 2);
    assert_eq!(findings[1]["aliases"][0], "buf:PACKAGE_VERSION_SUFFIX");

    let strict = treaty(dir.path(), &["lint", "--fail-on", "warning"]);
    assert_eq!(strict.status.code(), Some(1));
    let only = treaty(
        dir.path(),
        &[
            "lint",
            "--only",
            "buf:PACKAGE_VERSION_SUFFIX",
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&only)["findings"].as_array().unwrap().len(), 1);
    let none = treaty(
        dir.path(),
        &["lint", "--only", "breaking", "--format", "json"],
    );
    assert_eq!(json(&none)["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn lint_takes_a_single_file_and_fails_closed_on_what_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", SPEC);
    write(
        dir.path(),
        "broken.proto",
        "syntax = \"proto3\";\nmessage {\n",
    );
    let out = treaty(dir.path(), &["lint", "openapi.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out)["findings"].as_array().unwrap().len(), 1);
    let all = treaty(dir.path(), &["lint"]);
    assert_eq!(
        all.status.code(),
        Some(2),
        "a file that does not parse is exit 2"
    );
    assert!(
        String::from_utf8_lossy(&all.stderr).contains("broken.proto:2"),
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );
}

#[test]
fn lint_reads_a_revision_and_the_index_without_a_checkout() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "proto/user.proto", PROTO);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "unversioned"]);
    let fixed = PROTO.replace("acme.user;", "acme.user.v1;");
    write(dir.path(), "proto/user.proto", &fixed);
    git(dir.path(), &["add", "."]);
    let count = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        json(&treaty(dir.path(), &args))["findings"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&["lint", "--rev", "HEAD"]), 1);
    assert_eq!(count(&["lint", "HEAD:proto"]), 1);
    assert_eq!(count(&["lint", "--staged"]), 0);
    assert_eq!(count(&["lint"]), 0);
}
