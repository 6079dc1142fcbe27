//! One comparison from two snapshots to a `Report`: load both revisions (in parallel),
//! run the selected rules, keep what the configuration does not ignore.

use std::collections::BTreeSet;

use crate::date::Date;
use crate::diag::InputErrors;
use crate::finding::{Finding, Location, Revision, Sink};
use crate::openapi;
use crate::proto;
use crate::report::Report;
use crate::rules::{self, Kind, RuleId, Selection};
use std::collections::BTreeMap;

use crate::source::{BlobId, Listing, Snapshot};

/// Which rules apply to a file, and which of their findings are dropped.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub selection: Selection,
    /// Paths (files or directories, relative to the compared root) whose findings are dropped.
    pub ignore: Vec<String>,
    /// Rule token -> paths where that rule's findings are dropped.
    pub ignore_only: Vec<(String, Vec<String>)>,
    /// Drop findings in packages whose last component is unstable (`v1alpha1`, `v2beta`, `v1test`).
    pub ignore_unstable_packages: bool,
}

impl Policy {
    /// A config's `breaking` section, with the command line's `--only`/`--skip` on top.
    pub fn from_breaking(
        breaking: &crate::config::BreakingConfig,
        only: &[String],
        skip: &[String],
    ) -> Policy {
        Policy {
            selection: Selection {
                only: only.to_vec(),
                skip: breaking.except.iter().chain(skip).cloned().collect(),
                uses: breaking.use_ids.clone(),
            },
            ignore: breaking.ignore.clone(),
            ignore_only: breaking.ignore_only.clone(),
            ignore_unstable_packages: breaking.ignore_unstable_packages,
        }
    }

    /// Does this policy keep finding `f` (whose file is in `package`)?
    fn keeps(&self, f: &Finding, package: Option<&str>) -> bool {
        let file = &f.location.file;
        if self.ignore.iter().any(|p| path_matches(file, p)) {
            return false;
        }
        for (token, paths) in &self.ignore_only {
            let names_rule = rules::token_matches(token, f.rule.doc());
            if names_rule && paths.iter().any(|p| path_matches(file, p)) {
                return false;
            }
        }
        !(self.ignore_unstable_packages && package.is_some_and(is_unstable_package))
    }
}

/// What to compare and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub layout: proto::load::Layout,
    /// The policy of files outside every module with its own settings.
    pub policy: Policy,
    /// buf v2 modules with their own `breaking` section: (module directory, policy).
    pub module_policies: Vec<(String, Policy)>,
    /// Compare only files under these paths (all when empty); imports are still read from
    /// everywhere.
    pub paths: Vec<String>,
    /// `[openapi] paths`: globs naming the OpenAPI specs (empty: found by content).
    pub openapi_paths: Vec<String>,
}

impl Options {
    /// Options from a configuration, with the command line's `--only`/`--skip`.
    pub fn from_config(
        config: &crate::config::Config,
        only: &[String],
        skip: &[String],
    ) -> Options {
        let default_policy = if config.source == crate::config::ConfigSource::Default {
            // No config file: treaty's default selection (buf's FILE plus GUIDE and HTTP).
            Policy {
                selection: Selection {
                    only: only.to_vec(),
                    skip: skip.to_vec(),
                    uses: Vec::new(),
                },
                ..Policy::default()
            }
        } else {
            Policy::from_breaking(&config.breaking, only, skip)
        };
        Options {
            layout: proto::load::Layout {
                roots: config.roots.iter().map(|r| r.path.clone()).collect(),
                excludes: config
                    .roots
                    .iter()
                    .flat_map(|r| r.excludes.clone())
                    .collect(),
            },
            policy: default_policy,
            module_policies: config
                .roots
                .iter()
                .filter_map(|r| {
                    r.breaking
                        .as_ref()
                        .map(|b| (r.path.clone(), Policy::from_breaking(b, only, skip)))
                })
                .collect(),
            paths: Vec::new(),
            openapi_paths: config.openapi_paths.clone(),
        }
    }

    fn spec_filter(&self) -> openapi::load::SpecFilter {
        openapi::load::SpecFilter {
            globs: self.openapi_paths.clone(),
            under: self.paths.clone(),
        }
    }

