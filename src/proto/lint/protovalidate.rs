//! protovalidate rules (`(buf.validate.field)` options) that can never work as written: a
//! rule group for another type than the field's, a minimum above its maximum, bounds that
//! leave one value, flags that contradict each other. A first subset of buf's PROTOVALIDATE
//! rule: what it does not check yet is listed in its entry (`rules/proto/protovalidate.md`).

use super::naming::messages;
use super::{Check, Ctx, Sink};
use crate::proto::ast::{
    Field, FieldType, Label, Message, OptionDecl, OptionValue, ProtoFile, RefKind, Syntax,
};
use crate::rules::Rule;
use crate::span::Span;

pub const RULES: &[Rule<Check>] = &[Rule::new("proto/protovalidate", protovalidate)];

/// The field option protovalidate reads its field rules from.
const FIELD_RULES: &str = "buf.validate.field";

/// One rule of a field, its name path within `(buf.validate.field)` flattened
/// (`string.min_len`, whether written as a path or in a message literal), with its value and
/// where it is written.
struct Setting<'a> {
    path: Vec<&'a str>,
    value: &'a OptionValue,
    span: Span,
}

fn settings(field: &Field) -> Vec<Setting<'_>> {
    fn flatten<'a>(
        path: Vec<&'a str>,
        value: &'a OptionValue,
        span: Span,
        out: &mut Vec<Setting<'a>>,
    ) {
        match value {
            OptionValue::Aggregate(entries) => {
                for entry in entries {
                    let mut path = path.clone();
                    path.push(entry.name.as_str());
                    // A rule group and its rules are placed at their entry; the fields of a
                    // message-typed rule value (`timestamp.gt = { seconds: 5 }`) at the rule.
                    let at = if path.len() <= 2 { entry.span } else { span };
                    flatten(path, &entry.value, at, out);
                }
            }
            _ => out.push(Setting { path, value, span }),
        }
    }
    let mut out = Vec::new();
    for option in &field.options {
        let Some((first, rest)) = option.name.split_first() else {
            continue;
        };
        if !first.is_extension || first.name.trim_start_matches('.') != FIELD_RULES {
            continue;
        }
        let path = rest.iter().map(|p| p.name.as_str()).collect();
        flatten(path, &option.value, option.span, &mut out);
    }
    out
}

/// The rule groups for one type of value, and the field types (scalar keyword, `enum`, or a
/// message's full name) each applies to.
const TYPE_GROUPS: &[(&str, &[&str])] = &[
    ("float", &["float", "google.protobuf.FloatValue"]),
    ("double", &["double", "google.protobuf.DoubleValue"]),
    ("int32", &["int32", "google.protobuf.Int32Value"]),
    ("int64", &["int64", "google.protobuf.Int64Value"]),
    ("uint32", &["uint32", "google.protobuf.UInt32Value"]),
    ("uint64", &["uint64", "google.protobuf.UInt64Value"]),
    ("sint32", &["sint32"]),
    ("sint64", &["sint64"]),
    ("fixed32", &["fixed32"]),
    ("fixed64", &["fixed64"]),
    ("sfixed32", &["sfixed32"]),
    ("sfixed64", &["sfixed64"]),
    ("bool", &["bool", "google.protobuf.BoolValue"]),
    ("string", &["string", "google.protobuf.StringValue"]),
    ("bytes", &["bytes", "google.protobuf.BytesValue"]),
    ("enum", &["enum"]),
    ("any", &["google.protobuf.Any"]),
    ("duration", &["google.protobuf.Duration"]),
    ("timestamp", &["google.protobuf.Timestamp"]),
    ("field_mask", &["google.protobuf.FieldMask"]),
];

/// The number rule groups, whose bounds are compared.
const NUMBER_GROUPS: &[&str] = &[
    "float", "double", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64",
];

