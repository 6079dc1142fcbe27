//! `treaty lint` through the binary: one revision (a directory, a single file, a git revision,
//! the index), lint findings in the same report and exit codes as breaking ones.

mod common;
use common::{treaty, write};

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
}

const SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1', description: d, contact: {name: n}}
paths:
  /v1/getUsers:
    get:
      operationId: getUsers
      description: d
      tags: [users]
      responses:
        '200': {description: ok}
servers: [{url: 'https://api.example.org'}]
tags: [{name: users}]
";

const PROTO: &str = "syntax = \"proto3\";\npackage acme.user;\nmessage User { string id = 1; }\n";

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn lint_reports_both_protocols_as_lint_findings_in_the_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "api/openapi.yaml", SPEC);
    // In the directory of its package, so that only the version suffix is missing.
    write(dir.path(), "acme/user/user.proto", PROTO);
    let out = treaty(dir.path(), &["lint", "--format", "json"]);
    // Warnings do not fail the default `--fail-on error`.
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["proto/package-version-suffix", "openapi/path-has-verb"]
    );
    for f in findings {
        assert_eq!(f["kind"], "lint");
        assert_eq!(f["revision"], "new");
        assert_eq!(f["severity"], "warning");
    }
    assert_eq!(findings[1]["file"], "api/openapi.yaml");
    assert_eq!(findings[1]["line"], 4);
    assert_eq!(findings[0]["file"], "acme/user/user.proto");
    assert_eq!(findings[0]["line"], 2);
    assert_eq!(findings[0]["aliases"][0], "buf:PACKAGE_VERSION_SUFFIX");

    let strict = treaty(dir.path(), &["lint", "--fail-on", "warning"]);
    assert_eq!(strict.status.code(), Some(1));
    let only = treaty(
        dir.path(),
        &[
            "lint",
            "--only",
            "buf:PACKAGE_VERSION_SUFFIX",
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&only)["findings"].as_array().unwrap().len(), 1);
    let none = treaty(
        dir.path(),
        &["lint", "--only", "breaking", "--format", "json"],
    );
    assert_eq!(json(&none)["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn lint_takes_a_single_file_and_fails_closed_on_what_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "openapi.yaml", SPEC);
    write(
        dir.path(),
        "broken.proto",
        "syntax = \"proto3\";\nmessage {\n",
    );
    let out = treaty(dir.path(), &["lint", "openapi.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out)["findings"].as_array().unwrap().len(), 1);
    let all = treaty(dir.path(), &["lint"]);
    assert_eq!(
        all.status.code(),
        Some(2),
        "a file that does not parse is exit 2"
    );
    assert!(
        String::from_utf8_lossy(&all.stderr).contains("broken.proto:2"),
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );
}

#[test]
fn lint_reads_a_revision_and_the_index_without_a_checkout() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "proto/user.proto", PROTO);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "unversioned"]);
    let fixed = PROTO.replace("acme.user;", "acme.user.v1;");
    write(dir.path(), "proto/user.proto", &fixed);
    git(dir.path(), &["add", "."]);
    let count = |args: &[&str]| {
        let mut args = args.to_vec();
        // One rule, so that the count is about the revision read, not the rule set.
        args.extend(["--only", "buf:PACKAGE_VERSION_SUFFIX", "--format", "json"]);
        json(&treaty(dir.path(), &args))["findings"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&["lint", "--rev", "HEAD"]), 1);
    assert_eq!(count(&["lint", "HEAD:proto"]), 1);
    assert_eq!(count(&["lint", "--staged"]), 0);
    assert_eq!(count(&["lint"]), 0);
}

