//! Fields present in both revisions (same message and number, or same extendee and number)
//! whose type, cardinality, name, oneof, default or per-language options changed, and the
//! two message-level checks that look at fields (required fields, JSON format).
//!
//! Pairing follows buf: messages by full name across all files (map entry and group
//! messages included, so a map's key and value are compared as fields of `FooEntry`),
//! fields by number; extensions by extendee and number.

use std::borrow::Cow;
use std::collections::HashMap;

use super::index::{go_quote as go_quote_bytes, join, ExtensionRef, MessageRef, Side};
use super::presence::{self, Cardinality, CustomFeature, Edition, Feature, Kind, Levels};
use super::{Check, Ctx, Sink};
use crate::finding::Location;
use crate::proto::ast::{Enum, Field, FieldType, Label, OptionDecl, OptionValue, Scalar, Span};
use crate::proto::model::{ProtoSet, SourceProto};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/field-same-type", field_same_type),
    Rule::new(
        "proto/field-wire-compatible-type",
        field_wire_compatible_type,
    ),
    Rule::new(
        "proto/field-wire-json-compatible-type",
        field_wire_json_compatible_type,
    ),
    Rule::new("proto/field-same-cardinality", field_same_cardinality),
    Rule::new(
        "proto/field-wire-compatible-cardinality",
        field_wire_compatible_cardinality,
    ),
    Rule::new(
        "proto/field-wire-json-compatible-cardinality",
        field_wire_json_compatible_cardinality,
    ),
    Rule::new("proto/field-same-name", field_same_name),
    Rule::new("proto/field-same-json-name", field_same_json_name),
    Rule::new("proto/field-same-oneof", field_same_oneof),
    Rule::new("proto/field-same-default", field_same_default),
    Rule::new(
        "proto/field-same-cpp-string-type",
        field_same_cpp_string_type,
    ),
    Rule::new(
        "proto/field-same-java-utf8-validation",
        field_same_java_utf8_validation,
    ),
    Rule::new("proto/field-same-jstype", field_same_jstype),
    Rule::new(
        "proto/field-same-utf8-validation",
        field_same_utf8_validation,
    ),
    Rule::new(
        "proto/message-same-required-fields",
        message_same_required_fields,
    ),
    Rule::new("proto/message-same-json-format", message_same_json_format),
];

/// The message enclosing `m` in the same file, if `m` is nested.
fn parent_message<'a>(side: &Side<'a>, m: &MessageRef<'a>) -> Option<MessageRef<'a>> {
    let (outer, _) = m.nested_name.rsplit_once('.')?;
    side.messages
        .get(&join(m.file.package(), outer))
        .filter(|p| p.file.ast.path == m.file.ast.path)
        .copied()
}

/// Feature levels of a message: itself, its enclosing messages, its file.
pub(super) fn message_levels<'a>(side: &Side<'a>, m: &MessageRef<'a>) -> Levels<'a> {
    let edition = Edition::of(&m.file.ast);
    if !edition.is_editions() {
        return Levels::new(edition, []);
    }
    let mut levels: Vec<&'a [OptionDecl]> = vec![&m.message.options];
    let mut current = *m;
    while let Some(parent) = parent_message(side, &current) {
        levels.push(&parent.message.options);
        current = parent;
    }
    levels.push(&m.file.ast.options);
    Levels::new(edition, levels)
}

/// Feature levels of a message or enum nested in the message `parent` (full name), or
/// declared at the top of `file`.
pub(super) fn scope_levels<'a>(
    side: &Side<'a>,
    file: &'a SourceProto,
    parent: Option<&str>,
) -> Levels<'a> {
    match parent.and_then(|p| side.messages.get(p)) {
        Some(m) => message_levels(side, m),
        None => Levels::new(Edition::of(&file.ast), [file.ast.options.as_slice()]),
    }
}

/// For a map entry message: the map field that declares it. buf locates everything about
/// the synthesized entry at the field's `map<K, V>` type (the entry has no source of its
/// own), and the key and value inherit the map field's features.
fn map_field_of<'a>(side: &Side<'a>, m: &MessageRef<'a>) -> Option<&'a Field> {
    if !m.message.is_map_entry {
        return None;
    }
    parent_message(side, m).and_then(|p| {
        p.message
            .fields
            .iter()
            .find(|f| f.is_map && f.span == m.message.span)
    })
}

fn map_type_span<'a>(side: &Side<'a>, m: &MessageRef<'a>) -> Option<Span> {
    map_type(m, map_field_of(side, m))
}

/// The `map<K, V>` span of a map entry whose map field is `map_field` (the entry's own span
/// when that field is not found).
fn map_type(m: &MessageRef, map_field: Option<&Field>) -> Option<Span> {
    (m.message.is_map_entry).then(|| map_field.map_or(m.message.span, |f| f.ty_span))
}

/// Where buf locates a message: its declaration, or the map type for a map entry.
pub(super) fn message_location<'a>(side: &Side<'a>, m: &MessageRef<'a>) -> Location {
    m.file
        .location(map_type_span(side, m).unwrap_or(m.message.span))
}

