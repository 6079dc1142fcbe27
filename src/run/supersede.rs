//! Supersession: a rule's `supersedes` names the rules whose findings about the same element
//! its own finding replaces — e.g. a renumbered field instead of "field deleted" + "name
//! changed". Applied in treaty's default selection only (see `Policies::supersede`).

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use rayon::prelude::*;

use crate::finding::{Finding, Location, Revision};
use crate::rules::{RuleId, RuleSet};

/// A line of a file: how findings of rules that name no element are compared.
type Line<'a> = (&'a str, u32);

/// Keyed by borrowed strings of every finding: foldhash, not SipHash (see [`dedupe`]).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

fn line(l: &Location) -> Line<'_> {
    (l.file.as_str(), l.line)
}

/// `element` itself and every element it lies under (`a#GET /x responses/200/name` lies under
/// `a#GET /x responses/200` and `a#GET /x`), by the separators `/` and ` ` after the `#`.
fn element_and_parents(element: &str) -> impl Iterator<Item = &str> {
    let from = element.find('#').map_or(0, |i| i + 1);
    element[from..]
        .match_indices(['/', ' '])
        .map(move |(i, _)| &element[..from + i])
        .chain(std::iter::once(element))
}

/// Drop findings that a more precise finding explains: one whose rule the explaining
/// finding's rule supersedes, about the same element or one under it. Never by line alone:
/// a one-line JSON spec holds every operation on line 1. Findings of rules that name no
/// element yet fall back to the same line in the new revision, or the same old location.
pub(super) fn supersede(findings: &mut Vec<Finding>) {
    // What the superseding findings replace, by the element they are about.
    let mut by_element: FastMap<&str, RuleSet> = FastMap::default();
    // The same for findings without an element: by the line they are at (new revision) and by
    // their old location's line.
    let mut at_new: FastMap<Line, RuleSet> = FastMap::default();
    let mut at_old: FastMap<Line, RuleSet> = FastMap::default();
    // Each superseding rule's list, resolved once (only rules with findings here).
    let mut resolved: HashMap<RuleId, RuleSet> = HashMap::new();
    let add = |map_entry: &mut RuleSet, replaced: RuleSet| *map_entry = map_entry.union(replaced);
    for f in findings.iter() {
        let tokens = f.rule.doc().supersedes;
        if tokens.is_empty() {
            continue;
        }
        let replaced = *resolved
            .entry(f.rule)
            .or_insert_with(|| RuleSet::named_by(tokens));
        if let Some(element) = &f.element {
            for key in element.split('\n') {
                add(by_element.entry(key).or_insert(RuleSet::EMPTY), replaced);
            }
            continue;
        }
        add(
            at_new.entry(line(&f.location)).or_insert(RuleSet::EMPTY),
            replaced,
        );
        if let Some(old) = &f.related {
            add(at_old.entry(line(old)).or_insert(RuleSet::EMPTY), replaced);
        }
    }
    if resolved.is_empty() {
        return;
    }
    let replaced_at = |map: &FastMap<Line, RuleSet>, l: &Location, rule: RuleId| {
        map.get(&line(l)).is_some_and(|rules| rules.contains(rule))
    };
    let keep: Vec<bool> = findings
        .iter()
        .map(|f| {
            let replaced = match (&f.element, f.revision) {
                (Some(element), _) => element.split('\n').flat_map(element_and_parents).any(|e| {
                    by_element
                        .get(e)
                        .is_some_and(|rules| rules.contains(f.rule))
                }),
                (None, Revision::New) => {
                    replaced_at(&at_new, &f.location, f.rule)
                        || f.related
                            .as_ref()
                            .is_some_and(|old| replaced_at(&at_old, old, f.rule))
                }
                // A finding left only in the old revision (its file is gone) is about the
                // element the superseding finding names as its old location.
                (None, Revision::Old) => replaced_at(&at_old, &f.location, f.rule),
            };
            !replaced || f.rule.fails_closed()
        })
        .collect();
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// Keep one finding per (rule, element, message, place): a spec that lists an enum value twice
/// loses it once, not once per copy (the copies differ only in their old location).
pub(super) fn dedupe(findings: &mut Vec<Finding>) {
    // Borrowed keys hashed with foldhash, in parallel, then only the hashes rehashed by the
    // set: cloning and SipHashing every finding's message and place was a tenth of a
    // comparison with 100,000 findings, and hashing them one by one still a twentieth.
    let hasher = foldhash::quality::FixedState::default();
    let hashes: Vec<Option<u64>> = (findings.par_iter())
        .map(|f| {
            (f.element.as_ref()).map(|e| hasher.hash_one((f.rule, e, &f.message, &f.location)))
        })
        .collect();
    let keep: Vec<bool> = {
        let mut seen: HashSet<Key, foldhash::fast::RandomState> =
            HashSet::with_capacity_and_hasher(findings.len(), Default::default());
        (findings.iter().zip(hashes))
            .map(|(f, hash)| match (&f.element, hash) {
                (Some(element), Some(hash)) => seen.insert(Key {
                    hash,
                    key: (f.rule, element, &f.message, &f.location),
                }),
                _ => true,
            })
            .collect()
    };
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// A finding's identity with its hash computed beforehand.
struct Key<'f> {
    hash: u64,
    key: (RuleId, &'f str, &'f str, &'f Location),
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.key == other.key
    }
}

impl Eq for Key<'_> {}

impl std::hash::Hash for Key<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn at(file: &str, line: u32) -> Location {
        Location {
            file: file.into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
        }
    }

    fn finding(
        rule: &str,
        revision: Revision,
        location: Location,
        related: Option<Location>,
    ) -> Finding {
        Finding {
            rule: RuleId::of(rule),
            severity: RuleId::of(rule).doc().severity,
            message: String::new(),
            location,
            revision,
            related,
            operation: None,
            element: None,
        }
    }

    #[test]
    fn a_finding_replaces_the_rules_it_supersedes_on_the_same_element_only() {
        use Revision::{New, Old};
        let renumbered = "proto/field-renumbered";
        let no_delete = "proto/field-no-delete";
        let mut findings = vec![
            finding(renumbered, New, at("a.proto", 5), Some(at("a.proto", 4))),
            // The same new line: replaced.
            finding(no_delete, New, at("a.proto", 5), None),
            // Elsewhere in the new file, but about the same old field: replaced.
            finding(no_delete, New, at("a.proto", 2), Some(at("a.proto", 4))),
            // Left only in the old revision, at the old field: replaced.
            finding(no_delete, Old, at("a.proto", 4), None),
            // Another line: kept.
            finding(no_delete, New, at("a.proto", 9), Some(at("a.proto", 8))),
            // A rule it does not supersede, on the same line: kept.
            finding("proto/field-same-type", New, at("a.proto", 5), None),
        ];
        supersede(&mut findings);
        let left: Vec<(&str, u32)> = findings
            .iter()
            .map(|f| (f.rule.as_str(), f.location.line))
            .collect();
        assert_eq!(
            left,
            [
                (renumbered, 5),
                (no_delete, 9),
                ("proto/field-same-type", 5)
            ]
        );
    }

    #[test]
    fn one_finding_per_rule_element_and_message() {
        let rule = "openapi/request-parameter-enum-value-removed";
        let about = |element: Option<&str>, message: &str, line: u32| Finding {
            element: element.map(Arc::from),
            message: message.into(),
            ..finding(rule, Revision::New, at("a.yaml", line), None)
        };
        let param = Some("a.yaml#GET /a parameters/s/query");
        let mut findings = vec![
            about(param, "removed 'x'", 1),
            // The same value listed twice in the old enum: once is enough.
            about(param, "removed 'x'", 1),
            about(param, "removed 'y'", 1),
            // The same words about another place (a lint finding twice): both stay.
            about(param, "removed 'y'", 3),
            // Findings naming no element are left alone.
            about(None, "removed 'x'", 2),
            about(None, "removed 'x'", 2),
        ];
        dedupe(&mut findings);
        let left: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            left,
            [
                "removed 'x'",
                "removed 'y'",
                "removed 'y'",
                "removed 'x'",
                "removed 'x'"
            ]
        );
    }
}
