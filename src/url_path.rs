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
pub fn without_variables(path: &str) -> String {
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

/// The standard method a name starts with (`GetBook`, `listBooks`, `books/delete-one`: the
/// part after the last `/`) and the HTTP methods that carry it: Get and List read (GET),
/// Create makes (POST), Update changes (PATCH, PUT), Delete deletes (DELETE).
pub fn standard_method(name: &str) -> Option<(&'static str, &'static [&'static str])> {
    let last = name.rsplit('/').next().unwrap_or(name);
    let words = words(last);
    // `get-or-create` is two methods in one, which no single HTTP method carries.
    if words.get(1).is_some_and(|w| w == "or") {
        return None;
    }
    // A name that is only the verb (`get`) is as much a standard method as `getBook`.
    Some(match words.first()?.as_str() {
        "get" => ("Get", &["GET"]),
        "list" => ("List", &["GET"]),
        "create" => ("Create", &["POST"]),
        "update" => ("Update", &["PATCH", "PUT"]),
        "delete" => ("Delete", &["DELETE"]),
        _ => return None,
    })
}

/// Does the path end in a custom method (`/v1/{name=books/*}:archive`)? A custom method says
/// its action itself, with whichever HTTP method fits.
pub fn has_custom_method(path: &str) -> bool {
    without_variables(path)
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains(':'))
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

/// One segment of a path, literals inside template variables included: `/v1/{name=shelves/*}`
/// is `v1`, a variable, `shelves`, a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A literal segment (a custom method's `:suffix` cut off).
    Literal(String),
    /// A template variable (`{id}`, `{id=*}`), or a `*` wildcard inside one.
    Variable,
    /// `**`: the rest of the path, any number of segments.
    Rest,
}

/// The segments of `path`, literal ones inside `google.api.http` templates included.
pub fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, out: &mut Vec<Segment>| {
        let text = std::mem::take(literal);
        let name = text.split(':').next().unwrap_or("");
        if name == "*" {
            out.push(Segment::Variable);
        } else if name == "**" {
            out.push(Segment::Rest);
        } else if !name.is_empty() {
            out.push(Segment::Literal(name.to_string()));
        }
    };
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' => flush(&mut literal, &mut out),
            '{' => {
                flush(&mut literal, &mut out);
                let mut inner = String::new();
                let mut depth = 1;
                for c in chars.by_ref() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    inner.push(c);
                }
                match inner.split_once('=') {
                    // `{name=shelves/*}`: the pattern's own segments.
                    Some((_, pattern)) => out.extend(segments(pattern)),
                    None => out.push(Segment::Variable),
                }
                // A custom method's suffix after the variable (`{id}:cancel`) names no segment.
                if chars.peek() == Some(&':') {
                    while chars.peek().is_some_and(|c| *c != '/') {
                        chars.next();
                    }
                }
            }
            c => literal.push(c),
        }
    }
    flush(&mut literal, &mut out);
    out
}

/// The case convention of literal path segments (`[lint.urls] casing` in treaty.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// `user-profiles`
    Kebab,
    /// `user_profiles`
    Snake,
    /// `userProfiles`
    Camel,
}

impl Casing {
    pub fn parse(text: &str) -> Option<Casing> {
        match text {
            "kebab-case" => Some(Casing::Kebab),
            "snake_case" => Some(Casing::Snake),
            "camelCase" => Some(Casing::Camel),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Casing::Kebab => "kebab-case",
            Casing::Snake => "snake_case",
            Casing::Camel => "camelCase",
        }
    }