/// One side of a field pair, with everything the rules derive from it.
pub(super) struct Site<'a> {
    pub file: &'a SourceProto,
    pub field: &'a Field,
    /// The message the field belongs to (for an extension: the message whose scope declares
    /// it, if any).
    pub message: Option<MessageRef<'a>>,
    pub extension: Option<ExtensionRef<'a>>,
    /// Set when the field is a map entry's key or value: the map field's `map<K, V>` span.
    pub map_type: Option<Span>,
    pub levels: Levels<'a>,
    pub kind: Kind,
}

impl<'a> Site<'a> {
    fn new(
        file: &'a SourceProto,
        field: &'a Field,
        message: Option<MessageRef<'a>>,
        extension: Option<ExtensionRef<'a>>,
        map_type: Option<Span>,
        map_field: Option<&'a Field>,
        scope: &Levels<'a>,
    ) -> Site<'a> {
        // Map keys and values get the map field's features (protoc copies them down).
        let levels = scope.child(map_field.map_or(&field.options, |f| &f.options));
        let kind = presence::kind(field, &levels, map_type.is_some());
        Site {
            file,
            field,
            message,
            extension,
            map_type,
            levels,
            kind,
        }
    }

    fn at(&self, span: Span) -> Location {
        self.file.location(self.map_type.unwrap_or(span))
    }

    /// The field's declaration.
    fn location(&self) -> Location {
        self.at(self.field.span)
    }

    fn name_location(&self) -> Location {
        self.at(self.field.name_span)
    }

    /// The written type. For a group buf points at the `group` keyword (the syntax tree
    /// keeps only the group's name, which follows the keyword).
    fn type_location(&self) -> Location {
        if self.field.is_group {
            let before = self.file.text[..self.field.name_span.start as usize].trim_end();
            if before.ends_with("group") {
                let end = before.len();
                return self.at(Span::new(end - "group".len(), end));
            }
        }
        self.at(self.field.ty_span)
    }

    /// One of the field's own options, or the field when it is not set (map entry fields
    /// have no options of their own).
    fn option_or_field(&self, decl: Option<&OptionDecl>) -> Location {
        match decl {
            Some(d) if self.map_type.is_none() => self.file.location(d.span),
            _ => self.location(),
        }
    }

    fn own_option(&self, name: &str) -> Option<&'a OptionDecl> {
        if self.map_type.is_some() {
            return None;
        }
        self.field.option(name)
    }

    /// What a finding about this field is about: its number in its message (or extendee).
    fn element(&self) -> String {
        match (self.extension, self.message) {
            (Some(x), _) => super::numbered(&x.extend.extendee.resolved, self.field.number),
            (None, Some(m)) => super::numbered(m.full_name, self.field.number),
            (None, None) => super::numbered("", self.field.number),
        }
    }

    fn is_extension(&self) -> bool {
        self.extension.is_some()
    }

    /// The field's name as buf compares it: extensions by full name.
    fn compared_name(&self) -> &'a str {
        match self.extension {
            Some(x) => x.full_name,
            None => &self.field.name,
        }
    }

    /// `Field "1" with name "x" on message "M"`, buf's field description.
    fn description(&self) -> String {
        self.describe(Some(self.compared_name()))
    }

    fn describe(&self, name: Option<&str>) -> String {
        let with_name = name.map_or(String::new(), |n| format!(" with name {}", go_quote(n)));
        match self.extension {
            Some(x) => format!(
                "Extension \"{}\"{with_name} on message {}",
                self.field.number,
                go_quote(&x.extend.extendee.resolved)
            ),
            None => format!(
                "Field \"{}\"{with_name} on message {}",
                self.field.number,
                go_quote(self.message.map_or("", |m| m.message.name.as_str()))
            ),
        }
    }

    fn type_name(&self) -> &'a str {
        match &self.field.ty {
            FieldType::Named(t) => &t.resolved,
            FieldType::Scalar(_) => "",
        }
    }

    fn cardinality(&self) -> Cardinality {
        presence::cardinality(
            self.field,
            &self.levels,
            self.kind,
            self.is_extension(),
            self.in_map_entry(),
        )
    }

    fn in_map_entry(&self) -> bool {
        self.map_type.is_some()
    }
}

/// Messages present in both revisions with their fields paired by number, and extensions
/// paired by extendee and number. Built once per comparison: a dozen rules walk the pairs,
/// and looking each message up again took half of every one of them.
pub(crate) struct FieldPairs<'a> {
    messages: Vec<PairedMessage<'a>>,
    extensions: Vec<(ExtensionRef<'a>, ExtensionRef<'a>)>,
}

struct PairedMessage<'a> {
    old: FieldScope<'a>,
    new: FieldScope<'a>,
    fields: Vec<(&'a Field, &'a Field)>,
}

/// What every field of one message shares: its message, feature levels and map entry.
struct FieldScope<'a> {
    message: MessageRef<'a>,
    levels: Levels<'a>,
    map_type: Option<Span>,
    map_field: Option<&'a Field>,
}

