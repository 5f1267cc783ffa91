//! Command line: `lint`, `rules`, `explain`.

use crate::diagnostic::Severity;
use crate::report::{self, Format};
pub use crate::session::display_path;
use crate::session::{self, ConfigChoice, Mode, Options, Run, SessionError};
use crate::{config, rules};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
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

/// The pipeline's options for `lint` arguments (`-` taken out of the paths: stdin is read
/// by the caller).
fn session_options(args: &LintArgs, threads: usize, stdin: Option<session::Stdin>) -> Options {
    let mode = if args.diff {
        Mode::Diff
    } else if args.fix {
        Mode::Fix
    } else {
        Mode::Check
    };
    let config = match &args.config {
        _ if args.isolated => ConfigChoice::Isolated,
        Some(p) => ConfigChoice::Path(p.clone()),
        None => ConfigChoice::Discover,
    };
    Options {
        paths: args
            .paths
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .cloned()
            .collect(),
        config,
        exclude: args.exclude.clone(),
        no_ignore: args.no_ignore,
        force_exclude: args.force_exclude,
        threads,
        max_file_size: args.max_file_size,
        mode,
        unsafe_fixes: args.unsafe_fixes,
        stdin,
        cwd: std::env::current_dir().ok(),
    }
}

/// Read the file of standard input (`-` among the paths), or say why it cannot be.
fn read_stdin(args: &LintArgs) -> Result<Option<session::Stdin>, String> {
    if !args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    match crate::read::read_capped(std::io::stdin().lock(), &mut bytes, args.max_file_size) {
        Ok(()) => Ok(Some(session::Stdin {
            name: args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "-".to_string()),
            bytes,
        })),
        Err(crate::read::ReadError::Io(e)) => Err(format!("error: reading stdin: {e}")),
        Err(e) => Err(format!("error: stdin: {}", session::read_error_message(&e))),
    }
}

fn run_lint(args: LintArgs) -> i32 {
    let started = Instant::now();
    let threads = thread_count(args.threads);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let color = use_color(args.color, std::io::stdout().is_terminal());
    let stdin = match read_stdin(&args) {
        Ok(stdin) => stdin,
        Err(message) => {
            eprintln!("{}", report::escape::message(&message));
            return EXIT_FAILURE;
        }
    };
    let options = session_options(&args, threads, stdin);
    let mut run = match session::run(&options) {
        Ok(run) => run,
        Err(SessionError::Config(err)) => {
            let color = use_color(args.color, std::io::stderr().is_terminal());
            eprint!("{}", report::render_error(&*err, color));
            return EXIT_FAILURE;
        }
        Err(SessionError::Message(message)) => {
            eprintln!("{}", report::escape::message(&message));
            return EXIT_FAILURE;
        }
    };
    for message in &run.messages {
        eprintln!("{}", report::escape::message(message));
    }
    run.summary.elapsed = started.elapsed();
    if let Err(e) = render_run(&args, &run, options.mode, color) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!(
                "{}",
                report::escape::message(&format!("error: writing output: {e}"))
            );
        }
        return EXIT_FAILURE;
    }
    if !args.quiet && (args.format != Format::Json || options.mode == Mode::Diff) {
        print_outcome(&run, options.mode, args.unsafe_fixes);
    }
    exit_code(&run, options.mode, args.exit_zero)
}

/// Render the findings (or the diffs, or stdin's fixed text then the findings on stderr).
fn render_run(args: &LintArgs, run: &Run, mode: Mode, color: bool) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let style = |color| report::Style {
        color,
        quiet: args.quiet,
    };
    if mode == Mode::Diff {
        let terminal = std::io::stdout().is_terminal();
        report::render_diffs(
            run.diffs.iter().map(|(_, d)| d.as_str()),
            terminal,
            &mut out,
        )
        .and_then(|_| out.flush())
    } else if let Some(fixed) = &run.stdin_output {
        let mut err = std::io::stderr().lock();
        out.write_all(fixed)
            .and_then(|_| out.flush())
            .and_then(|_| {
                report::render(
                    args.format,
                    &run.reports,
                    &run.summary,
                    style(false),
                    &mut err,
                )
            })
    } else {
        report::render(
            args.format,
            &run.reports,
            &run.summary,
            style(color),
            &mut out,
        )
        .and_then(|_| out.flush())
    }
}

/// The summary line and hints on stderr.
fn print_outcome(run: &Run, mode: Mode, unsafe_fixes: bool) {
    let summary = &run.summary;
    let fixed = run.fixed;
    let remaining = summary.diagnostics();
    // What the fixes left need (`--fix` or `--unsafe-fixes`), on a line of its own.
    let hint = summary.fix_hint();
    match mode {
        Mode::Check => eprintln!("{}", summary.line()),
        Mode::Fix => eprintln!(
            "Fixed {} in {}; {remaining} remaining.{}",
            plural(fixed.0, "problem"),
            plural(fixed.1, "file"),
            match run.conflict_copies {
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
    if mode == Mode::Diff && !unsafe_fixes && summary.fixable_unsafe > 0 {
        eprintln!(
            "{} more fixable with `--fix --unsafe-fixes` (`--diff --unsafe-fixes` shows them).",
            summary.fixable_unsafe
        );
    }
}

fn exit_code(run: &Run, mode: Mode, exit_zero: bool) -> i32 {
    let has_errors = run
        .reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity == Severity::Error);
    if run.failed {
        EXIT_FAILURE
    } else if mode == Mode::Diff {
        if run.diffs.is_empty() {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        }
    } else if has_errors && !exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/rules/<id>.md` is generated from `rules/<id>.yaml`; regenerate with
    /// `UPDATE_DOCS=1 cargo test docs_are_generated_from_rule_data`.
    #[test]
    fn docs_are_generated_from_rule_data() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
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
}
