//! Object families: a GitOps engine's objects, as the pipeline sees them. A family says
//! which bytes a file must hold to contain one of its objects (the walk's prefilter) and
//! which mappings are its objects ([`Family::recognise`]); the walk over documents, nested
//! objects and manifest strings is shared ([`super::find_in_document`]). Argo CD is the one
//! family today; another engine (Flux) is a second value in [`FAMILIES`].

use super::{is_argo_group, is_patch_fragment, ArgoKind, ArgoObject, Route};
use crate::yaml::Node;

/// A GitOps engine's objects.
pub trait Family: Sync {
    /// The family's name, for messages and docs.
    fn name(&self) -> &'static str;
    /// Bytes every file holding one of the family's objects contains.
    fn needle(&self) -> &'static [u8];
    /// The family's object at `node` (a mapping of document `document`), if it is one.
    /// `nested`: the mapping sits below the document's root (not a `kind: List` item), where
    /// an object must also have `metadata`. `scalar_text` gives a scalar's text as written.
    fn recognise<'a>(
        &self,
        document: usize,
        node: &'a Node,
        nested: bool,
        scalar_text: &dyn Fn(&Node) -> Option<String>,
    ) -> Option<ArgoObject<'a>>;
}

/// Argo CD: `Application` and `ApplicationSet` in the `argoproj.io` group (Argo
/// Workflows, Rollouts and the Argo CD operator share the group: their kinds are not
/// objects of this family), Kustomize patch fragments excepted.
pub struct ArgoCd;

impl ArgoCd {
    /// The bytes a file must contain to hold an Argo CD object.
    pub const NEEDLE: &'static [u8] = b"argoproj.io";
}

impl Family for ArgoCd {
    fn name(&self) -> &'static str {
        "Argo CD"
    }

    fn needle(&self) -> &'static [u8] {
        Self::NEEDLE
    }

    fn recognise<'a>(
        &self,
        document: usize,
        node: &'a Node,
        nested: bool,
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
        if is_patch_fragment(node) || (nested && node.get("metadata").is_none()) {
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
            route: Route::default(),
            source: None,
        })
    }
}

/// The object families the pipeline recognises, in order: the first that recognises a
/// mapping owns it.
pub static FAMILIES: &[&dyn Family] = &[&ArgoCd];

/// The first family's object at `node`, if any.
pub fn recognise<'a>(
    document: usize,
    node: &'a Node,
    nested: bool,
    scalar_text: &dyn Fn(&Node) -> Option<String>,
) -> Option<ArgoObject<'a>> {
    FAMILIES
        .iter()
        .find_map(|f| f.recognise(document, node, nested, scalar_text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        crate::yaml::parse(text, text)
            .documents
            .into_iter()
            .next()
            .map(|d| d.root)
            .unwrap_or_else(|| panic!("parses: {text}"))
    }

    #[test]
    fn argo_cd_recognises_its_kinds_only() {
        let text = |_: &Node| None;
        let app = root(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {}\n",
        );
        let obj = recognise(0, &app, false, &text).map(|o| o.kind);
        assert_eq!(obj, Some(ArgoKind::Application));
        let workflow = root(
            "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec: {}\n",
        );
        assert!(recognise(0, &workflow, false, &text).is_none());
        // Nested below a root, an object needs metadata; at the root it does not.
        let bare = root("apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\n");
        assert!(recognise(0, &bare, false, &text).is_some());
        assert!(recognise(0, &bare, true, &text).is_none());
        // A patch fragment is no object.
        let patch =
            root("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n");
        assert!(recognise(0, &patch, false, &text).is_none());
    }

    #[test]
    fn the_prefilter_needle_is_every_familys() {
        for family in FAMILIES {
            assert_eq!(family.needle(), crate::lint::NEEDLE, "{}", family.name());
        }
    }
}
