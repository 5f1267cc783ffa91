//! `saphyr-parser` events → [`Document`]s with byte spans.

use super::{Document, Entry, Node, NodeKind, Style, Text};
use crate::source::Span;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting of collections accepted; deeper input is a syntax error (and is never
/// recursed into, so hostile input cannot overflow the stack).
pub const MAX_DEPTH: usize = 256;

/// A YAML syntax error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    /// Index of the document the error is in.
    pub document: usize,
    pub message: String,
}

/// The documents that parsed, and the errors of those that did not.
#[derive(Debug, Clone, Default)]
pub struct ParseOutput {
    pub documents: Vec<Document>,
    pub errors: Vec<SyntaxError>,
}

/// Converts saphyr's positions into byte offsets of `text`.
///
/// For ASCII text the marker's index is the byte offset. Otherwise the line and column are
/// used: saphyr's character index drifts after a directive line (`%FOO é`) holding
/// multi-byte characters, while its line and column stay right. Lines break at `\n`,
/// `\r\n` and a lone `\r`, as in YAML.
///
/// Built once per file and shared by the parser runs (one per syntax error): rebuilding it
/// for the rest of the file after each error made a file of many broken documents
/// quadratic.
struct ByteOffsets<'a> {
    /// The whole file's text.
    text: &'a str,
    /// Byte offset of each line's start; empty for ASCII text.
    line_starts: Vec<usize>,
    /// The current run: its start (a line start) and the index of its line.
    base: std::cell::Cell<(usize, usize)>,
    /// The last conversion (line, column, byte), to walk forward from on long lines.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> ByteOffsets<'a> {
    fn new(text: &'a str) -> Self {
        let line_starts = if text.is_ascii() {
            Vec::new()
        } else {
            let bytes = text.as_bytes();
            // saphyr does not count a BOM as a column.
            let mut starts = vec![if text.starts_with('\u{feff}') { 3 } else { 0 }];
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    continue; // CRLF: the break is at the `\n`
                }
                starts.push(i + 1);
            }
            starts
        };
        ByteOffsets {
            text,
            line_starts,
            base: std::cell::Cell::new((0, 0)),
            last: std::cell::Cell::new((usize::MAX, 0, 0)),
        }
    }

    /// Start a parser run at byte `base` (0, or the start of a `---` line).
    fn start_run(&self, base: usize) {
        let line = self
            .line_starts
            .partition_point(|&s| s <= base)
            .saturating_sub(1);
        self.base.set((base, line));
        self.last.set((usize::MAX, 0, 0));
    }

    /// The offset of a marker of the current run, relative to the run's start.
    fn byte(&self, m: &saphyr_parser::Marker) -> usize {
        let (base, base_line) = self.base.get();
        let run_len = self.text.len() - base;
        if self.line_starts.is_empty() {
            return m.index().min(run_len);
        }
        let line = base_line + m.line().saturating_sub(1);
        let Some(&line_start) = self.line_starts.get(line) else {
            return run_len;
        };
        // A run starts at a line start; on its first line, columns count from the run.
        let line_start = line_start.max(base);
        let (last_line, last_col, last_byte) = self.last.get();
        let (mut col, mut byte) = if last_line == line && last_col <= m.col() {
            (last_col, last_byte)
        } else {
            (0, line_start)
        };
        let mut chars = self.text[byte..].chars();
        while col < m.col() {
            match chars.next() {
                Some(c) => {
                    byte += c.len_utf8();
                    col += 1;
                }
                None => break,
            }
        }
        self.last.set((line, col, byte));
        byte - base
    }
}

enum Frame {
    Mapping {
        anchor: usize,
        start: usize,
        flow: bool,
        entries: Vec<Entry>,
        pending_key: Option<Node>,
    },
    Sequence {
        anchor: usize,
        start: usize,
        flow: bool,
        items: Vec<Node>,
    },
}

