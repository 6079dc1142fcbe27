//! treaty.toml through the binary, as a user meets it: per-rule severity, ignores by glob,
//! per-directory overrides, and what an unknown key or rule name says (file, line, nearest name).

mod common;
use common::{stderr, treaty, write};

use std::path::Path;

/// A spec whose one path names a verb: one `openapi/path-has-verb` warning at line 4.
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

/// A package without a version: one `proto/package-version-suffix` warning.
fn proto(package: &str) -> String {
    format!("syntax = \"proto3\";\npackage {package};\nmessage User {{ string id = 1; }}\n")
}

/// `treaty lint --format json` in `dir`: the exit code and (rule, file, severity) per finding.
fn lint(dir: &Path) -> (i32, Vec<(String, String, String)>) {
    let out = treaty(dir, &["lint", "--format", "json"]);
    let code = out.status.code().unwrap();
    assert!(code != 2, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let findings = report["findings"].as_array().unwrap().iter().map(|f| {
        let field = |k: &str| f[k].as_str().unwrap().to_string();
        (field("rule"), field("file"), field("severity"))
    });
    (code, findings.collect())
}

fn found(rule: &str, file: &str, severity: &str) -> (String, String, String) {
    (rule.into(), file.into(), severity.into())
}

#[test]
fn severity_is_set_per_rule_and_the_narrowest_entry_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", SPEC);
    // Raised to an error: the run now fails.
    write(
        dir.path(),
        "treaty.toml",
        "[severity]\n\"openapi/path-has-verb\" = \"error\"\n",
    );
    assert_eq!(
        lint(dir.path()),
        (
            1,
            vec![found("openapi/path-has-verb", "openapi.yaml", "error")]
        )
    );
    // A category turns the family off, the rule's own entry (written first) still wins.
    write(
        dir.path(),
        "treaty.toml",
        "[severity]\n\"openapi/path-has-verb\" = \"info\"\nURLS = \"off\"\n",
    );
    assert_eq!(
        lint(dir.path()),
        (
            0,
            vec![found("openapi/path-has-verb", "openapi.yaml", "info")]
        )
    );
    write(dir.path(), "treaty.toml", "[severity]\nURLS = \"off\"\n");
    assert_eq!(lint(dir.path()), (0, vec![]));
}

#[test]
fn ignore_and_ignore_only_take_globs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api/v1/openapi.yaml", SPEC);
    write(dir.path(), "api/v2/openapi.yaml", SPEC);
    write(dir.path(), "other/openapi.yaml", SPEC);
    write(
        dir.path(),
        "treaty.toml",
        "[lint.ignore_only]\n\"openapi/path-has-verb\" = [\"api/v*/openapi.yaml\"]\n",
    );
    assert_eq!(
        lint(dir.path()).1,
        [found(
            "openapi/path-has-verb",
            "other/openapi.yaml",
            "warning"
        )]
    );
    write(dir.path(), "treaty.toml", "[lint]\nignore = [\"**/v2\"]\n");
    let files: Vec<String> = lint(dir.path()).1.into_iter().map(|f| f.1).collect();
    assert_eq!(files, ["api/v1/openapi.yaml", "other/openapi.yaml"]);
}

#[test]
fn overrides_apply_by_directory_and_the_most_specific_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", SPEC);
    write(dir.path(), "legacy/openapi.yaml", SPEC);
    write(dir.path(), "legacy/keep/openapi.yaml", SPEC);
    write(dir.path(), "legacy/user.proto", &proto("legacy"));
    write(
        dir.path(),
        "treaty.toml",
        r#"
# Legacy specs may keep their verbs, but one directory of them is held to the rule, as an
# error (written first: specificity decides, not order); the proto file under legacy/ keeps
# every rule.
[[overrides]]
paths = ["legacy/keep/**"]
severity = { "openapi/path-has-verb" = "error" }

[[overrides]]
paths = ["legacy/**"]
severity = { URLS = "off" }
"#,
    );
    assert_eq!(
        lint(dir.path()),
        (
            1,
            vec![
                found("openapi/path-has-verb", "legacy/keep/openapi.yaml", "error"),
                found(
                    "proto/package-version-suffix",
                    "legacy/user.proto",
                    "warning"
                ),
                found("openapi/path-has-verb", "openapi.yaml", "warning"),
            ]
        )
    );
    // `except` in the less specific override is undone by `use` in the more specific one; and
    // `use` there selects only what it names, for the protocol it names.
    write(
        dir.path(),
        "treaty.toml",
        r#"
[[overrides]]
paths = ["legacy"]
except = ["openapi/path-has-verb", "proto/package-version-suffix"]

[[overrides]]
paths = ["legacy/keep"]
use = ["openapi/path-has-verb"]
"#,
    );
    let (_, findings) = lint(dir.path());
    let files: Vec<&str> = findings.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(files, ["legacy/keep/openapi.yaml", "openapi.yaml"]);
}

