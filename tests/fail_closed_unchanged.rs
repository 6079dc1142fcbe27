//! A comparison may leave out a file whose blob and imports are the same in both revisions (the
//! base's own run covered it), but every file it reads must compile, and its summary says how
//! many files it left out. `lint` reads everything.

mod common;
use common::{git, stderr, stdout, treaty, write};

use std::path::Path;

/// A field without its `;`: a file that does not compile.
const BROKEN_PROTO: &str = "syntax = \"proto3\";\npackage broken;\nmessage B { string x = 1 }\n";

fn package(name: &str, fields: &str) -> String {
    format!("syntax = \"proto3\";\npackage {name};\nmessage M {{ {fields} }}\n")
}

/// Four unchanged well-formed packages, so that one changed file stays under the quarter of the
/// tree beyond which everything is read anyway.
fn unchanged_packages(dir: &Path) {
    for i in 1..=4 {
        let text = package(&format!("p{i}"), "string a = 1;");
        write(dir, &format!("old/p{i}.proto"), &text);
        write(dir, &format!("new/p{i}.proto"), &text);
    }
}

#[test]
fn an_unchanged_broken_file_left_out_is_counted_as_unchanged_and_lint_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    write(d, "old/broken.proto", BROKEN_PROTO);
    write(d, "new/broken.proto", BROKEN_PROTO);
    write(d, "old/changed.proto", &package("c", "string a = 1;"));
    write(
        d,
        "new/changed.proto",
        &package("c", "string a = 1; string b = 2;"),
    );

    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "treaty: no findings (6 contract files checked, 5 of them unchanged and not compared)\n"
    );

    let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["files_checked"], 6, "{json}");
    assert_eq!(json["summary"]["files_unchanged"], 5, "{json}");

    let out = treaty(d, &["lint", "new"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("broken.proto:3:26"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_comparison_that_reads_everything_counts_nothing_as_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "old/a.proto", &package("a", "string a = 1;"));
    write(
        d,
        "new/a.proto",
        &package("a", "string a = 1; string b = 2;"),
    );
    let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["files_checked"], 1, "{json}");
    assert_eq!(json["summary"]["files_unchanged"], 0, "{json}");
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(
        stdout(&out),
        "treaty: no findings (1 contract file checked)\n"
    );
}

#[test]
fn findings_come_with_the_count_of_files_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    write(
        d,
        "old/changed.proto",
        &package("c", "string a = 1; string b = 2;"),
    );
    write(d, "new/changed.proto", &package("c", "string a = 1;"));
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let last = stdout(&out).lines().last().unwrap_or_default().to_string();
    assert!(
        last.ends_with("(4 of 5 contract files unchanged and not compared)"),
        "{last}"
    );
}

#[test]
fn a_changed_file_importing_an_unchanged_broken_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    write(d, "old/broken.proto", BROKEN_PROTO);
    write(d, "new/broken.proto", BROKEN_PROTO);
    let importer = |fields: &str| {
        format!("syntax = \"proto3\";\npackage c;\nimport \"broken.proto\";\nmessage M {{ {fields} }}\n")
    };
    write(d, "old/changed.proto", &importer("string a = 1;"));
    write(
        d,
        "new/changed.proto",
        &importer("string a = 1; string b = 2;"),
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("expected ';' after field number"), "{err}");
    assert!(err.contains("broken.proto:3:26"), "{err}");
}

#[test]
fn a_changed_import_that_does_not_link_fails() {
    // The changed file parses; what it uses from an unchanged file is gone.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    let base = "syntax = \"proto3\";\npackage base;\nmessage Thing {}\n";
    write(d, "old/base.proto", base);
    write(d, "new/base.proto", base);
    let user = |ty: &str| {
        format!("syntax = \"proto3\";\npackage c;\nimport \"base.proto\";\nmessage M {{ {ty} t = 1; }}\n")
    };
    write(d, "old/changed.proto", &user("base.Thing"));
    write(d, "new/changed.proto", &user("base.Nothing"));
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("base.Nothing"), "{}", stderr(&out));
}

