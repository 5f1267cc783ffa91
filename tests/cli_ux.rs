//! The command line users expect from ruff and zizmor: the `check` alias, every missing
//! path reported, the "no files found" exit code, `--stdin-filename` without `-`, rule
//! selection, statistics, output files, fix listings, `FORCE_COLOR`, configuration
//! errors all at once, and `--version`.

mod common;
use common::*;

#[test]
fn check_is_an_alias_of_lint() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    let lint = run(dir.path(), &["lint", "--format", "concise", "a.yaml"]);
    let check = run(dir.path(), &["check", "--format", "concise", "a.yaml"]);
    assert_eq!(check.code, Some(1), "{check:?}");
    assert_eq!(check.stdout, lint.stdout);
    assert!(check.stdout.contains("missing-finalizer"), "{check:?}");
    let help = run(dir.path(), &["--help"]);
    assert!(help.stdout.contains("check"), "{}", help.stdout);
}

#[test]
fn stdin_filename_without_dash_is_an_error() {
    let dir = repo_tempdir();
    // A finding in the directory would be reported if it were linted.
    write(dir.path(), "a.yaml", &bad("a"));
    let r = run(dir.path(), &["lint", "--stdin-filename", "x.yaml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("`-` is not among the paths"), "{r:?}");
    assert!(!r.stdout.contains("missing-finalizer"), "{r:?}");
}

#[test]
fn every_missing_path_is_reported_and_the_others_linted() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "concise",
            "nope1",
            "a.yaml",
            "no/pe\u{1b}2",
        ],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines.contains(&"error: nope1: no such file or directory"),
        "{r:?}"
    );
    // The control character is escaped, not written to the terminal.
    assert!(!r.stderr.contains('\u{1b}'), "{r:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("error: no/pe") && l.ends_with("2: no such file or directory")),
        "{r:?}"
    );
    assert!(r.stdout.contains("a.yaml:3:1"), "{r:?}");
}

