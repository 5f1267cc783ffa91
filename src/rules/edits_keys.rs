//! Edits that add keys (not finalizers) to block or flow mappings, in the document's
//! style: `unpruned-children`'s `prune: true` and the `automated:` / `syncPolicy:` it may
//! need. A child module of [`super`], sharing its [`Layout`].

use super::{entry_end, pad, Layout};
use crate::diagnostic::Edit;
use crate::yaml::{Entry, Node, NodeKind};

/// Columns between a key and its child keys in `mapping`: those of a child mapping
/// written as a block, else 2.
fn step(l: &Layout, mapping: &Node) -> usize {
    mapping
        .entries()
        .iter()
        .find_map(|e| {
            let first = e.value.entries().first()?;
            if matches!(e.value.kind, NodeKind::Mapping { flow: true, .. }) {
                return None;
            }
            let (outer, inner) = (
                l.key_col(e.key.span.start)?,
                l.key_col(first.key.span.start)?,
            );
            (inner > outer).then(|| inner - outer)
        })
        .unwrap_or(2)
}

/// The lines of `keys` (each: its depth below the first, and its text) written at
/// column `col`, `step` columns per depth.
fn lines_at(col: usize, step: usize, keys: &[(usize, &str)]) -> Vec<String> {
    keys.iter()
        .map(|(depth, text)| format!("{}{text}", pad(col + depth * step)))
        .collect()
}

/// Add `keys` as new entries at the end of the non-empty block mapping `mapping`, at its
/// entries' column. `document` is the document's root (its layout gives the indentation
/// step). None for a flow mapping, a JSON document, or template logic among its entries.
pub fn add_entries(
    l: &Layout,
    mapping: &Node,
    document: &Node,
    keys: &[(usize, &str)],
) -> Option<Vec<Edit>> {
    let NodeKind::Mapping {
        entries,
        flow: false,
    } = &mapping.kind
    else {
        return None;
    };
    let (first, last) = (entries.first()?, entries.last()?);
    if l.json || l.whole_line_action_in(first.key.span.start..entry_end(last)) {
        return None;
    }
    let col = l.key_col(first.key.span.start)?;
    let after = l.end_of_entry(entry_end(last), l.col(last.key.span.start));
    let edit = l.insert_lines(after, &lines_at(col, step(l, document), keys));
    (!l.inside_action(edit.span.start)).then(|| vec![edit])
}

/// Fill the entry `entry` that has no value (`key:` alone, or `{}`) with `keys`: lines
/// under a block key, `{k: v}` for an empty flow mapping (one key only).
pub fn fill_empty(
    l: &Layout,
    entry: &Entry,
    document: &Node,
    keys: &[(usize, &str)],
) -> Option<Vec<Edit>> {
    if l.json {
        return None;
    }
    match &entry.value.kind {
        NodeKind::Mapping {
            entries,
            flow: true,
        } if entries.is_empty() => {
            let [(0, key)] = keys else {
                return None;
            };
            let span = entry.value.span.clone();
            (l.text.get(span.clone()) == Some("{}")).then(|| {
                vec![Edit {
                    span,
                    content: format!("{{{key}}}"),
                }]
            })
        }
        _ if entry.value.is_null()
            && entry.value.span.is_empty()
            && l.nothing_after_key(&entry.key) =>
        {
            let col = l.key_col(entry.key.span.start)?;
            let step = step(l, document);
            let edit = l.insert_lines(entry.key.span.end, &lines_at(col + step, step, keys));
            (!l.inside_action(edit.span.start)).then(|| vec![edit])
        }
        _ => None,
    }
}

/// Add `key` (`k: v`) to the non-empty flow mapping `mapping` (not JSON), before its `}`.
pub fn add_to_flow(l: &Layout, mapping: &Node, key: &str) -> Option<Vec<Edit>> {
    let NodeKind::Mapping {
        entries,
        flow: true,
    } = &mapping.kind
    else {
        return None;
    };
    let last = entries.last()?;
    let at = entry_end(last);
    if l.json || last.value.span.is_empty() || l.inside_action(at) {
        return None;
    }
    Some(vec![Edit {
        span: at..at,
        content: format!(", {key}"),
    }])
}
