//! `graph`: the app-of-apps graph of the linted repository (which parent prunes which
//! child Application, what deleting each one deletes), from the same pipeline as `lint`.

use super::{use_color, ColorChoice, EXIT_FAILURE, EXIT_OK};
use crate::report::graph::{findings_of_files, lines_of, render, GraphFormat, View};
use crate::report::{self};
use crate::session::{ConfigChoice, Mode, Options};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Files or directories of the repository (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format (docs/graph.md).
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// Exclude paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Do not honour .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,
    /// When to use colour (text format).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Number of threads (default, and with 0: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Files larger than this are not read (an error, exit 2).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = crate::read::parse_size)]
    pub max_file_size: u64,
    /// Use this configuration file instead of looking for `.gitops-lint.yaml`.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

fn options(args: &GraphArgs, threads: usize) -> Options {
    let config = match &args.config {
        _ if args.isolated => ConfigChoice::Isolated,
        Some(p) => ConfigChoice::Path(p.clone()),
        None => ConfigChoice::Discover,
    };
    Options {
        paths: args.paths.clone(),
        config,
        exclude: args.exclude.clone(),
        no_ignore: args.no_ignore,
        force_exclude: false,
        threads,
        max_file_size: args.max_file_size,
        mode: Mode::Check,
        unsafe_fixes: false,
        stdin: None,
        cwd: std::env::current_dir().ok(),
        keep_node_texts: true,
        keep_graph: true,
        rules: Default::default(),
    }
}

/// Runs the pipeline and prints the graph; exit 0, 2 when something failed (a path that
/// does not exist, a file that could not be read, a bad configuration), 3 when no file was
/// found. Findings do not change the exit code:
/// `lint` is the check.
pub(super) fn run_graph(args: GraphArgs) -> i32 {
    let threads = super::lint::thread_count(args.threads);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: `graph` reads a repository, not stdin (`-`)");
        return EXIT_FAILURE;
    }
    let options = options(&args, threads);
    let run = match super::run_session(&options, args.color) {
        Ok(run) => run,
        Err(code) => return code,
    };
    let read = run.summary.files_scanned + run.summary.files_skipped;
    if run.failed && read == 0 {
        // Nothing was read (every path missing, or unreadable): no graph to draw.
        return EXIT_FAILURE;
    }
    let graph = &run.analysis.graph;
    let files: Vec<(&str, &[crate::diagnostic::Diagnostic])> = run
        .reports
        .iter()
        .filter_map(|r| Some((run.repo_path(r)?, r.diagnostics.as_slice())))
        .collect();
    let view = View {
        graph,
        findings: findings_of_files(graph, files),
        lines: lines_of(graph, |file| run.node_texts.get(file).map(|t| &**t)),
        color: args.format == GraphFormat::Text
            && use_color(args.color, std::io::stdout().is_terminal()),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    if let Err(e) = render(&view, args.format, &mut out).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!(
                "{}",
                report::escape::message(&format!("error: writing output: {e}"))
            );
        }
        return EXIT_FAILURE;
    }
    if run.failed {
        EXIT_FAILURE
    } else if let Some(message) = super::outputs::no_files_message(&run, &options) {
        eprintln!("{message}");
        super::EXIT_NO_FILES
    } else {
        EXIT_OK
    }
}
