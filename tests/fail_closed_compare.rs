//! A comparison that reaches one of the schema walk's bounds (a `$ref` chain, the nesting depth,
//! the pairs per site) fails the run with `openapi/comparison-incomplete` instead of passing as
//! "no change"; below the bounds everything is compared; recursion is not incompleteness; and no
//! selection, ignore, suppression or severity setting drops the finding.

mod common;
use common::{treaty, write};

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

const INCOMPLETE: &str = "openapi/comparison-incomplete";
/// Kept in step with `refs::MAX_CHAIN` and `schema::MAX_DEPTH`, `MAX_PAIRS_PER_ROOT`.
const MAX_CHAIN: usize = 64;
const MAX_DEPTH: usize = 512;

/// `treaty diff old new --format json` plus `extra`: the exit code and the findings.
fn diff(dir: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["diff", "old", "new", "--format", "json"];
    args.extend_from_slice(extra);
    let out = treaty(dir, &args);
    let code = out.status.code().expect("an exit code");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "exit {code}, not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    (code, findings)
}

fn of_rule<'f>(findings: &'f [Value], rule: &str) -> Vec<&'f Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

/// A spec whose `GET /pets` answers `#/components/schemas/S0`, with `schemas` (YAML lines at
/// the indentation of a component) as its components.
fn spec(schemas: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/S0'}}
components:
  schemas:
{schemas}"
    )
}

/// `S0` -> `S1` -> ... -> `S{hops}`, each only a `$ref` to the next, `S{hops}` of type `leaf`.
fn ref_chain(hops: usize, leaf: &str) -> String {
    let mut s = String::new();
    for i in 0..hops {
        s.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
            i + 1
        ));
    }
    s.push_str(&format!("    S{hops}: {{type: {leaf}}}\n"));
    spec(&s)
}

/// `S0.next` is `S1`, `S1.next` is `S2`, ... : a property path `levels` deep through
/// references, the last property of type `leaf`.
fn nested_refs(levels: usize, leaf: &str) -> String {
    let mut s = String::new();
    for i in 0..levels {
        s.push_str(&format!(
            "    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
            i + 1
        ));
    }
    s.push_str(&format!("    S{levels}: {{type: {leaf}}}\n"));
    spec(&s)
}

/// `S0` with properties nested inline `levels` deep, the innermost of type `leaf`.
fn nested_inline(levels: usize, leaf: &str) -> String {
    let mut schema = format!("{{type: {leaf}}}");
    for _ in 0..levels {
        schema = format!("{{type: object, properties: {{next: {schema}}}}}");
    }
    spec(&format!("    S0: {schema}\n"))
}

/// The line (1-based) of `S{i}:` among the components.
fn line_of_component(text: &str, i: usize) -> u64 {
    let key = format!("    S{i}:");
    let at = text.lines().position(|l| l.starts_with(&key)).unwrap();
    at as u64 + 1
}

fn pair(old: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old/openapi.yaml", old);
    write(dir.path(), "new/openapi.yaml", new);
    dir
}

/// The one comparison-incomplete finding: an error in the new spec at `line`, naming `why`.
fn assert_incomplete(findings: &[Value], line: u64, why: &str) {
    let found = of_rule(findings, INCOMPLETE);
    assert_eq!(found.len(), 1, "{findings:#?}");
    let f = found[0];
    assert_eq!(f["severity"], "error", "{f:#}");
    assert_eq!(f["file"], "openapi.yaml", "{f:#}");
    assert_eq!(f["revision"], "new", "{f:#}");
    assert_eq!(f["line"], line, "{f:#}");
    assert_eq!(f["operation"], "GET /pets", "{f:#}");
    let message = f["message"].as_str().unwrap();
    assert!(message.contains(why), "{message}");
    assert!(
        message.contains("responses/200/application/json"),
        "names the schema compared: {message}"
    );
}

