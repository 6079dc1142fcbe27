//! `treaty diff` and `treaty lint` on files and directories on disk follow a `$ref` to a file
//! next to them or above them (`../common.yaml`), as far as the git work tree that holds them,
//! or the current directory outside git: never above it. A file read from above a side's root
//! is named from that root (`../common.yaml:7:9`).

mod common;
use common::{git, stderr, stdout, treaty, write};

use std::path::Path;

/// Runs treaty, asserts its exit code, and gives stdout and stderr.
fn run(dir: &Path, args: &[&str], code: i32) -> (String, String) {
    let out = treaty(dir, args);
    let (o, e) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(code), "{args:?}\n{o}\n{e}");
    (o, e)
}

/// A spec whose 200 response body is the schema `reference` names (the `$ref` is on line 11,
/// its value at column 30).
fn spec(reference: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /pets:\n    get:\n      \
         responses:\n        '200':\n          description: ok\n          content:\n            \
         application/json:\n              schema: {{$ref: '{reference}'}}\n"
    )
}

const COMMON: &str = "components:\n  schemas:\n    Pet:\n      type: object\n      required: \
                      [id, name]\n      properties:\n        id: {type: integer}\n        name: \
                      {type: string}\n";

/// `COMMON` without the required property `name` (declared on line 8 of `COMMON`).
fn common_without_name() -> String {
    COMMON
        .replace("[id, name]", "[id]")
        .replace("        name: {type: string}\n", "")
}

/// A temporary directory holding a fresh git repository.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

/// A temporary directory in no git work tree: the current directory bounds what is read.
fn outside_git() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let canonical = dir.path().canonicalize().unwrap();
    let in_git = canonical.ancestors().find(|d| d.join(".git").exists());
    assert!(
        in_git.is_none(),
        "the temporary directory is inside the git work tree {in_git:?}: these tests need one \
         outside git (set TMPDIR)"
    );
    dir
}

#[test]
fn two_versions_sharing_one_common_file_compare_clean() {
    let dir = repo();
    let d = dir.path();
    write(d, "api/common.yaml", COMMON);
    let reference = "../common.yaml#/components/schemas/Pet";
    write(d, "api/v1/api.yaml", &spec(reference));
    write(d, "api/v2/api.yaml", &spec(reference));
    let (out, _) = run(d, &["diff", "api/v1/api.yaml", "api/v2/api.yaml"], 0);
    assert!(out.contains("no findings"), "{out}");
    // The directories holding them too, and from inside one of them.
    run(d, &["diff", "api/v1", "api/v2"], 0);
    run(
        &d.join("api/v2"),
        &["diff", "../v1/api.yaml", "api.yaml"],
        0,
    );
}

#[test]
fn a_change_in_a_common_file_above_each_side_is_found_there() {
    let dir = repo();
    let d = dir.path();
    // Each side reaches its own copy: old/common.yaml and new/common.yaml.
    let reference = "../common.yaml#/components/schemas/Pet";
    write(d, "old/api/api.yaml", &spec(reference));
    write(d, "new/api/api.yaml", &spec(reference));
    write(d, "old/common.yaml", COMMON);
    write(d, "new/common.yaml", &common_without_name());
    let args = ["diff", "old/api/api.yaml", "new/api/api.yaml"];
    let (out, _) = run(d, &[&args[..], &["--format", "concise"]].concat(), 1);
    assert!(
        out.contains(
            "../common.yaml:6:7: error[openapi/response-required-property-removed] GET /pets: \
             removed the required property 'name' from the 200 response (previously at \
             ../common.yaml:8:9)"
        ),
        "{out}"
    );
    let (human, _) = run(d, &args, 1);
    assert!(human.contains("[../common.yaml:6:7]"), "{human}");
    let (json, _) = run(d, &[&args[..], &["--format", "json"]].concat(), 1);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let finding = &json["findings"][0];
    assert_eq!(finding["file"], "../common.yaml");
    assert_eq!(finding["related"]["file"], "../common.yaml");
    // Annotations are placed from the repository root.
    let (github, _) = run(d, &[&args[..], &["--format", "github"]].concat(), 1);
    assert!(github.contains("file=new/common.yaml,line=6"), "{github}");
    // The directories compared, the same.
    let (out, _) = run(d, &["diff", "old/api", "new/api", "--format", "concise"], 1);
    assert!(out.contains("../common.yaml:6:7: error"), "{out}");
}

