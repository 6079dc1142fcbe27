//! Snapshots of a git revision or of the staged index, read through gix without a checkout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;
use gix::ObjectId;
use rayon::prelude::*;

use super::error::{chain, shallow_fix};
use super::{
    BlobId, Entry, Filter, Listing, Oversized, Snapshot, SourceError, SourceFile, Unfollowed,
    UnfollowedLink, MAX_FILE_BYTES, OVERSIZED_HEAD_BYTES,
};

/// An oversized blob up to this size is inflated once to keep its first bytes (gix reads whole
/// objects); beyond it, its start is not looked at.
const MAX_PEEKED_BLOB: u64 = 1024 * 1024 * 1024;

/// Tag chains longer than this are corrupt (or hostile); git itself never builds them.
const MAX_PEEL: usize = 64;

/// Opens the repository containing `repo_dir`, honouring `GIT_DIR`, `GIT_INDEX_FILE` and friends:
/// inside a git hook they point at the repository and (for `git commit -a`) at a temporary
/// index that holds what is actually being committed.
fn open(repo_dir: &Path) -> Result<gix::ThreadSafeRepository, SourceError> {
    gix::ThreadSafeRepository::discover_with_environment_overrides(repo_dir).map_err(|e| {
        // "No repository found" is what the message already says; other causes (untrusted
        // owner, ceiling directories, unreadable config) are worth showing.
        let plain = matches!(
            e.downcast_any_ref::<gix::discover::upwards::Error>(),
            Some(gix::discover::upwards::Error::NoGitRepository { .. })
        );
        SourceError::NotARepository {
            dir: repo_dir.to_path_buf(),
            detail: if plain { String::new() } else { chain(&e) },
        }
    })
}

pub(super) fn worktree_root(repo_dir: &Path) -> Result<PathBuf, SourceError> {
    let repo = open(repo_dir)?;
    match repo.work_dir() {
        Some(dir) => Ok(dir.to_path_buf()),
        None => Err(SourceError::NoWorkTree {
            git_dir: repo.git_dir().to_path_buf(),
        }),
    }
}

/// What is being read, for error messages about one of its files or objects.
struct Place<'a> {
    /// The revision as the user wrote it, or `None` for the staged index.
    rev: Option<&'a str>,
    /// In a shallow clone, the command that fetches `rev` (see [`shallow_fix`]).
    shallow_fix: Option<String>,
}

impl Place<'_> {
    /// `main:proto/a.proto`, or `proto/a.proto (staged)`.
    fn file(&self, repo_path: &str) -> String {
        match self.rev {
            Some(rev) => format!("{rev}:{repo_path}"),
            None => format!("{repo_path} (staged)"),
        }
    }

    fn describe(&self) -> String {
        match self.rev {
            Some(rev) => format!("revision '{rev}'"),
            None => "the staged index".to_string(),
        }
    }

    /// An object that should be there is not: in a shallow clone that means history is missing.
    fn missing(&self, what: String, err: &(dyn std::error::Error + 'static)) -> SourceError {
        match self.rev {
            Some(rev) if self.shallow_fix.is_some() => SourceError::NotInShallowClone {
                rev: rev.to_string(),
                fix: self.shallow_fix.clone().unwrap_or_default(),
            },
            _ => SourceError::Git {
                context: format!("cannot read {what}"),
                detail: chain(err),
            },
        }
    }
}

