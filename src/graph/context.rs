//! What the app graph says about the objects of one file, for the rules: the facts a
//! per-file check cannot know (its parents, whether they prune it, its children).
//!
//! Keys are repo-relative `/`-separated paths, as in [`Node::file`](super::Node).

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{AppKind, Cascade, Graph, NodeId};
use crate::source::{LineIndex, Span};

/// Where an object of the graph is named: its `metadata.name`, with the line facts taken
/// from its file's text (1-based line and column in characters; the line's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub name: String,
    pub kind: AppKind,
    /// Repo-relative path of its file.
    pub file: String,
    pub span: Span,
    pub line: usize,
    pub column: usize,
    pub excerpt: String,
}

/// A parent of an object: an Application (or ApplicationSet template) syncing its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parent {
    pub place: Arc<Place>,
    /// The parent prunes: removing the object's file from Git deletes the object.
    pub prunes: bool,
    /// The parent is the ApplicationSet that generates the object (the object is one of
    /// its generated Applications, in its file).
    pub generates: bool,
}

/// The graph facts of one object (graph node) of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectFacts {
    pub document: usize,
    pub name: String,
    pub kind: AppKind,
    /// Its parents (itself left out: a self-managed root syncs its own file), in node order.
    pub parents: Vec<Parent>,
    /// Its first children that are Applications or ApplicationSets (itself left out), at
    /// most [`SHOWN_CHILDREN`]; `app_children_count` counts them all.
    pub app_children: Vec<Arc<Place>>,
    pub app_children_count: usize,
    /// `Prune=false` in its own sync-options annotation: a parent's prune keeps it.
    pub keeps_on_prune: bool,
    /// It deploys Argo CD itself (by its own text, or by its Kustomize source's
    /// `resources:`), into Argo CD's namespace.
    pub installs_argocd: bool,
    /// A chain of cascading Applications from a child of this object down to one that
    /// deploys Argo CD and cascades (the last): were this object cascade-deleted, Argo CD
    /// would be deleted too. Empty when there is none.
    pub argocd_below: Vec<Arc<Place>>,
    /// Whether deleting it deletes what it deployed.
    pub cascade: crate::graph::Cascade,
    /// It prunes: a child whose file leaves Git is deleted.
    pub prune: bool,
}

/// How many children [`ObjectFacts::app_children`] keeps (messages name a few).
pub const SHOWN_CHILDREN: usize = 3;

/// The graph facts of one file's objects.
#[derive(Debug, Clone, Default)]
pub struct FileContext {
    /// Sorted by document, then name.
    pub objects: Vec<ObjectFacts>,
}

impl FileContext {
    /// The facts of the object of document `document` named `name`.
    pub fn object(&self, document: usize, name: &str) -> Option<&ObjectFacts> {
        // Sorted by document then name (a file of many documents: a look-up per finding).
        let key = (document, name);
        let at = self
            .objects
            .partition_point(|o| (o.document, o.name.as_str()) < key);
        self.objects
            .get(at)
            .filter(|o| o.document == document && o.name == name)
    }
}

/// The repository analysis: the graph, and the facts per file derived from it.
#[derive(Debug, Default)]
pub struct Analysis {
    pub graph: Graph,
    files: HashMap<String, FileContext>,
}

/// The file texts read for [`Place`]s, each with its line index, read once.
struct Texts<'t> {
    text_of: &'t dyn Fn(&str) -> Option<Arc<str>>,
    cache: HashMap<String, Option<(Arc<str>, LineIndex)>>,
    /// Each node's place, made once and shared by every object naming it (a registry
    /// is the parent of hundreds).
    places: HashMap<NodeId, Arc<Place>>,
}

