//! After the walk: each file with findings is linted again in its role (a Kustomize
//! patch, argocd-apps values), given the findings that need the app graph, and fixed.

use super::fixes::{self, FileResult};
use super::paths::{display_path, exact_path_bytes, repo_relative};
use super::{walk, Mode, Options, Run};
use crate::diagnostic::FileReport;
use crate::graph::context::Analysis;
use crate::lint::{FileOptions, GraphMode, Outcome};
use crate::settings::Settings;
use std::path::{Path, PathBuf};

/// Give the files holding nodes that have no report an empty one (with their text): the
/// findings only the graph gives may land there.
pub(super) fn add_node_files(walked: &mut walk::Walked, cwd: Option<&Path>) {
    let have: std::collections::HashSet<&Path> =
        walked.found.iter().map(|(p, _)| p.as_path()).collect();
    let mut missing: Vec<(PathBuf, FileReport)> = walked
        .facts
        .node_files
        .values()
        .filter(|f| !have.contains(f.path.as_path()))
        .map(|f| {
            let report = FileReport {
                path: display_path(&f.path, cwd),
                path_bytes: None,
                source: Some(f.text.clone()),
                diagnostics: Vec::new(),
            };
            (f.path.clone(), report)
        })
        .collect();
    walked.found.append(&mut missing);
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
    pub(super) patches: &'a std::collections::HashSet<PathBuf>,
    pub(super) helm_values: &'a crate::helm_stage::ValuesFiles,
    pub(super) analysis: &'a Analysis,
    pub(super) root: Option<&'a Path>,
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
        let patch =
            !self.patches.is_empty() && self.patches.contains(&crate::kustomize::normalize(path));
        let helm = self.helm_values.role(path);
        let options = FileOptions {
            settings: self.settings,
            kustomize_patch: patch,
            helm_values: helm,
            graph: GraphMode::Deferred,
        };
        let mut report = match (&report.source, patch || helm.is_some()) {
            (Some(text), true) => FileReport {
                diagnostics: crate::lint::lint_text(&report.path, text, options),
                ..report
            },
            _ => report,
        };
        match (&rel, &report.source) {
            (Some(rel), Some(text)) => {
                let text = text.clone();
                crate::rules::graph::finish(self.analysis, rel, &text, &mut report.diagnostics);
            }
            _ => crate::rules::graph::resolve(None, &mut report.diagnostics),
        }
        let options = FileOptions {
            graph: GraphMode::Resolved(rel.as_deref().and_then(|r| self.analysis.file(r))),
            ..options
        };
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
