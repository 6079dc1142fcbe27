//! Where contract files come from: a directory, a file, a git revision or the staged index.
//!
//! Every side of a comparison becomes a [`Snapshot`]: root-relative paths mapped to bytes and
//! their git blob id, so that files unchanged between two snapshots can be skipped cheaply.
//! Git data is read through gix (no `git` subprocess, no checkout).
//!
//! Which files are contracts is none of this module's business: it yields paths, bytes and blob
//! ids, and hands files too large to read on as [`Oversized`] for the loaders to judge.

mod disk;
mod error;
mod git;
mod surroundings;
mod worktree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{shallow_fix, SourceError};
pub use surroundings::Surroundings;

/// Contract files are text; anything bigger than this is a mistake (a vendored binary, a dump)
/// that would only waste memory, so it is never read. A file named on its own that big is an
/// error ([`SourceError::TooLarge`]); one found in a directory or tree is handed on as
/// [`Oversized`]. The largest real specs fit: Microsoft Graph beta is 74 MB pretty-printed
/// (linting it peaks at 324 MB of memory, comparing it with a 62 MB version at 486 MB), so a
/// file at the limit costs about 1 GiB to lint.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// How much of an oversized file is kept: enough for a loader to see what the file means to be
/// (an `openapi` key comes first in a spec, after at most a comment header).
pub const OVERSIZED_HEAD_BYTES: usize = 16 * 1024;

/// A file over [`MAX_FILE_BYTES`] found in a directory or tree: listed, not read. Whether that
/// matters is the loaders' call: a contract too large to read is an error, while repositories
/// also keep large data files that are nobody's contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Oversized {
    /// Relative to the snapshot root, like [`SourceFile::path`].
    pub path: String,
    /// Where the file is, as messages name it: `main:api/big.proto`, `api/big.proto`.
    pub shown: String,
    pub size: u64,
    /// Its first [`OVERSIZED_HEAD_BYTES`] (fewer when it could not be read cheaply: a git blob
    /// over 1 GiB is not inflated just to look at its start).
    pub head: Arc<[u8]>,
}

impl Oversized {
    /// The error for a contract this large: exit 2 naming the file.
    pub fn error(&self) -> crate::diag::InputError {
        crate::diag::InputError::in_file(
            &self.shown,
            format!(
                "file is {} bytes, larger than the {} MiB limit for a contract file",
                self.size,
                MAX_FILE_BYTES >> 20
            ),
        )
    }
}

/// `'main:big.proto' is 70000000 bytes, larger than the 256 MiB limit for a contract file`.
impl std::fmt::Display for Oversized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        error::too_large(f, &self.shown, self.size)
    }
}

/// A symbolic link a snapshot holds but does not follow: a reference to its path cannot be
/// read, and says why instead of "not found".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnfollowedLink {
    /// Where it points, as the link says.
    pub target: String,
    pub why: Unfollowed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unfollowed {
    /// It leads out of the directory or tree compared: what is there is no part of it.
    LeavesTree,
    /// Nothing is there.
    Dangling,
    /// It cannot be resolved: a loop, or a directory on the way that cannot be read.
    Unresolvable,
    /// Git stores a link as the path it points to; a revision is read without a checkout, and
    /// links in it are not resolved.
    InRevision,
}

impl UnfollowedLink {
    /// Why the file at `path`, this link, cannot be read.
    pub fn explain(&self, path: &str) -> String {
        let target = &self.target;
        match self.why {
            Unfollowed::LeavesTree => format!(
                "`{path}` is a symbolic link to `{target}`, outside the compared tree: treaty \
                 does not follow links out of it"
            ),
            Unfollowed::Dangling => {
                format!("`{path}` is a symbolic link to `{target}`, which does not exist")
            }
            Unfollowed::Unresolvable => format!(
                "`{path}` is a symbolic link to `{target}`, which cannot be resolved (a loop of \
                 links, or a directory that cannot be read)"
            ),
            Unfollowed::InRevision => format!(
                "`{path}` is a symbolic link to `{target}`: treaty does not follow symbolic \
                 links in a git revision"
            ),
        }
    }
}

