//! Suppressions: `# gitops-lint: ignore[RULE, ...] reason` comments and
//! `ignore.gitops-lint.dev/<rule-id>: "<reason>"` annotations, and which of them were used.

use crate::diagnostic::Diagnostic;
use crate::objects::ArgoObject;
use crate::source::Span;
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

/// Every suppression comment of a file.
pub fn directives(text: &str) -> Vec<Directive> {
    let finder = memmem::Finder::new(DIRECTIVE.as_bytes());
    let mut out = Vec::new();
    let mut last_line = usize::MAX;
    for hit in finder.find_iter(text.as_bytes()) {
        let line_start = text[..hit].rfind('\n').map_or(0, |i| i + 1);
        if line_start == last_line {
            continue;
        }
        last_line = line_start;
        let line_end = text[hit..].find('\n').map_or(text.len(), |i| hit + i);
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
/// or alone on the line directly above it, naming its rule.
pub fn by_comment(
    text: &str,
    directives: &[Directive],
    diag: &Diagnostic,
) -> Option<(usize, usize)> {
    if directives.is_empty() {
        return None;
    }
    let start = diag.span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prev_start = if line_start == 0 {
        None
    } else {
        Some(text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1))
    };
    directives.iter().enumerate().find_map(|(i, d)| {
        let applies =
            d.line_start == line_start || (d.own_line && Some(d.line_start) == prev_start);
        if !applies {
            return None;
        }
        d.rules
            .iter()
            .position(|(r, _)| r == diag.rule)
            .map(|j| (i, j))
    })
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
