//! No input makes the loaders panic: every prefix of real-looking documents, and random
//! mutations of them, either parse or return an error.

use treaty::tree::{parse, parse_bytes};

const YAML: &str = r#"%YAML 1.2
---
openapi: 3.0.3
info: &info
  title: "Pets é"
  version: 1.10
  x-tags: !!set {a, b}
  desc: |
    multi
    line
  folded: >-
    a
    b
paths:
  /pets/{id}:
    get:
      parameters:
        - name: id
          in: path
          schema: {type: integer, format: int64, enum: [1, 2, 0x1F, .inf, ~]}
      responses:
        200: {description: ok, content: {application/json: {schema: {$ref: '#/c'}}}}
        ? complex
        : value
  copy: *info
  <<: *info
  'quoted ''key''': !!str 12
...
"#;

const JSON: &str = r#"{"openapi": "3.1.0", "info": {"title": "x\u00e9\ud83d\ude00", "version": 1.0},
 "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "n": [-1.5e-3, 0, true, false, null]}}}}},
 "esc": "\"\\\/\b\f\n\r\t"}
"#;

/// Deterministic xorshift so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn every_prefix_parses_or_errors() {
    for (name, doc) in [("t.yaml", YAML), ("t.json", JSON), ("t.yml", JSON)] {
        if let Err(e) = parse(name, doc) {
            panic!("the seed itself must parse: {e}");
        }
        for (i, _) in doc.char_indices() {
            let _ = parse(name, &doc[..i]);
        }
    }
}

#[test]
fn random_mutations_parse_or_error() {
    let alphabet = b"{}[]:,-?&*!|>'\"\\#%@` \t\n\r0123456789.eE+xuU~abc\xc3\xa9\xff";
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (name, doc) in [("t.yaml", YAML), ("t.json", JSON)] {
        for _ in 0..1500 {
            let mut bytes = doc.as_bytes().to_vec();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() as usize) % bytes.len();
                let b = alphabet[(rng.next() as usize) % alphabet.len()];
                match rng.next() % 3 {
                    0 => bytes[at] = b,
                    1 => bytes.insert(at, b),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            let _ = parse_bytes(name, &bytes);
        }
    }
}

#[test]
fn pure_garbage() {
    let mut rng = Rng(42);
    for len in [1usize, 2, 3, 7, 64, 512] {
        for _ in 0..200 {
            let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0x7f) as u8).collect();
            let _ = parse_bytes("g.yaml", &bytes);
            let _ = parse_bytes("g.json", &bytes);
            let mut json = b"[".to_vec();
            json.extend_from_slice(&bytes);
            let _ = parse_bytes("g.json", &json);
        }
    }
    for text in [
        "",
        "\u{feff}",
        "-",
        "[",
        "{",
        "&a",
        "*a",
        "!",
        "? ",
        ": ",
        "---\n...\n---",
        "\t",
    ] {
        let _ = parse("x.yaml", text);
        let _ = parse("x.json", text);
    }
}
