//! The graph of Argo CD Applications: nodes, edges parent → child, lookups and a
//! cycle-safe traversal.

use super::repo::UrlMatch;
use super::resolve::Source;
use crate::source::Span;

/// Index of a node in [`Graph::nodes`].
pub type NodeId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AppKind {
    #[default]
    Application,
    ApplicationSet,
}

/// Whether deleting the object deletes what it deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Cascade {
    /// A `resources-finalizer.argocd.argoproj.io` finalizer (any propagation suffix).
    Yes,
    /// No such finalizer: its resources are left running.
    #[default]
    No,
    /// Cannot be told from the text (templated `finalizers`, an ApplicationSet's
    /// `templatePatch`).
    Unknown,
}

/// One Application or ApplicationSet document. (`Default` for tests and hand-made
/// nodes: `Node { name: …, ..Node::default() }`.)
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    pub kind: AppKind,
    /// `metadata.namespace`, `None` when not written (Argo CD's namespace then).
    pub namespace: Option<String>,
    pub name: String,
    /// Repo-relative path of the file defining it.
    pub file: String,
    /// 0-based document index in the file.
    pub document: usize,
    /// Span of the document's root node.
    pub span: Span,
    /// For an Application, whether deleting it deletes its resources; for an
    /// ApplicationSet, whether the Applications it generates do (DOMAIN §2.3).
    pub cascade: Cascade,
    /// The annotation `argocd.argoproj.io/sync-options` has `Prune=false`: a parent's
    /// prune keeps this object when its file leaves Git.
    pub keeps_on_prune: bool,
    /// `syncPolicy.automated.prune: true` and no `Prune=false` in `syncOptions`: a child
    /// whose file leaves Git is deleted. For an ApplicationSet, its template's policy.
    pub prune: bool,
    /// `spec.source` then `spec.sources[]` (for an ApplicationSet, of its template).
    pub sources: Vec<Source>,
    /// Span of the `metadata.name` value (where messages about the object point).
    pub name_span: Span,
    /// `spec.destination.namespace` (for an ApplicationSet, of its template), as written.
    pub destination_namespace: Option<String>,
    /// It deploys Argo CD itself into Argo CD's namespace, as far as its own text tells
    /// (the `argo-cd` chart, or Argo CD's install manifests as `repoURL` + `path`); a
    /// Kustomize source pulling them in is found later, from the kustomization file.
    pub installs_argocd: bool,
}

/// How a parent's source was taken to be this repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Match {
    Remote,
    Configured,
    /// Placeholder or unknown `repoURL`, counted because its `path` exists in the tree.
    PlaceholderPathExists,
}

impl Match {
    pub fn from_url(url: UrlMatch) -> Option<Match> {
        match url {
            UrlMatch::Remote => Some(Match::Remote),
            UrlMatch::Configured => Some(Match::Configured),
            UrlMatch::Placeholder => Some(Match::PlaceholderPathExists),
            UrlMatch::Other => None,
        }
    }
}

/// `parent` syncs the file that defines `child`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edge {
    pub parent: NodeId,
    pub child: NodeId,
    /// Index into the parent's `sources`.
    pub source: usize,
    pub via: Match,
}

/// A source of this repository that resolved to nothing (path missing), or a kustomize
/// cycle met while resolving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub node: NodeId,
    pub source: usize,
    pub reason: UnresolvedReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnresolvedReason {
    PathMissing,
    KustomizeCycle(String),
}

/// What [`Graph::walk`] reports for each node it meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit<'g> {
    /// 0 for the root.
    pub depth: usize,
    pub node: NodeId,
    /// The edge followed to the node (`None` for the root).
    pub edge: Option<&'g Edge>,
    pub step: Step,
}

/// One step of [`Graph::walk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// First visit of the node: its children follow.
    Enter,
    /// Already expanded elsewhere in this walk (a diamond): not expanded again.
    Seen,
    /// The node is an ancestor on the current path: a cycle, not followed.
    Cycle,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub unresolved: Vec<Unresolved>,
    children: Vec<Vec<usize>>,
    parents: Vec<Vec<usize>>,
}

impl Graph {
    /// A graph of `nodes` and `edges` (edges naming nodes out of range are dropped).
    pub fn new(nodes: Vec<Node>, mut edges: Vec<Edge>, unresolved: Vec<Unresolved>) -> Graph {
        let n = nodes.len();
        edges.retain(|e| e.parent < n && e.child < n);
        edges.sort_by_key(|e| (e.parent, e.child, e.source));
        edges.dedup_by_key(|e| (e.parent, e.child, e.source));
        let (mut children, mut parents) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for (i, e) in edges.iter().enumerate() {
            children[e.parent].push(i);
            parents[e.child].push(i);
        }
        Graph {
            nodes,
            edges,
            unresolved,
            children,
            parents,
        }
    }