#[test]
fn a_ref_chain_of_33_is_followed_to_its_leaf() {
    let dir = pair(&ref_chain(33, "integer"), &ref_chain(33, "string"));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1, "{findings:#?}");
    assert_eq!(
        of_rule(&findings, "openapi/response-body-type-changed").len(),
        1,
        "{findings:#?}"
    );
    assert!(of_rule(&findings, INCOMPLETE).is_empty(), "{findings:#?}");
}

#[test]
fn a_ref_chain_longer_than_the_limit_is_incomplete() {
    // The response's own `$ref` is the first hop: S0 .. S{MAX_CHAIN} make one more.
    let new = ref_chain(MAX_CHAIN, "string");
    let dir = pair(&ref_chain(MAX_CHAIN, "integer"), &new);
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1, "{findings:#?}");
    // Where following stopped: the last reference reached.
    let line = line_of_component(&new, MAX_CHAIN - 1);
    assert_incomplete(
        &findings,
        line,
        &format!("$ref chain longer than {MAX_CHAIN}"),
    );
    assert_eq!(
        findings.len(),
        1,
        "the leaf's change is beyond the stop, and nothing is invented: {findings:#?}"
    );
}

#[test]
fn a_2000_hop_chain_is_incomplete_and_quick() {
    let (old, new) = (ref_chain(2000, "integer"), ref_chain(2000, "string"));
    let dir = pair(&old, &new);
    let start = Instant::now();
    let (code, findings) = diff(dir.path(), &[]);
    let took = start.elapsed();
    assert_eq!(code, 1, "{findings:#?}");
    assert_incomplete(
        &findings,
        line_of_component(&new, MAX_CHAIN - 1),
        "$ref chain",
    );
    // Debug builds on a shared machine: well under this in release.
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[test]
fn nesting_below_the_limit_is_compared_and_deeper_is_incomplete() {
    // Deeper than the old bound of 128, through references.
    let dir = pair(&nested_refs(200, "integer"), &nested_refs(200, "string"));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1, "{findings:#?}");
    let typed = of_rule(&findings, "openapi/response-property-type-changed");
    assert_eq!(typed.len(), 1, "{findings:#?}");
    assert!(of_rule(&findings, INCOMPLETE).is_empty(), "{findings:#?}");

    let levels = 2000;
    let new = nested_refs(levels, "string");
    let dir = pair(&nested_refs(levels, "integer"), &new);
    let start = Instant::now();
    let (code, findings) = diff(dir.path(), &[]);
    let took = start.elapsed();
    assert_eq!(code, 1, "{findings:#?}");
    // S0 is compared at depth 0, so S{MAX_DEPTH} is the first schema left out.
    assert_incomplete(
        &findings,
        line_of_component(&new, MAX_DEPTH),
        &format!("nesting deeper than {MAX_DEPTH}"),
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[test]
fn inline_nesting_is_compared_to_the_depth_the_parser_accepts() {
    // 120 inline levels (two tree levels each) is about as deep as the YAML reader's own cap
    // lets a document go; beyond it the spec is an input error (exit 2), never a silent pass.
    let dir = pair(
        &nested_inline(120, "integer"),
        &nested_inline(120, "string"),
    );
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1, "{findings:#?}");
    let typed = of_rule(&findings, "openapi/response-property-type-changed");
    assert_eq!(typed.len(), 1, "{findings:#?}");
    assert!(of_rule(&findings, INCOMPLETE).is_empty(), "{findings:#?}");

    let dir = pair(
        &nested_inline(400, "integer"),
        &nested_inline(400, "string"),
    );
    let out = treaty(dir.path(), &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// `S0: oneOf` of 32 schemas, each a `oneOf` of 32 strings of distinct `maxLength`s (from
/// `base`): no branch matches one on the other side, so matching them compares every old
/// branch with every new one, 32 x 32 at the first level and again under each such pair.
fn many_pairs(base: usize) -> String {
    let mut s = String::from("    S0:\n      oneOf:\n");
    for i in 0..32 {
        s.push_str("        - oneOf:\n");
        for j in 0..32 {
            s.push_str(&format!(
                "            - {{type: string, maxLength: {}}}\n",
                base + i * 32 + j
            ));
        }
    }
    spec(&s)
}

#[test]
fn more_pairs_than_the_budget_is_incomplete() {
    // A second operation reaches the same schema under `items`: it stopped there too, and
    // says so without walking it again.
    let second = |text: String| {
        text.replace(
            "components:\n",
            "  /herds:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/S0'}}
components:\n",
        )
    };
    let new = second(many_pairs(5000));
    let dir = pair(&second(many_pairs(1000)), &new);
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1, "{findings:#?}");
    let found = of_rule(&findings, INCOMPLETE);
    assert_eq!(found.len(), 2, "{findings:#?}");
    let operations: Vec<&Value> = found.iter().map(|f| &f["operation"]).collect();
    assert_eq!(operations, ["GET /herds", "GET /pets"]);
    for f in found {
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains("more than 200000 schema pairs"),
            "{message}"
        );
        assert_eq!(f["severity"], "error");
        assert_eq!(f["file"], "openapi.yaml");
        assert!(f["line"].as_u64().unwrap() > line_of_component(&new, 0));
    }
}

#[test]
fn recursive_schemas_are_not_incomplete() {
    // A tree node whose children are nodes, two schemas referencing each other and a `$ref`
    // to itself, with a change inside the recursion: reported once, nothing incomplete.
    let schemas = |leaf: &str| {
        spec(&format!(
            "    S0:
      type: object
      properties:
        name: {{type: {leaf}}}
        children: {{type: array, items: {{$ref: '#/components/schemas/S0'}}}}
        owner: {{$ref: '#/components/schemas/Owner'}}
        nothing: {{$ref: '#/components/schemas/Loop'}}
    Owner:
      type: object
      properties:
        pets: {{type: array, items: {{$ref: '#/components/schemas/S0'}}}}
    Loop: {{$ref: '#/components/schemas/Loop'}}
"
        ))
    };
    let dir = pair(&schemas("integer"), &schemas("string"));
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1, "{findings:#?}");
    assert!(of_rule(&findings, INCOMPLETE).is_empty(), "{findings:#?}");
    assert_eq!(
        of_rule(&findings, "openapi/response-property-type-changed").len(),
        1,
        "{findings:#?}"
    );
    // And compared with itself: nothing at all.
    let dir = pair(&schemas("integer"), &schemas("integer"));
    write(
        dir.path(),
        "new/extra.txt",
        "a new blob so the spec is compared\n",
    );
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
}

