//! From a snapshot of files to a linked `ProtoSet`: select the `.proto` files under the
//! roots, parse them in parallel, add bundled imports the tree lacks, then link.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::ast::Span;
use super::link;
use super::model::{ProtoSet, SourceProto};
use super::parser;
use crate::diag::{InputError, InputErrors};
use crate::source::Snapshot;

/// Where import paths start, and what to leave out, relative to the snapshot root.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// `"."` (or `""`) for the snapshot root itself.
    pub roots: Vec<String>,
    pub excludes: Vec<String>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            roots: vec![".".into()],
            excludes: Vec::new(),
        }
    }
}

fn normalize_dir(dir: &str) -> String {
    let trimmed = dir.trim_start_matches("./").trim_end_matches('/');
    if trimmed == "." {
        String::new()
    } else {
        trimmed.to_string()
    }
}

fn under(path: &str, dir: &str) -> bool {
    dir.is_empty() || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

impl Layout {
    /// Where a file with `import_path` would be, under each root in order (whether or not an
    /// exclude leaves it out).
    pub fn candidate_paths<'a>(
        &'a self,
        import_path: &'a str,
    ) -> impl Iterator<Item = String> + 'a {
        self.roots
            .iter()
            .map(move |root| match normalize_dir(root).as_str() {
                "" => import_path.to_string(),
                root => format!("{root}/{import_path}"),
            })
    }

    /// The import path of a `.proto` this layout compares, `None` for any other file.
    fn proto_import_path<'p>(&self, path: &'p str) -> Option<&'p str> {
        path.ends_with(".proto")
            .then(|| self.import_path(path))
            .flatten()
    }

    /// The import path of a snapshot path, or `None` when it is outside every root or excluded.
    pub fn import_path<'p>(&self, path: &'p str) -> Option<&'p str> {
        if self.excludes.iter().any(|e| under(path, &normalize_dir(e))) {
            return None;
        }
        self.roots
            .iter()
            .map(|r| normalize_dir(r))
            .filter(|r| under(path, r))
            .max_by_key(|r| r.len())
            .map(|r| {
                if r.is_empty() {
                    path
                } else {
                    &path[r.len() + 1..]
                }
            })
    }
}

/// What to do about a `.proto` over the size limit.
pub const TOO_LARGE_HINT: &str =
    "split the file, or leave it out with [proto] excludes in treaty.toml";

/// Embedded `google/protobuf/*` and `google/api/*` files.
fn bundled(import_path: &str) -> Option<&'static str> {
    crate::embedded::BUNDLED_PROTOS
        .iter()
        .find(|(path, _)| *path == import_path)
        .map(|(_, text)| *text)
}

fn parse_one(
    import_path: &str,
    display: String,
    text: Arc<str>,
    blob: Option<crate::source::BlobId>,
    is_context: bool,
) -> Result<SourceProto, InputError> {
    match parser::parse(import_path, &text) {
        Ok(ast) => Ok(SourceProto {
            ast,
            display,
            text,
            lines: Default::default(),
            blob,
            context: is_context,
        }),
        Err(e) => {
            let proto = SourceProto {
                ast: super::ast::ProtoFile {
                    path: import_path.to_string(),
                    syntax: super::ast::Syntax::Proto2,
                    syntax_span: None,
                    package: None,
                    imports: vec![],
                    options: vec![],
                    messages: vec![],
                    enums: vec![],
                    services: vec![],
                    extends: vec![],
                    leading_comments: vec![],
                },
                display,
                text: text.clone(),
                lines: Default::default(),
                blob,
                context: is_context,
            };
            Err(InputError::at(
                e.message,
                proto.location(e.span),
                Some(text),
            ))
        }
    }
}

/// Parse and link every `.proto` of `snapshot` selected by `layout`.
pub fn load(snapshot: &Snapshot, layout: &Layout) -> Result<ProtoSet, InputErrors> {
    load_with(snapshot, layout, &|_: &str| Ok(None))
}

/// A file outside the compared set, supplied to satisfy an import: its display path and bytes.
pub type Fetched = (String, Arc<[u8]>, Option<crate::source::BlobId>);