/// Where a byte offset sits for the YAML scanner: outside every scalar, inside a scalar's
/// text, or in a document that failed to parse (outside the scalars read before the error,
/// or after it, up to the next `---`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProbeState {
    #[default]
    Outside,
    /// In a plain scalar (with template masking, a masked action may be one).
    InPlain,
    /// In a quoted scalar.
    InScalar,
    /// In the content of a block scalar (`|`, `>`) spanning `start..end`: data for this
    /// document, though the block may hold YAML of its own (an embedded manifest).
    InBlock { start: usize, end: usize },
    /// In a document with a syntax error: not in a scalar read before the error.
    FailedDocument,
}

/// Byte offsets to classify while parsing (suppression comments: a `#` is a comment only
/// outside scalars). Empty for almost every file: each scalar then costs one length test.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    /// Sorted, file-relative byte offsets.
    pub at: Vec<usize>,
    /// The state of each offset of `at`, filled by the parser.
    pub state: Vec<ProbeState>,
    /// End of the last event of the current parser run: a syntax error leaves what follows
    /// unparsed.
    settled: usize,
    /// Where the current document's text starts (the end of the previous document).
    doc_from: usize,
}

impl Probes {
    pub fn new(at: Vec<usize>) -> Self {
        let state = vec![ProbeState::Outside; at.len()];
        Probes {
            at,
            state,
            settled: 0,
            doc_from: 0,
        }
    }

    /// Mark the offsets in `range` (those not already inside a scalar).
    fn mark(&mut self, range: Span, state: ProbeState) {
        let first = self.at.partition_point(|&p| p < range.start);
        for i in first..self.at.len() {
            if self.at[i] >= range.end {
                break;
            }
            if self.state[i] == ProbeState::Outside {
                self.state[i] = state;
            }
        }
    }

    /// A scalar event: offsets in its text are data. A block scalar's text starts on the
    /// line after its header (a comment may follow the `|`/`>` indicator).
    fn scalar(&mut self, text: &str, base: usize, span: &Span, style: Style) {
        let (start, state) = match style {
            Style::Plain => (span.start, ProbeState::InPlain),
            Style::SingleQuoted | Style::DoubleQuoted => (span.start, ProbeState::InScalar),
            Style::Literal | Style::Folded => {
                let Some(i) = memchr::memchr(b'\n', &text.as_bytes()[span.start - base..]) else {
                    return;
                };
                let start = span.start + i + 1;
                let end = span.end;
                (start, ProbeState::InBlock { start, end })
            }
        };
        self.mark(start..span.end, state);
    }
}

/// Parse every document of `text`, collecting them.
///
/// `original` is the file's text before template masking (the same length as `text`); it
/// decides whether a masked-away prelude before the first `---` counts as a document, as a
/// template renderer would see it.
pub fn parse(text: &str, original: &str) -> ParseOutput {
    let mut documents = Vec::new();
    let errors = parse_each(text, original, &mut |doc| documents.push(doc));
    ParseOutput { documents, errors }
}

/// Parse `text` one document at a time: `on_document` gets each document as soon as it is
/// complete, so a caller that does not keep them holds one document's tree at a time.
/// Returns the syntax errors.
pub fn parse_each(
    text: &str,
    original: &str,
    on_document: &mut dyn FnMut(Document),
) -> Vec<SyntaxError> {
    parse_each_probed(text, original, &mut Probes::default(), on_document)
}

/// [`parse_each`], also classifying the byte offsets of `probes` (see [`ProbeState`]).
pub fn parse_each_probed(
    text: &str,
    original: &str,
    probes: &mut Probes,
    on_document: &mut dyn FnMut(Document),
) -> Vec<SyntaxError> {
    // A masked-away template prelude before the first `---` is a document of its own.
    let first_index = usize::from(masked_prelude(text, original));
    // The fast path as far as it reads the text, the general one from there.
    let resume = if probes.at.is_empty() {
        match super::fast::parse_each(text, first_index, on_document) {
            Ok(()) => return Vec::new(),
            Err(resume) => resume,
        }
    } else {
        super::fast::Resume {
            at: 0,
            index: first_index,
        }
    };
    general(text, resume, probes, on_document)
}

