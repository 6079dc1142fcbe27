//! The binary as a user runs it: exit codes, output formats, compile errors at the right line.

mod common;
use common::{stderr, stdout, write};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn treaty(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("treaty runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn shop_example_reports_findings_and_exits_1() {
    let out = treaty(
        &[
            "diff",
            "examples/shop/v1",
            "examples/shop/v2",
            "--format",
            "json",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["version"], 1);
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "rule",
            "aliases",
            "kind",
            "protocol",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "revision",
        ] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
        assert_eq!(f["kind"], "breaking");
        let proto = f["file"].as_str().unwrap().ends_with(".proto");
        assert_eq!(f["protocol"], if proto { "proto" } else { "openapi" });
        // OpenAPI findings name their operation; protobuf ones have none.
        assert_eq!(f.get("operation").is_some(), !proto, "{f}");
    }
    // The OpenAPI spec beside the protos is in the same report.
    let removed = findings
        .iter()
        .find(|f| f["rule"] == "openapi/api-removed-without-deprecation")
        .expect("DELETE /v1/products/{id} was removed");
    assert_eq!(removed["operation"], "DELETE /v1/products/{id}");
    assert_eq!(
        removed["aliases"][0],
        "oasdiff:api-removed-without-deprecation"
    );
    let at = |rule: &str, line: u64| {
        findings
            .iter()
            .any(|f| f["rule"] == rule && f["line"] == line && f["file"] == "shop/v1/catalog.proto")
    };
    // price_cents: int32 -> int64 is buf's FIELD_SAME_TYPE, at the field in v2, old line related.
    assert!(at("proto/field-same-type", 31));
    let same_type = findings
        .iter()
        .find(|f| f["rule"] == "proto/field-same-type")
        .unwrap();
    assert_eq!(same_type["aliases"][0], "buf:FIELD_SAME_TYPE");
    assert_eq!(same_type["related"]["line"], 30);
    // The guide's rules: tags moved 7 -> 4, reusing currency's number; a value deleted unreserved.
    assert!(at("proto/field-renumbered", 34));
    assert!(at("proto/field-number-reused", 34));
    assert!(at("proto/enum-value-deleted-not-reserved", 37));
    assert!(at("proto/http-binding-changed", 20));
    // In the default selection those replace buf's piecemeal findings on the same fields.
    assert!(!findings
        .iter()
        .any(|f| f["rule"] == "proto/field-no-delete"));
    assert_eq!(
        json["summary"]["total"].as_u64().unwrap() as usize,
        findings.len()
    );
}

#[test]
fn buf_rules_selected_explicitly_are_reported_as_buf_does() {
    let out = treaty(
        &[
            "diff",
            "examples/shop/v1",
            "examples/shop/v2",
            "--only",
            "buf:FILE",
            "--format",
            "json",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"proto/field-no-delete"), "{rules:?}");
    assert!(rules.contains(&"proto/enum-value-no-delete"), "{rules:?}");
    assert!(
        !rules
            .iter()
            .any(|r| r.contains("renumbered") || r.starts_with("proto/http")),
        "{rules:?}"
    );
}

#[test]
fn human_output_shows_the_line_and_the_old_revision() {
    let out = treaty(
        &[
            "diff",
            "examples/shop/v1",
            "examples/shop/v2",
            "--only",
            "buf:FIELD_SAME_TYPE",
        ],
        &root(),
    );
    let text = stdout(&out);
    assert!(text.contains("proto/field-same-type"), "{text}");
    assert!(
        text.contains("int64 price_cents = 3;"),
        "new line shown: {text}"
    );
    assert!(
        text.contains("int32 price_cents = 3;"),
        "old line shown: {text}"
    );
    assert!(text.contains("shop/v1/catalog.proto:31:3"), "{text}");
    assert!(!text.contains('\u{1b}'), "NO_COLOR means no escape codes");
}

#[test]
fn a_tree_compared_with_itself_exits_0() {
    let out = treaty(&["diff", "examples/shop/v2", "examples/shop/v2"], &root());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("no findings"));
}

