//! The `format`s a value is checked against, as Spectral checks them by default (through
//! ajv-formats' full mode): dates and times, URIs, e-mail addresses, host names, IP addresses,
//! UUIDs, JSON pointers, base64 (`byte`), ECMAScript regexes, and the integer widths `int32` and
//! `int64`. Every other format (`password`, `binary`, `float`, a made-up one) accepts any value.

use std::net::Ipv6Addr;

/// Does `s` conform to the string format `format`? `None` when the format is not checked on
/// strings.
pub fn string_format(format: &str, s: &str) -> Option<bool> {
    Some(match format {
        "date" => is_date(s),
        "time" => is_time(s, false),
        "date-time" => is_date_time(s),
        "duration" => is_duration(s),
        "uri" => is_uri(s, false),
        "uri-reference" => is_uri(s, true),
        "url" => is_url(s),
        "email" => is_email(s),
        "hostname" => is_hostname(s),
        "ipv4" => is_ipv4(s),
        "ipv6" => s.parse::<Ipv6Addr>().is_ok(),
        "uuid" => is_uuid(s),
        "json-pointer" => is_json_pointer(s),
        "relative-json-pointer" => is_relative_json_pointer(s),
        "byte" => is_base64(s),
        "regex" => super::pattern::is_valid_ecma(s),
        _ => return None,
    })
}

/// Does the number `n` conform to the numeric format `format`? `None` when the format is not
/// checked on numbers.
pub fn number_format(format: &str, n: f64) -> Option<bool> {
    const I32: std::ops::RangeInclusive<f64> = (i32::MIN as f64)..=(i32::MAX as f64);
    Some(match format {
        "int32" => is_whole(n) && I32.contains(&n),
        "int64" => is_whole(n),
        _ => return None,
    })
}

pub fn is_whole(n: f64) -> bool {
    n.is_finite() && n.fract() == 0.0
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// `YYYY-MM-DD`, a day that exists.
fn is_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `HH:MM:SS`, optional fraction, then a zone (`Z`, `+HH`, `+HHMM`, `+HH:MM`), which a
/// date-time requires.
fn is_time(s: &str, zone_required: bool) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (
        digits(&s[0..2], 2),
        digits(&s[3..5], 2),
        digits(&s[6..8], 2),
    ) else {
        return false;
    };
    if !((h <= 23 && m <= 59 && sec <= 59) || (h == 23 && m == 59 && sec == 60)) {
        return false;
    }
    let mut rest = &s[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [] => !zone_required,
        [b'z' | b'Z'] => true,
        [b'+' | b'-', zone @ ..] => {
            let all_digits = |z: &[u8]| z.iter().all(u8::is_ascii_digit);
            match zone {
                [_, _] | [_, _, _, _] => all_digits(zone),
                [a, b, b':', c, d] => all_digits(&[*a, *b, *c, *d]),
                _ => false,
            }
        }
        _ => false,
    }
}

/// A date and a zoned time, separated by `T` or a space.
fn is_date_time(s: &str) -> bool {
    let mut parts = s.split(|c: char| c == 't' || c == 'T' || c.is_whitespace());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(date), Some(time), None) => is_date(date) && is_time(time, true),
        _ => false,
    }
}

