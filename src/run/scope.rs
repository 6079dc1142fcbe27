//! What a run is limited to must exist: a path argument or a config path (a protobuf root, a
//! buf module, an `[openapi] paths` glob) that names nothing in either revision is a typo, and
//! would otherwise turn checking off and report "no findings". Either revision will do: a spec
//! the change adds is only in the new one, a file it deletes only in the old one.

use std::collections::BTreeSet;

use super::policy::path_matches;
use crate::config::{contains_path, Config, BUF_WORK_YAML, BUF_YAML, TREATY_TOML};
use crate::diag::{InputError, InputErrors};
use crate::rules::spelling::nearest;
use crate::source::Listing;

/// A path argument, as the user wrote it and as it reads from the compared root.
pub struct PathArgument {
    pub written: String,
    pub from_root: String,
}

/// Every path argument must name a contract file, or a directory holding one, in `old` or
/// `new`.
pub fn check_path_arguments(
    paths: &[PathArgument],
    old: &Listing,
    new: &Listing,
) -> Result<(), InputErrors> {
    if paths.is_empty() {
        return Ok(());
    }
    let mut files = listed_files(old, new);
    files.retain(|f| is_contract_file(f));
    // A path into a submodule lists nothing here: the comparison refuses it by name.
    let submodules: Vec<&String> = (old.submodules().keys())
        .chain(new.submodules().keys())
        .collect();
    let errors: Vec<InputError> = paths
        .iter()
        .filter(|p| !submodules.iter().any(|s| path_matches(&p.from_root, s)))
        .filter(|p| !files.iter().any(|f| path_matches(f, &p.from_root)))
        .map(|p| {
            let from_root = !same_path(&p.written, &p.from_root);
            let shown = if from_root {
                format!("'{}' ({} from the repository root)", p.written, p.from_root)
            } else {
                format!("'{}'", p.written)
            };
            let error = InputError::new(format!(
                "{shown} matches no contract file in either revision"
            ));
            match suggestion(&p.from_root, &files) {
                Some(near) if from_root => {
                    error.with_hint(format!("did you mean '{near}' (from the repository root)?"))
                }
                Some(near) => error.with_hint(format!("did you mean '{near}'?")),
                None => error.with_hint(
                    "paths are relative to the current directory; contract files are .proto, \
                     .yaml, .yml and .json files",
                ),
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InputErrors(errors))
    }
}

/// Every path the config names (see [`Config::named_paths`]) must match a file in `old` or
/// `new`; an error at its line otherwise.
pub fn check_config_paths(
    config: &Config,
    old: &Listing,
    new: &Listing,
) -> Result<(), InputErrors> {
    if config.named_paths.is_empty() {
        return Ok(());
    }
    let files = listed_files(old, new);
    let mut errors = Vec::new();
    for named in &config.named_paths {
        let found = if named.glob {
            match globset::GlobBuilder::new(&named.path)
                .literal_separator(true)
                .build()
            {
                Ok(glob) => {
                    let glob = glob.compile_matcher();
                    files.iter().any(|f| glob.is_match(f))
                }
                // The config reader reports a glob that does not compile.
                Err(_) => true,
            }
        } else {
            files.iter().any(|f| contains_path(&named.path, f))
        };
        if found {
            continue;
        }
        // `lint` reads one tree, given as both sides.
        let revisions = if std::ptr::eq(old, new) {
            ""
        } else {
            " in either revision"
        };
        let message = format!(
            "{} entry {:?} matches no file{revisions}: nothing would be checked there",
            named.key, named.path
        );
        let hint = match suggestion(&named.path, &files) {
            Some(near) => format!("did you mean {near:?}?"),
            None => "paths are relative to the config file's directory".to_string(),
        };
        errors.push(
            InputError::at(message, named.at.clone(), Some(named.text.clone())).with_hint(hint),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InputErrors(errors))
    }
}

/// Whether a side named on the command line (`treaty lint docs`, `treaty diff a b`) holds a
/// contract file: one that holds none checks nothing.
pub fn holds_contracts(listing: &Listing) -> bool {
    listing.entries().keys().any(|f| is_contract_file(f))
}

/// A file named on its own is listed whatever it is: only these are ever checked.
fn is_contract_file(path: &str) -> bool {
    !is_config_file(path)
        && (path.ends_with(".proto") || crate::openapi::load::is_yaml_or_json(path))
}

fn is_config_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    [TREATY_TOML, BUF_YAML, BUF_WORK_YAML].contains(&name)
}

/// The files of both sides: contract and config files (listings hold nothing else).
fn listed_files<'l>(old: &'l Listing, new: &'l Listing) -> BTreeSet<&'l str> {
    let mut files: BTreeSet<&str> = old.entries().into_keys().collect();
    files.extend(new.entries().into_keys());
    files
}

/// The file or directory of `files` nearest to `typo`, when one is close.
fn suggestion(typo: &str, files: &BTreeSet<&str>) -> Option<String> {
    let typo = typo.trim_start_matches("./").trim_end_matches('/');
    let mut candidates: BTreeSet<&str> = BTreeSet::new();
    for file in files {
        candidates.insert(file);
        for (i, _) in file.match_indices('/') {
            candidates.insert(&file[..i]);
        }
    }
    // Only whole paths: a bare file name elsewhere in the tree is not what was meant.
    let whole = |c: &&str| c.matches('/').count() == typo.matches('/').count();
    nearest(typo, candidates.into_iter().filter(whole)).map(str::to_string)
}

fn same_path(a: &str, b: &str) -> bool {
    let norm = |p: &str| p.trim_start_matches("./").trim_end_matches('/').to_string();
    norm(a) == norm(b)
}
