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
mod scope;
mod supersede;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub use policy::{is_unstable_package, Options, Policy};
pub use scope::{check_config_paths, check_path_arguments, holds_contracts, PathArgument};

use crate::consistency;
use crate::date::Date;
use crate::diag::{InputError, InputErrors};
use crate::finding::{Finding, Revision, Sink};
use crate::openapi;
use crate::proto;
use crate::proto::lint::ignore::{ignored_by_comment, Honoured};
use crate::report::Report;
use crate::rules::{self, Kind, RuleSet};
use crate::source::{Listing, Snapshot};
use policy::Policies;

/// Compare two snapshots.
pub fn breaking(old: &Snapshot, new: &Snapshot, options: &Options) -> Result<Report, InputErrors> {
    let today = today()?;
    let policies = Policies::new(options, Kind::Breaking);
    let files = old.files.keys().chain(new.files.keys()).map(String::as_str);
    let filter = options.spec_filter(&[&policies], files);
    let load_side = |s: &Snapshot, side: Revision| {
        rayon::join(
            || proto::load::load(s, options.layout(side)),
            || openapi::load::load(s, &filter, &openapi::load::no_fetch),
        )
    };
    let ((old_set, old_specs), (new_set, new_specs)) = rayon::join(
        || load_side(old, Revision::Old),
        || load_side(new, Revision::New),
    );
    let protos = per_side(old_set, new_set);
    let specs = per_side(old_specs, new_specs);
    let ((old_set, new_set), (old_specs, new_specs)) = both(protos, specs)?;
    let mut report = Report {
        files_checked: new_set.tree_files().count(),
        ..Report::default()
    };
    let skip = plan::unchanged_specs(&new_specs, |p| old.files.get(p).map(|f| f.blob));
    compare_proto(
        &mut report,
        (&old_set, &new_set),
        &policies,
        &options.layout,
    )?;
    let sides = (&old_specs, &new_specs);
    compare_openapi(&mut report, sides, &skip, &policies, today, options)?;
    drop_aside((old_specs, new_specs));
    Ok(report)
}

/// Compare two listings, reading only what is needed (protobuf and OpenAPI in parallel).
pub fn breaking_listings(
    old: &Listing,
    new: &Listing,
    options: &Options,
) -> Result<Report, InputErrors> {
    let today = today()?;
    crate::source::refuse_uncompared_submodules(old, new, &options.paths, &options.layout.roots)?;
    let policies = Policies::new(options, Kind::Breaking);
    let (protos, specs) = rayon::join(
        || -> Result<Report, InputErrors> {
            let (old_set, new_set, mut report) =
                plan::proto_listings(old, new, options, &policies)?;
            compare_proto(
                &mut report,
                (&old_set, &new_set),
                &policies,
                &options.layout,
            )?;
            drop_aside((old_set, new_set));
            Ok(report)
        },
        || plan::openapi_listings(old, new, options, &[&policies]),
    );
    let (mut report, (old_specs, new_specs, skip)) = both(protos, specs)?;
    let sides = (&old_specs, &new_specs);
    compare_openapi(&mut report, sides, &skip, &policies, today, options)?;
    drop_aside((old_specs, new_specs));
    Ok(report)
}

/// Free `parsed` on another thread: the trees of two large specs (or two protobuf trees) take a
/// twentieth of a comparison to free, time the report can be written in.
fn drop_aside<T: Send + 'static>(parsed: T) {
    rayon::spawn(move || drop(parsed));
}

/// Lint one snapshot: every contract in it, with the selected lint rules.
pub fn lint(snapshot: &Snapshot, options: &Options) -> Result<Report, InputErrors> {
    lint_with(snapshot, options, &|_: &str| Ok(None))
}

