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
mod sarif;
mod snippet;

use crate::diagnostic::{FileReport, Severity};
use crate::source::{LineCol, LineIndex, BOM};
use std::io::{self, Write};
use std::time::Duration;

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

/// Totals of a run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings with a fix (safe or unsafe).
    pub fixable: usize,
    /// Of those, the ones `--fix` applies, and the ones only `--fix --unsafe-fixes` does.
    pub fixable_safe: usize,
    pub fixable_unsafe: usize,
    /// `--unsafe-fixes` was given (the hint then counts every fix as applicable).
    pub unsafe_fixes: bool,
    pub elapsed: Duration,
}

impl Summary {
    pub fn diagnostics(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    pub fn count(&mut self, reports: &[FileReport]) {
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            if let Some(fix) = &d.fix {
                self.fixable += 1;
                match fix.applicability {
                    crate::diagnostic::Applicability::Safe => self.fixable_safe += 1,
                    crate::diagnostic::Applicability::Unsafe => self.fixable_unsafe += 1,
                }
            }
        }
    }

    /// What the remaining fixes need, for a line after the summary (None without fixes):
    /// `2 fixable with `--fix` (1 more with `--fix --unsafe-fixes`).`
    pub fn fix_hint(&self) -> Option<String> {
        let (safe, risky) = (self.fixable_safe, self.fixable_unsafe);
        let with_unsafe = "`--fix --unsafe-fixes`";
        match (safe, risky) {
            (0, 0) => None,
            _ if self.unsafe_fixes => Some(format!("{} fixable with {with_unsafe}.", safe + risky)),
            (0, n) => Some(format!(
                "{n} fixable with {with_unsafe} (unsafe: review the change)."
            )),
            (n, 0) => Some(format!("{n} fixable with `--fix`.")),
            (n, m) => Some(format!(
                "{n} fixable with `--fix` ({m} more with {with_unsafe})."
            )),
        }
    }

    /// The human summary line (stderr for `full`/`concise`).
    pub fn line(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let problems = if self.diagnostics() == 0 {
            "no problems".to_string()
        } else {
            let mut parts = vec![
                plural(self.errors, "error"),
                plural(self.warnings, "warning"),
            ];
            if self.infos > 0 {
                parts.push(format!("{} info", self.infos));
            }
            parts.join(", ")
        };
        format!(
            "Found {problems} in {} ({} skipped: no `argoproj.io`) in {:.0?}.",
            plural(self.files_scanned, "file"),
            self.files_skipped,
            self.elapsed
        )
    }
}

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
