//! The lint pipeline as a library, for any front end (the command line, a `graph`
//! command, an editor server): [`Options`] (a plain struct) in, a [`Run`] out.
//!
//! discover → per-file read, parse, objects and rules (parallel, `walk`) → repository
//! analysis (the Kustomize patch set, the app graph: `analysis`) → the findings that need
//! the graph → fix plan and writing (`fixes`) → results. Nothing is printed here: the
//! messages for stderr are in [`Run::messages`], in order.

mod analysis;
mod files;
mod fixes;
mod ignores;
mod known;
mod paths;
mod stage;
mod stdin;
pub mod tree;
mod walk;

#[cfg(test)]
mod tests;

pub use files::TreeFiles;
pub use known::{blob_id, BlobId, Known};
pub use paths::{display_path, exact_path_bytes, repo_relative, repository_root};
pub use paths::{existing as existing_paths, parent_of, read_error_message};
pub use tree::{graph_of_tree, prepare, Prepared, TreeGraph, TreeRead};

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::FileReport;
use crate::graph::context::Analysis;
use crate::lint::{FileOptions, GraphMode, Outcome};
use crate::settings::Settings;
use crate::summary::Summary;
use crate::{discover, graph};
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
    /// Keep the text of every file holding an Application or ApplicationSet in
    /// [`Run::node_texts`] (the `graph` command shows their lines).
    pub keep_node_texts: bool,
    /// Keep the app graph itself in [`Run::analysis`] (the `graph` command draws it); else
    /// it is dropped once its facts per file are derived, and only those are kept.
    pub keep_graph: bool,
    /// Note the Git blob id and the facts of every file read ([`Run::known`]): `plan`
    /// takes the files of the other side with the same bytes from them.
    pub know_files: bool,
    /// The rules chosen on the command line (`--select`, `--extend-select`, `--ignore`).
    pub rules: crate::selection::RuleSelection,
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
    /// The rules of the fixes applied (or that would be, with `Mode::Diff`), by shown
    /// path, sorted by path (`--show-fixes`).
    pub applied: Vec<(String, Vec<&'static str>)>,
    /// Files written to while being replaced (a conflict copy was made beside them).
    pub conflict_copies: usize,
    /// The fixed text of stdin (`Mode::Fix`), the original when nothing changed.
    pub stdin_output: Option<Vec<u8>>,
    /// The repository root (see [`repository_root`]).
    pub root: Option<PathBuf>,
    /// The app graph of the repository (empty unless [`Options::keep_graph`]), and its
    /// facts per file.
    pub analysis: Analysis,
    /// The text of each file holding a node, by repo-relative path (only with
    /// [`Options::keep_node_texts`]).
    pub node_texts: HashMap<String, std::sync::Arc<str>>,
    /// The files read, by blob id, and their facts (only with [`Options::know_files`]).
    pub known: Option<Known>,
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
    let mut settings = Settings::from_config(&config, paths).map_err(|e| {
        let path = config_path.as_deref().unwrap_or(Path::new("")).display();
        SessionError::Message(format!("error: {path}: {e}"))
    })?;
    options.rules.apply(&mut settings.levels);
    Ok(Setup {
        config,
        settings,
        discover,
    })
}

/// The paths to lint (none, with no stdin: the current directory).
fn paths_of(options: &Options) -> Vec<PathBuf> {
    let mut paths = options.paths.clone();
    if paths.is_empty() && options.stdin.is_none() {
        paths.push(PathBuf::from("."));
    }
    paths
}

/// The repository root, from the first path (else the working directory). A
/// configuration that names the repository (`repositories:`) stands for its root, even
/// inside another Git checkout (a repository kept as a directory of another, as the
/// bundled example is).
fn root_of(options: &Options, paths: &[PathBuf], config: &Config) -> PathBuf {
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let config_root = config.path.as_ref().map(|_| config.root.as_path());
    match (config_root, options.cwd.as_deref()) {
        (Some(root), cwd) if !config.repositories.is_empty() => match cwd {
            Some(cwd) => crate::kustomize::normalize(&cwd.join(root)),
            None => crate::kustomize::normalize(root),
        },
        (_, cwd) => repository_root(first, cwd, config_root),
    }
}

/// Walk `paths`: read and lint every file once, gathering the repository facts.
fn walk_all(
    options: &Options,
    setup: &Setup,
    paths: &[PathBuf],
    root: Option<&Path>,
    helm_facts: &crate::helm_stage::Collector,
) -> Result<(walk::Walked, discover::Visited), SessionError> {
    let check_options = FileOptions {
        settings: &setup.settings,
        kustomize_patch: false,
        helm_values: None,
        graph: GraphMode::Deferred,
    };
    let cwd = options.cwd.as_deref();
    let mut walk = walk::Walk::new(
        check_options,
        options.max_file_size,
        cwd,
        root,
        helm_facts,
        options.keep_node_texts,
    );
    if options.know_files {
        walk = walk.record_ids();
    }
    let visited = discover::visit(paths, &setup.discover, &|path, buf| {
        walk.visit_file(path, buf)
    })
    .map_err(|err| SessionError::Message(format!("error: {err}")))?;
    Ok((walk.finish(), visited))
}

/// Run the pipeline.
pub fn run(options: &Options) -> Result<Run, SessionError> {
    run_with(options, None)
}

