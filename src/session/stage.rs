//! After the walk: each file with findings is linted again in its role (a Kustomize
//! patch, argocd-apps values) or for a second look the graph asks for, given the findings
//! that need the app graph, and fixed.

use super::fixes::{self, FileResult};
use super::paths::{display_path, exact_path_bytes, repo_relative};
use super::{walk, Mode, Options, Run};
use crate::diagnostic::FileReport;
use crate::graph::context::Analysis;
use crate::lint::{FileOptions, GraphMode, Outcome};
use crate::settings::Settings;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The files the graph names for a second look ([`Analysis::needs_second_look`]): those
/// with a report are linted again from its text in [`Stage::process`]; the others are
/// read again (their bytes must be those the walk read: else an error) and given an empty
/// report to be linted with their facts. Gives their walked paths.
pub(super) fn second_look(
    walked: &mut walk::Walked,
    analysis: &Analysis,
    max_file_size: u64,
    cwd: Option<&Path>,
    messages: &mut Vec<String>,
) -> HashSet<PathBuf> {
    let mut look = HashSet::new();
    let files: Vec<&walk::NodeFile> = analysis
        .second_looks()
        .filter_map(|rel| walked.facts.node_file(rel))
        .collect();
    if files.is_empty() {
        return look;
    }
    let have: HashSet<&Path> = walked.found.iter().map(|(p, _)| p.as_path()).collect();
    let mut added = Vec::new();
    let mut buf = Vec::new();
    for f in files {
        look.insert(f.path.clone());
        if have.contains(f.path.as_path()) {
            continue;
        }
        let display = display_path(&f.path, cwd);
        let text = match crate::read::read_file(&f.path, &mut buf, max_file_size, true) {
            Ok(()) if super::known::digest(&buf) == f.digest => std::str::from_utf8(&buf).ok(),
            Ok(()) => {
                messages.push(format!(
                    "error: {display}: changed while being linted; its app graph findings \
                     were not checked (run again)"
                ));
                None
            }
            Err(e) => {
                messages.push(format!(
                    "error: {display}: {}",
                    super::read_error_message(&e)
                ));
                None
            }
        };
        let Some(text) = text else { continue };
        let report = FileReport {
            path: display,
            path_bytes: None,
            source: Some(Arc::from(text)),
            diagnostics: Vec::new(),
        };
        added.push((f.path.clone(), report));
    }
    walked.found.append(&mut added);
    look
}

/// Write the fixed files, on a pool of more threads than the walk's.
pub(super) fn write_all(results: &mut [(FileResult, Option<String>)], threads: usize) -> usize {
    let results: Vec<&mut FileResult> = results.iter_mut().map(|(r, _)| r).collect();
    // Writing waits on the disk more than it computes: more threads than cores hide
    // the waits (measured on a 2-core machine, --fix of 1,117 files: median 1.98x the
    // lint time with 2 writer threads, 1.81x with 8; see docs/performance.md).
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.saturating_mul(fixes::WRITE_THREADS_PER_THREAD))
        .build()
    {
        Ok(pool) => pool.install(|| fixes::write_fixes(results)),
        Err(_) => fixes::write_fixes(results),
    }
}

/// What the stage after the walk needs for each file with findings.
pub(super) struct Stage<'a> {
    pub(super) options: &'a Options,
    pub(super) settings: &'a Settings,
    pub(super) patches: &'a super::analysis::PatchSet,
    pub(super) helm_values: &'a crate::helm_stage::ValuesFiles,
    pub(super) analysis: &'a Analysis,
    pub(super) root: Option<&'a Path>,
    /// The files the graph names for a second look ([`second_look`]).
    pub(super) second_look: &'a HashSet<PathBuf>,
}

impl Stage<'_> {
    /// Kustomize patch files: their objects are fragments; lint them again as such (and
    /// argocd-apps values files with their role). Then the findings that need the graph,
    /// then fix what can be fixed. Gives the result and the file's repo-relative path.
    pub(super) fn process(&self, path: &Path, report: FileReport) -> (FileResult, Option<String>) {
        let cwd = self.options.cwd.as_deref();
        let path_bytes = exact_path_bytes(path, cwd, &report.path);
        let report = FileReport {
            path_bytes,
            ..report
        };
        let rel = self.root.and_then(|root| repo_relative(path, root, cwd));
        let patch = self.patches.contains(path);
        let helm = self.helm_values.role(path);
        let options = FileOptions {
            settings: self.settings,
            kustomize_patch: patch,
            helm_values: helm,
            graph: GraphMode::Deferred,
        };
        // Linted again with the graph's facts: a patch (as a fragment), a values file (with
        // its role), a file the graph names for a second look. Else the walk's findings
        // are settled with the facts.
        let facts = rel.as_deref().and_then(|r| self.analysis.file(r));
        let options = FileOptions {
            graph: GraphMode::Resolved(facts),
            ..options
        };
        let again = patch
            || helm.is_some()
            || !self.second_look.is_empty() && self.second_look.contains(path);
        let mut report = match (&report.source, again) {
            (Some(text), true) => FileReport {
                diagnostics: crate::lint::lint_text(&report.path, text, options),
                ..report
            },
            _ => report,
        };
        match (&rel, again) {
            (Some(rel), false) => {
                crate::rules::graph::finish(self.analysis, rel, &mut report.diagnostics)
            }
            (None, _) => crate::rules::graph::resolve(None, &mut report.diagnostics),
            (Some(_), true) => {}
        }
        let result = match self.options.mode {
            Mode::Check => FileResult::report(report),
            mode => fixes::fix_report(Some(path), report, options, mode, self.options.unsafe_fixes),
        };
        (result, rel)
    }
}

impl Run {
    /// Take in what processing one file gave (`counted`: the file is already in the
    /// summary's counts).
    pub(super) fn record(&mut self, result: FileResult, counted: bool) {
        self.messages.extend(result.messages);
        self.failed |= result.failed;
        if result.applied > 0 {
            self.fixed.0 += result.applied;
            self.fixed.1 += 1;
            self.applied
                .push((result.path.clone(), result.applied_rules));
        }
        if let Some(diff) = result.diff {
            self.diffs.push((result.path.clone(), diff));
        }
        match result.outcome {
            Outcome::Skipped => self.summary.files_skipped += usize::from(!counted),
            Outcome::Scanned(report) => {
                self.summary.files_scanned += usize::from(!counted);
                if !report.diagnostics.is_empty() {
                    self.reports.push(report);
                }
            }
        }
    }
}
