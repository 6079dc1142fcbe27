//! Every rule has code, a `rules/` entry and a fixture (`old/` and `new/` for a breaking rule,
//! one `tree/` for a lint rule) whose `expected.txt` holds a finding of that rule; every
//! fixture's findings match its `expected.txt` (a breaking fixture's from all breaking rules at
//! once, a lint fixture's from the default lint rules plus its own); every breaking fixture
//! compared with itself is clean.
//!
//! `UPDATE_EXPECT=1 cargo test --test rules_fixtures` rewrites the expected files: review
//! the diff before committing it.
//!
//! # The format of `expected.txt`
//!
//! The fixtures' own format, rendered by this file: none of the user-facing formats, which may
//! change without rewriting every fixture. One line per finding, in the report's order, six
//! fields separated by ` | `:
//!
//! ```text
//! RULE | SEVERITY | REVISION FILE:LINE:COLUMN-END_LINE:END_COLUMN | old FILE:LINE:COLUMN | OPERATION | MESSAGE
//! ```
//!
//! - `RULE` is the treaty id, `SEVERITY` `error`, `warning` or `info`;
//! - then where the finding is: `new` or `old` (which tree of the fixture), the file relative
//!   to it, and the range the finding covers (the end is exclusive);
//! - then where the element was in the old tree (`old FILE:LINE:COLUMN`), or `-`;
//! - then the OpenAPI operation (`GET /pets/{id}`), or `-`;
//! - last the message, verbatim (a line break in it would be written `\n`).
//!
//! For example:
//!
//! ```text
//! openapi/response-property-deprecated-with-sunset | info | new openapi.yaml:19:51-19:55 | old openapi.yaml:19:24 | GET /v1/pets/{id} | the response property 'tag' was deprecated with the sunset date '2031-01-01'
//! ```
//!
//! A fixture that expects no finding holds the one line `no findings`. A comparison that fails
//! holds `error: ` and the error's text.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use treaty::report::Report;
use treaty::rules::{self, Kind, Selection};
use treaty::source::{self, SourceSpec};
use treaty::Revision;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn snapshot(dir: &Path) -> source::Snapshot {
    source::load(&SourceSpec::Path(dir.to_path_buf()), dir, &|_: &str| true)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// The day every fixture is compared on: sunset dates in fixtures lie well before it
/// (2020-01-31 and earlier) or well after it (2031-01-01 and later), so each fixture's findings
/// do not depend on the day the tests run.
const FIXTURE_TODAY: &str = "2026-01-01";

/// Fix the clock (`TREATY_TODAY`, which treaty reads once per process) before any test runs a
/// comparison: every test gets its options here first.
fn fixed_clock() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_var(treaty::date::TODAY_VAR, FIXTURE_TODAY));
    assert_eq!(
        treaty::date::today().map(|d| d.to_string()),
        Ok(FIXTURE_TODAY.to_string()),
        "the clock was read before the fixtures fixed it"
    );
}

fn all_rules() -> treaty::run::Options {
    fixed_clock();
    let all = treaty::run::Policy {
        selection: Selection {
            only: vec!["all".into()],
            ..Selection::default()
        },
        ..treaty::run::Policy::default()
    };
    treaty::run::Options {
        policy: all.clone(),
        lint_policy: all,
        ..treaty::run::Options::default()
    }
}

/// A lint fixture is linted as a user would see it, with treaty's default lint selection, plus
/// its own rule (which may be off by default): an opt-in rule's findings stay in its fixture.
fn default_lint_and(dir: &Path) -> treaty::run::Options {
    fixed_clock();
    let own = dir
        .strip_prefix(fixtures_root())
        .expect("a fixture directory")
        .to_string_lossy()
        .replace('\\', "/");
    let selected: Vec<String> = rules::catalog()
        .iter()
        .filter(|d| d.kind == Kind::Lint && (d.default || d.id == own))
        .map(|d| d.id.to_string())
        .collect();
    let policy = treaty::run::Policy {
        selection: Selection {
            only: selected,
            ..Selection::default()
        },
        ..treaty::run::Policy::default()
    };
    treaty::run::Options {
        lint_policy: policy,
        ..treaty::run::Options::default()
    }
}

/// A report in the format of `expected.txt` (see the top of this file).
fn render(report: &Report) -> String {
    if report.findings.is_empty() {
        return "no findings\n".into();
    }
    let mut out = String::new();
    for f in &report.findings {
        let l = &f.location;
        let revision = match f.revision {
            Revision::New => "new",
            Revision::Old => "old",
        };
        let related = f.related.as_ref().map_or("-".into(), |r| {
            format!("old {}:{}:{}", r.file, r.line, r.column)
        });
        let _ = writeln!(
            out,
            "{} | {} | {revision} {}:{}:{}-{}:{} | {related} | {} | {}",
            f.rule,
            f.severity.as_str(),
            l.file,
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            f.operation.as_deref().unwrap_or("-"),
            f.message.replace('\n', "\\n"),
        );
    }
    out
}

