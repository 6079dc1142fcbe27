//! ECMAScript regexes (a schema's `pattern`, `format: regex`) run on Rust's regex engine.
//!
//! OpenAPI patterns are ECMA-262 regexes, which mostly read the same in Rust. The differences
//! that change what matches are rewritten: `\d`, `\w`, `\s` and `\b` are ASCII-based in
//! ECMAScript (without the `u` flag), `.` also stops at `\r` and the Unicode line separators,
//! `[` is literal inside a class, and `{` that starts no quantifier is a literal brace. What
//! Rust cannot run (lookaround, backreferences, lone surrogates) is not translated: such a
//! pattern is left unchecked, never held against a value.

use regex_automata::meta::Regex;
use regex_automata::util::syntax;

/// Longest pattern compiled; a longer one is left unchecked.
const MAX_PATTERN_LEN: usize = 4096;
/// Largest compiled program of one pattern (bounded repetitions like `a{1000}` grow it).
const PROGRAM_SIZE_LIMIT: usize = 1 << 20;
/// Deepest group nesting: the parser recurses on it.
const NEST_LIMIT: u32 = 64;

/// The pattern ready to run, `None` when it cannot be run faithfully (untranslatable,
/// unparseable, too large).
pub fn compile(pattern: &str) -> Option<Regex> {
    build(&translate(pattern)?).ok()
}

/// Why a translated pattern did not compile: it is no regex, or it is one too large to run.
enum Rejected {
    Syntax,
    TooLarge,
}

fn build(translated: &str) -> Result<Regex, Rejected> {
    Regex::builder()
        .syntax(syntax::Config::new().nest_limit(NEST_LIMIT))
        .configure(Regex::config().nfa_size_limit(Some(PROGRAM_SIZE_LIMIT)))
        .build(translated)
        .map_err(|e| match e.syntax_error() {
            Some(_) => Rejected::Syntax,
            None => Rejected::TooLarge,
        })
}

/// Is `s` a regex ECMAScript accepts? A pattern using what Rust lacks (lookaround,
/// backreferences) is given the benefit of the doubt; `\Z`, which ECMAScript reads as a plain
/// `Z` though its author meant an anchor, is refused (as ajv-formats refuses it).
pub fn is_valid_ecma(s: &str) -> bool {
    if s.contains("\\Z") && !s.contains("\\\\Z") {
        return false;
    }
    match translate(s) {
        Some(t) => !matches!(build(&t), Err(Rejected::Syntax)),
        None => true,
    }
}

const DIGIT: &str = "[0-9]";
const NOT_DIGIT: &str = "[^0-9]";
const WORD: &str = "[0-9A-Za-z_]";
const NOT_WORD: &str = "[^0-9A-Za-z_]";
const SPACE: &str = r"[\t\n\x0B\x0C\r \xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";
const NOT_SPACE: &str = r"[^\t\n\x0B\x0C\r \xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";
const ANY_BUT_LINE_END: &str = r"[^\n\r\x{2028}\x{2029}]";

