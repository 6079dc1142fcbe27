//! Protobuf inputs protoc and buf refuse are refused too (exit 2 at the line), never compared
//! as if they were fine; an error says which side of a comparison it is in, once.

mod common;
use common::{treaty, write};

use std::process::Output;

fn errors(out: &Output) -> Vec<serde_json::Value> {
    let text = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    json["errors"].as_array().cloned().unwrap_or_default()
}

const A: &str =
    "syntax = \"proto3\";\npackage p.v1;\nimport \"b.proto\";\nmessage A { B b = 1; }\n";

fn b(field: &str, import_a: bool) -> String {
    let import = if import_a {
        "import \"a.proto\";\n"
    } else {
        ""
    };
    format!("syntax = \"proto3\";\npackage p.v1;\n{import}message B {{ {field} = 1; }}\n")
}

#[test]
fn an_import_cycle_is_exit_2_at_the_import_that_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    for side in ["old", "new"] {
        write(dir.path(), &format!("{side}/a.proto"), A);
    }
    write(dir.path(), "old/b.proto", &b("string x", true));
    // A real breaking change beside the cycle must not pass as "no findings".
    write(dir.path(), "new/b.proto", &b("int64 x", true));
    let out = treaty(dir.path(), &["diff", "old", "new", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let errors = errors(&out);
    // The same cycle on both sides is one error, in no one revision.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0]["message"],
        "import cycle: a.proto -> b.proto -> a.proto"
    );
    assert_eq!(errors[0]["file"], "b.proto");
    assert_eq!(errors[0]["line"], 3);
    assert!(errors[0].get("revision").is_none(), "{errors:?}");
    let out = treaty(dir.path(), &["lint", "new"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("import cycle: a.proto -> b.proto -> a.proto"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_file_importing_itself_is_exit_2_naming_the_side_it_is_in() {
    let dir = tempfile::tempdir().unwrap();
    let itself = "syntax = \"proto3\";\npackage p.v1;\nimport \"s.proto\";\nmessage S {}\n";
    write(dir.path(), "old/s.proto", itself);
    write(
        dir.path(),
        "new/s.proto",
        "syntax = \"proto3\";\npackage p.v1;\nmessage S {}\n",
    );
    let out = treaty(dir.path(), &["diff", "old", "new", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let errors = errors(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["message"], "s.proto imports itself");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["revision"], "old");
    let out = treaty(dir.path(), &["diff", "old", "new"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("s.proto imports itself, in the old revision"),
        "{stderr}"
    );
}

#[test]
fn editions_files_importing_the_java_and_go_features_load_from_the_bundle() {
    // Neither features file is in the tree: treaty brings them, as buf does. The finding is
    // buf's own, word for word (checked with `buf breaking`).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = |validation: &str| {
        format!(
            "edition = \"2023\";\npackage a;\nimport \"google/protobuf/java_features.proto\";\nimport \"google/protobuf/go_features.proto\";\noption features.utf8_validation = NONE;\nmessage M {{\n  string s = 1 [features.(pb.java).utf8_validation = {validation}];\n}}\nenum E {{\n  option features.(pb.go).legacy_unmarshal_json_enum = false;\n  E_UNSPECIFIED = 0;\n}}\n"
        )
    };
    write(d, "old/a.proto", &file("VERIFY"));
    write(d, "new/a.proto", &file("DEFAULT"));
    let out = treaty(d, &["diff", "old", "new", "--format", "concise"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("a.proto:7:17: error[proto/field-same-java-utf8-validation] Field \"1\" with name \"s\" on message \"M\" changed Java string UTF8 validation from \"VERIFY\" to \"NONE\"."),
        "{stdout}"
    );
}
