//! YAML 1.2 loader: saphyr-parser events -> the spanned [`Node`] tree.
//!
//! What it accepts, and why:
//! - Plain scalars resolve by the YAML 1.2 core schema: `on`/`yes`/`y`/`No` stay strings (1.1
//!   booleans would silently change OpenAPI enums), `0o14` is octal, `014` is decimal 14. Quoted
//!   and block scalars are always strings. The text of any scalar stays reachable through
//!   `Node::scalar_text`, so `version: 1.10` can be read as "1.10".
//! - Core tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`) are honoured, the non-specific
//!   `!` makes a string, other tags (`!Ref`) are ignored.
//! - Aliases are expanded into copies, with a per-file budget of expanded nodes against alias
//!   bombs, and copies kept for anchors are capped at about one document's worth (nested
//!   anchors would otherwise copy the same content once per level). `<<` merge keys are YAML
//!   1.1 and stay an ordinary key named `<<`.
//! - One document per file: a second non-empty document is an error rather than silently
//!   ignored content (a contract linter must not skip half a file).
//! - Nesting deeper than `Limits::max_depth` is an error; the tree is built without recursion,
//!   so 100,000 nested `- ` cannot overflow the stack.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use super::{error, Limits, Node, Strings, TreeBuilder, Value};
use crate::diag::InputError;
use crate::span::Span;

/// Parse `text` as a single YAML document. An empty stream is `Value::Null`.
pub fn parse(path: &str, text: &str, limits: &Limits) -> Result<Node, InputError> {
    if text.len() > limits.max_bytes {
        return Err(error(
            path,
            format!(
                "file is larger than the {} MiB limit",
                limits.max_bytes >> 20
            ),
            1,
            1,
        ));
    }
    Loader {
        path,
        text,
        offsets: Offsets::new(text),
        tree: TreeBuilder::new(path, text, limits),
        anchors: Vec::new(),
        expanded: 0,
        budget: limits.alias_budget,
        seen: 0,
        copied: 0,
        open: Vec::new(),
    }
    .run()
}

#[derive(Clone, Copy)]
struct Pos {
    off: usize,
    line: u32,
    col: u32,
}

struct Anchored {
    node: Node,
    nodes: usize,
    depth: usize,
}

struct Loader<'t> {
    path: &'t str,
    text: &'t str,
    offsets: Offsets<'t>,
    tree: TreeBuilder<'t>,
    /// Indexed by saphyr's anchor id; `None` while the anchored collection is still open.
    anchors: Vec<Option<Anchored>>,
    /// Nodes added by alias expansion.
    expanded: usize,
    budget: usize,
    /// Nodes in the tree so far, expansions included.
    seen: usize,
    /// Nodes copied to keep anchored collections for later aliases.
    copied: usize,
    /// Per open collection: `seen` when it opened, and the deepest nesting among its children,
    /// so an anchored collection's size and depth are known without walking it.
    open: Vec<(usize, usize)>,
}

