//! The pairing layer every OpenAPI breaking rule reads, built once per comparison: specs paired
//! by file path, path items by path (equal modulo parameter names, as oasdiff does: `/pets/{id}`
//! and `/pets/{petId}` are one path), operations by method, parameters by `in` and name (path
//! parameters by template position), plus the schema comparison of every paired operation.

use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::date::Date;
use crate::finding::Location;
pub use crate::finding::Sink;
use crate::openapi::load::SpecSet;
use crate::openapi::model::{Operation, Param, PathItem, Spec};
use crate::openapi::refs::NodeRef;

use super::schema::{self, SchemaChange};

/// A sunset value that is there but is not a date; it displays as the finding's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableSunset {
    /// The value as written.
    pub text: String,
    /// Read from a `Sunset` response header, where an HTTP date is accepted too.
    pub header: bool,
}

impl std::fmt::Display for UnreadableSunset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = &self.text;
        if self.header {
            write!(f, "sunset date is neither an HTTP date nor RFC3339: {text}")
        } else {
            write!(f, "sunset date doesn't conform with RFC3339: {text}")
        }
    }
}

/// A sunset value (`x-sunset`) read as a date.
pub fn sunset_date(node: NodeRef) -> Result<Date, UnreadableSunset> {
    let text = node.node.scalar_text(&node.doc.text).unwrap_or_default();
    Date::parse(&text).ok_or_else(|| UnreadableSunset {
        text: text.into_owned(),
        header: false,
    })
}

/// oasdiff leaves `draft` and `alpha` endpoints (and unreadable levels) out of every check by
/// default: they promise no stability.
pub fn in_scope(stability: Option<&str>) -> bool {
    matches!(stability, None | Some("beta") | Some("stable"))
}

/// Two path items with the same path (modulo parameter names).
pub struct PathPair<'a> {
    pub old: usize,
    pub new: usize,
    /// Old template parameter name -> new one, by position (`id` -> `petId`).
    pub renames: Vec<(&'a str, &'a str)>,
}

/// An operation present on both sides: indices into the specs' `operations`.
#[derive(Debug, Clone, Copy)]
pub struct OpPair {
    pub old: usize,
    pub new: usize,
    /// Index in [`SpecPair::paths`].
    pub path: usize,
}

/// Why an old operation has no partner.
pub struct Removed<'s, 'a> {
    pub op: &'s Operation<'a>,
    /// The whole path item went (rather than one method of it).
    pub path_removed: bool,
    /// The new side's path item when only the method went.
    pub new_path: Option<&'s PathItem<'a>>,
}

/// One spec in both revisions (either side missing when the file was added or deleted).
pub struct SpecPair<'a> {
    pub old: Option<Spec<'a>>,
    pub new: Option<Spec<'a>>,
    pub paths: Vec<PathPair<'a>>,
    pub ops: Vec<OpPair>,
    /// Per old / new operation: has a partner in `ops`. Rules ask for the unpaired ones once
    /// each, so this keeps them linear (graph-beta has 22k operations).
    old_paired: Vec<bool>,
    new_paired: Vec<bool>,
    /// Per old path item: the index in the new spec's paths of its partner.
    new_path_of: Vec<Option<usize>>,
    /// Per entry of `ops`: the new operation is in scope of the stability policy, read once
    /// rather than by every rule that walks the pairs.
    in_scope: Vec<bool>,
    /// Per entry of `ops`: its parameters paired (see [`OperationPair::params`]), as indices
    /// into the operations' `params`; matched once rather than by every rule that asks.
    param_pairs: Vec<ParamPairs>,
}

/// Old and new parameter indices, either missing when added or removed.
type ParamPairs = Box<[(Option<u32>, Option<u32>)]>;

