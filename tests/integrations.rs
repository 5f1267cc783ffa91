//! Integration surfaces of the `gitops-lint` binary: the configuration file (discovery,
//! every key, errors), `config-schema`, the `github`, `json-lines` and `sarif` output
//! formats, `--force-exclude`, `unused-suppression`, shell completions, and exit codes
//! across formats.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::*;

/// An Application whose finalizers come from template logic: only `not-checked` (info).
const TEMPLATED: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  \
     name: tpl\n  finalizers:\n{{- if .Values.cascade }}\n    - foo\n{{- end }}\nspec:\n  \
     project: default\n";

/// An Application with a finalizer of one's own (cascading only when configured so).
const CUSTOM_FINALIZER: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n\
     metadata:\n  name: custom\n  finalizers:\n    - example.com/cascade-delete\nspec:\n  \
     project: default\n";

/// `lint --format json ARGS...`: exit code and the parsed document.
fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    (r.code, parse_json(&r))
}

fn diagnostics(json: &Value) -> &Vec<Value> {
    json["diagnostics"].as_array().expect("diagnostics array")
}

/// `(path, rule, severity)` of every diagnostic.
fn found(json: &Value) -> Vec<(String, String, String)> {
    diagnostics(json)
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn triples(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(p, r, s)| (p.to_string(), r.to_string(), s.to_string()))
        .collect()
}

/// The text a diagnostic's byte span covers in `file`.
fn span_text(file: &Path, d: &Value) -> String {
    let bytes = std::fs::read(file).unwrap();
    let start = d["span"]["offset"].as_u64().unwrap() as usize;
    let len = d["span"]["length"].as_u64().unwrap() as usize;
    String::from_utf8(bytes[start..start + len].to_vec()).unwrap()
}

// ---------------------------------------------------------------------------------------
// Configuration: discovery

#[test]
fn config_in_the_linted_directory_is_used() {
    let dir = tempdir();
    write(dir.path(), "apps/a.yaml", &bad("a"));
    write(
        dir.path(),
        "apps/.gitops-lint.yaml",
        "rules:\n  missing-finalizer: warning\n",
    );
    // Linted dir given as an argument, the working directory above it.
    let (code, json) = lint_json(dir.path(), &["apps"]);
    assert_eq!(
        found(&json),
        triples(&[("apps/a.yaml", "missing-finalizer", "warning")])
    );
    assert_eq!(code, Some(0));
    // No argument: the working directory is the linted directory.
    let (code, json) = lint_json(&dir.path().join("apps"), &[]);
    assert_eq!(
        found(&json),
        triples(&[("a.yaml", "missing-finalizer", "warning")])
    );
    assert_eq!(code, Some(0));
}

