//! `graph`: the app-of-apps graph of the linted repository (which parent prunes which
//! child Application, what deleting each one deletes), from the same pipeline as `lint`.

use super::{use_color, ColorChoice, EXIT_FAILURE, EXIT_OK};
use crate::report::graph::{findings_of_files, lines_of, render, GraphFormat, View};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Files or directories of the repository (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format (docs/graph.md).
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// When to use colour (text format).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub repo: super::repo_args::RepoArgs,
}

/// Runs the pipeline and prints the graph; exit 0, 2 when something failed (a path that
/// does not exist, a file that could not be read, a bad configuration), 3 when no file was
/// found. Findings do not change the exit code:
/// `lint` is the check.
pub(super) fn run_graph(args: GraphArgs) -> i32 {
    let threads = super::lint::thread_count(args.repo.threads);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: `graph` reads a repository, not stdin (`-`)");
        return EXIT_FAILURE;
    }
    let options = args.repo.options(&args.paths, threads, true);
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
    if !super::outputs::to_stdout(|out| render(&view, args.format, out)) {
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
