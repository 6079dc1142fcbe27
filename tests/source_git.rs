//! The `source` layer against real repositories built with the `git` CLI in a tempdir.

use std::path::Path;
use std::process::Command;

use treaty::source::{self, load, parse_spec, BlobId, SourceError, SourceSpec};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .current_dir(dir)
        // Keep the developer's environment (hooks, GIT_DIR in a hook) out of the fixtures.
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn all(_: &str) -> bool {
    true
}

fn proto(p: &str) -> bool {
    p.ends_with(".proto")
}

fn rev(rev: &str, path: Option<&str>) -> SourceSpec {
    SourceSpec::Revision {
        rev: rev.into(),
        path: path.map(Into::into),
    }
}

fn paths(snap: &source::Snapshot) -> Vec<&str> {
    snap.files.keys().map(String::as_str).collect()
}

fn text<'a>(snap: &'a source::Snapshot, path: &str) -> &'a str {
    std::str::from_utf8(&snap.files[path].bytes).unwrap()
}

/// Two commits, tagged v1 and v2:
/// v1: proto/a.proto, proto/sub/b.proto, README.md
/// v2: a.proto changed, proto/c.proto added, a symlink and a submodule-like gitlink added.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "proto/a.proto", "syntax = \"proto3\";\nmessage A {}\n");
    write(d, "proto/sub/b.proto", "message B {}\n");
    write(d, "README.md", "readme\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "one"]);
    git(d, &["tag", "v1"]);
    write(
        d,
        "proto/a.proto",
        "syntax = \"proto3\";\nmessage A { int32 x = 1; }\n",
    );
    write(d, "proto/c.proto", "message C {}\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("a.proto", d.join("proto/link.proto")).unwrap();
    git(d, &["add", "."]);
    // A gitlink (submodule entry) without a real submodule: enough to check it is skipped.
    let head = git(d, &["rev-parse", "HEAD"]);
    git(
        d,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},proto/vendored"),
        ],
    );
    git(d, &["commit", "-qm", "two"]);
    git(d, &["tag", "-a", "v2", "-m", "annotated"]);
    dir
}

#[test]
fn revision_files_paths_and_bytes() {
    let repo = fixture();
    let d = repo.path();
    let v1 = load(&rev("v1", None), d, &all).unwrap();
    assert_eq!(
        paths(&v1),
        ["README.md", "proto/a.proto", "proto/sub/b.proto"]
    );
    assert_eq!(
        text(&v1, "proto/a.proto"),
        "syntax = \"proto3\";\nmessage A {}\n"
    );
    assert_eq!(v1.label, "v1");

    // Annotated tag, filter applied, symlink and gitlink skipped.
    let v2 = load(&rev("v2", None), d, &proto).unwrap();
    assert_eq!(
        paths(&v2),
        ["proto/a.proto", "proto/c.proto", "proto/sub/b.proto"]
    );
    assert!(text(&v2, "proto/a.proto").contains("int32 x"));

    // rev-parse semantics: HEAD~1, short hashes, branch names.
    let short = git(d, &["rev-parse", "--short", "v1"]);
    for r in ["HEAD~1", "main~1", short.as_str()] {
        let s = load(&rev(r, None), d, &all).unwrap();
        assert_eq!(text(&s, "proto/a.proto"), text(&v1, "proto/a.proto"), "{r}");
    }

    // Discovered from a subdirectory.
    let s = load(&rev("v1", None), &d.join("proto/sub"), &all).unwrap();
    assert_eq!(s.files.len(), 3);
}

#[test]
fn revision_subdir_and_file() {
    let repo = fixture();
    let d = repo.path();
    let s = load(&rev("v2", Some("proto")), d, &all).unwrap();
    assert_eq!(paths(&s), ["a.proto", "c.proto", "sub/b.proto"]);
    assert_eq!(s.label, "v2:proto");

    let s = load(&rev("v2", Some("proto/sub/")), d, &all).unwrap();
    assert_eq!(paths(&s), ["b.proto"]);

    // A file: one entry named by its file name, kept even though the filter rejects it.
    let s = load(&rev("v1", Some("proto/sub/b.proto")), d, &|_: &str| false).unwrap();
    assert_eq!(paths(&s), ["b.proto"]);
    assert_eq!(text(&s, "b.proto"), "message B {}\n");

    // `./` is relative to the directory the repository was discovered from, as in git.
    let s = load(&rev("v1", Some("./b.proto")), &d.join("proto/sub"), &all).unwrap();
    assert_eq!(paths(&s), ["b.proto"]);

    // Through parse_spec, as the CLI does it.
    let s = load(&parse_spec("v1:proto"), d, &all).unwrap();
    assert_eq!(paths(&s), ["a.proto", "sub/b.proto"]);
}

#[test]
fn missing_path_in_revision() {
    let repo = fixture();
    let err = load(&rev("v1", Some("proto/x")), repo.path(), &all)
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "'proto/x' does not exist in revision 'v1'");
    // Added in v2 only.
    let err = load(&rev("v1", Some("proto/c.proto")), repo.path(), &all)
        .err()
        .unwrap();
    assert!(
        matches!(err, SourceError::PathNotInRevision { .. }),
        "{err}"
    );
}