impl<'a> FieldScope<'a> {
    fn of(side: &Side<'a>, message: &MessageRef<'a>) -> FieldScope<'a> {
        let map_field = map_field_of(side, message);
        FieldScope {
            message: *message,
            levels: message_levels(side, message),
            map_type: map_type(message, map_field),
            map_field,
        }
    }

    fn site(&self, field: &'a Field) -> Site<'a> {
        let m = &self.message;
        Site::new(
            m.file,
            field,
            Some(*m),
            None,
            self.map_type,
            self.map_field,
            &self.levels,
        )
    }
}

impl<'a> FieldPairs<'a> {
    pub(crate) fn of(ctx: &Ctx<'a>) -> FieldPairs<'a> {
        let mut messages = Vec::new();
        for (old_m, new_m) in ctx.message_pairs() {
            if old_m.message.fields.is_empty() || new_m.message.fields.is_empty() {
                continue;
            }
            let new_fields = ctx.new.field_numbers(new_m);
            let fields: Vec<_> = (old_m.message.fields.iter())
                .filter_map(|old| new_fields.get(old.number).map(|new| (old, new)))
                .collect();
            if fields.is_empty() {
                continue;
            }
            messages.push(PairedMessage {
                old: FieldScope::of(&ctx.old, old_m),
                new: FieldScope::of(&ctx.new, new_m),
                fields,
            });
        }
        let new_by_key: HashMap<(&str, i32), &ExtensionRef> = ctx
            .new
            .extensions
            .values()
            .map(|x| ((x.extend.extendee.resolved.as_str(), x.field.number), x))
            .collect();
        let extensions = (ctx.old.extensions.values())
            .filter_map(|old_x| {
                let key = (old_x.extend.extendee.resolved.as_str(), old_x.field.number);
                new_by_key.get(&key).map(|new_x| (*old_x, **new_x))
            })
            .collect();
        FieldPairs {
            messages,
            extensions,
        }
    }
}

/// Calls `f` for every field present by number in both revisions (message fields, then
/// extensions); what `f` reports is about that field number (see [`super::numbered`]).
pub(super) fn for_each_field_pair<'a>(
    ctx: &Ctx<'a>,
    sink: &mut Sink,
    mut f: impl FnMut(&Site<'a>, &Site<'a>, &mut Sink),
) {
    let mut visit = |old: &Site<'a>, new: &Site<'a>| {
        let before = sink.findings.len();
        f(old, new, sink);
        if sink.findings.len() > before {
            let element: std::sync::Arc<str> = new.element().into();
            for finding in &mut sink.findings[before..] {
                finding.element.get_or_insert_with(|| element.clone());
            }
        }
    };
    let pairs = ctx.field_pairs();
    for message in &pairs.messages {
        for (old_field, new_field) in &message.fields {
            visit(&message.old.site(old_field), &message.new.site(new_field));
        }
    }
    for (old_x, new_x) in &pairs.extensions {
        visit(
            &extension_site(&ctx.old, old_x),
            &extension_site(&ctx.new, new_x),
        );
    }
}

fn extension_site<'a>(side: &Side<'a>, x: &ExtensionRef<'a>) -> Site<'a> {
    let scope_message = x
        .full_name
        .rsplit_once('.')
        .and_then(|(scope, _)| side.messages.get(scope))
        .filter(|m| m.file.ast.path == x.file.ast.path)
        .copied();
    let scope = match &scope_message {
        Some(m) => message_levels(side, m),
        None => Levels::new(Edition::of(&x.file.ast), [x.file.ast.options.as_slice()]),
    };
    Site::new(x.file, x.field, scope_message, Some(*x), None, None, &scope)
}

/// Go's `%q` of a string, as buf's messages quote names and values.
pub(super) fn go_quote(s: &str) -> String {
    go_quote_bytes(s.as_bytes())
}

// ---------------------------------------------------------------------------------------
// Types

const WIRE_DOC: &str =
    "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.";
const WIRE_JSON_DOC: &str = "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.";
const BYTES_TO_STRING_NOTE: &str = "Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible.";

/// Kinds whose values decode from each other's wire bytes (protobuf's "updating" rules).
/// string and bytes are apart because only one direction is safe; enum is apart from the
/// varints because an unknown number cannot be verified.
fn wire_group(kind: Kind) -> u8 {
    use Scalar::*;
    match kind {
        Kind::Scalar(Int32 | Int64 | Uint32 | Uint64 | Bool) => 1,
        Kind::Scalar(Sint32 | Sint64) => 2,
        Kind::Scalar(String) => 3,
        Kind::Scalar(Bytes) => 4,
        Kind::Scalar(Fixed32 | Sfixed32) => 5,
        Kind::Scalar(Fixed64 | Sfixed64) => 6,
        Kind::Scalar(Double) => 7,
        Kind::Scalar(Float) => 8,
        Kind::Group => 9,
        Kind::Message => 10,
        Kind::Enum => 11,
    }
}

