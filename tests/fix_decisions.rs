//! Fixes that never duplicate and never reverse a visible decision (issue 12 §3):
//!
//! - a mistyped cascade finalizer fixed in any order (`--fix` then `--fix --unsafe-fixes`,
//!   `--fix --unsafe-fixes` alone, each run twice) never leaves a finalizer twice;
//! - the safety net refuses a fix that would list a finalizer twice, and
//!   `duplicate-finalizer` reports repeated items;
//! - a commented-out finalizer (or a comment saying the cascade was left out on purpose)
//!   makes the `missing-finalizer` fix unsafe, and the diagnostic says so;
//! - the summary counts what is fixable, and with which flag.
//!
//! Inputs are in `tests/data/fix-decisions/`; outputs and `--diff`s are snapshot-tested
//! (`tests/snapshots/fix_decisions__*.snap`, update with `INSTA_UPDATE=always cargo test
//! --test fix_decisions`), and every case also asserts its structure, so that accepting a
//! wrong snapshot does not make a test pass.

use gitops_lint::diagnostic::Applicability;
use gitops_lint::fix::apply::fix_text;
use gitops_lint::fix::check::data_fingerprints;
use gitops_lint::fix::validate::{validate_fixes, Facts};
use gitops_lint::lint::{lint_text, FileOptions};
use gitops_lint::yaml::{self, Node};
use serde_json::Value;
use std::path::Path;

/// `insta::assert_snapshot!` into `tests/snapshots/` (the submodules' own folder is not
/// where the project keeps them).
macro_rules! snapshot {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}

mod common;
use common::{read, repo_tempdir as tempdir, run, write, Run};

pub(crate) const CASCADES: [&str; 3] = [
    "resources-finalizer.argocd.argoproj.io",
    "resources-finalizer.argocd.argoproj.io/foreground",
    "resources-finalizer.argocd.argoproj.io/background",
];
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fix-decisions");

pub(crate) fn data(name: &str) -> String {
    std::fs::read_to_string(Path::new(DATA).join(name)).unwrap()
}

/// CR made visible for snapshots.
pub(crate) fn visible(s: &str) -> String {
    s.replace('\r', "␍")
}

/// Every `finalizers` list of every document of `text` (its scalar strings), in order.
fn finalizer_lists(text: &str) -> Vec<Vec<String>> {
    let parsed = yaml::parse(text, text);
    assert!(parsed.errors.is_empty(), "does not parse:\n{text}");
    let mut out = Vec::new();
    for d in &parsed.documents {
        let mut stack: Vec<&Node> = vec![&d.root];
        while let Some(n) = stack.pop() {
            for e in n.entries() {
                if e.key.as_str() == Some("finalizers") {
                    out.push(
                        e.value
                            .items()
                            .iter()
                            .filter_map(Node::as_str)
                            .map(str::to_string)
                            .collect(),
                    );
                }
                stack.push(&e.value);
            }
            stack.extend(n.items());
        }
    }
    out
}

pub(crate) fn lint_json(dir: &Path, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    let json = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {r:?}"));
    (r, json)
}

pub(crate) fn rules_of(json: &Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The last line of stderr that starts with `Fixed`.
pub(crate) fn fixed_line(r: &Run) -> &str {
    r.stderr
        .lines()
        .find(|l| l.starts_with("Fixed "))
        .unwrap_or_else(|| panic!("no Fixed line: {r:?}"))
}

// ---------------------------------------------------------------------------------------
// 1. A mistyped cascade finalizer, fixed in every order

/// What fixing `name` gave in one order: the `--diff` of each step and the final text.
struct Order {
    diffs: Vec<String>,
    text: String,
}

/// Run the steps (each a list of flags for `lint`) on a fresh copy of `name`: per step its
/// `--diff`, then the fix itself. Then the last step once more: it must change nothing.
fn fix_in_order(name: &str, steps: &[&[&str]]) -> Order {
    let dir = tempdir();
    write(dir.path(), name, &data(name));
    let mut diffs = Vec::new();
    for step in steps {
        let mut diff = vec!["lint", "--diff"];
        diff.extend_from_slice(step);
        diff.push(name);
        diffs.push(visible(&run(dir.path(), &diff).stdout));
        let mut fix = vec!["lint", "--fix", "--format", "concise"];
        fix.extend_from_slice(step);
        fix.push(name);
        let r = run(dir.path(), &fix);
        assert!(!r.stderr.contains("not applied"), "{name}: refused: {r:?}");
    }
    let text = read(dir.path(), name);
    // Idempotent: the last step again changes nothing.
    let mut again = vec!["lint", "--fix", "--format", "concise"];
    again.extend_from_slice(steps.last().unwrap());
    again.push(name);
    let r = run(dir.path(), &again);
    assert_eq!(
        read(dir.path(), name),
        text,
        "{name}: a second run changed it"
    );
    assert!(
        fixed_line(&r).starts_with("Fixed 0 problems in 0 files; 0 remaining."),
        "{name}: {r:?}"
    );
    // And nothing is left to report.
    let (_, json) = lint_json(dir.path(), &[name]);
    assert_eq!(rules_of(&json), Vec::<String>::new(), "{name}: {json}");
    Order { diffs, text }
}

/// Each list of `fixed` holds every string once, and the lists of `original` that held a
/// typo now hold exactly one cascade finalizer and all their other items.
fn check_lists(name: &str, original: &str, fixed: &str) {
    let before = finalizer_lists(original);
    let after = finalizer_lists(fixed);
    assert_eq!(before.len(), after.len(), "{name}");
    for (b, a) in before.iter().zip(&after) {
        let mut unique = a.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), a.len(), "{name}: a finalizer twice: {a:?}");
        let cascades = a.iter().filter(|f| CASCADES.contains(&f.as_str())).count();
        assert_eq!(cascades, 1, "{name}: cascade items of {a:?}");
        // Every other item that is not an Argo CD typo is kept, in order.
        let others = |l: &[String]| -> Vec<String> {
            l.iter()
                .filter(|f| !f.contains("argoproj"))
                .cloned()
                .collect()
        };
        assert_eq!(others(b), others(a), "{name}");
    }
    // Nothing outside the finalizer lists changed.
    assert_eq!(
        data_fingerprints(original),
        data_fingerprints(fixed),
        "{name}"
    );
}

