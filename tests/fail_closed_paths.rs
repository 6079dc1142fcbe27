//! Typos that used to switch checking off: a path argument or a config path that names nothing,
//! a path given from a subdirectory, an unreadable file the config ignores. Each repository here
//! holds a real breaking change, so "no findings, exit 0" would be a silent pass.

mod common;
use common::{git, stderr, stdout, treaty, write};

use std::path::Path;
use std::process::Output;

const PROTO_V1: &str = "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Cart {\n  string id = 1;\n}\n\nmessage Coupon {\n  string code = 1;\n}\n";
const PROTO_V2: &str =
    "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Cart {\n  string id = 1;\n}\n";
const SPEC_V1: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/carts:\n    get:\n      responses:\n        '200': {description: ok}\n";
const SPEC_V2: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
const SWAGGER: &str = "swagger: '2.0'\ninfo: {title: old, version: '1'}\npaths: {}\n";

/// `main` holds a proto and two specs; the work tree deletes a message and both operations.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "proto/shop/v1/shop.proto", PROTO_V1);
    write(d, "openapi.yaml", SPEC_V1);
    write(d, "api/v1/carts.yaml", SPEC_V1);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    write(d, "proto/shop/v1/shop.proto", PROTO_V2);
    write(d, "openapi.yaml", SPEC_V2);
    write(d, "api/v1/carts.yaml", SPEC_V2);
    dir
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[test]
fn a_path_argument_that_matches_nothing_is_exit_2_with_the_nearest_path() {
    let dir = repo();
    let out = treaty(dir.path(), &["breaking", "--against", "main", "protos/"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("'protos/' matches no contract file"), "{err}");
    assert!(err.contains("did you mean 'proto'?"), "{err}");

    let out = treaty(
        dir.path(),
        &[
            "breaking",
            "--against",
            "main",
            "openapi.yml",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let errors = &json(&out)["errors"];
    assert_eq!(
        errors[0]["message"],
        "'openapi.yml' matches no contract file in either revision"
    );
    assert_eq!(errors[0]["hint"], "did you mean 'openapi.yaml'?");

    // The paths that are there still narrow the comparison to what they hold.
    let out = treaty(
        dir.path(),
        &[
            "breaking",
            "--against",
            "main",
            "openapi.yaml",
            "--format",
            "concise",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("openapi.yaml:"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("carts.yaml"), "{}", stdout(&out));
}

#[test]
fn a_path_in_one_revision_only_is_compared() {
    let dir = repo();
    let d = dir.path();
    // Added by the change: only in the work tree.
    write(d, "api/v2/orders.yaml", SPEC_V2);
    let out = treaty(d, &["breaking", "--against", "main", "api/v2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Deleted by the change: only in main.
    std::fs::remove_file(d.join("api/v1/carts.yaml")).unwrap();
    let out = treaty(
        d,
        &[
            "breaking",
            "--against",
            "main",
            "api/v1/carts.yaml",
            "--format",
            "json",
        ],
    );
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(json(&out).get("errors").is_none(), "{}", stdout(&out));
}

#[test]
fn lint_diff_and_check_refuse_a_path_that_is_not_there() {
    let dir = repo();
    let d = dir.path();
    for args in [
        &["lint", "protos"][..],
        &["lint", "--rev", "main", "protos"],
        &["lint", "--staged", "openapi.yml"],
        &["diff", "main:protos", "proto"],
        &["diff", "main:proto", "protos"],
        &["check", "--against", "main", "protos"],
    ] {
        let out = treaty(d, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains("protos") || err.contains("openapi.yml"),
            "{args:?}: {err}"
        );
    }
}

/// The error of `treaty breaking --against main` with `config` at `name`, as JSON.
fn config_error(dir: &Path, name: &str, config: &str) -> serde_json::Value {
    write(dir, name, config);
    let out = treaty(dir, &["breaking", "--against", "main", "--format", "json"]);
    std::fs::remove_file(dir.join(name)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{name}: {}", stdout(&out));
    json(&out)["errors"][0].clone()
}

#[test]
fn a_config_path_that_matches_nothing_is_exit_2_at_its_line() {
    let dir = repo();
    let d = dir.path();
    let e = config_error(d, "treaty.toml", "[proto]\nroots = [\"protos\"]\n");
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64()),
        (Some("treaty.toml"), Some(2))
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("\"protos\" matches no file"),
        "{e}"
    );
    assert_eq!(e["hint"], "did you mean \"proto\"?");

    let e = config_error(
        d,
        "treaty.toml",
        "# specs\n\n[openapi]\npaths = [\"api/**/*.yml\", \"nonexistent.yaml\"]\n",
    );
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64()),
        (Some("treaty.toml"), Some(4))
    );
    assert!(
        e["message"].as_str().unwrap().contains("api/**/*.yml"),
        "{e}"
    );

    let e = config_error(
        d,
        "buf.yaml",
        "version: v2\nmodules:\n  - path: proto\n  - path: protos/extra\n",
    );
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64()),
        (Some("buf.yaml"), Some(4))
    );
    assert!(
        e["message"].as_str().unwrap().contains("protos/extra"),
        "{e}"
    );

    let e = config_error(
        d,
        "buf.yaml",
        "version: v1beta1\nbuild:\n  roots:\n    - protos\n",
    );
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64()),
        (Some("buf.yaml"), Some(4))
    );

    // Lint reads one tree.
    write(d, "treaty.toml", "[proto]\nroots = [\"protos\"]\n");
    let out = treaty(d, &["lint", "--format", "json"]);
    std::fs::remove_file(d.join("treaty.toml")).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&out)["errors"][0]["message"],
        "proto.roots entry \"protos\" matches no file: nothing would be checked there"
    );

    let e = config_error(
        d,
        "buf.work.yaml",
        "version: v1\ndirectories:\n  - protos\n",
    );
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64()),
        (Some("buf.work.yaml"), Some(3))
    );
}

