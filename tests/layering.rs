//! The shape of the crate: which top-level modules may refer to which.
//!
//! Reads every `.rs` under `src/` and finds, for each top-level module (a file `src/x.rs` or a
//! directory `src/x/`), the other top-level modules it names: `crate::x`, `use crate::{x, ...}`,
//! `super::` chains that climb to the crate root, and the root's re-exports (`crate::Severity`
//! is `finding`). Comments and string literals are not code; `#[cfg(test)]` items (the `mod tests`
//! blocks) are left out, since a test may drive a module through the layers above it.
//!
//! It fails on a forbidden arrow and on any import circle. `cargo test --test layering --
//! --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Arrows that must never exist: (from, [to...]).
const FORBIDDEN: &[(&str, &[&str])] = &[
    // source yields paths, bytes and blob ids; which files are contracts is the loaders' business.
    (
        "source",
        &[
            "proto", "openapi", "tree", "config", "report", "rules", "run", "registry", "cli",
        ],
    ),
    // report renders findings.
    ("report", &["source", "proto", "openapi", "tree", "config"]),
    ("proto", &["openapi", "consistency"]),
    ("openapi", &["proto", "consistency"]),
    ("config", &["proto", "openapi", "consistency"]),
    // The spanned YAML/JSON tree knows nothing of what a file means.
    (
        "tree",
        &[
            "proto", "openapi", "config", "source", "report", "rules", "run",
        ],
    ),
    // Shared leaf types.
    ("span", LEAF_MUST_NOT_SEE),
    ("diag", LEAF_MUST_NOT_SEE),
    ("finding", LEAF_MUST_NOT_SEE),
    ("text", LEAF_MUST_NOT_SEE),
    ("date", LEAF_MUST_NOT_SEE),
    ("url_path", LEAF_MUST_NOT_SEE),
    // The catalog and the rule shape name no protocol: `registry` assembles their rules.
    ("rules", LEAF_MUST_NOT_SEE),
];

