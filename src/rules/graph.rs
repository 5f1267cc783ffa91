//! The findings that depend on the app graph: settling the walk's pending findings once
//! the graph is known, and the findings only the graph gives.

use crate::diagnostic::Diagnostic;
use crate::graph::context::{Analysis, FileContext};

/// Settles the pending findings of one file with its graph facts (`None`: the graph knows
/// nothing of the file, or there is no graph): each is kept, rewritten or dropped.
pub fn resolve(ctx: Option<&FileContext>, diagnostics: &mut Vec<Diagnostic>) {
    let _ = ctx;
    diagnostics.retain(|d| d.pending.is_none());
}

/// After the walk: settles the pending findings of `file` (repo-relative) and adds the
/// findings only the graph gives. `text` is the file's text as stored.
pub fn finish(analysis: &Analysis, file: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let _ = text;
    resolve(analysis.file(file), diagnostics);
}
