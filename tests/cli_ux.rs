//! What a user sees of the command line's output options, the human report's layout, and the
//! catalog commands.

mod common;
use common::{stderr, stdout, write};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn treaty(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .expect("treaty runs")
}

/// A fixture whose change holds one error and one info finding.
fn error_and_info() -> (PathBuf, PathBuf) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/openapi/request-parameter-became-optional");
    (fixture.join("old"), fixture.join("new"))
}

fn diff_error_and_info(dir: &Path, extra: &[&str]) -> Output {
    let (old, new) = error_and_info();
    let mut args = vec!["diff", old.to_str().unwrap(), new.to_str().unwrap()];
    args.extend_from_slice(extra);
    treaty(dir, &args)
}

fn json_rules(text: &str) -> Vec<String> {
    let json: Value = serde_json::from_str(text).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn output_writes_the_report_to_a_file_and_not_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = diff_error_and_info(dir.path(), &["--format", "json", "--output", "out.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let text = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    assert!(json_rules(&text).contains(&"openapi/request-parameter-became-required".into()));
}

#[test]
fn a_report_file_that_cannot_be_written_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = diff_error_and_info(dir.path(), &["--output", "missing/dir/report.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("missing/dir/report.txt: cannot write the report"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn several_formats_go_to_their_files_and_the_plain_one_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = diff_error_and_info(
        dir.path(),
        &[
            "--format",
            "human",
            "--format",
            "sarif=treaty.sarif",
            "--format",
            "json=out.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("treaty: 2 findings: 1 error, 0 warning, 1 info"),
        "{}",
        stdout(&out)
    );
    let json = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    assert_eq!(json_rules(&json).len(), 2);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("treaty.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn a_failed_report_file_leaves_the_others_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = diff_error_and_info(
        dir.path(),
        &[
            "--format",
            "json=out.json",
            "--format",
            "sarif=no/such/dir.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no/such/dir.sarif"),
        "{}",
        stderr(&out)
    );
    let json = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    assert_eq!(json_rules(&json).len(), 2, "{json}");
}

#[test]
fn two_formats_on_stdout_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = diff_error_and_info(dir.path(), &["--format", "human", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("more than one --format"),
        "{}",
        stderr(&out)
    );
    let out = diff_error_and_info(dir.path(), &["--format", "yaml=x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown format `yaml`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn show_info_lists_info_findings_without_changing_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let folded = diff_error_and_info(dir.path(), &[]);
    assert!(!stdout(&folded).contains("became optional"));
    assert!(stdout(&folded).contains("1 info finding not shown"));
    let shown = diff_error_and_info(dir.path(), &["--show-info"]);
    assert_eq!(shown.status.code(), Some(1));
    assert!(
        stdout(&shown).contains("became optional"),
        "{}",
        stdout(&shown)
    );
    assert!(!stdout(&shown).contains("not shown"));
    // Only info: shown, and still exit 0 under the default --fail-on error.
    let (old, new) = error_and_info();
    let out = treaty(
        dir.path(),
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--show-info",
            "--only",
            "openapi/request-parameter-became-optional",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("became optional"), "{}", stdout(&out));
}

#[test]
fn hide_info_leaves_info_findings_out_of_machine_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = diff_error_and_info(dir.path(), &["--format", "json", "--hide-info"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json_rules(&stdout(&out)),
        vec!["openapi/request-parameter-became-required".to_string()]
    );
    // The exit code still counts them.
    let out = diff_error_and_info(
        dir.path(),
        &[
            "--format",
            "json",
            "--hide-info",
            "--fail-on",
            "info",
            "--only",
            "openapi/request-parameter-became-optional",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_rules(&stdout(&out)), Vec::<String>::new());
}

fn shop_diff(dir: &Path, columns: Option<&str>) -> String {
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let mut command = Command::new(env!("CARGO_BIN_EXE_treaty"));
    command
        .args(["diff"])
        .arg(shop.join("v1"))
        .arg(shop.join("v2"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    if let Some(columns) = columns {
        command.env("COLUMNS", columns);
    }
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn human_report_separates_diagnostics_and_labels_the_old_line_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let text = shop_diff(dir.path(), None);
    assert!(!text.contains("Advice"), "{text}");
    // Each diagnostic starts with its rule id after a blank line, the first one excepted.
    let separated = "    ╰────\n\nproto/field-same-name\n";
    assert!(text.contains(separated), "{text}");
    // The old revision's line follows, as a note of the finding it belongs to.
    let renamed = &text[text.find("changed name from \"id\"").unwrap()..];
    let note = &renamed[..renamed.find("treaty:").unwrap()];
    assert!(note.contains("in the old revision"), "{note}");
    assert!(note.contains(" 45 │   string id = 1;"), "{note}");
    assert!(note.contains("was here"), "{note}");
}

#[test]
fn human_report_wraps_to_columns_and_not_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    // Messages and help wrap; quoted source lines and their labels cannot.
    let longest = |text: &str| {
        (text.lines())
            .filter(|l| !l.contains('│') && !l.contains('·'))
            .map(|l| l.chars().count())
            .max()
            .unwrap()
    };
    let piped = shop_diff(dir.path(), None);
    assert!(longest(&piped) > 100, "{piped}");
    let narrow = shop_diff(dir.path(), Some("72"));
    assert!(longest(&narrow) <= 72, "{narrow}");
    // The words are all still there.
    let words = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .count()
    };
    assert_eq!(words(&piped), words(&narrow));
}

#[test]
fn rules_filter_by_protocol_kind_and_category_and_show_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = treaty(
        dir.path(),
        &["rules", "--protocol", "proto", "--kind", "lint"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("RULE "), "{header}");
    let default_column = header.find("DEFAULT").unwrap();
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() > 10, "{text}");
    for row in &rows {
        assert!(row.starts_with("proto/"), "{row}");
        assert_eq!(&row[header.find("KIND").unwrap()..][..4], "lint", "{row}");
        let default = &row[default_column..][..3];
        assert!(default == "on " || default == "off", "{row}");
    }
    assert!(rows.iter().any(|r| r[default_column..].starts_with("on ")));
    assert!(rows.iter().any(|r| r[default_column..].starts_with("off")));

    let wire = stdout(&treaty(
        dir.path(),
        &["rules", "--category", "buf:wire_json"],
    ));
    assert!(wire.contains("proto/field-same-json-name"), "{wire}");
    assert!(!wire.contains("openapi/"), "{wire}");
    let breaking = stdout(&treaty(
        dir.path(),
        &[
            "rules",
            "--protocol",
            "openapi",
            "--kind",
            "breaking",
            "--format",
            "json",
        ],
    ));
    let rules: Value = serde_json::from_str(&breaking).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(!rules.is_empty());
    assert!(rules
        .iter()
        .all(|r| r["kind"] == "breaking" && r["protocol"] == "openapi"));

    let unknown = treaty(dir.path(), &["rules", "--category", "NO_SUCH"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("NO_SUCH"), "{}", stderr(&unknown));
}

#[test]
fn explain_writes_kind_and_protocol_as_users_do() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(&treaty(dir.path(), &["explain", "buf:FIELD_SAME_NAME"]));
    assert!(
        text.contains("kind: breaking  protocol: proto  severity: error  default: on"),
        "{text}"
    );
}

const MESSAGE: &str = "syntax = \"proto3\";\npackage p;\nmessage M {}\n";

#[test]
fn the_human_format_says_which_config_file_it_used() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.proto", MESSAGE);
    let none = treaty(dir.path(), &["lint"]);
    assert!(!stderr(&none).contains("using"), "{}", stderr(&none));

    write(dir.path(), "buf.yaml", "version: v1\n");
    let buf = treaty(dir.path(), &["lint"]);
    assert!(
        stderr(&buf).contains("treaty: using buf.yaml\n"),
        "{}",
        stderr(&buf)
    );

    write(dir.path(), "treaty.toml", "");
    let both = treaty(dir.path(), &["lint"]);
    assert!(
        stderr(&both).contains("treaty: using treaty.toml; it wins over the buf.yaml beside it"),
        "{}",
        stderr(&both)
    );
    // Machine formats keep stderr to errors.
    let json = treaty(dir.path(), &["lint", "--format", "json"]);
    assert!(!stderr(&json).contains("using"), "{}", stderr(&json));
}

#[test]
fn an_import_under_proto_without_roots_suggests_the_root() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "proto/shop/v1/a.proto",
        "syntax = \"proto3\";\npackage shop.v1;\nimport \"shop/v1/b.proto\";\nmessage A { B b = 1; }\n",
    );
    write(
        dir.path(),
        "proto/shop/v1/b.proto",
        "syntax = \"proto3\";\npackage shop.v1;\nmessage B {}\n",
    );
    let out = treaty(dir.path(), &["lint"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains("import \"shop/v1/b.proto\" was not found"),
        "{text}"
    );
    assert!(text.contains("[proto] roots = [\"proto\"]"), "{text}");
    // With the root declared, it lints.
    write(dir.path(), "treaty.toml", "[proto]\nroots = [\"proto\"]\n");
    let fixed = treaty(dir.path(), &["lint"]);
    assert_ne!(fixed.status.code(), Some(2), "{}", stderr(&fixed));
}

/// A spec whose four operations share one response schema; `extra` adds a property to it.
fn shared_schema_spec(extra: &str) -> String {
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for (path, method) in [
        ("/a", "get"),
        ("/b", "get"),
        ("/c", "put"),
        ("/d", "delete"),
    ] {
        spec.push_str(&format!(
            "  {path}:\n    {method}:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Pet'}}\n"
        ));
    }
    spec.push_str("components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        id: {type: string}\n");
    spec.push_str(extra);
    spec
}

#[test]
fn human_report_gives_one_message_for_one_edit_seen_from_several_operations() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "old.yaml",
        &shared_schema_spec("        name: {type: string}\n"),
    );
    write(dir.path(), "new.yaml", &shared_schema_spec(""));
    let human = treaty(dir.path(), &["diff", "old.yaml", "new.yaml", "--show-info"]);
    let text = stdout(&human);
    assert_eq!(
        text.matches("in the old revision").count(),
        1,
        "one snippet for the one removal:\n{text}"
    );
    assert!(
        text.contains("in 4 operations: DELETE /d, GET /a, GET /b, PUT /c"),
        "{text}"
    );
    // The count and the exit code stay those of the findings; JSON keeps one per operation.
    assert!(text.contains("treaty: 4 findings"), "{text}");
    let json = treaty(
        dir.path(),
        &["diff", "old.yaml", "new.yaml", "--format", "json"],
    );
    assert_eq!(human.status.code(), json.status.code());
    let rules = json_rules(&stdout(&json));
    assert_eq!(rules.len(), 4, "{rules:?}");
}

#[test]
fn completions_and_manual_pages_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = treaty(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in ["breaking", "check", "lint", "against", "fail-on"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let out = treaty(dir.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(".ie"), "roff: {}", stdout(&out));
    assert!(stdout(&out).contains(".TH treaty 1"), "{}", stdout(&out));
    let out = treaty(dir.path(), &["man", "breaking"]);
    assert!(
        stdout(&out).contains(".TH treaty-breaking 1"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("against"), "{}", stdout(&out));
    let out = treaty(dir.path(), &["man", "brekaing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("one of: diff, breaking"),
        "{}",
        stderr(&out)
    );
}