#[test]
fn fail_on_never_exits_0_but_still_lists_findings() {
    let out = treaty(
        &[
            "diff",
            "examples/shop/v1",
            "examples/shop/v2",
            "--fail-on",
            "never",
            "--format",
            "concise",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(!stdout(&out).is_empty());
}

#[test]
fn unknown_rule_in_only_is_a_usage_error() {
    let out = treaty(
        &[
            "diff",
            "examples/shop/v1",
            "examples/shop/v2",
            "--only",
            "buf:NOT_A_RULE",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("buf:NOT_A_RULE"), "{}", stderr(&out));
}

#[test]
fn bad_flag_is_exit_2() {
    let out = treaty(&["diff", "--frobnicate"], &root());
    assert_eq!(out.status.code(), Some(2));
}

fn compile_error(file: &str, text: &str) -> (String, i32) {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "old/a.proto",
        "syntax = \"proto3\";\npackage a;\nmessage A { string x = 1; }\n",
    );
    write(dir.path(), &format!("new/{file}"), text);
    if file != "a.proto" {
        write(
            dir.path(),
            "new/a.proto",
            "syntax = \"proto3\";\npackage a;\nmessage A { string x = 1; }\n",
        );
    }
    let out = treaty(&["diff", "old", "new"], dir.path());
    (stderr(&out), out.status.code().unwrap_or(-1))
}

#[test]
fn syntax_error_is_exit_2_at_its_line() {
    let (err, code) = compile_error(
        "a.proto",
        "syntax = \"proto3\";\npackage a;\nmessage A {\n  string x = 1\n}\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("a.proto:5:1") || err.contains("a.proto:4:"),
        "{err}"
    );
}

#[test]
fn unknown_type_is_exit_2_at_its_line() {
    let (err, code) = compile_error(
        "a.proto",
        "syntax = \"proto3\";\npackage a;\nmessage A {\n  string x = 1;\n  Missing y = 2;\n}\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a.proto:5:3"), "{err}");
    assert!(err.contains("Missing"), "{err}");
}

#[test]
fn missing_import_is_exit_2_at_its_line() {
    let (err, code) = compile_error(
        "a.proto",
        "syntax = \"proto3\";\npackage a;\nimport \"nowhere/b.proto\";\nmessage A { string x = 1; }\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a.proto:3:8"), "{err}");
    assert!(err.contains("nowhere/b.proto"), "{err}");
}

#[test]
fn non_utf8_file_is_exit_2_naming_the_file() {
    let (err, code) = compile_error(
        "a.proto",
        "syntax = \"proto3\";\npackage a;\n// caf\u{e9}\nmessage A { string x = 1; }\n",
    );
    assert_eq!(code, 0, "valid UTF-8 passes: {err}");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old/a.proto", "syntax = \"proto3\";\n");
    std::fs::create_dir_all(dir.path().join("new")).unwrap();
    std::fs::write(
        dir.path().join("new/a.proto"),
        b"syntax = \"proto3\";\n// caf\xe9\n",
    )
    .unwrap();
    let out = treaty(&["diff", "old", "new"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a.proto:2:"), "{}", stderr(&out));
    assert!(stderr(&out).contains("UTF-8"), "{}", stderr(&out));
}

#[test]
fn explain_accepts_ids_and_aliases() {
    let by_alias = treaty(&["explain", "buf:MESSAGE_NO_DELETE"], &root());
    assert_eq!(by_alias.status.code(), Some(0));
    assert!(stdout(&by_alias).contains("proto/message-no-delete"));
    // Every rule says how to silence it, in its protocol's syntax.
    assert!(stdout(&by_alias).contains("// treaty:ignore proto/message-no-delete <reason>"));
    let lint = stdout(&treaty(&["explain", "buf:FIELD_LOWER_SNAKE_CASE"], &root()));
    assert!(
        lint.contains("// buf:lint:ignore FIELD_LOWER_SNAKE_CASE"),
        "{lint}"
    );
    let openapi = stdout(&treaty(&["explain", "openapi/path-has-verb"], &root()));
    assert!(openapi.contains("x-treaty-ignore: {openapi/path-has-verb: <reason>}"));
    let unknown = treaty(&["explain", "nope"], &root());
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn rules_lists_the_catalog_as_json() {
    let out = treaty(&["rules", "--format", "json"], &root());
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"proto/file-no-delete"));
}

