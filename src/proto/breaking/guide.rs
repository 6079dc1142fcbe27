//! treaty's own field-number hygiene rules, from the project's API guide: never renumber a
//! field or enum value, never give a deleted one's number a new meaning, and reserve what was
//! deleted. buf reports the same edits as several side effects (a deletion here, a name or type
//! change there); each rule below states the one thing that went wrong.
//!
//! Fields are paired within a message (messages by full name, as buf pairs them) both by name
//! and by number. That tells the four cases apart:
//! - same name, other number: renumbered;
//! - old name gone, its number now carries a field of another type, or one that moved in from
//!   another number: the number was reused;
//! - old name gone, its number carries a new name of the same type: a rename, left to buf's
//!   FIELD_SAME_NAME / FIELD_SAME_JSON_NAME (wire-compatible, so not a reuse);
//! - old name and number both gone: deleted, and must be reserved.
//!
//! Enum values have no type, so only a value moved in from another number marks a reuse.

use std::collections::HashMap;

use super::index::{loc, Side};
use super::{numbered, numbered_both, Check, Ctx, Sink};
use crate::proto::ast::{
    Enum, EnumValue, Field, FieldType, Label, Message, OptionDecl, OptionValue, RefKind, Reserved,
    Syntax,
};
use crate::proto::model::SourceProto;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/field-renumbered", field_renumbered),
    Rule::new("proto/field-number-reused", field_number_reused),
    Rule::new(
        "proto/field-deleted-not-reserved",
        field_deleted_not_reserved,
    ),
    Rule::new(
        "proto/field-deleted-without-deprecation",
        field_deleted_without_deprecation,
    ),
    Rule::new(
        "proto/field-deleted-after-deprecation",
        field_deleted_after_deprecation,
    ),
    Rule::new("proto/enum-value-renumbered", enum_value_renumbered),
    Rule::new("proto/enum-value-number-reused", enum_value_number_reused),
    Rule::new(
        "proto/enum-value-deleted-not-reserved",
        enum_value_deleted_not_reserved,
    ),
    Rule::new(
        "proto/enum-value-deleted-without-deprecation",
        enum_value_deleted_without_deprecation,
    ),
    Rule::new(
        "proto/enum-value-deleted-after-deprecation",
        enum_value_deleted_after_deprecation,
    ),
];

/// One message present in both revisions, with its fields indexed by name and by number.
pub(super) struct MessagePair<'a> {
    full_name: &'a str,
    old_file: &'a SourceProto,
    new_file: &'a SourceProto,
    old: &'a Message,
    new: &'a Message,
    old_by_name: HashMap<&'a str, &'a Field>,
    new_by_name: HashMap<&'a str, &'a Field>,
    new_by_number: HashMap<i32, &'a Field>,
}

/// Built once per comparison: each of the field rules below reads them all.
fn message_pairs<'c, 'a>(ctx: &'c Ctx<'a>) -> &'c [MessagePair<'a>] {
    ctx.guide_pairs.get_or_init(|| pair_messages(ctx))
}

fn pair_messages<'a>(ctx: &Ctx<'a>) -> Vec<MessagePair<'a>> {
    let mut out = Vec::new();
    for (old, new) in ctx.message_pairs() {
        // A map entry's fields are the map's key and value types: a change there is a type
        // change of the map field, not a renumbering.
        if old.message.is_map_entry || new.message.is_map_entry {
            continue;
        }
        out.push(MessagePair {
            full_name: new.full_name,
            old_file: old.file,
            new_file: new.file,
            old: old.message,
            new: new.message,
            old_by_name: by_name(&old.message.fields),
            new_by_name: by_name(&new.message.fields),
            new_by_number: new.message.fields.iter().map(|f| (f.number, f)).collect(),
        });
    }
    out
}

fn by_name(fields: &[Field]) -> HashMap<&str, &Field> {
    fields.iter().map(|f| (f.name.as_str(), f)).collect()
}

