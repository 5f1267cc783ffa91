//! `cascade-deletes-argocd`: an Application that deploys Argo CD itself (self-managed),
//! or a parent that cascades down to one, carrying a cascade finalizer: deleting it
//! deletes the running Argo CD in the middle of the deletion (DOMAIN §7,
//! argoproj/argo-cd#7301). One whose own text deploys Argo CD stands without the graph;
//! for one above Argo CD, a candidate on every cascading Application with children, made
//! only with the file's graph facts known (the walk leaves it to the second look).

use super::graph_parts::{deploys_argocd, is_application, named, pending_on, related};
use super::{builtin, Context, CASCADE_DELETES_ARGOCD};
use crate::diagnostic::{Diagnostic, GraphCheck};
use crate::graph::context::ObjectFacts;
use crate::objects::ArgoObject;
use crate::yaml::Node;

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    if !is_application(obj) {
        return;
    }
    let Some(item) = obj
        .node
        .at("metadata.finalizers")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find(|i| i.as_str().is_some_and(|s| ctx.is_cascade(s)))
    else {
        return;
    };
    let direct = deploys_argocd(obj);
    let below = || {
        obj.node
            .get("spec")
            .is_some_and(super::graph_parts::may_have_children)
    };
    if !(direct || ctx.graph_facts && below()) {
        return;
    }
    let what = obj.describe();
    let check = GraphCheck::CascadeDeletesArgoCd {
        what: what.clone(),
        direct,
    };
    let Some(pending) = pending_on(obj, check) else {
        return;
    };
    let meta = builtin(CASCADE_DELETES_ARGOCD);
    out.push(Diagnostic {
        rule: CASCADE_DELETES_ARGOCD,
        severity: meta.severity,
        // Written when the graph keeps it, unless it stands on its own.
        message: if direct {
            self_message(&what)
        } else {
            String::new()
        },
        document: Some(obj.document),
        object: Some(obj.object_ref()),
        route: obj.route_to("metadata.finalizers"),
        span: item.span.clone(),
        label: "cascades".into(),
        labels: Vec::new(),
        help: direct.then(help),
        fix: None,
        related: Vec::new(),
        pending: Some(pending),
    });
}

fn help() -> String {
    format!(
        "remove the cascade finalizer (write `finalizers: []`), so that deleting this \
         Application leaves Argo CD running; or, if that is intended, put \
         `# gitops-lint: ignore[{CASCADE_DELETES_ARGOCD}] <reason>` above the reported line"
    )
}

fn self_message(what: &str) -> String {
    format!(
        "{what} deploys Argo CD itself and carries a cascade finalizer: deleting it deletes \
         the running Argo CD in the middle of the deletion"
    )
}

/// Keeps the candidate `d` if the object deploys Argo CD or cascades down to one that does.
pub(super) fn settle(
    d: &mut Diagnostic,
    what: &str,
    direct: bool,
    facts: Option<&ObjectFacts>,
) -> bool {
    d.help = Some(help());
    if direct || facts.is_some_and(|f| f.installs_argocd) {
        d.message = self_message(what);
        return true;
    }
    let Some(target) = facts.and_then(|f| f.argocd_below.last()) else {
        return false;
    };
    let chain = facts.map_or(0, |f| f.argocd_below.len());
    let through = if chain > 1 {
        " (through the cascading Applications between them)"
    } else {
        ""
    };
    d.message = format!(
        "{what} carries a cascade finalizer and cascades down to {}{through}, which deploys \
         Argo CD itself: deleting it deletes the running Argo CD in the middle of the deletion",
        named(target)
    );
    d.related = vec![related(
        target,
        format!("`{}` deploys Argo CD and cascades", target.name),
    )];
    true
}
