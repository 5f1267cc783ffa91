//! `missing-finalizer`: an Argo CD object whose deletion would orphan its resources.

use super::{builtin, Context, MISSING_FINALIZER};
use crate::diagnostic::{Diagnostic, Label};
use crate::objects::{ArgoKind, ArgoObject};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};

/// What the finalizer list of an object says.
enum Finding<'a> {
    /// No `metadata` at all.
    NoMetadata,
    /// `metadata` without `finalizers`.
    NoFinalizers { metadata_key: &'a Node },
    /// `finalizers:` with no value (or `null`).
    Empty { key: &'a Node },
    /// A list of finalizers, none of which cascades.
    NoCascade { key: &'a Node, others: Vec<&'a str> },
    /// `finalizers` is not a list.
    NotAList { key: &'a Node },
}

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let meta = builtin(MISSING_FINALIZER);
    let field = meta.field(obj.kind.as_str());
    let (metadata_route, _) = field.rsplit_once('.').unwrap_or(("metadata", ""));
    let accepted = |s: &str| meta.accepted.iter().any(|a| a == s);

    if obj.kind == ArgoKind::ApplicationSet
        && obj
            .node
            .at("spec.syncPolicy.preserveResourcesOnDeletion")
            .is_some_and(Node::is_true)
    {
        return;
    }

    let metadata_entry = obj.node.entry_at(metadata_route);
    let finding = match metadata_entry {
        None => {
            if obj.kind == ArgoKind::ApplicationSet {
                return; // no template metadata: the controller injects the finalizer
            }
            if ctx.templated_between_children(obj.node, obj.node.span.clone()) {
                return super::not_checked(
                    obj,
                    ctx,
                    obj.kind_node.span.clone(),
                    "metadata",
                    "template logic",
                    out,
                );
            }
            Finding::NoMetadata
        }
        Some(md) => {
            let region = ctx.entry_region(&md.key);
            if md.value.entry("<<").is_some() || matches!(md.value.kind, NodeKind::Alias) {
                // Merge keys / aliases: the finalizers may come from the anchored mapping.
                if md.value.entry("finalizers").is_none() {
                    return super::not_checked(
                        obj,
                        ctx,
                        md.key.span.clone(),
                        field,
                        "a YAML merge key or alias",
                        out,
                    );
                }
            }
            match md.value.entry("finalizers") {
                None => {
                    if obj.kind == ArgoKind::ApplicationSet {
                        return;
                    }
                    if ctx.templated_between_children(&md.value, region) {
                        return super::not_checked(
                            obj,
                            ctx,
                            md.key.span.clone(),
                            field,
                            "template logic",
                            out,
                        );
                    }
                    Finding::NoFinalizers {
                        metadata_key: &md.key,
                    }
                }
                Some(fin) => {
                    let items = fin.value.items();
                    if items.iter().any(|i| i.as_str().is_some_and(accepted)) {
                        return;
                    }
                    let fin_region = ctx.entry_region(&fin.key);
                    if ctx.any_action_in(&fin_region) || matches!(fin.value.kind, NodeKind::Alias) {
                        return super::not_checked(
                            obj,
                            ctx,
                            fin.key.span.clone(),
                            field,
                            "template logic",
                            out,
                        );
                    }
                    match &fin.value.kind {
                        NodeKind::Sequence { items, .. } if items.is_empty() => {
                            // `finalizers: []` is the explicit opt-out; for an
                            // ApplicationSet an empty template list makes the controller
                            // inject the finalizer.
                            return;
                        }
                        NodeKind::Sequence { items, .. } => Finding::NoCascade {
                            key: &fin.key,
                            others: items.iter().filter_map(Node::as_str).collect(),
                        },
                        _ if fin.value.is_null() => {
                            if obj.kind == ArgoKind::ApplicationSet {
                                return;
                            }
                            Finding::Empty { key: &fin.key }
                        }
                        _ => Finding::NotAList { key: &fin.key },
                    }
                }
            }
        }
    };

    let what = obj.describe();
    let value = meta
        .fix
        .as_ref()
        .and_then(|f| f.value.as_deref())
        .unwrap_or(&meta.accepted[0]);
    let (span, detail, help): (Span, String, String) = match &finding {
        Finding::NoMetadata => (
            obj.kind_node.span.clone(),
            "no `metadata`".into(),
            format!("add:\nmetadata:\n  finalizers:\n    - {value}"),
        ),
        Finding::NoFinalizers { metadata_key } => (
            metadata_key.span.clone(),
            "no `finalizers` here".into(),
            format!("add to `{metadata_route}`:\n  finalizers:\n    - {value}"),
        ),
        Finding::Empty { key } => (
            key.span.clone(),
            "`finalizers` has no value".into(),
            format!("add under `finalizers:`:\n  - {value}"),
        ),
        Finding::NoCascade { key, others } => (
            key.span.clone(),
            format!(
                "none of {} cascades",
                others
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("add the item:\n  - {value}"),
        ),
        Finding::NotAList { key } => (
            key.span.clone(),
            "`finalizers` is not a list".into(),
            format!("write it as a list:\n  finalizers:\n    - {value}"),
        ),
    };
    let consequence = match (obj.kind, ctx.location_hint) {
        (ArgoKind::Application, _) if is_app_of_apps(obj) => {
            "it is an app of apps: deleting it orphans every Application it manages and their resources"
                .to_string()
        }
        (ArgoKind::Application, Some(hint)) => hint.to_string(),
        (ArgoKind::Application, None) => "deleting it orphans every resource it manages".to_string(),
        (ArgoKind::ApplicationSet, _) => {
            "the Applications it generates orphan their resources when deleted".to_string()
        }
    };
    let message = format!("{what} has no cascade finalizer: {consequence}");
    let mut help = help;
    if obj.kind == ArgoKind::Application {
        help.push_str("\nor, to keep the resources on purpose, write `finalizers: []`");
    }
    let mut labels = Vec::new();
    if span != obj.kind_node.span {
        labels.push(Label {
            span: obj.kind_node.span.clone(),
            message: format!("this {}", obj.kind.as_str()),
        });
    }
    out.push(Diagnostic {
        rule: MISSING_FINALIZER,
        severity: meta.severity,
        message,
        document: Some(obj.document),
        object: Some(obj.object_ref()),
        route: obj.route_to(field),
        span,
        label: detail,
        labels,
        help: Some(help),
        fix: None,
    });
}

/// A Kubefirst-style app of apps: the `registry` Application, or one whose source path is
/// a registry folder.
fn is_app_of_apps(obj: &ArgoObject) -> bool {
    if obj.kind != ArgoKind::Application {
        return false;
    }
    if obj.name.as_deref() == Some("registry") {
        return true;
    }
    let spec = obj.node.get("spec");
    let single = spec.and_then(|s| s.at("source.path")).into_iter();
    let multi = spec
        .and_then(|s| s.get("sources"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.get("path"));
    single
        .chain(multi)
        .filter_map(Node::as_str)
        .any(|p| p.trim_start_matches("./").starts_with("registry/"))
}
