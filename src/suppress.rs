//! Suppressions: `# gitops-lint: ignore[RULE, ...] reason` comments and
//! `ignore.gitops-lint.dev/<rule-id>: "<reason>"` annotations, and which of them were used.

use crate::diagnostic::Diagnostic;
use crate::objects::ArgoObject;
use crate::source::{LineIndex, Span};
use memchr::memmem;

pub const ANNOTATION_PREFIX: &str = "ignore.gitops-lint.dev/";
const DIRECTIVE: &str = "gitops-lint:";

/// A `# gitops-lint: ignore[...]` comment.
#[derive(Debug, Clone)]
pub struct Directive {
    /// Byte offset of the start of its line.
    pub line_start: usize,
    /// The comment is alone on its line (it then also covers the next line).
    pub own_line: bool,
    /// The rule ids it names, with their spans.
    pub rules: Vec<(String, Span)>,
}

/// Rule ids (with spans relative to `line`) named by a `gitops-lint: ignore[...]`
/// directive in the comment part of `line`, and whether the comment is alone on the line.
fn parse_line(line: &str) -> Option<(bool, Vec<(String, Span)>)> {
    let at = line.find(DIRECTIVE)?;
    // The directive must be in a comment: a `#` at the line start or after white space.
    let before = &line[..at];
    let hash = before.rfind('#')?;
    if hash > 0 && !before[..hash].ends_with([' ', '\t']) {
        return None;
    }
    let own_line = before[..hash].trim().is_empty();
    let after = &line[at + DIRECTIVE.len()..];
    let rest = after.trim_start();
    let rest_at = at + DIRECTIVE.len() + (after.len() - rest.len());
    let inner = rest.strip_prefix("ignore[")?;
    let inner_at = rest_at + "ignore[".len();
    let close = inner.find(']')?;
    let mut rules = Vec::new();
    let mut pos = 0;
    for part in inner[..close].split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let start = inner_at + pos + (part.len() - part.trim_start().len());
            rules.push((trimmed.to_string(), start..start + trimmed.len()));
        }
        pos += part.len() + 1;
    }
    Some((own_line, rules))
}

/// Every suppression comment of a file, in order of their lines (one per line).
pub fn directives(text: &str) -> Vec<Directive> {
    let finder = memmem::Finder::new(DIRECTIVE.as_bytes());
    let mut out = Vec::new();
    // The end of the last line looked at, and where the search for a line start may begin:
    // each byte is scanned once however many hits a (long) line holds.
    let mut line_end = 0;
    let mut seen_to = 0;
    for hit in finder.find_iter(text.as_bytes()) {
        if hit < line_end {
            continue; // same line as the last hit
        }
        let line_start =
            memchr::memrchr(b'\n', &text.as_bytes()[seen_to..hit]).map_or(0, |i| seen_to + i + 1);
        line_end = memchr::memchr(b'\n', &text.as_bytes()[hit..]).map_or(text.len(), |i| hit + i);
        seen_to = line_end;
        let line = text[line_start..line_end].trim_end_matches('\r');
        if let Some((own_line, rules)) = parse_line(line) {
            out.push(Directive {
                line_start,
                own_line,
                rules: rules
                    .into_iter()
                    .map(|(r, s)| (r, line_start + s.start..line_start + s.end))
                    .collect(),
            });
        }
    }
    out
}

/// The `(directive, rule)` index that suppresses `diag`: a directive on its primary line,
/// or alone on the line directly above it, naming its rule. `directives` are those of
/// [`directives`] (in line order); `lines` is the file's line index.
pub fn by_comment(
    lines: &LineIndex,
    directives: &[Directive],
    diag: &Diagnostic,
) -> Option<(usize, usize)> {
    if directives.is_empty() {
        return None;
    }
    let line = lines.line_of(diag.span.start);
    let line_start = lines.line_start(diag.span.start);
    let prev_start = (line > 1).then(|| lines.line_start(line_start - 1));
    let find = |start: usize, own_line_only: bool| {
        let i = directives
            .binary_search_by_key(&start, |d| d.line_start)
            .ok()?;
        let d = &directives[i];
        if own_line_only && !d.own_line {
            return None;
        }
        d.rules
            .iter()
            .position(|(r, _)| r == diag.rule)
            .map(|j| (i, j))
    };
    // The line above first: a directive there comes first in the file.
    prev_start
        .and_then(|p| find(p, true))
        .or_else(|| find(line_start, false))
}

/// The object's `ignore.gitops-lint.dev/<rule>` annotations: rule id and key span.
pub fn annotations<'a>(obj: &ArgoObject<'a>) -> Vec<(&'a str, Span)> {
    obj.node
        .at("metadata.annotations")
        .map(|a| a.entries())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            Some((
                e.key.as_str()?.strip_prefix(ANNOTATION_PREFIX)?,
                e.key.span.clone(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<String> {
        parse_line(line)
            .map(|(_, r)| r.into_iter().map(|(n, _)| n).collect())
            .unwrap_or_default()
    }

    #[test]
    fn directives_in_comments_only() {
        assert_eq!(
            names("metadata: # gitops-lint: ignore[missing-finalizer, x] root"),
            ["missing-finalizer", "x"]
        );
        assert_eq!(names("  # gitops-lint: ignore[a] r"), ["a"]);
        assert!(parse_line("  # gitops-lint: ignore[a] r").unwrap().0);
        assert!(!parse_line("a: b # gitops-lint: ignore[a] r").unwrap().0);
        assert!(names("a: b#gitops-lint: ignore[a]").is_empty());
        assert!(names("a: 'gitops-lint: ignore[a]'").is_empty());
    }

    #[test]
    fn rule_spans_are_exact() {
        let text =
            "x: 1\nmetadata:  # gitops-lint: ignore[ missing-finalizer ,unknown-finalizer] why\n";
        let d = directives(text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].rules[0].1.clone()], "missing-finalizer");
        assert_eq!(&text[d[0].rules[1].1.clone()], "unknown-finalizer");
        assert_eq!(d[0].line_start, 5);
    }
}
