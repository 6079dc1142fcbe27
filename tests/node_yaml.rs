//! YAML loading: core-schema scalars, positions, anchors, limits and errors.

use treaty::tree::{parse, parse_with, Limits, Node, Value};

fn yaml(text: &str) -> Node {
    parse("t.yaml", text).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    match parse("t.yaml", text) {
        Ok(_) => panic!("expected an error for {:?}", &text[..text.len().min(80)]),
        Err(e) => e.to_string(),
    }
}

#[test]
fn core_schema_scalars() {
    let doc = yaml(
        "a: on\nb: yes\nc: off\nd: y\ne: No\nf: true\ng: True\nh: TRUE\ni: false\n\
         j: null\nk: ~\nl:\nm: 12\nn: 0o14\no: 0x1F\np: 014\nq: 1.0\nr: -3\ns: 1_000\n\
         t: .inf\nu: 2024-01-01\nv: '12'\nw: \"true\"\nx: 1e3\ny: +7\nz: -.5\n",
    );
    let v = |k: &str| doc.get(k).unwrap().value.clone();
    for k in ["a", "b", "c", "d", "e", "s", "u"] {
        assert!(matches!(v(k), Value::Str(_)), "{k}: {:?}", v(k));
    }
    assert_eq!(v("f"), Value::Bool(true));
    assert_eq!(v("g"), Value::Bool(true));
    assert_eq!(v("h"), Value::Bool(true));
    assert_eq!(v("i"), Value::Bool(false));
    assert_eq!(v("j"), Value::Null);
    assert_eq!(v("k"), Value::Null);
    assert_eq!(v("l"), Value::Null);
    assert_eq!(v("m"), Value::Int(12));
    assert_eq!(v("n"), Value::Int(12));
    assert_eq!(v("o"), Value::Int(31));
    assert_eq!(v("p"), Value::Int(14));
    assert_eq!(v("q"), Value::Float(1.0));
    assert_eq!(v("r"), Value::Int(-3));
    assert_eq!(v("t"), Value::Float(f64::INFINITY));
    assert_eq!(v("v"), Value::Str("12".into()));
    assert_eq!(v("w"), Value::Str("true".into()));
    assert_eq!(v("x"), Value::Float(1000.0));
    assert_eq!(v("y"), Value::Int(7));
    assert_eq!(v("z"), Value::Float(-0.5));
}

#[test]
fn version_numbers_keep_their_text() {
    let text = "openapi: 3.0\ninfo:\n  version: 1.10\n  other: &v 2.50\n  again: *v\n  n: 0x1F\n";
    let doc = yaml(text);
    assert_eq!(doc.get("openapi").unwrap().value, Value::Float(3.0));
    assert_eq!(
        doc.get("openapi").unwrap().scalar_text(text).unwrap(),
        "3.0"
    );
    let info = doc.get("info").unwrap();
    assert_eq!(
        info.get("version").unwrap().scalar_text(text).unwrap(),
        "1.10"
    );
    // The anchor is not part of the value's text, and an alias reads like its anchor.
    assert_eq!(
        info.get("other").unwrap().scalar_text(text).unwrap(),
        "2.50"
    );
    assert_eq!(
        info.get("again").unwrap().scalar_text(text).unwrap(),
        "2.50"
    );
    assert_eq!(info.get("n").unwrap().scalar_text(text).unwrap(), "0x1F");
    assert!(info.scalar_text(text).is_none());
}

#[test]
fn tags() {
    let doc =
        yaml("a: !!str 12\nb: ! 12\nc: !Ref foo\nd: !!int \"7\"\ne: !!float 1\nf: !Custom 5\n");
    assert_eq!(doc.get("a").unwrap().as_str(), Some("12"));
    assert_eq!(doc.get("b").unwrap().as_str(), Some("12"));
    assert_eq!(doc.get("c").unwrap().as_str(), Some("foo"));
    assert_eq!(doc.get("d").unwrap().value, Value::Int(7));
    assert_eq!(doc.get("e").unwrap().value, Value::Float(1.0));
    assert_eq!(doc.get("f").unwrap().value, Value::Int(5));
    assert!(err("a: !!int abc\n").contains("invalid !!int value \"abc\""));
}

