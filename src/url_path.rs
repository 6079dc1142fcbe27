//! URL path conventions of the API guide, shared by the lint rules of both protocols
//! (OpenAPI paths, `google.api.http` bindings): the words of a segment, verbs, versions.

/// Words that make a path segment an action rather than a resource when the segment starts
/// with them. Words that are as often nouns or accepted action resources (`search`, `login`,
/// `export`, `post`, `set`, `make`, `cancel`, ...) are left out: a false alarm costs more trust
/// than a missed verb.
const VERBS: &[&str] = &[
    "get", "list", "create", "update", "delete", "remove", "add", "fetch", "retrieve", "insert",
    "modify", "edit", "save", "submit", "process", "execute", "perform",
];

/// A path with each template variable (`{id}`, `{name=shelves/*}`) replaced by `{}`, so that
/// splitting it at `/` gives its segments.
fn without_variables(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The segments of a path that name something: template variables and a custom method's
/// suffix (`{id}:cancel`, which the guide accepts) are not names.
fn named_segments(path: &str) -> Vec<String> {
    without_variables(path)
        .split('/')
        .map(|segment| segment.split(':').next().unwrap_or(segment))
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{'))
        .map(str::to_string)
        .collect()
}

/// A segment's words, lower case: split at `-`, `_`, `.` and where camelCase turns upper.
fn words(segment: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in segment.chars() {
        let boundary = matches!(c, '-' | '_' | '.') || (c.is_uppercase() && previous_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !matches!(c, '-' | '_' | '.') {
            word.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The first segment of `path` that starts with a verb, and the verb.
pub fn verb_segment(path: &str) -> Option<(String, String)> {
    named_segments(path).into_iter().find_map(|segment| {
        let first = words(&segment).into_iter().next()?;
        VERBS.contains(&first.as_str()).then_some((segment, first))
    })
}

/// `v1`, `v2`, `v1beta1`, `v2alpha`, `v1.2`: a version segment.
pub fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && rest[digits..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// Does a segment of `path` (outside template variables) name a version?
pub fn has_version(path: &str) -> bool {
    version_of(path).is_some()
}

/// The first version segment of `path`, outside template variables.
pub fn version_of(path: &str) -> Option<String> {
    without_variables(path)
        .split('/')
        .map(|segment| segment.split(':').next().unwrap_or(segment))
        .find(|segment| is_version(segment))
        .map(str::to_string)
}

/// The major version of a version segment or package component: `v2beta1` -> 2.
pub fn major(version: &str) -> Option<u64> {
    let digits: String = version
        .strip_prefix('v')?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_are_found_in_any_casing() {
        for (path, verb) in [
            ("/getUsers", "get"),
            ("/v1/users/{id}/delete", "delete"),
            ("/create-order", "create"),
            ("/v1/process_payment", "process"),
            ("/ListThings", "list"),
        ] {
            assert_eq!(
                verb_segment(path).map(|(_, v)| v),
                Some(verb.into()),
                "{path}"
            );
        }
        assert_eq!(
            verb_segment("/v1/{name=shelves/*}/getBooks:list").map(|(s, _)| s),
            Some("getBooks".into())
        );
        for path in [
            "/v1/{name=shelves/*}/books:get",
            "/v1/users",
            "/v1/orders/{id}:cancel",
            "/v1/updates",
            "/v1/getaway",
            "/v1/{getId}",
            "/v1/search",
            "/v1/user-settings",
        ] {
            assert_eq!(verb_segment(path), None, "{path}");
        }
    }

    #[test]
    fn version_segments() {
        assert_eq!(version_of("/{name=v2/*}/v1/books").as_deref(), Some("v1"));
        assert_eq!(major("v2beta1"), Some(2));
        for s in ["v1", "v2", "v1beta1", "v2alpha", "v10", "v1.2"] {
            assert!(is_version(s), "{s}");
        }
        for s in ["v", "version1", "va", "1", "v-1", "api"] {
            assert!(!is_version(s), "{s}");
        }
    }
}
