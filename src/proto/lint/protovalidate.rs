//! protovalidate rules (`(buf.validate.field)` options) that can never work as written: a
//! rule group for another type than the field's, a minimum above its maximum, bounds that
//! leave one value, flags that contradict each other. A first subset of buf's PROTOVALIDATE
//! rule: what it does not check yet is listed in its entry (`rules/proto/protovalidate.md`).

use super::naming::fields;
use super::{Check, Ctx, Sink};
use crate::proto::ast::{Field, FieldType, Label, OptionValue, RefKind};
use crate::proto::model::SourceProto;
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
        for field in fields(&file.ast) {
            check_field(sink, file, field);
        }
    }
}

fn check_field(sink: &mut Sink, file: &SourceProto, field: &Field) {
    let settings = settings(field);
    if settings.is_empty() {
        return;
    }
    let mut report = |span: Span, message: String| sink.lint(file.location(span), message);
    let name = &field.name;
    let repeated = field.label == Some(Label::Repeated) || field.is_map;
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
            "repeated" => (field.label != Some(Label::Repeated) || field.is_map)
                .then(|| format!("the field '{name}' is not a repeated field but has repeated rules")),
            "map" => (!field.is_map)
                .then(|| format!("the field '{name}' is not a map but has map rules")),
            _ if repeated => Some(format!(
                "the field '{name}' is repeated but has {group} rules (rules for its items go under 'repeated.items' or 'map.keys'/'map.values')"
            )),
            _ => {
                let ty = value_type(field);
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
    // Minimum above maximum.
    for (group, min, max) in [
        ("string", "min_len", "max_len"),
        ("string", "min_bytes", "max_bytes"),
        ("bytes", "min_len", "max_len"),
        ("repeated", "min_items", "max_items"),
        ("map", "min_pairs", "max_pairs"),
    ] {
        if let (Some(lo), Some(hi)) = (find(group, min), find(group, max)) {
            if let (Some(l), Some(h)) = (as_number(lo.value), as_number(hi.value)) {
                if l > h {
                    report(
                        lo.span,
                        format!("the field '{name}' has {group}.{min} ({l}) above {group}.{max} ({h}): no value can pass"),
                    );
                }
            }
        }
    }
    // An exact length makes the minimum and maximum redundant.
    for group in ["string", "bytes"] {
        if find(group, "len").is_some() {
            for key in ["min_len", "max_len"] {
                if let Some(s) = find(group, key) {
                    report(
                        s.span,
                        format!(
                            "the field '{name}' has {group}.len, so {group}.{key} is redundant"
                        ),
                    );
                }
            }
        }
    }
    // Number bounds that meet, and a constant next to other rules.
    for group in NUMBER_GROUPS {
        let in_group: Vec<&Setting> = settings.iter().filter(|s| group_of(s) == *group).collect();
        if let Some(constant) = find(group, "const") {
            if in_group.len() > 1 {
                report(
                    constant.span,
                    format!("the field '{name}' has {group}.const, so its other {group} rules are redundant"),
                );
            }
        }
        let bound = |keys: [&'static str; 2]| {
            keys.into_iter()
                .find_map(|k| find(group, k).map(|s| (k, s)))
        };
        if let (Some((lo_key, lo)), Some((hi_key, hi))) =
            (bound(["gt", "gte"]), bound(["lt", "lte"]))
        {
            if as_number(lo.value).is_some() && as_number(lo.value) == as_number(hi.value) {
                let message = if lo_key == "gte" && hi_key == "lte" {
                    format!("the field '{name}' has equal {group}.gte and {group}.lte: use {group}.const")
                } else {
                    format!("the field '{name}' has equal {group}.{lo_key} and {group}.{hi_key}: the range is empty or everything")
                };
                report(lo.span, message);
            }
        }
    }
    let flag = |key: &str| settings.iter().find(|s| s.path == [key]);
    let is_true = |s: &Setting| matches!(s.value, OptionValue::Bool(true));
    let ignore = flag("ignore").and_then(|s| match s.value {
        OptionValue::Ident(v) => Some((v.as_str(), s)),
        _ => None,
    });
    if let Some(required) = flag("required").filter(|s| is_true(s)) {
        if field.oneof.is_some() {
            report(
                required.span,
                format!("the field '{name}' is in a oneof and has 'required': a oneof member cannot be required (use the oneof's own rule)"),
            );
        }
        if let Some(("IGNORE_IF_ZERO_VALUE", _)) = ignore {
            report(
                required.span,
                format!(
                    "the field '{name}' is 'required' and ignored when empty: it cannot be both"
                ),
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
