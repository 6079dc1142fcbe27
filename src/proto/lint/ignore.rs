//! Suppression by comment: `// buf:lint:ignore ENUM_VALUE_PREFIX` (buf's syntax, honoured as
//! buf does: by default in v2 configs, only with `allow_comment_ignores` in v1) and treaty's own
//! `// treaty:ignore proto/enum-value-prefix <reason>` (any id or alias, and a reason, which a
//! reviewer reads) in the comment lines right above the element a finding is about.

use crate::finding::Finding;
use crate::proto::ast::Message;
use crate::proto::lexer::comment_lines;
use crate::proto::model::SourceProto;
use crate::span::Span;

/// Can a comment in `text` silence anything? Most files have none: they are not split into lines.
pub fn has_ignores(text: &str) -> bool {
    text.contains("lint:ignore") || text.contains("treaty:ignore")
}

/// buf's directive: `// buf:lint:ignore RULE_ID` right above an element.
pub const BUF_IGNORE_DIRECTIVE: &str = "buf:lint:ignore";

/// Does the directive in comment line `comment` (markers stripped, trimmed) name `f`'s rule?
/// `buf_ignores`: whether `buf:lint:ignore` directives count.
fn silences(f: &Finding, comment: &str, buf_ignores: bool) -> bool {
    let doc = f.rule.doc();
    let names = |token: &str| {
        token == doc.id
            || doc.aliases.iter().any(|alias| {
                alias.eq_ignore_ascii_case(token)
                    || alias
                        .split_once(':')
                        .is_some_and(|(_, bare)| bare.eq_ignore_ascii_case(token))
            })
    };
    if let Some(rest) = comment.strip_prefix(BUF_IGNORE_DIRECTIVE) {
        // buf reads `buf:lint:ignore ID` as a prefix of the line: `ID, OTHER` and
        // `ID more words` name ID (only), `buf:lint:ignoreID` nothing.
        let Some(rest) = rest.strip_prefix(' ') else {
            return false;
        };
        let prefixed = |name: &str| {
            rest.get(..name.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(name))
        };
        buf_ignores
            && (prefixed(doc.id)
                || doc
                    .aliases
                    .iter()
                    .filter_map(|alias| alias.strip_prefix("buf:"))
                    .any(prefixed))
    } else if let Some(rest) = comment.strip_prefix("treaty:ignore") {
        let mut words = rest.split_whitespace();
        let named = words.next().is_some_and(names);
        let reason = words.next().is_some();
        named && reason
    } else {
        false
    }
}

/// Is `f` (a finding in `file`, whose lines are `lines`) silenced by a comment? Either in the
/// comment lines directly above the line it points at, or, as buf cascades them, in the
/// comment above a declaration that encloses it (a message for its fields and nested types,
/// an enum for its values, a service for its RPCs). `buf_ignores`: whether
/// `buf:lint:ignore` comments count.
pub fn ignored_by_comment(
    f: &Finding,
    file: &SourceProto,
    lines: &[&str],
    buf_ignores: bool,
) -> bool {
    let line = f.location.line as usize;
    let above = &lines[..line.saturating_sub(1).min(lines.len())];
    for comment in above.iter().rev().map(|l| l.trim()) {
        let Some(comment) = comment.strip_prefix("//") else {
            break;
        };
        if silences(f, comment.trim(), buf_ignores) {
            return true;
        }
    }
    enclosing_declarations(file, (f.location.line, f.location.column))
        .into_iter()
        .filter_map(|decl| file.ast.leading_comment(decl))
        .any(|comment| {
            let text = &file.text[comment.start as usize..comment.end as usize];
            comment_lines(text).any(|line| silences(f, line.trim(), buf_ignores))
        })
}

/// The spans of the messages, enums and services that enclose the position `at` (line and
/// column), outermost first.
fn enclosing_declarations(file: &SourceProto, at: (u32, u32)) -> Vec<Span> {
    let contains = |span: Span| {
        let start = file.lines.position(&file.text, span.start);
        let end = file.lines.position(&file.text, span.end);
        start <= at && at < end
    };
    let mut out = Vec::new();
    let mut messages: Vec<&Message> = file.ast.messages.iter().collect();
    while let Some(message) = messages.iter().copied().find(|m| contains(m.span)) {
        out.push(message.span);
        out.extend(
            message
                .enums
                .iter()
                .map(|e| e.span)
                .filter(|&span| contains(span)),
        );
        messages = message.messages.iter().collect();
    }
    out.extend(
        file.ast
            .enums
            .iter()
            .map(|e| e.span)
            .chain(file.ast.services.iter().map(|s| s.span))
            .filter(|&span| contains(span)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Revision};
    use crate::rules::RuleId;

    fn finding(line: u32) -> Finding {
        let location = Location {
            file: "a.proto".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
        };
        Finding {
            rule: RuleId::of("proto/enum-value-prefix"),
            severity: crate::Severity::Warning,
            message: String::new(),
            location,
            revision: Revision::New,
            related: None,
            operation: None,
        }
    }

    fn file(text: &str) -> SourceProto {
        SourceProto {
            ast: crate::proto::parser::parse("a.proto", text).unwrap(),
            display: "a.proto".into(),
            text: text.into(),
            lines: crate::span::LineIndex::new(text),
            blob: None,
            context: false,
        }
    }

    #[test]
    fn comments_right_above_the_element_silence_it() {
        let text: &str = "enum E {\n  // buf:lint:ignore ENUM_VALUE_PREFIX\n  A = 0;\n  // treaty:ignore proto/enum-value-prefix legacy wire name\n  // more words\n  B = 1;\n  // treaty:ignore buf:ENUM_VALUE_PREFIX\n  C = 2;\n\n  // buf:lint:ignore ENUM_VALUE_PREFIX\n\n  D = 3;\n  // buf:lint:ignore ENUM_VALUE_PREFIX, ENUM_ZERO_VALUE_SUFFIX\n  E = 4;\n  // buf:lint:ignoreENUM_VALUE_PREFIX\n  F = 5;\n}\n";
        assert!(has_ignores(text));
        let proto = file(text);
        let lines: Vec<&str> = text.lines().collect();
        let ignored = |line, buf| ignored_by_comment(&finding(line), &proto, &lines, buf);
        assert!(ignored(3, true));
        assert!(!ignored(3, false), "buf's switch is off");
        assert!(ignored(6, false), "treaty's own, with a reason");
        assert!(!ignored(8, true), "no reason given");
        assert!(!ignored(12, true), "a blank line between");
        assert!(ignored(14, true), "buf reads the id as a prefix");
        assert!(!ignored(16, true), "no space after the directive");
    }

    #[test]
    fn a_comment_above_a_declaration_silences_what_it_encloses() {
        let text = "// buf:lint:ignore ENUM_VALUE_PREFIX\nmessage M {\n  message N {\n    enum E {\n      A = 0;\n    }\n  }\n}\nenum F {\n  B = 0;\n}\n";
        let proto = file(text);
        let lines: Vec<&str> = text.lines().collect();
        assert!(ignored_by_comment(&finding(5), &proto, &lines, true));
        assert!(
            !ignored_by_comment(&finding(10), &proto, &lines, true),
            "F is outside M"
        );
    }
}
