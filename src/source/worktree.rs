//! A directory inside a git work tree, listed the way `git status` knows it: a file whose
//! metadata (size, times, inode) matches its entry in the index, and that entry was written
//! after the file last changed (git's racy case excluded), holds the entry's blob: its blob id
//! is known without reading it. Only the other
//! files are read and hashed at once; the rest are read when a comparison asks for them. On
//! googleapis (7,000 files) a one-file change then costs a walk, not 83 MB of reads and hashes.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::index::entry::{stat, Mode, Stage, Stat};
use rayon::prelude::*;

use super::disk::{io_err, read_file, Walked};
use super::{
    BlobId, Entry, Oversized, Snapshot, SourceError, SourceFile, Surroundings, UnfollowedLink,
};

/// The index entries of one repository that can vouch for a work-tree file: regular files at
/// stage 0, not racy, not marked assume-unchanged or intent-to-add.
pub(super) struct IndexStat {
    /// By path from the directory listed (the repository root's entries outside it left out).
    by_path: HashMap<String, (BlobId, Stat)>,
}

/// What git compares by default (`core.trustctime`, `core.checkStat=default`, nanoseconds).
const STAT_OPTIONS: stat::Options = stat::Options {
    trust_ctime: true,
    check_stat: true,
    use_nsec: true,
    use_stdev: false,
};

impl IndexStat {
    /// The index of the repository whose work tree holds `dir`; `None` outside one, for a bare
    /// repository, or when the index cannot be read (every file is then read and hashed).
    pub(super) fn of_dir(dir: &Path) -> Option<IndexStat> {
        let repo = gix::discover(dir).ok()?;
        let workdir = std::fs::canonicalize(repo.workdir()?).ok()?;
        let dir = std::fs::canonicalize(dir).ok()?;
        let prefix = dir
            .strip_prefix(&workdir)
            .ok()?
            .to_str()?
            .replace('\\', "/");
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let index = repo.open_index().ok()?;
        let timestamp = index.timestamp();
        let mut by_path = HashMap::new();
        for entry in index.entries() {
            let vouches = entry.stage() == Stage::Unconflicted
                && matches!(entry.mode, Mode::FILE | Mode::FILE_EXECUTABLE)
                && !entry.flags.intersects(
                    gix::index::entry::Flags::ASSUME_VALID
                        | gix::index::entry::Flags::INTENT_TO_ADD
                        | gix::index::entry::Flags::SKIP_WORKTREE,
                )
                && !entry.stat.is_racy(timestamp, STAT_OPTIONS);
            if !vouches {
                continue;
            }
            let Ok(path) = std::str::from_utf8(entry.path(&index)) else {
                continue;
            };
            let (Some(rel), Some(blob)) = (path.strip_prefix(&prefix), BlobId::from_oid(&entry.id))
            else {
                continue;
            };
            by_path.insert(rel.to_string(), (blob, entry.stat));
        }
        Some(IndexStat { by_path })
    }

    /// The blob id of the file at `rel` (read at `abs`) when the index vouches for it.
    fn blob(&self, rel: &str, abs: &Path) -> Option<BlobId> {
        let (blob, recorded) = self.by_path.get(rel)?;
        let meta = gix::index::fs::Metadata::from_path_no_follow(abs).ok()?;
        let now = Stat::from_fs(&meta).ok()?;
        recorded.matches(&now, STAT_OPTIONS).then_some(*blob)
    }
}

/// A work-tree file: read (the index could not vouch for it), or known by its blob id only.
enum Listed {
    Read(SourceFile),
    Vouched { abs: PathBuf, blob: BlobId },
}

/// The files of a directory in a git work tree, read on demand.
pub(crate) struct WorktreeFiles {
    pub(crate) label: String,
    files: BTreeMap<String, Listed>,
    oversized: BTreeMap<String, Oversized>,
    pub(crate) submodules: BTreeMap<String, Option<String>>,
    pub(crate) links: BTreeMap<String, UnfollowedLink>,
    pub(crate) surroundings: Option<Arc<Surroundings>>,
}

