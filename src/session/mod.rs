//! The lint pipeline as a library, for any front end (the command line, a `graph`
//! command, an editor server): [`Options`] (a plain struct) in, a [`Run`] out.
//!
//! discover → per-file read, parse, objects and rules (parallel, [`walk`]) → repository
//! analysis (the Kustomize patch set, the app graph: [`analysis`]) → the findings that need
//! the graph → fix plan and writing ([`fixes`]) → results. Nothing is printed here: the
//! messages for stderr are in [`Run::messages`], in order.

mod analysis;
mod fixes;
mod paths;
mod stdin;
mod walk;

#[cfg(test)]
mod tests;

pub use paths::{display_path, exact_path_bytes, repo_relative, repository_root};

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::FileReport;
use crate::discover;
use crate::graph::context::Analysis;
use crate::lint::{FileOptions, GraphMode, Outcome};
use crate::report::Summary;
use crate::settings::Settings;
use fixes::FileResult;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which configuration file to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// None (`--isolated`).
    Isolated,
    /// This one (`--config`).
    Path(PathBuf),
    /// The nearest `.gitops-lint.yaml` above the first path.
    Discover,
}

/// What to do with the fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Report only.
    Check,
    /// Apply them and write the files (`--fix`).
    Fix,
    /// Show them as a unified diff; write nothing (`--diff`).
    Diff,
}

/// One file read from standard input.
#[derive(Debug, Clone)]
pub struct Stdin {
    /// The path to report (`--stdin-filename`, else `-`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What to lint, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files and directories (empty with no stdin: the current directory).
    pub paths: Vec<PathBuf>,
    pub config: ConfigChoice,
    /// Gitignore-style globs to leave out (`--exclude`).
    pub exclude: Vec<String>,
    pub no_ignore: bool,
    pub force_exclude: bool,
    /// Threads of the walk (the rayon global pool is the caller's to set up).
    pub threads: usize,
    pub max_file_size: u64,
    pub mode: Mode,
    pub unsafe_fixes: bool,
    pub stdin: Option<Stdin>,
    /// The working directory: paths are shown relative to it.
    pub cwd: Option<PathBuf>,
}

/// Why a run could not be made (nothing was linted).
#[derive(Debug)]
pub enum SessionError {
    /// The configuration file is wrong (rendered with its source).
    Config(Box<ConfigError>),
    /// A one-line message (`error: …`).
    Message(String),
}

/// Everything a run gave.
#[derive(Debug, Default)]
pub struct Run {
    /// The files with findings, sorted by path.
    pub reports: Vec<FileReport>,
    /// The repo-relative path of each report's file, by its shown path.
    pub repo_paths: HashMap<String, String>,
    pub summary: Summary,
    /// Unified diffs (`Mode::Diff`), by shown path, sorted.
    pub diffs: Vec<(String, String)>,
    /// The messages for stderr, in order (not escaped yet).
    pub messages: Vec<String>,
    /// The tool failed somewhere (exit 2).
    pub failed: bool,
    /// Problems and files fixed (or that would be, with `Mode::Diff`).
    pub fixed: (usize, usize),
    /// Files written to while being replaced (a conflict copy was made beside them).
    pub conflict_copies: usize,
    /// The fixed text of stdin (`Mode::Fix`), the original when nothing changed.
    pub stdin_output: Option<Vec<u8>>,
    /// The repository root (see [`repository_root`]).
    pub root: Option<PathBuf>,
    /// The app graph of the repository, and its facts per file.
    pub analysis: Analysis,
}

/// The configuration and what is derived from it.
struct Setup {
    config: Config,
    settings: Settings,
    discover: discover::Options,
}

fn configure(options: &Options, paths: &[PathBuf]) -> Result<Setup, SessionError> {
    let found = match &options.config {
        ConfigChoice::Isolated => Ok(None),
        ConfigChoice::Path(p) => Ok(Some(p.clone())),
        ConfigChoice::Discover => {
            config::find(paths.first().map_or(Path::new("."), PathBuf::as_path))
        }
    };
    let config_path = found.as_ref().ok().cloned().flatten();
    let explicit = matches!(options.config, ConfigChoice::Path(_));
    let config = found
        .and_then(|path| match path {
            None => Ok(Config::default()),
            Some(p) if explicit => config::load(&p),
            Some(p) => config::load_found(&p),
        })
        .map_err(SessionError::Config)?;
    discover::check_glob_limits(&options.exclude, config.glob_count())
        .map_err(|err| SessionError::Message(format!("error: {err}")))?;
    let discover = discover::Options {
        exclude: options.exclude.clone(),
        no_ignore: options.no_ignore,
        threads: options.threads,
        force_exclude: options.force_exclude,
        config_root: config
            .path
            .as_ref()
            .map(|_| config::ConfigRoot::new(&config.root, paths)),
        config_exclude: config.exclude.clone(),
        include: config.include.clone(),
    };
    let settings = Settings::from_config(&config, paths).map_err(|e| {
        let path = config_path.as_deref().unwrap_or(Path::new("")).display();
        SessionError::Message(format!("error: {path}: {e}"))
    })?;
    Ok(Setup {
        config,
        settings,
        discover,
    })
}

