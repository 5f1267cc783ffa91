//! `controller-managed-finalizer`: pre-/post-delete hook finalizers written in Git.

use super::edits::{self, Layout};
use super::{builtin, finalizer_items, Context, CONTROLLER_MANAGED_FINALIZER};
use crate::diagnostic::{Diagnostic, Fix};
use crate::objects::ArgoObject;

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let meta = builtin(CONTROLLER_MANAGED_FINALIZER);
    for finalizer_items::Item {
        route,
        list,
        node: item,
        value,
    } in finalizer_items::items(obj, meta.field(obj.kind.as_str()))
    {
        if !meta.accepted.iter().any(|a| a == value) {
            continue;
        }
        out.push(Diagnostic {
            rule: CONTROLLER_MANAGED_FINALIZER,
            severity: meta.severity,
            message: format!(
                "{}: `{value}` is added and removed by the Argo CD controller; do not write it in Git",
                obj.describe()
            ),
            document: Some(obj.document),
            object: Some(obj.object_ref()),
            route,
            span: item.span.clone(),
            label: "set by the controller".into(),
            labels: Vec::new(),
            help: Some(
                "remove it; it does not cascade: use `resources-finalizer.argocd.argoproj.io` for that"
                    .into(),
            ),
            // Never the only item: that would leave `finalizers: []`, the opt-out.
            fix: meta.fix.as_ref().filter(|_| edits::line_editable(ctx.facts()) && list.items().len() > 1 && matches!(list.kind, crate::yaml::NodeKind::Sequence { flow: false, .. })).and_then(|f| {
                let layout = Layout::new(ctx);
                Some(Fix {
                    applicability: f.applicability,
                    title: f.title.replace("{value}", value),
                    edits: edits::remove_item(&layout, list, item)?,
                })
            }),
            related: Vec::new(),
            pending: None,
        });
    }
}
