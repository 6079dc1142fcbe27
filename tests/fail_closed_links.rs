//! A `$ref` or an import that reaches a symbolic link treaty does not follow says so, in the
//! work tree and in a git revision (where git keeps the link as the path it points to), instead
//! of "not found".
#![cfg(unix)]

mod common;
use common::{git, treaty, write};

use std::os::unix::fs::symlink;
use std::path::Path;

/// The errors of a run that must fail on its input, on one line each.
fn errors(dir: &Path, args: &[&str]) -> String {
    let out = treaty(dir, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("not found"), "{args:?}: {err}");
    err.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn spec(reference: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /pets:\n    get:\n      \
         responses:\n        '200':\n          description: ok\n          content:\n            \
         application/json:\n              schema: {{$ref: '{reference}'}}\n"
    )
}

const IMPORTER: &str =
    "syntax = \"proto3\";\npackage p;\nimport \"shared/common.proto\";\nmessage M { shared.S s = 1; }\n";

/// A repository whose files reach out of it through links: `api/common.yaml` and
/// `proto/shared/common.proto` to files, `api/shared` to a directory. Committed, and the same
/// in the work tree. The returned directory is the one outside.
fn repo_with_links_out(reference: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path();
    write(o, "common.yaml", "Pet: {type: object}\n");
    write(o, "dir/common.yaml", "Pet: {type: object}\n");
    write(
        o,
        "common.proto",
        "syntax = \"proto3\";\npackage shared;\nmessage S {}\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "api/openapi.yaml", &spec(reference));
    symlink(o.join("common.yaml"), d.join("api/common.yaml")).unwrap();
    symlink(o.join("dir"), d.join("api/shared")).unwrap();
    write(d, "treaty.toml", "[proto]\nroots = [\"proto\"]\n");
    write(d, "proto/m.proto", IMPORTER);
    std::fs::create_dir_all(d.join("proto/shared")).unwrap();
    symlink(o.join("common.proto"), d.join("proto/shared/common.proto")).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "links out"]);
    (dir, outside)
}

fn leaves(path: &str, target: &Path) -> String {
    format!(
        "`{path}` is a symbolic link to `{}`, outside the compared tree: treaty does not follow \
         links out of it",
        target.display()
    )
}

#[test]
fn a_ref_to_a_file_linked_out_of_the_tree_says_so() {
    let (dir, outside) = repo_with_links_out("common.yaml#/Pet");
    let d = dir.path();
    let want = format!(
        "$ref \"common.yaml#/Pet\": {}",
        leaves("api/common.yaml", &outside.path().join("common.yaml"))
    );
    for args in [&["lint"][..], &["lint", "HEAD:"]] {
        let err = errors(d, args);
        assert!(err.contains(&want), "{args:?}: {err}");
        assert!(err.contains("api/openapi.yaml:11:30"), "{args:?}: {err}");
    }
    // Paths in the message are relative to the tree compared, like a `$ref`'s.
    let want = want.replace("`api/common.yaml`", "`common.yaml`");
    for args in [&["lint", "api"][..], &["lint", "HEAD:api"]] {
        let err = errors(d, args);
        assert!(err.contains(&want), "{args:?}: {err}");
    }
}

#[test]
fn a_ref_through_a_directory_linked_out_of_the_tree_says_so() {
    let (dir, outside) = repo_with_links_out("shared/common.yaml#/Pet");
    let d = dir.path();
    let want = leaves("api/shared", &outside.path().join("dir"));
    for args in [&["lint"][..], &["lint", "HEAD:"]] {
        let err = errors(d, args);
        assert!(err.contains(&want), "{args:?}: {err}");
    }
}

#[test]
fn an_import_linked_out_of_the_tree_says_so() {
    let (dir, outside) = repo_with_links_out("common.yaml#/Pet");
    let d = dir.path();
    let want = format!(
        "import \"shared/common.proto\": {}",
        leaves(
            "proto/shared/common.proto",
            &outside.path().join("common.proto")
        )
    );
    for args in [&["lint"][..], &["lint", "HEAD:"]] {
        let err = errors(d, args);
        assert!(err.contains(&want), "{args:?}: {err}");
        assert!(err.contains("proto/m.proto:3:8"), "{args:?}: {err}");
    }
}

#[test]
fn a_comparison_reading_a_changed_importer_says_so() {
    let (dir, _outside) = repo_with_links_out("common.yaml#/Pet");
    let d = dir.path();
    write(
        d,
        "api/openapi.yaml",
        &spec("common.yaml#/Pet").replace("title: t", "title: u"),
    );
    write(d, "proto/m.proto", &IMPORTER.replace("s = 1", "s = 2"));
    git(d, &["commit", "-qam", "change both"]);
    for args in [
        &["breaking", "--against", "HEAD~1", "--head", "HEAD"][..],
        &["check", "--against", "HEAD~1"],
    ] {
        let err = errors(d, args);
        for what in [
            "$ref \"common.yaml#/Pet\": `api/common.yaml`",
            "import \"shared/common.proto\": `proto/shared/common.proto`",
        ] {
            assert!(err.contains(what), "{args:?}: {err}");
        }
        assert!(err.contains("outside the compared tree"), "{args:?}: {err}");
    }
}

#[test]
fn a_link_inside_a_revision_is_not_followed_and_says_so() {
    // On disk a link inside the tree is read as the file it points to; git keeps only the path.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "api/openapi.yaml", &spec("linked.yaml#/Pet"));
    write(d, "api/schemas.yaml", "Pet: {type: object}\n");
    symlink("schemas.yaml", d.join("api/linked.yaml")).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "link inside"]);
    assert_eq!(treaty(d, &["lint"]).status.code(), Some(0));
    let err = errors(d, &["lint", "HEAD:"]);
    let want = "`api/linked.yaml` is a symbolic link to `schemas.yaml`: treaty does not follow \
                symbolic links in a git revision";
    assert!(err.contains(want), "{err}");
}

#[test]
fn a_dangling_link_says_where_it_points() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api/openapi.yaml", &spec("gone.yaml#/Pet"));
    symlink("nowhere.yaml", d.join("api/gone.yaml")).unwrap();
    let err = errors(d, &["lint", "api"]);
    let want = "`gone.yaml` is a symbolic link to `nowhere.yaml`, which does not exist";
    assert!(err.contains(want), "{err}");
}

#[test]
fn a_link_loop_says_it_cannot_be_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api/openapi.yaml", &spec("loop.yaml#/Pet"));
    symlink("loop.yaml", d.join("api/loop.yaml")).unwrap();
    let err = errors(d, &["lint", "api"]);
    let want = "`loop.yaml` is a symbolic link to `loop.yaml`, which cannot be resolved";
    assert!(err.contains(want), "{err}");
}

#[test]
fn a_staged_link_out_of_the_tree_says_so() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "common.yaml", "Pet: {type: object}\n");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "api/openapi.yaml", &spec("common.yaml#/Pet"));
    let target = outside.path().join("common.yaml");
    symlink(&target, d.join("api/common.yaml")).unwrap();
    git(d, &["add", "."]);
    let err = errors(d, &["lint", "--staged"]);
    let want = format!(
        "$ref \"common.yaml#/Pet\": {}",
        leaves("api/common.yaml", &target)
    );
    assert!(err.contains(&want), "{err}");
}
