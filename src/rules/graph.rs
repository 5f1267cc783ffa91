//! The findings that depend on the app graph: settling the walk's pending findings once
//! the graph is known, and the findings only the graph gives.
//!
//! Every graph-dependent finding is made in the walk, as a candidate carrying a
//! [`Pending`]: its fix is built there (the walk has the document's tree) and its
//! suppression looked up there (comments and annotations). Settling keeps, rewrites or
//! drops it. Settled before suppressions ([`crate::lint::GraphMode::Resolved`]), a
//! suppressed finding is simply suppressed; settled after them (the walk's
//! [`crate::lint::GraphMode::Deferred`], then [`finish`]), a suppressed candidate was kept
//! with the suppression that matched it, and the `unused-suppression` of a suppression
//! that matched only candidates is pending too: both ways give the same findings.

use std::collections::HashSet;

use super::graph_parts::{and_list, named, related};
use crate::diagnostic::{Applicability, Diagnostic, GraphCheck, Pending};
use crate::graph::context::{Analysis, FileContext, ObjectFacts, Parent};

/// What `missing-finalizer`'s help says when its fix is unsafe because the Application
/// deploys Argo CD (itself, or below it).
pub const ARGOCD_FIX_NOTE: &str = "the fix is unsafe (`--fix --unsafe-fixes` applies it): \
     this Application deploys Argo CD (itself, or through the Applications below it), and \
     with a cascade finalizer deleting it deletes the running Argo CD in the middle of the \
     deletion (see `cascade-deletes-argocd`)";

/// Settles the pending findings of one file with its graph facts (`None`: the graph knows
/// nothing of the file, or there is no graph): each is kept, rewritten or dropped.
pub fn resolve(ctx: Option<&FileContext>, diagnostics: &mut Vec<Diagnostic>) {
    if diagnostics.iter().all(|d| d.pending.is_none()) {
        return;
    }
    let mut used: HashSet<usize> = HashSet::new();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for mut d in diagnostics.drain(..) {
        if !matches!(d.pending, Some(Pending::Finding { .. })) {
            kept.push(d);
            continue;
        }
        let Some(Pending::Finding {
            check,
            object,
            suppressed,
        }) = d.pending.take()
        else {
            kept.push(d);
            continue;
        };
        let facts = ctx.and_then(|c| c.object(object.document, &object.name));
        if !settle(&mut d, &check, facts) {
            continue;
        }
        match suppressed {
            Some(slot) => {
                used.insert(slot);
            }
            None => kept.push(d),
        }
    }
    // Without facts of the file there is no telling whether a graph finding was there to
    // suppress: as in the walk without a graph, such a suppression is not reported.
    kept.retain_mut(|d| match d.pending.take() {
        Some(Pending::UnusedSuppression { slot }) => ctx.is_some() && !used.contains(&slot),
        _ => true,
    });
    *diagnostics = kept;
}

/// Settles the pending findings of `diagnostics` in place, before suppressions (none is
/// suppressed yet): each is rewritten and its pending cleared; the result says which
/// stand (the caller drops the others, keeping its indices into the list right).
pub fn settle_in_place(ctx: Option<&FileContext>, diagnostics: &mut [Diagnostic]) -> Vec<bool> {
    diagnostics
        .iter_mut()
        .map(|d| match d.pending.take() {
            Some(Pending::Finding { check, object, .. }) => {
                let facts = ctx.and_then(|c| c.object(object.document, &object.name));
                settle(d, &check, facts)
            }
            _ => true,
        })
        .collect()
}

/// Whether the finding `d` stands, rewritten with what the graph says.
fn settle(d: &mut Diagnostic, check: &GraphCheck, facts: Option<&ObjectFacts>) -> bool {
    match check {
        GraphCheck::MissingFinalizer { what } => {
            if let Some(f) = facts {
                missing_finalizer(d, what, f);
            }
            true
        }
        GraphCheck::UnprunedChildren { what, reason } => {
            facts.is_some_and(|f| super::unpruned_children::settle(d, what, reason, f))
        }
        GraphCheck::CascadeDeletesArgoCd { what, direct } => {
            super::cascade_deletes_argocd::settle(d, what, *direct, facts)
        }
        GraphCheck::MultipleParents { what } => {
            facts.is_some_and(|f| super::multiple_parents::settle(d, what, f))
        }
    }
}

/// After the walk: settles the pending findings of `file` (repo-relative) with its graph
/// facts. (The rare findings only the graph gives that the walk does not prepare come
/// from a second look at the files [`Analysis::needs_second_look`] names.)
pub fn finish(analysis: &Analysis, file: &str, diagnostics: &mut Vec<Diagnostic>) {
    resolve(analysis.file(file), diagnostics);
}

