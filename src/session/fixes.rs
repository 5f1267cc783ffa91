//! Fixing the linted files: the fix of each report, and writing the fixed files safely
//! (staged, made durable, renamed into place only if unchanged since read).

use super::Mode;
use crate::diagnostic::FileReport;
use crate::fix;
use crate::lint::{FileOptions, Outcome};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What processing one file gave.
pub(super) struct FileResult {
    pub(super) path: String,
    pub(super) outcome: Outcome,
    /// Unified diff of the fixes (`--diff`).
    pub(super) diff: Option<String>,
    /// Problems fixed (or that would be, with `--diff`).
    pub(super) applied: usize,
    /// The rule of each fix applied (or that would be).
    pub(super) applied_rules: Vec<&'static str>,
    /// Messages for stderr (fixes refused or not written).
    pub(super) messages: Vec<String>,
    /// The tool failed on this file (exit 2).
    pub(super) failed: bool,
    /// The fixed text of stdin (`--fix -`).
    pub(super) fixed_text: Option<String>,
    /// The fixed text, to be written by [`write_fixes`].
    pub(super) pending: Option<PendingWrite>,
    /// The file was rewritten.
    pub(super) written: Option<PathBuf>,
}

/// A fixed file not yet written, and what to report if it cannot be.
pub(super) struct PendingWrite {
    path: PathBuf,
    original: std::sync::Arc<str>,
    new_text: String,
    report: FileReport,
}

impl FileResult {
    pub(super) fn new(path: String, outcome: Outcome) -> Self {
        FileResult {
            path,
            outcome,
            diff: None,
            applied: 0,
            applied_rules: Vec::new(),
            messages: Vec::new(),
            failed: false,
            fixed_text: None,
            pending: None,
            written: None,
        }
    }

    pub(super) fn report(report: FileReport) -> Self {
        FileResult::new(report.path.clone(), Outcome::Scanned(report))
    }

    /// The fix could not be written: the file keeps its findings.
    fn not_written(&mut self, err: fix::write::WriteError) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        self.messages
            .push(format!("error: {} {err}", pending.report.path));
        // Refusals (changed, read-only, not writable, hard links, metadata that cannot be
        // kept, a symbolic link) leave the finding in place and are not failures of the
        // tool; an I/O error is.
        self.failed = err.is_failure();
        self.applied = 0;
        self.applied_rules.clear();
        self.outcome = Outcome::Scanned(pending.report);
    }

    /// The fix is written, but something went wrong meanwhile (a conflict copy was made):
    /// said, and a failure of the run.
    fn written_with(&mut self, err: fix::write::WriteError) {
        self.messages.push(format!("error: {} {err}", self.path));
        self.failed = true;
    }
}

/// Files staged per durability wait (each wait costs a disk flush, so most runs need one).
/// A process killed mid-run leaves at most this many temporary files behind (never a
/// partial file).
const WRITE_CHUNK: usize = 4096;

/// Threads writing fixed files, per `--threads`.
pub(super) const WRITE_THREADS_PER_THREAD: usize = 4;

/// Write the fixed files of `results` (see `fix::write`): per chunk, stage them in
/// parallel, make them durable with one sync, and rename each into place if it did not
/// change since it was read; then make the renames durable, and examine every replaced
/// file of the chunk once more for writes that landed in it meanwhile. Returns the number
/// of conflict copies made (files written to while they were replaced).
pub(super) fn write_fixes(results: Vec<&mut FileResult>) -> usize {
    use fix::write::WriteError;
    let mut pending: Vec<&mut FileResult> = results
        .into_iter()
        .filter(|r| r.pending.is_some())
        .collect();
    let mut copies = 0;
    for chunk in pending.chunks_mut(WRITE_CHUNK) {
        let staged: Vec<Option<fix::write::Staged>> = chunk
            .par_iter_mut()
            .map(|r| {
                let p = r.pending.as_ref()?;
                match fix::write::stage(&p.path, p.new_text.as_bytes()) {
                    Ok(staged) => Some(staged),
                    Err(err) => {
                        r.not_written(err);
                        None
                    }
                }
            })
            .collect();
        if let Err(err) = fix::write::sync_staged(staged.iter().flatten()) {
            for (r, s) in chunk.iter_mut().zip(&staged) {
                if s.is_some() {
                    r.not_written(WriteError::Io(io_copy(&err)));
                }
            }
            continue;
        }
        let mut replaced = Vec::new();
        let mut conflicts = Vec::new();
        for (i, done) in commit_chunk(chunk, staged).into_iter().enumerate() {
            match done {
                Some(Ok((old, original))) => replaced.push((i, old, original)),
                Some(Err(err)) => conflicts.push((i, err)),
                None => {}
            }
        }
        // The sync also gives a write racing the last renames time to land before the
        // replaced files are examined.
        fix::write::sync_dirs(chunk.iter().filter_map(|r| r.written.as_deref()));
        copies += finish_replaced(chunk, replaced, conflicts);
    }
    copies
}