/// [`parse`] by the general path only (`saphyr-parser`'s events), never the fast one: the
/// reference the fast path is tested against.
pub fn parse_general(text: &str, original: &str) -> ParseOutput {
    let mut documents = Vec::new();
    let first_index = usize::from(masked_prelude(text, original));
    let start = super::fast::Resume {
        at: 0,
        index: first_index,
    };
    let errors = general(text, start, &mut Probes::default(), &mut |doc| {
        documents.push(doc)
    });
    ParseOutput { documents, errors }
}

/// The general path from `start` (the top of the text or a document marker):
/// `saphyr-parser` runs, resynchronised at the next `---` after an error.
fn general(
    text: &str,
    start: super::fast::Resume,
    probes: &mut Probes,
    on_document: &mut dyn FnMut(Document),
) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    let mut next_index = start.index;
    let mut base = start.at; // byte offset where the current parser run starts
    let conv = ByteOffsets::new(text);
    loop {
        match parse_run(
            &text[base..],
            base,
            &conv,
            &mut next_index,
            on_document,
            &mut errors,
            probes,
        ) {
            None => break,
            Some(err_offset) => {
                // Resynchronise at the next `---` line after the failed document.
                let next = next_document_marker(text, base, err_offset);
                if !probes.at.is_empty() {
                    let failed = probes.doc_from.min(probes.settled)..next.unwrap_or(text.len());
                    probes.mark(failed, ProbeState::FailedDocument);
                }
                match next {
                    Some(next) => base = next,
                    None => break,
                }
            }
        }
    }
    errors
}

/// Whether template masking blanked a non-empty prelude before the first `---`: a
/// renderer would still see a document there, so indices count it.
fn masked_prelude(text: &str, original: &str) -> bool {
    if text.len() != original.len() || text == original {
        return false;
    }
    let Some(marker) = first_marker_line(text) else {
        return false;
    };
    has_content(&original[..marker]) && !has_content(&text[..marker])
}

fn has_content(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start_matches('\u{feff}').trim();
        !t.is_empty() && !t.starts_with('#') && !t.starts_with('%')
    })
}

fn is_marker_line(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

fn first_marker_line(text: &str) -> Option<usize> {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let l = if pos == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if is_marker_line(l) {
            return Some(pos + (line.len() - l.len()));
        }
        pos += line.len();
    }
    None
}

/// The start of the first `---` line that begins after `base`'s line and not before the
/// line holding `err_offset`.
fn next_document_marker(text: &str, base: usize, err_offset: usize) -> Option<usize> {
    let err_line_start = text[..err_offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut pos = err_line_start;
    if pos <= base {
        pos = text[base..].find('\n').map(|i| base + i + 1)?;
    }
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if is_marker_line(&text[pos..end]) {
            return Some(pos);
        }
        pos = end;
    }
    None
}