    /// The edges from `node` to its children.
    pub fn children(&self, node: NodeId) -> impl Iterator<Item = &Edge> {
        let list = self
            .children
            .get(node)
            .map(Vec::as_slice)
            .unwrap_or_default();
        list.iter().map(|&i| &self.edges[i])
    }

    /// The edges from `node`'s parents to it.
    pub fn parents(&self, node: NodeId) -> impl Iterator<Item = &Edge> {
        let list = self
            .parents
            .get(node)
            .map(Vec::as_slice)
            .unwrap_or_default();
        list.iter().map(|&i| &self.edges[i])
    }

    /// Nodes with no parent other than themselves (a self-managed root, like Kubefirst's
    /// `registry` syncing its own file, is a root).
    pub fn roots(&self) -> Vec<NodeId> {
        (0..self.nodes.len())
            .filter(|&n| self.parents(n).all(|e| e.parent == n))
            .collect()
    }

    /// Depth-first walk from `root`: `visit` for the root and each edge followed, in
    /// edge order. Each node is expanded once per walk; an edge to an ancestor is reported
    /// as [`Step::Cycle`] and not followed, so the walk always ends. Iterative: a deep
    /// chain of Applications cannot overflow the stack.
    pub fn walk<'g>(&'g self, root: NodeId, visit: &mut dyn FnMut(Visit<'g>)) {
        let mut state = WalkState::new(self.nodes.len());
        self.dfs(root, &mut state, visit);
    }

    fn dfs<'g>(&'g self, root: NodeId, state: &mut WalkState, visit: &mut dyn FnMut(Visit<'g>)) {
        if root >= self.nodes.len() || state.expanded[root] {
            return;
        }
        visit(Visit {
            depth: 0,
            node: root,
            edge: None,
            step: Step::Enter,
        });
        state.enter(root);
        let mut stack: Vec<(NodeId, usize)> = vec![(root, 0)];
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            let Some(&index) = self.children[node].get(next) else {
                state.on_path[node] = false;
                stack.pop();
                continue;
            };
            top.1 += 1;
            let edge = &self.edges[index];
            let child = edge.child;
            let step = if state.on_path[child] {
                Step::Cycle
            } else if state.expanded[child] {
                Step::Seen
            } else {
                Step::Enter
            };
            visit(Visit {
                depth: stack.len(),
                node: child,
                edge: Some(edge),
                step,
            });
            if step == Step::Enter {
                state.enter(child);
                stack.push((child, 0));
            }
        }
    }

    /// Cycles of the graph, each as the nodes on it starting from its smallest id, sorted.
    /// One depth-first pass over all nodes (linear): every group of Applications that
    /// sync each other yields at least one cycle (a self-edge is a cycle of one), though
    /// not every distinct cycle through it.
    pub fn cycles(&self) -> Vec<Vec<NodeId>> {
        let mut found: Vec<Vec<NodeId>> = Vec::new();
        let mut state = WalkState::new(self.nodes.len());
        for start in 0..self.nodes.len() {
            let mut path: Vec<NodeId> = Vec::new();
            self.dfs(start, &mut state, &mut |v| {
                path.truncate(v.depth);
                if v.step == Step::Cycle {
                    if let Some(pos) = path.iter().position(|&n| n == v.node) {
                        let cycle = rotate_min(&path[pos..]);
                        if !found.contains(&cycle) {
                            found.push(cycle);
                        }
                    }
                } else {
                    path.push(v.node);
                }
            });
        }
        found.sort();
        found
    }

    /// The node named `name` (and `namespace`, when given).
    pub fn find(&self, namespace: Option<&str>, name: &str) -> Option<NodeId> {
        self.nodes.iter().position(|n| {
            n.name == name && (namespace.is_none() || n.namespace.as_deref() == namespace)
        })
    }
}

/// Which nodes a depth-first pass has expanded, and which are on its current path.
struct WalkState {
    expanded: Vec<bool>,
    on_path: Vec<bool>,
}

impl WalkState {
    fn new(n: usize) -> WalkState {
        WalkState {
            expanded: vec![false; n],
            on_path: vec![false; n],
        }
    }

    fn enter(&mut self, node: NodeId) {
        self.expanded[node] = true;
        self.on_path[node] = true;
    }
}

fn rotate_min(cycle: &[NodeId]) -> Vec<NodeId> {
    let min = cycle
        .iter()
        .enumerate()
        .min_by_key(|(_, &n)| n)
        .map_or(0, |(i, _)| i);
    cycle[min..].iter().chain(&cycle[..min]).copied().collect()
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
