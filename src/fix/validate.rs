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
use super::check::{
    data_preserved, fingerprint, parse_as_linted, parse_each_as_linted, resolved_root,
};
use crate::diagnostic::{Diagnostic, Edit};
use crate::source::Span;
use crate::yaml;

/// What validation needs to know of a file's documents, gathered while they are linted
/// (their trees are dropped one by one).
#[derive(Debug, Default)]
pub struct Facts {
    docs: Vec<DocFacts>,
    /// Syntax errors of the file.
    pub errors: usize,
    /// Anchored nodes that aliases refer to.
    aliased: Vec<Span>,
}

#[derive(Debug)]
struct DocFacts {
    index: usize,
    span: Span,
    /// The data's [`fingerprint`], for a document with a fix.
    fingerprint: Option<u64>,
}

impl Facts {
    /// Record a linted document: `view` is what was read (resolved), `span` its root's
    /// text, `diags` the diagnostics found in it.
    pub fn add(
        &mut self,
        view: &yaml::Document,
        span: &Span,
        aliased: Vec<Span>,
        diags: &[Diagnostic],
    ) {
        let has_fix = diags.iter().any(|d| d.fix.is_some());
        self.docs.push(DocFacts {
            index: view.index,
            span: span.clone(),
            fingerprint: has_fix.then(|| fingerprint(&view.root)),
        });
        self.aliased.extend(aliased);
    }

    /// The facts of `text`, parsed anew.
    pub fn of(text: &str) -> Facts {
        let parsed = parse_as_linted(text);
        let mut facts = Facts {
            errors: parsed.errors.len(),
            ..Facts::default()
        };
        for d in &parsed.documents {
            if d.refs {
                if let Ok(r) = yaml::resolve(&d.root) {
                    facts.aliased.extend(r.aliased);
                }
            }
            facts.docs.push(DocFacts {
                index: d.index,
                span: d.root.span.clone(),
                fingerprint: Some(fingerprint(&resolved_root(d))),
            });
        }
        facts
    }
}

/// Drop the fixes of `diags` (the diagnostics of `text`, whose documents `facts` describes)
/// that the safety net would refuse.
pub fn validate_fixes(text: &str, facts: &Facts, diags: &mut [Diagnostic]) {
    let with_fix: Vec<usize> = (0..diags.len())
        .filter(|&i| diags[i].fix.as_ref().is_some_and(|f| !f.edits.is_empty()))
        .collect();
    if with_fix.is_empty() {
        return;
    }
    let aliased = yaml::AliasedText::new(text, &facts.aliased);
    let mut pending = Vec::new();
    for i in with_fix {
        let edits = &diags[i].fix.as_ref().expect("has fix").edits;
        if edits.iter().any(|e| aliased.contains(e.span.start)) {
            diags[i].fix = None;
        } else {
            pending.push(i);
        }
    }
    let (batch, rest) = disjoint(diags, &pending);
    if batch.is_empty() {
        return;
    }
    let edits = edits_of(diags, &batch);
    let failed = if unchanged(facts, &apply_edits(text, &edits), &edits) {
        rest
    } else {
        pending
    };
    if !failed.is_empty() {
        per_document(text, facts, diags, &failed);
    }
}

/// Whether `after` (the text with `edits` applied) parses as well as the text `facts`
/// describes and holds the same data outside finalizer lists: a document with a fix has
/// the same [`fingerprint`]; one without sits at the same (shifted) place. Parsed one
/// document at a time, as linting does.
fn unchanged(facts: &Facts, after: &str, edits: &[&Edit]) -> bool {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| e.span.start);
    // Position in the fixed text of a position before the edits.
    let (mut at, mut delta) = (0, 0isize);
    let mut shift = |pos: usize| {
        while at < sorted.len() && sorted[at].span.end <= pos {
            delta += sorted[at].content.len() as isize - sorted[at].span.len() as isize;
            at += 1;
        }
        pos.checked_add_signed(delta)
    };
    let mut docs = facts.docs.iter();
    let mut same = true;
    let errors = parse_each_as_linted(after, &mut |a| {
        same &= docs.next().is_some_and(|b| {
            let moved = shift(b.span.start);
            b.index == a.index
                && match b.fingerprint {
                    Some(f) => fingerprint(&resolved_root(&a)) == f,
                    None => moved == Some(a.root.span.start) && a.root.span.len() == b.span.len(),
                }
        });
    });
    same && docs.next().is_none() && errors.len() <= facts.errors
}

