//! `plan --base REV`: what a change deletes. The app graph of the base commit (read from
//! the object store, [`git`]) and of the head (the working tree, or `--head REV`) are
//! compared by Application identity (kind, namespace, name), and every difference gets its
//! consequence in the cluster ([`diff`]): who deletes what, and whether resources go with it.

pub mod diff;
pub mod git;
mod words;

use crate::graph::{AppKind, Graph, Node};
use crate::session::{self, Options, SessionError};
use std::path::Path;

/// How bad a change is, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Level {
    /// Nothing is deleted (an Application created, one left running).
    Info,
    /// What a deletion does changes (a finalizer, `prune`, a sync option), or an object
    /// stays running that Git no longer holds.
    Change,
    /// An Application is deleted and its resources are left running, unmanaged.
    Orphan,
    /// Resources are deleted.
    Delete,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Change => "change",
            Level::Orphan => "orphan",
            Level::Delete => "delete",
        }
    }
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Removed,
    Added,
    Renamed,
    /// Still in Git, but a parent that prunes no longer syncs it.
    LeftParent,
    CascadeRemoved,
    CascadeAdded,
    PruneOn,
    PruneOff,
    KeepOnPruneAdded,
    KeepOnPruneRemoved,
    KeepOnDeleteAdded,
    KeepOnDeleteRemoved,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Removed => "removed",
            ChangeKind::Added => "added",
            ChangeKind::Renamed => "renamed",
            ChangeKind::LeftParent => "left-parent",
            ChangeKind::CascadeRemoved => "cascade-removed",
            ChangeKind::CascadeAdded => "cascade-added",
            ChangeKind::PruneOn => "prune-on",
            ChangeKind::PruneOff => "prune-off",
            ChangeKind::KeepOnPruneAdded => "prune-false-added",
            ChangeKind::KeepOnPruneRemoved => "prune-false-removed",
            ChangeKind::KeepOnDeleteAdded => "delete-false-added",
            ChangeKind::KeepOnDeleteRemoved => "delete-false-removed",
        }
    }
}

/// An Application or ApplicationSet on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRef {
    pub kind: AppKind,
    /// As written (`None`: Argo CD's namespace).
    pub namespace: Option<String>,
    pub name: String,
    /// Repo-relative.
    pub file: String,
    /// 1-based line of its name (0 when not known).
    pub line: usize,
}

impl AppRef {
    pub fn of(node: &Node) -> AppRef {
        AppRef {
            kind: node.kind,
            namespace: node.namespace.clone(),
            name: node.name.clone(),
            file: node.file.clone(),
            line: node.name_place.as_ref().map_or(0, |p| p.line),
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            AppKind::Application => "Application",
            AppKind::ApplicationSet => "ApplicationSet",
        }
    }
}

/// One consequence of the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub level: Level,
    pub kind: ChangeKind,
    /// The object (on the head side; on the base side when it is gone).
    pub app: AppRef,
    /// For a rename: the object before.
    pub previous: Option<AppRef>,
    /// What happens, in one line.
    pub message: String,
    /// The Applications deleted with it (its subtree), each with whether its own
    /// resources go (`true`) or stay.
    pub deleted_below: Vec<(AppRef, bool)>,
    /// The file is gone on the head side (annotations then point at the base side).
    pub base_side: bool,
}

/// The plan: every change, most severe first.
#[derive(Debug, Default)]
pub struct Plan {
    /// The base commit (full hex) and how it was named.
    pub base: (String, String),
    /// The head commit and its name; `None`: the working tree.
    pub head: Option<(String, String)>,
    pub changes: Vec<Change>,
    /// Files of either side that could not be read (`side: path: why`).
    pub errors: Vec<String>,
    /// Where the graph's root is in the Git work tree (`""`: its top), `/`-separated: the
    /// objects' files are relative to the root, annotations name them from the top.
    pub prefix: String,
}

impl Plan {
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }

    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }
}

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