/// Run the parser over `text` (which starts at byte `base` of the file). Returns the byte
/// offset (file-relative) of a syntax error that stopped it, if any.
fn parse_run(
    text: &str,
    base: usize,
    conv: &ByteOffsets,
    next_index: &mut usize,
    on_document: &mut dyn FnMut(Document),
    errors: &mut Vec<SyntaxError>,
    probes: &mut Probes,
) -> Option<usize> {
    conv.start_run(base);
    probes.settled = base;
    probes.doc_from = base;
    let at = |m: &saphyr_parser::Marker| base + conv.byte(m);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut doc_open: Option<usize> = None;
    let mut root: Option<Node> = None;
    // The document defines an anchor or uses an alias or a merge key (`<<`).
    let mut refs = false;

    // Attach a finished node to its parent, or make it the document root.
    fn attach(stack: &mut [Frame], root: &mut Option<Node>, node: Node) {
        match stack.last_mut() {
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                Some(key) => entries.push(Entry { key, value: node }),
                None => *pending_key = Some(node),
            },
            Some(Frame::Sequence { items, .. }) => items.push(node),
            None => *root = Some(node),
        }
    }

    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(ev) => ev,
            Err(err) => {
                let offset = at(err.marker());
                let document = doc_open.unwrap_or_else(|| {
                    let i = *next_index;
                    *next_index += 1;
                    i
                });
                errors.push(SyntaxError {
                    offset,
                    document,
                    message: err.info().to_string(),
                });
                return Some(offset);
            }
        };
        let start = at(&span.start);
        let end = at(&span.end);
        if !probes.at.is_empty() {
            probes.settled = probes.settled.max(end);
        }
        match event {
            Event::DocumentStart(_) => {
                doc_open = Some(*next_index);
                *next_index += 1;
                root = None;
                refs = false;
                stack.clear();
            }
            Event::DocumentEnd => {
                probes.doc_from = end;
                if let (Some(index), Some(node)) = (doc_open.take(), root.take()) {
                    on_document(Document {
                        index,
                        root: node,
                        refs,
                    });
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let start = skip_properties(text, base, start, end);
                let span = match style {
                    _ if value.is_empty() && style == Style::Plain => {
                        let at = match stack.last() {
                            Some(Frame::Mapping {
                                pending_key: Some(key),
                                start: mapping_start,
                                flow,
                                ..
                            }) => empty_value_at(
                                text,
                                base,
                                key.span.end,
                                anchor > 0 || tag.is_some(),
                                (!flow).then_some(*mapping_start),
                            ),
                            Some(Frame::Mapping {
                                pending_key: None,
                                start: mapping_start,
                                entries,
                                flow,
                                ..
                            }) if anchor == 0 && tag.is_none() => {
                                let after = match entries.last() {
                                    Some(e) => e.value.span.end,
                                    None if *flow => mapping_start + 1,
                                    None => *mapping_start,
                                };
                                empty_key_at(text, base, after, start)
                            }
                            _ => start,
                        };
                        at..at
                    }
                    Style::Literal | Style::Folded => {
                        // The parser's end may run into the next line's indentation:
                        // end the block after its last line break.
                        let body = &text[start - base..end.max(start) - base];
                        let trimmed = body.trim_end_matches([' ', '\t']);
                        let end = if trimmed.ends_with('\n') {
                            start + trimmed.len()
                        } else {
                            end.max(start)
                        };
                        block_header(text, base, start)..end
                    }
                    Style::SingleQuoted | Style::DoubleQuoted => {
                        start..quoted_end(text, base, start, style).min(end.max(start + 1))
                    }
                    _ => start..end,
                };
                refs |= anchor > 0 || (style == Style::Plain && value == "<<");
                if !probes.at.is_empty() {
                    probes.scalar(text, base, &span, style);
                }
                let node = Node {
                    span,
                    anchor,
                    kind: NodeKind::Scalar {
                        value: Text::from(value),
                        style,
                    },
                };
                attach(&mut stack, &mut root, node);
            }
            Event::Alias(id) => {
                refs = true;
                attach(
                    &mut stack,
                    &mut root,
                    Node {
                        span: start..end,
                        anchor: id,
                        kind: NodeKind::Alias,
                    },
                )
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                refs |= anchor > 0;
                if stack.len() >= MAX_DEPTH {
                    let document = doc_open.unwrap_or(*next_index);
                    errors.push(SyntaxError {
                        offset: start,
                        document,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                    return Some(start);
                }
                let opener = flow_opener(text, base, start, end);
                let flow = opener.is_some();
                let start = opener.unwrap_or(end);
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Mapping {
                        anchor,
                        start,
                        flow,
                        entries: Vec::new(),
                        pending_key: None,
                    }
                } else {
                    Frame::Sequence {
                        anchor,
                        start,
                        flow,
                        items: Vec::new(),
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = stack.pop() else { continue };
                let node = match frame {
                    Frame::Mapping {
                        anchor,
                        start: s,
                        flow,
                        mut entries,
                        pending_key,
                    } => {
                        if let Some(key) = pending_key {
                            // Cannot happen with a well-formed event stream; keep the key.
                            let at = key.span.end;
                            entries.push(Entry {
                                key,
                                value: Node {
                                    span: at..at,
                                    anchor: 0,
                                    kind: NodeKind::Scalar {
                                        value: Text::default(),
                                        style: Style::Plain,
                                    },
                                },
                            });
                        }
                        let span = collection_span(
                            s,
                            flow,
                            flow_closer(text, base, start),
                            entries.last().map(|e| e.value.span.end.max(e.key.span.end)),
                        );
                        Node {
                            span,
                            anchor,
                            kind: NodeKind::Mapping { entries, flow },
                        }
                    }
                    Frame::Sequence {
                        anchor,
                        start: s,
                        flow,
                        items,
                    } => {
                        let s = match items.first() {
                            Some(first) if !flow => dash_before(text, base, first.span.start),
                            _ => s,
                        };
                        let span = collection_span(
                            s,
                            flow,
                            flow_closer(text, base, start),
                            items.last().map(|n| n.span.end),
                        );
                        Node {
                            span,
                            anchor,
                            kind: NodeKind::Sequence { items, flow },
                        }
                    }
                };
                attach(&mut stack, &mut root, node);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
    None
}

/// Where an empty mapping value is. The parser reports a value omitted together with its
/// `:` (`? key` alone), or one with a tag or anchor (`key: !t`), at the next token, which
/// may be lines further on, past comments. The value belongs after its tag and anchor
/// (`has_properties`), else at its `:`, else (no `:`) right after the key. In a block
/// mapping starting at `block_start`, a `:` on a later line is the key's only when it is
/// in the mapping's column (`- ? k` then `  : v` one column left is the outer mapping's).
fn empty_value_at(
    text: &str,
    base: usize,
    key_end: usize,
    has_properties: bool,
    block_start: Option<usize>,
) -> usize {
    let bytes = text.as_bytes();
    let mut i = key_end - base;
    let mut at = None;
    let mut new_line = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                new_line = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b':' if at.is_none() => {
                if new_line
                    && block_start
                        .is_some_and(|s| column(text, base, s) != column(text, base, base + i))
                {
                    break;
                }
                at = Some(i);
                i += 1;
            }
            b'!' | b'&' if has_properties && at.is_some() => {
                // A tag or anchor ends at a blank or a flow indicator.
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                    )
                {
                    i += 1;
                }
                at = Some(i);
            }
            _ => break,
        }
    }
    at.map_or(key_end, |at| base + at)
}

/// Where an empty mapping key (no tag or anchor) is. The parser reports it at the next
/// token, which may be lines further on (`- ?` then `: v` on the next line, the outer
/// mapping's). Scanning from `after` (the end of the previous entry, or the mapping's
/// start) over blanks, comments and flow indicators: right after its `?` when there is
/// one; otherwise where reported (`: v`, an implicit empty key, sits at its `:`).
fn empty_key_at(text: &str, base: usize, after: usize, reported: usize) -> usize {
    let bytes = text.as_bytes();
    let stop = reported.saturating_sub(base).min(bytes.len());
    let mut i = after.saturating_sub(base);
    while i < stop {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b'{' => i += 1,
            b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b'?' => return base + i + 1,
            _ => break,
        }
    }
    reported
}

/// The column of `pos` in bytes from the start of its line (comparing indentation, which is
/// spaces, so bytes are columns).
fn column(text: &str, base: usize, pos: usize) -> usize {
    let i = pos.saturating_sub(base).min(text.len());
    let bytes = &text.as_bytes()[..i];
    i - memchr::memrchr(b'\n', bytes).map_or(0, |n| n + 1)
}

/// Where the `{` or `[` opening a flow collection is, from the span of its start event:
/// properties, then the indicator, then (the parser's span runs on) blanks and even a
/// comment (`{ # note`). The indicator is the last character that is neither blank nor
/// in a comment; `None` when that is not `{`/`[`: a block collection (an empty span, or its
/// properties and the line break after them).
fn flow_opener(text: &str, base: usize, start: usize, end: usize) -> Option<usize> {
    let bytes = text
        .as_bytes()
        .get(start.checked_sub(base)?..end.checked_sub(base)?)?;
    let is_blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut last = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' && (i == 0 || is_blank(bytes[i - 1])) {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if !is_blank(bytes[i]) {
            last = Some(i);
        }
        i += 1;
    }
    let i = last?;
    matches!(bytes[i], b'{' | b'[').then_some(start + i)
}

