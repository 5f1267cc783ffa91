//! `path:line:col: severity[rule] message`, one line per diagnostic.

use super::{positions, Style};
use crate::diagnostic::{FileReport, Severity};
use std::io::{self, Write};

pub fn render(reports: &[FileReport], style: Style, out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
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
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                report.path, start.line, start.column, severity, d.rule, message
            )?;
        }
    }
    Ok(())
}