/// The field's type as a user reads it, and the key two types are compared by.
fn field_type(side: &Side, f: &Field) -> (String, String) {
    let shown = match &f.ty {
        FieldType::Scalar(s) => s.keyword().to_string(),
        FieldType::Named(t) if f.is_map => {
            // A map field's type is its synthesized entry message, whose name follows the
            // field's name: compare the key and value types instead, so a renamed map field
            // is not mistaken for a type change.
            let entry = side.messages.get(&t.resolved).map(|m| m.message);
            let part = |n: i32| {
                entry
                    .and_then(|m| m.fields.iter().find(|x| x.number == n))
                    .map_or_else(|| "?".to_string(), |x| field_type(side, x).0)
            };
            format!("map<{}, {}>", part(1), part(2))
        }
        FieldType::Named(t) if f.is_group => format!("group {}", t.written),
        FieldType::Named(t) if t.resolved.is_empty() => t.written.clone(),
        FieldType::Named(t) => t.resolved.clone(),
    };
    // A group's message is named after the field, so renaming a group field renames its type
    // too: treat any group as the same kind of type, as for a plain rename.
    let key = if f.is_group {
        "group".to_string()
    } else {
        shown.clone()
    };
    (shown, key)
}

/// Do two fields have the same type, for telling a rename from a reuse? A message or enum
/// type that was renamed along with the field (the old type is gone from the new revision and
/// the new one did not exist in the old) counts as the same type: googleapis renamed
/// `SecondaryHourType secondary_hour_type = 4` to `SecondaryHoursType secondary_hours_type = 4`.
fn same_type(ctx: &Ctx, old: &Field, new: &Field) -> bool {
    if field_type(&ctx.old, old).1 == field_type(&ctx.new, new).1 {
        return true;
    }
    match (&old.ty, &new.ty) {
        (FieldType::Named(o), FieldType::Named(n))
            if !old.is_map && !new.is_map && !old.is_group && !new.is_group =>
        {
            let kind = |side: &Side, name: &str| {
                if side.messages.contains_key(name) {
                    Some(RefKind::Message)
                } else if side.enums.contains_key(name) {
                    Some(RefKind::Enum)
                } else {
                    None
                }
            };
            // Both types must be declared in the compared tree: the old one only in the old
            // revision, the new one only in the new.
            o.kind == n.kind
                && o.kind != RefKind::Unresolved
                && kind(&ctx.old, &o.resolved).is_some()
                && kind(&ctx.new, &n.resolved).is_some()
                && kind(&ctx.new, &o.resolved).is_none()
                && kind(&ctx.old, &n.resolved).is_none()
        }
        _ => false,
    }
}

/// How many values a field holds, as its label says (proto3 `optional` only adds presence).
fn cardinality(f: &Field) -> &'static str {
    match f.label {
        Some(Label::Repeated) => "repeated",
        Some(Label::Required) => "required",
        Some(Label::Optional) | None => "singular",
    }
}

fn field_renumbered(ctx: &Ctx, sink: &mut Sink) {
    for p in message_pairs(ctx) {
        for old in &p.old.fields {
            let Some(new) = p.new_by_name.get(old.name.as_str()) else {
                continue;
            };
            if new.number == old.number {
                continue;
            }
            let mut message = format!(
                "Field {:?} of message {:?} was renumbered from {} to {}: old clients still \
                 write it as {} and new servers read it from {}.",
                old.name, p.full_name, old.number, new.number, old.number, new.number
            );
            if !same_type(ctx, old, new) {
                message.push_str(&format!(
                    " Its type changed too, from {} to {}.",
                    field_type(&ctx.old, old).0,
                    field_type(&ctx.new, new).0
                ));
            }
            let (was, is) = (cardinality(old), cardinality(new));
            if was != is && !old.is_map && !new.is_map {
                message.push_str(&format!(
                    " Its cardinality changed too, from {was} to {is}."
                ));
            }
            if let Some(taker) = p.new_by_number.get(&old.number) {
                message.push_str(&format!(
                    " Number {} now carries field {:?}.",
                    old.number, taker.name
                ));
            }
            sink.report(
                loc(p.new_file, new.number_span),
                Some(loc(p.old_file, old.number_span)),
                message,
            );
            sink.about(numbered_both(p.full_name, old.number, new.number));
        }
    }
}

