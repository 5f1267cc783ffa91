//! `plan --base REV`: what the change from `REV` to the working tree (or `--head REV`)
//! deletes in the cluster, most severe first.

use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use crate::plan::{self, Level, PlanError, PlanOptions};
use crate::report::plan::{render, PlanFormat};
use crate::report::{self};
use std::path::PathBuf;

/// The least level that makes `plan` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Info,
    Change,
    Orphan,
    Delete,
    Never,
}

impl FailOn {
    fn level(self) -> Option<Level> {
        match self {
            FailOn::Info => Some(Level::Info),
            FailOn::Change => Some(Level::Change),
            FailOn::Orphan => Some(Level::Orphan),
            FailOn::Delete => Some(Level::Delete),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The repository directory, or the parts of it to compare (default: the current
    /// directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The commit to compare with: a branch, tag, SHA or expression (`origin/main`,
    /// `HEAD~1`), read from the object store (nothing is checked out).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// Compare with this commit instead of the working tree.
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Output format (docs/plan.md).
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Exit 1 when a change is at least this severe (`delete`: resources deleted;
    /// `orphan`: an Application deleted, its resources left running; `change`: what a
    /// deletion does changes; `info`: anything; `never`).
    #[arg(long, value_enum, default_value_t = FailOn::Orphan)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub repo: super::repo_args::RepoArgs,
}

fn options(args: &PlanArgs, threads: usize) -> PlanOptions {
    PlanOptions {
        session: args.repo.options(&args.paths, threads, false),
        base: args.base.clone(),
        head: args.head.clone(),
    }
}

/// Exit 0 when no change reaches `--fail-on`, 1 when one does, 2 when no plan could be
/// made or a file of either side could not be read.
pub(super) fn run_plan(args: PlanArgs) -> i32 {
    let threads = super::lint::thread_count(args.repo.threads);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: `plan` reads a repository, not stdin (`-`)");
        return EXIT_FAILURE;
    }
    // Every missing path is named (as `lint` names them); no plan is made with one.
    let (_, missing) = crate::session::existing_paths(args.paths.clone());
    if !missing.is_empty() {
        for message in &missing {
            eprintln!("{}", report::escape::message(message));
        }
        return EXIT_FAILURE;
    }
    let plan = match plan::plan(&options(&args, threads)) {
        Ok(plan) => plan,
        Err(PlanError::Session(crate::session::SessionError::Message(m)))
        | Err(PlanError::Git(m)) => {
            let m = if m.starts_with("error: ") {
                m
            } else {
                format!("error: {m}")
            };
            eprintln!("{}", report::escape::message(&m));
            return EXIT_FAILURE;
        }
        Err(PlanError::Session(crate::session::SessionError::Config(err))) => {
            eprint!("{}", super::config_report(&err, false));
            return EXIT_FAILURE;
        }
    };
    for error in &plan.errors {
        eprintln!("{}", report::escape::message(&format!("error: {error}")));
    }
    if !super::outputs::to_stdout(|out| render(&plan, args.format, out)) {
        return EXIT_FAILURE;
    }
    let failing = args
        .fail_on
        .level()
        .is_some_and(|at| plan.worst().is_some_and(|w| w >= at));
    match () {
        _ if !plan.errors.is_empty() => EXIT_FAILURE,
        _ if failing => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