/// Breaking-change fixture directories (holding `old/` and `new/`) and lint fixture
/// directories (holding one `tree/`).
fn fixture_dirs_of(lint: bool) -> Vec<PathBuf> {
    fn walk(dir: &Path, lint: bool, out: &mut Vec<PathBuf>) {
        let breaking = dir.join("old").is_dir() && dir.join("new").is_dir();
        if breaking || dir.join("tree").is_dir() {
            if breaking != lint {
                out.push(dir.to_path_buf());
            }
            return;
        }
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.path().is_dir() {
                    walk(&e.path(), lint, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixtures_root(), lint, &mut out);
    out.sort();
    out
}

fn fixture_dirs() -> Vec<PathBuf> {
    fixture_dirs_of(false)
}

#[test]
fn every_rule_has_code_doc_and_fixture() {
    let documented: BTreeSet<&str> = rules::catalog().iter().map(|d| d.id).collect();
    let registered: Vec<&str> = treaty::registry::implemented()
        .map(|id| id.as_str())
        .collect();
    let implemented: BTreeSet<&str> = registered.iter().copied().collect();
    assert_eq!(
        registered.len(),
        implemented.len(),
        "a rule is registered twice"
    );
    let undocumented: Vec<_> = implemented.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "rules without a rules/ entry: {undocumented:?}"
    );
    let unimplemented: Vec<_> = documented.difference(&implemented).collect();
    assert!(
        unimplemented.is_empty(),
        "rules/ entries without code: {unimplemented:?}"
    );
    let mut missing = Vec::new();
    for doc in rules::catalog() {
        let dir = fixtures_root().join(doc.id);
        let trees = match doc.kind {
            Kind::Breaking => dir.join("old").is_dir() && dir.join("new").is_dir(),
            Kind::Lint => dir.join("tree").is_dir(),
        };
        if !trees || !dir.join("expected.txt").is_file() {
            missing.push(doc.id);
        }
    }
    let own_finding = |id: &str| {
        let expected = std::fs::read_to_string(fixtures_root().join(id).join("expected.txt"));
        expected.is_ok_and(|text| text.lines().any(|l| l.starts_with(&format!("{id} | "))))
    };
    let silent: Vec<&str> = rules::catalog()
        .iter()
        .map(|d| d.id)
        .filter(|id| !missing.contains(id) && !own_finding(id))
        .collect();
    assert!(
        silent.is_empty(),
        "fixtures whose expected.txt holds no finding of their own rule: {silent:?}"
    );
    assert!(
        missing.is_empty(),
        "rules without fixtures/<id>/{{old,new,expected.txt}} (lint: {{tree,expected.txt}}): \
         {missing:?}"
    );
    for doc in rules::catalog() {
        assert!(!doc.summary.is_empty(), "{}: empty summary", doc.id);
        for section in ["## Why", "## Bad", "## Good"] {
            assert!(
                doc.body.contains(section),
                "{}: missing {section:?}",
                doc.id
            );
        }
    }
}

#[test]
fn every_fixture_matches_its_expected_output() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for dir in fixture_dirs() {
        let old = snapshot(&dir.join("old"));
        let new = snapshot(&dir.join("new"));
        let actual = match treaty::run::breaking(&old, &new, &all_rules()) {
            Ok(report) => render(&report),
            Err(e) => format!("error: {e}\n"),
        };
        // The CLI's path reads only changed files when few changed: it must agree.
        let listed = treaty::run::breaking_listings(
            &source::Listing::loaded(snapshot(&dir.join("old"))),
            &source::Listing::loaded(snapshot(&dir.join("new"))),
            &all_rules(),
        );
        let listed = match listed {
            Ok(report) => render(&report),
            Err(e) => format!("error: {e}\n"),
        };
        if listed != actual {
            failures.push(format!(
                "{}: incremental comparison differs:\n--- full\n{actual}--- incremental\n{listed}",
                dir.display()
            ));
        }
        failures.extend(compare_expected(&dir, &actual, update));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `actual` against the fixture's `expected.txt` (or written to it with `UPDATE_EXPECT`): the
/// failure to report, if any.
fn compare_expected(dir: &Path, actual: &str, update: bool) -> Option<String> {
    let expected_path = dir.join("expected.txt");
    if update {
        std::fs::write(&expected_path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{}:\n--- expected\n{expected}--- actual\n{actual}",
            dir.display()
        )
    })
}

/// A lint fixture's `tree/`, linted with every lint rule at once, gives its `expected.txt`.
#[test]
fn every_lint_fixture_matches_its_expected_output() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for dir in fixture_dirs_of(true) {
        let options = default_lint_and(&dir);
        let actual = match treaty::run::lint(&snapshot(&dir.join("tree")), &options) {
            Ok(report) => render(&report),
            Err(e) => format!("error: {e}\n"),
        };
        failures.extend(compare_expected(&dir, &actual, update));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_compared_with_itself_finds_nothing() {
    for dir in fixture_dirs() {
        for side in ["old", "new"] {
            let snap = snapshot(&dir.join(side));
            let report = treaty::run::breaking(&snap, &snapshot(&dir.join(side)), &all_rules())
                .unwrap_or_else(|e| panic!("{}/{side}: {e}", dir.display()));
            assert!(
                report.findings.is_empty(),
                "{}/{side} against itself:\n{}",
                dir.display(),
                render(&report)
            );
        }
    }
}

#[test]
fn selection_by_category_matches_buf() {
    let file = Selection {
        uses: vec!["FILE".into()],
        ..Selection::default()
    }
    .resolve(Kind::Breaking);
    assert!(file.contains(&rules::RuleId::of("proto/file-no-delete")));
}

/// A spec as one line of JSON, the way APIs.guru ships them.
fn one_line_json(path: &str, text: &str) -> Option<String> {
    fn json(node: &treaty::tree::Node) -> serde_json::Value {
        use serde_json::Value as J;
        use treaty::tree::Value as V;
        match &node.value {
            V::Null => J::Null,
            V::Bool(b) => J::Bool(*b),
            V::Int(i) => J::from(*i),
            V::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            V::Str(s) => J::String(s.to_string()),
            V::Seq(items) => J::Array(items.iter().map(json).collect()),
            V::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| match &k.value {
                        V::Str(s) => (s.to_string(), json(v)),
                        other => (format!("{other:?}"), json(v)),
                    })
                    .collect(),
            ),
        }
    }
    let node = treaty::tree::parse(path, text).ok()?;
    Some(json(&node).to_string())
}

