//! Applying fixes to a copy of a file's text, and proving them safe before anything is
//! written: the result must parse (no new syntax error), hold the same data outside
//! finalizer lists (read as Kubernetes does: aliases and merge keys resolved), the fixed
//! findings must be gone,
//! and no new finding may appear. Fixes are applied in passes (non-overlapping edits per
//! pass) until none is left, as a later fix may depend on an earlier one.

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::lint::{lint_text, FileOptions};
use crate::rules;
use std::collections::{HashMap, HashSet};

/// Most passes over one file; each pass applies at least one fix, so this bounds the work.
const MAX_PASSES: usize = 8;

/// What fixing one file's text gave.
#[derive(Debug, Clone, Default)]
pub struct FixResult {
    /// The fixed text, when anything changed.
    pub fixed: Option<String>,
    /// The diagnostics that were fixed.
    pub applied: Vec<Diagnostic>,
    /// The diagnostics of the resulting text (of the original when nothing was applied).
    pub remaining: Vec<Diagnostic>,
    /// Why fixes were not applied, when they were refused.
    pub refused: Option<String>,
}

/// Identity of a finding across edits: offsets move, and item indices shift.
type Key = (&'static str, Option<usize>, String, Option<String>);

fn key(d: &Diagnostic) -> Key {
    let route = match d.route.rfind('[') {
        Some(i) if d.route.ends_with(']') => d.route[..i].to_string(),
        _ => d.route.clone(),
    };
    (
        d.rule,
        d.document,
        route,
        d.object.as_ref().and_then(|o| o.name.clone()),
    )
}

fn counts(diags: &[Diagnostic]) -> HashMap<Key, usize> {
    let mut m = HashMap::new();
    for d in diags {
        *m.entry(key(d)).or_insert(0) += 1;
    }
    m
}

fn syntax_errors(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| {
            d.rule == rules::SYNTAX_ERROR || (d.rule == rules::NOT_CHECKED && d.object.is_none())
        })
        .count()
}

/// The route of the object a finding is in: empty for a document's root object, or the
/// `items[i]` of a `kind: List`.
fn object_route(route: &str) -> String {
    match route.strip_prefix("items[") {
        Some(rest) => format!("items[{}", &rest[..=rest.find(']').unwrap_or(0)]),
        None => String::new(),
    }
}

/// Order in which fixes are taken within a pass: a corrected typo can make the added
/// finalizer unnecessary.
fn priority(rule: &str) -> u8 {
    match rule {
        rules::UNKNOWN_FINALIZER => 0,
        rules::CONTROLLER_MANAGED_FINALIZER => 1,
        _ => 2,
    }
}

/// Apply `edits` (non-overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 128);
    let mut pos = 0;
    for e in sorted {
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.content);
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    out
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    // Two insertions at one point conflict too: their order would be arbitrary.
    a.span.start < b.span.end && b.span.start < a.span.end || a.span.start == b.span.start
}

/// The edits taken in a pass, keyed by start. Edits of different fixes never overlap (each
/// is checked before it is taken), so by start they are also in order of their ends: the
/// only one that can overlap an edit ending at `e` is the last one starting before `e`,
/// or one starting where it starts. O(log n) per edit where comparing with every taken
/// edit made a pass of 100k fixes quadratic.
#[derive(Default)]
struct Taken(std::collections::BTreeMap<usize, Vec<Edit>>);

impl Taken {
    fn overlaps(&self, e: &Edit) -> bool {
        let same_start = self.0.get(&e.span.start).into_iter().flatten();
        let before_end = self.0.range(..e.span.end).next_back().map(|(_, v)| v);
        same_start
            .chain(before_end.into_iter().flatten())
            .any(|t| overlaps(t, e))
    }

    fn insert(&mut self, e: &Edit) {
        self.0.entry(e.span.start).or_default().push(e.clone());
    }
}

