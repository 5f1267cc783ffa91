//! Command line: `lint`, `rules`, `explain`.

use crate::config::Config;
use crate::diagnostic::{FileReport, Severity};
use crate::discover;
use crate::lint::{self, FileOptions, Outcome};
use crate::report::{self, Format, Summary};
use crate::settings::Settings;
use crate::{config, fix, kustomize, rules};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "gitops-lint",
    version,
    about = "Find Argo CD Applications whose deletion would orphan their resources",
    long_about = "Find Argo CD Applications and ApplicationSets whose deletion would orphan the \
                  resources they manage (no cascade finalizer), with diagnostics that point at \
                  the exact bytes.\n\nExit status: 0 no error-severity problem, 1 problems \
                  found, 2 usage, configuration or I/O failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Lint(LintArgs),
    /// List the built-in rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Show a rule's documentation.
    Explain {
        /// Rule id, e.g. `missing-finalizer`.
        rule: String,
    },
    /// Print a shell completion script (e.g. `gitops-lint completions bash > /etc/bash_completion.d/gitops-lint`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the JSON Schema of the configuration file.
    ConfigSchema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Files or directories to lint; `-` reads one file from stdin. Files named here are
    /// always linted; directories are walked for *.yaml, *.yml and *.json.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    pub format: Format,
    /// Exit 0 even when error-severity problems are found.
    #[arg(long)]
    pub exit_zero: bool,
    /// Exclude paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Do not honour .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Print only the diagnostics: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Number of threads (default, and with 0: one per core; at most 4 per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Files larger than this are not read (an error, exit 2), stdin included: bytes, or
    /// with a unit (K, M, G: KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = crate::read::parse_size)]
    pub max_file_size: u64,
    /// The path to report for input read from stdin (`-`).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Apply safe fixes (and unsafe ones with --unsafe-fixes), then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Print a unified diff of what --fix would change; write nothing. Exit 1 when the
    /// diff is not empty.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Also apply (or show) fixes marked unsafe.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Use this configuration file instead of looking for `.gitops-lint.yaml`.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Apply exclusions (`--exclude`, the configuration's `exclude`) to files named on the
    /// command line too, as pre-commit passes every file by name.
    #[arg(long)]
    pub force_exclude: bool,
}

/// Parse the command line and run; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                EXIT_FAILURE
            } else {
                EXIT_OK
            };
            let _ = err.print();
            return code;
        }
    };
    match cli.command {
        Command::Lint(args) => run_lint(args),
        Command::Rules { format } => run_rules(format),
        Command::Explain { rule } => run_explain(&rule),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "gitops-lint", &mut std::io::stdout());
            EXIT_OK
        }
        Command::ConfigSchema => {
            println!(
                "{}",
                serde_json::to_string_pretty(&config::json_schema()).unwrap_or_default()
            );
            EXIT_OK
        }
    }
}

fn run_rules(format: RulesFormat) -> i32 {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let res = match format {
        RulesFormat::Text => rules::all().iter().try_for_each(|m| {
            writeln!(out, "{:<30} {:<8} {}", m.id, m.severity.as_str(), m.summary)
        }),
        RulesFormat::Json => {
            let list: Vec<_> = rules::all()
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "id": m.id, "name": m.name, "severity": m.severity.as_str(),
                        "summary": m.summary, "kinds": m.kinds, "fields": m.fields,
                        "url": m.url(),
                        "fix": m.fix.as_ref().map(|f| f.applicability),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)
                .map_err(std::io::Error::other)
                .and_then(|_| writeln!(out))
        }
    };
    if res.is_err() {
        EXIT_FAILURE
    } else {
        EXIT_OK
    }
}

fn run_explain(rule: &str) -> i32 {
    match rules::meta(rule) {
        Some(meta) => {
            print!("{}", meta.explain());
            EXIT_OK
        }
        None => {
            let known: Vec<&str> = rules::all().iter().map(|m| m.id.as_str()).collect();
            eprintln!(
                "{}",
                report::escape::message(&format!(
                    "error: unknown rule `{rule}`; known rules: {}",
                    known.join(", ")
                ))
            );
            EXIT_FAILURE
        }
    }
}

/// Whether to colour a stream that `is_terminal` (or not): `auto` colours a terminal
/// unless `NO_COLOR` is set.
fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal
        }
    }
}

