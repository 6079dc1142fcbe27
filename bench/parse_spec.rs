//! Parse one YAML/JSON file and print its node count and parse time:
//! `cargo run --release --example parse_spec -- FILE`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_spec FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    match treaty::tree::parse_bytes(&path, &bytes) {
        Ok(node) => {
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            println!("{path}: {} nodes, {ms:.1} ms", node.count());
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
