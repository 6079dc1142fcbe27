//! What a side read from disk may reach beyond its own files: a spec's `$ref` to a file next to
//! a file named on its own, or above a compared directory (`../common.yaml`). Reads stop at the
//! boundary: the git work tree holding the side, or, outside git, the current directory (a side
//! outside both reaches nothing above its own root). A revision needs none of this: its root is
//! the repository's.

use std::fs;
use std::path::{Path, PathBuf};

use super::disk::read_file;
use super::{Entry, SourceError};

/// Where a disk side's files may be read from, around its root.
#[derive(Debug)]
pub struct Surroundings {
    /// The side's root directory (a named file's directory), canonical.
    root: PathBuf,
    /// `root` or a directory above it, canonical: nothing above it is read.
    boundary: PathBuf,
    kind: Boundary,
    /// The names of `root` and of the directories above it, up to the boundary: `["v1", "api"]`
    /// for `api/v1` in a repository. One per level a path may climb with `..`.
    above: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Boundary {
    GitWorkTree,
    CurrentDir,
    /// In no git work tree and outside the current directory: the root itself.
    Root,
}

impl Surroundings {
    /// The surroundings of a side rooted at directory `root`, run from `cwd`; `None` when
    /// `root` cannot be resolved (reading the side itself then fails, naming it).
    pub(super) fn of(root: &Path, cwd: &Path) -> Option<Surroundings> {
        let root = fs::canonicalize(root).ok()?;
        let (boundary, kind) = match git_work_tree(&root) {
            Some(top) => (top, Boundary::GitWorkTree),
            None => match fs::canonicalize(cwd).ok().filter(|c| root.starts_with(c)) {
                Some(cwd) => (cwd, Boundary::CurrentDir),
                None => (root.clone(), Boundary::Root),
            },
        };
        let above = root
            .strip_prefix(&boundary)
            .ok()?
            .components()
            .rev()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(Surroundings {
            root,
            boundary,
            kind,
            above,
        })
    }

    /// The names of the root and the directories above it, nearest first, up to the boundary
    /// (its own name left out): a path may climb one `..` per name.
    pub fn above(&self) -> &[String] {
        &self.above
    }

    /// The boundary as messages name it: "the git work tree at /src/app".
    pub fn boundary_name(&self) -> String {
        match self.kind {
            // The whole work tree (`breaking --against`) says what its revision side says.
            Boundary::GitWorkTree if self.above.is_empty() => "the repository".to_string(),
            Boundary::GitWorkTree => {
                format!("the git work tree at {}", self.boundary.display())
            }
            Boundary::CurrentDir => "the current directory".to_string(),
            Boundary::Root => format!(
                "{} (in no git work tree, and outside the current directory)",
                self.root.display()
            ),
        }
    }

    /// The file at `rel` (relative to the root, `/`-separated, leading `..`s only, no more of
    /// them than [`Surroundings::above`] names), `None` when there is none. A path that leads out
    /// of the boundary, through a symbolic link or otherwise, is an error.
    pub(crate) fn read(&self, rel: &str) -> Result<Option<Entry>, SourceError> {
        let outside = |target: Option<PathBuf>| SourceError::OutsideBoundary {
            path: rel.to_string(),
            target,
            boundary: self.boundary_name(),
        };
        // `root` is canonical, so popping a name is going to the real parent directory.
        let mut path = self.root.clone();
        for segment in rel.split('/') {
            match segment {
                "" | "." => {}
                ".." if path == self.boundary => return Err(outside(None)),
                ".." => {
                    path.pop();
                }
                name => path.push(name),
            }
        }
        match fs::symlink_metadata(&path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(SourceError::Io { path, source }),
        }
        // A link on the way may lead anywhere: where it ends is what counts.
        let real = fs::canonicalize(&path).map_err(|source| SourceError::Io {
            path: path.clone(),
            source,
        })?;
        if !real.starts_with(&self.boundary) {
            return Err(outside(Some(real)));
        }
        if !fs::metadata(&real).is_ok_and(|m| m.is_file()) {
            return Ok(None);
        }
        read_file(rel.to_string(), &real).map(Some)
    }
}

/// The top of the git work tree holding `dir` (canonical): the nearest directory with a `.git`
/// directory or file (a submodule's or a linked work tree's).
fn git_work_tree(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn text(entry: Option<Entry>) -> String {
        match entry {
            Some(Entry::File(f)) => String::from_utf8_lossy(&f.bytes).into_owned(),
            Some(Entry::Oversized(o)) => panic!("oversized: {o}"),
            None => "<none>".into(),
        }
    }

    #[test]
    fn a_git_work_tree_bounds_its_sides() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("repo/.git")).unwrap();
        write(&d.join("repo/common.yaml"), "common");
        write(&d.join("repo/api/v1/a.yaml"), "a");
        write(&d.join("secret.yaml"), "secret");
        // The current directory is no boundary inside git.
        let top = Surroundings::of(&d.join("repo"), d).unwrap();
        assert_eq!(top.boundary_name(), "the repository");
        let around = Surroundings::of(&d.join("repo/api/v1"), &d.join("repo/api/v1")).unwrap();
        assert_eq!(around.above(), ["v1", "api"]);
        assert!(around.boundary_name().starts_with("the git work tree at "));
        assert_eq!(text(around.read("../../common.yaml").unwrap()), "common");
        assert_eq!(text(around.read("a.yaml").unwrap()), "a");
        assert_eq!(text(around.read("../../gone.yaml").unwrap()), "<none>");
        let err = around.read("../../../secret.yaml").err().unwrap();
        assert!(
            err.to_string().contains("outside the git work tree"),
            "{err}"
        );
    }

    #[test]
    fn outside_git_the_current_directory_bounds_them() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(&d.join("work/api/a.yaml"), "a");
        let around = Surroundings::of(&d.join("work/api"), &d.join("work")).unwrap();
        assert_eq!(around.above(), ["api"]);
        assert_eq!(around.boundary_name(), "the current directory");
        // A side outside the current directory reaches nothing above its root.
        let around = Surroundings::of(&d.join("work/api"), &d.join("elsewhere")).unwrap();
        assert!(around.above().is_empty());
        assert!(around.read("../x.yaml").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_boundary_are_refused() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        write(&outside.path().join("secret.yaml"), "secret");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join(".git")).unwrap();
        write(&d.join("shared/common.yaml"), "common");
        fs::create_dir_all(d.join("api")).unwrap();
        symlink(outside.path().join("secret.yaml"), d.join("out.yaml")).unwrap();
        symlink(outside.path(), d.join("outdir")).unwrap();
        symlink(d.join("shared/common.yaml"), d.join("in.yaml")).unwrap();
        let around = Surroundings::of(&d.join("api"), d).unwrap();
        assert_eq!(text(around.read("../in.yaml").unwrap()), "common");
        for rel in ["../out.yaml", "../outdir/secret.yaml"] {
            let err = around.read(rel).err().unwrap().to_string();
            assert!(err.contains("symbolic link"), "{rel}: {err}");
        }
    }
}
