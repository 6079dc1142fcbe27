//! From a snapshot of files to a [`SpecSet`]: the OpenAPI 3.0/3.1 specs among its YAML and JSON
//! files (found by content), plus every file their `$ref`s reach, each parsed once into a spanned
//! node tree.
//!
//! A YAML/JSON file is a spec when its root has an `openapi` key; Swagger 2.0 (`swagger:`) is an
//! error naming the file. Other files are only read when a spec references them. A file that does
//! not parse is an error only when it looks like a spec or is referenced: repositories are full of
//! YAML that is none of treaty's business.
//!
//! A YAML/JSON file too large to read (`Snapshot::oversized`) is an error when it is a spec (its
//! first bytes show an `openapi` or `swagger` key, or `[openapi] paths` name it) or a `$ref`
//! target: leaving it out would pass its changes as "no findings". Other large YAML/JSON is
//! skipped, since repositories keep large data files in those formats. (A file named on its own
//! is refused before it gets here.) A git LFS pointer where a spec could be is an error too.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::refs;
use crate::diag::{InputError, InputErrors};
use crate::finding::Location;
use crate::source::{BlobId, Entry, Snapshot, Unfollowed};
use crate::span::LineIndex;
use crate::tree::{self, Node};

/// A referenced file not in the snapshot, read on demand: `(path, bytes, blob)`.
pub type Fetched = (String, Arc<[u8]>, Option<BlobId>);

/// Reads a file the snapshot lacks (a `$ref` target in an unchanged file), by root-relative path:
/// `Ok(None)` when there is no such file, an error when there is one that cannot be read (too
/// large, say).
pub type Fetch<'f> = &'f (dyn Fn(&str) -> Result<Option<Fetched>, InputError> + Sync);

/// The OpenAPI major.minor line a spec declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    V30,
    V31,
}

/// One parsed YAML/JSON file.
pub struct Doc {
    /// Relative to the snapshot root, `/` separators.
    pub path: String,
    pub text: Arc<str>,
    pub root: Node,
    /// Built on the first location asked for: a comparison that finds nothing needs none, and
    /// indexing the lines of a large file costs as much as a tenth of parsing it.
    lines: OnceLock<LineIndex>,
    pub blob: Option<BlobId>,
}

impl Doc {
    pub fn new(path: &str, text: Arc<str>, root: Node, blob: Option<BlobId>) -> Doc {
        Doc {
            path: path.to_string(),
            lines: OnceLock::new(),
            text,
            root,
            blob,
        }
    }

    /// Line starts of the text, for positions.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Where `node` is: its first character to the end of its text.
    pub fn location(&self, node: &Node) -> Location {
        let (end_line, end_column) = if node.span.end > node.span.start {
            self.lines().position(&self.text, node.span.end)
        } else {
            (node.line, node.col + 1)
        };
        Location {
            file: self.path.clone(),
            line: node.line,
            column: node.col,
            end_line,
            end_column,
        }
    }

    /// The location of the first line of `node` only: a finding about a whole operation points
    /// at its key, not at fifty lines of it.
    pub fn line_location(&self, node: &Node) -> Location {
        // The end's line alone says whether the node spans lines: its column, counted in
        // characters, is only needed when it does not.
        let spans_lines = node.span.end > node.span.start
            && self.lines().line_of(node.span.end as usize) as u32 + 1 != node.line;
        if !spans_lines {
            return self.location(node);
        }
        let line_text = self.text[node.span.start as usize..]
            .split('\n')
            .next()
            .unwrap_or("");
        Location {
            file: self.path.clone(),
            line: node.line,
            column: node.col,
            end_line: node.line,
            end_column: node.col + line_text.trim_end().chars().count() as u32,
        }
    }
}

/// One spec of the set.
pub struct SpecEntry {
    /// Index in [`SpecSet::docs`].
    pub doc: usize,
    pub version: Version,
    /// Docs reachable through `$ref`s (the spec itself excluded), sorted.
    pub closure: Vec<usize>,
}

/// The specs of one revision and the files they reference.
#[derive(Default)]
pub struct SpecSet {
    pub docs: Vec<Arc<Doc>>,
    /// Path -> index in `docs`.
    pub by_path: HashMap<String, usize>,
    /// Sorted by path.
    pub specs: Vec<SpecEntry>,
    /// Every `$ref` of the loaded docs, resolved: see [`refs::Resolved`].
    pub refs: refs::RefTable,
    /// Per doc: the version of the first spec that reaches it (3.1 gives `$ref` siblings
    /// meaning).
    pub doc_version: Vec<Version>,
}

