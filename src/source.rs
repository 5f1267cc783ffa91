//! Loading a file's text and converting byte offsets to line/column at the edge.
//!
//! Everything inside the linter works with byte offsets into the file *as stored*
//! (a UTF-8 BOM included). Only renderers convert to line/column, through [`LineIndex`].

use std::ops::Range;

/// Byte range into a file's stored text.
pub type Span = Range<usize>;

/// The UTF-8 byte order mark.
pub const BOM: &str = "\u{feff}";

/// Why a file's bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    pub message: String,
    /// The valid text before `offset`.
    pub prefix: String,
}

/// Decode a file's bytes as UTF-8 text. The BOM, if any, is kept in the text so that
/// offsets stay those of the file as stored.
pub fn decode(bytes: Vec<u8>) -> Result<String, DecodeError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let message = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
                "file is UTF-16 encoded; only UTF-8 YAML is supported".to_string()
            } else if bytes[..bytes.len().min(8192)].contains(&0) {
                "file looks binary (contains NUL bytes), not YAML".to_string()
            } else {
                format!("invalid UTF-8 (byte 0x{:02x})", bytes[offset])
            };
            let mut bytes = err.into_bytes();
            bytes.truncate(offset);
            let prefix = String::from_utf8(bytes).unwrap_or_default();
            Err(DecodeError {
                offset,
                message,
                prefix,
            })
        }
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, and a BOM at the
/// start of the file is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line starts of a text, for converting byte offsets to [`LineCol`].
///
/// Lines end at `\n`; a `\r` before it belongs to the line ending, so CRLF and LF files
/// give the same line numbers.
///
/// Columns cost O(1) in ASCII text and O([`CHECKPOINT`]) otherwise, however long the line:
/// counting the characters from the line start made reporting 40k findings on a one-line
/// JSON file quadratic.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Every byte is ASCII: a column is a byte distance.
    ascii: bool,
    /// For other text: `(byte, characters before it)` at the first character boundary at
    /// or after each multiple of [`CHECKPOINT`] bytes.
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const CHECKPOINT: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let (mut at, mut chars) = (0, 0);
            while at < text.len() {
                checkpoints.push((at, chars));
                let mut next = (at + CHECKPOINT).min(text.len());
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[at..next].chars().count();
                at = next;
            }
        }
        LineIndex {
            starts,
            ascii,
            checkpoints,
        }
    }

    /// Characters in `text[from..to]` (both character boundaries, `from <= to`).
    fn chars_between(&self, text: &str, from: usize, to: usize) -> usize {
        if self.ascii {
            return to - from;
        }
        if to - from <= 2 * CHECKPOINT {
            return text[from..to].chars().count();
        }
        self.char_offset(text, to) - self.char_offset(text, from)
    }

    /// Characters in `text[..offset]` (a character boundary) — e.g. SARIF's `charOffset` —
    /// in O(1) for ASCII text and O(4 KB) otherwise, where counting from the start of the
    /// text per finding is quadratic in a file of many findings.
    pub fn char_offset(&self, text: &str, offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let k = self.checkpoints.partition_point(|&(b, _)| b <= offset) - 1;
        let (b, n) = self.checkpoints[k];
        n + text[b..offset].chars().count()
    }

    /// Line/column of a byte offset. Offsets inside a multi-byte character or past the end
    /// are clamped to the character boundary before them.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let mut start = self.starts[line];
        if line == 0 && text.starts_with(BOM) {
            start = start.max(BOM.len()).min(offset.max(start));
        }
        let column = self.chars_between(text, start.min(offset), offset) + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte range of line `line` (1-based), without its line ending.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset of the start of the line holding `offset`.
    pub fn line_start(&self, offset: usize) -> usize {
        self.starts[self.line_of(offset) - 1]
    }

    /// Byte offset of the `\n` ending the line holding `offset` (the text's length on the
    /// last line).
    pub fn line_end(&self, text: &str, offset: usize) -> usize {
        self.starts
            .get(self.line_of(offset))
            .map_or(text.len(), |&next| next - 1)
    }
}

/// Facts about a file's text that per-finding work looks up instead of recomputing: built
/// once per file, so that a finding costs the size of its object, not of the file (100k
/// findings in a 10 MB file each scanning back to a line start or over the whole text
/// took minutes).
#[derive(Debug, Clone)]
pub struct TextFacts {
    pub lines: LineIndex,
    /// Every byte is ASCII: a column is a byte distance.
    pub ascii: bool,
    /// Every `\r` is the first half of a CRLF (no lone `\r` line break).
    pub crlf_only: bool,
    /// `"\r\n"` when the first line ends with CRLF, else `"\n"`.
    pub eol: &'static str,
}

impl TextFacts {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let eol = match memchr::memchr(b'\n', bytes) {
            Some(i) if i > 0 && bytes[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        TextFacts {
            lines: LineIndex::new(text),
            ascii: text.is_ascii(),
            crlf_only: memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n')),
            eol,
        }
    }

    /// Column of `pos` in characters from the start of its line (a BOM counts as one).
    pub fn chars_before(&self, text: &str, pos: usize) -> usize {
        let ls = self.lines.line_start(pos);
        self.lines.chars_between(text, ls, pos)
    }
}

/// A table of the byte values in `bytes`, for scans that skip runs of the others.
pub const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// A character that must not reach a terminal or a log line raw.
pub fn is_control(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0a'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalar_values_and_skip_the_bom() {
        let text = "\u{feff}a: 你好\r\nb: c\n";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(idx.line_col(text, b), LineCol { line: 2, column: 1 });
        let a = text.find('a').unwrap();
        assert_eq!(idx.line_col(text, a), LineCol { line: 1, column: 1 });
        let c = text.find('好').unwrap();
        assert_eq!(idx.line_col(text, c), LineCol { line: 1, column: 5 });
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(&text[idx.line_span(text, 1)], "\u{feff}a: 你好");
        assert_eq!(&text[idx.line_span(text, 2)], "b: c");
        assert_eq!(&text[idx.line_span(text, 3)], "");
    }

    #[test]
    fn columns_on_long_non_ascii_lines() {
        // Checkpoints every few KB: columns far into a long line still count characters.
        let line: String = (0..5000)
            .map(|i| if i % 3 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("x\n{line}{line}\nz");
        let idx = LineIndex::new(&text);
        for chars in [0, 1, 4095, 4096, 9999] {
            let offset = 2 + text[2..].char_indices().nth(chars).unwrap().0;
            assert_eq!(idx.line_col(&text, offset).column, chars + 1, "{chars}");
        }
        for offset in [0, 1, 3, 5000, 9000, text.len()] {
            if text.is_char_boundary(offset) {
                assert_eq!(
                    idx.char_offset(&text, offset),
                    text[..offset].chars().count()
                );
            }
        }
        let z = text.len() - 1;
        assert_eq!(idx.line_col(&text, z), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn decode_reports_first_invalid_byte() {
        let err = decode(b"a: b\n\xffc".to_vec()).unwrap_err();
        assert_eq!(err.offset, 5);
        assert!(decode(b"\xef\xbb\xbfa: 1".to_vec())
            .unwrap()
            .starts_with(BOM));
        assert!(decode(b"\x00\x01\xff".to_vec())
            .unwrap_err()
            .message
            .contains("binary"));
    }
}
