//! When few files changed, only those are compared (linked against their unchanged imports).
//! The result must equal comparing everything.

use treaty::rules::Selection;
use treaty::source::{Listing, Snapshot};

fn snapshot(files: &[(&str, String)]) -> Snapshot {
    Snapshot::of_texts("test", files.iter().map(|(p, t)| (*p, t.as_str())))
}

fn tree(extra: &str, common_package: &str) -> Vec<(&'static str, String)> {
    let mut files: Vec<(&'static str, String)> = vec![(
        "common/types.proto",
        format!("syntax = \"proto3\";\npackage {common_package};\nmessage Money {{ int64 units = 1; }}\n"),
    )];
    for name in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        let path: &'static str = Box::leak(format!("svc/{name}.proto").into_boxed_str());
        files.push((
            path,
            format!("syntax = \"proto3\";\npackage svc.{name};\nmessage M {{ string id = 1; }}\n"),
        ));
    }
    files.push((
        "svc/order.proto",
        format!(
            "syntax = \"proto3\";\npackage svc.order;\nimport \"common/types.proto\";\nmessage Order {{\n  {common_package}.Money total = 1;\n{extra}}}\n"
        ),
    ));
    files
}

fn all() -> treaty::run::Options {
    treaty::run::Options {
        policy: treaty::run::Policy {
            selection: Selection {
                only: vec!["all".into()],
                ..Selection::default()
            },
            ..treaty::run::Policy::default()
        },
        ..treaty::run::Options::default()
    }
}

fn both_ways(old: &[(&str, String)], new: &[(&str, String)]) -> (String, String) {
    let full = treaty::run::breaking(&snapshot(old), &snapshot(new), &all()).unwrap();
    let incremental = treaty::run::breaking_listings(
        &Listing::loaded(snapshot(old)),
        &Listing::loaded(snapshot(new)),
        &all(),
    )
    .unwrap();
    assert_eq!(full.files_checked, incremental.files_checked);
    (
        treaty::report::concise(&full),
        treaty::report::concise(&incremental),
    )
}

#[test]
fn one_changed_file_linked_against_an_unchanged_import() {
    let old = tree("  string note = 2;\n", "common");
    let new = tree("", "common");
    let (full, incremental) = both_ways(&old, &new);
    assert!(full.contains("svc/order.proto"), "{full}");
    assert_eq!(full, incremental);
}

#[test]
fn unchanged_trees_find_nothing() {
    let old = tree("", "common");
    let (full, incremental) = both_ways(&old, &old);
    assert_eq!((full.as_str(), incremental.as_str()), ("", ""));
}

#[test]
fn a_package_leaving_a_changed_file_falls_back_to_the_whole_tree() {
    let old = tree("", "common");
    let new = tree("", "common.v2");
    let (full, incremental) = both_ways(&old, &new);
    assert!(full.contains("common/types.proto"), "{full}");
    assert_eq!(full, incremental);
}

#[test]
fn an_enum_first_value_change_reaches_unchanged_files() {
    // In proto2 an enum field's implicit default is the enum's first value, so changing it
    // may matter to fields declared in files that did not change: the incremental path must
    // fall back to the whole tree and agree with it (buf reports only the renamed values).
    let files = |first: &str, second: &str| -> Vec<(&'static str, String)> {
        let mut files: Vec<(&'static str, String)> = (0..8)
            .map(|i| {
                let path: &'static str = Box::leak(format!("svc/s{i}.proto").into_boxed_str());
                (path, format!("syntax = \"proto2\";\npackage svc.s{i};\nmessage M {{ optional string id = 1; }}\n"))
            })
            .collect();
        files.push((
            "common/color.proto",
            format!("syntax = \"proto2\";\npackage common;\nenum Color {{\n  {first} = 0;\n  {second} = 1;\n}}\n"),
        ));
        files.push((
            "svc/paint.proto",
            "syntax = \"proto2\";\npackage svc.paint;\nimport \"common/color.proto\";\nmessage Paint {\n  optional common.Color color = 1;\n}\n".to_string(),
        ));
        files
    };
    let (full, incremental) = both_ways(&files("RED", "BLUE"), &files("BLUE", "RED"));
    assert!(full.contains("common/color.proto"), "{full}");
    assert_eq!(full, incremental);
}