/// old/ and new/ where field 2 is renamed (FILE breaks, WIRE does not) under proto/a, and a
/// message deleted under proto/legacy; `buf_yaml` is written at the root of both sides.
fn buf_tree(buf_yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for side in ["old", "new"] {
        write(dir.path(), &format!("{side}/buf.yaml"), buf_yaml);
        let name = if side == "old" { "email" } else { "mail" };
        write(
            dir.path(),
            &format!("{side}/proto/a/v1/a.proto"),
            &format!("syntax = \"proto3\";\npackage a.v1;\nmessage User {{\n  string id = 1;\n  string {name} = 2;\n}}\n"),
        );
        let legacy = if side == "old" {
            "message Gone {}\n"
        } else {
            ""
        };
        write(
            dir.path(),
            &format!("{side}/proto/legacy/l.proto"),
            &format!("syntax = \"proto3\";\npackage legacy;\nmessage Kept {{}}\n{legacy}"),
        );
    }
    dir
}

fn rules_of(out: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn buf_yaml_v2_selects_categories_and_ignores_paths() {
    let dir = buf_tree("version: v2\nmodules:\n  - path: proto\nbreaking:\n  use: [WIRE]\n");
    let out = treaty(&["diff", "old", "new", "--format", "json"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "WIRE allows a rename: {:?}",
        rules_of(&out)
    );

    let dir = buf_tree("version: v2\nmodules:\n  - path: proto\nbreaking:\n  use: [FILE]\n  ignore: [proto/legacy]\n");
    let out = treaty(&["diff", "old", "new", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let rules = rules_of(&out);
    assert!(
        rules.contains(&"proto/field-same-name proto/a/v1/a.proto".to_string()),
        "{rules:?}"
    );
    assert!(
        !rules.iter().any(|r| r.contains("legacy")),
        "ignored: {rules:?}"
    );
    // Exactly buf's selection: no treaty-only rules.
    assert!(
        !rules
            .iter()
            .any(|r| r.contains("renumbered") || r.contains("not-reserved")),
        "{rules:?}"
    );
}

#[test]
fn buf_yaml_v2_module_lint_options_apply_to_their_module() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "buf.yaml",
        "version: v2\nmodules:\n  - path: a\n    lint:\n      use: [SERVICE_SUFFIX, SERVICE_PASCAL_CASE]\n      service_suffix: API\n      disallow_comment_ignores: true\n  - path: b\nlint:\n  use: [SERVICE_SUFFIX, SERVICE_PASCAL_CASE]\n",
    );
    let proto = |package: &str| {
        format!("syntax = \"proto3\";\npackage {package};\nservice OrderAPI {{}}\n// buf:lint:ignore SERVICE_PASCAL_CASE\nservice order_service {{}}\n")
    };
    write(dir.path(), "a/x/v1/x.proto", &proto("x.v1"));
    write(dir.path(), "b/y/v1/y.proto", &proto("y.v1"));
    let out = treaty(&["lint", ".", "--format", "json"], dir.path());
    let mut rules = rules_of(&out);
    rules.sort();
    assert_eq!(
        rules,
        [
            // Module a: its own suffix, and buf's ignore comments switched off.
            "proto/service-pascal-case a/x/v1/x.proto",
            "proto/service-suffix a/x/v1/x.proto",
            // Module b: the top-level section (neither service ends in `Service`); the
            // comment silences the case rule.
            "proto/service-suffix b/y/v1/y.proto",
            "proto/service-suffix b/y/v1/y.proto",
        ]
    );
}

#[test]
fn buf_yaml_v1_except_and_ignore_only() {
    let dir = buf_tree(
        "version: v1\nbreaking:\n  use: [FILE]\n  except: [FIELD_SAME_NAME]\n  ignore_only:\n    MESSAGE_NO_DELETE: [proto/legacy]\n",
    );
    let out = treaty(&["diff", "old", "new", "--format", "json"], dir.path());
    let rules = rules_of(&out);
    assert!(
        !rules.iter().any(|r| r.starts_with("proto/field-same-name")),
        "{rules:?}"
    );
    assert!(
        !rules
            .iter()
            .any(|r| r.starts_with("proto/message-no-delete")),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r.starts_with("proto/field-same-json-name")),
        "{rules:?}"
    );
}

#[test]
fn config_flag_overrides_the_tree_and_bad_config_is_exit_2() {
    let dir = buf_tree("version: v2\nbreaking:\n  use: [WIRE]\n");
    write(
        dir.path(),
        "strict.yaml",
        "version: v2\nbreaking:\n  use: [FILE]\n",
    );
    let out = treaty(
        &["diff", "old", "new", "--config", "strict.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));

    write(dir.path(), "bad.yaml", "version: v9\n");
    let out = treaty(&["diff", "old", "new", "--config", "bad.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.yaml"), "{}", stderr(&out));
}

fn shop(format: &str) -> String {
    let out = treaty(
        &[
            "diff",
            "examples/shop/v1",
            "examples/shop/v2",
            "--only",
            "buf:FIELD_SAME_TYPE",
            "--format",
            format,
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn sarif_output_locates_results() {
    let sarif: serde_json::Value = serde_json::from_str(&shop("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "proto/field-same-type");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 31);
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        30
    );
}

#[test]
fn junit_github_and_markdown_outputs() {
    let junit = shop("junit");
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(
        junit.contains(
            "<testcase classname=\"treaty\" name=\"proto/field-same-type at shop/v1/catalog.proto:31:3\""
        ),
        "{junit}"
    );
    assert!(junit.contains("failures=\"1\""), "{junit}");
    let github = shop("github");
    assert!(
        github.starts_with("::error file=examples/shop/v2/shop/v1/catalog.proto,line=31,col=3,"),
        "{github}"
    );
    let markdown = shop("markdown");
    assert!(
        markdown.contains("| error | `proto/field-same-type` | `shop/v1/catalog.proto:31` |"),
        "{markdown}"
    );
}

/// A file one byte over the 256 MiB limit, sparse: nothing that big is written.
fn oversized(dir: &Path, rel: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = std::fs::File::create(path).unwrap();
    file.set_len(256 * 1024 * 1024 + 1).unwrap();
}

#[test]
fn oversized_proto_in_a_directory_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for side in ["old", "new"] {
        write(d, &format!("{side}/a.proto"), "syntax = \"proto3\";\n");
    }
    oversized(d, "new/big.proto");
    let out = treaty(&["diff", "old", "new"], d);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "new/big.proto (in the new revision): file is 268435457 bytes, larger than the 256 MiB limit for a contract file"
        ),
        "{err}"
    );
}

#[test]
fn oversized_yaml_or_json_in_a_directory_is_ignored_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for side in ["old", "new"] {
        write(d, &format!("{side}/a.proto"), "syntax = \"proto3\";\n");
    }
    oversized(d, "new/dump.json");
    oversized(d, "new/data/big.yaml");
    let out = treaty(&["diff", "old", "new"], d);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Named on its own, it is what the user asked to compare: refused.
    let out = treaty(&["diff", "new/dump.json", "new/dump.json"], d);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("dump.json"), "{}", stderr(&out));
    assert!(stderr(&out).contains("256 MiB"), "{}", stderr(&out));
}

#[test]
fn oversized_treaty_toml_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for side in ["old", "new"] {
        write(d, &format!("{side}/a.proto"), "syntax = \"proto3\";\n");
    }
    oversized(d, "new/treaty.toml");
    let out = treaty(&["diff", "old", "new"], d);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("treaty.toml"), "{}", stderr(&out));
}

