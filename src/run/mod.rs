//! One comparison from two revisions to a `Report`: load both (in parallel), run the selected
//! rules, keep what the configuration does not ignore. Lint is the same with one revision.
//!
//! - `policy`: which rules apply where — `Options`, `Policy`, resolved once per run.
//! - `plan`: which files of two listings to read (the incremental heuristics).
//! - `supersede`: dropping findings that a more precise one explains.
//!
//! Both protocols then go through one path, `check_protocol`: run the rules, keep what the
//! policies keep, supersede, and add the findings with the texts they point into.

mod plan;
mod policy;
mod supersede;

use std::collections::HashMap;
use std::sync::Arc;

pub use policy::{is_unstable_package, Options, Policy};

use crate::date::Date;
use crate::diag::InputErrors;
use crate::finding::{Finding, Revision, Sink};
use crate::openapi;
use crate::proto;
use crate::report::Report;
use crate::rules::{self, Kind, RuleSet};
use crate::source::{Listing, Snapshot};
use policy::Policies;

/// Compare two snapshots.
pub fn breaking(old: &Snapshot, new: &Snapshot, options: &Options) -> Result<Report, InputErrors> {
    let today = today()?;
    let policies = Policies::new(options, Kind::Breaking);
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
    let mut report = Report {
        files_checked: new_set.tree_files().count(),
        ..Report::default()
    };
    let skip = plan::unchanged_specs(&new_specs, |p| old.files.get(p).map(|f| f.blob));
    compare_proto(&mut report, &old_set, &new_set, &policies);
    compare_openapi(&mut report, &old_specs, &new_specs, &skip, &policies, today);
    Ok(report)
}

/// Compare two listings, reading only what is needed (protobuf and OpenAPI in parallel).
pub fn breaking_listings(
    old: &Listing,
    new: &Listing,
    options: &Options,
) -> Result<Report, InputErrors> {
    let today = today()?;
    let policies = Policies::new(options, Kind::Breaking);
    let (protos, specs) = rayon::join(
        || -> Result<Report, InputErrors> {
            let (old_set, new_set, files_checked) = plan::proto_listings(old, new, options)?;
            let mut report = Report {
                files_checked,
                ..Report::default()
            };
            compare_proto(&mut report, &old_set, &new_set, &policies);
            Ok(report)
        },
        || plan::openapi_listings(old, new, options),
    );
    let (mut report, (old_specs, new_specs, skip)) = both(protos, specs)?;
    compare_openapi(&mut report, &old_specs, &new_specs, &skip, &policies, today);
    Ok(report)
}

/// Lint one snapshot: every contract in it, with the selected lint rules.
pub fn lint(snapshot: &Snapshot, options: &Options) -> Result<Report, InputErrors> {
    let policies = Policies::new(options, Kind::Lint);
    let filter = options.spec_filter();
    let (protos, specs) = rayon::join(
        || proto::load::load(snapshot, &options.layout),
        || openapi::load::load(snapshot, &filter, &openapi::load::no_fetch),
    );
    let (protos, specs) = both(protos, specs)?;
    let mut report = Report {
        files_checked: protos.tree_files().count() + specs.file_count(),
        ..Report::default()
    };
    let files = files_by_display(&protos);
    let ctx = proto::lint::Ctx {
        module_settings: &options.proto_lint_modules,
        ..proto::lint::Ctx::new(&protos, &options.proto_lint)
    };
    check_protocol(
        &mut report,
        &policies,
        proto::lint::rules(),
        |check, sink| check(&ctx, sink),
        |_, path| {
            let file = files.get(path).filter(|f| !f.context)?;
            Some(file.package())
        },
        |_, path| files.get(path).map(|f| &f.text),
    );
    // Comment suppressions, read only in the files that have any, each split into lines once.
    let mut lines: HashMap<&str, (&proto::model::SourceProto, Vec<&str>)> = HashMap::new();
    for (path, file) in &files {
        if proto::lint::ignore::has_ignores(&file.text) {
            lines.insert(path, (file, file.text.lines().collect()));
        }
    }
    // A module with a lint section of its own says whether buf's comments count there.
    let top = proto::lint::Settings {
        buf_comment_ignores: options.buf_comment_ignores,
        ..options.proto_lint.clone()
    };
    report.findings.retain(|f| {
        let Some((file, lines)) = lines.get(f.location.file.as_str()) else {
            return true;
        };
        let path = f.location.file.as_str();
        let settings = proto::lint::settings_for(&top, &options.proto_lint_modules, path);
        !proto::lint::ignore::ignored_by_comment(f, file, lines, settings.buf_comment_ignores)
    });
    if !specs.specs.is_empty() {
        let ctx = openapi::lint::Ctx::new(&specs);
        check_protocol(
            &mut report,
            &policies,
            openapi::lint::rules(),
            |check, sink| check(&ctx, sink),
            |_, _| None,
            |_, path| specs.doc(path).map(|doc| &doc.text),
        );
    }
    Ok(report)
}