/// The field's value type as [`TYPE_GROUPS`] names it.
fn value_type(field: &Field) -> String {
    match &field.ty {
        FieldType::Scalar(s) => s.keyword().to_string(),
        FieldType::Named(r) if r.kind == RefKind::Enum => "enum".to_string(),
        FieldType::Named(r) => r.resolved.clone(),
    }
}

fn as_number(value: &OptionValue) -> Option<f64> {
    match value {
        OptionValue::Int(i) => Some(*i as f64),
        OptionValue::Float(f) => Some(*f),
        _ => None,
    }
}

fn protovalidate(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let mut report = |span: Span, message: String| sink.lint(file.location(span), message);
        for message in messages(&file.ast) {
            for field in &message.fields {
                let settings = settings(field);
                if settings.is_empty() {
                    continue;
                }
                // A map's key and value types are the fields of its entry message.
                let entry = match &field.ty {
                    FieldType::Named(r) if field.is_map => message
                        .messages
                        .iter()
                        .find(|m| m.is_map_entry && m.name == r.written),
                    _ => None,
                };
                let (key, value) = match entry {
                    Some(e) => (e.fields.first(), e.fields.get(1)),
                    None => (None, None),
                };
                let is_message =
                    matches!(&field.ty, FieldType::Named(r) if r.kind == RefKind::Message);
                let subject = Subject {
                    name: &field.name,
                    ty: value_type(field),
                    repeated: field.label == Some(Label::Repeated) && !field.is_map,
                    map: field.is_map,
                    in_oneof: field.oneof.is_some(),
                    presence: has_presence(&file.ast, field, is_message),
                    message_items: is_message,
                };
                let items = Subject {
                    repeated: false,
                    map: false,
                    presence: false,
                    ..subject.clone()
                };
                check_rules(&mut report, &subject, &settings);
                for (prefix, element) in [
                    (["repeated", "items"], subject.repeated.then_some(items)),
                    (["map", "keys"], key.map(|k| element_of(&field.name, k))),
                    (["map", "values"], value.map(|v| element_of(&field.name, v))),
                ] {
                    let Some(element) = element else { continue };
                    let nested: Vec<Setting> = settings
                        .iter()
                        .filter(|s| s.path.len() > 2 && s.path[..2] == prefix)
                        .map(|s| Setting {
                            path: s.path[2..].to_vec(),
                            value: s.value,
                            span: s.span,
                        })
                        .collect();
                    let required = settings.iter().find(|s| {
                        s.path.len() == 3 && s.path[..2] == prefix && s.path[2] == "required"
                    });
                    if let Some(required) = required {
                        report(
                            required.span,
                            format!(
                                "the field '{}' has {}.{}.required: items, keys and values cannot be required",
                                field.name, prefix[0], prefix[1]
                            ),
                        );
                    }
                    check_rules(&mut report, &element, &nested);
                }
            }
        }
        for message in messages(&file.ast) {
            check_message_oneofs(&mut report, message);
        }
        let extends = file
            .ast
            .extends
            .iter()
            .chain(messages(&file.ast).into_iter().flat_map(|m| &m.extends));
        for field in extends.flat_map(|e| &e.fields) {
            let settings = settings(field);
            for key in ["required", "ignore"] {
                let flagged = settings.iter().find(|s| {
                    s.path == [key]
                        && matches!(s.value, OptionValue::Bool(true))
                            | matches!(s.value, OptionValue::Ident(v) if v == "IGNORE_IF_ZERO_VALUE")
                });
                if let Some(s) = flagged {
                    report(
                        s.span,
                        format!(
                            "the extension '{}' has '{key}', which protovalidate does not allow on extensions",
                            field.name
                        ),
                    );
                }
            }
        }
    }
}

/// What a set of rules applies to: a field, or a repeated field's items, a map's keys or
/// values.
#[derive(Clone)]
struct Subject<'a> {
    name: &'a str,
    ty: String,
    repeated: bool,
    map: bool,
    in_oneof: bool,
    /// A singular field that tells unset from the zero value.
    presence: bool,
    /// Its values are messages.
    message_items: bool,
}

