//! The tree layout of the text format: the lines from each root, each node expanded
//! once over the whole output.

use crate::graph::model::{Edge, Graph, NodeId, Step};

/// How a line of the tree shows its node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// First time shown: its details and children follow.
    Expanded,
    /// Expanded earlier (a diamond, or under an earlier root): "(shown above)".
    ShownAbove,
    /// An ancestor on the current path: a cycle, not followed.
    Cycle,
}

/// One line of the tree.
#[derive(Debug, Clone, Copy)]
pub struct Row<'g> {
    pub depth: usize,
    pub node: NodeId,
    pub edge: Option<&'g Edge>,
    pub mark: Mark,
}

/// The tree lines from each root, then from a node of each cycle not reachable from a
/// root (so every node appears). A node is expanded once over the whole output.
pub fn rows(graph: &Graph) -> Vec<Vec<Row<'_>>> {
    let mut expanded = vec![false; graph.nodes.len()];
    let mut trees = Vec::new();
    let cycle_starts: Vec<NodeId> = graph
        .cycles()
        .iter()
        .filter_map(|c| c.first().copied())
        .collect();
    let starts = graph
        .roots()
        .into_iter()
        .chain(cycle_starts)
        .chain(0..graph.nodes.len());
    for start in starts {
        if start < expanded.len() && !expanded[start] {
            trees.push(tree_from(graph, start, &mut expanded));
        }
    }
    trees
}

fn tree_from<'g>(graph: &'g Graph, root: NodeId, expanded: &mut [bool]) -> Vec<Row<'g>> {
    let mut rows = Vec::new();
    // Depth below which visits are skipped: the subtree of a node shown above.
    let mut skip_below: Option<usize> = None;
    graph.walk(root, &mut |v| {
        if let Some(d) = skip_below {
            if v.depth > d {
                return;
            }
            skip_below = None;
        }
        let mark = match v.step {
            Step::Cycle => Mark::Cycle,
            Step::Seen => Mark::ShownAbove,
            Step::Enter if expanded[v.node] => {
                skip_below = Some(v.depth);
                Mark::ShownAbove
            }
            Step::Enter => {
                expanded[v.node] = true;
                Mark::Expanded
            }
        };
        rows.push(Row {
            depth: v.depth,
            node: v.node,
            edge: v.edge,
            mark,
        });
    });
    rows
}