/// Of `fixes` (indices into `diags`), those that can be applied together (taken in order
/// of their first edit, each after the edits taken before: no overlap, no insertion at the
/// same point), and the others. Linear after the sort.
fn disjoint(diags: &[Diagnostic], fixes: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let edits = |i: usize| &diags[i].fix.as_ref().expect("has fix").edits;
    let mut order: Vec<usize> = fixes.to_vec();
    order.sort_by_key(|&i| edits(i).iter().map(|e| e.span.start).min());
    let (mut batch, mut rest) = (Vec::new(), Vec::new());
    // The furthest end and the last start of the edits taken.
    let (mut frontier, mut last_start) = (0, None);
    for i in order {
        let free = edits(i)
            .iter()
            .all(|e| e.span.start >= frontier && Some(e.span.start) != last_start);
        if free {
            for e in edits(i) {
                frontier = frontier.max(e.span.end);
                last_start = last_start.max(Some(e.span.start));
            }
            batch.push(i);
        } else {
            rest.push(i);
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
fn per_document(text: &str, facts: &Facts, diags: &mut [Diagnostic], fixes: &[usize]) {
    let mut by_doc: std::collections::BTreeMap<Option<usize>, Vec<usize>> = Default::default();
    for &i in fixes {
        by_doc.entry(diags[i].document).or_default().push(i);
    }
    let roots: std::collections::HashMap<usize, &Span> =
        facts.docs.iter().map(|d| (d.index, &d.span)).collect();
    for (doc, fixes) in by_doc {
        let region = doc
            .and_then(|d| roots.get(&d))
            .map(|root| document_region(text, root));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{lint_text, FileOptions};

    /// A file's fixes that fail together are checked per document: the good ones stay, a
    /// fix that breaks the YAML or changes other data is dropped.
    #[test]
    fn failing_fixes_are_dropped_and_the_others_kept() {
        let app = |name: &str| {
            format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec: {{}}\n")
        };
        let text = format!("{}---\n{}---\n{}", app("a"), app("b"), app("c"));
        let mut diags = lint_text("x.yaml", &text, FileOptions::default());
        assert_eq!(diags.iter().filter(|d| d.fix.is_some()).count(), 3);
        // Break the second document's fix, and make the third's rename the object.
        let broken = diags[1].fix.as_mut().unwrap();
        broken.edits[0].content.push_str(",,");
        let rename = diags[2].fix.as_mut().unwrap();
        let at = text.rfind("name: c").unwrap() + 6;
        rename.edits.push(Edit {
            span: at..at + 1,
            content: "d".into(),
        });
        validate_fixes(&text, &Facts::of(&text), &mut diags);
        let kept: Vec<bool> = diags.iter().map(|d| d.fix.is_some()).collect();
        assert_eq!(kept, [true, false, false]);
    }

    /// An edit inside an anchored node that an alias refers to is never offered.
    #[test]
    fn edits_in_aliased_text_are_dropped() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: &m {name: a}\nspec: {x: *m}\n";
        let mut diags = lint_text("x.yaml", text, FileOptions::default());
        assert!(diags.iter().any(|d| d.rule == "missing-finalizer"));
        assert!(diags.iter().all(|d| d.fix.is_none()));
        // The same without the alias gets its fix.
        let text = text.replace("*m", "1");
        diags = lint_text("x.yaml", &text, FileOptions::default());
        assert!(diags.iter().any(|d| d.fix.is_some()));
    }
}