/// Like [`load`], but imports missing from `snapshot` are asked of `fetch` (by import path)
/// before the bundled files: they are loaded as context, linked against but never compared.
/// `fetch` answers `None` for an import it does not have, an error for one it cannot read.
pub fn load_with(
    snapshot: &Snapshot,
    layout: &Layout,
    fetch: &dyn Fn(&str) -> Result<Option<Fetched>, InputError>,
) -> Result<ProtoSet, InputErrors> {
    let selected: Vec<(&str, &crate::source::SourceFile)> = snapshot
        .files
        .values()
        .filter_map(|f| layout.proto_import_path(&f.path).map(|ip| (ip, f)))
        .collect();

    // The largest files first, one task each: a file of a few MB parses longer than hundreds
    // of small ones, and taken up last it would leave the other threads idle.
    let mut order: Vec<usize> = (0..selected.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(selected[i].1.bytes.len()));
    let mut parsed: Vec<(usize, Result<SourceProto, InputError>)> = order
        .into_par_iter()
        .with_max_len(1)
        .map(|i| {
            let (import_path, file) = selected[i];
            let parsed = crate::text::decode(&file.path, &file.bytes).and_then(|text| {
                parse_one(import_path, file.path.clone(), text, Some(file.blob), false)
            });
            (i, parsed)
        })
        .collect();
    parsed.sort_unstable_by_key(|(i, _)| *i);
    let parsed = parsed.into_iter().map(|(_, result)| result);

    // A `.proto` too large to read is one this load would compare: leaving it out could hide
    // a breaking change, so it is an error. (Oversized files of other kinds are not ours.)
    let mut errors: Vec<InputError> = snapshot
        .oversized
        .values()
        .filter(|o| layout.proto_import_path(&o.path).is_some())
        .map(|o| o.error().with_hint(TOO_LARGE_HINT))
        .collect();
    let mut files = Vec::with_capacity(selected.len());
    let mut by_path: HashMap<String, usize> = HashMap::new();
    for result in parsed {
        match result {
            Ok(file) => {
                if let Some(&first) = by_path.get(&file.ast.path) {
                    let other: &SourceProto = &files[first];
                    errors.push(InputError::new(format!(
                        "{} and {} have the same import path {:?}: two roots overlap",
                        other.display, file.display, file.ast.path
                    )));
                    continue;
                }
                by_path.insert(file.ast.path.clone(), files.len());
                files.push(file);
            }
            Err(e) => errors.push(e),
        }
    }

    // Bundled imports the tree does not have, and their own imports.
    let mut next = 0;
    while next < files.len() {
        let imports: Vec<(String, Span)> = files[next]
            .ast
            .imports
            .iter()
            .map(|i| (i.path.clone(), i.path_span))
            .collect();
        for (path, span) in imports {
            if by_path.contains_key(&path) {
                continue;
            }
            let fetched = match fetch(&path) {
                Ok(fetched) => fetched,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if let Some((display, bytes, blob)) = fetched {
                match crate::text::decode(&display, &bytes)
                    .and_then(|text| parse_one(&path, display, text, blob, true))
                {
                    Ok(file) => {
                        by_path.insert(path, files.len());
                        files.push(file);
                    }
                    Err(e) => errors.push(e),
                }
            } else if let Some(text) = bundled(&path) {
                let display = format!("<bundled>/{path}");
                match parse_one(&path, display, Arc::from(text), None, true) {
                    Ok(file) => {
                        by_path.insert(path, files.len());
                        files.push(file);
                    }
                    Err(e) => errors.push(e),
                }
            } else if let Some(why) = unfollowed_link(snapshot, layout, &path) {
                let importer = &files[next];
                let message = format!("import {path:?}: {why}");
                errors.push(InputError::at(
                    message,
                    importer.location(span),
                    Some(importer.text.clone()),
                ));
            } else {
                let importer = &files[next];
                let error = InputError::at(
                    format!("import {path:?} was not found (it is neither in the compared tree nor bundled with treaty)"),
                    importer.location(span),
                    Some(importer.text.clone()),
                );
                errors.push(match root_that_would_find(&by_path, &path) {
                    Some(root) => error.with_hint(format!(
                        "{root}/{path} is in the tree, and imports are found from the \
                         import roots: declare `{root}` as one in treaty.toml with \
                         `[proto] roots = [\"{root}\"]`"
                    )),
                    None => error,
                });
            }
        }
        next += 1;
    }

    if errors.is_empty() {
        errors.extend(import_cycles(&files, &by_path));
    }
    let mut set = ProtoSet { files, by_path };
    if errors.is_empty() {
        errors.extend(link::link(&mut set));
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        errors.sort_by(|a, b| a.location().cmp(&b.location()));
        Err(InputErrors(errors))
    }
}

/// Imports that close a cycle (protoc and buf refuse them; a file importing itself is the
/// shortest), each an error at the import that closes it, naming the whole cycle. A depth-first
/// walk with an explicit stack: an import chain thousands of files long must not overflow.
fn import_cycles(files: &[SourceProto], by_path: &HashMap<String, usize>) -> Vec<InputError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; files.len()];
    let mut errors = Vec::new();
    for start in 0..files.len() {
        if state[start] != State::New {
            continue;
        }
        // (file, index of its next import to follow); the stack is the current import path.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = State::OnPath;
        while let Some(&mut (file, ref mut next)) = stack.last_mut() {
            let imports = &files[file].ast.imports;
            let Some(import) = imports.get(*next) else {
                state[file] = State::Done;
                stack.pop();
                continue;
            };
            *next += 1;
            let Some(&target) = by_path.get(&import.path) else {
                continue;
            };
            match state[target] {
                State::New => {
                    state[target] = State::OnPath;
                    stack.push((target, 0));
                }
                State::OnPath => {
                    let from = stack.iter().position(|&(f, _)| f == target).unwrap_or(0);
                    let mut cycle: Vec<&str> = stack[from..]
                        .iter()
                        .map(|&(f, _)| files[f].ast.path.as_str())
                        .collect();
                    cycle.push(&files[target].ast.path);
                    let importer = &files[file];
                    let message = if cycle.len() == 2 {
                        format!("{} imports itself", importer.ast.path)
                    } else {
                        format!("import cycle: {}", cycle.join(" -> "))
                    };
                    errors.push(
                        InputError::at(
                            message,
                            importer.location(import.path_span),
                            Some(importer.text.clone()),
                        )
                        .with_hint(
                            "protoc and buf refuse import cycles: move what the files share \
                             into a file both import",
                        ),
                    );
                }
                State::Done => {}
            }
        }
    }
    errors
}

