//! Suppressions: `# gitops-lint: ignore[RULE, ...] reason` comments and
//! `ignore.gitops-lint.dev/<rule-id>: "<reason>"` annotations.

use crate::diagnostic::Diagnostic;
use crate::objects::ArgoObject;

pub const ANNOTATION_PREFIX: &str = "ignore.gitops-lint.dev/";
const DIRECTIVE: &str = "gitops-lint:";

/// Rule ids named by a `gitops-lint: ignore[...]` directive in the comment part of `line`.
/// `only_comment` requires the line to hold nothing but the comment.
fn directive_rules(line: &str, only_comment: bool) -> Vec<&str> {
    let Some(at) = line.find(DIRECTIVE) else {
        return Vec::new();
    };
    // The directive must be in a comment: a `#` at the line start or after white space.
    let before = &line[..at];
    let Some(hash) = before.rfind('#') else {
        return Vec::new();
    };
    if hash > 0 && !before[..hash].ends_with([' ', '\t']) {
        return Vec::new();
    }
    if only_comment && !before[..hash].trim().is_empty() {
        return Vec::new();
    }
    let rest = line[at + DIRECTIVE.len()..].trim_start();
    let Some(rest) = rest.strip_prefix("ignore[") else {
        return Vec::new();
    };
    let Some(close) = rest.find(']') else {
        return Vec::new();
    };
    rest[..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether a comment directive on the diagnostic's primary line, or alone on the line
/// directly above it, names the diagnostic's rule.
pub fn by_comment(text: &str, diag: &Diagnostic) -> bool {
    let start = diag.span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if directive_rules(&text[line_start..line_end], false).contains(&diag.rule) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_end = line_start - 1;
    let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
    directive_rules(&text[prev_start..prev_end], true).contains(&diag.rule)
}

/// Whether the object carries an `ignore.gitops-lint.dev/<rule>` annotation.
pub fn by_annotation(obj: &ArgoObject, rule: &str) -> bool {
    obj.node
        .at("metadata.annotations")
        .map(|a| a.entries())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.key.as_str()?.strip_prefix(ANNOTATION_PREFIX))
        .any(|r| r == rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        assert_eq!(
            directive_rules(
                "metadata: # gitops-lint: ignore[missing-finalizer, x] root",
                false
            ),
            ["missing-finalizer", "x"]
        );
        assert!(directive_rules("  # gitops-lint: ignore[a] r", true) == ["a"]);
        assert!(directive_rules("a: b # gitops-lint: ignore[a] r", true).is_empty());
        assert!(directive_rules("a: b#gitops-lint: ignore[a]", false).is_empty());
        assert!(directive_rules("a: 'gitops-lint: ignore[a]'", false).is_empty());
    }
}