impl<'a> SpecPair<'a> {
    fn new(old: Option<Spec<'a>>, new: Option<Spec<'a>>) -> SpecPair<'a> {
        let mut pair = SpecPair {
            old,
            new,
            paths: Vec::new(),
            ops: Vec::new(),
            old_paired: Vec::new(),
            new_paired: Vec::new(),
            new_path_of: Vec::new(),
            in_scope: Vec::new(),
            param_pairs: Vec::new(),
        };
        let (Some(old), Some(new)) = (&pair.old, &pair.new) else {
            return pair;
        };
        let mut taken = vec![false; new.paths.len()];
        let exact: HashMap<&str, usize> = new
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path, i))
            .collect();
        let mut pending = Vec::new();
        for (i, p) in old.paths.iter().enumerate() {
            match exact.get(p.path) {
                Some(&j) => {
                    taken[j] = true;
                    pair.paths.push(PathPair {
                        old: i,
                        new: j,
                        renames: Vec::new(),
                    });
                }
                None => pending.push(i),
            }
        }
        // Then equal templates with renamed parameters, first come first served.
        let mut by_template: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, q) in new.paths.iter().enumerate().rev() {
            if !taken[j] {
                by_template.entry(q.template.as_str()).or_default().push(j);
            }
        }
        for i in pending {
            let p = &old.paths[i];
            let found = by_template
                .get_mut(p.template.as_str())
                .and_then(|candidates| candidates.pop())
                .map(|j| (j, &new.paths[j]));
            if let Some((j, q)) = found {
                taken[j] = true;
                let renames = p
                    .template_params
                    .iter()
                    .copied()
                    .zip(q.template_params.iter().copied())
                    .collect();
                pair.paths.push(PathPair {
                    old: i,
                    new: j,
                    renames,
                });
            }
        }
        pair.paths.sort_by_key(|p| p.old);
        // Operations by path, so pairing stays linear on specs with thousands of paths.
        let by_path = |ops: &[Operation<'a>]| {
            let mut map: HashMap<usize, Vec<usize>> = HashMap::new();
            for (i, o) in ops.iter().enumerate() {
                map.entry(o.path_index).or_default().push(i);
            }
            map
        };
        let (old_by_path, new_by_path) = (by_path(&old.operations), by_path(&new.operations));
        for (pi, pp) in pair.paths.iter().enumerate() {
            for &oi in old_by_path.get(&pp.old).into_iter().flatten() {
                let o = &old.operations[oi];
                if let Some(&ni) = new_by_path
                    .get(&pp.new)
                    .into_iter()
                    .flatten()
                    .find(|&&n| new.operations[n].method == o.method)
                {
                    pair.ops.push(OpPair {
                        old: oi,
                        new: ni,
                        path: pi,
                    });
                }
            }
        }
        pair.old_paired = vec![false; old.operations.len()];
        pair.new_paired = vec![false; new.operations.len()];
        for p in &pair.ops {
            pair.old_paired[p.old] = true;
            pair.new_paired[p.new] = true;
        }
        pair.new_path_of = vec![None; old.paths.len()];
        for p in &pair.paths {
            pair.new_path_of[p.old] = Some(p.new);
        }
        pair.in_scope = pair
            .ops
            .iter()
            .map(|p| in_scope(new.operations[p.new].stability()))
            .collect();
        pair.param_pairs = pair
            .ops
            .iter()
            .map(|p| {
                let renames = &pair.paths[p.path].renames;
                match_params(&old.operations[p.old], &new.operations[p.new], renames)
            })
            .collect();
        pair
    }

    /// Old operations with no partner in the new spec (all of them when the spec went),
    /// in scope of the stability policy.
    pub fn removed_operations(&self) -> Vec<Removed<'_, 'a>> {
        let Some(old) = &self.old else {
            return Vec::new();
        };
        old.operations
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.old_paired.get(*i).copied().unwrap_or(false))
            .filter(|(_, op)| in_scope(op.stability()))
            .map(|(_, op)| {
                let new_path = self
                    .new_path_of
                    .get(op.path_index)
                    .copied()
                    .flatten()
                    .and_then(|j| self.new.as_ref().map(|n| &n.paths[j]));
                Removed {
                    op,
                    path_removed: new_path.is_none(),
                    new_path,
                }
            })
            .collect()
    }

    /// New operations with no partner in the old spec.
    pub fn added_operations(&self) -> Vec<&Operation<'a>> {
        let Some(new) = &self.new else {
            return Vec::new();
        };
        new.operations
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.new_paired.get(*i).copied().unwrap_or(false))
            .map(|(_, op)| op)
            .collect()
    }

    /// Operations on both sides whose new version is in scope of the stability policy.
    pub fn operation_pairs(&self) -> Vec<OperationPair<'_, 'a>> {
        let (Some(old), Some(new)) = (&self.old, &self.new) else {
            return Vec::new();
        };
        self.ops
            .iter()
            .enumerate()
            .filter(|&(index, _)| self.in_scope[index])
            .map(|(index, p)| OperationPair {
                index,
                old_spec: old,
                new_spec: new,
                old: &old.operations[p.old],
                new: &new.operations[p.new],
                param_pairs: &self.param_pairs[index],
            })
            .collect()
    }
}