#[test]
fn only_missing_paths_exit_2_without_linting_the_current_directory() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    let r = run(dir.path(), &["lint", "--format", "concise", "x", "y"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert_eq!(
        r.stderr.matches("no such file or directory").count(),
        2,
        "{r:?}"
    );
    assert!(r.stdout.is_empty(), "{r:?}");
}

#[test]
fn no_files_found_exits_3() {
    let dir = repo_tempdir();
    write(dir.path(), "sub/readme.txt", "hello");
    let r = run(dir.path(), &["lint", "sub"]);
    assert_eq!(r.code, Some(3), "{r:?}");
    assert!(
        r.stderr.contains("no YAML or JSON files found under sub"),
        "{r:?}"
    );
    // The current directory (by default) too.
    let r = run(&dir.path().join("sub"), &["lint"]);
    assert_eq!(r.code, Some(3), "{r:?}");
    assert!(
        r.stderr.contains("no YAML or JSON files found under ."),
        "{r:?}"
    );
}

#[test]
fn graph_reports_missing_paths_and_no_files_as_lint_does() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    write(dir.path(), "sub/readme.txt", "hello");
    // A missing path beside a real one: reported, the real one still drawn, exit 2.
    let r = run(dir.path(), &["graph", "--format", "json", "nope", "a.yaml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr
            .lines()
            .any(|l| l == "error: nope: no such file or directory"),
        "{r:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["nodes"].as_array().map(Vec::len), Some(1), "{r:?}");
    // Only missing paths: not the current directory instead.
    let r = run(dir.path(), &["graph", "x"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    // Nothing to read.
    let r = run(dir.path(), &["graph", "sub"]);
    assert_eq!(r.code, Some(3), "{r:?}");
    assert!(
        r.stderr.contains("no YAML or JSON files found under sub"),
        "{r:?}"
    );
}

#[test]
fn a_directory_whose_files_are_all_excluded_has_no_files() {
    let dir = repo_tempdir();
    write(dir.path(), "sub/a.yaml", &bad("a"));
    let r = run(dir.path(), &["lint", "--exclude", "*.yaml", "sub"]);
    assert_eq!(r.code, Some(3), "{r:?}");
    assert!(
        r.stderr.contains("no YAML or JSON files found under sub"),
        "{r:?}"
    );
}

#[test]
fn files_found_but_skipped_are_not_no_files() {
    let dir = repo_tempdir();
    // A YAML file without Argo CD objects is skipped, but it was found.
    write(dir.path(), "sub/cm.yaml", "kind: ConfigMap\n");
    let r = run(dir.path(), &["lint", "sub"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    // A file named explicitly and excluded is merely skipped.
    write(dir.path(), "x.txt", "hello");
    let r = run(
        dir.path(),
        &["lint", "--force-exclude", "--exclude", "x.txt", "x.txt"],
    );
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(!r.stderr.contains("no YAML"), "{r:?}");
}

/// Two Applications: `a` without a finalizer (missing-finalizer, line 3), `b` with a
/// misspelt one (missing-finalizer line 13, unknown-finalizer line 14).
const TWO_RULES: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  \
    name: a\n  namespace: argocd\nspec:\n  project: default\n---\napiVersion: \
    argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: b\n  finalizers:\n    \
    - resources-finaliser.argocd.argoproj.io\nspec:\n  project: default\n";

/// The rule ids of the concise report, in order.
fn rules_of(r: &Run) -> Vec<String> {
    r.stdout
        .lines()
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_string()))
        .collect()
}

#[test]
fn select_replaces_the_enabled_rules() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    let all = run(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(
        rules_of(&all),
        [
            "missing-finalizer",
            "missing-finalizer",
            "unknown-finalizer"
        ]
    );
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--select",
            "unknown-finalizer",
        ],
    );
    assert_eq!(rules_of(&r), ["unknown-finalizer"], "{r:?}");
    // A warning only: exit 0.
    assert_eq!(r.code, Some(0), "{r:?}");
}

#[test]
fn ignore_removes_rules_and_wins_over_select() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--ignore",
            "missing-finalizer",
        ],
    );
    assert_eq!(rules_of(&r), ["unknown-finalizer"], "{r:?}");
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--select",
            "missing-finalizer,unknown-finalizer",
            "--ignore=unknown-finalizer",
        ],
    );
    assert_eq!(
        rules_of(&r),
        ["missing-finalizer", "missing-finalizer"],
        "{r:?}"
    );
    assert_eq!(r.code, Some(1));
}

#[test]
fn extend_select_turns_on_a_rule_the_configuration_turns_off() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  unknown-finalizer: off\n  missing-finalizer: off\n",
    );
    let r = run(dir.path(), &["lint", "--format", "concise"]);
    assert!(rules_of(&r).is_empty(), "{r:?}");
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--extend-select",
            "unknown-finalizer",
        ],
    );
    assert_eq!(rules_of(&r), ["unknown-finalizer"], "{r:?}");
}

#[test]
fn unknown_rule_ids_are_errors_with_did_you_mean() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    let r = run(
        dir.path(),
        &[
            "lint",
            "--select",
            "missing-finaliser",
            "--ignore",
            "nonsense",
        ],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines[0].contains("unknown rule `missing-finaliser` (did you mean `missing-finalizer`?)"),
        "{r:?}"
    );
    assert!(
        lines[1].contains("--ignore: unknown rule `nonsense`"),
        "{r:?}"
    );
}

#[test]
fn statistics_count_per_rule_with_a_fixable_marker() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    write(dir.path(), "b.yaml", &bad("c"));
    let r = run(dir.path(), &["lint", "--statistics"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    let lines: Vec<Vec<&str>> = r.stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 2, "{r:?}");
    // Most frequent first; `[*]` fixable with --fix, `[-]` only with --unsafe-fixes.
    assert_eq!(lines[0][..2], ["3", "missing-finalizer"], "{r:?}");
    assert!(lines[0][2].starts_with("[*] "), "{r:?}");
    assert_eq!(lines[1][..2], ["1", "unknown-finalizer"], "{r:?}");
    assert!(lines[1][2].starts_with("[-] "), "{r:?}");
    let r = run(dir.path(), &["lint", "--statistics", "--unsafe-fixes"]);
    assert!(r.stdout.lines().nth(1).unwrap().contains("\t[*] "), "{r:?}");
    let r = run(dir.path(), &["lint", "--statistics", "--format", "json"]);
    let json = parse_json(&r);
    assert_eq!(json[0]["code"], "missing-finalizer");
    assert_eq!(json[0]["count"], 3);
    assert_eq!(json[0]["fixable"], true);
    assert_eq!(json[1]["fixable"], false);
}