/// What reading one listed file gave.
pub(crate) enum Entry {
    File(SourceFile),
    Oversized(Oversized),
}

impl Entry {
    /// For a file named on its own: there is nothing else to compare, so too large is an error.
    pub(crate) fn named(self) -> Result<SourceFile, SourceError> {
        match self {
            Entry::File(file) => Ok(file),
            Entry::Oversized(o) => Err(SourceError::TooLarge {
                path: o.shown,
                size: o.size,
            }),
        }
    }
}

/// Git blob id (sha1), used to skip files unchanged between two snapshots.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct BlobId(pub [u8; 20]);

impl BlobId {
    /// The blob id git would give `bytes` (`git hash-object`), so that a file on disk can be
    /// compared with a committed blob without reading the latter.
    pub fn of_bytes(bytes: &[u8]) -> BlobId {
        // Fails only on a detected sha1 collision attack; the zero id then equals no real blob.
        gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes)
            .ok()
            .and_then(|id| BlobId::from_oid(&id))
            .unwrap_or(BlobId([0; 20]))
    }

    pub(crate) fn from_oid(id: &gix::oid) -> Option<BlobId> {
        id.as_bytes().try_into().ok().map(BlobId)
    }
}

impl std::fmt::Display for BlobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// One contract file of a snapshot.
pub struct SourceFile {
    /// Relative to the snapshot root, '/' separators, no leading "./".
    pub path: String,
    /// The git blob id of `bytes` (computed for disk files, read from the tree for git ones).
    pub blob: BlobId,
    pub bytes: Arc<[u8]>,
}

/// The files of one side of a comparison.
pub struct Snapshot {
    /// For messages: "main:proto", "the work tree", "the staged index", "old/".
    pub label: String,
    pub files: BTreeMap<String, SourceFile>,
    /// Files too large to read, by path (not in `files`).
    pub oversized: BTreeMap<String, Oversized>,
    /// Submodules by path, with the commit each points at. In a git tree or the index a
    /// submodule is that commit alone, its files absent; on disk it is a checked-out directory
    /// read like any other, with the commit checked out (`None` when that cannot be read).
    pub submodules: BTreeMap<String, Option<String>>,
    /// Symbolic links not followed, by path (not in `files`).
    pub links: BTreeMap<String, UnfollowedLink>,
    /// For a side on disk: where files it does not hold may be read (`$ref`s to neighbours).
    pub surroundings: Option<Arc<Surroundings>>,
}

impl Snapshot {
    /// A snapshot of files held in memory (path, contents), for tests and library callers
    /// that have no directory or repository to read.
    pub fn of_texts<P: Into<String>, T: AsRef<[u8]>>(
        label: &str,
        files: impl IntoIterator<Item = (P, T)>,
    ) -> Snapshot {
        let files = files.into_iter().map(|(path, text)| {
            let (path, bytes) = (path.into(), text.as_ref());
            let file = SourceFile {
                path: path.clone(),
                blob: BlobId::of_bytes(bytes),
                bytes: Arc::from(bytes),
            };
            (path, file)
        });
        Snapshot {
            label: label.to_string(),
            files: files.collect(),
            oversized: BTreeMap::new(),
            submodules: BTreeMap::new(),
            links: BTreeMap::new(),
            surroundings: None,
        }
    }

    /// The symbolic link this snapshot does not follow at `path` or at a directory above it,
    /// with the link's path.
    pub fn unfollowed_link(&self, path: &str) -> Option<(&str, &UnfollowedLink)> {
        link_at_or_above(&self.links, path)
    }

    /// A snapshot of files read (or found too large) in any order.
    pub(crate) fn from_reads(label: String, reads: impl IntoIterator<Item = Entry>) -> Snapshot {
        let mut snapshot = Snapshot {
            label,
            files: BTreeMap::new(),
            oversized: BTreeMap::new(),
            submodules: BTreeMap::new(),
            links: BTreeMap::new(),
            surroundings: None,
        };
        for read in reads {
            match read {
                Entry::File(f) => {
                    snapshot.files.insert(f.path.clone(), f);
                }
                Entry::Oversized(o) => {
                    snapshot.oversized.insert(o.path.clone(), o);
                }
            }
        }
        snapshot
    }
}

