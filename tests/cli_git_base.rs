//! What a pull request changed: `--against main...` (the merge base), the first commit of a
//! repository, and the fix a shallow CI clone is told to run. Real repositories in a tempdir.

mod common;
use common::{stderr, stdout, write};

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .current_dir(dir)
        // Keep a surrounding hook's repository out of the fixtures.
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn treaty(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("treaty runs")
}

const SHOP: &str = "proto/shop/v1/shop.proto";
const BASE: &str =
    "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Cart {\n  string id = 1;\n}\n";
/// What `main` gained after the branch was cut.
const MAIN_LATER: &str = "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Cart {\n  string id = 1;\n  string currency = 2;\n}\n";
/// What the branch changed: an addition, which breaks nothing.
const FEATURE: &str = "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Cart {\n  string id = 1;\n  string note = 3;\n}\n";

/// `main` with BASE, branch `feature` cut there with FEATURE, then `main` moved on to
/// MAIN_LATER; `feature` is checked out.
fn moved_on() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, SHOP, BASE);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "feature"]);
    write(d, SHOP, FEATURE);
    git(d, &["commit", "-qam", "feature: note"]);
    git(d, &["checkout", "-q", "main"]);
    write(d, SHOP, MAIN_LATER);
    git(d, &["commit", "-qam", "main: currency"]);
    git(d, &["checkout", "-q", "feature"]);
    dir
}

/// main's new field, which a comparison with main's tip takes for the branch's deletion.
const FALSE_DELETION: &str = "\"currency\" (2) of message \"shop.v1.Cart\" was deleted";

