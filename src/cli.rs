//! Command line: `lint`, `graph`, `plan`, `rules`, `explain`.

mod graph;
mod lint;
mod outputs;
mod plan;
mod repo_args;

use crate::report::{self, Format};
pub use crate::session::display_path;
use crate::{config, rules};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// The version `--version` prints: the package version, and the commit and its date
/// when built from a Git checkout (see `build.rs`).
pub const VERSION: &str = env!("GITOPS_LINT_LONG_VERSION");

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;
/// No file to lint was found under the directories given (zizmor's "no inputs collected").
pub const EXIT_NO_FILES: i32 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "gitops-lint",
    version = VERSION,
    about = "Find Argo CD Applications whose deletion would orphan their resources",
    long_about = "Find Argo CD Applications and ApplicationSets whose deletion would orphan the \
                  resources they manage (no cascade finalizer), with diagnostics that point at \
                  the exact bytes.\n\nExit status: 0 no error-severity problem, 1 problems \
                  found, 2 usage, configuration or I/O failure (a path that does not exist \
                  included), 3 no YAML or JSON file found under the directories given."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    #[command(visible_alias = "check")]
    Lint(LintArgs),
    /// Show the app-of-apps graph: which parent Application syncs (and prunes) which
    /// child, and what deleting each one deletes (text, json, mermaid, dot).
    Graph(graph::GraphArgs),
    /// What a change deletes: compare the app graph of a base commit (`--base REV`) with
    /// the working tree's (or `--head REV`'s), most severe consequence first.
    Plan(plan::PlanArgs),
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
    /// Colour when stdout is a terminal or `FORCE_COLOR` is set, unless `NO_COLOR` is.
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
    /// Enable only these rules (comma-separated ids, `ALL` for every rule), replacing
    /// the configuration's choice; `syntax-error` stays on unless ignored.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Enable these rules too, also those the configuration turns `off`.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Disable these rules (wins over --select and --extend-select).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print the number of findings per rule (`[*]`: fixable) instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Write the report to this file (atomically) instead of stdout; the summary stays
    /// on stderr.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// After --fix (or --diff), list the fixes per file and rule on stderr.
    #[arg(long)]
    pub show_fixes: bool,
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
        Command::Lint(args) => lint::run_lint(args),
        Command::Graph(args) => graph::run_graph(args),
        Command::Plan(args) => plan::run_plan(args),
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
            let hint = crate::rule_data::nearest_rule(rule)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            eprintln!(
                "{}",
                report::escape::message(&format!(
                    "error: unknown rule `{rule}`{hint}; known rules: {}",
                    known.join(", ")
                ))
            );
            EXIT_FAILURE
        }
    }
}

/// The most bytes the problems of a configuration file take on stderr, past the first:
/// a file of 10,000 unknown keys is not 10,000 snippets.
const CONFIG_REPORT_BUDGET: usize = 3500;

/// A configuration file's problems, in its order, as many as fit in
/// [`CONFIG_REPORT_BUDGET`] (the first always), then how many more there are.
fn config_report(err: &config::ConfigError, color: bool) -> String {
    let mut out = report::render_error(err, color);
    let mut left = err.left_out;
    for (i, more) in err.more.iter().enumerate() {
        let next = report::render_error(more, color);
        if out.len() + next.len() > CONFIG_REPORT_BUDGET {
            left += err.more.len() - i;
            break;
        }
        out.push_str(&next);
    }
    if left > 0 {
        let s = if left == 1 { "" } else { "s" };
        out.push_str(&format!("… and {left} more problem{s} in this file\n"));
    }
    out
}

/// Run the pipeline and print its messages on stderr; on failure, print why and give
/// the exit code (`color`: the colour choice for a configuration error's report).
fn run_session(
    options: &crate::session::Options,
    color: ColorChoice,
) -> Result<crate::session::Run, i32> {
    use crate::session::SessionError;
    use std::io::IsTerminal;
    let run = match crate::session::run(options) {
        Ok(run) => run,
        Err(SessionError::Config(err)) => {
            let color = use_color(color, std::io::stderr().is_terminal());
            eprint!("{}", config_report(&err, color));
            return Err(EXIT_FAILURE);
        }
        Err(SessionError::Message(message)) => {
            eprintln!("{}", report::escape::message(&message));
            return Err(EXIT_FAILURE);
        }
    };
    for message in &run.messages {
        eprintln!("{}", report::escape::message(message));
    }
    Ok(run)
}

/// Whether to colour a stream that `is_terminal` (or not): `auto` colours a terminal
/// unless `NO_COLOR` is set (no-color.org), and any stream when `FORCE_COLOR` is
/// (force-color.org); both non-empty to count, `NO_COLOR` winning over `FORCE_COLOR`,
/// and `--color always|never` over both.
fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto => set("FORCE_COLOR") || is_terminal,
    }
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