#[test]
fn positions_of_keys_and_values() {
    let text = "openapi: 3.1.0\ninfo:\n  title: \"x y\"\n  list:\n    - a\n    - {b: 1}\né: ü\n";
    let doc = yaml(text);
    let (k, v) = doc.get_entry("openapi").unwrap();
    assert_eq!((k.line, k.col, v.line, v.col), (1, 1, 1, 10));
    assert_eq!(v.source(text), "3.1.0");
    let info = doc.get("info").unwrap();
    // A block mapping starts at its first key.
    assert_eq!((info.line, info.col), (3, 3));
    let title = info.get("title").unwrap();
    assert_eq!((title.line, title.col), (3, 10));
    assert_eq!(title.source(text), "\"x y\"");
    let list = info.get("list").unwrap();
    assert_eq!((list.line, list.col), (5, 5));
    let flow = &list.as_seq().unwrap()[1];
    assert_eq!((flow.line, flow.col), (6, 7));
    assert_eq!(flow.source(text), "{b: 1}");
    // Columns count characters, spans count bytes.
    let (k, v) = doc.get_entry("é").unwrap();
    assert_eq!((k.line, k.col, v.line, v.col), (7, 1, 7, 4));
    assert_eq!(v.source(text), "ü");
}

#[test]
fn anchored_collections_start_at_content() {
    let text = "a: &x\n  k: v\nb: *x\nc: &y [1, 2]\nd: *y\n";
    let doc = yaml(text);
    let a = doc.get("a").unwrap();
    assert_eq!((a.line, a.col), (2, 3));
    assert_eq!(doc.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
    let c = doc.get("c").unwrap();
    assert_eq!((c.line, c.col), (4, 7));
    assert_eq!(c.source(text), "[1, 2]");
    assert_eq!(doc.get("d").unwrap().as_seq().unwrap().len(), 2);
}

#[test]
fn non_string_keys_are_their_text() {
    let doc = yaml("responses:\n  200: ok\n  default: x\n  true: t\n  1.50: f\n  ~: n\n");
    let keys: Vec<&str> = doc
        .get("responses")
        .unwrap()
        .entries()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["200", "default", "true", "1.50", "~"]);
}

#[test]
fn merge_key_is_an_ordinary_key() {
    let doc = yaml("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n");
    let derived = doc.get("derived").unwrap();
    assert!(derived.get("x").is_none());
    assert_eq!(
        derived.get("<<").unwrap().get("x").unwrap().value,
        Value::Int(1)
    );
}

#[test]
fn duplicate_keys_name_both_lines() {
    let e = err("a: 1\nb:\n  c: 1\n  c: 2\n");
    assert_eq!(e, "t.yaml:4:3: duplicate key \"c\" (lines 3 and 4)");
    // Large maps take the hashed path.
    let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k7: again\n");
    assert_eq!(
        err(&text),
        "t.yaml:41:1: duplicate key \"k7\" (lines 8 and 41)"
    );
    // `1` and `"1"` are the same key once keys are strings.
    assert!(err("1: a\n\"1\": b\n").contains("duplicate key \"1\""));
}

#[test]
fn syntax_errors_have_positions() {
    let e = err("a: [1, 2\nb: 3\n");
    assert!(e.starts_with("t.yaml:2:"), "{e}");
    let e = err("a:\n  - b\n - c\n");
    assert!(e.starts_with("t.yaml:3:"), "{e}");
    assert_eq!(
        err("a: 1\nb: *nope\n"),
        "t.yaml:2:4: unknown alias *nope (no anchor &nope before it)"
    );
}

#[test]
fn recursive_alias_is_an_error() {
    let e = err("a: &x [1, *x]\n");
    assert!(
        e.contains("alias *x refers to a collection that contains it"),
        "{e}"
    );
}

#[test]
fn alias_bomb_stops_at_the_budget() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in 'b'..='i' {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    let e = err(&text);
    assert!(
        e.contains("alias expansion exceeds 100000 nodes (YAML alias bomb?)"),
        "{e}"
    );
    // It names the alias where the budget ran out.
    assert!(e.starts_with("t.yaml:6:8: "), "{e}");

    // A small expansion is fine, and the budget is configurable.
    let small = "a: &a [1, 2, 3]\nb: [*a, *a]\n";
    assert_eq!(yaml(small).get("b").unwrap().count(), 9);
    let limits = Limits {
        alias_budget: 7,
        ..Limits::default()
    };
    assert!(parse_with("t.yaml", small, &limits).is_err());
}

