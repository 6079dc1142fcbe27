//! The fuzz targets' bodies, shared with `tests/fuzz_regressions.rs` (which includes this file)
//! so that a kept input is replayed through exactly the checks that found it.
#![allow(dead_code)]

use treaty::openapi::load::{no_fetch, SpecFilter};
use treaty::rules::Selection;
use treaty::source::Snapshot;
use treaty::tree::{parse_bytes, parse_with, utf8, Limits};

/// The input cut at each NUL byte (texts rarely hold one, so the fuzzer can place files freely).
pub fn chunks(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == 0).collect()
}

/// A snapshot of `names[i]` holding `parts[i]`, for as many as there are of both.
pub fn snapshot(label: &str, names: &[&str], parts: &[&[u8]]) -> Snapshot {
    Snapshot::of_texts(label, names.iter().copied().zip(parts.iter().copied()))
}

/// Every rule, lint and breaking, so that every check sees the input.
pub fn all_rules() -> treaty::run::Options {
    let all = treaty::run::Policy {
        selection: Selection {
            only: vec!["all".into()],
            ..Selection::default()
        },
        ..treaty::run::Policy::default()
    };
    treaty::run::Options {
        policy: all.clone(),
        lint_policy: all,
        ..treaty::run::Options::default()
    }
}

/// Bytes -> node tree as YAML, JSON and unnamed, with the default limits and with small ones:
/// within smaller limits the same tree or an error, as limits only ever refuse.
pub fn tree(data: &[u8]) {
    let small = Limits {
        max_depth: 8,
        alias_budget: 64,
        max_bytes: 1 << 16,
        max_nodes: 4096,
    };
    for name in ["t.yaml", "t.json", "t"] {
        let full = parse_bytes(name, data);
        let Ok(text) = utf8(name, data) else {
            assert!(full.is_err(), "bytes that are not UTF-8 parsed");
            continue;
        };
        if let Ok(node) = parse_with(name, text, &small) {
            match &full {
                Ok(full) => assert_eq!(&node, full, "the limits changed the tree"),
                Err(e) => panic!("passes small limits but not the default ones: {e}"),
            }
        }
    }
}

/// Up to three documents -> OpenAPI load and `$ref` resolution, named so that refs such as
/// `b.yaml#/components/schemas/S` or `c.json#/p` between them resolve.
pub fn openapi_load(data: &[u8]) -> bool {
    let parts = chunks(data);
    let snapshot = snapshot("t", &["a.yaml", "b.yaml", "c.json"], &parts);
    treaty::openapi::load::load(&snapshot, &SpecFilter::default(), &no_fetch).is_ok()
}

/// Up to three files -> protobuf parse and link, named so that `import "b.proto";` and
/// `import "dir/c.proto";` resolve.
pub fn proto(data: &[u8]) -> bool {
    let parts = chunks(data);
    let snapshot = snapshot("t", &["a.proto", "b.proto", "dir/c.proto"], &parts);
    treaty::proto::load::load(&snapshot, &treaty::proto::load::Layout::default()).is_ok()
}

/// The errors [`proto`] meets, as a user reads them; empty when it loads.
pub fn proto_errors(data: &[u8]) -> String {
    let parts = chunks(data);
    let snapshot = snapshot("t", &["a.proto", "b.proto", "dir/c.proto"], &parts);
    match treaty::proto::load::load(&snapshot, &treaty::proto::load::Layout::default()) {
        Ok(_) => String::new(),
        Err(errors) => errors.to_string(),
    }
}

/// Whether both protocols' loaders accept `snapshot`.
fn loads(snapshot: &Snapshot, options: &treaty::run::Options) -> bool {
    treaty::proto::load::load(snapshot, &options.layout).is_ok()
        && treaty::openapi::load::load(snapshot, &SpecFilter::default(), &no_fetch).is_ok()
}

/// Chunks 0, 2 (old) and 1, 3 (new) as `names` of two revisions -> `run::breaking`.
///
/// The comparison fails when loading a side does: an input error never becomes a pass. And a
/// revision compared with a copy of itself (the bytes differ by a final line break, the meaning
/// does not) breaks nothing, bar the findings that say the comparison was not made in full.
pub fn breaking(data: &[u8], names: &[&str]) {
    let parts = chunks(data);
    let old: Vec<&[u8]> = parts.iter().step_by(2).copied().collect();
    let new: Vec<&[u8]> = parts.iter().skip(1).step_by(2).copied().collect();
    let padded: Vec<Vec<u8>> = new.iter().map(|t| [*t, b"\n"].concat()).collect();
    let padded: Vec<&[u8]> = padded.iter().map(Vec::as_slice).collect();
    let (old, new, same) = (
        snapshot("old", names, &old),
        snapshot("new", names, &new),
        snapshot("same", names, &padded),
    );
    let options = all_rules();
    let result = treaty::run::breaking(&old, &new, &options);
    if !loads(&old, &options) || !loads(&new, &options) {
        assert!(
            result.is_err(),
            "a side failed to load, yet the comparison passed"
        );
    }
    if let Ok(report) = treaty::run::breaking(&new, &same, &options) {
        let breaks: Vec<String> = report
            .findings
            .iter()
            .filter(|f| !f.rule.fails_closed())
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        assert!(breaks.is_empty(), "a revision breaks itself: {breaks:?}");
    }
}

/// Chunks as `a.proto`, `api.yaml`, `b.proto`, `b.json` of one revision -> `run::lint` (both
/// protocols, and the consistency checks between them); fails when loading does.
pub fn lint(data: &[u8]) {
    let parts = chunks(data);
    let names = ["a.proto", "api.yaml", "b.proto", "b.json"];
    let snapshot = snapshot("t", &names, &parts);
    let options = all_rules();
    let result = treaty::run::lint(&snapshot, &options);
    if !loads(&snapshot, &options) {
        assert!(result.is_err(), "the files failed to load, yet lint passed");
    }
}