fn field_number_reused(ctx: &Ctx, sink: &mut Sink) {
    for p in message_pairs(ctx) {
        for old in &p.old.fields {
            if p.new_by_name.contains_key(old.name.as_str()) {
                // Still there, at this number or renumbered (field-renumbered says so).
                continue;
            }
            let Some(new) = p.new_by_number.get(&old.number) else {
                continue;
            };
            let (old_type, _) = field_type(&ctx.old, old);
            let (new_type, _) = field_type(&ctx.new, new);
            // The new field is an old one moved onto this number.
            let moved_from = p
                .old_by_name
                .get(new.name.as_str())
                .map(|f| f.number)
                .filter(|&n| n != old.number);
            if same_type(ctx, old, new) && moved_from.is_none() {
                // Same number, same type, new name: a rename, which buf's FIELD_SAME_NAME
                // and FIELD_SAME_JSON_NAME report; the wire meaning is unchanged.
                continue;
            }
            let moved = moved_from.map_or_else(String::new, |n| format!(", moved from number {n}"));
            sink.report(
                loc(p.new_file, new.span),
                Some(loc(p.old_file, old.span)),
                format!(
                    "Field number {} of message {:?} was {:?} ({}) and now carries {:?} ({}{}): \
                     {:?} was deleted and its number reused, so what old clients send as {:?} \
                     is read as {:?}.",
                    old.number,
                    p.full_name,
                    old.name,
                    old_type,
                    new.name,
                    new_type,
                    moved,
                    old.name,
                    old.name,
                    new.name
                ),
            );
            sink.about(numbered(p.full_name, old.number));
        }
    }
}

fn number_reserved(reserved: &[Reserved], number: i32) -> bool {
    reserved
        .iter()
        .flat_map(|r| &r.ranges)
        .any(|r| r.start <= number && number <= r.end)
}

fn name_reserved(reserved: &[Reserved], name: &str) -> bool {
    reserved
        .iter()
        .flat_map(|r| &r.names)
        .any(|(n, _)| n == name)
}

/// `reserved "a", "b";`, or `reserved a, b;` in editions, where reserved names are identifiers.
fn reserved_names_statement(syntax: &Syntax, names: &[&str]) -> String {
    let list: Vec<String> = names
        .iter()
        .map(|n| match syntax {
            Syntax::Editions(_) => n.to_string(),
            _ => format!("{n:?}"),
        })
        .collect();
    format!("reserved {};", list.join(", "))
}

/// "without reserving its number and name; add: reserved 3; reserved "email";"
/// `several` says the deleted thing is several aliases of one number.
fn reserve_advice(syntax: &Syntax, number: Option<i32>, names: &[&str], several: bool) -> String {
    let (missing, fix) = reserve_parts(syntax, number, names, several);
    format!("without reserving {missing}; add: {fix}")
}

/// What is left to reserve ("its number and name") and the line that reserves it
/// (`reserved 3; reserved "email";`).
fn reserve_parts(
    syntax: &Syntax,
    number: Option<i32>,
    names: &[&str],
    several: bool,
) -> (String, String) {
    let mut missing = Vec::new();
    let mut fix = Vec::new();
    if let Some(n) = number {
        missing.push("number");
        fix.push(format!("reserved {n};"));
    }
    if !names.is_empty() {
        missing.push(if names.len() > 1 { "names" } else { "name" });
        fix.push(reserved_names_statement(syntax, names));
    }
    (
        format!(
            "{} {}",
            if several { "their" } else { "its" },
            missing.join(" and ")
        ),
        fix.join(" "),
    )
}

