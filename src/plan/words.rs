//! The lines `plan` prints for each consequence.

use super::fate::{deletes, Fate, Why};
use super::model::{AppRef, ChangeKind, Level};
use crate::graph::{AppKind, Cascade, Graph, Node, NodeId};

/// Changes of deletion behaviour between two versions of one object.
pub(super) fn policy_changes(
    old: &Node,
    new: &Node,
    what: &str,
    push: &mut dyn FnMut(Level, ChangeKind, String),
) {
    let set = new.kind == AppKind::ApplicationSet;
    match (old.cascade, new.cascade) {
        (Cascade::Yes, Cascade::No | Cascade::Unknown) => push(
            Level::Change,
            ChangeKind::CascadeRemoved,
            match set {
                true => format!("{what}: the Applications it generates no longer cascade: deleting one leaves its resources running"),
                false => format!("cascade finalizer removed from {what}: deleting it now leaves its resources running, unmanaged"),
            },
        ),
        (Cascade::No | Cascade::Unknown, Cascade::Yes) => push(
            Level::Change,
            ChangeKind::CascadeAdded,
            match set {
                true => format!("{what}: the Applications it generates now cascade: deleting one deletes its resources"),
                false => format!("cascade finalizer added to {what}: deleting it now deletes every resource it manages"),
            },
        ),
        _ => {}
    }
    match (old.prune, new.prune) {
        (false, true) => push(Level::Change, ChangeKind::PruneOn, format!("prune turned on for {what}: what leaves its source (or is in the cluster but not in Git) is deleted at the next sync")),
        (true, false) => push(Level::Change, ChangeKind::PruneOff, format!("prune turned off for {what}: what leaves its source now stays running")),
        _ => {}
    }
    match (old.keeps_on_prune, new.keeps_on_prune) {
        (false, true) => push(Level::Info, ChangeKind::KeepOnPruneAdded, format!("`Prune=false` added to {what}: a parent's prune now keeps it")),
        (true, false) => push(Level::Change, ChangeKind::KeepOnPruneRemoved, format!("`Prune=false` removed from {what}: a parent that prunes now deletes it when its manifest leaves Git")),
        _ => {}
    }
    match (old.keeps_on_delete, new.keeps_on_delete) {
        (false, true) => push(
            Level::Info,
            ChangeKind::KeepOnDeleteAdded,
            format!("`Delete=false` added to {what}: deleting its parent now keeps it"),
        ),
        (true, false) => push(
            Level::Change,
            ChangeKind::KeepOnDeleteRemoved,
            format!("`Delete=false` removed from {what}: deleting its parent now deletes it"),
        ),
        _ => {}
    }
}

pub(super) fn stays(base: &Graph, what: &str, why: &Why) -> String {
    let name = |id: &NodeId| format!("`{}`", base.nodes[*id].name);
    let reason = match why {
        Why::NoPrune(parents) => {
            let names: Vec<String> = parents.iter().map(name).collect();
            format!("{} does not prune", names.join(", "))
        }
        Why::KeepsOnPrune => "it has `Prune=false`".to_string(),
        Why::AppSetKeeps(set) => format!(
            "ApplicationSet {} keeps what it no longer generates (applicationsSync)",
            name(set)
        ),
        Why::NoParent => "no parent in the repository syncs it".to_string(),
        Why::SetStays(set) => format!(
            "ApplicationSet {}, which generates it, is not deleted either",
            name(set)
        ),
    };
    format!("{what} stays running in the cluster: nothing deletes it ({reason})")
}

/// ", among them N Applications below it: K delete their resources, M leave theirs
/// running" (one: named, with what it does).
pub(super) fn subtree_words(below: &[(AppRef, bool)]) -> String {
    match below {
        [] => String::new(),
        [(app, cascades)] => {
            let does = match cascades {
                true => "deletes its resources",
                false => "leaves its resources running",
            };
            format!(
                ", among them Application `{}` below it, which {does}",
                app.name
            )
        }
        _ => {
            let cascading = below.iter().filter(|(_, c)| *c).count();
            format!(
                ", among them {} Applications below it: {cascading} delete their resources, {} leave theirs running",
                below.len(),
                below.len() - cascading
            )
        }
    }
}

/// The line of a rename. `below`: the Applications deleted with the old one;
/// `recreated`: how many of them the new one syncs again.
pub(super) fn renamed(
    (old, new): (&Node, &Node),
    fate: &Fate,
    removal: String,
    below: &[(AppRef, bool)],
    recreated: usize,
) -> String {
    let (from, to) = (&old.name, &new.name);
    let subtree = subtree_words(below);
    let again = match (below, recreated) {
        (_, 0) => String::new(),
        ([(app, _)], 1) => format!("; `{to}` creates `{}` again", app.name),
        (all, r) if all.len() == r => {
            format!("; `{to}` creates the {r} Applications below it again")
        }
        (_, r) => format!("; `{to}` creates {r} of the Applications below it again"),
    };
    match fate {
        _ if deletes(fate) && old.cascade == Cascade::Yes => format!(
            "renamed `{from}` to `{to}`: deletes `{from}` and every resource it manages{subtree}, then creates `{to}` (its workloads are deleted and created again{again})"
        ),
        _ if deletes(fate) => format!(
            "renamed `{from}` to `{to}`: deletes `{from}` without its resources (no cascade finalizer), then creates `{to}`, which takes them over"
        ),
        _ => format!("renamed `{from}` to `{to}`: {removal}; `{to}` is created beside it and both manage the same resources"),
    }
}

/// A name written as a template (Helm's, Jinja's `{{ … }}`): the objects it renders, and
/// their names, cannot be told from the repository.
pub(super) fn templated(name: &str) -> bool {
    name.contains("{{")
}

/// The line of an object added.
pub(super) fn added(node: &Node) -> String {
    let (kind, name) = (node.kind.name(), &node.name);
    match templated(name) {
        true => format!(
            "adds a templated {kind} `{name}`: which objects it renders, and their names, cannot be told from the repository"
        ),
        false => format!("creates {kind} `{name}`"),
    }
}

/// What follows the line of a removal when a templated object of its kind sits in its
/// directory on the head side (a chart's templates): it may render it again.
pub(super) fn maybe_rendered(kind: AppKind, file: &str) -> String {
    format!(
        "; the templated {} in `{file}` may render it again (its names cannot be told from the repository)",
        kind.name()
    )
}
