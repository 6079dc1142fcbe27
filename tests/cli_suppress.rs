//! Suppressions in the contracts, through the binary: `// treaty:ignore RULE reason` in a
//! `.proto` file and `x-treaty-ignore: {RULE: reason}` in an OpenAPI document silence that
//! rule's lint and breaking findings on the element; one that cannot work is exit 2 at its line;
//! `disallow_ignores` turns them off.

mod common;
use common::{stderr, write};

use std::path::Path;
use std::process::{Command, Output};

fn treaty(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TREATY_TODAY", "2026-01-01")
        .output()
        .expect("treaty runs")
}

/// The (rule, file, line) of each finding of a run that must not be an error (exit 2).
fn findings(dir: &Path, args: &[&str]) -> Vec<(String, String, u64)> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = treaty(dir, &all);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let list = report["findings"].as_array().unwrap().iter().map(|f| {
        (
            f["rule"].as_str().unwrap().to_string(),
            f["file"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap(),
        )
    });
    list.collect()
}

fn rules(found: &[(String, String, u64)]) -> Vec<&str> {
    found.iter().map(|f| f.0.as_str()).collect()
}

/// `treaty lint` of `dir`, keeping only what one rule says.
fn lint_rule(dir: &Path, rule: &str) -> Vec<(String, String, u64)> {
    findings(dir, &["lint", "--only", rule])
}

#[test]
fn a_proto_comment_silences_lint_and_breaking_findings_on_its_element() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Lint: an unversioned package, silenced by id or by alias, with a reason.
    let unversioned = "syntax = \"proto3\";\n// treaty:ignore buf:PACKAGE_VERSION_SUFFIX published before v1 existed\npackage acme;\nmessage User { string id = 1; }\n";
    write(d, "lint/acme.proto", unversioned);
    assert_eq!(
        lint_rule(&d.join("lint"), "proto/package-version-suffix"),
        []
    );
    write(
        d,
        "lint/acme.proto",
        &unversioned.replace("// treaty:ignore", "// note:"),
    );
    assert_eq!(
        lint_rule(&d.join("lint"), "proto/package-version-suffix").len(),
        1
    );

    // Breaking: a type change silenced on the field in the new revision; a deleted field
    // silenced by the comment it carried in the old revision; another change still reported.
    write(
        d,
        "old/a.proto",
        "syntax = \"proto3\";\npackage a.v1;\nmessage M {\n  int32 price = 1;\n  // treaty:ignore proto/field-deleted-without-deprecation experimental, announced as such\n  string draft = 2;\n  string name = 3;\n}\n",
    );
    write(
        d,
        "new/a.proto",
        "syntax = \"proto3\";\npackage a.v1;\nmessage M {\n  // treaty:ignore proto/field-same-type no client reads it yet\n  int64 price = 1;\n  reserved 2;\n  reserved \"draft\";\n  bytes name = 3;\n}\n",
    );
    let found = findings(d, &["diff", "old", "new"]);
    assert_eq!(rules(&found), ["proto/field-same-type"], "{found:?}");
    assert_eq!(found[0].2, 8, "the unsilenced change to `name`");
}

#[test]
fn an_openapi_extension_silences_lint_and_breaking_findings_on_its_element() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spec = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/getUsers:
    x-treaty-ignore:
      openapi/path-has-verb: kept for the mobile app until v2
    get:
      responses: {'200': {description: ok}}
  /v1/createThings:
    get:
      responses: {'200': {description: ok}}
";
    write(d, "lint/openapi.yaml", spec);
    let found = lint_rule(&d.join("lint"), "openapi/path-has-verb");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].2, 9,
        "only the path without the extension: {found:?}"
    );

    // Breaking: a required parameter added, silenced on the parameter in the new revision; an
    // operation removed, silenced on the operation in the old revision.
    let old = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      responses: {'200': {description: ok}}
    delete:
      x-treaty-ignore: {api-removed-without-deprecation: never shipped to clients}
      responses: {'204': {description: gone}}
  /owners:
    get:
      responses: {'200': {description: ok}}
";
    let new = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      parameters:
        - name: tenant
          in: query
          required: true
          schema: {type: string}
          x-treaty-ignore:
            oasdiff:new-required-request-parameter: every client sends it already
      responses: {'200': {description: ok}}
  /owners:
    get:
      parameters:
        - {name: tenant, in: query, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
";
    write(d, "old/openapi.yaml", old);
    write(d, "new/openapi.yaml", new);
    let found = findings(d, &["diff", "old", "new"]);
    assert_eq!(
        found,
        [(
            "openapi/new-required-request-parameter".to_string(),
            "openapi.yaml".to_string(),
            17
        )],
        "only the parameter on /owners"
    );
    // Without the extensions, all three are back.
    write(
        d,
        "new/treaty.toml",
        "[breaking]\ndisallow_ignores = true\n",
    );
    let found = findings(d, &["diff", "old", "new"]);
    assert_eq!(
        rules(&found),
        [
            "openapi/api-removed-without-deprecation",
            "openapi/new-required-request-parameter",
            "openapi/new-required-request-parameter",
        ]
    );
}