pub(super) fn list_revision(
    repo_dir: &Path,
    rev: &str,
    path: Option<&str>,
    filter: Filter,
) -> Result<Listing, SourceError> {
    let sync = open(repo_dir)?;
    let repo = sync.to_thread_local();
    let place = Place {
        rev: Some(rev),
        shallow_fix: fix_if_shallow(&repo, rev, false),
    };
    let label = match path {
        Some(p) => format!("{rev}:{p}"),
        None => rev.to_string(),
    };

    let id = resolve(&repo, rev, place.shallow_fix.as_deref())?;
    let root_tree = peel_to_tree(&repo, id, rev, &place)?;
    // A revision may name a tree, which has no commit.
    let commit = peel_to_commit(&repo, id, rev).ok().map(|c| c.to_string());

    let mut repo_prefix = String::new();
    let mut tree = root_tree;
    if let Some(path) = path {
        let components = normalize(path, &repo_dir_prefix(&repo, repo_dir)).ok_or_else(|| {
            SourceError::PathNotInRevision {
                path: path.to_string(),
                rev: rev.to_string(),
            }
        })?;
        if !components.is_empty() {
            let root = repo
                .find_tree(root_tree)
                .map_err(|e| place.missing(format!("the tree of '{rev}'"), &e))?;
            let lookup = |components: &[String]| {
                root.lookup_entry(components.iter().map(String::as_str))
                    .map_err(|e| place.missing(format!("'{path}' in '{rev}'"), &e))
            };
            let entry = match lookup(&components) {
                Ok(Some(entry)) => entry,
                // Under a submodule the path may well exist, in another repository (whose
                // objects the lookup fails to find).
                not_found => {
                    for end in 1..components.len() {
                        let entry = lookup(&components[..end]);
                        if entry.is_ok_and(|e| e.is_some_and(|e| e.mode().is_commit())) {
                            return Err(SourceError::InSubmodule {
                                path: path.to_string(),
                                submodule: components[..end].join("/"),
                                place: place.describe(),
                            });
                        }
                    }
                    return Err(match not_found {
                        Err(e) => e,
                        Ok(_) => SourceError::PathNotInRevision {
                            path: path.to_string(),
                            rev: rev.to_string(),
                        },
                    });
                }
            };
            let mode = entry.mode();
            let repo_path = components.join("/");
            if mode.is_tree() {
                tree = entry.object_id();
                repo_prefix = repo_path;
            } else if mode.is_blob() {
                // A file: a one-file snapshot named by its file name, kept whatever the filter.
                let name = components.last().cloned().unwrap_or_default();
                let file =
                    read_blob(&repo, name, &repo_path, entry.object_id(), &place)?.named()?;
                return Ok(Listing::loaded(Snapshot::from_reads(
                    label,
                    [Entry::File(file)],
                )));
            } else {
                return Err(SourceError::NotAFile {
                    path: path.to_string(),
                    place: place.describe(),
                    what: if mode.is_link() {
                        "symbolic link"
                    } else {
                        "submodule"
                    },
                });
            }
        }
    }

    let (mut wanted, mut submodules, mut links) = (Vec::new(), Vec::new(), Vec::new());
    let mut found = Found {
        files: &mut wanted,
        submodules: &mut submodules,
        links: &mut links,
    };
    collect_tree(&repo, tree, &repo_prefix, filter, &place, &mut found)?;
    let shallow_fix = place.shallow_fix;
    Ok(Listing::git(GitFiles {
        links: unfollowed_links(&repo, links),
        sync,
        rev: Some(rev.to_string()),
        commit,
        shallow_fix,
        repo_prefix,
        label,
        entries: wanted.into_iter().collect(),
        submodules: commits(submodules),
    }))
}

/// The command that fetches `rev` when the repository is a shallow clone, else `None`.
fn fix_if_shallow(repo: &gix::Repository, rev: &str, history: bool) -> Option<String> {
    if !repo.is_shallow().unwrap_or(false) {
        return None;
    }
    let remotes: Vec<String> = repo
        .remote_names()
        .iter()
        .map(|name| name.to_str_lossy().into_owned())
        .collect();
    Some(shallow_fix(rev, &remotes, history))
}

/// The object `rev` names.
fn resolve(
    repo: &gix::Repository,
    rev: &str,
    shallow_fix: Option<&str>,
) -> Result<ObjectId, SourceError> {
    let id = repo
        .rev_parse_single(rev.as_bytes().as_bstr())
        .map_err(|e| {
            // A shallow clone cannot tell "no such revision" from "beyond the cut-off" (tags and
            // `HEAD~n` past the boundary both just fail), so it gets the actionable hint.
            match shallow_fix {
                Some(fix) => SourceError::NotInShallowClone {
                    rev: rev.to_string(),
                    fix: fix.to_string(),
                },
                None => SourceError::UnknownRevision {
                    rev: rev.to_string(),
                    detail: revision_detail(&e),
                },
            }
        })?;
    Ok(id.detach())
}

