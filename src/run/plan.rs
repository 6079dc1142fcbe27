//! Which files of two listings to read: what changed, what it may affect, and what cannot
//! differ. Protobuf compares only the changed files when few changed and nothing they declared
//! moved; OpenAPI leaves out specs whose every file is unchanged.

use std::collections::{BTreeMap, BTreeSet};

use super::policy::{path_matches, Policies};
use super::{in_revision, per_side, source_error, Options};
use crate::diag::InputErrors;
use crate::finding::Revision;
use crate::openapi;
use crate::proto;
use crate::report::Report;
use crate::source::{BlobId, Listing};

/// Specs of `new` whose file and every file it references have the same blob on the old side:
/// they cannot differ, so the comparison leaves them out.
pub(super) fn unchanged_specs(
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

/// How many files of `new` belong to none but the `skip` specs: unchanged, and not compared.
pub(super) fn unchanged_files(new: &openapi::load::SpecSet, skip: &[String]) -> usize {
    // Per file: (in a compared spec, in a skipped one).
    let mut seen = vec![(false, false); new.docs.len()];
    for spec in &new.specs {
        let skipped = skip.contains(&new.docs[spec.doc].path);
        for d in std::iter::once(spec.doc).chain(spec.closure.iter().copied()) {
            match skipped {
                true => seen[d].1 = true,
                false => seen[d].0 = true,
            }
        }
    }
    (seen.iter())
        .filter(|&&(compared, skipped)| skipped && !compared)
        .count()
}

/// Load the OpenAPI side of two listings: every YAML/JSON file of the new side (specs are found
/// by content), and on the old side only files that differ plus the specs whose references
/// changed; unchanged specs (the returned paths) are not compared.
///
/// The two sides load in parallel: the old side starts with the files that differ, and is
/// loaded again with the specs whose references changed only when there are such specs that
/// did not differ themselves (a spec kept while a file it references changed).
pub(super) fn openapi_listings(
    old: &Listing,
    new: &Listing,
    options: &Options,
    kinds: &[&Policies],
) -> Result<(openapi::load::SpecSet, openapi::load::SpecSet, Vec<String>), InputErrors> {
    let (old_entries, new_entries) = (old.entries(), new.entries());
    let files = old_entries.keys().chain(new_entries.keys()).copied();
    let filter = options.spec_filter(kinds, files);
    let load_old = |paths: &[&str]| -> Result<openapi::load::SpecSet, InputErrors> {
        let snapshot = old.read(paths).map_err(source_error)?;
        openapi::load::load(&snapshot, &filter, &|p: &str| fetch_file(old, p))
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
            openapi::load::load(&new_snapshot, &filter, &|p: &str| fetch_file(new, p))
        },
        || load_old(&differing),
    );
    let new_set = new_set.map_err(|e| in_revision(e, Revision::New))?;
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
        load_old(&old_paths)
    } else {
        old_differing
    }
    .map_err(|e| in_revision(e, Revision::Old))?;
    Ok((old_set, new_set, skip))
}