    /// Tokens in any selection that name no rule, alias or category.
    pub fn unknown_tokens(&self) -> Vec<String> {
        let mut unknown = self.policy.selection.unknown_tokens();
        for (_, p) in &self.module_policies {
            unknown.extend(p.selection.unknown_tokens());
        }
        unknown.sort();
        unknown.dedup();
        unknown
    }

    /// The policy that governs `file`: its module's, else the default.
    fn policy_for(&self, file: &str) -> &Policy {
        self.module_policies
            .iter()
            .filter(|(dir, _)| path_matches(file, dir))
            .max_by_key(|(dir, _)| dir.len())
            .map_or(&self.policy, |(_, p)| p)
    }

    /// Rules any policy selects.
    fn selected(&self, kind: Kind) -> BTreeSet<RuleId> {
        let mut ids = self.policy.selection.resolve(kind);
        for (_, p) in &self.module_policies {
            ids.extend(p.selection.resolve(kind));
        }
        ids
    }
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

fn both<A, B>(
    old: Result<A, InputErrors>,
    new: Result<B, InputErrors>,
) -> Result<(A, B), InputErrors> {
    match (old, new) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let mut errors = Vec::new();
            errors.extend(a.err().into_iter().flat_map(|e| e.0));
            errors.extend(b.err().into_iter().flat_map(|e| e.0));
            Err(InputErrors(errors))
        }
    }
}

/// The day sunset dates are compared with; a `TREATY_TODAY` that is not a date is an input
/// error (exit 2), whether or not the comparison has sunset dates to read.
fn today() -> Result<Date, InputErrors> {
    crate::date::today().map_err(|e| crate::diag::InputError::new(e).into())
}

fn source_error(e: crate::source::SourceError) -> InputErrors {
    crate::diag::InputError::new(e.to_string()).into()
}

/// Run the selected OpenAPI rules over two spec sets and add their findings (and the texts
/// they point into) to `report`, keeping it sorted.
fn merge_openapi(
    report: &mut Report,
    old: &openapi::load::SpecSet,
    new: &openapi::load::SpecSet,
    skip: &[String],
    options: &Options,
    today: Date,
) {
    report.files_checked += new.file_count();
    if old.specs.is_empty() && new.specs.is_empty() {
        return;
    }
    let selected = options.selected(Kind::Breaking);
    let ctx = openapi::breaking::Ctx::new(old, new, skip, today);
    let mut findings = run_rules(openapi::breaking::rules(), &selected, |check, sink| {
        check(&ctx, sink)
    });
    findings.retain(|f| {
        let policy = options.policy_for(&f.location.file);
        let selected = options.module_policies.is_empty()
            || policy.selection.resolve(Kind::Breaking).contains(&f.rule);
        selected && policy.keeps(f, None)
    });
    if options.policy.selection.is_default() && options.module_policies.is_empty() {
        supersede(&mut findings);
    }
    for f in &findings {
        let wanted = [(f.revision, &f.location.file)]
            .into_iter()
            .chain(f.related.as_ref().map(|r| (Revision::Old, &r.file)));
        for (revision, file) in wanted {
            let set = if revision == Revision::Old { old } else { new };
            if let Some(doc) = set.doc(file) {
                report
                    .sources
                    .entry((revision, file.clone()))
                    .or_insert_with(|| doc.text.clone());
            }
        }
    }
    report.findings.extend(findings);
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.findings.dedup();
}

/// Run the selected rules of one protocol, in parallel, over its comparison context.
fn run_rules<C: Sync + 'static>(
    rules: impl Iterator<Item = &'static rules::Rule<C>>,
    selected: &BTreeSet<RuleId>,
    run: impl Fn(&C, &mut Sink) + Sync,
) -> Vec<Finding> {
    use rayon::prelude::*;
    let rules: Vec<_> = rules.filter(|rule| selected.contains(&rule.id)).collect();
    rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut sink = Sink::new(rule.id);
            run(&rule.check, &mut sink);
            sink.findings
        })
        .collect()
}

