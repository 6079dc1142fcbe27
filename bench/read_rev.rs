//! Loads two revisions of a repository with a `.proto` filter and reports counts and timings.
//!
//! `cargo run --release --example read_rev -- [REPO] [NEW] [OLD]`
//! (defaults: ~/.cache/treaty-corpus/repos/googleapis-history, `v6:proto`, `v4:proto`).

use std::path::PathBuf;
use std::time::Instant;

use treaty::source::{load, parse_spec};

fn main() {
    let mut args = std::env::args().skip(1);
    let repo = args.next().map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").unwrap_or_default();
        PathBuf::from(home).join(".cache/treaty-corpus/repos/googleapis-history")
    });
    let specs: Vec<String> = {
        let rest: Vec<String> = args.collect();
        if rest.is_empty() {
            vec!["v6:proto".into(), "v4:proto".into()]
        } else {
            rest
        }
    };
    let filter = |p: &str| p.ends_with(".proto");
    let total = Instant::now();
    let mut snapshots = Vec::new();
    for spec in &specs {
        let start = Instant::now();
        match load(&parse_spec(spec), &repo, &filter) {
            Ok(snap) => {
                let bytes: usize = snap.files.values().map(|f| f.bytes.len()).sum();
                println!(
                    "{:>12}: {:>6} files, {:>11} bytes in {:>8.1?}",
                    snap.label,
                    snap.files.len(),
                    bytes,
                    start.elapsed()
                );
                snapshots.push(snap);
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        }
    }
    if let [new, old] = &snapshots[..] {
        // What the blob ids buy: files needing no re-parse.
        let same = new
            .files
            .iter()
            .filter(|(p, f)| old.files.get(*p).is_some_and(|o| o.blob == f.blob))
            .count();
        println!("unchanged between the two: {same} files");
    }
    println!("total: {:.1?}", total.elapsed());
}