/// The commit `base...tip` compares against: the best common ancestor of the two, as a full
/// hash (what a pull request's diff is taken from).
pub(super) fn merge_base(repo_dir: &Path, base: &str, tip: &str) -> Result<String, SourceError> {
    let sync = open(repo_dir)?;
    let repo = sync.to_thread_local();
    // The base's fix fetches it with its history: a merge base needs both.
    let shallow_fix = fix_if_shallow(&repo, base, true);
    let base_id = resolve(&repo, base, shallow_fix.as_deref())?;
    let tip_id = resolve(&repo, tip, fix_if_shallow(&repo, tip, false).as_deref())?;
    let base_commit = peel_to_commit(&repo, base_id, base)?;
    let tip_commit = peel_to_commit(&repo, tip_id, tip)?;
    // Past a shallow boundary the walk finds nothing (or a parent it cannot read): both mean
    // the history that holds the merge base was not fetched.
    let no_base = |fix: Option<String>| SourceError::NoMergeBase {
        base: base.to_string(),
        tip: tip.to_string(),
        fix,
    };
    match repo.merge_base(base_commit, tip_commit) {
        Ok(Some(id)) => Ok(id.detach().to_string()),
        Ok(None) => Err(no_base(shallow_fix)),
        Err(_) if shallow_fix.is_some() => Err(no_base(shallow_fix)),
        Err(e) => Err(SourceError::Git {
            context: format!("cannot find the merge base of '{base}' and '{tip}'"),
            detail: chain(&e),
        }),
    }
}

/// Follows tags down to a commit: a merge base is only defined between commits.
fn peel_to_commit(
    repo: &gix::Repository,
    mut id: ObjectId,
    rev: &str,
) -> Result<ObjectId, SourceError> {
    for _ in 0..MAX_PEEL {
        let object = repo.find_object(id).map_err(|e| SourceError::Git {
            context: format!("cannot read revision '{rev}'"),
            detail: chain(&e),
        })?;
        match object.kind {
            gix::object::Kind::Commit => return Ok(id),
            gix::object::Kind::Tag => {
                let tag = object.try_to_tag_ref_iter();
                id = tag
                    .and_then(|t| t.target_id().ok())
                    .ok_or_else(|| SourceError::Git {
                        context: format!("cannot read revision '{rev}'"),
                        detail: format!("tag {id} is corrupt"),
                    })?;
            }
            kind => {
                return Err(SourceError::NotATree {
                    rev: rev.to_string(),
                    kind: kind.to_string(),
                })
            }
        }
    }
    Err(SourceError::Git {
        context: format!("cannot read revision '{rev}'"),
        detail: format!("tag chain at {id} is corrupt"),
    })
}

/// Whether the repository has no commit yet (HEAD names a branch that does not exist): the
/// first commit of a repository has nothing to compare against.
pub(super) fn head_is_unborn(repo_dir: &Path) -> Result<bool, SourceError> {
    let sync = open(repo_dir)?;
    let repo = sync.to_thread_local();
    let head = repo.head().map_err(|e| SourceError::Git {
        context: "cannot read HEAD".to_string(),
        detail: chain(&e),
    })?;
    Ok(head.is_unborn())
}

