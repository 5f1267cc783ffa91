//! Built-in rules. Each rule's data (id, severity, texts, field paths, accepted values)
//! lives in `rules/<id>.yaml`, compiled into the binary; the check code in
//! `src/rules/<id>.rs` reads that data rather than repeating it.

mod cascade_deletes_argocd;
mod controller_managed_finalizer;
pub(crate) mod decision;
mod duplicate_finalizer;
pub mod edits;
mod finalizer_items;
pub mod graph;
mod graph_parts;
mod missing_finalizer;
mod multiple_parents;
pub(crate) mod not_checked;
pub mod registry;
pub(crate) mod syntax_error;
mod unknown_finalizer;
mod unpruned_children;
pub(crate) mod unused_suppression;

use crate::diagnostic::Diagnostic;
use crate::objects::ArgoObject;
pub use crate::rule_data::{all, meta, DeliberateMeta, FixMeta, RuleMeta, DOCS_BASE};
use crate::source::Span;
use crate::yaml::Node;

pub const MISSING_FINALIZER: &str = "missing-finalizer";
pub const UNKNOWN_FINALIZER: &str = "unknown-finalizer";
pub const CONTROLLER_MANAGED_FINALIZER: &str = "controller-managed-finalizer";
pub const DUPLICATE_FINALIZER: &str = "duplicate-finalizer";
pub const NOT_CHECKED: &str = "not-checked";
pub const SYNTAX_ERROR: &str = "syntax-error";
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
pub const UNPRUNED_CHILDREN: &str = "unpruned-children";
pub const CASCADE_DELETES_ARGOCD: &str = "cascade-deletes-argocd";
pub const MULTIPLE_PARENTS: &str = "multiple-parents";

/// The data of a built-in rule known to exist.
pub(crate) fn builtin(id: &'static str) -> &'static RuleMeta {
    meta(id).unwrap_or_else(|| panic!("built-in rule {id} has no data"))
}

/// Bytes scanned directly for a line break or start before the file's line index is used.
const SHORT_LINE: usize = 512;

/// What a rule check sees besides the object.
pub struct Context<'a> {
    /// The file's text as stored.
    pub text: &'a str,
    /// Template actions masked in the file, if it is templated.
    pub masked: Option<&'a crate::template::Masked>,
    /// The root node of the document being checked (its style guides fixes).
    pub document: &'a Node,
    pub settings: &'a crate::settings::Settings,
    /// The file's [`TextFacts`](crate::source::TextFacts), built on first use (a file
    /// without findings never needs them).
    pub facts: &'a std::cell::OnceCell<crate::source::TextFacts>,
    /// Per-document layout facts for fixes, built on first use.
    pub doc_layout: std::cell::OnceCell<crate::rules::edits::DocLayout>,
    /// The app graph's facts of this file are known now ([`crate::lint::GraphMode::Resolved`]
    /// with facts): the findings that only the graph gives and that are rare
    /// (`multiple-parents`, `cascade-deletes-argocd` above Argo CD) are made only then; the
    /// walk leaves them to a second look at the few files the graph names
    /// ([`crate::graph::context::Analysis::needs_second_look`]).
    pub graph_facts: bool,
}