/// (file, whether both orders give the same bytes). They do when the typo's nearest
/// finalizer is the plain cascade finalizer that `--fix` adds; a typo of `/foreground` or
/// `/background` is corrected in place by `--unsafe-fixes` alone, while after `--fix` the
/// list already cascades and the typo is removed: both lists cascade once.
const TYPOS: &[(&str, bool)] = &[
    ("typo-block.yaml", true),
    ("typo-flow.yaml", true),
    ("typo-json.json", true),
    ("typo-two-typos.yaml", true),
    ("typo-appset.yaml", true),
    ("typo-multi-doc.yaml", true),
    ("typo-crlf.yaml", false),
    ("typo-quoted-indentless-comments.yaml", false),
];

#[test]
fn a_typo_fixed_in_any_order_never_leaves_a_finalizer_twice() {
    for &(name, same_bytes) in TYPOS {
        let original = data(name);
        let safe_first = fix_in_order(name, &[&[], &["--unsafe-fixes"]]);
        let unsafe_only = fix_in_order(name, &[&["--unsafe-fixes"]]);
        check_lists(name, &original, &safe_first.text);
        check_lists(name, &original, &unsafe_only.text);
        if same_bytes {
            assert_eq!(
                safe_first.text, unsafe_only.text,
                "{name}: the orders differ"
            );
        }
        // The text keeps its line endings and final newline.
        for fixed in [&safe_first.text, &unsafe_only.text] {
            assert_eq!(fixed.contains('\r'), original.contains('\r'), "{name}");
            assert_eq!(fixed.ends_with('\n'), original.ends_with('\n'), "{name}");
        }
        let snapshot = format!(
            "# --fix\n{}\n# then --fix --unsafe-fixes\n{}\n# --fix --unsafe-fixes alone\n{}",
            safe_first.diffs[0], safe_first.diffs[1], unsafe_only.diffs[0]
        );
        let stem = name.rsplit_once('.').unwrap().0;
        insta::assert_snapshot!(stem, snapshot);
    }
}

