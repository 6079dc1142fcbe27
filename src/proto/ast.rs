//! The syntax tree of one `.proto` file, as the parser produces it and the linker completes it.
//!
//! Spans are byte offsets into the file's text; `crate::span::LineIndex` turns them into
//! 1-based lines and columns. Every element a rule can report on keeps the span of its name
//! (what a diagnostic underlines) and of its whole declaration.

/// Spans are the crate's one position type; `ast::Span` stays a name for it, so one import
/// brings a rule what it needs from the tree.
pub use crate::span::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Syntax {
    Proto2,
    Proto3,
    /// `edition = "2023";` keeps the edition string as written.
    Editions(String),
}

impl Syntax {
    /// The value buf and protoc print for the file's syntax.
    pub fn as_str(&self) -> &str {
        match self {
            Syntax::Proto2 => "proto2",
            Syntax::Proto3 => "proto3",
            Syntax::Editions(_) => "editions",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProtoFile {
    /// Path relative to its import root, with `/` separators (`google/api/http.proto`).
    pub path: String,
    /// `Proto2` when the file has no `syntax` or `edition` statement, as protoc does.
    pub syntax: Syntax,
    /// Span of the whole `syntax = ...;` or `edition = ...;` statement.
    pub syntax_span: Option<Span>,
    pub package: Option<Package>,
    pub imports: Vec<Import>,
    pub options: Vec<OptionDecl>,
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    pub services: Vec<Service>,
    pub extends: Vec<Extend>,
    /// The leading comment of each token that has one, as (token start, comment span), in
    /// text order: a declaration's is that of its first token ([`ProtoFile::leading_comment`]).
    pub leading_comments: Vec<(u32, Span)>,
}

impl ProtoFile {
    /// The comment right above the declaration whose span is `decl`, as protoc attributes
    /// comments (a blank line in between, or a comment on the previous token's line, is not it).
    pub fn leading_comment(&self, decl: Span) -> Option<Span> {
        self.leading_comments
            .binary_search_by_key(&decl.start, |(at, _)| *at)
            .ok()
            .map(|i| self.leading_comments[i].1)
    }
}

#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    /// The dotted name.
    pub name_span: Span,
    /// `package a.b;` as a whole.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Default,
    Public,
    Weak,
    /// `import option "x.proto";` (editions 2024).
    Option,
}

#[derive(Debug, Clone)]
pub struct Import {
    pub path: String,
    pub kind: ImportKind,
    /// The whole statement.
    pub span: Span,
    /// The quoted path.
    pub path_span: Span,
}

/// One part of an option name: `(google.api.http)` is an extension part, `get` a plain one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionNamePart {
    /// As written, without parentheses; an extension name may start with `.`.
    pub name: String,
    pub is_extension: bool,
}

#[derive(Debug, Clone)]
pub struct OptionDecl {
    pub name: Vec<OptionNamePart>,
    pub value: OptionValue,
    /// `option x = y;` or, in compact options, `x = y`.
    pub span: Span,
    pub name_span: Span,
    pub value_span: Span,
}

impl OptionDecl {
    /// The name as written with parentheses, e.g. `(google.api.http).get` or `java_package`.
    pub fn name_string(&self) -> String {
        let mut out = String::new();
        for (i, part) in self.name.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            if part.is_extension {
                out.push('(');
                out.push_str(&part.name);
                out.push(')');
            } else {
                out.push_str(&part.name);
            }
        }
        out
    }

