//! A single pass over a templated YAML file that finds template actions the way YAML
//! reads the text around them: an action inside a YAML comment is not one (it is the
//! comment's text), an action inside a quoted scalar or a block scalar is part of that
//! scalar (its quotes and line breaks must survive masking), and only the others sit
//! where they can produce YAML structure.

use super::lang::{Limits, Syntax};
use crate::source::Span;

/// An action found by the scan.
pub(super) struct Found {
    pub span: Span,
    /// Inside a quoted scalar or a block scalar.
    pub in_scalar: bool,
    /// Inside a block scalar: its index in [`Scanned::content`].
    pub block: Option<usize>,
}

/// What the scan found.
pub(super) struct Scanned {
    pub found: Vec<Found>,
    /// Per block scalar, the indentation of its content (a line masked to filler from
    /// this column on stays in the scalar).
    pub content: Vec<usize>,
}

/// Where the scan of a line in YAML structure is.
struct Line {
    line_start: usize,
    /// A node may start here (after indentation or an indicator).
    at_start: bool,
    after_quote: bool,
    /// Column of the line's last key, and of the node its last `-`/`?` opened.
    entry_col: usize,
    dash_col: usize,
    last_indicator: u8,
}

impl Line {
    /// An indicator (`-`, `?`, `:`, flow brackets, `,`) or another byte `b` of a plain
    /// scalar, at `i`.
    fn other(&mut self, b: u8, i: usize, next_blank: bool, flow: &mut usize) {
        match b {
            b'-' | b'?' if self.at_start && next_blank => {
                self.dash_col = i - self.line_start;
                self.entry_col = self.dash_col + 2;
                self.last_indicator = b'-';
            }
            b':' if next_blank || *flow > 0 || self.after_quote => {
                self.last_indicator = b':';
                self.at_start = true;
            }
            b'[' | b'{' if self.at_start || *flow > 0 => {
                *flow += 1;
                self.at_start = true;
            }
            b']' | b'}' if *flow > 0 => {
                *flow -= 1;
                self.at_start = false;
            }
            b',' if *flow > 0 => self.at_start = true,
            _ => {
                if self.at_start && self.last_indicator != b':' && *flow == 0 {
                    self.entry_col = i - self.line_start;
                }
                self.at_start = false;
            }
        }
    }
}

/// A block scalar being read: the indentation of its parent node and of its content.
struct Block {
    parent: usize,
    content: Option<usize>,
    index: usize,
}

/// Every template action of `text` that is not inside a YAML comment, in order.
pub(super) fn scan(text: &str, syntax: Syntax) -> Scanned {
    Scanner {
        bytes: text.as_bytes(),
        syntax,
        limits: Limits::new(text.as_bytes(), syntax),
        out: Vec::new(),
        content: Vec::new(),
        in_block: None,
    }
    .run()
}

struct Scanner<'a> {
    bytes: &'a [u8],
    syntax: Syntax,
    limits: Limits,
    out: Vec<Found>,
    /// Per block scalar: its content indentation, once known, else its parent's.
    /// (content indentation once known, parent's, least indentation of action lines
    /// before the content).
    content: Vec<(Option<usize>, usize, Option<usize>)>,
    /// The block scalar being read.
    in_block: Option<usize>,
}

/// Bytes that may matter to the scan: YAML indicators, quotes, line breaks, blanks and
/// the first bytes of template delimiters. Runs of other bytes are skipped at once.
const SPECIAL: [bool; 256] = crate::source::byte_set(b"\n\r\t #'\"-?:[]{},|>&!\\$<%");

/// The index of the first byte from `i` on that is [`SPECIAL`].
fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && !SPECIAL[bytes[i] as usize] {
        i += 1;
    }
    i
}