impl<'a> Context<'a> {
    /// The file's text facts (line index, ...), built once per file.
    pub fn facts(&self) -> &'a crate::source::TextFacts {
        self.facts
            .get_or_init(|| crate::source::TextFacts::new(self.text))
    }

    /// The layout of fixes in this document.
    pub fn layout(&self) -> crate::rules::edits::Layout<'_> {
        crate::rules::edits::Layout::new(self)
    }

    /// Text of the line that starts at `start` (without the line break).
    fn line_at(text: &str, start: usize) -> &str {
        let rest = &text[start..];
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        rest[..end].trim_end_matches('\r')
    }

    /// Bytes from the end of `key` to the end of its entry's block: the following lines
    /// that are blank, comments, or indented deeper than the key. A line holding only a
    /// template action counts at its own indentation, or at its `nindent`/`indent`
    /// argument, since that is where its output lands.
    pub fn entry_region(&self, entry: &crate::yaml::Entry) -> Span {
        let key = &entry.key;
        let text = self.text;
        let masked = self.masked.map_or(text, |m| m.text.as_str());
        // The key's column is needed only when a line follows (not on a one-line file,
        // where it would cost the whole line per entry).
        let column = std::cell::OnceCell::new();
        let column = || {
            *column.get_or_init(|| {
                let from = key.span.start.saturating_sub(SHORT_LINE);
                let head = &text.as_bytes()[from..key.span.start];
                match memchr::memrchr(b'\n', head) {
                    Some(i) => text[from + i + 1..key.span.start].chars().count(),
                    None if from == 0 => text[..key.span.start].chars().count(),
                    None => self.facts().chars_before(text, key.span.start),
                }
            })
        };
        // The end of the key's line: found directly on a short line, else from the line
        // index (a one-line file would be scanned to its end for every entry).
        let rest = &text.as_bytes()[key.span.end..];
        let mut pos = match memchr::memchr(b'\n', &rest[..rest.len().min(SHORT_LINE)]) {
            Some(i) => key.span.end + i + 1,
            None => (self.facts().lines.line_end(text, key.span.end) + 1).min(text.len()),
        };
        while pos < text.len() {
            let line = Self::line_at(masked, pos);
            let original = Self::line_at(text, pos);
            let trimmed = line.trim_start();
            let indent = if trimmed.is_empty() {
                let o = original.trim_start();
                if o.is_empty() || o.starts_with('#') {
                    None
                } else {
                    Some(crate::template::output_indent(o).unwrap_or(original.len() - o.len()))
                }
            } else if trimmed.starts_with('#') {
                None
            } else {
                Some(line.len() - trimmed.len())
            };
            if indent.is_some_and(|i| i <= column()) {
                break;
            }
            pos = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        }
        // An indentless block sequence sits at the key's own indentation.
        key.span.end..pos.max(key.span.end).max(entry.value.span.end)
    }

    /// Whether `finalizer` makes Argo CD cascade the deletion.
    pub fn is_cascade(&self, finalizer: &str) -> bool {
        builtin(MISSING_FINALIZER)
            .accepted
            .iter()
            .any(|a| a == finalizer)
            || self.settings.extra_cascade.iter().any(|a| a == finalizer)
    }

    /// Where `finalizers:` goes when a fix adds it.
    pub fn position(&self) -> crate::config::FinalizerPosition {
        self.settings.finalizer_position
    }

    /// Whether a template action overlaps `region`.
    pub fn any_action_in(&self, region: &Span) -> bool {
        self.masked
            .is_some_and(|m| m.actions_in(region).next().is_some())
    }

    /// The template conditions that decide whether `pos` is rendered, beyond those that
    /// also decide `anchor` (e.g. the key holding `pos`). Empty when not templated.
    pub fn conditions(&self, pos: usize, anchor: usize) -> Vec<String> {
        self.masked
            .map_or_else(Vec::new, |m| m.blocks.conditions(pos, anchor))
    }

    /// Whether `a` and `b` are in different branches of one template `if` / `else`.
    pub fn exclusive(&self, a: usize, b: usize) -> bool {
        self.masked.is_some_and(|m| m.blocks.exclusive(a, b))
    }

    /// Whether a whole-line template action in `region` that outputs text sits between
    /// the children of `mapping` (where it could add or remove keys) rather than inside
    /// one child's block, or a key of `mapping` is written by the template.
    pub fn templated_between_children(&self, mapping: &Node, region: Span) -> bool {
        let Some(masked) = self.masked else {
            return false;
        };
        // A key written by the template (`{{ $k }}: v`) can be any key.
        if mapping
            .entries()
            .iter()
            .any(|e| self.any_action_in(&e.key.span))
        {
            return true;
        }
        let mut children: Vec<Span> = mapping
            .entries()
            .iter()
            .map(|e| self.entry_region(e))
            .collect();
        // By start, with the furthest end so far: an action is inside some child's block
        // iff the children starting at or before it reach its end (a binary search per
        // action rather than a scan of every child).
        children.sort_by_key(|c| c.start);
        let reach: Vec<usize> = children
            .iter()
            .scan(0, |end, c| {
                *end = c.end.max(*end);
                Some(*end)
            })
            .collect();
        // Control actions (`{{- if }}`, `{{- end }}`), comments and assignments output
        // nothing: only the YAML between them, which is read, can add keys.
        masked
            .actions_in(&region)
            .filter(|a| a.whole_line && !masked.syntax.is_silent(&self.text[a.span.clone()]))
            .any(|a| {
                let before = children.partition_point(|c| c.start <= a.span.start);
                before == 0 || reach[before - 1] < a.span.end
            })
    }
}

/// The checks of finalizer strings (`unknown-finalizer`, `controller-managed-finalizer`)
/// alone: for objects rendered from chart values ([`crate::helm_apps`]).
pub(crate) fn check_finalizer_strings(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    unknown_finalizer::check(obj, ctx, out);
    controller_managed_finalizer::check(obj, ctx, out);
}

/// Run every object rule on one Argo CD object.
pub fn check_object(obj: &ArgoObject, ctx: &Context, out: &mut Vec<Diagnostic>) {
    for rule in registry::RULES {
        if let registry::Runs::OnObject(check) = rule.runs {
            check(obj, ctx, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_parses_and_has_docs() {
        let ids: Vec<&str> = all().iter().map(|m| m.id.as_str()).collect();
        let registered: Vec<&str> = registry::RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids, registered, "rules/*.yaml and the registry");
        assert_eq!(
            ids,
            [
                MISSING_FINALIZER,
                UNKNOWN_FINALIZER,
                CONTROLLER_MANAGED_FINALIZER,
                DUPLICATE_FINALIZER,
                UNPRUNED_CHILDREN,
                CASCADE_DELETES_ARGOCD,
                MULTIPLE_PARENTS,
                NOT_CHECKED,
                SYNTAX_ERROR,
                UNUSED_SUPPRESSION
            ]
        );
        for m in all() {
            assert!(m.docs.contains("## What it does"), "{} docs", m.id);
            assert!(!m.summary.is_empty() && !m.rationale.is_empty());
        }
        // Every file under rules/ is compiled in.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .trim_end_matches(".yaml")
                    .to_string()
            })
            .collect();
        on_disk.sort();
        let mut compiled: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        compiled.sort();
        assert_eq!(on_disk, compiled);
    }
}
