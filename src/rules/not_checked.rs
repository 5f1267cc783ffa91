//! `not-checked`: what could not be checked, and why (template logic, a template
//! condition around the finalizers, aliases that cannot be resolved, templated YAML that
//! does not parse).

use super::{builtin, NOT_CHECKED};
use crate::diagnostic::Diagnostic;
use crate::objects::ArgoObject;
use crate::source::Span;
use crate::yaml;

/// Report that an object's finalizers come from template logic and were not checked.
pub(crate) fn template_logic(
    obj: &ArgoObject,
    span: Span,
    field: &str,
    reason: &str,
    out: &mut Vec<Diagnostic>,
) {
    let meta = builtin(NOT_CHECKED);
    out.push(Diagnostic {
        rule: NOT_CHECKED,
        severity: meta.severity,
        message: format!(
            "{}: `{field}` comes from {reason}; not checked",
            obj.describe()
        ),
        document: Some(obj.document),
        object: Some(obj.object_ref()),
        route: obj.route_to(field),
        span,
        label: format!("from {reason}"),
        labels: Vec::new(),
        help: Some("lint the rendered manifests to check it".into()),
        fix: None,
        related: Vec::new(),
        pending: None,
    });
}

/// Report that whether an object cascades depends on template conditions (`{{- if }}`
/// around its finalizers): decided at render time, not checked.
pub(crate) fn condition(
    obj: &ArgoObject,
    span: Span,
    field: &str,
    conds: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let meta = builtin(NOT_CHECKED);
    let names: Vec<String> = conds.iter().map(|c| format!("`{c}`")).collect();
    let names = if names.is_empty() {
        "a template condition".to_string()
    } else {
        names.join(" and ")
    };
    out.push(Diagnostic {
        rule: NOT_CHECKED,
        severity: meta.severity,
        message: format!(
            "{}: cascade depends on {names}: `{field}` is rendered on a template condition; not checked",
            obj.describe()
        ),
        document: Some(obj.document),
        object: Some(obj.object_ref()),
        route: obj.route_to(field),
        span,
        label: format!("depends on {names}"),
        labels: Vec::new(),
        help: Some(
            "lint the rendered manifests for each value of the condition, or write the \
             finalizer outside the condition"
                .into(),
        ),
        fix: None,
        related: Vec::new(),
        pending: None,
    });
}

/// A document whose aliases or merge keys cannot be resolved (an alias bomb, a merge key
/// over a scalar): its objects cannot be read as Kubernetes would.
pub(crate) fn unresolved(document: usize, err: &yaml::Unresolved, as_written: bool) -> Diagnostic {
    let message = if as_written {
        format!(
            "aliases and merge keys not resolved: {}; the document is checked as written, \
             without fixes",
            err.reason
        )
    } else {
        format!("document not checked: {}", err.reason)
    };
    Diagnostic {
        rule: NOT_CHECKED,
        severity: builtin(NOT_CHECKED).severity,
        message,
        document: Some(document),
        object: None,
        route: String::new(),
        span: err.span.start..err.span.start,
        label: "cannot be resolved".into(),
        labels: Vec::new(),
        help: Some("write the Argo CD object without this alias or merge key".into()),
        fix: None,
        related: Vec::new(),
        pending: None,
    }
}