/// Lint the contracts of `snapshot`; the protobuf imports it lacks come from `import` and are
/// read as context, not linted.
fn lint_with(
    snapshot: &Snapshot,
    options: &Options,
    import: &(dyn Fn(&str) -> Result<Option<proto::load::Fetched>, InputError> + Sync),
) -> Result<Report, InputErrors> {
    let policies = Policies::new(options, Kind::Lint);
    let filter = options.spec_filter(&[&policies], snapshot.files.keys().map(String::as_str));
    let (protos, specs) = rayon::join(
        || proto::load::load_with(snapshot, &options.layout, import),
        || openapi::load::load(snapshot, &filter, &openapi::load::no_fetch),
    );
    let (protos, specs) = both(protos, specs)?;
    let mut report = lint_protos(&protos, options, &policies)?;
    report.merge(lint_specs(&specs, None, options, &policies)?);
    if !specs.specs.is_empty() && protos.tree_files().next().is_some() {
        report.merge(lint_consistency(&protos, &specs, options, &policies));
    }
    report.files_checked = protos.tree_files().count() + specs.file_count();
    Ok(report)
}

/// The `// buf:lint:ignore` and `// treaty:ignore` comments of one revision's files; whether
/// buf's count is each file's module's say (a buf v2 module with a lint section of its own).
fn lint_comments<'a>(
    files: &HashMap<&'a str, &'a proto::model::SourceProto>,
    options: &Options,
    policies: &Policies,
) -> CommentLines<'a> {
    let top = proto::lint::Settings {
        buf_comment_ignores: options.buf_comment_ignores,
        ..options.proto_lint.clone()
    };
    CommentLines::new(files.iter().map(|(path, f)| {
        let settings = proto::lint::settings_for(&top, &options.proto_lint_modules, path);
        let honoured = Honoured {
            buf: settings.buf_comment_ignores,
            treaty: policies.treaty_ignores,
        };
        (Revision::New, *path, *f, honoured)
    }))
}

/// The lint findings of a protobuf set's own files (not its context imports).
fn lint_protos(
    protos: &proto::model::ProtoSet,
    options: &Options,
    policies: &Policies,
) -> Result<Report, InputErrors> {
    let mut report = Report::default();
    let files = files_by_display(protos);
    let comments = lint_comments(&files, options, policies);
    let errors = comments.errors();
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    let ctx = proto::lint::Ctx {
        module_settings: &options.proto_lint_modules,
        ..proto::lint::Ctx::new(protos, &options.proto_lint)
    };
    check_protocol(
        &mut report,
        policies,
        proto::lint::rules(),
        |check, sink| check(&ctx, sink),
        |_, path| {
            let file = files.get(path).filter(|f| !f.context)?;
            Some(file.package())
        },
        |_, _| Vec::new(),
        |_, path| files.get(path).map(|f| &f.text),
        |f| comments.silence(f),
    );
    Ok(report)
}

/// The findings of the rules that hold a revision's protobuf bindings and specs together
/// (the suppressions' own errors are reported by the protocols' lint).
fn lint_consistency(
    protos: &proto::model::ProtoSet,
    specs: &openapi::load::SpecSet,
    options: &Options,
    policies: &Policies,
) -> Report {
    let mut report = Report::default();
    let files = files_by_display(protos);
    let comments = lint_comments(&files, options, policies);
    let ignores = SpecIgnores::new(specs, specs, policies.treaty_ignores);
    let ctx = consistency::Ctx::new(protos, specs);
    check_protocol(
        &mut report,
        policies,
        consistency::RULES.iter(),
        |check, sink| check(&ctx, sink),
        |_, path| Some(files.get(path).filter(|f| !f.context)?.package()),
        |_, _| Vec::new(),
        |_, path| match files.get(path) {
            Some(file) => Some(&file.text),
            None => specs.doc(path).map(|doc| &doc.text),
        },
        |f| comments.silence(f) || ignores.silence(f),
    );
    report
}

/// The lint findings of the specs of `specs` (of those at the indices `only`, when given).
fn lint_specs(
    specs: &openapi::load::SpecSet,
    only: Option<&[usize]>,
    options: &Options,
    policies: &Policies,
) -> Result<Report, InputErrors> {
    let mut report = Report::default();
    let indices: Vec<usize> = match only {
        Some(only) => only.to_vec(),
        None => (0..specs.specs.len()).collect(),
    };
    if indices.is_empty() {
        return Ok(report);
    }
    let ignores = SpecIgnores::new(specs, specs, policies.treaty_ignores);
    if !ignores.errors.is_empty() {
        return Err(InputErrors(ignores.errors));
    }
    let ctx = openapi::lint::Ctx::of_specs(specs, indices, options.openapi_lint.clone());
    check_protocol(
        &mut report,
        policies,
        openapi::lint::rules(),
        |check, sink| check(&ctx, sink),
        |_, _| None,
        |_, _| Vec::new(),
        |_, path| specs.doc(path).map(|doc| &doc.text),
        |f| ignores.silence(f),
    );
    Ok(report)
}