#[test]
fn disallow_ignores_turns_treaty_suppressions_off_and_leaves_bufs_to_its_own_switch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "acme.proto",
        "syntax = \"proto3\";\n// treaty:ignore proto/package-version-suffix legacy\npackage acme;\n// buf:lint:ignore MESSAGE_PASCAL_CASE\nmessage user_record { string id = 1; }\n",
    );
    let only = "proto/package-version-suffix,proto/message-pascal-case";
    assert_eq!(findings(d, &["lint", "--only", only]), []);
    write(d, "treaty.toml", "[lint]\ndisallow_ignores = true\n");
    let found = findings(d, &["lint", "--only", only]);
    assert_eq!(rules(&found), ["proto/package-version-suffix"]);
    write(
        d,
        "treaty.toml",
        "[lint]\ndisallow_ignores = true\nallow_comment_ignores = false\n",
    );
    assert_eq!(findings(d, &["lint", "--only", only]).len(), 2);
}

#[test]
fn a_suppression_that_cannot_work_is_exit_2_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let error = |file: &str, text: &str| -> String {
        write(d, file, text);
        let out = treaty(d, &["lint"]);
        std::fs::remove_file(d.join(file)).unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        stderr(&out)
    };
    let e = error(
        "a.proto",
        "syntax = \"proto3\";\n// treaty:ignore proto/package-version-suffix\npackage acme;\n",
    );
    assert!(e.contains("[a.proto:2:18]"), "{e}");
    assert!(
        e.contains("`treaty:ignore proto/package-version-suffix` gives no reason"),
        "{e}"
    );
    let e = error(
        "a.proto",
        "syntax = \"proto3\";\n// treaty:ignore proto/package-version-sufix old\npackage acme;\n",
    );
    assert!(
        e.contains("did you mean `proto/package-version-suffix`?"),
        "{e}"
    );
    let spec = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/getUsers:
    x-treaty-ignore: {openapi/path-has-verb: ''}
    get:
      x-treaty-ignore: {path-has-verbs: legacy}
      responses: {'200': {description: ok}}
";
    let e = error("openapi.yaml", spec);
    assert!(e.contains("[openapi.yaml:5:23]"), "{e}");
    assert!(
        e.contains("`x-treaty-ignore` of `openapi/path-has-verb` gives no reason"),
        "{e}"
    );
    assert!(e.contains("[openapi.yaml:7:25]"), "{e}");
    assert!(
        e.contains("unknown rule, alias or category `path-has-verbs`; did you mean `openapi/path-has-verb`?"),
        "{e}"
    );
}

#[test]
fn deprecation_days_set_the_notice_a_sunset_must_give() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Today is 2026-01-01 (TREATY_TODAY): the sunset is 30 days away.
    let op = |extra: &str| {
        format!(
            "openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /pets:
    get:{extra}
      responses: {{'200': {{description: ok}}}}
  /owners:
    get:
      x-stability-level: beta{extra}
      responses: {{'200': {{description: ok}}}}
"
        )
    };
    write(d, "old/openapi.yaml", &op(""));
    write(
        d,
        "new/openapi.yaml",
        &op("\n      deprecated: true\n      x-sunset: '2026-01-31'"),
    );
    let run = |toml: &str| {
        write(d, "new/treaty.toml", toml);
        let found = findings(d, &["diff", "old", "new", "--only", "LIFECYCLE"]);
        let mut rules: Vec<String> = found.into_iter().map(|f| f.0).collect();
        rules.sort();
        rules
    };
    // No policy: a sunset ahead is a changelog entry, for both.
    assert_eq!(
        run(""),
        [
            "openapi/endpoint-deprecated-with-sunset",
            "openapi/endpoint-deprecated-with-sunset"
        ]
    );
    // 90 days for stable operations, 10 for beta ones: only the stable one is too soon.
    assert_eq!(
        run("[breaking]\ndeprecation_days_stable = 90\ndeprecation_days_beta = 10\n"),
        [
            "openapi/api-sunset-date-too-small",
            "openapi/endpoint-deprecated-with-sunset"
        ]
    );
    let out = treaty(d, &["diff", "old", "new", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("which is less than the 90 days of notice the deprecation policy asks"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A beta policy also asks beta deprecations for a sunset date.
    write(
        d,
        "new/openapi.yaml",
        &op("\n      deprecated: true").replacen("\n      deprecated: true", "", 1),
    );
    assert_eq!(
        run("[breaking]\ndeprecation_days_beta = 10\n"),
        ["openapi/api-deprecated-sunset-missing"]
    );
    assert_eq!(run(""), ["openapi/endpoint-deprecated"]);
    // Moving a sunset earlier, to 30 days from now, breaks a 60-day policy, not a 0-day one.
    write(
        d,
        "old/openapi.yaml",
        &op("\n      deprecated: true\n      x-sunset: '2026-06-30'"),
    );
    write(
        d,
        "new/openapi.yaml",
        &op("\n      deprecated: true\n      x-sunset: '2026-01-31'"),
    );
    assert_eq!(
        run("[breaking]\ndeprecation_days_stable = 60\n"),
        ["openapi/api-sunset-date-changed-too-small"]
    );
    assert_eq!(run(""), Vec::<String>::new());
}
