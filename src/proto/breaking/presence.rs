//! What a field or type *is* once syntax and editions features are taken into account:
//! its kind (a delimited message is a group), its cardinality (presence, required, map),
//! and the resolved value of any feature (`features.utf8_validation`, `(pb.cpp).string_type`...).
//!
//! buf reads these from protobuf-go descriptors built from the compiled image, and resolves
//! features by walking the element, its enclosing messages, then the file, falling back to
//! the edition's defaults. proto2 and proto3 files cannot set features, so only their
//! defaults count. We follow the same walk over the syntax tree.

use crate::proto::ast::{
    Field, FieldType, Label, OptionDecl, OptionValue, ProtoFile, RefKind, Scalar, Syntax,
};

/// The feature defaults a file gets from its `syntax` or `edition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    Proto2,
    Proto3,
    E2023,
    /// 2024 and later.
    E2024,
}

impl Edition {
    pub fn of(file: &ProtoFile) -> Edition {
        match &file.syntax {
            Syntax::Proto2 => Edition::Proto2,
            Syntax::Proto3 => Edition::Proto3,
            Syntax::Editions(e) if e == "2023" => Edition::E2023,
            Syntax::Editions(_) => Edition::E2024,
        }
    }

    pub fn is_editions(self) -> bool {
        matches!(self, Edition::E2023 | Edition::E2024)
    }
}

/// The standard features of `google.protobuf.FeatureSet` the breaking rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    FieldPresence,
    EnumType,
    Utf8Validation,
    MessageEncoding,
    JsonFormat,
}

impl Feature {
    fn name(self) -> &'static str {
        match self {
            Feature::FieldPresence => "field_presence",
            Feature::EnumType => "enum_type",
            Feature::Utf8Validation => "utf8_validation",
            Feature::MessageEncoding => "message_encoding",
            Feature::JsonFormat => "json_format",
        }
    }

    fn default_for(self, edition: Edition) -> &'static str {
        use Edition::*;
        match (self, edition) {
            (Feature::FieldPresence, Proto3) => "IMPLICIT",
            (Feature::FieldPresence, _) => "EXPLICIT",
            (Feature::EnumType, Proto2) => "CLOSED",
            (Feature::EnumType, _) => "OPEN",
            (Feature::Utf8Validation, Proto2) => "NONE",
            (Feature::Utf8Validation, _) => "VERIFY",
            (Feature::MessageEncoding, _) => "LENGTH_PREFIXED",
            (Feature::JsonFormat, Proto2) => "LEGACY_BEST_EFFORT",
            (Feature::JsonFormat, _) => "ALLOW",
        }
    }
}

/// Language features that live in an extension of `FeatureSet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomFeature {
    /// `features.(pb.cpp).string_type`
    CppStringType,
    /// `features.(pb.java).utf8_validation`
    JavaUtf8Validation,
}

impl CustomFeature {
    fn extension(self) -> &'static str {
        match self {
            CustomFeature::CppStringType => "pb.cpp",
            CustomFeature::JavaUtf8Validation => "pb.java",
        }
    }

    fn name(self) -> &'static str {
        match self {
            CustomFeature::CppStringType => "string_type",
            CustomFeature::JavaUtf8Validation => "utf8_validation",
        }
    }

    fn default_for(self, edition: Edition) -> &'static str {
        match (self, edition) {
            (CustomFeature::CppStringType, Edition::E2024) => "VIEW",
            (CustomFeature::CppStringType, _) => "STRING",
            (CustomFeature::JavaUtf8Validation, _) => "DEFAULT",
        }
    }
}

/// One explicit feature setting found among an element's own options.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    pub value: &'a str,
    /// The option statement, when the setting is written as `features.x = V` (buf locates
    /// a changed feature there); `None` for the message-literal form `features = { x: V }`,
    /// whose sub-field buf has no location for.
    pub decl: Option<&'a OptionDecl>,
}

/// The dotted option name split into its plain and extension parts.
fn name_parts(decl: &OptionDecl) -> Vec<(&str, bool)> {
    let mut parts = Vec::new();
    for part in &decl.name {
        if part.is_extension {
            parts.push((part.name.trim_start_matches('.'), true));
        } else {
            parts.extend(part.name.split('.').map(|p| (p, false)));
        }
    }
    parts
}

fn ident(value: &OptionValue) -> Option<&str> {
    match value {
        OptionValue::Ident(s) => Some(s),
        _ => None,
    }
}

/// Follow `path` (plain field names, or `[ext]` names) into a message literal.
fn in_aggregate<'a>(value: &'a OptionValue, path: &[(&str, bool)]) -> Option<&'a OptionValue> {
    let Some(((first, is_ext), rest)) = path.split_first() else {
        return Some(value);
    };
    let OptionValue::Aggregate(fields) = value else {
        return None;
    };
    let found = fields.iter().rev().find(|f| {
        if *is_ext {
            f.name
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .is_some_and(|n| n.trim_start_matches('.') == *first)
        } else {
            f.name == *first
        }
    })?;
    in_aggregate(&found.value, rest)
}

