//! `duplicate-finalizer`: the same string listed twice in one finalizer list.

use super::edits::{self, Layout};
use super::{builtin, finalizer_items, Context, DUPLICATE_FINALIZER};
use crate::diagnostic::{Diagnostic, Fix, Label};
use crate::objects::ArgoObject;
use crate::yaml::Node;
use std::collections::HashMap;

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let meta = builtin(DUPLICATE_FINALIZER);
    let field = meta.field(obj.kind.as_str());
    // The first item of each string, per list (by address: an ApplicationSet has two).
    let mut first: HashMap<(*const Node, &str), &Node> = HashMap::new();
    for finalizer_items::Item {
        route,
        list,
        node: item,
        value,
    } in finalizer_items::items(obj, field)
    {
        if ctx.any_action_in(&item.span) {
            continue;
        }
        let Some(earlier) = first.get(&(list as *const Node, value)).copied() else {
            first.insert((list as *const Node, value), item);
            continue;
        };
        let line = ctx.facts().lines.line_of(earlier.span.start);
        let list_route = route.rsplit_once('[').map_or(route.as_str(), |(r, _)| r);
        out.push(Diagnostic {
            rule: DUPLICATE_FINALIZER,
            severity: meta.severity,
            message: format!(
                "{}: `{value}` is listed twice in `{list_route}`",
                obj.describe()
            ),
            document: Some(obj.document),
            object: Some(obj.object_ref()),
            route: route.clone(),
            span: item.span.clone(),
            label: format!("already listed at line {line}"),
            labels: vec![Label {
                span: earlier.span.clone(),
                message: "first listed here".into(),
            }],
            help: Some("remove the repeated item".into()),
            fix: meta
                .fix
                .as_ref()
                .filter(|_| edits::line_editable(ctx.facts()))
                .and_then(|f| {
                    Some(Fix {
                        applicability: f.applicability,
                        title: f.title.replace("{value}", value),
                        edits: edits::remove_item(&Layout::new(ctx), list, item)?,
                    })
                }),
        });
    }
}
