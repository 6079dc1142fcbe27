//! Snapshots of a directory or a single file on disk.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{
    BlobId, Entry, Filter, Oversized, Snapshot, SourceError, SourceFile, Surroundings, Unfollowed,
    UnfollowedLink, MAX_FILE_BYTES, OVERSIZED_HEAD_BYTES,
};

/// Directories that never hold contract sources but can be huge (VCS data, build output,
/// vendored JS); hidden directories are skipped as well.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// The files of `path` as a listing: a directory in a git work tree is listed with the blob ids
/// its index vouches for and read on demand (see [`super::worktree`]); anything else is read
/// at once. Files around it are read on demand, within the boundary found from `cwd` (see
/// [`Surroundings`]).
pub(super) fn list(path: &Path, cwd: &Path, filter: Filter) -> Result<super::Listing, SourceError> {
    let is_dir = fs::metadata(path).is_ok_and(|m| m.is_dir());
    let root = match (is_dir, path.parent()) {
        (true, _) => path,
        (false, Some(parent)) if !parent.as_os_str().is_empty() => parent,
        (false, _) => Path::new("."),
    };
    let surroundings = Surroundings::of(root, cwd).map(Arc::new);
    let Some(index) = is_dir
        .then(|| super::worktree::IndexStat::of_dir(path))
        .flatten()
    else {
        let mut snapshot = load(path, filter)?;
        snapshot.surroundings = surroundings;
        return Ok(super::Listing::loaded(snapshot));
    };
    let found = walk_dir(path, filter)?;
    let label = path.display().to_string();
    let mut listed = super::worktree::WorktreeFiles::list(label, found, &index)?;
    listed.surroundings = surroundings;
    Ok(super::Listing::worktree(listed))
}

/// The files under directory `path` that pass `filter`, the submodules checked out in it and
/// the links not followed.
fn walk_dir(path: &Path, filter: Filter) -> Result<Walked, SourceError> {
    let root = fs::canonicalize(path).map_err(|e| io_or_missing(path, e))?;
    let mut found = Walked::default();
    let mut visited = HashSet::new();
    visited.insert(root.clone());
    walk(path, &root, "", &root, &mut visited, filter, &mut found)?;
    Ok(found)
}

pub(super) fn load(path: &Path, filter: Filter) -> Result<Snapshot, SourceError> {
    let label = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| io_or_missing(path, e))?;
    if meta.is_file() {
        // An explicitly named file is kept whatever the filter says (see `Filter`).
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| label.clone());
        let file = read_file(name, path)?.named()?;
        return Ok(Snapshot::from_reads(label, [Entry::File(file)]));
    }

    let found = walk_dir(path, filter)?;
    let read: Vec<Entry> = found
        .files
        .into_par_iter()
        .map(|(rel, abs)| read_file(rel, &abs))
        .collect::<Result<_, _>>()?;
    let mut snapshot = Snapshot::from_reads(label, read);
    snapshot.submodules = found.submodules;
    snapshot.links = found.links;
    Ok(snapshot)
}

/// What a walk found.
#[derive(Default)]
pub(super) struct Walked {
    /// `(relative path, path to read)` of each file.
    pub(super) files: Vec<(String, PathBuf)>,
    /// Directories that are git checkouts of their own (submodules), with the commit checked
    /// out: a git revision holds that commit in their place, not their files.
    pub(super) submodules: BTreeMap<String, Option<String>>,
    /// Links not followed, so that a reference to one says why it cannot be read.
    pub(super) links: BTreeMap<String, UnfollowedLink>,
}

/// The commit checked out in `dir`, when it is a repository of its own (a `.git` file or
/// directory in it); `Some(None)` when that commit cannot be read.
fn checkout_commit(dir: &Path) -> Option<Option<String>> {
    fs::symlink_metadata(dir.join(".git")).ok()?;
    let repo = gix::open(dir).ok();
    Some(repo.and_then(|r| r.head_id().ok().map(|id| id.to_string())))
}

