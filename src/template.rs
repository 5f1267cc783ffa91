//! Tolerant reading of Helm / Go-template files.
//!
//! Template actions (`{{ ... }}`) are replaced by filler of the same byte length so that
//! every span computed on the masked text is a span of the original file. An action that
//! is alone on its line (control flow such as `{{- if }}`, `{{- range }}`, `{{ toYaml … }}`)
//! becomes blank; an action inside a line (`name: {{ .Values.name }}`) becomes a plain
//! scalar of underscores. Line breaks inside actions are kept.

mod control;
mod explain;
mod lang;
mod scan;

pub use control::{Blocks, Branch};
pub use lang::{Control, Syntax};

use crate::source::Span;

/// One masked template action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub span: Span,
    /// The action stood alone on its line(s), in YAML structure: it can produce any
    /// YAML structure.
    pub whole_line: bool,
    /// The action is inside a quoted scalar or a block scalar: it is part of a string.
    pub in_scalar: bool,
    /// The action is inside a block scalar (whose indentation it may change).
    pub in_block_scalar: bool,
}

/// Text with template actions masked, plus where they were.
#[derive(Debug, Clone)]
pub struct Masked {
    pub text: String,
    pub actions: Vec<Action>,
    /// The control blocks (`if` / `else` / `end` …) of the actions.
    pub blocks: Blocks,
    pub syntax: Syntax,
}

