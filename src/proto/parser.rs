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

/// Deepest nesting of messages (including groups), and separately of message literals.
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
    let leading_comments = lexed.leading_comments;
    let mut parser = Parser {
        src,
        toks: lexed.toks,
        pos: 0,
        lex_error: lexed.error,
        depth: 0,
        literal_depth: 0,
    };
    let mut file = parser.file(path)?;
    file.leading_comments = leading_comments;
    Ok(file)
}

type PResult<T> = Result<T, ParseError>;

/// Where a field is declared; decides which labels and field kinds are allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldCtx {
    Message,
    Oneof(usize),
    Extend,
}

/// A declaration whose body is open.
enum Frame {
    Message {
        msg: Message,
        /// The oneof currently open in this message, if any.
        oneof: Option<Oneof>,
        /// For a group, the field it declares, completed when the body closes.
        group: Option<Box<Field>>,
    },
    Extend(Extend),
}

/// What one statement did to the stack of open declarations.
enum Step {
    Continue,
    /// A body was opened at the given `{`.
    Open(Box<Frame>, Tok),
    /// The innermost body closed at the given offset.
    Close(u32),
}

/// A field, or a group whose message body is now open.
enum Parsed {
    Field(Field),
    Group(Box<Field>, Message, Tok),
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    pos: usize,
    lex_error: Option<ParseError>,
    /// Open messages; they live on the heap, the limit is for consumers that recurse.
    depth: u32,
    /// Open message literals; these are parsed recursively, so the limit bounds the stack.
    literal_depth: u32,
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

    /// Enters one level of message nesting at the `{` token `at`.
    fn enter(&mut self, at: Tok) -> PResult<()> {
        self.depth += 1;
        self.check_depth(self.depth, at)
    }

    fn check_depth(&self, depth: u32, at: Tok) -> PResult<()> {
        if depth > MAX_DEPTH {
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
                        if ["inf", "infinity", "nan"]
                            .iter()
                            .any(|w| self.text(t).eq_ignore_ascii_case(w)) =>
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
        self.literal_depth += 1;
        self.check_depth(self.literal_depth, open)?;
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
        self.literal_depth -= 1;
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

    /// The file's statements. Messages and extend blocks are kept on an explicit stack
    /// (not the call stack) so nesting costs heap, whatever the build profile.
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
            leading_comments: Vec::new(),
        };
        let mut stack: Vec<Frame> = Vec::new();
        let mut first_statement = true;
        loop {
            let step = match stack.last_mut() {
                None if self.peek().kind == TokKind::Eof => return Ok(file),
                None => self.top_statement(&mut file, &mut first_statement)?,
                Some(Frame::Message { msg, oneof, .. }) => self.message_statement(msg, oneof)?,
                Some(Frame::Extend(ext)) => self.extend_statement(ext)?,
            };
            match step {
                Step::Continue => {}
                Step::Open(frame, open) => {
                    if matches!(*frame, Frame::Message { .. }) {
                        self.enter(open)?;
                    }
                    stack.push(*frame);
                }
                Step::Close(end) => {
                    if let Some(frame) = stack.pop() {
                        self.close(frame, end, &mut stack, &mut file);
                    }
                }
            }
        }
    }

    /// Attaches a finished message or extend block to what contains it.
    fn close(&mut self, frame: Frame, end: u32, stack: &mut [Frame], file: &mut ProtoFile) {
        match frame {
            Frame::Message { mut msg, group, .. } => {
                self.depth -= 1;
                msg.span.end = end;
                match (group, stack.last_mut()) {
                    (None, Some(Frame::Message { msg: parent, .. })) => parent.messages.push(msg),
                    (Some(mut field), Some(Frame::Message { msg: parent, .. })) => {
                        field.span.end = end;
                        parent.messages.push(msg);
                        parent.fields.push(*field);
                    }
                    (Some(mut field), Some(Frame::Extend(ext))) => {
                        field.span.end = end;
                        ext.group_messages.push(msg);
                        ext.fields.push(*field);
                    }
                    // Only top-level messages have no parent; nested messages are never
                    // opened directly inside an extend block.
                    (_, _) => file.messages.push(msg),
                }
            }
            Frame::Extend(mut ext) => {
                ext.span.end = end;
                match stack.last_mut() {
                    Some(Frame::Message { msg, .. }) => msg.extends.push(ext),
                    _ => file.extends.push(ext),
                }
            }
        }
    }

