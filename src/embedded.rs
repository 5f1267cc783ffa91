//! Manifests held in strings: an Argo Workflows `resource.manifest: |`, a ConfigMap's
//! file, a Helm `values: |`. The string's content is parsed as YAML of its own; what is
//! found there is reported, and fixed, in the file.
//!
//! A literal block scalar (`|`, `|-`, `|+`, with or without an indentation indicator) is
//! the file's lines less the block's indentation, line for line: a [`Layer`] maps offsets of
//! the content to offsets of the file, and edits back with the block's indentation added to
//! each inserted line. Any other string (folded `>`, quoted, plain) does not map line for
//! line: its findings point at the whole string and get no fix.

use crate::diagnostic::{Diagnostic, Edit};
use crate::source::Span;
use crate::yaml::{Node, NodeKind, Style};

/// Deepest nesting of manifest strings read (a string in a manifest in a string…).
pub const MAX_DEPTH: usize = 3;

/// How offsets of a string's content map to its parent text (the file, or the content
/// of the string holding it).
#[derive(Debug, Clone)]
pub enum Layer {
    /// A literal block scalar: line for line.
    Lines(LineLayer),
    /// Any other string: everything maps to the string's span; no edits.
    Whole(Span),
}

#[derive(Debug, Clone)]
pub struct LineLayer {
    /// Per content line: its start in the content.
    content_starts: Vec<usize>,
    /// Per content line: the parent offset of its first content byte (past the block's
    /// indentation).
    text_starts: Vec<usize>,
    /// Per content line: the parent offset of the line's start (before the indentation).
    line_starts: Vec<usize>,
    /// The parent offset after the line break of the block's last content line.
    after_end: usize,
    content_len: usize,
    /// The content ends with a line break (`|`, `|+`; not `|-`).
    ends_with_break: bool,
    indent: usize,
    /// The parent's line break.
    eol: &'static str,
}

impl Layer {
    /// The layer of string `node` (a scalar of `parent`, the text it was parsed from).
    pub fn of(parent: &str, node: &Node) -> Layer {
        match &node.kind {
            NodeKind::Scalar {
                value,
                style: Style::Literal,
            } => LineLayer::new(parent, node, value)
                .map_or_else(|| Layer::Whole(node.span.clone()), Layer::Lines),
            _ => Layer::Whole(node.span.clone()),
        }
    }

    /// The content of the string as the parent's `original` text (before template masking,
    /// the same length as the text parsed) writes it: `value` is what the parser read.
    pub fn original_content(&self, original: &str, value: &str) -> String {
        let Layer::Lines(l) = self else {
            return value.to_string();
        };
        let mut bytes = value.as_bytes().to_vec();
        for (i, &start) in l.content_starts.iter().enumerate() {
            let end = l.content_starts.get(i + 1).copied().unwrap_or(value.len());
            let line = &value[start..end];
            let len = line.strip_suffix('\n').unwrap_or(line).len();
            let from = l.text_starts[i];
            match original.as_bytes().get(from..from + len) {
                Some(orig) => bytes[start..start + len].copy_from_slice(orig),
                None => return value.to_string(),
            }
        }
        String::from_utf8(bytes).unwrap_or_else(|_| value.to_string())
    }

    /// Whether fixes made in the content can be written in the parent.
    pub fn fixable(&self) -> bool {
        matches!(self, Layer::Lines(_))
    }

    /// A content offset as a parent offset (the text at it, past any indentation).
    pub fn pos(&self, p: usize) -> usize {
        match self {
            Layer::Whole(span) => span.start,
            Layer::Lines(l) => l.pos(p),
        }
    }

    /// A content span as a parent span.
    pub fn span(&self, s: &Span) -> Span {
        match self {
            Layer::Whole(span) => span.clone(),
            Layer::Lines(l) => l.pos(s.start)..l.pos(s.end).max(l.pos(s.start)),
        }
    }

    /// A content edit as a parent edit, with the block's indentation before each inserted
    /// line and the parent's line breaks.
    pub fn edit(&self, e: &Edit) -> Option<Edit> {
        let Layer::Lines(l) = self else { return None };
        let (start, at_line_start) = l.edit_pos(e.span.start)?;
        let (end, _) = l.edit_pos(e.span.end)?;
        let pad = " ".repeat(l.indent);
        let mut content = String::with_capacity(e.content.len() + 16);
        let mut first = true;
        for piece in e.content.split_inclusive('\n') {
            let starts_line = if first { at_line_start } else { true };
            first = false;
            let (body, brk) = match piece.strip_suffix('\n') {
                Some(b) => (b, true),
                None => (piece, false),
            };
            if starts_line && !body.is_empty() {
                content.push_str(&pad);
            }
            content.push_str(body);
            if brk {
                content.push_str(l.eol);
            }
        }
        Some(Edit {
            span: start..end.max(start),
            content,
        })
    }
}

