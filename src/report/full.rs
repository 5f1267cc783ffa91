//! Graphical report per diagnostic (miette), with the source snippet and labels.

use super::Style;
use crate::diagnostic::{Diagnostic, FileReport, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// Adapter from our diagnostic model to `miette::Diagnostic`.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
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
        let fix = self
            .diag
            .fix
            .as_ref()
            .map(|f| format!("\nfix available: {}", f.title));
        Some(Box::new(format!("{help}{}", fix.unwrap_or_default())))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        crate::rules::meta(self.diag.rule).map(|m| Box::new(m.url()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.diag.label.clone()),
            (self.diag.span.start, self.diag.span.len()),
        );
        let secondary = self.diag.labels.iter().map(|l| {
            LabeledSpan::new_with_span(Some(l.message.clone()), (l.span.start, l.span.len()))
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

pub fn render(reports: &[FileReport], style: Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    for report in reports {
        let text: Arc<str> = report.source.clone().unwrap_or_else(|| Arc::from(""));
        for diag in &report.diagnostics {
            let r = Report {
                diag,
                source: NamedSource::new(&report.path, text.clone()),
            };
            let mut buf = String::new();
            if handler.render_report(&mut buf, &r).is_err() {
                buf = format!("{}: {}\n", report.path, diag.message);
            }
            writeln!(out, "{buf}")?;
        }
    }
    Ok(())
}