#[test]
fn gitlab_code_quality_output() {
    let issues: serde_json::Value = serde_json::from_str(&shop("gitlab")).unwrap();
    let issue = &issues.as_array().unwrap()[0];
    assert_eq!(issue["check_name"], "proto/field-same-type");
    assert_eq!(issue["severity"], "major");
    // From the repository root, where GitLab looks for the file.
    assert_eq!(
        issue["location"]["path"],
        "examples/shop/v2/shop/v1/catalog.proto"
    );
    assert_eq!(issue["location"]["lines"]["begin"], 31);
    let fingerprint = issue["fingerprint"].as_str().unwrap();
    assert!(fingerprint.len() == 32 && fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
    // The same run gives the same fingerprint, which GitLab matches across pipelines.
    assert_eq!(shop("gitlab"), shop("gitlab"));
}

/// `treaty ARGS` with its standard output sent to `stdout`; stderr captured.
fn treaty_into(args: &[&str], stdout: std::process::Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("treaty runs")
}

#[test]
fn a_report_that_cannot_be_written_is_exit_2_not_a_pass() {
    // A full disk: the findings must not turn into exit 0.
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let out = treaty_into(
        &["diff", "examples/shop/v1", "examples/shop/v2"],
        full().into(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("standard output"), "{}", stderr(&out));
    let out = treaty_into(&["rules"], full().into());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // A reader that stops early (`| head -1`) is no error: the findings' exit code stays.
    let mut child = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args([
            "diff",
            "examples/shop/v1",
            "examples/shop/v2",
            "--format",
            "json",
        ])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}
