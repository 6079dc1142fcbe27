//! Errors of the `source` layer, worded for the person running the CLI.

use std::fmt;
use std::path::PathBuf;

use super::MAX_FILE_BYTES;
use crate::diag::InputError;

/// The hint printed whenever a revision is missing from a shallow clone; CI checkouts are the
/// usual culprit, so the fix is spelled out for them.
pub const SHALLOW_HINT: &str =
    "fetch the full history (actions/checkout: fetch-depth: 0, or git fetch --unshallow)";

/// Why a side of a comparison could not be loaded.
#[derive(Debug)]
pub enum SourceError {
    /// A revision or the index was asked for, but `dir` is not inside a git repository.
    NotARepository { dir: PathBuf, detail: String },
    /// The repository is bare, so it has no work tree (or index) to read.
    NoWorkTree { git_dir: PathBuf },
    /// `rev` did not resolve to an object.
    UnknownRevision { rev: String, detail: String },
    /// The repository is a shallow clone and `rev` (or an object it needs) is beyond its history.
    NotInShallowClone { rev: String },
    /// `rev` resolved, but to something without a tree (e.g. a blob).
    NotATree { rev: String, kind: String },
    /// `path` does not exist in the tree of `rev`.
    PathNotInRevision { path: String, rev: String },
    /// `path` has no entry in the staged index.
    PathNotStaged { path: String },
    /// `path` names a symbolic link or a submodule, which hold no contract files.
    NotAFile {
        path: String,
        place: String,
        what: &'static str,
    },
    /// `path` has an unresolved merge conflict in the index, so there is no single staged version.
    Conflicted { path: String },
    /// A path on disk does not exist.
    PathNotFound { path: PathBuf },
    /// A file named on its own is larger than [`MAX_FILE_BYTES`].
    TooLarge { path: String, size: u64 },
    /// Reading a file or directory on disk failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Any other failure inside the repository (corrupt or missing objects, unreadable index...).
    Git { context: String, detail: String },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::NotARepository { dir, detail } => {
                write!(f, "'{}' is not inside a git repository", dir.display())?;
                if !detail.is_empty() {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
            SourceError::NoWorkTree { git_dir } => write!(
                f,
                "the repository at '{}' is bare: it has no work tree",
                git_dir.display()
            ),
            SourceError::UnknownRevision { rev, detail } => {
                write!(f, "unknown revision '{rev}'")?;
                if !detail.is_empty() {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
            SourceError::NotInShallowClone { rev } => {
                write!(f, "{}; {SHALLOW_HINT}", not_in_shallow_clone(rev))
            }
            SourceError::NotATree { rev, kind } => write!(
                f,
                "revision '{rev}' names a {kind}, not a commit or a directory"
            ),
            SourceError::PathNotInRevision { path, rev } => {
                write!(f, "'{path}' does not exist in revision '{rev}'")
            }
            SourceError::PathNotStaged { path } => {
                write!(f, "'{path}' does not exist in the staged index")
            }
            SourceError::NotAFile { path, place, what } => {
                write!(
                    f,
                    "'{path}' in {place} is a {what}, not a file or directory"
                )
            }
            SourceError::Conflicted { path } => write!(
                f,
                "'{path}' has an unresolved merge conflict in the staged index"
            ),
            SourceError::PathNotFound { path } => {
                write!(f, "'{}' does not exist", path.display())
            }
            SourceError::TooLarge { path, size } => too_large(f, path, *size),
            SourceError::Io { path, source } => {
                write!(f, "cannot read '{}': {source}", path.display())
            }
            SourceError::Git { context, detail } => write!(f, "{context}: {detail}"),
        }
    }
}

fn not_in_shallow_clone(rev: &str) -> String {
    format!("revision '{rev}' is not in this shallow clone")
}

/// The error the CLI reports (exit 2): the message as displayed, with the shallow-clone fix as
/// the hint. No variant gets a place: each message already names its path as its subject
/// (`'a.proto' does not exist in revision 'main'`), which `file: ` in front would repeat, and
/// most of those paths name nothing that exists to point at.
impl From<SourceError> for InputError {
    fn from(e: SourceError) -> InputError {
        match e {
            SourceError::NotInShallowClone { rev } => {
                InputError::new(not_in_shallow_clone(&rev)).with_hint(SHALLOW_HINT)
            }
            e => InputError::new(e.to_string()),
        }
    }
}

/// The one wording for a file over [`MAX_FILE_BYTES`], refused or handed on.
pub(super) fn too_large(f: &mut fmt::Formatter<'_>, shown: &str, size: u64) -> fmt::Result {
    write!(
        f,
        "'{shown}' is {size} bytes, larger than the {} MiB limit for a contract file",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

impl std::error::Error for SourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SourceError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Flattens an error and its causes into one line: gix errors carry the useful part
/// (which object, which file) in their causes, and the CLI prints a single message.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        // Wrappers often repeat their cause verbatim; print it once.
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shallow_clone_fix_is_the_hint() {
        let e = SourceError::NotInShallowClone { rev: "v1".into() };
        assert_eq!(
            e.to_string(),
            format!("revision 'v1' is not in this shallow clone; {SHALLOW_HINT}")
        );
        let error = InputError::from(e);
        assert_eq!(error.message, "revision 'v1' is not in this shallow clone");
        assert_eq!(error.hint.as_deref(), Some(SHALLOW_HINT));
        assert_eq!(error.place, None);
    }

    #[test]
    fn the_path_stays_in_the_message() {
        let e = SourceError::PathNotInRevision {
            path: "proto/a.proto".into(),
            rev: "main".into(),
        };
        let shown = e.to_string();
        let error = InputError::from(e);
        assert_eq!(error.to_string(), shown);
        assert_eq!(
            error.message,
            "'proto/a.proto' does not exist in revision 'main'"
        );
        assert_eq!((error.place, error.hint), (None, None));
    }
}