/// Lint every contract of a listing. A protobuf file the lint `ignore` names is read only
/// when another file imports it, as context: none of its findings would stand, and a file
/// nobody imports need not even parse.
pub fn lint_listing(listing: &Listing, options: &Options) -> Result<Report, InputErrors> {
    let policies = Policies::new(options, Kind::Lint);
    let paths: Vec<&str> = (listing.entries().into_keys())
        .filter(|p| !(p.ends_with(".proto") && policies.ignores_file(p)))
        .collect();
    let snapshot = listing.read(&paths).map_err(source_error)?;
    let import = |ip: &str| plan::fetch_import(listing, &options.layout, ip);
    lint_with(&snapshot, options, &import)
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
    let today = today()?;
    crate::source::refuse_uncompared_submodules(old, new, &options.paths, &options.layout.roots)?;
    let breaking = Policies::new(options, Kind::Breaking);
    let lint = Policies::new(options, Kind::Lint);
    let (protos, specs) = rayon::join(
        || -> Result<Report, InputErrors> {
            let (compared, lints) = rayon::join(
                || plan::proto_listings(old, new, options, &breaking),
                || -> Result<(Option<Report>, Report), InputErrors> {
                    if all_lint {
                        let set = load_protos(new, None, &options.layout, &lint)?;
                        return Ok((None, lint_protos(&set, options, &lint)?));
                    }
                    let dirs = changed_proto_dirs(old, new);
                    let side = |listing, revision| -> Result<Report, InputErrors> {
                        let layout = options.layout(revision);
                        let set = load_protos(listing, dirs.as_ref(), layout, &lint)?;
                        lint_protos(&set, options, &lint)
                    };
                    let (old_lint, new_lint) =
                        rayon::join(|| side(old, Revision::Old), || side(new, Revision::New));
                    let (old_lint, new_lint) = per_side(old_lint, new_lint)?;
                    Ok((Some(old_lint), new_lint))
                },
            );
            let ((old_set, new_set, mut report), (old_lint, new_lint)) = both(compared, lints)?;
            compare_proto(
                &mut report,
                (&old_set, &new_set),
                &breaking,
                &options.layout,
            )?;
            report.merge(brought(old_lint, new_lint));
            Ok(report)
        },
        || -> Result<Report, InputErrors> {
            // The sets the breaking comparison reads serve the lint too: the old side holds
            // every spec that changed, the new side every spec.
            let (old_specs, new_specs, unchanged) =
                plan::openapi_listings(old, new, options, &[&breaking, &lint])?;
            let mut report = Report::default();
            let sides = (&old_specs, &new_specs);
            compare_openapi(&mut report, sides, &unchanged, &breaking, today, options)?;
            let changed = |set: &openapi::load::SpecSet| -> Vec<usize> {
                (0..set.specs.len())
                    .filter(|&i| !unchanged.contains(&set.docs[set.specs[i].doc].path))
                    .collect()
            };
            let (old_lint, new_lint) = if all_lint {
                (None, lint_specs(&new_specs, None, options, &lint)?)
            } else {
                let (old_lint, new_lint) = rayon::join(
                    || lint_specs(&old_specs, Some(&changed(&old_specs)), options, &lint),
                    || lint_specs(&new_specs, Some(&changed(&new_specs)), options, &lint),
                );
                let (old_lint, new_lint) = per_side(old_lint, new_lint)?;
                (Some(old_lint), new_lint)
            };
            report.merge(brought(old_lint, new_lint));
            Ok(report)
        },
    );
    let (mut report, specs) = both(protos, specs)?;
    report.merge(specs);
    Ok(report)
}

