//! Where contract files come from: a directory, a file, a git revision or the staged index.
//! (Placeholder types; the full layer lands from the `source` branch.)
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct BlobId(pub [u8; 20]);

pub struct SourceFile {
    pub path: String,
    pub blob: BlobId,
    pub bytes: Arc<[u8]>,
}

pub struct Snapshot {
    pub label: String,
    pub files: BTreeMap<String, SourceFile>,
}

pub enum SourceSpec {
    Path(std::path::PathBuf),
    Revision { rev: String, path: Option<String> },
    Staged { path: Option<String> },
}

pub fn parse_spec(arg: &str) -> SourceSpec {
    SourceSpec::Path(arg.into())
}

pub type Filter<'a> = &'a (dyn Fn(&str) -> bool + Sync);

#[derive(Debug)]
pub struct SourceError(pub String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn walk(
    root: &std::path::Path,
    dir: &std::path::Path,
    filter: Filter,
    out: &mut BTreeMap<String, SourceFile>,
) -> Result<(), SourceError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| SourceError(format!("{}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(root, &path, filter, out)?;
            }
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if filter(&rel) {
            let bytes = std::fs::read(&path)
                .map_err(|e| SourceError(format!("{}: {e}", path.display())))?;
            out.insert(
                rel.clone(),
                SourceFile {
                    path: rel,
                    blob: BlobId([0; 20]),
                    bytes: bytes.into(),
                },
            );
        }
    }
    Ok(())
}

pub fn load(
    spec: &SourceSpec,
    _repo_dir: &std::path::Path,
    filter: Filter,
) -> Result<Snapshot, SourceError> {
    match spec {
        SourceSpec::Path(p) => {
            let mut files = BTreeMap::new();
            walk(p, p, filter, &mut files)?;
            Ok(Snapshot {
                label: p.display().to_string(),
                files,
            })
        }
        _ => Err(SourceError("git sources are not wired yet".into())),
    }
}

pub fn worktree_root(dir: &std::path::Path) -> Result<std::path::PathBuf, SourceError> {
    Ok(dir.to_path_buf())
}