#[test]
fn sides_reaching_differently_named_files_are_compared() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "old/api.yaml",
        &spec("../old-common.yaml#/components/schemas/Pet"),
    );
    write(
        d,
        "new/api.yaml",
        &spec("../new-common.yaml#/components/schemas/Pet"),
    );
    write(d, "old-common.yaml", COMMON);
    write(d, "new-common.yaml", &common_without_name());
    let args = [
        "diff",
        "old/api.yaml",
        "new/api.yaml",
        "--format",
        "concise",
    ];
    let (out, _) = run(d, &args, 1);
    assert!(
        out.contains("../new-common.yaml:6:7: error[openapi/response-required-property-removed]"),
        "{out}"
    );
    assert!(
        out.contains("(previously at ../old-common.yaml:8:9)"),
        "{out}"
    );
    // A referenced file is read, never compared as a contract of its own.
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn a_ref_above_the_git_work_tree_is_exit_2_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("repo");
    std::fs::create_dir(&top).unwrap();
    git(&top, &["init", "-q"]);
    // There is a file up there: it is still not read.
    write(dir.path(), "common.yaml", COMMON);
    let reference = "../../common.yaml#/components/schemas/Pet";
    write(&top, "api/a.yaml", &spec(reference));
    write(&top, "api/b.yaml", &spec(reference));
    let (_, err) = run(&top, &["diff", "api/a.yaml", "api/b.yaml"], 2);
    let top = top.canonicalize().unwrap();
    let want = format!(
        "$ref \"{reference}\" leaves the git work tree at {}: treaty only reads files inside it",
        top.display()
    );
    assert!(err.contains(&want), "{err}");
    // The new side's error is shown; the old side's is the same.
    assert!(err.contains("b.yaml:11:30"), "{err}");
    assert!(
        !err.contains("Pet:"),
        "nothing of the file above is shown: {err}"
    );
}

#[test]
fn a_missing_file_above_the_root_is_exit_2_at_the_ref() {
    let dir = repo();
    let d = dir.path();
    write(d, "api/v1/api.yaml", &spec("../gone.yaml#/Pet"));
    write(d, "api/v2/api.yaml", &spec("../gone.yaml#/Pet"));
    let (_, err) = run(d, &["diff", "api/v1/api.yaml", "api/v2/api.yaml"], 2);
    assert!(
        err.contains("$ref \"../gone.yaml#/Pet\": file ../gone.yaml not found"),
        "{err}"
    );
    assert!(err.contains("api.yaml:11:30"), "{err}");
}

#[test]
fn refs_going_round_files_above_and_below_the_root_terminate() {
    let dir = repo();
    let d = dir.path();
    // common.yaml sends a property back into the spec's own file, which sends it up again.
    let back = "components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        \
                next: {$ref: 'v1/api.yaml#/components/schemas/Next'}\n";
    write(d, "api/common.yaml", back);
    let api = spec("../common.yaml#/components/schemas/Pet")
        + "components:\n  schemas:\n    Next: {$ref: '../common.yaml#/components/schemas/Pet'}\n";
    write(d, "api/v1/api.yaml", &api);
    write(d, "api/v2/api.yaml", &api);
    run(d, &["diff", "api/v1/api.yaml", "api/v2/api.yaml"], 0);
}