#[test]
fn a_bare_branch_name_compares_with_its_tip_and_sees_mains_new_field_as_deleted() {
    let dir = moved_on();
    let out = treaty(
        dir.path(),
        &["breaking", "--against", "main", "--format", "concise"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains(FALSE_DELETION), "{}", stdout(&out));
}

#[test]
fn three_dots_compare_with_the_merge_base_and_say_which_commit() {
    let dir = moved_on();
    let base = git(dir.path(), &["merge-base", "main", "HEAD"]);
    for (against, tip) in [
        ("main...", "HEAD"),
        ("main...HEAD", "HEAD"),
        ("main...feature", "feature"),
    ] {
        let out = treaty(dir.path(), &["breaking", "--against", against]);
        // Exit 0: nothing breaking at all, so no false deletion either.
        assert_eq!(out.status.code(), Some(0), "{against}: {}", stderr(&out));
        let expected = format!(
            "treaty: comparing against {} (merge base of main and {tip})",
            &base[..7]
        );
        assert!(
            stderr(&out).contains(&expected),
            "{against}: {}",
            stderr(&out)
        );
        assert!(!stdout(&out).contains(FALSE_DELETION), "{}", stdout(&out));
    }
    // `check` takes the same form.
    let out = treaty(dir.path(), &["check", "--against", "main..."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn three_dots_with_head_take_the_merge_base_of_that_revision() {
    let dir = moved_on();
    let d = dir.path();
    // From main's checkout, name the branch: the work tree plays no part.
    git(d, &["checkout", "-q", "main"]);
    let out = treaty(
        d,
        &["breaking", "--against", "main...", "--head", "feature"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(merge base of main and feature)"),
        "{}",
        stderr(&out)
    );
    // The new side named twice is refused rather than guessed.
    let out = treaty(
        d,
        &["breaking", "--against", "main...feature", "--head", "main"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give it once"), "{}", stderr(&out));
}

#[test]
fn machine_formats_keep_the_merge_base_note_off_both_streams() {
    let dir = moved_on();
    let out = treaty(
        dir.path(),
        &["breaking", "--against", "main...", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]));
    // The report says what it was compared against, as given and as resolved.
    let base = git(dir.path(), &["merge-base", "main", "HEAD"]);
    assert_eq!(json["base"]["revision"], "main...");
    assert_eq!(json["base"]["commit"], base.trim());
    // A name is its tip; `check` records it too.
    let tip = git(dir.path(), &["rev-parse", "main"]);
    for command in ["breaking", "check"] {
        let out = treaty(
            dir.path(),
            &[command, "--against", "main", "--format", "json"],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["base"]["revision"], "main", "{command}");
        assert_eq!(json["base"]["commit"], tip.trim(), "{command}");
    }
}

#[test]
fn unrelated_histories_have_no_merge_base() {
    let dir = moved_on();
    let d = dir.path();
    git(d, &["checkout", "-q", "--orphan", "elsewhere"]);
    git(d, &["commit", "-qm", "unrelated"]);
    let out = treaty(d, &["breaking", "--against", "main..."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'main' and 'HEAD' have no common ancestor"),
        "{}",
        stderr(&out)
    );
    // Two dots name a range, not one revision.
    let out = treaty(d, &["breaking", "--against", "main..HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'main..HEAD' is a range"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("write --against main...HEAD"),
        "{}",
        stderr(&out)
    );
    let out = treaty(d, &["breaking", "--against", "no-such-branch..."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown revision 'no-such-branch'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_first_commit_has_nothing_to_break() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(
        d,
        SHOP,
        "syntax = \"proto3\";\npackage shop.v1;\n\nmessage cart {\n  string id = 1;\n}\n",
    );
    git(d, &["add", "."]);
    for command in ["breaking", "check"] {
        let out = treaty(d, &[command, "--staged", "--format", "concise"]);
        assert_ne!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("HEAD"),
            "{command}: {}",
            stderr(&out)
        );
    }
    let out = treaty(d, &["breaking", "--staged", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Everything staged is new, so check's lint covers all of it: the lower-case message name.
    let out = treaty(d, &["check", "--staged", "--format", "concise"]);
    assert!(
        stdout(&out).contains("message-pascal-case"),
        "{}",
        stdout(&out)
    );
    let out = treaty(d, &["lint", "--staged", "--format", "concise"]);
    assert!(
        stdout(&out).contains("message-pascal-case"),
        "{}",
        stdout(&out)
    );
    // `--against HEAD` spelled out is the same comparison.
    let out = treaty(d, &["breaking", "--against", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Naming HEAD as the new side is still an error: there is nothing there to read.
    let out = treaty(d, &["breaking", "--against", "HEAD", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A depth-1 clone of only `feature`, as CI checks out a pull request.
fn ci_checkout(upstream: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", upstream.display());
    let args = [
        "clone",
        "-q",
        "--depth=1",
        "--single-branch",
        "--branch",
        "feature",
        &url,
        "c",
    ];
    git(parent.path(), &args);
    let clone = parent.path().join("c");
    (parent, clone)
}

/// The command between backticks in treaty's hint, split into git's arguments.
fn hinted_fix(err: &str) -> Vec<String> {
    let start = err
        .find("`git ")
        .unwrap_or_else(|| panic!("no command: {err}"))
        + 1;
    let end = start + err[start..].find('`').unwrap();
    err[start..end]
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect()
}

fn run_fix(dir: &Path, err: &str) {
    let args = hinted_fix(err);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    git(dir, &args);
}

#[test]
fn a_shallow_checkout_is_told_the_fetch_that_brings_the_base() {
    let upstream = moved_on();
    let (_parent, clone) = ci_checkout(upstream.path());

    let out = treaty(&clone, &["breaking", "--against", "origin/main"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("revision 'origin/main' is not in this shallow clone"),
        "{err}"
    );
    assert!(
        err.contains("`git fetch --depth=1 origin main:refs/remotes/origin/main`"),
        "{err}"
    );
    // The fix works as given in a depth-1, single-branch checkout.
    run_fix(&clone, &err);
    let out = treaty(&clone, &["breaking", "--against", "origin/main"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // A bare branch name is fetched under that name, so the same command then works.
    let out = treaty(&clone, &["breaking", "--against", "main"]);
    let err = stderr(&out);
    assert!(
        err.contains("`git fetch --depth=1 origin main:refs/heads/main`"),
        "{err}"
    );
    run_fix(&clone, &err);
    let out = treaty(&clone, &["breaking", "--against", "main"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_shallow_checkout_is_told_how_to_reach_the_merge_base() {
    let upstream = moved_on();
    let (_parent, clone) = ci_checkout(upstream.path());

    // The base is not even here: one command fetches it with the history a merge base needs.
    let out = treaty(&clone, &["breaking", "--against", "origin/main..."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let fix = "`git fetch --unshallow origin main:refs/remotes/origin/main`";
    assert!(err.contains(fix), "{err}");

    // The base fetched at depth 1 (the other hint's fix): the histories still do not meet.
    git(
        &clone,
        &[
            "fetch",
            "-q",
            "--depth=1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let out = treaty(&clone, &["breaking", "--against", "origin/main..."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no common ancestor of 'origin/main' and 'HEAD' in this shallow clone"),
        "{err}"
    );
    assert!(err.contains(fix), "{err}");
    run_fix(&clone, &err);
    let out = treaty(&clone, &["breaking", "--against", "origin/main..."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("merge base of origin/main and HEAD"));
}
