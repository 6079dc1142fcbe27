//! Enums present in both revisions (paired by full name across files) whose openness or
//! JSON support changed, and enum values (paired by number) whose names changed.

use std::collections::BTreeMap;

use super::fields::{go_quote, scope_levels};
use super::index::EnumRef;
use super::presence::{Feature, Levels};
use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::proto::ast::EnumValue;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/enum-same-type", enum_same_type),
    Rule::new("proto/enum-same-json-format", enum_same_json_format),
    Rule::new("proto/enum-value-same-name", enum_value_same_name),
];

/// Calls `f` for every enum present in both revisions, with its feature levels.
fn for_each_enum_pair<'a>(
    ctx: &Ctx<'a>,
    mut f: impl FnMut(&EnumRef<'a>, &Levels<'a>, &EnumRef<'a>, &Levels<'a>),
) {
    for (name, old) in &ctx.old.enums {
        let Some(new) = ctx.new.enums.get(name) else {
            continue;
        };
        let old_levels = scope_levels(&ctx.old, old.file, old.parent).child(&old.e.options);
        let new_levels = scope_levels(&ctx.new, new.file, new.parent).child(&new.e.options);
        f(old, &old_levels, new, &new_levels);
    }
}

/// The enum's own `features.<feature>` statement, else the enum.
fn feature_location(e: &EnumRef, levels: &Levels, feature: Feature) -> Location {
    let span = levels
        .own_feature_decl(feature)
        .map_or(e.e.span, |d| d.span);
    e.file.location(span)
}

fn enum_same_type(ctx: &Ctx, sink: &mut Sink) {
    for_each_enum_pair(ctx, |old, old_levels, new, new_levels| {
        let was_closed = old_levels.feature(Feature::EnumType) == "CLOSED";
        let is_closed = new_levels.feature(Feature::EnumType) == "CLOSED";
        if was_closed != is_closed {
            let word = |closed: bool| if closed { "closed" } else { "open" };
            sink.report(
                feature_location(new, new_levels, Feature::EnumType),
                Some(feature_location(old, old_levels, Feature::EnumType)),
                format!(
                    "Enum {} changed from {} to {}.",
                    go_quote(&new.e.name),
                    word(was_closed),
                    word(is_closed)
                ),
            );
        }
    });
}

fn enum_same_json_format(ctx: &Ctx, sink: &mut Sink) {
    for_each_enum_pair(ctx, |old, old_levels, new, new_levels| {
        let was = old_levels.feature(Feature::JsonFormat);
        let is = new_levels.feature(Feature::JsonFormat);
        // Only losing full JSON support breaks anyone.
        if was == "ALLOW" && is != "ALLOW" {
            sink.report(
                feature_location(new, new_levels, Feature::JsonFormat),
                Some(feature_location(old, old_levels, Feature::JsonFormat)),
                format!(
                    "Enum {} JSON format support changed from {was} to {is}.",
                    go_quote(&new.e.name)
                ),
            );
        }
    });
}

/// Values by number, each number's values by name (aliases share a number).
fn by_number(values: &[EnumValue]) -> BTreeMap<i32, BTreeMap<&str, &EnumValue>> {
    let mut out: BTreeMap<i32, BTreeMap<&str, &EnumValue>> = BTreeMap::new();
    for v in values {
        out.entry(v.number).or_default().insert(v.name.as_str(), v);
    }
    out
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| go_quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn enum_value_same_name(ctx: &Ctx, sink: &mut Sink) {
    for (name, old) in &ctx.old.enums {
        let Some(new) = ctx.new.enums.get(name) else {
            continue;
        };
        let new_values = by_number(&new.e.values);
        for (number, old_names) in by_number(&old.e.values) {
            let Some(new_names) = new_values.get(&number) else {
                continue;
            };
            // Adding an alias is fine; every previous name must still be there.
            if old_names.keys().all(|n| new_names.contains_key(n)) {
                continue;
            }
            let was: Vec<&str> = old_names.keys().copied().collect();
            let is: Vec<&str> = new_names.keys().copied().collect();
            let plural = if was.len() > 1 && is.len() > 1 {
                "s"
            } else {
                ""
            };
            for (value_name, value) in new_names {
                sink.report(
                    new.file.location(value.number_span),
                    old_names
                        .get(value_name)
                        .map(|v| old.file.location(v.number_span)),
                    format!(
                        "Enum value \"{number}\" on enum {} changed name{plural} from {} to {}.",
                        go_quote(&new.e.name),
                        quoted_list(&was),
                        quoted_list(&is)
                    ),
                );
                sink.about(super::numbered(name, number));
            }
        }
    }
}