/// Kinds that are both wire- and JSON-compatible (64-bit integers are strings in JSON).
fn wire_json_group(kind: Kind) -> u8 {
    use Scalar::*;
    match kind {
        Kind::Scalar(Int32 | Uint32) => 1,
        Kind::Scalar(Int64 | Uint64) => 2,
        Kind::Scalar(Fixed32 | Sfixed32) => 3,
        Kind::Scalar(Fixed64 | Sfixed64) => 4,
        Kind::Scalar(Bool) => 5,
        Kind::Scalar(Sint32) => 6,
        Kind::Scalar(Sint64) => 7,
        Kind::Scalar(String) => 8,
        Kind::Scalar(Bytes) => 9,
        Kind::Scalar(Double) => 10,
        Kind::Scalar(Float) => 11,
        Kind::Group => 12,
        Kind::Message => 13,
        Kind::Enum => 14,
    }
}

fn report_kind_changed(sink: &mut Sink, old: &Site, new: &Site, extra: &[&str]) {
    let extra = extra.join(" ");
    let extra = if extra.trim().is_empty() {
        String::new()
    } else {
        format!(" {}", extra.trim())
    };
    sink.report(
        new.type_location(),
        Some(old.type_location()),
        format!(
            "{} changed type from {} to {}.{extra}",
            new.description(),
            go_quote(old.kind.pretty(old.levels.edition)),
            go_quote(new.kind.pretty(new.levels.edition)),
        ),
    );
}

fn report_type_name_changed(sink: &mut Sink, old: &Site, new: &Site) {
    sink.report(
        new.type_location(),
        Some(old.type_location()),
        format!(
            "{} changed type from {} to {}.",
            new.description(),
            go_quote(old.type_name()),
            go_quote(new.type_name()),
        ),
    );
}

fn field_same_type(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if old.kind != new.kind {
            report_kind_changed(sink, old, new, &[]);
        } else if new.kind.is_named() && old.type_name() != new.type_name() {
            report_type_name_changed(sink, old, new);
        }
    });
}

fn field_wire_compatible_type(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if wire_group(old.kind) != wire_group(new.kind) {
            let string = Kind::Scalar(Scalar::String);
            let bytes = Kind::Scalar(Scalar::Bytes);
            if old.kind == string && new.kind == bytes {
                // Every valid string is valid bytes.
                return;
            }
            let mut extra = vec![WIRE_DOC];
            if old.kind == bytes && new.kind == string {
                extra.push(BYTES_TO_STRING_NOTE);
            }
            report_kind_changed(sink, old, new, &extra);
            return;
        }
        if old.type_name() != new.type_name() {
            match new.kind {
                Kind::Enum => check_enum_wire_compatible(ctx, sink, old, new),
                Kind::Message | Kind::Group => report_type_name_changed(sink, old, new),
                Kind::Scalar(_) => {}
            }
        }
    });
}

fn field_wire_json_compatible_type(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if wire_json_group(old.kind) != wire_json_group(new.kind) {
            report_kind_changed(sink, old, new, &[WIRE_JSON_DOC]);
            return;
        }
        if old.type_name() != new.type_name() {
            match new.kind {
                Kind::Enum => check_enum_wire_compatible(ctx, sink, old, new),
                Kind::Message | Kind::Group => report_type_name_changed(sink, old, new),
                Kind::Scalar(_) => {}
            }
        }
    });
}

/// An enum, by full name, in the compared files or the files loaded only for their
/// declarations (imports of the compared files, bundled well-known types).
pub(super) fn find_enum<'a>(
    side: &Side<'a>,
    set: &'a ProtoSet,
    full_name: &str,
) -> Option<&'a Enum> {
    if let Some(e) = side.enums.get(full_name) {
        return Some(e.e);
    }
    fn walk<'a>(
        scope: &str,
        enums: &'a [Enum],
        messages: &'a [crate::proto::ast::Message],
        want: &str,
    ) -> Option<&'a Enum> {
        let rest = if scope.is_empty() {
            want
        } else {
            want.strip_prefix(scope)?.strip_prefix('.')?
        };
        if let Some(e) = enums.iter().find(|e| e.name == rest) {
            return Some(e);
        }
        let (head, _) = rest.split_once('.')?;
        let m = messages.iter().find(|m| m.name == head)?;
        walk(&join(scope, &m.name), &m.enums, &m.messages, want)
    }
    set.files
        .iter()
        .filter(|f| f.context)
        .find_map(|f| walk(f.package(), &f.ast.enums, &f.ast.messages, full_name))
}

/// An enum field may switch to another enum with the same name that keeps every value
/// (name and number): a move, possibly with values added.
fn check_enum_wire_compatible(ctx: &Ctx, sink: &mut Sink, old: &Site, new: &Site) {
    let (Some(old_enum), Some(new_enum)) = (
        find_enum(&ctx.old, ctx.old_set, old.type_name()),
        find_enum(&ctx.new, ctx.new_set, new.type_name()),
    ) else {
        return;
    };
    if old_enum.name != new_enum.name {
        report_type_name_changed(sink, old, new);
        return;
    }
    let new_values: HashMap<&str, i32> = new_enum
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.number))
        .collect();
    let is_superset = old_enum
        .values
        .iter()
        .all(|v| new_values.get(v.name.as_str()) == Some(&v.number));
    if !is_superset {
        report_type_name_changed(sink, old, new);
    }
}