#[test]
fn a_config_root_the_change_adds_is_fine() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "treaty.toml",
        "[proto]\nroots = [\"proto\", \"extra\"]\n",
    );
    write(d, "extra/x.proto", "syntax = \"proto3\";\npackage x;\n");
    let out = treaty(d, &["breaking", "--against", "main", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"Coupon\""), "{}", stdout(&out));
}

#[test]
fn path_arguments_are_relative_to_the_current_directory() {
    let dir = repo();
    let api = dir.path().join("api");
    let out = treaty(
        &api,
        &["breaking", "--against", "main", "v1/", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let files: Vec<&str> = (report["findings"].as_array().unwrap().iter())
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(!files.is_empty());
    // Named from the repository root, as before.
    assert!(files.iter().all(|f| *f == "api/v1/carts.yaml"), "{files:?}");

    let out = treaty(
        &api,
        &[
            "breaking",
            "--against",
            "main",
            "../proto",
            "--format",
            "concise",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("proto/shop/v1/shop.proto:"),
        "{}",
        stdout(&out)
    );

    // A typo names the path as written and as read.
    let out = treaty(&api, &["breaking", "--against", "main", "v9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'v9' (api/v9 from the repository root)"),
        "{}",
        stderr(&out)
    );
    let out = treaty(&api, &["breaking", "--against", "main", "v2"]);
    let err = stderr(&out);
    assert!(
        err.contains("did you mean 'api/v1' (from the repository root)?"),
        "{err}"
    );

    // `lint --rev` reads its path the same way.
    let out = treaty(&api, &["lint", "--rev", "main", "v1", "--format", "json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        json(&out)["summary"]["files_checked"].as_u64() == Some(1),
        "{}",
        stdout(&out)
    );

    // So does --config.
    write(
        dir.path(),
        "conf/strict.toml",
        "[proto]\nroots = [\"protos\"]\n",
    );
    let out = treaty(
        &api,
        &[
            "breaking",
            "--against",
            "main",
            "--config",
            "../conf/strict.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\"protos\" matches no file"),
        "{}",
        stderr(&out)
    );
}

/// A repository whose `main` and work tree both hold an unchanged Swagger 2.0 file.
fn repo_with_swagger() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "legacy/old.yaml", SWAGGER);
    write(d, "openapi.yaml", SPEC_V1);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    write(d, "openapi.yaml", SPEC_V2);
    dir
}

#[test]
fn swagger_2_fails_unless_ignored() {
    let dir = repo_with_swagger();
    let d = dir.path();
    let out = treaty(d, &["breaking", "--against", "main"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("legacy/old.yaml:1:1"), "{err}");
    assert!(
        err.contains("`ignore`"),
        "the hint says how to leave it out: {err}"
    );

    write(d, "treaty.toml", "[breaking]\nignore = [\"legacy\"]\n");
    let out = treaty(d, &["breaking", "--against", "main", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("openapi.yaml:"), "{}", stdout(&out));
    // Lint and check read the file too, unless [lint] ignores it.
    assert_eq!(treaty(d, &["lint"]).status.code(), Some(2));
    assert_eq!(
        treaty(d, &["check", "--against", "main"]).status.code(),
        Some(2)
    );

    write(
        d,
        "treaty.toml",
        "[breaking]\nignore = [\"legacy\"]\n\n[lint]\nignore = [\"legacy/*.yaml\"]\n",
    );
    let out = treaty(d, &["check", "--against", "main", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("openapi.yaml:"), "{}", stdout(&out));
    assert_ne!(treaty(d, &["lint"]).status.code(), Some(2));
}

#[test]
fn an_ignored_proto_is_read_only_as_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let common = |fields: &str| {
        format!("syntax = \"proto3\";\npackage legacy;\nmessage Money {{\n{fields}}}\n")
    };
    let shop = |coupon: &str| {
        format!(
            "syntax = \"proto3\";\npackage shop.v1;\nimport \"legacy/money.proto\";\nmessage Cart {{\n  legacy.Money total = 1;\n}}\n{coupon}"
        )
    };
    write(
        d,
        "legacy/money.proto",
        &common("  int64 units = 1;\n  int32 nanos = 2;\n"),
    );
    write(d, "shop/v1/shop.proto", &shop("message Coupon {}\n"));
    // Nobody imports it: ignored, it is not read at all.
    write(d, "legacy/broken.proto", "this is no protobuf\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    write(
        d,
        "treaty.toml",
        "[breaking]\nignore = [\"legacy\"]\n\n[lint]\nignore = [\"legacy\"]\n",
    );
    write(d, "legacy/money.proto", &common("  int64 units = 1;\n"));
    write(d, "shop/v1/shop.proto", &shop(""));
    let out = treaty(d, &["breaking", "--against", "main", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\"Coupon\""), "{text}");
    assert!(!text.contains("legacy/"), "{text}");
    let out = treaty(d, &["check", "--against", "main", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stdout(&out).contains("legacy/"), "{}", stdout(&out));
    let out = treaty(d, &["lint", "--format", "concise"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!stdout(&out).contains("legacy/"), "{}", stdout(&out));

    // Not ignored, the broken file is an error again.
    std::fs::remove_file(d.join("treaty.toml")).unwrap();
    let out = treaty(d, &["breaking", "--against", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("legacy/broken.proto"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_side_named_on_the_command_line_without_contracts_is_exit_2() {
    let dir = repo();
    let d = dir.path();
    write(d, "docs/guide.md", "# Guide\n");
    write(d, "README.md", "# Shop\n");
    for (args, said) in [
        (&["lint", "docs"][..], "'docs' holds no contract file"),
        (&["lint", "README.md"], "'README.md' holds no contract file"),
        (
            &["diff", "docs", "README.md"],
            "neither 'docs' nor 'README.md' holds a contract file",
        ),
    ] {
        let out = treaty(d, &[args, &["--format", "json"]].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        let message = json(&out)["errors"][0]["message"].clone();
        assert!(
            message.as_str().unwrap().starts_with(said),
            "{args:?}: {message}"
        );
    }
    // A YAML file that is no spec is no contract either.
    write(d, "ci/build.yaml", "jobs: {build: {}}\n");
    let out = treaty(d, &["lint", "ci/build.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("nothing was checked"),
        "{}",
        stderr(&out)
    );
    // One side without contracts is a comparison with everything added or deleted.
    let out = treaty(d, &["diff", "docs", "proto"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn an_ignored_proto_that_takes_away_what_others_import_is_still_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(
        d,
        "legacy/money.proto",
        "syntax = \"proto3\";\npackage legacy;\nmessage Money {}\n",
    );
    write(
        d,
        "shop/v1/shop.proto",
        "syntax = \"proto3\";\npackage shop.v1;\nimport \"legacy/money.proto\";\nmessage Cart {\n  legacy.Money total = 1;\n}\n",
    );
    // Enough unchanged files that the comparison would read only the changed ones.
    for i in 0..8 {
        let text = format!("syntax = \"proto3\";\npackage other.v{i};\nmessage M {{}}\n");
        write(d, &format!("other/v{i}/m.proto"), &text);
    }
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    write(d, "treaty.toml", "[breaking]\nignore = [\"legacy\"]\n");
    write(
        d,
        "legacy/money.proto",
        "syntax = \"proto3\";\npackage legacy;\n",
    );
    let out = treaty(d, &["breaking", "--against", "main"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("shop/v1/shop.proto"),
        "{}",
        stderr(&out)
    );
}