/// The closing `}`/`]` of a flow collection from the start of its end event: after a
/// trailing comma (`{a: b,}`) the parser reports the end at the comma.
fn flow_closer(text: &str, base: usize, reported: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = reported.saturating_sub(base);
    while i < bytes.len() {
        match bytes[i] {
            b'}' | b']' => return base + i,
            b',' | b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            _ => break,
        }
    }
    reported
}

fn collection_span(
    start: usize,
    flow: bool,
    end_event_start: usize,
    last_child_end: Option<usize>,
) -> Span {
    if flow {
        // The end event starts at the closing bracket; its span may run on over trailing
        // blanks and a comment.
        start..(end_event_start + 1).max(start)
    } else {
        start..last_child_end.unwrap_or(start).max(start)
    }
}

/// Skip an anchor (`&a`) and/or tag (`!t`) before a node's text.
fn skip_properties(text: &str, base: usize, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let is_blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = start - base;
    let stop = (end - base).min(bytes.len());
    for _ in 0..2 {
        if i < stop && matches!(bytes[i], b'&' | b'!') {
            while i < stop && !is_blank(bytes[i]) {
                i += 1;
            }
            while i < stop && is_blank(bytes[i]) {
                i += 1;
            }
        }
    }
    if i >= stop {
        start
    } else {
        base + i
    }
}

