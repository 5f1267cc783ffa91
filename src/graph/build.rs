//! Building the [`Graph`]: a parent's sources of this repository resolve to files, and
//! the Applications defined in those files are its children. (The nodes are read out of
//! parsed documents by [`super::read`].)

use super::model::{Edge, Graph, Match, Node, Unresolved, UnresolvedReason};
use super::repo::{is_this_repo, UrlMatch};
use super::resolve::{resolve, Tree};

pub use super::read::{
    has_prune_false, installs_argocd, is_argocd_manifests, node_of, nodes_of, place_names, prunes,
};
pub use super::repo::Repo;

/// Builds the graph of `nodes` over `tree`.
///
/// A source counts as this repository when its `repoURL` is a remote or configured
/// repository, or is a placeholder whose path exists in the tree
/// ([`Match::PlaceholderPathExists`]). A source of this repository whose path is missing
/// is [`UnresolvedReason::PathMissing`] (unless the path itself is templated or holds a
/// placeholder token); a
/// placeholder source whose path is missing is taken as another repository, silently.
pub fn build(mut nodes: Vec<Node>, tree: &Tree, repo: &Repo) -> Graph {
    let mut edges = super::appset_expand::expand(&mut nodes, tree, repo);
    let generators: std::collections::HashSet<usize> = edges.iter().map(|e| e.parent).collect();
    // The nodes defined in each file: ids sorted by file (the pipeline gives nodes in file
    // order already: sorting them again is linear), looked up by binary search.
    let mut by_file: Vec<usize> = (0..nodes.len())
        .filter(|&id| nodes[id].generated.is_none())
        .collect();
    if !by_file.is_sorted_by(|&a, &b| nodes[a].file <= nodes[b].file) {
        by_file.sort_by(|&a, &b| nodes[a].file.cmp(&nodes[b].file));
    }
    let by_file = ByFile {
        nodes: &nodes,
        ids: by_file,
    };
    // Each parent's sources resolve independently: in parallel, kept in node order.
    use rayon::prelude::*;
    let per_node: Vec<(Vec<Edge>, Vec<Unresolved>)> = nodes
        .par_iter()
        .enumerate()
        .map_init(
            || LastUrl(None),
            |last, (parent, node)| {
                // an ApplicationSet that generated nodes syncs nothing itself: they do
                if generators.contains(&parent) {
                    return Default::default();
                }
                edges_of(parent, node, tree, repo, &by_file, last)
            },
        )
        .collect();
    let mut unresolved = Vec::new();
    for (e, u) in per_node {
        edges.extend(e);
        unresolved.extend(u);
    }
    Graph::new(nodes, edges, unresolved)
}

/// The last `repoURL` told apart on a thread, and how it relates to this repository:
/// consecutive Applications mostly share theirs.
struct LastUrl<'n>(Option<(&'n str, UrlMatch)>);

impl<'n> LastUrl<'n> {
    fn of(&mut self, url: &'n str, repo: &Repo) -> UrlMatch {
        match self.0 {
            Some((last, m)) if last == url => m,
            _ => {
                let m = is_this_repo(url, repo.remotes, repo.configured);
                self.0 = Some((url, m));
                m
            }
        }
    }
}

/// Node ids sorted by the file defining them.
struct ByFile<'n> {
    nodes: &'n [Node],
    ids: Vec<usize>,
}

impl ByFile<'_> {
    /// The ids of the nodes defined in `file`.
    fn defined_in(&self, file: &str) -> &[usize] {
        let at = self
            .ids
            .partition_point(|&id| self.nodes[id].file.as_str() < file);
        let len = self.ids[at..]
            .iter()
            .take_while(|&&id| self.nodes[id].file == file)
            .count();
        &self.ids[at..at + len]
    }
}

/// The edges from `parent`'s sources of this repository to the nodes of the files they
/// sync, and its sources that resolve to nothing.
fn edges_of<'n>(
    parent: usize,
    node: &'n Node,
    tree: &Tree,
    repo: &Repo,
    by_file: &ByFile,
    last: &mut LastUrl<'n>,
) -> (Vec<Edge>, Vec<Unresolved>) {
    let (mut edges, mut unresolved) = (Vec::new(), Vec::new());
    for (index, src) in node.sources.iter().enumerate() {
        let url = last.of(&src.repo_url, repo);
        let Some(via) = Match::from_url(url) else {
            continue;
        };
        let resolved = resolve(src, tree);
        if resolved.missing {
            // `{{path}}`, or a token not replaced yet (Kubefirst's workload templates:
            // `registry/clusters/<WORKLOAD_CLUSTER_NAME>`): nothing to resolve
            let templated = src
                .path
                .as_deref()
                .is_some_and(|p| p.contains("{{") || super::repo::is_placeholder(p));
            let guessed = matches!(url, UrlMatch::Placeholder | UrlMatch::Unknown);
            if !guessed && src.path.is_some() && !templated {
                let reason = UnresolvedReason::PathMissing;
                unresolved.push(Unresolved {
                    node: parent,
                    source: index,
                    reason,
                });
            }
            continue;
        }
        for dir in resolved.cycles {
            let reason = UnresolvedReason::KustomizeCycle(dir);
            unresolved.push(Unresolved {
                node: parent,
                source: index,
                reason,
            });
        }
        for file in &resolved.files {
            for &child in by_file.defined_in(file) {
                edges.push(Edge {
                    parent,
                    child,
                    source: index,
                    via,
                });
            }
        }
    }
    (edges, unresolved)
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