/// Why an import the tree lacks is a symbolic link treaty does not follow, under the first root
/// where it is one.
fn unfollowed_link(snapshot: &Snapshot, layout: &Layout, import_path: &str) -> Option<String> {
    layout.roots.iter().find_map(|root| {
        let root = normalize_dir(root);
        let path = match root.is_empty() {
            true => import_path.to_string(),
            false => format!("{root}/{import_path}"),
        };
        let (link, unfollowed) = snapshot.unfollowed_link(&path)?;
        Some(unfollowed.explain(link))
    })
}

/// The directory under which a missing import is in the tree (`proto` when `a/b.proto` is
/// missing and `proto/a/b.proto` is loaded): a root the configuration lacks.
fn root_that_would_find(by_path: &HashMap<String, usize>, missing: &str) -> Option<String> {
    let suffix = format!("/{missing}");
    let mut roots: Vec<&str> = (by_path.keys())
        .filter_map(|loaded| loaded.strip_suffix(&suffix))
        .collect();
    // The shortest, then by name: one answer whatever the map's order.
    roots.sort_by_key(|root| (root.len(), *root));
    roots.first().map(|root| root.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_are_relative_to_the_longest_root() {
        let layout = Layout {
            roots: vec![".".into(), "proto".into()],
            excludes: vec!["proto/google/protobuf".into()],
        };
        assert_eq!(layout.import_path("proto/a/b.proto"), Some("a/b.proto"));
        assert_eq!(layout.import_path("other/c.proto"), Some("other/c.proto"));
        assert_eq!(layout.import_path("proto/google/protobuf/any.proto"), None);
        assert_eq!(layout.import_path("protox/d.proto"), Some("protox/d.proto"));
    }
}