impl Masked {
    /// Actions overlapping `span`. Actions are in order and disjoint: a binary search
    /// finds the first, so a look-up costs the actions it returns, not all of the file's.
    pub fn actions_in(&self, span: &Span) -> impl Iterator<Item = &Action> {
        let span = span.clone();
        let first = self.actions.partition_point(|a| a.span.end <= span.start);
        self.actions[first..]
            .iter()
            .take_while(move |a| a.span.start < span.end)
            .filter(move |a| span.start < a.span.end)
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

/// Whether the text holds anything that looks like a Go template action.
pub fn has_actions(text: &str) -> bool {
    Syntax::Go.has_actions(text.as_bytes())
}

/// The template language of a file: by its name ([`syntax_for`]), except that a file
/// named like a Go template whose text holds a Jinja statement (`{% ` or `{%-`, never
/// valid YAML: Backstage / Nunjucks skeletons, Ansible) is read as Jinja.
pub fn syntax_of(path: &str, text: &str) -> Syntax {
    match syntax_for(path) {
        Syntax::Go
            if memchr::memmem::find_iter(text.as_bytes(), b"{%")
                .any(|i| matches!(text.as_bytes().get(i + 2), Some(b' ' | b'-'))) =>
        {
            Syntax::Jinja
        }
        syntax => syntax,
    }
}

/// The template language of a file, by its name: FreeMarker for `*.ftl.yaml`/`*.ftl.yml`,
/// Jinja for `*.j2.yaml`/`*.j2.yml`/`*.yaml.j2`/`*.yml.j2`, else Go templates (Helm,
/// `*.gotmpl`, `*.tpl.yaml`).
pub fn syntax_for(path: &str) -> Syntax {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path).as_bytes();
    // Compared without a lower-cased copy: this runs for every linted file.
    let ends = |sfx: &[&str]| {
        sfx.iter().any(|s| {
            name.len() >= s.len() && name[name.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
        })
    };
    if ends(&[".ftl.yaml", ".ftl.yml", ".yaml.ftl", ".yml.ftl"]) {
        Syntax::FreeMarker
    } else if ends(&[
        ".j2.yaml",
        ".j2.yml",
        ".yaml.j2",
        ".yml.j2",
        ".jinja2.yaml",
        ".yaml.jinja2",
        ".yaml.jinja",
        ".jinja.yaml",
    ]) {
        Syntax::Jinja
    } else {
        Syntax::Go
    }
}

/// Mask every Go template action in `text`. Returns `None` when there is none.
pub fn mask(text: &str) -> Option<Masked> {
    mask_with(text, Syntax::Go)
}

/// Mask the template actions of `text` (in the language `syntax`) that YAML reads: not
/// those inside YAML comments. Returns `None` when there is none.
pub fn mask_with(text: &str, syntax: Syntax) -> Option<Masked> {
    if !syntax.has_actions(text.as_bytes()) {
        return None;
    }
    let bytes = text.as_bytes();
    let scanned = scan::scan(text, syntax);
    let found = scanned.found;
    if found.is_empty() {
        return None;
    }
    let mut out = bytes.to_vec();
    let mut actions = Vec::with_capacity(found.len());
    // The lines of the previous action (start, end) and whether it was whole-line: many
    // actions on one long line share them, and each byte is searched for a line break
    // once, not once per action.
    let mut prev: Option<(usize, usize, bool)> = None;
    let mut scanned_to = 0; // no line break in bytes[line start of scanned_to..scanned_to]
    let mut scanned_line_start = 0;
    for f in &found {
        let span = &f.span;
        // The action is "whole line" when every other byte on the lines it touches is
        // white space or another action.
        let line_start = match memchr::memrchr(b'\n', &bytes[scanned_to..span.start]) {
            Some(i) => scanned_to + i + 1,
            None => scanned_line_start,
        };
        let line_end = match prev {
            Some((_, end, _)) if span.end <= end => end,
            _ => memchr::memchr(b'\n', &bytes[span.end..]).map_or(bytes.len(), |i| span.end + i),
        };
        scanned_to = span.end;
        scanned_line_start = memchr::memrchr(b'\n', &bytes[span.start..span.end])
            .map_or(line_start, |i| span.start + i + 1);
        let whole = match prev {
            Some((s, e, whole)) if (s, e) == (line_start, line_end) => whole,
            _ => whole_line(bytes, &found, line_start, line_end),
        };
        prev = Some((line_start, line_end, whole));
        match f.block {
            // A blank line in a block scalar must not be indented deeper than its first
            // content line: a line of actions there becomes content instead.
            Some(b) if whole => fill_content(
                &mut out[span.clone()],
                span.start - line_start,
                scanned.content[b],
            ),
            _ => fill(&mut out[span.clone()], if whole { b' ' } else { b'_' }),
        }
        actions.push(Action {
            span: span.clone(),
            whole_line: whole && !f.in_scalar,
            in_scalar: f.in_scalar,
            in_block_scalar: f.block.is_some(),
        });
    }
    // Only ASCII bytes replaced whole actions, and actions start and end on ASCII bytes,
    // so the result is valid UTF-8.
    let text_out = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let blocks = Blocks::build(text, actions.iter().map(|a| &a.span), syntax);
    Some(Masked {
        text: text_out,
        actions,
        blocks,
        syntax,
    })
}

/// Replace an action's bytes by `filler`, keeping its line breaks and the indentation
/// after them (a quoted scalar or an in-line action continued on the next line stays
/// indented as written).
fn fill(action: &mut [u8], filler: u8) {
    let mut after_break = false;
    for b in action {
        match *b {
            b'\n' | b'\r' => after_break = true,
            b' ' | b'\t' if after_break => *b = b' ',
            _ => {
                after_break = false;
                *b = filler;
            }
        }
    }
}

/// Replace the bytes of an action that starts at column `col` by spaces before column
/// `content` and underscores from it, keeping line breaks (a line of a block scalar
/// whose content is indented `content`).
fn fill_content(action: &mut [u8], mut col: usize, content: usize) {
    for b in action {
        if matches!(*b, b'\n' | b'\r') {
            col = 0;
            continue;
        }
        *b = if col < content { b' ' } else { b'_' };
        col += 1;
    }
}

/// Whether every byte of `bytes[line_start..line_end]` outside the action `spans` is white
/// space.
fn whole_line(bytes: &[u8], spans: &[scan::Found], line_start: usize, line_end: usize) -> bool {
    // Spans are sorted and disjoint: the ones on these lines are a contiguous run.
    let mut ci = spans.partition_point(|s| s.span.end <= line_start);
    let mut i = line_start;
    while i < line_end {
        if ci < spans.len() && spans[ci].span.start <= i {
            i = i.max(spans[ci].span.end);
            ci += 1;
            continue;
        }
        if !matches!(bytes[i], b' ' | b'\t' | b'\r') {
            return false;
        }
        i += 1;
    }
    true
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
