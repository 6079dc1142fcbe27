//! JSON loading: values, spans, strict syntax and errors.

use treaty::tree::json;
use treaty::tree::{parse, parse_bytes, Limits, Node, Value};

fn json(text: &str) -> Node {
    parse("t.json", text).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    match parse("t.json", text) {
        Ok(_) => panic!("expected an error for {:?}", &text[..text.len().min(80)]),
        Err(e) => e.to_string(),
    }
}

#[test]
fn values() {
    let doc = json(
        r#"{"s": "x", "i": -12, "f": 1.5e3, "z": 0, "t": true, "n": null, "a": [1, [], {}],
            "big": 12345678901234567890, "e": "", "neg0": -0.0}"#,
    );
    assert_eq!(doc.get("s").unwrap().as_str(), Some("x"));
    assert_eq!(doc.get("i").unwrap().value, Value::Int(-12));
    assert_eq!(doc.get("f").unwrap().value, Value::Float(1500.0));
    assert_eq!(doc.get("z").unwrap().value, Value::Int(0));
    assert_eq!(doc.get("t").unwrap().as_bool(), Some(true));
    assert!(doc.get("n").unwrap().is_null());
    let a = doc.get("a").unwrap().as_seq().unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(a[1].as_seq().unwrap().len(), 0);
    assert_eq!(a[2].as_map().unwrap().len(), 0);
    assert_eq!(
        doc.get("big").unwrap().as_f64(),
        Some(12345678901234567890.0)
    );
    assert_eq!(doc.get("e").unwrap().as_str(), Some(""));
    assert_eq!(doc.count(), 1 + 10 * 2 + 3);
    assert_eq!(json("  42 ").value, Value::Int(42));
}

