//! Suppression by comment: `// buf:lint:ignore ENUM_VALUE_PREFIX` (buf's syntax, honoured as
//! buf does, for lint findings: by default in v2 configs, only with `allow_comment_ignores` in
//! v1) and treaty's own `// treaty:ignore proto/enum-value-prefix <reason>` (any id or alias,
//! and a reason, which a reviewer reads) in the comment lines right above the element a finding
//! is about, or, as buf cascades them, above a declaration that encloses it. treaty's own works
//! for lint and breaking findings alike; [`check_treaty_ignores`] refuses one without a reason
//! or naming no rule, so a suppression never silently does nothing.

use crate::diag::InputError;
use crate::finding::Location;
use crate::proto::ast::Message;
use crate::proto::lexer::comment_lines;
use crate::proto::model::SourceProto;
use crate::rules::RuleId;
use crate::span::Span;

/// Can a comment in `text` silence anything? Most files have none: they are not split into lines.
pub fn has_ignores(text: &str) -> bool {
    // One pass over the text for the part both share: most files hold neither.
    memchr::memmem::find(text.as_bytes(), b":ignore").is_some()
        && (text.contains("lint:ignore") || text.contains("treaty:ignore"))
}

/// Which comments count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Honoured {
    /// `// buf:lint:ignore ID`.
    pub buf: bool,
    /// `// treaty:ignore RULE reason`.
    pub treaty: bool,
}

/// buf's directive: `// buf:lint:ignore RULE_ID` right above an element.
pub const BUF_IGNORE_DIRECTIVE: &str = "buf:lint:ignore";

/// Does the directive in comment line `comment` (markers stripped, trimmed) name `rule`?
fn silences(rule: RuleId, comment: &str, honoured: Honoured) -> bool {
    let doc = rule.doc();
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
        honoured.buf
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
        honoured.treaty && named && reason
    } else {
        false
    }
}

/// Is `rule` silenced at `at` (1-based line and column) of `file`, whose lines are `lines`?
/// Either by the comment lines directly above that line, or, as buf cascades them, by the
/// comment above a declaration that encloses it (a message for its fields and nested types,
/// an enum for its values, a service for its RPCs).
pub fn ignored_by_comment(
    rule: RuleId,
    at: (u32, u32),
    file: &SourceProto,
    lines: &[&str],
    honoured: Honoured,
) -> bool {
    let line = at.0 as usize;
    let above = &lines[..line.saturating_sub(1).min(lines.len())];
    for comment in above.iter().rev().map(|l| l.trim()) {
        let Some(comment) = comment.strip_prefix("//") else {
            break;
        };
        if silences(rule, comment.trim(), honoured) {
            return true;
        }
    }
    enclosing_declarations(file, at)
        .into_iter()
        .filter_map(|decl| file.ast.leading_comment(decl))
        .any(|comment| {
            let text = &file.text[comment.start as usize..comment.end as usize];
            comment_lines(text).any(|line| silences(rule, line.trim(), honoured))
        })
}

/// The spans of the messages, enums and services that enclose the position `at` (line and
/// column), outermost first.
fn enclosing_declarations(file: &SourceProto, at: (u32, u32)) -> Vec<Span> {
    let contains = |span: Span| {
        let start = file.lines().position(&file.text, span.start);
        let end = file.lines().position(&file.text, span.end);
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

/// Every `// treaty:ignore` comment of `text` (the file `path`) that cannot work, as an error
/// at its place: no rule named, a name that is no rule's (with the nearest one), or no reason.
pub fn check_treaty_ignores(path: &str, text: &str) -> Vec<InputError> {
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(slashes) = line.find("//") else {
            continue;
        };
        let comment = line[slashes + 2..].trim_start();
        let Some(rest) = comment.strip_prefix("treaty:ignore") else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let column = |text: &str| {
            let byte = text.as_ptr() as usize - line.as_ptr() as usize;
            line[..byte].chars().count() as u32 + 1
        };
        let at = |text: &str| Location::point(path, i as u32 + 1, column(text));
        let mut words = rest.split_whitespace();
        let message = match words.next() {
            None => Some((
                at(comment),
                "`treaty:ignore` names no rule: write `// treaty:ignore RULE reason`".to_string(),
            )),
            Some(token) => match crate::rules::suppressed_rule(token) {
                Err(message) => Some((at(token), message)),
                Ok(_) if words.next().is_none() => Some((
                    at(token),
                    format!(
                        "`treaty:ignore {token}` gives no reason: say why, after the rule, for \
                         the reviewer"
                    ),
                )),
                Ok(_) => None,
            },
        };
        if let Some((location, message)) = message {
            errors.push(InputError::at(message, location, None));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(_line: u32) -> RuleId {
        RuleId::of("proto/enum-value-prefix")
    }

    fn file(text: &str) -> SourceProto {
        SourceProto {
            ast: crate::proto::parser::parse("a.proto", text).unwrap(),
            display: "a.proto".into(),
            text: text.into(),
            lines: Default::default(),
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
        let ignored = |line, buf| {
            let honoured = Honoured { buf, treaty: true };
            ignored_by_comment(finding(line), (line, 1), &proto, &lines, honoured)
        };
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
        let both = Honoured {
            buf: true,
            treaty: true,
        };
        assert!(ignored_by_comment(finding(5), (5, 7), &proto, &lines, both));
        assert!(
            !ignored_by_comment(finding(10), (10, 3), &proto, &lines, both),
            "F is outside M"
        );
    }

    #[test]
    fn a_treaty_ignore_that_cannot_work_is_an_error_at_its_place() {
        let text = "// treaty:ignore\nmessage M {\n  // treaty:ignore proto/field-same-typ old\n  // treaty:ignore buf:FIELD_SAME_TYPE\n  // treaty:ignore proto/field-same-type fine, and why\n  // treaty:ignore FILE too many\n  int32 a = 1; // treaty:ignorance is bliss\n}\n";
        let errors: Vec<String> = check_treaty_ignores("a.proto", text)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errors,
            [
                "a.proto:1:4: `treaty:ignore` names no rule: write `// treaty:ignore RULE reason`",
                "a.proto:3:20: unknown rule, alias or category `proto/field-same-typ`; did you mean `proto/field-same-type`?",
                "a.proto:4:20: `treaty:ignore buf:FIELD_SAME_TYPE` gives no reason: say why, after the rule, for the reviewer",
                "a.proto:6:20: `FILE` names a group of rules; a suppression names one rule, by id or alias",
            ]
        );
    }
}