#[test]
fn symlink_or_submodule_named_explicitly_is_an_error() {
    let repo = fixture();
    let err = load(&rev("v2", Some("proto/vendored")), repo.path(), &all)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "'proto/vendored' in revision 'v2' is a submodule, not a file or directory"
    );
}

#[test]
fn unknown_revision() {
    let repo = fixture();
    let err = load(&rev("foo", None), repo.path(), &all).err().unwrap();
    assert!(matches!(err, SourceError::UnknownRevision { .. }));
    assert_eq!(err.to_string(), "unknown revision 'foo'");
    let err = load(&rev("HEAD~5", None), repo.path(), &all).err().unwrap();
    assert!(
        err.to_string().starts_with("unknown revision 'HEAD~5'"),
        "{err}"
    );
}

#[test]
fn revision_naming_a_blob() {
    let repo = fixture();
    let blob = git(repo.path(), &["rev-parse", "v1:README.md"]);
    let err = load(&rev(&blob, None), repo.path(), &all).err().unwrap();
    assert!(matches!(err, SourceError::NotATree { .. }), "{err}");
}

#[test]
fn not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(&rev("main", None), dir.path(), &all).err().unwrap();
    assert!(matches!(err, SourceError::NotARepository { .. }), "{err}");
    assert!(
        err.to_string().contains("is not inside a git repository"),
        "{err}"
    );
    let err = load(&SourceSpec::Staged { path: None }, dir.path(), &all)
        .err()
        .unwrap();
    assert!(matches!(err, SourceError::NotARepository { .. }), "{err}");
    assert!(source::worktree_root(dir.path()).is_err());
}

#[test]
fn staged_index_differs_from_head_after_add() {
    let repo = fixture();
    let d = repo.path();
    write(d, "proto/a.proto", "message A { string staged = 1; }\n");
    write(d, "proto/new.proto", "message N {}\n");
    write(d, "proto/c.proto", "message C { unstaged edit }\n");
    git(d, &["add", "proto/a.proto", "proto/new.proto"]);
    let staged = load(&SourceSpec::Staged { path: None }, d, &proto).unwrap();
    let head = load(&rev("HEAD", None), d, &proto).unwrap();
    assert_eq!(staged.label, "the staged index");
    assert_eq!(
        text(&staged, "proto/a.proto"),
        "message A { string staged = 1; }\n"
    );
    assert_ne!(
        staged.files["proto/a.proto"].blob,
        head.files["proto/a.proto"].blob
    );
    assert!(staged.files.contains_key("proto/new.proto"));
    assert!(!head.files.contains_key("proto/new.proto"));
    // Unstaged work-tree edits are not in the index.
    assert_eq!(text(&staged, "proto/c.proto"), "message C {}\n");
    assert_eq!(
        staged.files["proto/c.proto"].blob,
        head.files["proto/c.proto"].blob
    );

    let sub = load(
        &SourceSpec::Staged {
            path: Some("proto/sub".into()),
        },
        d,
        &all,
    )
    .unwrap();
    assert_eq!(paths(&sub), ["b.proto"]);
    let one = load(
        &SourceSpec::Staged {
            path: Some("proto/new.proto".into()),
        },
        d,
        &all,
    )
    .unwrap();
    assert_eq!(paths(&one), ["new.proto"]);
    let err = load(
        &SourceSpec::Staged {
            path: Some("nope".into()),
        },
        d,
        &all,
    )
    .err()
    .unwrap();
    assert_eq!(err.to_string(), "'nope' does not exist in the staged index");
}

#[test]
fn staged_intent_to_add_is_skipped() {
    let repo = fixture();
    let d = repo.path();
    write(d, "proto/later.proto", "message L {}\n");
    git(d, &["add", "-N", "proto/later.proto"]);
    let staged = load(&SourceSpec::Staged { path: None }, d, &proto).unwrap();
    assert!(!staged.files.contains_key("proto/later.proto"));
}

#[test]
fn staged_conflict_is_an_error() {
    let repo = fixture();
    let d = repo.path();
    git(d, &["checkout", "-qb", "other", "v1"]);
    write(d, "proto/a.proto", "message A { other }\n");
    git(d, &["commit", "-qam", "other"]);
    git(d, &["checkout", "-q", "main"]);
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e",
            "merge",
            "-q",
            "other",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(!out.status.success(), "merge should conflict");
    let err = load(&SourceSpec::Staged { path: None }, d, &all)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "'proto/a.proto' has an unresolved merge conflict in the staged index"
    );
}

