//! Embeds `rules/**/*.md` and `proto-include/**/*.proto` so the binary carries its catalog
//! and bundled imports.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn table(name: &str, root: &Path, ext: &str) -> String {
    let mut files = Vec::new();
    collect(root, ext, &mut files);
    files.sort();
    let mut code = format!("pub static {name}: &[(&str, &str)] = &[\n");
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    code
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=proto-include");
    let mut code = table("RULE_DOCS", &manifest.join("rules"), "md");
    code.push_str(&table(
        "BUNDLED_PROTOS",
        &manifest.join("proto-include"),
        "proto",
    ));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