/// `deprecated = true` among an element's options.
fn is_deprecated(options: &[OptionDecl]) -> bool {
    options
        .iter()
        .any(|o| o.is_named("deprecated") && o.value == OptionValue::Bool(true))
}

/// The guide's order for a deletion: "deprecate it first (deprecated = true) in a release, then
/// delete it reserving 3 and "email"". `several` says the deleted thing is several aliases.
/// `number` is `None` for aliases deleted from a number other values still carry.
fn deprecate_first_advice(
    syntax: &Syntax,
    number: Option<i32>,
    names: &[&str],
    several: bool,
) -> String {
    let names: Vec<String> = names
        .iter()
        .map(|n| match syntax {
            Syntax::Editions(_) => n.to_string(),
            _ => format!("{n:?}"),
        })
        .collect();
    let it = if several { "them" } else { "it" };
    let number = number.map_or_else(String::new, |n| format!("{n} and "));
    format!(
        "deprecate {it} first (deprecated = true) in a release, then delete {it} reserving \
         {number}{}",
        names.join(", ")
    )
}

/// A field gone from a message present in both revisions (neither its name nor its number
/// left), and whether its number and its name are reserved in the new message.
struct DeletedField<'a> {
    old: &'a Field,
    number_ok: bool,
    name_ok: bool,
}

fn deleted_fields<'a>(p: &MessagePair<'a>) -> Vec<DeletedField<'a>> {
    let mut out = Vec::new();
    for old in &p.old.fields {
        if p.new_by_name.contains_key(old.name.as_str())
            || p.new_by_number.contains_key(&old.number)
        {
            // Renumbered, renamed or reused: the other rules (or buf's) report it.
            continue;
        }
        // A number now inside an extension range is taken by extensions and cannot be
        // reserved (protoc rejects the overlap); only its name still needs reserving.
        let number_ok = number_reserved(&p.new.reserved, old.number)
            || p.new
                .extension_ranges
                .iter()
                .any(|r| r.start <= old.number && old.number <= r.end);
        let name_ok = name_reserved(&p.new.reserved, &old.name);
        out.push(DeletedField {
            old,
            number_ok,
            name_ok,
        });
    }
    out
}

fn field_deleted_not_reserved(ctx: &Ctx, sink: &mut Sink) {
    for p in message_pairs(ctx) {
        for d in deleted_fields(p) {
            let old = d.old;
            if d.number_ok && d.name_ok {
                continue;
            }
            let syntax = &p.new_file.ast.syntax;
            let names: Vec<&str> = if d.name_ok { vec![] } else { vec![&old.name] };
            let number = (!d.number_ok).then_some(old.number);
            // Reserving alone does not satisfy the guide when the field was never deprecated:
            // say so now rather than after the user has followed half the advice.
            let advice = if is_deprecated(&old.options) {
                reserve_advice(syntax, number, &names, false)
            } else {
                let (missing, fix) = reserve_parts(syntax, number, &names, false);
                format!(
                    "without being deprecated first or reserving {missing}; {} (add: {fix})",
                    deprecate_first_advice(syntax, Some(old.number), &[&old.name], false)
                )
            };
            sink.report(
                loc(p.new_file, p.new.span),
                Some(loc(p.old_file, old.span)),
                format!(
                    "Field {:?} ({}) of message {:?} was deleted {advice}",
                    old.name, old.number, p.full_name
                ),
            );
            sink.about(numbered(p.full_name, old.number));
        }
    }
}

