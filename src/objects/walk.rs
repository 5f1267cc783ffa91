//! The walk that finds Argo CD objects anywhere in a document (see
//! [`super::find_in_document`]): iterative, each node visited once.

use super::family::recognise;
use super::{EmbeddedString, Found, Route, Segment};
use crate::yaml::{Document, Node, NodeKind};

/// A step of the walk (a [`Segment`] borrowed from the tree).
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// How a mapping met in the walk is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// The document's root, or an item of a root `kind: List`: today's rules.
    Top,
    /// The `items` of a root `kind: List`: its items are read at [`Level::Top`].
    ListItems,
    /// Any other mapping: an object only with `apiVersion`, `kind`, `metadata` and `spec`.
    Nested,
}

/// Keys under which patches are held (fragments, never whole objects): Kustomize's, and
/// Kyverno's `mutate.patchStrategicMerge`.
const PATCH_KEYS: &[&str] = &[
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patch",
    "patchStrategicMerge",
];

/// A mapping that names an object to patch, delete or read rather than one to create:
/// Argo Workflows `resource: {action: patch, manifest: …}`, Argo Events
/// `k8s: {operation: patch, source: …}`. What it holds is a fragment or a reference.
fn is_reference_context(node: &Node) -> bool {
    ["action", "operation"].iter().any(|k| {
        node.get(k)
            .and_then(Node::as_str)
            .is_some_and(|a| matches!(a, "patch" | "delete" | "get"))
    })
}

/// The iterative walk of [`find_in_document`]: each node is visited once; a recognised
/// object's subtree is not (its `spec.template` is no object), except its Helm values.
pub(super) fn walk<'a>(
    doc: &'a Document,
    prefix: &Route,
    deep: bool,
    scalar_text: &dyn Fn(&Node) -> Option<String>,
) -> Found<'a> {
    let root = &doc.root;
    let kind = root.get("kind").and_then(Node::as_str);
    let mut w = Walk {
        document: doc.index,
        prefix,
        steps: Vec::new(),
        stack: Vec::new(),
        found: Found::default(),
        list_root: kind == Some("List"),
    };
    if matches!(kind, Some("Kustomization" | "Component")) {
        return w.found;
    }
    w.stack.push(Frame {
        node: root,
        at: ROOT,
        level: Level::Top,
        deep,
    });
    while let Some(frame) = w.stack.pop() {
        w.visit(frame, scalar_text);
    }
    w.found
}

/// The step index of the document's root (it has no step).
const ROOT: usize = usize::MAX;

/// A node to visit: its step (for its route), how it is read, and whether to look into
/// what is not an object (`deep`).
#[derive(Clone, Copy)]
struct Frame<'a> {
    node: &'a Node,
    at: usize,
    level: Level,
    deep: bool,
}

struct Walk<'a, 'p> {
    document: usize,
    prefix: &'p Route,
    /// Steps of the routes walked so far: (parent step, step); routes are built from them
    /// only for what is found.
    steps: Vec<(usize, Step<'a>)>,
    stack: Vec<Frame<'a>>,
    found: Found<'a>,
    list_root: bool,
}

impl<'a> Walk<'a, '_> {
    fn route(&self, at: usize) -> Route {
        let mut segs = Vec::new();
        let mut i = at;
        while i != ROOT {
            segs.push(match self.steps[i].1 {
                Step::Key(k) => Segment::Key(k.to_string()),
                Step::Index(n) => Segment::Index(n),
            });
            i = self.steps[i].0;
        }
        let mut route = self.prefix.clone();
        route.0.extend(segs.into_iter().rev());
        route
    }

    fn step(&mut self, parent: usize, step: Step<'a>) -> usize {
        self.steps.push((parent, step));
        self.steps.len() - 1
    }

    /// Keep `node` if it is a string that may hold a manifest.
    fn string(&mut self, node: &'a Node, at: usize, action: Option<&'a str>) {
        if let NodeKind::Scalar { value, style } = &node.kind {
            if at != ROOT && may_be_manifest(value, *style) {
                let route = self.route(at);
                self.found.strings.push(EmbeddedString {
                    node,
                    route,
                    action,
                });
            }
        }
    }

