//! Inputs treaty cannot read end in exit 2 naming the file, never in "no findings": specs over
//! the size limit, UTF-16 text, git LFS pointers, and submodules whose contents git does not
//! hold.

mod common;
use common::{stderr, stdout, treaty};

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
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
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Asserts exit 2 with every one of `needles` on stderr.
fn assert_refused(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(out));
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in:\n{err}");
    }
}

/// The limit for one contract file: the largest real specs (Microsoft Graph beta, 74 MB
/// pretty-printed) fit under it.
const LIMIT: u64 = 256 * 1024 * 1024;

const SPEC_OLD: &str = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {description: ok}\n  /owners:\n    get:\n      responses:\n        '200': {description: ok}\n";
const SPEC_NEW: &str = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {description: ok}\n";

/// `text` followed by zeros up to one byte over the limit, sparse on disk.
fn oversized(dir: &Path, rel: &str, text: &str) {
    write(dir, rel, text);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join(rel))
        .unwrap();
    file.set_len(LIMIT + 1).unwrap();
}

fn sides(d: &Path, old: &[(&str, &[u8])], new: &[(&str, &[u8])]) {
    for (rel, bytes) in old {
        write(d, &format!("old/{rel}"), bytes);
    }
    for (rel, bytes) in new {
        write(d, &format!("new/{rel}"), bytes);
    }
}

#[test]
fn an_oversized_spec_in_a_directory_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sides(d, &[("api.yaml", SPEC_OLD.as_bytes())], &[]);
    oversized(d, "new/api.yaml", SPEC_NEW);
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["new/api.yaml", "268435457 bytes", "256 MiB"]);
    // The machine formats carry the file too.
    let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["errors"][0]["file"], "new/api.yaml", "{report}");
}

#[test]
fn an_oversized_json_spec_and_a_data_file_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json_old = r#"{"openapi": "3.0.3", "info": {"title": "a", "version": "1"}, "paths": {}}"#;
    sides(d, &[("api.json", json_old.as_bytes())], &[]);
    // A large data file that is no spec stays none of treaty's business.
    oversized(d, "new/data/dump.json", "{\"rows\": [");
    write(d, "new/api.json", json_old);
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    oversized(d, "new/api.json", "{\n  \"openapi\": \"3.0.3\",\n");
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["new/api.json", "256 MiB"]);
}

#[test]
fn an_oversized_file_named_by_openapi_paths_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let toml = "[openapi]\npaths = [\"api/*.yaml\"]\n";
    sides(
        d,
        &[
            ("api/pets.yaml", SPEC_OLD.as_bytes()),
            ("treaty.toml", toml.as_bytes()),
        ],
        &[("treaty.toml", toml.as_bytes())],
    );
    // Its first bytes say nothing of openapi, but the configuration says it is a spec.
    oversized(d, "new/api/pets.yaml", "# generated, do not edit\n");
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["new/api/pets.yaml", "256 MiB"]);
}

#[test]
fn an_oversized_ref_target_is_named_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spec = "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {$ref: 'schemas.yaml#/Pet'}\n";
    let schemas = "Pet: {type: object}\n";
    sides(
        d,
        &[
            ("api.yaml", spec.as_bytes()),
            ("schemas.yaml", schemas.as_bytes()),
        ],
        &[("api.yaml", spec.as_bytes())],
    );
    oversized(d, "new/schemas.yaml", schemas);
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["schemas.yaml", "256 MiB"]);
    assert!(!stderr(&out).contains("not found"), "{}", stderr(&out));
}

#[test]
fn an_oversized_spec_in_a_revision_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "api/openapi.yaml", SPEC_OLD);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    oversized(d, "api/openapi.yaml", SPEC_NEW);
    git(d, &["commit", "-qam", "v2"]);
    let out = treaty(d, &["breaking", "--against", "HEAD~1", "--head", "HEAD"]);
    assert_refused(&out, &["HEAD:api/openapi.yaml", "256 MiB"]);
}

#[test]
fn a_config_over_1_mib_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sides(d, &[("a.proto", b"syntax = \"proto3\";\n")], &[]);
    write(d, "new/a.proto", "syntax = \"proto3\";\n");
    let mut toml = String::from("[breaking]\n");
    while toml.len() <= 1024 * 1024 {
        toml.push_str("# padding padding padding padding padding padding padding\n");
    }
    write(d, "big.toml", &toml);
    let out = treaty(d, &["diff", "old", "new", "--config", "big.toml"]);
    assert_refused(&out, &["big.toml", "1 MiB"]);
}

/// `text` as UTF-16 with a byte-order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

#[test]
fn utf16_specs_are_read_on_either_side() {
    for big_endian in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Both sides UTF-16, then one side only: either way the removed path is what is found.
        let old16 = utf16(SPEC_OLD, big_endian);
        let new16 = utf16(SPEC_NEW, big_endian);
        for (old, new) in [
            (&old16[..], &new16[..]),
            (&old16[..], SPEC_NEW.as_bytes()),
            (SPEC_OLD.as_bytes(), &new16[..]),
        ] {
            sides(d, &[("api.yaml", old)], &[("api.yaml", new)]);
            let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
            let findings = report["findings"].as_array().unwrap();
            assert_eq!(findings.len(), 1, "{report}");
            assert_eq!(findings[0]["operation"], "GET /owners", "{report}");
        }
    }
}

