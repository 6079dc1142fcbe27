//! Following treaty's advice makes the run pass: the sequence a user goes through when deleting
//! a protobuf field, in treaty's default selection, and buf's verdicts kept when buf's rules are
//! selected.

mod common;
use common::write;

use std::path::Path;
use std::process::{Command, Output};

fn treaty(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("treaty runs")
}

/// A `Book` message with `title` and, in `fields`, what else the revision declares.
fn book(fields: &str) -> String {
    format!(
        "syntax = \"proto3\";\n\npackage library.v1;\n\nmessage Book {{\n{fields}  string title = 1;\n}}\n"
    )
}

/// Compares `old/` with `new/` (as JSON): the exit code and (rule, message) of each finding.
fn diff(dir: &Path, extra: &[&str]) -> (i32, Vec<(String, String)>) {
    let mut args = vec!["diff", "old", "new", "--format", "json"];
    args.extend_from_slice(extra);
    let out = treaty(&args, dir);
    let text = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}{}", String::from_utf8_lossy(&out.stderr)));
    let findings = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap(), findings)
}

const DEPRECATE_FIRST: &str =
    "deprecate it first (deprecated = true) in a release, then delete it reserving 3 and \"author\"";
const RESERVED: &str = "  reserved 3;\n  reserved \"author\";\n";

fn rules(findings: &[(String, String)]) -> Vec<&str> {
    findings.iter().map(|(rule, _)| rule.as_str()).collect()
}

#[test]
fn deleting_a_field_the_guides_way_passes_and_each_step_says_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let path = "library/v1/book.proto";
    write(
        dir.path(),
        &format!("old/{path}"),
        &book("  string author = 3;\n"),
    );

    // 1. The field is deleted: one finding, with both the reservation and the deprecation.
    write(dir.path(), &format!("new/{path}"), &book(""));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(rules(&findings), ["proto/field-deleted-not-reserved"]);
    let message = &findings[0].1;
    assert!(message.contains(DEPRECATE_FIRST), "{message}");
    assert!(
        message.contains("add: reserved 3; reserved \"author\";"),
        "{message}"
    );

    // 2. Reserved as asked: still an error, since the field was never deprecated; buf's
    // FIELD_NO_DELETE is not reported next to it.
    write(dir.path(), &format!("new/{path}"), &book(RESERVED));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        rules(&findings),
        ["proto/field-deleted-without-deprecation"]
    );
    assert!(
        findings[0].1.ends_with(DEPRECATE_FIRST),
        "{}",
        findings[0].1
    );

    // 3. Deprecated in the base, deleted and reserved in the head: passes, with a note.
    write(
        dir.path(),
        &format!("old/{path}"),
        &book("  string author = 3 [deprecated = true];\n"),
    );
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 0, "{findings:?}");
    assert_eq!(rules(&findings), ["proto/field-deleted-after-deprecation"]);

    // 4. Deprecated in the base but not reserved: only the reservation is asked for.
    write(dir.path(), &format!("new/{path}"), &book(""));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(rules(&findings), ["proto/field-deleted-not-reserved"]);
    assert!(findings[0]
        .1
        .ends_with("add: reserved 3; reserved \"author\";"));
    assert!(!findings[0].1.contains("deprecate"), "{}", findings[0].1);
}

#[test]
fn buf_rules_selected_explicitly_keep_bufs_verdict_on_a_guided_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let path = "library/v1/book.proto";
    write(
        dir.path(),
        &format!("old/{path}"),
        &book("  string author = 3 [deprecated = true];\n"),
    );
    write(dir.path(), &format!("new/{path}"), &book(RESERVED));

    let (code, findings) = diff(dir.path(), &["--only", "buf:FILE"]);
    assert_eq!(code, 1);
    assert_eq!(rules(&findings), ["proto/field-no-delete"]);

    for side in ["old", "new"] {
        write(
            dir.path(),
            &format!("{side}/buf.yaml"),
            "version: v2\nbreaking:\n  use: [FILE]\n",
        );
    }
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(rules(&findings), ["proto/field-no-delete"]);
}

