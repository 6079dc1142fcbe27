//! `treaty breaking` on real git repositories built in a temporary directory.

mod common;
use common::{git, treaty, write};

use std::process::Output;

const V1: &str = "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Cart {\n  string id = 1;\n}\n\nmessage Coupon {\n  string code = 1;\n}\n";
const V2: &str = "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Cart {\n  string id = 1;\n}\n";

/// A repository whose `main` has V1 committed, then V2 committed on top (tag `v1` on the first).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "proto/shop/v1/shop.proto", V1);
    write(
        d,
        "proto/shop/v1/other.proto",
        "syntax = \"proto3\";\npackage shop.v1;\nmessage Other {}\n",
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    git(d, &["tag", "v1"]);
    write(d, "proto/shop/v1/shop.proto", V2);
    git(d, &["commit", "-qam", "v2"]);
    dir
}

fn concise(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn against_a_tag_with_head_compares_two_revisions() {
    let dir = repo();
    let out = treaty(
        dir.path(),
        &[
            "breaking",
            "--against",
            "v1",
            "--head",
            "HEAD",
            "--format",
            "concise",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = concise(&out);
    assert!(text.contains("proto/shop/v1/shop.proto:1:1: error[proto/message-no-delete] Previously present message \"Coupon\" was deleted from file."), "{text}");
}

#[test]
fn against_a_revision_uses_the_work_tree() {
    let dir = repo();
    // The work tree restores Coupon: nothing is broken relative to v1.
    write(dir.path(), "proto/shop/v1/shop.proto", V1);
    let out = treaty(dir.path(), &["breaking", "--against", "v1"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        concise(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    // And against HEAD (V2) the work tree only adds: still clean.
    let out = treaty(dir.path(), &["breaking", "--against", "HEAD"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn staged_compares_the_index_with_head() {
    let dir = repo();
    write(
        dir.path(),
        "proto/shop/v1/other.proto",
        "syntax = \"proto3\";\npackage shop.v1;\n",
    );
    // Unstaged: the pre-commit check does not see it.
    let out = treaty(dir.path(), &["breaking", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", concise(&out));
    git(dir.path(), &["add", "proto/shop/v1/other.proto"]);
    let out = treaty(dir.path(), &["breaking", "--staged", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(concise(&out).contains("\"Other\""), "{}", concise(&out));
}

#[test]
fn paths_narrow_the_comparison() {
    let dir = repo();
    let out = treaty(
        dir.path(),
        &[
            "breaking",
            "--against",
            "v1",
            "--head",
            "HEAD",
            "proto/shop/v1/other.proto",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", concise(&out));
}

#[test]
fn unknown_revision_is_exit_2() {
    let dir = repo();
    let out = treaty(dir.path(), &["breaking", "--against", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
}

#[test]
fn shallow_clone_without_the_base_is_exit_2_with_a_hint() {
    let origin = repo();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let out = treaty(
        &clone.path().join("c"),
        &["breaking", "--against", "HEAD~1"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn rev_path_works_in_diff() {
    let dir = repo();
    let out = treaty(
        dir.path(),
        &["diff", "v1:proto", "HEAD:proto", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["file"], "shop/v1/shop.proto");
}

#[test]
fn outside_a_repository_breaking_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = treaty(dir.path(), &["breaking", "--against", "main"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn oversized_blobs_fail_closed_for_protos_and_are_skipped_for_data() {
    let dir = repo();
    let d = dir.path();
    // One byte over the 256 MiB limit, sparse on disk; git stores it compressed.
    let oversized = |rel: &str| {
        let file = std::fs::File::create(d.join(rel)).unwrap();
        file.set_len(256 * 1024 * 1024 + 1).unwrap();
    };
    oversized("dump.json");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "data"]);
    let out = treaty(d, &["breaking", "--against", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(d.join("dump.json")).unwrap();
    oversized("proto/big.proto");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "big"]);
    let out = treaty(d, &["breaking", "--against", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(2), "{}", concise(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "HEAD:proto/big.proto (in the new revision): file is 268435457 bytes, larger than the 256 MiB limit"
        ),
        "{err}"
    );
}