#[test]
fn a_broken_file_that_changed_fails_on_either_side() {
    for (old, new, side) in [
        (
            BROKEN_PROTO,
            package("broken", "string x = 1;"),
            "in the old revision",
        ),
        (
            &package("broken", "string x = 1;") as &str,
            BROKEN_PROTO.to_string(),
            "in the new revision",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        unchanged_packages(d);
        write(d, "old/broken.proto", old);
        write(d, "new/broken.proto", &new);
        let out = treaty(d, &["diff", "old", "new"]);
        assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("expected ';' after field number"), "{err}");
        assert!(err.contains(side), "{side}: {err}");
    }
}

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'schemas.yaml#/Pet'}\n";

/// A `$ref` target whose mapping is never closed.
const BROKEN_SCHEMAS: &str = "Pet:\n  type: object\n  properties: {name: {type: string}\n";

/// A repository whose `main` holds a spec referencing a broken file, and a branch that changes
/// the spec only.
fn repo_with_broken_ref_target() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "api/openapi.yaml", SPEC);
    write(d, "api/schemas.yaml", BROKEN_SCHEMAS);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    write(
        d,
        "api/openapi.yaml",
        &SPEC.replace("title: t", "title: t2"),
    );
    git(d, &["commit", "-qam", "change the spec"]);
    dir
}

