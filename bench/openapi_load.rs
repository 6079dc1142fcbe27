//! Load every YAML/JSON file under a directory as its own snapshot and tally the outcomes:
//! `cargo run --release --example openapi_load -- DIR`. Prints each error on one line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use treaty::openapi::breaking::Ctx;
use treaty::openapi::load::{load, no_fetch, SpecFilter};
use treaty::source::{self, SourceSpec};

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: openapi_load DIR");
        std::process::exit(2);
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![PathBuf::from(&dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if treaty::openapi::load::is_yaml_or_json(&p.to_string_lossy()) {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let start = Instant::now();
    for path in &files {
        let snapshot = match source::load(&SourceSpec::Path(path.clone()), path, &|_: &str| true) {
            Ok(s) => s,
            Err(e) => {
                println!("{}: {e}", path.display());
                continue;
            }
        };
        match load(&snapshot, &SpecFilter::default(), &no_fetch) {
            Ok(set) if set.specs.is_empty() => *tally.entry("not a spec".into()).or_default() += 1,
            Ok(set) => {
                let version = format!("{:?}", set.specs[0].version);
                // The whole comparison of the spec with itself must find nothing.
                let today = treaty::date::today().unwrap_or_else(|e| panic!("{e}"));
                let ctx = Ctx::new(&set, &set, &[], today);
                let n = ctx.schema_changes().len();
                if n > 0 {
                    println!("{}: {n} changes against itself", path.display());
                }
                *tally.entry(format!("ok {version}")).or_default() += 1;
            }
            Err(e) => {
                let first = e.0.first().map(|e| e.message.clone()).unwrap_or_default();
                let kind: String = first.split([':', '"']).next().unwrap_or("").to_string();
                *tally.entry(format!("error: {kind}")).or_default() += 1;
                println!("{}: {}", path.display(), e.0[0]);
            }
        }
    }
    println!(
        "{} files in {:.1} s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
    for (k, n) in tally {
        println!("  {n:5} {k}");
    }
}
