//! See `common::breaking`: `a.proto` and `b.proto` of two revisions.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::breaking(data, &["a.proto", "b.proto"]);
});
