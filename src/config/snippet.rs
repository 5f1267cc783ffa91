//! The snippet of a configuration error: only the lines around the error, each cut to a
//! bounded width, so that a configuration that is one long line (`/proc/self/environ`, a
//! minified file) never prints more than a few hundred bytes of itself.

use crate::source::Span;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Bytes of the error's line shown on either side of the error.
const AROUND: usize = 100;
/// Bytes shown of the error itself, and of each line before and after it.
const LINE: usize = 200;
/// Characters of file content quoted in a message.
const QUOTE: usize = 80;
/// Marks where a line was cut.
const CUT: &str = "…";

/// The largest char boundary of `s` at or before `i`.
fn floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or after `i`.
fn ceil(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `s`, cut after about `max` bytes.
fn head(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    format!("{}{CUT}", &s[..floor(s, max)])
}

/// File content for a message, in backquotes, cut after [`QUOTE`] characters.
pub(crate) fn quote(s: &str) -> String {
    match s.char_indices().nth(QUOTE) {
        None => format!("`{s}`"),
        Some((i, _)) => format!("`{}`{CUT} ({} bytes)", &s[..i], s.len()),
    }
}

/// A message, cut to a bounded length.
pub(crate) fn bounded_message(message: String) -> String {
    const MAX: usize = 1000;
    if message.len() <= MAX {
        return message;
    }
    head(&message, MAX)
}

/// The text shown for an error: the line before, the error's line (cut to the bytes around
/// the error) and the line after, with the span and line numbers of the whole file.
#[derive(Debug)]
pub(crate) struct Snippet {
    name: String,
    text: String,
    /// The error, in `text`.
    span: Span,
    /// The line number (0-based) of `text`'s first line in the file.
    first_line: usize,
    /// The line of `text` holding the error.
    error_line: usize,
    /// How many bytes of the error's line before the window were left out, less the cut
    /// mark: added to a column on that line.
    column_shift: isize,
}

impl Snippet {
    pub(crate) fn new(name: String, text: &str, span: &Span) -> Snippet {
        let start = floor(text, span.start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = floor(text, span.end.clamp(start, line_end).min(start + LINE));
        let from = floor(text, line_start.max(start.saturating_sub(AROUND)));
        let to = ceil(text, line_end.min(end + AROUND));
        let mut out = String::new();
        let mut first_line = memchr::memchr_iter(b'\n', &text.as_bytes()[..line_start]).count();
        let mut error_line = 0;
        if line_start > 0 {
            let before = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
            out.push_str(&head(&text[before..line_start - 1], LINE));
            out.push('\n');
            first_line -= 1;
            error_line = 1;
        }
        let window_line_start = out.len();
        if from > line_start {
            out.push_str(CUT);
        }
        let at = out.len() + (start - from);
        out.push_str(&text[from..to]);
        if to < line_end {
            out.push_str(CUT);
        }
        if line_end < text.len() {
            let rest = &text[line_end + 1..];
            let after = rest.find('\n').unwrap_or(rest.len());
            out.push('\n');
            out.push_str(&head(&rest[..after], LINE));
        }
        Snippet {
            name,
            text: out,
            span: at..at + (end - start),
            first_line,
            error_line,
            column_shift: (start - line_start) as isize - (at - window_line_start) as isize,
        }
    }

    /// The error's span in the snippet's text.
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        let column = if inner.line() == self.error_line {
            (inner.column() as isize + self.column_shift).max(0) as usize
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(snippet: &Snippet) -> &str {
        &snippet.text[snippet.span.clone()]
    }

    #[test]
    fn a_short_file_is_shown_as_it_is() {
        let text = "a: 1\nfix:\n  oops: end\nb: 2\nc: 3\n";
        let at = text.find("oops").unwrap();
        let s = Snippet::new("f".into(), text, &(at..at + 4));
        assert_eq!(s.text, "fix:\n  oops: end\nb: 2");
        assert_eq!(error_of(&s), "oops");
        assert_eq!((s.first_line, s.error_line, s.column_shift), (1, 1, 0));
    }

    #[test]
    fn a_long_line_is_cut_around_the_error() {
        let long = format!("{}SECRET{}", "x".repeat(100_000), "y".repeat(100_000));
        let text = format!("{long}\n{long}\n{long}\n");
        let at = long.len() + 1 + 100_000;
        let s = Snippet::new("f".into(), &text, &(at..at + 6));
        assert!(s.text.len() < 1000, "{}", s.text.len());
        assert_eq!(error_of(&s), "SECRET");
        assert_eq!(s.text.lines().count(), 3);
        // The column on the error line is the file's.
        let contents = s.read_span(&(s.span.start, 6).into(), 0, 0).unwrap();
        assert_eq!(contents.line(), 1);
        assert_eq!(contents.column(), 100_000);
        // A span running to the end of a huge line is cut too.
        let s = Snippet::new("f".into(), &text, &(0..text.len()));
        assert!(s.text.len() < 1000, "{}", s.text.len());
        assert!(error_of(&s).len() <= LINE);
    }

    #[test]
    fn multibyte_text_is_cut_on_char_boundaries() {
        let text = "é".repeat(50_000);
        let s = Snippet::new("f".into(), &text, &(50_001..50_003));
        assert!(s.text.len() < 1000);
        let s = Snippet::new("f".into(), &text, &(text.len()..text.len()));
        assert_eq!(error_of(&s), "");
        assert!(quote(&text).len() < 400);
        assert_eq!(quote("short"), "`short`");
    }
}