/// Collects `(relative path, path to read)` for files under `dir`.
///
/// `dir` is the path as the user spelled it (for messages), `canon` its canonical form, used to
/// keep symlinks from leading outside `root` or around in circles.
fn walk(
    dir: &Path,
    canon: &Path,
    rel: &str,
    root: &Path,
    visited: &mut HashSet<PathBuf>,
    filter: Filter,
    out: &mut Walked,
) -> Result<(), SourceError> {
    let mut entries = fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| io_err(dir, e))?;
    // Sorted so that which of two paths to the same directory wins is deterministic.
    entries.sort_by_key(|e| e.file_name());

    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let file_type = entry.file_type().map_err(|e| io_err(&path, e))?;

        let (is_dir, child_canon) = if file_type.is_symlink() {
            // Dangling links and links leaving the walked directory are not followed: the
            // snapshot must not depend on files outside what the user pointed at. They are
            // kept aside, so that a reference to one says why it cannot be read.
            let unfollowed = |why| {
                let target = fs::read_link(&path).unwrap_or_default();
                let target = target.to_string_lossy().into_owned();
                UnfollowedLink { target, why }
            };
            let target = match fs::canonicalize(&path) {
                Ok(target) => target,
                Err(e) => {
                    let why = match e.kind() {
                        std::io::ErrorKind::NotFound => Unfollowed::Dangling,
                        _ => Unfollowed::Unresolvable,
                    };
                    out.links.insert(child_rel, unfollowed(why));
                    continue;
                }
            };
            if !target.starts_with(root) {
                let link = unfollowed(Unfollowed::LeavesTree);
                out.links.insert(child_rel, link);
                continue;
            }
            let Ok(meta) = fs::metadata(&target) else {
                continue;
            };
            if meta.is_dir() {
                (true, target)
            } else if meta.is_file() {
                (false, target)
            } else {
                continue;
            }
        } else if file_type.is_dir() {
            (true, canon.join(&name))
        } else if file_type.is_file() {
            (false, canon.join(&name))
        } else {
            // Sockets, fifos, devices: nothing to read.
            continue;
        };

        if is_dir {
            if name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_str()) {
                continue;
            }
            // A directory reached twice (through a symlink) is walked once: a cycle would never
            // end, and duplicate copies of the same contracts would clash downstream.
            if !visited.insert(child_canon.clone()) {
                continue;
            }
            // Still walked: its files are on disk, and may be imports of the rest.
            if let Some(commit) = checkout_commit(&path) {
                out.submodules.insert(child_rel.clone(), commit);
            }
            walk(&path, &child_canon, &child_rel, root, visited, filter, out)?;
        } else if filter(&child_rel) {
            out.files.push((child_rel, path));
        }
    }
    Ok(())
}