fn is_blank(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

impl Scanner<'_> {
    fn run(mut self) -> Scanned {
        let n = self.bytes.len();
        // A byte order mark is not part of the first line's text.
        let mut i = if self.bytes.starts_with("\u{feff}".as_bytes()) {
            3
        } else {
            0
        };
        let mut flow = 0usize;
        let mut block: Option<Block> = None;
        while i < n {
            // At the start of a line.
            let line_start = i;
            let indent = self.bytes[i..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            let first = i + indent;
            if let Some(b) = &mut block {
                self.in_block = Some(b.index);
                if self.blank_or_actions(first) {
                    let (content, parent, actions_at) = &mut self.content[b.index];
                    if content.is_none()
                        && indent > *parent
                        && first < n
                        && self.bytes[first] != b'\n'
                    {
                        *actions_at = Some(actions_at.map_or(indent, |a: usize| a.min(indent)));
                    }
                    i = self.scalar_line(first);
                    continue;
                }
                let inside = match b.content {
                    Some(c) => indent >= c,
                    None if indent > b.parent => {
                        b.content = Some(indent);
                        let known = &mut self.content[b.index];
                        known.0 = Some(known.2.map_or(indent, |a| a.min(indent)));
                        true
                    }
                    None => false,
                };
                if inside {
                    i = self.scalar_line(first);
                    continue;
                }
                block = None;
            }
            self.in_block = None;
            if indent == 0 && self.doc_marker(line_start) {
                flow = 0;
            }
            i = self.structure_line(first, indent, &mut flow, &mut block);
        }
        Scanned {
            found: self.out,
            content: self
                .content
                .iter()
                .map(|&(c, parent, actions)| c.or(actions).unwrap_or(parent + 1))
                .collect(),
        }
    }

    /// Whether the line from `first` holds nothing, or only template actions and blanks
    /// (a line a block scalar reads as empty once masked).
    fn blank_or_actions(&self, first: usize) -> bool {
        let mut i = first;
        loop {
            match self.bytes.get(i) {
                None | Some(b'\n') => return true,
                Some(b' ' | b'\t' | b'\r') => i += 1,
                _ => match self.syntax.opener(self.bytes, i) {
                    Some(_) => i = self.syntax.action_end(self.bytes, i, false, self.limits),
                    None => return false,
                },
            }
        }
    }

    /// `---` or `...` at the start of a line.
    fn doc_marker(&self, at: usize) -> bool {
        let rest = &self.bytes[at..];
        (rest.starts_with(b"---") || rest.starts_with(b"...")) && is_blank(rest.get(3))
    }

    /// Record the action at `at`; returns where it ends.
    fn action(&mut self, at: usize, in_scalar: bool, escaped: bool) -> usize {
        let end = self
            .syntax
            .action_end(self.bytes, at, escaped, self.limits)
            .max(at + 2)
            .min(self.bytes.len());
        self.out.push(Found {
            span: at..end,
            in_scalar,
            block: self.in_block.filter(|_| in_scalar),
        });
        end
    }

    /// A line of a block scalar from `first`: only its actions matter. Returns the start
    /// of the next line.
    fn scalar_line(&mut self, first: usize) -> usize {
        let mut i = first;
        while i < self.bytes.len() {
            if self.bytes[i] == b'\n' {
                return i + 1;
            }
            if self.syntax.opener(self.bytes, i).is_some() {
                i = self.action(i, true, false);
            } else {
                i = skip_plain(self.bytes, i + 1);
            }
        }
        i
    }

    /// A quoted scalar opened at `at`; returns the byte after its closing quote.
    fn quoted(&mut self, at: usize) -> usize {
        let q = self.bytes[at];
        let mut i = at + 1;
        while i < self.bytes.len() {
            if self.syntax.opener(self.bytes, i).is_some() {
                i = self.action(i, true, q == b'"');
                continue;
            }
            match self.bytes[i] {
                b'\\' if q == b'"' => i += 2,
                b'\'' if q == b'\'' && self.bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == q => return i + 1,
                _ => i = skip_plain(self.bytes, i + 1),
            }
        }
        self.bytes.len()
    }

    /// A block scalar whose header (`|`, `>-`, `|2`…) is at `at`, in a node indented
    /// `parent`.
    fn block_header(&mut self, at: usize, parent: usize) -> Block {
        let explicit = self.bytes[at + 1..]
            .iter()
            .take_while(|c| !is_blank(Some(c)))
            .find(|c| c.is_ascii_digit())
            .map(|c| usize::from(c - b'0'));
        let content = explicit.map(|d| parent + d);
        self.content.push((content, parent, None));
        Block {
            parent,
            content,
            index: self.content.len() - 1,
        }
    }

    /// The rest of a line (and of the lines a quoted scalar or an action continues on)
    /// in YAML structure, from its first non-blank byte. Returns the start of the next
    /// line to read.
    fn structure_line(
        &mut self,
        first: usize,
        indent: usize,
        flow: &mut usize,
        block: &mut Option<Block>,
    ) -> usize {
        let bytes = self.bytes;
        let next_line =
            |i: usize| memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |k| i + k + 1);
        let mut i = first;
        let mut line = Line {
            line_start: first - indent,
            at_start: true,
            after_quote: false,
            entry_col: indent,
            dash_col: indent,
            last_indicator: b' ',
        };
        while i < bytes.len() {
            let b = bytes[i];
            if self.syntax.opener(bytes, i).is_some() {
                let end = self.action(i, false, false);
                if let Some(k) = memchr::memrchr(b'\n', &bytes[i..end]) {
                    line.line_start = i + k + 1;
                }
                i = end;
                line.at_start = false;
                line.after_quote = false;
                continue;
            }
            let prev_blank = i == first || matches!(bytes[i - 1], b' ' | b'\t');
            match b {
                b'\n' => return i + 1,
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'#' if prev_blank => return next_line(i),
                b'\'' | b'"' if line.at_start => {
                    i = self.quoted(i);
                    if let Some(k) = memchr::memrchr(b'\n', &bytes[first..i]) {
                        line.line_start = line.line_start.max(first + k + 1);
                    }
                    line.at_start = false;
                    line.after_quote = true;
                    continue;
                }
                b'|' | b'>' if line.at_start && *flow == 0 => {
                    let parent = match line.last_indicator {
                        b':' => line.entry_col,
                        b'-' => line.dash_col,
                        _ => indent.saturating_sub(1),
                    };
                    *block = Some(self.block_header(i, parent));
                    return next_line(i);
                }
                b'&' | b'!' if line.at_start => {
                    // An anchor or a tag: the node starts after it.
                    while i < bytes.len() && !is_blank(bytes.get(i)) {
                        i += 1;
                    }
                    continue;
                }
                _ => line.other(b, i, is_blank(bytes.get(i + 1)), flow),
            }
            line.after_quote = false;
            i = skip_plain(bytes, i + 1);
        }
        i
    }
}
