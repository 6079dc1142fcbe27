//! Hand-written `.proto` parser (proto2, proto3, editions).
//!
//! Recursive descent over the tokens of [`super::lexer`]. Keywords are contextual, as in
//! protoc: a word starts a statement only where the tokens after it fit that statement, so
//! `message message {}`, `string option = 1;` or `optional foo = 1;` (type `optional`) parse.
//! The first error ends parsing. Nesting is capped so adversarial input cannot overflow the
//! stack, and every loop consumes a token or exits.

use super::ast::{
    AggregateField, Enum, EnumValue, Extend, ExtensionRange, Field, FieldType, Import, ImportKind,
    Label, Message, Method, Oneof, OptionDecl, OptionNamePart, OptionValue, Package, ParseError,
    ProtoFile, Reserved, ReservedRange, Scalar, Service, Span, Syntax, TypeRef,
};
use super::lexer::{self, Tok, TokKind};

/// Deepest nesting of messages (including groups) and message literals, counted together.
const MAX_DEPTH: u32 = 256;
/// `max` in a message's reserved or extension range.
const FIELD_MAX: i32 = 536_870_911;
/// `max` in an enum's reserved range.
const ENUM_MAX: i32 = i32::MAX;

/// Parses one file. `path` is stored as given in `ProtoFile::path`.
pub fn parse(path: &str, src: &str) -> Result<ProtoFile, ParseError> {
    if src.len() >= u32::MAX as usize {
        return Err(ParseError {
            message: "file is too large (4 GiB or more)".into(),
            span: Span::default(),
        });
    }
    let lexed = lexer::lex(src);
    let mut parser = Parser {
        src,
        toks: lexed.toks,
        pos: 0,
        lex_error: lexed.error,
        depth: 0,
    };
    parser.file(path)
}

type PResult<T> = Result<T, ParseError>;

/// Where a field is declared; decides which labels and field kinds are allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldCtx {
    Message,
    Oneof(usize),
    Extend,
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    pos: usize,
    lex_error: Option<ParseError>,
    depth: u32,
}

fn span(start: u32, end: u32) -> Span {
    Span { start, end }
}

fn new_message(name: &str, name_span: Span) -> Message {
    Message {
        name: name.to_string(),
        name_span,
        span: name_span,
        fields: Vec::new(),
        oneofs: Vec::new(),
        messages: Vec::new(),
        enums: Vec::new(),
        extends: Vec::new(),
        extension_ranges: Vec::new(),
        reserved: Vec::new(),
        options: Vec::new(),
        is_map_entry: false,
        is_group: false,
    }
}

/// protoc's entry name for a map field: `foo_bar` -> `FooBarEntry`.
fn map_entry_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 5);
    let mut cap_next = true;
    for c in field.chars() {
        if c == '_' {
            cap_next = true;
        } else if cap_next {
            out.push(c.to_ascii_uppercase());
            cap_next = false;
        } else {
            out.push(c);
        }
    }
    out.push_str("Entry");
    out
}

impl<'a> Parser<'a> {
    // ---- token access ----

    fn nth(&self, n: usize) -> Tok {
        // `toks` ends with Eof/Error, which acts as an infinite tail.
        let last = self.toks.len() - 1;
        self.toks[(self.pos + n).min(last)]
    }

    fn peek(&self) -> Tok {
        self.nth(0)
    }

    fn bump(&mut self) -> Tok {
        let t = self.peek();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn text(&self, t: Tok) -> &'a str {
        &self.src[t.start as usize..t.end as usize]
    }

    fn is_sym(&self, n: usize, c: u8) -> bool {
        self.nth(n).kind == TokKind::Sym(c)
    }

    fn is_ident(&self, n: usize) -> bool {
        self.nth(n).kind == TokKind::Ident
    }

    fn is_word(&self, n: usize, word: &str) -> bool {
        let t = self.nth(n);
        t.kind == TokKind::Ident && self.text(t) == word
    }

    // ---- errors ----

    fn error(&self, t: Tok, message: impl Into<String>) -> ParseError {
        if t.kind == TokKind::Error {
            if let Some(e) = &self.lex_error {
                return e.clone();
            }
        }
        ParseError {
            message: message.into(),
            span: t.span(),
        }
    }

    fn describe(&self, t: Tok) -> String {
        match t.kind {
            TokKind::Eof => "end of file".into(),
            TokKind::Str => {
                let text = self.text(t);
                match text.char_indices().nth(30) {
                    Some((cut, _)) => format!("string {}...", &text[..cut]),
                    None => format!("string {text}"),
                }
            }
            _ => {
                let text = self.text(t);
                match text.char_indices().nth(30) {
                    Some((cut, _)) => format!("'{}...'", &text[..cut]),
                    None => format!("'{text}'"),
                }
            }
        }
    }

    /// `expected {what}, found {token}` at the current token.
    fn unexpected(&self, what: &str) -> ParseError {
        let t = self.peek();
        self.error(t, format!("expected {what}, found {}", self.describe(t)))
    }