fn field_deleted_without_deprecation(ctx: &Ctx, sink: &mut Sink) {
    for p in message_pairs(ctx) {
        for d in deleted_fields(p) {
            let old = d.old;
            // Not reserved: field-deleted-not-reserved says both what to reserve and this.
            if !(d.number_ok && d.name_ok) || is_deprecated(&old.options) {
                continue;
            }
            sink.report(
                loc(p.new_file, p.new.span),
                Some(loc(p.old_file, old.span)),
                format!(
                    "Field {:?} ({}) of message {:?} was deleted without being deprecated first; \
                     {}",
                    old.name,
                    old.number,
                    p.full_name,
                    deprecate_first_advice(
                        &p.new_file.ast.syntax,
                        Some(old.number),
                        &[&old.name],
                        false
                    )
                ),
            );
            sink.about(numbered(p.full_name, old.number));
        }
    }
}

fn field_deleted_after_deprecation(ctx: &Ctx, sink: &mut Sink) {
    for p in message_pairs(ctx) {
        for d in deleted_fields(p) {
            let old = d.old;
            if !(d.number_ok && d.name_ok && is_deprecated(&old.options)) {
                continue;
            }
            sink.report(
                loc(p.new_file, p.new.span),
                Some(loc(p.old_file, old.span)),
                format!(
                    "Field {:?} ({}) of message {:?} was deleted after being deprecated, its \
                     number and name reserved",
                    old.name, old.number, p.full_name
                ),
            );
            sink.about(numbered(p.full_name, old.number));
        }
    }
}

/// One enum present in both revisions. A number may carry several names (`allow_alias`);
/// a name has one number.
struct EnumPair<'a> {
    full_name: &'a str,
    old_file: &'a SourceProto,
    new_file: &'a SourceProto,
    old: &'a Enum,
    new: &'a Enum,
    old_by_name: HashMap<&'a str, &'a EnumValue>,
    new_by_name: HashMap<&'a str, &'a EnumValue>,
    new_by_number: HashMap<i32, Vec<&'a EnumValue>>,
}

fn enum_pairs<'a>(ctx: &Ctx<'a>) -> Vec<EnumPair<'a>> {
    let mut out = Vec::new();
    for (name, old) in &ctx.old.enums {
        let Some(new) = ctx.new.enums.get(name) else {
            continue;
        };
        let mut new_by_number: HashMap<i32, Vec<&EnumValue>> = HashMap::new();
        for v in &new.e.values {
            new_by_number.entry(v.number).or_default().push(v);
        }
        out.push(EnumPair {
            full_name: new.full_name,
            old_file: old.file,
            new_file: new.file,
            old: old.e,
            new: new.e,
            old_by_name: old.e.values.iter().map(|v| (v.name.as_str(), v)).collect(),
            new_by_name: new.e.values.iter().map(|v| (v.name.as_str(), v)).collect(),
            new_by_number,
        });
    }
    out
}

