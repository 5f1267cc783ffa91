//! Objects by identity: Argo CD's kind, namespace and name.

use crate::graph::{AppKind, Graph, Node, NodeId};
use std::collections::HashMap;

/// Argo CD identifies an object by kind, namespace and name; no namespace written means
/// Argo CD's own (taken to be `argocd`).
/// (Borrowed from the nodes: the graphs are compared without copying a name.)
type Key<'g> = (AppKind, &'g str, &'g str);

fn key(node: &Node) -> Key<'_> {
    let namespace = node.namespace.as_deref().unwrap_or("argocd");
    (node.kind, namespace, &node.name)
}

/// An object's identity in the comparison: its [`Key`], and its file when either side
/// defines that key in more than one file (a repository with one directory per cluster
/// or per cloud, each with its own `registry` Application: each file is another
/// cluster's object), else `""` (the object may move between files).
type Ident<'g> = (Key<'g>, &'g str);

/// Each node of one graph by identity: the first of its identity (a duplicate counts
/// once), and the node of the other graph with it. (Found once per node: the comparison
/// asks again and again.)
pub(super) struct Identities {
    pub first: Vec<bool>,
    pub other: Vec<Option<NodeId>>,
}

/// The keys of a graph defined in more than one file.
fn in_several_files(graph: &Graph) -> HashMap<Key<'_>, bool> {
    let mut files: HashMap<Key<'_>, (&str, bool)> = HashMap::with_capacity(graph.nodes.len());
    for n in &graph.nodes {
        files
            .entry(key(n))
            .and_modify(|(file, several)| *several |= *file != n.file)
            .or_insert((&n.file, false));
    }
    files
        .into_iter()
        .map(|(k, (_, several))| (k, several))
        .collect()
}

impl Identities {
    /// Both sides' identities (one index of each graph).
    pub fn of<'g>(base: &'g Graph, head: &'g Graph) -> (Identities, Identities) {
        // (Bound by memory reads: one graph on each core.)
        let (several_base, several_head) =
            rayon::join(|| in_several_files(base), || in_several_files(head));
        let ident = |n: &'g Node| -> Ident<'g> {
            let k = key(n);
            let several = |m: &HashMap<Key<'g>, bool>| m.get(&k).copied().unwrap_or(false);
            let by_file = several(&several_base) || several(&several_head);
            (k, if by_file { n.file.as_str() } else { "" })
        };
        let index = |graph: &'g Graph| {
            let mut first = vec![false; graph.nodes.len()];
            let mut map: HashMap<Ident<'g>, NodeId> = HashMap::with_capacity(graph.nodes.len());
            for (id, n) in graph.nodes.iter().enumerate() {
                map.entry(ident(n)).or_insert_with(|| {
                    first[id] = true;
                    id
                });
            }
            (map, first)
        };
        let ((in_base, base_first), (in_head, head_first)) =
            rayon::join(|| index(base), || index(head));
        let across =
            |graph: &'g Graph, other: &HashMap<Ident<'g>, NodeId>| -> Vec<Option<NodeId>> {
                graph
                    .nodes
                    .iter()
                    .map(|n| other.get(&ident(n)).copied())
                    .collect()
            };
        let (base_other, head_other) =
            rayon::join(|| across(base, &in_head), || across(head, &in_base));
        let base_side = Identities {
            other: base_other,
            first: base_first,
        };
        let head_side = Identities {
            other: head_other,
            first: head_first,
        };
        (base_side, head_side)
    }
}