#[test]
fn depth_limit_block_and_flow() {
    let nested_seq = "- ".repeat(100_000) + "x\n";
    assert_eq!(
        err(&nested_seq),
        "t.yaml:1:513: nesting deeper than 256 levels"
    );

    // 20,000 nested block mappings need 200 MB of indentation: past the size cap, so lift it.
    let mut nested_map = String::new();
    for i in 0..20_000 {
        nested_map.push_str(&" ".repeat(i));
        nested_map.push_str("k:\n");
    }
    let limits = Limits {
        max_bytes: usize::MAX,
        ..Limits::default()
    };
    let e = parse_with("t.yaml", &nested_map, &limits).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.yaml:257:257: nesting deeper than 256 levels"
    );
    drop(nested_map);

    // 100,000 `[`: saphyr's own flow limit (255) fires first.
    let flow = "a: ".to_string() + &"[".repeat(100_000);
    assert!(err(&flow).contains("flow nesting deeper than 255 levels"));

    // Exactly 256 levels are fine.
    let ok = "- ".repeat(256) + "x\n";
    assert_eq!(yaml(&ok).depth(), 256);
}

#[test]
fn alias_cannot_exceed_depth() {
    let deep = "- ".repeat(250) + "x";
    let text = format!("a: &d\n  {deep}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*d]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");
    assert!(err(&text).contains("nesting deeper than 256 levels"));
}

#[test]
fn documents() {
    assert!(yaml("").is_null());
    assert!(yaml("# only a comment\n").is_null());
    assert_eq!(
        yaml("---\na: 1\n...\n").get("a").unwrap().value,
        Value::Int(1)
    );
    // A stray separator after the document is harmless.
    assert_eq!(yaml("a: 1\n---\n").get("a").unwrap().value, Value::Int(1));
    assert_eq!(
        err("a: 1\n---\nb: 2\n"),
        "t.yaml:2:1: a second YAML document starts here; treaty reads one document per file"
    );
}

#[test]
fn bom_is_skipped() {
    let doc = yaml("\u{feff}a: é\nb: 1\n");
    let (k, v) = doc.get_entry("b").unwrap();
    assert_eq!((k.line, k.col, v.value.clone()), (2, 1, Value::Int(1)));
}

#[test]
fn block_scalars_are_strings() {
    let doc = yaml("a: |\n  12\nb: >\n  x\n  y\nc: 'it''s'\n");
    assert_eq!(doc.get("a").unwrap().as_str(), Some("12\n"));
    assert_eq!(doc.get("b").unwrap().as_str(), Some("x y\n"));
    assert_eq!(doc.get("c").unwrap().as_str(), Some("it's"));
}

#[test]
fn json_looking_yaml_falls_back() {
    // Flow YAML starts like JSON; it is read as YAML unless the file is .json.
    let doc = parse("a.yaml", "{a: 1, b: [x]}").unwrap();
    assert_eq!(doc.get("a").unwrap().value, Value::Int(1));
    let e = parse("a.json", "{a: 1}").unwrap_err().to_string();
    assert!(e.starts_with("a.json:1:2: expected a string key"), "{e}");
}

#[test]
fn nested_anchors_cannot_multiply_memory() {
    // 200 nested anchored lists around 5,000 items: copying each anchor would hold ~1M nodes.
    let items = vec!["1"; 5000].join(", ");
    let mut text = String::from("a: ");
    for i in 0..200 {
        text.push_str(&format!("&a{i} ["));
    }
    text.push_str(&items);
    text.push_str(&"]".repeat(200));
    text.push('\n');
    let e = err(&text);
    assert!(e.contains("YAML anchor bomb?"), "{e}");

    // A few nested anchors around real content are fine.
    let ok = format!("a: &x {{b: &y {{c: &z [{items}]}}}}\nd: *z\n");
    assert_eq!(yaml(&ok).get("d").unwrap().as_seq().unwrap().len(), 5000);
}

#[test]
fn expansion_sizes_count_nested_aliases() {
    // b holds 1 + 2 * 3 nodes; expanding a, a, then b costs 3 + 3 + 7 = 13.
    let text = "a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b]\n";
    let at = |budget| {
        let limits = Limits {
            alias_budget: budget,
            ..Limits::default()
        };
        parse_with("t.yaml", text, &limits).map(|n| n.get("c").unwrap().count())
    };
    assert_eq!(at(13).unwrap(), 8);
    let e = at(12).unwrap_err();
    let at = e.location().unwrap();
    assert_eq!((at.line, at.column), (3, 5));
}