/// The findings of `new` that `old` (when given) does not have: same rule, message and file,
/// on a line that reads the same.
fn brought(old: Option<Report>, mut new: Report) -> Report {
    let Some(old) = old else {
        return new;
    };
    let known: HashSet<_> = old.identities().into_iter().collect();
    let brought: Vec<bool> = new
        .identities()
        .iter()
        .map(|identity| !known.contains(identity))
        .collect();
    let mut brought = brought.into_iter();
    new.findings.retain(|_| brought.next().unwrap_or(true));
    new
}

/// The directories holding a `.proto` file that differs between the two listings: `check`
/// lints the protobuf files of these directories (the rules that compare the files of a
/// package see them all), a finding elsewhere reading the same on both sides. `None` when
/// they hold more than a quarter of the tree: one parallel sweep of everything is cheaper.
fn changed_proto_dirs<'a>(old: &'a Listing, new: &'a Listing) -> Option<HashSet<String>> {
    let (old_entries, new_entries) = (old.entries(), new.entries());
    let dirs: HashSet<String> = old_entries
        .keys()
        .chain(new_entries.keys())
        .filter(|p| p.ends_with(".proto") && old_entries.get(*p) != new_entries.get(*p))
        .map(|p| parent_dir(p).to_string())
        .collect();
    let protos = || new_entries.keys().filter(|p| p.ends_with(".proto"));
    let in_dirs = protos().filter(|p| dirs.contains(parent_dir(p))).count();
    (in_dirs * 4 <= protos().count()).then_some(dirs)
}

/// The protobuf files of `listing` (those in `dirs`, when given) that `policies` does not
/// ignore, linked against their imports read from the same listing as context.
fn load_protos(
    listing: &Listing,
    dirs: Option<&HashSet<String>>,
    layout: &proto::load::Layout,
    policies: &Policies,
) -> Result<proto::model::ProtoSet, InputErrors> {
    let entries = listing.entries();
    let paths: Vec<&str> = entries
        .keys()
        .copied()
        .filter(|p| p.ends_with(".proto") && dirs.is_none_or(|d| d.contains(parent_dir(p))))
        .filter(|p| !policies.ignores_file(p))
        .collect();
    let snapshot = listing.read(&paths).map_err(source_error)?;
    let import = |ip: &str| plan::fetch_import(listing, layout, ip);
    proto::load::load_with(&snapshot, layout, &import)
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Run the selected protobuf rules over two sets and add their findings to `report`.
fn compare_proto(
    report: &mut Report,
    (old, new): (&proto::model::ProtoSet, &proto::model::ProtoSet),
    policies: &Policies,
    head_layout: &proto::load::Layout,
) -> Result<(), InputErrors> {
    let (old_files, new_files) = (files_by_display(old), files_by_display(new));
    let file = |revision: Revision, path: &str| match revision {
        Revision::Old => old_files.get(path).copied(),
        Revision::New => new_files.get(path).copied(),
    };
    // buf has no comment suppression of breaking changes; treaty's own works on both.
    let honoured = Honoured {
        buf: false,
        treaty: policies.treaty_ignores,
    };
    let sides = [(Revision::Old, &old_files), (Revision::New, &new_files)];
    // Scanning every file for suppressions runs next to indexing both revisions.
    let ((comments, errors), ctx) = rayon::join(
        || {
            let comments = CommentLines::new(sides.into_iter().flat_map(|(revision, files)| {
                files
                    .iter()
                    .map(move |(path, f)| (revision, *path, *f, honoured))
            }));
            let errors = comments.errors();
            (comments, errors)
        },
        || proto::breaking::Ctx::new(old, new),
    );
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
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
        // buf's `ignore` names files by import path under the head's layout: a base file under
        // another root (a v1beta1 `roots` base) is matched where the head would keep it.
        |revision, path| match (revision, file(revision, path)) {
            (Revision::Old, Some(f)) => (head_layout.candidate_paths(&f.ast.path))
                .filter(|p| p != path)
                .collect(),
            _ => Vec::new(),
        },
        |revision, path| file(revision, path).map(|f| &f.text),
        |f| comments.silence(f),
    );
    Ok(())
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

/// Run the selected OpenAPI rules over two spec sets (`(old, new)`, leaving out the `skip`
/// specs, which cannot differ) and add their findings to `report`.
fn compare_openapi(
    report: &mut Report,
    (old, new): (&openapi::load::SpecSet, &openapi::load::SpecSet),
    skip: &[String],
    policies: &Policies,
    today: Date,
    options: &Options,
) -> Result<(), InputErrors> {
    report.files_checked += new.file_count();
    report.files_unchanged += plan::unchanged_files(new, skip);
    if old.specs.is_empty() && new.specs.is_empty() {
        return Ok(());
    }
    let ignores = SpecIgnores::new(old, new, policies.treaty_ignores);
    if !ignores.errors.is_empty() {
        return Err(InputErrors(ignores.errors));
    }
    let ctx = openapi::breaking::Ctx::new(old, new, skip, today).with_deprecation(
        options.deprecation.beta_days,
        options.deprecation.stable_days,
    );
    check_protocol(
        report,
        policies,
        openapi::breaking::rules(),
        |check, sink| check(&ctx, sink),
        |_, _| None,
        |_, _| Vec::new(),
        |revision, path| {
            let set = if revision == Revision::Old { old } else { new };
            set.doc(path).map(|doc| &doc.text)
        },
        |f| ignores.silence(f),
    );
    Ok(())
}

/// Is a finding silenced by a suppression? Where its location is (the element in the new
/// revision, or in the old one for a deleted file), or where its related location is (the old
/// revision's element, for one that was deleted or changed). A suppression in the base revision
/// thus covers the change that removes its element, which is the only place one can be written
/// for a deletion.
fn silenced_at(f: &Finding, covers: impl Fn(Revision, &crate::finding::Location) -> bool) -> bool {
    covers(f.revision, &f.location) || f.related.as_ref().is_some_and(|r| covers(Revision::Old, r))
}

/// `// buf:lint:ignore` and `// treaty:ignore` comments: the lines of each protobuf file that
/// has any, by revision and path, each split once.
struct CommentLines<'a> {
    files: HashMap<(Revision, &'a str), CommentedFile<'a>>,
    /// Whether `treaty:ignore` counts anywhere (its errors are then reported).
    treaty: bool,
}

struct CommentedFile<'a> {
    file: &'a proto::model::SourceProto,
    lines: Vec<&'a str>,
    honoured: Honoured,
}