#[test]
fn config_in_a_parent_directory_is_used() {
    let dir = tempdir();
    write(dir.path(), "apps/team/a.yaml", &bad("a"));
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: off\n",
    );
    let (code, json) = lint_json(&dir.path().join("apps"), &["team"]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // An explicit file below it too.
    let (code, json) = lint_json(&dir.path().join("apps"), &["team/a.yaml"]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // From the working directory (no argument).
    let (code, json) = lint_json(&dir.path().join("apps/team"), &[]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
}

#[test]
fn config_discovery_stops_at_the_repository_root() {
    let dir = tempdir();
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: off\n",
    );
    write(dir.path(), "repo/apps/a.yaml", &bad("a"));
    std::fs::create_dir_all(dir.path().join("repo/.git")).unwrap();
    let repo = dir.path().join("repo");
    // The file above the repository is not used.
    let (code, json) = lint_json(&repo, &["apps"]);
    assert_eq!(
        found(&json),
        triples(&[("apps/a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    let (code, json) = lint_json(&repo.join("apps"), &[]);
    assert_eq!(
        found(&json),
        triples(&[("a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    // A file at the repository root is used.
    write(
        &repo,
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: info\n",
    );
    let (code, json) = lint_json(&repo, &["apps"]);
    assert_eq!(
        found(&json),
        triples(&[("apps/a.yaml", "missing-finalizer", "info")])
    );
    assert_eq!(code, Some(0));
}

#[test]
fn config_discovery_stops_at_a_git_file_too() {
    // A worktree or submodule has a `.git` file, not a directory.
    let dir = tempdir();
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: off\n",
    );
    write(dir.path(), "repo/apps/a.yaml", &bad("a"));
    write(dir.path(), "repo/.git", "gitdir: ../elsewhere\n");
    let (code, json) = lint_json(&dir.path().join("repo"), &["apps"]);
    assert_eq!(
        found(&json),
        triples(&[("apps/a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
}

#[test]
fn config_without_the_dot_is_accepted() {
    let dir = tempdir();
    write(dir.path(), "apps/a.yaml", &bad("a"));
    write(
        dir.path(),
        "gitops-lint.yaml",
        "rules:\n  missing-finalizer: warning\n",
    );
    let (code, json) = lint_json(dir.path(), &["apps"]);
    assert_eq!(
        found(&json),
        triples(&[("apps/a.yaml", "missing-finalizer", "warning")])
    );
    assert_eq!(code, Some(0));
}

#[test]
fn config_flag_overrides_the_discovered_file() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: off\n",
    );
    write(
        dir.path(),
        "conf/strict.yaml",
        "rules:\n  missing-finalizer: info\n",
    );
    let (code, json) = lint_json(dir.path(), &["--config", "conf/strict.yaml", "a.yaml"]);
    assert_eq!(
        found(&json),
        triples(&[("a.yaml", "missing-finalizer", "info")])
    );
    assert_eq!(code, Some(0));
    // Without the flag, the discovered file applies.
    let (code, json) = lint_json(dir.path(), &["a.yaml"]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
}

#[test]
fn config_flag_naming_a_missing_file_exits_2() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &good("a"));
    let r = run(dir.path(), &["lint", "--config", "nope.yaml", "a.yaml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("nope.yaml"), "{}", r.stderr);
}

#[test]
fn isolated_ignores_configuration_files() {
    let dir = tempdir();
    write(dir.path(), "apps/a.yaml", &bad("a"));
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: off\nexclude: [apps/]\n",
    );
    // The configuration excludes the whole directory: no file found (exit 3).
    let r = run(dir.path(), &["lint", "--format", "json", "apps"]);
    assert_eq!(found(&parse_json(&r)), []);
    assert_eq!(r.code, Some(3), "{r:?}");
    let (code, json) = lint_json(dir.path(), &["--isolated", "apps"]);
    assert_eq!(
        found(&json),
        triples(&[("apps/a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    // Even an invalid configuration file is not read.
    write(dir.path(), ".gitops-lint.yaml", "colour: red\n");
    let (code, _) = lint_json(dir.path(), &["--isolated", "apps"]);
    assert_eq!(code, Some(1));
    // --isolated and --config contradict each other.
    let r = run(
        dir.path(),
        &["lint", "--isolated", "--config", ".gitops-lint.yaml"],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
}

// ---------------------------------------------------------------------------------------
// Configuration: keys

#[test]
fn include_selects_the_files_walked() {
    let dir = tempdir();
    write(dir.path(), "a.tpl", &bad("tpl"));
    write(dir.path(), "sub/b.tpl", &bad("tpl2"));
    write(dir.path(), "c.yaml", &bad("yaml"));
    // Default: .yaml, not .tpl.
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("c.yaml", "missing-finalizer", "error")])
    );
    write(dir.path(), ".gitops-lint.yaml", "include: [\"*.tpl\"]\n");
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[
            ("a.tpl", "missing-finalizer", "error"),
            ("sub/b.tpl", "missing-finalizer", "error"),
        ])
    );
    assert_eq!(code, Some(1));
    // A file named on the command line is linted whatever `include` says.
    let (_, json) = lint_json(dir.path(), &["c.yaml"]);
    assert_eq!(
        found(&json),
        triples(&[("c.yaml", "missing-finalizer", "error")])
    );
}

#[test]
fn include_with_a_directory_is_relative_to_the_config_file() {
    let dir = tempdir();
    write(dir.path(), "a.tpl", &bad("top"));
    write(dir.path(), "sub/b.tpl", &bad("sub"));
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "include: [\"sub/*.tpl\"]\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("sub/b.tpl", "missing-finalizer", "error")])
    );
    // From the subdirectory, the glob is still relative to the configuration file.
    let (_, json) = lint_json(&dir.path().join("sub"), &[]);
    assert_eq!(
        found(&json),
        triples(&[("b.tpl", "missing-finalizer", "error")])
    );
}

#[test]
fn include_with_an_anchored_glob_matches_at_the_config_root() {
    let dir = tempdir();
    write(dir.path(), "a.tpl", &bad("top"));
    write(dir.path(), "sub/b.tpl", &bad("sub"));
    write(dir.path(), ".gitops-lint.yaml", "include: [\"/*.tpl\"]\n");
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("a.tpl", "missing-finalizer", "error")])
    );
}

#[test]
fn exclude_is_relative_to_the_config_file() {
    let dir = tempdir();
    write(dir.path(), "apps/skip/a.yaml", &bad("skipped"));
    write(dir.path(), "apps/keep/b.yaml", &bad("kept"));
    // Anchored: only `apps/skip` below the configuration's directory.
    write(dir.path(), ".gitops-lint.yaml", "exclude: [/apps/skip/]\n");
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("apps/keep/b.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    // From `apps/`, `/apps/skip/` still means the configuration's `apps/skip`.
    let (_, json) = lint_json(&dir.path().join("apps"), &["."]);
    assert_eq!(
        found(&json),
        triples(&[("keep/b.yaml", "missing-finalizer", "error")])
    );
    // An explicitly named excluded file is linted anyway…
    let (code, json) = lint_json(dir.path(), &["apps/skip/a.yaml"]);
    assert_eq!(
        found(&json),
        triples(&[("apps/skip/a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    // …unless --force-exclude.
    let (code, json) = lint_json(dir.path(), &["--force-exclude", "apps/skip/a.yaml"]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
}

#[test]
fn exclude_accepts_gitignore_negation_and_double_star() {
    let dir = tempdir();
    write(dir.path(), "skip/a.yaml", &bad("a"));
    write(dir.path(), "skip/keep.yaml", &bad("keep"));
    write(dir.path(), "vendor/x/y/v.yaml", &bad("v"));
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "exclude: [\"skip/*\", \"!skip/keep.yaml\", \"vendor/**\"]\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("skip/keep.yaml", "missing-finalizer", "error")])
    );
}

#[cfg(unix)]
#[test]
fn config_globs_apply_through_a_symlinked_path() {
    let dir = tempdir();
    write(dir.path(), "real/skip/s.yaml", &bad("s"));
    write(dir.path(), "real/legacy/l.yaml", &bad("l"));
    write(dir.path(), "real/a.yaml", &bad("a"));
    write(
        dir.path(),
        "real/.gitops-lint.yaml",
        "exclude: [/skip/]\nper-path-ignores:\n  \"/legacy/**\": [missing-finalizer]\n",
    );
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
    let (_, json) = lint_json(dir.path(), &["real"]);
    assert_eq!(
        found(&json),
        triples(&[("real/a.yaml", "missing-finalizer", "error")])
    );
    let (_, json) = lint_json(dir.path(), &["link"]);
    assert_eq!(
        found(&json),
        triples(&[("link/a.yaml", "missing-finalizer", "error")])
    );
}

#[test]
fn rules_off_removes_the_rule() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    write(dir.path(), "w.yaml", WARNING_ONLY);
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: off\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("w.yaml", "controller-managed-finalizer", "warning")])
    );
    assert_eq!(code, Some(0));
    assert_eq!(json["summary"]["diagnostics"], 1);
}

#[test]
fn rules_severity_overrides_set_severity_and_exit_code() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    write(dir.path(), "w.yaml", WARNING_ONLY);
    write(dir.path(), "t.yaml", TEMPLATED);
    let cases: [(&str, [&str; 3], i32); 4] = [
        ("", ["error", "info", "warning"], 1),
        (
            "rules:\n  missing-finalizer: warning\n",
            ["warning", "info", "warning"],
            0,
        ),
        (
            "rules:\n  missing-finalizer: info\n  controller-managed-finalizer: info\n",
            ["info", "info", "info"],
            0,
        ),
        (
            "rules:\n  missing-finalizer: warning\n  not-checked: error\n",
            ["warning", "error", "warning"],
            1,
        ),
    ];
    for (config, [a, t, w], expected_code) in cases {
        write(dir.path(), ".gitops-lint.yaml", config);
        let (code, json) = lint_json(dir.path(), &[]);
        assert_eq!(
            found(&json),
            triples(&[
                ("a.yaml", "missing-finalizer", a),
                ("t.yaml", "not-checked", t),
                ("w.yaml", "controller-managed-finalizer", w),
            ]),
            "config:\n{config}"
        );
        assert_eq!(code, Some(expected_code), "config:\n{config}");
    }
    // A warning turned error fails the run.
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  controller-managed-finalizer: error\n",
    );
    let (code, json) = lint_json(dir.path(), &["w.yaml"]);
    assert_eq!(
        found(&json),
        triples(&[("w.yaml", "controller-managed-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    // The concise format shows the overridden severity as well.
    let r = run(dir.path(), &["lint", "--format", "concise", "-q", "w.yaml"]);
    assert!(
        r.stdout
            .starts_with("w.yaml:7:7: error[controller-managed-finalizer] "),
        "{}",
        r.stdout
    );
    assert_eq!(r.code, Some(1));
}

#[test]
fn per_path_ignores_drop_the_listed_rules_there_only() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    write(dir.path(), "legacy/old/l.yaml", &bad("l"));
    // missing-finalizer and controller-managed-finalizer in one legacy file.
    write(
        dir.path(),
        "legacy/m.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: m\n  \
         finalizers:\n    - post-delete-finalizer.argocd.argoproj.io\nspec:\n  project: x\n",
    );
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "per-path-ignores:\n  \"legacy/**\": [missing-finalizer]\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[
            ("a.yaml", "missing-finalizer", "error"),
            ("legacy/m.yaml", "controller-managed-finalizer", "warning"),
        ])
    );
    assert_eq!(code, Some(1));
    // From a subdirectory the glob is still relative to the configuration file.
    let (code, json) = lint_json(&dir.path().join("legacy"), &[]);
    assert_eq!(
        found(&json),
        triples(&[("m.yaml", "controller-managed-finalizer", "warning")])
    );
    assert_eq!(code, Some(0));
}

#[test]
fn accepted_finalizers_count_as_cascading() {
    let dir = tempdir();
    write(dir.path(), "c.yaml", CUSTOM_FINALIZER);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("c.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "finalizers:\n  accepted: [example.com/cascade-delete]\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // Another string is not accepted.
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "finalizers:\n  accepted: [example.com/other]\n",
    );
    let (code, _) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
}

#[test]
fn fix_finalizer_position_places_the_key() {
    let dir = tempdir();
    let original = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  \
                    namespace: argocd\n  labels:\n    x: y\nspec:\n  project: default\n";
    let item = "  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n";
    let expect = |after: &str| original.replacen(after, &format!("{after}{item}"), 1);
    let cases = [
        ("after-name", expect("  name: a\n")),
        ("after-namespace", expect("  namespace: argocd\n")),
        ("end", expect("    x: y\n")),
    ];
    for (position, expected) in cases {
        write(
            dir.path(),
            ".gitops-lint.yaml",
            &format!("fix:\n  finalizer-position: {position}\n"),
        );
        write(dir.path(), "a.yaml", original);
        let r = run(dir.path(), &["lint", "--fix", "-q", "a.yaml"]);
        assert_eq!(r.code, Some(0), "{r:?}");
        let fixed = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
        assert_eq!(fixed, expected, "finalizer-position: {position}");
    }
    // --isolated: the default (end).
    write(dir.path(), "a.yaml", original);
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "fix:\n  finalizer-position: after-name\n",
    );
    let r = run(dir.path(), &["lint", "--fix", "-q", "--isolated", "a.yaml"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
        expect("    x: y\n")
    );
}

// ---------------------------------------------------------------------------------------
// Configuration: errors

/// Lint a clean tree with `config` as `.gitops-lint.yaml`, in every output format: exit 2,
/// nothing on stdout; returns the stderr of the json run.
fn config_error(config: &str) -> String {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &good("a"));
    write(dir.path(), ".gitops-lint.yaml", config);
    let mut stderr = String::new();
    for format in ["json", "concise", "github", "sarif", "json-lines", "full"] {
        let r = run(dir.path(), &["lint", "--format", format]);
        assert_eq!(r.code, Some(2), "format {format}, config:\n{config}\n{r:?}");
        assert_eq!(r.stdout, "", "format {format}, config:\n{config}");
        assert!(!r.stderr.is_empty(), "format {format}");
        if format == "json" {
            stderr = r.stderr;
        }
    }
    // The same file named with --config.
    let r = run(
        dir.path(),
        &["lint", "--config", ".gitops-lint.yaml", "a.yaml"],
    );
    assert_eq!(r.code, Some(2), "--config, config:\n{config}\n{r:?}");
    stderr
}

#[test]
fn config_unknown_nested_key_names_the_key_and_its_line() {
    let stderr = config_error("fix:\n  finalizer-positon: end\n");
    assert!(stderr.contains("finalizer-positon"), "{stderr}");
    assert!(stderr.contains(":2:3:"), "{stderr}");
    assert!(stderr.contains("unknown key"), "{stderr}");
    // The valid spelling is suggested.
    assert!(stderr.contains("finalizer-position"), "{stderr}");
}

#[test]
fn config_unknown_top_level_key_names_the_key_and_its_line() {
    let stderr = config_error("include: [\"*.yaml\"]\ncolour: red\n");
    assert!(stderr.contains("`colour`"), "{stderr}");
    assert!(stderr.contains(":2:1:"), "{stderr}");
    let stderr = config_error("finalizers:\n  acepted: [x]\n");
    assert!(stderr.contains("acepted"), "{stderr}");
    assert!(stderr.contains(":2:3:"), "{stderr}");
}

#[test]
fn config_unknown_rule_is_named() {
    let stderr = config_error("rules:\n  missing-finaliser: off\n");
    assert!(stderr.contains("missing-finaliser"), "{stderr}");
    assert!(stderr.contains("unknown rule"), "{stderr}");
    assert!(stderr.contains(":2:3:"), "{stderr}");
    let stderr = config_error("per-path-ignores:\n  \"legacy/**\": [no-such-rule]\n");
    assert!(stderr.contains("no-such-rule"), "{stderr}");
    assert!(stderr.contains(":2:17:"), "{stderr}");
}

#[test]
fn config_wrong_types_are_errors() {
    let stderr = config_error("exclude: charts/\n");
    assert!(stderr.contains("expected a list"), "{stderr}");
    assert!(stderr.contains(":1:10:"), "{stderr}");
    let stderr = config_error("include: \"*.tpl\"\n");
    assert!(stderr.contains("expected a list"), "{stderr}");
    let stderr = config_error("rules:\n  missing-finalizer: fatal\n");
    assert!(stderr.contains("fatal"), "{stderr}");
    let stderr = config_error("rules: [missing-finalizer]\n");
    assert!(stderr.contains(":1:8:"), "{stderr}");
    let stderr = config_error("fix:\n  finalizer-position: first\n");
    assert!(stderr.contains("first"), "{stderr}");
    assert!(stderr.contains(":2:23:"), "{stderr}");
    let stderr = config_error("per-path-ignores:\n  legacy: missing-finalizer\n");
    assert!(stderr.contains("expected a list"), "{stderr}");
    let stderr = config_error("finalizers:\n  accepted: example.com/x\n");
    assert!(stderr.contains("expected a list"), "{stderr}");
}

#[test]
fn config_invalid_yaml_is_an_error() {
    let stderr = config_error("rules: [\n");
    assert!(stderr.contains("invalid YAML"), "{stderr}");
    let stderr = config_error("rules:\n  missing-finalizer: off\n bad indent: x\n");
    assert!(stderr.contains("invalid YAML"), "{stderr}");
    let stderr = config_error("a: 1\n---\nb: 2\n");
    assert!(stderr.contains("one YAML document"), "{stderr}");
}

#[test]
fn config_empty_or_comment_only_is_valid() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    for config in ["", "# nothing yet\n"] {
        write(dir.path(), ".gitops-lint.yaml", config);
        let (code, json) = lint_json(dir.path(), &[]);
        assert_eq!(code, Some(1), "config {config:?}");
        assert_eq!(
            found(&json),
            triples(&[("a.yaml", "missing-finalizer", "error")])
        );
    }
}

// ---------------------------------------------------------------------------------------
// config-schema

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn schema() -> Value {
    let dir = tempdir();
    let r = run(dir.path(), &["config-schema"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn config_schema_equals_the_checked_in_file() {
    let dir = tempdir();
    let r = run(dir.path(), &["config-schema"]);
    assert_eq!(r.code, Some(0));
    let on_disk = repo_file("gitops-lint.schema.json");
    assert_eq!(r.stdout, on_disk);
    let printed: Value = serde_json::from_str(&r.stdout).unwrap();
    let stored: Value = serde_json::from_str(&on_disk).unwrap();
    assert_eq!(printed, stored);
}

#[test]
fn config_schema_is_closed_at_every_level() {
    let schema = schema();
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    for section in ["finalizers", "fix"] {
        assert_eq!(
            schema["properties"][section]["additionalProperties"], false,
            "{section}"
        );
    }
    let levels = &schema["properties"]["rules"]["additionalProperties"]["enum"];
    assert_eq!(
        levels,
        &serde_json::json!(["off", "info", "warning", "error"])
    );
}

/// The ```yaml block under `heading` in the README.
fn readme_yaml_block(heading: &str) -> String {
    let readme = repo_file("README.md");
    let section = &readme[readme.find(heading).expect(heading)..];
    let start = section.find("```yaml\n").expect("yaml block") + "```yaml\n".len();
    let end = section[start..].find("```").unwrap();
    section[start..start + end].to_string()
}

#[test]
fn config_schema_lists_every_documented_key() {
    let schema = schema();
    let props = schema["properties"].as_object().unwrap();
    let example = readme_yaml_block("## Configuration");
    let doc: serde_yaml::Value = serde_yaml::from_str(&example).unwrap();
    let doc = doc.as_mapping().unwrap();
    let mut keys = Vec::new();
    for (key, value) in doc {
        let key = key.as_str().unwrap();
        keys.push(key.to_string());
        assert!(props.contains_key(key), "schema lacks `{key}`");
        if matches!(key, "finalizers" | "fix") {
            for (sub, _) in value.as_mapping().unwrap() {
                let sub = sub.as_str().unwrap();
                assert!(
                    schema["properties"][key]["properties"]
                        .as_object()
                        .unwrap()
                        .contains_key(sub),
                    "schema lacks `{key}.{sub}`"
                );
            }
        }
    }
    keys.sort();
    let mut schema_keys: Vec<String> = props.keys().cloned().collect();
    schema_keys.sort();
    assert_eq!(keys, schema_keys, "README example vs schema");
    // The rule ids the README uses are in the schema's enum.
    let ids = &schema["properties"]["rules"]["propertyNames"]["enum"];
    for (rule, _) in doc[&serde_yaml::Value::from("rules")].as_mapping().unwrap() {
        assert!(
            ids.as_array()
                .unwrap()
                .contains(&Value::from(rule.as_str())),
            "{rule:?}"
        );
    }
    // The positions of the Autofix section are the schema's enum.
    let positions = &schema["properties"]["fix"]["properties"]["finalizer-position"]["enum"];
    assert_eq!(
        positions,
        &serde_json::json!(["end", "after-name", "after-namespace"])
    );
    let autofix = readme_yaml_block("## Autofix");
    assert!(autofix.contains("end (default) | after-name | after-namespace"));
}

#[test]
fn readme_configuration_example_is_accepted() {
    let dir = tempdir();
    write(
        dir.path(),
        ".gitops-lint.yaml",
        &readme_yaml_block("## Configuration"),
    );
    write(dir.path(), "apps/a.yaml", &bad("a"));
    write(dir.path(), "bootstrap/root-app.yaml", &bad("root"));
    write(dir.path(), "charts/c.yaml", &bad("c"));
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("apps/a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
}

// ---------------------------------------------------------------------------------------
// --format github

/// Undo GitHub's workflow-command escaping (`%25`, `%0D`, `%0A`, `%3A`, `%2C`).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).unwrap_or("");
        let c = match code {
            "25" => '%',
            "0D" => '\r',
            "0A" => '\n',
            "3A" => ':',
            "2C" => ',',
            _ => panic!("unexpected escape in {s:?}"),
        };
        out.push(c);
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

#[derive(Debug)]
struct Annotation {
    command: String,
    props: BTreeMap<String, String>,
    message: String,
}

/// Parse `::command key=value,...::message`; properties and message unescaped.
fn parse_annotation(line: &str) -> Annotation {
    let rest = line.strip_prefix("::").expect(line);
    let (head, message) = rest.split_once("::").expect(line);
    let (command, props) = head.split_once(' ').expect(line);
    let props = props
        .split(',')
        .map(|p| {
            let (k, v) = p.split_once('=').expect(p);
            (k.to_string(), unescape(v))
        })
        .collect();
    // A raw newline, `%` not starting an escape, … would break the command.
    assert!(!message.contains(['\n', '\r']), "{line:?}");
    Annotation {
        command: command.to_string(),
        props,
        message: unescape(message),
    }
}

/// A tree with an error, a warning and an info finding.
fn mixed_tree(dir: &Path) {
    write(
        dir,
        "apps/a.yaml",
        &format!("{}---\n{}", bad("a1"), bad("a2")),
    );
    write(dir, "apps/w.yaml", WARNING_ONLY);
    write(dir, "charts/t.yaml", TEMPLATED);
    write(dir, "ok.yaml", &good("ok"));
}

#[test]
fn github_annotations_match_the_json_output() {
    let dir = tempdir();
    mixed_tree(dir.path());
    let (json_code, json) = lint_json(dir.path(), &[]);
    let diags = diagnostics(&json);
    assert_eq!(diags.len(), 4);
    let r = run(dir.path(), &["lint", "--format", "github"]);
    assert_eq!(r.code, json_code);
    assert_eq!(r.code, Some(1));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), diags.len() + 1, "{}", r.stdout);
    let (summary, annotations) = lines.split_last().unwrap();
    assert!(
        summary.starts_with("gitops-lint: Found 2 errors, 1 warning, 1 info in 4 files"),
        "{summary}"
    );
    for (line, d) in annotations.iter().zip(diags) {
        let a = parse_annotation(line);
        let expected_command = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            "info" => "notice",
            other => panic!("severity {other}"),
        };
        assert_eq!(a.command, expected_command, "{line}");
        let keys: Vec<&str> = a.props.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["col", "endColumn", "endLine", "file", "line", "title"],
            "{line}"
        );
        // The property order of the documented form.
        let props_text = line.split_once(' ').unwrap().1;
        assert!(
            props_text.starts_with(&format!(
                "file={},line={},col={},endLine={},endColumn={},title={}::",
                d["path"].as_str().unwrap(),
                d["start"]["line"],
                d["start"]["column"],
                d["end"]["line"],
                d["end"]["column"],
                d["rule"].as_str().unwrap()
            )),
            "{line}"
        );
        assert_eq!(a.props["file"], d["path"].as_str().unwrap());
        assert_eq!(a.props["line"], d["start"]["line"].to_string());
        assert_eq!(a.props["col"], d["start"]["column"].to_string());
        assert_eq!(a.props["endLine"], d["end"]["line"].to_string());
        assert_eq!(a.props["endColumn"], d["end"]["column"].to_string());
        assert_eq!(a.props["title"], d["rule"].as_str().unwrap());
        assert_eq!(a.message, d["message"].as_str().unwrap());
    }
    let commands: Vec<String> = annotations
        .iter()
        .map(|l| parse_annotation(l).command)
        .collect();
    assert_eq!(commands, ["error", "error", "warning", "notice"]);
    assert!(annotations[0].starts_with(
        "::error file=apps/a.yaml,line=3,col=1,endLine=3,endColumn=9,title=missing-finalizer::"
    ));
}

#[test]
fn github_escapes_paths_and_messages() {
    let dir = tempdir();
    // `%`, a newline and a carriage return in the name (double-quoted escapes).
    write(
        dir.path(),
        "x,y:z.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  \
         name: \"a%b\\nc\\rd\"\nspec:\n  project: default\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    let d = &diagnostics(&json)[0];
    assert_eq!(d["path"], "x,y:z.yaml");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("a%b\nc\rd"), "{message}");
    let r = run(dir.path(), &["lint", "--format", "github"]);
    assert_eq!(r.code, Some(1));
    let line = r.stdout.lines().next().unwrap();
    let escaped_message = message
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    assert_eq!(
        line,
        format!(
            "::error file=x%2Cy%3Az.yaml,line=3,col=1,endLine=3,endColumn=9,\
             title=missing-finalizer::{escaped_message}"
        )
    );
    assert!(line.contains("Application `a%25b%0Ac%0Dd`"), "{line}");
    let a = parse_annotation(line);
    assert_eq!(a.props["file"], "x,y:z.yaml");
    assert_eq!(a.message, message);
    // Two lines: the annotation and the summary.
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
}

#[test]
fn github_escapes_percent_in_a_message_from_a_comment() {
    let dir = tempdir();
    write(
        dir.path(),
        "a.yaml",
        &format!("{}# gitops-lint: ignore[50%off]\n", good("a")),
    );
    let r = run(dir.path(), &["lint", "--format", "github"]);
    let line = r.stdout.lines().next().unwrap();
    assert!(
        line.starts_with(
            "::warning file=a.yaml,line=9,col=23,endLine=9,endColumn=29,title=unused-suppression::"
        ),
        "{line}"
    );
    assert!(line.ends_with("unknown rule `50%25off`"), "{line}");
    assert_eq!(r.code, Some(0));
}

#[test]
fn github_clean_run_prints_only_the_summary() {
    let dir = tempdir();
    write(dir.path(), "ok.yaml", &good("ok"));
    let r = run(dir.path(), &["lint", "--format", "github"]);
    assert_eq!(r.code, Some(0));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0].starts_with("gitops-lint: Found no problems in 1 file"),
        "{}",
        lines[0]
    );
}

#[test]
fn github_quiet_prints_no_summary() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    let r = run(dir.path(), &["lint", "--format", "github", "--quiet"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.starts_with("::error "), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------
// --format json-lines

#[test]
fn json_lines_equals_the_json_diagnostics() {
    let dir = tempdir();
    mixed_tree(dir.path());
    let (json_code, json) = lint_json(dir.path(), &[]);
    let r = run(dir.path(), &["lint", "--format", "json-lines", "-q"]);
    assert_eq!(r.code, json_code);
    assert!(r.stdout.ends_with('\n'));
    let objects: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| {
            assert!(!l.trim().is_empty());
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            assert!(v.is_object(), "{l}");
            v
        })
        .collect();
    assert_eq!(objects.len(), 4);
    assert_eq!(&objects, diagnostics(&json));
    // A clean tree: no line at all.
    let clean = tempdir();
    write(clean.path(), "ok.yaml", &good("ok"));
    let r = run(clean.path(), &["lint", "--format", "json-lines", "-q"]);
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout, "");
}

// ---------------------------------------------------------------------------------------
// --format sarif

fn sarif(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["lint", "--format", "sarif"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    let v =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", r.stdout));
    (r.code, v)
}

fn rule_ids() -> Vec<String> {
    let dir = tempdir();
    let r = run(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(r.code, Some(0));
    let list: Value = serde_json::from_str(&r.stdout).unwrap();
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    // The text listing names the same rules.
    let r = run(dir.path(), &["rules"]);
    let text_ids: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(text_ids, ids);
    ids
}

#[test]
fn sarif_is_consistent_with_the_rules_and_the_json_output() {
    let dir = tempdir();
    mixed_tree(dir.path());
    write(
        dir.path(),
        "apps/u.yaml",
        &format!("{}# gitops-lint: ignore[missing-finalizer]\n", good("u")),
    );
    let (json_code, json) = lint_json(dir.path(), &[]);
    let (code, sarif) = sarif(dir.path(), &[]);
    assert_eq!(code, json_code);
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif"));
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run0 = &runs[0];
    assert_eq!(run0["tool"]["driver"]["name"], "gitops-lint");
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let sarif_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(sarif_ids, rule_ids());
    let diags = diagnostics(&json);
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    assert_eq!(results.len(), 5);
    for (res, d) in results.iter().zip(diags) {
        let rule = res["ruleId"].as_str().unwrap();
        assert_eq!(rule, d["rule"].as_str().unwrap());
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], rule);
        let level = match d["severity"].as_str().unwrap() {
            "info" => "note",
            s => s,
        };
        assert_eq!(res["level"], level);
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], d["path"]);
        let region = &loc["region"];
        assert_eq!(region["startLine"], d["start"]["line"]);
        assert_eq!(region["startColumn"], d["start"]["column"]);
        assert_eq!(region["endLine"], d["end"]["line"]);
        assert_eq!(region["endColumn"], d["end"]["column"]);
        // ASCII files: character offsets are byte offsets.
        assert_eq!(region["charOffset"], d["span"]["offset"]);
        assert_eq!(region["charLength"], d["span"]["length"]);
        let fp = res["partialFingerprints"].as_object().unwrap();
        assert!(!fp.is_empty());
        assert!(fp.values().all(|v| !v.as_str().unwrap().is_empty()));
        // fixes[] exactly for the diagnostics with a fix.
        assert_eq!(res.get("fixes").is_some(), !d["fix"].is_null(), "{res}");
        if let Some(fixes) = res.get("fixes") {
            let change = &fixes[0]["artifactChanges"][0];
            assert_eq!(change["artifactLocation"]["uri"], d["path"]);
            let edits = d["fix"]["edits"].as_array().unwrap();
            let replacements = change["replacements"].as_array().unwrap();
            assert_eq!(replacements.len(), edits.len());
            for (rep, e) in replacements.iter().zip(edits) {
                assert_eq!(rep["deletedRegion"]["charOffset"], e["offset"]);
                assert_eq!(rep["deletedRegion"]["charLength"], e["length"]);
                assert_eq!(rep["insertedContent"]["text"], e["content"]);
            }
        }
    }
    let fixable = results.iter().filter(|r| r.get("fixes").is_some()).count();
    assert!(fixable >= 2, "missing-finalizer findings are fixable");
    assert_eq!(json["summary"]["fixable"], fixable);
    // Every rule the results use is described once.
    let mut unique = sarif_ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sarif_ids.len());
}

