//! Renderers. They receive the diagnostic model with byte spans and convert to
//! line/column here, at the edge.

mod concise;
mod full;
mod github;
mod json;
mod json_lines;
mod sarif;

use crate::diagnostic::{FileReport, Severity};
use crate::source::{LineCol, LineIndex};
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
    pub fixable: usize,
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
            if d.fix.is_some() {
                self.fixable += 1;
            }
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

/// Start and end (exclusive) line/column of every diagnostic of a report.
pub(crate) fn positions(report: &FileReport) -> Vec<(LineCol, LineCol)> {
    let text = report.source.as_deref().unwrap_or("");
    let index = LineIndex::new(text);
    report
        .diagnostics
        .iter()
        .map(|d| {
            (
                index.line_col(text, d.span.start),
                index.line_col(text, d.span.end),
            )
        })
        .collect()
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
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    if handler.render_report(&mut out, err).is_err() {
        out = format!("error: {err}\n");
    }
    out
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
