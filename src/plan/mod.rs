//! `plan --base REV`: what a change deletes. The app graph of the base commit (read from
//! the object store, [`git`]) and of the head (the working tree, or `--head REV`) are
//! compared by Application identity (kind, namespace, name), and every difference gets its
//! consequence in the cluster ([`diff`]): who deletes what, and whether resources go with it.

pub mod diff;
mod fate;
pub mod git;
mod identity;
mod model;
mod words;

pub use model::{AppRef, Change, ChangeKind, Level, Plan};

use crate::graph::Graph;
use crate::session::{self, Known, Options, SessionError, TreeRead};
use std::path::Path;

/// What to compare.
pub struct PlanOptions {
    /// The session options of the head side (its `paths`: the repository directory and
    /// what to read of it).
    pub session: Options,
    pub base: String,
    /// `None`: the working tree.
    pub head: Option<String>,
}

/// Why no plan could be made.
#[derive(Debug)]
pub enum PlanError {
    Session(SessionError),
    Git(String),
}

/// Build both graphs and compare them. The head side is built first and notes each
/// file's blob id: the base side reads only the files whose blob differs, and takes what
/// the head's walk took of the others.
pub fn plan(options: &PlanOptions) -> Result<Plan, PlanError> {
    let session_options = &options.session;
    let prepared = session::prepare(session_options).map_err(PlanError::Session)?;
    let root = prepared.root();
    let repo = git::discover(root).map_err(|e| PlanError::Git(e.0))?;
    let only = only_paths(session_options, root);
    let base_tree = git::GitTree::open(&repo, root, &options.base)
        .map_err(|e| PlanError::Git(format!("--base: {e}")))?;
    let mut errors = Vec::new();
    let (head_graph, known, head) = match &options.head {
        Some(rev) => {
            let tree = git::GitTree::open(&repo, root, rev)
                .map_err(|e| PlanError::Git(format!("--head: {e}")))?;
            let read = TreeRead {
                only: &only,
                known: None,
                know_files: true,
            };
            let head = session::graph_of_tree(session_options, &prepared, &tree, &read)
                .map_err(PlanError::Session)?;
            errors.extend(head.errors.iter().map(|e| format!("head: {e}")));
            let commit = Some((tree.commit.clone(), rev.clone()));
            (head.graph, head.known, commit)
        }
        None => {
            let (graph, known) = working_tree_graph(session_options, &prepared, &mut errors)?;
            (graph, known, None)
        }
    };
    let read = TreeRead {
        only: &only,
        known: known.as_ref(),
        know_files: false,
    };
    let base = session::graph_of_tree(session_options, &prepared, &base_tree, &read)
        .map_err(PlanError::Session)?;
    drop(known);
    let base_errors = base.errors.iter().map(|e| format!("base: {e}"));
    errors.splice(0..0, base_errors);
    Ok(Plan {
        base: (base_tree.commit.clone(), options.base.clone()),
        head,
        changes: diff::changes(&base.graph, &head_graph),
        errors,
        prefix: base_tree.prefix.clone(),
    })
}

/// The graph of the working tree (the lint pipeline, graph kept), and its files by blob
/// id.
fn working_tree_graph(
    options: &Options,
    prepared: &session::Prepared,
    errors: &mut Vec<String>,
) -> Result<(Graph, Option<Known>), PlanError> {
    let mut options = options.clone();
    options.keep_graph = true;
    options.know_files = true;
    let run = session::run_with(&options, Some(prepared)).map_err(PlanError::Session)?;
    errors.extend(run.messages.iter().map(|m| format!("head: {m}")));
    if run.failed && run.messages.is_empty() {
        errors.push("head: the working tree could not be read".to_string());
    }
    Ok((run.analysis.graph, run.known))
}

/// The path arguments as repo-relative paths (none, or the root itself: everything).
fn only_paths(options: &Options, root: &Path) -> Vec<String> {
    let cwd = options.cwd.clone().unwrap_or_default();
    options
        .paths
        .iter()
        .filter_map(|p| session::repo_relative(p, root, Some(&cwd)))
        .filter(|p| !p.is_empty() && p != ".")
        .collect()
}