/// A chain past the limit, with `x-treaty-ignore` for the rule on the operation, on the
/// response schema and on the component where the comparison stops (which would silence a
/// finding there of any other rule).
fn suppressed_pair() -> tempfile::TempDir {
    let stop = format!("    S{}: {{", MAX_CHAIN - 1);
    let with_ignores = |text: String| {
        text.replace(
            "    get:\n",
            "    get:\n      x-treaty-ignore: {openapi/comparison-incomplete: trust me}\n",
        )
        .replace(
            "              schema: {$ref: '#/components/schemas/S0'}",
            "              schema:\n                $ref: '#/components/schemas/S0'\n                x-treaty-ignore: {openapi/comparison-incomplete: trust me}",
        )
        .replace(
            &stop,
            &format!("{stop}x-treaty-ignore: {{openapi/comparison-incomplete: trust me}}, "),
        )
    };
    pair(
        &with_ignores(ref_chain(MAX_CHAIN, "integer")),
        &with_ignores(ref_chain(MAX_CHAIN, "string")),
    )
}

fn assert_fails_incomplete(dir: &Path, extra: &[&str]) {
    let (code, findings) = diff(dir, extra);
    assert_eq!(code, 1, "{extra:?}: {findings:#?}");
    let found = of_rule(&findings, INCOMPLETE);
    assert_eq!(found.len(), 1, "{extra:?}: {findings:#?}");
    assert_eq!(found[0]["severity"], "error", "{extra:?}");
}

