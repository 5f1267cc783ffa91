//! GitHub Actions workflow commands: one `::error|warning|notice ...::message` line per
//! diagnostic (annotations on the pull request), then a plain summary line.

use super::{escape, positions, Summary};
use crate::diagnostic::{FileReport, Severity};
use std::io::{self, Write};

/// Escape a command's message as GitHub's toolkit does; other controls are shown escaped
/// (`\x1b`) and `##[` as `##\[`, so that the line carries nothing else the runner or the
/// log viewer acts on.
pub fn escape_data(s: &str) -> String {
    escape::text_keep_newlines(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace("##[", "##\\[")
}

/// Escape a command property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(
    reports: &[FileReport],
    summary: &Summary,
    quiet: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for report in reports {
        let path = match &report.path_bytes {
            Some(b) => escape::bytes(b),
            None => report.path.clone(),
        };
        for (d, (start, end)) in report.diagnostics.iter().zip(positions(report)) {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = format!(
                "file={},line={},endLine={}",
                escape_property(&path),
                start.line,
                end.line
            );
            if start.line == end.line {
                // Columns only for single-line spans, as GitHub ignores them otherwise.
                props = format!(
                    "file={},line={},col={},endLine={},endColumn={}",
                    escape_property(&path),
                    start.line,
                    start.column,
                    end.line,
                    end.column
                );
            }
            writeln!(
                out,
                "::{command} {props},title={}::{}",
                escape_property(d.rule),
                escape_data(&with_related(d))
            )?;
        }
    }
    if quiet {
        return Ok(());
    }
    // One summary line: the fix hint follows it on the same line.
    let hint = summary.fix_hint().map(|h| format!(" {h}"));
    writeln!(
        out,
        "gitops-lint: {}{}",
        summary.line(),
        hint.unwrap_or_default()
    )
}

/// The message, and each related location on a line of its own (`see path:line: note`).
fn with_related(d: &crate::diagnostic::Diagnostic) -> String {
    let mut message = d.message.clone();
    for r in &d.related {
        message.push_str(&format!("\nsee {}:{}: {}", r.path, r.line, r.message));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(escape_data("\x1b ##[x"), "\\x1b ##\\[x");
        assert_eq!(escape_property("##[a:b"), "##\\[a%3Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