/// Old values grouped by number, in declaration order of each number's first value.
fn old_numbers(e: &Enum) -> Vec<(i32, Vec<&EnumValue>)> {
    let mut out: Vec<(i32, Vec<&EnumValue>)> = Vec::new();
    for v in &e.values {
        match out.iter_mut().find(|(n, _)| *n == v.number) {
            Some((_, vs)) => vs.push(v),
            None => out.push((v.number, vec![v])),
        }
    }
    out
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn enum_value_renumbered(ctx: &Ctx, sink: &mut Sink) {
    for p in enum_pairs(ctx) {
        for old in &p.old.values {
            let Some(new) = p.new_by_name.get(old.name.as_str()) else {
                continue;
            };
            if new.number == old.number {
                continue;
            }
            let mut message = format!(
                "Enum value {:?} of enum {:?} was renumbered from {} to {}: old clients still \
                 send {} for it and new servers expect {}.",
                old.name, p.full_name, old.number, new.number, old.number, new.number
            );
            // Names the old number carries now that it did not carry before (an alias that
            // was already there is no news).
            let takers: Vec<&str> = p
                .new_by_number
                .get(&old.number)
                .into_iter()
                .flatten()
                .filter(|v| {
                    p.old_by_name
                        .get(v.name.as_str())
                        .is_none_or(|o| o.number != old.number)
                })
                .map(|v| v.name.as_str())
                .collect();
            if !takers.is_empty() {
                message.push_str(&format!(
                    " Number {} now means {}.",
                    old.number,
                    quoted_list(&takers)
                ));
            }
            sink.report(
                loc(p.new_file, new.number_span),
                Some(loc(p.old_file, old.number_span)),
                message,
            );
            sink.about(numbered_both(p.full_name, old.number, new.number));
        }
    }
}

fn enum_value_number_reused(ctx: &Ctx, sink: &mut Sink) {
    for p in enum_pairs(ctx) {
        for (number, olds) in old_numbers(p.old) {
            let Some(news) = p.new_by_number.get(&number) else {
                continue;
            };
            // Every old name of this number must be gone from the enum: one that moved away
            // is field-renumbered's news, one that stayed keeps the number's meaning.
            if olds
                .iter()
                .any(|o| p.new_by_name.contains_key(o.name.as_str()))
            {
                continue;
            }
            // Only a value moved in from another number tells a reuse from a rename (a fresh
            // name on an old number is buf's ENUM_VALUE_SAME_NAME).
            let Some((new, from)) = news.iter().find_map(|v| {
                p.old_by_name
                    .get(v.name.as_str())
                    .filter(|o| o.number != number)
                    .map(|o| (*v, o.number))
            }) else {
                continue;
            };
            let old_names: Vec<&str> = olds.iter().map(|v| v.name.as_str()).collect();
            let new_names: Vec<&str> = news.iter().map(|v| v.name.as_str()).collect();
            sink.report(
                loc(p.new_file, new.span),
                Some(loc(p.old_file, olds[0].span)),
                format!(
                    "Enum value number {number} of enum {:?} was {} and now carries {} \
                     ({:?} moved from number {from}): {} was deleted and its number reused, so \
                     what old clients send as {} is read as {:?}.",
                    p.full_name,
                    quoted_list(&old_names),
                    quoted_list(&new_names),
                    new.name,
                    quoted_list(&old_names),
                    quoted_list(&old_names),
                    new.name
                ),
            );
            sink.about(numbered(p.full_name, number));
        }
    }
}

/// The values of one old number gone from an enum present in both revisions (not renumbered),
/// with what the new enum still has to reserve for them.
struct DeletedValues<'a> {
    number: i32,
    olds: Vec<&'a EnumValue>,
    /// The names gone from the enum, in declaration order.
    gone: Vec<&'a str>,
    /// Whether the number itself is gone and unreserved.
    number_needed: bool,
    /// The gone names not reserved.
    names_needed: Vec<&'a str>,
}

impl DeletedValues<'_> {
    fn reserved(&self) -> bool {
        !self.number_needed && self.names_needed.is_empty()
    }

    /// Every deleted value carried `deprecated = true` in the old revision.
    fn deprecated(&self) -> bool {
        self.olds
            .iter()
            .filter(|v| self.gone.contains(&v.name.as_str()))
            .all(|v| is_deprecated(&v.options))
    }

    /// The number, when no value carries it any more (else only names are deleted).
    fn number_gone(&self, p: &EnumPair) -> Option<i32> {
        (!p.new_by_number.contains_key(&self.number)).then_some(self.number)
    }

    fn several(&self) -> bool {
        self.gone.len() > 1
    }

    /// The first deleted value, where the finding's old location points.
    fn first(&self) -> &EnumValue {
        (self.olds.iter())
            .find(|v| v.name == self.gone[0])
            .unwrap_or(&self.olds[0])
    }

    /// `Enum value "A" (3) of enum "p.E" was` / `Enum values "A", "B" (3) ... were`.
    fn subject(&self, full_name: &str) -> String {
        format!(
            "Enum value{} {} ({}) of enum {:?} {}",
            if self.several() { "s" } else { "" },
            quoted_list(&self.gone),
            self.number,
            full_name,
            if self.several() { "were" } else { "was" },
        )
    }
}

