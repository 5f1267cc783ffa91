//! The fix planner's own check: a fix is attached to a diagnostic (shown in JSON `edits`,
//! counted fixable, taken by `--fix`) only when the safety net would accept it: applied,
//! its document parses and holds the same data outside finalizer lists (the same
//! [`fingerprint`], aliases and merge keys resolved); and no edit lands in the text of an
//! anchor that an alias refers to (it would change the anchor's other users).
//!
//! Cost: the fixes of a document are applied together to the document's own text, which is
//! parsed once (the original's fingerprint was taken while it was linted); fixes whose
//! edits overlap those go in further rounds, each applied together; only when a round
//! fails is each of its fixes checked alone. The work per fix stays within its document,
//! never the whole file.

use super::check::{
    duplicate_finalizers, fingerprint, parse_as_linted, parse_each_as_linted, resolved_root,
};
use crate::diagnostic::{Diagnostic, Edit};
use crate::rules::edits::apply_edits;
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
    /// The data's [`fingerprint`] and [`duplicate_finalizers`] count, for a document with
    /// a fix.
    fingerprint: Option<(u64, usize)>,
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
            fingerprint: has_fix
                .then(|| (fingerprint(&view.root), duplicate_finalizers(&view.root))),
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
                fingerprint: {
                    let root = resolved_root(d);
                    Some((fingerprint(&root), duplicate_finalizers(&root)))
                },
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
        let edits = fix_edits(&diags[i]);
        if edits.iter().any(|e| aliased.contains(e.span.start)) {
            diags[i].fix = None;
        } else {
            pending.push(i);
        }
    }
    per_document(text, facts, diags, &pending);
}

/// Of `fixes` (indices into `diags`), those that can be applied together (taken in order
/// of their first edit, each after the edits taken before: no overlap, no insertion at the
/// same point), and the others. Linear after the sort.
fn disjoint(diags: &[Diagnostic], fixes: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let edits = |i: usize| fix_edits(&diags[i]);
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

/// The edits of a diagnostic's fix (none without a fix).
fn fix_edits(d: &Diagnostic) -> &[Edit] {
    d.fix.as_ref().map_or(&[], |f| f.edits.as_slice())
}

fn edits_of<'a>(diags: &'a [Diagnostic], fixes: &[usize]) -> Vec<&'a Edit> {
    fixes.iter().flat_map(|&i| fix_edits(&diags[i])).collect()
}

/// Check `fixes` document by document, on each document's own text; drop those that fail.
fn per_document(text: &str, facts: &Facts, diags: &mut [Diagnostic], fixes: &[usize]) {
    let mut by_doc: std::collections::BTreeMap<Option<usize>, Vec<usize>> = Default::default();
    for &i in fixes {
        by_doc.entry(diags[i].document).or_default().push(i);
    }
    let docs: std::collections::HashMap<usize, &DocFacts> =
        facts.docs.iter().map(|d| (d.index, d)).collect();
    for (doc, fixes) in by_doc {
        let found = doc
            .and_then(|d| docs.get(&d))
            .and_then(|d| Some((document_region(text, &d.span), d.fingerprint?)));
        let Some((region, expected)) = found else {
            fixes.iter().for_each(|&i| diags[i].fix = None);
            continue;
        };
        let accepts = |diags: &[Diagnostic], fixes: &[usize]| {
            fragment_accepts(text, &region, expected, &edits_of(diags, fixes))
        };
        // In rounds of disjoint fixes (two rules may offer the same edit, e.g. removing an
        // item that is both misspelt and repeated): checking every overlapping fix alone
        // parsed the document once per fix. A round that fails is checked fix by fix.
        let mut pending = fixes;
        while !pending.is_empty() {
            let (batch, rest) = disjoint(diags, &pending);
            if !accepts(diags, &batch) {
                for &i in &batch {
                    if !accepts(diags, &[i]) {
                        diags[i].fix = None;
                    }
                }
            }
            pending = rest;
        }
    }
}

/// The whole lines holding a document's root node.
fn document_region(text: &str, root: &Span) -> Span {
    let start = text[..root.start].rfind('\n').map_or(0, |i| i + 1);
    let end = root.end.min(text.len());
    // A root ending with a block scalar ends after its last line break: the next line
    // (maybe a `---`) is not the document's.
    let end = if end > 0 && text.as_bytes()[end - 1] == b'\n' {
        end
    } else {
        text[end..].find('\n').map_or(text.len(), |i| end + i + 1)
    };
    start..end
}

/// Whether `edits`, all within `region`, keep the region's single document's data (its
/// fingerprint is `expected.0`) outside finalizer lists, and list no finalizer twice more
/// often than it did (`expected.1` repeated items).
fn fragment_accepts(text: &str, region: &Span, expected: (u64, usize), edits: &[&Edit]) -> bool {
    if edits
        .iter()
        .any(|e| e.span.start < region.start || e.span.end > region.end)
    {
        return false;
    }
    let shifted: Vec<Edit> = edits
        .iter()
        .map(|e| Edit {
            span: e.span.start - region.start..e.span.end - region.start,
            content: e.content.clone(),
        })
        .collect();
    let after = apply_edits(&text[region.clone()], &shifted.iter().collect::<Vec<_>>());
    let mut fingerprints = Vec::new();
    let errors = parse_each_as_linted(&after, &mut |d| {
        let root = resolved_root(&d);
        fingerprints.push((fingerprint(&root), duplicate_finalizers(&root)));
    });
    errors.is_empty()
        && matches!(fingerprints[..], [(f, dups)] if f == expected.0 && dups <= expected.1)
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
