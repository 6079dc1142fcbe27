//! The work tree is listed with the blob ids its index vouches for (as `git status` does): an
//! edit must still be seen whatever its timing or size, and an unchanged file must not be.

mod common;
use common::{git, treaty};

use std::process::Output;

fn proto(field_type: &str) -> String {
    format!("syntax = \"proto3\";\npackage a.v1;\nmessage M {{\n  {field_type} x = 1;\n}}\n")
}

fn rules(out: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (json["findings"].as_array().unwrap().iter())
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_edit_of_the_same_size_right_after_the_commit_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::create_dir_all(d.join("a/v1")).unwrap();
    std::fs::write(d.join("a/v1/m.proto"), proto("int32")).unwrap();
    std::fs::write(
        d.join("a/v1/n.proto"),
        "syntax = \"proto3\";\npackage a.v1;\nmessage N {}\n",
    )
    .unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "one"]);
    // Unchanged: nothing to report, and no file needs reading to know it.
    let out = treaty(d, &["breaking", "--against", "HEAD", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Same size, written within the same second as the index: git's racy case.
    std::fs::write(d.join("a/v1/m.proto"), proto("int64")).unwrap();
    let out = treaty(d, &["breaking", "--against", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        rules(&out).contains(&"proto/field-same-type".to_string()),
        "{:?}",
        rules(&out)
    );
    // Staged, then the index refreshed (`git status` rewrites stat data): still seen.
    git(d, &["add", "."]);
    git(d, &["status", "--short"]);
    let out = treaty(d, &["breaking", "--against", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    // And from a subdirectory of the work tree, given as a directory to diff.
    let out = treaty(d, &["diff", "HEAD:a", "a", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        rules(&out).contains(&"proto/field-same-type".to_string()),
        "{:?}",
        rules(&out)
    );
}

#[test]
fn an_edit_with_its_old_timestamp_put_back_is_seen_by_its_size_or_inode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::create_dir_all(d.join("a/v1")).unwrap();
    let path = d.join("a/v1/m.proto");
    std::fs::write(&path, proto("int32")).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "one"]);
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    // An editor that writes a new file and renames it over the old one: a new inode.
    let tmp = d.join("a/v1/m.proto.tmp");
    std::fs::write(&tmp, proto("string")).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let out = treaty(d, &["breaking", "--against", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", rules(&out));
}