impl SpecSet {
    pub fn doc(&self, path: &str) -> Option<&Arc<Doc>> {
        self.by_path.get(path).map(|&i| &self.docs[i])
    }

    /// Every file this set read (specs and referenced files), for counting.
    pub fn file_count(&self) -> usize {
        self.docs.len()
    }
}

/// Which files may be specs.
#[derive(Debug, Clone, Default)]
pub struct SpecFilter {
    /// Globs (`[openapi] paths`); empty: every YAML/JSON file is examined.
    pub globs: Vec<String>,
    /// Only files under these paths (CLI path arguments); empty: everywhere.
    pub under: Vec<String>,
    /// Files the config's `ignore` names: never specs (still read when a spec references them).
    pub ignored: std::collections::HashSet<String>,
}

impl SpecFilter {
    fn matcher(&self) -> Result<Option<globset::GlobSet>, InputError> {
        if self.globs.is_empty() {
            return Ok(None);
        }
        let mut builder = globset::GlobSetBuilder::new();
        for g in &self.globs {
            let glob = globset::GlobBuilder::new(g.trim_start_matches("./"))
                .literal_separator(true)
                .build()
                .map_err(|e| InputError::new(format!("invalid [openapi] paths glob {g:?}: {e}")))?;
            builder.add(glob);
        }
        builder
            .build()
            .map(Some)
            .map_err(|e| InputError::new(format!("invalid [openapi] paths: {e}")))
    }

    fn under(&self, path: &str) -> bool {
        self.under.is_empty()
            || self.under.iter().any(|p| {
                let p = p.trim_start_matches("./").trim_end_matches('/');
                p.is_empty()
                    || p == "."
                    || path == p
                    || (path.starts_with(p) && path.as_bytes().get(p.len()) == Some(&b'/'))
            })
    }
}

/// YAML or JSON by extension: the only files examined for specs.
pub fn is_yaml_or_json(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// Does the text look like it means to be a spec? Used for files that fail to parse, to decide
/// between "broken spec" (an error) and "some other YAML" (skipped). A top-level key is one at
/// the start of a line (YAML) or any `"openapi":` key (JSON, where indentation says nothing).
fn looks_like_spec(text: &str) -> bool {
    text.lines().any(|line| {
        let l = line.trim_start_matches('\u{feff}');
        let unquoted = l.trim_start_matches(['"', '\'']);
        let top_level = !l.starts_with([' ', '\t']);
        let key = ["openapi", "swagger"]
            .iter()
            .find(|k| unquoted.starts_with(**k))
            .map(|k| {
                unquoted[k.len()..]
                    .trim_start_matches(['"', '\''])
                    .trim_start()
            });
        let yaml_key = top_level && key.is_some_and(|rest| rest.starts_with(':'));
        let json_key = ["\"openapi\"", "\"swagger\""].iter().any(|k| {
            l.find(k)
                .is_some_and(|i| l[i + k.len()..].trim_start().starts_with(':'))
        });
        yaml_key || json_key
    })
}

/// Whether the bytes mention a spec's root key at all.
fn has_marker(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"openapi").is_some()
        || memchr::memmem::find(bytes, b"swagger").is_some()
}

/// What examining one file found.
enum Examined {
    Spec(Doc, Version),
    /// Parsed, not a spec: kept in case a spec references it.
    Other(Doc),
    /// Not parsed (no spec marker) or unparseable and not spec-like.
    Skipped,
}