/// ISO 8601 durations: `P3Y6M4DT12H30M5S`, `PT1M`, `P2W`; whole numbers only.
fn is_duration(s: &str) -> bool {
    let Some(body) = s.strip_prefix('P') else {
        return false;
    };
    if body.is_empty() {
        return false;
    }
    // A run of `<digits><unit>` parts with units in the given order.
    let units = |text: &str, order: &[u8]| -> bool {
        let mut next = 0;
        let mut rest = text.as_bytes();
        while !rest.is_empty() {
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let Some(&unit) = rest.get(n) else {
                return false;
            };
            match order[next..].iter().position(|&u| u == unit) {
                Some(i) if n > 0 => next += i + 1,
                _ => return false,
            }
            rest = &rest[n + 1..];
        }
        true
    };
    if body.ends_with('W') {
        return units(body, b"W");
    }
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    units(date, b"YMD")
        && time.is_none_or(|t| t.starts_with(|c: char| c.is_ascii_digit()) && units(t, b"HMS"))
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Every byte of `s` is in `allowed` or starts a `%XX` escape.
fn all_chars(s: &[u8], allowed: impl Fn(u8) -> bool) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            if !(i + 2 < s.len() && s[i + 1].is_ascii_hexdigit() && s[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
        } else if allowed(s[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_pchar(c: u8) -> bool {
    is_unreserved(c) || is_sub_delim(c) || c == b':' || c == b'@'
}

/// RFC 3986: a URI (`scheme:` required), or with `reference` a URI or a relative reference.
fn is_uri(s: &str, reference: bool) -> bool {
    let b = s.as_bytes();
    let scheme_len = b
        .iter()
        .position(|&c| matches!(c, b':' | b'/' | b'?' | b'#'))
        .filter(|&i| b[i] == b':')
        .filter(|&i| {
            i > 0
                && b[0].is_ascii_alphabetic()
                && b[1..i]
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        });
    let rest = match scheme_len {
        Some(i) => &b[i + 1..],
        None if reference => b,
        None => return false,
    };
    let (rest, fragment) = match rest.iter().position(|&c| c == b'#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (hier, query) = match rest.iter().position(|&c| c == b'?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let tail_ok = |part: Option<&[u8]>| {
        part.is_none_or(|p| all_chars(p, |c| is_pchar(c) || c == b'/' || c == b'?'))
    };
    if !tail_ok(query) || !tail_ok(fragment) {
        return false;
    }
    // An absolute URI needs something after its scheme.
    if hier.is_empty() {
        return reference;
    }
    let path_ok = |p: &[u8]| all_chars(p, |c| is_pchar(c) || c == b'/');
    match hier.strip_prefix(b"//") {
        Some(after) => {
            let end = after.iter().position(|&c| c == b'/').unwrap_or(after.len());
            is_authority(&after[..end]) && path_ok(&after[end..])
        }
        None => path_ok(hier),
    }
}

/// `[userinfo@]host[:port]`, host a name or a bracketed IP literal.
fn is_authority(a: &[u8]) -> bool {
    let (userinfo, host_port) = match a.iter().rposition(|&c| c == b'@') {
        Some(i) => (Some(&a[..i]), &a[i + 1..]),
        None => (None, a),
    };
    if userinfo.is_some_and(|u| !all_chars(u, |c| is_unreserved(c) || is_sub_delim(c) || c == b':'))
    {
        return false;
    }
    let (host, port) = if host_port.first() == Some(&b'[') {
        let Some(close) = host_port.iter().position(|&c| c == b']') else {
            return false;
        };
        let literal = &host_port[1..close];
        let ok = std::str::from_utf8(literal).is_ok_and(|l| {
            l.parse::<Ipv6Addr>().is_ok() || l.starts_with(['v', 'V']) && l.contains('.')
        });
        if !ok {
            return false;
        }
        (&host_port[..0], &host_port[close + 1..])
    } else {
        match host_port.iter().position(|&c| c == b':') {
            Some(i) => (&host_port[..i], &host_port[i..]),
            None => (host_port, &host_port[..0]),
        }
    };
    all_chars(host, |c| is_unreserved(c) || is_sub_delim(c))
        && (port.is_empty() || port[0] == b':' && port[1..].iter().all(u8::is_ascii_digit))
}

/// `http`, `https` or `ftp` URLs to a public host name or address (what ajv-formats' `url`
/// accepts: a dotted name with an alphabetic top-level domain, or a public IPv4 address).
fn is_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://", "ftp://"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
    else {
        return false;
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if path.chars().any(char::is_whitespace) {
        return false;
    }
    let host_port = match authority.rfind('@') {
        Some(i) if !authority[..i].chars().any(char::is_whitespace) && i > 0 => &authority[i + 1..],
        Some(_) => return false,
        None => authority,
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host_port, None),
    };
    if port.is_some_and(|p| !(2..=5).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    if let Some(octets) = ipv4_octets(host) {
        let [a, b, _, d] = octets;
        let private = a == 10 || a == 127 || (a, b) == (169, 254) || (a, b) == (192, 168);
        let private = private || a == 172 && (16..=31).contains(&b);
        return !private && (1..=223).contains(&a) && (1..=254).contains(&d);
    }
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && !l.contains("--")
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c >= '\u{a1}')
    };
    let tld = labels.last().copied().unwrap_or("");
    labels.len() >= 2
        && labels.iter().all(|l| label_ok(l))
        && tld.chars().count() >= 2
        && tld
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c >= '\u{a1}')
}

/// `local@domain`: dot-separated atoms, and a domain of at least two labels.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let atom_char = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&c);
    let local_ok = local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.bytes().all(atom_char));
    let labels: Vec<&str> = domain.split('.').collect();
    local_ok && labels.len() >= 2 && labels.iter().all(|l| is_label(l))
}

