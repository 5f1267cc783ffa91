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
        // A null item (`~`, empty, an anchor alone) is no finalizer string to repeat.
        if item.is_null() || ctx.any_action_in(&item.span) {
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
            related: Vec::new(),
            pending: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{lint_text, FileOptions};

    fn rules_of(text: &str) -> Vec<&'static str> {
        lint_text("a.yaml", text, FileOptions::default())
            .iter()
            .map(|d| d.rule)
            .collect()
    }

    #[test]
    fn null_items_are_no_repeated_string() {
        let head = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n";
        // Nulls, also anchored ones (an anchor alone before a comma is a null item).
        for list in [
            "[resources-finalizer.argocd.argoproj.io, ~, ~]",
            "[resources-finalizer.argocd.argoproj.io, &a, &b ]",
            "[resources-finalizer.argocd.argoproj.io, &a x, &b x]",
        ] {
            let text = format!("{head}  finalizers: {list}\nspec: {{}}\n");
            let rules = rules_of(&text);
            let dup = rules.contains(&"duplicate-finalizer");
            // Only the anchored strings repeat a string; they are reported, not removed.
            assert_eq!(dup, list.contains('x'), "{list}: {rules:?}");
            let fixes = lint_text("a.yaml", &text, FileOptions::default())
                .into_iter()
                .filter(|d| d.rule == "duplicate-finalizer")
                .filter(|d| d.fix.is_some())
                .count();
            assert_eq!(fixes, 0, "{list}: an anchored item is never removed");
        }
        let text = format!("{head}  finalizers: [a, b, a]\nspec: {{}}\n");
        assert!(rules_of(&text).contains(&"duplicate-finalizer"));
    }
}