/// Compare two snapshots.
pub fn breaking(old: &Snapshot, new: &Snapshot, options: &Options) -> Result<Report, InputErrors> {
    let today = today()?;
    let filter = options.spec_filter();
    let load_side = |s: &Snapshot| {
        rayon::join(
            || proto::load::load(s, &options.layout),
            || openapi::load::load(s, &filter, &openapi::load::no_fetch),
        )
    };
    let ((old_set, old_specs), (new_set, new_specs)) =
        rayon::join(|| load_side(old), || load_side(new));
    let protos = both(old_set, new_set);
    let specs = both(old_specs, new_specs);
    let ((old_set, new_set), (old_specs, new_specs)) = both(protos, specs)?;
    let files_checked = new_set.tree_files().count();
    let skip = unchanged_specs(&new_specs, |p| old.files.get(p).map(|f| f.blob));
    let mut report = compare(&old_set, &new_set, options, files_checked)?;
    merge_openapi(&mut report, &old_specs, &new_specs, &skip, options, today);
    Ok(report)
}

/// Specs of `new` whose file and every file it references have the same blob on the old side:
/// they cannot differ, so the comparison leaves them out.
fn unchanged_specs(
    new: &openapi::load::SpecSet,
    old_blob: impl Fn(&str) -> Option<BlobId>,
) -> Vec<String> {
    new.specs
        .iter()
        .filter(|spec| {
            std::iter::once(spec.doc)
                .chain(spec.closure.iter().copied())
                .all(|d| {
                    let doc = &new.docs[d];
                    doc.blob.is_some() && doc.blob == old_blob(&doc.path)
                })
        })
        .map(|spec| new.docs[spec.doc].path.clone())
        .collect()
}

/// Load the OpenAPI side of two listings: every YAML/JSON file of the new side (specs are found
/// by content), and on the old side only files that differ plus the specs whose references
/// changed; unchanged specs are not compared.
///
/// The two sides load in parallel: the old side starts with the files that differ, and is
/// loaded again with the specs whose references changed only when there are such specs that
/// did not differ themselves (a spec kept while a file it references changed).
fn openapi_listings(
    old: &Listing,
    new: &Listing,
    options: &Options,
) -> Result<(openapi::load::SpecSet, openapi::load::SpecSet, Vec<String>), InputErrors> {
    let filter = options.spec_filter();
    let (old_entries, new_entries) = (old.entries(), new.entries());
    let fetch_from = |listing: &Listing, path: &str| -> Option<openapi::load::Fetched> {
        let file = listing.read(&[path]).ok()?.files.into_values().next()?;
        Some((file.path, file.bytes, Some(file.blob)))
    };
    let load_old = |paths: &[&str]| -> Result<openapi::load::SpecSet, InputErrors> {
        let snapshot = old.read(paths).map_err(source_error)?;
        openapi::load::load(&snapshot, &filter, &|p: &str| fetch_from(old, p))
    };
    let differing: Vec<&str> = old_entries
        .iter()
        .filter(|(p, blob)| openapi::load::is_yaml_or_json(p) && new_entries.get(*p) != Some(*blob))
        .map(|(p, _)| *p)
        .collect();
    let (new_set, old_differing) = rayon::join(
        || -> Result<_, InputErrors> {
            let new_paths: Vec<&str> = new_entries
                .keys()
                .copied()
                .filter(|p| openapi::load::is_yaml_or_json(p))
                .collect();
            let new_snapshot = new.read(&new_paths).map_err(source_error)?;
            openapi::load::load(&new_snapshot, &filter, &|p: &str| fetch_from(new, p))
        },
        || load_old(&differing),
    );
    let new_set = new_set?;
    let skip = unchanged_specs(&new_set, |p| old_entries.get(p).copied());
    let changed_specs: Vec<&str> = new_set
        .specs
        .iter()
        .map(|s| new_set.docs[s.doc].path.as_str())
        .filter(|p| !skip.iter().any(|k| k == p))
        .collect();
    // Specs with the same blob on both sides whose referenced files changed.
    let kept_but_changed = changed_specs
        .iter()
        .any(|p| old_entries.contains_key(p) && old_entries.get(p) == new_entries.get(p));
    let old_set = if kept_but_changed {
        let old_paths: Vec<&str> = old_entries
            .iter()
            .filter(|(p, blob)| {
                openapi::load::is_yaml_or_json(p)
                    && (new_entries.get(*p) != Some(*blob) || changed_specs.contains(p))
            })
            .map(|(p, _)| *p)
            .collect();
        load_old(&old_paths)?
    } else {
        old_differing?
    };
    Ok((old_set, new_set, skip))
}