/// Copy `from` to `to`, every YAML or JSON file rewritten as one line of JSON (same name: JSON
/// is YAML, and `$ref`s name the files).
fn copy_as_one_line(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a temporary directory");
    for e in std::fs::read_dir(from).expect("a fixture side").flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_as_one_line(&src, &dst);
            continue;
        }
        let text = std::fs::read_to_string(&src).unwrap_or_default();
        let name = src.to_string_lossy();
        let flat = [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| name.ends_with(ext))
            .then(|| one_line_json(&name, &text))
            .flatten();
        match flat {
            Some(line) => std::fs::write(&dst, line),
            None => std::fs::copy(&src, &dst).map(|_| ()),
        }
        .expect("a copied file");
    }
}

/// Supersession is about elements, never lines: an OpenAPI fixture written as one-line JSON
/// keeps, in treaty's default selection (where supersession applies), the same findings
/// (rule, operation, message) as its pretty original.
#[test]
fn one_line_json_specs_keep_every_finding() {
    fixed_clock();
    let findings = |old: &Path, new: &Path| {
        let report = treaty::run::breaking(
            &snapshot(old),
            &snapshot(new),
            &treaty::run::Options::default(),
        )
        .map_err(|e| e.to_string());
        let mut out: Vec<String> = match report {
            Ok(r) => r
                .findings
                .iter()
                .map(|f| format!("{} | {:?} | {}", f.rule, f.operation, f.message))
                .collect(),
            Err(e) => vec![format!("error: {e}")],
        };
        out.sort();
        out
    };
    let mut failures = Vec::new();
    let mut compared = 0;
    for dir in fixture_dirs() {
        if !dir.starts_with(fixtures_root().join("openapi")) {
            continue;
        }
        let tmp = tempfile::tempdir().expect("a temporary directory");
        for side in ["old", "new"] {
            copy_as_one_line(&dir.join(side), &tmp.path().join(side));
        }
        let pretty = findings(&dir.join("old"), &dir.join("new"));
        let flat = findings(&tmp.path().join("old"), &tmp.path().join("new"));
        compared += 1;
        if pretty != flat {
            failures.push(format!(
                "{}:\n--- pretty\n{}\n--- one line\n{}",
                dir.display(),
                pretty.join("\n"),
                flat.join("\n")
            ));
        }
    }
    assert!(compared > 100, "only {compared} OpenAPI fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