/// A `Status` enum with the values in `values` besides the zero value.
fn status(values: &str) -> String {
    format!(
        "syntax = \"proto3\";\n\npackage library.v1;\n\nenum Status {{\n  option allow_alias = true;\n{values}  STATUS_UNSPECIFIED = 0;\n}}\n"
    )
}

#[test]
fn deleting_an_enum_value_or_alias_the_guides_way_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = "library/v1/status.proto";
    let values = "  STATUS_ACTIVE = 1;\n  STATUS_ENABLED = 1;\n  STATUS_CLOSED = 3;\n";
    write(dir.path(), &format!("old/{path}"), &status(values));

    // 1. Deleted outright: one finding per number, asking for the deprecation and reservation.
    write(
        dir.path(),
        &format!("new/{path}"),
        &status("  STATUS_ACTIVE = 1;\n"),
    );
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        rules(&findings),
        [
            "proto/enum-value-deleted-not-reserved",
            "proto/enum-value-deleted-not-reserved"
        ],
        "{findings:?}"
    );
    assert!(
        findings[0].1.contains(
            "deprecate it first (deprecated = true) in a release, then delete it reserving 3 and \"STATUS_CLOSED\""
        ),
        "{findings:?}"
    );
    // An alias of a number that lives on: only its name is to reserve.
    assert!(
        findings[1].1.contains(
            "then delete it reserving \"STATUS_ENABLED\" (add: reserved \"STATUS_ENABLED\";)"
        ),
        "{findings:?}"
    );

    // 2. Reserved but never deprecated: still one error per number, saying only that.
    let reserved =
        "  reserved 3;\n  reserved \"STATUS_CLOSED\", \"STATUS_ENABLED\";\n  STATUS_ACTIVE = 1;\n";
    write(dir.path(), &format!("new/{path}"), &status(reserved));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        rules(&findings),
        [
            "proto/enum-value-deleted-without-deprecation",
            "proto/enum-value-deleted-without-deprecation"
        ],
        "{findings:?}"
    );

    // 3. Deprecated in the base, reserved in the head: passes, with info findings only.
    let deprecated = "  STATUS_ACTIVE = 1;\n  STATUS_ENABLED = 1 [deprecated = true];\n  STATUS_CLOSED = 3 [deprecated = true];\n";
    write(dir.path(), &format!("old/{path}"), &status(deprecated));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 0, "{findings:?}");
    assert_eq!(
        rules(&findings),
        [
            "proto/enum-value-deleted-after-deprecation",
            "proto/enum-value-deleted-after-deprecation"
        ],
        "{findings:?}"
    );
    // buf's own rules, selected, keep buf's verdict.
    let (code, findings) = diff(dir.path(), &["--only", "buf:FILE"]);
    assert_eq!(code, 1);
    assert!(
        rules(&findings).contains(&"proto/enum-value-no-delete"),
        "{findings:?}"
    );
}

#[test]
fn a_renumbered_field_supersedes_only_its_own_findings_when_fields_share_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = "library/v1/book.proto";
    // Two fields on one line: `tags` moves from 7 to 8, `author` (3) is renamed.
    write(
        dir.path(),
        &format!("old/{path}"),
        &book("  repeated string tags = 7; string author = 3;\n"),
    );
    write(
        dir.path(),
        &format!("new/{path}"),
        &book("  string tags = 8; string writer = 3;\n"),
    );
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    let rules = rules(&findings);
    assert!(rules.contains(&"proto/field-renumbered"), "{findings:?}");
    // The renumbering replaces buf's deletion of 7 ...
    assert!(!rules.contains(&"proto/field-no-delete"), "{findings:?}");
    // ... and says the cardinality changed too, while author's rename (a rule the renumbering
    // also supersedes, on the same line) stays its own finding.
    let renumbered = findings
        .iter()
        .find(|(rule, _)| rule == "proto/field-renumbered")
        .unwrap();
    assert!(
        renumbered.1.contains("cardinality changed too"),
        "{renumbered:?}"
    );
    assert!(rules.contains(&"proto/field-same-name"), "{findings:?}");
}