// ---------------------------------------------------------------------------------------
// Cardinality

fn check_cardinality(ctx: &Ctx, sink: &mut Sink, group: fn(Cardinality) -> u8) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        // Map entry fields are synthesized; their presence mirrors the file's defaults
        // without changing behaviour, so buf leaves them alone.
        if old.in_map_entry() && new.in_map_entry() {
            return;
        }
        let (was, is) = (old.cardinality(), new.cardinality());
        if group(was) != group(is) {
            sink.report(
                new.location(),
                Some(old.location()),
                format!(
                    "{} changed cardinality from {} to {}.",
                    new.description(),
                    go_quote(was.as_str()),
                    go_quote(is.as_str())
                ),
            );
        }
    });
}

fn same(c: Cardinality) -> u8 {
    c as u8
}

fn field_same_cardinality(ctx: &Ctx, sink: &mut Sink) {
    check_cardinality(ctx, sink, same);
}

fn field_wire_compatible_cardinality(ctx: &Ctx, sink: &mut Sink) {
    check_cardinality(ctx, sink, Cardinality::wire_group);
}

fn field_wire_json_compatible_cardinality(ctx: &Ctx, sink: &mut Sink) {
    check_cardinality(ctx, sink, Cardinality::wire_json_group);
}

// ---------------------------------------------------------------------------------------
// Names and oneofs

fn field_same_name(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        let (was, is) = (old.compared_name(), new.compared_name());
        if was != is {
            sink.report(
                new.name_location(),
                Some(old.name_location()),
                format!(
                    "{} changed name from {} to {}.",
                    new.describe(None),
                    go_quote(was),
                    go_quote(is)
                ),
            );
        }
    });
}

fn json_name<'a>(site: &Site<'a>) -> Cow<'a, str> {
    match site.field.option("json_name").map(|d| &d.value) {
        Some(OptionValue::Str(bytes)) => String::from_utf8_lossy(bytes),
        // Most names have no underscore: the JSON name is the name itself.
        _ if !site.field.name.contains('_') => Cow::Borrowed(&site.field.name),
        _ => Cow::Owned(presence::default_json_name(&site.field.name)),
    }
}

fn field_same_json_name(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if old.is_extension() {
            // Extensions cannot set a JSON name.
            return;
        }
        let (was, is) = (json_name(old), json_name(new));
        if was != is {
            sink.report(
                new.option_or_field(new.own_option("json_name")),
                Some(old.option_or_field(old.own_option("json_name"))),
                format!(
                    "{} changed option \"json_name\" from {} to {}.",
                    new.description(),
                    go_quote(&was),
                    go_quote(&is)
                ),
            );
        }
    });
}

/// The name of the (real) oneof containing the field; proto3 `optional` fields are not in
/// one here, and buf ignores their synthetic oneofs too.
fn oneof_name<'a>(site: &Site<'a>) -> Option<&'a str> {
    let index = site.field.oneof?;
    let message = site.message?;
    message.message.oneofs.get(index).map(|o| o.name.as_str())
}

fn field_same_oneof(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if old.is_extension() {
            return;
        }
        let message = match (oneof_name(old), oneof_name(new)) {
            (None, None) => return,
            (Some(a), Some(b)) if a == b => return,
            // buf's message has a stray `q` after the description; users match on it.
            (Some(a), Some(b)) => format!(
                "{}q moved from oneof {} to oneof {}.",
                new.description(),
                go_quote(a),
                go_quote(b)
            ),
            (Some(_), None) => format!(
                "{} moved from inside to outside a oneof.",
                new.description()
            ),
            (None, Some(_)) => format!(
                "{} moved from outside to inside a oneof.",
                new.description()
            ),
        };
        sink.report(new.location(), Some(old.location()), message);
    });
}

// ---------------------------------------------------------------------------------------
// Defaults

/// A default value as buf compares it: strings and bytes by content, everything else as
/// a number (bool and enum included).
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Bytes(Vec<u8>, bool),
    Int(i128),
    F32(f32),
    F64(f64),
    Bool(bool),
    /// An enum value number, printed as `Enum.VALUE`.
    Enum(i32, String),
}

impl Value {
    fn is_zero(&self) -> bool {
        match self {
            Value::Bytes(b, _) => b.is_empty(),
            Value::Int(i) => *i == 0,
            // Go's reflect zero check is on the bits: -0.0 is not zero.
            Value::F32(f) => f.to_bits() == 0,
            Value::F64(f) => f.to_bits() == 0,
            Value::Bool(b) => !*b,
            Value::Enum(n, _) => *n == 0,
        }
    }