impl<'t> Loader<'t> {
    fn run(mut self) -> Result<Node, InputError> {
        let mut parser = Parser::new_from_str(self.text);
        let mut documents = 0;
        let mut second_start: Option<Pos> = None;
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| self.scan_error(&e))?;
            if documents > 0 {
                // After the first document only empty ones (a stray `---`) are allowed.
                match event {
                    Event::StreamEnd => break,
                    Event::DocumentStart(_) => second_start = Some(self.pos(&span.start)),
                    Event::DocumentEnd | Event::Nothing | Event::StreamStart => {}
                    Event::Scalar(ref v, ScalarStyle::Plain, 0, None) if v.is_empty() => {}
                    _ => {
                        let p = second_start.unwrap_or_else(|| self.pos(&span.start));
                        return Err(error(
                            self.path,
                            "a second YAML document starts here; treaty reads one document per file",
                            p.line,
                            p.col,
                        ));
                    }
                }
                continue;
            }
            match event {
                Event::StreamStart | Event::Nothing | Event::DocumentStart(_) => {}
                Event::StreamEnd => break,
                Event::DocumentEnd => documents += 1,
                Event::Alias(id) => self.alias(id, &span.start, &span.end)?,
                Event::Scalar(v, style, anchor, tag) => {
                    let start = self.pos(&span.start);
                    let end = self.offsets.byte(span.end.index()).max(start.off);
                    let p = if anchor != 0 || tag.is_some() {
                        skip_properties(self.text, start, end)
                    } else {
                        start
                    };
                    let value = resolve(v, style, tag.as_deref(), &mut self.tree.strings)
                        .map_err(|e| error(self.path, e.to_string(), p.line, p.col))?;
                    let node = Node::new(value, Span::new(p.off, end), p.line, p.col);
                    self.seen += 1;
                    if anchor != 0 {
                        self.copied += 1;
                        let anchored = Anchored {
                            nodes: 1,
                            depth: 0,
                            node: node.clone(),
                        };
                        set_anchor(&mut self.anchors, anchor, anchored);
                    }
                    self.tree.push(node)?;
                }
                Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                    let map = matches!(event, Event::MappingStart(..));
                    let start = self.pos(&span.start);
                    let p = if anchor != 0 || tag.is_some() {
                        let end = self.offsets.byte(span.end.index()).max(start.off);
                        skip_properties(self.text, start, end)
                    } else {
                        start
                    };
                    self.tree.open(map, p.off as u32, p.line, p.col, anchor)?;
                    self.seen += 1;
                    self.open.push((self.seen, 0));
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    // Flow collections end at their bracket; block ones with their last child.
                    let end = (span.end.index() > span.start.index())
                        .then(|| self.offsets.byte(span.end.index()) as u32);
                    let (node, anchor) = self.tree.close(end)?;
                    let (opened, deepest) = self.open.pop().unwrap_or((self.seen, 0));
                    let (nodes, depth) = (self.seen + 1 - opened, deepest + 1);
                    if let Some(parent) = self.open.last_mut() {
                        parent.1 = parent.1.max(depth);
                    }
                    if anchor != 0 {
                        // Copying is what makes aliases possible, but anchors nested around
                        // large content would copy it once per level: allow about one copy
                        // of the document plus the alias budget.
                        if self.copied + nodes > self.seen + self.budget {
                            return Err(error(
                                self.path,
                                format!(
                                    "anchored collections nested around {nodes} nodes would copy more than the document holds (YAML anchor bomb?)"
                                ),
                                node.line,
                                node.col,
                            ));
                        }
                        self.copied += nodes;
                        let anchored = Anchored {
                            nodes,
                            depth,
                            node: node.clone(),
                        };
                        set_anchor(&mut self.anchors, anchor, anchored);
                    }
                }
            }
        }
        Ok(self
            .tree
            .finish()
            .unwrap_or_else(|| Node::new(Value::Null, Span::default(), 1, 1)))
    }

    fn pos(&mut self, m: &Marker) -> Pos {
        Pos {
            off: self.offsets.byte(m.index()),
            line: m.line() as u32,
            col: m.col() as u32 + 1,
        }
    }

    fn alias(&mut self, id: usize, start: &Marker, end: &Marker) -> Result<(), InputError> {
        let p = self.pos(start);
        let end = self.offsets.byte(end.index());
        let name = self
            .text
            .get(p.off..end.max(p.off))
            .unwrap_or("")
            .trim_start_matches('*');
        let Some(Some(anchored)) = self.anchors.get(id) else {
            // saphyr reports unknown anchors itself; an id without a node is an alias inside
            // the collection it names.
            return Err(error(
                self.path,
                format!("alias *{name} refers to a collection that contains it"),
                p.line,
                p.col,
            ));
        };
        if self.expanded + anchored.nodes > self.budget {
            return Err(error(
                self.path,
                format!(
                    "alias expansion exceeds {} nodes (YAML alias bomb?)",
                    self.budget
                ),
                p.line,
                p.col,
            ));
        }
        if self.tree.depth() + anchored.depth > self.tree.max_depth() {
            return Err(self.tree.depth_error(p.line, p.col));
        }
        self.expanded += anchored.nodes;
        self.seen += anchored.nodes;
        if let Some(parent) = self.open.last_mut() {
            parent.1 = parent.1.max(anchored.depth);
        }
        let copy = anchored.node.clone();
        self.tree.push(copy)?;
        Ok(())
    }

    fn scan_error(&mut self, e: &ScanError) -> InputError {
        let m = e.marker();
        let p = self.pos(m);
        let message = match e.info() {
            "recursion limit exceeded" => {
                "flow nesting deeper than 255 levels (YAML parser limit)".to_string()
            }
            info if info.contains("unknown anchor") => {
                let rest = self.text.get(p.off..).unwrap_or("");
                let name: String = rest
                    .trim_start_matches('*')
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                    .collect();
                format!("unknown alias *{name} (no anchor &{name} before it)")
            }
            info => info.to_string(),
        };
        error(self.path, message, p.line, p.col)
    }
}