/// The path to show for a file: relative to the working directory when it is below it,
/// `/`-separated, without a leading `./`.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let rel = match (path.is_absolute(), cwd) {
        (true, Some(cwd)) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// The exact bytes of the name [`display_path`] shows, when the displayed string does not
/// spell them (not UTF-8, or a `\\` shown as `/`); see `FileReport::path_bytes`.
fn exact_path_bytes(path: &Path, cwd: Option<&Path>, display: &str) -> Option<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let rel = match (path.is_absolute(), cwd) {
            (true, Some(cwd)) => path.strip_prefix(cwd).unwrap_or(path),
            _ => path,
        };
        let mut b = rel.as_os_str().as_bytes();
        while let Some(rest) = b.strip_prefix(b"./") {
            b = rest;
        }
        (b != display.as_bytes()).then(|| b.to_vec())
    }
    #[cfg(not(unix))]
    {
        let _ = (path, cwd, display);
        None
    }
}

/// The most threads per core `--threads` may ask for.
const MAX_THREADS_PER_CORE: usize = 4;

/// The number of threads to use for `--threads` (`None` or 0: one per core), capped at
/// [`MAX_THREADS_PER_CORE`] per core with a warning.
fn thread_count(requested: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = cores.saturating_mul(MAX_THREADS_PER_CORE);
    match requested {
        None | Some(0) => cores,
        Some(n) if n > max => {
            eprintln!(
                "warning: --threads {n} is more than {MAX_THREADS_PER_CORE} per core \
                 ({cores} cores); using {max}"
            );
            max
        }
        Some(n) => n,
    }
}