/// What committing one file gave: nothing to do (not staged, or refused), the replaced
/// file to examine at the end, or an error although the fix is in place.
type Committed =
    Option<Result<(fix::write::Replaced, std::sync::Arc<str>), fix::write::WriteError>>;

/// Rename the staged files of a chunk into place, in parallel.
fn commit_chunk(
    chunk: &mut [&mut FileResult],
    staged: Vec<Option<fix::write::Staged>>,
) -> Vec<Committed> {
    chunk
        .par_iter_mut()
        .zip(staged)
        .map(|(r, staged)| {
            let (Some(staged), Some(p)) = (staged, r.pending.as_ref()) else {
                return None;
            };
            match staged.commit(p.original.as_bytes()) {
                Err(err) if !err.written() => {
                    r.not_written(err);
                    None
                }
                done => {
                    let p = r.pending.take()?;
                    r.written = Some(p.path);
                    Some(done.map(|old| (old, p.original)))
                }
            }
        })
        .collect()
}

/// Examine every replaced file once more (in parallel), make the conflict copies durable
/// and report them (with the errors of `conflicts`, indices into `pending`). Returns the
/// number of conflict copies.
fn finish_replaced(
    chunk: &mut [&mut FileResult],
    replaced: Vec<(usize, fix::write::Replaced, std::sync::Arc<str>)>,
    mut conflicts: Vec<(usize, fix::write::WriteError)>,
) -> usize {
    use fix::write::WriteError;
    conflicts.extend(
        replaced
            .into_par_iter()
            .filter_map(|(i, old, original)| old.finish(original.as_bytes()).err().map(|e| (i, e)))
            .collect::<Vec<_>>(),
    );
    let copies: Vec<PathBuf> = conflicts
        .iter()
        .filter_map(|(_, e)| match e {
            WriteError::Conflict(copy) => Some(copy.clone()),
            _ => None,
        })
        .collect();
    fix::write::sync_dirs(copies.iter().map(PathBuf::as_path));
    for (i, err) in conflicts {
        chunk[i].written_with(err);
    }
    copies.len()
}

fn io_copy(err: &std::io::Error) -> std::io::Error {
    std::io::Error::new(err.kind(), err.to_string())
}

/// Fix (or, for `--diff`, show the fixes of) a linted file. The text the report was made
/// from is the original: the file is written (by [`write_fixes`]) only if it still holds
/// exactly that. `path` is where to write (None for stdin).
pub(super) fn fix_report(
    path: Option<&Path>,
    report: FileReport,
    options: FileOptions,
    mode: Mode,
    unsafe_fixes: bool,
) -> FileResult {
    let display = report.path.clone();
    let display = display.as_str();
    let fixable = report.diagnostics.iter().any(|d| {
        d.fix.as_ref().is_some_and(|f| {
            unsafe_fixes || f.applicability == crate::diagnostic::Applicability::Safe
        })
    });
    let text: std::sync::Arc<str> = match (&report.source, fixable) {
        (Some(text), true) => text.clone(),
        _ => return FileResult::report(report),
    };
    let mut result = FileResult::new(report.path.clone(), Outcome::Skipped);
    let fixed = fix::apply::fix_text(
        display,
        &text,
        report.diagnostics.clone(),
        options,
        unsafe_fixes,
    );
    if let Some(why) = &fixed.refused {
        result
            .messages
            .push(format!("warning: {display}: fixes not applied: {why}"));
    }
    let Some(new_text) = fixed.fixed else {
        result.outcome = Outcome::Scanned(report);
        return result;
    };
    result.applied = fixed.applied.len();
    result.applied_rules = fixed.applied.iter().map(|d| d.rule).collect();
    if mode != Mode::Fix {
        let name = report.path_bytes.as_deref().unwrap_or(display.as_bytes());
        result.diff = Some(fix::unified_diff_named(name, &text, &new_text));
        result.outcome = Outcome::Scanned(report);
        return result;
    }
    let diagnostics = fixed.remaining;
    result.outcome = Outcome::Scanned(FileReport {
        path: display.to_string(),
        path_bytes: report.path_bytes.clone(),
        source: (!diagnostics.is_empty()).then(|| std::sync::Arc::from(new_text.as_str())),
        diagnostics,
    });
    match path {
        None => result.fixed_text = Some(new_text),
        Some(path) => {
            result.pending = Some(PendingWrite {
                path: path.to_path_buf(),
                original: text,
                new_text,
                report,
            })
        }
    }
    result
}
