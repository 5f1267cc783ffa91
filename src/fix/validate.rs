//! The fix planner's own check: a fix is attached to a diagnostic (shown in JSON `edits`,
//! counted fixable, taken by `--fix`) only when the safety net would accept it: applied,
//! the text parses as well as before and holds the same data outside finalizer lists
//! ([`data_preserved`]); and no edit lands in the text of an anchor that an alias refers to
//! (it would change the anchor's other users).
//!
//! Cost: all of a file's fixes are checked together, with one application and one parse
//! of the result. Only when that fails is each document checked on its own text (its
//! fixes together, then one by one when they fail together), so the work per fix stays
//! within its document.

use super::apply::apply_edits;
use super::check::{data_preserved, parse_as_linted};
use crate::diagnostic::{Diagnostic, Edit};
use crate::source::Span;
use crate::yaml;

/// Drop the fixes of `diags` (the diagnostics of `text`) that the safety net would refuse.
pub fn validate_fixes(text: &str, diags: &mut [Diagnostic]) {
    let with_fix: Vec<usize> = (0..diags.len())
        .filter(|&i| diags[i].fix.as_ref().is_some_and(|f| !f.edits.is_empty()))
        .collect();
    if with_fix.is_empty() {
        return;
    }
    let before = parse_as_linted(text);
    let aliased = aliased_spans(&before);
    let mut pending = Vec::new();
    for i in with_fix {
        let edits = &diags[i].fix.as_ref().expect("has fix").edits;
        if edits
            .iter()
            .any(|e| yaml::in_aliased(text, &aliased, e.span.start))
        {
            diags[i].fix = None;
        } else {
            pending.push(i);
        }
    }
    let (batch, rest) = disjoint(diags, &pending);
    if batch.is_empty() {
        return;
    }
    let after = parse_as_linted(&apply_edits(text, &edits_of(diags, &batch)));
    let failed = if data_preserved(&before, &after).is_ok() {
        rest
    } else {
        pending
    };
    if !failed.is_empty() {
        per_document(text, &before, diags, &failed);
    }
}

/// Spans of the anchored nodes that aliases refer to, in every document.
fn aliased_spans(parsed: &yaml::ParseOutput) -> Vec<Span> {
    parsed
        .documents
        .iter()
        .filter(|d| d.refs)
        .filter_map(|d| yaml::resolve(&d.root).ok())
        .flat_map(|r| r.aliased)
        .collect()
}

/// Of `fixes` (indices into `diags`), those that can be applied together (no edit overlaps
/// another's, nor inserts at the same point), and the others.
fn disjoint(diags: &[Diagnostic], fixes: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = fixes.to_vec();
    let start = |i: usize| {
        diags[i]
            .fix
            .as_ref()
            .and_then(|f| f.edits.iter().map(|e| e.span.start).min())
            .unwrap_or(0)
    };
    order.sort_by_key(|&i| start(i));
    let (mut batch, mut rest) = (Vec::new(), Vec::new());
    let mut taken: Vec<Span> = Vec::new();
    for i in order {
        let edits = &diags[i].fix.as_ref().expect("has fix").edits;
        let clash = edits.iter().any(|e| {
            taken
                .iter()
                .any(|t| (e.span.start < t.end && t.start < e.span.end) || e.span.start == t.start)
        });
        if clash {
            rest.push(i);
        } else {
            taken.extend(edits.iter().map(|e| e.span.clone()));
            batch.push(i);
        }
    }
    (batch, rest)
}

fn edits_of<'a>(diags: &'a [Diagnostic], fixes: &[usize]) -> Vec<&'a Edit> {
    fixes
        .iter()
        .flat_map(|&i| &diags[i].fix.as_ref().expect("has fix").edits)
        .collect()
}

/// Check `fixes` document by document, on each document's own text; drop those that fail.
fn per_document(text: &str, parsed: &yaml::ParseOutput, diags: &mut [Diagnostic], fixes: &[usize]) {
    let mut by_doc: std::collections::BTreeMap<Option<usize>, Vec<usize>> = Default::default();
    for &i in fixes {
        by_doc.entry(diags[i].document).or_default().push(i);
    }
    for (doc, fixes) in by_doc {
        let region = doc.and_then(|d| {
            let root = &parsed.documents.iter().find(|x| x.index == d)?.root;
            Some(document_region(text, &root.span))
        });
        let Some(region) = region else {
            fixes.iter().for_each(|&i| diags[i].fix = None);
            continue;
        };
        let (batch, rest) = disjoint(diags, &fixes);
        if fragment_accepts(text, &region, &edits_of(diags, &batch)) {
            for i in rest {
                if !fragment_accepts(text, &region, &edits_of(diags, &[i])) {
                    diags[i].fix = None;
                }
            }
        } else {
            for i in fixes {
                if !fragment_accepts(text, &region, &edits_of(diags, &[i])) {
                    diags[i].fix = None;
                }
            }
        }
    }
}

/// The whole lines holding a document's root node.
fn document_region(text: &str, root: &Span) -> Span {
    let start = text[..root.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[root.end.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| root.end + i + 1);
    start..end
}

/// Whether `edits`, all within `region`, keep the region's single document as it was.
fn fragment_accepts(text: &str, region: &Span, edits: &[&Edit]) -> bool {
    if edits
        .iter()
        .any(|e| e.span.start < region.start || e.span.end > region.end)
    {
        return false;
    }
    let fragment = &text[region.clone()];
    let shifted: Vec<Edit> = edits
        .iter()
        .map(|e| Edit {
            span: e.span.start - region.start..e.span.end - region.start,
            content: e.content.clone(),
        })
        .collect();
    let before = parse_as_linted(fragment);
    if before.documents.len() != 1 || !before.errors.is_empty() {
        return false;
    }
    let after = parse_as_linted(&apply_edits(fragment, &shifted.iter().collect::<Vec<_>>()));
    data_preserved(&before, &after).is_ok()
}