#[test]
fn output_file_gets_the_report_and_stderr_the_summary() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "json",
            "--output-file",
            "out/report.json",
        ],
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("Found 2 errors"), "{r:?}");
    let report: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "out/report.json")).unwrap();
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 3);
    // Replaced, not appended to; no temporary file left beside it.
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--output-file",
            "out/report.json",
        ],
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(read(dir.path(), "out/report.json").lines().count(), 3);
    let names: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn output_file_that_cannot_be_written_is_exit_2() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let r = run(dir.path(), &["lint", "--output-file", "adir"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("--output-file adir"), "{r:?}");
}

#[test]
fn show_fixes_lists_the_fixes_per_file() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", TWO_RULES);
    write(dir.path(), "b.yaml", &bad("c"));
    write(dir.path(), "c.yaml", &good("d"));
    let r = run(
        dir.path(),
        &["lint", "--fix", "--show-fixes", "--format", "concise"],
    );
    assert!(
        r.stderr.contains(
            "Fixed 3 problems:\n- a.yaml:\n    2 × missing-finalizer\n- b.yaml:\n    1 × missing-finalizer\n"
        ),
        "{r:?}"
    );
    assert!(!r.stderr.contains("c.yaml"), "{r:?}");
    // Nothing left to fix.
    let r = run(dir.path(), &["lint", "--fix", "--show-fixes"]);
    assert!(r.stderr.contains("No fixes applied."), "{r:?}");
    // Without --show-fixes, no list.
    write(dir.path(), "e.yaml", &bad("e"));
    let r = run(dir.path(), &["lint", "--fix"]);
    assert!(!r.stderr.contains("- e.yaml:"), "{r:?}");
    // Without --fix or --diff there is nothing to list: said, not silently ignored.
    write(dir.path(), "f.yaml", &bad("f"));
    let r = run(dir.path(), &["lint", "--show-fixes", "f.yaml"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stderr
            .contains("warning: --show-fixes lists the fixes of --fix or --diff"),
        "{r:?}"
    );
}

#[test]
fn force_color_colours_a_pipe_and_no_color_wins() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    let plain = run(dir.path(), &["lint"]);
    assert!(!plain.stdout.contains('\u{1b}'), "{plain:?}");
    let forced = run_env(dir.path(), &["lint"], "FORCE_COLOR", "1");
    assert!(forced.stdout.contains("\u{1b}["), "{forced:?}");
    // Empty is unset.
    let empty = run_env(dir.path(), &["lint"], "FORCE_COLOR", "");
    assert!(!empty.stdout.contains('\u{1b}'), "{empty:?}");
    let both = command(dir.path(), &["lint"])
        .env("FORCE_COLOR", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&both.stdout).contains('\u{1b}'));
    // --color never wins over FORCE_COLOR.
    let never = run_env(
        dir.path(),
        &["lint", "--color", "never"],
        "FORCE_COLOR",
        "1",
    );
    assert!(!never.stdout.contains('\u{1b}'), "{never:?}");
}

#[test]
fn every_configuration_error_is_reported_at_its_key_with_did_you_mean() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finaliser: off\n  unknown-finalizer: loud\nexlude: [x]\nfix:\n  \
         finalizer-postion: end\n",
    );
    let r = run(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    let expected = [
        ":2:3: unknown rule `missing-finaliser` (did you mean `missing-finalizer`?)",
        ":3:22: expected `off`, `info`, `warning` or `error` for rule `unknown-finalizer`",
        ":4:1: unknown key `exlude` (did you mean `exclude`?)",
        ":6:3: unknown key `fix.finalizer-postion` (did you mean `finalizer-position`?)",
    ];
    let mut at = 0;
    for want in expected {
        let found = r.stderr[at..].find(want);
        assert!(found.is_some(), "{want} after byte {at}: {}", r.stderr);
        at += found.unwrap();
    }
}

