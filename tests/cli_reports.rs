//! The machine-readable reports as the CI tools that read them see them: errors in the report,
//! JUnit counts that agree with the exit code, GitHub workflow commands, SARIF, concise lines.

mod common;
use common::{stderr, stdout, write};

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn treaty(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("treaty runs")
}

/// A tree whose `bad.proto` does not parse: the message ends at line 3 without its `}`.
fn unparsable() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.proto",
        "syntax = \"proto3\";\nmessage X {\n",
    );
    dir
}

/// Lint the unparsable tree in `format`: exit 2, the error on stderr, and the report on stdout.
fn lint_error(format: &str) -> String {
    let dir = unparsable();
    let out = treaty(&["lint", ".", "--format", format], dir.path());
    assert_eq!(out.status.code(), Some(2), "{format}: {}", stdout(&out));
    assert!(stderr(&out).contains("bad.proto:3:1"), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn json_report_of_a_parse_error_lists_it_with_its_place() {
    let json: Value = serde_json::from_str(&lint_error("json")).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["total"], 0);
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json}");
    assert_eq!(errors[0]["file"], "bad.proto");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["column"], 1);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("message 'X'"),
        "{json}"
    );
}

#[test]
fn json_report_of_a_flag_error_has_no_place() {
    let dir = unparsable();
    let out = treaty(
        &["lint", ".", "--format", "json", "--only", "no-such-rule"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let error = &json["errors"][0];
    assert!(
        error["message"].as_str().unwrap().contains("no-such-rule"),
        "{json}"
    );
    assert!(
        error.get("file").is_none() && error.get("line").is_none(),
        "{json}"
    );
}

#[test]
fn json_report_without_errors_has_no_errors_field() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/v1/a.proto",
        "syntax = \"proto3\";\npackage a.v1;\n",
    );
    let out = treaty(&["lint", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(json.get("errors").is_none(), "{json}");
}

#[test]
fn github_report_of_a_parse_error_annotates_its_line() {
    let text = lint_error("github");
    assert!(
        text.starts_with("::error file=bad.proto,line=3,col=1,title=treaty%3A input error::"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn sarif_report_of_a_parse_error_is_an_unsuccessful_invocation() {
    let sarif: Value = serde_json::from_str(&lint_error("sarif")).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    let physical = &notification["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "bad.proto");
    assert_eq!(physical["region"]["startLine"], 3);
}

#[test]
fn junit_report_of_a_parse_error_is_an_errored_case() {
    let xml = lint_error("junit");
    assert!(
        xml.contains("<testsuite name=\"treaty\" tests=\"1\" failures=\"0\" errors=\"1\""),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"input error at bad.proto:3:1\""),
        "{xml}"
    );
    assert!(xml.contains("<error type=\"input\""), "{xml}");
}

/// Two OpenAPI revisions: a path removed (an error) and an operation id added (info).
fn openapi_change() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let head = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n";
    let get_a = "  /a:\n    get:\n      responses:\n        \"200\": {description: ok}\n";
    write(
        dir.path(),
        "old/api.yaml",
        &format!(
            "{head}{get_a}  /b:\n    delete:\n      responses:\n        \"200\": {{description: ok}}\n"
        ),
    );
    write(
        dir.path(),
        "new/api.yaml",
        &format!(
            "{head}{}",
            get_a.replace("    get:\n", "    get:\n      operationId: getA\n")
        ),
    );
    dir
}

fn attribute(xml: &str, element: &str, name: &str) -> usize {
    let start = xml.find(&format!("<{element} ")).unwrap();
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let value = tag.split(&format!(" {name}=\"")).nth(1).unwrap();
    value[..value.find('"').unwrap()].parse().unwrap()
}

#[test]
fn junit_has_one_case_per_finding_and_only_those_at_fail_on_fail() {
    let dir = openapi_change();
    let out = treaty(&["diff", "old", "new", "--format", "junit"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let xml = stdout(&out);
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(attribute(&xml, "testsuite", "tests"), 2, "{xml}");
    assert_eq!(attribute(&xml, "testsuite", "failures"), 1, "{xml}");
    assert_eq!(attribute(&xml, "testsuites", "failures"), 1, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(
        xml.contains("name=\"openapi/api-path-removed-without-deprecation at api.yaml:3:1\""),
        "{xml}"
    );
    // The info finding passes, its text kept as the case's output.
    let info = xml
        .split("<testcase ")
        .find(|case| case.contains("openapi/api-operation-id-added"))
        .unwrap();
    assert!(!info.contains("<failure"), "{xml}");
    assert!(info.contains("<system-out>"), "{xml}");

    let out = treaty(
        &[
            "diff",
            "old",
            "new",
            "--format",
            "junit",
            "--fail-on",
            "info",
        ],
        dir.path(),
    );
    let xml = stdout(&out);
    assert_eq!(attribute(&xml, "testsuite", "failures"), 2, "{xml}");
    let out = treaty(
        &[
            "diff",
            "old",
            "new",
            "--format",
            "junit",
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let xml = stdout(&out);
    assert_eq!(attribute(&xml, "testsuite", "failures"), 0, "{xml}");
    assert_eq!(attribute(&xml, "testsuite", "tests"), 2, "{xml}");
}

/// A protobuf change: a field's type changed in `kept.proto`, and `old/my api,v1.proto` deleted.
fn proto_change() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kept =
        "syntax = \"proto3\";\npackage a.v1;\nmessage Kept { string name = 1; int32 id = 2; }\n";
    write(d, "old/kept.proto", kept);
    write(d, "new/kept.proto", &kept.replace("int32 id", "string id"));
    write(
        d,
        "old/my api,v1.proto",
        "syntax = \"proto3\";\npackage a.v1;\nmessage Gone { string name = 1; }\n",
    );
    dir
}

fn diff(dir: &Path, format: &str) -> String {
    let out = treaty(&["diff", "old", "new", "--format", format], dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn github_escapes_properties_and_keeps_deleted_files() {
    let dir = proto_change();
    let text = diff(dir.path(), "github");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains("::error file=kept.proto,line=3,col=33,endLine=3,endColumn=39,title=proto/field-same-type::Field \"2\""),
        "{text}"
    );
    // The deleted file's finding is annotated at its old path, its comma escaped, and says it
    // is the base revision's.
    let deleted = text
        .lines()
        .find(|line| line.contains("file-no-delete"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        deleted.starts_with("::error file=my api%2Cv1.proto,line=1,col=1,"),
        "{deleted}"
    );
    assert!(
        deleted.contains("title=proto/file-no-delete (base revision)::"),
        "{deleted}"
    );
    assert!(deleted.ends_with("(in the base revision)"), "{deleted}");
}

#[test]
fn concise_is_one_line_per_finding_starting_with_its_place() {
    let dir = proto_change();
    let text = diff(dir.path(), "concise");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "kept.proto:3:33: error[proto/field-same-type] Field \"2\" with name \"id\" on message \"Kept\" changed type from \"int32\" to \"string\". (previously at kept.proto:3:33)",
            "my api,v1.proto:1:1: error[proto/file-no-delete] Previously present file \"my api,v1.proto\" was deleted. (in the base revision)",
        ],
        "{text}"
    );
}

#[test]
fn sarif_rules_are_documented_and_locations_are_uris() {
    let dir = proto_change();
    let sarif: Value = serde_json::from_str(&diff(dir.path(), "sarif")).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "{sarif}");
    for rule in rules {
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.contains("## Bad"), "{rule}");
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    let deleted = results
        .iter()
        .find(|r| r["ruleId"] == "proto/file-no-delete")
        .unwrap();
    let location = &deleted["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "my%20api,v1.proto"
    );
    assert_eq!(location["properties"]["revision"], "old");
    assert_eq!(deleted["properties"]["revision"], "old");
    let changed = results
        .iter()
        .find(|r| r["ruleId"] == "proto/field-same-type")
        .unwrap();
    assert!(
        changed["locations"][0].get("properties").is_none(),
        "{changed}"
    );
    assert_eq!(
        changed["relatedLocations"][0]["properties"]["revision"],
        "old"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

#[test]
fn github_paths_are_from_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let kept =
        "syntax = \"proto3\";\npackage a.v1;\nmessage Kept { string name = 1; int32 id = 2; }\n";
    write(d, "proto/a/v1/kept.proto", kept);
    write(
        d,
        "proto/a/v1/gone.proto",
        "syntax = \"proto3\";\npackage a.v1;\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "v1"]);
    write(
        d,
        "proto/a/v1/kept.proto",
        &kept.replace("int32 id", "string id"),
    );
    std::fs::remove_file(d.join("proto/a/v1/gone.proto")).unwrap();

    let expected = [
        "::error file=proto/a/v1/gone.proto,line=1,col=1,",
        "::error file=proto/a/v1/kept.proto,line=3,col=33,",
    ];
    // From the root, and from the compared directory itself.
    for (cwd, new) in [(d.to_path_buf(), "proto"), (d.join("proto"), ".")] {
        let out = treaty(&["diff", "HEAD:proto", new, "--format", "github"], &cwd);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        for (line, start) in lines.iter().zip(expected) {
            assert!(line.starts_with(start), "{line}");
        }
        // Code scanning places SARIF results by the same paths.
        let out = treaty(&["diff", "HEAD:proto", new, "--format", "sarif"], &cwd);
        let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let uris: Vec<&str> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(uris, ["proto/a/v1/gone.proto", "proto/a/v1/kept.proto"]);
    }
}

#[test]
fn github_errors_of_a_linted_subdirectory_are_from_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "proto/bad.proto", "syntax = \"proto3\";\nmessage X {\n");
    let out = treaty(&["lint", "proto", "--format", "github"], d);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.starts_with("::error file=proto/bad.proto,line=3,col=1,"),
        "{text}"
    );
}
