//! Compiles `rules/**/*.md` into a static, sorted rule catalog and embeds
//! `proto-include/**/*.proto` so the binary carries its bundled imports. A malformed rule
//! entry or a duplicate id fails the build.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "build/front_matter.rs"]
#[allow(dead_code)]
mod front_matter;

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

fn relative(file: &Path, root: &Path) -> String {
    file.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn bundled_protos(root: &Path) -> String {
    let mut files = Vec::new();
    collect(root, "proto", &mut files);
    files.sort();
    let mut code = String::from("pub static BUNDLED_PROTOS: &[(&str, &str)] = &[\n");
    for file in files {
        let rel = relative(&file, root);
        let path = file.display().to_string();
        writeln!(code, "    ({rel:?}, include_str!({path:?})),").unwrap();
    }
    code.push_str("];\n");
    code
}

fn variant(value: &str) -> String {
    let mut chars = value.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    first.into_iter().chain(chars).collect()
}

/// `pub const CATALOG: &[RuleDoc]`, sorted by id: a `RuleId` is an index into it.
fn catalog(root: &Path) -> String {
    let mut files = Vec::new();
    collect(root, "md", &mut files);
    let mut docs: Vec<(String, front_matter::FrontMatter)> = files
        .iter()
        .map(|file| {
            let rel = relative(file, root);
            let text = std::fs::read_to_string(file).unwrap();
            let doc = front_matter::parse(&rel, &text)
                .unwrap_or_else(|e| panic!("bad rule entry rules/{e}"));
            (rel, doc)
        })
        .collect();
    docs.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    for pair in docs.windows(2) {
        assert!(
            pair[0].1.id != pair[1].1.id,
            "rules/{} and rules/{} both declare {}",
            pair[0].0,
            pair[1].0,
            pair[0].1.id
        );
    }
    let mut code = String::from("pub const CATALOG: &[RuleDoc] = &[\n");
    for (source, d) in &docs {
        let default = d
            .default
            .unwrap_or(d.categories.iter().any(|c| c == "FILE"));
        writeln!(
            code,
            "    RuleDoc {{ id: {:?}, kind: Kind::{}, protocol: Protocol::{}, categories: &{:?}, \
             severity: Severity::{}, aliases: &{:?}, summary: {:?}, default: {default}, \
             supersedes: &{:?}, deprecated_aliases: &{:?}, body: {:?}, source: {:?} }},",
            d.id,
            variant(&d.kind),
            variant(&d.protocol),
            d.categories,
            variant(&d.severity),
            d.aliases,
            d.summary,
            d.supersedes,
            d.deprecated_aliases,
            d.body,
            source,
        )
        .unwrap();
    }
    code.push_str("];\n");
    code
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=build/front_matter.rs");
    println!("cargo:rerun-if-changed=proto-include");
    std::fs::write(out.join("catalog.rs"), catalog(&manifest.join("rules"))).unwrap();
    std::fs::write(
        out.join("bundled_protos.rs"),
        bundled_protos(&manifest.join("proto-include")),
    )
    .unwrap();
}
