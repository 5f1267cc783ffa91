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
