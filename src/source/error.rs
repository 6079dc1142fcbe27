//! Errors of the `source` layer, worded for the person running the CLI.

use std::fmt;
use std::path::PathBuf;

use super::MAX_FILE_BYTES;
use crate::diag::InputError;

/// What a CI checkout configured for full history needs; said after every shallow-clone fix.
const CHECKOUT_HINT: &str = "or check out with full history (actions/checkout: fetch-depth: 0)";

/// Why a side of a comparison could not be loaded.
#[derive(Debug)]
pub enum SourceError {
    /// A revision or the index was asked for, but `dir` is not inside a git repository.
    NotARepository { dir: PathBuf, detail: String },
    /// The repository is bare, so it has no work tree (or index) to read.
    NoWorkTree { git_dir: PathBuf },
    /// `rev` did not resolve to an object.
    UnknownRevision { rev: String, detail: String },
    /// The repository is a shallow clone and `rev` (or an object it needs) is beyond its history;
    /// `fix` is the git command that brings it in (see [`shallow_fix`]).
    NotInShallowClone { rev: String, fix: String },
    /// `base...tip` was asked for, but the two share no commit. In a shallow clone (`fix` is the
    /// command to run) that is usually missing history; otherwise the histories are unrelated.
    NoMergeBase {
        base: String,
        tip: String,
        fix: Option<String>,
    },
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
    /// `path` is inside `submodule`, whose files are another repository's.
    InSubmodule {
        path: String,
        submodule: String,
        place: String,
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
    /// `path`, around a side on disk, leads out of `boundary`: through a symbolic link to
    /// `target`, or (`None`) by climbing above it.
    OutsideBoundary {
        path: String,
        target: Option<PathBuf>,
        boundary: String,
    },
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
            SourceError::NotInShallowClone { rev, fix } => {
                write!(f, "{}; {}", not_in_shallow_clone(rev), shallow_hint(fix))
            }
            SourceError::NoMergeBase { base, tip, fix } => {
                write!(f, "{}", no_merge_base(base, tip, fix.is_some()))?;
                match fix {
                    Some(fix) => write!(f, "; {}", shallow_hint(fix)),
                    None => write!(f, "; {UNRELATED_HINT}"),
                }
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
            SourceError::InSubmodule {
                path,
                submodule,
                place,
            } => write!(
                f,
                "'{path}' in {place} is inside the submodule '{submodule}', whose files are not \
                 compared: git holds only the commit it points at"
            ),
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
            SourceError::OutsideBoundary {
                path,
                target: Some(target),
                boundary,
            } => write!(
                f,
                "`{path}` leads through a symbolic link to `{}`, outside {boundary}: treaty does \
                 not follow links out of it",
                target.display()
            ),
            SourceError::OutsideBoundary {
                path,
                target: None,
                boundary,
            } => write!(
                f,
                "`{path}` is outside {boundary}: treaty only reads files inside it"
            ),
        }
    }
}

fn not_in_shallow_clone(rev: &str) -> String {
    format!("revision '{rev}' is not in this shallow clone")
}

fn no_merge_base(base: &str, tip: &str, shallow: bool) -> String {
    if shallow {
        format!("no common ancestor of '{base}' and '{tip}' in this shallow clone")
    } else {
        format!("'{base}' and '{tip}' have no common ancestor (unrelated histories)")
    }
}

const UNRELATED_HINT: &str = "compare against one revision instead: --against REV";

fn shallow_hint(fix: &str) -> String {
    format!("run `{fix}`, {CHECKOUT_HINT}")
}

