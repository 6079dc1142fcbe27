//! Hand-written JSON (RFC 8259) parser building the spanned [`Node`] tree.
//!
//! Iterative (containers go through `TreeBuilder`), so nesting is bounded only by
//! `Limits::max_depth`. Strings without escapes are copied straight from the input; line and
//! column are tracked incrementally (JSON has newlines only between tokens), which keeps a
//! minified one-line file linear.

use std::borrow::Cow;

use super::{error, Limits, Node, TreeBuilder, Value};
use crate::diag::InputError;
use crate::span::{line_col_at, Span};

/// Parse `text` as one JSON document (a leading UTF-8 BOM is skipped).
pub fn parse(path: &str, text: &str, limits: &Limits) -> Result<Node, InputError> {
    if text.len() > limits.max_bytes {
        return Err(error(
            path,
            format!(
                "file is larger than the {} MiB limit",
                limits.max_bytes >> 20
            ),
            1,
            1,
        ));
    }
    let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut parser = Parser {
        path,
        text,
        bytes: text.as_bytes(),
        pos,
        line: 1,
        line_start: pos,
        col_off: pos,
        col_chars: 0,
        tree: TreeBuilder::new(path, text, limits),
    };
    parser.run()?;
    parser
        .tree
        .finish()
        .ok_or_else(|| error(path, "internal error: unfinished document", 1, 1))
}

struct Parser<'t> {
    path: &'t str,
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    /// Column cursor: character column `col_chars` (0-based) is at byte `col_off`.
    col_off: usize,
    col_chars: u32,
    tree: TreeBuilder<'t>,
}

enum Next {
    Value,
    AfterValue,
}

