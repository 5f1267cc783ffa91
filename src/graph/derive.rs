//! The facts per file derived from the graph ([`Analysis::new`]): for each node, its
//! parents, its Application children, whether it deploys Argo CD and what cascade would
//! reach Argo CD below it. Each node's facts are independent of the others' once the
//! reach is known: they are derived in parallel, then grouped by file.

use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

use super::context::{Analysis, FileContext, ObjectFacts, Parent, Place, SHOWN_CHILDREN};
use super::model::{AppKind, Cascade, Graph, NodeId};
use super::resolve::KustomizeOf;
use crate::source::LineIndex;

/// Gives the text of a file (repo-relative) from the bytes the walk read.
pub type TextOf<'t> = dyn Fn(&str) -> Option<Arc<str>> + Sync + 't;

/// The nodes one node's facts name, before their places are made.
struct Relations {
    parents: Vec<NodeId>,
    /// Every Application child (deduplicated, sorted); the first few are shown.
    children: Vec<NodeId>,
    argocd_below: Vec<NodeId>,
}

impl Analysis {
    /// Derives the per-file facts. `text_of` gives the text of a file holding a node, and
    /// `kustomize_of` the facts of a kustomization file (repo-relative paths), from the
    /// bytes the walk read.
    pub fn new(graph: Graph, text_of: &TextOf, kustomize_of: &KustomizeOf) -> Analysis {
        let n = graph.nodes.len();
        let installs: Vec<bool> = (0..n)
            .into_par_iter()
            .map(|id| installs_argocd(&graph, id, kustomize_of))
            .collect();
        let below = argocd_reach(&graph, &installs);
        let relations: Vec<Option<Relations>> = (0..n)
            .into_par_iter()
            .map(|id| relations(&graph, id, &below, installs[id]))
            .collect();
        let places = places(&graph, &relations, text_of);
        // (Every node named has its place: the fallback is never made.)
        let place = |id: NodeId| {
            places[id]
                .clone()
                .unwrap_or_else(|| Arc::new(place(&graph, id, (0, 0, String::new()))))
        };
        let facts: Vec<(NodeId, ObjectFacts)> = relations
            .par_iter()
            .enumerate()
            .filter_map(|(id, r)| Some((id, r.as_ref()?)))
            .map(|(id, r)| {
                let node = &graph.nodes[id];
                let parents = r
                    .parents
                    .iter()
                    .map(|&pid| {
                        let p = &graph.nodes[pid];
                        Parent {
                            place: place(pid),
                            prunes: p.prune,
                            generates: p.kind == AppKind::ApplicationSet
                                && p.file == node.file
                                && p.document == node.document,
                        }
                    })
                    .collect();
                let facts = ObjectFacts {
                    document: node.document,
                    name: node.name.clone(),
                    kind: node.kind,
                    parents,
                    app_children: r
                        .children
                        .iter()
                        .take(SHOWN_CHILDREN)
                        .map(|&c| place(c))
                        .collect(),
                    app_children_count: r.children.len(),
                    keeps_on_prune: node.keeps_on_prune,
                    installs_argocd: installs[id],
                    argocd_below: r.argocd_below.iter().map(|&c| place(c)).collect(),
                    cascade: node.cascade,
                    prune: node.prune,
                };
                (id, facts)
            })
            .collect();
        let files = by_file(&graph, facts);
        Analysis { graph, files }
    }
}

/// The facts' files: every file defining a node (sorted by path), each with the facts
/// of its objects (sorted by document, then name).
fn by_file(graph: &Graph, facts: Vec<(NodeId, ObjectFacts)>) -> Vec<(String, FileContext)> {
    let mut names: Vec<&str> = graph.nodes.iter().map(|n| n.file.as_str()).collect();
    // (Nodes come in file order but for the generated ones: nearly sorted already.)
    names.par_sort_unstable();
    names.dedup();
    let mut files: Vec<(String, FileContext)> = names
        .into_iter()
        .map(|f| (f.to_string(), FileContext::default()))
        .collect();
    for (id, facts) in facts {
        let file = graph.nodes[id].file.as_str();
        if let Ok(at) = files.binary_search_by(|(f, _)| f.as_str().cmp(file)) {
            files[at].1.objects.push(facts);
        }
    }
    for (_, ctx) in &mut files {
        ctx.objects
            .sort_by(|a, b| (a.document, &a.name).cmp(&(b.document, &b.name)));
        ctx.objects.shrink_to_fit();
    }
    files
}

/// The nodes node `id`'s facts name; `None` when the graph relates it to nothing (most
/// Applications of a large tree: it has no facts to keep).
fn relations(
    graph: &Graph,
    id: NodeId,
    below: &[Option<Reach>],
    installs: bool,
) -> Option<Relations> {
    let node = &graph.nodes[id];
    let mut parents: Vec<NodeId> = graph
        .parents(id)
        .map(|e| e.parent)
        .filter(|&p| p != id)
        .collect();
    parents.sort_unstable();
    parents.dedup();
    // Applications an ApplicationSet generates (nodes of its own document) are deleted by
    // its controller, not pruned: they are not children here.
    let generated =
        |c: NodeId| graph.nodes[c].file == node.file && graph.nodes[c].document == node.document;
    let mut children: Vec<NodeId> = graph
        .children(id)
        .map(|e| e.child)
        .filter(|&c| c != id && !generated(c))
        .collect();
    // An ApplicationSet's template syncs, through each Application it generates, what
    // those sync: its template's policy prunes them.
    for g in graph
        .children(id)
        .map(|e| e.child)
        .filter(|&c| generated(c))
    {
        children.extend(
            graph
                .children(g)
                .map(|e| e.child)
                .filter(|&c| c != g && c != id),
        );
    }
    children.sort_unstable();
    children.dedup();
    let argocd_below = chain(below, id);
    if parents.is_empty() && children.is_empty() && !installs && argocd_below.is_empty() {
        return None;
    }
    Some(Relations {
        parents,
        children,
        argocd_below,
    })
}