    fn printable(&self) -> String {
        match self {
            Value::Bytes(b, true) => go_quote_bytes(b),
            Value::Bytes(b, false) => {
                let hex: Vec<String> = b.iter().map(|x| format!("0x{x:X}")).collect();
                format!("[{}]", hex.join(","))
            }
            Value::Int(i) => i.to_string(),
            Value::F32(f) => go_float(*f as f64, true),
            Value::F64(f) => go_float(*f, false),
            Value::Bool(b) => b.to_string(),
            Value::Enum(_, p) => p.clone(),
        }
    }

    fn as_float(&self) -> Option<f64> {
        match self {
            Value::F32(f) => Some(*f as f64),
            Value::F64(f) => Some(*f),
            _ => None,
        }
    }

    fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i128),
            Value::Enum(n, _) => Some(*n as i128),
            _ => None,
        }
    }
}

/// buf's leniency: a type change is FIELD_SAME_TYPE's business, so numbers compare by value
/// across kinds, and a float/double switch compares at float precision.
fn defaults_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bytes(x, _), Value::Bytes(y, _)) => x == y,
        (Value::Bytes(..), _) | (_, Value::Bytes(..)) => false,
        (Value::F32(x), Value::F64(y)) | (Value::F64(y), Value::F32(x)) => {
            (x.is_nan() && y.is_nan()) || *x == *y as f32
        }
        _ => match (a.as_float(), b.as_float()) {
            (Some(x), Some(y)) => (x.is_nan() && y.is_nan()) || x == y,
            (Some(f), None) | (None, Some(f)) => {
                let i = a.as_int().or(b.as_int()).unwrap_or(0);
                !f.is_nan() && f.fract() == 0.0 && f.abs() < 1e38 && f as i128 == i
            }
            (None, None) => a.as_int() == b.as_int(),
        },
    }
}

fn float_literal(value: &OptionValue) -> Option<f64> {
    match value {
        OptionValue::Int(i) => Some(*i as f64),
        OptionValue::Float(f) => Some(*f),
        OptionValue::Ident(s) => {
            let (negative, word) = match s.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, s.as_str()),
            };
            let v = match word.to_ascii_lowercase().as_str() {
                "inf" | "infinity" => f64::INFINITY,
                "nan" => f64::NAN,
                _ => return None,
            };
            Some(if negative { -v } else { v })
        }
        _ => None,
    }
}

/// The field's default value (explicit, or the zero of its kind; an enum's first value),
/// or `None` when it cannot have one.
fn default_value<'a>(ctx_side: &Side<'a>, set: &'a ProtoSet, site: &Site<'a>) -> Option<Value> {
    if site.field.is_map || site.field.label == Some(Label::Repeated) {
        return None;
    }
    let explicit = site.field.option("default").map(|d| &d.value);
    Some(match site.kind {
        Kind::Message | Kind::Group => return None,
        Kind::Enum => {
            let e = find_enum(ctx_side, set, site.type_name())?;
            let number = match explicit {
                Some(OptionValue::Ident(name)) => e.values.iter().find(|v| &v.name == name)?.number,
                _ => e.values.first()?.number,
            };
            let value = e.values.iter().find(|v| v.number == number)?;
            Value::Enum(number, format!("{}.{}", e.name, value.name))
        }
        Kind::Scalar(s) => {
            use Scalar::*;
            match s {
                String | Bytes => {
                    let bytes = match explicit {
                        Some(OptionValue::Str(b)) => b.clone(),
                        _ => Vec::new(),
                    };
                    Value::Bytes(bytes, s == String)
                }
                Bool => Value::Bool(match explicit {
                    Some(OptionValue::Bool(b)) => *b,
                    Some(OptionValue::Ident(w)) => w == "true",
                    _ => false,
                }),
                Float => Value::F32(explicit.and_then(float_literal).unwrap_or(0.0) as f32),
                Double => Value::F64(explicit.and_then(float_literal).unwrap_or(0.0)),
                _ => Value::Int(match explicit {
                    Some(OptionValue::Int(i)) => *i,
                    _ => 0,
                }),
            }
        }
    })
}

fn field_same_default(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        let (Some(was), Some(is)) = (
            default_value(&ctx.old, ctx.old_set, old),
            default_value(&ctx.new, ctx.new_set, new),
        ) else {
            return;
        };
        if was.is_zero() && is.is_zero() {
            return;
        }
        if !defaults_equal(&was, &is) {
            sink.report(
                new.option_or_field(new.own_option("default")),
                Some(old.option_or_field(old.own_option("default"))),
                format!(
                    "{} changed default value from {} to {}.",
                    new.description(),
                    was.printable(),
                    is.printable()
                ),
            );
        }
    });
}

// ---------------------------------------------------------------------------------------
// Per-language options and features

fn is_string_or_bytes(kind: Kind) -> bool {
    matches!(kind, Kind::Scalar(Scalar::String | Scalar::Bytes))
}