fn link_at_or_above<'l>(
    links: &'l BTreeMap<String, UnfollowedLink>,
    path: &str,
) -> Option<(&'l str, &'l UnfollowedLink)> {
    if links.is_empty() {
        return None;
    }
    let ancestors = path.match_indices('/').map(|(i, _)| &path[..i]);
    (ancestors.chain([path])).find_map(|p| links.get_key_value(p).map(|(k, l)| (k.as_str(), l)))
}

/// Where a side of a comparison comes from. [`parse_spec`] turns a CLI argument into one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceSpec {
    /// A directory or a single file on disk.
    Path(PathBuf),
    /// `main`, `HEAD~1`, `v4:proto`, `abc123:api/openapi.yaml`.
    Revision { rev: String, path: Option<String> },
    /// The index of the repository (pre-commit).
    Staged { path: Option<String> },
}

/// Which files to keep (called with the root-relative path); lets callers restrict to
/// `*.proto`, `*.yaml`, `*.json` or globs without reading other blobs.
///
/// A single file named explicitly (`old.proto`, `main:api/openapi.yml`) is kept whatever the
/// filter says: the user asked for it, and dropping it would silently compare nothing.
pub type Filter<'a> = &'a (dyn Fn(&str) -> bool + Sync);

/// `main:proto` -> Revision; an existing path on disk -> Path (even if it contains ':');
/// otherwise a string with ':' whose left side is non-empty -> Revision; else Path.
///
/// A string without ':' that is not on disk stays a Path, so a typo in a directory name is
/// reported as a missing path rather than as an unknown revision.
pub fn parse_spec(arg: &str) -> SourceSpec {
    if Path::new(arg).exists() {
        return SourceSpec::Path(PathBuf::from(arg));
    }
    match split_rev_path(arg) {
        Some((rev, path)) if !rev.is_empty() && !looks_like_drive(rev, path) => {
            SourceSpec::Revision {
                rev: rev.to_string(),
                path: (!path.is_empty()).then(|| path.to_string()),
            }
        }
        _ => SourceSpec::Path(PathBuf::from(arg)),
    }
}

/// Splits at the first ':' outside `@{...}`, since reflog selectors such as
/// `main@{2024-01-01 10:00}` contain colons of their own.
fn split_rev_path(arg: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (i, c) in arg.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return Some((&arg[..i], &arg[i + 1..])),
            _ => {}
        }
    }
    None
}

/// `C:\api` or `C:/api` that does not exist is a Windows path, not revision `C`.
fn looks_like_drive(rev: &str, path: &str) -> bool {
    rev.len() == 1
        && rev.as_bytes()[0].is_ascii_alphabetic()
        && (path.starts_with('\\') || path.starts_with('/'))
}

/// Loads the files of `spec`, keeping those passing `filter`.
///
/// `repo_dir` is where the repository is discovered for revisions and the index (upwards, like
/// git); `Path` specs are read as given (relative to the current directory), and `repo_dir`
/// bounds what their `$ref`s may reach when they are in no git work tree.
pub fn load(spec: &SourceSpec, repo_dir: &Path, filter: Filter) -> Result<Snapshot, SourceError> {
    list(spec, repo_dir, filter)?.read_all()
}

/// Lists the files of `spec` with their blob ids; git blobs are read only when asked for, so a
/// comparison can skip what did not change. Disk files are read (and hashed) at once.
pub fn list(spec: &SourceSpec, repo_dir: &Path, filter: Filter) -> Result<Listing, SourceError> {
    match spec {
        SourceSpec::Path(path) => disk::list(path, repo_dir, filter),
        SourceSpec::Revision { rev, path } => {
            git::list_revision(repo_dir, rev, path.as_deref(), filter)
        }
        SourceSpec::Staged { path } => git::list_staged(repo_dir, path.as_deref(), filter),
    }
}