fn set_anchor(anchors: &mut Vec<Option<Anchored>>, id: usize, anchored: Anchored) {
    if anchors.len() <= id {
        anchors.resize_with(id + 1, || None);
    }
    anchors[id] = Some(anchored);
}

/// Moves past `&anchor` / `!tag` properties (and the blanks or comments after them) so a node's
/// span and position start at its content, not at its anchor.
fn skip_properties(text: &str, start: Pos, limit: usize) -> Pos {
    let b = text.as_bytes();
    let limit = limit.min(b.len());
    let mut p = start;
    let step = |p: &mut Pos, n: usize| {
        let chars = b[p.off..p.off + n]
            .iter()
            .filter(|&&c| c & 0xC0 != 0x80)
            .count();
        p.off += n;
        p.col += chars as u32;
    };
    while p.off < limit {
        match b[p.off] {
            b'&' | b'!' => {
                let verbatim = b[p.off..limit].starts_with(b"!<");
                let mut n = 0;
                while p.off + n < limit {
                    let c = b[p.off + n];
                    let stop = if verbatim {
                        n > 0 && b[p.off + n - 1] == b'>'
                    } else {
                        matches!(
                            c,
                            b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                        )
                    };
                    if stop {
                        break;
                    }
                    n += 1;
                }
                step(&mut p, n);
            }
            b' ' | b'\t' | b'\r' => step(&mut p, 1),
            b'\n' => {
                p.off += 1;
                p.line += 1;
                p.col = 1;
            }
            b'#' => {
                let n = b[p.off..limit]
                    .iter()
                    .position(|&c| c == b'\n')
                    .unwrap_or(limit - p.off);
                step(&mut p, n);
            }
            _ => break,
        }
    }
    p
}

/// A scalar whose core-schema tag its text does not fit: `!!int x`. The caller knows where.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BadTagged {
    tag: &'static str,
    value: String,
}

impl std::fmt::Display for BadTagged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid !!{} value {:?}", self.tag, self.value)
    }
}

/// Value of a scalar event: tag first, then style, then the core schema for plain scalars.
fn resolve(
    v: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
    strings: &mut Strings,
) -> Result<Value, BadTagged> {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() {
            let bad = |tag: &'static str| BadTagged {
                tag,
                value: v.to_string(),
            };
            match tag.suffix.as_str() {
                "str" => return Ok(Value::Str(strings.intern(&v))),
                "null" => return Ok(Value::Null),
                "bool" => {
                    return match resolve_plain(&v) {
                        Some(b @ Value::Bool(_)) => Ok(b),
                        _ => Err(bad("bool")),
                    }
                }
                "int" => {
                    return match resolve_plain(&v) {
                        Some(i @ Value::Int(_)) => Ok(i),
                        _ => Err(bad("int")),
                    }
                }
                "float" => {
                    return match resolve_plain(&v) {
                        Some(Value::Int(i)) => Ok(Value::Float(i as f64)),
                        Some(f @ Value::Float(_)) => Ok(f),
                        _ => Err(bad("float")),
                    }
                }
                _ => {}
            }
        } else if (tag.handle.is_empty() && tag.suffix == "!")
            || (tag.handle == "!" && tag.suffix.is_empty())
        {
            // The non-specific tag `! 12`: a string by definition.
            return Ok(Value::Str(strings.intern(&v)));
        }
    }
    // Strings are copied (exactly sized) out of the scanner's, which carry spare capacity:
    // shrinking each one in place fragments the heap (measured: 76 -> 46 MB peak RSS on the
    // 10 MB GitHub spec).
    if style != ScalarStyle::Plain {
        return Ok(Value::Str(strings.intern(&v)));
    }
    Ok(resolve_plain(&v).unwrap_or_else(|| Value::Str(strings.intern(&v))))
}