/// Follows tags and commits down to a tree, without the panics gix's `peel_to_kind` has on
/// corrupt objects.
fn peel_to_tree(
    repo: &gix::Repository,
    mut id: ObjectId,
    rev: &str,
    place: &Place,
) -> Result<ObjectId, SourceError> {
    let corrupt = |id: ObjectId, what: &str| SourceError::Git {
        context: format!("cannot read revision '{rev}'"),
        detail: format!("{what} {id} is corrupt"),
    };
    for _ in 0..MAX_PEEL {
        let object = repo
            .find_object(id)
            .map_err(|e| place.missing(format!("revision '{rev}'"), &e))?;
        match object.kind {
            gix::object::Kind::Tree => return Ok(id),
            gix::object::Kind::Commit => {
                let mut commit = object
                    .try_to_commit_ref_iter()
                    .ok_or_else(|| corrupt(id, "commit"))?;
                id = commit.tree_id().map_err(|_| corrupt(id, "commit"))?;
            }
            gix::object::Kind::Tag => {
                let tag = object
                    .try_to_tag_ref_iter()
                    .ok_or_else(|| corrupt(id, "tag"))?;
                id = tag.target_id().map_err(|_| corrupt(id, "tag"))?;
            }
            gix::object::Kind::Blob => {
                return Err(SourceError::NotATree {
                    rev: rev.to_string(),
                    kind: "file (blob)".to_string(),
                })
            }
        }
    }
    Err(corrupt(id, "tag chain at"))
}

/// Where `repo_dir` sits inside the work tree, so that `REV:./x` means `x` next to the user,
/// as in git; empty when unknown (bare repository, paths that cannot be resolved).
fn repo_dir_prefix(repo: &gix::Repository, repo_dir: &Path) -> String {
    let Some(work_dir) = repo.workdir() else {
        return String::new();
    };
    let (Ok(work_dir), Ok(dir)) = (
        std::fs::canonicalize(work_dir),
        std::fs::canonicalize(repo_dir),
    ) else {
        return String::new();
    };
    match dir.strip_prefix(&work_dir) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => String::new(),
    }
}

/// Splits a root-relative path (`proto/`, `/api/x.yaml`) into components; paths starting with
/// `./` or `../` are relative to `prefix`. `None` when `..` climbs out of the repository.
fn normalize(path: &str, prefix: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let relative = path == "." || path == ".." || path.starts_with("./") || path.starts_with("../");
    let base = if relative { prefix } else { "" };
    for part in base.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            _ => out.push(part.to_string()),
        }
    }
    Some(out)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// What a walk of a tree found: `(root-relative path, id)` of regular files and of submodules.
struct Found<'v> {
    files: &'v mut Vec<(String, ObjectId)>,
    /// A submodule is a commit of another repository: its files are not in this one.
    submodules: &'v mut Vec<(String, ObjectId)>,
    /// Symbolic links, whose blob is the path they point to.
    links: &'v mut Vec<(String, ObjectId)>,
}

/// Submodules by path, with the commit each points at.
fn commits(submodules: Vec<(String, ObjectId)>) -> BTreeMap<String, Option<String>> {
    (submodules.into_iter())
        .map(|(path, id)| (path, Some(id.to_string())))
        .collect()
}

/// Collects the regular files under `tree` passing `filter`, every submodule and every symbolic
/// link (not followed: a reference to one says so).
fn collect_tree(
    repo: &gix::Repository,
    tree: ObjectId,
    repo_prefix: &str,
    filter: Filter,
    place: &Place,
    out: &mut Found,
) -> Result<(), SourceError> {
    // An explicit stack: a hostile repository can nest trees deeper than the call stack.
    let mut stack = vec![(tree, String::new())];
    while let Some((id, rel)) = stack.pop() {
        let tree = repo.find_tree(id).map_err(|e| {
            let dir = join(repo_prefix, &rel);
            place.missing(format!("directory '{}'", place.file(&dir)), &e)
        })?;
        for entry in tree.iter() {
            let entry = entry.map_err(|e| SourceError::Git {
                context: format!(
                    "cannot read directory '{}'",
                    place.file(&join(repo_prefix, &rel))
                ),
                detail: chain(&e),
            })?;
            let mode = entry.mode();
            let child = join(&rel, &entry.filename().to_str_lossy());
            if mode.is_tree() {
                stack.push((entry.object_id(), child));
            } else if mode.is_blob() && filter(&child) {
                out.files.push((child, entry.object_id()));
            } else if mode.is_commit() {
                out.submodules.push((child, entry.object_id()));
            } else if mode.is_link() {
                out.links.push((child, entry.object_id()));
            }
        }
    }
    Ok(())
}