/// An operation in both revisions.
pub struct OperationPair<'s, 'a> {
    /// Index in [`SpecPair::ops`].
    pub index: usize,
    pub old_spec: &'s Spec<'a>,
    pub new_spec: &'s Spec<'a>,
    pub old: &'s Operation<'a>,
    pub new: &'s Operation<'a>,
    param_pairs: &'s [(Option<u32>, Option<u32>)],
}

impl<'s, 'a> OperationPair<'s, 'a> {
    /// The new operation's id (`GET /pets/{petId}`): findings name the operation as the new
    /// revision writes it.
    pub fn id(&self) -> &str {
        &self.new.id
    }

    /// Parameters by `in` and name: (old, new), either missing when added or removed; path
    /// parameters follow template renames. Old order, then added ones in new order.
    pub fn params(&self) -> Vec<(Option<&'s Param<'a>>, Option<&'s Param<'a>>)> {
        let (old, new) = (self.old, self.new);
        self.param_pairs
            .iter()
            .map(|&(o, n)| {
                (
                    o.map(|i| &old.params[i as usize]),
                    n.map(|j| &new.params[j as usize]),
                )
            })
            .collect()
    }
}

/// The parameters of two operations paired for [`OperationPair::params`].
fn match_params<'a>(
    old: &Operation<'a>,
    new: &Operation<'a>,
    renames: &[(&'a str, &'a str)],
) -> ParamPairs {
    let mut out = Vec::with_capacity(old.params.len());
    let mut used = vec![false; new.params.len()];
    for (i, p) in old.params.iter().enumerate() {
        // A path parameter goes by its new-side name.
        let name = match renames
            .iter()
            .find(|(o, _)| p.location == "path" && *o == p.name)
        {
            Some((_, n)) => *n,
            None => p.name,
        };
        let found = new
            .params
            .iter()
            .position(|q| q.location == p.location && q.name == name);
        if let Some(j) = found {
            used[j] = true;
        }
        out.push((Some(i as u32), found.map(|j| j as u32)));
    }
    for (j, &taken) in used.iter().enumerate() {
        if !taken {
            out.push((None, Some(j as u32)));
        }
    }
    out.into_boxed_slice()
}

/// Everything a rule sees of one comparison.
pub struct Ctx<'a> {
    pub old: &'a SpecSet,
    pub new: &'a SpecSet,
    pub specs: Vec<SpecPair<'a>>,
    /// The day sunset dates are compared with ([`crate::date::today`] in a run).
    pub today: Date,
    /// Days of notice a deprecation must give, for `beta` and for `stable` (or unlabelled)
    /// operations: oasdiff's `--deprecation-days-beta` / `--deprecation-days-stable`.
    notice_days: (u32, u32),
    changes: OnceLock<Vec<SchemaChange<'a>>>,
    /// Indexes in `changes` by [`SchemaChange::node`].
    nodes: OnceLock<Vec<Vec<usize>>>,
}

