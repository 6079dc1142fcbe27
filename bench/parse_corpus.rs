//! Parses every `.proto` file under the given directories and reports failures.
//!
//! `cargo run --release --example parse_corpus -- DIR...`

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, out),
            Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "proto") => {
                out.push(path)
            }
            _ => {}
        }
    }
}

fn main() {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    if dirs.is_empty() {
        eprintln!("usage: parse_corpus DIR...");
        std::process::exit(2);
    }
    let mut failed_any = false;
    for dir in &dirs {
        let mut files = Vec::new();
        collect(Path::new(dir), &mut files);
        files.sort();
        let start = Instant::now();
        let results: Vec<(PathBuf, Result<(), String>)> = files
            .par_iter()
            .map(|path| {
                let rel = path.strip_prefix(dir).unwrap_or(path);
                let rel = rel.to_string_lossy().replace('\\', "/");
                let result = match std::fs::read_to_string(path) {
                    Err(e) => Err(format!("read error: {e}")),
                    Ok(src) => match treaty::proto::parser::parse(&rel, &src) {
                        Ok(_) => Ok(()),
                        Err(e) => {
                            let index = treaty::span::LineIndex::new(&src);
                            let (line, col) = index.position(&src, e.span.start);
                            Err(format!("{line}:{col}: {}", e.message))
                        }
                    },
                };
                (path.clone(), result)
            })
            .collect();
        let elapsed = start.elapsed();
        let ok = results.iter().filter(|(_, r)| r.is_ok()).count();
        for (path, result) in &results {
            if let Err(e) = result {
                println!("FAIL {}:{e}", path.display());
            }
        }
        println!(
            "{dir}: {ok} parsed, {} failed, {} files in {:.3} s",
            results.len() - ok,
            results.len(),
            elapsed.as_secs_f64()
        );
        failed_any |= ok != results.len();
    }
    std::process::exit(i32::from(failed_any));
}
