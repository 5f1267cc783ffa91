//! What the app graph says about the objects of one file, for the rules: the facts a
//! per-file check cannot know (its parents, whether they prune it, its children).
//!
//! Keys are repo-relative `/`-separated paths, as in [`Node::file`](super::Node).

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{AppKind, Graph};
use crate::source::Span;

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
    /// See [`Analysis::second_looks`].
    fn needs_second_look(&self) -> bool {
        self.objects.iter().any(|o| {
            let cascades = o.cascade != crate::graph::Cascade::No;
            o.parents.len() >= 2
                || o.app_children_count > 0 && !o.prune
                || cascades && (o.installs_argocd || !o.argocd_below.is_empty())
        })
    }

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
    /// Every file defining a node, sorted by path (most have no facts: the graph relates
    /// their objects to nothing).
    pub(super) files: Vec<(String, FileContext)>,
}

impl Analysis {
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
        for object in self
            .files
            .iter_mut()
            .flat_map(|(_, c)| c.objects.iter_mut())
        {
            object.parents.iter_mut().for_each(|p| fix(&mut p.place));
            object.app_children.iter_mut().for_each(&mut fix);
            object.argocd_below.iter_mut().for_each(&mut fix);
        }
    }

    /// The files (repo-relative) holding an object with a finding that only the graph
    /// gives and that the walk does not prepare (they are rare): two parents, Application
    /// children it does not prune, or a cascade into Argo CD (its own, through its
    /// Kustomize source, or below it). Such a file is linted again with its facts (its
    /// second look).
    pub fn second_looks(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .filter(|(_, c)| c.needs_second_look())
            .map(|(f, _)| f.as_str())
    }

    /// The facts of the objects in `file` (repo-relative), if the graph has any.
    pub fn file(&self, file: &str) -> Option<&FileContext> {
        let at = self
            .files
            .binary_search_by(|(f, _)| f.as_str().cmp(file))
            .ok()?;
        Some(&self.files[at].1)
    }
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
        let analysis = Analysis::new(graph, &|_: &str| Some(Arc::from(text)), &|_: &str| None);
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