#[test]
fn a_buf_yaml_lint_section_selects_and_ignores_like_buf() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme/user/user.proto", PROTO);
    write(
        dir.path(),
        "legacy/old.proto",
        &PROTO.replace("acme.user", "acme.old"),
    );
    write(dir.path(), "openapi.yaml", SPEC);
    let rules = |buf_yaml: &str| -> Vec<(String, String)> {
        write(dir.path(), "buf.yaml", buf_yaml);
        let out = treaty(dir.path(), &["lint", "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let mut found: Vec<(String, String)> = json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let rule = f["rule"].as_str().unwrap().to_string();
                (rule, f["file"].as_str().unwrap().to_string())
            })
            .collect();
        found.sort();
        found
    };
    let pair = |rule: &str, file: &str| (rule.to_string(), file.to_string());
    // buf's default lint selection (STANDARD) runs, with `ignore`; OpenAPI keeps its defaults,
    // which a buf.yaml says nothing about.
    assert_eq!(
        rules("version: v2\nlint:\n  ignore: [legacy]\n"),
        [
            pair("openapi/path-has-verb", "openapi.yaml"),
            pair("proto/package-version-suffix", "acme/user/user.proto"),
        ]
    );
    assert_eq!(
        rules("version: v2\nlint:\n  except: [PACKAGE_VERSION_SUFFIX]\n  ignore: [legacy]\n"),
        [pair("openapi/path-has-verb", "openapi.yaml")]
    );
}

#[test]
fn check_reports_breaking_changes_and_only_the_lint_findings_the_change_brought() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    // A legacy spec with an old verb path, and an unversioned legacy package.
    let legacy = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/getUsers:
    get:
      responses:
        '200': {description: ok}
  /v1/orders:
    get:
      responses:
        '200': {description: ok}
