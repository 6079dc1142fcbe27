//! Tokenizer for `.proto` files, following protoc's tokenizer rules.
//!
//! The whole file is tokenized up front into small `Copy` tokens that point into the source
//! text, so the parser can look ahead freely without allocating. Lexing stops at the first
//! error: an `Error` token takes its place, and the parser reports the stored error only if it
//! reaches that token, so an earlier syntax error still wins.

use super::ast::{ParseError, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Ident,
    Int,
    Float,
    /// A quoted string, quotes included; escapes are decoded by [`decode_string`].
    Str,
    /// A one-character symbol such as `;` or `{`.
    Sym(u8),
    Eof,
    /// Where lexing stopped; the message is in [`Lexed::error`].
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub kind: TokKind,
    pub start: u32,
    pub end: u32,
}

impl Tok {
    pub fn span(self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }
}

pub struct Lexed {
    /// Never empty: ends with an `Eof` or an `Error` token.
    pub toks: Vec<Tok>,
    pub error: Option<ParseError>,
    /// The leading comment of each token that has one, as (token start, comment span), in
    /// order: see [`leading_comment`].
    pub leading_comments: Vec<(u32, Span)>,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Tokenizes `src`. Offsets are stored as `u32`; the caller rejects larger inputs.
pub fn lex(src: &str) -> Lexed {
    let b = src.as_bytes();
    let len = b.len();
    let mut i = if src.starts_with('\u{feff}') { 3 } else { 0 };
    // Comment-heavy files average well over 8 bytes per token.
    let mut toks = Vec::with_capacity(len / 8 + 8);
    let tok = |kind, start: usize, end: usize| Tok {
        kind,
        start: start as u32,
        end: end as u32,
    };
    let mut leading_comments = Vec::new();
    let fail = |toks: &mut Vec<Tok>, message: String, start: usize, end: usize| {
        toks.push(tok(TokKind::Error, start, end));
        Some(ParseError {
            message,
            span: Span::new(start, end),
        })
    };
    loop {
        // Whitespace and comments.
        let gap_start = i;
        let mut saw_comment = false;
        while i < len {
            match b[i] {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => i += 1,
                b'/' if i + 1 < len && b[i + 1] == b'/' => {
                    saw_comment = true;
                    // `str::find(char)` is memchr-backed.
                    i = match src[i + 2..].find('\n') {
                        Some(p) => i + 2 + p + 1,
                        None => len,
                    };
                }
                b'/' if i + 1 < len && b[i + 1] == b'*' => match src[i + 2..].find("*/") {
                    Some(p) => {
                        saw_comment = true;
                        i = i + 2 + p + 2;
                    }
                    None => {
                        let error = fail(&mut toks, "unterminated block comment".into(), i, i + 2);
                        return Lexed {
                            toks,
                            error,
                            leading_comments,
                        };
                    }
                },
                _ => break,
            }
        }
        if i >= len {
            toks.push(tok(TokKind::Eof, len, len));
            return Lexed {
                toks,
                error: None,
                leading_comments,
            };
        }
        if saw_comment {
            if let Some(comment) = leading_comment(&src[gap_start..i], !toks.is_empty()) {
                let at = |offset: usize| (gap_start + offset) as u32;
                leading_comments.push((
                    i as u32,
                    Span {
                        start: at(comment.start as usize),
                        end: at(comment.end as usize),
                    },
                ));
            }
        }
        let start = i;
        let c = b[i];
        if is_ident_start(c) {
            i += 1;
            while i < len && is_ident_char(b[i]) {
                i += 1;
            }
            toks.push(tok(TokKind::Ident, start, i));
        } else if c.is_ascii_digit() || (c == b'.' && i + 1 < len && b[i + 1].is_ascii_digit()) {
            match lex_number(b, start) {
                Ok((kind, end)) => {
                    i = end;
                    toks.push(tok(kind, start, end));
                }
                Err((message, end)) => {
                    let error = fail(&mut toks, message.into(), start, end);
                    return Lexed {
                        toks,
                        error,
                        leading_comments,
                    };
                }
            }
        } else if c == b'"' || c == b'\'' {
            i += 1;
            loop {
                if i >= len || b[i] == b'\n' {
                    let error = fail(&mut toks, "unterminated string literal".into(), start, i);
                    return Lexed {
                        toks,
                        error,
                        leading_comments,
                    };
                }
                match b[i] {
                    q if q == c => {
                        i += 1;
                        break;
                    }
                    // Skip the escaped byte so an escaped quote does not end the string; a
                    // backslash before a newline still leaves the string unterminated.
                    b'\\' if i + 1 < len && b[i + 1] != b'\n' => i += 2,
                    _ => i += 1,
                }
            }
            toks.push(tok(TokKind::Str, start, i));
        } else if matches!(
            c,
            b';' | b'{'
                | b'}'
                | b'['
                | b']'
                | b'('
                | b')'
                | b'<'
                | b'>'
                | b'='
                | b','
                | b'.'
                | b':'
                | b'-'
                | b'+'
                | b'/'
        ) {
            i += 1;
            toks.push(tok(TokKind::Sym(c), start, i));
        } else {
            let ch = src[start..].chars().next().unwrap_or('\u{fffd}');
            let message = if ch.is_control() {
                format!("unexpected character {:?}", ch)
            } else {
                format!("unexpected character '{ch}'")
            };
            let error = fail(&mut toks, message, start, start + ch.len_utf8());
            return Lexed {
                toks,
                error,
                leading_comments,
            };
        }
    }
}

/// The leading comment of the token that follows `gap` (the whitespace and comments between
/// two tokens; `after_token` is false at the start of the file), as protoc attributes comments,
/// as a span within `gap`:
/// - a comment that starts on the line of the previous token is that token's (trailing);
/// - a blank line ends a comment block: what came before it is not the next token's;
/// - the leading comment is one block comment, or a run of line comments, right above the
///   token (a block comment after line comments, or line comments after a block comment,
///   start a new comment).
pub fn leading_comment(gap: &str, after_token: bool) -> Option<Span> {
    let b = gap.as_bytes();
    let len = b.len();
    let mut i = 0;
    let skip_blanks = |mut i: usize| {
        while i < len && matches!(b[i], b' ' | b'\t' | b'\r' | 0x0b | 0x0c) {
            i += 1;
        }
        i
    };
    let line_end = |i: usize| gap[i..].find('\n').map_or(len, |p| i + p + 1);
    let block_end = |i: usize| gap[i + 2..].find("*/").map_or(len, |p| i + 2 + p + 2);
    if after_token {
        i = skip_blanks(i);
        if gap[i..].starts_with("//") {
            i = line_end(i);
        } else if gap[i..].starts_with("/*") {
            i = skip_blanks(block_end(i));
            if i >= len || b[i] != b'\n' {
                // The next token is on the line the comment ends on: nobody's comment.
                return None;
            }
            i += 1;
        } else if i < len && b[i] == b'\n' {
            i += 1;
        } else {
            return None;
        }
    }
    // The comment being collected: its span, and whether it is a block comment.
    let mut current: Option<(Span, bool)> = None;
    loop {
        i = skip_blanks(i);
        if i >= len {
            return current.map(|(span, _)| span);
        }
        if gap[i..].starts_with("//") {
            let end = line_end(i);
            let text_end = if gap[..end].ends_with('\n') {
                end - 1
            } else {
                end
            };
            current = match current {
                Some((span, false)) => Some((Span::new(span.start as usize, text_end), false)),
                _ => Some((Span::new(i, text_end), false)),
            };
            i = end;
        } else if gap[i..].starts_with("/*") {
            let end = block_end(i);
            current = Some((Span::new(i, end), true));
            i = skip_blanks(end);
            if i < len && b[i] == b'\n' {
                i += 1;
            }
        } else {
            // A blank line.
            current = None;
            i += 1;
        }
    }
}

/// The lines of a comment's text (a span [`leading_comment`] found): `//` and `/* */` markers
/// taken off, and a block comment's leading `*` on each line after the first, as protoc does.
pub fn comment_lines(comment: &str) -> impl Iterator<Item = &str> {
    let block = comment.starts_with("/*");
    let body = if block {
        comment
            .strip_prefix("/*")
            .and_then(|c| c.strip_suffix("*/"))
            .unwrap_or("")
    } else {
        comment
    };
    body.split('\n').enumerate().map(move |(n, line)| {
        let line = line.trim_start();
        if block {
            if n > 0 {
                line.strip_prefix('*').unwrap_or(line)
            } else {
                line
            }
        } else {
            line.strip_prefix("//").unwrap_or(line)
        }
    })
}

/// Scans a number starting at `start` the way protoc does: hex `0x..`, octal `0..`, decimal
/// integers and floats (`1.`, `.5`, `1e-3`). Returns the kind and end offset.
fn lex_number(b: &[u8], start: usize) -> Result<(TokKind, usize), (&'static str, usize)> {
    let len = b.len();
    let mut i = start;
    let mut is_float = false;
    let digits = |mut i: usize, f: fn(&u8) -> bool| {
        while i < len && f(&b[i]) {
            i += 1;
        }
        i
    };
    if b[i] == b'0' && i + 1 < len && (b[i + 1] == b'x' || b[i + 1] == b'X') {
        i = digits(i + 2, u8::is_ascii_hexdigit);
        if i == start + 2 {
            return Err(("\"0x\" must be followed by hex digits", i));
        }
    } else if b[i] == b'0' && i + 1 < len && b[i + 1].is_ascii_digit() {
        i = digits(i + 1, |c| (b'0'..=b'7').contains(c));
        if i < len && b[i].is_ascii_digit() {
            return Err((
                "numbers starting with a leading zero must be in octal",
                digits(i, u8::is_ascii_digit),
            ));
        }
    } else {
        if b[i] == b'.' {
            is_float = true;
            i = digits(i + 1, u8::is_ascii_digit);
        } else {
            i = digits(i, u8::is_ascii_digit);
            if i < len && b[i] == b'.' {
                is_float = true;
                i = digits(i + 1, u8::is_ascii_digit);
            }
        }
        if i < len && (b[i] == b'e' || b[i] == b'E') {
            is_float = true;
            i += 1;
            if i < len && (b[i] == b'-' || b[i] == b'+') {
                i += 1;
            }
            let exp_start = i;
            i = digits(i, u8::is_ascii_digit);
            if i == exp_start {
                return Err(("\"e\" must be followed by an exponent", i));
            }
        }
    }
    if i < len && is_ident_start(b[i]) {
        return Err(("need space between number and identifier", i + 1));
    }
    if i < len && b[i] == b'.' {
        return Err(if is_float {
            ("number has more than one decimal point or exponent", i + 1)
        } else {
            ("hex and octal numbers must be integers", i + 1)
        });
    }
    Ok((
        if is_float {
            TokKind::Float
        } else {
            TokKind::Int
        },
        i,
    ))
}

/// The value of an integer token; `None` when it does not fit in a `u64`.
pub fn int_value(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() > 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') {
        u64::from_str_radix(&text[2..], 16).ok()
    } else if b.len() > 1 && b[0] == b'0' {
        u64::from_str_radix(&text[1..], 8).ok()
    } else {
        text.parse().ok()
    }
}

