//! Glob patterns as Argo CD's `directory.include` / `directory.exclude` read them.
//!
//! Argo CD matches these with `github.com/gobwas/glob` compiled without separators
//! (`util/glob.Match(pattern, relPath)` in the repo server), so `*` matches any run of
//! characters **including `/`**, `?` one character, `[abc]` / `[a-z]` / `[!a]` a class and
//! `{a,b}` alternatives (which may nest). The text matched is the file path relative to the
//! source's `path`; `exclude` is checked before `include`. A malformed pattern matches
//! nothing, as Argo CD's `Match` returns false when the pattern does not compile: a malformed
//! `include` keeps no file, a malformed `exclude` excludes none.
//!
//! Written here rather than with `globset` (only a transitive dependency) to keep gobwas'
//! semantics exactly and to add no dependency.

/// Whether `text` matches `pattern`. A malformed pattern matches nothing.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    match expand(&p, 0) {
        Some(alternatives) => alternatives.iter().any(|alt| simple(alt, &t)),
        None => false,
    }
}

/// Expands `{a,b}` alternation into the list of brace-free patterns (nested braces
/// included). Bounded: more than [`MAX_ALTERNATIVES`] is treated as malformed.
fn expand(p: &[char], depth: usize) -> Option<Vec<Vec<char>>> {
    if depth > 16 {
        return None;
    }
    let Some(open) = find_unescaped(p, '{') else {
        return Some(vec![p.to_vec()]);
    };
    let close = matching_brace(p, open)?;
    let (head, body, tail) = (&p[..open], &p[open + 1..close], &p[close + 1..]);
    let mut out = Vec::new();
    for part in split_top_commas(body) {
        let mut joined = head.to_vec();
        joined.extend_from_slice(&part);
        joined.extend_from_slice(tail);
        out.extend(expand(&joined, depth + 1)?);
        if out.len() > MAX_ALTERNATIVES {
            return None;
        }
    }
    Some(out)
}

const MAX_ALTERNATIVES: usize = 256;

fn find_unescaped(p: &[char], want: char) -> Option<usize> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => i += 2,
            c if c == want => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn matching_brace(p: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < p.len() {
        match p[i] {
            '\\' => i += 1,
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn split_top_commas(body: &[char]) -> Vec<Vec<char>> {
    let (mut parts, mut cur, mut depth, mut i) = (Vec::new(), Vec::new(), 0usize, 0);
    while i < body.len() {
        let c = body[i];
        match c {
            '\\' if i + 1 < body.len() => {
                cur.push(c);
                cur.push(body[i + 1]);
                i += 1;
            }
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
        i += 1;
    }
    parts.push(cur);
    parts
}

/// Matches a brace-free pattern: iterative `*` backtracking, linear in practice.
fn simple(p: &[char], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
            continue;
        }
        if let Some((len, ok)) = one(p, pi, t[ti]) {
            if ok {
                pi += len;
                ti += 1;
                continue;
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches one pattern element at `pi` against `c`: `(length of the element, matched)`,
/// `None` at the end of the pattern or for a malformed class.
fn one(p: &[char], pi: usize, c: char) -> Option<(usize, bool)> {
    match *p.get(pi)? {
        '?' => Some((1, true)),
        '\\' => Some((2, p.get(pi + 1) == Some(&c))),
        '[' => class(p, pi, c),
        lit => Some((1, lit == c)),
    }
}

fn class(p: &[char], pi: usize, c: char) -> Option<(usize, bool)> {
    let mut i = pi + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let start = i;
    while let Some(&ch) = p.get(i) {
        if ch == ']' && i > start {
            return Some((i + 1 - pi, hit != negate));
        }
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            let end = p[i + 2];
            hit |= ch <= c && c <= end;
            i += 3;
        } else {
            hit |= ch == c;
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn glob_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*.yaml", "a.yaml", true),
            ("*.yaml", "sub/a.yaml", true), // gobwas without separators: * crosses '/'
            ("*.yaml", "a.yml", false),
            ("{config.json,env-usw2/*}", "config.json", true),
            ("{config.json,env-usw2/*}", "env-usw2/app.yaml", true),
            ("{config.json,env-usw2/*}", "env-use1/app.yaml", false),
            ("some-directory/*", "some-directory/x.yaml", true),
            ("a?c.yaml", "abc.yaml", true),
            ("[ab]*.yaml", "b1.yaml", true),
            ("[!ab]*.yaml", "b1.yaml", false),
            ("[a-c]x", "bx", true),
            ("{a,{b,c}}.yaml", "c.yaml", true),
            ("exact.yaml", "exact.yaml", true),
            ("exact.yaml", "exact.yamlx", false),
            ("{unclosed", "unclosed", false),
            ("[unclosed", "[unclosed", false),
            ("\\*.yaml", "*.yaml", true),
            ("\\*.yaml", "a.yaml", false),
            ("", "", true),
            ("**", "deep/er/x.yaml", true),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(matches(pattern, text), *want, "{pattern} vs {text}");
        }
    }

    #[test]
    fn many_braces_are_bounded() {
        let pattern = "{a,b}".repeat(20);
        assert!(!matches(&pattern, "ab"));
    }
}
