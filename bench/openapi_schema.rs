//! Time the shared schema comparison over every paired operation of two specs (no rule needs
//! to ask for it): `cargo run --release --example openapi_schema -- OLD NEW`. Unchanged specs
//! are compared too, so `OLD OLD` measures a full walk that must find nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use treaty::openapi::breaking::Ctx;
use treaty::openapi::load::{load, no_fetch, SpecFilter};
use treaty::source::{self, SourceSpec};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old, new] = args.as_slice() else {
        eprintln!("usage: openapi_schema OLD NEW");
        std::process::exit(2);
    };
    let read = |p: &str| {
        let path = PathBuf::from(p);
        let snapshot = source::load(&SourceSpec::Path(path.clone()), &path, &|_: &str| true)
            .unwrap_or_else(|e| panic!("{p}: {e}"));
        load(&snapshot, &SpecFilter::default(), &no_fetch).unwrap_or_else(|e| panic!("{e}"))
    };
    let start = Instant::now();
    let (old_set, new_set) = (read(old), read(new));
    let loaded = start.elapsed();
    let today = treaty::date::today().unwrap_or_else(|e| panic!("{e}"));
    let ctx = Ctx::new(&old_set, &new_set, &[], today);
    let paired = start.elapsed();
    let changes = ctx.schema_changes();
    let walked = start.elapsed();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for c in changes {
        let kind = format!("{:?}", c.change);
        let kind = kind.split([' ', '(', '{']).next().unwrap_or("").to_string();
        *kinds
            .entry(format!("{:?} {kind}", c.direction))
            .or_default() += 1;
    }
    println!(
        "load {:.0} ms, pair {:.0} ms, schema walk {:.0} ms: {} changes",
        loaded.as_secs_f64() * 1e3,
        (paired - loaded).as_secs_f64() * 1e3,
        (walked - paired).as_secs_f64() * 1e3,
        changes.len()
    );
    for (k, n) in kinds {
        println!("  {n:6} {k}");
    }
    // SAMPLE=Kind prints where those changes are.
    if let Ok(want) = std::env::var("SAMPLE") {
        for c in changes
            .iter()
            .filter(|c| format!("{:?}", c.change).starts_with(&want))
            .take(40)
        {
            println!(
                "{} {:?} {} | {:?} | new {}:{}",
                c.operation, c.site, c.path, c.change, c.new_at.node.line, c.new_at.node.col
            );
        }
    }
}