/// The C++ string type and whether it is the legacy `STRING_PIECE` (an alias of STRING in
/// the features world). Before edition 2024 the `ctype` option wins when set.
fn cpp_string_type<'a>(site: &Site<'a>) -> (&'a str, bool) {
    if site.levels.edition < Edition::E2024 {
        if let Some(OptionValue::Ident(ctype)) = site.field.option("ctype").map(|d| &d.value) {
            match ctype.as_str() {
                "CORD" => return ("CORD", false),
                "STRING_PIECE" => return ("STRING", true),
                "STRING" => return ("STRING", false),
                _ if !site.levels.edition.is_editions() => return ("STRING", false),
                _ => {}
            }
        }
    }
    (site.levels.custom(CustomFeature::CppStringType), false)
}

fn cpp_string_type_location(site: &Site) -> Location {
    let decl = site
        .own_option("ctype")
        .or_else(|| site.levels.own_custom_decl(CustomFeature::CppStringType));
    site.option_or_field(decl)
}

fn field_same_cpp_string_type(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if old.in_map_entry() && new.in_map_entry() {
            // Map keys and values cannot choose a string type.
            return;
        }
        if !is_string_or_bytes(old.kind) || !is_string_or_bytes(new.kind) {
            return;
        }
        let (was, was_piece) = cpp_string_type(old);
        let (is, is_piece) = cpp_string_type(new);
        // Leaving STRING_PIECE for STRING keeps the same representation.
        if (was == is && was_piece == is_piece) || (was_piece && is == "STRING") {
            return;
        }
        let show = |t: &str, piece: bool| go_quote(if piece { "STRING_PIECE" } else { t });
        sink.report(
            cpp_string_type_location(new),
            Some(cpp_string_type_location(old)),
            format!(
                "{} changed C++ string type from {} to {}.",
                new.description(),
                show(was, was_piece),
                show(is, is_piece)
            ),
        );
    });
}

fn java_string_check_utf8(file: &SourceProto) -> Option<&OptionDecl> {
    file.ast
        .options
        .iter()
        .rev()
        .find(|o| o.is_named("java_string_check_utf8"))
}

fn is_true(value: &OptionValue) -> bool {
    matches!(value, OptionValue::Bool(true))
        || matches!(value, OptionValue::Ident(w) if w == "true")
}

/// Whether generated Java checks UTF-8: the `java_string_check_utf8` file option (always
/// for proto2/proto3, and in editions when set), else `(pb.java).utf8_validation`, on top
/// of the standard `utf8_validation`.
fn java_utf8_validation<'a>(site: &Site<'a>) -> &'a str {
    let standard = site.levels.feature(Feature::Utf8Validation);
    let file_option = java_string_check_utf8(site.file);
    if !site.levels.edition.is_editions() || file_option.is_some() {
        if file_option.is_some_and(|o| is_true(&o.value)) {
            return "VERIFY";
        }
        return standard;
    }
    if site.levels.custom(CustomFeature::JavaUtf8Validation) == "VERIFY" {
        return "VERIFY";
    }
    standard
}

fn java_utf8_location(site: &Site) -> Location {
    if let Some(decl) = java_string_check_utf8(site.file) {
        return site.file.location(decl.span);
    }
    site.option_or_field(
        site.levels
            .own_custom_decl(CustomFeature::JavaUtf8Validation),
    )
}

fn field_same_java_utf8_validation(ctx: &Ctx, sink: &mut Sink) {
    let string = Kind::Scalar(Scalar::String);
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if old.kind != string || new.kind != string {
            return;
        }
        let (was, is) = (java_utf8_validation(old), java_utf8_validation(new));
        if was != is {
            sink.report(
                java_utf8_location(new),
                Some(java_utf8_location(old)),
                format!(
                    "{} changed Java string UTF8 validation from {} to {}.",
                    new.description(),
                    go_quote(was),
                    go_quote(is)
                ),
            );
        }
    });
}

fn is_64_bit_integer(kind: Kind) -> bool {
    use Scalar::*;
    matches!(
        kind,
        Kind::Scalar(Int64 | Sint64 | Uint64 | Fixed64 | Sfixed64)
    )
}

fn jstype<'a>(site: &Site<'a>) -> &'a str {
    match site.field.option("jstype").map(|d| &d.value) {
        Some(OptionValue::Ident(v)) => v,
        _ => "JS_NORMAL",
    }
}

fn field_same_jstype(ctx: &Ctx, sink: &mut Sink) {
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if !is_64_bit_integer(old.kind) || !is_64_bit_integer(new.kind) {
            return;
        }
        let (was, is) = (jstype(old), jstype(new));
        if was != is {
            sink.report(
                new.option_or_field(new.own_option("jstype")),
                Some(old.option_or_field(old.own_option("jstype"))),
                format!(
                    "{} changed option \"jstype\" from {} to {}.",
                    new.description(),
                    go_quote(was),
                    go_quote(is)
                ),
            );
        }
    });
}

