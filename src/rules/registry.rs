//! The one list of built-in rules. A rule is its data file `rules/<id>.yaml` (severity,
//! texts, fix priority), its code file `src/rules/<id>.rs` and one line here.

use super::*;
use crate::diagnostic::Diagnostic;
use crate::objects::ArgoObject;

/// A check of one Argo CD object.
pub type Check = fn(&ArgoObject, &Context, &mut Vec<Diagnostic>);

/// Where a rule's findings are made.
#[derive(Clone, Copy)]
pub enum Runs {
    /// On every Argo CD object, in registry order.
    OnObject(Check),
    /// By the lint pipeline itself: parse errors (`syntax-error`), what it could not check
    /// (`not-checked`), suppressions that suppress nothing (`unused-suppression`).
    ByPipeline,
}

/// A built-in rule.
#[derive(Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub runs: Runs,
}

/// Every built-in rule, in the order of `rules list` (the order of their data files in
/// [`crate::rule_data`]).
pub const RULES: &[Rule] = &[
    Rule {
        id: MISSING_FINALIZER,
        runs: Runs::OnObject(missing_finalizer::check),
    },
    Rule {
        id: UNKNOWN_FINALIZER,
        runs: Runs::OnObject(unknown_finalizer::check),
    },
    Rule {
        id: CONTROLLER_MANAGED_FINALIZER,
        runs: Runs::OnObject(controller_managed_finalizer::check),
    },
    Rule {
        id: DUPLICATE_FINALIZER,
        runs: Runs::OnObject(duplicate_finalizer::check),
    },
    Rule {
        id: UNPRUNED_CHILDREN,
        runs: Runs::OnObject(unpruned_children::check),
    },
    Rule {
        id: CASCADE_DELETES_ARGOCD,
        runs: Runs::OnObject(cascade_deletes_argocd::check),
    },
    Rule {
        id: MULTIPLE_PARENTS,
        runs: Runs::OnObject(multiple_parents::check),
    },
    Rule {
        id: NOT_CHECKED,
        runs: Runs::ByPipeline,
    },
    Rule {
        id: SYNTAX_ERROR,
        runs: Runs::ByPipeline,
    },
    Rule {
        id: UNUSED_SUPPRESSION,
        runs: Runs::ByPipeline,
    },
];