#[test]
fn blob_ids_match_between_disk_and_revision() {
    let repo = fixture();
    let d = repo.path();
    let disk = load(&SourceSpec::Path(d.join("proto")), d, &proto).unwrap();
    let head = load(&rev("HEAD", Some("proto")), d, &proto).unwrap();
    // The disk walk follows the in-tree symlink `link.proto`; git records it as a link and
    // the revision side skips it.
    assert_eq!(
        paths(&disk),
        ["a.proto", "c.proto", "link.proto", "sub/b.proto"]
    );
    assert_eq!(paths(&head), ["a.proto", "c.proto", "sub/b.proto"]);
    for (path, file) in &head.files {
        assert_eq!(disk.files[path].blob, file.blob, "{path}");
        assert_eq!(disk.files[path].bytes, file.bytes, "{path}");
    }
    let expected = git(d, &["rev-parse", "HEAD:proto/a.proto"]);
    assert_eq!(head.files["a.proto"].blob.to_string(), expected);
    assert_eq!(
        BlobId::of_bytes(&std::fs::read(d.join("proto/a.proto")).unwrap()),
        head.files["a.proto"].blob
    );
}

#[test]
fn directory_walk_skips_git_and_hidden_dirs() {
    let repo = fixture();
    let d = repo.path();
    write(d, ".github/workflows/x.proto", "hidden\n");
    write(d, "node_modules/pkg/y.proto", "vendored\n");
    let snap = load(&SourceSpec::Path(d.to_path_buf()), d, &all).unwrap();
    assert!(
        snap.files.keys().all(|p| !p.starts_with(".git")),
        "{:?}",
        paths(&snap)
    );
    assert!(snap.files.keys().all(|p| !p.starts_with("node_modules")));
    assert!(snap.files.contains_key("proto/sub/b.proto"));
    assert!(snap.files.contains_key("README.md"));
}

#[test]
fn worktree_root_from_subdirectory() {
    let repo = fixture();
    let root = source::worktree_root(&repo.path().join("proto/sub")).unwrap();
    assert_eq!(
        std::fs::canonicalize(root).unwrap(),
        std::fs::canonicalize(repo.path()).unwrap()
    );
}

#[test]
fn large_blob_is_handed_on_unread() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    // Highly compressible, so the fixture costs little disk despite its size.
    let big = vec![b'x'; (source::MAX_FILE_BYTES + 1) as usize];
    std::fs::write(d.join("big.proto"), &big).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "big"]);
    // Listed, not read: whether it matters is the loaders' call.
    let snap = load(&rev("HEAD", None), d, &all).unwrap();
    assert!(snap.files.is_empty());
    assert_eq!(
        snap.oversized["big.proto"].to_string(),
        format!(
            "'HEAD:big.proto' is {} bytes, larger than the 256 MiB limit for a contract file",
            source::MAX_FILE_BYTES + 1
        )
    );
    // Filtered out: never read, not listed.
    let yaml_only = |p: &str| p.ends_with(".yaml");
    let snap = load(&rev("HEAD", None), d, &yaml_only).unwrap();
    assert!(snap.files.is_empty() && snap.oversized.is_empty());
    // Named on its own, it is all there is to compare: an error.
    let err = load(&rev("HEAD", Some("big.proto")), d, &all)
        .err()
        .unwrap();
    assert!(err.to_string().starts_with("'HEAD:big.proto' is "), "{err}");
}

#[test]
fn shallow_clone_lacking_base_revision() {
    let upstream = fixture();
    let clone_parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", upstream.path().display());
    git(
        clone_parent.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let d = clone_parent.path().join("shallow");
    assert!(d.join(".git/shallow").exists());

    // What the clone has still works.
    let head = load(&rev("HEAD", Some("proto")), &d, &proto).unwrap();
    assert!(head.files.contains_key("c.proto"));

    // A name is fetched by name; history behind what is here by deepening.
    for (r, fix) in [
        ("v1", "git fetch --depth=1 origin v1:refs/heads/v1"),
        ("HEAD~1", "git fetch --unshallow"),
        ("main~1", "git fetch --unshallow"),
    ] {
        let err = load(&rev(r, None), &d, &all).err().unwrap();
        assert!(
            matches!(err, SourceError::NotInShallowClone { .. }),
            "{r}: {err}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "revision '{r}' is not in this shallow clone; run `{fix}`, or check out with \
                 full history (actions/checkout: fetch-depth: 0)"
            )
        );
    }
    // A full hash of a commit the clone never received.
    let old = git(upstream.path(), &["rev-parse", "v1^{commit}"]);
    let err = load(&rev(&old, None), &d, &all).err().unwrap();
    assert!(err.to_string().contains("fetch-depth: 0"), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("git fetch --depth=1 origin {old}")),
        "{err}"
    );
}

#[test]
fn bare_repository_has_revisions_but_no_work_tree() {
    let upstream = fixture();
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", upstream.path().display());
    git(parent.path(), &["clone", "-q", "--bare", &url, "bare.git"]);
    let d = parent.path().join("bare.git");
    let s = load(&rev("v1", Some("proto")), &d, &all).unwrap();
    assert_eq!(paths(&s), ["a.proto", "sub/b.proto"]);
    let err = source::worktree_root(&d).err().unwrap();
    assert!(err.to_string().contains("is bare"), "{err}");
    let err = load(&SourceSpec::Staged { path: None }, &d, &all)
        .err()
        .unwrap();
    assert!(matches!(err, SourceError::NoWorkTree { .. }), "{err}");
}
