//! Autofix: text edits computed from spans ([`edits`]), applied to a copy, re-parsed and
//! re-linted before anything is written ([`apply`]); fixes the safety net would refuse are
//! never offered ([`validate`]); atomic writes ([`write`]).

pub mod apply;
pub mod check;
pub mod edits;
pub mod validate;
pub mod write;

use std::fmt::Write as _;

/// A unified diff of `old` → `new` for `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    unified_diff_named(path.as_bytes(), old, new)
}

/// A unified diff of `old` → `new` for the file named `path` (its bytes, which need not
/// be UTF-8). Lines are split at `\n` only, as `patch` and `git apply` read them (a lone
/// `\r` stays inside its line). The header names are quoted as git quotes them when
/// needed ([`header_name`]), so that no name can split or forge a header line.
pub fn unified_diff_named(path: &[u8], old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    similar::TextDiff::configure()
        .newline_terminated(true)
        .diff_slices(&old_lines, &new_lines)
        .unified_diff()
        .context_radius(3)
        .header(&header_name("a/", path), &header_name("b/", path))
        .to_string()
}

/// `prefix` + `path` for a `---`/`+++` line: as is, or, when the name holds a control
/// character, a bidi control, a tab, `"`, `\` or bytes that are not UTF-8, in double
/// quotes with C escapes (`\n`, `\t`, `\"`, `\\`, other bytes as octal `\033`), which
/// `git apply` and GNU `patch` read back to the exact bytes.
pub fn header_name(prefix: &str, path: &[u8]) -> String {
    let special = |c: char| crate::report::escape::is_control(c) || matches!(c, '\t' | '"' | '\\');
    if let Some(plain) = std::str::from_utf8(path)
        .ok()
        .filter(|s| !s.contains(special))
    {
        return format!("{prefix}{plain}");
    }
    let mut out = format!("\"{prefix}");
    for chunk in path.utf8_chunks() {
        for c in chunk.valid().chars() {
            let _ = match c {
                '"' => out.write_str("\\\""),
                '\\' => out.write_str("\\\\"),
                '\n' => out.write_str("\\n"),
                '\t' => out.write_str("\\t"),
                '\r' => out.write_str("\\r"),
                c if special(c) => c
                    .encode_utf8(&mut [0; 4])
                    .bytes()
                    .try_for_each(|b| write!(out, "\\{b:03o}")),
                c => out.write_char(c),
            };
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\{b:03o}");
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_quoted_when_needed() {
        assert_eq!(header_name("a/", b"x/y z.yaml"), "a/x/y z.yaml");
        assert_eq!(
            header_name("b/", b"b\n::error file=README.md::HDR.yaml"),
            "\"b/b\\n::error file=README.md::HDR.yaml\""
        );
        assert_eq!(
            header_name("a/", b"q\"\\\x1b\xff.yaml"),
            "\"a/q\\\"\\\\\\033\\377.yaml\""
        );
        assert_eq!(
            header_name("a/", "\u{202e}".as_bytes()),
            "\"a/\\342\\200\\256\""
        );
    }

    #[test]
    fn lone_carriage_returns_stay_in_their_line() {
        let diff = unified_diff("x", "a\rb\nc\n", "a\rb\nd\n");
        assert!(diff.contains("\n a\rb\n-c\n+d\n"), "{diff:?}");
    }
}