#[test]
fn sarif_without_findings_has_the_rules_and_no_results() {
    let dir = tempdir();
    write(dir.path(), "ok.yaml", &good("ok"));
    let (code, sarif) = sarif(dir.path(), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        rule_ids().len()
    );
}

/// `(ruleId, startLine, fingerprint)` of every SARIF result.
fn fingerprints(dir: &Path) -> Vec<(String, u64, String)> {
    let (_, sarif) = sarif(dir, &[]);
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                r["partialFingerprints"]["gitopsLint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_lines_inserted_above() {
    let dir = tempdir();
    let body = format!(
        "{}---\n{}",
        bad("a"),
        WARNING_ONLY.replace(
            "spec:\n",
            "spec:\n  # gitops-lint: ignore[unknown-finalizer]\n"
        )
    );
    write(dir.path(), "a.yaml", &body);
    let before = fingerprints(dir.path());
    assert_eq!(
        before
            .iter()
            .map(|(r, l, _)| (r.as_str(), *l))
            .collect::<Vec<_>>(),
        [
            ("missing-finalizer", 3),
            ("controller-managed-finalizer", 15),
            ("unused-suppression", 17)
        ]
    );
    // Distinct findings, distinct fingerprints.
    let mut fps: Vec<&str> = before.iter().map(|(_, _, f)| f.as_str()).collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), 3);
    // Comments, blank lines and an unrelated key above every finding.
    let edited = format!("# header\n\n# more\n{body}").replacen(
        "kind: Application\n",
        "kind: Application\n# note\n",
        2,
    );
    write(dir.path(), "a.yaml", &edited);
    let after = fingerprints(dir.path());
    assert_eq!(
        after.iter().map(|(_, l, _)| *l).collect::<Vec<_>>(),
        [7, 20, 22],
        "the findings moved"
    );
    let strip = |v: &[(String, u64, String)]| -> Vec<(String, String)> {
        v.iter().map(|(r, _, f)| (r.clone(), f.clone())).collect()
    };
    assert_eq!(strip(&after), strip(&before));
}