/// The place of every node some facts name (`None` for the others), each made once and
/// shared (a registry is the parent of hundreds). Most were taken by the walk; the others
/// are read from their file's text, each file's line index made once.
fn places(
    graph: &Graph,
    relations: &[Option<Relations>],
    text_of: &TextOf,
) -> Vec<Option<Arc<Place>>> {
    let mut named = vec![false; graph.nodes.len()];
    for r in relations.iter().flatten() {
        let shown = r.children.iter().take(SHOWN_CHILDREN);
        for &id in r.parents.iter().chain(shown).chain(&r.argocd_below) {
            named[id] = true;
        }
    }
    let mut places: Vec<Option<Arc<Place>>> = (0..graph.nodes.len())
        .into_par_iter()
        .map(|id| {
            let p = graph.nodes[id].name_place.as_ref().filter(|_| named[id])?;
            Some(Arc::new(place(
                graph,
                id,
                (p.line, p.column, p.excerpt.clone()),
            )))
        })
        .collect();
    let mut texts: HashMap<&str, Option<(Arc<str>, LineIndex)>> = HashMap::new();
    for id in 0..graph.nodes.len() {
        if !named[id] || places[id].is_some() {
            continue;
        }
        let node = &graph.nodes[id];
        let entry = texts.entry(node.file.as_str()).or_insert_with(|| {
            text_of(&node.file).map(|t| {
                let lines = LineIndex::new(&t);
                (t, lines)
            })
        });
        let at = match entry {
            Some((text, lines)) if node.name_span.end <= text.len() => {
                let p = crate::graph::model::TextPlace::of(text, lines, node.name_span.start);
                (p.line, p.column, p.excerpt)
            }
            _ => (0, 0, String::new()),
        };
        places[id] = Some(Arc::new(place(graph, id, at)));
    }
    places
}

/// Node `id`'s place, at (line, column, excerpt).
fn place(graph: &Graph, id: NodeId, (line, column, excerpt): (usize, usize, String)) -> Place {
    let node = &graph.nodes[id];
    Place {
        name: node.name.clone(),
        kind: node.kind,
        file: node.file.clone(),
        span: node.name_span.clone(),
        line,
        column,
        excerpt,
    }
}

/// Whether node `id` deploys Argo CD: by its own text, or (into Argo CD's namespace) by
/// a Kustomize source whose kustomization lists Argo CD's install manifests.
fn installs_argocd(graph: &Graph, id: NodeId, kustomize_of: &KustomizeOf) -> bool {
    let node = &graph.nodes[id];
    if node.installs_argocd {
        return true;
    }
    let own = node.namespace.as_deref().unwrap_or("argocd");
    if node.destination_namespace.as_deref() != Some(own) {
        return false;
    }
    node.sources.iter().any(|s| {
        let Some(dir) = s.path.as_deref().and_then(super::resolve::normalize) else {
            return false;
        };
        crate::kustomize::KUSTOMIZATION_NAMES
            .iter()
            .filter_map(|name| kustomize_of(&crate::kustomize::in_dir(&dir, name)))
            .any(|k| k.lists_argocd)
    })
}

/// How a node reaches an Application deploying Argo CD through cascading deletions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// It deploys Argo CD and cascades.
    Itself,
    /// Its child `0` reaches it (every node after it on the way cascades).
    Via(NodeId),
}

/// For each node, how a cascade deletion from it would reach a cascading Application that
/// deploys Argo CD (breadth first up the parent edges from those: linear, cycle-safe).
fn argocd_reach(graph: &Graph, installs: &[bool]) -> Vec<Option<Reach>> {
    let cascades = |n: NodeId| graph.nodes[n].cascade == Cascade::Yes;
    let mut reach: Vec<Option<Reach>> = vec![None; graph.nodes.len()];
    let mut queue = std::collections::VecDeque::new();
    for n in 0..graph.nodes.len() {
        if installs[n] && cascades(n) {
            reach[n] = Some(Reach::Itself);
            queue.push_back(n);
        }
    }
    while let Some(x) = queue.pop_front() {
        for e in graph.parents(x) {
            let p = e.parent;
            if p == x || reach[p].is_some() {
                continue;
            }
            reach[p] = Some(Reach::Via(x));
            // Only a cascading parent passes the deletion on to its own parents' view.
            if cascades(p) {
                queue.push_back(p);
            }
        }
    }
    reach
}

/// The nodes from `id`'s child down to the Argo CD Application (empty when none, or when
/// `id` is that Application itself).
fn chain(reach: &[Option<Reach>], id: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut at = id;
    while let Some(Reach::Via(next)) = reach[at] {
        if out.contains(&next) || out.len() > reach.len() {
            break;
        }
        out.push(next);
        at = next;
    }
    out
}
