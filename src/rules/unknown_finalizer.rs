//! `unknown-finalizer`: a finalizer that looks like Argo CD's but is not one it knows.

use super::edits::{self, Layout};
use super::{builtin, finalizer_items, Context, UNKNOWN_FINALIZER};
use crate::diagnostic::{Diagnostic, Fix};
use crate::objects::ArgoObject;
use crate::yaml::Node;

pub fn check(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let meta = builtin(UNKNOWN_FINALIZER);
    let mut last_list: Option<(&Node, Option<&str>)> = None;
    for finalizer_items::Item {
        route,
        list,
        node: item,
        value,
    } in finalizer_items::items(obj, meta.field(obj.kind.as_str()))
    {
        if meta.accepted.iter().any(|a| a == value) || ctx.any_action_in(&item.span) {
            continue;
        }
        let lower = value.to_ascii_lowercase();
        if !meta.looks_like.iter().any(|l| lower.contains(l.as_str())) {
            continue;
        }
        let suggestion = nearest(value, &meta.accepted);
        // The list's cascade finalizer, if it has one: then the typo is removed, never
        // replaced by a second copy of a cascade string.
        // Looked up once per list (a list of many typos would be quadratic).
        if !last_list.is_some_and(|(l, _)| std::ptr::eq(l, list)) {
            let found = list
                .items()
                .iter()
                .filter_map(Node::as_str)
                .find(|s| ctx.is_cascade(s));
            last_list = Some((list, found));
        }
        let cascade = last_list.and_then(|(_, c)| c);
        out.push(Diagnostic {
            rule: UNKNOWN_FINALIZER,
            severity: meta.severity,
            message: format!(
                "{}: unknown finalizer `{value}`; Argo CD ignores it",
                obj.describe()
            ),
            document: Some(obj.document),
            object: Some(obj.object_ref()),
            route,
            span: item.span.clone(),
            label: format!("did you mean `{suggestion}`?"),
            labels: Vec::new(),
            help: Some(format!("did you mean `{suggestion}`?")),
            // Only a cascade finalizer is written for the user: the controller-managed ones
            // do not belong in Git (`controller-managed-finalizer`).
            fix: meta
                .fix
                .as_ref()
                .filter(|_| ctx.is_cascade(suggestion))
                .and_then(|f| match cascade {
                    Some(cascade) => Some(Fix {
                        applicability: f.applicability,
                        title: f
                            .remove_title
                            .as_deref()
                            .unwrap_or(&f.title)
                            .replace("{value}", value)
                            .replace("{cascade}", cascade),
                        edits: edits::line_editable(ctx.facts())
                            .then(|| edits::remove_item(&Layout::new(ctx), list, item))??,
                    }),
                    None => Some(Fix {
                        applicability: f.applicability,
                        title: f.title.replace("{suggestion}", suggestion),
                        edits: edits::replace_scalar(item, suggestion)?,
                    }),
                }),
            related: Vec::new(),
            pending: None,
        });
    }
}

/// The accepted value closest to `value` (case-insensitive edit distance).
fn nearest<'a>(value: &str, accepted: &'a [String]) -> &'a str {
    let v = value.to_ascii_lowercase();
    accepted
        .iter()
        .min_by_key(|a| crate::distance::levenshtein(&v, &a.to_ascii_lowercase()))
        .map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let meta = builtin(UNKNOWN_FINALIZER);
        assert_eq!(
            nearest(
                "resources-finalizer.argocd.argoproj.io/Foreground",
                &meta.accepted
            ),
            "resources-finalizer.argocd.argoproj.io/foreground"
        );
        assert_eq!(
            nearest("resources-finalizer.argocd.argoproj.com", &meta.accepted),
            "resources-finalizer.argocd.argoproj.io"
        );
        assert_eq!(
            nearest(
                "post-delete-finalizer.argocd.argoproj.io/clean",
                &meta.accepted
            ),
            "post-delete-finalizer.argocd.argoproj.io/cleanup"
        );
    }
}
