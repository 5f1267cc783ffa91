//! `multiple-parents`: one Application file synced by two parents. Two owners fight over
//! the object (each syncs it to its own version), and removing it from one parent's
//! source prunes it while the other recreates it. A candidate on every object of the
//! walk, kept only if the graph shows two parents.

use super::graph_parts::{and_list, named, pending_on, related};
use super::{builtin, Context, MULTIPLE_PARENTS};
use crate::diagnostic::{Diagnostic, GraphCheck};
use crate::graph::context::ObjectFacts;
use crate::objects::ArgoObject;

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    if !ctx.graph_facts {
        return;
    }
    let check = GraphCheck::MultipleParents {
        what: obj.describe(),
    };
    let Some(pending) = pending_on(obj, check) else {
        return;
    };
    let meta = builtin(MULTIPLE_PARENTS);
    let span = obj
        .node
        .at("metadata.name")
        .map_or_else(|| obj.kind_node.span.clone(), |n| n.span.clone());
    out.push(Diagnostic {
        rule: MULTIPLE_PARENTS,
        severity: meta.severity,
        // Written when the graph keeps it (most candidates are dropped: kept small).
        message: String::new(),
        document: Some(obj.document),
        object: Some(obj.object_ref()),
        route: obj.route_to("metadata.name"),
        span,
        label: String::new(),
        labels: Vec::new(),
        help: None,
        fix: None,
        related: Vec::new(),
        pending: Some(pending),
    });
}

/// Keeps the candidate `d` if two or more parents sync the object's file.
pub(super) fn settle(d: &mut Diagnostic, what: &str, f: &ObjectFacts) -> bool {
    if f.parents.len() < 2 {
        return false;
    }
    let names: Vec<String> = f.parents.iter().map(|p| named(&p.place)).collect();
    d.message = format!(
        "{what} is synced by {} parents, {}: they fight over it, and removing it from one \
         prunes it while another recreates it",
        f.parents.len(),
        and_list(&names)
    );
    d.label = format!("synced by {} parents", f.parents.len());
    d.help = Some(
        "keep the file in one parent's source only (exclude it from the others with \
         `directory.exclude`, or move it)"
            .into(),
    );
    d.related = f
        .parents
        .iter()
        .map(|p| {
            related(
                &p.place,
                format!("parent `{}` syncs this file", p.place.name),
            )
        })
        .collect();
    true
}