/// The end (exclusive) of a quoted scalar starting at its opening quote: just after the
/// closing quote. Double quotes escape with a backslash; single quotes by doubling.
fn quoted_end(text: &str, base: usize, start: usize, style: Style) -> usize {
    let bytes = text.as_bytes();
    let mut i = start - base;
    let quote = if style == Style::DoubleQuoted {
        b'"'
    } else {
        b'\''
    };
    if bytes.get(i) != Some(&quote) {
        return usize::MAX;
    }
    i += 1;
    while i < bytes.len() {
        let b = bytes[i];
        if quote == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return base + i + 1;
        }
        i += 1;
    }
    usize::MAX
}

/// Start of a block scalar: its `|` or `>` indicator on the header line before the
/// content starting at `content`.
fn block_header(text: &str, base: usize, content: usize) -> usize {
    let bytes = text.as_bytes();
    let mut line_end = bytes[..content - base].iter().rposition(|&b| b == b'\n');
    while let Some(le) = line_end {
        let ls = bytes[..le]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = &bytes[ls..le];
        if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            line_end = ls.checked_sub(1);
            continue;
        }
        // Cut a trailing comment (`#` after a blank), then take the last indicator.
        let cut = (1..line.len())
            .find(|&i| line[i] == b'#' && matches!(line[i - 1], b' ' | b'\t'))
            .unwrap_or(line.len());
        return match line[..cut].iter().rposition(|&b| b == b'|' || b == b'>') {
            Some(i) => base + ls + i,
            None => content,
        };
    }
    content
}

/// Start of a block sequence: the `-` indicator before its first item.
fn dash_before(text: &str, base: usize, first_item: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = first_item - base;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'-' => return base + i,
            _ => break,
        }
    }
    first_item
}