    /// Whether [`OptionDecl::name_string`] is `written`, without building it: option lookups
    /// run for every element of a tree.
    pub fn is_named(&self, written: &str) -> bool {
        let mut rest = written;
        for (i, part) in self.name.iter().enumerate() {
            let after_dot = if i == 0 {
                Some(rest)
            } else {
                rest.strip_prefix('.')
            };
            let after = after_dot.and_then(|r| match part.is_extension {
                true => (r.strip_prefix('('))
                    .and_then(|r| r.strip_prefix(part.name.as_str()))
                    .and_then(|r| r.strip_prefix(')')),
                false => r.strip_prefix(part.name.as_str()),
            });
            match after {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    Bool(bool),
    /// Integers keep their sign; `-5`, `0x1F`, `017` are decoded.
    Int(i128),
    Float(f64),
    /// `inf`, `-inf`, `nan` and other identifiers (enum values) stay identifiers.
    Ident(String),
    /// Adjacent string literals are concatenated; escapes are decoded to bytes.
    Str(Vec<u8>),
    /// A message literal `{ a: 1 b { c: "x" } [ext.name]: 2 }`.
    Aggregate(Vec<AggregateField>),
    /// A list `[1, 2]` inside a message literal.
    List(Vec<OptionValue>),
}

impl OptionValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            OptionValue::Str(bytes) => std::str::from_utf8(bytes).ok(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AggregateField {
    /// The field name; an extension or `Any` URL keeps its brackets: `[foo.bar]`.
    pub name: String,
    pub value: OptionValue,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub name: String,
    pub name_span: Span,
    /// The whole declaration, from `message` to the closing brace.
    pub span: Span,
    /// Fields in declaration order, including those inside oneofs (see `Field::oneof`)
    /// and the field a group declares.
    pub fields: Vec<Field>,
    pub oneofs: Vec<Oneof>,
    /// Nested messages, including the entry messages synthesized for map fields and the
    /// messages declared by groups, in declaration order.
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    pub extends: Vec<Extend>,
    pub extension_ranges: Vec<ExtensionRange>,
    pub reserved: Vec<Reserved>,
    pub options: Vec<OptionDecl>,
    /// Synthesized for a `map<K, V>` field: name `FooEntry`, fields `key = 1`, `value = 2`,
    /// both with `Label::Optional`, spans those of the map field.
    pub is_map_entry: bool,
    /// Declared by a `group` field.
    pub is_group: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    String,
    Bytes,
}

impl Scalar {
    pub fn from_keyword(word: &str) -> Option<Scalar> {
        Some(match word {
            "double" => Scalar::Double,
            "float" => Scalar::Float,
            "int32" => Scalar::Int32,
            "int64" => Scalar::Int64,
            "uint32" => Scalar::Uint32,
            "uint64" => Scalar::Uint64,
            "sint32" => Scalar::Sint32,
            "sint64" => Scalar::Sint64,
            "fixed32" => Scalar::Fixed32,
            "fixed64" => Scalar::Fixed64,
            "sfixed32" => Scalar::Sfixed32,
            "sfixed64" => Scalar::Sfixed64,
            "bool" => Scalar::Bool,
            "string" => Scalar::String,
            "bytes" => Scalar::Bytes,
            _ => return None,
        })
    }

    pub fn keyword(self) -> &'static str {
        match self {
            Scalar::Double => "double",
            Scalar::Float => "float",
            Scalar::Int32 => "int32",
            Scalar::Int64 => "int64",
            Scalar::Uint32 => "uint32",
            Scalar::Uint64 => "uint64",
            Scalar::Sint32 => "sint32",
            Scalar::Sint64 => "sint64",
            Scalar::Fixed32 => "fixed32",
            Scalar::Fixed64 => "fixed64",
            Scalar::Sfixed32 => "sfixed32",
            Scalar::Sfixed64 => "sfixed64",
            Scalar::Bool => "bool",
            Scalar::String => "string",
            Scalar::Bytes => "bytes",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefKind {
    /// Not linked yet.
    #[default]
    Unresolved,
    Message,
    Enum,
}

/// A reference to a message or enum by name, completed by the linker.
#[derive(Debug, Clone, Default)]
pub struct TypeRef {
    /// As written: `Foo`, `.pkg.Foo`, `google.protobuf.Timestamp`.
    pub written: String,
    pub span: Span,
    /// Fully-qualified name without the leading dot, empty until linked.
    pub resolved: String,
    pub kind: RefKind,
}

#[derive(Debug, Clone)]
pub enum FieldType {
    Scalar(Scalar),
    /// A message, an enum, a group's message or a map's entry message.
    Named(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub name_span: Span,
    pub number: i32,
    pub number_span: Span,
    /// As written; `None` when no label was given (proto3 implicit presence, editions,
    /// oneof members, map fields get `Some(Repeated)`).
    pub label: Option<Label>,
    pub label_span: Option<Span>,
    pub ty: FieldType,
    /// The type as written (`map<string, Foo>` for a map field, the group name for a group).
    pub ty_span: Span,
    /// Compact options `[default = 1, json_name = "x"]`, including `default` and `json_name`.
    pub options: Vec<OptionDecl>,
    /// Index into the containing message's `oneofs`.
    pub oneof: Option<usize>,
    /// The whole declaration, through the `;` (or the closing brace of a group).
    pub span: Span,
    pub is_map: bool,
    pub is_group: bool,
}

impl Field {
    pub fn option(&self, name: &str) -> Option<&OptionDecl> {
        self.options.iter().find(|o| o.is_named(name))
    }
}

#[derive(Debug, Clone)]
pub struct Oneof {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub options: Vec<OptionDecl>,
}

/// `extensions 100 to 199 [...];` or a single number; `end` is inclusive, `max` decoded.
#[derive(Debug, Clone)]
pub struct ExtensionRange {
    pub start: i32,
    pub end: i32,
    pub span: Span,
    pub options: Vec<OptionDecl>,
}

#[derive(Debug, Clone)]
pub struct ReservedRange {
    pub start: i32,
    /// Inclusive; `max` decoded (536870911 in a message, 2147483647 in an enum).
    pub end: i32,
    pub span: Span,
}

/// One `reserved` statement: numbers/ranges or names (editions write names as identifiers).
#[derive(Debug, Clone)]
pub struct Reserved {
    pub ranges: Vec<ReservedRange>,
    pub names: Vec<(String, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub values: Vec<EnumValue>,
    pub reserved: Vec<Reserved>,
    pub options: Vec<OptionDecl>,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub name: String,
    pub name_span: Span,
    pub number: i32,
    pub number_span: Span,
    pub options: Vec<OptionDecl>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub methods: Vec<Method>,
    pub options: Vec<OptionDecl>,
}

#[derive(Debug, Clone)]
pub struct Method {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub input: TypeRef,
    pub output: TypeRef,
    pub client_streaming: bool,
    pub server_streaming: bool,
    /// Options in the `{ option ...; }` body.
    pub options: Vec<OptionDecl>,
}

#[derive(Debug, Clone)]
pub struct Extend {
    pub extendee: TypeRef,
    pub span: Span,
    pub fields: Vec<Field>,
    /// Messages declared by groups inside the extend block; they belong to the scope that
    /// contains the `extend`.
    pub group_messages: Vec<Message>,
}

/// A syntax error with the span it points at.
///
/// Parser-internal, never shown as is: a byte span is not yet a line and column, so
/// `load::parse_one` turns it into the `InputError` at its file's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}
