//! The pieces the graph findings share: what an object's own text tells of the graph
//! (does it deploy Argo CD, may it have children), the candidate a finding waits as, and
//! the words and related locations naming other Applications. Below both the rules that
//! make graph findings and [`super::graph`], which settles them.

use crate::diagnostic::{GraphCheck, NodeKey, Pending, Related};
use crate::graph::context::Place;
use crate::objects::{ArgoKind, ArgoObject};

/// Whether an Application deploys Argo CD itself, as far as its own text tells.
pub(crate) fn deploys_argocd(obj: &ArgoObject) -> bool {
    let namespace = obj
        .node
        .at("metadata.namespace")
        .and_then(crate::yaml::Node::as_str);
    obj.node
        .get("spec")
        .is_some_and(|s| crate::graph::build::installs_argocd(s, namespace))
}

/// Whether `spec` has a source with a `path` (and no `chart`): only such a source can
/// sync files of the repository, so only then can the object have children.
pub(crate) fn may_have_children(spec: &crate::yaml::Node) -> bool {
    let single = spec.get("source").into_iter();
    let many = spec
        .get("sources")
        .map(crate::yaml::Node::items)
        .unwrap_or_default();
    single
        .chain(many.iter())
        .any(|s| s.get("path").is_some() && s.get("chart").is_none())
}

/// A pending `check` on `obj`, when `obj` can be a graph node: a document's own object
/// (not one inside a list or a manifest string) with a `metadata.name` string.
pub(crate) fn pending_on(obj: &ArgoObject, check: GraphCheck) -> Option<Pending> {
    if !obj.route.is_empty() {
        return None;
    }
    let name = obj
        .node
        .at("metadata.name")
        .and_then(crate::yaml::Node::as_str)?;
    Some(Pending::Finding {
        check,
        object: NodeKey {
            document: obj.document,
            name: name.to_string(),
        },
        suppressed: None,
    })
}

/// A related location at `place`.
pub(crate) fn related(place: &Place, message: String) -> Related {
    Related {
        path: place.file.clone(),
        span: place.span.clone(),
        line: place.line,
        column: place.column,
        excerpt: place.excerpt.clone(),
        message,
    }
}

/// `` `name` (file:line) ``, as messages name another object.
pub(crate) fn named(place: &Place) -> String {
    format!("`{}` ({}:{})", place.name, place.file, place.line)
}

/// Names joined: `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Whether `obj` is an Application (as opposed to an ApplicationSet).
pub(crate) fn is_application(obj: &ArgoObject) -> bool {
    obj.kind == ArgoKind::Application
}