/// Fix `text`, taking the fixes that `unsafe_fixes` allows. `diagnostics` are those of
/// `text` (as `lint_text` gives them).
pub fn fix_text(
    path: &str,
    text: &str,
    diagnostics: Vec<Diagnostic>,
    options: FileOptions,
    unsafe_fixes: bool,
) -> FixResult {
    let allowed = |d: &Diagnostic| {
        d.fix.as_ref().is_some_and(|f| {
            !f.edits.is_empty() && (f.applicability == Applicability::Safe || unsafe_fixes)
        })
    };
    let mut current = text.to_string();
    // The safety net compares the data (aliases and merge keys resolved) of each pass.
    let mut current_data = super::check::data_fingerprints(&current);
    let mut diags = diagnostics;
    let mut applied: Vec<Diagnostic> = Vec::new();
    let original = diags.clone();
    for _ in 0..MAX_PASSES {
        let mut candidates: Vec<&Diagnostic> = diags.iter().filter(|d| allowed(d)).collect();
        if candidates.is_empty() {
            break;
        }
        candidates.sort_by_key(|d| (priority(d.rule), d.span.start));
        let mut chosen: Vec<&Diagnostic> = Vec::new();
        let mut objects_touched: HashSet<(Option<usize>, String, Option<String>)> = HashSet::new();
        // The edits chosen so far, by start (a look-up per edit, not a scan of them all).
        let mut taken = Taken::default();
        for d in candidates {
            let edits = &d.fix.as_ref().expect("allowed").edits;
            // The object's name too: argocd-apps entries of one values document are
            // objects of their own.
            let name = d.object.as_ref().and_then(|o| o.name.clone());
            let object = (d.document, object_route(&d.route), name);
            let clash = edits.iter().any(|e| taken.overlaps(e));
            // One finalizer change per object and pass: the next pass sees its effect.
            if clash || objects_touched.contains(&object) {
                continue;
            }
            objects_touched.insert(object);
            for e in edits {
                taken.insert(e);
            }
            chosen.push(d);
        }
        let edits: Vec<&Edit> = chosen
            .iter()
            .flat_map(|d| &d.fix.as_ref().expect("allowed").edits)
            .collect();
        let next = apply_edits(&current, &edits);
        let next_data = super::check::data_fingerprints(&next);
        if next_data.1 > current_data.1 {
            return refused(original, "the fixed text would not parse".into());
        }
        if next_data.0 != current_data.0 {
            return refused(
                original,
                "the fix would change data outside the finalizer list".into(),
            );
        }
        let next_diags = lint_text(path, &next, options);

        // Safety: parses as well as before, the fixed findings are gone, nothing new.
        if syntax_errors(&next_diags) > syntax_errors(&diags) {
            return refused(original, "the fixed text would not parse".into());
        }
        let before = counts(&diags);
        let after = counts(&next_diags);
        let mut fixed_per_key: HashMap<_, usize> = HashMap::new();
        for d in &chosen {
            *fixed_per_key.entry(key(d)).or_insert(0) += 1;
        }
        for (k, n_after) in &after {
            let n_before = before.get(k).copied().unwrap_or(0);
            let fixed = fixed_per_key.get(k).copied().unwrap_or(0);
            if *n_after + fixed > n_before {
                let what = if fixed > 0 {
                    "was not fixed"
                } else {
                    "would appear"
                };
                return refused(
                    original,
                    format!("`{}` at `{}` {what} after the fix", k.0, k.2),
                );
            }
        }
        applied.extend(chosen.into_iter().cloned());
        current = next;
        current_data = next_data;
        diags = next_diags;
    }
    if applied.is_empty() {
        return FixResult {
            remaining: diags,
            ..FixResult::default()
        };
    }
    FixResult {
        fixed: Some(current),
        applied,
        remaining: diags,
        refused: None,
    }
}

fn refused(original: Vec<Diagnostic>, why: String) -> FixResult {
    FixResult {
        fixed: None,
        applied: Vec::new(),
        remaining: original,
        refused: Some(why),
    }
}
