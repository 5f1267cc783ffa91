//! One JSON object per line per diagnostic (the objects of `--format json`), for
//! streaming consumers. No summary.

use std::io::{self, Write};

use super::escape;
use super::json::diagnostics;
use crate::diagnostic::FileReport;

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(escape::JSON_BUFFER, out);
    for d in diagnostics(reports) {
        escape::write_json_to(&mut out, &d, false)?;
        writeln!(out)?;
    }
    out.flush()
}