#[test]
fn unknown_keys_and_rule_names_are_exit_2_at_their_line_with_the_nearest_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", SPEC);
    let error = |file: &str, text: &str, args: &[&str]| -> String {
        write(dir.path(), file, text);
        let mut all = vec!["lint"];
        all.extend(args);
        let out = treaty(dir.path(), &all);
        std::fs::remove_file(dir.path().join(file)).unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        stderr(&out)
    };
    let e = error(
        "treaty.toml",
        "[breaking]\nuse = [\"FILE\"]\nexcpet = [\"X\"]\n",
        &[],
    );
    assert!(
        e.contains("treaty.toml:3:1: unknown key `excpet`; did you mean `except`?"),
        "{e}"
    );
    let e = error("treaty.toml", "[lnt]\n", &[]);
    assert!(
        e.contains("treaty.toml:1:2: unknown key `lnt`; did you mean `lint`?"),
        "{e}"
    );
    let e = error(
        "treaty.toml",
        "[breaking]\nexcept = [\"FILE\", \"proto/field-same-typ\"]\n",
        &[],
    );
    assert!(
        e.contains(
            "treaty.toml:2:19: unknown rule, alias or category `proto/field-same-typ`; \
             did you mean `proto/field-same-type`?"
        ),
        "{e}"
    );
    let e = error(
        "treaty.toml",
        "[severity]\n\"path-has-verb\" = \"error\"\n",
        &[],
    );
    assert!(
        e.contains("treaty.toml:2:1: unknown rule, alias or category `path-has-verb`; did you mean `openapi/path-has-verb`?"),
        "{e}"
    );
    let e = error("treaty.toml", "[severity]\nURLS = \"eror\"\n", &[]);
    assert!(
        e.contains("treaty.toml:2:8: unknown severity \"eror\" (error, warning, info or off); did you mean `error`?"),
        "{e}"
    );
    let e = error(
        "treaty.toml",
        "[[overrides]]\npaths = [\"legacy\"]\nuse = [\"openapi/path-has-verbs\"]\n",
        &[],
    );
    assert!(e.contains("treaty.toml:3:8: unknown rule"), "{e}");
    let e = error(
        "buf.yaml",
        "version: v2\nbreaking:\n  use: [FILE]\n  ignore_only:\n    FIELD_SAME_TYP: [a]\n",
        &[],
    );
    assert!(
        e.contains("buf.yaml:5:5: unknown rule, alias or category `FIELD_SAME_TYP`; did you mean `FIELD_SAME_TYPE`?"),
        "{e}"
    );
    let e = error(
        "buf.yaml",
        "version: v1\nlint:\n  use: [DEFAULT, ENUM_ZERO_VALUE_SUFIX]\n",
        &[],
    );
    assert!(e.contains("buf.yaml:3:18: unknown rule"), "{e}");
    assert!(e.contains("did you mean `ENUM_ZERO_VALUE_SUFFIX`?"), "{e}");
    // The command line has no line; the nearest name still comes.
    write(dir.path(), "x.txt", "");
    let e = error(
        "x.txt",
        "",
        &["--only", "buf:FIELD_SAME_TYP", "--skip", "buf:WIRE_JSN"],
    );
    assert!(
        e.contains("--only: unknown rule, alias or category `buf:FIELD_SAME_TYP`; did you mean `buf:FIELD_SAME_TYPE`?"),
        "{e}"
    );
    assert!(e.contains("did you mean `buf:WIRE_JSON`?"), "{e}");
}

#[test]
fn a_v1_buf_yaml_selects_buf_categories_as_v1_defines_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme/user/user.proto", &proto("acme.user"));
    write(
        dir.path(),
        "buf.yaml",
        "version: v1\nlint:\n  use: [DEFAULT, COMMENTS]\n",
    );
    let out = treaty(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("buf.yaml"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"proto/package-version-suffix"), "{rules:?}");
    assert!(rules.contains(&"proto/comment-message"), "{rules:?}");
}