/// Characters Rust reads as syntax, so a literal one is escaped.
fn is_rust_meta(c: char) -> bool {
    "\\.+*?()|[]{}^$#&-~".contains(c)
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `rest`: its length in chars.
fn quantifier_len(rest: &[char]) -> Option<usize> {
    let close = rest.iter().position(|&c| c == '}')?;
    let inner: String = rest[1..close].iter().collect();
    let (min, max) = inner.split_once(',').unwrap_or((&inner, "0"));
    let numeric = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    (!min.is_empty() && numeric(min) && numeric(max)).then_some(close + 1)
}

fn hex_value(chars: &[char]) -> Option<u32> {
    let s: String = chars.iter().collect();
    (chars.iter().all(char::is_ascii_hexdigit)).then(|| u32::from_str_radix(&s, 16).ok())?
}

/// The Rust spelling of an ECMAScript pattern, or `None` when it has no faithful one.
fn translate(pattern: &str) -> Option<String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return None;
    }
    let p: Vec<char> = pattern.chars().collect();
    let named_groups = pattern
        .match_indices("(?<")
        .any(|(at, _)| !pattern[at + 3..].starts_with(['=', '!']));
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut in_class = false;
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        i += 1;
        match c {
            '\\' => {
                let Some(&e) = p.get(i) else {
                    // A trailing backslash is an error in both languages.
                    out.push('\\');
                    break;
                };
                i += 1;
                match e {
                    'd' => out.push_str(DIGIT),
                    'D' => out.push_str(NOT_DIGIT),
                    'w' => out.push_str(WORD),
                    'W' => out.push_str(NOT_WORD),
                    's' => out.push_str(SPACE),
                    'S' => out.push_str(NOT_SPACE),
                    'b' if in_class => out.push_str(r"\x08"),
                    'b' => out.push_str(r"(?-u:\b)"),
                    'B' if in_class => out.push('B'),
                    'B' => out.push_str(r"(?-u:\B)"),
                    't' | 'n' | 'r' | 'f' | 'v' => {
                        out.push('\\');
                        out.push(e);
                    }
                    'c' => match p.get(i) {
                        Some(l) if l.is_ascii_alphabetic() => {
                            out.push_str(&format!(r"\x{{{:02X}}}", (*l as u32) % 32));
                            i += 1;
                        }
                        _ => out.push_str(r"\\c"),
                    },
                    'x' | 'u' => {
                        let n = if e == 'x' { 2 } else { 4 };
                        match p.get(i..i + n).and_then(hex_value) {
                            Some(v) => {
                                // A lone surrogate half has no Rust spelling.
                                char::from_u32(v)?;
                                out.push_str(&format!(r"\x{{{v:X}}}"));
                                i += n;
                            }
                            None => out.push(e),
                        }
                    }
                    '0' if !p.get(i).is_some_and(char::is_ascii_digit) => out.push_str(r"\x00"),
                    // Backreferences (and octal escapes, their legacy reading).
                    '0'..='9' => return None,
                    'k' if named_groups => return None,
                    e if e.is_ascii_alphanumeric() => out.push(e),
                    e if is_rust_meta(e) => {
                        out.push('\\');
                        out.push(e);
                    }
                    e => out.push(e),
                }
            }
            '[' if in_class => out.push_str(r"\["),
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' => {
                let negated = p.get(i) == Some(&'^');
                let first = i + usize::from(negated);
                if p.get(first) == Some(&']') {
                    if !negated {
                        // `[]` matches nothing; Rust has no such class.
                        return None;
                    }
                    out.push_str("(?s:.)");
                    i = first + 1;
                    continue;
                }
                in_class = true;
                out.push('[');
                if negated {
                    out.push('^');
                    i += 1;
                }
            }
            '(' if p.get(i) == Some(&'?') => {
                let lookaround = matches!(p.get(i + 1), Some('=' | '!'))
                    || p.get(i + 1) == Some(&'<') && matches!(p.get(i + 2), Some('=' | '!'));
                if lookaround {
                    return None;
                }
                out.push('(');
            }
            '.' if !in_class => out.push_str(ANY_BUT_LINE_END),
            '{' if !in_class => match quantifier_len(&p[i - 1..]) {
                Some(len) if i > 1 => {
                    out.extend(&p[i - 1..i - 1 + len]);
                    i += len - 1;
                }
                _ => out.push_str(r"\{"),
            },
            '}' if !in_class => out.push_str(r"\}"),
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        compile(pattern)
            .unwrap_or_else(|| panic!("{pattern} compiles"))
            .is_match(s)
    }

    #[test]
    fn ecma_classes_are_ascii() {
        assert!(matches(r"^\d+$", "123"));
        assert!(
            !matches(r"^\d+$", "١٢٣"),
            "Arabic digits are not \\d in ECMAScript"
        );
        assert!(matches(r"^\w+$", "a_1"));
        assert!(!matches(r"^\w+$", "é"));
        assert!(matches(r"^[\w.-]+$", "a.b-c"));
        assert!(matches(r"\bcat\b", "a cat here"));
    }

    #[test]
    fn ecma_literals_rust_reads_as_syntax() {
        assert!(
            matches(r"^[[a]+$", "[a["),
            "`[` is literal inside an ECMAScript class"
        );
        assert!(
            matches(r"^{foo}$", "{foo}"),
            "a brace that starts no quantifier is literal"
        );
        assert!(matches(r"^a{2}$", "aa"));
        assert!(matches(r"^\/v1\/$", "/v1/"));
        assert!(matches(r"^a.b$", "axb"));
        assert!(!matches(r"^a.b$", "a\rb"), "`.` stops at \\r in ECMAScript");
        assert!(matches(r"^\u00e9$", "é"));
    }

    #[test]
    fn patterns_without_a_faithful_translation_are_left_unchecked() {
        assert!(compile(r"^(?=.*\d)\w+$").is_none());
        assert!(compile(r"(a)\1").is_none());
        assert!(compile(r"^\uD83D$").is_none());
        assert!(compile("[a-").is_none());
    }

    #[test]
    fn regex_format() {
        assert!(is_valid_ecma(r"^[a-z]+$"));
        assert!(is_valid_ecma(r"^(?=a)a$"), "lookahead is valid ECMAScript");
        assert!(!is_valid_ecma("(unclosed"));
        assert!(!is_valid_ecma(r"abc\Z"));
    }
}