fn element_of<'a>(map: &'a str, field: &Field) -> Subject<'a> {
    Subject {
        name: map,
        ty: value_type(field),
        repeated: false,
        map: false,
        in_oneof: false,
        presence: false,
        message_items: false,
    }
}

/// Does a singular field tell unset from its zero value? proto2 fields, proto3 `optional`,
/// message and oneof fields do; in editions, fields do unless `field_presence` is `IMPLICIT`
/// (on the field or for the file).
fn has_presence(file: &ProtoFile, field: &Field, is_message: bool) -> bool {
    if field.label == Some(Label::Repeated) || field.is_map {
        return false;
    }
    let implicit = |option: Option<&OptionDecl>| {
        option.is_some_and(|o| matches!(&o.value, OptionValue::Ident(v) if v == "IMPLICIT"))
    };
    match file.syntax {
        Syntax::Proto2 => true,
        Syntax::Proto3 => {
            is_message || field.oneof.is_some() || field.label == Some(Label::Optional)
        }
        Syntax::Editions(_) => {
            is_message
                || field.oneof.is_some()
                || !(implicit(field.option("features.field_presence"))
                    || implicit(
                        file.options
                            .iter()
                            .find(|o| o.is_named("features.field_presence")),
                    ))
        }
    }
}

/// `(buf.validate.message).oneof = {fields: [...]}`: every entry names two or more fields of
/// the message, each once, and no field is in two entries.
fn check_message_oneofs(report: &mut impl FnMut(Span, String), message: &Message) {
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for option in &message.options {
        let is_oneof_rule = option.name.len() == 2
            && option.name[0].is_extension
            && option.name[0].name.trim_start_matches('.') == "buf.validate.message"
            && option.name[1].name == "oneof";
        let OptionValue::Aggregate(entries) = &option.value else {
            continue;
        };
        if !is_oneof_rule {
            continue;
        }
        let names: Vec<&str> = entries
            .iter()
            .filter(|e| e.name == "fields")
            .flat_map(|e| match &e.value {
                OptionValue::List(items) => items.iter().filter_map(OptionValue::as_str).collect(),
                other => other.as_str().into_iter().collect::<Vec<_>>(),
            })
            .collect();
        let at = option.span;
        let name = &message.name;
        if names.is_empty() {
            report(at, format!("the oneof rule of '{name}' names no field"));
        }
        for (i, field) in names.iter().enumerate() {
            if !message.fields.iter().any(|f| f.name == *field) {
                report(
                    at,
                    format!("the oneof rule of '{name}' names '{field}', which is no field of it"),
                );
            } else if names[..i].contains(field) {
                report(
                    at,
                    format!("the oneof rule of '{name}' names '{field}' twice"),
                );
            } else if let Some((_, earlier)) = seen.iter().find(|(f, _)| f == field) {
                let message = format!("the field '{field}' of '{name}' is in two oneof rules");
                report(*earlier, message.clone());
                report(at, message);
            }
        }
        seen.extend(names.iter().map(|f| (*f, at)));
    }
}

fn is_nan(value: &OptionValue) -> bool {
    match value {
        OptionValue::Ident(v) => v == "nan" || v == "-nan",
        OptionValue::Float(f) => f.is_nan(),
        OptionValue::List(items) => items.iter().any(is_nan),
        _ => false,
    }
}

