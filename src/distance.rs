//! Edit distance, for "did you mean" suggestions (rule ids, finalizer strings, directive
//! verbs: short words).

/// The Levenshtein distance between `a` and `b`, in characters. Two rows reused: no
/// allocation per character (100k findings each compared with every accepted value once
/// spent most of a run in the allocator).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name` when it is close enough to be a typo of it (case and
/// `_` for `-` ignored; at most a quarter of the candidate's length, or 2, edits away).
pub fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    candidates
        .map(|c| (levenshtein(&lower, c), c))
        .min()
        .filter(|&(d, c)| d <= (c.len() / 4).max(2))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::levenshtein;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("ignroe", "ignore"), 2);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("résumé", "resume"), 2);
        assert_eq!(levenshtein("same", "same"), 0);
    }
}
