//! Tolerant reading of Helm / Go-template files.
//!
//! Template actions (`{{ ... }}`) are replaced by filler of the same byte length so that
//! every span computed on the masked text is a span of the original file. An action that
//! is alone on its line (control flow such as `{{- if }}`, `{{- range }}`, `{{ toYaml … }}`)
//! becomes blank; an action inside a line (`name: {{ .Values.name }}`) becomes a plain
//! scalar of underscores. Line breaks inside actions are kept.

use crate::source::Span;
use memchr::memmem;

/// One masked template action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub span: Span,
    /// The action stood alone on its line(s): it can produce any YAML structure.
    pub whole_line: bool,
}

/// Text with template actions masked, plus where they were.
#[derive(Debug, Clone)]
pub struct Masked {
    pub text: String,
    pub actions: Vec<Action>,
}

impl Masked {
    /// Actions overlapping `span`.
    pub fn actions_in(&self, span: &Span) -> impl Iterator<Item = &Action> {
        let span = span.clone();
        self.actions
            .iter()
            .filter(move |a| a.span.start < span.end && span.start < a.span.end)
    }
}

/// The indentation a whole-line template action gives its output: the argument of
/// `nindent N` / `indent N`, if any.
pub fn output_indent(action_line: &str) -> Option<usize> {
    let at = action_line.find("indent ")?;
    action_line[at + 7..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Whether the text holds anything that looks like a template action.
pub fn has_actions(text: &str) -> bool {
    memmem::find(text.as_bytes(), b"{{").is_some()
}

/// Find the end (exclusive) of the action starting at `start` (which points at `{{`).
/// Unterminated actions end at the end of their line.
fn action_end(bytes: &[u8], start: usize) -> usize {
    let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
    let mut i = start + 2;
    // Go template comment: {{/* ... */}} or {{- /* ... */ -}}
    let mut j = i;
    if bytes.get(j) == Some(&b'-') {
        j += 1;
    }
    while bytes.get(j) == Some(&b' ') {
        j += 1;
    }
    if bytes[j..].starts_with(b"/*") {
        return match memmem::find(&bytes[j + 2..], b"*/") {
            Some(k) => {
                let after = j + 2 + k + 2;
                match memmem::find(&bytes[after..], b"}}") {
                    Some(m) => after + m + 2,
                    None => line_end,
                }
            }
            None => line_end,
        };
    }
    while i < bytes.len() {
        match bytes[i] {
            b'}' if bytes.get(i + 1) == Some(&b'}') => return i + 2,
            b'`' => match memchr::memchr(b'`', &bytes[i + 1..]) {
                Some(k) => i += k + 2,
                None => return line_end,
            },
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'\n' {
                    return line_end;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    line_end
}

/// Mask every template action in `text`. Returns `None` when there is none.
pub fn mask(text: &str) -> Option<Masked> {
    let bytes = text.as_bytes();
    let finder = memmem::Finder::new(b"{{");
    let mut spans: Vec<Span> = Vec::new();
    let mut pos = 0;
    while let Some(k) = finder.find(&bytes[pos..]) {
        let start = pos + k;
        let end = action_end(bytes, start).max(start + 2).min(bytes.len());
        spans.push(start..end);
        pos = end;
    }
    if spans.is_empty() {
        return None;
    }
    let mut out = bytes.to_vec();
    let mut actions = Vec::with_capacity(spans.len());
    for span in &spans {
        // The action is "whole line" when every other byte on the lines it touches is
        // white space or another action.
        let line_start = memchr::memrchr(b'\n', &bytes[..span.start]).map_or(0, |i| i + 1);
        let line_end =
            memchr::memchr(b'\n', &bytes[span.end..]).map_or(bytes.len(), |i| span.end + i);
        // Spans are sorted and disjoint: the ones on these lines are a contiguous run.
        let first = spans.partition_point(|s| s.end <= line_start);
        let mut whole = true;
        let mut i = line_start;
        let mut ci = first;
        while i < line_end {
            if ci < spans.len() && spans[ci].start <= i {
                i = i.max(spans[ci].end);
                ci += 1;
                continue;
            }
            if !matches!(bytes[i], b' ' | b'\t' | b'\r') {
                whole = false;
                break;
            }
            i += 1;
        }
        for b in &mut out[span.clone()] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = if whole { b' ' } else { b'_' };
            }
        }
        actions.push(Action {
            span: span.clone(),
            whole_line: whole,
        });
    }
    // Only ASCII bytes replaced whole actions, and actions start and end on ASCII bytes,
    // so the result is valid UTF-8.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Some(Masked { text, actions })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_length_and_lines() {
        let src = "{{- if .Values.on }}\nmetadata:\n  name: {{ .Values.name | quote }}\n  x: '{{`{{a}}`}}'\n{{- end }}";
        let m = mask(src).unwrap();
        assert_eq!(m.text.len(), src.len());
        assert_eq!(m.text.lines().count(), src.lines().count());
        assert!(m
            .text
            .starts_with("                    \nmetadata:\n  name: ____"));
        assert_eq!(m.actions.len(), 4);
        assert!(m.actions[0].whole_line && !m.actions[1].whole_line && m.actions[3].whole_line);
        assert_eq!(&src[m.actions[2].span.clone()], "{{`{{a}}`}}");
    }

    #[test]
    fn comments_and_unterminated_actions() {
        let src = "a: {{/* }} */}}\nb: {{ oops\nc: d\n";
        let m = mask(src).unwrap();
        assert_eq!(&src[m.actions[0].span.clone()], "{{/* }} */}}");
        assert_eq!(&src[m.actions[1].span.clone()], "{{ oops");
        assert!(m.text.ends_with("c: d\n"));
        assert!(mask("no actions").is_none());
    }

    #[test]
    fn non_ascii_inside_actions_keeps_byte_length() {
        let src = "a: {{ \"é\" }}\n";
        let m = mask(src).unwrap();
        assert_eq!(m.text.len(), src.len());
        assert_eq!(m.text, format!("a: {}\n", "_".repeat(src.len() - 4)));
    }
}