#[cfg(unix)]
#[test]
fn a_link_above_the_root_out_of_the_work_tree_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "common.yaml", COMMON);
    let dir = repo();
    let d = dir.path();
    std::os::unix::fs::symlink(outside.path().join("common.yaml"), d.join("common.yaml")).unwrap();
    let reference = "../common.yaml#/components/schemas/Pet";
    write(d, "v1/api.yaml", &spec(reference));
    write(d, "v2/api.yaml", &spec(reference));
    let (_, err) = run(d, &["diff", "v1/api.yaml", "v2/api.yaml"], 2);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(err.contains("outside the git work tree"), "{err}");
    assert!(err.contains("api.yaml:11:30"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_compared_directory_into_the_work_tree_is_followed() {
    let dir = repo();
    let d = dir.path();
    write(d, "shared/common.yaml", COMMON);
    let reference = "common.yaml#/components/schemas/Pet";
    for side in ["v1", "v2"] {
        write(d, &format!("{side}/api.yaml"), &spec(reference));
        let link = d.join(side).join("common.yaml");
        std::os::unix::fs::symlink(d.join("shared/common.yaml"), link).unwrap();
    }
    run(d, &["diff", "v1", "v2"], 0);
    // Refused, it would be exit 2.
    run(d, &["lint", "v1", "--only", "openapi/servers-missing"], 0);
}

#[test]
fn outside_git_the_current_directory_bounds_the_refs() {
    let dir = outside_git();
    let d = dir.path();
    write(d, "common.yaml", COMMON);
    write(d, "work/common.yaml", COMMON);
    let reference = "../common.yaml#/components/schemas/Pet";
    write(d, "work/v1/api.yaml", &spec(reference));
    write(d, "work/v2/api.yaml", &spec(reference));
    let work = d.join("work");
    // work/common.yaml is inside the current directory.
    run(&work, &["diff", "v1/api.yaml", "v2/api.yaml"], 0);
    // From inside v1, it is above it.
    let (_, err) = run(&work.join("v1"), &["lint", "api.yaml"], 2);
    assert!(
        err.contains(&format!(
            "$ref \"{reference}\" leaves the current directory: treaty only reads files inside it"
        )),
        "{err}"
    );
    assert!(err.contains("api.yaml:11:30"), "{err}");
    // A ref above the current directory, to a file that is there, is not followed.
    let above = "../../common.yaml#/components/schemas/Pet";
    write(d, "work/v2/api.yaml", &spec(above));
    let (_, err) = run(&work, &["diff", "v1/api.yaml", "v2/api.yaml"], 2);
    assert!(err.contains("leaves the current directory"), "{err}");
}

#[test]
fn lint_follows_a_ref_above_the_named_file() {
    let dir = repo();
    let d = dir.path();
    write(d, "api/common.yaml", COMMON);
    write(
        d,
        "api/v1/api.yaml",
        &spec("../common.yaml#/components/schemas/Pet"),
    );
    let only = ["--only", "openapi/response-required-property-removed"];
    let (out, _) = run(d, &[&["lint", "api/v1/api.yaml"][..], &only].concat(), 0);
    assert!(out.contains("2 contract files checked"), "{out}");
    run(d, &[&["lint", "api/v1"][..], &only].concat(), 0);
    // What is wrong in the file above is named from the linted file's directory.
    let broken = COMMON.replace(
        "id: {type: integer}",
        "id: {$ref: '#/components/schemas/Nope'}",
    );
    write(d, "api/common.yaml", &broken);
    let (_, err) = run(d, &["lint", "api/v1/api.yaml"], 2);
    assert!(
        err.contains("../common.yaml:7:20"),
        "the broken $ref, in the file above: {err}"
    );
    let (json, _) = run(d, &["lint", "api/v1/api.yaml", "--format", "json"], 2);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["errors"][0]["file"], "../common.yaml", "{json}");
    // Above the work tree, lint refuses as diff does.
    write(
        d,
        "api/v1/api.yaml",
        &spec("../../../common.yaml#/components/schemas/Pet"),
    );
    let (_, err) = run(d, &["lint", "api/v1/api.yaml"], 2);
    assert!(err.contains("leaves the git work tree at"), "{err}");
}
