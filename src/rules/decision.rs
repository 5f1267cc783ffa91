//! Comments that record a decision about cascading: a commented-out finalizer
//! (`# finalizers:`, `# - resources-finalizer…`) or words saying the finalizer was left out
//! on purpose ("no finalizer", "don't cascade", "orphan", "keep resources"). Comments are
//! not in the YAML tree: they are found in the text of the metadata block, only where a
//! `#` starts a real comment (at a line's start or after a blank, outside every scalar and
//! template action).

use super::{Context, DeliberateMeta};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};

/// A comment that shows the finding is most likely deliberate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The comment, from its `#` to the end of its line.
    pub span: Span,
    /// 1-based line of the comment.
    pub line: usize,
    /// A finalizer written in a comment (rather than words about one).
    pub commented_out: bool,
}

/// The first comment in `region` (of the text of `ctx`) that records a decision, outside
/// the scalars of `block` (the node whose text the region holds).
pub fn find(ctx: &Context, meta: &DeliberateMeta, region: &Span, block: &Node) -> Option<Decision> {
    let text = ctx.masked.map_or(ctx.text, |m| m.text.as_str());
    let scalars = scalar_spans(block);
    let inside_scalar = |pos: usize| {
        let i = scalars.partition_point(|s| s.start <= pos);
        i > 0 && scalars[..i].iter().rev().take(1).any(|s| pos < s.end)
    };
    let mut pos = region.start;
    let end = region.end.min(text.len());
    let mut found: Option<Decision> = None;
    while pos < end {
        let line_end = text[pos..end].find('\n').map_or(end, |i| pos + i);
        if let Some(hash) = comment_start(text, pos, line_end, &inside_scalar) {
            let comment = ctx.text[hash..line_end].trim_end_matches('\r');
            let kind = classify(&comment[1..], meta);
            if let Some(commented_out) = kind {
                let candidate = Decision {
                    span: hash..hash + comment.len(),
                    line: ctx.facts().lines.line_of(hash),
                    commented_out,
                };
                // A commented-out finalizer is the stronger sign: it wins over words.
                if commented_out {
                    return Some(candidate);
                }
                found.get_or_insert(candidate);
            }
        }
        pos = line_end + 1;
    }
    found
}

/// The start of the comment lines directly above the line holding `key_start` (no blank
/// line between), indented no deeper than that line: a comment written above `metadata:`
/// is about it. A deeper line could be the text of the previous key's block scalar.
pub fn comments_above(ctx: &Context, key_start: usize) -> usize {
    let text = ctx.text;
    // Line starts from the file's line index: a search back through a long line (a
    // one-line JSON file of many objects) per finding would be quadratic.
    let lines = &ctx.facts().lines;
    let line_start = lines.line_start(key_start);
    let head = text[line_start..key_start].trim_start_matches('\u{feff}');
    let column = head.len() - head.trim_start_matches(' ').len();
    let mut start = line_start;
    while start > 0 {
        let above = lines.line_start(start - 1);
        let line = text[above..start - 1]
            .trim_end_matches('\r')
            .trim_start_matches('\u{feff}');
        let content = line.trim_start_matches(' ');
        if !content.starts_with('#') || line.len() - content.len() > column {
            break;
        }
        start = above;
    }
    start
}

/// `end` moved to the end of the last of the comment lines that follow it, over blank
/// lines and whole-line template actions (blank once masked: `{{- end }}`, `</#if>`), up
/// to the next line of YAML content: a comment there still follows the block ending at
/// `end`. `end` itself when no comment follows.
pub fn past_comments(ctx: &Context, end: usize) -> usize {
    let text = ctx.masked.map_or(ctx.text, |m| m.text.as_str());
    let mut pos = end.min(text.len());
    let mut last = end;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_matches([' ', '\t', '\r', '\u{feff}']);
        if line.starts_with('#') {
            last = line_end;
        } else if !line.is_empty() {
            break;
        }
        pos = line_end + 1;
    }
    last
}

/// Where the comment of the line `start..end` begins: the first `#` at the line's start or
/// after a blank that is not inside a scalar (a `#` in a quoted or block scalar is data).
fn comment_start(
    text: &str,
    start: usize,
    end: usize,
    inside_scalar: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let bytes = text.as_bytes();
    (start..end).find(|&i| {
        bytes[i] == b'#'
            && (i == start
                || matches!(bytes[i - 1], b' ' | b'\t')
                || &text[start..i] == crate::source::BOM)
            && !inside_scalar(i)
    })
}