    fn top_statement(&mut self, file: &mut ProtoFile, first_statement: &mut bool) -> PResult<Step> {
        let t = self.peek();
        match t.kind {
            TokKind::Sym(b';') => {
                self.bump();
                return Ok(Step::Continue);
            }
            TokKind::Ident => {}
            _ => return Err(self.unexpected("a top-level declaration")),
        }
        let was_first = std::mem::replace(first_statement, false);
        match self.text(t) {
            "syntax" | "edition" if self.is_sym(1, b'=') => {
                if !was_first {
                    return Err(self.error(
                        t,
                        format!("'{}' must be the first statement in the file", self.text(t)),
                    ));
                }
                self.syntax_stmt(file)?;
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
            "message" => return self.open_message(t.start),
            "enum" => {
                let e = self.enum_decl(t.start)?;
                file.enums.push(e);
            }
            "export" | "local" if self.starts_visibility() => {
                self.bump();
                if self.is_word(0, "message") {
                    return self.open_message(t.start);
                }
                let e = self.enum_decl(t.start)?;
                file.enums.push(e);
            }
            "service" => {
                let s = self.service_decl()?;
                file.services.push(s);
            }
            "extend" => return self.open_extend(),
            _ => {
                return Err(self.unexpected(
                    "a top-level declaration (message, enum, service, extend, import, package or option)",
                ))
            }
        }
        Ok(Step::Continue)
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

    /// `message Name {` (the keyword at the current token); `start` is where the
    /// declaration starts, before any `export`/`local`.
    fn open_message(&mut self, start: u32) -> PResult<Step> {
        self.bump();
        let (name, name_span) = self.ident("message name")?;
        let open = self.expect_sym(b'{', "after message name")?;
        let mut msg = new_message(name, name_span);
        msg.span = span(start, open.end);
        Ok(Step::Open(
            Box::new(Frame::Message {
                msg,
                oneof: None,
                group: None,
            }),
            open,
        ))
    }

    /// One statement in a message body (or in the oneof currently open in it).
    fn message_statement(&mut self, msg: &mut Message, oneof: &mut Option<Oneof>) -> PResult<Step> {
        if oneof.is_some() {
            return self.oneof_statement(msg, oneof);
        }
        let t = self.peek();
        match t.kind {
            TokKind::Sym(b'}') => {
                self.bump();
                return Ok(Step::Close(t.end));
            }
            TokKind::Sym(b';') => {
                self.bump();
                return Ok(Step::Continue);
            }
            TokKind::Ident => {}
            TokKind::Sym(b'.') => return self.field_step(msg, FieldCtx::Message),
            _ => {
                return Err(self.unexpected(&format!(
                    "a field, nested declaration or '}}' in message '{}'",
                    msg.name
                )))
            }
        }
        match self.text(t) {
            "message" if self.starts_block() => return self.open_message(t.start),
            "enum" if self.starts_block() => {
                let e = self.enum_decl(t.start)?;
                msg.enums.push(e);
            }
            "oneof" if self.starts_block() => {
                self.bump();
                let (name, name_span) = self.ident("oneof name")?;
                self.expect_sym(b'{', "after oneof name")?;
                *oneof = Some(Oneof {
                    name: name.to_string(),
                    name_span,
                    span: span(t.start, t.end),
                    options: Vec::new(),
                });
            }
            "export" | "local" if self.starts_visibility() => {
                self.bump();
                if self.is_word(0, "message") {
                    return self.open_message(t.start);
                }
                let e = self.enum_decl(t.start)?;
                msg.enums.push(e);
            }
            "extend" if self.starts_extend() => return self.open_extend(),
            "option" if self.is_ident(1) || self.is_sym(1, b'(') => {
                let o = self.option_stmt()?;
                msg.options.push(o);
            }
            "extensions" if self.nth(1).kind == TokKind::Int => self.extensions_stmt(msg)?,
            "reserved" if self.starts_reserved() => {
                let r = self.reserved_stmt(false)?;
                msg.reserved.push(r);
            }
            _ => return self.field_step(msg, FieldCtx::Message),
        }
        Ok(Step::Continue)
    }

    /// One statement in an open oneof; `}` closes the oneof and moves it into `msg`.
    fn oneof_statement(&mut self, msg: &mut Message, slot: &mut Option<Oneof>) -> PResult<Step> {
        let t = self.peek();
        match t.kind {
            TokKind::Sym(b'}') => {
                self.bump();
                if let Some(mut done) = slot.take() {
                    done.span.end = t.end;
                    msg.oneofs.push(done);
                }
            }
            TokKind::Sym(b';') => {
                self.bump();
            }
            TokKind::Ident
                if self.text(t) == "option" && (self.is_ident(1) || self.is_sym(1, b'(')) =>
            {
                let o = self.option_stmt()?;
                if let Some(open) = slot {
                    open.options.push(o);
                }
            }
            TokKind::Ident | TokKind::Sym(b'.') => {
                return self.field_step(msg, FieldCtx::Oneof(msg.oneofs.len()))
            }
            _ => {
                let name = slot.as_ref().map_or("", |o| o.name.as_str());
                return Err(self.unexpected(&format!("a field, option or '}}' in oneof '{name}'")));
            }
        }
        Ok(Step::Continue)
    }

    /// A field in `msg`: added directly, or, for a group, opened as a nested message.
    fn field_step(&mut self, msg: &mut Message, ctx: FieldCtx) -> PResult<Step> {
        Ok(match self.field(ctx, &mut msg.messages)? {
            Parsed::Field(f) => {
                msg.fields.push(f);
                Step::Continue
            }
            Parsed::Group(field, group, open) => Step::Open(
                Box::new(Frame::Message {
                    msg: group,
                    oneof: None,
                    group: Some(field),
                }),
                open,
            ),
        })
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

    /// A field declaration; map entry messages go to `sink`. A group comes back with its
    /// message opened (header and `{` consumed) for the caller to fill.
    fn field(&mut self, ctx: FieldCtx, sink: &mut Vec<Message>) -> PResult<Parsed> {
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
            return Ok(Parsed::Field(self.map_field(sink)?));
        }
        if self.is_word(0, "group") && self.is_ident(1) && self.is_sym(2, b'=') {
            return self.group_field(first.start, label, label_span, oneof);
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
        Ok(Parsed::Field(Field {
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
        }))
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

    /// `group Name = N [opts] {`, or a plain field whose type is named `group` when a `;`
    /// follows instead of a body.
    fn group_field(
        &mut self,
        start: u32,
        label: Option<Label>,
        label_span: Option<Span>,
        oneof: Option<usize>,
    ) -> PResult<Parsed> {
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
            return Ok(Parsed::Field(field));
        }
        let open = self.expect_sym(b'{', "after group number")?;
        let mut msg = new_message(name, name_span);
        msg.is_group = true;
        msg.span = span(start, open.end);
        field.name = name.to_ascii_lowercase();
        field.ty = FieldType::Named(TypeRef {
            written: name.to_string(),
            span: name_span,
            ..TypeRef::default()
        });
        field.ty_span = name_span;
        field.is_group = true;
        Ok(Parsed::Group(Box::new(field), msg, open))
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

    /// `enum Name { ... }`; `start` is where the declaration starts (before any visibility).
    fn enum_decl(&mut self, start: u32) -> PResult<Enum> {
        self.bump();
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
        e.span = span(start, end);
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

    fn open_extend(&mut self) -> PResult<Step> {
        let kw = self.bump();
        let extendee = self.type_name("extended message name")?;
        let open = self.expect_sym(b'{', "after extended message name")?;
        Ok(Step::Open(
            Box::new(Frame::Extend(Extend {
                extendee,
                span: span(kw.start, open.end),
                fields: Vec::new(),
                group_messages: Vec::new(),
            })),
            open,
        ))
    }

    fn extend_statement(&mut self, ext: &mut Extend) -> PResult<Step> {
        let t = self.peek();
        match t.kind {
            TokKind::Sym(b'}') => {
                self.bump();
                Ok(Step::Close(t.end))
            }
            TokKind::Sym(b';') => {
                self.bump();
                Ok(Step::Continue)
            }
            TokKind::Ident | TokKind::Sym(b'.') => Ok(
                match self.field(FieldCtx::Extend, &mut ext.group_messages)? {
                    Parsed::Field(f) => {
                        ext.fields.push(f);
                        Step::Continue
                    }
                    Parsed::Group(field, msg, open) => Step::Open(
                        Box::new(Frame::Message {
                            msg,
                            oneof: None,
                            group: Some(field),
                        }),
                        open,
                    ),
                },
            ),
            _ => Err(self.unexpected("a field or '}' in extend block")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ast::RefKind;

    fn ok(src: &str) -> ProtoFile {
        match parse("test.proto", src) {
            Ok(f) => f,
            Err(e) => panic!(
                "unexpected error {:?} at {:?}",
                e.message,
                &src[e.span.start as usize..e.span.end as usize]
            ),
        }
    }

    fn err(src: &str) -> ParseError {
        match parse("test.proto", src) {
            Ok(_) => panic!("expected an error for {src:?}"),
            Err(e) => e,
        }
    }

    fn at(src: &str, sp: Span) -> &str {
        &src[sp.start as usize..sp.end as usize]
    }

    fn scalar(f: &Field) -> Scalar {
        match &f.ty {
            FieldType::Scalar(s) => *s,
            FieldType::Named(t) => panic!("expected a scalar, got {}", t.written),
        }
    }

    fn named(f: &Field) -> &str {
        match &f.ty {
            FieldType::Named(t) => &t.written,
            FieldType::Scalar(s) => panic!("expected a named type, got {}", s.keyword()),
        }
    }

    fn str_val(s: &str) -> OptionValue {
        OptionValue::Str(s.as_bytes().to_vec())
    }

    fn agg(v: &OptionValue) -> &[AggregateField] {
        match v {
            OptionValue::Aggregate(f) => f,
            other => panic!("expected a message literal, got {other:?}"),
        }
    }

    #[test]
    fn syntax_statements() {
        let src = "syntax = \"proto3\";";
        let f = ok(src);
        assert_eq!(f.syntax, Syntax::Proto3);
        assert_eq!(at(src, f.syntax_span.unwrap()), src);
        assert_eq!(ok("syntax = 'proto2';").syntax, Syntax::Proto2);
        assert_eq!(ok("syntax = \"pro\" \"to3\";").syntax, Syntax::Proto3);
        let f = ok("edition = \"2023\";");
        assert_eq!(f.syntax, Syntax::Editions("2023".into()));
        assert_eq!(f.syntax.as_str(), "editions");
        assert_eq!(
            ok("edition = \"2024\";").syntax,
            Syntax::Editions("2024".into())
        );
        let f = ok("message A {}");
        assert_eq!(f.syntax, Syntax::Proto2);
        assert_eq!(ok("").syntax, Syntax::Proto2);
        assert!(ok("// only a comment\n").messages.is_empty());
        assert!(f.syntax_span.is_none());
        assert_eq!(f.path, "test.proto");
    }

    #[test]
    fn empty_statements_anywhere() {
        let f = ok(";;syntax = \"proto3\";; package a;; message A { ; int32 x = 1;; oneof o { ; int32 y = 2; } }
             enum E { ; A = 0;; } service S { ; rpc M(A) returns (A) { ; } ; } extend A { ; }");
        assert_eq!(f.messages[0].fields.len(), 2);
        assert_eq!(f.enums[0].values.len(), 1);
        assert_eq!(f.services[0].methods.len(), 1);
    }

    #[test]
    fn package_and_imports() {
        let src = "syntax = \"proto3\";\npackage foo.bar.v1;\nimport \"a.proto\";\nimport public \"b.proto\";\nimport weak \"c.proto\";\nimport option \"d.proto\";\n";
        let f = ok(src);
        let pkg = f.package.as_ref().unwrap();
        assert_eq!(pkg.name, "foo.bar.v1");
        assert_eq!(at(src, pkg.name_span), "foo.bar.v1");
        assert_eq!(at(src, pkg.span), "package foo.bar.v1;");
        let kinds: Vec<_> = f
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a.proto", ImportKind::Default),
                ("b.proto", ImportKind::Public),
                ("c.proto", ImportKind::Weak),
                ("d.proto", ImportKind::Option)
            ]
        );
        assert_eq!(at(src, f.imports[1].span), "import public \"b.proto\";");
        assert_eq!(at(src, f.imports[1].path_span), "\"b.proto\"");
        // Whitespace and comments between the parts of a package name are dropped.
        assert_eq!(ok("package a . /* x */ b;").package.unwrap().name, "a.b");
    }

    #[test]
    fn option_names() {
        let src = r#"
option java_package = "com.example";
option (google.api.http).get = "/v1";
option (foo.bar).baz.(qux.ext) = 1;
option (.a.b) = 2;
option features.field_presence = EXPLICIT;
"#;
        let f = ok(src);
        let names: Vec<String> = f.options.iter().map(OptionDecl::name_string).collect();
        assert_eq!(
            names,
            [
                "java_package",
                "(google.api.http).get",
                "(foo.bar).baz.(qux.ext)",
                "(.a.b)",
                "features.field_presence"
            ]
        );
        assert_eq!(
            f.options[2].name,
            [
                OptionNamePart {
                    name: "foo.bar".into(),
                    is_extension: true
                },
                OptionNamePart {
                    name: "baz".into(),
                    is_extension: false
                },
                OptionNamePart {
                    name: "qux.ext".into(),
                    is_extension: true
                },
            ]
        );
        assert!(f.options[3].name[0].name.starts_with('.'));
        let o = &f.options[1];
        assert_eq!(at(src, o.span), "option (google.api.http).get = \"/v1\";");
        assert_eq!(at(src, o.name_span), "(google.api.http).get");
        assert!(o.is_named("(google.api.http).get"));
        assert!(!o.is_named("(google.api.http)") && !o.is_named("(google.api.http).post"));
        assert_eq!(at(src, o.value_span), "\"/v1\"");
        assert_eq!(f.options[4].value, OptionValue::Ident("EXPLICIT".into()));
    }

    #[test]
    fn scalar_option_values() {
        let src = r#"
option a = true;
option b = false;
option c = inf;
option d = nan;
option e = ENUM_VALUE;
option f = 42;
option g = -42;
option h = 0x1F;
option i = 017;
option j = 1.5;
option k = 1e10;
option l = .5;
option m = -inf;
option n = -2.5e-3;
option o = 18446744073709551615;
option p = -9223372036854775808;
option q = 99999999999999999999;
option r = 0;
"#;
        let f = ok(src);
        let v: Vec<&OptionValue> = f.options.iter().map(|o| &o.value).collect();
        assert_eq!(v[0], &OptionValue::Bool(true));
        assert_eq!(v[1], &OptionValue::Bool(false));
        assert_eq!(v[2], &OptionValue::Ident("inf".into()));
        assert_eq!(v[3], &OptionValue::Ident("nan".into()));
        assert_eq!(v[4], &OptionValue::Ident("ENUM_VALUE".into()));
        assert_eq!(v[5], &OptionValue::Int(42));
        assert_eq!(v[6], &OptionValue::Int(-42));
        assert_eq!(v[7], &OptionValue::Int(31));
        assert_eq!(v[8], &OptionValue::Int(15));
        assert_eq!(v[9], &OptionValue::Float(1.5));
        assert_eq!(v[10], &OptionValue::Float(1e10));
        assert_eq!(v[11], &OptionValue::Float(0.5));
        assert_eq!(v[12], &OptionValue::Ident("-inf".into()));
        assert_eq!(v[13], &OptionValue::Float(-2.5e-3));
        assert_eq!(v[14], &OptionValue::Int(u64::MAX.into()));
        assert_eq!(v[15], &OptionValue::Int(i64::MIN.into()));
        assert_eq!(v[16], &OptionValue::Float(99999999999999999999.0));
        assert_eq!(v[17], &OptionValue::Int(0));
        assert_eq!(at(src, f.options[6].value_span), "-42");
        assert_eq!(at(src, f.options[12].value_span), "-inf");
    }

    #[test]
    fn string_escapes_and_concatenation() {
        let src = r#"option s = "\n\t\\\'\"\x41\101\u00e9\U0001F600\a\b\f\r\v\?";
option t = 'single "quoted"';
option u = "a" 'b'
  "c";
option v = "\xff\0";
option w = "\ud83d\ude00";
"#;
        let f = ok(src);
        assert_eq!(
            f.options[0].value,
            OptionValue::Str("\n\t\\'\"AAé😀\x07\x08\x0c\r\x0b?".as_bytes().to_vec())
        );
        assert_eq!(f.options[1].value.as_str(), Some("single \"quoted\""));
        assert_eq!(f.options[2].value, str_val("abc"));
        assert_eq!(at(src, f.options[2].value_span), "\"a\" 'b'\n  \"c\"");
        assert_eq!(f.options[3].value, OptionValue::Str(vec![0xff, 0]));
        assert_eq!(f.options[4].value.as_str(), Some("😀"));
    }

    #[test]
    fn message_literal_values() {
        let src = r#"
option (google.api.http) = {
  get: "/v1/x" body: "*"
  additional_bindings { post: "/v1/y" }
  additional_bindings: [{ put: "/a" }, < patch: "/b" >];
  [ext.name]: 1,
  [type.googleapis.com/pkg.Msg] { x: 1 }
  list: [1, 2, 3]
  empty: []
  key: -1
  e: ENUM_VALUE
  b: true
  f: -inf
  nested: < a: 'x' "y" >
  strs: ["a", "b"]
};
"#;
        let f = ok(src);
        let o = &f.options[0];
        assert!(at(src, o.value_span).starts_with('{') && at(src, o.value_span).ends_with('}'));
        let fields = agg(&o.value);
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "get",
                "body",
                "additional_bindings",
                "additional_bindings",
                "[ext.name]",
                "[type.googleapis.com/pkg.Msg]",
                "list",
                "empty",
                "key",
                "e",
                "b",
                "f",
                "nested",
                "strs"
            ]
        );
        assert_eq!(fields[0].value, str_val("/v1/x"));
        assert_eq!(at(src, fields[0].span), "get: \"/v1/x\"");
        assert_eq!(agg(&fields[2].value)[0].name, "post");
        match &fields[3].value {
            OptionValue::List(items) => {
                assert_eq!(items.len(), 2);
                assert_eq!(agg(&items[1])[0].value, str_val("/b"));
            }
            other => panic!("expected a list, got {other:?}"),
        }
        assert_eq!(fields[4].value, OptionValue::Int(1));
        assert_eq!(agg(&fields[5].value)[0].value, OptionValue::Int(1));
        assert_eq!(
            fields[6].value,
            OptionValue::List(vec![
                OptionValue::Int(1),
                OptionValue::Int(2),
                OptionValue::Int(3)
            ])
        );
        assert_eq!(fields[7].value, OptionValue::List(vec![]));
        assert_eq!(fields[8].value, OptionValue::Int(-1));
        assert_eq!(fields[9].value, OptionValue::Ident("ENUM_VALUE".into()));
        assert_eq!(fields[10].value, OptionValue::Bool(true));
        assert_eq!(fields[11].value, OptionValue::Ident("-inf".into()));
        assert_eq!(agg(&fields[12].value)[0].value, str_val("xy"));
        assert_eq!(
            fields[13].value,
            OptionValue::List(vec![str_val("a"), str_val("b")])
        );
    }

    #[test]
    fn messages_fields_and_spans() {
        let src = "syntax = \"proto2\";
message Outer {
  optional int32 a = 1;
  required string b = 2;
  repeated .pkg.Foo c = 3;
  Inner d = 0x10;
  a.b.C e = 5;
  message Inner {
    enum Kind { K = 0; }
    message Deep { bytes x = 1; }
  }
  enum E { Z = 0; }
  extend Other { optional int32 ext = 100; }
}
";
        let f = ok(src);
        let m = &f.messages[0];
        assert_eq!(m.name, "Outer");
        assert_eq!(at(src, m.name_span), "Outer");
        assert!(at(src, m.span).starts_with("message Outer {") && at(src, m.span).ends_with('}'));
        assert_eq!(m.span.end as usize, src.trim_end().len());
        let fields: Vec<(&str, i32, Option<Label>)> = m
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.number, f.label))
            .collect();
        assert_eq!(
            fields,
            [
                ("a", 1, Some(Label::Optional)),
                ("b", 2, Some(Label::Required)),
                ("c", 3, Some(Label::Repeated)),
                ("d", 16, None),
                ("e", 5, None)
            ]
        );
        assert_eq!(scalar(&m.fields[0]), Scalar::Int32);
        assert_eq!(scalar(&m.fields[1]), Scalar::String);
        assert_eq!(named(&m.fields[2]), ".pkg.Foo");
        assert_eq!(named(&m.fields[3]), "Inner");
        assert_eq!(named(&m.fields[4]), "a.b.C");
        // Whitespace and comments inside a type name are not part of the written name.
        let f2 = ok("message M { repeated . a /* c */ . B x = 1; }");
        assert_eq!(named(&f2.messages[0].fields[0]), ".a.B");
        let c = &m.fields[2];
        assert_eq!(at(src, c.span), "repeated .pkg.Foo c = 3;");
        assert_eq!(at(src, c.name_span), "c");
        assert_eq!(at(src, c.number_span), "3");
        assert_eq!(at(src, c.ty_span), ".pkg.Foo");
        assert_eq!(at(src, c.label_span.unwrap()), "repeated");
        if let FieldType::Named(t) = &c.ty {
            assert_eq!(at(src, t.span), ".pkg.Foo");
            assert_eq!(t.kind, RefKind::Unresolved);
            assert!(t.resolved.is_empty());
        }
        assert_eq!(at(src, m.fields[3].number_span), "0x10");
        assert!(m.fields[3].label_span.is_none());
        assert_eq!(m.messages.len(), 1);
        assert_eq!(m.messages[0].enums[0].name, "Kind");
        assert_eq!(m.messages[0].messages[0].name, "Deep");
        assert_eq!(m.enums[0].name, "E");
        assert_eq!(m.extends[0].extendee.written, "Other");
        assert_eq!(m.extends[0].fields[0].name, "ext");
    }

    #[test]
    fn every_scalar_keyword() {
        let names = [
            "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
            "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
        ];
        let mut src = String::from("message M {\n");
        for (i, n) in names.iter().enumerate() {
            src.push_str(&format!("  {n} f{i} = {};\n", i + 1));
        }
        src.push('}');
        let f = ok(&src);
        for (field, n) in f.messages[0].fields.iter().zip(names) {
            assert_eq!(scalar(field).keyword(), n);
        }
    }

    #[test]
    fn compact_field_options() {
        let src = r#"message M {
  optional string s = 1 [default = "x", json_name = "y", (my.ext) = {a: 1}, deprecated = true];
  optional int32 i = 2 [default = -5];
}"#;
        let f = ok(src);
        let s = &f.messages[0].fields[0];
        assert_eq!(s.options.len(), 4);
        assert_eq!(s.option("default").unwrap().value, str_val("x"));
        assert_eq!(s.option("json_name").unwrap().value, str_val("y"));
        assert_eq!(agg(&s.option("(my.ext)").unwrap().value)[0].name, "a");
        assert_eq!(
            s.option("deprecated").unwrap().value,
            OptionValue::Bool(true)
        );
        assert_eq!(at(src, s.options[0].span), "default = \"x\"");
        assert_eq!(at(src, s.options[2].value_span), "{a: 1}");
        assert!(at(src, s.span).ends_with("deprecated = true];"));
        let i = &f.messages[0].fields[1];
        assert_eq!(i.option("default").unwrap().value, OptionValue::Int(-5));
    }

    #[test]
    fn map_fields_and_entries() {
        let src = "syntax = \"proto3\";
message M {
  map<string, Foo> foo_bar = 1;
  map<int32,string> map = 2 [deprecated = true];
  map < sint64 , .a.B > x_1y__z = 3;
}";
        let f = ok(src);
        let m = &f.messages[0];
        let field = &m.fields[0];
        assert!(field.is_map);
        assert_eq!(field.label, Some(Label::Repeated));
        assert_eq!(named(field), "FooBarEntry");
        assert_eq!(at(src, field.ty_span), "map<string, Foo>");
        assert_eq!(at(src, field.span), "map<string, Foo> foo_bar = 1;");
        let entry = &m.messages[0];
        assert_eq!(entry.name, "FooBarEntry");
        assert!(entry.is_map_entry);
        assert!(entry.options.is_empty());
        assert_eq!(entry.span, field.span);
        assert_eq!(entry.fields.len(), 2);
        assert_eq!(
            (entry.fields[0].name.as_str(), entry.fields[0].number),
            ("key", 1)
        );
        assert_eq!(
            (entry.fields[1].name.as_str(), entry.fields[1].number),
            ("value", 2)
        );
        assert_eq!(entry.fields[0].label, Some(Label::Optional));
        assert_eq!(entry.fields[1].label, Some(Label::Optional));
        assert_eq!(scalar(&entry.fields[0]), Scalar::String);
        assert_eq!(named(&entry.fields[1]), "Foo");
        assert_eq!(at(src, entry.fields[1].ty_span), "Foo");

        assert_eq!(m.fields[1].name, "map");
        assert_eq!(m.messages[1].name, "MapEntry");
        assert_eq!(m.fields[1].options.len(), 1);
        assert_eq!(m.messages[2].name, "X1yZEntry");
        assert_eq!(named(&m.messages[2].fields[1]), ".a.B");
        assert_eq!(map_entry_name("abc"), "AbcEntry");
        assert_eq!(map_entry_name("_a_b1_c"), "AB1CEntry");
    }

    #[test]
    fn oneofs() {
        let src = "message M {
  int32 before = 1;
  oneof choice {
    option (my.opt) = true;
    string a = 2;
    .pkg.Foo b = 3 [deprecated = true];
    group G = 4 { optional int32 x = 1; }
  }
  oneof other { int32 c = 5; }
}";
        let f = ok(src);
        let m = &f.messages[0];
        assert_eq!(m.oneofs.len(), 2);
        let o = &m.oneofs[0];
        assert_eq!(o.name, "choice");
        assert_eq!(at(src, o.name_span), "choice");
        assert!(at(src, o.span).starts_with("oneof choice {") && at(src, o.span).ends_with('}'));
        assert_eq!(o.options[0].name_string(), "(my.opt)");
        assert!(o.options[0].is_named("(my.opt)"));
        for other in ["my.opt", "(my.opt", "(my.opt).x", "(my)", ""] {
            assert!(!o.options[0].is_named(other), "{other}");
        }
        let members: Vec<(&str, Option<usize>, Option<Label>)> = m
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.oneof, f.label))
            .collect();
        assert_eq!(
            members,
            [
                ("before", None, None),
                ("a", Some(0), None),
                ("b", Some(0), None),
                ("g", Some(0), None),
                ("c", Some(1), None)
            ]
        );
        assert!(m.fields[3].is_group);
        assert_eq!(m.messages[0].name, "G");
        assert!(m.messages[0].is_group);
    }

    #[test]
    fn reserved_statements() {
        let src = "message M {
  reserved 1, 5 to 10, 20 to max;
  reserved \"a\", 'b';
  reserved c, d;
}
enum E { A = 0; reserved -5 to -1, 7, 100 to max; reserved \"X\"; }";
        let f = ok(src);
        let r = &f.messages[0].reserved;
        let ranges: Vec<(i32, i32)> = r[0].ranges.iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(ranges, [(1, 1), (5, 10), (20, FIELD_MAX)]);
        assert_eq!(at(src, r[0].span), "reserved 1, 5 to 10, 20 to max;");
        assert_eq!(at(src, r[0].ranges[1].span), "5 to 10");
        assert_eq!(at(src, r[0].ranges[2].span), "20 to max");
        let names: Vec<&str> = r[1].names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(at(src, r[1].names[1].1), "'b'");
        let names: Vec<&str> = r[2].names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["c", "d"]);
        assert_eq!(at(src, r[2].names[0].1), "c");
        let e = &f.enums[0];
        let ranges: Vec<(i32, i32)> = e.reserved[0]
            .ranges
            .iter()
            .map(|r| (r.start, r.end))
            .collect();
        assert_eq!(ranges, [(-5, -1), (7, 7), (100, i32::MAX)]);
        assert_eq!(e.reserved[1].names[0].0, "X");
    }

    #[test]
    fn extension_ranges() {
        let src = r#"message M {
  extensions 100 to 199;
  extensions 5, 7 to 9;
  extensions 1000 to max [verification = UNVERIFIED];
  extensions 536000000 [declaration = { number: 536000000, full_name: ".a.b", type: ".x.Y" }];
}"#;
        let f = ok(src);
        let r = &f.messages[0].extension_ranges;
        let ranges: Vec<(i32, i32)> = r.iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(
            ranges,
            [
                (100, 199),
                (5, 5),
                (7, 9),
                (1000, FIELD_MAX),
                (536000000, 536000000)
            ]
        );
        assert_eq!(at(src, r[0].span), "100 to 199");
        assert!(r[0].options.is_empty());
        assert_eq!(
            r[3].options[0].value,
            OptionValue::Ident("UNVERIFIED".into())
        );
        let decl = agg(&r[4].options[0].value);
        assert_eq!(r[4].options[0].name_string(), "declaration");
        assert_eq!(decl[1].name, "full_name");
        assert_eq!(decl[2].value, str_val(".x.Y"));
    }

    #[test]
    fn groups() {
        let src = "syntax = \"proto2\";
message SearchResponse {
  repeated group Result = 1 {
    required string url = 2;
    optional group Inner = 3 [deprecated = true] { optional int32 x = 4; }
  }
  extend Foo { optional group ExtGroup = 100 { optional int32 y = 1; } }
}
extend Bar { repeated group TopGroup = 200 { } }";
        let f = ok(src);
        let m = &f.messages[0];
        let g = &m.fields[0];
        assert_eq!(g.name, "result");
        assert!(g.is_group);
        assert_eq!(g.label, Some(Label::Repeated));
        assert_eq!(named(g), "Result");
        assert_eq!(at(src, g.name_span), "Result");
        assert_eq!(at(src, g.ty_span), "Result");
        assert!(at(src, g.span).starts_with("repeated group Result = 1 {"));
        assert!(at(src, g.span).ends_with("}\n  }"));
        let gm = &m.messages[0];
        assert_eq!(gm.name, "Result");
        assert!(gm.is_group);
        assert_eq!(gm.span, g.span);
        assert_eq!(gm.fields[0].name, "url");
        assert_eq!(gm.fields[1].name, "inner");
        assert_eq!(gm.fields[1].options.len(), 1);
        assert_eq!(gm.messages[0].name, "Inner");
        // Groups in an extend declare their message in the extend's scope.
        let ext = &m.extends[0];
        assert_eq!(ext.fields[0].name, "extgroup");
        assert_eq!(ext.group_messages[0].name, "ExtGroup");
        assert_eq!(m.messages.len(), 1);
        assert_eq!(f.extends[0].group_messages[0].name, "TopGroup");
        assert_eq!(f.extends[0].fields[0].number, 200);
    }

    #[test]
    fn enums() {
        let src = "enum E {
  option allow_alias = true;
  ZERO = 0;
  NEG = -1;
  HEX = 0x7FFFFFFF;
  MIN = -2147483648;
  ALIAS = 0 [deprecated = true, (my.opt) = \"x\"];
}";
        let f = ok(src);
        let e = &f.enums[0];
        assert_eq!(e.name, "E");
        assert_eq!(at(src, e.span), src);
        assert_eq!(e.options[0].name_string(), "allow_alias");
        assert_eq!(e.options[0].value, OptionValue::Bool(true));
        let values: Vec<(&str, i32)> = e
            .values
            .iter()
            .map(|v| (v.name.as_str(), v.number))
            .collect();
        assert_eq!(
            values,
            [
                ("ZERO", 0),
                ("NEG", -1),
                ("HEX", i32::MAX),
                ("MIN", i32::MIN),
                ("ALIAS", 0)
            ]
        );
        let neg = &e.values[1];
        assert_eq!(at(src, neg.span), "NEG = -1;");
        assert_eq!(at(src, neg.name_span), "NEG");
        assert_eq!(at(src, neg.number_span), "-1");
        assert_eq!(e.values[4].options.len(), 2);
        assert_eq!(
            err("enum E { A = 2147483648; }").message,
            "enum value number 2147483648 is out of range"
        );
    }

    #[test]
    fn services() {
        let src = "service S {
  option deprecated = true;
  rpc Unary(Req) returns (Resp);
  rpc Client(stream .pkg.Req) returns (Resp) {}
  rpc Server(Req) returns (stream Resp) { option (google.api.http) = { get: \"/v1\" }; }
  rpc Bidi(stream Req) returns (stream a.Resp) { ; }
}";
        let f = ok(src);
        let s = &f.services[0];
        assert_eq!(s.name, "S");
        assert_eq!(at(src, s.span), src);
        assert_eq!(s.options[0].name_string(), "deprecated");
        let methods: Vec<(&str, &str, &str, bool, bool)> = s
            .methods
            .iter()
            .map(|m| {
                (
                    m.name.as_str(),
                    m.input.written.as_str(),
                    m.output.written.as_str(),
                    m.client_streaming,
                    m.server_streaming,
                )
            })
            .collect();
        assert_eq!(
            methods,
            [
                ("Unary", "Req", "Resp", false, false),
                ("Client", ".pkg.Req", "Resp", true, false),
                ("Server", "Req", "Resp", false, true),
                ("Bidi", "Req", "a.Resp", true, true)
            ]
        );
        assert_eq!(at(src, s.methods[0].span), "rpc Unary(Req) returns (Resp);");
        assert_eq!(
            at(src, s.methods[1].span),
            "rpc Client(stream .pkg.Req) returns (Resp) {}"
        );
        assert_eq!(at(src, s.methods[1].input.span), ".pkg.Req");
        assert_eq!(at(src, s.methods[0].name_span), "Unary");
        assert_eq!(s.methods[2].options[0].name_string(), "(google.api.http)");
        // A type named `stream`.
        let m = &ok("service S { rpc M(stream) returns (stream stream); }").services[0].methods[0];
        assert_eq!(
            (m.input.written.as_str(), m.client_streaming),
            ("stream", false)
        );
        assert_eq!(
            (m.output.written.as_str(), m.server_streaming),
            ("stream", true)
        );
    }

    #[test]
    fn extends() {
        let src = "extend google.protobuf.FieldOptions {
  optional int32 bar = 100;
  repeated .x.Y baz = 101 [packed = false];
}
message M { extend .a.B { optional string q = 7; } }";
        let f = ok(src);
        let e = &f.extends[0];
        assert_eq!(e.extendee.written, "google.protobuf.FieldOptions");
        assert_eq!(at(src, e.extendee.span), "google.protobuf.FieldOptions");
        assert!(at(src, e.span).starts_with("extend google") && at(src, e.span).ends_with("];\n}"));
        assert_eq!(e.fields.len(), 2);
        assert_eq!(e.fields[1].label, Some(Label::Repeated));
        assert_eq!(f.messages[0].extends[0].extendee.written, ".a.B");
        assert_eq!(f.messages[0].extends[0].fields[0].number, 7);
    }

    #[test]
    fn comments_and_bom() {
        let src = "\u{feff}// line comment\nsyntax /* inline */ = \"proto3\"; /* block\n over lines */\nmessage A { // trailing\n int32 x = 1; /**/ }\n// no newline at end";
        let f = ok(src);
        assert_eq!(f.syntax, Syntax::Proto3);
        assert_eq!(at(src, f.messages[0].name_span), "A");
        assert_eq!(
            err("message A {} /* open").message,
            "unterminated block comment"
        );
    }

    #[test]
    fn contextual_keywords() {
        let src = "syntax = \"proto3\";
message message {
  string option = 1;
  map<string, string> map = 2;
  optional string stream = 3;
  message message { int32 message = 1; }
  enum enum { option = 0; reserved = 1; }
  int32 to = 4;
  int32 max = 5;
  group group = 6;
  syntax syntax = 7;
  optional foo = 8;
  reserved reserved = 9;
  extensions extensions = 10;
  repeated optional repeated = 11;
  oneof oneof { int32 returns = 12; }
  service rpc = 13;
  message.message nested = 14;
  reserved 20 to max;
}
enum option { import = 0; }
service service { rpc rpc(message) returns (message); }";
        let f = ok(src);
        let m = &f.messages[0];
        assert_eq!(m.name, "message");
        let fields: Vec<(&str, &str)> = m
            .fields
            .iter()
            .map(|f| {
                let ty = match &f.ty {
                    FieldType::Scalar(s) => s.keyword(),
                    FieldType::Named(t) => t.written.as_str(),
                };
                (f.name.as_str(), ty)
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("option", "string"),
                ("map", "MapEntry"),
                ("stream", "string"),
                ("to", "int32"),
                ("max", "int32"),
                ("group", "group"),
                ("syntax", "syntax"),
                ("foo", "optional"),
                ("reserved", "reserved"),
                ("extensions", "extensions"),
                ("repeated", "optional"),
                ("returns", "int32"),
                ("rpc", "service"),
                ("nested", "message.message"),
            ]
        );
        assert_eq!(m.fields[2].label, Some(Label::Optional));
        assert_eq!(m.fields[7].label, None);
        assert_eq!(m.fields[10].label, Some(Label::Repeated));
        assert_eq!(m.messages[1].name, "message");
        assert_eq!(m.messages[1].fields[0].name, "message");
        let names: Vec<&str> = m.enums[0].values.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["option", "reserved"]);
        assert_eq!(m.reserved[0].ranges[0].end, FIELD_MAX);
        assert_eq!(f.enums[0].name, "option");
        assert_eq!(f.services[0].methods[0].name, "rpc");
        assert_eq!(f.services[0].methods[0].input.written, "message");
    }

    #[test]
    fn edition_2024_visibility_and_features() {
        let src = "edition = \"2024\";
option features.field_presence = IMPLICIT;
export message A { local enum E { X = 0; } int32 a = 1 [features.field_presence = EXPLICIT]; }
local message B {}
export enum C { Y = 0; }";
        let f = ok(src);
        assert_eq!(f.messages.len(), 2);
        assert_eq!(at(src, f.messages[1].span), "local message B {}");
        assert_eq!(f.messages[0].enums[0].name, "E");
        assert_eq!(f.enums[0].name, "C");
        assert_eq!(
            f.messages[0].fields[0].options[0].name_string(),
            "features.field_presence"
        );
    }

    // ---- errors ----

    #[test]
    fn error_missing_semicolon() {
        let src = "message A {\n  int32 x = 1\n  message B {}\n}";
        let e = err(src);
        assert_eq!(
            e.message,
            "expected ';' after field number, found 'message'"
        );
        assert_eq!(at(src, e.span), "message");
        let src = "syntax = \"proto3\"\npackage a;";
        let e = err(src);
        assert_eq!(e.message, "expected ';' after syntax, found 'package'");
        assert_eq!(at(src, e.span), "package");
        let e = err("message A { int32 x = 1 [deprecated = true] }");
        assert_eq!(e.message, "expected ';' after field options, found '}'");
        let e = err("package a.b");
        assert_eq!(
            e.message,
            "expected ';' after package name, found end of file"
        );
        assert_eq!(e.span, Span::new(11, 11));
    }

    #[test]
    fn error_unterminated_string() {
        let src = "syntax = \"proto3\";\noption x = \"abc;\nmessage A {}";
        let e = err(src);
        assert_eq!(e.message, "unterminated string literal");
        assert_eq!(at(src, e.span), "\"abc;");
        let src = "import 'a.proto";
        let e = err(src);
        assert_eq!(e.message, "unterminated string literal");
        assert_eq!(at(src, e.span), "'a.proto");
        // An earlier syntax error wins over a later lexical one.
        let e = err("message { } option x = \"abc");
        assert_eq!(e.message, "expected message name, found '{'");
    }

    #[test]
    fn error_unknown_syntax() {
        let src = "syntax = \"proto4\";";
        let e = err(src);
        assert_eq!(
            e.message,
            "unknown syntax \"proto4\" (expected \"proto2\" or \"proto3\")"
        );
        assert_eq!(at(src, e.span), "\"proto4\"");
        let e = err("edition = \"2022\";");
        assert!(
            e.message.starts_with("unknown edition \"2022\""),
            "{}",
            e.message
        );
        let e = err("syntax = proto3;");
        assert_eq!(
            e.message,
            "expected syntax string \"proto2\" or \"proto3\", found 'proto3'"
        );
        let e = err("package a; syntax = \"proto3\";");
        assert_eq!(
            e.message,
            "'syntax' must be the first statement in the file"
        );
    }

    #[test]
    fn error_field_number_not_a_number() {
        let src = "message A { string name = abc; }";
        let e = err(src);
        assert_eq!(e.message, "expected field number, found 'abc'");
        assert_eq!(at(src, e.span), "abc");
        let src = "message A { string name = 1.5; }";
        assert_eq!(at(src, err(src).span), "1.5");
        let src = "message A { string name = -1; }";
        assert_eq!(at(src, err(src).span), "-");
        let src = "message A { string name = 4294967296; }";
        let e = err(src);
        assert_eq!(e.message, "field number 4294967296 is out of range");
        assert_eq!(at(src, e.span), "4294967296");
    }

    #[test]
    fn error_deep_nesting() {
        let nested = |n: usize| "message M {".repeat(n) + &"}".repeat(n);
        assert!(parse("x.proto", &nested(256)).is_ok());
        let src = nested(300);
        let e = err(&src);
        assert_eq!(e.message, "nesting deeper than 256 levels");
        // The 257th opening brace.
        assert_eq!(e.span.start as usize, "message M {".len() * 257 - 1);
        let src = format!("option x = {{{}}};", "a {".repeat(300) + &"}".repeat(300));
        assert_eq!(err(&src).message, "nesting deeper than 256 levels");
        let src = format!(
            "option x = {{{}}};",
            "a: [{".repeat(300) + &"}]".repeat(300)
        );
        assert_eq!(err(&src).message, "nesting deeper than 256 levels");
        // Within the limits, both kinds of nesting together fit a small thread stack.
        let deepest = format!(
            "{}option x = {{{}}};{}",
            "message M {".repeat(256),
            "a: [{".repeat(255) + &"}]".repeat(255),
            "}".repeat(256)
        );
        let parsed = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse("x.proto", &deepest).is_ok())
            .unwrap()
            .join()
            .unwrap();
        assert!(parsed);
        // Groups count as nesting too.
        let src = "message M { optional group G = 1 {".repeat(200) + &"}}".repeat(200);
        assert_eq!(err(&src).message, "nesting deeper than 256 levels");
    }

    #[test]
    fn error_malformed_option_value() {
        let src = "option x = ;";
        let e = err(src);
        assert_eq!(e.message, "expected option value, found ';'");
        assert_eq!(at(src, e.span), ";");
        let src = "option x = { a: 1 b };";
        let e = err(src);
        assert_eq!(e.message, "expected ':' after field name, found '}'");
        assert_eq!(e.span.start as usize, src.find('}').unwrap());
        let src = "option x = { a: [1, 2 };";
        assert_eq!(err(src).message, "expected ',' or ']' in list, found '}'");
        let src = "option x = -foo;";
        assert_eq!(err(src).message, "expected number after '-', found 'foo'");
        let src = "option x = { a: 1 >;";
        assert_eq!(
            err(src).message,
            "expected field name or '}' in message literal, found '>'"
        );
        let src = "option x = \"\\q\";";
        let e = err(src);
        assert_eq!(e.message, "invalid escape sequence");
        assert_eq!(at(src, e.span), "\\q");
        let src = "option x = \"\\U00110000\";";
        assert_eq!(err(src).message, "unicode escape is out of range");
        let src = "message M { int32 x = 1 [deprecated]; }";
        assert_eq!(
            err(src).message,
            "expected '=' after option name, found ']'"
        );
    }

    #[test]
    fn other_errors() {
        let e = err("message A { oneof o { optional int32 x = 1; } }");
        assert!(e
            .message
            .starts_with("fields in a oneof must not have labels"));
        assert_eq!(
            err("message A { repeated map<string, int32> m = 1; }").message,
            "map fields cannot have a label"
        );
        assert_eq!(
            err("message A {").message,
            "expected a field, nested declaration or '}' in message 'A', found end of file"
        );
        assert_eq!(err("int32 x = 1;").message, "expected a top-level declaration (message, enum, service, extend, import, package or option), found 'int32'");
        let src = "message A { int32 x = 1; } @";
        let e = err(src);
        assert_eq!(e.message, "unexpected character '@'");
        assert_eq!(at(src, e.span), "@");
        assert_eq!(
            err("option x = 0x;").message,
            "\"0x\" must be followed by hex digits"
        );
        assert_eq!(
            err("option x = 08;").message,
            "numbers starting with a leading zero must be in octal"
        );
        assert_eq!(
            err("option x = 1abc;").message,
            "need space between number and identifier"
        );
        assert_eq!(
            err("package a; package b;").message,
            "a file can have only one package statement"
        );
        assert_eq!(
            err("message A { int32 é = 1; }").message,
            "unexpected character 'é'"
        );
    }

    /// Cheap fuzzing: no prefix or byte-mutation of a rich file may panic or hang.
    #[test]
    fn never_panics_on_truncated_or_mutated_input() {
        let sample = r#"syntax = "proto2"; package a.b; import public "x.proto";
option (a.b).c = { d: [1, 2] e { f: "g" } [h.i]: -inf };
message M { optional group G = 1 [default = 1] { required string s = 2; }
  map<string, M> m = 3; oneof o { int32 x = 4; } reserved 5 to max, 9; extensions 10 [x = 1];
  extend N { repeated int32 y = 11; } enum E { A = -1 [z = 'q\x41']; } }
service S { rpc R(stream M) returns (M) { option o = 1; } }"#;
        for end in 0..=sample.len() {
            if sample.is_char_boundary(end) {
                let _ = parse("p.proto", &sample[..end]);
            }
        }
        let bytes = sample.as_bytes();
        let alphabet = b"{}[]()<>;=,.:-/\"'\\ ax0";
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut mutated = bytes.to_vec();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let pos = (seed as usize) % mutated.len();
                mutated[pos] = alphabet[(seed >> 32) as usize % alphabet.len()];
            }
            if let Ok(text) = std::str::from_utf8(&mutated) {
                let _ = parse("p.proto", text);
            }
        }
    }
}