impl<'a> CommentLines<'a> {
    fn new(
        files: impl Iterator<Item = (Revision, &'a str, &'a proto::model::SourceProto, Honoured)>,
    ) -> Self {
        let mut treaty = false;
        let files = files
            .filter(|(_, _, file, honoured)| {
                treaty |= honoured.treaty;
                (honoured.buf || honoured.treaty) && proto::lint::ignore::has_ignores(&file.text)
            })
            .map(|(revision, path, file, honoured)| {
                let lines = file.text.lines().collect();
                let commented = CommentedFile {
                    file,
                    lines,
                    honoured,
                };
                ((revision, path), commented)
            })
            .collect();
        CommentLines { files, treaty }
    }

    fn silence(&self, f: &Finding) -> bool {
        !self.files.is_empty()
            && silenced_at(f, |revision, at| {
                self.files
                    .get(&(revision, at.file.as_str()))
                    .is_some_and(|c| {
                        let position = (at.line, at.column);
                        ignored_by_comment(f.rule, position, c.file, &c.lines, c.honoured)
                    })
            })
    }

    /// The `treaty:ignore` comments of the new revision's files (those of the tree, not
    /// imports) that cannot work, when treaty's own suppressions are honoured. Only files
    /// found holding suppressions are read again.
    fn errors(&self) -> Vec<crate::diag::InputError> {
        if !self.treaty {
            return Vec::new();
        }
        let mut files: Vec<_> = (self.files.iter())
            .filter(|((revision, _), _)| *revision == Revision::New)
            .map(|(_, c)| c.file)
            .filter(|f| !f.context && f.text.contains("treaty:ignore"))
            .collect();
        files.sort_by(|a, b| a.display.cmp(&b.display));
        files
            .into_iter()
            .flat_map(|f| {
                proto::lint::ignore::check_treaty_ignores(&f.display, &f.text)
                    .into_iter()
                    .map(|e| e.with_text(f.text.clone()))
            })
            .collect()
    }
}

/// `x-treaty-ignore` of both revisions' specs (the same set twice for lint), and the new
/// revision's entries that cannot work.
struct SpecIgnores {
    old: openapi::ignore::Ignores,
    new: openapi::ignore::Ignores,
    errors: Vec<crate::diag::InputError>,
}

