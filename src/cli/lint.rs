//! `lint`: the arguments become [`session::Options`]; the [`session::Run`] is rendered,
//! its messages printed, and the exit code chosen.

use super::{use_color, LintArgs, EXIT_FAILURE, EXIT_FINDINGS, EXIT_NO_FILES, EXIT_OK};
use crate::diagnostic::Severity;
use crate::report::{self, Format};
use crate::session::{self, ConfigChoice, Mode, Options, Run};
use std::io::{BufWriter, IsTerminal, Write};
use std::time::Instant;

/// The most threads per core `--threads` may ask for.
const MAX_THREADS_PER_CORE: usize = 4;

/// The number of threads to use for `--threads` (`None` or 0: one per core), capped at
/// [`MAX_THREADS_PER_CORE`] per core with a warning. The cores are counted only when the
/// answer depends on them: reading the cgroup files for it was about 20 of the 225 system
/// calls of a one-file run.
pub(super) fn thread_count(requested: Option<usize>) -> usize {
    if let Some(n @ 1..=MAX_THREADS_PER_CORE) = requested {
        return n; // within the cap on any machine
    }
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

/// The threads of a `lint` run over `paths` (`requested`: `--threads`). A run over named
/// files only (a pre-commit hook's) needs no more threads than files, and over one file no
/// core count.
fn lint_threads(paths: &[std::path::PathBuf], requested: Option<usize>) -> (usize, bool) {
    let files_only = !paths.is_empty() && paths.iter().all(|p| p.as_os_str() != "-" && p.is_file());
    let cap = if files_only { paths.len() } else { usize::MAX };
    let threads = match cap {
        0 | 1 => 1,
        _ => thread_count(requested).min(cap),
    };
    (threads, files_only)
}

/// Start the global thread pool with `threads` threads. Over named files only with one
/// thread, the pool is this thread itself: no thread is started, which was a sixth of a
/// one-file run (docs/performance.md). A directory's walk calls the pool from its own
/// threads, so it always has threads of its own.
fn start_pool(threads: usize, files_only: bool) {
    let builder = rayon::ThreadPoolBuilder::new().num_threads(threads);
    let builder = if files_only && threads == 1 {
        builder.use_current_thread()
    } else {
        builder
    };
    let _ = builder.build_global();
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
        keep_node_texts: false,
        keep_graph: false,
        know_files: false,
        rules: session_rules(args),
    }
}

/// The rules chosen with `--select`, `--extend-select` and `--ignore`.
fn session_rules(args: &LintArgs) -> crate::selection::RuleSelection {
    crate::selection::RuleSelection {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
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

/// The arguments the session cannot judge: `Err` with the exit code when a rule id is
/// unknown, or `--stdin-filename` is given without `-` (missing paths are the session's:
/// `graph` reports them the same way).
fn check_args(args: &LintArgs) -> Result<(), i32> {
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if args.stdin_filename.is_some() && !stdin {
        eprintln!(
            "error: --stdin-filename names the input read from stdin, but `-` is not among \
             the paths (add `-` to read stdin)"
        );
        return Err(EXIT_FAILURE);
    }
    let unknown = session_rules(args).unknown();
    if !unknown.is_empty() {
        for message in unknown {
            eprintln!("{}", report::escape::message(&message));
        }
        return Err(EXIT_FAILURE);
    }
    Ok(())
}

pub(super) fn run_lint(args: LintArgs) -> i32 {
    let started = Instant::now();
    if let Err(code) = check_args(&args) {
        return code;
    }
    if args.show_fixes && !args.fix && !args.diff && !args.quiet {
        eprintln!("warning: --show-fixes lists the fixes of --fix or --diff; neither was given");
    }
    let (threads, files_only) = lint_threads(&args.paths, args.threads);
    start_pool(threads, files_only);
    let color = use_color(args.color, std::io::stdout().is_terminal());
    let stdin = match read_stdin(&args) {
        Ok(stdin) => stdin,
        Err(message) => {
            eprintln!("{}", report::escape::message(&message));
            return EXIT_FAILURE;
        }
    };
    let options = session_options(&args, threads, stdin);
    let mut run = match super::run_session(&options, args.color) {
        Ok(run) => run,
        Err(code) => return code,
    };
    run.summary.elapsed = started.elapsed();
    if let Err(e) = render_output(&args, &run, options.mode, color) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!(
                "{}",
                report::escape::message(&format!("error: writing output: {e}"))
            );
        }
        return EXIT_FAILURE;
    }
    if args.show_fixes && options.mode != Mode::Check {
        let list = super::outputs::show_fixes(&run.applied, options.mode == Mode::Diff);
        eprint!("{list}");
    }
    let json_on_stdout = args.format == Format::Json && args.output_file.is_none();
    if !args.quiet && (!json_on_stdout || options.mode == Mode::Diff) {
        print_outcome(&run, options.mode, args.unsafe_fixes);
    }
    let code = match super::outputs::no_files_message(&run, &options) {
        Some(message) => {
            eprintln!("{message}");
            EXIT_NO_FILES
        }
        None => exit_code(&run, options.mode, args.exit_zero),
    };
    // The process ends here: freeing every report, node and path one by one would cost
    // a few percent of a large run for nothing.
    std::mem::forget(run);
    code
}