/// Lint every contract of a listing (all of them are read).
pub fn lint_listing(listing: &Listing, options: &Options) -> Result<Report, InputErrors> {
    let paths: Vec<&str> = listing.entries().into_keys().collect();
    let snapshot = listing.read(&paths).map_err(source_error)?;
    lint(&snapshot, options)
}

/// A pull request's check: the breaking changes from `old` to `new` and the lint findings of
/// `new`, in one report. Unless `all_lint`, only lint findings the change brought are kept: a
/// finding is old when the old revision has the same rule's finding with the same message in
/// the same file on a line that reads the same (the element and its declaration unchanged),
/// so a team adopts treaty on a legacy tree without a wall of old warnings.
pub fn check(
    old: &Listing,
    new: &Listing,
    options: &Options,
    all_lint: bool,
) -> Result<Report, InputErrors> {
    let ((breaking, lint_new), lint_old) = rayon::join(
        || {
            rayon::join(
                || breaking_listings(old, new, options),
                || lint_listing(new, options),
            )
        },
        || (!all_lint).then(|| lint_listing(old, options)),
    );
    let (mut report, mut lint_new) = both(breaking, lint_new)?;
    if let Some(lint_old) = lint_old {
        let lint_old = lint_old?;
        let known: std::collections::HashSet<_> = lint_old.identities().into_iter().collect();
        let brought: Vec<bool> = lint_new
            .identities()
            .iter()
            .map(|identity| !known.contains(identity))
            .collect();
        let mut brought = brought.into_iter();
        lint_new.findings.retain(|_| brought.next().unwrap_or(true));
    }
    report.merge(lint_new);
    Ok(report)
}

/// Run the selected protobuf rules over two sets and add their findings to `report`.
fn compare_proto(
    report: &mut Report,
    old: &proto::model::ProtoSet,
    new: &proto::model::ProtoSet,
    policies: &Policies,
) {
    let (old_files, new_files) = (files_by_display(old), files_by_display(new));
    let file = |revision: Revision, path: &str| match revision {
        Revision::Old => old_files.get(path).copied(),
        Revision::New => new_files.get(path).copied(),
    };
    let ctx = proto::breaking::Ctx::new(old, new);
    check_protocol(
        report,
        policies,
        proto::breaking::rules(),
        |check, sink| check(&ctx, sink),
        |revision, path| {
            file(revision, path)
                .filter(|f| !f.context)
                .map(|f| f.package())
        },
        |revision, path| file(revision, path).map(|f| &f.text),
    );
}

/// A set's files by the path findings name. The first wins, and the compared files come before
/// the context files.
fn files_by_display(set: &proto::model::ProtoSet) -> HashMap<&str, &proto::model::SourceProto> {
    let mut map = HashMap::new();
    for file in &set.files {
        map.entry(file.display.as_str()).or_insert(file);
    }
    map
}