";
    write(dir.path(), "openapi.yaml", legacy);
    write(dir.path(), "acme/user/user.proto", PROTO);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "legacy"]);
    // The change adds a verb path and removes an operation; the old findings stay as they were.
    let changed = legacy.replace(
        "  /v1/orders:\n    get:\n      responses:\n        '200': {description: ok}\n",
        "  /v1/createOrder:\n    post:\n      responses:\n        '200': {description: ok}\n",
    );
    write(dir.path(), "openapi.yaml", &changed);
    let findings = |args: &[&str]| -> Vec<(String, String)> {
        let mut args = args.to_vec();
        args.extend(["--format", "json", "--fail-on", "never"]);
        let out = treaty(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let kind = f["kind"].as_str().unwrap().to_string();
                (kind, f["rule"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let pair = |kind: &str, rule: &str| (kind.to_string(), rule.to_string());
    let times = |found: &[(String, String)], rule: &str| {
        found.iter().filter(|f| **f == pair("lint", rule)).count()
    };
    // The new operation's findings only: its verb path and its missing operationId, not the
    // legacy operation's, nor the unversioned package nobody touched.
    let new_only = findings(&["check", "--against", "HEAD"]);
    assert_eq!(times(&new_only, "openapi/path-has-verb"), 1, "{new_only:?}");
    assert_eq!(times(&new_only, "openapi/operation-id-missing"), 1);
    assert_eq!(times(&new_only, "proto/package-version-suffix"), 0);
    assert!(
        new_only.iter().any(|(kind, _)| kind == "breaking"),
        "the removed operation: {new_only:?}"
    );
    let all = findings(&["check", "--against", "HEAD", "--all"]);
    assert_eq!(times(&all, "openapi/path-has-verb"), 2, "{all:?}");
    assert_eq!(times(&all, "openapi/operation-id-missing"), 2);
    assert_eq!(times(&all, "proto/package-version-suffix"), 1);
}

#[test]
fn lint_compares_files_within_one_buf_module_only() {
    let dir = tempfile::tempdir().unwrap();
    let x = "syntax = \"proto3\";\npackage acme.v1;\noption go_package = \"a\";\nmessage X {}\n";
    let z = "syntax = \"proto3\";\npackage acme.v1;\noption go_package = \"b\";\nmessage Z {}\n";
    write(dir.path(), "m1/acme/v1/x.proto", x);
    write(dir.path(), "m2/acme/x/z.proto", z);
    let count = || {
        let out = treaty(
            dir.path(),
            &[
                "lint",
                "--only",
                "buf:PACKAGE_SAME_DIRECTORY,buf:PACKAGE_SAME_GO_PACKAGE",
                "--format",
                "json",
            ],
        );
        json(&out)["findings"].as_array().unwrap().len()
    };
    // One tree: one package in two directories, with two go_package values.
    assert_eq!(count(), 4);
    // Two modules, linted each on its own as buf does: nothing to compare.
    write(
        dir.path(),
        "buf.yaml",
        "version: v2\nmodules:\n  - path: m1\n  - path: m2\n",
    );
    assert_eq!(count(), 0);
}

#[test]
fn comments_silence_lint_findings_as_buf_and_treaty_define() {
    let dir = tempfile::tempdir().unwrap();
    let ignored = "syntax = \"proto3\";\n// buf:lint:ignore PACKAGE_VERSION_SUFFIX\npackage acme;\nmessage User { string id = 1; }\n";
    write(dir.path(), "acme/user.proto", ignored);
    let count = |buf_yaml: Option<&str>| {
        match buf_yaml {
            Some(text) => write(dir.path(), "buf.yaml", text),
            None => {
                let _ = std::fs::remove_file(dir.path().join("buf.yaml"));
            }
        }
        let out = treaty(
            dir.path(),
            &[
                "lint",
                "--only",
                "buf:PACKAGE_VERSION_SUFFIX",
                "--format",
                "json",
            ],
        );
        json(&out)["findings"].as_array().unwrap().len()
    };
    assert_eq!(count(None), 0, "buf v2's default: comment ignores count");
    assert_eq!(count(Some("version: v2\n")), 0);
    assert_eq!(
        count(Some(
            "version: v2\nlint:\n  disallow_comment_ignores: true\n"
        )),
        1
    );
    assert_eq!(
        count(Some("version: v1\n")),
        1,
        "v1 needs allow_comment_ignores"
    );
    let own = ignored.replace(
        "// buf:lint:ignore PACKAGE_VERSION_SUFFIX",
        "// treaty:ignore proto/package-version-suffix one package, never versioned",
    );
    write(dir.path(), "acme/user.proto", &own);
    assert_eq!(
        count(Some("version: v1\n")),
        0,
        "treaty's own syntax, with a reason"
    );
}

#[test]
fn check_lints_the_changed_protos_with_their_directory_and_imports_as_context() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let file = |package: &str, body: &str| {
        format!(
            "syntax = \"proto3\";\npackage {package};\noption go_package = \"example.com/{package}\";\n{body}"
        )
    };
    // Enough packages that the change is a small part of the tree.
    for name in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"] {
        let body = format!(
            "message {}Thing {{ string id = 1; }}\n",
            name.to_uppercase()
        );
        write(
            dir.path(),
            &format!("{name}/v1/{name}.proto"),
            &file(&format!("{name}.v1"), &body),
        );
    }
    // A legacy finding in a file the change does not touch.
    write(
        dir.path(),
        "b/v1/legacy.proto",
        &file("b.v1", "message legacy_thing { string id = 1; }\n"),
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "base"]);
    // One file gains a badly named field and an import it uses; a new file of package d.v1
    // disagrees with its unchanged neighbour on go_package.
    write(
        dir.path(),
        "a/v1/a.proto",
        &file(
            "a.v1",
            "import \"c/v1/c.proto\";\nmessage AThing { string id = 1; c.v1.CThing BadField = 2; }\n",
        ),
    );
    write(
        dir.path(),
        "d/v1/extra.proto",
        "syntax = \"proto3\";\npackage d.v1;\noption go_package = \"example.com/other\";\nmessage DExtra { string id = 1; }\n",
    );
    let rules = |args: &[&str]| -> Vec<String> {
        let mut args = args.to_vec();
        args.extend(["--format", "json", "--fail-on", "never"]);
        let out = treaty(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        json(&out)["findings"]
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
    };
    let new_only = rules(&["check", "--against", "HEAD"]);
    assert!(
        new_only.contains(&"proto/field-lower-snake-case a/v1/a.proto".to_string()),
        "{new_only:?}"
    );
    assert!(
        new_only
            .iter()
            .any(|f| f.starts_with("proto/package-same-go-package d/v1/")),
        "{new_only:?}"
    );
    assert!(
        !new_only.iter().any(|f| f.contains("import-used")),
        "{new_only:?}"
    );
    assert!(
        !new_only.iter().any(|f| f.contains("legacy.proto")),
        "{new_only:?}"
    );
    let all = rules(&["check", "--against", "HEAD", "--all"]);
    assert!(
        all.contains(&"proto/message-pascal-case b/v1/legacy.proto".to_string()),
        "{all:?}"
    );
}