#[test]
fn sarif_fingerprint_survives_a_document_inserted_above() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", &bad("a"));
    let before = fingerprints(dir.path());
    write(
        dir.path(),
        "a.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n{}",
            bad("a")
        ),
    );
    let after = fingerprints(dir.path());
    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].1, 8);
    assert_eq!(after[0].2, before[0].2);
}

#[test]
fn sarif_fingerprints_of_distinct_unused_suppressions_differ() {
    let dir = tempdir();
    let with_comment = |name: &str| {
        good(name).replace(
            "metadata:\n",
            "metadata:   # gitops-lint: ignore[missing-finalizer] r\n",
        )
    };
    write(
        dir.path(),
        "u.yaml",
        &format!("{}---\n{}", with_comment("one"), with_comment("two")),
    );
    let fps = fingerprints(dir.path());
    assert_eq!(
        fps.iter()
            .map(|(r, l, _)| (r.as_str(), *l))
            .collect::<Vec<_>>(),
        [("unused-suppression", 3), ("unused-suppression", 12)]
    );
    assert_ne!(fps[0].2, fps[1].2);
}

// ---------------------------------------------------------------------------------------
// --force-exclude

#[test]
fn force_exclude_with_the_exclude_option() {
    let dir = tempdir();
    write(dir.path(), "skip/a.yaml", &bad("a"));
    write(dir.path(), "b.yaml", &bad("b"));
    let args = ["--exclude", "skip/", "skip/a.yaml", "b.yaml"];
    let (code, json) = lint_json(dir.path(), &args);
    assert_eq!(
        found(&json),
        triples(&[
            ("b.yaml", "missing-finalizer", "error"),
            ("skip/a.yaml", "missing-finalizer", "error"),
        ])
    );
    assert_eq!(code, Some(1));
    let (code, json) = lint_json(
        dir.path(),
        &["--force-exclude", "--exclude", "skip/", "skip/a.yaml"],
    );
    assert_eq!(found(&json), []);
    assert_eq!(json["summary"]["files_scanned"], 0);
    assert_eq!(code, Some(0));
    // Spelled `./skip/a.yaml` or absolute, the same.
    let abs = dir.path().join("skip/a.yaml");
    for path in ["./skip/a.yaml", abs.to_str().unwrap()] {
        let (code, json) = lint_json(dir.path(), &["--force-exclude", "--exclude", "skip/", path]);
        assert_eq!(found(&json), [], "{path}");
        assert_eq!(code, Some(0), "{path}");
    }
    // The concise format reports nothing either.
    let r = run(
        dir.path(),
        &[
            "lint",
            "--format",
            "concise",
            "-q",
            "--force-exclude",
            "--exclude",
            "skip/",
            "skip/a.yaml",
        ],
    );
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout, "");
    // Files not excluded are still linted.
    let (code, json) = lint_json(
        dir.path(),
        &[
            "--force-exclude",
            "--exclude",
            "skip/",
            "skip/a.yaml",
            "b.yaml",
        ],
    );
    assert_eq!(
        found(&json),
        triples(&[("b.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
}

#[test]
fn force_exclude_with_the_config_exclude() {
    let dir = tempdir();
    write(dir.path(), "skip/a.yaml", &bad("a"));
    write(dir.path(), "sub/b.yaml", &bad("b"));
    write(dir.path(), ".gitops-lint.yaml", "exclude: [skip/]\n");
    let (code, json) = lint_json(dir.path(), &["skip/a.yaml"]);
    assert_eq!(
        found(&json),
        triples(&[("skip/a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
    let (code, json) = lint_json(dir.path(), &["--force-exclude", "skip/a.yaml"]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // From another directory (as given by a tool running elsewhere).
    let (code, json) = lint_json(
        &dir.path().join("sub"),
        &["--force-exclude", "../skip/a.yaml"],
    );
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // --isolated drops the configuration's exclude.
    let (code, json) = lint_json(
        dir.path(),
        &["--isolated", "--force-exclude", "skip/a.yaml"],
    );
    assert_eq!(
        found(&json),
        triples(&[("skip/a.yaml", "missing-finalizer", "error")])
    );
    assert_eq!(code, Some(1));
}

// ---------------------------------------------------------------------------------------
// unused-suppression

#[test]
fn unused_suppression_comment_points_at_the_rule_id() {
    let dir = tempdir();
    let text = good("g").replace(
        "metadata:\n",
        "metadata:   # gitops-lint: ignore[missing-finalizer] reason\n",
    );
    write(dir.path(), "a.yaml", &text);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("a.yaml", "unused-suppression", "warning")])
    );
    assert_eq!(code, Some(0));
    let d = &diagnostics(&json)[0];
    assert_eq!(
        span_text(&dir.path().join("a.yaml"), d),
        "missing-finalizer"
    );
    assert_eq!(d["start"], serde_json::json!({"line": 3, "column": 35}));
    assert_eq!(d["end"], serde_json::json!({"line": 3, "column": 52}));
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("`missing-finalizer`"), "{message}");
    assert!(message.contains("suppresses nothing"), "{message}");
}

#[test]
fn suppression_comment_used_on_the_line_and_above() {
    let dir = tempdir();
    let same_line = bad("a").replace(
        "metadata:\n",
        "metadata:   # gitops-lint: ignore[missing-finalizer] root app\n",
    );
    let line_above = bad("b").replace(
        "metadata:\n",
        "# gitops-lint: ignore[missing-finalizer] data must survive\nmetadata:\n",
    );
    write(dir.path(), "a.yaml", &same_line);
    write(dir.path(), "b.yaml", &line_above);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // The line above, on an Application that needs no suppression: unused.
    write(
        dir.path(),
        "b.yaml",
        &good("b").replace(
            "metadata:\n",
            "# gitops-lint: ignore[missing-finalizer] data must survive\nmetadata:\n",
        ),
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("b.yaml", "unused-suppression", "warning")])
    );
    let d = &diagnostics(&json)[0];
    assert_eq!(
        span_text(&dir.path().join("b.yaml"), d),
        "missing-finalizer"
    );
    assert_eq!(d["start"], serde_json::json!({"line": 3, "column": 23}));
}

#[test]
fn unused_suppression_annotation_points_at_the_key() {
    let dir = tempdir();
    let text = good("g").replace(
        "  finalizers:\n",
        "  annotations:\n    ignore.gitops-lint.dev/missing-finalizer: \"why\"\n  finalizers:\n",
    );
    write(dir.path(), "a.yaml", &text);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("a.yaml", "unused-suppression", "warning")])
    );
    assert_eq!(code, Some(0));
    let d = &diagnostics(&json)[0];
    assert_eq!(
        span_text(&dir.path().join("a.yaml"), d),
        "ignore.gitops-lint.dev/missing-finalizer"
    );
    assert_eq!(d["start"], serde_json::json!({"line": 6, "column": 5}));
    assert_eq!(d["end"], serde_json::json!({"line": 6, "column": 45}));
    assert!(d["message"].as_str().unwrap().contains("annotation"));
}

