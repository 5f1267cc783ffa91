//! What is fixable, and with which flag: the summary line after the findings, JSON's
//! counts, the github summary and the full format's help.

use super::{data, fixed_line, lint_json};
use crate::common::{self, repo_tempdir as tempdir, run, write};
use std::path::Path;
/// One file with a safe fix, one with an unsafe one, one with a deliberate decision.
fn mixed(dir: &Path) {
    write(dir, "safe.yaml", &common::bad("safe"));
    write(dir, "typo.yaml", &data("typo-block.yaml"));
    write(dir, "decided.yaml", &data("commented-block.yaml"));
}

#[test]
fn the_summary_says_what_is_fixable_and_how() {
    let dir = tempdir();
    mixed(dir.path());
    // typo.yaml: missing-finalizer (safe) + unknown-finalizer (unsafe).
    let r = run(dir.path(), &["lint", "--format", "concise", "."]);
    let stderr: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(stderr.len(), 2, "{r:?}");
    assert_eq!(
        stderr[1],
        "2 fixable with `--fix` (2 more with `--fix --unsafe-fixes`)."
    );
    let (_, json) = lint_json(dir.path(), &["."]);
    let s = &json["summary"];
    assert_eq!(
        (
            s["fixable"].clone(),
            s["fixable_safe"].clone(),
            s["fixable_unsafe"].clone()
        ),
        (4.into(), 2.into(), 2.into()),
        "{s}"
    );
    let r = run(
        dir.path(),
        &["lint", "--format", "concise", "--unsafe-fixes", "."],
    );
    assert_eq!(
        r.stderr.lines().nth(1),
        Some("4 fixable with `--fix --unsafe-fixes`.")
    );
    let r = run(dir.path(), &["lint", "--format", "github", "."]);
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("gitops-lint: Found ")
            && last.ends_with(" 2 fixable with `--fix` (2 more with `--fix --unsafe-fixes`)."),
        "{last}"
    );
    // The full format names the flag per finding.
    let r = run(dir.path(), &["lint", "--color", "never", "typo.yaml"]);
    assert!(
        r.stdout.contains("fix available with `--fix`: Add"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("unsafe fix available with `--fix --unsafe-fixes`: Replace"),
        "{}",
        r.stdout
    );

    // After --fix: what remains needs --unsafe-fixes, and says so.
    let r = run(dir.path(), &["lint", "--fix", "--format", "concise", "."]);
    assert_eq!(fixed_line(&r), "Fixed 2 problems in 2 files; 2 remaining.");
    assert_eq!(
        r.stderr.lines().last(),
        Some("2 fixable with `--fix --unsafe-fixes` (unsafe: review the change).")
    );
    let (_, json) = lint_json(dir.path(), &["--fix", "."]);
    let s = &json["summary"];
    assert_eq!(
        (s["fixable_safe"].clone(), s["fixable_unsafe"].clone()),
        (0.into(), 2.into())
    );
    let r = run(dir.path(), &["lint", "--color", "never", "."]);
    snapshot!("after-fix-full", r.stdout);

    // And nothing left after --unsafe-fixes: no fix line at all.
    let r = run(
        dir.path(),
        &[
            "lint",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(fixed_line(&r), "Fixed 2 problems in 2 files; 0 remaining.");
    assert!(!r.stderr.contains("fixable"), "{r:?}");
    let r = run(dir.path(), &["lint", "--format", "concise", "."]);
    assert!(!r.stderr.contains("fixable"), "{r:?}");
}