impl SpecIgnores {
    fn new(old: &openapi::load::SpecSet, new: &openapi::load::SpecSet, honoured: bool) -> Self {
        if !honoured {
            return SpecIgnores {
                old: Default::default(),
                new: Default::default(),
                errors: Vec::new(),
            };
        }
        let (old, _) = openapi::ignore::Ignores::collect(old);
        let (new, errors) = openapi::ignore::Ignores::collect(new);
        SpecIgnores { old, new, errors }
    }

    fn silence(&self, f: &Finding) -> bool {
        if self.old.is_empty() && self.new.is_empty() {
            return false;
        }
        silenced_at(f, |revision, at| match revision {
            Revision::Old => self.old.covers(f.rule, at),
            Revision::New => self.new.covers(f.rule, at),
        })
    }
}

/// One protocol's findings, the same way for every protocol: run its selected rules, keep
/// what the policy of each finding's file keeps (`package_of` names a file's package,
/// `head_paths` the paths an old file would have under the head's layout), drop
/// what supersession explains, then what a suppression in the contract silences (`silenced`;
/// after supersession, so silencing a finding does not bring back the ones it replaced), and
/// add the rest to `report` — sorted, without duplicates — with the texts they point into
/// (`text_of`).
// One call per protocol and kind, each naming how its files are looked up: a struct of eight
// closures would only move the list.
#[allow(clippy::too_many_arguments)]
fn check_protocol<'a, C: Sync + 'static>(
    report: &mut Report,
    policies: &Policies,
    rules: impl Iterator<Item = &'static rules::Rule<C>>,
    run: impl Fn(&C, &mut Sink) + Sync,
    package_of: impl Fn(Revision, &str) -> Option<&'a str>,
    head_paths: impl Fn(Revision, &str) -> Vec<String>,
    text_of: impl Fn(Revision, &str) -> Option<&'a Arc<str>>,
    silenced: impl Fn(&Finding) -> bool,
) {
    let mut findings = run_rules(rules, &policies.selected, run);
    findings.retain_mut(|f| {
        let package = package_of(f.revision, &f.location.file);
        let head_paths = head_paths(f.revision, &f.location.file);
        policies.judge(f, package, &head_paths)
    });
    supersede::dedupe(&mut findings);
    if policies.supersede {
        supersede::supersede(&mut findings);
    }
    findings.retain(|f| f.rule.fails_closed() || !silenced(f));
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
    // Stable, as the serial sort: findings with equal keys keep the rules' order.
    use rayon::slice::ParallelSliceMut;
    report
        .findings
        .par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
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
    // One task per rule: rules differ in cost by orders of magnitude, and a thread left
    // running several costly ones in a row while the other idles was a fifth of a run.
    rules
        .par_iter()
        .with_max_len(1)
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

/// The errors of one side of a comparison.
fn in_revision(errors: InputErrors, revision: Revision) -> InputErrors {
    InputErrors(
        errors
            .0
            .into_iter()
            .map(|e| e.in_revision(revision))
            .collect(),
    )
}

/// [`both`] for the two sides of a comparison: each error says which side it is in.
fn per_side<A, B>(
    old: Result<A, InputErrors>,
    new: Result<B, InputErrors>,
) -> Result<(A, B), InputErrors> {
    match (old, new) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let old: Vec<InputError> = a.err().into_iter().flat_map(|e| e.0).collect();
            let new: Vec<InputError> = b.err().into_iter().flat_map(|e| e.0).collect();
            // An error both sides share (an unchanged broken file) is reported once; the
            // others say which side they are in, as the file names alone do not.
            let same =
                |e: &InputError, f: &InputError| e.message == f.message && e.place == f.place;
            let mut errors: Vec<InputError> = (old.iter())
                .map(|e| match new.iter().any(|n| same(e, n)) {
                    true => e.clone(),
                    false => e.clone().in_revision(Revision::Old),
                })
                .collect();
            errors.extend(
                (new.into_iter())
                    .filter(|n| !old.iter().any(|e| same(e, n)))
                    .map(|n| n.in_revision(Revision::New)),
            );
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
