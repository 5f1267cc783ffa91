//! What happens to an object of the base side in the cluster.

use crate::graph::NodeId;

/// What happens to a base object in the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fate {
    /// A parent that prunes deletes it (its manifest left the parent's source).
    Pruned(NodeId),
    /// Its ApplicationSet no longer generates it.
    Ungenerated(NodeId),
    /// A deleted parent's cascade deletes it (it is one of the parent's resources).
    WithParent,
    /// Nothing deletes it: it stays running.
    Stays(Why),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Why {
    /// Its parents do not prune (named), or it opts out (`Prune=false`).
    NoPrune(Vec<NodeId>),
    KeepsOnPrune,
    /// Its ApplicationSet keeps Applications it no longer generates.
    AppSetKeeps(NodeId),
    /// No parent in the repository syncs it (a root, applied by hand).
    NoParent,
}

pub(super) fn deletes(fate: &Fate) -> bool {
    !matches!(fate, Fate::Stays(_))
}
