//! "Did you mean": the nearest of a set of names to a misspelt one, for error messages about
//! unknown rule ids, config keys and flags.

/// Levenshtein distance between `a` and `b`, by characters, ignoring ASCII case: how many
/// single-character edits turn one into the other. For "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    // One row of the dynamic-programming table at a time.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The candidate closest to `typo`, if one is close enough to be what was meant: at most a
/// third of the word's length in edits (at least one), counting a candidate as whole or as its
/// part after the last `/` or `:` (`path-has-verbs` is close to `openapi/path-has-verb`).
pub fn nearest<'c>(typo: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (typo.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'c str)> = None;
    for candidate in candidates {
        let whole = edit_distance(typo, candidate);
        let tail = candidate
            .rsplit_once(['/', ':'])
            .map_or(whole, |(_, tail)| edit_distance(typo, tail));
        let distance = whole.min(tail);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names_the_word_meant() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("FILE", "file"), 0);
        let ids = [
            "proto/field-same-type",
            "proto/field-same-name",
            "openapi/path-has-verb",
        ];
        assert_eq!(
            nearest("proto/field-same-typ", ids),
            Some("proto/field-same-type")
        );
        assert_eq!(nearest("path-has-verb", ids), Some("openapi/path-has-verb"));
        assert_eq!(
            nearest("path-has-verbs", ids),
            Some("openapi/path-has-verb")
        );
        assert_eq!(nearest("something-else", ids), None);
        assert_eq!(nearest("x", ["y", "zz"]), Some("y"));
    }
}
