//! Autofix: text edits computed from spans ([`edits`]), applied to a copy, re-parsed and
//! re-linted before anything is written ([`apply`]); fixes the safety net would refuse are
//! never offered ([`validate`]); atomic writes ([`write`]).

pub mod apply;
pub use crate::rules::edits;
pub use crate::safety::{check, validate};
pub mod write;

use std::fmt::Write as _;
use std::ops::Range;

/// A unified diff of `old` → `new` for `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    unified_diff_named(path.as_bytes(), old, new)
}

/// A unified diff of `old` → `new` for the file named `path` (its bytes, which need not
/// be UTF-8), as `similar` writes it (context 3). Lines are split at `\n` only, as `patch`
/// and `git apply` read them (a lone `\r` stays inside its line). The header names are
/// quoted as git quotes them when needed ([`header_name`]), so that no name can split or
/// forge a header line.
///
/// Myers' algorithm costs O(lines × changed lines): 100k Applications fixed in one file
/// (300k inserted lines) took minutes. The lines are diffed in windows of [`WINDOW`] lines
/// instead, each cut after its last unchanged line (where the next window resumes), so the
/// cost is linear in the file for changes spread through it. A file shorter than a window
/// gets exactly `similar`'s diff.
pub fn unified_diff_named(path: &[u8], old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = windowed_ops(&old_lines, &new_lines);
    let mut out = String::new();
    for hunk in similar::group_diff_ops(ops, 3) {
        if hunk.is_empty() {
            continue;
        }
        if out.is_empty() {
            let _ = writeln!(
                out,
                "--- {}\n+++ {}",
                header_name("a/", path),
                header_name("b/", path)
            );
        }
        let _ = writeln!(out, "{}", similar::udiff::UnifiedHunkHeader::new(&hunk));
        for op in &hunk {
            for change in op.iter_changes(&old_lines, &new_lines) {
                let line = change.value();
                let _ = write!(out, "{}{line}", change.tag());
                if !line.ends_with('\n') {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// Lines per side diffed at once by [`unified_diff`].
const WINDOW: usize = 256;

/// The diff ops of `old` → `new`, computed window by window. Of each window only the ops
/// in its first half are kept, up to its last unchanged line there: near a window's end
/// the alignment is unreliable (the two sides end at different places of the file, and
/// repeated lines such as `spec:` match anywhere).
fn windowed_ops(old: &[&str], new: &[&str]) -> Vec<similar::DiffOp> {
    use similar::{DiffOp, DiffTag};
    let half = WINDOW / 2;
    let mut ops: Vec<DiffOp> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        let (oe, ne) = ((i + WINDOW).min(old.len()), (j + WINDOW).min(new.len()));
        let window =
            similar::capture_diff_slices(similar::Algorithm::Myers, &old[i..oe], &new[j..ne]);
        // (tag, old range, new range) of the ops kept, relative to the window.
        let mut keep: Vec<(DiffTag, Range<usize>, Range<usize>)> = Vec::new();
        let last = (oe, ne) == (old.len(), new.len());
        for op in &window {
            let (o, n) = (op.old_range(), op.new_range());
            if last || (o.end <= half && n.end <= half) {
                keep.push((op.tag(), o, n));
                continue;
            }
            if op.tag() == DiffTag::Equal && o.start < half && n.start < half {
                let len = (half - o.start).min(half - n.start);
                keep.push((op.tag(), o.start..o.start + len, n.start..n.start + len));
            }
            break;
        }
        if !last {
            // Resume after an unchanged line: the changes after it may continue further.
            while keep.last().is_some_and(|(t, ..)| *t != DiffTag::Equal) {
                keep.pop();
            }
        }
        if keep.is_empty() {
            // No unchanged line in the first half: take the ops up to the first unchanged
            // line (or the whole window): a correct diff, if not the smallest.
            let upto = window
                .iter()
                .position(|op| op.tag() == DiffTag::Equal)
                .map_or(window.len(), |k| k + 1);
            keep = window[..upto]
                .iter()
                .map(|op| (op.tag(), op.old_range(), op.new_range()))
                .collect();
        }
        let (base_i, base_j) = (i, j);
        for (tag, o, n) in keep {
            (i, j) = (base_i + o.end, base_j + n.end);
            push_op(&mut ops, tag, base_i + o.start..i, base_j + n.start..j);
        }
    }
    ops
}

/// Append an op, merging it into the last one when both are unchanged lines (windows cut
/// a run in two; hunks are grouped by the length of unchanged runs).
fn push_op(
    ops: &mut Vec<similar::DiffOp>,
    tag: similar::DiffTag,
    o: Range<usize>,
    n: Range<usize>,
) {
    use similar::{DiffOp, DiffTag};
    if let (Some(DiffOp::Equal { len, .. }), DiffTag::Equal) = (ops.last_mut(), tag) {
        *len += o.len();
        return;
    }
    ops.push(match tag {
        DiffTag::Equal => DiffOp::Equal {
            old_index: o.start,
            new_index: n.start,
            len: o.len(),
        },
        DiffTag::Delete => DiffOp::Delete {
            old_index: o.start,
            old_len: o.len(),
            new_index: n.start,
        },
        DiffTag::Insert => DiffOp::Insert {
            old_index: o.start,
            new_index: n.start,
            new_len: n.len(),
        },
        DiffTag::Replace => DiffOp::Replace {
            old_index: o.start,
            old_len: o.len(),
            new_index: n.start,
            new_len: n.len(),
        },
    });
}

#[cfg(test)]
mod tests {
    /// `similar`'s own unified diff, the reference for files shorter than a window.
    fn reference(path: &str, old: &str, new: &str) -> String {
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string()
    }

    #[test]
    fn small_files_get_similars_diff() {
        let cases = [
            ("a\nb\nc\n", "a\nb\nc\n"),
            ("a\nb\nc", "a\nB\nc"),
            ("a\nb\nc\n", "a\nb\nc"),
            ("", "x\n"),
            ("x", ""),
            (
                "k: 1\r\nm:\r\n  n: 2\r\n",
                "k: 1\r\nm:\r\n  f:\r\n  - x\r\n  n: 2\r\n",
            ),
        ];
        for (old, new) in cases {
            assert_eq!(
                super::unified_diff("p", old, new),
                reference("p", old, new),
                "{old:?}"
            );
        }
        let old: String = (0..200).map(|i| format!("line {}\n", i % 7)).collect();
        let new: String = (0..200)
            .map(|i| match i % 50 {
                0 => format!("inserted {i}\nline {}\n", i % 7),
                13 => String::new(),
                _ => format!("line {}\n", i % 7),
            })
            .collect();
        assert_eq!(
            super::unified_diff("p", &old, &new),
            reference("p", &old, &new)
        );
    }

    #[test]
    fn local_fixes_in_a_large_file_get_similars_diff_too() {
        // Changes a few lines apart, as fixes make them: the windows cut between them.
        let app = |i: usize, fin: bool| {
            let f = if fin { "  finalizers:\n    - x\n" } else { "" };
            format!("kind: A\nmetadata:\n  name: a{i}\n{f}spec:\n  p: d\n---\n")
        };
        let old: String = (0..400).map(|i| app(i, false)).collect();
        let new: String = (0..400).map(|i| app(i, i % 3 != 1)).collect();
        let (got, want) = (
            super::unified_diff("p", &old, &new),
            reference("p", &old, &new),
        );
        let first = got.lines().zip(want.lines()).position(|(a, b)| a != b);
        if let Some(k) = first {
            let ctx = |t: &str| {
                t.lines()
                    .skip(k.saturating_sub(5))
                    .take(12)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!("line {k}:\n{}\n---- want\n{}", ctx(&got), ctx(&want));
        }
        assert_eq!(got, want);
    }

    #[test]
    fn large_files_get_a_correct_diff() {
        // Applying the diff's hunks to the old text gives the new text.
        let old: String = (0..5000).map(|i| format!("k{i}: v\n")).collect();
        let new: String = (0..5000)
            .map(|i| {
                if i % 3 == 0 {
                    format!("k{i}: v\nadded: {i}\n")
                } else {
                    format!("k{i}: v\n")
                }
            })
            .collect();
        let diff = super::unified_diff("p", &old, &new);
        let mut rebuilt = Vec::new();
        let old_lines: Vec<&str> = old.lines().collect();
        let mut at = 0;
        for line in diff.lines().skip(2) {
            if let Some(h) = line.strip_prefix("@@ -") {
                let start: usize = h.split([',', ' ']).next().unwrap().parse().unwrap();
                rebuilt.extend(old_lines[at..start - 1].iter().map(|s| s.to_string()));
                at = start - 1;
            } else if let Some(l) = line.strip_prefix(' ') {
                assert_eq!(old_lines[at], l);
                rebuilt.push(l.to_string());
                at += 1;
            } else if let Some(l) = line.strip_prefix('+') {
                rebuilt.push(l.to_string());
            } else if let Some(l) = line.strip_prefix('-') {
                assert_eq!(old_lines[at], l);
                at += 1;
            }
        }
        rebuilt.extend(old_lines[at..].iter().map(|s| s.to_string()));
        assert_eq!(rebuilt.join("\n") + "\n", new);
        assert_eq!(diff.matches("\n+added").count(), 1667);
    }
}

/// `prefix` + `path` for a `---`/`+++` line: as is, or, when the name holds a control
/// character, a bidi control, a tab, `"`, `\` or bytes that are not UTF-8, in double
/// quotes with C escapes (`\n`, `\t`, `\"`, `\\`, other bytes as octal `\033`), which
/// `git apply` and GNU `patch` read back to the exact bytes.
pub fn header_name(prefix: &str, path: &[u8]) -> String {
    let special = |c: char| crate::source::is_control(c) || matches!(c, '\t' | '"' | '\\');
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
mod header_tests {
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