#[test]
fn used_suppression_annotation_gives_nothing() {
    let dir = tempdir();
    let text = bad("u").replace(
        "  namespace: argocd\n",
        "  namespace: argocd\n  annotations:\n    \
         ignore.gitops-lint.dev/missing-finalizer: \"stateful, data must survive\"\n",
    );
    write(dir.path(), "a.yaml", &text);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // Without the annotation the finding is there (the annotation did the work).
    write(dir.path(), "a.yaml", &bad("u"));
    let (code, _) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
}

#[test]
fn suppressions_of_a_rule_turned_off_are_not_reported() {
    let dir = tempdir();
    let comment = good("c").replace(
        "metadata:\n",
        "metadata:   # gitops-lint: ignore[missing-finalizer] reason\n",
    );
    let annotation = good("n").replace(
        "  finalizers:\n",
        "  annotations:\n    ignore.gitops-lint.dev/missing-finalizer: \"why\"\n  finalizers:\n",
    );
    write(dir.path(), "c.yaml", &comment);
    write(dir.path(), "n.yaml", &annotation);
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[
            ("c.yaml", "unused-suppression", "warning"),
            ("n.yaml", "unused-suppression", "warning"),
        ])
    );
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  missing-finalizer: off\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(found(&json), []);
    assert_eq!(code, Some(0));
    // Ignored for the path: not reported either.
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "per-path-ignores:\n  c.yaml: [missing-finalizer]\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("n.yaml", "unused-suppression", "warning")])
    );
    // unused-suppression itself can be turned error, failing the run.
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  unused-suppression: error\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[
            ("c.yaml", "unused-suppression", "error"),
            ("n.yaml", "unused-suppression", "error"),
        ])
    );
    assert_eq!(code, Some(1));
}