/// Run the selected OpenAPI rules over two spec sets (leaving out the `skip` specs, which
/// cannot differ) and add their findings to `report`.
fn compare_openapi(
    report: &mut Report,
    old: &openapi::load::SpecSet,
    new: &openapi::load::SpecSet,
    skip: &[String],
    policies: &Policies,
    today: Date,
) {
    report.files_checked += new.file_count();
    if old.specs.is_empty() && new.specs.is_empty() {
        return;
    }
    let ctx = openapi::breaking::Ctx::new(old, new, skip, today);
    check_protocol(
        report,
        policies,
        openapi::breaking::rules(),
        |check, sink| check(&ctx, sink),
        |_, _| None,
        |revision, path| {
            let set = if revision == Revision::Old { old } else { new };
            set.doc(path).map(|doc| &doc.text)
        },
    );
}

/// One protocol's findings, the same way for every protocol: run its selected rules, keep
/// what the policy of each finding's file keeps (`package_of` names a file's package), drop
/// what supersession explains, and add the rest to `report` — sorted, without duplicates —
/// with the texts they point into (`text_of`).
fn check_protocol<'a, C: Sync + 'static>(
    report: &mut Report,
    policies: &Policies,
    rules: impl Iterator<Item = &'static rules::Rule<C>>,
    run: impl Fn(&C, &mut Sink) + Sync,
    package_of: impl Fn(Revision, &str) -> Option<&'a str>,
    text_of: impl Fn(Revision, &str) -> Option<&'a Arc<str>>,
) {
    let mut findings = run_rules(rules, &policies.selected, run);
    findings.retain(|f| policies.keeps(f, package_of(f.revision, &f.location.file)));
    if policies.supersede {
        supersede::supersede(&mut findings);
    }
    for f in &findings {
        let wanted = [(f.revision, &f.location.file)]
            .into_iter()
            .chain(f.related.as_ref().map(|r| (Revision::Old, &r.file)));
        for (revision, file) in wanted {
            if let Some(text) = text_of(revision, file) {
                report
                    .sources
                    .entry((revision, file.clone()))
                    .or_insert_with(|| text.clone());
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
    selected: &RuleSet,
    run: impl Fn(&C, &mut Sink) + Sync,
) -> Vec<Finding> {
    use rayon::prelude::*;
    let rules: Vec<_> = rules.filter(|rule| selected.contains(rule.id)).collect();
    rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut sink = Sink::new(rule.id);
            run(&rule.check, &mut sink);
            sink.findings
        })
        .collect()
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
    crate::date::today().map_err(|e| crate::diag::InputError::from(e).into())
}

fn source_error(e: crate::source::SourceError) -> InputErrors {
    crate::diag::InputError::from(e).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Selection;

    fn uses(tokens: &[&str]) -> Policy {
        Policy {
            selection: Selection {
                uses: tokens.iter().map(|t| t.to_string()).collect(),
                ..Selection::default()
            },
            ..Policy::default()
        }
    }

    #[test]
    fn a_module_policy_selects_its_rules_only_under_its_directory() {
        // The same rename in two modules: FILE breaks on it, WIRE allows it.
        let side = |name: &str| {
            ["a", "b"].map(|m| {
                (
                    format!("proto/{m}/x.proto"),
                    format!(
                        "syntax = \"proto3\";\npackage {m};\nmessage M {{ string {name} = 1; }}\n"
                    ),
                )
            })
        };
        let (old, new) = (side("email"), side("mail"));
        let options = Options {
            policy: uses(&["WIRE"]),
            module_policies: vec![("proto/a".into(), uses(&["FILE"]))],
            ..Options::default()
        };
        let report = breaking(
            &Snapshot::of_texts("old", old),
            &Snapshot::of_texts("new", new),
            &options,
        )
        .unwrap();
        let found: Vec<String> = report
            .findings
            .iter()
            .map(|f| format!("{} {}", f.rule, f.location.file))
            .collect();
        assert!(
            found.contains(&"proto/field-same-name proto/a/x.proto".to_string()),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|f| f.ends_with("proto/b/x.proto")),
            "WIRE governs proto/b: {found:?}"
        );
    }
}