/// The explicit setting of `features.<path>` among `options`, if any (the last one wins).
fn explicit<'a>(options: &'a [OptionDecl], path: &[(&str, bool)]) -> Option<Setting<'a>> {
    for decl in options.iter().rev() {
        let parts = name_parts(decl);
        let Some(((first, false), rest)) = parts.split_first() else {
            continue;
        };
        if *first != "features" || rest.len() > path.len() || path[..rest.len()] != rest[..] {
            continue;
        }
        let remaining = &path[rest.len()..];
        if remaining.is_empty() {
            if let Some(value) = ident(&decl.value) {
                return Some(Setting {
                    value,
                    decl: Some(decl),
                });
            }
        } else if let Some(value) = in_aggregate(&decl.value, remaining).and_then(ident) {
            return Some(Setting { value, decl: None });
        }
    }
    None
}

/// The options that can set features for one element, innermost first: the element's own,
/// those of each enclosing message, then the file's.
#[derive(Clone)]
pub struct Levels<'a> {
    pub edition: Edition,
    pub levels: Vec<&'a [OptionDecl]>,
}

impl<'a> Levels<'a> {
    /// The levels of an element of a file with `edition`, innermost first. proto2 and
    /// proto3 files cannot set features, so their levels are not even collected.
    pub fn new(edition: Edition, levels: impl IntoIterator<Item = &'a [OptionDecl]>) -> Levels<'a> {
        Levels {
            edition,
            levels: if edition.is_editions() {
                levels.into_iter().collect()
            } else {
                Vec::new()
            },
        }
    }

    /// A child element (a field, a nested enum) whose own options come first.
    pub fn child(&self, own: &'a [OptionDecl]) -> Levels<'a> {
        if !self.edition.is_editions() {
            return Levels {
                edition: self.edition,
                levels: Vec::new(),
            };
        }
        let mut levels = Vec::with_capacity(self.levels.len() + 1);
        levels.push(own);
        levels.extend_from_slice(&self.levels);
        Levels {
            edition: self.edition,
            levels,
        }
    }

    /// The element's own options.
    pub fn own(&self) -> &'a [OptionDecl] {
        self.levels.first().copied().unwrap_or(&[])
    }

    fn resolve_path(&self, path: &[(&str, bool)]) -> Option<&'a str> {
        if !self.edition.is_editions() {
            return None;
        }
        self.levels
            .iter()
            .find_map(|opts| explicit(opts, path))
            .map(|s| s.value)
    }

    /// The resolved value of a standard feature.
    pub fn feature(&self, feature: Feature) -> &'a str {
        self.resolve_path(&[(feature.name(), false)])
            .unwrap_or_else(|| feature.default_for(self.edition))
    }

    /// The resolved value of a language feature.
    pub fn custom(&self, feature: CustomFeature) -> &'a str {
        self.resolve_path(&[(feature.extension(), true), (feature.name(), false)])
            .unwrap_or_else(|| feature.default_for(self.edition))
    }

    /// The element's own `features.<name> = V` statement, where buf reports a change.
    pub fn own_feature_decl(&self, feature: Feature) -> Option<&'a OptionDecl> {
        explicit(self.own(), &[(feature.name(), false)]).and_then(|s| s.decl)
    }

    pub fn own_custom_decl(&self, feature: CustomFeature) -> Option<&'a OptionDecl> {
        explicit(
            self.own(),
            &[(feature.extension(), true), (feature.name(), false)],
        )
        .and_then(|s| s.decl)
    }
}

/// A field's kind as protobuf-go reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scalar(Scalar),
    Enum,
    Message,
    /// A proto2 group, or an editions message field with delimited encoding.
    Group,
}

impl Kind {
    /// How buf names the kind in messages: a delimited message outside proto2 is not
    /// written as a group, so it is named for what it is.
    pub fn pretty(self, edition: Edition) -> &'static str {
        match self {
            Kind::Scalar(s) => s.keyword(),
            Kind::Enum => "enum",
            Kind::Message => "message",
            Kind::Group if edition == Edition::Proto2 => "group",
            Kind::Group => "message (delimited encoding)",
        }
    }

    pub fn is_named(self) -> bool {
        matches!(self, Kind::Enum | Kind::Message | Kind::Group)
    }
}

/// The kind of `field`; `levels` are the field's feature levels, `in_map_entry` whether the
/// field is the key or value of a map entry (maps are never delimited).
pub fn kind(field: &Field, levels: &Levels, in_map_entry: bool) -> Kind {
    match &field.ty {
        FieldType::Scalar(s) => Kind::Scalar(*s),
        FieldType::Named(t) => match t.kind {
            RefKind::Enum => Kind::Enum,
            _ if field.is_group => Kind::Group,
            _ if field.is_map || in_map_entry => Kind::Message,
            _ if levels.edition.is_editions()
                && levels.feature(Feature::MessageEncoding) == "DELIMITED" =>
            {
                Kind::Group
            }
            _ => Kind::Message,
        },
    }
}

