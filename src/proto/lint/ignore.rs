//! Suppression by comment: `// buf:lint:ignore ENUM_VALUE_PREFIX` (buf's syntax, honoured as
//! buf does, for lint findings: by default in v2 configs, only with `allow_comment_ignores` in
//! v1) and treaty's own `// treaty:ignore proto/enum-value-prefix <reason>` (any id or alias,
//! and a reason, which a reviewer reads) in the comment lines right above the element a finding
//! is about. treaty's own works for lint and breaking findings alike; [`check_treaty_ignores`]
//! refuses one without a reason or naming no rule, so a suppression never silently does nothing.

use crate::diag::InputError;
use crate::finding::{Finding, Location};
use crate::rules::RuleId;

/// Can a comment in `text` silence anything? Most files have none: they are not split into lines.
pub fn has_ignores(text: &str) -> bool {
    text.contains("lint:ignore") || text.contains("treaty:ignore")
}

/// Which comments count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Honoured {
    /// `// buf:lint:ignore ID`.
    pub buf: bool,
    /// `// treaty:ignore RULE reason`.
    pub treaty: bool,
}

/// Is `f` (a finding in a file whose lines are `lines`) silenced by a comment line directly
/// above the line it points at? `buf_ignores`: whether `buf:lint:ignore` comments count.
pub fn ignored_by_comment(f: &Finding, lines: &[&str], buf_ignores: bool) -> bool {
    let honoured = Honoured {
        buf: buf_ignores,
        treaty: true,
    };
    ignored_at(f.rule, f.location.line, lines, honoured)
}

/// Is `rule` silenced at `line` (1-based) of a file whose lines are `lines`, by the comment
/// lines directly above it?
pub fn ignored_at(rule: RuleId, line: u32, lines: &[&str], honoured: Honoured) -> bool {
    let line = line as usize;
    let lines = &lines[..line.saturating_sub(1).min(lines.len())];
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
    for comment in lines.iter().rev().map(|l| l.trim()) {
        let Some(comment) = comment.strip_prefix("//") else {
            break;
        };
        let comment = comment.trim();
        if let Some(rest) = comment.strip_prefix("buf:lint:ignore") {
            if honoured.buf && rest.split_whitespace().next().is_some_and(names) {
                return true;
            }
        } else if let Some(rest) = comment.strip_prefix("treaty:ignore") {
            let mut words = rest.split_whitespace();
            let named = words.next().is_some_and(names);
            let reason = words.next().is_some();
            if honoured.treaty && named && reason {
                return true;
            }
        }
    }
    false
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

    #[test]
    fn comments_right_above_the_element_silence_it() {
        let text: &str = "enum E {\n  // buf:lint:ignore ENUM_VALUE_PREFIX\n  A = 0;\n  // treaty:ignore proto/enum-value-prefix legacy wire name\n  // more words\n  B = 1;\n  // treaty:ignore buf:ENUM_VALUE_PREFIX\n  C = 2;\n\n  // buf:lint:ignore ENUM_VALUE_PREFIX\n\n  D = 3;\n}\n";
        assert!(has_ignores(text));
        let text: Vec<&str> = text.lines().collect();
        let text = text.as_slice();
        assert!(ignored_by_comment(&finding(3), text, true));
        assert!(
            !ignored_by_comment(&finding(3), text, false),
            "buf's switch is off"
        );
        assert!(
            ignored_by_comment(&finding(6), text, false),
            "treaty's own, with a reason"
        );
        assert!(
            !ignored_by_comment(&finding(8), text, true),
            "no reason given"
        );
        assert!(
            !ignored_by_comment(&finding(12), text, true),
            "a blank line between"
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
