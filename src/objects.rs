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
pub mod family;
mod walk;

use crate::yaml::{Document, Entry, Node, NodeKind};
pub use walk::may_be_manifest;
use walk::walk;

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

pub use crate::route::{Route, Segment};

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
    /// Route from the document root to the object: empty, or e.g. `items[2]`,
    /// `extraObjects[0]`, `spec.templates[0].resource.manifest#0`.
    pub route: Route,
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
            route: self.route.clone(),
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
    find_in_document(doc, written, &Route::default(), true, scalar_text).objects
}

/// What [`find_in_document`] found: the objects, and the strings that may hold more.
#[derive(Debug, Default)]
pub struct Found<'a> {
    pub objects: Vec<ArgoObject<'a>>,
    pub strings: Vec<EmbeddedString<'a>>,
}

/// A string scalar that may hold a manifest of its own (a literal block `manifest: |`).
#[derive(Debug, Clone)]
pub struct EmbeddedString<'a> {
    pub node: &'a Node,
    pub route: Route,
    /// The `action` beside it (Argo Workflows `resource: {action, manifest}`).
    pub action: Option<&'a str>,
}

/// [`find_resolved`] with the routes starting at `prefix` (a string's own route, for the
/// documents of an embedded manifest). `deep`: look past the root (and a List's items) for
/// nested objects and manifest strings; the caller passes whether the document's text
/// holds the needle, so a document without it costs nothing more than before.
pub fn find_in_document<'a>(
    doc: &'a Document,
    written: &'a Node,
    prefix: &Route,
    deep: bool,
    scalar_text: &dyn Fn(&Node) -> Option<String>,
) -> Found<'a> {
    let mut found = walk(doc, prefix, deep, scalar_text);
    for obj in &mut found.objects {
        let source = obj.route.follow_from(prefix.len(), written);
        // Written as the object reads (spans equal): not an alias's copy.
        obj.source = source.filter(|s| s.span == obj.node.span && s.is_mapping());
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;

    fn objects_of(text: &str) -> Vec<(String, Option<String>, bool)> {
        let parsed = crate::yaml::parse(text, text);
        let doc = &parsed.documents[0];
        let n = |n: &Node| n.as_str().map(str::to_string);
        find(doc, &n)
            .into_iter()
            .map(|o| (o.route.to_string(), o.name, o.source.is_some()))
            .collect()
    }

    #[test]
    fn routes_render_keys_indices_and_documents() {
        let r = Route(vec![
            Segment::Key("spec".into()),
            Segment::Key("templates".into()),
            Segment::Index(1),
            Segment::Key("manifest".into()),
            Segment::Document(0),
            Segment::Key("items".into()),
            Segment::Index(2),
        ]);
        assert_eq!(r.to_string(), "spec.templates[1].manifest#0.items[2]");
        assert_eq!(Route::default().to_string(), "");
    }

    #[test]
    fn nested_objects_need_metadata_and_spec() {
        let app = "{apiVersion: argoproj.io/v1, kind: Application, metadata: {name: a}, spec: {}}";
        let text = format!(
            "a:\n  b: [{app}, {{apiVersion: argoproj.io/v1, kind: Application, spec: {{}}}}]\n\
             c: {{apiVersion: argoproj.io/v1, kind: Application, metadata: {{name: frag}}}}\n"
        );
        assert_eq!(
            objects_of(&text),
            [("a.b[0]".into(), Some("a".into()), true)]
        );
        // At the root, today's rules: no metadata is still an object (its finding says so).
        let root = "apiVersion: argoproj.io/v1\nkind: Application\nspec: {}\n";
        assert_eq!(objects_of(root), [(String::new(), None, true)]);
    }

    #[test]
    fn a_recognised_object_is_not_searched_except_its_helm_values() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\n\
                    spec:\n  template:\n    apiVersion: argoproj.io/v1alpha1\n    kind: Application\n    \
                    metadata: {name: t}\n    spec: {}\n";
        assert_eq!(objects_of(text).len(), 1);
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: o}\n\
                    spec:\n  sources:\n  - helm:\n      valuesObject:\n        extraObjects:\n        \
                    - {apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: i}, spec: {}}\n";
        let found = objects_of(text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[1].0,
            "spec.sources[0].helm.valuesObject.extraObjects[0]"
        );
    }

    /// An object reached through an alias is read, but has no text of its own to edit.
    #[test]
    fn objects_through_aliases_have_no_source() {
        let text = "base: &b {apiVersion: argoproj.io/v1, kind: Application, metadata: {name: a}, spec: {}}\n\
                    copy: *b\n";
        let parsed = crate::yaml::parse(text, text);
        let doc = &parsed.documents[0];
        let resolved = crate::yaml::resolve(&doc.root).unwrap();
        let view = Document {
            index: 0,
            root: resolved.root,
            refs: false,
        };
        let n = |n: &Node| n.as_str().map(str::to_string);
        let found = find_resolved(&view, &doc.root, &n);
        let routes: Vec<(String, bool)> = found
            .iter()
            .map(|o| (o.route.to_string(), o.source.is_some()))
            .collect();
        assert_eq!(routes, [("base".into(), true), ("copy".into(), false)]);
    }
}
