//! Suppression by comment: `// buf:lint:ignore ENUM_VALUE_PREFIX` (buf's syntax, honoured as
//! buf does: by default in v2 configs, only with `allow_comment_ignores` in v1) and treaty's own
//! `// treaty:ignore proto/enum-value-prefix <reason>` (any id or alias, and a reason, which a
//! reviewer reads) in the comment lines right above the element a finding is about.

use crate::finding::Finding;

/// Can a comment in `text` silence anything? Most files have none: they are not split into lines.
pub fn has_ignores(text: &str) -> bool {
    text.contains("lint:ignore") || text.contains("treaty:ignore")
}

/// Is `f` (a finding in a file whose lines are `lines`) silenced by a comment line directly
/// above the line it points at? `buf_ignores`: whether `buf:lint:ignore` comments count.
pub fn ignored_by_comment(f: &Finding, lines: &[&str], buf_ignores: bool) -> bool {
    let line = f.location.line as usize;
    let lines = &lines[..line.saturating_sub(1).min(lines.len())];
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
    for comment in lines.iter().rev().map(|l| l.trim()) {
        let Some(comment) = comment.strip_prefix("//") else {
            break;
        };
        let comment = comment.trim();
        if let Some(rest) = comment.strip_prefix("buf:lint:ignore") {
            if buf_ignores && rest.split_whitespace().next().is_some_and(names) {
                return true;
            }
        } else if let Some(rest) = comment.strip_prefix("treaty:ignore") {
            let mut words = rest.split_whitespace();
            let named = words.next().is_some_and(names);
            let reason = words.next().is_some();
            if named && reason {
                return true;
            }
        }
    }
    false
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
}