    fn visit(&mut self, f: Frame<'a>, scalar_text: &dyn Fn(&Node) -> Option<String>) {
        if matches!(f.node.kind, NodeKind::Scalar { .. }) {
            if f.deep {
                self.string(f.node, f.at, None);
            }
            return;
        }
        if f.node.is_mapping() && f.level != Level::ListItems {
            if let Some(mut obj) =
                recognise(self.document, f.node, f.level == Level::Nested, scalar_text)
            {
                obj.route = self.route(f.at);
                self.push_helm_values(f.node, f.at);
                self.found.objects.push(obj);
                return;
            }
        }
        let list = f.at == ROOT && self.list_root;
        if !(f.deep || list || f.level == Level::ListItems)
            || (f.level == Level::Nested && is_reference_context(f.node))
        {
            return;
        }
        let mut children = Vec::new();
        for e in f.node.entries() {
            let Some(key) = e.key.as_str() else { continue };
            let level = match key {
                "items" if list => Level::ListItems,
                _ if PATCH_KEYS.contains(&key) || !f.deep => continue,
                _ => Level::Nested,
            };
            let at = self.step(f.at, Step::Key(key));
            if matches!(e.value.kind, NodeKind::Scalar { .. }) {
                let action = f.node.get("action").and_then(Node::as_str);
                self.string(&e.value, at, action);
                continue;
            }
            children.push(Frame {
                node: &e.value,
                at,
                level,
                deep: f.deep,
            });
        }
        for (i, item) in f.node.items().iter().enumerate() {
            let level = match f.level {
                Level::ListItems => Level::Top,
                _ if f.deep => Level::Nested,
                _ => continue,
            };
            let at = self.step(f.at, Step::Index(i));
            children.push(Frame {
                node: item,
                at,
                level,
                deep: f.deep,
            });
        }
        self.stack.extend(children.into_iter().rev());
    }

    /// Push the Helm values of an object's sources (`spec.source.helm.valuesObject`,
    /// `spec.sources[i].helm.values`…): Applications there are objects of their own (the
    /// argo-cd chart's `extraObjects`); for an ApplicationSet, those of its template
    /// (`spec.template.spec.source…`), rendered with every generated Application. Looked
    /// into whatever the document's `deep`.
    fn push_helm_values(&mut self, obj: &'a Node, at: usize) {
        let Some(mut spec) = obj.get("spec") else {
            return;
        };
        let mut base = self.step(at, Step::Key("spec"));
        if obj.get("kind").and_then(Node::as_str) == Some("ApplicationSet") {
            let Some(inner) = spec.at("template.spec") else {
                return;
            };
            spec = inner;
            base = self.step(base, Step::Key("template"));
            base = self.step(base, Step::Key("spec"));
        }
        let mut sources: Vec<(&'a Node, usize, &'static str)> = Vec::new();
        if let Some(source) = spec.get("source") {
            sources.push((source, ROOT, "source"));
        }
        let list = spec.get("sources").map(Node::items).unwrap_or_default();
        for (i, source) in list.iter().enumerate() {
            sources.push((source, i, "sources"));
        }
        for (source, index, key) in sources {
            let Some(helm) = source.get("helm") else {
                continue;
            };
            for values_key in ["valuesObject", "values"] {
                let Some(values) = helm.get(values_key) else {
                    continue;
                };
                let mut step = self.step(base, Step::Key(key));
                if index != ROOT {
                    step = self.step(step, Step::Index(index));
                }
                step = self.step(step, Step::Key("helm"));
                step = self.step(step, Step::Key(values_key));
                self.stack.push(Frame {
                    node: values,
                    at: step,
                    level: Level::Nested,
                    deep: true,
                });
            }
        }
    }
}

/// Whether a string may hold a Kubernetes manifest with an Argo CD object: it names the
/// group and a `kind`, over more than one line (or is a flow/JSON object).
pub fn may_be_manifest(value: &str, _style: crate::yaml::Style) -> bool {
    value.len() > 20
        && memchr::memmem::find(value.as_bytes(), b"argoproj.io").is_some()
        && memchr::memmem::find(value.as_bytes(), b"kind").is_some()
        && memchr::memmem::find(value.as_bytes(), b"Application").is_some()
}
