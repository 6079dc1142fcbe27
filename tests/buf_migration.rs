//! What a team moving between buf configurations meets: deprecated buf ids select what buf
//! selects for them, and each revision's files take their import paths from that revision's
//! own buf.yaml (roots moved between the base and the head), the rules from the head's.

mod common;
use common::{treaty, write};

use std::path::Path;

/// `(rule, file, line)` of each finding of `treaty diff old new --format json`, and the exit code.
fn diff(dir: &Path) -> (i32, Vec<(String, String, u64)>) {
    let out = treaty(dir, &["diff", "old", "new", "--format", "json"]);
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
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (out.status.code().unwrap(), findings)
}

#[test]
fn a_deprecated_buf_id_selects_the_rules_that_replaced_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let message = |label: &str| {
        format!("syntax = \"proto2\";\npackage a;\nmessage M {{\n  {label} string s = 1;\n}}\n")
    };
    write(d, "old/a.proto", &message("optional"));
    write(d, "new/a.proto", &message("repeated"));
    write(
        d,
        "new/buf.yaml",
        "version: v1\nbreaking:\n  use:\n    - FIELD_SAME_LABEL\n",
    );
    let (code, findings) = diff(d);
    assert_eq!(code, 1);
    let rules: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        rules,
        [
            "proto/field-same-cardinality",
            "proto/field-wire-compatible-cardinality",
            "proto/field-wire-json-compatible-cardinality"
        ]
    );
    // A finding is named by the rule that made it, never by the deprecated id.
    let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("FIELD_SAME_LABEL"));
    // `explain` says what the deprecated id selects.
    let out = treaty(d, &["explain", "FIELD_SAME_LABEL"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for rule in rules {
        assert!(text.contains(rule), "{text}");
    }
}

#[test]
fn each_revision_reads_its_own_roots_and_files_pair_by_import_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The base keeps its files under a v1beta1 root; the head moved them to a v1 module at the
    // top, and changed one package.
    write(
        d,
        "old/buf.yaml",
        "version: v1beta1\nbuild:\n  roots:\n    - root\n",
    );
    write(
        d,
        "old/root/a/a.proto",
        "syntax = \"proto3\";\npackage a;\nmessage A {}\n",
    );
    write(
        d,
        "old/root/b/b.proto",
        "syntax = \"proto3\";\npackage b;\nmessage B {}\n",
    );
    write(
        d,
        "new/buf.yaml",
        "version: v1\nbreaking:\n  use:\n    - FILE\n",
    );
    write(
        d,
        "new/a/a.proto",
        "syntax = \"proto3\";\npackage a;\nmessage A {}\n",
    );
    write(
        d,
        "new/b/b.proto",
        "syntax = \"proto3\";\npackage b2;\nmessage B {}\n",
    );
    let (code, findings) = diff(d);
    assert_eq!(code, 1);
    // Not "every file deleted": the moved files pair, and the one real change is found.
    assert!(
        findings
            .iter()
            .all(|(rule, _, _)| rule != "proto/file-no-delete"),
        "{findings:?}"
    );
    assert!(
        findings.contains(&("proto/file-same-package".into(), "b/b.proto".into(), 2)),
        "{findings:?}"
    );
}

#[test]
fn the_heads_ignore_names_base_files_by_import_path() {
    // buf's breaking_file_no_delete_ignores: the base keeps its files under a v1beta1 root;
    // the head's `ignore` names import paths, which match base files under that root.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "old/buf.yaml",
        "version: v1beta1\nbuild:\n  roots:\n    - root\n",
    );
    for (path, package) in [
        ("a/a.proto", "a"),
        ("a/c/c.proto", "a.c"),
        ("a/b/b.proto", "a.b"),
    ] {
        let text = format!("syntax = \"proto3\";\npackage {package};\n");
        write(d, &format!("old/root/{path}"), &text);
        if path == "a/b/b.proto" {
            write(d, &format!("new/{path}"), &text);
        }
    }
    write(
        d,
        "new/buf.yaml",
        "version: v1beta1\nbreaking:\n  use:\n    - FILE_NO_DELETE\n  ignore:\n    - a/c\n",
    );
    let (code, findings) = diff(d);
    assert_eq!(code, 1, "{findings:?}");
    // a/a.proto is gone and not ignored; a/c/c.proto is gone but ignored.
    let deleted: Vec<&str> = findings
        .iter()
        .filter(|(rule, _, _)| rule == "proto/file-no-delete")
        .map(|(_, file, _)| file.as_str())
        .collect();
    assert_eq!(deleted.len(), 1, "{findings:?}");
    assert!(!deleted[0].contains("c.proto"), "{findings:?}");
}
