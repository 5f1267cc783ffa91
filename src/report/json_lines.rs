//! One JSON object per line per diagnostic (the objects of `--format json`), for
//! streaming consumers. No summary.

use std::io::{self, Write};

use super::json::diagnostics;
use crate::diagnostic::FileReport;

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics(reports) {
        serde_json::to_writer(&mut *out, &d)?;
        writeln!(out)?;
    }
    Ok(())
}