impl<'a> Ctx<'a> {
    /// Pair the specs of two revisions: by path, and a lone unpaired spec on each side with
    /// each other (a renamed file, or `treaty diff old.yaml new.yaml`). `skip` lists spec paths
    /// known unchanged (same blobs, same referenced files): they cannot differ. `today` is the
    /// day sunset dates are compared with.
    pub fn new(old: &'a SpecSet, new: &'a SpecSet, skip: &[String], today: Date) -> Ctx<'a> {
        let path = |set: &SpecSet, i: usize| set.docs[set.specs[i].doc].path.clone();
        let wanted = |set: &SpecSet, i: usize| !skip.contains(&path(set, i));
        let old_ids: Vec<usize> = (0..old.specs.len()).filter(|&i| wanted(old, i)).collect();
        let new_ids: Vec<usize> = (0..new.specs.len()).filter(|&i| wanted(new, i)).collect();
        let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
        let mut new_used = vec![false; new.specs.len()];
        let mut old_alone = Vec::new();
        for &i in &old_ids {
            match new_ids.iter().find(|&&j| path(new, j) == path(old, i)) {
                Some(&j) => {
                    new_used[j] = true;
                    pairs.push((Some(i), Some(j)));
                }
                None => old_alone.push(i),
            }
        }
        let new_alone: Vec<usize> = new_ids.iter().copied().filter(|&j| !new_used[j]).collect();
        if let ([i], [j]) = (old_alone.as_slice(), new_alone.as_slice()) {
            pairs.push((Some(*i), Some(*j)));
        } else {
            pairs.extend(old_alone.iter().map(|&i| (Some(i), None)));
            pairs.extend(new_alone.iter().map(|&j| (None, Some(j))));
        }
        // Each side's model of a spec is built on its own: in parallel.
        let specs = pairs
            .into_par_iter()
            .map(|(o, n)| {
                let (o, n) = rayon::join(
                    || o.map(|i| Spec::new(old, i)),
                    || n.map(|j| Spec::new(new, j)),
                );
                SpecPair::new(o, n)
            })
            .collect();
        Ctx {
            old,
            new,
            specs,
            today,
            notice_days: (0, 0),
            changes: OnceLock::new(),
            nodes: OnceLock::new(),
        }
    }

    /// The deprecation policy: the fewest days between today and the sunset date of something
    /// deprecated in a `beta` and in a `stable` operation (both 0 unless configured).
    pub fn with_deprecation(mut self, beta_days: u32, stable_days: u32) -> Ctx<'a> {
        self.notice_days = (beta_days, stable_days);
        self
    }

    /// Is a sunset on `date` too soon for a deprecation in an operation of this stability:
    /// fewer days from today than the policy's notice (with none configured: already past)?
    pub fn sunset_too_soon(&self, date: Date, stability: Option<&str>) -> bool {
        self.today.days_until(date) < self.notice_days(stability)
    }

    /// Why a sunset is too soon, for messages: `past` (how the rule says "already past") with
    /// no notice configured, else the notice it falls short of.
    pub fn too_soon_because(&self, stability: Option<&str>, past: &str) -> String {
        match self.notice_days(stability) {
            0 => past.to_string(),
            days => {
                format!("which is less than the {days} days of notice the deprecation policy asks")
            }
        }
    }

    /// The stability level of the new operation of a schema change (spec and operation-pair
    /// indices), for the deprecation policy.
    pub fn stability_of(&self, spec: usize, op: usize) -> Option<&'a str> {
        let spec = self.specs.get(spec)?;
        let pair = spec.ops.get(op)?;
        spec.new.as_ref()?.operations.get(pair.new)?.stability()
    }

    /// The notice (in days) a deprecation in an operation of this `x-stability-level` must give
    /// before its sunset, as oasdiff: none for `draft` and `alpha`, the beta policy for `beta`,
    /// the stable one for `stable`, no level, or one it cannot read.
    pub fn notice_days(&self, stability: Option<&str>) -> i64 {
        match stability {
            Some("draft") | Some("alpha") => 0,
            Some("beta") => self.notice_days.0.into(),
            _ => self.notice_days.1.into(),
        }
    }

    /// Every schema change of every paired operation (parameters, request bodies, responses,
    /// response headers), computed once and shared by the rules that filter it.
    pub fn schema_changes(&self) -> &[SchemaChange<'a>] {
        // The walk recurses once per nesting level (up to its depth limit), with large frames in
        // unoptimised builds: give it a stack of its own rather than depend on the caller's.
        self.changes.get_or_init(|| {
            std::thread::scope(|scope| {
                let spawned = std::thread::Builder::new()
                    .name("schema-walk".into())
                    .stack_size(256 << 20)
                    .spawn_scoped(scope, || schema::operation_changes(self));
                match spawned {
                    Ok(walk) => walk
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: walk on this one.
                    Err(_) => schema::operation_changes(self),
                }
            })
        })
    }
}

impl<'a> Ctx<'a> {
    /// The changes at the schema node `c` sits at (`c` included), in walk order: rules that
    /// read a node's changes together ask this once per change, so a scan of every change
    /// each time was quadratic (vocadb's 25k findings took seconds).
    pub fn changes_at<'c>(
        &'c self,
        c: &SchemaChange,
    ) -> impl Iterator<Item = &'c SchemaChange<'a>> + 'c {
        let all = self.schema_changes();
        let nodes = self.nodes.get_or_init(|| {
            let mut nodes: Vec<Vec<usize>> = Vec::new();
            for (i, change) in all.iter().enumerate() {
                if change.node >= nodes.len() {
                    nodes.resize_with(change.node + 1, Vec::new);
                }
                nodes[change.node].push(i);
            }
            nodes
        });
        nodes
            .get(c.node)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(move |&i| &all[i])
    }
}

/// Where a finding about something gone from the new spec points: `at` in the new spec, the
/// old element as related.
pub fn gone(at: NodeRef, old: NodeRef) -> (Location, Option<Location>) {
    (at.line_location(), Some(old.line_location()))
}