/// The links of a tree by path, each with where it points. A link whose blob cannot be read
/// still stands for a file that is not there, with no target to name.
fn unfollowed_links(
    repo: &gix::Repository,
    links: Vec<(String, ObjectId)>,
) -> BTreeMap<String, UnfollowedLink> {
    (links.into_iter())
        .map(|(path, id)| {
            let target = (repo.find_object(id).ok())
                .map(|o| String::from_utf8_lossy(&o.data).into_owned())
                .unwrap_or_default();
            let why = if leaves_tree(&path, &target) {
                Unfollowed::LeavesTree
            } else {
                Unfollowed::InRevision
            };
            (path, UnfollowedLink { target, why })
        })
        .collect()
}

/// Whether the link at `path` (relative to the tree's root) to `target` leads out of the tree.
fn leaves_tree(path: &str, target: &str) -> bool {
    if target.starts_with('/') {
        return true;
    }
    let mut depth = path.matches('/').count();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." if depth == 0 => return true,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    false
}

/// Reads blobs in parallel, each rayon task with its own thread-local repository handle (the
/// object database is shared; handles are cheap but not free, hence one per chunk).
fn read_blobs(
    sync: &gix::ThreadSafeRepository,
    repo: &gix::Repository,
    wanted: Vec<(String, ObjectId)>,
    repo_prefix: &str,
    place: &Place,
) -> Result<Vec<Entry>, SourceError> {
    let read_chunk = |repo: &gix::Repository, chunk: &[(String, ObjectId)]| {
        chunk
            .iter()
            .map(|(rel, id)| read_blob(repo, rel.clone(), &join(repo_prefix, rel), *id, place))
            .collect::<Result<Vec<_>, _>>()
    };
    // Small snapshots are not worth the thread hand-off.
    let files: Vec<Entry> = if wanted.len() < 64 {
        read_chunk(repo, &wanted)?
    } else {
        let chunk = wanted
            .len()
            .div_ceil(rayon::current_num_threads() * 4)
            .max(1);
        wanted
            .par_chunks(chunk)
            .map(|c| read_chunk(&sync.to_thread_local(), c))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect()
    };
    Ok(files)
}

fn read_blob(
    repo: &gix::Repository,
    rel: String,
    repo_path: &str,
    id: ObjectId,
    place: &Place,
) -> Result<Entry, SourceError> {
    // The header gives the size without inflating, so a huge blob is never read.
    let header = repo
        .find_header(id)
        .map_err(|e| place.missing(format!("'{}'", place.file(repo_path)), &e))?;
    if header.size() > MAX_FILE_BYTES {
        let head: std::sync::Arc<[u8]> = if header.size() <= MAX_PEEKED_BLOB {
            let object = repo
                .find_object(id)
                .map_err(|e| place.missing(format!("'{}'", place.file(repo_path)), &e))?;
            let data = &object.data;
            data[..data.len().min(OVERSIZED_HEAD_BYTES)].into()
        } else {
            std::sync::Arc::from(&[][..])
        };
        return Ok(Entry::Oversized(Oversized {
            path: rel,
            shown: place.file(repo_path),
            size: header.size(),
            head,
        }));
    }
    let object = repo
        .find_object(id)
        .map_err(|e| place.missing(format!("'{}'", place.file(repo_path)), &e))?;
    Ok(Entry::File(SourceFile {
        path: rel,
        blob: BlobId::from_oid(&id).unwrap_or(BlobId([0; 20])),
        bytes: object.data.as_slice().into(),
    }))
}

/// The innermost reason for a failed rev-parse (e.g. "Commit 2cbf7d4 has 0 parents...", an
/// ambiguous short hash); empty for a plain missing name, which "unknown revision" already says.
fn revision_detail(err: &gix::Error) -> String {
    let Some(last) = err.iter_errors().last().map(|e| e.to_string()) else {
        return String::new();
    };
    if last.contains("could not be found") {
        String::new()
    } else {
        last
    }
}