/// Parse `path` if it might be a spec and classify it.
fn examine(
    path: &str,
    bytes: &Arc<[u8]>,
    blob: Option<BlobId>,
    may_be_spec: bool,
) -> Result<Examined, InputError> {
    if !may_be_spec {
        return Ok(Examined::Skipped);
    }
    // What is in place of the file says nothing of what it holds: it may well be a spec.
    if crate::text::is_lfs_pointer(bytes) {
        return Err(crate::text::lfs_pointer_error(path));
    }
    // Cheap filter first: most YAML in a repository (CI, k8s, compose) never says "openapi".
    // UTF-16 spells it with other bytes, so it is decoded first.
    let utf16 = crate::text::has_utf16_bom(bytes);
    if !utf16 && !has_marker(bytes) {
        // UTF-16 without a byte-order mark cannot be told from other bytes, but a spec's key
        // spelled that way can.
        if memchr::memmem::find(bytes, b"o\0p\0e\0n\0a\0p\0i\0").is_some() {
            return Err(InputError::in_file(
                path,
                "file looks like UTF-16 without a byte-order mark, which treaty cannot read",
            )
            .with_hint("save it as UTF-8 (or as UTF-16 with a byte-order mark)"));
        }
        return Ok(Examined::Skipped);
    }
    let text = match crate::text::decode(path, bytes) {
        Ok(text) if utf16 && !has_marker(text.as_bytes()) => return Ok(Examined::Skipped),
        Ok(text) => text,
        Err(e) => {
            return if looks_like_spec(&crate::text::lossy(bytes)) {
                Err(e)
            } else {
                Ok(Examined::Skipped)
            };
        }
    };
    let root = match tree::parse(path, &text) {
        Ok(root) => root,
        Err(e) if looks_like_spec(&text) => return Err(e.with_text(text)),
        Err(_) => return Ok(Examined::Skipped),
    };
    let doc = Doc::new(path, text, root, blob);
    match spec_version(&doc)? {
        Some(v) => match super::structure::check(&doc, v).into_iter().next() {
            Some(error) => Err(error),
            None => Ok(Examined::Spec(doc, v)),
        },
        None => Ok(Examined::Other(doc)),
    }
}

/// The version of a spec, `None` when the root has no `openapi`/`swagger` key.
fn spec_version(doc: &Doc) -> Result<Option<Version>, InputError> {
    if let Some((key, value)) = doc.root.get_entry("swagger") {
        let v = value.scalar_text(&doc.text).unwrap_or_default();
        return Err(InputError::at(
            format!("Swagger {v} is not supported: treaty reads OpenAPI 3.0 and 3.1"),
            doc.line_location(key),
            Some(doc.text.clone()),
        )
        .with_hint(
            "convert the spec to OpenAPI 3 (e.g. with swagger2openapi), or leave it out: add its \
             path to `ignore` in treaty.toml's [breaking] (read by `treaty breaking`) and [lint] \
             (`treaty lint`; `treaty check` reads both), or list the specs in [openapi] paths",
        ));
    }
    let Some((_, value)) = doc.root.get_entry("openapi") else {
        return Ok(None);
    };
    let text = value.scalar_text(&doc.text).unwrap_or_default();
    let version = if text == "3.0" || text.starts_with("3.0.") {
        Version::V30
    } else if text == "3.1" || text.starts_with("3.1.") {
        Version::V31
    } else {
        return Err(InputError::at(
            format!("OpenAPI version {text:?} is not supported: treaty reads 3.0.x and 3.1.x"),
            doc.location(value),
            Some(doc.text.clone()),
        ));
    };
    Ok(Some(version))
}

