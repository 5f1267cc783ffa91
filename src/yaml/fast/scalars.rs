//! The scalars and flow collections of the fast path: plain and quoted scalars on one
//! line, single-line flow sequences, empty flow mappings, literal block scalars.

use super::{scalar, Fast};
use crate::yaml::{Node, NodeKind, Style, Text};

/// The bytes a plain scalar's scan stops at: a blank, `:`, `#`, and the flow indicators
/// (which end one only in flow).
static STOPS: [bool; 256] = crate::source::byte_set(b" :#,[]{}");

fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl Fast<'_> {
    /// The end of a plain scalar starting at `at` (before `end`, the line's end): the end
    /// of its text (trailing blanks left out) and where it stops (a `:` before a blank,
    /// a comment, the line's end; in flow, also `,` `]` `}`). `None` when it cannot start
    /// one or holds what this path leaves to the general one.
    pub(super) fn plain_end(&self, at: usize, end: usize, flow: bool) -> Option<(usize, usize)> {
        let first = self.b[at];
        let next = self.b.get(at + 1).copied().filter(|_| at + 1 < end);
        let safe_next = next.is_some_and(|n| n != b' ' && !(flow && b",[]{}".contains(&n)));
        match first {
            b'-' | b'?' | b':' if safe_next => {}
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => return None,
            _ => {}
        }
        let line = &self.b[..end];
        let mut i = at;
        let mut text_end = at;
        loop {
            // A run of bytes that neither end a plain scalar nor are blanks.
            while line.get(i).is_some_and(|&c| !STOPS[usize::from(c)]) {
                i += 1;
                text_end = i;
            }
            let Some(&c) = line.get(i) else { break };
            let ends = match c {
                b' ' => false,
                b':' => line
                    .get(i + 1)
                    .is_none_or(|&n| n == b' ' || flow && is_flow(n)),
                b'#' => line[i - 1] == b' ',
                _ => flow,
            };
            if ends {
                break;
            }
            i += 1;
            if c != b' ' {
                text_end = i;
            }
        }
        Some((text_end, i))
    }

    /// The closing quote of the single-line quoted scalar opening at `at`.
    pub(super) fn quoted_close(&self, at: usize, end: usize) -> Option<usize> {
        let quote = self.b[at];
        let mut i = at + 1;
        while i < end {
            let c = self.b[i];
            if quote == b'"' && c == b'\\' {
                return None;
            }
            if c == quote {
                if quote == b'\'' && self.b.get(i + 1) == Some(&b'\'') && i + 1 < end {
                    i += 2;
                    continue;
                }
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// The single-line quoted scalar at `at`.
    pub(super) fn quoted(&self, at: usize, end: usize) -> Option<Node> {
        let close = self.quoted_close(at, end)?;
        let inner = self.text(at + 1..close);
        let (value, style) = if self.b[at] == b'\'' {
            (Text::from(inner.replace("''", "'")), Style::SingleQuoted)
        } else {
            (Text::from(inner), Style::DoubleQuoted)
        };
        Some(scalar(at..close + 1, value, style))
    }

    /// A single-line flow sequence of scalars, or an empty flow mapping, at `at`; and
    /// where it ends.
    pub(super) fn flow(&self, at: usize, end: usize) -> Option<(Node, usize)> {
        let mut i = at + 1;
        let skip = |i: &mut usize| {
            while *i < end && self.b[*i] == b' ' {
                *i += 1;
            }
        };
        skip(&mut i);
        if self.b[at] == b'{' {
            let close = (i < end && self.b[i] == b'}').then_some(i)?;
            let kind = NodeKind::Mapping {
                entries: Vec::new(),
                flow: true,
            };
            return Some((
                Node {
                    span: at..close + 1,
                    anchor: 0,
                    kind,
                },
                close + 1,
            ));
        }
        let mut items = Vec::new();
        loop {
            if i >= end {
                return None;
            }
            if self.b[i] == b']' && items.is_empty() {
                break;
            }
            let item = match self.b[i] {
                b'\'' | b'"' => self.quoted(i, end)?,
                _ => {
                    let (text_end, _) = self.plain_end(i, end, true)?;
                    scalar(i..text_end, self.text(i..text_end), Style::Plain)
                }
            };
            i = item.span.end;
            items.push(item);
            skip(&mut i);
            match self.b.get(i).filter(|_| i < end) {
                Some(b',') => {
                    i += 1;
                    skip(&mut i);
                    if i < end && self.b[i] == b']' {
                        return None;
                    }
                }
                Some(b']') => break,
                _ => return None,
            }
        }
        let kind = NodeKind::Sequence { items, flow: true };
        Some((
            Node {
                span: at..i + 1,
                anchor: 0,
                kind,
            },
            i + 1,
        ))
    }

    /// A literal block scalar (`|` or `|-`) whose header is at `at` (`end`: the header
    /// line's end), the value of a key or item in column `col`.
    pub(super) fn literal(&mut self, at: usize, end: usize, col: usize) -> Option<Node> {
        let strip = self.b.get(at + 1) == Some(&b'-') && at + 1 < end;
        let after = at + 1 + usize::from(strip);
        if after < end && self.b[after] != b' ' {
            return None;
        }
        self.rest_is_comment(after, end)?;
        let mut line = self.after_line(at);
        let mut indent = None;
        let mut lines: Vec<&str> = Vec::new();
        let mut stop = self.b.len();
        while line < self.b.len() {
            let line_end = self.line_end(line);
            let spaces = self.b[line..line_end]
                .iter()
                .take_while(|&&c| c == b' ')
                .count();
            let blank = line + spaces == line_end;
            if !blank && indent.is_some_and(|m| spaces < m) {
                stop = line;
                break;
            }
            if line_end == self.b.len() {
                return None; // no final line break: the general path
            }
            let content = match indent {
                _ if blank => {
                    if indent.is_none_or(|m| spaces > m) && spaces > 0 {
                        return None;
                    }
                    ""
                }
                None if spaces > col => {
                    indent = Some(spaces);
                    self.text(line + spaces..line_end)
                }
                None => return None,
                Some(m) => self.text(line + m..line_end),
            };
            lines.push(content);
            line = self.after_line(line);
        }
        indent?;
        let last = lines.iter().rposition(|l| !l.is_empty())?;
        let mut value = lines[..=last].join("\n");
        if !strip {
            value.push('\n');
        }
        self.pos = stop.min(line);
        Some(scalar(at..self.pos, value, Style::Literal))
    }
}