/// The two protobuf sets of two listings to compare, and a report counting the new side's files
/// under comparison and those of them left out as unchanged. When few files changed, only the
/// changed files are loaded, linked against the (unchanged) files they import. Files with the
/// same blob id on both sides hold the same elements, so no rule can fire on them — unless the
/// names the changed files declare differ between the sides, which may change what an unchanged
/// file's names resolve to, or make it no longer compile: only the whole tree tells.
///
/// Files the `ignore` of `policies` names are compared with none of their findings standing:
/// they are read only as the imports of others (so one nobody imports need not even parse).
pub(super) fn proto_listings(
    old: &Listing,
    new: &Listing,
    options: &Options,
    policies: &Policies,
) -> Result<(proto::model::ProtoSet, proto::model::ProtoSet, Report), InputErrors> {
    let (old_entries, new_entries) = (old.entries(), new.entries());
    let protos = |entries: &BTreeMap<&str, BlobId>, side: Revision| -> Vec<String> {
        let layout = options.layout(side);
        entries
            .keys()
            .filter(|p| p.ends_with(".proto") && layout.import_path(p).is_some())
            .filter(|p| !policies.ignores_file(p))
            .filter(|p| {
                options.paths.is_empty() || options.paths.iter().any(|want| path_matches(p, want))
            })
            .map(|p| p.to_string())
            .collect()
    };
    let (all_old, all_new) = (
        protos(&old_entries, Revision::Old),
        protos(&new_entries, Revision::New),
    );
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
    // An ignored file that changed may have taken away what the others use: only the whole
    // tree (reading it as their import) tells.
    let differs = |own: &BTreeMap<&str, BlobId>, theirs: &BTreeMap<&str, BlobId>| {
        (own.iter()).any(|(p, blob)| {
            p.ends_with(".proto") && theirs.get(p) != Some(blob) && policies.ignores_file(p)
        })
    };
    let ignored_changed =
        differs(&old_entries, &new_entries) || differs(&new_entries, &old_entries);
    // Beyond a quarter of the tree, reading everything in one parallel sweep is cheaper.
    let incremental = !ignored_changed
        && (changed_old.len() + changed_new.len()) * 4 <= all_old.len() + all_new.len();
    if incremental {
        let (old_set, new_set) = load_pair(old, new, &changed_old, &changed_new, options)?;
        // Unchanged files can only be affected through what the changed files declare: when
        // they declare the same names alike on both sides, nothing else moved.
        let (old_names, new_names) = (declarations(&old_set), declarations(&new_set));
        // A file deleted may be imported (and not used) by an unchanged file, which then no
        // longer compiles: that file spells its import path.
        let old_layout = options.layout(Revision::Old);
        let deleted: BTreeSet<String> = (changed_old.iter())
            .filter(|p| !new_entries.contains_key(p.as_str()))
            .filter_map(|p| old_layout.import_path(p).map(String::from))
            .collect();
        if old_names == new_names && deleted.is_empty() {
            let counts = Report {
                files_checked: all_new.len(),
                // Read as imports of the changed files or not at all: never compared.
                files_unchanged: all_new.len() - changed_new.len(),
                ..Report::default()
            };
            return Ok((old_set, new_set, counts));
        }
        // A name added or removed may clash with one an unchanged file declares, or change what
        // a name written in one resolves to. Either way that file spells the name's last
        // component (a reference's first component is what scope search captures, and a
        // clash repeats the name), so the unchanged files that never spell any of them cannot
        // be affected; the others are compared too, with themselves.
        let (changed, in_old): (BTreeSet<&String>, BTreeSet<&String>) =
            (changed_new.iter().collect(), all_old.iter().collect());
        let unchanged: Vec<&str> = (all_new.iter())
            .filter(|p| !changed.contains(p) && in_old.contains(p))
            .map(String::as_str)
            .collect();
        if let Some(words) = moved_words(&old_names, &new_names) {
            let affected = spelling_any(new, &unchanged, &words, &deleted).map_err(source_error)?;
            let with = |changed: &[String]| -> Vec<String> {
                changed
                    .iter()
                    .cloned()
                    .chain(affected.iter().cloned())
                    .collect()
            };
            let (old_set, new_set) =
                load_pair(old, new, &with(&changed_old), &with(&changed_new), options)?;
            let counts = Report {
                files_checked: all_new.len(),
                files_unchanged: all_new.len() - changed_new.len() - affected.len(),
                ..Report::default()
            };
            return Ok((old_set, new_set, counts));
        }
    }
    let (old_set, new_set) = load_pair(old, new, &all_old, &all_new, options)?;
    let counts = Report {
        files_checked: all_new.len(),
        ..Report::default()
    };
    Ok((old_set, new_set, counts))
}