/// The files of one side, by path and blob id; contents are read on demand.
pub struct Listing(ListingInner);

enum ListingInner {
    Loaded(Snapshot),
    // Boxed: a repository handle is much larger than a snapshot.
    Git(Box<git::GitFiles>),
    Worktree(Box<worktree::WorktreeFiles>),
}

impl Listing {
    /// A listing over files already read.
    pub fn loaded(snapshot: Snapshot) -> Listing {
        Listing(ListingInner::Loaded(snapshot))
    }

    pub(crate) fn git(files: git::GitFiles) -> Listing {
        Listing(ListingInner::Git(Box::new(files)))
    }

    pub(crate) fn worktree(files: worktree::WorktreeFiles) -> Listing {
        Listing(ListingInner::Worktree(Box::new(files)))
    }

    pub fn label(&self) -> &str {
        match &self.0 {
            ListingInner::Loaded(s) => &s.label,
            ListingInner::Git(g) => &g.label,
            ListingInner::Worktree(w) => &w.label,
        }
    }

    /// Every path with its blob id, in path order. A directory's files too large to read have
    /// no blob id: they are not listed here but come with every [`Listing::read`].
    pub fn entries(&self) -> BTreeMap<&str, BlobId> {
        match &self.0 {
            ListingInner::Loaded(s) => s.files.iter().map(|(p, f)| (p.as_str(), f.blob)).collect(),
            ListingInner::Git(g) => g
                .entries
                .iter()
                .filter_map(|(p, id)| BlobId::from_oid(id).map(|b| (p.as_str(), b)))
                .collect(),
            ListingInner::Worktree(w) => w.entries(),
        }
    }

    /// A snapshot of `paths` only (paths not listed are left out); a file too large to read is
    /// in its `oversized`. A directory was read when it was listed, so every snapshot of it
    /// carries all its oversized files: that is how a loader learns of one it would have read.
    pub fn read(&self, paths: &[&str]) -> Result<Snapshot, SourceError> {
        match &self.0 {
            ListingInner::Loaded(s) => Ok(Snapshot {
                label: s.label.clone(),
                files: paths
                    .iter()
                    .filter_map(|p| s.files.get(*p))
                    .map(|f| {
                        (
                            f.path.clone(),
                            SourceFile {
                                path: f.path.clone(),
                                blob: f.blob,
                                bytes: f.bytes.clone(),
                            },
                        )
                    })
                    .collect(),
                oversized: s.oversized.clone(),
                submodules: s.submodules.clone(),
                links: s.links.clone(),
                surroundings: s.surroundings.clone(),
            }),
            ListingInner::Git(g) => g.read(paths),
            ListingInner::Worktree(w) => w.read(paths),
        }
    }

    /// The paths among `paths` whose bytes `wanted` accepts, reading a bounded number of files
    /// at a time and keeping none; a listed file that cannot be read whole (too large) counts
    /// as accepted, so that whoever loads it next learns why it cannot be read.
    pub fn select_by_content(
        &self,
        paths: &[&str],
        wanted: &(dyn Fn(&[u8]) -> bool + Sync),
    ) -> Result<Vec<String>, SourceError> {
        if let ListingInner::Worktree(w) = &self.0 {
            return w.select_by_content(paths, wanted);
        }
        let mut selected = Vec::new();
        for chunk in paths.chunks(512) {
            let snapshot = self.read(chunk)?;
            selected.extend(chunk.iter().filter_map(|p| {
                let accepted = match snapshot.files.get(*p) {
                    Some(file) => wanted(&file.bytes),
                    None => snapshot.oversized.contains_key(*p),
                };
                accepted.then(|| p.to_string())
            }));
        }
        Ok(selected)
    }

    /// The submodules of this side (see [`Snapshot::submodules`]).
    /// The full hash of the commit a revision listing was read from.
    pub fn commit(&self) -> Option<&str> {
        match &self.0 {
            ListingInner::Loaded(_) | ListingInner::Worktree(_) => None,
            ListingInner::Git(g) => g.commit.as_deref(),
        }
    }

