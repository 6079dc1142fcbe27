//! Deletions: files, packages, and every named or numbered element they contain, plus the
//! reserved and extension ranges a message or enum promised to keep.
//!
//! Pairing follows buf exactly, because it decides what counts as "deleted":
//! - FILE-category rules (`*-no-delete` for messages, enums, extensions, services) pair
//!   elements by nested name within a file kept under the same import path; moving an
//!   element to another file is a deletion.
//! - Rules inside an element (fields, enum values, oneofs, RPCs, ranges) pair the element by
//!   full name across the whole revision, so they still apply after a move between files.
//! - PACKAGE-category rules pair by nested name within a package.
//!
//! A deleted element is reported at its closest surviving parent message in the new
//! revision, else at the top of the file; with nothing left to point at (its file is gone),
//! it is reported at its old location.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use foldhash::HashMap;

use super::index::{join, loc, Side};
use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::proto::ast::{Label, Message, OptionValue, Reserved, Syntax};
use crate::proto::model::SourceProto;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/file-no-delete", file_no_delete),
    Rule::new("proto/message-no-delete", message_no_delete),
    Rule::new("proto/enum-no-delete", enum_no_delete),
    Rule::new("proto/service-no-delete", service_no_delete),
    Rule::new("proto/extension-no-delete", extension_no_delete),
    Rule::new(
        "proto/extension-message-no-delete",
        extension_message_no_delete,
    ),
    Rule::new("proto/field-no-delete", field_no_delete),
    Rule::new(
        "proto/field-no-delete-unless-name-reserved",
        field_no_delete_unless_name_reserved,
    ),
    Rule::new(
        "proto/field-no-delete-unless-number-reserved",
        field_no_delete_unless_number_reserved,
    ),
    Rule::new("proto/enum-value-no-delete", enum_value_no_delete),
    Rule::new(
        "proto/enum-value-no-delete-unless-name-reserved",
        enum_value_no_delete_unless_name_reserved,
    ),
    Rule::new(
        "proto/enum-value-no-delete-unless-number-reserved",
        enum_value_no_delete_unless_number_reserved,
    ),
    Rule::new("proto/oneof-no-delete", oneof_no_delete),
    Rule::new("proto/rpc-no-delete", rpc_no_delete),
    Rule::new("proto/reserved-enum-no-delete", reserved_enum_no_delete),
    Rule::new(
        "proto/reserved-message-no-delete",
        reserved_message_no_delete,
    ),
    Rule::new("proto/package-no-delete", package_no_delete),
    Rule::new("proto/package-enum-no-delete", package_enum_no_delete),
    Rule::new(
        "proto/package-extension-no-delete",
        package_extension_no_delete,
    ),
    Rule::new("proto/package-message-no-delete", package_message_no_delete),
    Rule::new("proto/package-service-no-delete", package_service_no_delete),
];

// ---------------------------------------------------------------------------------------------
// Files and the top-level elements of a file (FILE category).

fn file_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (path, old) in &ctx.old.files {
        if !ctx.new.files.contains_key(path) {
            sink.report_old(
                old.file_location(),
                format!("Previously present file {path:?} was deleted."),
            );
        }
    }
}

fn message_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (old_file, new_file) in ctx.file_pairs() {
        let new_messages = ctx.new.file_messages(&new_file.ast.path);
        for (nested, old) in ctx.old.file_messages(&old_file.ast.path) {
            if !new_messages.contains_key(nested) {
                sink.report(
                    ctx.deleted_parent_location(new_file, nested),
                    Some(loc(old.file, old.message.span)),
                    format!("Previously present message {nested:?} was deleted from file."),
                );
            }
        }
    }
}

fn enum_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (old_file, new_file) in ctx.file_pairs() {
        let new_enums = ctx.new.file_enums(&new_file.ast.path);
        for (nested, old) in ctx.old.file_enums(&old_file.ast.path) {
            if !new_enums.contains_key(nested) {
                sink.report(
                    ctx.deleted_parent_location(new_file, nested),
                    Some(loc(old.file, old.e.span)),
                    format!("Previously present enum {nested:?} was deleted from file."),
                );
            }
        }
    }
}

