//! `plan --base REV`: what a change deletes. The app graph of the base commit (read from
//! the object store, [`git`]) and of the head (the working tree, or `--head REV`) are
//! compared by Application identity (kind, namespace, name), and every difference gets its
//! consequence in the cluster ([`diff`]): who deletes what, and whether resources go with it.

pub mod diff;
mod fate;
pub mod git;
mod model;
mod words;

pub use model::{AppRef, Change, ChangeKind, Level, Plan};

use crate::graph::Graph;
use crate::session::{self, Options, SessionError};
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

/// Build both graphs and compare them.
pub fn plan(options: &PlanOptions) -> Result<Plan, PlanError> {
    let session_options = &options.session;
    let root = session::root_for(session_options).map_err(PlanError::Session)?;
    let repo = git::discover(&root).map_err(|e| PlanError::Git(e.0))?;
    let only = only_paths(session_options, &root);
    let base_tree = git::GitTree::open(&repo, &root, &options.base)
        .map_err(|e| PlanError::Git(format!("--base: {e}")))?;
    let base = session::graph_of_tree(session_options, &root, &only, &base_tree)
        .map_err(PlanError::Session)?;
    let mut errors: Vec<String> = base.errors.iter().map(|e| format!("base: {e}")).collect();
    let (head_graph, head) = match &options.head {
        Some(rev) => {
            let tree = git::GitTree::open(&repo, &root, rev)
                .map_err(|e| PlanError::Git(format!("--head: {e}")))?;
            let head = session::graph_of_tree(session_options, &root, &only, &tree)
                .map_err(PlanError::Session)?;
            errors.extend(head.errors.iter().map(|e| format!("head: {e}")));
            (head.graph, Some((tree.commit.clone(), rev.clone())))
        }
        None => (working_tree_graph(session_options, &mut errors)?, None),
    };
    Ok(Plan {
        base: (base_tree.commit.clone(), options.base.clone()),
        head,
        changes: diff::changes(&base.graph, &head_graph),
        errors,
        prefix: base_tree.prefix.clone(),
    })
}

/// The graph of the working tree (the lint pipeline, graph kept).
fn working_tree_graph(options: &Options, errors: &mut Vec<String>) -> Result<Graph, PlanError> {
    let mut options = options.clone();
    options.keep_graph = true;
    let run = session::run(&options).map_err(PlanError::Session)?;
    errors.extend(run.messages.iter().map(|m| format!("head: {m}")));
    if run.failed && run.messages.is_empty() {
        errors.push("head: the working tree could not be read".to_string());
    }
    Ok(run.analysis.graph)
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
