//! `syntax-error`: YAML that does not parse, and duplicate keys in Argo CD objects.

use super::{builtin, NOT_CHECKED, SYNTAX_ERROR};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::{objects, template, yaml};

/// A parse error: `syntax-error`, or `not-checked` when template actions explain it.
pub(crate) fn parse_error(text: &str, err: &yaml::SyntaxError, templated: bool) -> Diagnostic {
    let start = err.offset.min(text.len());
    let len = text[start..]
        .chars()
        .next()
        .filter(|c| !matches!(c, '\n' | '\r'))
        .map_or(0, char::len_utf8);
    let span: Span = start..start + len;
    let (rule, message, help) = if templated {
        (
            NOT_CHECKED,
            format!(
                "templated YAML does not parse even with its template actions masked ({}); document not checked",
                err.message
            ),
            "lint the rendered manifests to check it",
        )
    } else {
        (
            SYNTAX_ERROR,
            format!("invalid YAML: {}", err.message),
            "fix the YAML so that it parses; the rest of this document was not checked",
        )
    };
    Diagnostic {
        rule,
        severity: builtin(rule).severity,
        message,
        document: Some(err.document),
        object: None,
        route: String::new(),
        span,
        label: if templated {
            "parsing stopped here"
        } else {
            "syntax error here"
        }
        .into(),
        labels: Vec::new(),
        help: Some(help.into()),
        fix: None,
        related: Vec::new(),
        pending: None,
    }
}

/// Kubernetes' YAML decoder rejects duplicate mapping keys; report them in Argo CD objects
/// as syntax errors (the checks read the first occurrence).
/// Keys in different branches of one template `if` / `else` block are never rendered
/// together: they are not duplicates.
pub(crate) fn duplicate_keys(
    obj: &objects::ArgoObject,
    blocks: Option<&template::Blocks>,
    out: &mut Vec<Diagnostic>,
) {
    // Small mappings are scanned; larger ones get a map from key to its first entry, so
    // that a mapping of a million keys costs a million look-ups, not n²/2 comparisons.
    const SCAN_UP_TO: usize = 16;
    let mut stack = vec![obj.node];
    while let Some(node) = stack.pop() {
        let entries = node.entries();
        // A fresh map per large mapping: clearing one sized for a huge mapping would cost
        // its capacity again for every small mapping after it.
        let mut seen = std::collections::HashMap::<&str, usize>::new();
        if entries.len() > SCAN_UP_TO {
            seen.reserve(entries.len());
        }
        for (i, e) in entries.iter().enumerate() {
            stack.push(&e.value);
            let Some(key) = e.key.as_str() else { continue };
            let first = if entries.len() <= SCAN_UP_TO {
                entries[..i].iter().find(|f| f.key.as_str() == Some(key))
            } else {
                let at = *seen.entry(key).or_insert(i);
                (at != i).then(|| &entries[at])
            };
            let exclusive = |first: &yaml::Entry| {
                blocks.is_some_and(|b| b.exclusive(first.key.span.start, e.key.span.start))
            };
            if let Some(first) = first.filter(|f| !exclusive(f)) {
                out.push(Diagnostic {
                    rule: SYNTAX_ERROR,
                    severity: builtin(SYNTAX_ERROR).severity,
                    message: format!(
                        "duplicate key `{key}` in {}: Kubernetes rejects the object",
                        obj.describe()
                    ),
                    document: Some(obj.document),
                    object: Some(obj.object_ref()),
                    route: String::new(),
                    span: e.key.span.clone(),
                    label: "duplicate key".into(),
                    labels: vec![crate::diagnostic::Label {
                        span: first.key.span.clone(),
                        message: "first defined here".into(),
                    }],
                    help: Some("keep one of the two keys".into()),
                    fix: None,
                    related: Vec::new(),
                    pending: None,
                });
            }
        }
        stack.extend(node.items());
    }
}