#[test]
fn no_selection_drops_it() {
    let dir = suppressed_pair();
    let d = dir.path();
    for extra in [
        &["--only", "buf:FIELD_SAME_TYPE"][..],
        &["--only", "openapi/response-body-type-changed"],
        &["--skip", INCOMPLETE],
        &["--skip", "COMPLETENESS"],
        &["--fail-on", "warning"],
        &["--fail-on", "error"],
        &["--fail-on", "info", "--hide-info"],
    ] {
        assert_fails_incomplete(d, extra);
    }
}

#[test]
/// (A file ignored as a whole, `[breaking] ignore = ["openapi.yaml"]`, is not read at all: that
/// is the user leaving it out by name, not a comparison that stopped.)
fn no_configuration_drops_it() {
    let dir = suppressed_pair();
    let d = dir.path();
    for toml in [
        "[breaking]\nuse = [\"buf:FIELD_SAME_TYPE\"]\n",
        "[breaking]\nexcept = [\"openapi/comparison-incomplete\"]\n",
        "[breaking.ignore_only]\n\"openapi/comparison-incomplete\" = [\"openapi.yaml\"]\n",
        "[severity]\n\"openapi/comparison-incomplete\" = \"off\"\n",
        "[severity]\n\"openapi/comparison-incomplete\" = \"info\"\n",
        "[[overrides]]\npaths = [\"**\"]\nexcept = [\"openapi/comparison-incomplete\"]\n",
    ] {
        write(d, "new/treaty.toml", toml);
        assert_fails_incomplete(d, &[]);
        assert_fails_incomplete(d, &["--fail-on", "warning"]);
    }
    // buf.yaml's own selection and ignores.
    std::fs::remove_file(d.join("new/treaty.toml")).unwrap();
    write(
        d,
        "new/buf.yaml",
        "version: v2\nbreaking:\n  use: [FIELD_SAME_TYPE]\n  except: [FILE]\n",
    );
    assert_fails_incomplete(d, &[]);
}

#[test]
fn the_extensions_alone_do_not_silence_it() {
    // x-treaty-ignore on the operation and the schema are honoured for other rules, not this.
    let dir = suppressed_pair();
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], INCOMPLETE);
}

#[test]
fn a_response_behind_a_chain_longer_than_the_limit_is_incomplete() {
    // The response object itself, not its schema, is at the end of the chain.
    let spec = |leaf: &str| {
        let mut s = String::from(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200': {$ref: '#/components/responses/R0'}
components:
  responses:
",
        );
        for i in 0..MAX_CHAIN {
            s.push_str(&format!(
                "    R{i}: {{$ref: '#/components/responses/R{}'}}\n",
                i + 1
            ));
        }
        s.push_str(&format!(
            "    R{MAX_CHAIN}:\n      description: ok\n      content:\n        application/json:\n          schema: {{type: {leaf}}}\n"
        ));
        s
    };
    let new = spec("string");
    let dir = pair(&spec("integer"), &new);
    let (code, findings) = diff(dir.path(), &[]);
    assert_eq!(code, 1, "{findings:#?}");
    let found = of_rule(&findings, INCOMPLETE);
    assert_eq!(found.len(), 1, "{findings:#?}");
    let f = found[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["operation"], "GET /pets");
    let stop = new
        .lines()
        .position(|l| l.starts_with(&format!("    R{}:", MAX_CHAIN - 1)))
        .unwrap() as u64
        + 1;
    assert_eq!(f["line"], stop, "{f:#}");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.starts_with("responses/200 was not compared"),
        "{message}"
    );
}
