//! Applying fixes to a copy of a file's text, and proving them safe before anything is
//! written: the result must parse (no new syntax error), hold the same data outside
//! finalizer lists (read as Kubernetes does: aliases and merge keys resolved), the fixed
//! findings must be gone,
//! and no new finding may appear. Fixes are applied in passes (non-overlapping edits per
//! pass) until none is left, as a later fix may depend on an earlier one.

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::lint::{lint_text, FileOptions};
use crate::rules;
pub use crate::rules::edits::apply_edits;
use crate::yaml;
use std::collections::HashMap;

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

/// Order in which fixes are taken within a pass, from the rule's data (`fix.priority`): a
/// corrected typo can make the added finalizer unnecessary.
fn priority(rule: &str) -> u8 {
    rules::meta(rule)
        .and_then(|m| m.fix.as_ref())
        .map_or(rules::FixMeta::DEFAULT_PRIORITY, |f| f.priority)
}

/// Whether a fix only removes text (an item of a list, with its line or comma) for a rule
/// whose removals never empty a list (`fix.batch-removals`): removals of different items
/// are then independent, so that those of one object are taken together in a pass (a list
/// repeating an item ten times is fixed in one run, not one item a pass).
fn removal(d: &Diagnostic) -> bool {
    let batched = rules::meta(d.rule)
        .and_then(|m| m.fix.as_ref())
        .is_some_and(|f| f.batch_removals);
    batched
        && d.fix
            .as_ref()
            .is_some_and(|f| f.edits.iter().all(|e| e.content.is_empty()))
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

/// The fixes taken in one pass, from `candidates`: in order of the rule's priority, then
/// of position; never two with overlapping edits; one finalizer change per object (the
/// next pass sees its effect), or any number of removals that cannot empty a list.
fn choose(mut candidates: Vec<&Diagnostic>) -> Vec<&Diagnostic> {
    candidates.sort_by_cached_key(|d| (priority(d.rule), d.span.start));
    let mut chosen: Vec<&Diagnostic> = Vec::new();
    // The objects changed in this pass, and whether only by removals.
    type Object<'d> = (
        Option<usize>,
        Option<&'d crate::objects::Route>,
        Option<&'d str>,
    );
    let mut objects_touched: HashMap<Object, bool> = HashMap::new();
    // The edits chosen so far, by start (a look-up per edit, not a scan of them all).
    let mut taken = Taken::default();
    for d in candidates {
        let edits = d.fix.as_ref().map_or(&[][..], |f| f.edits.as_slice());
        // The object's route in its document, and its name (argocd-apps entries of one
        // values document are objects of their own).
        let object = d.object.as_ref();
        let object = (
            d.document,
            object.map(|o| &o.route),
            object.and_then(|o| o.name.as_deref()),
        );
        let clash = edits.iter().any(|e| taken.overlaps(e));
        let removes = removal(d);
        let touched = objects_touched
            .get(&object)
            .is_some_and(|only_removals| !(removes && *only_removals));
        if clash || touched {
            continue;
        }
        objects_touched.insert(object, removes);
        for e in edits {
            taken.insert(e);
        }
        chosen.push(d);
    }
    chosen
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
    let mut current_data = crate::safety::check::data_facts(&current);
    let mut diags = diagnostics;
    let mut applied: Vec<Diagnostic> = Vec::new();
    let original = diags.clone();
    for _ in 0..MAX_PASSES {
        let candidates: Vec<&Diagnostic> = diags.iter().filter(|d| allowed(d)).collect();
        if candidates.is_empty() {
            break;
        }
        let chosen = choose(candidates);
        let edits: Vec<&Edit> = chosen
            .iter()
            .flat_map(|d| d.fix.iter().flat_map(|f| &f.edits))
            .collect();
        let next = apply_edits(&current, &edits);
        let next_data = crate::safety::check::data_facts(&next);
        if next_data.1 > current_data.1 {
            return refused(original, "the fixed text would not parse".into());
        }
        if let Some(why) = data_changed(&current_data.0, &next_data.0) {
            return refused(original, why.into());
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

/// Why a pass's result is refused, from the documents' (index, fingerprint, repeated
/// finalizers) before and after: other data changed, or a finalizer list got a string
/// twice (the fingerprint leaves finalizer strings out).
fn data_changed(
    before: &[(usize, u64, usize)],
    after: &[(usize, u64, usize)],
) -> Option<&'static str> {
    let fingerprints = |d: &[(usize, u64, usize)]| d.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>();
    if fingerprints(after) != fingerprints(before) {
        return Some("the fix would change data outside the finalizer list");
    }
    after
        .iter()
        .zip(before)
        .any(|(a, b)| a.2 > b.2)
        .then_some("the fix would list the same finalizer twice")
}

fn refused(original: Vec<Diagnostic>, why: String) -> FixResult {
    FixResult {
        fixed: None,
        applied: Vec::new(),
        remaining: original,
        refused: Some(why),
    }
}

/// Check the round-trip property on `text`; `Err` says what broke.
pub fn roundtrip(text: &str) -> Result<(), String> {
    let before = yaml::parse(text, text);
    if !before.errors.is_empty() || text.contains("{{") {
        return Ok(());
    }
    let options = FileOptions::default();
    let diags = lint_text("roundtrip.yaml", text, options);
    for d in &diags {
        if let Some(fix) = &d.fix {
            let edits: Vec<&Edit> = fix.edits.iter().collect();
            let fixed = apply_edits(text, &edits);
            if !yaml::parse(&fixed, &fixed).errors.is_empty() {
                return Err(format!("fix of {} broke the YAML:\n{fixed}", d.rule));
            }
        }
    }
    let result = fix_text("roundtrip.yaml", text, diags, options, false);
    let Some(fixed) = result.fixed else {
        return Ok(());
    };
    let after = yaml::parse(&fixed, &fixed);
    if !after.errors.is_empty() {
        return Err(format!("fixed text does not parse:\n{fixed}"));
    }
    if before.documents.len() != after.documents.len() {
        return Err(format!("document count changed:\n{fixed}"));
    }
    for (b, a) in before.documents.iter().zip(&after.documents) {
        if !crate::safety::check::same_but_finalizer(
            &crate::safety::check::resolved_root(b),
            &crate::safety::check::resolved_root(a),
        ) {
            return Err(format!(
                "changed beyond the finalizer:\n{text}\n--- fixed:\n{fixed}"
            ));
        }
    }
    let again = lint_text("roundtrip.yaml", &fixed, options);
    if fix_text("roundtrip.yaml", &fixed, again, options, false)
        .fixed
        .is_some()
    {
        return Err(format!("a second fix changed the text:\n{fixed}"));
    }
    Ok(())
}
