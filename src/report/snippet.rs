//! The source text miette draws for `full`: only the lines around a diagnostic's spans
//! (found through the file's [`LineIndex`], built once per file), with controls escaped,
//! offsets rebased and line numbers kept. Rendering a diagnostic costs the size of its
//! windows, not of the file.

use super::escape;
use crate::source::{LineIndex, Span};
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// Lines kept around each span (miette shows one).
const CONTEXT: usize = 2;

/// A run of whole lines of the file, escaped.
struct Segment {
    /// Byte range in the file.
    orig: Span,
    /// Where the segment starts in the snippet's offsets.
    virt: usize,
    text: String,
    /// 0-based line number of the segment's first line.
    first_line: usize,
    /// (file offset after an escaped character, offset in `text` after its escape).
    shifts: Vec<(usize, usize)>,
}

impl Segment {
    fn new(file: &str, orig: Span, first_line: usize, virt: usize) -> Segment {
        let src = &file[orig.clone()];
        let mut text = String::with_capacity(src.len());
        let mut shifts = Vec::new();
        let mut chars = src.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
            if escape::is_control(c) && c != '\n' && !crlf {
                escape::push_escaped(&mut text, c);
                shifts.push((orig.start + i + c.len_utf8(), text.len()));
            } else {
                text.push(c);
            }
        }
        Segment {
            orig,
            virt,
            text,
            first_line,
            shifts,
        }
    }

    /// Offset in `text` of a file offset inside the segment.
    fn local(&self, offset: usize) -> usize {
        let offset = offset.clamp(self.orig.start, self.orig.end);
        let local = match self.shifts.partition_point(|&(o, _)| o <= offset) {
            0 => offset - self.orig.start,
            n => {
                let (o, t) = self.shifts[n - 1];
                t + (offset - o)
            }
        };
        local.min(self.text.len())
    }
}

/// The windows of one diagnostic, as a miette source.
pub struct Snippet {
    name: String,
    segments: Vec<Segment>,
    /// A column correction for one line (0-based): a tool error's source may itself be a
    /// window cut out of a long line, whose columns are the file's.
    column_shift: Option<(usize, isize)>,
}

impl Snippet {
    /// The lines of `text` around `spans` (`CONTEXT` lines either side), merged where they
    /// touch. `name` is shown as the file name (already escaped).
    pub fn new(name: String, text: &str, index: &LineIndex, spans: &[&Span]) -> Snippet {
        let last = index.line_count();
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                let first = index.line_of(s.start.min(text.len()));
                let end = index.line_of(s.end.max(s.start).min(text.len()));
                (
                    first.saturating_sub(CONTEXT).max(1),
                    (end + CONTEXT).min(last),
                )
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(m) if a <= m.1 + 1 => m.1 = m.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut segments = Vec::with_capacity(merged.len());
        let mut virt = 0;
        for (a, b) in merged {
            let start = index.line_span(text, a).start;
            let end = if b < last {
                index.line_span(text, b + 1).start
            } else {
                text.len()
            };
            let seg = Segment::new(text, start..end, a - 1, virt);
            virt += seg.text.len();
            segments.push(seg);
        }
        Snippet {
            name,
            segments,
            column_shift: None,
        }
    }

    /// The snippet's `(offset, length)` of a file span.
    pub fn span(&self, span: &Span) -> (usize, usize) {
        let i = self
            .segments
            .partition_point(|s| s.orig.start <= span.start)
            .saturating_sub(1);
        let Some(seg) = self.segments.get(i) else {
            return (0, 0);
        };
        let start = seg.local(span.start);
        let end = seg.local(span.end.max(span.start)).max(start);
        (seg.virt + start, end - start)
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let i = self
            .segments
            .partition_point(|s| s.virt <= span.offset())
            .checked_sub(1)
            .ok_or(MietteError::OutOfBounds)?;
        let seg = &self.segments[i];
        let local = span.offset() - seg.virt;
        if local + span.len() > seg.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let local_span = SourceSpan::from((local, span.len()));
        let c = seg.text.as_str().read_span(&local_span, before, after)?;
        let line = c.line() + seg.first_line;
        let column = match self.column_shift {
            Some((l, shift)) if l == line => c.column().saturating_add_signed(shift),
            _ => c.column(),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            (c.span().offset() + seg.virt, c.span().len()).into(),
            line,
            column,
            c.line_count(),
        )))
    }
}