/// What the compared files of one side declare that other files can depend on or clash with:
/// packages, every name the linker knows by full name and kind (messages, groups, enums,
/// services), and each enum's first value (a proto2 enum field's implicit default elsewhere).
fn declarations(set: &proto::model::ProtoSet) -> BTreeSet<String> {
    fn message(out: &mut BTreeSet<String>, scope: &str, m: &proto::ast::Message) {
        let name = format!("{scope}.{}", m.name);
        for nested in &m.messages {
            message(out, &name, nested);
        }
        for e in &m.enums {
            enumeration(out, &name, e);
        }
        for group in m.extends.iter().flat_map(|x| &x.group_messages) {
            message(out, &name, group);
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
        for service in &file.ast.services {
            out.insert(format!("service {package}.{}", service.name));
        }
        for group in file.ast.extends.iter().flat_map(|x| &x.group_messages) {
            message(&mut out, package, group);
        }
    }
    out
}

/// Beyond this many names moved, scanning every unchanged file for each costs more than parsing
/// the whole tree.
const MAX_MOVED_WORDS: usize = 64;

/// The identifiers an unchanged file must spell to be affected by the declarations that differ
/// between the sides: each name's last component, and every component of a package (a new
/// package's prefixes are new names too). `None` when there are too many to scan for.
fn moved_words(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Option<BTreeSet<String>> {
    let mut words = BTreeSet::new();
    for declaration in old.symmetric_difference(new) {
        // "<kind> <full name>[ <first enum value>]"
        let mut parts = declaration.split(' ');
        let (kind, name) = (parts.next()?, parts.next().unwrap_or(""));
        match kind {
            "package" => words.extend(name.split('.').filter(|w| !w.is_empty()).map(String::from)),
            _ => words.extend(name.rsplit('.').next().map(String::from)),
        }
    }
    (words.len() <= MAX_MOVED_WORDS).then_some(words)
}

/// The paths among `paths` whose text spells one of `words` as a whole identifier, or one of
/// `quoted` between quotes (a comment counts too: reading one file more is harmless).
fn spelling_any(
    listing: &Listing,
    paths: &[&str],
    words: &BTreeSet<String>,
    quoted: &BTreeSet<String>,
) -> Result<Vec<String>, crate::source::SourceError> {
    let (word_finders, quoted_finders) = (finders(words), finders(quoted));
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let is_quote = |b: u8| b == b'"' || b == b'\'';
    let found =
        |bytes: &[u8], finders: &[memchr::memmem::Finder], bounded: &dyn Fn(Option<u8>) -> bool| {
            finders.iter().any(|finder| {
                let len = finder.needle().len();
                finder.find_iter(bytes).any(|at| {
                    bounded(at.checked_sub(1).map(|i| bytes[i]))
                        && bounded(bytes.get(at + len).copied())
                })
            })
        };
    let spells = |bytes: &[u8]| {
        found(bytes, &word_finders, &|b| !b.is_some_and(is_ident))
            || found(bytes, &quoted_finders, &|b| b.is_some_and(is_quote))
    };
    listing.select_by_content(paths, &spells)
}

fn finders(needles: &BTreeSet<String>) -> Vec<memchr::memmem::Finder<'_>> {
    (needles.iter())
        .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
        .collect()
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
    let load_side = |listing: &Listing, paths: &[String], side: Revision| {
        let layout = options.layout(side);
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let snapshot = listing.read(&paths).map_err(source_error)?;
        let fetch = |ip: &str| fetch_import(listing, layout, ip);
        proto::load::load_with(&snapshot, layout, &fetch)
    };
    let (old_set, new_set) = rayon::join(
        || load_side(old, old_paths, Revision::Old),
        || load_side(new, new_paths, Revision::New),
    );
    per_side(old_set, new_set)
}

/// A file a spec references, read from the listing: an error when it is there but cannot be
/// read (too large, or the repository fails), `None` when it is not there.
pub(super) fn fetch_file(
    listing: &Listing,
    path: &str,
) -> Result<Option<openapi::load::Fetched>, crate::diag::InputError> {
    let snapshot = listing.read(&[path])?;
    if let Some(o) = snapshot.oversized.get(path) {
        return Err(o.error().with_hint(openapi::load::TOO_LARGE_HINT));
    }
    let file = snapshot.files.into_values().next();
    Ok(file.map(|file| (file.path, file.bytes, Some(file.blob))))
}

/// An import of a changed file, read from the listing under the first root that has it: an
/// error when it is there but cannot be read (too large, or the repository fails), `None` when
/// no root has it.
pub(super) fn fetch_import(
    listing: &Listing,
    layout: &proto::load::Layout,
    import_path: &str,
) -> Result<Option<proto::load::Fetched>, crate::diag::InputError> {
    for path in layout.candidate_paths(import_path) {
        if layout.import_path(&path).is_none() {
            continue;
        }
        let snapshot = listing.read(&[path.as_str()])?;
        if let Some(o) = snapshot.oversized.get(&path) {
            return Err(o.error().with_hint(proto::load::TOO_LARGE_HINT));
        }
        if let Some(file) = snapshot.files.into_values().next() {
            return Ok(Some((file.path, file.bytes, Some(file.blob))));
        }
    }
    Ok(None)
}