/// Compare two listings, reading only what is needed (protobuf and OpenAPI in parallel).
pub fn breaking_listings(
    old: &Listing,
    new: &Listing,
    options: &Options,
) -> Result<Report, InputErrors> {
    let today = today()?;
    let (protos, specs) = rayon::join(
        || proto_listings(old, new, options),
        || openapi_listings(old, new, options),
    );
    let (mut report, (old_specs, new_specs, skip)) = both(protos, specs)?;
    merge_openapi(&mut report, &old_specs, &new_specs, &skip, options, today);
    Ok(report)
}

/// The protobuf side of [`breaking_listings`]: when few files changed, only the changed files
/// are compared, linked against the (unchanged) files they import. Files with the same blob id
/// on both sides hold the same elements, so no rule can fire on them — unless a declaration
/// they may depend on disappeared or changed kind, which needs the whole tree to judge (and to
/// report what no longer compiles).
fn proto_listings(old: &Listing, new: &Listing, options: &Options) -> Result<Report, InputErrors> {
    let (old_entries, new_entries) = (old.entries(), new.entries());
    let protos = |entries: &BTreeMap<&str, BlobId>| -> Vec<String> {
        entries
            .keys()
            .filter(|p| p.ends_with(".proto") && options.layout.import_path(p).is_some())
            .filter(|p| {
                options.paths.is_empty() || options.paths.iter().any(|want| path_matches(p, want))
            })
            .map(|p| p.to_string())
            .collect()
    };
    let (all_old, all_new) = (protos(&old_entries), protos(&new_entries));
    let changed = |mine: &[String],
                   own: &BTreeMap<&str, BlobId>,
                   theirs: &BTreeMap<&str, BlobId>|
     -> Vec<String> {
        mine.iter()
            .filter(|p| theirs.get(p.as_str()) != own.get(p.as_str()))
            .cloned()
            .collect()
    };
    let changed_old = changed(&all_old, &old_entries, &new_entries);
    let changed_new = changed(&all_new, &new_entries, &old_entries);
    // Beyond a quarter of the tree, reading everything in one parallel sweep is cheaper.
    let incremental = (changed_old.len() + changed_new.len()) * 4 <= all_old.len() + all_new.len();
    if incremental {
        let (old_set, new_set) = load_pair(old, new, &changed_old, &changed_new, options)?;
        // Unchanged files can only be affected through what the changed files declare: when
        // everything the old changed files declared is still declared alike, nothing else moved.
        if declarations(&old_set).is_subset(&declarations(&new_set)) {
            return compare(&old_set, &new_set, options, all_new.len());
        }
    }
    let (old_set, new_set) = load_pair(old, new, &all_old, &all_new, options)?;
    compare(&old_set, &new_set, options, all_new.len())
}

/// Drop findings that a more precise finding explains: a rule's `supersedes` names the rules
/// whose findings about the same element (same line in the new revision, or the same old
/// location) it replaces — e.g. a renumbered field instead of "field deleted" + "name changed".
fn supersede(findings: &mut Vec<Finding>) {
    let same_line = |a: &Location, b: &Location| a.file == b.file && a.line == b.line;
    let explained: Vec<(RuleId, Location, Option<Location>)> = findings
        .iter()
        .filter(|f| !f.rule.doc().supersedes.is_empty())
        .map(|f| (f.rule, f.location.clone(), f.related.clone()))
        .collect();
    if explained.is_empty() {
        return;
    }
    findings.retain(|f| {
        let doc = f.rule.doc();
        !explained.iter().any(|(rule, at, old)| {
            let names = rule
                .doc()
                .supersedes
                .iter()
                .any(|t| rules::token_matches(t, doc));
            let same_element = match f.revision {
                Revision::New => {
                    same_line(at, &f.location)
                        || matches!((old, &f.related), (Some(a), Some(b)) if same_line(a, b))
                }
                // A finding left only in the old revision (its file is gone) is about the
                // element the superseding finding names as its old location.
                Revision::Old => old.as_ref().is_some_and(|a| same_line(a, &f.location)),
            };
            names && same_element
        })
    });
}

