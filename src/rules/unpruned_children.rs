//! `unpruned-children`: a parent Application (or ApplicationSet template) whose children
//! include Applications but that does not prune: removing a child's file from Git never
//! deletes the child Application. Made only with the file's graph facts known (a
//! candidate with its fix, kept if the graph shows Application children): the walk leaves
//! it to the second look at the parents the graph names, most Applications having none.

use super::graph_parts::{and_list, named, pending_on, related};
use super::{builtin, edits, Context, UNPRUNED_CHILDREN};
use crate::diagnostic::{Diagnostic, Edit, Fix, GraphCheck};
use crate::graph::context::ObjectFacts;
use crate::objects::{ArgoKind, ArgoObject};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    if !ctx.graph_facts {
        return;
    }
    let route = match obj.kind {
        ArgoKind::Application => "spec",
        ArgoKind::ApplicationSet => "spec.template.spec",
    };
    let Some(spec) = obj.node.at(route).filter(|s| s.is_mapping()) else {
        return;
    };
    if crate::graph::build::prunes(spec) || !super::graph_parts::may_have_children(spec) {
        return;
    }
    let automated = spec.at("syncPolicy.automated");
    let disabled = automated
        .and_then(|a| a.get("enabled"))
        .and_then(Node::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case("false"));
    let options_off = spec
        .at("syncPolicy.syncOptions")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .any(crate::graph::build::has_prune_false);
    let reason = if options_off {
        "`Prune=false` in `syncPolicy.syncOptions`"
    } else if disabled {
        "automated sync is disabled (`automated.enabled: false`)"
    } else if automated.is_some() {
        "`syncPolicy.automated.prune` is not true"
    } else {
        "no automated sync (`syncPolicy.automated`) prunes it"
    };
    let what = obj.describe();
    let Some(pending) = pending_on(
        obj,
        GraphCheck::UnprunedChildren {
            what: what.clone(),
            reason: reason.to_string(),
        },
    ) else {
        return;
    };
    let meta = builtin(UNPRUNED_CHILDREN);
    let fix = (!options_off && !disabled)
        .then(|| fix_for(obj, ctx, route))
        .flatten()
        .and_then(|edits| {
            let m = meta.fix.as_ref()?;
            Some(Fix {
                applicability: m.applicability,
                title: m
                    .title
                    .replace("{field}", &format!("{route}.syncPolicy.automated.prune")),
                edits,
            })
        });
    out.push(Diagnostic {
        rule: UNPRUNED_CHILDREN,
        severity: meta.severity,
        message: format!("{what} does not prune its child Applications: {reason}"),
        document: Some(obj.document),
        object: Some(obj.object_ref()),
        route: obj.route_to(&format!("{route}.syncPolicy")),
        span: span_of(obj, spec),
        label: "does not prune".into(),
        labels: Vec::new(),
        help: Some(format!(
            "set `{route}.syncPolicy.automated.prune: true` (this turns on automated sync if \
             it was off), or remove `Prune=false`; or, if the children are kept on purpose, \
             put `# gitops-lint: ignore[{UNPRUNED_CHILDREN}] <reason>` above the reported line"
        )),
        fix,
        related: Vec::new(),
        pending: Some(pending),
    });
}

/// Where the finding points: `prune`'s value, else the `syncPolicy` key, else the
/// object's `kind`.
fn span_of(obj: &ArgoObject, spec: &Node) -> Span {
    if let Some(p) = spec.at("syncPolicy.automated.prune") {
        return p.span.clone();
    }
    spec.entry_at("syncPolicy")
        .map_or_else(|| obj.kind_node.span.clone(), |e| e.key.span.clone())
}

/// The edits that make `spec` (at `route`) prune: `prune: false` becomes `true`; a
/// missing `prune`, `automated` or `syncPolicy` is added in the document's style.
fn fix_for(obj: &ArgoObject, ctx: &Context, route: &str) -> Option<Vec<Edit>> {
    let twice = |route: &str, key: &str| {
        obj.node.at(route).is_some_and(|m| {
            m.entries()
                .iter()
                .filter(|e| e.key.as_str() == Some(key))
                .count()
                > 1
        })
    };
    let policy = format!("{route}.syncPolicy");
    if !edits::line_editable(ctx.facts())
        || twice(route, "syncPolicy")
        || twice(&policy, "automated")
        || twice(&format!("{policy}.automated"), "prune")
    {
        return None;
    }
    let l = ctx.layout();
    let doc = ctx.document;
    let prune = [(0, "prune: true")];
    let automated = [(0, "automated:"), (1, "prune: true")];
    let policy = [(0, "syncPolicy:"), (1, "automated:"), (2, "prune: true")];
    let auto_route = format!("{route}.syncPolicy.automated");
    if let Some(entry) = obj.own_entry(&format!("{auto_route}.prune")) {
        return edits::replace_scalar(&entry.value, "true");
    }
    if let Some(entry) = obj.own_entry(&auto_route) {
        return match &entry.value.kind {
            NodeKind::Mapping {
                flow: true,
                entries,
            } if !entries.is_empty() => edits::add_to_flow(&l, &entry.value, "prune: true"),
            NodeKind::Mapping { flow: false, .. } => {
                edits::add_entries(&l, &entry.value, doc, &prune)
            }
            _ => edits::fill_empty(&l, entry, doc, &prune),
        };
    }
    let policy_route = format!("{route}.syncPolicy");
    if let Some(entry) = obj.own_entry(&policy_route) {
        return match &entry.value.kind {
            NodeKind::Mapping {
                flow: false,
                entries,
            } if !entries.is_empty() => edits::add_entries(&l, &entry.value, doc, &automated),
            NodeKind::Mapping { .. } => None,
            _ => edits::fill_empty(&l, entry, doc, &automated),
        };
    }
    let spec = obj.own_mapping(route)?;
    edits::add_entries(&l, spec, doc, &policy)
}

/// Keeps the candidate `d` if the object has Application children, naming them.
pub(super) fn settle(d: &mut Diagnostic, what: &str, reason: &str, f: &ObjectFacts) -> bool {
    if f.app_children.is_empty() {
        return false;
    }
    let n = f.app_children_count;
    let mut names: Vec<String> = f.app_children.iter().map(|p| named(p)).collect();
    if n > names.len() {
        names.push(format!("{} more", n - names.len()));
    }
    let children = if n == 1 {
        "a child Application"
    } else {
        "child Applications"
    };
    d.message = format!(
        "{what} syncs {children} ({}) but does not prune: {reason}, so removing a child's \
         file from Git never deletes the child Application",
        and_list(&names)
    );
    d.related = f
        .app_children
        .iter()
        .map(|c| {
            related(
                c,
                format!("child `{}`: not deleted when its file is removed", c.name),
            )
        })
        .collect();
    true
}