/// Run the pipeline with the configuration `prepared` read (`None`: read it).
pub fn run_with(options: &Options, prepared: Option<&Prepared>) -> Result<Run, SessionError> {
    let started = Instant::now();
    let cwd = options.cwd.as_deref();
    let (paths, missing) = paths::existing(paths_of(options));
    if paths.is_empty() && !missing.is_empty() && options.stdin.is_none() {
        // Every path given is missing: nothing to lint (not the working directory).
        return Ok(Run {
            messages: missing,
            failed: true,
            ..Run::default()
        });
    }
    let configured;
    let setup = match prepared {
        Some(prepared) => &prepared.setup,
        None => {
            configured = configure(options, &paths)?;
            &configured
        }
    };
    let root = Some(root_of(options, &paths, &setup.config));
    let helm_facts = crate::helm_stage::Collector::new(&paths);
    let (mut walked, visited) = walk_all(options, setup, &paths, root.as_deref(), &helm_facts)?;
    let mut run = Run {
        failed: !missing.is_empty(),
        messages: missing,
        ..Run::default()
    };
    for err in visited.errors.iter().chain(&walked.read_errors) {
        run.messages.push(format!("error: {err}"));
        run.failed = true;
    }
    if options.know_files {
        let ids = std::mem::take(&mut walked.ids);
        run.known = Some(walked.facts.known(ids));
    }
    let facts = &mut walked.facts;
    analysis::complete_kustomizations(facts, &visited.kustomizations, root.as_deref(), cwd);
    let patches = analysis::patch_set(facts);
    let remotes = root.as_deref().map(graph::remotes_of).unwrap_or_default();
    run.analysis = analysis::analyse(
        facts,
        &patches,
        &remotes,
        &setup.config.repositories,
        root.as_deref().map(files::Files::Disk),
    );
    // Messages and related locations name other files as the reports show paths: with
    // the prefix a walked file's shown path has before its repo-relative one.
    let prefix = walked.facts.node_files.iter().find_map(|(rel, f)| {
        let shown = display_path(&f.path, cwd);
        shown.strip_suffix(rel.as_str()).map(str::to_string)
    });
    if let Some(prefix) = prefix.filter(|p| p.is_empty() || p.ends_with('/')) {
        run.analysis.show_paths_under(&prefix);
    }
    run.root = root;
    // argocd-apps values files: read those the walk skipped, lint all with their role.
    let helm_values = crate::helm_stage::ValuesFiles::new(helm_facts, &paths, &setup.discover);
    let display = |p: &Path| display_path(p, cwd);
    let found = &mut walked.found;
    let unparsed =
        crate::helm_stage::add_unread(&helm_values, found, options.max_file_size, &display);
    if options.keep_node_texts {
        let files = &walked.facts.node_files;
        run.node_texts = files
            .iter()
            .filter_map(|(rel, f)| Some((rel.clone(), f.text.clone()?)))
            .collect();
    }
    let before = run.messages.len();
    let second_look = stage::second_look(
        &mut walked,
        &run.analysis,
        options.max_file_size,
        cwd,
        &mut run.messages,
    );
    run.failed |= run.messages.len() > before;
    // The walk's facts are used up; the graph too, unless asked for (its facts per file
    // stay): the rest of the run holds the files with findings only.
    // (Freed once the files are processed: freeing beside them would take a core from
    // them; beside the rendering that follows, it takes an idle one.)
    let facts = std::mem::take(&mut walked.facts);
    let graph = match options.keep_graph {
        true => graph::Graph::default(),
        false => std::mem::take(&mut run.analysis.graph),
    };
    walked.found.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    let stage = stage::Stage {
        options,
        settings: &setup.settings,
        patches: &patches,
        helm_values: &helm_values,
        analysis: &run.analysis,
        root: run.root.as_deref(),
        second_look: &second_look,
    };
    let mut results: Vec<(FileResult, Option<String>)> = walked
        .found
        .into_par_iter()
        .map(|(path, report)| stage.process(&path, report))
        .collect();
    let allocations = facts.files.len() + facts.nodes.len() + graph.nodes.len();
    crate::sync::free_later((facts, graph), allocations);
    run.summary = Summary {
        files_scanned: walked.scanned + unparsed,
        files_skipped: walked.skipped.saturating_sub(unparsed),
        unsafe_fixes: options.unsafe_fixes,
        ..Summary::default()
    };
    if options.mode == Mode::Fix {
        run.conflict_copies = stage::write_all(&mut results, options.threads);
    }
    for (result, rel) in results {
        let reported = matches!(&result.outcome, Outcome::Scanned(r) if !r.diagnostics.is_empty());
        if let Some(rel) = rel.filter(|_| reported) {
            run.repo_paths.insert(result.path.clone(), rel);
        }
        run.record(result, true);
    }
    if let Some(input) = &options.stdin {
        stdin::lint_stdin(&mut run, input, options, &setup.settings);
    }
    run.reports.sort_by(|a, b| a.path.cmp(&b.path));
    run.diffs.sort();
    run.applied.sort();
    run.summary.count(&run.reports);
    run.summary.elapsed = started.elapsed();
    Ok(run)
}

impl Run {
    /// The repo-relative path of a report's file, when it is in the repository.
    pub fn repo_path(&self, report: &FileReport) -> Option<&str> {
        self.repo_paths.get(&report.path).map(String::as_str)
    }
}