#[test]
fn a_utf8_bom_spec_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bom = format!("\u{feff}{SPEC_NEW}");
    sides(
        d,
        &[("api.yaml", SPEC_OLD.as_bytes())],
        &[("api.yaml", bom.as_bytes())],
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_spec_in_another_encoding_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Latin-1: `é` is one byte, not UTF-8.
    let latin1 = SPEC_NEW
        .replace("Pets", "P\u{e9}ts")
        .chars()
        .map(|c| c as u8)
        .collect::<Vec<u8>>();
    sides(
        d,
        &[("api.yaml", SPEC_OLD.as_bytes())],
        &[("api.yaml", &latin1)],
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["api.yaml:2:", "not valid UTF-8"]);
}

#[test]
fn a_utf16_spec_with_a_lone_surrogate_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut bad = utf16(SPEC_NEW, false);
    bad.extend_from_slice(&[0x00, 0xD8, b'x', 0x00]);
    sides(
        d,
        &[("api.yaml", SPEC_OLD.as_bytes())],
        &[("api.yaml", &bad)],
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["api.yaml", "UTF-16"]);
}

const LFS_POINTER: &str = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";

#[test]
fn lfs_pointers_named_like_contracts_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let proto = "syntax = \"proto3\";\npackage a;\nmessage A { string id = 1; }\n";
    sides(
        d,
        &[
            ("api.yaml", SPEC_OLD.as_bytes()),
            ("a.proto", proto.as_bytes()),
        ],
        &[
            ("api.yaml", LFS_POINTER.as_bytes()),
            ("a.proto", proto.as_bytes()),
        ],
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["api.yaml", "git LFS pointer", "git lfs pull"]);
    write(d, "new/api.yaml", SPEC_OLD);
    write(d, "new/a.proto", LFS_POINTER);
    let out = treaty(d, &["diff", "old", "new"]);
    assert_refused(&out, &["a.proto", "git LFS pointer"]);
    let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["errors"][0]["file"], "a.proto", "{report}");
}

#[test]
fn lfs_pointers_in_revisions_and_the_work_tree_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "api/openapi.json", LFS_POINTER);
    write(d, "proto/a.proto", "syntax = \"proto3\";\npackage a;\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    write(d, "proto/a.proto", LFS_POINTER);
    git(d, &["commit", "-qam", "v2"]);
    let out = treaty(d, &["breaking", "--against", "HEAD~1", "--head", "HEAD"]);
    assert_refused(
        &out,
        &["api/openapi.json", "proto/a.proto", "git LFS pointer"],
    );
    let out = treaty(d, &["breaking", "--against", "HEAD"]);
    assert_refused(&out, &["api/openapi.json", "LFS"]);
}
/// A repository at `d` with `vendor` a submodule (holding `a.proto`), committed twice: the
/// second commit moves the submodule to a commit where a message is gone.
fn with_submodule(d: &Path) {
    let lib = d.join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    git(&lib, &["init", "-q"]);
    write(
        &lib,
        "a.proto",
        "syntax = \"proto3\";\npackage v;\nmessage A {}\nmessage B {}\n",
    );
    git(&lib, &["add", "."]);
    git(&lib, &["commit", "-qm", "lib v1"]);
    let top = d.join("top");
    std::fs::create_dir_all(&top).unwrap();
    git(&top, &["init", "-q"]);
    write(
        &top,
        "proto/own.proto",
        "syntax = \"proto3\";\npackage own;\n",
    );
    git(
        &top,
        &["submodule", "add", "-q", lib.to_str().unwrap(), "vendor"],
    );
    git(&top, &["add", "."]);
    git(&top, &["commit", "-qm", "v1"]);
    let sub = top.join("vendor");
    write(
        &sub,
        "a.proto",
        "syntax = \"proto3\";\npackage v;\nmessage A {}\n",
    );
    git(&sub, &["commit", "-qam", "lib v2"]);
    git(&top, &["add", "vendor"]);
    git(&top, &["commit", "-qm", "v2"]);
}

#[test]
fn a_path_into_a_submodule_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_submodule(d);
    let top = d.join("top");
    for args in [
        &["breaking", "--against", "HEAD~1", "vendor"][..],
        &[
            "breaking",
            "--against",
            "HEAD~1",
            "--head",
            "HEAD",
            "vendor",
        ],
        &["breaking", "--against", "HEAD~1", "vendor/a.proto"],
    ] {
        let out = treaty(&top, args);
        assert_refused(&out, &["vendor", "submodule's files are not compared"]);
    }
}

#[test]
fn a_changed_submodule_is_exit_2_and_one_elsewhere_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_submodule(d);
    let top = d.join("top");
    let out = treaty(&top, &["breaking", "--against", "HEAD~1", "--head", "HEAD"]);
    assert_refused(&out, &["vendor", "submodule's files are not compared"]);
    let out = treaty(&top, &["breaking", "--against", "HEAD~1"]);
    assert_refused(&out, &["vendor", "submodule's files are not compared"]);
    // The comparison narrowed to the repository's own contracts does not reach it.
    let out = treaty(
        &top,
        &["breaking", "--against", "HEAD~1", "--head", "HEAD", "proto"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = treaty(&top, &["breaking", "--against", "HEAD~1", "proto"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // An unchanged submodule does not stop a run over the whole repository.
    write(
        &top,
        "proto/own.proto",
        "syntax = \"proto3\";\npackage own;\nmessage X {}\n",
    );
    git(&top, &["commit", "-qam", "v3"]);
    let out = treaty(&top, &["breaking", "--against", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = treaty(&top, &["breaking", "--against", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = treaty(&top, &["check", "--against", "HEAD~1"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_revision_path_inside_a_submodule_names_the_submodule() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_submodule(d);
    let top = d.join("top");
    let out = treaty(
        &top,
        &["diff", "HEAD~1:vendor/a.proto", "HEAD:vendor/a.proto"],
    );
    assert_refused(
        &out,
        &["'vendor/a.proto' in revision 'HEAD~1' is inside the submodule 'vendor'"],
    );
}