fn check_rules(report: &mut impl FnMut(Span, String), subject: &Subject, settings: &[Setting]) {
    if settings.is_empty() {
        return;
    }
    let name = subject.name;
    fn group_of<'a>(s: &Setting<'a>) -> &'a str {
        s.path.first().copied().unwrap_or("")
    }
    // The type rule group, where the rules name one.
    if let Some(first) = settings.iter().find(|s| {
        group_of(s) == "repeated"
            || group_of(s) == "map"
            || TYPE_GROUPS.iter().any(|(g, _)| *g == group_of(s))
    }) {
        let group = group_of(first);
        let mismatch = match group {
            "repeated" => (!subject.repeated)
                .then(|| format!("the field '{name}' is not a repeated field but has repeated rules")),
            "map" => (!subject.map)
                .then(|| format!("the field '{name}' is not a map but has map rules")),
            _ if subject.repeated || subject.map => Some(format!(
                "the field '{name}' is repeated but has {group} rules (rules for its items go under 'repeated.items' or 'map.keys'/'map.values')"
            )),
            _ => {
                let ty = &subject.ty;
                let allowed = TYPE_GROUPS
                    .iter()
                    .find(|(g, _)| *g == group)
                    .is_some_and(|(_, types)| types.contains(&ty.as_str()));
                (!allowed).then(|| {
                    format!("the field '{name}' is of type '{ty}' but has {group} rules: they can never apply")
                })
            }
        };
        if let Some(message) = mismatch {
            report(first.span, message);
            return;
        }
    }
    let find = |group: &str, key: &str| {
        settings
            .iter()
            .find(|s| s.path.len() == 2 && s.path[0] == group && s.path[1] == key)
    };
    // Length limits: a minimum above its maximum, equal ones, and an exact length next to them.
    for (group, exact, min, max) in [
        ("string", "len", "min_len", "max_len"),
        ("string", "len_bytes", "min_bytes", "max_bytes"),
        ("bytes", "len", "min_len", "max_len"),
        ("repeated", "", "min_items", "max_items"),
        ("map", "", "min_pairs", "max_pairs"),
    ] {
        if let (Some(lo), Some(hi)) = (find(group, min), find(group, max)) {
            if let (Some(l), Some(h)) = (as_number(lo.value), as_number(hi.value)) {
                let message = if l > h {
                    Some(format!("the field '{name}' has {group}.{min} ({l}) above {group}.{max} ({h}): no value can pass"))
                } else if l == h && !exact.is_empty() {
                    Some(format!("the field '{name}' has equal {group}.{min} and {group}.{max}: use {group}.{exact}"))
                } else {
                    None
                };
                if let Some(message) = message {
                    report(lo.span, message.clone());
                    report(hi.span, message);
                }
            }
        }
        if !exact.is_empty() && find(group, exact).is_some() {
            for key in [min, max] {
                if let Some(s) = find(group, key) {
                    report(
                        s.span,
                        format!(
                            "the field '{name}' has {group}.{exact}, so {group}.{key} is redundant"
                        ),
                    );
                }
            }
        }
    }
    // Character and byte limits that exclude each other: a UTF-8 character is 1 to 4 bytes.
    let limit = |key: &str| find("string", key).and_then(|s| Some((as_number(s.value)?, s)));
    if let (Some((min_len, a)), Some((max_bytes, b))) = (limit("min_len"), limit("max_bytes")) {
        if max_bytes < min_len {
            let message = format!("the field '{name}' has string.min_len {min_len} but string.max_bytes {max_bytes}: {min_len} characters take at least {min_len} bytes");
            report(a.span, message.clone());
            report(b.span, message);
        }
    }
    if let (Some((max_len, a)), Some((min_bytes, b))) = (limit("max_len"), limit("min_bytes")) {
        if max_len * 4.0 < min_bytes {
            let message = format!("the field '{name}' has string.min_bytes {min_bytes} but string.max_len {max_len}: {max_len} characters take at most {} bytes", max_len * 4.0);
            report(b.span, message.clone());
            report(a.span, message);
        }
    }
    // A constant next to other rules of its group (examples are no rules).
    for (group, _) in TYPE_GROUPS {
        if let Some(constant) = find(group, "const") {
            let other = |s: &&Setting| {
                group_of(s) == *group && !matches!(s.path.get(1), Some(&"const" | &"example"))
            };
            if settings.iter().any(|s| other(&s)) {
                report(
                    constant.span,
                    format!("the field '{name}' has {group}.const, so its other {group} rules are redundant"),
                );
            }
        }
    }
    // NaN in number rules.
    for s in settings {
        if NUMBER_GROUPS.contains(&group_of(s)) && s.path.len() == 2 && is_nan(s.value) {
            let key = s.path[1];
            let effect = if key == "not_in" {
                "has no effect"
            } else {
                "can never match"
            };
            report(
                s.span,
                format!(
                    "the field '{name}' has NaN in {}.{key}, which {effect}",
                    group_of(s)
                ),
            );
        }
    }
    // Lower and upper bounds that meet: numbers, durations, timestamps (compared field by
    // field, as written).
    for group in NUMBER_GROUPS.iter().chain(&["duration", "timestamp"]) {
        let bound = |keys: [&'static str; 2]| {
            keys.into_iter().find_map(|key| {
                let parts: Vec<(&[&str], &OptionValue, Span)> = settings
                    .iter()
                    .filter(|s| s.path.len() >= 2 && s.path[0] == *group && s.path[1] == key)
                    .map(|s| (&s.path[2..], s.value, s.span))
                    .collect();
                (!parts.is_empty()).then_some((key, parts))
            })
        };
        let (Some((lo_key, lo)), Some((hi_key, hi))) = (bound(["gt", "gte"]), bound(["lt", "lte"]))
        else {
            continue;
        };
        let value_of = |parts: &[(&[&str], &OptionValue, Span)]| {
            let mut v: Vec<(String, String)> = parts
                .iter()
                .map(|(path, value, _)| (path.join("."), format!("{value:?}")))
                .collect();
            v.sort();
            v
        };
        if value_of(&lo) == value_of(&hi) {
            let message = if lo_key == "gte" && hi_key == "lte" {
                format!(
                    "the field '{name}' has equal {group}.gte and {group}.lte: use {group}.const"
                )
            } else {
                format!("the field '{name}' has equal {group}.{lo_key} and {group}.{hi_key}: the range is empty or everything")
            };
            report(lo[0].2, message.clone());
            report(hi[0].2, message);
        }
    }
    let flag = |key: &str| settings.iter().find(|s| s.path == [key]);
    let is_true = |s: &Setting| matches!(s.value, OptionValue::Bool(true));
    let ignore = flag("ignore").and_then(|s| match s.value {
        OptionValue::Ident(v) => Some((v.as_str(), s)),
        _ => None,
    });
    if let Some(required) = flag("required").filter(|s| is_true(s)) {
        if subject.in_oneof {
            report(
                required.span,
                format!("the field '{name}' is in a oneof and has 'required': a oneof member cannot be required (use the oneof's own rule)"),
            );
        }
        if let Some(("IGNORE_IF_ZERO_VALUE", at)) = ignore {
            let message = format!(
                "the field '{name}' is 'required' and ignored when empty: it cannot be both"
            );
            report(required.span, message.clone());
            report(at.span, message);
        }
    }
    if let Some(("IGNORE_IF_ZERO_VALUE", at)) = ignore {
        if subject.presence && flag("required").is_none_or(|s| !is_true(s)) {
            report(
                at.span,
                format!("the field '{name}' tracks presence, so it is ignored when unset already: 'ignore: IGNORE_IF_ZERO_VALUE' can go"),
            );
        }
    }
    if let Some(unique) = find("repeated", "unique").filter(|s| is_true(s)) {
        // Wrapper messages hold one scalar: unique applies to them as well.
        let wrapper = subject.ty.starts_with("google.protobuf.") && subject.ty.ends_with("Value");
        if subject.repeated && subject.message_items && !wrapper {
            report(
                unique.span,
                format!("the field '{name}' has repeated.unique, which only applies to scalar, enum and wrapper items"),
            );
        }
    }
    if let Some(("IGNORE_ALWAYS", at)) = ignore {
        if settings.len() > 1 {
            report(
                at.span,
                format!("the field '{name}' is always ignored: its other rules never apply and should go"),
            );
        }
    }
}