#[test]
fn escapes_and_surrogates() {
    let doc = json(r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "plain é"]"#);
    let s: Vec<&str> = doc.items().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(s, ["a\"b\\c/d\u{8}\u{c}\n\r\t", "é€", "😀", "plain é"]);
    assert_eq!(
        err(r#"["\ud83d"]"#),
        "t.json:1:3: unpaired surrogate \\uD83D"
    );
    assert_eq!(
        err(r#"["\ude00x"]"#),
        "t.json:1:3: unpaired surrogate \\uDE00"
    );
    assert_eq!(
        err(r#"["\ud83d\u0041"]"#),
        "t.json:1:3: unpaired surrogate \\uD83D"
    );
    assert!(err(r#"["\x"]"#).starts_with("t.json:1:4: invalid escape in a string"));
    assert!(err(r#"["\u12G4"]"#).contains("expected 4 hex digits"));
    assert!(err("[\"a\nb\"]").contains("control character U+000A in a string"));
}

#[test]
fn numbers_are_strict() {
    for bad in [
        "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x1F", "NaN", "Infinity", "--1",
    ] {
        let text = format!("[{bad}]");
        assert!(parse("t.json", &text).is_err(), "{bad} should be rejected");
    }
    assert!(err("[01]").contains("leading zeros"));
    let doc = json("[0, -0, 0.5, 1E2, 1e-2, -1.25E+3, 9223372036854775807, -9223372036854775808]");
    let v: Vec<Value> = doc.items().map(|n| n.value.clone()).collect();
    assert_eq!(
        v,
        [
            Value::Int(0),
            Value::Int(0),
            Value::Float(0.5),
            Value::Float(100.0),
            Value::Float(0.01),
            Value::Float(-1250.0),
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
        ]
    );
}

#[test]
fn spans_and_positions() {
    let text = "{\n  \"openapi\": 3.0,\n  \"info\": {\"title\": \"é\", \"v\": \"x\"}\n}\n";
    let doc = json(text);
    let (k, v) = doc.get_entry("openapi").unwrap();
    assert_eq!((k.line, k.col, v.line, v.col), (2, 3, 2, 14));
    assert_eq!(k.source(text), "\"openapi\"");
    assert_eq!(v.scalar_text(text).unwrap(), "3.0");
    let info = doc.get("info").unwrap();
    assert_eq!((info.line, info.col), (3, 11));
    assert_eq!(info.source(text), "{\"title\": \"é\", \"v\": \"x\"}");
    // Column counts characters: "é" is one.
    let (k, _) = info.get_entry("v").unwrap();
    assert_eq!((k.line, k.col), (3, 26));
    assert_eq!(
        (doc.line, doc.col, doc.span.start, doc.span.end),
        (1, 1, 0, text.len() as u32 - 1)
    );
    assert_eq!(doc.pointer("/info/title").unwrap().as_str(), Some("é"));
}

#[test]
fn minified_positions_stay_exact() {
    let text = r#"{"a":"ü","b":[1,{"c":2}]}"#;
    let doc = json(text);
    let c = doc.pointer("/b/1/c").unwrap();
    assert_eq!((c.line, c.col), (1, 22));
    assert_eq!(c.source(text), "2");
}

#[test]
fn syntax_errors() {
    assert_eq!(
        err("{\"a\": 1,}"),
        "t.json:1:9: expected a string key (trailing comma?), found '}'"
    );
    assert_eq!(
        err("[1, 2,]"),
        "t.json:1:7: expected a value (trailing comma?), found ']'"
    );
    assert_eq!(
        err("{\"a\" 1}"),
        "t.json:1:6: expected ':' after an object key, found '1'"
    );
    assert_eq!(
        err("[1 2]"),
        "t.json:1:4: expected ',' or ']' in an array, found '2'"
    );
    assert_eq!(
        err("{\"a\": 1} x"),
        "t.json:1:10: after the end of the JSON value, found 'x'"
    );
    assert_eq!(
        err("{\n  \"a\": [1,\n"),
        "t.json:3:1: expected a value, found end of file (the innermost open value starts at 2:8)"
    );
    assert_eq!(err("[\"abc"), "t.json:1:2: unterminated string");
    // Only text starting with `{` or `[` goes to the JSON parser by content; called directly:
    let e = json::parse("t.json", " ", &Limits::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.json:1:2: expected a value, found end of file"
    );
    assert_eq!(err("[tru]"), "t.json:1:2: expected a value, found 't'");
    assert_eq!(
        err("{\"a\":1,\"a\":2}"),
        "t.json:1:8: duplicate key \"a\" (lines 1 and 1)"
    );
}

#[test]
fn depth_limit() {
    let deep = "[".repeat(100_000);
    assert_eq!(err(&deep), "t.json:1:257: nesting deeper than 256 levels");
    let deep_obj = "{\"a\":".repeat(300);
    assert!(err(&deep_obj).contains("nesting deeper than 256 levels"));
    let ok = "[".repeat(256) + &"]".repeat(256);
    assert_eq!(json(&ok).depth(), 256);
}

#[test]
fn utf8_and_bom() {
    let e = parse_bytes("t.json", b"{\"a\":\n\"\xff\"}").unwrap_err();
    assert_eq!(e.to_string(), "t.json:2:2: not valid UTF-8 at line 2");
    let doc = parse_bytes("t.json", "\u{feff}{\"a\": 1}".as_bytes()).unwrap();
    assert_eq!(doc.get("a").unwrap().value, Value::Int(1));
}

#[test]
fn size_cap() {
    let big = " ".repeat((256 << 20) + 1);
    let e = parse("t.json", &big).unwrap_err();
    assert!(e.message.contains("larger than the 256 MiB limit"), "{e}");
}

#[test]
fn github_spec_if_present() {
    let Some(home) = std::env::var_os("HOME") else {
        return;
    };
    let path = std::path::Path::new(&home)
        .join(".cache/treaty-corpus/openapi/github-23.0.2/api.github.com.json");
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    let doc = parse_bytes("api.github.com.json", &bytes).unwrap();
    assert_eq!(doc.count(), 475_521);
    let text = std::str::from_utf8(&bytes).unwrap();
    assert_eq!(
        doc.get("openapi").unwrap().scalar_text(text).unwrap(),
        "3.0.3"
    );
    let (k, _) = doc.get_entry("components").unwrap();
    assert_eq!(k.source(text), "\"components\"");
}