impl WorktreeFiles {
    /// List what a walk `found`, reading only the files the index does not vouch for. A file
    /// over the size limit is read (its head) whatever the index says: every read of a
    /// directory carries its oversized files.
    pub(super) fn list(
        label: String,
        found: Walked,
        index: &IndexStat,
    ) -> Result<WorktreeFiles, SourceError> {
        let entries: Vec<(String, Result<Listed, Oversized>)> = found
            .files
            .into_par_iter()
            .map(|(rel, abs)| {
                if let Some(blob) = index.blob(&rel, &abs).filter(|_| !oversized_on_disk(&abs)) {
                    return Ok((rel, Ok(Listed::Vouched { abs, blob })));
                }
                Ok(match read_file(rel.clone(), &abs)? {
                    Entry::File(file) => (rel, Ok(Listed::Read(file))),
                    Entry::Oversized(o) => (rel, Err(o)),
                })
            })
            .collect::<Result<_, SourceError>>()?;
        let mut listing = WorktreeFiles {
            label,
            files: BTreeMap::new(),
            oversized: BTreeMap::new(),
            submodules: found.submodules,
            links: found.links,
            surroundings: None,
        };
        for (rel, entry) in entries {
            match entry {
                Ok(listed) => {
                    listing.files.insert(rel, listed);
                }
                Err(oversized) => {
                    listing.oversized.insert(rel, oversized);
                }
            }
        }
        Ok(listing)
    }

    /// Every path with its blob id.
    pub(crate) fn entries(&self) -> BTreeMap<&str, BlobId> {
        (self.files.iter())
            .map(|(path, listed)| {
                let blob = match listed {
                    Listed::Read(file) => file.blob,
                    Listed::Vouched { blob, .. } => *blob,
                };
                (path.as_str(), blob)
            })
            .collect()
    }

    /// A snapshot of `paths` (paths not listed are left out), with every oversized file.
    pub(crate) fn read(&self, paths: &[&str]) -> Result<Snapshot, SourceError> {
        let reads: Vec<Entry> = paths
            .par_iter()
            .filter_map(|path| Some((*path, self.files.get(*path)?)))
            .map(|(path, listed)| match listed {
                Listed::Read(file) => Ok(Entry::File(SourceFile {
                    path: file.path.clone(),
                    blob: file.blob,
                    bytes: file.bytes.clone(),
                })),
                // Read now; its blob id is that of what was read, should it have changed since.
                Listed::Vouched { abs, .. } => read_file(path.to_string(), abs),
            })
            .collect::<Result<_, SourceError>>()?;
        let mut snapshot = Snapshot::from_reads(self.label.clone(), reads);
        snapshot.oversized.extend(self.oversized.clone());
        snapshot.submodules = self.submodules.clone();
        snapshot.links = self.links.clone();
        snapshot.surroundings = self.surroundings.clone();
        Ok(snapshot)
    }

    /// See [`super::Listing::select_by_content`]. A file the index vouches for is read without
    /// hashing it: only its words matter here, not its identity.
    pub(crate) fn select_by_content(
        &self,
        paths: &[&str],
        wanted: &(dyn Fn(&[u8]) -> bool + Sync),
    ) -> Result<Vec<String>, SourceError> {
        let picks: Vec<Option<String>> = paths
            .par_iter()
            .map(|path| {
                let accepted = match (self.files.get(*path), self.oversized.contains_key(*path)) {
                    (_, true) => true,
                    (None, false) => false,
                    (Some(Listed::Read(file)), _) => wanted(&file.bytes),
                    (Some(Listed::Vouched { abs, .. }), _) => {
                        let mut bytes = Vec::new();
                        // Bounded: the file may have grown since it was listed.
                        (std::fs::File::open(abs).map(|f| f.take(super::MAX_FILE_BYTES + 1)))
                            .and_then(|mut f| f.read_to_end(&mut bytes))
                            .map_err(|e| io_err(abs, e))?;
                        bytes.len() as u64 > super::MAX_FILE_BYTES || wanted(&bytes)
                    }
                };
                Ok(accepted.then(|| path.to_string()))
            })
            .collect::<Result<_, SourceError>>()?;
        Ok(picks.into_iter().flatten().collect())
    }

    /// Every file read.
    pub(crate) fn read_all(&self) -> Result<Snapshot, SourceError> {
        let paths: Vec<&str> = self.files.keys().map(String::as_str).collect();
        self.read(&paths)
    }
}

fn oversized_on_disk(abs: &Path) -> bool {
    std::fs::metadata(abs).is_ok_and(|m| m.len() > super::MAX_FILE_BYTES)
}