fn field_same_utf8_validation(ctx: &Ctx, sink: &mut Sink) {
    let string = Kind::Scalar(Scalar::String);
    for_each_field_pair(ctx, sink, |old, new, sink| {
        if old.kind != string || new.kind != string {
            return;
        }
        let was = old.levels.feature(Feature::Utf8Validation);
        let is = new.levels.feature(Feature::Utf8Validation);
        if was != is {
            let at =
                |s: &Site| s.option_or_field(s.levels.own_feature_decl(Feature::Utf8Validation));
            sink.report(
                at(new),
                Some(at(old)),
                format!(
                    "{} changed UTF8 validation from {was} to {is}.",
                    new.description()
                ),
            );
        }
    });
}

// ---------------------------------------------------------------------------------------
// Messages

const REQUIRED_NOTE: &str = "Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.";

fn message_same_required_fields(ctx: &Ctx, sink: &mut Sink) {
    // buf reads the label as written: editions' LEGACY_REQUIRED fields keep the optional
    // label in the descriptor, so they do not count here.
    let required = |m: &MessageRef| -> Vec<i32> {
        m.message
            .fields
            .iter()
            .filter(|f| f.label == Some(Label::Required))
            .map(|f| f.number)
            .collect()
    };
    for (old_m, new_m) in ctx.message_pairs() {
        let (was, is) = (required(old_m), required(new_m));
        for number in was.iter().filter(|n| !is.contains(n)) {
            sink.report(
                message_location(&ctx.new, new_m),
                Some(message_location(&ctx.old, old_m)),
                format!(
                    "Message {} had required field \"{number}\" deleted. {REQUIRED_NOTE}",
                    go_quote(&old_m.message.name)
                ),
            );
        }
        for field in new_m.message.fields.iter() {
            if field.label == Some(Label::Required) && !was.contains(&field.number) {
                sink.report(
                    new_m.file.location(field.span),
                    None,
                    format!(
                        "Message {} had required field \"{}\" added. {REQUIRED_NOTE}",
                        go_quote(&new_m.message.name),
                        field.number
                    ),
                );
            }
        }
    }
}

fn message_same_json_format(ctx: &Ctx, sink: &mut Sink) {
    for (old_m, new_m) in ctx.message_pairs() {
        let old_levels = message_levels(&ctx.old, old_m);
        let new_levels = message_levels(&ctx.new, new_m);
        let was = old_levels.feature(Feature::JsonFormat);
        let is = new_levels.feature(Feature::JsonFormat);
        if was == "ALLOW" && is != "ALLOW" {
            fn at<'a>(side: &Side<'a>, m: &MessageRef<'a>, levels: &Levels) -> Location {
                match levels.own_feature_decl(Feature::JsonFormat) {
                    Some(d) if !m.message.is_map_entry => m.file.location(d.span),
                    _ => message_location(side, m),
                }
            }
            sink.report(
                at(&ctx.new, new_m, &new_levels),
                Some(at(&ctx.old, old_m, &old_levels)),
                format!(
                    "Message {} JSON format support changed from {was} to {is}.",
                    go_quote(&new_m.message.name)
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Go's float formatting, which buf's messages use

/// Go's `%v` for a float32 or float64: the shortest digits that round-trip, in `%e` form
/// when the decimal exponent is below -4 or at least 6 (strconv's rule for shortest `%g`).
fn go_float(v: f64, is_f32: bool) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sci = if is_f32 {
        format!("{:e}", v as f32)
    } else {
        format!("{v:e}")
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if digits == "0" {
        return format!("{sign}0");
    }
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{rest}e{exp_sign}{:02}", exp.abs());
    }
    // Plain decimal: the point goes after `exp + 1` digits.
    let point = exp + 1;
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        assert_eq!(go_float(0.0, false), "0");
        assert_eq!(go_float(123.0, false), "123");
        assert_eq!(go_float(0.1020304, false), "0.1020304");
        assert_eq!(go_float(1e6, false), "1e+06");
        assert_eq!(go_float(123456.0, false), "123456");
        assert_eq!(go_float(1234567.0, false), "1.234567e+06");
        assert_eq!(go_float(0.0001, false), "0.0001");
        assert_eq!(go_float(0.00001, false), "1e-05");
        assert_eq!(go_float(-2.5, false), "-2.5");
        assert_eq!(go_float(0.1f32 as f64, true), "0.1");
        assert_eq!(go_float(f64::NEG_INFINITY, false), "-Inf");
        assert_eq!(go_float(1e100, false), "1e+100");
    }

    #[test]
    fn defaults_compare_leniently() {
        assert!(defaults_equal(&Value::Int(123), &Value::F64(123.0)));
        assert!(defaults_equal(&Value::F32(0.1), &Value::F64(0.1)));
        assert!(!defaults_equal(&Value::F64(0.1), &Value::F64(0.2)));
        assert!(defaults_equal(&Value::Bool(true), &Value::Int(1)));
        assert!(defaults_equal(&Value::F64(f64::NAN), &Value::F32(f32::NAN)));
        assert!(!defaults_equal(
            &Value::Bytes(b"1".to_vec(), true),
            &Value::Int(1)
        ));
        assert!(defaults_equal(
            &Value::Bytes(b"abc".to_vec(), true),
            &Value::Bytes(b"abc".to_vec(), false)
        ));
    }
}