/// buf's cardinality of a field, which folds presence into "optional".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    OptionalExplicit,
    OptionalImplicit,
    Required,
    Repeated,
    Map,
}

impl Cardinality {
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::OptionalExplicit => "optional with explicit presence",
            Cardinality::OptionalImplicit => "optional with implicit presence",
            Cardinality::Required => "required",
            Cardinality::Repeated => "repeated",
            Cardinality::Map => "map",
        }
    }

    /// Cardinalities that share a wire encoding: presence does not change the bytes, and
    /// a map is a repeated entry message on the wire.
    pub fn wire_group(self) -> u8 {
        match self {
            Cardinality::OptionalExplicit | Cardinality::OptionalImplicit => 1,
            Cardinality::Required => 2,
            Cardinality::Repeated | Cardinality::Map => 3,
        }
    }

    /// As `wire_group`, but maps and lists have different JSON forms.
    pub fn wire_json_group(self) -> u8 {
        match self {
            Cardinality::Map => 4,
            other => other.wire_group(),
        }
    }
}

/// Whether the field is written `required`, or (editions) resolves to
/// `field_presence = LEGACY_REQUIRED`.
pub fn is_required(field: &Field, levels: &Levels) -> bool {
    field.label == Some(Label::Required)
        || (levels.edition.is_editions()
            && field.label != Some(Label::Repeated)
            && !field.is_map
            && levels.feature(Feature::FieldPresence) == "LEGACY_REQUIRED")
}

/// The cardinality of `field` (`is_extension`: declared in an `extend` block;
/// `in_map_entry`: a map's key or value).
pub fn cardinality(
    field: &Field,
    levels: &Levels,
    kind: Kind,
    is_extension: bool,
    in_map_entry: bool,
) -> Cardinality {
    if field.is_map {
        return Cardinality::Map;
    }
    if field.label == Some(Label::Repeated) {
        return Cardinality::Repeated;
    }
    if is_required(field, levels) {
        return Cardinality::Required;
    }
    // proto3 `optional` is a field in a synthetic oneof: explicit presence. (The parser
    // labels map keys and values optional, but they are not written so.)
    let proto3_optional =
        levels.edition == Edition::Proto3 && field.label == Some(Label::Optional) && !in_map_entry;
    let present = is_extension
        || matches!(kind, Kind::Message | Kind::Group)
        || field.oneof.is_some()
        || proto3_optional
        || matches!(
            levels.feature(Feature::FieldPresence),
            "EXPLICIT" | "LEGACY_REQUIRED"
        );
    if present {
        Cardinality::OptionalExplicit
    } else {
        Cardinality::OptionalImplicit
    }
}

/// protoc's default JSON name: underscores dropped, the letter after each one upper-cased.
pub fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ast::{OptionNamePart, Span};

    fn decl(name: &[(&str, bool)], value: OptionValue) -> OptionDecl {
        OptionDecl {
            name: name
                .iter()
                .map(|(n, e)| OptionNamePart {
                    name: n.to_string(),
                    is_extension: *e,
                })
                .collect(),
            value,
            span: Span::default(),
            name_span: Span::default(),
            value_span: Span::default(),
        }
    }

    #[test]
    fn json_names_follow_protoc() {
        assert_eq!(default_json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(default_json_name("_foo"), "Foo");
        assert_eq!(default_json_name("foo__bar"), "fooBar");
        assert_eq!(default_json_name("FooBar"), "FooBar");
        assert_eq!(default_json_name("foo_"), "foo");
        assert_eq!(default_json_name("a_1b"), "a1b");
    }

    #[test]
    fn features_resolve_innermost_first_then_defaults() {
        let file = vec![decl(
            &[("features", false), ("utf8_validation", false)],
            OptionValue::Ident("NONE".into()),
        )];
        let field = vec![decl(
            &[("features", false)],
            OptionValue::Aggregate(vec![crate::proto::ast::AggregateField {
                name: "[pb.cpp]".into(),
                value: OptionValue::Aggregate(vec![crate::proto::ast::AggregateField {
                    name: "string_type".into(),
                    value: OptionValue::Ident("CORD".into()),
                    span: Span::default(),
                }]),
                span: Span::default(),
            }]),
        )];
        let file_levels = Levels {
            edition: Edition::E2023,
            levels: vec![&file],
        };
        let levels = file_levels.child(&field);
        assert_eq!(levels.feature(Feature::Utf8Validation), "NONE");
        assert_eq!(levels.feature(Feature::JsonFormat), "ALLOW");
        assert_eq!(levels.custom(CustomFeature::CppStringType), "CORD");
        assert!(levels
            .own_custom_decl(CustomFeature::CppStringType)
            .is_none());
        assert!(file_levels
            .own_feature_decl(Feature::Utf8Validation)
            .is_some());
        // proto2 and proto3 cannot set features: only defaults apply.
        let proto3 = Levels {
            edition: Edition::Proto3,
            levels: vec![&file],
        };
        assert_eq!(proto3.feature(Feature::Utf8Validation), "VERIFY");
    }
}