impl Texts<'_> {
    /// The place of `node`'s name from its file's text, when the walk did not take it.
    fn read_place(&mut self, node: &crate::graph::Node) -> (usize, usize, String) {
        let text_of = self.text_of;
        let entry = self.cache.entry(node.file.clone()).or_insert_with(|| {
            text_of(&node.file).map(|t| {
                let lines = LineIndex::new(&t);
                (t, lines)
            })
        });
        match entry {
            Some((text, lines)) if node.name_span.end <= text.len() => {
                let p = crate::graph::model::TextPlace::of(text, lines, node.name_span.start);
                (p.line, p.column, p.excerpt)
            }
            _ => (0, 0, String::new()),
        }
    }

    fn place(&mut self, graph: &Graph, id: NodeId) -> Arc<Place> {
        if let Some(place) = self.places.get(&id) {
            return Arc::clone(place);
        }
        let place = Arc::new(self.make_place(graph, id));
        self.places.insert(id, Arc::clone(&place));
        place
    }

    fn make_place(&mut self, graph: &Graph, id: NodeId) -> Place {
        let node = &graph.nodes[id];
        let (line, column, excerpt) = match &node.name_place {
            Some(p) => (p.line, p.column, p.excerpt.clone()),
            None => self.read_place(node),
        };
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
}

impl Analysis {
    /// Derives the per-file facts. `text_of` gives the text of a file holding a node, and
    /// of a kustomization file (repo-relative path), from the bytes the walk read.
    pub fn new(graph: Graph, text_of: &dyn Fn(&str) -> Option<Arc<str>>) -> Analysis {
        let installs: Vec<bool> = (0..graph.nodes.len())
            .map(|id| installs_argocd(&graph, id, text_of))
            .collect();
        let below = argocd_reach(&graph, &installs);
        let mut texts = Texts {
            text_of,
            cache: HashMap::new(),
            places: HashMap::new(),
        };
        let mut files: HashMap<String, FileContext> = HashMap::new();
        for (id, node) in graph.nodes.iter().enumerate() {
            let mut parent_ids: Vec<NodeId> = graph
                .parents(id)
                .map(|e| e.parent)
                .filter(|&p| p != id)
                .collect();
            parent_ids.sort_unstable();
            parent_ids.dedup();
            let parents: Vec<Parent> = parent_ids
                .iter()
                .map(|&pid| {
                    let p = &graph.nodes[pid];
                    Parent {
                        place: texts.place(&graph, pid),
                        prunes: p.prune,
                        generates: p.kind == AppKind::ApplicationSet
                            && p.file == node.file
                            && p.document == node.document,
                    }
                })
                .collect();
            // Applications an ApplicationSet generates (nodes of its own document) are
            // deleted by its controller, not pruned: they are not children here.
            let generated = |c: NodeId| {
                graph.nodes[c].file == node.file && graph.nodes[c].document == node.document
            };
            let mut children: Vec<NodeId> = graph
                .children(id)
                .map(|e| e.child)
                .filter(|&c| c != id && !generated(c))
                .collect();
            // An ApplicationSet's template syncs, through each Application it generates,
            // what those sync: its template's policy prunes them.
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
            let app_children = children
                .iter()
                .take(SHOWN_CHILDREN)
                .map(|&c| texts.place(&graph, c))
                .collect();
            let argocd_below: Vec<Arc<Place>> = chain(&below, id)
                .into_iter()
                .map(|c| texts.place(&graph, c))
                .collect();
            let ctx = files.entry(node.file.clone()).or_default();
            // An object the graph relates to nothing has no facts to keep (its file is
            // still known: most Applications of a large tree are such).
            if parents.is_empty() && children.is_empty() && !installs[id] && argocd_below.is_empty()
            {
                continue;
            }
            ctx.objects.push(ObjectFacts {
                document: node.document,
                name: node.name.clone(),
                kind: node.kind,
                parents,
                app_children,
                app_children_count: children.len(),
                keeps_on_prune: node.keeps_on_prune,
                installs_argocd: installs[id],
                argocd_below,
                cascade: node.cascade,
                prune: node.prune,
            });
        }
        for ctx in files.values_mut() {
            ctx.objects
                .sort_by(|a, b| (a.document, &a.name).cmp(&(b.document, &b.name)));
            ctx.objects.shrink_to_fit();
        }
        Analysis { graph, files }
    }