#[test]
fn suppression_of_an_unknown_rule_is_reported() {
    let dir = tempdir();
    let text = bad("a").replace(
        "metadata:\n",
        "metadata:   # gitops-lint: ignore[missing-finalizer, missing-finaliser] r\n",
    );
    write(dir.path(), "a.yaml", &text);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        found(&json),
        triples(&[("a.yaml", "unused-suppression", "warning")])
    );
    assert_eq!(code, Some(0));
    let d = &diagnostics(&json)[0];
    assert_eq!(
        span_text(&dir.path().join("a.yaml"), d),
        "missing-finaliser"
    );
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("unknown rule `missing-finaliser`"));
}

// ---------------------------------------------------------------------------------------
// completions

#[test]
fn completions_for_each_shell() {
    let dir = tempdir();
    for shell in ["bash", "zsh", "fish"] {
        let r = run(dir.path(), &["completions", shell]);
        assert_eq!(r.code, Some(0), "{shell}: {r:?}");
        assert!(r.stdout.len() > 100, "{shell}: {}", r.stdout);
        assert!(r.stdout.contains("gitops-lint"), "{shell}");
        // The subcommands and options are completed.
        for word in ["lint", "config-schema", "force-exclude"] {
            assert!(r.stdout.contains(word), "{shell} lacks {word}");
        }
    }
}