    pub fn submodules(&self) -> &BTreeMap<String, Option<String>> {
        match &self.0 {
            ListingInner::Loaded(s) => &s.submodules,
            ListingInner::Git(g) => &g.submodules,
            ListingInner::Worktree(w) => &w.submodules,
        }
    }

    /// Whether a submodule's files are in this side: on disk they are, in git only its commit.
    fn holds_submodule_files(&self) -> bool {
        matches!(self.0, ListingInner::Loaded(_) | ListingInner::Worktree(_))
    }

    /// The symbolic link this side does not follow at `path` or at a directory above it, with
    /// the link's path.
    pub fn unfollowed_link(&self, path: &str) -> Option<(&str, &UnfollowedLink)> {
        match &self.0 {
            ListingInner::Loaded(s) => s.unfollowed_link(path),
            ListingInner::Git(g) => link_at_or_above(&g.links, path),
            ListingInner::Worktree(w) => link_at_or_above(&w.links, path),
        }
    }

    /// Every file.
    pub fn read_all(self) -> Result<Snapshot, SourceError> {
        match self.0 {
            ListingInner::Loaded(s) => Ok(s),
            ListingInner::Worktree(w) => w.read_all(),
            ListingInner::Git(g) => {
                let paths: Vec<&str> = g.entries.keys().map(String::as_str).collect();
                g.read(&paths)
            }
        }
    }
}