/// True for a decimal integer token (which may be read as a float when it overflows).
pub fn is_decimal(text: &str) -> bool {
    !(text.len() > 1 && text.starts_with('0'))
}

/// An error inside a string literal: message and byte range relative to the token start.
///
/// Lexer-internal, never shown as is: the parser knows where the token starts and turns it
/// into a `ParseError` over the bad escape.
pub struct EscapeError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// Decodes a string token (quotes included) and appends its bytes to `out`.
pub fn decode_string(token: &str, out: &mut Vec<u8>) -> Result<(), EscapeError> {
    let inner = &token.as_bytes()[1..token.len().saturating_sub(1).max(1)];
    if !inner.contains(&b'\\') {
        out.extend_from_slice(inner);
        return Ok(());
    }
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let esc_start = i + 1; // offset in the token, counting the opening quote
        let err = |message: &str, end: usize| EscapeError {
            message: message.to_string(),
            start: esc_start,
            end: end + 1,
        };
        let Some(&e) = inner.get(i + 1) else {
            return Err(err("invalid escape sequence", i + 1));
        };
        i += 2;
        match e {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'\\' | b'\'' | b'"' | b'?' => out.push(e),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                let mut n = 1;
                while n < 3 && i < inner.len() && (b'0'..=b'7').contains(&inner[i]) {
                    v = v * 8 + u32::from(inner[i] - b'0');
                    i += 1;
                    n += 1;
                }
                // protoc keeps the low byte of `\777`.
                out.push(v as u8);
            }
            b'x' | b'X' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && i < inner.len() && inner[i].is_ascii_hexdigit() {
                    v = v * 16 + hex_digit(inner[i]);
                    i += 1;
                    n += 1;
                }
                if n == 0 {
                    return Err(err("expected hex digits after '\\x'", i));
                }
                out.push(v as u8);
            }
            b'u' | b'U' => {
                let count = if e == b'u' { 4 } else { 8 };
                let Some(mut cp) = hex_run(inner, i, count) else {
                    return Err(err(
                        &format!("expected {count} hex digits after '\\{}'", e as char),
                        (i + count).min(inner.len()),
                    ));
                };
                i += count;
                // A `\uD83D\uDE00` surrogate pair stands for one code point, as in protoc.
                if (0xD800..0xDC00).contains(&cp)
                    && inner.get(i) == Some(&b'\\')
                    && inner.get(i + 1) == Some(&b'u')
                {
                    if let Some(low) = hex_run(inner, i + 2, 4) {
                        if (0xDC00..0xE000).contains(&low) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                            i += 6;
                        }
                    }
                }
                if cp > 0x10FFFF {
                    return Err(err("unicode escape is out of range", i));
                }
                push_code_point(out, cp);
            }
            _ => return Err(err("invalid escape sequence", i)),
        }
    }
    Ok(())
}