#[test]
fn completions_for_an_unknown_shell_exit_2() {
    let dir = tempdir();
    let r = run(dir.path(), &["completions", "tcsh"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("tcsh"), "{}", r.stderr);
    let r = run(dir.path(), &["completions"]);
    assert_eq!(r.code, Some(2), "{r:?}");
}

// ---------------------------------------------------------------------------------------
// Exit codes across formats

const FORMATS: [&str; 6] = ["json", "concise", "github", "sarif", "json-lines", "full"];

#[test]
fn exit_codes_do_not_depend_on_the_format() {
    let failing = tempdir();
    mixed_tree(failing.path());
    let clean = tempdir();
    write(clean.path(), "ok.yaml", &good("ok"));
    // Only a warning and an info: not a failure.
    let warnings = tempdir();
    write(warnings.path(), "w.yaml", WARNING_ONLY);
    write(warnings.path(), "t.yaml", TEMPLATED);
    for format in FORMATS {
        let r = run(failing.path(), &["lint", "--format", format]);
        assert_eq!(r.code, Some(1), "{format}: {r:?}");
        assert!(!r.stdout.is_empty(), "{format}");
        let r = run(failing.path(), &["lint", "--format", format, "--exit-zero"]);
        assert_eq!(r.code, Some(0), "{format} --exit-zero");
        let r = run(clean.path(), &["lint", "--format", format]);
        assert_eq!(r.code, Some(0), "{format}: {r:?}");
        let r = run(warnings.path(), &["lint", "--format", format]);
        assert_eq!(r.code, Some(0), "{format}: {r:?}");
        let r = run(
            failing.path(),
            &["lint", "--format", format, "missing.yaml"],
        );
        assert_eq!(r.code, Some(2), "{format}: {r:?}");
    }
}