/// The one command that makes `rev` readable in a shallow clone, including the depth-1,
/// single-branch checkout CI makes, where a bare `git fetch --unshallow` deepens the current
/// branch but still leaves every other branch missing: the ref is named on the command line.
///
/// `history` is for a merge base: the commits between the tips and their common ancestor are
/// needed too, and how deep that is cannot be known beforehand, hence `--unshallow`.
/// `remotes` are the repository's configured remotes, to tell `upstream/main` from a branch.
pub fn shallow_fix(rev: &str, remotes: &[String], history: bool) -> String {
    let depth = if history { "--unshallow" } else { "--depth=1" };
    let default_remote = if remotes.iter().any(|r| r == "origin") || remotes.is_empty() {
        "origin"
    } else {
        remotes[0].as_str()
    };
    let is_hash = rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit());
    // `HEAD~3`, `main^`, `main@{1}`: history of something present, not a ref to fetch.
    let ancestry = rev.contains(['~', '^', '@', ':']) || rev == "HEAD";
    if is_hash {
        return format!("git fetch {depth} {default_remote} {rev}");
    }
    if ancestry {
        return "git fetch --unshallow".to_string();
    }
    if let Some(tag) = rev.strip_prefix("refs/tags/") {
        return format!("git fetch {depth} {default_remote} tag {tag}");
    }
    let short = rev.strip_prefix("refs/remotes/").unwrap_or(rev);
    if let Some((remote, branch)) = short.split_once('/') {
        if remotes.iter().any(|r| r == remote) || rev.starts_with("refs/remotes/") {
            return format!("git fetch {depth} {remote} {branch}:refs/remotes/{remote}/{branch}");
        }
    }
    let branch = rev.strip_prefix("refs/heads/").unwrap_or(rev);
    format!("git fetch {depth} {default_remote} {branch}:refs/heads/{branch}")
}

/// The error the CLI reports (exit 2): the message as displayed, with the shallow-clone fix as
/// the hint. No variant gets a place: each message already names its path as its subject
/// (`'a.proto' does not exist in revision 'main'`), which `file: ` in front would repeat, and
/// most of those paths name nothing that exists to point at.
impl From<SourceError> for InputError {
    fn from(e: SourceError) -> InputError {
        match e {
            SourceError::NotInShallowClone { rev, fix } => {
                InputError::new(not_in_shallow_clone(&rev)).with_hint(shallow_hint(&fix))
            }
            SourceError::NoMergeBase { base, tip, fix } => {
                let hint = match &fix {
                    Some(fix) => shallow_hint(fix),
                    None => UNRELATED_HINT.to_string(),
                };
                InputError::new(no_merge_base(&base, &tip, fix.is_some())).with_hint(hint)
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
        let e = SourceError::NotInShallowClone {
            rev: "v1".into(),
            fix: "git fetch --depth=1 origin v1:refs/heads/v1".into(),
        };
        let hint = "run `git fetch --depth=1 origin v1:refs/heads/v1`, or check out with full \
                    history (actions/checkout: fetch-depth: 0)";
        assert_eq!(
            e.to_string(),
            format!("revision 'v1' is not in this shallow clone; {hint}")
        );
        let error = InputError::from(e);
        assert_eq!(error.message, "revision 'v1' is not in this shallow clone");
        assert_eq!(error.hint.as_deref(), Some(hint));
        assert_eq!(error.place, None);
    }

    #[test]
    fn shallow_fix_names_the_ref_it_fetches() {
        let origin = ["origin".to_string(), "upstream".to_string()];
        let fix = |rev: &str, history: bool| shallow_fix(rev, &origin, history);
        assert_eq!(
            fix("origin/main", false),
            "git fetch --depth=1 origin main:refs/remotes/origin/main"
        );
        assert_eq!(
            fix("refs/remotes/upstream/release/2", false),
            "git fetch --depth=1 upstream release/2:refs/remotes/upstream/release/2"
        );
        assert_eq!(
            fix("origin/main", true),
            "git fetch --unshallow origin main:refs/remotes/origin/main"
        );
        assert_eq!(
            fix("main", false),
            "git fetch --depth=1 origin main:refs/heads/main"
        );
        // `feature/x` is a branch, not remote `feature`.
        assert_eq!(
            fix("feature/x", false),
            "git fetch --depth=1 origin feature/x:refs/heads/feature/x"
        );
        assert_eq!(
            fix("refs/tags/v1", false),
            "git fetch --depth=1 origin tag v1"
        );
        let hash = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(
            fix(hash, false),
            format!("git fetch --depth=1 origin {hash}")
        );
        assert_eq!(fix("HEAD~1", false), "git fetch --unshallow");
        assert_eq!(
            shallow_fix("main", &["fork".to_string()], false),
            "git fetch --depth=1 fork main:refs/heads/main"
        );
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