fn hex_digit(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'a'..=b'f' => u32::from(c - b'a' + 10),
        _ => u32::from(c - b'A' + 10),
    }
}

fn hex_run(s: &[u8], at: usize, count: usize) -> Option<u32> {
    let digits = s.get(at..at + count)?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    Some(digits.iter().fold(0, |v, &d| v * 16 + hex_digit(d)))
}

/// UTF-8 encoding that also accepts lone surrogates (as protoc does), hence not `char`.
fn push_code_point(out: &mut Vec<u8>, cp: u32) {
    if cp < 0x80 {
        out.push(cp as u8);
    } else if cp < 0x800 {
        out.extend_from_slice(&[0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]);
    } else if cp < 0x10000 {
        out.extend_from_slice(&[
            0xE0 | (cp >> 12) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xF0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3F) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of the leading comment of the token at `token`, as [`lex`] records it.
    fn leading(src: &str, token: &str) -> Option<String> {
        let at = src.find(token).unwrap() as u32;
        let lexed = lex(src);
        lexed
            .leading_comments
            .iter()
            .find(|(start, _)| *start == at)
            .map(|(_, span)| {
                comment_lines(&src[span.start as usize..span.end as usize])
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join("|")
            })
    }

    #[test]
    fn leading_comments_are_attached_as_protoc_attaches_them() {
        let src = "// file\n\n// one\n// two\nmessage A {\n  int32 a = 1; // trailing\n  int32 b = 2;\n  // after a, before a blank line\n\n  int32 c = 3;\n  /* block\n   * two */\n  int32 d = 4;\n  // line\n  /* block wins */\n  int32 e = 5;\n  int32 f = 6;\n  // right above\n  int32 g = 7;\n}\n";
        assert_eq!(leading(src, "message").as_deref(), Some("one|two"));
        assert_eq!(leading(src, "int32 b"), None, "a trailing comment is a's");
        assert_eq!(leading(src, "int32 c"), None, "detached by the blank line");
        assert_eq!(leading(src, "int32 d").as_deref(), Some("block|two"));
        assert_eq!(leading(src, "int32 e").as_deref(), Some("block wins"));
        assert_eq!(leading(src, "int32 f"), None);
        assert_eq!(leading(src, "int32 g").as_deref(), Some("right above"));
    }
}