fn run_lint(args: LintArgs) -> i32 {
    let started = Instant::now();
    let threads = thread_count(args.threads);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let color = use_color(args.color, std::io::stdout().is_terminal());
    let cwd = std::env::current_dir().ok();

    let mut paths = args.paths.clone();
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    paths.retain(|p| p.as_os_str() != "-");
    if paths.is_empty() && !stdin {
        paths.push(PathBuf::from("."));
    }

    let found = match &args.config {
        _ if args.isolated => Ok(None),
        Some(p) => Ok(Some(p.clone())),
        None => config::find(paths.first().map_or(Path::new("."), PathBuf::as_path)),
    };
    let config_path = found.as_ref().ok().cloned().flatten();
    let loaded = found.and_then(|path| match (path, &args.config) {
        (None, _) => Ok(Config::default()),
        (Some(p), Some(_)) => config::load(&p),
        (Some(p), None) => config::load_found(&p),
    });
    let config = match loaded {
        Ok(c) => c,
        Err(err) => {
            eprint!(
                "{}",
                report::render_error(
                    &*err,
                    use_color(args.color, std::io::stderr().is_terminal())
                )
            );
            return EXIT_FAILURE;
        }
    };
    if let Err(err) = discover::check_glob_limits(&args.exclude, config.glob_count()) {
        eprintln!("{}", report::escape::message(&format!("error: {err}")));
        return EXIT_FAILURE;
    }
    let options = discover::Options {
        exclude: args.exclude.clone(),
        no_ignore: args.no_ignore,
        threads,
        force_exclude: args.force_exclude,
        config_root: config
            .path
            .as_ref()
            .map(|_| config::ConfigRoot::new(&config.root, &paths)),
        config_exclude: config.exclude.clone(),
        include: config.include.clone(),
    };
    let settings = match Settings::from_config(&config, &paths) {
        Ok(s) => s,
        Err(e) => {
            let path = config_path.as_deref().unwrap_or(Path::new("")).display();
            eprintln!(
                "{}",
                report::escape::message(&format!("error: {path}: {e}"))
            );
            return EXIT_FAILURE;
        }
    };

    let mode = if args.diff {
        Mode::Diff
    } else if args.fix {
        Mode::Fix
    } else {
        Mode::Check
    };
    // Lint every file as the walk finds it; keep only the files with something to
    // report (their text included), so memory does not grow with the tree.
    let scanned = AtomicUsize::new(0);
    let skipped = AtomicUsize::new(0);
    let found: Mutex<Vec<(PathBuf, FileReport)>> = Mutex::new(Vec::new());
    let read_errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let check_options = FileOptions {
        settings: &settings,
        kustomize_patch: false,
        helm_values: None,
        graph: lint::GraphMode::Resolved(None),
    };
    let helm_facts = crate::helm_stage::Collector::new(&paths);
    let visited = discover::visit(&paths, &options, &|path, buf| {
        if let Err(e) = crate::read::read_file(path, buf, args.max_file_size, true) {
            let display = display_path(path, cwd.as_deref());
            crate::sync::lock(&read_errors).push(format!("{display}: {}", read_error_message(&e)));
            return;
        }
        let display = display_path(path, cwd.as_deref());
        let needles = lint::Needles::scan(buf);
        let outcome = lint::lint_scanned(&display, buf, check_options, needles);
        let linted = matches!(outcome, Outcome::Scanned(_));
        helm_facts.observe(path, buf, linted, needles.chart);
        match outcome {
            Outcome::Skipped => {
                skipped.fetch_add(1, Ordering::Relaxed);
            }
            Outcome::Scanned(report) => {
                scanned.fetch_add(1, Ordering::Relaxed);
                if !report.diagnostics.is_empty() {
                    crate::sync::lock(&found).push((path.to_path_buf(), report));
                }
            }
        }
        // Do not keep a large file's buffer around for the rest of the walk.
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new();
        }
    });
    let visited = match visited {
        Ok(v) => v,
        Err(err) => {
            eprintln!("{}", report::escape::message(&format!("error: {err}")));
            return EXIT_FAILURE;
        }
    };
    let mut failed = false;
    let mut read_errors = crate::sync::into_inner(read_errors);
    read_errors.sort();
    for err in visited.errors.iter().chain(&read_errors) {
        eprintln!("{}", report::escape::message(&format!("error: {err}")));
        failed = true;
    }
    let patches = kustomize::patch_set(&visited.kustomizations);
    let mut found = crate::sync::into_inner(found);
    // argocd-apps values files: read those the walk skipped, lint all with their role.
    let helm_values = crate::helm_stage::ValuesFiles::new(helm_facts, &paths, &options);
    let display = |p: &Path| display_path(p, cwd.as_deref());
    let unparsed =
        crate::helm_stage::add_unread(&helm_values, &mut found, args.max_file_size, &display);
    found.sort_by(|a, b| a.1.path.cmp(&b.1.path));

    // Kustomize patch files: their objects are fragments; lint them again as such. Then
    // fix what can be fixed.
    let results: Vec<FileResult> = found
        .into_par_iter()
        .map(|(path, report)| {
            let path_bytes = exact_path_bytes(&path, cwd.as_deref(), &report.path);
            let report = FileReport {
                path_bytes,
                ..report
            };
            let patch = !patches.is_empty() && patches.contains(&kustomize::normalize(&path));
            let helm = helm_values.role(&path);
            let options = FileOptions {
                settings: &settings,
                kustomize_patch: patch,
                helm_values: helm,
                graph: lint::GraphMode::Resolved(None),
            };
            let report = match (&report.source, patch || helm.is_some()) {
                (Some(text), true) => FileReport {
                    diagnostics: lint::lint_text(&report.path, text, options),
                    ..report
                },
                _ => report,
            };
            if mode == Mode::Check {
                FileResult::report(report)
            } else {
                fix_report(Some(&path), report, options, mode, args.unsafe_fixes)
            }
        })
        .collect();

    let mut summary = Summary {
        files_scanned: scanned.into_inner() + unparsed,
        files_skipped: skipped.into_inner().saturating_sub(unparsed),
        unsafe_fixes: args.unsafe_fixes,
        ..Summary::default()
    };
    let mut reports: Vec<FileReport> = Vec::new();
    let mut diffs: Vec<(String, String)> = Vec::new();
    let mut fixed = (0usize, 0usize); // problems, files
    let mut record =
        |result: FileResult, summary: &mut Summary, failed: &mut bool, counted: bool| {
            for msg in &result.messages {
                eprintln!("{}", report::escape::message(msg));
            }
            *failed |= result.failed;
            if result.applied > 0 {
                fixed.0 += result.applied;
                fixed.1 += 1;
            }
            if let Some(diff) = result.diff {
                diffs.push((result.path.clone(), diff));
            }
            match result.outcome {
                Outcome::Skipped => summary.files_skipped += usize::from(!counted),
                Outcome::Scanned(report) => {
                    summary.files_scanned += usize::from(!counted);
                    if !report.diagnostics.is_empty() {
                        reports.push(report);
                    }
                }
            }
        };
    let mut results = results;
    let conflict_copies = if mode == Mode::Fix {
        // Writing waits on the disk more than it computes: more threads than cores hide
        // the waits (measured on a 2-core machine, --fix of 1,117 files: median 1.98x the
        // lint time with 2 writer threads, 1.81x with 8; see docs/performance.md).
        match rayon::ThreadPoolBuilder::new()
            .num_threads(threads.saturating_mul(WRITE_THREADS_PER_THREAD))
            .build()
        {
            Ok(pool) => pool.install(|| write_fixes(&mut results)),
            Err(_) => write_fixes(&mut results),
        }
    } else {
        0
    };
    for result in results {
        record(result, &mut summary, &mut failed, true);
    }
    let mut stdin_output: Option<Vec<u8>> = None;
    if stdin {
        let mut bytes = Vec::new();
        let read =
            crate::read::read_capped(std::io::stdin().lock(), &mut bytes, args.max_file_size);
        if let Err(e) = read {
            match e {
                crate::read::ReadError::Io(e) => eprintln!(
                    "{}",
                    report::escape::message(&format!("error: reading stdin: {e}"))
                ),
                e => eprintln!(
                    "{}",
                    report::escape::message(&format!("error: stdin: {}", read_error_message(&e)))
                ),
            }
            return EXIT_FAILURE;
        }
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "-".to_string());
        let helm = crate::helm_stage::stdin_role(&name);
        let options = FileOptions {
            kustomize_patch: false,
            settings: &settings,
            helm_values: helm.as_ref(),
            graph: lint::GraphMode::Resolved(None),
        };
        // `--fix` of stdin prints the fixed text on stdout (the diagnostics that remain go
        // to stderr), as formatters and ruff do; `--diff` shows the diff.
        let original = (mode == Mode::Fix).then(|| bytes.clone());
        let mut result = match lint::lint_bytes(&name, &bytes, options) {
            Outcome::Scanned(report) if mode != Mode::Check => {
                fix_report(None, report, options, mode, args.unsafe_fixes)
            }
            outcome => FileResult::new(name, outcome),
        };
        if let Some(original) = original {
            stdin_output = Some(
                result
                    .fixed_text
                    .take()
                    .map_or(original, String::into_bytes),
            );
        }
        record(result, &mut summary, &mut failed, false);
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    diffs.sort();
    summary.count(&reports);
    summary.elapsed = started.elapsed();

    let mut out = BufWriter::new(std::io::stdout().lock());
    let rendered = if mode == Mode::Diff {
        let terminal = std::io::stdout().is_terminal();
        report::render_diffs(diffs.iter().map(|(_, d)| d.as_str()), terminal, &mut out)
            .and_then(|_| out.flush())
    } else if let Some(fixed) = &stdin_output {
        let mut err = std::io::stderr().lock();
        out.write_all(fixed)
            .and_then(|_| out.flush())
            .and_then(|_| {
                report::render(
                    args.format,
                    &reports,
                    &summary,
                    report::Style {
                        color: false,
                        quiet: args.quiet,
                    },
                    &mut err,
                )
            })
    } else {
        report::render(
            args.format,
            &reports,
            &summary,
            report::Style {
                color,
                quiet: args.quiet,
            },
            &mut out,
        )
        .and_then(|_| out.flush())
    };
    if let Err(e) = rendered {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!(
                "{}",
                report::escape::message(&format!("error: writing output: {e}"))
            );
        }
        return EXIT_FAILURE;
    }
    let remaining = summary.diagnostics();
    // What the fixes left need (`--fix` or `--unsafe-fixes`), on a line of its own.
    let hint = summary.fix_hint();
    if !args.quiet && (args.format != Format::Json || mode == Mode::Diff) {
        match mode {
            Mode::Check => eprintln!("{}", summary.line()),
            Mode::Fix => eprintln!(
                "Fixed {} in {}; {remaining} remaining.{}",
                plural(fixed.0, "problem"),
                plural(fixed.1, "file"),
                match conflict_copies {
                    0 => String::new(),
                    n => format!(
                        " {} written to while being replaced: see the conflict {} beside them.",
                        plural(n, "file"),
                        if n == 1 { "copy" } else { "copies" }
                    ),
                }
            ),
            Mode::Diff => eprintln!(
                "Would fix {} in {}.",
                plural(fixed.0, "problem"),
                plural(fixed.1, "file")
            ),
        }
        if let Some(hint) = hint.filter(|_| mode != Mode::Diff) {
            eprintln!("{hint}");
        }
        if mode == Mode::Diff && !args.unsafe_fixes && summary.fixable_unsafe > 0 {
            eprintln!(
                "{} more fixable with `--fix --unsafe-fixes` (`--diff --unsafe-fixes` shows them).",
                summary.fixable_unsafe
            );
        }
    }
    let has_errors = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity == Severity::Error);
    if failed {
        EXIT_FAILURE
    } else if mode == Mode::Diff {
        if diffs.is_empty() {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        }
    } else if has_errors && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// A file that could not be read, for a message after its path.