impl LineLayer {
    fn new(parent: &str, node: &Node, value: &str) -> Option<LineLayer> {
        // The content starts on the line after the header (`|`, `|2-`, a comment).
        let header_end = parent[node.span.start..].find('\n')? + node.span.start + 1;
        let lines: Vec<&str> = value.split_inclusive('\n').collect();
        // The parent's lines, as many as the content has: (start, text without break).
        let mut parent_lines = Vec::with_capacity(lines.len());
        let mut at = header_end;
        for _ in &lines {
            let rest = parent.get(at..)?;
            let (len, next) = match rest.find('\n') {
                Some(i) => (i, at + i + 1),
                None => (rest.len(), parent.len()),
            };
            let line = rest[..len].strip_suffix('\r').unwrap_or(&rest[..len]);
            parent_lines.push((at, line));
            at = next;
        }
        let first = lines.iter().position(|v| *v != "\n");
        let indent = match first {
            Some(k) => {
                let v = lines[k].trim_end_matches('\n');
                parent_lines[k].1.len().checked_sub(v.len())?
            }
            None => 0,
        };
        let mut out = LineLayer {
            content_starts: Vec::with_capacity(lines.len()),
            text_starts: Vec::with_capacity(lines.len()),
            line_starts: Vec::with_capacity(lines.len()),
            after_end: at,
            content_len: value.len(),
            ends_with_break: value.ends_with('\n'),
            indent,
            // The line break of the block's own lines (its header line's).
            eol: if parent[..header_end].ends_with("\r\n") {
                "\r\n"
            } else {
                "\n"
            },
        };
        let mut c = 0;
        for (v, &(start, line)) in lines.iter().zip(&parent_lines) {
            let text = v.trim_end_matches('\n');
            // The parent line is the block's indentation (spaces) then the content line;
            // an empty content line, at most spaces.
            let head = if text.is_empty() {
                line
            } else {
                line.get(..indent)?
            };
            if !head.bytes().all(|b| b == b' ') || (!text.is_empty() && &line[indent..] != text) {
                return None;
            }
            out.content_starts.push(c);
            out.line_starts.push(start);
            out.text_starts.push(start + head.len().min(indent));
            c += v.len();
        }
        Some(out)
    }

    fn line_of(&self, p: usize) -> usize {
        self.content_starts
            .partition_point(|&s| s <= p)
            .saturating_sub(1)
    }

    fn pos(&self, p: usize) -> usize {
        if self.content_starts.is_empty() || (p >= self.content_len && self.ends_with_break) {
            return self.after_end;
        }
        let i = self.line_of(p);
        self.text_starts[i] + (p - self.content_starts[i])
    }

    /// Where an edit at content offset `p` goes, and whether that is a line start.
    fn edit_pos(&self, p: usize) -> Option<(usize, bool)> {
        if p > self.content_len {
            return None;
        }
        if self.content_starts.is_empty() || (p == self.content_len && self.ends_with_break) {
            return Some((self.after_end, true));
        }
        let i = self.line_of(p);
        if p == self.content_starts[i] {
            return Some((self.line_starts[i], true));
        }
        Some((self.text_starts[i] + (p - self.content_starts[i]), false))
    }
}

/// Whether an Argo Workflows `resource` template holds a whole object in its `manifest`:
/// `action: create`, `apply` or `replace` (a `patch` is a fragment; `get` and `delete`
/// name an object that exists).
pub fn manifest_is_whole(action: Option<&str>) -> bool {
    action.is_none_or(|a| matches!(a, "create" | "apply" | "replace"))
}

/// Map a diagnostic found in a string's content to the parent: spans, labels, edits (the
/// fix is dropped when its edits cannot be written there). `document` is the parent's.
pub fn map_diagnostic(layer: &Layer, d: &mut Diagnostic, document: Option<usize>) {
    d.span = layer.span(&d.span);
    for l in &mut d.labels {
        l.span = layer.span(&l.span);
    }
    d.document = document;
    if let Some(fix) = &mut d.fix {
        let edits: Option<Vec<Edit>> = fix.edits.iter().map(|e| layer.edit(e)).collect();
        match edits {
            Some(edits) => fix.edits = edits,
            None => d.fix = None,
        }
    }
    if !layer.fixable() {
        // Every label would point at the same whole string.
        d.labels.clear();
        d.label = format!("{}, in this string", d.label);
        d.help = Some(format!(
            "{}\n(the object is in a string that is not a literal block scalar `|`: \
             fix it by hand)",
            d.help.as_deref().unwrap_or_default()
        ));
    }
}