#[test]
fn a_changed_spec_referencing_an_unchanged_broken_file_fails() {
    let dir = repo_with_broken_ref_target();
    let d = dir.path();
    for args in [
        &["breaking", "--against", "HEAD~1", "--head", "HEAD"][..],
        &["check", "--against", "HEAD~1", "--head", "HEAD"],
        &["breaking", "--against", "HEAD~1"],
    ] {
        let out = treaty(d, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("schemas.yaml:"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn an_unchanged_spec_is_counted_as_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "api/openapi.yaml", SPEC);
    write(d, "api/schemas.yaml", "Pet: {type: object}\n");
    write(
        d,
        "other/openapi.yaml",
        &SPEC
            .replace("schemas.yaml#/Pet", "#/components/schemas/Pet")
            .replace(
                "paths:",
                "components: {schemas: {Pet: {type: object}}}\npaths:",
            ),
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    write(
        d,
        "other/openapi.yaml",
        &std::fs::read_to_string(d.join("other/openapi.yaml"))
            .unwrap()
            .replace("title: t", "title: t2"),
    );
    git(d, &["commit", "-qam", "change the other spec"]);
    for command in ["breaking", "check"] {
        let out = treaty(d, &[command, "--against", "HEAD~1", "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["summary"]["files_checked"], 3, "{command}: {json}");
        assert_eq!(json["summary"]["files_unchanged"], 2, "{command}: {json}");
    }
}

#[test]
fn a_changed_file_adding_a_name_an_unchanged_file_declares_fails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    let holder = "syntax = \"proto3\";\npackage p;\nmessage X {}\n";
    write(d, "old/a.proto", holder);
    write(d, "new/a.proto", holder);
    write(
        d,
        "old/b.proto",
        "syntax = \"proto3\";\npackage p;\nmessage Y {}\n",
    );
    write(
        d,
        "new/b.proto",
        "syntax = \"proto3\";\npackage p;\nmessage Y {}\nmessage X {}\n",
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("\"p.X\" is declared multiple times"), "{err}");
}

#[test]
fn a_name_added_elsewhere_that_an_unchanged_file_now_resolves_to_is_compared() {
    // `Foo` in user.proto meant `a.Foo`; a changed file of user.proto's own package now
    // declares `a.b.Foo`, which the same text resolves to first.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    for side in ["old", "new"] {
        let foo = "syntax = \"proto3\";\npackage a;\nmessage Foo { string s = 1; }\n";
        write(d, &format!("{side}/foo.proto"), foo);
        let user = "syntax = \"proto3\";\npackage a.b;\nimport \"foo.proto\";\nimport \"b.proto\";\nmessage User { Foo foo = 1; }\n";
        write(d, &format!("{side}/user.proto"), user);
    }
    write(
        d,
        "old/b.proto",
        "syntax = \"proto3\";\npackage a.b;\nmessage Other {}\n",
    );
    let added =
        "syntax = \"proto3\";\npackage a.b;\nmessage Other {}\nmessage Foo { int32 n = 1; }\n";
    write(d, "new/b.proto", added);
    let out = treaty(d, &["diff", "old", "new", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "user.proto:5:16: error[proto/field-same-type] Field \"1\" with name \"foo\" on message \"User\" changed type from \"a.Foo\" to \"a.b.Foo\"."
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_name_added_that_no_unchanged_file_spells_leaves_them_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    write(d, "old/b.proto", &package("p", "string a = 1;"));
    let added = "syntax = \"proto3\";\npackage p;\nmessage M { int64 a = 1; }\nmessage Zebra {}\n";
    write(d, "new/b.proto", added);
    let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Nothing else spells `Zebra`: the four other files are left out, the change is found.
    assert_eq!(json["summary"]["files_unchanged"], 4, "{json}");
    let rules: Vec<&str> = (json["findings"].as_array().unwrap().iter())
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"proto/field-same-type"), "{json}");
}

#[test]
fn a_name_removed_that_an_unchanged_file_uses_fails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    let user = "syntax = \"proto3\";\npackage u;\nimport \"c.proto\";\nmessage User { c.Used used = 1; }\n";
    write(d, "old/user.proto", user);
    write(d, "new/user.proto", user);
    write(
        d,
        "old/c.proto",
        "syntax = \"proto3\";\npackage c;\nmessage Used {}\nmessage Kept {}\n",
    );
    write(
        d,
        "new/c.proto",
        "syntax = \"proto3\";\npackage c;\nmessage Kept {}\n",
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("user.proto"), "{}", stderr(&out));
}

#[test]
fn a_package_renamed_so_that_it_captures_a_reference_of_an_unchanged_file_is_seen() {
    // `c.Msg` in x.b's user.proto means the top-level package `c`; once the file it imports
    // declares the package `x.c` instead of `x.d`, scope search finds `x.c` first, which has
    // no `Msg`: the new side no longer compiles, although user.proto did not change.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    for side in ["old", "new"] {
        write(
            d,
            &format!("{side}/c.proto"),
            "syntax = \"proto3\";\npackage c;\nmessage Msg {}\n",
        );
        let user = "syntax = \"proto3\";\npackage x.b;\nimport \"c.proto\";\nimport \"xc.proto\";\nmessage User { c.Msg m = 1; }\n";
        write(d, &format!("{side}/user.proto"), user);
    }
    let other =
        |package: &str| format!("syntax = \"proto3\";\npackage {package};\nmessage Other {{}}\n");
    write(d, "old/xc.proto", &other("x.d"));
    write(d, "new/xc.proto", &other("x.c"));
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("type \"c.Msg\" resolves to \"x.c.Msg\", which is not defined"),
        "{err}"
    );
    assert!(err.contains("user.proto:5:16"), "{err}");
}

#[test]
fn a_deleted_file_that_an_unchanged_file_still_imports_fails() {
    // empty.proto declares nothing another changed file does not: only the import of it in
    // user.proto (unused, but protoc still needs the file) tells that the tree broke.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    unchanged_packages(d);
    let user = "syntax = \"proto3\";\npackage u;\nimport \"empty.proto\";\nmessage U {}\n";
    write(d, "old/user.proto", user);
    write(d, "new/user.proto", user);
    write(d, "old/empty.proto", "syntax = \"proto3\";\npackage p;\n");
    write(d, "old/b.proto", &package("p", "string a = 1;"));
    write(
        d,
        "new/b.proto",
        &package("p", "string a = 1; string b = 2;"),
    );
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("empty.proto") && err.contains("user.proto"),
        "{err}"
    );
}