fn read_error_message(e: &crate::read::ReadError) -> String {
    match e {
        crate::read::ReadError::TooLarge { .. } => format!("{e} (--max-file-size)"),
        e => e.to_string(),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Check,
    Fix,
    Diff,
}

/// What processing one file gave.
struct FileResult {
    path: String,
    outcome: Outcome,
    /// Unified diff of the fixes (`--diff`).
    diff: Option<String>,
    /// Problems fixed (or that would be, with `--diff`).
    applied: usize,
    /// Messages for stderr (fixes refused or not written).
    messages: Vec<String>,
    /// The tool failed on this file (exit 2).
    failed: bool,
    /// The fixed text of stdin (`--fix -`).
    fixed_text: Option<String>,
    /// The fixed text, to be written by [`write_fixes`].
    pending: Option<PendingWrite>,
    /// The file was rewritten.
    written: Option<PathBuf>,
}

/// A fixed file not yet written, and what to report if it cannot be.
struct PendingWrite {
    path: PathBuf,
    original: std::sync::Arc<str>,
    new_text: String,
    report: FileReport,
}

impl FileResult {
    fn new(path: String, outcome: Outcome) -> Self {
        FileResult {
            path,
            outcome,
            diff: None,
            applied: 0,
            messages: Vec::new(),
            failed: false,
            fixed_text: None,
            pending: None,
            written: None,
        }
    }

    fn report(report: FileReport) -> Self {
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
const WRITE_THREADS_PER_THREAD: usize = 4;

/// Write the fixed files of `results` (see `fix::write`): per chunk, stage them in
/// parallel, make them durable with one sync, and rename each into place if it did not
/// change since it was read; then make the renames durable, and examine every replaced
/// file of the chunk once more for writes that landed in it meanwhile. Returns the number
/// of conflict copies made (files written to while they were replaced).
fn write_fixes(results: &mut [FileResult]) -> usize {
    use fix::write::WriteError;
    let mut pending: Vec<&mut FileResult> =
        results.iter_mut().filter(|r| r.pending.is_some()).collect();
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
                    let p = r.pending.take().expect("checked above");
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
fn fix_report(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/rules/<id>.md` is generated from `rules/<id>.yaml`; regenerate with
    /// `UPDATE_DOCS=1 cargo test docs_are_generated_from_rule_data`.
    #[test]
    fn docs_are_generated_from_rule_data() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
        let update = std::env::var_os("UPDATE_DOCS").is_some();
        for meta in rules::all() {
            let path = dir.join(format!("{}.md", meta.id));
            let expected = meta.explain();
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &expected).unwrap();
            }
            let actual = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                actual == expected,
                "{} is out of date; run UPDATE_DOCS=1 cargo test docs_are_generated_from_rule_data",
                path.display()
            );
        }
    }

    #[test]
    fn display_paths() {
        assert_eq!(display_path(Path::new("./a/b.yaml"), None), "a/b.yaml");
        assert_eq!(
            display_path(Path::new("/w/r/a.yaml"), Some(Path::new("/w/r"))),
            "a.yaml"
        );
        assert_eq!(
            display_path(Path::new("/x/a.yaml"), Some(Path::new("/w"))),
            "/x/a.yaml"
        );
    }
}
