//! Graphical report per diagnostic (miette), with the source snippet and labels.
//!
//! miette gets only the lines around each diagnostic's spans ([`Snippet`], from a line
//! index built once per file) with controls escaped, and escaped names and messages.

use super::escape;
use super::snippet::Snippet;
use super::Style;
use crate::diagnostic::{Applicability, Diagnostic, FileReport, Severity};
use crate::source::LineIndex;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use std::fmt;
use std::io::{self, Write};

/// Adapter from our diagnostic model to `miette::Diagnostic`.
struct Report<'a> {
    diag: &'a Diagnostic,
    message: String,
    source: Snippet,
    labels: Vec<LabeledSpan>,
}

impl<'a> Report<'a> {
    fn new(diag: &'a Diagnostic, name: &str, text: &str, index: &LineIndex) -> Self {
        let spans: Vec<_> = std::iter::once(&diag.span)
            .chain(diag.labels.iter().map(|l| &l.span))
            .collect();
        let source = Snippet::new(name.to_string(), text, index, &spans);
        let primary = LabeledSpan::new_primary_with_span(
            Some(escape::text(&diag.label).into_owned()),
            source.span(&diag.span),
        );
        let secondary = diag.labels.iter().map(|l| {
            LabeledSpan::new_with_span(
                Some(escape::text(&l.message).into_owned()),
                source.span(&l.span),
            )
        });
        let labels = std::iter::once(primary).chain(secondary).collect();
        Report {
            diag,
            message: escape::text(&diag.message).into_owned(),
            source,
            labels,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.diag.help.as_deref()?;
        let fix = self.diag.fix.as_ref().map(|f| match f.applicability {
            Applicability::Safe => format!("\nfix available with `--fix`: {}", f.title),
            Applicability::Unsafe => format!(
                "\nunsafe fix available with `--fix --unsafe-fixes`: {}",
                f.title
            ),
        });
        let help = format!("{help}{}", fix.unwrap_or_default());
        Some(Box::new(escape::text_lines(&help).into_owned()))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        crate::rules::meta(self.diag.rule).map(|m| Box::new(m.url()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

pub fn render(reports: &[FileReport], style: Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = super::unsplit_words(
        GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(100),
    );
    let gha = escape::github_actions();
    let mut fence = escape::Fence::new(gha);
    for report in reports {
        let text = report.source.as_deref().unwrap_or("");
        let index = LineIndex::new(text);
        let name = escape::path(report);
        for diag in &report.diagnostics {
            let r = Report::new(diag, &name, text, &index);
            let mut buf = String::new();
            if handler.render_report(&mut buf, &r).is_err() {
                buf = format!("{name}: {}\n", r.message);
            }
            related(diag, &mut buf);
            buf.push('\n');
            fence.write(out, escape::neutralize_lines(&buf, gha).as_bytes())?;
        }
    }
    fence.close(out)
}

/// A second snippet per related location, from the line taken when the relation was
/// made: its `path:line:col`, the line with the span underlined, and the note.
fn related(diag: &Diagnostic, buf: &mut String) {
    for r in &diag.related {
        if r.line == 0 {
            // The other file's text was not at hand: its path and the note only.
            let (path, note) = (escape::text(&r.path), escape::text(&r.message));
            buf.push_str(&format!("  related: {path}: {note}\n"));
            continue;
        }
        let excerpt = escape::text(&r.excerpt);
        let number = r.line.to_string();
        let gutter = " ".repeat(number.len());
        let before = r.column.saturating_sub(1);
        // The span's text on its line (its bytes, up to the line's end), and the widths
        // as shown (escapes included).
        let mut bytes = 0;
        let spanned: String = r
            .excerpt
            .chars()
            .skip(before)
            .take_while(|c| {
                bytes += c.len_utf8();
                bytes <= r.span.len()
            })
            .collect();
        let width = escape::text(&spanned).chars().count().max(1);
        let skipped: String = r.excerpt.chars().take(before).collect();
        let pad = escape::text(&skipped).chars().count();
        buf.push_str(&format!(
            " {gutter} ╭─[related: {}:{}:{}]\n {number} │ {excerpt}\n {gutter} · {}{} {}\n {gutter} ╰────\n",
            escape::text(&r.path),
            r.line,
            r.column,
            " ".repeat(pad),
            "^".repeat(width),
            escape::text(&r.message),
        ));
    }
}