#[test]
fn no_message_wraps_inside_a_rule_id() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    // The message lists every rule id: long enough to wrap.
    let key = "x".repeat(120);
    write(
        dir.path(),
        ".gitops-lint.yaml",
        &format!("rules:\n  {key}: off\n"),
    );
    let r = run(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    for line in r.stderr.lines() {
        let line = line.trim_end();
        assert!(
            !line.ends_with('-') && !line.ends_with("`cascade"),
            "a line ends inside a word: {line:?}\n{}",
            r.stderr
        );
    }
    // Every rule id is whole on some line.
    for id in [
        "controller-managed-finalizer",
        "cascade-deletes-argocd",
        "unused-suppression",
    ] {
        assert!(r.stderr.contains(&format!("`{id}`")), "{id}: {}", r.stderr);
    }
}

#[test]
fn explain_of_an_unknown_rule_suggests_the_nearest() {
    let dir = repo_tempdir();
    let r = run(dir.path(), &["explain", "missing-finaliser"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr
            .contains("unknown rule `missing-finaliser` (did you mean `missing-finalizer`?)"),
        "{r:?}"
    );
    let r = run(dir.path(), &["explain", "zzzz"]);
    assert!(!r.stderr.contains("did you mean"), "{r:?}");
}

/// `git ARGS` in the package's directory, when it works.
fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn version_names_the_commit_and_its_date_in_a_checkout() {
    let dir = repo_tempdir();
    let r = run(dir.path(), &["--version"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let line = r.stdout.trim_end();
    let version = concat!("gitops-lint ", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(version), "{line}");
    let top = git(&["rev-parse", "--show-toplevel"]).map(std::path::PathBuf::from);
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let checkout = top.is_some_and(|t| t.canonicalize().ok() == manifest.canonicalize().ok());
    if !checkout {
        // A build outside a checkout: the package version alone.
        assert_eq!(line, version);
        return;
    }
    let hash = git(&["rev-parse", "--short=9", "HEAD"]).unwrap();
    let date = git(&["log", "-1", "--format=%cd", "--date=short", "HEAD"]).unwrap();
    assert_eq!(line, format!("{version} ({hash} {date})"));
}

/// The build script, to test where it finds a commit.
#[allow(dead_code)]
mod build_script {
    include!("../build.rs");
}

#[test]
fn build_script_falls_back_outside_the_checkout() {
    // Not a Git work tree at all (or no `git`): no commit, no failure.
    let dir = tempdir();
    assert_eq!(build_script::commit(dir.path()), None);
    // Inside a repository, but not at its top (a vendored or crates.io copy in a
    // checkout): not this package's commit.
    let repo = tempdir();
    let inited = std::process::Command::new("git")
        .arg("-C")
        .arg(repo.path())
        .args(["init", "-q"])
        .status()
        .is_ok_and(|s| s.success());
    std::fs::create_dir(repo.path().join("pkg")).unwrap();
    assert_eq!(build_script::commit(&repo.path().join("pkg")), None);
    // At the top of a repository without any commit: none either.
    if inited {
        assert_eq!(build_script::commit(repo.path()), None);
    }
}

#[test]
fn many_configuration_errors_are_bounded_and_counted() {
    let dir = repo_tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    let keys: String = (0..100).map(|i| format!("  nope-{i}: off\n")).collect();
    write(dir.path(), ".gitops-lint.yaml", &format!("rules:\n{keys}"));
    let r = run(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    // The first ones, in order, then how many more.
    let first = r.stderr.find("`nope-0`").unwrap();
    let second = r.stderr.find("`nope-1`").unwrap();
    assert!(first < second, "{}", r.stderr);
    let shown = r.stderr.matches("unknown rule `nope-").count();
    assert!(shown >= 2, "{}", r.stderr);
    let trailer = format!("… and {} more problems in this file", 100 - shown);
    assert!(r.stderr.trim_end().ends_with(&trailer), "{}", r.stderr);
    assert!(r.stderr.len() < 8192, "{} bytes", r.stderr.len());
}