/// Render the report to stdout, or to `--output-file`.
fn render_output(args: &LintArgs, run: &Run, mode: Mode, color: bool) -> std::io::Result<()> {
    match &args.output_file {
        Some(path) => super::outputs::write_atomically(path, |out| {
            render_run(args, run, mode, (false, false), out)
        })
        .map_err(|e| {
            std::io::Error::new(e.kind(), format!("--output-file {}: {e}", path.display()))
        }),
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            let terminal = std::io::stdout().is_terminal();
            render_run(args, run, mode, (color, terminal), &mut out).and_then(|_| out.flush())
        }
    }
}

/// Render the findings, their statistics or the diffs to `out` (`(color, terminal)`:
/// what `out` is); stdin's fixed text goes to stdout, its findings to `out` when it is
/// a file, else to stderr.
fn render_run(
    args: &LintArgs,
    run: &Run,
    mode: Mode,
    (color, terminal): (bool, bool),
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let style = |color| report::Style {
        color,
        quiet: args.quiet,
    };
    let findings = |color, out: &mut dyn Write| {
        if args.statistics {
            let json = args.format == Format::Json;
            super::outputs::statistics(&run.reports, args.unsafe_fixes, json, out)
        } else {
            report::render(args.format, &run.reports, &run.summary, style(color), out)
        }
    };
    if mode == Mode::Diff {
        report::render_diffs(run.diffs.iter().map(|(_, d)| d.as_str()), terminal, out)
    } else if let Some(fixed) = &run.stdin_output {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(fixed).and_then(|_| stdout.flush())?;
        match args.output_file {
            Some(_) => findings(false, out),
            None => findings(false, &mut std::io::stderr().lock()),
        }
    } else {
        findings(color, out)
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
    use super::{lint_threads, thread_count, MAX_THREADS_PER_CORE};
    use std::path::PathBuf;

    #[test]
    fn threads_asked_for_within_the_cap_are_given() {
        for n in 1..=MAX_THREADS_PER_CORE {
            assert_eq!(thread_count(Some(n)), n);
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(thread_count(None), cores);
        assert_eq!(thread_count(Some(0)), cores);
        assert_eq!(thread_count(Some(usize::MAX)), cores * MAX_THREADS_PER_CORE);
    }

    #[test]
    fn named_files_need_no_more_threads_than_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, "a: 1\n").unwrap();
            path
        };
        let (one, two) = (file("one.yaml"), file("two.yaml"));
        assert_eq!(lint_threads(std::slice::from_ref(&one), None), (1, true));
        assert_eq!(lint_threads(std::slice::from_ref(&one), Some(0)), (1, true));
        assert_eq!(lint_threads(std::slice::from_ref(&one), Some(3)), (1, true));
        let (threads, files_only) = lint_threads(&[one.clone(), two], Some(3));
        assert_eq!((threads, files_only), (2, true));
        // A directory, or stdin, walks with the threads asked for.
        assert_eq!(
            lint_threads(&[dir.path().to_path_buf()], Some(3)),
            (3, false)
        );
        assert_eq!(
            lint_threads(&[one, PathBuf::from("-")], Some(3)),
            (3, false)
        );
    }
}