/// Load the specs of `snapshot` (every file of it may be one, subject to `filter`) and what
/// they reference; a referenced file missing from the snapshot comes from `fetch`.
pub fn load(
    snapshot: &Snapshot,
    filter: &SpecFilter,
    fetch: Fetch,
) -> Result<SpecSet, InputErrors> {
    let matcher = filter.matcher()?;
    let examined: Vec<(String, Result<Examined, InputError>)> = snapshot
        .files
        .par_iter()
        .filter(|(path, _)| is_yaml_or_json(path))
        .map(|(path, file)| {
            let may_be_spec = filter.under(path)
                && !filter.ignored.contains(path)
                && matcher
                    .as_ref()
                    .is_none_or(|m| m.is_match(path.trim_start_matches("./")));
            (
                path.clone(),
                examine(path, &file.bytes, Some(file.blob), may_be_spec),
            )
        })
        .collect();

    let mut errors = Vec::new();
    // A spec too large to read cannot be compared: refused, or its changes would pass unseen.
    for o in snapshot.oversized.values() {
        if !is_yaml_or_json(&o.path) || !filter.under(&o.path) {
            continue;
        }
        let is_spec = match &matcher {
            // The configuration says which files are specs: no need to look.
            Some(m) => m.is_match(o.path.trim_start_matches("./")),
            None => looks_like_spec(&crate::text::lossy(&o.head)),
        };
        if is_spec {
            errors.push(o.error().with_hint(TOO_LARGE_HINT));
        }
    }
    let mut set = SpecSet::default();
    // Parsed non-specs, by path, until a `$ref` asks for them.
    let mut others: BTreeMap<String, Doc> = BTreeMap::new();
    let mut spec_docs = Vec::new();
    for (path, result) in examined {
        match result {
            Ok(Examined::Spec(doc, version)) => spec_docs.push((doc, version)),
            Ok(Examined::Other(doc)) => {
                others.insert(path, doc);
            }
            Ok(Examined::Skipped) => {}
            Err(e) => errors.push(e),
        }
    }
    spec_docs.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    for (doc, version) in spec_docs {
        let index = set.docs.len();
        set.by_path.insert(doc.path.clone(), index);
        set.docs.push(Arc::new(doc));
        set.doc_version.push(version);
        set.specs.push(SpecEntry {
            doc: index,
            version,
            closure: Vec::new(),
        });
    }

    // Follow `$ref`s breadth-first, loading each referenced file once.
    let mut provide = |path: &str| -> Result<Option<Doc>, InputError> {
        if let Some(doc) = others.remove(path) {
            return Ok(Some(doc));
        }
        if let Some(o) = snapshot.oversized.get(path) {
            return Err(o.error().with_hint(TOO_LARGE_HINT));
        }
        let read = if let Some((link, unfollowed)) = snapshot.unfollowed_link(path) {
            // A link out of a directory read from disk may still end inside its boundary.
            let around = (unfollowed.why == Unfollowed::LeavesTree)
                .then(|| read_around(snapshot, path).ok().flatten())
                .flatten();
            Some(around.ok_or_else(|| InputError::new(unfollowed.explain(link)))?)
        } else if let Some(f) = snapshot.files.get(path) {
            Some((f.path.clone(), f.bytes.clone(), Some(f.blob)))
        } else {
            match fetch(path)? {
                Some(fetched) => Some(fetched),
                None => read_around(snapshot, path)?,
            }
        };
        let Some((_, bytes, blob)) = read else {
            return Ok(None);
        };
        let text = crate::text::decode(path, &bytes)?;
        let root = tree::parse(path, &text).map_err(|e| e.with_text(text.clone()))?;
        Ok(Some(Doc::new(path, text, root, blob)))
    };
    let before = errors.len();
    let boundary = snapshot.surroundings.as_ref().map(|s| s.boundary_name());
    let reach = match (&snapshot.surroundings, &boundary) {
        (Some(around), Some(boundary)) => refs::Reach {
            above: around.above(),
            boundary,
        },
        _ => refs::Reach::ROOT,
    };
    refs::resolve_all(&mut set, &mut provide, reach, &mut errors);
    // On disk a named file's neighbours are read; elsewhere it comes alone.
    if snapshot.files.len() == 1 && snapshot.surroundings.is_none() {
        // A single named file comes without its neighbours.
        for e in errors[before..].iter_mut() {
            if e.message.ends_with("not found") && e.hint.is_none() {
                e.hint = Some(
                    "a single file is compared without the files next to it: compare the \
                     directories that hold them (e.g. `treaty diff main:api api`)"
                        .into(),
                );
            }
        }
    }

    if errors.is_empty() {
        Ok(set)
    } else {
        errors.sort_by(|a, b| {
            let key = |e: &InputError| e.location().map(|l| (l.file.clone(), l.line, l.column));
            key(a).cmp(&key(b))
        });
        // A broken spec that another spec references fails twice, the same way.
        errors.dedup_by(|a, b| a.to_string() == b.to_string());
        Err(InputErrors(errors))
    }
}

/// A file around a side read from disk (next to a named file, or above the root), `None`
/// when there is none or the side is no directory on disk.
fn read_around(snapshot: &Snapshot, path: &str) -> Result<Option<Fetched>, InputError> {
    let Some(around) = &snapshot.surroundings else {
        return Ok(None);
    };
    match around.read(path)? {
        Some(Entry::File(file)) => Ok(Some((file.path, file.bytes, Some(file.blob)))),
        Some(Entry::Oversized(o)) => Err(o.error().with_hint(TOO_LARGE_HINT)),
        None => Ok(None),
    }
}

/// What to do about a spec or referenced file over the size limit.
pub const TOO_LARGE_HINT: &str = "split the spec into files joined by $ref, or leave it out \
                                  with [openapi] paths in treaty.toml";