/// `missing-finalizer` on an Application the graph knows: the message names its parents
/// and what removing its file does; the fix is unsafe if it deploys Argo CD.
fn missing_finalizer(d: &mut Diagnostic, what: &str, f: &ObjectFacts) {
    if let Some(consequence) = parent_consequence(f) {
        d.message = format!("{what} has no cascade finalizer: {consequence}");
        d.related = f
            .parents
            .iter()
            .map(|p| related(&p.place, parent_note(p, f)))
            .collect();
    }
    if f.installs_argocd || !f.argocd_below.is_empty() {
        if let Some(fix) = d.fix.as_mut() {
            fix.applicability = Applicability::Unsafe;
        }
        let help = d.help.get_or_insert_with(String::new);
        if !help.contains(ARGOCD_FIX_NOTE) {
            help.push('\n');
            help.push_str(ARGOCD_FIX_NOTE);
        }
    }
}

/// What a parent does to the child `f`, for its related location.
fn parent_note(p: &Parent, f: &ObjectFacts) -> String {
    let kind = p.place.kind.name();
    if p.generates {
        format!("the ApplicationSet `{}` generates it", p.place.name)
    } else if p.prunes && !f.keeps_on_prune {
        format!(
            "parent {kind} `{}`: prunes this Application when its file is removed",
            p.place.name
        )
    } else {
        format!(
            "parent {kind} `{}`: does not prune this Application",
            p.place.name
        )
    }
}

/// The consequence `missing-finalizer` states for a child: which parents it is bound to,
/// and whether removing its file deletes it (and so orphans its resources). None without
/// a parent (the generic consequence stays).
fn parent_consequence(f: &ObjectFacts) -> Option<String> {
    const LEFT: &str = "its resources would be left running";
    if let [p] = &f.parents[..] {
        if p.generates {
            return Some(format!(
                "generated by the ApplicationSet {}, which deletes it when its generator \
                 no longer produces it: {LEFT}",
                named(&p.place)
            ));
        }
    }
    let names: Vec<String> = f.parents.iter().map(|p| named(&p.place)).collect();
    let bound = format!("bound to {}", and_list(&names));
    let pruners: Vec<&Parent> = f.parents.iter().filter(|p| p.prunes).collect();
    Some(match (f.parents.len(), pruners.len()) {
        (0, _) => return None,
        _ if f.keeps_on_prune => format!(
            "{bound}, but it keeps itself when this file is removed (`Prune=false`): \
             deleting it still leaves its resources running"
        ),
        (1, 1) => format!("{bound}, which prunes it when this file is removed: {LEFT}"),
        (1, _) => format!(
            "{bound}, which does not prune it: removing this file leaves it in place, and \
             deleting it leaves its resources running"
        ),
        (_, 0) => format!(
            "{bound}, none of which prunes it: removing this file leaves it in place, and \
             deleting it leaves its resources running"
        ),
        _ => {
            let which: Vec<String> = pruners
                .iter()
                .map(|p| format!("`{}`", p.place.name))
                .collect();
            let verb = if which.len() == 1 { "prunes" } else { "prune" };
            format!(
                "{bound}; {} {verb} it when this file is removed: {LEFT}",
                and_list(&which)
            )
        }
    })
}

/// Whether findings of `rule` depend on the app graph (made as candidates, settled by it).
pub fn depends_on_graph(rule: &str) -> bool {
    use super::{CASCADE_DELETES_ARGOCD, MULTIPLE_PARENTS, UNPRUNED_CHILDREN};
    [UNPRUNED_CHILDREN, CASCADE_DELETES_ARGOCD, MULTIPLE_PARENTS].contains(&rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::context::Place;
    use crate::graph::AppKind;

    fn place(name: &str, kind: AppKind) -> Place {
        Place {
            name: name.into(),
            kind,
            file: format!("{name}.yaml"),
            span: 0..0,
            line: 4,
            column: 9,
            excerpt: format!("  name: {name}"),
        }
    }

    fn facts(parents: Vec<Parent>) -> ObjectFacts {
        ObjectFacts {
            document: 0,
            name: "child".into(),
            kind: AppKind::Application,
            parents,
            app_children: Vec::new(),
            app_children_count: 0,
            keeps_on_prune: false,
            installs_argocd: false,
            argocd_below: Vec::new(),
            cascade: crate::graph::Cascade::No,
            prune: false,
        }
    }

    #[test]
    fn consequences() {
        let parent = |name: &str, prunes: bool| Parent {
            place: place(name, AppKind::Application).into(),
            prunes,
            generates: false,
        };
        assert_eq!(parent_consequence(&facts(Vec::new())), None);
        let generated = Parent {
            place: place("set", AppKind::ApplicationSet).into(),
            prunes: true,
            generates: true,
        };
        let text = parent_consequence(&facts(vec![generated])).unwrap();
        assert!(
            text.starts_with("generated by the ApplicationSet `set` (set.yaml:4)"),
            "{text}"
        );
        let none = parent_consequence(&facts(vec![parent("a", false), parent("b", false)]));
        assert!(none
            .unwrap()
            .contains("bound to `a` (a.yaml:4) and `b` (b.yaml:4), none of which prunes it"));
        let both = parent_consequence(&facts(vec![parent("a", true), parent("b", true)]));
        assert!(both
            .unwrap()
            .contains("; `a` and `b` prune it when this file is removed"));
    }
}