    /// Shows the other files named by the facts (in messages and related locations) as
    /// `prefix` + their repo-relative path, e.g. `fixtures/kubefirst-example/` when the
    /// report's paths are relative to another directory than the repository's root. The
    /// keys of [`Analysis::file`] stay repo-relative.
    pub fn show_paths_under(&mut self, prefix: &str) {
        if prefix.is_empty() {
            return;
        }
        // Places are shared: each is rewritten once, and shared again.
        let mut done: HashMap<*const Place, Arc<Place>> = HashMap::new();
        let mut fix = |p: &mut Arc<Place>| {
            let new = done.entry(Arc::as_ptr(p)).or_insert_with(|| {
                let mut place = Place::clone(p);
                place.file = format!("{prefix}{}", place.file);
                Arc::new(place)
            });
            *p = Arc::clone(new);
        };
        for object in self.files.values_mut().flat_map(|c| c.objects.iter_mut()) {
            object.parents.iter_mut().for_each(|p| fix(&mut p.place));
            object.app_children.iter_mut().for_each(&mut fix);
            object.argocd_below.iter_mut().for_each(&mut fix);
        }
    }

    /// Whether `file` (repo-relative) holds an object with a finding that only the graph
    /// gives and that the walk does not prepare (they are rare): two parents, Application
    /// children it does not prune, or a cascade into Argo CD (its own, through its
    /// Kustomize source, or below it). Such a file is linted again with its facts (its second look).
    pub fn needs_second_look(&self, file: &str) -> bool {
        self.files.get(file).is_some_and(|c| {
            c.objects.iter().any(|o| {
                let cascades = o.cascade != crate::graph::Cascade::No;
                o.parents.len() >= 2
                    || o.app_children_count > 0 && !o.prune
                    || cascades && (o.installs_argocd || !o.argocd_below.is_empty())
            })
        })
    }

    /// The facts of the objects in `file` (repo-relative), if the graph has any.
    pub fn file(&self, file: &str) -> Option<&FileContext> {
        self.files.get(file)
    }
}

/// Whether node `id` deploys Argo CD: by its own text, or (into Argo CD's namespace) by
/// a Kustomize source whose kustomization lists Argo CD's install manifests.
fn installs_argocd(graph: &Graph, id: NodeId, text_of: &dyn Fn(&str) -> Option<Arc<str>>) -> bool {
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
        ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .filter_map(|k| {
                text_of(&if dir.is_empty() {
                    k.to_string()
                } else {
                    format!("{dir}/{k}")
                })
            })
            .any(|text| lists_argocd_manifests(&text))
    })
}

/// Whether a kustomization's `resources:` (or `bases:`) name Argo CD's install manifests.
fn lists_argocd_manifests(text: &str) -> bool {
    if !text.contains("argoproj/argo-cd") {
        return false;
    }
    let parsed = crate::yaml::parse(text, text);
    parsed.documents.iter().any(|d| {
        ["resources", "bases"].iter().any(|k| {
            d.root
                .get(k)
                .map(crate::yaml::Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(crate::yaml::Node::as_str)
                .any(super::build::is_argocd_manifests)
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, Match};

    /// An ApplicationSet and an Application it generates (a node of its own document): the
    /// generated one names it as generating it, and it is not their app of apps.
    #[test]
    fn generated_applications() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: set\nspec:\n  template:\n    metadata:\n      name: set-a\n    spec:\n      source:\n        repoURL: x\n        path: apps\n";
        let docs = crate::yaml::parse(text, text).documents;
        let set = crate::graph::nodes_of("set.yaml", &docs).remove(0);
        let generated = super::super::Node {
            kind: AppKind::Application,
            name: "set-a".into(),
            ..set.clone()
        };
        let edge = Edge {
            parent: 0,
            child: 1,
            source: 0,
            via: Match::Remote,
        };
        let graph = Graph::new(vec![set, generated], vec![edge], Vec::new());
        let analysis = Analysis::new(graph, &|_: &str| Some(Arc::from(text)));
        let ctx = analysis.file("set.yaml").expect("facts");
        let child = ctx.object(0, "set-a").expect("generated");
        assert_eq!(child.parents.len(), 1);
        assert!(child.parents[0].generates);
        assert_eq!(
            (child.parents[0].place.line, child.parents[0].place.column),
            (4, 9)
        );
        // The ApplicationSet relates to nothing but what it generates (not its children):
        // no facts of its own.
        assert!(ctx.object(0, "set").is_none());
    }
}