/// A fetch that finds nothing (a snapshot holding every file).
pub fn no_fetch(_: &str) -> Result<Option<Fetched>, InputError> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn snapshot(files: &[(&str, &str)]) -> Snapshot {
        Snapshot::of_texts("test", files.iter().copied())
    }

    fn load_files(files: &[(&str, &str)]) -> Result<SpecSet, InputErrors> {
        load(&snapshot(files), &SpecFilter::default(), &no_fetch)
    }

    #[test]
    fn finds_specs_by_content_in_yaml_and_json() {
        let set = load_files(&[
            (
                "api/a.yaml",
                "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths: {}\n",
            ),
            ("api/b.json", "{\"paths\": {}, \"openapi\": \"3.1.0\"}"),
            ("ci.yml", "jobs: {build: {}}\n"),
            ("notes.yaml", "text: we use openapi\n"),
            ("broken.yaml", "a: [\n"),
        ])
        .unwrap();
        let specs: Vec<(&str, Version)> = set
            .specs
            .iter()
            .map(|s| (set.docs[s.doc].path.as_str(), s.version))
            .collect();
        assert_eq!(
            specs,
            [("api/a.yaml", Version::V30), ("api/b.json", Version::V31)]
        );
    }

    #[test]
    fn utf16_without_a_bom_is_refused_when_it_spells_openapi() {
        let utf16 = |text: &str| -> String {
            let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            String::from_utf8(units).unwrap()
        };
        let err = load_files(&[("a.yaml", &utf16("openapi: 3.0.3\npaths: {}\n"))])
            .err()
            .unwrap();
        assert_eq!(err.0[0].file(), Some("a.yaml"));
        assert!(err.0[0].message.contains("UTF-16"), "{err}");
        assert!(load_files(&[("b.yaml", &utf16("jobs: {}\n"))]).is_ok());
    }

    #[test]
    fn openapi_as_a_number_is_read_as_written() {
        let set = load_files(&[("a.yaml", "openapi: 3.0\npaths: {}\n")]).unwrap();
        assert_eq!(set.specs[0].version, Version::V30);
        let set = load_files(&[("a.yaml", "openapi: 3.1\npaths: {}\n")]).unwrap();
        assert_eq!(set.specs[0].version, Version::V31);
    }

    #[test]
    fn swagger_2_is_an_error_naming_file_and_line() {
        let err = load_files(&[("api/old.yaml", "info: {}\nswagger: \"2.0\"\n")])
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(
            text.starts_with("api/old.yaml:2:1: Swagger 2.0 is not supported"),
            "{text}"
        );
    }

    #[test]
    fn unsupported_openapi_version_is_an_error() {
        let err = load_files(&[("a.yaml", "openapi: 2.5.0\n")]).err().unwrap();
        assert!(
            err.to_string()
                .starts_with("a.yaml:1:10: OpenAPI version \"2.5.0\""),
            "{err}"
        );
    }

    #[test]
    fn broken_spec_is_an_error_but_broken_other_yaml_is_skipped() {
        let err = load_files(&[("a.yaml", "openapi: 3.0.0\npaths: [\n")])
            .err()
            .unwrap();
        assert!(err.to_string().starts_with("a.yaml:"), "{err}");
        let err = load_files(&[("a.json", "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n")])
            .err()
            .unwrap();
        assert!(err.to_string().starts_with("a.json:"), "{err}");
        // Mentions openapi, does not parse, is not spec-shaped: not ours.
        assert!(load_files(&[("b.yaml", "x: openapi [\n")]).is_ok());
    }

    #[test]
    fn globs_restrict_which_files_are_specs() {
        let files = [
            ("api/a.yaml", "openapi: 3.0.3\npaths: {}\n"),
            ("other/b.yaml", "openapi: 3.0.3\npaths: {}\n"),
            ("legacy/c.yaml", "swagger: '2.0'\n"),
        ];
        let filter = SpecFilter {
            globs: vec!["api/**/*.yaml".into()],
            ..SpecFilter::default()
        };
        let set = load(&snapshot(&files), &filter, &no_fetch).unwrap();
        assert_eq!(set.specs.len(), 1);
        assert_eq!(set.docs[set.specs[0].doc].path, "api/a.yaml");
    }

    #[test]
    fn a_single_file_with_outside_refs_gets_a_hint() {
        let err = load_files(&[(
            "a.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents: {schemas: {A: {$ref: 'b.yaml'}}}\n",
        )])
        .err()
        .unwrap();
        assert!(err.0[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("compare the directories"));
    }

    #[test]
    fn locations_span_the_node() {
        let set = load_files(&[("a.yaml", "openapi: 3.0.3\npaths:\n  /pets: {}\n")]).unwrap();
        let doc = &set.docs[0];
        let (key, _) = doc.root.get("paths").unwrap().as_map().unwrap()[0].clone();
        let loc = doc.location(&key);
        assert_eq!(
            (loc.line, loc.column, loc.end_line, loc.end_column),
            (3, 3, 3, 8)
        );
    }
}
