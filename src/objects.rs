//! Recognising Argo CD objects in parsed YAML documents.
//!
//! An Argo CD object is a mapping whose `apiVersion` is in group `argoproj.io` and whose
//! `kind` is `Application` or `ApplicationSet` (Argo Workflows, Rollouts and the Argo CD
//! operator share the group). Objects inside a `kind: List` are recognised too. Kustomize
//! patch fragments (`$patch` anywhere, or no `spec`) are not objects to lint.
//!
//! Objects are read as Kubernetes reads them: in a document with aliases or merge keys,
//! from its [`crate::yaml::resolve`]d copy; [`ArgoObject::source`] is then the object's own text,
//! where fixes may edit.

use crate::diagnostic::ObjectRef;
use crate::yaml::{Document, Entry, Node, NodeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgoKind {
    Application,
    ApplicationSet,
}

impl ArgoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ArgoKind::Application => "Application",
            ArgoKind::ApplicationSet => "ApplicationSet",
        }
    }
}

/// An Argo CD object found in a document.
#[derive(Debug, Clone)]
pub struct ArgoObject<'a> {
    pub document: usize,
    /// The object's mapping node.
    pub node: &'a Node,
    pub kind: ArgoKind,
    /// The `kind` value node.
    pub kind_node: &'a Node,
    pub api_version: String,
    pub name: Option<String>,
    /// Route from the document root to the object: empty, or e.g. `items[2]`.
    pub route: String,
    /// The object's mapping as written, when it is (not an alias nor a merge): what fixes
    /// edit. The same as `node` in a document without aliases and merge keys.
    pub source: Option<&'a Node>,
}

impl<'a> ArgoObject<'a> {
    /// The entry at `route` as written in the object's own text: reached through explicit
    /// keys only (no alias, no merge key on the way) and the very entry Kubernetes reads
    /// (not one supplied by a merge key). A fix may edit only such an entry (and, for a
    /// key the object lacks, only a mapping that is its own, see [`Self::own_mapping`]).
    pub fn own_entry(&self, route: &str) -> Option<&'a Entry> {
        let resolved = self.node.entry_at(route)?;
        let mut node = self.source?;
        let mut entry = None;
        for key in route.split('.') {
            if matches!(node.kind, NodeKind::Alias) {
                return None;
            }
            let e = node.entry(key)?;
            node = &e.value;
            entry = Some(e);
        }
        let entry = entry?;
        (entry.key.span == resolved.key.span
            && entry.value.span == resolved.value.span
            && !matches!(entry.value.kind, NodeKind::Alias))
        .then_some(entry)
    }

    /// The mapping at `route` (empty: the object) as written, when it is the one
    /// Kubernetes reads: a new key may be added to it.
    pub fn own_mapping(&self, route: &str) -> Option<&'a Node> {
        let node = if route.is_empty() {
            self.source?
        } else {
            &self.own_entry(route)?.value
        };
        node.is_mapping().then_some(node)
    }

    /// Route of a field of this object, e.g. `metadata.finalizers` or
    /// `items[2].metadata.finalizers`.
    pub fn route_to(&self, field: &str) -> String {
        if self.route.is_empty() {
            field.to_string()
        } else {
            format!("{}.{}", self.route, field)
        }
    }

    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.as_str().to_string(),
            name: self.name.clone(),
        }
    }

    /// `Application `name`` for messages.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("{} `{}`", self.kind.as_str(), name),
            None => self.kind.as_str().to_string(),
        }
    }
}

/// Whether `api_version` is in the `argoproj.io` group.
pub fn is_argo_group(api_version: &str) -> bool {
    api_version
        .strip_prefix("argoproj.io")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Every Argo CD object of a document, in order.
///
/// `scalar_text` gives the text to show for a scalar (for templated files, the original
/// text rather than the masked filler).
pub fn find<'a>(
    doc: &'a Document,
    scalar_text: &dyn Fn(&Node) -> Option<String>,
) -> Vec<ArgoObject<'a>> {
    find_resolved(doc, &doc.root, scalar_text)
}

/// [`find`] in `doc`, the resolved copy ([`crate::yaml::resolve`]) of the document whose root as
/// written is `written`.
pub fn find_resolved<'a>(
    doc: &'a Document,
    written: &'a Node,
    scalar_text: &dyn Fn(&Node) -> Option<String>,
) -> Vec<ArgoObject<'a>> {
    let mut found = find_in(doc, scalar_text);
    for obj in &mut found {
        let source = if obj.route.is_empty() {
            Some(written)
        } else {
            let i: Option<usize> = obj
                .route
                .strip_prefix("items[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse().ok());
            written
                .get("items")
                .and_then(|items| i.and_then(|i| items.items().get(i)))
        };
        // Written as the object reads (spans equal): not an alias's copy.
        obj.source = source.filter(|s| s.span == obj.node.span && s.is_mapping());
    }
    found
}

fn find_in<'a>(
    doc: &'a Document,
    scalar_text: &dyn Fn(&Node) -> Option<String>,
) -> Vec<ArgoObject<'a>> {
    let mut found = Vec::new();
    let root = &doc.root;
    if root.get("kind").and_then(Node::as_str) == Some("List") {
        for (i, item) in root
            .get("items")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if let Some(obj) = recognise(doc.index, item, format!("items[{i}]"), scalar_text) {
                found.push(obj);
            }
        }
    } else if let Some(obj) = recognise(doc.index, root, String::new(), scalar_text) {
        found.push(obj);
    }
    found
}

fn recognise<'a>(
    document: usize,
    node: &'a Node,
    route: String,
    scalar_text: &dyn Fn(&Node) -> Option<String>,
) -> Option<ArgoObject<'a>> {
    let api_version = node.get("apiVersion")?.as_str()?;
    if !is_argo_group(api_version) {
        return None;
    }
    let kind_node = node.get("kind")?;
    let kind = match kind_node.as_str()? {
        "Application" => ArgoKind::Application,
        "ApplicationSet" => ArgoKind::ApplicationSet,
        _ => return None,
    };
    if is_patch_fragment(node) {
        return None;
    }
    let name = node.at("metadata.name").and_then(scalar_text);
    Some(ArgoObject {
        document,
        node,
        kind,
        kind_node,
        api_version: api_version.to_string(),
        name,
        route,
        source: None,
    })
}

/// A Kustomize strategic-merge patch: it has a `$patch` directive anywhere, or no `spec`.
pub fn is_patch_fragment(node: &Node) -> bool {
    node.get("spec").is_none() || has_patch_directive(node)
}

fn has_patch_directive(node: &Node) -> bool {
    // Iterative walk: depth is bounded by the parser, but keep the stack off the call stack.
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        for e in n.entries() {
            if e.key.as_str() == Some("$patch") {
                return true;
            }
            stack.push(&e.value);
        }
        stack.extend(n.items());
    }
    false
}
