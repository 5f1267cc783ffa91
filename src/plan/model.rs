//! What `plan` finds: each change with its consequence, and the plan of them all.

use crate::graph::{AppKind, Node};

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
        self.kind.name()
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
