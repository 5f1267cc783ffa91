//! `unused-suppression`: a suppression comment or annotation that suppresses nothing, or
//! is malformed (the problems are found by [`crate::suppress`]).

use super::{builtin, UNUSED_SUPPRESSION};
use crate::diagnostic::Diagnostic;
use crate::suppress;

/// An `unused-suppression` diagnostic.
pub(crate) fn diagnostic(p: suppress::Problem) -> Diagnostic {
    Diagnostic {
        rule: UNUSED_SUPPRESSION,
        severity: builtin(UNUSED_SUPPRESSION).severity,
        message: p.message,
        document: None,
        object: None,
        route: String::new(),
        span: p.span,
        label: p.label,
        labels: Vec::new(),
        help: Some(p.help),
        fix: None,
        related: Vec::new(),
        pending: None,
    }
}