fn deleted_values<'a>(p: &EnumPair<'a>) -> Vec<DeletedValues<'a>> {
    let mut out = Vec::new();
    for (number, olds) in old_numbers(p.old) {
        let gone: Vec<&str> = olds
            .iter()
            .map(|v| v.name.as_str())
            .filter(|n| !p.new_by_name.contains_key(n))
            .collect();
        if gone.is_empty() {
            continue;
        }
        let number_needed = match p.new_by_number.get(&number) {
            None => !number_reserved(&p.new.reserved, number),
            Some(news) => {
                // The number lives on. If it gained a name, the value was renamed
                // (ENUM_VALUE_SAME_NAME); if it only lost names, aliases were deleted and
                // only their names need reserving.
                if news.iter().any(|v| !olds.iter().any(|o| o.name == v.name)) {
                    continue;
                }
                false
            }
        };
        let names_needed = (gone.iter().copied())
            .filter(|n| !name_reserved(&p.new.reserved, n))
            .collect();
        out.push(DeletedValues {
            number,
            olds,
            gone,
            number_needed,
            names_needed,
        });
    }
    out
}

fn enum_value_deleted_not_reserved(ctx: &Ctx, sink: &mut Sink) {
    for p in enum_pairs(ctx) {
        for d in deleted_values(&p) {
            if d.reserved() {
                continue;
            }
            let syntax = &p.new_file.ast.syntax;
            let number = d.number_needed.then_some(d.number);
            // As for fields: reserving alone does not satisfy the guide without a deprecation.
            let advice = if d.deprecated() {
                reserve_advice(syntax, number, &d.names_needed, d.several())
            } else {
                let (missing, fix) = reserve_parts(syntax, number, &d.names_needed, d.several());
                format!(
                    "without being deprecated first or reserving {missing}; {} (add: {fix})",
                    deprecate_first_advice(syntax, d.number_gone(&p), &d.gone, d.several())
                )
            };
            sink.report(
                loc(p.new_file, p.new.span),
                Some(loc(p.old_file, d.first().span)),
                format!("{} deleted {advice}", d.subject(p.full_name)),
            );
            sink.about(numbered(p.full_name, d.number));
        }
    }
}

fn enum_value_deleted_without_deprecation(ctx: &Ctx, sink: &mut Sink) {
    for p in enum_pairs(ctx) {
        for d in deleted_values(&p) {
            // Not reserved: enum-value-deleted-not-reserved says both what to reserve and this.
            if !d.reserved() || d.deprecated() {
                continue;
            }
            let syntax = &p.new_file.ast.syntax;
            sink.report(
                loc(p.new_file, p.new.span),
                Some(loc(p.old_file, d.first().span)),
                format!(
                    "{} deleted without being deprecated first; {}",
                    d.subject(p.full_name),
                    deprecate_first_advice(syntax, d.number_gone(&p), &d.gone, d.several())
                ),
            );
            sink.about(numbered(p.full_name, d.number));
        }
    }
}

fn enum_value_deleted_after_deprecation(ctx: &Ctx, sink: &mut Sink) {
    for p in enum_pairs(ctx) {
        for d in deleted_values(&p) {
            if !(d.reserved() && d.deprecated()) {
                continue;
            }
            sink.report(
                loc(p.new_file, p.new.span),
                Some(loc(p.old_file, d.first().span)),
                format!(
                    "{} deleted after being deprecated, {} reserved",
                    d.subject(p.full_name),
                    // Aliases deleted from a number that lives on reserve only their names.
                    if d.number_gone(&p).is_none() {
                        if d.several() {
                            "their names"
                        } else {
                            "its name"
                        }
                    } else if d.several() {
                        "their number and names"
                    } else {
                        "its number and name"
                    }
                ),
            );
            sink.about(numbered(p.full_name, d.number));
        }
    }
}