/// A tool error (e.g. a configuration problem) as miette draws it, with its message,
/// help, labels, file name and snippet escaped: the snippet is the lines around its labels
/// only, read through the error's own source.
pub struct SafeError<'a> {
    inner: &'a dyn Diagnostic,
    message: String,
    help: Option<String>,
    source: Option<Snippet>,
    labels: Vec<LabeledSpan>,
}

impl<'a> SafeError<'a> {
    pub fn new(inner: &'a dyn Diagnostic) -> Self {
        let labels: Vec<LabeledSpan> = inner.labels().map(|l| l.collect()).unwrap_or_default();
        let lo = labels.iter().map(|l| l.offset()).min();
        let hi = labels.iter().map(|l| l.offset() + l.len()).max();
        let window = match (inner.source_code(), lo, hi) {
            (Some(code), Some(lo), Some(hi)) => {
                code.read_span(&(lo, hi - lo).into(), CONTEXT, CONTEXT).ok()
            }
            _ => None,
        };
        let (source, labels) = match window {
            Some(c) => {
                let data = String::from_utf8_lossy(c.data());
                let base = c.span().offset();
                let name = escape::text(c.name().unwrap_or("")).into_owned();
                let seg = Segment::new(&data, 0..data.len(), c.line(), 0);
                let mut snippet = Snippet {
                    name,
                    segments: vec![seg],
                    column_shift: None,
                };
                let labels: Vec<LabeledSpan> = labels
                    .iter()
                    .map(|l| {
                        let start = l.offset().saturating_sub(base);
                        let span = snippet.span(&(start..start + l.len()));
                        let text = l.label().map(|t| escape::text(t).into_owned());
                        if l.primary() {
                            LabeledSpan::new_primary_with_span(text, span)
                        } else {
                            LabeledSpan::new_with_span(text, span)
                        }
                    })
                    .collect();
                snippet.column_shift = primary_column_shift(inner, &snippet, &labels);
                (Some(snippet), labels)
            }
            None => (None, Vec::new()),
        };
        SafeError {
            inner,
            message: escape::text_lines(&inner.to_string()).into_owned(),
            help: inner
                .help()
                .map(|h| escape::text_lines(&h.to_string()).into_owned()),
            source,
            labels,
        }
    }
}

/// The line of the primary label and how far its column in `snippet` is off the column
/// the error's own source gives (which counts what a cut window left out).
fn primary_column_shift(
    inner: &dyn Diagnostic,
    snippet: &Snippet,
    labels: &[LabeledSpan],
) -> Option<(usize, isize)> {
    let ours = labels.iter().find(|l| l.primary()).or(labels.first())?;
    let theirs = inner
        .labels()?
        .find(|l| l.primary())
        .or_else(|| inner.labels()?.next())?;
    let want = inner.source_code()?.read_span(theirs.inner(), 0, 0).ok()?;
    let got = snippet.read_span(ours.inner(), 0, 0).ok()?;
    let shift = want.column() as isize - got.column() as isize;
    (got.line() == want.line() && shift != 0).then_some((got.line(), shift))
}

impl fmt::Debug for SafeError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for SafeError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SafeError<'_> {}

impl Diagnostic for SafeError<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let code = self.inner.code()?.to_string();
        Some(Box::new(escape::text(&code).into_owned()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_keep_line_numbers_and_escape_controls() {
        let text = "a\nb\nc\x1b[2J: x\nd\ne\nf\ng\nh\ni\nj\nk\n";
        let index = LineIndex::new(text);
        let c = text.find('c').unwrap();
        let x = text.find('x').unwrap();
        let k = text.find('k').unwrap();
        let (s1, s2) = (c..c + 1, x..x + 1);
        let s3 = k..k + 1;
        let snip = Snippet::new("f".into(), text, &index, &[&s1, &s2, &s3]);
        assert_eq!(snip.segments.len(), 2);
        assert_eq!(snip.segments[0].text, "a\nb\nc\\x1b[2J: x\nd\ne\n");
        assert_eq!(snip.segments[1].first_line, 8);
        let (off, len) = snip.span(&s2);
        let c = snip.read_span(&(off, len).into(), 0, 0).unwrap();
        assert_eq!((c.data(), c.line()), (&b"x"[..], 2));
        let (off, _) = snip.span(&s3);
        let c = snip.read_span(&(off, 1).into(), 0, 0).unwrap();
        assert_eq!((c.data(), c.line()), (&b"k"[..], 10));
    }
}
