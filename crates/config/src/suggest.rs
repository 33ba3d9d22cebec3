//! "Did you mean" suggestions by edit distance.

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate, if it is close enough to be a plausible typo (at most 2 edits, or a third
/// of the word for long words).
pub(crate) fn did_you_mean<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Long inputs cannot be typos of short names, and would cost time for nothing.
    if got.chars().count() > 128 {
        return None;
    }
    let limit = (got.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&got.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(did_you_mean("sqlqury", ["postgresql", "sqlquery", "mysql"]), Some("sqlquery"));
        assert_eq!(
            did_you_mean("circuitbreakr", ["circuit_breaker", "circuitbreaker"]),
            Some("circuitbreaker")
        );
        assert_eq!(did_you_mean("zzz", ["postgresql", "mysql"]), None);
    }
}