/// The report, step by step: `--fix` appends the cascade item, the typo is still
/// reported with a fix that removes it (not one that writes the cascade string again).
#[test]
fn after_fix_the_typo_fix_removes_it() {
    let dir = tempdir();
    write(dir.path(), "app.yaml", &data("typo-block.yaml"));
    let r = run(
        dir.path(),
        &["lint", "--fix", "--format", "concise", "app.yaml"],
    );
    assert_eq!(fixed_line(&r), "Fixed 1 problem in 1 file; 1 remaining.");
    assert!(
        r.stderr
            .contains("1 fixable with `--fix --unsafe-fixes` (unsafe: review the change)."),
        "{r:?}"
    );
    let (_, json) = lint_json(dir.path(), &["app.yaml"]);
    assert_eq!(rules_of(&json), ["unknown-finalizer"]);
    let fix = &json["diagnostics"][0]["fix"];
    assert_eq!(fix["applicability"], "unsafe");
    assert_eq!(
        fix["title"],
        "Remove `resources-finalizer.argocd.argocd.argoproj.io` (the list already holds \
         `resources-finalizer.argocd.argoproj.io`)"
    );
    let edits = fix["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["content"], "", "a removal, not a replacement");
    assert_eq!(json["summary"]["fixable_unsafe"], 1);
    assert_eq!(json["summary"]["fixable_safe"], 0);
}

// ---------------------------------------------------------------------------------------
// 1 (c). The safety net

const TYPO_BESIDE_CASCADE: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n\
    metadata:\n  name: a\n  finalizers:\n    - resources-finalizer.argocd.argocd.argoproj.io\n    \
    - resources-finalizer.argocd.argoproj.io\nspec: {}\n";

/// The old `unknown-finalizer` fix (replace the typo with the cascade string) on a list
/// that already cascades: refused by the fix planner and dropped by the validation that
/// decides which fixes are offered.
#[test]
fn a_fix_that_lists_a_finalizer_twice_is_refused() {
    let text = TYPO_BESIDE_CASCADE;
    let mut diags = lint_text("app.yaml", text, FileOptions::default());
    let i = diags
        .iter()
        .position(|d| d.rule == "unknown-finalizer")
        .expect("the typo is reported");
    let typo = text.find("resources-finalizer.argocd.argocd").unwrap();
    let end = typo + "resources-finalizer.argocd.argocd.argoproj.io".len();
    let fix = diags[i].fix.as_mut().expect("a fix");
    fix.edits = vec![gitops_lint::diagnostic::Edit {
        span: typo..end,
        content: CASCADES[0].into(),
    }];
    let result = fix_text(
        "app.yaml",
        text,
        diags.clone(),
        FileOptions::default(),
        true,
    );
    assert_eq!(result.fixed, None);
    assert_eq!(
        result.refused.as_deref(),
        Some("the fix would list the same finalizer twice")
    );
    validate_fixes(text, &Facts::of(text), &mut diags);
    assert!(diags[i].fix.is_none(), "the repeating fix is not offered");

    // The fix as the rule makes it is offered and applied.
    let diags = lint_text("app.yaml", text, FileOptions::default());
    let result = fix_text("app.yaml", text, diags, FileOptions::default(), true);
    assert_eq!(
        result.fixed.as_deref(),
        Some(
            text.replace("    - resources-finalizer.argocd.argocd.argoproj.io\n", "")
                .as_str()
        )
    );
}

/// `duplicate-finalizer`: reported with a safe fix that removes the later item, which the
/// safety net accepts (a removal of a repeat is not a new repeat).
#[test]
fn duplicate_items_are_reported_and_removed() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  \
        finalizers:\n    - resources-finalizer.argocd.argoproj.io\n    - example.com/x\n    \
        - resources-finalizer.argocd.argoproj.io # again\nspec: {}\n";
    let diags = lint_text("app.yaml", text, FileOptions::default());
    let rules: Vec<&str> = diags.iter().map(|d| d.rule).collect();
    assert_eq!(rules, ["duplicate-finalizer"]);
    let d = &diags[0];
    assert_eq!(&text[d.span.clone()], CASCADES[0]);
    assert_eq!(
        d.span.start,
        text.rfind(CASCADES[0]).unwrap(),
        "the later item"
    );
    assert_eq!(d.labels.len(), 1);
    assert_eq!(d.labels[0].span.start, text.find(CASCADES[0]).unwrap());
    assert_eq!(d.label, "already listed at line 6");
    assert_eq!(d.fix.as_ref().unwrap().applicability, Applicability::Safe);
    let result = fix_text("app.yaml", text, diags, FileOptions::default(), false);
    assert_eq!(
        result.fixed.as_deref(),
        Some(
            text.replace("    - resources-finalizer.argocd.argoproj.io # again\n", "")
                .as_str()
        )
    );
    assert!(result.remaining.is_empty());
}

/// More repeats (and misspelt items beside a cascade item) than the planner has passes:
/// removals of different items are taken together, so one run fixes them all and a second
/// changes nothing.
#[test]
fn many_repeats_are_removed_in_one_run() {
    let head = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  \
        finalizers:\n";
    let cascade = format!("    - {}\n", CASCADES[0]);
    let typo = "    - resources-finalizer.argocd.argocd.argoproj.io\n";
    for (items, flags) in [
        (cascade.repeat(12), &[][..]),
        (
            format!("{cascade}{}", typo.repeat(12)),
            &["--unsafe-fixes"][..],
        ),
        (
            format!("{}{}", cascade.repeat(10), typo.repeat(10)),
            &["--unsafe-fixes"][..],
        ),
    ] {
        let dir = tempdir();
        let text = format!("{head}{items}spec: {{}}\n");
        write(dir.path(), "app.yaml", &text);
        let mut args = vec!["lint", "--fix", "--format", "concise"];
        args.extend_from_slice(flags);
        args.push("app.yaml");
        let r = run(dir.path(), &args);
        assert!(fixed_line(&r).ends_with("; 0 remaining."), "{r:?}");
        let fixed = read(dir.path(), "app.yaml");
        assert_eq!(fixed, format!("{head}{cascade}spec: {{}}\n"));
        let r = run(dir.path(), &args);
        assert!(fixed_line(&r).starts_with("Fixed 0 problems"), "{r:?}");
    }
}

#[path = "fix_decisions/comments.rs"]
mod comments;
#[path = "fix_decisions/summary.rs"]
mod summary;