    /// Does `segment` follow this convention? Lower-case letters and digits, words joined by
    /// `-` (kebab), `_` (snake) or an upper-case letter (camel).
    pub fn admits(self, segment: &str) -> bool {
        let separated = |sep: char| {
            segment.split(sep).all(|word| {
                !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
        };
        match self {
            Casing::Kebab => separated('-'),
            Casing::Snake => separated('_'),
            Casing::Camel => {
                segment.starts_with(|c: char| c.is_ascii_lowercase())
                    && segment.chars().all(|c| c.is_ascii_alphanumeric())
            }
        }
    }
}

/// How literal path segments are written: the casing, and segments left alone whatever they
/// look like (`[lint.urls]` in treaty.toml).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmentStyle {
    /// `None`: each protocol's own default (kebab-case for OpenAPI paths, camelCase for
    /// `google.api.http` routes, as Google's AIP-122 writes collection ids).
    pub casing: Option<Casing>,
    /// Segments never reported (compared as written): `me`, `OAuth2`, a vendor's name.
    pub exceptions: Vec<String>,
}

impl SegmentStyle {
    pub fn is_exception(&self, segment: &str) -> bool {
        self.exceptions.iter().any(|e| e == segment)
    }
}

/// Segments that name no resource and follow no casing: versions, file and host names
/// (`openapi.json`, `.well-known`), OData's `$metadata`, and other marked names.
pub fn is_conventional_exempt(segment: &str) -> bool {
    is_version(segment)
        || segment.contains('.')
        || segment.starts_with(['$', '@', '~', '_', '-'])
        || !segment.is_ascii()
        || segment.chars().all(|c| c.is_ascii_digit())
}

/// Words that are collections as written though they do not end in `s`, or that end in `s`
/// without being plural, or that take no plural: a segment ending in one is never reported.
const NOT_COUNTED: &[&str] = &[
    // Irregular plurals.
    "people",
    "children",
    "men",
    "women",
    "feet",
    "teeth",
    "mice",
    "geese",
    "data",
    "media",
    "criteria",
    "phenomena",
    "indices",
    "matrices",
    "vertices",
    "appendices",
    "alumni",
    "cacti",
    "fungi",
    "radii",
    "stimuli",
    "syllabi",
    "corpora",
    "genera",
    "personnel",
    "staff",
    "police",
    "cattle",
    "sheep",
    "fish",
    "deer",
    "series",
    "species",
    "aircraft",
    "offspring",
    // Mass nouns and singletons an API names as one thing.
    "metadata",
    "info",
    "information",
    "content",
    "software",
    "hardware",
    "equipment",
    "feedback",
    "health",
    "status",
    "search",
    "auth",
    "oauth",
    "config",
    "configuration",
    "inventory",
    "billing",
    "analytics",
    "weather",
    "traffic",
    "storage",
    "access",
    "history",
    "evidence",
    "news",
    "money",
    "music",
    "me",
    "self",
    "admin",
    "api",
    "rest",
    "public",
    "private",
    "internal",
    "graphql",
    "login",
    "logout",
    "signup",
    "registration",
    "security",
    "compliance",
    "usage",
    "pricing",
    "shipping",
    "tracking",
    "monitoring",
    "logging",
    "debug",
    "latest",
    "current",
    "default",
    "global",
    "stock",
    "mail",
    "email",
    "download",
    "upload",
    "batch",
    "bulk",
    "export",
    "import",
    "sync",
    "lookup",
    "audit",
    "firmware",
    "middleware",
    "research",
    "advice",
    "knowledge",
    "progress",
    "support",
    "help",
    "legal",
    "sandbox",
    "live",
    "test",
    "preview",
    "beta",
    "alpha",
    "stable",
    "master",
    "main",
];

/// Plurals that end in `-us`, which mostly ends singular nouns (status, bonus).
const PLURAL_IN_US: &[&str] = &["menus", "gurus", "haikus", "tutus"];

/// Singular nouns that end in `s` without a singular ending.
const SINGULAR_IN_S: &[&str] = &[
    "alias",
    "atlas",
    "canvas",
    "bias",
    "lens",
    "iris",
    "chassis",
    "tennis",
    "macos",
    "kudos",
    "cors",
    "https",
    "news",
    "physics",
    "mathematics",
    "economics",
    "logistics",
    "ethics",
];

/// A literal segment that names a collection by position (a variable follows it: `users` in
/// `/v1/users/{id}`) and whose last word is singular.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingularCollection {
    pub segment: String,
    pub word: String,
    /// The path up to and with the segment, variables written `{}` (`/v1/user`).
    pub prefix: String,
}

/// The collection segments of `path` whose last word is singular. Verbs, exceptions and
/// segments exempt from conventions are left out.
pub fn singular_collections(path: &str, style: &SegmentStyle) -> Vec<SingularCollection> {
    let segments = segments(path);
    let prefix = |end: usize| -> String {
        segments[..end]
            .iter()
            .map(|s| match s {
                Segment::Literal(name) => format!("/{name}"),
                Segment::Variable => "/{}".to_string(),
                Segment::Rest => "/**".to_string(),
            })
            .collect()
    };
    segments
        .windows(2)
        .enumerate()
        .filter_map(|(i, pair)| match pair {
            [Segment::Literal(name), Segment::Variable] => Some((i, name)),
            _ => None,
        })
        .filter(|(_, name)| {
            !style.is_exception(name)
                && !is_conventional_exempt(name)
                && verb_segment(name).is_none()
                // `usersByEmail`, `termsOfService`: a lookup or a phrase, not a collection.
                && !words(name).iter().any(|w| w == "by" || w == "of")
        })
        .filter_map(|(i, name)| {
            singular_word(name).map(|word| SingularCollection {
                segment: name.clone(),
                word,
                prefix: prefix(i + 1),
            })
        })
        .collect()
}

