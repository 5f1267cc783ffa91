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

/// Each node of one graph by identity: the first of its identity (a duplicate counts
/// once), and the node of the other graph with it. (Found once per node: the comparison
/// asks again and again.)
pub(super) struct Identities {
    pub first: Vec<bool>,
    pub other: Vec<Option<NodeId>>,
}

impl Identities {
    /// Both sides' identities (one index of each graph).
    pub fn of<'g>(base: &'g Graph, head: &'g Graph) -> (Identities, Identities) {
        let index = |graph: &'g Graph| {
            let mut first = vec![false; graph.nodes.len()];
            let mut map: HashMap<Key<'g>, NodeId> = HashMap::with_capacity(graph.nodes.len());
            for (id, n) in graph.nodes.iter().enumerate() {
                map.entry(key(n)).or_insert_with(|| {
                    first[id] = true;
                    id
                });
            }
            (map, first)
        };
        // (Bound by memory reads: one graph on each core.)
        let ((in_base, base_first), (in_head, head_first)) =
            rayon::join(|| index(base), || index(head));
        let across = |graph: &'g Graph, other: &HashMap<Key<'g>, NodeId>| -> Vec<Option<NodeId>> {
            graph
                .nodes
                .iter()
                .map(|n| other.get(&key(n)).copied())
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
