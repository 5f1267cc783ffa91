//! A fast path for the YAML that GitOps files are written in: block mappings and
//! sequences of single-line plain and quoted scalars, literal block scalars (`|`, `|-`),
//! single-line flow sequences of scalars, empty flow mappings, comments, `---` markers.
//!
//! It builds exactly the tree the `saphyr-parser` path builds ([`super::parse`]), in one
//! pass over the bytes and without the event machinery. Anything else — anchors, aliases,
//! tags, multi-line plain or quoted scalars, escapes, folded or kept block scalars,
//! complex keys, tabs, directives, non-ASCII text, anything that may be a syntax error —
//! gives `None`, and the file goes the general way. The two agree on every input the
//! fast path takes: `tests/yaml_fast.rs` compares them on the fixtures, the
//! yaml-test-suite, the corpus and generated documents, and the fuzz targets on theirs.

mod scalars;
mod stream;

pub use stream::{parse, parse_each, Resume};

use super::{Entry, Node, NodeKind, Style, Text};

/// Deepest nesting the fast path takes (the general path goes to [`super::MAX_DEPTH`]).
const MAX_NESTING: usize = 64;

/// The longest implicit key taken (YAML limits them to 1024 characters).
const MAX_KEY: usize = 1000;

/// Printable ASCII, line feeds and CR LF pairs only.
fn plain_ascii(bytes: &[u8]) -> bool {
    let mut cr = false;
    for &b in bytes {
        if cr && b != b'\n' {
            return false;
        }
        cr = b == b'\r';
        if !(0x20..0x7f).contains(&b) && b != b'\n' && b != b'\r' {
            return false;
        }
    }
    !cr
}

/// The next line with content after blank and comment lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    End,
    /// A `---` line (the parser stands at its start).
    Marker,
    /// A line indented `indent` spaces whose content starts at `at`; `deepest` is the
    /// most indented comment line skipped on the way.
    Content {
        indent: usize,
        at: usize,
        deepest: Option<usize>,
    },
}

struct Fast<'a> {
    /// The text, and its bytes.
    s: &'a str,
    b: &'a [u8],
    /// Always at a line start between nodes; inside a line while reading one.
    pos: usize,
    depth: usize,
    /// The entries of the mappings being read, innermost last: a mapping's own are moved
    /// out, in one allocation of their number, when it ends (no list grown and copied).
    entries: Vec<Entry>,
    /// The same for the items of the sequences being read.
    items: Vec<Node>,
}

fn scalar(span: std::ops::Range<usize>, value: impl Into<Text>, style: Style) -> Node {
    Node {
        span,
        anchor: 0,
        kind: NodeKind::Scalar {
            value: value.into(),
            style,
        },
    }
}