/// Refuses a comparison that would pass over the files of a submodule, which git holds only as
/// the commit it points at: when `paths` (what the run compares, all when empty) or `roots` (the
/// protobuf import roots) reach into one, or when one under `paths` points at another commit on
/// each side (or is on one side only). An unchanged submodule, or one outside `paths`, is left
/// alone: it holds nothing this comparison could find.
pub fn refuse_uncompared_submodules(
    old: &Listing,
    new: &Listing,
    paths: &[String],
    roots: &[String],
) -> Result<(), crate::diag::InputErrors> {
    let trim = |p: &str| p.trim_start_matches("./").trim_end_matches('/').to_string();
    let inside = |path: &str, dir: &str| {
        path == dir || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
    };
    let paths: Vec<String> = paths.iter().map(|p| trim(p)).filter(|p| p != ".").collect();
    let roots: Vec<String> = roots.iter().map(|p| trim(p)).filter(|p| p != ".").collect();
    let gitlinks: std::collections::BTreeSet<&str> = [old, new]
        .into_iter()
        .filter(|side| !side.holds_submodule_files())
        .flat_map(|side| side.submodules().keys().map(String::as_str))
        .collect();
    let mut errors = Vec::new();
    for submodule in gitlinks {
        let error = |why: String| {
            crate::diag::InputError::in_file(
                submodule,
                format!("this submodule's files are not compared: {why}"),
            )
            .with_hint(
                "compare the submodule's own revisions (run treaty inside it), or vendor its \
                 files into this repository; to compare this repository's own contracts only, \
                 name their paths (`treaty breaking --against REV proto`)",
            )
        };
        let reaching = paths
            .iter()
            .map(|p| (p, "the path"))
            .chain((roots.iter()).map(|r| (r, "the import root")));
        if let Some((path, what)) = reaching.into_iter().find(|(p, _)| inside(p, submodule)) {
            errors.push(error(format!("{what} '{path}' is in it")));
            continue;
        }
        if !paths.is_empty() && !paths.iter().any(|p| inside(submodule, p)) {
            continue;
        }
        if !same_submodule(old, new, submodule) {
            errors.push(error(
                "it points at a different commit on each side, or is on one side only".into(),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(crate::diag::InputErrors(errors))
    }
}

/// Whether both sides have the submodule at `path` at the same commit, or both lack it. A
/// directory on disk that is no checkout (never initialised) says nothing, and passes: its files
/// are as absent as in the tree that names the submodule. A commit that could not be read is
/// never the same.
fn same_submodule(old: &Listing, new: &Listing, path: &str) -> bool {
    let (old_commit, new_commit) = (old.submodules().get(path), new.submodules().get(path));
    let unknown =
        |side: &Listing, commit: Option<_>| commit.is_none() && side.holds_submodule_files();
    if unknown(old, old_commit) || unknown(new, new_commit) {
        return true;
    }
    match (old_commit, new_commit) {
        (Some(Some(a)), Some(Some(b))) => a == b,
        (None, None) => true,
        _ => false,
    }
}

/// `main...HEAD` -> `("main", "HEAD")`, `main...` -> `("main", "")`: git's three-dot form,
/// which compares against the merge base of the two. `None` for a single revision.
pub fn split_three_dot(arg: &str) -> Option<(&str, &str)> {
    // Outside `@{...}`, which may hold anything (a date), like the ':' of `REV:PATH`.
    let mut depth = 0usize;
    for (i, c) in arg.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '.' if depth == 0 && arg[i..].starts_with("...") => {
                return Some((&arg[..i], &arg[i + 3..]))
            }
            _ => {}
        }
    }
    None
}

/// The full hash of the best common ancestor of `base` and `tip` in the repository containing
/// `repo_dir`.
pub fn merge_base(repo_dir: &Path, base: &str, tip: &str) -> Result<String, SourceError> {
    git::merge_base(repo_dir, base, tip)
}

/// Whether the repository containing `repo_dir` has no commit yet.
pub fn head_is_unborn(repo_dir: &Path) -> Result<bool, SourceError> {
    git::head_is_unborn(repo_dir)
}

/// The work tree root of the repository containing `repo_dir` (for `treaty breaking
/// --against REV`, where the "new" side is the work tree at the repository root).
pub fn worktree_root(repo_dir: &Path) -> Result<PathBuf, SourceError> {
    git::worktree_root(repo_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(rev: &str, path: Option<&str>) -> SourceSpec {
        SourceSpec::Revision {
            rev: rev.into(),
            path: path.map(Into::into),
        }
    }

    #[test]
    fn parse_spec_revisions() {
        assert_eq!(parse_spec("main:proto"), rev("main", Some("proto")));
        assert_eq!(parse_spec("HEAD~1:"), rev("HEAD~1", None));
        assert_eq!(
            parse_spec("abc123:api/openapi.yaml"),
            rev("abc123", Some("api/openapi.yaml"))
        );
        assert_eq!(
            parse_spec("main@{2024-01-01 10:00}:proto"),
            rev("main@{2024-01-01 10:00}", Some("proto"))
        );
    }

    #[test]
    fn parse_spec_paths() {
        // No ':' and not on disk: stays a path so the error says the path is missing.
        assert_eq!(
            parse_spec("no-such-dir-xyz"),
            SourceSpec::Path("no-such-dir-xyz".into())
        );
        assert_eq!(parse_spec(":proto"), SourceSpec::Path(":proto".into()));
        assert_eq!(parse_spec("C:\\api"), SourceSpec::Path("C:\\api".into()));
        // An existing path wins even with a ':' in it.
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("v1:proto");
        std::fs::create_dir(&odd).unwrap();
        let arg = odd.to_str().unwrap();
        assert_eq!(parse_spec(arg), SourceSpec::Path(odd.clone()));
    }

    #[test]
    fn three_dot_splits_outside_reflog_selectors() {
        assert_eq!(split_three_dot("main..."), Some(("main", "")));
        assert_eq!(
            split_three_dot("origin/main...HEAD"),
            Some(("origin/main", "HEAD"))
        );
        assert_eq!(split_three_dot("...feature"), Some(("", "feature")));
        assert_eq!(split_three_dot("main"), None);
        assert_eq!(split_three_dot("main..HEAD"), None);
        assert_eq!(
            split_three_dot("main@{x...y}...HEAD"),
            Some(("main@{x...y}", "HEAD"))
        );
    }

    #[test]
    fn blob_id_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            BlobId::of_bytes(b"hello\n").to_string(),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(
            BlobId::of_bytes(b"").to_string(),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
    }
}
