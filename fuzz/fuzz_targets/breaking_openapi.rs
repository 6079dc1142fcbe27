//! See `common::breaking`: `a.yaml` and `b.yaml` of two revisions.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::breaking(data, &["a.yaml", "b.yaml"]);
});