fn extension_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (old_file, new_file) in ctx.file_pairs() {
        let new_extensions = ctx.new.file_extensions(&new_file.ast.path);
        for (nested, old) in ctx.old.file_extensions(&old_file.ast.path) {
            if !new_extensions.contains_key(nested) {
                sink.report(
                    ctx.deleted_parent_location(new_file, nested),
                    Some(loc(old.file, old.field.span)),
                    format!("Previously present extension {nested:?} was deleted from file."),
                );
            }
        }
    }
}

fn service_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (old_file, new_file) in ctx.file_pairs() {
        let new_names: HashSet<&str> = new_file
            .ast
            .services
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        for old in &old_file.ast.services {
            if !new_names.contains(old.name.as_str()) {
                // Services are top-level: nothing encloses them but the file.
                sink.report(
                    new_file.file_location(),
                    Some(loc(old_file, old.span)),
                    format!(
                        "Previously present service {:?} was deleted from file.",
                        old.name
                    ),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inside messages: fields, oneofs, reserved and extension ranges.

/// Messages present in both revisions, paired by full name (they may have changed file).
#[derive(Clone, Copy, PartialEq)]
enum Unless {
    Never,
    NameReserved,
    NumberReserved,
}

fn field_no_delete(ctx: &Ctx, sink: &mut Sink) {
    fields_deleted(ctx, sink, Unless::Never);
}

fn field_no_delete_unless_name_reserved(ctx: &Ctx, sink: &mut Sink) {
    fields_deleted(ctx, sink, Unless::NameReserved);
}

fn field_no_delete_unless_number_reserved(ctx: &Ctx, sink: &mut Sink) {
    fields_deleted(ctx, sink, Unless::NumberReserved);
}

/// Fields are paired by number; extensions declared inside a message are not its fields.
fn fields_deleted(ctx: &Ctx, sink: &mut Sink, unless: Unless) {
    for (old, new) in ctx.message_pairs() {
        let new_numbers = ctx.new.field_numbers(new);
        for field in &old.message.fields {
            if new_numbers.get(field.number).is_some() {
                continue;
            }
            let suffix = match unless {
                Unless::Never => String::new(),
                Unless::NameReserved => {
                    if reserved_names(&new.message.reserved).contains(field.name.as_str()) {
                        continue;
                    }
                    format!(" without reserving the name {:?}", field.name)
                }
                Unless::NumberReserved => {
                    if number_reserved(&new.message.reserved, field.number) {
                        continue;
                    }
                    format!(" without reserving the number \"{}\"", field.number)
                }
            };
            sink.report(
                loc(new.file, new.message.span),
                Some(loc(old.file, field.span)),
                format!(
                    "Previously present field \"{}\" with name {:?} on message {:?} was deleted{suffix}.",
                    field.number, field.name, old.message.name
                ),
            );
            sink.about(super::numbered(new.full_name, field.number));
        }
    }
}

fn reserved_names(reserved: &[Reserved]) -> HashSet<&str> {
    reserved
        .iter()
        .flat_map(|r| r.names.iter().map(|(name, _)| name.as_str()))
        .collect()
}

fn number_reserved(reserved: &[Reserved], number: i32) -> bool {
    reserved
        .iter()
        .flat_map(|r| &r.ranges)
        .any(|r| r.start <= number && number <= r.end)
}

fn oneof_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (old, new) in ctx.message_pairs() {
        if old.message.oneofs.is_empty() {
            continue;
        }
        let mut new_names: HashSet<String> =
            new.message.oneofs.iter().map(|o| o.name.clone()).collect();
        new_names.extend(synthetic_oneof_names(new.file, new.message));
        let old_synthetic = synthetic_oneof_names(old.file, old.message);
        for oneof in &old.message.oneofs {
            // The oneofs protoc synthesizes for proto3 `optional` fields only model
            // presence; a change there is a cardinality change, not a deleted oneof.
            if old_synthetic.contains(&oneof.name) || new_names.contains(&oneof.name) {
                continue;
            }
            sink.report(
                loc(new.file, new.message.span),
                Some(loc(old.file, oneof.span)),
                format!(
                    "Previously present oneof {:?} on message {:?} was deleted.",
                    oneof.name, new.message.name
                ),
            );
        }
    }
}

/// Names of the oneofs protoc synthesizes for the proto3 `optional` fields of a message:
/// `_` + field name, prefixed with `X` until it clashes with nothing else in the message.
fn synthetic_oneof_names(file: &SourceProto, m: &Message) -> Vec<String> {
    if file.ast.syntax != Syntax::Proto3 {
        return Vec::new();
    }
    let proto3_optional = m
        .fields
        .iter()
        .filter(|f| f.label == Some(Label::Optional) && f.oneof.is_none());
    let mut taken: Option<HashSet<&str>> = None;
    let mut out = Vec::new();
    for field in proto3_optional {
        let taken = taken.get_or_insert_with(|| {
            m.fields
                .iter()
                .map(|f| f.name.as_str())
                .chain(m.oneofs.iter().map(|o| o.name.as_str()))
                .chain(m.messages.iter().map(|n| n.name.as_str()))
                .chain(m.enums.iter().map(|e| e.name.as_str()))
                .collect()
        });
        let mut name = format!("_{}", field.name);
        while taken.contains(name.as_str()) || out.contains(&name) {
            name.insert(0, 'X');
        }
        out.push(name);
    }
    out
}

/// Largest field number in a message; `max` in a range means this number.
const MESSAGE_MAX: i64 = 536_870_911;
/// Largest field number in a message using the message-set wire format.
const MESSAGE_SET_MAX: i64 = 2_147_483_646;
/// Largest enum value number.
const ENUM_MAX: i64 = 2_147_483_647;

fn message_max(m: &Message) -> i64 {
    let message_set = m
        .options
        .iter()
        .any(|o| o.is_named("message_set_wire_format") && o.value == OptionValue::Bool(true));
    if message_set {
        MESSAGE_SET_MAX
    } else {
        MESSAGE_MAX
    }
}

fn extension_message_no_delete(ctx: &Ctx, sink: &mut Sink) {
    // Only a range the old message had can go missing; most messages have none.
    let pairs = ctx
        .message_pairs()
        .filter(|(old, _)| !old.message.extension_ranges.is_empty());
    for (old, new) in pairs {
        let old_ranges: Vec<(i64, i64)> = old
            .message
            .extension_ranges
            .iter()
            .map(|r| (r.start.into(), r.end.into()))
            .collect();
        let new_ranges: Vec<(i64, i64)> = new
            .message
            .extension_ranges
            .iter()
            .map(|r| (r.start.into(), r.end.into()))
            .collect();
        let old_spans = old.message.extension_ranges.iter().map(|r| r.span);
        ranges_shrunk(
            sink,
            RangeSite {
                kind: "extension",
                element_kind: "message",
                name: &new.message.name,
                at: loc(new.file, new.message.span),
                old_max: message_max(old.message),
                new_max: message_max(new.message),
            },
            old_ranges
                .into_iter()
                .zip(old_spans.map(|s| loc(old.file, s))),
            &new_ranges,
        );
    }
}

fn reserved_message_no_delete(ctx: &Ctx, sink: &mut Sink) {
    let pairs = ctx
        .message_pairs()
        .filter(|(old, _)| !old.message.reserved.is_empty());
    for (old, new) in pairs {
        let site = RangeSite {
            kind: "reserved",
            element_kind: "message",
            name: &new.message.name,
            at: loc(new.file, new.message.span),
            old_max: message_max(old.message),
            new_max: message_max(new.message),
        };
        reserved_shrunk(
            sink,
            site,
            (old.file, &old.message.reserved),
            &new.message.reserved,
        );
    }
}

fn reserved_enum_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (full, old) in ctx
        .old
        .enums
        .iter()
        .filter(|(_, e)| !e.e.reserved.is_empty())
    {
        let Some(new) = ctx.new.enums.get(full) else {
            continue;
        };
        let site = RangeSite {
            kind: "reserved",
            element_kind: "enum",
            name: &new.e.name,
            at: loc(new.file, new.e.span),
            old_max: ENUM_MAX,
            new_max: ENUM_MAX,
        };
        reserved_shrunk(sink, site, (old.file, &old.e.reserved), &new.e.reserved);
    }
}

/// Where a range finding goes and how its message reads.
struct RangeSite<'n> {
    /// `reserved` or `extension`.
    kind: &'static str,
    /// `message` or `enum`.
    element_kind: &'static str,
    /// The element's simple name.
    name: &'n str,
    at: Location,
    /// The number `max` stands for in the old and in the new element.
    old_max: i64,
    new_max: i64,
}

fn reserved_shrunk(
    sink: &mut Sink,
    site: RangeSite,
    (old_file, old): (&SourceProto, &[Reserved]),
    new: &[Reserved],
) {
    let old_ranges = old
        .iter()
        .flat_map(|r| &r.ranges)
        .map(|r| ((r.start.into(), r.end.into()), loc(old_file, r.span)));
    let new_ranges: Vec<(i64, i64)> = new
        .iter()
        .flat_map(|r| &r.ranges)
        .map(|r| (r.start.into(), r.end.into()))
        .collect();
    let at = site.at.clone();
    let (element_kind, name) = (site.element_kind, site.name.to_string());
    ranges_shrunk(sink, site, old_ranges, &new_ranges);

    let new_names = reserved_names(new);
    let mut seen = BTreeSet::new();
    for (old_name, span) in old.iter().flat_map(|r| &r.names) {
        if !new_names.contains(old_name.as_str()) && seen.insert(old_name.as_str()) {
            sink.report(
                at.clone(),
                Some(loc(old_file, *span)),
                format!(
                    "Previously present reserved name {old_name:?} on {element_kind} {name:?} was deleted."
                ),
            );
        }
    }
}

/// Reports each old range (inclusive bounds) that the new ranges no longer fully cover,
/// listing the numbers that are no longer covered.
fn ranges_shrunk(
    sink: &mut Sink,
    site: RangeSite,
    old: impl IntoIterator<Item = ((i64, i64), Location)>,
    new: &[(i64, i64)],
) {
    let collapsed = collapse_ranges(new);
    for ((start, end), old_loc) in old {
        let missing = find_missing(start, end, &collapsed);
        if missing.is_empty() {
            continue;
        }
        let previous = range_string(start, end, site.old_max);
        let removed: Vec<String> = missing
            .iter()
            .map(|&(s, e)| range_string(s, e, site.new_max))
            .collect();
        sink.report(
            site.at.clone(),
            Some(old_loc),
            format!(
                "Previously present {} range \"{previous}\" on {} {:?} is missing values: {} were removed.",
                site.kind,
                site.element_kind,
                site.name,
                removed.join(", ")
            ),
        );
    }
}

/// `[5]`, `[5,10]` or `[5,max]`, as buf prints ranges.
fn range_string(start: i64, end: i64, max: i64) -> String {
    if start == end {
        format!("[{start}]")
    } else if end == max {
        format!("[{start},max]")
    } else {
        format!("[{start},{end}]")
    }
}

/// Sorts ranges and merges those that overlap or touch.
fn collapse_ranges(ranges: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(sorted.len());
    for (start, end) in sorted {
        match out.last_mut() {
            Some(last) if start <= last.1 + 1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// The parts of `[start, end]` that the sorted, merged `covered` ranges leave out.
fn find_missing(start: i64, end: i64, covered: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut missing = Vec::new();
    let mut next = start;
    for &(s, e) in covered.iter().skip_while(|r| r.1 < start) {
        if s > end {
            break;
        }
        if next < s {
            missing.push((next, s - 1));
        }
        next = e + 1;
        if e >= end {
            return missing;
        }
    }
    if next <= end {
        missing.push((next, end));
    }
    missing
}

// ---------------------------------------------------------------------------------------------
// Enum values and RPCs.

fn enum_value_no_delete(ctx: &Ctx, sink: &mut Sink) {
    enum_values_deleted(ctx, sink, Unless::Never);
}

fn enum_value_no_delete_unless_name_reserved(ctx: &Ctx, sink: &mut Sink) {
    enum_values_deleted(ctx, sink, Unless::NameReserved);
}

fn enum_value_no_delete_unless_number_reserved(ctx: &Ctx, sink: &mut Sink) {
    enum_values_deleted(ctx, sink, Unless::NumberReserved);
}

/// Enum values are paired by number; with `allow_alias`, one number may carry several names,
/// and the number is deleted only when none of them remains.
fn enum_values_deleted(ctx: &Ctx, sink: &mut Sink, unless: Unless) {
    for (full, old) in &ctx.old.enums {
        let Some(new) = ctx.new.enums.get(full) else {
            continue;
        };
        let new_numbers: HashSet<i32> = new.e.values.iter().map(|v| v.number).collect();
        // Number -> names (sorted) and the first declaration, in number order.
        let mut deleted: BTreeMap<i32, (BTreeSet<&str>, crate::proto::ast::Span)> = BTreeMap::new();
        for value in &old.e.values {
            if !new_numbers.contains(&value.number) {
                deleted
                    .entry(value.number)
                    .or_insert_with(|| (BTreeSet::new(), value.span))
                    .0
                    .insert(value.name.as_str());
            }
        }
        let reserved = match unless {
            Unless::NameReserved if !deleted.is_empty() => reserved_names(&new.e.reserved),
            _ => HashSet::new(),
        };
        for (number, (names, span)) in deleted {
            let suffix = match unless {
                Unless::Never => String::new(),
                Unless::NameReserved => {
                    if names.iter().all(|n| reserved.contains(n)) {
                        continue;
                    }
                    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
                    let plural = if names.len() > 1 { "s" } else { "" };
                    format!(" without reserving the name{plural} {}", quoted.join(", "))
                }
                Unless::NumberReserved => {
                    if number_reserved(&new.e.reserved, number) {
                        continue;
                    }
                    format!(" without reserving the number \"{number}\"")
                }
            };
            sink.report(
                loc(new.file, new.e.span),
                Some(loc(old.file, span)),
                format!(
                    "Previously present enum value \"{number}\" on enum {:?} was deleted{suffix}.",
                    new.e.name
                ),
            );
            sink.about(super::numbered(full, number));
        }
    }
}

fn rpc_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (full, old) in &ctx.old.services {
        let Some(new) = ctx.new.services.get(full) else {
            continue;
        };
        let new_names: HashSet<&str> = new
            .service
            .methods
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        for method in &old.service.methods {
            if !new_names.contains(method.name.as_str()) {
                sink.report(
                    loc(new.file, new.service.span),
                    Some(loc(old.file, method.span)),
                    format!(
                        "Previously present RPC {:?} on service {:?} was deleted.",
                        method.name, new.service.name
                    ),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Packages (PACKAGE category): elements may move between the files of a package.

fn package_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (package, old_files) in &ctx.old.packages {
        if ctx.new.packages.contains_key(package) {
            continue;
        }
        // Nothing of the package is left: point at its first old file, as buf names it.
        let Some(first) = old_files.iter().min_by(|a, b| a.ast.path.cmp(&b.ast.path)) else {
            continue;
        };
        sink.report_old(
            first.file_location(),
            format!("Previously present package {package:?} was deleted."),
        );
    }
}

/// Packages that declare at least one element of a kind in a revision. buf compares a
/// package's elements of a kind only when the new revision's package still declares one
/// (its per-package index has no entry otherwise), so deleting the last enum, message or
/// extension of a package is left to the FILE-category rules.
fn packages_with<T: HasFile>(index: &HashMap<String, T>) -> HashSet<&str> {
    index.values().map(|e| e.file().package()).collect()
}

/// Reports an element of `package` deleted from the new revision. `parent` finds where: it is
/// only asked when the element's old file still exists.
fn report_package_deletion(
    ctx: &Ctx,
    sink: &mut Sink,
    old_file: &SourceProto,
    old_loc: Location,
    parent: impl Fn(&SourceProto) -> Location,
    message: String,
) {
    match ctx.new.files.get(old_file.ast.path.as_str()) {
        Some(new_file) => sink.report(parent(new_file), Some(old_loc), message),
        None => sink.report_old(old_loc, message),
    }
}

fn package_message_no_delete(ctx: &Ctx, sink: &mut Sink) {
    let live = packages_with(&ctx.new.messages);
    for (full, old) in &ctx.old.messages {
        let package = old.file.package();
        if !live.contains(package) || in_package(&ctx.new.messages, full, package) {
            continue;
        }
        let nested = old.nested_name;
        report_package_deletion(
            ctx,
            sink,
            old.file,
            loc(old.file, old.message.span),
            // Unlike the other deletions, buf looks for the surviving parent message in the
            // whole package, not only in the element's old file.
            |new_file| package_parent_location(&ctx.new, new_file, package, nested),
            format!("Previously present message {nested:?} was deleted from package {package:?}."),
        );
    }
}

fn package_enum_no_delete(ctx: &Ctx, sink: &mut Sink) {
    let live = packages_with(&ctx.new.enums);
    for (full, old) in &ctx.old.enums {
        let package = old.file.package();
        if !live.contains(package) || in_package(&ctx.new.enums, full, package) {
            continue;
        }
        let nested = old.nested_name;
        report_package_deletion(
            ctx,
            sink,
            old.file,
            loc(old.file, old.e.span),
            |new_file| ctx.deleted_parent_location(new_file, nested),
            format!("Previously present enum {nested:?} was deleted from package {package:?}."),
        );
    }
}

fn package_extension_no_delete(ctx: &Ctx, sink: &mut Sink) {
    let live = packages_with(&ctx.new.extensions);
    for (full, old) in &ctx.old.extensions {
        let package = old.file.package();
        if !live.contains(package) || in_package(&ctx.new.extensions, full, package) {
            continue;
        }
        let nested = old.nested_name;
        report_package_deletion(
            ctx,
            sink,
            old.file,
            loc(old.file, old.field.span),
            |new_file| ctx.deleted_parent_location(new_file, nested),
            format!(
                "Previously present extension {nested:?} was deleted from package {package:?}."
            ),
        );
    }
}

fn package_service_no_delete(ctx: &Ctx, sink: &mut Sink) {
    for (full, old) in &ctx.old.services {
        let package = old.file.package();
        // Any file of the package counts: services are looked up per package, not per kind.
        if !ctx.new.packages.contains_key(package) || in_package(&ctx.new.services, full, package) {
            continue;
        }
        report_package_deletion(
            ctx,
            sink,
            old.file,
            loc(old.file, old.service.span),
            |new_file| new_file.file_location(),
            format!(
                "Previously present service {:?} was deleted from package {package:?}.",
                old.service.name
            ),
        );
    }
}

/// Whether the element with this full name exists in `package` of the new revision (a full
/// name alone could also be a nested name in a parent package).
fn in_package<T: HasFile>(index: &HashMap<String, T>, full: &str, package: &str) -> bool {
    index
        .get(full)
        .is_some_and(|e| e.file().package() == package)
}

/// buf's parent lookup for PACKAGE_MESSAGE_NO_DELETE: the closest enclosing message that
/// still exists anywhere in the package (its file may differ from the deleted message's),
/// else the top of the deleted message's file.
fn package_parent_location(
    side: &Side,
    new_file: &SourceProto,
    package: &str,
    nested: &str,
) -> Location {
    let mut name = nested;
    while let Some(dot) = name.rfind('.') {
        name = &name[..dot];
        if let Some(m) = side.messages.get(&join(package, name)) {
            if m.file.package() == package {
                return loc(m.file, m.message.span);
            }
        }
    }
    new_file.file_location()
}

trait HasFile {
    fn file(&self) -> &SourceProto;
}

impl HasFile for super::index::MessageRef<'_> {
    fn file(&self) -> &SourceProto {
        self.file
    }
}

impl HasFile for super::index::EnumRef<'_> {
    fn file(&self) -> &SourceProto {
        self.file
    }
}

impl HasFile for super::index::ExtensionRef<'_> {
    fn file(&self) -> &SourceProto {
        self.file
    }
}

impl HasFile for super::index::ServiceRef<'_> {
    fn file(&self) -> &SourceProto {
        self.file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_collapse_when_touching_or_overlapping() {
        assert_eq!(
            collapse_ranges(&[(10, 12), (1, 3), (4, 5), (11, 20), (30, 30)]),
            vec![(1, 5), (10, 20), (30, 30)]
        );
    }

    #[test]
    fn missing_parts_of_a_range() {
        let covered = collapse_ranges(&[(1000, 1000), (2000, 5000), (10000, 50000)]);
        assert_eq!(
            find_missing(1, 60000, &covered),
            vec![(1, 999), (1001, 1999), (5001, 9999), (50001, 60000)]
        );
        assert_eq!(find_missing(1, 10, &[]), vec![(1, 10)]);
        assert_eq!(find_missing(1, 10, &[(1, 3), (20, 30)]), vec![(4, 10)]);
        assert_eq!(find_missing(1, 10, &[(0, 20)]), vec![]);
        assert_eq!(
            find_missing(5, 10, &[(1, 3), (6, 7)]),
            vec![(5, 5), (8, 10)]
        );
        assert_eq!(find_missing(5, 10, &[(12, 20)]), vec![(5, 10)]);
    }

    #[test]
    fn range_strings_match_buf() {
        assert_eq!(range_string(5, 5, MESSAGE_MAX), "[5]");
        assert_eq!(range_string(5, 9, MESSAGE_MAX), "[5,9]");
        assert_eq!(range_string(5, MESSAGE_MAX, MESSAGE_MAX), "[5,max]");
        assert_eq!(range_string(5, MESSAGE_MAX, ENUM_MAX), "[5,536870911]");
    }
}
