//! Command-line behaviour of the `gitops-lint` binary: exit codes, output formats, colour,
//! file discovery (ignore files, excludes, explicit files, symlinks, `.git`), stdin,
//! threads, Kustomize patches, and the `rules` / `explain` subcommands.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::*;

const RULE_IDS: [&str; 10] = [
    "missing-finalizer",
    "unknown-finalizer",
    "controller-managed-finalizer",
    "duplicate-finalizer",
    "unpruned-children",
    "cascade-deletes-argocd",
    "multiple-parents",
    "not-checked",
    "syntax-error",
    "unused-suppression",
];

/// A manifest that is not an Argo CD object and does not mention `argoproj.io`.
const CONFIGMAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  k: v\n";

/// Run `lint --format json ARGS...` and return (exit code, JSON).
fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    assert!(
        r.stderr.is_empty(),
        "json output must not print to stderr: {}",
        r.stderr
    );
    (r.code, parse_json(&r))
}

/// `(path, rule)` of every diagnostic.
fn found(json: &Value) -> Vec<(String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Sorted distinct paths with a diagnostic.
fn paths(json: &Value) -> Vec<String> {
    let mut p: Vec<String> = found(json).into_iter().map(|(p, _)| p).collect();
    p.dedup();
    p
}

// ---------------------------------------------------------------------------------------
// Exit codes

#[test]
fn exit_0_on_a_clean_tree() {
    let dir = tempdir();
    write(dir.path(), "apps/a.yaml", &good("a"));
    write(dir.path(), "apps/cm.yaml", CONFIGMAP);
    let r = run(dir.path(), &["lint"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "");
}

#[test]
fn exit_1_with_an_error_finding() {
    let dir = tempdir();
    write(dir.path(), "apps/a.yaml", &good("a"));
    write(dir.path(), "apps/b.yaml", &bad("b"));
    let r = run(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r
        .stdout
        .starts_with("apps/b.yaml:3:1: error[missing-finalizer] "));
}

#[test]
fn exit_0_with_exit_zero_but_still_reports() {
    let dir = tempdir();
    write(dir.path(), "b.yaml", &bad("b"));
    let r = run(dir.path(), &["lint", "--exit-zero", "--format", "concise"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1);
    assert!(r.stdout.contains("error[missing-finalizer]"));
}

#[test]
fn exit_0_when_only_warnings() {
    let dir = tempdir();
    write(dir.path(), "w.yaml", WARNING_ONLY);
    let r = run(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0].starts_with("w.yaml:7:7: warning[controller-managed-finalizer] "),
        "{}",
        lines[0]
    );
}

#[test]
fn exit_1_for_a_syntax_error() {
    let dir = tempdir();
    write(
        dir.path(),
        "broken.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: [oops\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found(&json),
        [("broken.yaml".to_string(), "syntax-error".to_string())]
    );
}

#[test]
fn exit_2_for_a_nonexistent_path() {
    let dir = tempdir();
    write(dir.path(), "b.yaml", &bad("b"));
    let r = run(dir.path(), &["lint", "b.yaml", "no/such/dir"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("no/such/dir"), "{}", r.stderr);
}

#[test]
fn exit_2_for_an_unknown_option() {
    let dir = tempdir();
    let r = run(dir.path(), &["lint", "--no-such-option"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("--no-such-option"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let r = run(dir.path(), &["no-such-command"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    let r = run(dir.path(), &["lint", "--format", "xml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
}

#[test]
fn exit_2_for_explain_of_an_unknown_rule() {
    let dir = tempdir();
    let r = run(dir.path(), &["explain", "no-such-rule"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("no-such-rule"), "{}", r.stderr);
    for id in RULE_IDS {
        assert!(r.stderr.contains(id), "known rules listed: {}", r.stderr);
    }
}

#[test]
fn exit_0_for_help_and_version() {
    let dir = tempdir();
    let r = run(dir.path(), &["--help"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout.contains("lint") && r.stdout.contains("explain") && r.stdout.contains("rules")
    );
    let r = run(dir.path(), &["lint", "--help"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("--exit-zero") && r.stdout.contains("--stdin-filename"));
    let r = run(dir.path(), &["--version"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    // (With the commit and its date after it in a checkout: tests/cli_ux.rs.)
    assert!(r
        .stdout
        .starts_with(&format!("gitops-lint {}", env!("CARGO_PKG_VERSION"))));
}

// ---------------------------------------------------------------------------------------
// Output formats

/// A tree with findings in several files, for the format tests.
fn sample_tree(dir: &Path) {
    // Two documents, both bad: two diagnostics in one file, in offset order.
    write(
        dir,
        "apps/a.yaml",
        &format!("{}---\n{}", bad("a1"), bad("a2")),
    );
    write(dir, "apps/b.yaml", &bad("b"));
    write(dir, "apps/good.yaml", &good("g"));
    write(dir, "nested/deep/c.yml", &bad("c"));
    write(
        dir,
        "z.json",
        "{\"apiVersion\": \"argoproj.io/v1alpha1\", \"kind\": \"Application\", \"spec\": {}}\n",
    );
    write(dir, "plain.yaml", CONFIGMAP);
    write(dir, "README.md", &bad("not-a-manifest-extension"));
}

#[test]
fn json_is_one_document_with_version_sorted_diagnostics_and_summary() {
    let dir = tempdir();
    sample_tree(dir.path());
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(json["version"], 1);
    let list = json["diagnostics"].as_array().unwrap();
    assert_eq!(
        found(&json),
        [
            ("apps/a.yaml", "missing-finalizer"),
            ("apps/a.yaml", "missing-finalizer"),
            ("apps/b.yaml", "missing-finalizer"),
            ("nested/deep/c.yml", "missing-finalizer"),
            ("z.json", "missing-finalizer"),
        ]
        .map(|(p, r)| (p.to_string(), r.to_string()))
    );
    // Sorted by path, then offset.
    let keys: Vec<(String, u64)> = list
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["span"]["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(
        keys[0].1 < keys[1].1,
        "two findings of apps/a.yaml: {keys:?}"
    );
    assert_eq!(list[0]["document"], 0);
    assert_eq!(list[1]["document"], 1);
    assert_eq!(list[1]["start"]["line"], 11);
    assert_eq!(list[1]["object"]["name"], "a2");
    assert_eq!(list[1]["object"]["kind"], "Application");
    assert_eq!(list[1]["route"], "metadata.finalizers");
    assert_eq!(list[1]["severity"], "error");

    let summary = &json["summary"];
    // a, b, good, c, z scanned; plain.yaml skipped; README.md never looked at.
    assert_eq!(summary["files_scanned"], 5);
    assert_eq!(summary["files_skipped"], 1);
    assert_eq!(summary["diagnostics"], 5);
    let with_fix = list.iter().filter(|d| !d["fix"].is_null()).count();
    assert_eq!(summary["fixable"], with_fix);
}

#[test]
fn json_paths_are_relative_as_given_without_dot_slash() {
    let dir = tempdir();
    sample_tree(dir.path());
    let abs = dir.path().canonicalize().unwrap().join("apps");
    let abs = abs.to_str().unwrap();
    for args in [
        vec!["apps"],
        vec!["./apps"],
        vec!["apps/"],
        vec!["./apps/"],
        vec![abs],
    ] {
        let r = command(&dir.path().canonicalize().unwrap(), &[])
            .args(["lint", "--format", "json"])
            .args(&args)
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&r.stdout).unwrap();
        assert_eq!(
            paths(&json),
            ["apps/a.yaml", "apps/b.yaml"],
            "args {args:?}"
        );
    }
    // Explicit files too.
    let (_, json) = lint_json(dir.path(), &["./nested/deep/c.yml", "./z.json"]);
    assert_eq!(paths(&json), ["nested/deep/c.yml", "z.json"]);
    // From a subdirectory, paths are relative to it.
    let (_, json) = lint_json(&dir.path().join("nested"), &[]);
    assert_eq!(paths(&json), ["deep/c.yml"]);
}

#[test]
fn json_without_findings_has_an_empty_list() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &good("a"));
    write(dir.path(), "cm.yaml", CONFIGMAP);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert_eq!(json["summary"]["files_scanned"], 1);
    assert_eq!(json["summary"]["files_skipped"], 1);
    assert_eq!(json["summary"]["diagnostics"], 0);
}

#[test]
fn concise_is_one_line_per_diagnostic_with_summary_on_stderr() {
    let dir = tempdir();
    sample_tree(dir.path());
    let r = run(dir.path(), &["lint", "--format", "concise"]);
    assert_eq!(r.code, Some(1));
    let lines: Vec<&str> = r.stdout.lines().collect();
    let prefixes: Vec<&str> = lines
        .iter()
        .map(|l| &l[..l.find("] ").unwrap() + 2])
        .collect();
    assert_eq!(
        prefixes,
        [
            "apps/a.yaml:3:1: error[missing-finalizer] ",
            "apps/a.yaml:11:1: error[missing-finalizer] ",
            "apps/b.yaml:3:1: error[missing-finalizer] ",
            "nested/deep/c.yml:3:1: error[missing-finalizer] ",
            "z.json:1:48: error[missing-finalizer] ",
        ]
    );
    let stderr: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(stderr.len(), 2, "{}", r.stderr);
    assert_eq!(
        stderr[1], "4 fixable with `--fix`.",
        "z.json (no metadata, flow) has no fix"
    );
    assert!(
        stderr[0].starts_with("Found ")
            && stderr[0].contains("5 errors")
            && stderr[0].contains("5 files")
            && stderr[0].contains("1 skipped"),
        "{}",
        stderr[0]
    );

    let r = run(dir.path(), &["lint", "--format", "concise", "--quiet"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout.lines().count(), 5);
    let r = run(dir.path(), &["lint", "--format", "concise", "-q"]);
    assert_eq!(r.stderr, "");
}

#[test]
fn full_shows_snippets_with_summary_on_stderr() {
    let dir = tempdir();
    write(dir.path(), "apps/b.yaml", &bad("b"));
    let r = run(
        dir.path(),
        &["lint", "--format", "full", "--color", "never"],
    );
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("missing-finalizer"), "{}", r.stdout);
    assert!(r.stdout.contains("[apps/b.yaml:3:1]"), "{}", r.stdout);
    assert!(r.stdout.contains("3 │ metadata:"), "{}", r.stdout);
    assert!(r.stdout.contains("help:"), "{}", r.stdout);
    let stderr: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(stderr.len(), 2, "{}", r.stderr);
    assert_eq!(stderr[1], "1 fixable with `--fix`.");
    assert!(
        stderr[0].starts_with("Found ") && stderr[0].contains("1 error"),
        "{}",
        stderr[0]
    );

    // `full` is the default format.
    let r2 = run(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(r2.stdout, r.stdout);

    let r = run(dir.path(), &["lint", "--quiet", "--color", "never"]);
    assert_eq!(r.stderr, "");
    assert!(r.stdout.contains("[apps/b.yaml:3:1]"));
}

#[test]
fn summary_line_on_a_clean_run() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &good("a"));
    let r = run(dir.path(), &["lint"]);
    assert_eq!(r.code, Some(0));
    assert!(
        r.stderr
            .starts_with("Found no problems in 1 file (0 skipped"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------
// Colour

const ESC: char = '\u{1b}';

#[test]
fn color_never_always_and_auto_with_a_pipe() {
    let dir = tempdir();
    write(dir.path(), "b.yaml", &bad("b"));
    write(dir.path(), "w.yaml", WARNING_ONLY);
    for format in ["concise", "full"] {
        let r = run(
            dir.path(),
            &["lint", "--format", format, "--color", "never"],
        );
        assert!(!r.stdout.contains(ESC), "{format} never: {:?}", r.stdout);
        assert!(!r.stderr.contains(ESC));
        let r = run(dir.path(), &["lint", "--format", format, "--color", "auto"]);
        assert!(!r.stdout.contains(ESC), "{format} auto: {:?}", r.stdout);
        let r = run(dir.path(), &["lint", "--format", format]);
        assert!(!r.stdout.contains(ESC), "{format} default: {:?}", r.stdout);
    }
    let r = run(
        dir.path(),
        &["lint", "--format", "concise", "--color", "always"],
    );
    assert!(
        r.stdout
            .contains("\u{1b}[1;31merror\u{1b}[0m[missing-finalizer]"),
        "{:?}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("\u{1b}[1;33mwarning\u{1b}[0m[controller-managed-finalizer]"),
        "{:?}",
        r.stdout
    );
    let r = run(
        dir.path(),
        &["lint", "--format", "full", "--color", "always"],
    );
    assert!(r.stdout.contains(ESC), "{:?}", r.stdout);
    // JSON never carries colour.
    let r = run(
        dir.path(),
        &["lint", "--format", "json", "--color", "always"],
    );
    assert!(!r.stdout.contains(ESC));
    parse_json(&r);
}

#[test]
fn no_color_env_does_not_override_an_explicit_always() {
    let dir = tempdir();
    write(dir.path(), "b.yaml", &bad("b"));
    let args = ["lint", "--format", "concise", "--color", "always"];
    let r = run_env(dir.path(), &args, "NO_COLOR", "1");
    assert!(r.stdout.contains(ESC), "{:?}", r.stdout);
    let r = run_env(
        dir.path(),
        &["lint", "--format", "concise", "--color", "auto"],
        "NO_COLOR",
        "1",
    );
    assert!(!r.stdout.contains(ESC), "{:?}", r.stdout);
}

/// Run the binary under a pseudo-terminal (util-linux `script`), so that `--color auto`
/// sees a terminal. `None` if `script` is not available.
fn run_in_pty(dir: &Path, args: &str, no_color: Option<&str>) -> Option<String> {
    let probe = Command::new("script").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let mut cmd = Command::new("script");
    cmd.current_dir(dir)
        .args(["-qec", &format!("'{BIN}' {args}"), "/dev/null"])
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = cmd.output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn color_auto_on_a_terminal_honours_no_color() {
    let dir = tempdir();
    write(dir.path(), "b.yaml", &bad("b"));
    let args = "lint --format concise --quiet";
    let Some(plain) = run_in_pty(dir.path(), args, None) else {
        eprintln!("`script` not available: skipping the terminal checks");
        return;
    };
    assert!(plain.contains("b.yaml:3:1:"), "{plain:?}");
    assert!(plain.contains(ESC), "auto on a terminal colours: {plain:?}");
    let no_color = run_in_pty(dir.path(), args, Some("1")).unwrap();
    assert!(no_color.contains("b.yaml:3:1:"), "{no_color:?}");
    assert!(!no_color.contains(ESC), "NO_COLOR=1: {no_color:?}");
    // An empty NO_COLOR counts as unset (no-color.org).
    let empty = run_in_pty(dir.path(), args, Some("")).unwrap();
    assert!(empty.contains(ESC), "NO_COLOR empty: {empty:?}");
}

// ---------------------------------------------------------------------------------------
// Discovery

#[test]
fn gitignore_is_honoured_and_no_ignore_disables_it() {
    let dir = tempdir();
    write(dir.path(), ".gitignore", "ignored/\n*.gen.yaml\n");
    write(dir.path(), "ignored/bad.yaml", &bad("ignored"));
    write(dir.path(), "apps/x.gen.yaml", &bad("generated"));
    write(dir.path(), "apps/sub/.gitignore", "local.yaml\n");
    write(dir.path(), "apps/sub/local.yaml", &bad("local"));
    write(dir.path(), "apps/real.yaml", &bad("real"));
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&json), ["apps/real.yaml"]);
    assert_eq!(json["summary"]["files_scanned"], 1);
    // Walking a subdirectory still honours the .gitignore above it.
    let (_, json) = lint_json(dir.path(), &["apps"]);
    assert_eq!(paths(&json), ["apps/real.yaml"]);

    let (_, json) = lint_json(dir.path(), &["--no-ignore"]);
    assert_eq!(
        paths(&json),
        [
            "apps/real.yaml",
            "apps/sub/local.yaml",
            "apps/x.gen.yaml",
            "ignored/bad.yaml"
        ]
    );
}

#[test]
fn gitignore_is_honoured_inside_a_git_repository() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), ".gitignore", "build/\n");
    write(dir.path(), "build/bad.yaml", &bad("built"));
    write(dir.path(), "src/bad.yaml", &bad("src"));
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(paths(&json), ["src/bad.yaml"]);
}

#[test]
fn ignore_file_is_honoured() {
    let dir = tempdir();
    write(dir.path(), ".ignore", "vendor/\n");
    write(dir.path(), "vendor/bad.yaml", &bad("vendored"));
    write(dir.path(), "mine.yaml", &bad("mine"));
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(paths(&json), ["mine.yaml"]);
    let (_, json) = lint_json(dir.path(), &["--no-ignore"]);
    assert_eq!(paths(&json), ["mine.yaml", "vendor/bad.yaml"]);
}

#[test]
fn exclude_globs_are_gitignore_style_and_repeatable() {
    let dir = tempdir();
    write(dir.path(), "skip/bad.yaml", &bad("skip"));
    write(dir.path(), "apps/skip/deep.yaml", &bad("deep-skip"));
    write(dir.path(), "apps/x.yml", &bad("yml"));
    write(dir.path(), "apps/keep.yaml", &bad("keep"));
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        paths(&json),
        [
            "apps/keep.yaml",
            "apps/skip/deep.yaml",
            "apps/x.yml",
            "skip/bad.yaml"
        ]
    );
    let (_, json) = lint_json(dir.path(), &["--exclude", "skip/"]);
    assert_eq!(paths(&json), ["apps/keep.yaml", "apps/x.yml"]);
    let (_, json) = lint_json(dir.path(), &["--exclude", "*.yml"]);
    assert_eq!(
        paths(&json),
        ["apps/keep.yaml", "apps/skip/deep.yaml", "skip/bad.yaml"]
    );
    let (_, json) = lint_json(dir.path(), &["--exclude", "skip/", "--exclude", "*.yml"]);
    assert_eq!(paths(&json), ["apps/keep.yaml"]);
    // Anchored pattern: only the top-level `skip`.
    let (_, json) = lint_json(dir.path(), &["--exclude", "/skip"]);
    assert_eq!(
        paths(&json),
        ["apps/keep.yaml", "apps/skip/deep.yaml", "apps/x.yml"]
    );
    // Also when the directory is given as `./apps`.
    let (_, json) = lint_json(dir.path(), &["--exclude", "skip/", "./apps"]);
    assert_eq!(paths(&json), ["apps/keep.yaml", "apps/x.yml"]);
}

#[test]
fn explicit_files_are_always_linted() {
    let dir = tempdir();
    write(dir.path(), ".gitignore", "ignored.yaml\n");
    write(dir.path(), "app.txt", &bad("txt"));
    write(dir.path(), "ignored.yaml", &bad("ignored"));
    // Walking skips both: the unusual extension and the ignored file; nothing is found
    // (exit 3).
    let r = run(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(r.code, Some(3), "{r:?}");
    assert_eq!(parse_json(&r)["summary"]["files_scanned"], 0);
    // Named explicitly, both are linted.
    let (code, json) = lint_json(dir.path(), &["app.txt", "ignored.yaml"]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&json), ["app.txt", "ignored.yaml"]);
    assert_eq!(json["summary"]["files_scanned"], 2);
}

#[test]
fn git_directory_is_never_walked() {
    let dir = tempdir();
    write(dir.path(), ".git/bad.yaml", &bad("in-git"));
    write(dir.path(), "sub/.git/objects/x.yaml", &bad("in-sub-git"));
    // Other hidden directories are walked.
    write(dir.path(), ".argocd/apps.yaml", &bad("hidden"));
    for extra in [&[][..], &["--no-ignore"][..]] {
        let (_, json) = lint_json(dir.path(), extra);
        assert_eq!(paths(&json), [".argocd/apps.yaml"], "{extra:?}");
    }
}

#[test]
fn files_without_the_needle_are_skipped_not_parsed() {
    let dir = tempdir();
    write(dir.path(), "cm.yaml", CONFIGMAP);
    // Broken YAML, but no `argoproj.io`: never parsed, so no syntax error.
    write(dir.path(), "broken.yaml", "a: [b\n  - : : {\n\t\"\n");
    write(dir.path(), "data.json", "{not json at all");
    // The same broken YAML with the needle is parsed and reported.
    write(
        dir.path(),
        "broken-argo.yaml",
        "apiVersion: argoproj.io/v1alpha1\na: [b\n  - : : {\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found(&json),
        [("broken-argo.yaml".to_string(), "syntax-error".to_string())]
    );
    assert_eq!(json["summary"]["files_scanned"], 1);
    assert_eq!(json["summary"]["files_skipped"], 3);
}

#[test]
fn symlinked_directory_outside_the_tree_is_not_followed() {
    let outside = tempdir();
    write(outside.path(), "bad.yaml", &bad("outside"));
    let dir = tempdir();
    write(dir.path(), "inside.yaml", &good("inside"));
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
    // The link really leads to the bad file.
    assert!(dir.path().join("link/bad.yaml").is_file());
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert_eq!(json["summary"]["files_scanned"], 1);
}

#[test]
fn yml_and_json_files_are_walked() {
    let dir = tempdir();
    write(dir.path(), "a.yml", &bad("yml"));
    write(dir.path(), "b.yaml", &bad("yaml"));
    write(
        dir.path(),
        "c.json",
        "{\"apiVersion\": \"argoproj.io/v1alpha1\", \"kind\": \"Application\", \"metadata\": {}, \"spec\": {}}",
    );
    write(dir.path(), "d.YAML.bak", &bad("backup"));
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(paths(&json), ["a.yml", "b.yaml", "c.json"]);
}

// ---------------------------------------------------------------------------------------
// rules / explain

#[test]
fn rules_lists_every_rule() {
    let dir = tempdir();
    let r = run(dir.path(), &["rules"]);
    assert_eq!(r.code, Some(0));
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, RULE_IDS);
    let first = r.stdout.lines().next().unwrap();
    assert!(first.split_whitespace().nth(1) == Some("error"), "{first}");
}

#[test]
fn rules_json_is_valid() {
    let dir = tempdir();
    let r = run(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(r.code, Some(0));
    let json = parse_json(&r);
    let list = json.as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, RULE_IDS);
    let severities: Vec<&str> = list
        .iter()
        .map(|r| r["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        [
            "error", "warning", "warning", "warning", "warning", "warning", "warning", "info",
            "error", "warning"
        ]
    );
    for rule in list {
        assert!(!rule["summary"].as_str().unwrap().is_empty());
        assert!(rule["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/{}.md", rule["id"].as_str().unwrap())));
    }
    assert_eq!(
        list[0]["fields"]["Application"], "metadata.finalizers",
        "{:#}",
        list[0]
    );
}

#[test]
fn explain_prints_the_rule_docs() {
    let dir = tempdir();
    let r = run(dir.path(), &["explain", "missing-finalizer"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout.starts_with("# missing-finalizer ("),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("## What it does"));
    assert!(r.stdout.contains("## Rationale"));
    assert!(r.stdout.contains("Severity: error"));
    for id in RULE_IDS {
        let r = run(dir.path(), &["explain", id]);
        assert_eq!(r.code, Some(0), "{id}");
        assert!(r.stdout.contains("## What it does"), "{id}");
    }
}

// ---------------------------------------------------------------------------------------
// stdin

#[test]
fn stdin_with_a_filename() {
    let dir = tempdir();
    let r = run_stdin(
        dir.path(),
        &[
            "lint",
            "--format",
            "json",
            "--stdin-filename",
            "apps/from-stdin.yaml",
            "-",
        ],
        &bad("stdin"),
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    let json = parse_json(&r);
    assert_eq!(
        found(&json),
        [(
            "apps/from-stdin.yaml".to_string(),
            "missing-finalizer".to_string()
        )]
    );
    assert_eq!(json["diagnostics"][0]["object"]["name"], "stdin");
    assert_eq!(json["summary"]["files_scanned"], 1);
}

#[test]
fn stdin_alone_does_not_walk_the_working_directory() {
    let dir = tempdir();
    write(dir.path(), "other.yaml", &bad("other"));
    let r = run_stdin(dir.path(), &["lint", "--format", "json", "-"], &good("s"));
    assert_eq!(r.code, Some(0), "{r:?}");
    let json = parse_json(&r);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert_eq!(json["summary"]["files_scanned"], 1);

    // Without --stdin-filename the path is `-`; a file and stdin together.
    let r = run_stdin(
        dir.path(),
        &["lint", "--format", "concise", "-q", "other.yaml", "-"],
        &bad("s"),
    );
    assert_eq!(r.code, Some(1));
    let starts: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| &l[..l.find(' ').unwrap()])
        .collect();
    assert_eq!(starts, ["-:3:1:", "other.yaml:3:1:"]);

    // Non-Argo input on stdin is skipped.
    let r = run_stdin(dir.path(), &["lint", "--format", "json", "-"], CONFIGMAP);
    let json = parse_json(&r);
    assert_eq!(json["summary"]["files_skipped"], 1);
    assert_eq!(json["summary"]["files_scanned"], 0);
}

// ---------------------------------------------------------------------------------------
// Threads, robustness

#[test]
fn same_json_with_one_and_four_threads() {
    let dir = tempdir();
    let mut expected_findings = 0;
    for i in 0..50 {
        let folder = format!("cluster-{}", i % 7);
        match i % 5 {
            0 => write(
                dir.path(),
                &format!("{folder}/good-{i}.yaml"),
                &good(&format!("g{i}")),
            ),
            1 => write(dir.path(), &format!("{folder}/cm-{i}.yaml"), CONFIGMAP),
            2 => {
                write(
                    dir.path(),
                    &format!("{folder}/multi-{i}.yaml"),
                    &format!("{}---\n{}---\n{}", bad("m1"), CONFIGMAP, bad("m2")),
                );
                expected_findings += 2;
            }
            3 => {
                write(dir.path(), &format!("{folder}/warn-{i}.yml"), WARNING_ONLY);
                expected_findings += 1;
            }
            _ => {
                write(
                    dir.path(),
                    &format!("{folder}/bad-{i}.yaml"),
                    &bad(&format!("b{i}")),
                );
                expected_findings += 1;
            }
        }
    }
    let (code1, one) = lint_json(dir.path(), &["--threads", "1"]);
    let (code4, four) = lint_json(dir.path(), &["--threads", "4"]);
    assert_eq!(code1, Some(1));
    assert_eq!(code4, Some(1));
    assert_eq!(one, four);
    assert_eq!(one["summary"]["diagnostics"], expected_findings);
    assert_eq!(one["summary"]["files_scanned"], 40);
    assert_eq!(one["summary"]["files_skipped"], 10);
    // Byte-identical output, too.
    let a = run(dir.path(), &["lint", "--format", "json", "--threads", "1"]);
    let b = run(dir.path(), &["lint", "--format", "json", "--threads", "4"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_syntax_error_does_not_stop_other_files() {
    let dir = tempdir();
    write(
        dir.path(),
        "a-broken.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: [x\n",
    );
    write(dir.path(), "b-bad.yaml", &bad("b"));
    write(
        dir.path(),
        "c-broken-then-bad.yaml",
        &format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: {{\n---\n{}",
            bad("c")
        ),
    );
    write(dir.path(), "d-good.yaml", &good("d"));
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found(&json),
        [
            ("a-broken.yaml", "syntax-error"),
            ("b-bad.yaml", "missing-finalizer"),
            ("c-broken-then-bad.yaml", "syntax-error"),
            ("c-broken-then-bad.yaml", "missing-finalizer"),
        ]
        .map(|(p, r)| (p.to_string(), r.to_string()))
    );
    assert_eq!(json["diagnostics"][3]["document"], 1);
    assert_eq!(json["summary"]["files_scanned"], 4);
}

// ---------------------------------------------------------------------------------------
// Kustomize

#[test]
fn kustomize_patch_files_are_not_reported() {
    let dir = tempdir();
    write(
        dir.path(),
        "k/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  \
         - base-app.yaml\npatches:\n  - path: patch-app.yaml\n  - path: ./sub/../patch2.yaml\n\
         patchesStrategicMerge:\n  - psm-app.yaml\n",
    );
    // Full Applications (with `spec`, no `$patch`), so only the kustomization makes them
    // patches.
    write(dir.path(), "k/base-app.yaml", &bad("base"));
    write(dir.path(), "k/patch-app.yaml", &bad("patch"));
    write(dir.path(), "k/patch2.yaml", &bad("patch2"));
    write(dir.path(), "k/psm-app.yaml", &bad("psm"));
    write(dir.path(), "other/patch-app.yaml", &bad("not-a-patch-here"));
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&json), ["k/base-app.yaml", "other/patch-app.yaml"]);
    let (_, json) = lint_json(dir.path(), &["k"]);
    assert_eq!(paths(&json), ["k/base-app.yaml"]);
    let (_, json) = lint_json(dir.path(), &["./k/"]);
    assert_eq!(paths(&json), ["k/base-app.yaml"]);
    // Named explicitly, a patch is still recognised through the kustomization above it.
    let (code, json) = lint_json(dir.path(), &["k/patch-app.yaml", "k/psm-app.yaml"]);
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(json["summary"]["files_scanned"], 2);
    let (code, _) = lint_json(&dir.path().join("k"), &["patch-app.yaml"]);
    assert_eq!(code, Some(0));
    // Without the kustomization the same files are reported.
    std::fs::remove_file(dir.path().join("k/kustomization.yaml")).unwrap();
    let (_, json) = lint_json(dir.path(), &["k"]);
    assert_eq!(
        paths(&json),
        [
            "k/base-app.yaml",
            "k/patch-app.yaml",
            "k/patch2.yaml",
            "k/psm-app.yaml"
        ]
    );
}

#[test]
fn kustomize_patch_in_a_walked_subdirectory_is_not_reported() {
    let dir = tempdir();
    write(
        dir.path(),
        "k/kustomization.yaml",
        "resources:\n  - base.yaml\npatches:\n  - path: sub/patch.yaml\n",
    );
    write(dir.path(), "k/base.yaml", &good("base"));
    write(dir.path(), "k/sub/patch.yaml", &bad("patch"));
    // Walking from the top, or naming the file, the patch is recognised ...
    let (code, _) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0));
    let (code, _) = lint_json(dir.path(), &["k/sub/patch.yaml"]);
    assert_eq!(code, Some(0));
    // ... but walking `k/sub` reports it.
    let (code, json) = lint_json(dir.path(), &["k/sub"]);
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");
    assert_eq!(code, Some(0));
}

// ---------------------------------------------------------------------------------------
// Path overlap, excludes outside the working directory

#[test]
fn overlapping_paths_lint_each_file_once() {
    let dir = tempdir();
    write(dir.path(), "apps/a.yaml", &bad("a"));
    for args in [
        &[".", "apps"][..],
        &["apps", "./apps"][..],
        &["apps/", "apps/a.yaml", "./apps/a.yaml"][..],
    ] {
        let (_, json) = lint_json(dir.path(), args);
        assert_eq!(
            found(&json),
            [("apps/a.yaml".to_string(), "missing-finalizer".to_string())],
            "{args:?}"
        );
        assert_eq!(json["summary"]["files_scanned"], 1, "{args:?}");
    }
}

#[test]
fn exclude_with_a_directory_outside_the_working_directory() {
    let tree = tempdir();
    write(tree.path(), "skip/bad.yaml", &bad("skipped"));
    write(tree.path(), "keep.yaml", &bad("kept"));
    let cwd = tempdir();
    let abs = tree.path().to_str().unwrap();
    let r = run(
        cwd.path(),
        &["lint", "--format", "json", "--exclude", "skip/", abs],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let json = parse_json(&r);
    let reported = paths(&json);
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(reported[0].ends_with("/keep.yaml"), "{reported:?}");
}