/// A DNS label: letters, digits and inner hyphens, at most 63 characters.
fn is_label(l: &str) -> bool {
    (1..=63).contains(&l.len())
        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

fn is_hostname(s: &str) -> bool {
    let name = s.strip_suffix('.').unwrap_or(s);
    (1..=253).contains(&name.len()) && name.split('.').all(is_label)
}

/// Four decimal numbers up to 255 (leading zeros allowed, as ajv-formats allows them).
fn ipv4_octets(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for slot in &mut out {
        let p = parts.next()?;
        if !(1..=3).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

fn is_ipv4(s: &str) -> bool {
    ipv4_octets(s).is_some()
}

fn is_uuid(s: &str) -> bool {
    let s = match s.get(..9) {
        Some(p) if p.eq_ignore_ascii_case("urn:uuid:") => &s[9..],
        _ => s,
    };
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// RFC 6901: empty, or `/`-led segments where `~` is only `~0` or `~1`.
fn is_json_pointer(s: &str) -> bool {
    (s.is_empty() || s.starts_with('/')) && s.split('~').skip(1).all(|t| t.starts_with(['0', '1']))
}

fn is_relative_json_pointer(s: &str) -> bool {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at(n);
    !number.is_empty()
        && (number == "0" || !number.starts_with('0'))
        && (rest == "#" || is_json_pointer(rest))
}

/// Base64 with padding. As ajv-formats tests it (a multi-line match), text with several lines
/// passes when any one line is base64.
fn is_base64(s: &str) -> bool {
    let line_ok = |line: &str| {
        let b = line.as_bytes();
        let alphabet = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
        if b.len() % 4 != 0 {
            return false;
        }
        let padding = b.iter().rev().take_while(|&&c| c == b'=').count();
        padding <= 2 && b[..b.len() - padding].iter().all(alphabet)
    };
    s.split(['\n', '\r', '\u{2028}', '\u{2029}']).any(line_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(format: &str, s: &str) -> bool {
        string_format(format, s).unwrap_or_else(|| panic!("{format} is checked"))
    }

    #[test]
    fn dates_and_times() {
        assert!(ok("date", "2024-02-29"));
        assert!(!ok("date", "2023-02-29"));
        assert!(!ok("date", "2024-13-01"));
        assert!(!ok("date", "24-01-01"));
        assert!(ok("date-time", "2011-01-26T19:06:43Z"));
        assert!(ok("date-time", "2011-01-26 19:06:43.123+01:00"));
        assert!(
            !ok("date-time", "2011-01-26T19:06:43"),
            "a zone is required"
        );
        assert!(!ok("date-time", "2011-01-26"));
        assert!(ok("time", "19:06:43"));
        assert!(!ok("time", "24:00:00"));
        assert!(ok("duration", "P3Y6M4DT12H30M5S"));
        assert!(ok("duration", "P2W"));
        assert!(!ok("duration", "P"));
        assert!(!ok("duration", "PT"));
        assert!(!ok("duration", "P1H"));
    }

    #[test]
    fn uris() {
        assert!(ok(
            "uri",
            "https://api.github.com/repos/octocat/Hello-World"
        ));
        assert!(ok("uri", "mailto:someone@example.com"));
        assert!(ok("uri", "https://user:pw@[::1]:8080/a?b=c#d"));
        assert!(!ok("uri", "/repos/octocat"), "a scheme is required");
        assert!(
            !ok("uri", "https://github.com/{owner}"),
            "braces are not URI characters"
        );
        assert!(!ok("uri", "https://exa mple.com"));
        assert!(ok("uri-reference", "/repos/octocat"));
        assert!(ok("uri-reference", ""));
        assert!(ok("url", "https://github.com/x"));
        assert!(!ok("url", "http://localhost:8080"));
        assert!(!ok("url", "http://192.168.0.1/"));
    }

    #[test]
    fn names_and_addresses() {
        assert!(ok("email", "octocat@github.com"));
        assert!(!ok("email", "octocat@github"));
        assert!(!ok("email", "octocat"));
        assert!(ok("hostname", "api.github.com"));
        assert!(!ok("hostname", "-bad.example"));
        assert!(ok("ipv4", "192.168.0.1"));
        assert!(!ok("ipv4", "256.1.1.1"));
        assert!(ok("ipv6", "2001:db8::1"));
        assert!(!ok("ipv6", "2001:db8::g"));
        assert!(ok("uuid", "123e4567-e89b-12d3-a456-426614174000"));
        assert!(!ok("uuid", "123e4567e89b12d3a456426614174000"));
    }

    #[test]
    fn pointers_base64_and_regexes() {
        assert!(ok("json-pointer", "/a~1b/0"));
        assert!(!ok("json-pointer", "/a~2"));
        assert!(ok("relative-json-pointer", "1/a"));
        assert!(!ok("relative-json-pointer", "01/a"));
        assert!(ok("byte", "aGVsbG8="));
        assert!(!ok("byte", "aGVsbG8"));
        assert!(ok("regex", "^[a-z]+$"));
        assert!(!ok("regex", "[a-z"));
    }

    #[test]
    fn integer_widths_and_unchecked_formats() {
        assert_eq!(number_format("int32", 2_147_483_647.0), Some(true));
        assert_eq!(number_format("int32", 2_147_483_648.0), Some(false));
        assert_eq!(number_format("int64", 1.5), Some(false));
        assert_eq!(number_format("double", 1.5), None);
        assert_eq!(string_format("password", "x"), None);
        assert_eq!(string_format("made-up", "x"), None);
    }
}
