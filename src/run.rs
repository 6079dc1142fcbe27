//! One comparison from two snapshots to a `Report`: load both revisions (in parallel),
//! run the selected rules, keep what the configuration does not ignore.

use std::collections::BTreeSet;

use crate::diag::InputErrors;
use crate::finding::{Finding, Revision, Severity};
use crate::proto;
use crate::report::Report;
use crate::rules::{self, Check, Kind, Selection};
use crate::source::Snapshot;

/// What to compare and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub layout: proto::load::Layout,
    pub selection: Selection,
    /// Paths (files or directories, relative to the compared root) whose findings are dropped.
    pub ignore: Vec<String>,
    /// Rule token -> paths where that rule's findings are dropped.
    pub ignore_only: Vec<(String, Vec<String>)>,
    /// Drop findings in packages whose last component is unstable (`v1alpha1`, `v2beta`, `v1test`).
    pub ignore_unstable_packages: bool,
}

fn path_matches(file: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_start_matches("./").trim_end_matches('/');
    prefix.is_empty()
        || prefix == "."
        || file == prefix
        || (file.starts_with(prefix) && file.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// buf's notion of an unstable package: a last component like `v1alpha1`, `v1beta`, `v2test`.
pub fn is_unstable_package(package: &str) -> bool {
    let last = package.rsplit('.').next().unwrap_or("");
    let Some(rest) = last.strip_prefix('v') else {
        return false;
    };
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let suffix = &rest[digits..];
    ["alpha", "beta", "test"].iter().any(|word| {
        suffix
            .strip_prefix(word)
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    })
}

/// Compare two snapshots.
pub fn breaking(old: &Snapshot, new: &Snapshot, options: &Options) -> Result<Report, InputErrors> {
    let (old_set, new_set) = rayon::join(
        || proto::load::load(old, &options.layout),
        || proto::load::load(new, &options.layout),
    );
    let mut errors = Vec::new();
    let old_set = old_set.map_err(|e| errors.extend(e.0));
    let new_set = new_set.map_err(|e| errors.extend(e.0));
    let (Ok(old_set), Ok(new_set)) = (old_set, new_set) else {
        return Err(InputErrors(errors));
    };

    let selected: BTreeSet<&str> = options.selection.resolve(Kind::Breaking);
    let ctx = proto::breaking::Ctx::new(&old_set, &new_set);
    let codes: Vec<_> = rules::registry()
        .filter(|code| selected.contains(code.id))
        .collect();
    let mut findings: Vec<Finding> = {
        use rayon::prelude::*;
        codes
            .par_iter()
            .flat_map_iter(|code| {
                let severity = rules::find(code.id).map_or(Severity::Error, |d| d.severity);
                let mut sink = proto::breaking::Sink::new(code.id, severity);
                match code.check {
                    Check::ProtoBreaking(check) => check(&ctx, &mut sink),
                }
                sink.findings
            })
            .collect()
    };

    // Ignores apply to the file a finding is about, in either revision.
    let package_of = |f: &Finding| -> Option<String> {
        let set = if f.revision == Revision::Old {
            &old_set
        } else {
            &new_set
        };
        set.tree_files()
            .find(|p| p.display == f.location.file)
            .map(|p| p.package().to_string())
    };
    findings.retain(|f| {
        let file = &f.location.file;
        if options.ignore.iter().any(|p| path_matches(file, p)) {
            return false;
        }
        for (token, paths) in &options.ignore_only {
            let names_rule = rules::find(f.rule).is_some_and(|d| rules::token_matches(token, d));
            if names_rule && paths.iter().any(|p| path_matches(file, p)) {
                return false;
            }
        }
        if options.ignore_unstable_packages
            && package_of(f).is_some_and(|p| is_unstable_package(&p))
        {
            return false;
        }
        true
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();

    let mut report = Report {
        files_checked: new_set.tree_files().count(),
        ..Report::default()
    };
    for f in &findings {
        let wanted = [(f.revision, &f.location.file)]
            .into_iter()
            .chain(f.related.as_ref().map(|r| (Revision::Old, &r.file)));
        for (revision, file) in wanted {
            let set = if revision == Revision::Old {
                &old_set
            } else {
                &new_set
            };
            if let Some(p) = set.files.iter().find(|p| &p.display == file) {
                report
                    .sources
                    .entry((revision, file.clone()))
                    .or_insert_with(|| p.text.clone());
            }
        }
    }
    report.findings = findings;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstable_packages_follow_buf() {
        for p in ["a.v1alpha1", "a.v1beta", "foo.v2test1", "v1alpha"] {
            assert!(is_unstable_package(p), "{p}");
        }
        for p in ["a.v1", "a.valpha1", "a.v1gamma", "a.b", ""] {
            assert!(!is_unstable_package(p), "{p}");
        }
    }

    #[test]
    fn ignore_paths_match_directories_and_files() {
        assert!(path_matches("proto/a/b.proto", "proto/a"));
        assert!(path_matches("proto/a/b.proto", "proto/a/b.proto"));
        assert!(!path_matches("proto/ab/c.proto", "proto/a"));
    }
}