    fn expect_sym(&mut self, c: u8, context: &str) -> PResult<Tok> {
        if self.is_sym(0, c) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(&format!("'{}' {context}", c as char)))
        }
    }

    fn ident(&mut self, what: &str) -> PResult<(&'a str, Span)> {
        let t = self.peek();
        if t.kind == TokKind::Ident {
            self.bump();
            Ok((self.text(t), t.span()))
        } else {
            Err(self.unexpected(what))
        }
    }

    /// Enters one level of nesting at token `at`.
    fn enter(&mut self, at: Tok) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(at, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    // ---- shared pieces ----

    /// One or more adjacent string literals, concatenated and decoded.
    fn string_value(&mut self, what: &str) -> PResult<(Vec<u8>, Span)> {
        let first = self.peek();
        if first.kind != TokKind::Str {
            return Err(self.unexpected(what));
        }
        let mut bytes = Vec::new();
        let mut end = first.end;
        while self.peek().kind == TokKind::Str {
            let t = self.bump();
            if let Err(e) = lexer::decode_string(self.text(t), &mut bytes) {
                return Err(ParseError {
                    message: e.message,
                    span: Span::new(t.start as usize + e.start, t.start as usize + e.end),
                });
            }
            end = t.end;
        }
        Ok((bytes, span(first.start, end)))
    }

    fn string_text(&mut self, what: &str) -> PResult<(String, Span)> {
        let (bytes, sp) = self.string_value(what)?;
        let text = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Ok((text, sp))
    }

    /// `Foo`, `a.b.Foo` or `.a.b.Foo`, as written (whitespace between parts dropped).
    fn type_name(&mut self, what: &str) -> PResult<TypeRef> {
        let first = self.peek();
        let mut contiguous = true;
        let mut prev_end = first.start;
        let mut owned = String::new();
        let mut push = |p: &Self, t: Tok, owned: &mut String, contiguous: &mut bool| {
            if t.start != prev_end && *contiguous {
                *contiguous = false;
                owned.push_str(&p.src[first.start as usize..prev_end as usize]);
            }
            if !*contiguous {
                owned.push_str(p.text(t));
            }
            prev_end = t.end;
        };
        if self.is_sym(0, b'.') {
            let t = self.bump();
            push(self, t, &mut owned, &mut contiguous);
        }
        if !self.is_ident(0) {
            return Err(self.unexpected(what));
        }
        let t = self.bump();
        push(self, t, &mut owned, &mut contiguous);
        while self.is_sym(0, b'.') {
            let dot = self.bump();
            push(self, dot, &mut owned, &mut contiguous);
            if !self.is_ident(0) {
                return Err(self.unexpected("identifier after '.' in type name"));
            }
            let t = self.bump();
            push(self, t, &mut owned, &mut contiguous);
        }
        let written = if contiguous {
            self.src[first.start as usize..prev_end as usize].to_string()
        } else {
            owned
        };
        Ok(TypeRef {
            written,
            span: span(first.start, prev_end),
            ..TypeRef::default()
        })
    }

    /// A field or enum number: an integer token that fits in an `i32`, optionally negated.
    fn int32(&mut self, what: &str, allow_negative: bool) -> PResult<(i32, Span)> {
        let first = self.peek();
        let negative = allow_negative && self.is_sym(0, b'-');
        if negative {
            self.bump();
        }
        let t = self.peek();
        if t.kind != TokKind::Int {
            return Err(self.unexpected(what));
        }
        self.bump();
        let sp = span(first.start, t.end);
        let value = lexer::int_value(self.text(t))
            .map(|v| if negative { -(v as i128) } else { v as i128 })
            .and_then(|v| i32::try_from(v).ok());
        match value {
            Some(v) => Ok((v, sp)),
            None => Err(ParseError {
                message: format!(
                    "{what} {} is out of range",
                    &self.src[sp.start as usize..sp.end as usize]
                ),
                span: sp,
            }),
        }
    }

    // ---- options ----

    /// `java_package`, `(google.api.http).get`, `(.a.b).c.(d.e)`.
    fn option_name(&mut self) -> PResult<(Vec<OptionNamePart>, Span)> {
        let start = self.peek().start;
        let mut end;
        let mut parts = Vec::new();
        loop {
            let t = self.peek();
            if t.kind == TokKind::Sym(b'(') {
                self.bump();
                let ty = self.type_name("extension name after '('")?;
                let close = self.expect_sym(b')', "after extension name")?;
                end = close.end;
                parts.push(OptionNamePart {
                    name: ty.written,
                    is_extension: true,
                });
            } else if t.kind == TokKind::Ident {
                self.bump();
                end = t.end;
                parts.push(OptionNamePart {
                    name: self.text(t).to_string(),
                    is_extension: false,
                });
            } else {
                return Err(self.unexpected("option name"));
            }
            if !self.is_sym(0, b'.') {
                break;
            }
            self.bump();
        }
        Ok((parts, span(start, end)))
    }

    /// `option name = value;` starting at the `option` keyword.
    fn option_stmt(&mut self) -> PResult<OptionDecl> {
        let kw = self.bump();
        let (name, name_span) = self.option_name()?;
        self.expect_sym(b'=', "after option name")?;
        let (value, value_span) = self.option_value()?;
        let semi = self.expect_sym(b';', "after option value")?;
        Ok(OptionDecl {
            name,
            value,
            span: span(kw.start, semi.end),
            name_span,
            value_span,
        })
    }

    /// `[a = 1, (b).c = "x"]` starting at `[`.
    fn compact_options(&mut self) -> PResult<Vec<OptionDecl>> {
        self.bump();
        let mut out = Vec::new();
        loop {
            let (name, name_span) = self.option_name()?;
            self.expect_sym(b'=', "after option name")?;
            let (value, value_span) = self.option_value()?;
            out.push(OptionDecl {
                name,
                value,
                span: span(name_span.start, value_span.end),
                name_span,
                value_span,
            });
            if self.is_sym(0, b',') {
                self.bump();
            } else if self.is_sym(0, b']') {
                self.bump();
                return Ok(out);
            } else {
                return Err(self.unexpected("',' or ']' after option value"));
            }
        }
    }

    fn option_value(&mut self) -> PResult<(OptionValue, Span)> {
        if self.is_sym(0, b'{') {
            let (fields, sp) = self.aggregate()?;
            return Ok((OptionValue::Aggregate(fields), sp));
        }
        self.scalar_value("option value")
    }

    /// A number, identifier or string, as allowed both after `option x =` and in literals.
    fn scalar_value(&mut self, what: &str) -> PResult<(OptionValue, Span)> {
        let first = self.peek();
        match first.kind {
            TokKind::Str => {
                let (bytes, sp) = self.string_value(what)?;
                Ok((OptionValue::Str(bytes), sp))
            }
            TokKind::Ident => {
                self.bump();
                let value = match self.text(first) {
                    "true" => OptionValue::Bool(true),
                    "false" => OptionValue::Bool(false),
                    word => OptionValue::Ident(word.to_string()),
                };
                Ok((value, first.span()))
            }
            TokKind::Sym(b'-') => {
                self.bump();
                let t = self.peek();
                let sp = span(first.start, t.end);
                match t.kind {
                    TokKind::Int | TokKind::Float => {
                        self.bump();
                        Ok((self.number_value(t, true), sp))
                    }
                    TokKind::Ident
                        if matches!(
                            self.text(t).to_ascii_lowercase().as_str(),
                            "inf" | "infinity" | "nan"
                        ) =>
                    {
                        self.bump();
                        Ok((OptionValue::Ident(format!("-{}", self.text(t))), sp))
                    }
                    _ => Err(self.unexpected("number after '-'")),
                }
            }
            TokKind::Int | TokKind::Float => {
                self.bump();
                Ok((self.number_value(first, false), first.span()))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn number_value(&self, t: Tok, negative: bool) -> OptionValue {
        let text = self.text(t);
        if t.kind == TokKind::Int {
            if let Some(v) = lexer::int_value(text) {
                let v = i128::from(v);
                return OptionValue::Int(if negative { -v } else { v });
            }
            if !lexer::is_decimal(text) {
                // Hex/octal beyond u64: protoc rejects these, but a value is still needed;
                // saturate rather than fail, the value is never used for wire encoding.
                return OptionValue::Int(if negative {
                    -i128::from(u64::MAX)
                } else {
                    i128::from(u64::MAX)
                });
            }
        }
        // Decimal integers beyond u64 are read as floats, as protoc does.
        let v: f64 = text.parse().unwrap_or(f64::NAN);
        OptionValue::Float(if negative { -v } else { v })
    }

    /// A message literal `{ ... }` or `< ... >` in text format, starting at the open brace.
    fn aggregate(&mut self) -> PResult<(Vec<AggregateField>, Span)> {
        let open = self.bump();
        let close = if open.kind == TokKind::Sym(b'<') {
            b'>'
        } else {
            b'}'
        };
        self.enter(open)?;
        let mut fields = Vec::new();
        let end = loop {
            let t = self.peek();
            if t.kind == TokKind::Sym(close) {
                self.bump();
                break t.end;
            }
            let name = match t.kind {
                TokKind::Ident => {
                    self.bump();
                    self.text(t).to_string()
                }
                TokKind::Sym(b'[') => self.extension_field_name()?,
                _ => {
                    return Err(self.unexpected(&format!(
                        "field name or '{}' in message literal",
                        close as char
                    )))
                }
            };
            let colon = self.is_sym(0, b':');
            if colon {
                self.bump();
            }
            let (value, value_span) = match self.peek().kind {
                TokKind::Sym(b'{') | TokKind::Sym(b'<') => {
                    let (f, sp) = self.aggregate()?;
                    (OptionValue::Aggregate(f), sp)
                }
                TokKind::Sym(b'[') => self.list()?,
                _ if colon => self.scalar_value("value after ':'")?,
                _ => return Err(self.unexpected("':' after field name")),
            };
            fields.push(AggregateField {
                name,
                value,
                span: span(t.start, value_span.end),
            });
            if self.is_sym(0, b',') || self.is_sym(0, b';') {
                self.bump();
            }
        };
        self.depth -= 1;
        Ok((fields, span(open.start, end)))
    }

    /// `[foo.bar.ext]` or `[type.googleapis.com/pkg.Msg]`, kept with brackets.
    fn extension_field_name(&mut self) -> PResult<String> {
        self.bump();
        let mut name = String::from("[");
        // Alternating identifiers and separators; the name must end with an identifier.
        let mut want_ident = true;
        loop {
            let t = self.peek();
            match t.kind {
                TokKind::Ident if want_ident => want_ident = false,
                TokKind::Sym(b'.') | TokKind::Sym(b'/') if !want_ident => want_ident = true,
                TokKind::Sym(b']') if !want_ident => {
                    self.bump();
                    name.push(']');
                    return Ok(name);
                }
                _ if want_ident => return Err(self.unexpected("extension name")),
                _ => return Err(self.unexpected("']' after extension name")),
            }
            self.bump();
            name.push_str(self.text(t));
        }
    }

    /// `[1, 2]` or `[{...}, {...}]` inside a message literal.
    fn list(&mut self) -> PResult<(OptionValue, Span)> {
        let open = self.bump();
        let mut values = Vec::new();
        if self.is_sym(0, b']') {
            let close = self.bump();
            return Ok((OptionValue::List(values), span(open.start, close.end)));
        }
        loop {
            let value = match self.peek().kind {
                TokKind::Sym(b'{') | TokKind::Sym(b'<') => {
                    OptionValue::Aggregate(self.aggregate()?.0)
                }
                _ => self.scalar_value("list element")?.0,
            };
            values.push(value);
            if self.is_sym(0, b',') {
                self.bump();
            } else if self.is_sym(0, b']') {
                let close = self.bump();
                return Ok((OptionValue::List(values), span(open.start, close.end)));
            } else {
                return Err(self.unexpected("',' or ']' in list"));
            }
        }
    }

    // ---- file ----

    fn file(&mut self, path: &str) -> PResult<ProtoFile> {
        let mut file = ProtoFile {
            path: path.to_string(),
            syntax: Syntax::Proto2,
            syntax_span: None,
            package: None,
            imports: Vec::new(),
            options: Vec::new(),
            messages: Vec::new(),
            enums: Vec::new(),
            services: Vec::new(),
            extends: Vec::new(),
        };
        let mut first_statement = true;
        loop {
            let t = self.peek();
            match t.kind {
                TokKind::Eof => return Ok(file),
                TokKind::Sym(b';') => {
                    self.bump();
                    continue;
                }
                TokKind::Ident => {}
                _ => return Err(self.unexpected("a top-level declaration")),
            }
            match self.text(t) {
                "syntax" | "edition" if self.is_sym(1, b'=') => {
                    if !first_statement {
                        return Err(self.error(
                            t,
                            format!("'{}' must be the first statement in the file", self.text(t)),
                        ));
                    }
                    self.syntax_stmt(&mut file)?;
                }
                "package" => {
                    let pkg = self.package_stmt()?;
                    if file.package.is_some() {
                        return Err(ParseError {
                            message: "a file can have only one package statement".into(),
                            span: pkg.span,
                        });
                    }
                    file.package = Some(pkg);
                }
                "import" => {
                    let import = self.import_stmt()?;
                    file.imports.push(import);
                }
                "option" => {
                    let option = self.option_stmt()?;
                    file.options.push(option);
                }
                "message" => {
                    let message = self.message_decl()?;
                    file.messages.push(message);
                }
                "enum" => {
                    let e = self.enum_decl()?;
                    file.enums.push(e);
                }
                "export" | "local" if self.starts_visibility() => {
                    self.bump();
                    if self.is_word(0, "message") {
                        let mut message = self.message_decl()?;
                        message.span.start = t.start;
                        file.messages.push(message);
                    } else {
                        let mut e = self.enum_decl()?;
                        e.span.start = t.start;
                        file.enums.push(e);
                    }
                }
                "service" => {
                    let s = self.service_decl()?;
                    file.services.push(s);
                }
                "extend" => {
                    let e = self.extend_decl()?;
                    file.extends.push(e);
                }
                _ => {
                    return Err(self.unexpected(
                        "a top-level declaration (message, enum, service, extend, import, package or option)",
                    ))
                }
            }
            first_statement = false;
        }
    }

    fn syntax_stmt(&mut self, file: &mut ProtoFile) -> PResult<()> {
        let kw = self.bump();
        let is_edition = self.text(kw) == "edition";
        self.bump(); // '=', checked by the caller
        let (value, value_span) = self.string_text(if is_edition {
            "edition string such as \"2023\""
        } else {
            "syntax string \"proto2\" or \"proto3\""
        })?;
        let syntax = match (is_edition, value.as_str()) {
            (false, "proto2") => Syntax::Proto2,
            (false, "proto3") => Syntax::Proto3,
            // 2026 is protoc's newest (still experimental) edition; protobuf's own tree uses it.
            (true, "2023" | "2024" | "2026") => Syntax::Editions(value),
            (false, _) => {
                return Err(ParseError {
                    message: format!(
                        "unknown syntax {value:?} (expected \"proto2\" or \"proto3\")"
                    ),
                    span: value_span,
                })
            }
            (true, _) => {
                return Err(ParseError {
                    message: format!(
                        "unknown edition {value:?} (expected \"2023\", \"2024\" or \"2026\")"
                    ),
                    span: value_span,
                })
            }
        };
        let semi = self.expect_sym(
            b';',
            &format!("after {}", if is_edition { "edition" } else { "syntax" }),
        )?;
        file.syntax = syntax;
        file.syntax_span = Some(span(kw.start, semi.end));
        Ok(())
    }

    fn package_stmt(&mut self) -> PResult<Package> {
        let kw = self.bump();
        let (first, first_span) = self.ident("package name")?;
        let mut name = first.to_string();
        let mut end = first_span.end;
        while self.is_sym(0, b'.') {
            self.bump();
            let (part, part_span) = self.ident("identifier after '.' in package name")?;
            name.push('.');
            name.push_str(part);
            end = part_span.end;
        }
        let semi = self.expect_sym(b';', "after package name")?;
        Ok(Package {
            name,
            name_span: span(first_span.start, end),
            span: span(kw.start, semi.end),
        })
    }

    fn import_stmt(&mut self) -> PResult<Import> {
        let kw = self.bump();
        let mut kind = ImportKind::Default;
        if self.is_ident(0) && self.nth(1).kind == TokKind::Str {
            kind = match self.text(self.peek()) {
                "public" => ImportKind::Public,
                "weak" => ImportKind::Weak,
                "option" => ImportKind::Option,
                _ => return Err(self.unexpected("'public', 'weak', 'option' or the imported path")),
            };
            self.bump();
        }
        let (path, path_span) = self.string_text("imported file path")?;
        let semi = self.expect_sym(b';', "after import path")?;
        Ok(Import {
            path,
            kind,
            span: span(kw.start, semi.end),
            path_span,
        })
    }

    // ---- messages ----

    fn message_decl(&mut self) -> PResult<Message> {
        let kw = self.bump();
        let (name, name_span) = self.ident("message name")?;
        let open = self.expect_sym(b'{', "after message name")?;
        let mut message = new_message(name, name_span);
        self.enter(open)?;
        let end = self.message_body(&mut message)?;
        self.depth -= 1;
        message.span = span(kw.start, end);
        Ok(message)
    }

    /// Statements up to and including the closing `}`; returns the end offset of `}`.
    fn message_body(&mut self, msg: &mut Message) -> PResult<u32> {
        loop {
            let t = self.peek();
            match t.kind {
                TokKind::Sym(b'}') => {
                    self.bump();
                    return Ok(t.end);
                }
                TokKind::Sym(b';') => {
                    self.bump();
                    continue;
                }
                TokKind::Ident => {}
                TokKind::Sym(b'.') => {
                    self.message_field(msg, FieldCtx::Message)?;
                    continue;
                }
                _ => {
                    return Err(self.unexpected(&format!(
                        "a field, nested declaration or '}}' in message '{}'",
                        msg.name
                    )))
                }
            }
            let word = self.text(t);
            match word {
                "message" if self.starts_block() => {
                    let m = self.message_decl()?;
                    msg.messages.push(m);
                }
                "enum" if self.starts_block() => {
                    let e = self.enum_decl()?;
                    msg.enums.push(e);
                }
                "oneof" if self.starts_block() => self.oneof_decl(msg)?,
                "export" | "local" if self.starts_visibility() => {
                    self.bump();
                    if self.is_word(0, "message") {
                        let mut m = self.message_decl()?;
                        m.span.start = t.start;
                        msg.messages.push(m);
                    } else {
                        let mut e = self.enum_decl()?;
                        e.span.start = t.start;
                        msg.enums.push(e);
                    }
                }
                "extend" if self.starts_extend() => {
                    let e = self.extend_decl()?;
                    msg.extends.push(e);
                }
                "option" if self.is_ident(1) || self.is_sym(1, b'(') => {
                    let o = self.option_stmt()?;
                    msg.options.push(o);
                }
                "extensions" if self.nth(1).kind == TokKind::Int => self.extensions_stmt(msg)?,
                "reserved" if self.starts_reserved() => {
                    let r = self.reserved_stmt(false)?;
                    msg.reserved.push(r);
                }
                _ => self.message_field(msg, FieldCtx::Message)?,
            }
        }
    }

    /// `kw Name {`: a declaration rather than a field whose type is named like the keyword.
    fn starts_block(&self) -> bool {
        self.is_ident(1) && self.is_sym(2, b'{')
    }

    /// `export message Foo {` / `local enum Bar {` (edition 2024 symbol visibility, which
    /// the syntax tree does not record).
    fn starts_visibility(&self) -> bool {
        (self.is_word(1, "message") || self.is_word(1, "enum"))
            && self.is_ident(2)
            && self.is_sym(3, b'{')
    }

    /// `extend Foo {`, `extend a.b.Foo {`, `extend .a.Foo {` rather than `extend foo = 1;`.
    fn starts_extend(&self) -> bool {
        self.is_sym(1, b'.') || (self.is_ident(1) && !self.is_sym(2, b'='))
    }

    /// `reserved 1, 2;`, `reserved "a";`, `reserved a, b;` rather than `reserved foo = 1;`.
    fn starts_reserved(&self) -> bool {
        match self.nth(1).kind {
            TokKind::Int | TokKind::Str | TokKind::Sym(b'-') => true,
            TokKind::Ident => !self.is_sym(2, b'='),
            _ => false,
        }
    }

    /// Parses one field (plain, map or group) and adds it, and any message it declares, to
    /// `msg`.
    fn message_field(&mut self, msg: &mut Message, ctx: FieldCtx) -> PResult<()> {
        let field = self.field(ctx, &mut msg.messages)?;
        msg.fields.push(field);
        Ok(())
    }

    /// A field declaration; map entry and group messages go to `sink`.
    fn field(&mut self, ctx: FieldCtx, sink: &mut Vec<Message>) -> PResult<Field> {
        let first = self.peek();
        let mut label = None;
        let mut label_span = None;
        if first.kind == TokKind::Ident && self.is_label_here() {
            label = match self.text(first) {
                "optional" => Some(Label::Optional),
                "required" => Some(Label::Required),
                "repeated" => Some(Label::Repeated),
                _ => None,
            };
            if label.is_some() {
                if let FieldCtx::Oneof(_) = ctx {
                    return Err(self.error(
                        first,
                        "fields in a oneof must not have labels (required / optional / repeated)",
                    ));
                }
                label_span = Some(first.span());
                self.bump();
            }
        }
        let oneof = match ctx {
            FieldCtx::Oneof(i) => Some(i),
            _ => None,
        };
        if self.is_word(0, "map") && self.is_sym(1, b'<') {
            if let Some(sp) = label_span {
                return Err(ParseError {
                    message: "map fields cannot have a label".into(),
                    span: sp,
                });
            }
            match ctx {
                FieldCtx::Oneof(_) => {
                    return Err(self.error(self.peek(), "map fields are not allowed in oneofs"))
                }
                FieldCtx::Extend => {
                    return Err(self.error(self.peek(), "map fields are not allowed in extensions"))
                }
                FieldCtx::Message => {}
            }
            return self.map_field(sink);
        }
        if self.is_word(0, "group") && self.is_ident(1) && self.is_sym(2, b'=') {
            return self.group_field(first.start, label, label_span, oneof, sink);
        }
        let (ty, ty_span) = self.field_type()?;
        let (name, name_span) = self.ident("field name")?;
        self.expect_sym(b'=', "after field name")?;
        let (number, number_span) = self.int32("field number", false)?;
        let options = if self.is_sym(0, b'[') {
            self.compact_options()?
        } else {
            Vec::new()
        };
        let semi = self.expect_sym(
            b';',
            if options.is_empty() {
                "after field number"
            } else {
                "after field options"
            },
        )?;
        Ok(Field {
            name: name.to_string(),
            name_span,
            number,
            number_span,
            label,
            label_span,
            ty,
            ty_span,
            options,
            oneof,
            span: span(first.start, semi.end),
            is_map: false,
            is_group: false,
        })
    }

    /// Whether the current `optional`/`required`/`repeated` word is a label: it is unless
    /// it is itself the type, as in `optional foo = 1;`.
    fn is_label_here(&self) -> bool {
        match self.nth(1).kind {
            TokKind::Sym(b'.') => true,
            TokKind::Ident => !self.is_sym(2, b'='),
            _ => false,
        }
    }

    fn field_type(&mut self) -> PResult<(FieldType, Span)> {
        let t = self.peek();
        if t.kind == TokKind::Ident && !self.is_sym(1, b'.') {
            if let Some(scalar) = Scalar::from_keyword(self.text(t)) {
                self.bump();
                return Ok((FieldType::Scalar(scalar), t.span()));
            }
        }
        if t.kind != TokKind::Ident && t.kind != TokKind::Sym(b'.') {
            return Err(self.unexpected("field type"));
        }
        let ty = self.type_name("field type")?;
        let sp = ty.span;
        Ok((FieldType::Named(ty), sp))
    }

    /// `map<K, V> name = N [opts];` plus its synthesized entry message.
    fn map_field(&mut self, sink: &mut Vec<Message>) -> PResult<Field> {
        let map_kw = self.bump();
        self.bump(); // '<'
        let (key_ty, key_span) = self.field_type()?;
        self.expect_sym(b',', "after map key type")?;
        let (value_ty, value_span) = self.field_type()?;
        let close = self.expect_sym(b'>', "after map value type")?;
        let ty_span = span(map_kw.start, close.end);
        let (name, name_span) = self.ident("field name")?;
        self.expect_sym(b'=', "after field name")?;
        let (number, number_span) = self.int32("field number", false)?;
        let options = if self.is_sym(0, b'[') {
            self.compact_options()?
        } else {
            Vec::new()
        };
        let semi = self.expect_sym(
            b';',
            if options.is_empty() {
                "after field number"
            } else {
                "after field options"
            },
        )?;
        let field_span = span(map_kw.start, semi.end);
        let entry_name = map_entry_name(name);
        let entry_field = |name: &str, number, ty, ty_span| Field {
            name: name.to_string(),
            name_span,
            number,
            number_span,
            label: Some(Label::Optional),
            label_span: None,
            ty,
            ty_span,
            options: Vec::new(),
            oneof: None,
            span: field_span,
            is_map: false,
            is_group: false,
        };
        let mut entry = new_message(&entry_name, name_span);
        entry.span = field_span;
        entry.is_map_entry = true;
        entry.fields.push(entry_field("key", 1, key_ty, key_span));
        entry
            .fields
            .push(entry_field("value", 2, value_ty, value_span));
        sink.push(entry);
        Ok(Field {
            name: name.to_string(),
            name_span,
            number,
            number_span,
            label: Some(Label::Repeated),
            label_span: None,
            ty: FieldType::Named(TypeRef {
                written: entry_name,
                span: ty_span,
                ..TypeRef::default()
            }),
            ty_span,
            options,
            oneof: None,
            span: field_span,
            is_map: true,
            is_group: false,
        })
    }

    /// `group Name = N [opts] { ... }`, or a plain field whose type is named `group` when a
    /// `;` follows instead of a body.
    fn group_field(
        &mut self,
        start: u32,
        label: Option<Label>,
        label_span: Option<Span>,
        oneof: Option<usize>,
        sink: &mut Vec<Message>,
    ) -> PResult<Field> {
        let group_kw = self.bump();
        let (name, name_span) = self.ident("group name")?;
        self.bump(); // '=', checked by the caller
        let (number, number_span) = self.int32("field number", false)?;
        let options = if self.is_sym(0, b'[') {
            self.compact_options()?
        } else {
            Vec::new()
        };
        let mut field = Field {
            name: name.to_string(),
            name_span,
            number,
            number_span,
            label,
            label_span,
            ty: FieldType::Named(TypeRef {
                written: "group".into(),
                span: group_kw.span(),
                ..TypeRef::default()
            }),
            ty_span: group_kw.span(),
            options,
            oneof,
            span: span(start, 0),
            is_map: false,
            is_group: false,
        };
        if self.is_sym(0, b';') {
            field.span.end = self.bump().end;
            return Ok(field);
        }
        let open = self.expect_sym(b'{', "after group number")?;
        let mut message = new_message(name, name_span);
        message.is_group = true;
        self.enter(open)?;
        let end = self.message_body(&mut message)?;
        self.depth -= 1;
        message.span = span(start, end);
        sink.push(message);
        field.name = name.to_ascii_lowercase();
        field.ty = FieldType::Named(TypeRef {
            written: name.to_string(),
            span: name_span,
            ..TypeRef::default()
        });
        field.ty_span = name_span;
        field.span.end = end;
        field.is_group = true;
        Ok(field)
    }

    fn oneof_decl(&mut self, msg: &mut Message) -> PResult<()> {
        let kw = self.bump();
        let (name, name_span) = self.ident("oneof name")?;
        self.expect_sym(b'{', "after oneof name")?;
        let index = msg.oneofs.len();
        let mut options = Vec::new();
        let end = loop {
            let t = self.peek();
            match t.kind {
                TokKind::Sym(b'}') => {
                    self.bump();
                    break t.end;
                }
                TokKind::Sym(b';') => {
                    self.bump();
                }
                TokKind::Ident
                    if self.text(t) == "option" && (self.is_ident(1) || self.is_sym(1, b'(')) =>
                {
                    options.push(self.option_stmt()?);
                }
                TokKind::Ident | TokKind::Sym(b'.') => {
                    self.message_field(msg, FieldCtx::Oneof(index))?;
                }
                _ => {
                    return Err(
                        self.unexpected(&format!("a field, option or '}}' in oneof '{name}'"))
                    )
                }
            }
        };
        msg.oneofs.push(Oneof {
            name: name.to_string(),
            name_span,
            span: span(kw.start, end),
            options,
        });
        Ok(())
    }

    /// `extensions 100 to 199, 300 [opts];`: one `ExtensionRange` per range, each with the
    /// statement's options.
    fn extensions_stmt(&mut self, msg: &mut Message) -> PResult<()> {
        self.bump();
        let first = msg.extension_ranges.len();
        loop {
            let (start, end, sp) = self.range(FIELD_MAX, false)?;
            msg.extension_ranges.push(ExtensionRange {
                start,
                end,
                span: sp,
                options: Vec::new(),
            });
            if !self.is_sym(0, b',') {
                break;
            }
            self.bump();
        }
        if self.is_sym(0, b'[') {
            let options = self.compact_options()?;
            for range in &mut msg.extension_ranges[first..] {
                range.options = options.clone();
            }
        }
        self.expect_sym(b';', "after extension ranges")?;
        Ok(())
    }

    /// `5`, `5 to 10`, `5 to max`.
    fn range(&mut self, max: i32, allow_negative: bool) -> PResult<(i32, i32, Span)> {
        let (start, start_span) = self.int32("range start", allow_negative)?;
        if !self.is_word(0, "to") {
            return Ok((start, start, start_span));
        }
        self.bump();
        if self.is_word(0, "max") {
            let t = self.bump();
            return Ok((start, max, span(start_span.start, t.end)));
        }
        let (end, end_span) = self.int32("range end or 'max'", allow_negative)?;
        Ok((start, end, span(start_span.start, end_span.end)))
    }

    /// `reserved 1, 5 to 10;`, `reserved "a", "b";` or `reserved a, b;`.
    fn reserved_stmt(&mut self, in_enum: bool) -> PResult<Reserved> {
        let kw = self.bump();
        let mut reserved = Reserved {
            ranges: Vec::new(),
            names: Vec::new(),
            span: kw.span(),
        };
        let names = matches!(self.peek().kind, TokKind::Str | TokKind::Ident);
        loop {
            if names {
                let t = self.peek();
                match t.kind {
                    TokKind::Str => reserved.names.push(self.string_text("reserved name")?),
                    TokKind::Ident => {
                        self.bump();
                        reserved.names.push((self.text(t).to_string(), t.span()));
                    }
                    _ => return Err(self.unexpected("reserved name")),
                }
            } else {
                let max = if in_enum { ENUM_MAX } else { FIELD_MAX };
                let (start, end, sp) = self.range(max, in_enum)?;
                reserved.ranges.push(ReservedRange {
                    start,
                    end,
                    span: sp,
                });
            }
            if !self.is_sym(0, b',') {
                break;
            }
            self.bump();
        }
        let semi = self.expect_sym(b';', "after reserved")?;
        reserved.span.end = semi.end;
        Ok(reserved)
    }

    // ---- enums ----

    fn enum_decl(&mut self) -> PResult<Enum> {
        let kw = self.bump();
        let (name, name_span) = self.ident("enum name")?;
        self.expect_sym(b'{', "after enum name")?;
        let mut e = Enum {
            name: name.to_string(),
            name_span,
            span: name_span,
            values: Vec::new(),
            reserved: Vec::new(),
            options: Vec::new(),
        };
        let end = loop {
            let t = self.peek();
            match t.kind {
                TokKind::Sym(b'}') => {
                    self.bump();
                    break t.end;
                }
                TokKind::Sym(b';') => {
                    self.bump();
                }
                TokKind::Ident if self.text(t) == "option" && !self.is_sym(1, b'=') => {
                    e.options.push(self.option_stmt()?)
                }
                TokKind::Ident if self.text(t) == "reserved" && !self.is_sym(1, b'=') => {
                    e.reserved.push(self.reserved_stmt(true)?)
                }
                TokKind::Ident => {
                    let v = self.enum_value()?;
                    e.values.push(v);
                }
                _ => {
                    return Err(self.unexpected(&format!(
                        "an enum value, option, reserved or '}}' in enum '{}'",
                        e.name
                    )))
                }
            }
        };
        e.span = span(kw.start, end);
        Ok(e)
    }

    fn enum_value(&mut self) -> PResult<EnumValue> {
        let (name, name_span) = self.ident("enum value name")?;
        self.expect_sym(b'=', "after enum value name")?;
        let (number, number_span) = self.int32("enum value number", true)?;
        let options = if self.is_sym(0, b'[') {
            self.compact_options()?
        } else {
            Vec::new()
        };
        let semi = self.expect_sym(
            b';',
            if options.is_empty() {
                "after enum value number"
            } else {
                "after enum value options"
            },
        )?;
        Ok(EnumValue {
            name: name.to_string(),
            name_span,
            number,
            number_span,
            options,
            span: span(name_span.start, semi.end),
        })
    }

    // ---- services ----

    fn service_decl(&mut self) -> PResult<Service> {
        let kw = self.bump();
        let (name, name_span) = self.ident("service name")?;
        self.expect_sym(b'{', "after service name")?;
        let mut service = Service {
            name: name.to_string(),
            name_span,
            span: name_span,
            methods: Vec::new(),
            options: Vec::new(),
        };
        let end = loop {
            let t = self.peek();
            match t.kind {
                TokKind::Sym(b'}') => {
                    self.bump();
                    break t.end;
                }
                TokKind::Sym(b';') => {
                    self.bump();
                }
                TokKind::Ident if self.text(t) == "option" => {
                    service.options.push(self.option_stmt()?)
                }
                TokKind::Ident if self.text(t) == "rpc" => service.methods.push(self.method()?),
                _ => {
                    return Err(self.unexpected(&format!(
                        "'rpc', 'option' or '}}' in service '{}'",
                        service.name
                    )))
                }
            }
        };
        service.span = span(kw.start, end);
        Ok(service)
    }

    fn method(&mut self) -> PResult<Method> {
        let kw = self.bump();
        let (name, name_span) = self.ident("method name")?;
        self.expect_sym(b'(', "after method name")?;
        let (client_streaming, input) = self.method_type("request type")?;
        self.expect_sym(b')', "after request type")?;
        if !self.is_word(0, "returns") {
            return Err(self.unexpected("'returns'"));
        }
        self.bump();
        self.expect_sym(b'(', "after 'returns'")?;
        let (server_streaming, output) = self.method_type("response type")?;
        self.expect_sym(b')', "after response type")?;
        let mut options = Vec::new();
        let end = if self.is_sym(0, b';') {
            self.bump().end
        } else if self.is_sym(0, b'{') {
            self.bump();
            loop {
                let t = self.peek();
                match t.kind {
                    TokKind::Sym(b'}') => {
                        self.bump();
                        break t.end;
                    }
                    TokKind::Sym(b';') => {
                        self.bump();
                    }
                    TokKind::Ident if self.text(t) == "option" => options.push(self.option_stmt()?),
                    _ => return Err(self.unexpected("'option' or '}' in method body")),
                }
            }
        } else {
            return Err(self.unexpected("';' or '{' after method signature"));
        };
        Ok(Method {
            name: name.to_string(),
            name_span,
            span: span(kw.start, end),
            input,
            output,
            client_streaming,
            server_streaming,
            options,
        })
    }

    /// `[stream] Type`; `stream` alone is a type named `stream`.
    fn method_type(&mut self, what: &str) -> PResult<(bool, TypeRef)> {
        let streaming = self.is_word(0, "stream") && (self.is_ident(1) || self.is_sym(1, b'.'));
        if streaming {
            self.bump();
        }
        Ok((streaming, self.type_name(what)?))
    }

    // ---- extend ----

    fn extend_decl(&mut self) -> PResult<Extend> {
        let kw = self.bump();
        let extendee = self.type_name("extended message name")?;
        self.expect_sym(b'{', "after extended message name")?;
        let mut ext = Extend {
            extendee,
            span: kw.span(),
            fields: Vec::new(),
            group_messages: Vec::new(),
        };
        let end = loop {
            let t = self.peek();
            match t.kind {
                TokKind::Sym(b'}') => {
                    self.bump();
                    break t.end;
                }
                TokKind::Sym(b';') => {
                    self.bump();
                }
                TokKind::Ident | TokKind::Sym(b'.') => {
                    let field = self.field(FieldCtx::Extend, &mut ext.group_messages)?;
                    ext.fields.push(field);
                }
                _ => return Err(self.unexpected("a field or '}' in extend block")),
            }
        };
        ext.span.end = end;
        Ok(ext)
    }
}