/// Run the pipeline.
pub fn run(options: &Options) -> Result<Run, SessionError> {
    let started = Instant::now();
    let cwd = options.cwd.as_deref();
    let mut paths = options.paths.clone();
    if paths.is_empty() && options.stdin.is_none() {
        paths.push(PathBuf::from("."));
    }
    let setup = configure(options, &paths)?;
    let mut run = Run::default();
    let root = paths.first().map_or_else(
        || cwd.map(Path::to_path_buf),
        |first| {
            let config_root = setup
                .config
                .path
                .as_ref()
                .map(|_| setup.config.root.as_path());
            Some(repository_root(first, cwd, config_root))
        },
    );
    let check_options = FileOptions {
        settings: &setup.settings,
        kustomize_patch: false,
        helm_values: None,
        graph: GraphMode::Deferred,
    };
    let helm_facts = crate::helm_stage::Collector::new(&paths);
    let walk = walk::Walk::new(
        check_options,
        options.max_file_size,
        cwd,
        root.as_deref(),
        &helm_facts,
    );
    let visited = discover::visit(&paths, &setup.discover, &|path, buf| {
        walk.visit_file(path, buf)
    })
    .map_err(|err| SessionError::Message(format!("error: {err}")))?;
    let mut walked = walk.finish();
    for err in visited.errors.iter().chain(&walked.read_errors) {
        run.messages.push(format!("error: {err}"));
        run.failed = true;
    }
    analysis::complete_kustomizations(
        &mut walked.facts,
        &visited.kustomizations,
        root.as_deref(),
        cwd,
    );
    let patches = analysis::patch_set(&walked.facts);
    let remotes = root
        .as_deref()
        .map(crate::graph::remotes_of)
        .unwrap_or_default();
    run.analysis = analysis::analyse(
        &mut walked.facts,
        &patches,
        &remotes,
        &setup.config.repositories,
    );
    run.root = root;
    // argocd-apps values files: read those the walk skipped, lint all with their role.
    let helm_values = crate::helm_stage::ValuesFiles::new(helm_facts, &paths, &setup.discover);
    let display = |p: &Path| display_path(p, cwd);
    let unparsed = crate::helm_stage::add_unread(
        &helm_values,
        &mut walked.found,
        options.max_file_size,
        &display,
    );
    add_node_files(&mut walked, cwd);
    walked.found.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    let stage = Stage {
        options,
        settings: &setup.settings,
        patches: &patches,
        helm_values: &helm_values,
        analysis: &run.analysis,
        root: run.root.as_deref(),
    };
    let results: Vec<(FileResult, Option<String>)> = walked
        .found
        .into_par_iter()
        .map(|(path, report)| stage.process(&path, report))
        .collect();
    run.summary = Summary {
        files_scanned: walked.scanned + unparsed,
        files_skipped: walked.skipped.saturating_sub(unparsed),
        unsafe_fixes: options.unsafe_fixes,
        ..Summary::default()
    };
    let mut results = results;
    if options.mode == Mode::Fix {
        run.conflict_copies = write_all(&mut results, options.threads);
    }
    for (result, rel) in results {
        if let Some(rel) = rel {
            run.repo_paths.insert(result.path.clone(), rel);
        }
        run.record(result, true);
    }
    if let Some(input) = &options.stdin {
        stdin::lint_stdin(&mut run, input, options, &setup.settings);
    }
    run.reports.sort_by(|a, b| a.path.cmp(&b.path));
    run.diffs.sort();
    run.summary.count(&run.reports);
    run.summary.elapsed = started.elapsed();
    Ok(run)
}

/// Give the files holding nodes that have no report an empty one (with their text): the
/// findings only the graph gives may land there.
fn add_node_files(walked: &mut walk::Walked, cwd: Option<&Path>) {
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
fn write_all(results: &mut [(FileResult, Option<String>)], threads: usize) -> usize {
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
struct Stage<'a> {
    options: &'a Options,
    settings: &'a Settings,
    patches: &'a std::collections::HashSet<PathBuf>,
    helm_values: &'a crate::helm_stage::ValuesFiles,
    analysis: &'a Analysis,
    root: Option<&'a Path>,
}

impl Stage<'_> {
    /// Kustomize patch files: their objects are fragments; lint them again as such (and
    /// argocd-apps values files with their role). Then the findings that need the graph,
    /// then fix what can be fixed. Gives the result and the file's repo-relative path.
    fn process(&self, path: &Path, report: FileReport) -> (FileResult, Option<String>) {
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
    fn record(&mut self, result: FileResult, counted: bool) {
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

    /// The repo-relative path of a report's file, when it is in the repository.
    pub fn repo_path(&self, report: &FileReport) -> Option<&str> {
        self.repo_paths.get(&report.path).map(String::as_str)
    }
}

/// A file that could not be read, for a message after its path.
pub fn read_error_message(e: &crate::read::ReadError) -> String {
    match e {
        crate::read::ReadError::TooLarge { .. } => format!("{e} (--max-file-size)"),
        e => e.to_string(),
    }
}