const LEAF_MUST_NOT_SEE: &[&str] = &[
    "proto",
    "openapi",
    "consistency",
    "source",
    "config",
    "report",
    "run",
    "tree",
];

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn no_forbidden_arrow_and_no_import_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &src, &mut files);
    let graph = arrows(&files);

    println!("top-level modules -> the top-level modules they refer to:");
    for (from, tos) in &graph {
        let tos: Vec<&str> = tos.iter().map(String::as_str).collect();
        println!("  {from:<8} -> {}", tos.join(", "));
    }

    let mut problems = problems(&graph);
    // A rule about a module that was renamed away would guard nothing.
    let named: BTreeSet<&str> = FORBIDDEN
        .iter()
        .flat_map(|(from, banned)| std::iter::once(*from).chain(banned.iter().copied()))
        .collect();
    for name in named.into_iter().filter(|m| !graph.contains_key(*m)) {
        problems.push(format!("FORBIDDEN names no module of src/: {name}"));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// The checker itself: it must see through `use` groups, `super::` chains and re-exports, skip
/// comments, strings and test modules, and report forbidden arrows and circles.
#[test]
fn the_check_catches_what_it_should() {
    let file = |path: &str, text: &str| (path.to_string(), text.to_string());
    let files = [
        file(
            "lib.rs",
            "pub mod a;\npub use finding::{Finding, Severity};\n",
        ),
        file("finding.rs", "pub struct Finding;"),
        file(
            "source/mod.rs",
            "use crate::{span, openapi::load::is_yaml_or_json};\nfn f() -> crate::Severity {}",
        ),
        file("source/git.rs", "use super::super::report;"),
        file(
            "span.rs",
            "// crate::proto\nconst S: &str = \"crate::run\";",
        ),
        file(
            "openapi/load.rs",
            "#[cfg(test)]\nmod tests { use crate::run; fn f() { let c = '{'; } }\nuse crate::tree;",
        ),
        file(
            "openapi/breaking/x.rs",
            "use super::super::load; use crate::rules;",
        ),
        file("rules.rs", "fn f() { crate::openapi::breaking::rules() }"),
        file("tree/mod.rs", "pub(crate) fn f<'a>(x: &'a str) {}"),
        file("report.rs", ""),
        file("run.rs", ""),
        file("proto/mod.rs", ""),
    ];
    let graph = arrows(&files);
    let to = |from: &str| -> Vec<&str> {
        graph
            .get(from)
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default()
    };
    assert_eq!(to("source"), ["finding", "openapi", "report", "span"]);
    assert_eq!(to("span"), Vec::<&str>::new());
    assert_eq!(to("openapi"), ["rules", "tree"]);
    assert_eq!(to("rules"), ["openapi"]);
    assert_eq!(to("tree"), Vec::<&str>::new());

    let found = problems(&graph);
    let text = found.join("\n");
    assert!(
        text.contains("forbidden arrow: source -> openapi"),
        "{text}"
    );
    assert!(text.contains("forbidden arrow: source -> report"), "{text}");
    assert!(
        text.contains("import circle: openapi -> rules -> openapi"),
        "{text}"
    );
    assert!(text.contains("forbidden arrow: rules -> openapi"), "{text}");
    assert_eq!(found.len(), 4, "{text}");
}

/// `(path relative to src, text)` of every `.rs` file under `dir`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap();
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((rel.join("/"), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// Top-level module -> the other top-level modules it refers to.
fn arrows(files: &[(String, String)]) -> Graph {
    let top_of = |path: &str| -> Option<String> {
        let first = path.split('/').next()?;
        match first {
            // The crate roots: lib.rs declares the modules, main.rs is the binary.
            "lib.rs" | "main.rs" => None,
            _ => Some(first.trim_end_matches(".rs").to_string()),
        }
    };
    let tops: BTreeSet<String> = files.iter().filter_map(|(p, _)| top_of(p)).collect();
    // `pub use finding::{Finding, ...}` in lib.rs: `crate::Finding` is `finding`.
    let mut reexports: BTreeMap<String, String> = BTreeMap::new();
    if let Some((_, lib)) = files.iter().find(|(p, _)| p == "lib.rs") {
        let tokens = tokens(&code_only(lib));
        for (i, t) in tokens.iter().enumerate() {
            let (Some(module), Some(sep)) = (tokens.get(i + 1), tokens.get(i + 2)) else {
                continue;
            };
            let public = i > 0 && tokens[i - 1] == "pub";
            if t == "use" && public && tops.contains(module) && sep == "::" {
                for name in root_names(&tokens, i + 3) {
                    reexports.insert(name, module.clone());
                }
            }
        }
    }

    let mut graph: Graph = tops.iter().map(|t| (t.clone(), BTreeSet::new())).collect();
    for (path, text) in files {
        let Some(from) = top_of(path) else {
            continue;
        };
        // Module depth: `a.rs` and `a/mod.rs` are 1, `a/b.rs` is 2.
        let parts: Vec<&str> = path.split('/').collect();
        let depth = if parts.last() == Some(&"mod.rs") {
            parts.len() - 1
        } else {
            parts.len()
        };
        let tokens = tokens(&code_only(text));
        for (i, t) in tokens.iter().enumerate() {
            let starts_path = i == 0 || tokens[i - 1] != "::";
            let rest = if t == "crate" && starts_path {
                Some(i + 1)
            } else if t == "super" && starts_path {
                // `super::super::x`: how far up does it go?
                let mut j = i;
                let mut up = 0;
                while tokens.get(j).is_some_and(|t| t == "super")
                    && tokens.get(j + 1).is_some_and(|t| t == "::")
                {
                    up += 1;
                    j += 2;
                }
                (up >= depth).then_some(j - 1)
            } else {
                None
            };
            let Some(sep) = rest else {
                continue;
            };
            if tokens.get(sep).is_none_or(|t| t != "::") {
                continue;
            }
            for name in root_names(&tokens, sep + 1) {
                let to = if tops.contains(&name) {
                    Some(name)
                } else {
                    reexports.get(&name).cloned()
                };
                if let Some(to) = to.filter(|to| *to != from) {
                    graph.get_mut(&from).unwrap().insert(to);
                }
            }
        }
    }
    graph
}

/// The first segment(s) of a path after `crate::`: `x` for `x::y`, and `a`, `b` for `{a, b::c}`.
fn root_names(tokens: &[String], at: usize) -> Vec<String> {
    let Some(first) = tokens.get(at) else {
        return Vec::new();
    };
    if first != "{" {
        return vec![first.clone()];
    }
    let mut names = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for t in &tokens[at..] {
        match t.as_str() {
            "{" => {
                depth += 1;
                item_start = depth == 1;
            }
            "}" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            "," if depth == 1 => item_start = true,
            _ => {
                if item_start && depth == 1 {
                    names.push(t.clone());
                }
                item_start = false;
            }
        }
    }
    names
}

/// Identifiers, `::` and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".to_string());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// The text with comments and string and character literals blanked out, and `#[cfg(test)]`
/// items removed.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && (i == 0
                || !ident(chars[i - 1])
                || (chars[i - 1] == 'b' && (i < 2 || !ident(chars[i - 2]))))
            && matches!(next, Some('"') | Some('#'))
            && {
                let mut j = i + 1;
                while chars.get(j) == Some(&'#') {
                    j += 1;
                }
                chars.get(j) == Some(&'"')
            }
        {
            // Raw string: r#"..."#, ended by a quote and as many hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{1F600}'); a lifetime has no closing quote.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    without_test_items(&out)
}

/// Removes each `#[cfg(test)]` item: up to its `;`, or through its `{ ... }` block.
fn without_test_items(code: &str) -> String {
    const ATTR: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find(ATTR) {
        out.push_str(&rest[..at]);
        let item = &rest[at + ATTR.len()..];
        let end = match item.find([';', '{']) {
            Some(i) if item.as_bytes()[i] == b';' => i + 1,
            Some(open) => {
                let mut depth = 0;
                let mut end = item.len();
                for (i, b) in item.bytes().enumerate().skip(open) {
                    match b {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            None => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Forbidden arrows and import circles.
fn problems(graph: &Graph) -> Vec<String> {
    let mut found = Vec::new();
    for (from, banned) in FORBIDDEN {
        for to in graph.get(*from).into_iter().flatten() {
            if banned.contains(&to.as_str()) {
                found.push(format!("forbidden arrow: {from} -> {to}"));
            }
        }
    }
    for (circle, group) in circles(graph) {
        let mut line = format!("import circle: {}", circle.join(" -> "));
        if group.len() + 1 > circle.len() {
            let group: Vec<&str> = group.iter().map(String::as_str).collect();
            line.push_str(&format!(" (all of {} reach each other)", group.join(", ")));
        }
        found.push(line);
    }
    found
}

/// One circle per group of modules that reach each other, as `a -> b -> a`, with the group.
fn circles(graph: &Graph) -> Vec<(Vec<String>, BTreeSet<String>)> {
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            for to in graph.get(&m).into_iter().flatten() {
                if seen.insert(to.clone()) {
                    stack.push(to.clone());
                }
            }
        }
        seen
    };
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for start in graph.keys() {
        if done.contains(start) || !reach(start).contains(start) {
            continue;
        }
        // The shortest way back to `start`, breadth first.
        let mut prev: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut last = None;
        'search: while let Some(m) = queue.pop_front() {
            for to in graph.get(&m).into_iter().flatten() {
                if to == start {
                    last = Some(m.clone());
                    break 'search;
                }
                if !prev.contains_key(to) {
                    prev.insert(to.clone(), m.clone());
                    queue.push_back(to.clone());
                }
            }
        }
        let mut back = Vec::new();
        let mut at = last.expect("start reaches itself");
        while at != *start {
            back.push(at.clone());
            at = prev[&at].clone();
        }
        let mut path = vec![start.clone()];
        path.extend(back.into_iter().rev());
        path.push(start.clone());
        // Every module in this circle's group is reported through this one circle.
        let group: BTreeSet<String> = reach(start)
            .into_iter()
            .filter(|m| reach(m).contains(start))
            .collect();
        done.extend(group.iter().cloned());
        out.push((path, group));
    }
    out
}
