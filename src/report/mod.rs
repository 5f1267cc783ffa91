//! Renderers. They receive the diagnostic model with byte spans and convert to
//! line/column here, at the edge.

mod concise;
pub mod escape;
mod full;
mod github;
pub mod graph;
mod json;
mod json_lines;
pub mod plan;
mod plan_github;
mod plan_markdown;
mod plan_parts;
mod sarif;
mod snippet;

use crate::diagnostic::FileReport;
use crate::source::{LineCol, LineIndex, BOM};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Graphical report with source snippets.
    Full,
    /// One line per diagnostic: `path:line:col: severity[rule] message`.
    Concise,
    /// One JSON document on stdout.
    Json,
    /// One JSON object per line per diagnostic.
    JsonLines,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
}

pub use crate::summary::Summary;

/// Options of the human renderers.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// No summary in the output (`--quiet`).
    pub quiet: bool,
}

/// The offset `o` clamped to `text` and to the character boundary before it.
fn floor(text: &str, o: usize) -> usize {
    let mut o = o.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// Unicode scalar values before chosen byte offsets of a text, counted in one pass (a
/// count per offset from the start of the file would make many findings in one long file
/// or one long line quadratic).
pub(crate) struct CharCounts {
    offsets: Vec<usize>,
    counts: Vec<usize>,
}

impl CharCounts {
    pub(crate) fn new(text: &str, offsets: impl IntoIterator<Item = usize>) -> Self {
        let mut offsets: Vec<usize> = offsets.into_iter().map(|o| floor(text, o)).collect();
        offsets.sort_unstable();
        offsets.dedup();
        let mut counts = Vec::with_capacity(offsets.len());
        let (mut prev, mut n) = (0, 0);
        for &o in &offsets {
            n += text[prev..o].chars().count();
            counts.push(n);
            prev = o;
        }
        CharCounts { offsets, counts }
    }

    /// Scalar values before `offset`, one of the offsets given to [`CharCounts::new`].
    pub(crate) fn at(&self, text: &str, offset: usize) -> usize {
        let o = floor(text, offset);
        match self.offsets.binary_search(&o) {
            Ok(i) => self.counts[i],
            Err(_) => text[..o].chars().count(),
        }
    }
}

/// Start and end (exclusive) line/column of every diagnostic of a report: one line index
/// and one pass over the text per file (as [`LineIndex::line_col`] computes them).
pub(crate) fn positions(report: &FileReport) -> Vec<(LineCol, LineCol)> {
    let text = report.source.as_deref().unwrap_or("");
    let index = LineIndex::new(text);
    let line_start = |o: usize| {
        let line = index.line_of(o);
        if line == 1 && text.starts_with(BOM) {
            BOM.len().min(o)
        } else {
            index.line_span(text, line).start
        }
    };
    let points = || {
        report
            .diagnostics
            .iter()
            .flat_map(|d| [d.span.start, d.span.end])
            .map(|o| floor(text, o))
    };
    let counts = CharCounts::new(text, points().flat_map(|o| [o, line_start(o)]));
    let line_col = |o: usize| {
        let o = floor(text, o);
        LineCol {
            line: index.line_of(o),
            column: counts.at(text, o) - counts.at(text, line_start(o)) + 1,
        }
    };
    report
        .diagnostics
        .iter()
        .map(|d| (line_col(d.span.start), line_col(d.span.end)))
        .collect()
}

/// `--diff` output: the patch as is when stdout is not a terminal (so that `git apply` and
/// `patch` take it), with controls escaped when it is; fenced under GitHub Actions.
pub fn render_diffs<'a>(
    diffs: impl IntoIterator<Item = &'a str>,
    terminal: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut fence = escape::Fence::new(escape::github_actions());
    for diff in diffs {
        if terminal {
            fence.write(out, escape::diff_for_terminal(diff).as_bytes())?;
        } else {
            fence.write(out, diff.as_bytes())?;
        }
    }
    fence.close(out)
}

/// `handler` wrapping lines between words only: never inside a rule id or finalizer
/// string at a hyphen, nor inside a long word.
pub(crate) fn unsplit_words(
    handler: miette::GraphicalReportHandler,
) -> miette::GraphicalReportHandler {
    handler
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
}

/// Render a tool error (e.g. a configuration problem) with miette: message, location and
/// snippet.
pub fn render_error(err: &dyn miette::Diagnostic, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler =
        unsplit_words(miette::GraphicalReportHandler::new_themed(theme).with_links(false));
    let safe = snippet::SafeError::new(err);
    if handler.render_report(&mut out, &safe).is_err() {
        out = format!("error: {}\n", escape::text(&err.to_string()));
    }
    escape::neutralize_lines(&out, escape::github_actions()).into_owned()
}

/// Render all reports (sorted by path, each sorted by offset) to `out`.
pub fn render(
    format: Format,
    reports: &[FileReport],
    summary: &Summary,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Full => full::render(reports, style, out),
        Format::Concise => concise::render(reports, style, out),
        Format::Json => json::render(reports, summary, out),
        Format::JsonLines => json_lines::render(reports, out),
        Format::Github => github::render(reports, summary, style.quiet, out),
        Format::Sarif => sarif::render(reports, out),
    }
}