impl<'t> Parser<'t> {
    fn run(&mut self) -> Result<(), InputError> {
        let mut next = Next::Value;
        loop {
            self.skip_ws();
            next = match next {
                Next::Value => self.value()?,
                Next::AfterValue => match self.tree.in_map() {
                    None => {
                        return match self.peek() {
                            None => Ok(()),
                            Some(_) => Err(self.unexpected("after the end of the JSON value")),
                        };
                    }
                    Some(in_map) => {
                        let close = if in_map { b'}' } else { b']' };
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                if in_map {
                                    self.skip_ws();
                                    self.key()?;
                                }
                                Next::Value
                            }
                            Some(b) if b == close => {
                                self.pos += 1;
                                self.tree.close(Some(self.pos as u32))?;
                                Next::AfterValue
                            }
                            _ => {
                                let what = if in_map { "an object" } else { "an array" };
                                let expected =
                                    format!("expected ',' or '{}' in {what}", close as char);
                                return Err(self.unexpected(&expected));
                            }
                        }
                    }
                },
            };
        }
    }

    /// Parses one value, or opens a container and its first key.
    fn value(&mut self) -> Result<Next, InputError> {
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Err(self.unexpected("expected a value"));
        };
        let (line, col) = self.here();
        let value = match b {
            b'{' | b'[' => {
                let map = b == b'{';
                self.tree.open(map, start as u32, line, col, 0)?;
                self.pos += 1;
                self.skip_ws();
                let close = if map { b'}' } else { b']' };
                if self.peek() == Some(close) {
                    self.pos += 1;
                    self.tree.close(Some(self.pos as u32))?;
                    return Ok(Next::AfterValue);
                }
                if map {
                    self.key()?;
                }
                return Ok(Next::Value);
            }
            b'"' => {
                let s = self.string()?;
                Value::Str(self.tree.strings.intern(&s))
            }
            b'-' | b'0'..=b'9' => self.number()?,
            b't' => self.literal("true", Value::Bool(true))?,
            b'f' => self.literal("false", Value::Bool(false))?,
            b'n' => self.literal("null", Value::Null)?,
            b']' | b'}' if self.tree.in_map().is_some() => {
                return Err(self.unexpected("expected a value (trailing comma?)"));
            }
            _ => return Err(self.unexpected("expected a value")),
        };
        let span = Span::new(start, self.pos);
        self.tree.push(Node::new(value, span, line, col))?;
        Ok(Next::AfterValue)
    }

    /// An object key and the `:` after it.
    fn key(&mut self) -> Result<(), InputError> {
        if self.peek() != Some(b'"') {
            let msg = if self.peek() == Some(b'}') {
                "expected a string key (trailing comma?)"
            } else {
                "expected a string key"
            };
            return Err(self.unexpected(msg));
        }
        let start = self.pos;
        let (line, col) = self.here();
        let key = self.string()?;
        let key = self.tree.strings.intern(&key);
        self.tree.push(Node::new(
            Value::Str(key),
            Span::new(start, self.pos),
            line,
            col,
        ))?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("expected ':' after an object key"));
        }
        self.pos += 1;
        Ok(())
    }

    /// The string at `self.pos`, borrowed from the text unless it has escapes.
    fn string(&mut self) -> Result<Cow<'t, str>, InputError> {
        let (bytes, text) = (self.bytes, self.text);
        let quote = self.pos;
        self.pos += 1;
        let mut chunk = self.pos;
        let mut out: Option<String> = None;
        loop {
            let Some(rel) = bytes[self.pos..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            else {
                return Err(self.error_at(quote, "unterminated string"));
            };
            self.pos += rel;
            match bytes[self.pos] {
                b'"' => {
                    let tail = &text[chunk..self.pos];
                    self.pos += 1;
                    return Ok(match out {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    });
                }
                b'\\' => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(&self.text[chunk..self.pos]);
                    self.pos += 1;
                    let c = self.escape()?;
                    out.get_or_insert_with(String::new).push(c);
                    chunk = self.pos;
                }
                b => {
                    let msg = format!("control character U+{b:04X} in a string (escape it)");
                    return Err(self.error_here(msg));
                }
            }
        }
    }

    /// The character of the escape after a backslash.
    fn escape(&mut self) -> Result<char, InputError> {
        let Some(b) = self.peek() else {
            return Err(self.unexpected("unterminated string"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let at = self.pos - 2;
                let hi = self.hex4()?;
                match hi {
                    0xD800..=0xDBFF => {
                        if self.bytes[self.pos..].starts_with(b"\\u") {
                            self.pos += 2;
                            let lo = self.hex4()?;
                            if (0xDC00..=0xDFFF).contains(&lo) {
                                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                return char::from_u32(c)
                                    .ok_or_else(|| self.error_at(at, "invalid \\u escape"));
                            }
                        }
                        return Err(self.error_at(at, format!("unpaired surrogate \\u{hi:04X}")));
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.error_at(at, format!("unpaired surrogate \\u{hi:04X}")));
                    }
                    _ => {
                        char::from_u32(hi).ok_or_else(|| self.error_at(at, "invalid \\u escape"))?
                    }
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("invalid escape in a string"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, InputError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.unexpected("expected 4 hex digits after \\u")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, InputError> {
        let start = self.pos;
        let bytes = self.bytes;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error_at(start, "leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("expected a digit")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("expected a digit after '.'"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("expected a digit in the exponent"));
            }
            self.digits();
        }
        let text = &self.text[start..self.pos];
        if integer {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Int(i));
            }
        }
        debug_assert!(bytes[start..self.pos].is_ascii());
        // The syntax was checked above, so this parse cannot fail; stay panic-free anyway.
        text.parse::<f64>()
            .map(Value::Float)
            .map_err(|_| self.error_at(start, "invalid number"))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, InputError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("expected a value"))
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'\n' => {
                    self.line += 1;
                    self.line_start = self.pos + 1;
                }
                _ => return,
            }
            self.pos += 1;
        }
    }

    /// Line and character column of `self.pos`, which only moves forward.
    fn here(&mut self) -> (u32, u32) {
        if self.col_off < self.line_start {
            self.col_off = self.line_start;
            self.col_chars = 0;
        }
        let chars = self.bytes[self.col_off..self.pos]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.col_chars += chars as u32;
        self.col_off = self.pos;
        (self.line, self.col_chars + 1)
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> InputError {
        let (line, col) = line_col_at(self.text, offset);
        error(self.path, message, line, col)
    }

    fn error_here(&self, message: impl Into<String>) -> InputError {
        self.error_at(self.pos, message)
    }

    /// "`expected`, found X" at the current position.
    fn unexpected(&self, expected: &str) -> InputError {
        let found = match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => match self.tree.open_position() {
                Some((line, col)) => {
                    format!("end of file (the innermost open value starts at {line}:{col})")
                }
                None => "end of file".to_string(),
            },
            Some(c) if c.is_control() => format!("U+{:04X}", c as u32),
            Some(c) => format!("'{c}'"),
        };
        self.error_here(format!("{expected}, found {found}"))
    }
}
