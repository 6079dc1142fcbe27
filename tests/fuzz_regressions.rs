//! Inputs the fuzz targets (`fuzz/`, run with `cargo fuzz`) found or start from, replayed
//! through the same checks on every `cargo test`: see `fuzz/README.md`.

#[path = "../fuzz/fuzz_targets/common/mod.rs"]
mod common;

use std::path::Path;

/// Every seed of every target still passes its target's checks.
#[test]
fn seed_corpora_replay() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for target in [
        "tree",
        "openapi_load",
        "proto",
        "breaking_openapi",
        "breaking_proto",
        "lint",
    ] {
        let mut seeds: Vec<_> = std::fs::read_dir(corpora.join(target))
            .unwrap_or_else(|e| panic!("the {target} corpus: {e}"))
            .map(|entry| entry.unwrap().path())
            .collect();
        seeds.sort();
        assert!(!seeds.is_empty(), "the {target} corpus is empty");
        for seed in seeds {
            let data = std::fs::read(&seed).unwrap();
            let replay = || match target {
                "tree" => common::tree(&data),
                "openapi_load" => assert!(common::openapi_load(&data), "{seed:?} loads"),
                "proto" => assert!(common::proto(&data), "{seed:?} loads"),
                "breaking_openapi" => common::breaking(&data, &["a.yaml", "b.yaml"]),
                "breaking_proto" => common::breaking(&data, &["a.proto", "b.proto"]),
                _ => common::lint(&data),
            };
            if std::panic::catch_unwind(replay).is_err() {
                panic!("{target} seed {} fails its checks", seed.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 6);
}

/// breaking_proto: two fields of one message with one number were accepted, and the message
/// compared with itself changed field 2's name and type (fields are paired by number).
#[test]
fn a_field_number_used_twice_is_an_input_error() {
    let data = b"\0message B { string x=2;int32 y=2;}";
    common::breaking(data, &["a.proto", "b.proto"]);
    let error = common::proto_errors(b"message B { string x=2;int32 y=2;}");
    assert!(
        error.contains("a.proto:1:32: field number 2 of \"B\" is taken by field \"x\""),
        "{error}"
    );
    let error = common::proto_errors(b"message B { string x=2;int32 x=3;}");
    assert!(
        error.contains("a.proto:1:30: field \"x\" of \"B\" is declared twice"),
        "{error}"
    );
    // A message of many fields is checked through maps rather than field by field: the same.
    let many: String = (1..=40).map(|n| format!("int32 f{n}={n};")).collect();
    let error =
        common::proto_errors(format!("message B {{{many}int32 g=7;int32 f3=41;}}").as_bytes());
    assert!(
        error.contains("field number 7 of \"B\" is taken by field \"f7\""),
        "{error}"
    );
    assert!(
        error.contains("field \"f3\" of \"B\" is declared twice"),
        "{error}"
    );
}