pub(super) fn list_staged(
    repo_dir: &Path,
    path: Option<&str>,
    filter: Filter,
) -> Result<Listing, SourceError> {
    let sync = open(repo_dir)?;
    let repo = sync.to_thread_local();
    if repo.workdir().is_none() {
        return Err(SourceError::NoWorkTree {
            git_dir: repo.git_dir().to_path_buf(),
        });
    }
    let place = Place {
        rev: None,
        shallow_fix: None,
    };
    let label = match path {
        Some(p) => format!("the staged index ({p})"),
        None => "the staged index".to_string(),
    };
    let want = match path {
        Some(p) => normalize(p, &repo_dir_prefix(&repo, repo_dir))
            .ok_or_else(|| SourceError::PathNotStaged {
                path: p.to_string(),
            })?
            .join("/"),
        None => String::new(),
    };
    let index = repo.index_or_empty().map_err(|e| SourceError::Git {
        context: "cannot read the staged index".to_string(),
        detail: chain(&e),
    })?;

    // Every staged file under (or equal to) `want`, with its repository path.
    let under = |p: &str| want.is_empty() || p == want || p.starts_with(&format!("{want}/"));
    let mut staged: Vec<(String, ObjectId)> = Vec::new();
    let mut submodules: Vec<(String, ObjectId)> = Vec::new();
    let mut links: Vec<(String, ObjectId)> = Vec::new();
    let mut exact: Option<(ObjectId, gix::index::entry::Mode)> = None;
    // Tells a wrong path from one whose files the filter all dropped.
    let mut matched_any = false;
    for entry in index.entries() {
        let full = entry.path(&index).to_str_lossy();
        let full = full.trim_end_matches('/');
        let sparse = entry.mode.is_sparse();
        // A sparse-index directory entry may contain `want` rather than sit under it.
        let overlaps = under(full) || (sparse && want.starts_with(&format!("{full}/")));
        if !overlaps {
            continue;
        }
        matched_any = true;
        if entry.stage() != gix::index::entry::Stage::Unconflicted {
            return Err(SourceError::Conflicted {
                path: full.to_string(),
            });
        }
        // `git add -N` records intent only; there is no staged content yet.
        if entry
            .flags
            .contains(gix::index::entry::Flags::INTENT_TO_ADD)
        {
            continue;
        }
        if full == want {
            exact = Some((entry.id, entry.mode));
        }
        if sparse {
            // Sparse checkouts fold whole directories into one tree entry: expand it.
            let (mut inner, mut inner_submodules) = (Vec::new(), Vec::new());
            let mut inner_links = Vec::new();
            let mut found = Found {
                files: &mut inner,
                submodules: &mut inner_submodules,
                links: &mut inner_links,
            };
            collect_tree(&repo, entry.id, full, &|_: &str| true, &place, &mut found)?;
            staged.extend(inner.into_iter().map(|(p, id)| (join(full, &p), id)));
            submodules.extend((inner_submodules.into_iter()).map(|(p, id)| (join(full, &p), id)));
            links.extend((inner_links.into_iter()).map(|(p, id)| (join(full, &p), id)));
        } else if entry.mode == gix::index::entry::Mode::FILE
            || entry.mode == gix::index::entry::Mode::FILE_EXECUTABLE
        {
            staged.push((full.to_string(), entry.id));
        } else if entry.mode == gix::index::entry::Mode::COMMIT {
            submodules.push((full.to_string(), entry.id));
        } else if entry.mode == gix::index::entry::Mode::SYMLINK {
            links.push((full.to_string(), entry.id));
        }
    }

    if let Some((id, mode)) = exact.filter(|(_, m)| !m.is_sparse()) {
        if mode != gix::index::entry::Mode::FILE && mode != gix::index::entry::Mode::FILE_EXECUTABLE
        {
            return Err(SourceError::NotAFile {
                path: want.clone(),
                place: place.describe(),
                what: if mode == gix::index::entry::Mode::SYMLINK {
                    "symbolic link"
                } else {
                    "submodule"
                },
            });
        }
        // A single file named explicitly: kept whatever the filter says.
        let name = want.rsplit('/').next().unwrap_or(&want).to_string();
        let file = read_blob(&repo, name, &want, id, &place)?.named()?;
        return Ok(Listing::loaded(Snapshot::from_reads(
            label,
            [Entry::File(file)],
        )));
    }

    let strip = if want.is_empty() { 0 } else { want.len() + 1 };
    let wanted: Vec<(String, ObjectId)> = staged
        .into_iter()
        .filter(|(full, _)| full.len() > strip && under(full))
        .map(|(full, id)| (full[strip..].to_string(), id))
        .filter(|(rel, _)| filter(rel))
        .collect();
    if !matched_any && !want.is_empty() {
        return Err(SourceError::PathNotStaged {
            path: path.unwrap_or_default().to_string(),
        });
    }
    let below_want = |found: Vec<(String, ObjectId)>| -> Vec<(String, ObjectId)> {
        (found.into_iter())
            .filter(|(full, _)| full.len() > strip && under(full))
            .map(|(full, id)| (full[strip..].to_string(), id))
            .collect()
    };
    let submodules = below_want(submodules);
    let links = unfollowed_links(&repo, below_want(links));
    Ok(Listing::git(GitFiles {
        links,
        sync,
        rev: None,
        commit: None,
        shallow_fix: None,
        repo_prefix: want,
        label,
        entries: wanted.into_iter().collect(),
        submodules: commits(submodules),
    }))
}