/// Spans of the scalars under `node`, by start (nested scalars never overlap).
fn scalar_spans(node: &Node) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::Scalar { .. } => out.push(n.span.clone()),
            NodeKind::Sequence { items, .. } => stack.extend(items),
            NodeKind::Mapping { entries, .. } => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
            NodeKind::Alias => {}
        }
    }
    out.sort_by_key(|s| s.start);
    out
}

/// Some(true) for a commented-out finalizer, Some(false) for words recording a decision,
/// None for any other comment.
fn classify(comment: &str, meta: &DeliberateMeta) -> Option<bool> {
    let lower = comment.trim().to_lowercase();
    if lower.starts_with("gitops-lint:") {
        return None; // a directive: suppressions say it themselves
    }
    let item = lower.trim_start_matches(['-', ' ', '\t', '"', '\'']);
    let key = lower.trim_start_matches(['"', '\'']);
    if item.starts_with("resources-finalizer")
        || key.strip_prefix("finalizers").is_some_and(|r| {
            r.trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(':')
        })
    {
        return Some(true);
    }
    words_say_deliberate(&lower, meta).then_some(false)
}

/// Whether a comment's words say the cascade was left out on purpose (see `deliberate` in
/// `rules/missing-finalizer.yaml`).
fn words_say_deliberate(lower: &str, meta: &DeliberateMeta) -> bool {
    let folded = lower.replace(['\'', '\u{2019}'], "");
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !meta.fillers.iter().any(|f| f == w))
        .collect();
    let starts = |w: &str, list: &[String]| list.iter().any(|p| w.starts_with(p.as_str()));
    if words.iter().any(|w| starts(w, &meta.reminders)) {
        return false; // "TODO: add the finalizer", "don't forget the finalizer"
    }
    if meta.phrases.iter().any(|p| has_phrase(&words, p)) {
        return true;
    }
    words.iter().enumerate().any(|(i, w)| {
        if !starts(w, &meta.topics) {
            return false;
        }
        let near = &words[i.saturating_sub(meta.window)..(i + 1 + meta.window).min(words.len())];
        near.iter().any(|n| meta.negations.iter().any(|x| x == n))
            || words.iter().any(|n| starts(n, &meta.markers))
    })
}

/// Whether the words of `phrase` appear in order in `words`, each a prefix of its word,
/// with at most one other word between two of them ("keep the resources").
fn has_phrase(words: &[&str], phrase: &str) -> bool {
    let parts: Vec<&str> = phrase.split_whitespace().collect();
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    (0..words.len()).any(|i| {
        if !words[i].starts_with(first) {
            return false;
        }
        let mut at = i;
        rest.iter().all(|p| {
            let next = (at + 1..(at + 3).min(words.len())).find(|&j| words[j].starts_with(p));
            next.map(|j| at = j).is_some()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(comment: &str) -> Option<bool> {
        let meta = super::super::builtin(super::super::MISSING_FINALIZER);
        classify(comment, meta.deliberate.as_ref().expect("data"))
    }

    #[test]
    fn commented_out_finalizers() {
        for c in [
            " finalizers:",
            "finalizers: [resources-finalizer.argocd.argoproj.io]",
            "   - resources-finalizer.argocd.argoproj.io",
            "- \"resources-finalizer.argocd.argoproj.io/background\"",
            " \"finalizers\": [",
        ] {
            assert_eq!(says(c), Some(true), "{c}");
        }
    }

    #[test]
    fn words_that_record_a_decision() {
        for c in [
            " no finalizer: this app owns the cluster's CRDs",
            " Don't cascade: the database must survive",
            " don\u{2019}t cascade",
            " finalizer removed on purpose (see INC-12)",
            " orphan the resources when this app is deleted",
            " keep the resources if the Application goes",
            " intentionally without a finalizer",
            " non-cascading delete",
            " the finalizer is not wanted here",
        ] {
            assert_eq!(says(c), Some(false), "{c}");
        }
    }

    #[test]
    fn other_comments_say_nothing() {
        for c in [
            " TODO: add the finalizer",
            " don't forget the finalizer",
            " You'll usually want to add your resources to the argocd namespace.",
            " finalizer added in #711",
            " no rush: cascading is configured later",
            " gitops-lint: ignore[missing-finalizer] no finalizer",
            " keep labels sorted",
            " resources: see below",
        ] {
            assert_eq!(says(c), None, "{c}");
        }
    }
}
