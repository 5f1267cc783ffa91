//! `unused-suppression`: a suppression comment or annotation that suppresses nothing, or
//! is malformed (the problems are found by [`crate::suppress`]).

use super::{builtin, UNUSED_SUPPRESSION};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// An `unused-suppression` diagnostic: what is wrong (`message`), at `span` (`label`),
/// and what to do (`help`).
pub(crate) fn diagnostic(span: Span, message: String, label: String, help: String) -> Diagnostic {
    Diagnostic {
        rule: UNUSED_SUPPRESSION,
        severity: builtin(UNUSED_SUPPRESSION).severity,
        message,
        document: None,
        object: None,
        route: String::new(),
        span,
        label,
        labels: Vec::new(),
        help: Some(help),
        fix: None,
        related: Vec::new(),
        pending: None,
    }
}