/// The literal segments of `path` not written in `casing`, in order, each once.
pub fn miscased_segments(path: &str, casing: Casing, style: &SegmentStyle) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut registered = false;
    for segment in segments(path) {
        let Segment::Literal(name) = segment else {
            continue;
        };
        // What follows `/.well-known/` is a registered name (`openid-configuration`).
        let after_well_known = std::mem::replace(&mut registered, name == ".well-known");
        // A verb is `path-has-verb`'s finding, a query string `path-query-string`'s.
        if after_well_known
            || name.contains('?')
            || verb_segment(&name).is_some()
            || style.is_exception(&name)
            || is_conventional_exempt(&name)
            || casing.admits(&name)
        {
            continue;
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Is the last word of a literal segment singular (so not a collection name)? `None` when
/// English cannot tell from the word alone: too short, digits, a word that takes no plural.
pub fn singular_word(segment: &str) -> Option<String> {
    let word = words(segment).pop()?;
    // Three letters or fewer are mostly acronyms (`dns`, `faq`, `sms`).
    if word.len() < 4 || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    // Gerunds and participles name a relation or a state (`following`, `starred`), not a noun.
    if NOT_COUNTED.contains(&word.as_str()) || word.ends_with("ing") || word.ends_with("ed") {
        return None;
    }
    // A word ending in `s` is taken for a plural unless its ending or the word itself is
    // singular (address, status, analysis, alias); the irregular plurals are listed above.
    let singular_ending = (word.ends_with("ss")
        || word.ends_with("sis")
        || word.ends_with("xis")
        // `skus`, `cpus`: four letters ending `-us` are acronyms' plurals.
        || (word.ends_with("us") && word.len() > 4))
        && !PLURAL_IN_US.contains(&word.as_str());
    let plural = word.ends_with('s') && !singular_ending && !SINGULAR_IN_S.contains(&word.as_str());
    (!plural).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_methods_are_read_from_the_first_word_of_a_name() {
        assert_eq!(standard_method("GetBook").map(|m| m.0), Some("Get"));
        assert_eq!(
            standard_method("issues/list-for-repo").map(|m| m.0),
            Some("List")
        );
        assert_eq!(
            standard_method("delete_user").map(|m| m.1),
            Some(&["DELETE"][..])
        );
        assert_eq!(standard_method("get-or-create-authorization"), None);
        assert_eq!(standard_method("Getaway"), None);
        assert_eq!(standard_method("ArchiveBook"), None);
        assert!(has_custom_method("/v1/{name=books/*}:archive"));
        assert!(!has_custom_method("/v1/books/{id}"));
    }

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

    #[test]
    fn segments_include_literals_inside_templates() {
        use Segment::{Literal, Rest, Variable};
        let lit = |s: &str| Literal(s.to_string());
        assert_eq!(
            segments("/v1/{name=shelves/*/books/*}:get"),
            [lit("v1"), lit("shelves"), Variable, lit("books"), Variable]
        );
        assert_eq!(
            segments("/v1/users/{id}:cancel/"),
            [lit("v1"), lit("users"), Variable]
        );
        assert_eq!(
            segments("/v1/{path=files/**}"),
            [lit("v1"), lit("files"), Rest]
        );
    }

    #[test]
    fn singular_collections_are_those_a_variable_follows() {
        let style = SegmentStyle::default();
        let found = |path: &str| -> Vec<String> {
            singular_collections(path, &style)
                .into_iter()
                .map(|c| c.segment)
                .collect()
        };
        assert_eq!(
            found("/v1/user/{id}/order-item/{item}"),
            ["user", "order-item"]
        );
        assert_eq!(found("/v1/{name=shelf/*}"), ["shelf"]);
        for path in [
            "/v1/users/{id}",
            "/v1/people/{id}",
            "/v1/addresses/{id}",
            "/v1/status/{id}",
            "/v1/skus/{id}",
            "/v1/menus/{id}",
            "/v1/aliases/{id}",
            "/v1/user",
            "/v1/users/me",
            "/v1/{parent=projects/*}/file/**",
            "/api/{version}/users",
            "/v1/users/by-email/{email}",
            "/v1/termsOfService/{id}",
            "/v1/dns/{name}",
            "/v2/{id}",
            "/v1/user/following/{name}",
            "/v1/user/starred/{owner}",
        ] {
            assert_eq!(found(path), Vec::<String>::new(), "{path}");
        }
        let except = SegmentStyle {
            casing: None,
            exceptions: vec!["user".into()],
        };
        assert!(singular_collections("/v1/user/{id}", &except).is_empty());
        assert_eq!(
            singular_collections("/v1/{name=shelf/*}/book/{id}", &style)[1].prefix,
            "/v1/shelf/{}/book"
        );
    }

    #[test]
    fn casings() {
        for (casing, good, bad) in [
            (
                Casing::Kebab,
                ["user-profiles", "users", "v2beta"],
                ["userProfiles", "user_profiles", "Users"],
            ),
            (
                Casing::Snake,
                ["user_profiles", "users", "a1"],
                ["userProfiles", "user-profiles", "Users"],
            ),
            (
                Casing::Camel,
                ["userProfiles", "users", "a1b"],
                ["UserProfiles", "user-profiles", "user_profiles"],
            ),
        ] {
            for g in good {
                assert!(casing.admits(g), "{} {g}", casing.as_str());
            }
            for b in bad {
                assert!(!casing.admits(b), "{} {b}", casing.as_str());
            }
        }
        let style = SegmentStyle::default();
        assert_eq!(
            miscased_segments(
                "/v1/userProfiles/{id}/getThings/.well-known/openid_configuration/$metadata/items?sort_by=a",
                Casing::Kebab,
                &style
            ),
            ["userProfiles"]
        );
    }
}
