//! Recognising Argo CD objects in parsed YAML documents.
//!
//! An Argo CD object is a mapping whose `apiVersion` is in group `argoproj.io` and whose
//! `kind` is `Application` or `ApplicationSet` (Argo Workflows, Rollouts and the Argo CD
//! operator share the group). Objects inside a `kind: List` are recognised too. Kustomize
//! patch fragments (`$patch` anywhere, or no `spec`) are not objects to lint.

use crate::diagnostic::ObjectRef;
use crate::yaml::{Document, Node};

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
}

impl ArgoObject<'_> {
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