impl<'a> Fast<'a> {
    fn text(&self, range: std::ops::Range<usize>) -> &'a str {
        // Checked ASCII: every offset is a character boundary.
        self.s.get(range).unwrap_or_default()
    }

    /// The end of the line holding `at` (before its `\r\n` or `\n`).
    fn line_end(&self, at: usize) -> usize {
        let end = memchr::memchr(b'\n', &self.b[at..]).map_or(self.b.len(), |i| at + i);
        if end > at && self.b[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    /// The start of the line after the one holding `at`.
    fn after_line(&self, at: usize) -> usize {
        memchr::memchr(b'\n', &self.b[at..]).map_or(self.b.len(), |i| at + i + 1)
    }

    /// Skip blank and comment lines from `self.pos` (a line start); stands at the next
    /// content or marker line.
    fn next_line(&mut self) -> Next {
        let mut deepest = None;
        while self.pos < self.b.len() {
            let start = self.pos;
            let mut i = start;
            while self.b.get(i) == Some(&b' ') {
                i += 1;
            }
            match self.b.get(i) {
                None | Some(b'\n' | b'\r') => {}
                Some(b'#') => deepest = deepest.max(Some(i - start)),
                Some(_) if i == start && self.is_marker(start) => return Next::Marker,
                Some(_) => {
                    return Next::Content {
                        indent: i - start,
                        at: i,
                        deepest,
                    }
                }
            }
            self.pos = self.after_line(start);
        }
        Next::End
    }

    /// A `---` or `...` line, or a directive (the first two end the fast path's reading
    /// of a document; `...` and directives are left to the general path by the caller).
    fn is_marker(&self, start: usize) -> bool {
        let rest = &self.b[start..];
        let three = rest.starts_with(b"---") || rest.starts_with(b"...");
        let then = rest.get(3).copied();
        three && matches!(then, None | Some(b' ' | b'\n' | b'\r')) || rest[0] == b'%'
    }

    /// Move past a `---` line if the parser stands at one (a comment may follow it):
    /// gives where it starts if there was one, and the next line.
    fn document_start(&mut self) -> Option<(Option<usize>, Next)> {
        let mut next = self.next_line();
        let mut marker = None;
        if next == Next::Marker {
            if !self.b[self.pos..].starts_with(b"---") {
                return None;
            }
            let end = self.line_end(self.pos);
            self.rest_is_comment(self.pos + 3, end)?;
            marker = Some(self.pos);
            self.pos = self.after_line(self.pos);
            next = self.next_line();
            if next == Next::Marker {
                return None;
            }
        }
        Some((marker, next))
    }

    /// Blanks then nothing or a comment from `at` to `end`.
    fn rest_is_comment(&self, mut at: usize, end: usize) -> Option<()> {
        let blank = at;
        while at < end && self.b[at] == b' ' {
            at += 1;
        }
        (at == end || self.b[at] == b'#' && at > blank).then_some(())
    }

    /// The block node whose first line is indented `indent` and stands at `self.pos`'s
    /// content (`at`), or at `inline` on the current line (a compact mapping after `- `).
    fn block_node(&mut self, indent: usize, inline: Option<usize>) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return None;
        }
        let at = inline.unwrap_or(self.pos + indent);
        let node = if self.is_dash(at) {
            self.sequence(indent)
        } else if self.key_end(at).is_some() {
            self.mapping(indent, at)
        } else {
            None
        };
        self.depth -= 1;
        node
    }

    fn is_dash(&self, at: usize) -> bool {
        self.b[at] == b'-' && matches!(self.b.get(at + 1), None | Some(b' ' | b'\n' | b'\r'))
    }

    /// A block sequence whose dashes are in column `col`.
    fn sequence(&mut self, col: usize) -> Option<Node> {
        let base = self.items.len();
        let mut start = None;
        loop {
            let line = self.pos;
            let dash = line + col;
            start.get_or_insert(dash);
            let mut at = dash + 1;
            while self.b.get(at) == Some(&b' ') {
                at += 1;
            }
            let end = self.line_end(line);
            let item = if at >= end || self.b[at] == b'#' {
                // The item starts on a later line (after a comment, the general path
                // places the sequence otherwise).
                if self.b[dash + 1..end].iter().any(|&c| c != b' ') {
                    return None;
                }
                self.pos = self.after_line(line);
                // (A comment line before it too: the sequence's span starts at the
                // dash only when blanks alone come between.)
                match self.next_line() {
                    Next::Content {
                        indent,
                        deepest: None,
                        ..
                    } if indent > col => self.block_node(indent, None)?,
                    _ => return None,
                }
            } else if self.is_dash(at) {
                return None;
            } else if self.key_end(at).is_some() {
                self.block_node(at - line, Some(at))?
            } else {
                self.inline_value(at, col)?
            };
            self.items.push(item);
            match self.next_line() {
                Next::Content { indent, at, .. } if indent == col && self.is_dash(at) => {}
                Next::Content { indent, .. } if indent > col => return None,
                _ => break,
            }
        }
        let start = start?;
        let items: Vec<Node> = self.items.drain(base..).collect();
        let end = items.last().map_or(start, |n| n.span.end);
        Some(Node {
            span: start..end,
            anchor: 0,
            kind: NodeKind::Sequence { items, flow: false },
        })
    }

    /// A block mapping whose keys are in column `col`, the first at `first` (on the
    /// current line).
    fn mapping(&mut self, col: usize, first: usize) -> Option<Node> {
        let base = self.entries.len();
        let mut at = first;
        loop {
            let (key, colon) = self.key(at)?;
            let value = self.value_after(colon, col)?;
            self.entries.push(Entry { key, value });
            match self.next_line() {
                Next::Content {
                    indent,
                    at: next,
                    deepest,
                } if indent == col && !self.is_dash(next) => {
                    if deepest.is_some_and(|d| d > col) {
                        return None;
                    }
                    at = next;
                }
                Next::Content {
                    indent, at: next, ..
                } if indent == col && self.is_dash(next) => return None,
                Next::Content { indent, .. } if indent > col => return None,
                _ => break,
            }
        }
        let entries: Vec<Entry> = self.entries.drain(base..).collect();
        let start = entries.first()?.key.span.start;
        let end = entries
            .last()
            .map_or(start, |e| e.value.span.end.max(e.key.span.end));
        Some(Node {
            span: start..end,
            anchor: 0,
            kind: NodeKind::Mapping {
                entries,
                flow: false,
            },
        })
    }

    /// Where the `:` ending the implicit key at `at` is, when the line has one.
    fn key_end(&self, at: usize) -> Option<usize> {
        let end = self.line_end(at);
        let after = match self.b[at] {
            b'\'' | b'"' => self.quoted_close(at, end)? + 1,
            _ => self.plain_end(at, end, false)?.1,
        };
        self.colon_after(after, end, at)
    }

    /// The `:` after the implicit key at `key` that ends at `after`, on a line ending at
    /// `end`.
    fn colon_after(&self, after: usize, end: usize, key: usize) -> Option<usize> {
        let mut i = after;
        while i < end && self.b[i] == b' ' {
            i += 1;
        }
        let colon = i < end && self.b[i] == b':' && (i + 1 == end || self.b[i + 1] == b' ');
        (colon && i - key <= MAX_KEY).then_some(i)
    }

    /// The key scalar at `at` and the `:` ending it, read in one pass.
    fn key(&self, at: usize) -> Option<(Node, usize)> {
        let end = self.line_end(at);
        let (node, after) = match self.b[at] {
            b'\'' | b'"' => {
                let node = self.quoted(at, end)?;
                let after = node.span.end;
                (node, after)
            }
            _ => {
                let (text_end, stop) = self.plain_end(at, end, false)?;
                let value = self.text(at..text_end);
                if value == "<<" {
                    return None;
                }
                (scalar(at..text_end, value, Style::Plain), stop)
            }
        };
        Some((node, self.colon_after(after, end, at)?))
    }

    /// The value after the `:` at `colon` of a key in column `col`.
    fn value_after(&mut self, colon: usize, col: usize) -> Option<Node> {
        let end = self.line_end(colon);
        let mut at = colon + 1;
        while at < end && self.b[at] == b' ' {
            at += 1;
        }
        if at < end && self.b[at] != b'#' {
            return self.inline_value(at, col);
        }
        // On the lines below, or empty.
        self.pos = self.after_line(colon);
        match self.next_line() {
            Next::Content { indent, .. } if indent > col => self.block_node(indent, None),
            Next::Content { indent, at, .. } if indent == col && self.is_dash(at) => {
                self.block_node(indent, None)
            }
            _ => Some(empty(colon)),
        }
    }

    /// A value starting at `at` on its key's (or dash's) line, in a collection in column
    /// `col`: a scalar, a flow collection or a block scalar. Leaves the parser at the next
    /// line.
    fn inline_value(&mut self, at: usize, col: usize) -> Option<Node> {
        let end = self.line_end(at);
        let (node, after) = match self.b[at] {
            b'\'' | b'"' => {
                let node = self.quoted(at, end)?;
                let after = node.span.end;
                (node, after)
            }
            b'[' | b'{' => self.flow(at, end)?,
            b'|' => return self.literal(at, end, col),
            _ => {
                let (text_end, stop) = self.plain_end(at, end, false)?;
                if stop < end && self.b[stop] == b':' {
                    return None;
                }
                let value = self.text(at..text_end);
                (scalar(at..text_end, value, Style::Plain), text_end)
            }
        };
        self.rest_is_comment(after, end)?;
        self.pos = self.after_line(at);
        // A more indented line (or comment) next would continue a plain scalar.
        match self.clone_next() {
            Next::Content {
                indent, deepest, ..
            } if indent > col || deepest.is_some_and(|d| d > col) => None,
            _ => Some(node),
        }
    }

    /// [`Fast::next_line`] without moving.
    fn clone_next(&mut self) -> Next {
        let pos = self.pos;
        let next = self.next_line();
        self.pos = pos;
        next
    }
}

/// The empty value of a key whose `:` is at `colon`.
fn empty(colon: usize) -> Node {
    scalar(colon..colon, "", Style::Plain)
}