/// The files of a revision or of the index, listed by blob id, read on demand.
pub(crate) struct GitFiles {
    sync: gix::ThreadSafeRepository,
    rev: Option<String>,
    /// The commit `rev` resolved to (none for the index, or a revision naming a tree).
    pub(crate) commit: Option<String>,
    shallow_fix: Option<String>,
    repo_prefix: String,
    pub(crate) label: String,
    pub(crate) entries: BTreeMap<String, ObjectId>,
    /// Submodules by path, with the commit each points at.
    pub(crate) submodules: BTreeMap<String, Option<String>>,
    pub(crate) links: BTreeMap<String, UnfollowedLink>,
}

impl GitFiles {
    /// Reads the blobs of `paths` (root-relative; unknown paths are left out), in parallel.
    pub(crate) fn read(&self, paths: &[&str]) -> Result<Snapshot, SourceError> {
        let repo = self.sync.to_thread_local();
        let place = Place {
            rev: self.rev.as_deref(),
            shallow_fix: self.shallow_fix.clone(),
        };
        let wanted: Vec<(String, ObjectId)> = paths
            .iter()
            .filter_map(|p| self.entries.get(*p).map(|id| (p.to_string(), *id)))
            .collect();
        let read = read_blobs(&self.sync, &repo, wanted, &self.repo_prefix, &place)?;
        let mut snapshot = Snapshot::from_reads(self.label.clone(), read);
        snapshot.submodules = self.submodules.clone();
        snapshot.links = self.links.clone();
        Ok(snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_climbing_above_the_root_or_absolute_leave_the_tree() {
        assert!(leaves_tree("a.yaml", "/etc/x"));
        assert!(leaves_tree("a.yaml", "../x"));
        assert!(leaves_tree("api/a.yaml", "../../x"));
        assert!(leaves_tree("api/a.yaml", "./../.././x"));
        assert!(!leaves_tree("api/a.yaml", "../x"));
        assert!(!leaves_tree("api/a.yaml", "b/../../shared/x"));
        assert!(!leaves_tree("a.yaml", "b.yaml"));
    }

    #[test]
    fn normalize_paths() {
        let n = |p: &str, pre: &str| normalize(p, pre).map(|v| v.join("/"));
        assert_eq!(n("proto/", "").as_deref(), Some("proto"));
        assert_eq!(n("/api//x.yaml", "sub").as_deref(), Some("api/x.yaml"));
        assert_eq!(n("./x", "sub/dir").as_deref(), Some("sub/dir/x"));
        assert_eq!(n("../x", "sub/dir").as_deref(), Some("sub/x"));
        assert_eq!(n(".", "").as_deref(), Some(""));
        assert_eq!(n("../x", ""), None);
    }
}
