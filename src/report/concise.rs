//! `path:line:col: severity[rule] message`, one line per diagnostic.

use super::{escape, positions, Style};
use crate::diagnostic::{FileReport, Severity};
use std::io::{self, Write};

/// Paths and messages are escaped (one line each; see [`escape`]), and under GitHub
/// Actions each line is neutralised.
pub fn render(reports: &[FileReport], style: Style, out: &mut dyn Write) -> io::Result<()> {
    let gha = escape::github_actions();
    for report in reports {
        let path = escape::path(report);
        for (d, (start, _)) in report.diagnostics.iter().zip(positions(report)) {
            let severity = d.severity.as_str();
            let severity = if style.color {
                let code = match d.severity {
                    Severity::Error => "31",
                    Severity::Warning => "33",
                    Severity::Info => "36",
                };
                format!("\x1b[1;{code}m{severity}\x1b[0m")
            } else {
                severity.to_string()
            };
            let message = d.message.replace('\n', " ");
            let message = escape::text(&message);
            let line = format!(
                "{}:{}:{}: {}[{}] {}",
                path, start.line, start.column, severity, d.rule, message
            );
            if gha {
                writeln!(out, "{}", escape::neutralize(&line))?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}