/// YAML 1.2 core schema for a plain scalar; `None` means "a string".
pub(crate) fn resolve_plain(s: &str) -> Option<Value> {
    let first = match s.as_bytes().first() {
        None => return Some(Value::Null),
        Some(&c) => c,
    };
    // Fast exit for the usual case: words that cannot be null, bool or a number.
    if !matches!(
        first,
        b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F'
    ) {
        return None;
    }
    match s {
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        _ => {}
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return radix(oct, 8);
    }
    let (negative, unsigned) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        let inf = if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        return Some(Value::Float(inf));
    }
    let ub = unsigned.as_bytes();
    if !ub.is_empty() && ub.iter().all(u8::is_ascii_digit) {
        return Some(match s.parse::<i64>() {
            Ok(i) => Value::Int(i),
            // Too large for i64: keep the magnitude; the exact text is still in the span.
            Err(_) => Value::Float(s.parse::<f64>().ok()?),
        });
    }
    is_core_float(ub)
        .then(|| s.parse::<f64>().ok().map(Value::Float))
        .flatten()
}

fn radix(digits: &str, radix: u32) -> Option<Value> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Out of i64 range: leave it a string rather than lose digits.
    i64::from_str_radix(digits, radix).ok().map(Value::Int)
}

/// `( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, sign already removed.
fn is_core_float(b: &[u8]) -> bool {
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    let mut i = 0;
    let int_digits = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac = digits(&mut i);
        if int_digits == 0 && frac == 0 {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// saphyr markers count characters; spans are bytes. Events arrive in (almost) increasing
/// order, so a cursor that walks from the previous position keeps this linear.
struct Offsets<'t> {
    bytes: &'t [u8],
    ascii: bool,
    char_idx: usize,
    byte_idx: usize,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Offsets<'t> {
        Offsets {
            bytes: text.as_bytes(),
            ascii: text.is_ascii(),
            char_idx: 0,
            byte_idx: 0,
        }
    }

    fn byte(&mut self, char_idx: usize) -> usize {
        if self.ascii {
            return char_idx.min(self.bytes.len());
        }
        let b = self.bytes;
        let is_cont = |i: usize| b[i] & 0xC0 == 0x80;
        while self.char_idx < char_idx && self.byte_idx < b.len() {
            self.byte_idx += 1;
            while self.byte_idx < b.len() && is_cont(self.byte_idx) {
                self.byte_idx += 1;
            }
            self.char_idx += 1;
        }
        while self.char_idx > char_idx && self.byte_idx > 0 {
            self.byte_idx -= 1;
            while self.byte_idx > 0 && is_cont(self.byte_idx) {
                self.byte_idx -= 1;
            }
            self.char_idx -= 1;
        }
        self.byte_idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_floats() {
        for ok in ["1.0", "1.", ".5", "1e5", "1.5E-3", "0.0"] {
            assert!(is_core_float(ok.as_bytes()), "{ok}");
        }
        for bad in [".", "e5", "1e", "1.0.0", "1_0", "", "1e+"] {
            assert!(!is_core_float(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn offsets_walk_both_ways() {
        let text = "aé€b";
        let mut o = Offsets::new(text);
        assert_eq!(o.byte(3), 6);
        assert_eq!(o.byte(1), 1);
        assert_eq!(o.byte(2), 3);
        assert_eq!(o.byte(4), 7);
        assert_eq!(o.byte(99), 7);
    }
}