/// What the compared files of one side declare that other files can depend on: packages,
/// the kind of every message and enum by full name, and each enum's first value (a proto2
/// enum field's implicit default elsewhere).
fn declarations(set: &proto::model::ProtoSet) -> BTreeSet<String> {
    fn message(out: &mut BTreeSet<String>, scope: &str, m: &proto::ast::Message) {
        let name = format!("{scope}.{}", m.name);
        for nested in &m.messages {
            message(out, &name, nested);
        }
        for e in &m.enums {
            enumeration(out, &name, e);
        }
        out.insert(format!("message {name}"));
    }
    fn enumeration(out: &mut BTreeSet<String>, scope: &str, e: &proto::ast::Enum) {
        let first = e.values.first().map_or("", |v| v.name.as_str());
        out.insert(format!("enum {scope}.{} {first}", e.name));
    }
    let mut out = BTreeSet::new();
    for file in set.tree_files() {
        let package = file.package();
        out.insert(format!("package {package}"));
        for m in &file.ast.messages {
            message(&mut out, package, m);
        }
        for e in &file.ast.enums {
            enumeration(&mut out, package, e);
        }
    }
    out
}

/// Read and load `old_paths` of `old` and `new_paths` of `new`, in parallel; their imports
/// come from the same listing as context.
fn load_pair(
    old: &Listing,
    new: &Listing,
    old_paths: &[String],
    new_paths: &[String],
    options: &Options,
) -> Result<(proto::model::ProtoSet, proto::model::ProtoSet), InputErrors> {
    let load_side = |listing: &Listing, paths: &[String]| {
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let snapshot = listing.read(&paths).map_err(source_error)?;
        let fetch = |ip: &str| fetch_import(listing, &options.layout, ip);
        proto::load::load_with(&snapshot, &options.layout, &fetch)
    };
    let (old_set, new_set) =
        rayon::join(|| load_side(old, old_paths), || load_side(new, new_paths));
    both(old_set, new_set)
}

/// An import of a changed file, read from the listing under the first root that has it.
fn fetch_import(
    listing: &Listing,
    layout: &proto::load::Layout,
    import_path: &str,
) -> Option<proto::load::Fetched> {
    layout.roots.iter().find_map(|root| {
        let root = root.trim_start_matches("./").trim_end_matches('/');
        let path = if root.is_empty() || root == "." {
            import_path.to_string()
        } else {
            format!("{root}/{import_path}")
        };
        layout.import_path(&path)?;
        let file = listing
            .read(&[path.as_str()])
            .ok()?
            .files
            .into_values()
            .next()?;
        Some((file.path, file.bytes, Some(file.blob)))
    })
}

fn compare(
    old_set: &proto::model::ProtoSet,
    new_set: &proto::model::ProtoSet,
    options: &Options,
    files_checked: usize,
) -> Result<Report, InputErrors> {
    let (old_set, new_set) = (old_set, new_set);

    let selected = options.selected(Kind::Breaking);
    let ctx = proto::breaking::Ctx::new(old_set, new_set);
    let mut findings = run_rules(proto::breaking::rules(), &selected, |check, sink| {
        check(&ctx, sink)
    });

    // Each finding answers to the policy of the file it is about (either revision): the
    // rule must be selected there, and not ignored.
    let package_of = |f: &Finding| -> Option<String> {
        let set = if f.revision == Revision::Old {
            old_set
        } else {
            new_set
        };
        set.tree_files()
            .find(|p| p.display == f.location.file)
            .map(|p| p.package().to_string())
    };
    findings.retain(|f| {
        let policy = options.policy_for(&f.location.file);
        let selected = options.module_policies.is_empty()
            || policy.selection.resolve(Kind::Breaking).contains(&f.rule);
        selected && policy.keeps(f, package_of(f).as_deref())
    });
    if options.policy.selection.is_default() && options.module_policies.is_empty() {
        supersede(&mut findings);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();

    let mut report = Report {
        files_checked,
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