pub(super) fn read_file(rel: String, path: &Path) -> Result<Entry, SourceError> {
    let mut file = fs::File::open(path).map_err(|e| io_err(path, e))?;
    let size = file.metadata().map_err(|e| io_err(path, e))?.len();
    let oversized = |size, head: &[u8]| {
        Entry::Oversized(Oversized {
            path: rel.clone(),
            shown: path.display().to_string(),
            size,
            head: Arc::from(&head[..head.len().min(OVERSIZED_HEAD_BYTES)]),
        })
    };
    if size > MAX_FILE_BYTES {
        let mut head = Vec::with_capacity(OVERSIZED_HEAD_BYTES);
        (&mut file)
            .take(OVERSIZED_HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| io_err(path, e))?;
        return Ok(oversized(size, &head));
    }
    let bytes = read_sized(&mut file, size as usize).map_err(|e| io_err(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(oversized(bytes.len() as u64, &bytes));
    }
    Ok(Entry::File(SourceFile {
        path: rel,
        blob: BlobId::of_bytes(&bytes),
        bytes,
    }))
}

/// The bytes of a file of `size` bytes, read straight into their shared buffer (making it from
/// a `Vec` copied every file once more). Bounded: what a file grew by between the size check
/// and the read is read on up to one byte over the limit, which the caller then refuses.
fn read_sized(file: &mut fs::File, size: usize) -> std::io::Result<Arc<[u8]>> {
    let mut bytes: Arc<[u8]> = std::iter::repeat_n(0, size).collect();
    let buffer = Arc::get_mut(&mut bytes).expect("a buffer just made has one owner");
    let mut filled = 0;
    while filled < size {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => return Ok(Arc::from(&bytes[..filled])),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut more = Vec::new();
    file.take(MAX_FILE_BYTES + 1 - size as u64)
        .read_to_end(&mut more)?;
    if more.is_empty() {
        return Ok(bytes);
    }
    Ok(bytes.iter().chain(&more).copied().collect())
}

pub(super) fn io_err(path: &Path, source: std::io::Error) -> SourceError {
    SourceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn io_or_missing(path: &Path, source: std::io::Error) -> SourceError {
    if source.kind() == std::io::ErrorKind::NotFound {
        SourceError::PathNotFound {
            path: path.to_path_buf(),
        }
    } else {
        io_err(path, source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(_: &str) -> bool {
        true
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn walk_skips_vcs_build_and_hidden_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(&d.join("a.proto"), "a");
        write(&d.join("sub/b.proto"), "b");
        write(&d.join(".git/config.proto"), "x");
        write(&d.join(".hidden/c.proto"), "x");
        write(&d.join("target/d.proto"), "x");
        write(&d.join("node_modules/e.proto"), "x");
        write(&d.join(".keep.proto"), "hidden file, kept");
        write(&d.join("sub/readme.md"), "filtered");

        let snap = load(d, &|p: &str| p.ends_with(".proto")).unwrap();
        let paths: Vec<_> = snap.files.keys().cloned().collect();
        assert_eq!(paths, [".keep.proto", "a.proto", "sub/b.proto"]);
        assert_eq!(&*snap.files["sub/b.proto"].bytes, b"b");
        assert_eq!(snap.files["a.proto"].blob, BlobId::of_bytes(b"a"));
    }

    #[test]
    fn single_file_is_named_by_file_name_and_ignores_filter() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("deep/api.yml");
        write(&f, "openapi: 3.0.0\n");
        let snap = load(&f, &|_: &str| false).unwrap();
        assert_eq!(snap.files.keys().collect::<Vec<_>>(), ["api.yml"]);
        assert_eq!(snap.label, f.display().to_string());
    }

    #[test]
    fn missing_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = load(&missing, &all).err().unwrap();
        assert!(matches!(err, SourceError::PathNotFound { .. }));
        assert_eq!(
            err.to_string(),
            format!("'{}' does not exist", missing.display())
        );
    }

    #[test]
    fn too_large_files_are_handed_on_unread_unless_named() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("a.proto"), "a");
        for name in ["big.proto", "dump.json"] {
            // Sparse file: no 256 MiB actually written.
            fs::File::create(dir.path().join(name))
                .unwrap()
                .set_len(MAX_FILE_BYTES + 1)
                .unwrap();
        }
        let snapshot = load(dir.path(), &all).unwrap();
        assert_eq!(snapshot.files.keys().collect::<Vec<_>>(), ["a.proto"]);
        let big = &snapshot.oversized["big.proto"];
        assert_eq!(big.size, MAX_FILE_BYTES + 1);
        let msg = big.to_string();
        assert!(
            msg.contains("big.proto") && msg.contains("256 MiB"),
            "{msg}"
        );
        assert!(snapshot.oversized.contains_key("dump.json"));
        // Named on its own, it is all there is to compare: an error.
        let err = load(&dir.path().join("dump.json"), &all).err().unwrap();
        assert!(err.to_string().contains("dump.json"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_inside_followed_outside_skipped_cycles_cut() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        write(&outside.path().join("secret.proto"), "outside");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(&d.join("real/a.proto"), "a");
        symlink(outside.path(), d.join("out")).unwrap();
        symlink(outside.path().join("secret.proto"), d.join("s.proto")).unwrap();
        symlink(d.join("real/a.proto"), d.join("link.proto")).unwrap();
        symlink(d, d.join("real/loop")).unwrap();
        symlink(d.join("nowhere"), d.join("dangling.proto")).unwrap();

        let snap = load(d, &all).unwrap();
        let paths: Vec<_> = snap.files.keys().cloned().collect();
        assert_eq!(paths, ["link.proto", "real/a.proto"]);
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_file_is_named() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("locked.proto");
        write(&f, "x");
        fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads anything; then there is nothing to test.
        if fs::read(&f).is_ok() {
            return;
        }
        let msg = load(dir.path(), &all).err().unwrap().to_string();
        assert!(msg.contains("locked.proto"), "{msg}");
    }
}
