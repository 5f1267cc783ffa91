//! Per-rule fixtures: `fixtures/<rule>/ok/` and `fixtures/<rule>/err/`, plus the
//! Kubefirst-like example repository `fixtures/kubefirst-example/`.
//!
//! Each folder is linted by the built binary, from the repository root, with
//! `--format concise` and `--format json`; both outputs are snapshot-tested with insta
//! (`tests/snapshots/fixtures__<rule>-<ok|err>-<format>.snap`). The outputs are also checked
//! structurally, so that a wrong snapshot cannot be blessed silently:
//!
//! - every file in `err/` gets at least one diagnostic of the folder's rule;
//! - no file in `ok/` gets a diagnostic of the folder's rule;
//! - the exit code is 1 for the `err/` folder of an error-severity rule, 0 for `ok/` folders;
//! - every JSON diagnostic's span slices the text it names (`finalizers`, `metadata`, the kind
//!   value, the finalizer string), and its start line/column match its offset;
//! - the concise output says the same as the JSON output;
//! - files without the bytes `argoproj.io` are exactly the ones counted as skipped.
//!
//! Update the snapshots with `cargo insta test --accept --test fixtures` (or
//! `INSTA_UPDATE=always cargo test --test fixtures`) and review every changed `.snap`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_gitops-lint");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The bytes a file must contain to be linted at all.
const NEEDLE: &[u8] = b"argoproj.io";

/// Folders under `fixtures/` that are not per-rule fixture sets.
const OTHER_FOLDERS: &[&str] = &["kubefirst-example", "known-bugs"];

/// One run of `gitops-lint lint`.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `gitops-lint lint <args>` from the repository root.
fn lint(args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .current_dir(ROOT)
        .arg("lint")
        .args(args)
        .output()
        .expect("run gitops-lint");
    Run {
        code: out.status.code().expect("gitops-lint exited by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Files a directory walk lints (`*.yaml`, `*.yml`, `*.json`) under `dir` (relative to the
/// repository root), as `/`-separated paths relative to the root, sorted.
fn candidate_files(dir: &str) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
            {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = Path::new(ROOT);
    let mut out = Vec::new();
    walk(root, &root.join(dir), &mut out);
    out.sort();
    out
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(ROOT).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn has_needle(bytes: &[u8]) -> bool {
    decoded(bytes)
        .as_bytes()
        .windows(NEEDLE.len())
        .any(|w| w == NEEDLE)
}

/// A fixture's text: UTF-16 (with a BOM) decoded, anything else read as UTF-8 (lossily).
fn decoded(bytes: &[u8]) -> String {
    let le = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return String::from_utf8_lossy(bytes).into_owned(),
    };
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{fffd}'))
        .collect()
}

fn str_field<'a>(d: &'a Value, key: &str) -> &'a str {
    d[key]
        .as_str()
        .unwrap_or_else(|| panic!("diagnostic without string `{key}`: {d}"))
}

fn num_field(d: &Value, pointer: &str) -> usize {
    d.pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("diagnostic without number `{pointer}`: {d}")) as usize
}

/// `text` without one pair of surrounding YAML/JSON quotes.
fn unquote(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

/// The backticked word just before `marker` in `message`.
fn backticked_before<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let end = message.find(marker)?;
    let start = message[..end].rfind('`')?;
    let head = &message[..start];
    let open = head.rfind('`')?;
    Some(&message[open + 1..start])
}

/// Check that a JSON diagnostic's span slices the text it is about, and that its start
/// line/column agree with the offset.
fn check_span(d: &Value) {
    let path = str_field(d, "path");
    let rule = str_field(d, "rule");
    let message = str_field(d, "message");
    let bytes = read(path);
    let offset = num_field(d, "/span/offset");
    let length = num_field(d, "/span/length");
    assert!(
        offset + length <= bytes.len(),
        "{path}: span {offset}+{length} past the end ({} bytes)",
        bytes.len()
    );
    let text = std::str::from_utf8(&bytes[offset..offset + length])
        .unwrap_or_else(|_| panic!("{path}: span {offset}+{length} is not UTF-8 text"));
    let kind = d.pointer("/object/kind").and_then(Value::as_str);

    match rule {
        "missing-finalizer" => {
            let kind = kind.expect("missing-finalizer names an object");
            let t = unquote(text);
            assert!(
                t == "finalizers" || t == "metadata" || t == kind,
                "{path}: missing-finalizer span is {text:?}, expected `finalizers`, `metadata` or the kind"
            );
        }
        "unknown-finalizer" => {
            let named = message
                .split_once("unknown finalizer `")
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(f, _)| f)
                .unwrap_or_else(|| panic!("{path}: message names no finalizer: {message}"));
            assert_eq!(unquote(text), named, "{path}: unknown-finalizer span");
        }
        "duplicate-finalizer" => {
            let named = backticked_before(message, " is listed twice")
                .unwrap_or_else(|| panic!("{path}: message names no finalizer: {message}"));
            assert_eq!(unquote(text), named, "{path}: duplicate-finalizer span");
        }
        "controller-managed-finalizer" => {
            let named = backticked_before(message, " is added and removed")
                .unwrap_or_else(|| panic!("{path}: message names no finalizer: {message}"));
            assert_eq!(unquote(text), named, "{path}: controller-managed span");
        }
        "cascade-deletes-argocd" => {
            assert!(
                unquote(text).starts_with("resources-finalizer.argocd.argoproj.io"),
                "{path}: cascade-deletes-argocd span is {text:?}, expected the cascade finalizer"
            );
        }
        "unpruned-children" => {
            let t = unquote(text);
            assert!(
                matches!(t, "syncPolicy" | "true" | "false") || Some(t) == kind,
                "{path}: unpruned-children span is {text:?}"
            );
        }
        "multiple-parents" => {
            let name = d["object"]["name"].as_str();
            assert_eq!(Some(unquote(text)), name, "{path}: multiple-parents span");
        }
        "unused-suppression" => {
            // The rule id inside `ignore[...]`, or the annotation key naming it.
            let rule = str_field(d, "message")
                .split('`')
                .nth(1)
                .unwrap_or_else(|| panic!("{path}: no rule id in the message"));
            assert!(
                text == rule || text == format!("ignore.gitops-lint.dev/{rule}"),
                "{path}: unused-suppression span is {text:?}, expected the rule id {rule:?}"
            );
        }
        "not-checked" if kind.is_some() => {
            let t = unquote(text);
            assert!(
                t == "finalizers" || t == "metadata" || Some(t) == kind,
                "{path}: not-checked span is {text:?}, expected `finalizers`, `metadata` or the kind"
            );
        }
        "syntax-error" if kind.is_some() => {
            // A duplicate key in an Argo CD object: the span is the second occurrence.
            let named = message
                .split_once("duplicate key `")
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(k, _)| k)
                .unwrap_or_else(|| panic!("{path}: message names no key: {message}"));
            assert_eq!(unquote(text), named, "{path}: duplicate key span");
        }
        "not-checked" | "syntax-error" => {
            if d["document"].is_null() {
                // Not UTF-8: an empty span at the first invalid byte.
                let valid = std::str::from_utf8(&bytes)
                    .err()
                    .unwrap_or_else(|| panic!("{path}: {rule} without a document, yet UTF-8"))
                    .valid_up_to();
                assert_eq!((offset, length), (valid, 0), "{path}: decode error span");
            } else {
                // A parse error: at most the one character where the parser stopped.
                assert!(
                    text.chars().count() <= 1 && !text.contains('\n'),
                    "{path}: parse error span is {text:?}, expected one character"
                );
            }
        }
        other => panic!("{path}: unknown rule {other}"),
    }

    // Start line/column: 1-based; the column counts characters, not counting a BOM.
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut prefix = std::str::from_utf8(&before[line_start..]).expect("valid UTF-8 before span");
    if line == 1 {
        prefix = prefix.trim_start_matches('\u{feff}');
    }
    let column = prefix.chars().count() + 1;
    assert_eq!(
        (num_field(d, "/start/line"), num_field(d, "/start/column")),
        (line, column),
        "{path}: start line/column of offset {offset}"
    );
}

/// Lint a folder with both formats, snapshot both, and check what holds for any folder:
/// the two formats agree, spans are exact, skipped files are the ones without the needle.
/// Returns the exit code and the JSON diagnostics.
fn lint_folder(dir: &str, snapshot: &str) -> (i32, Vec<Value>) {
    let concise = lint(&["--format", "concise", "--color", "never", dir]);
    let json = lint(&["--format", "json", "--color", "never", dir]);

    insta::with_settings!({
        description => format!("gitops-lint lint --format concise --color never {dir}"),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("{snapshot}-concise"), concise.stdout);
    });
    insta::with_settings!({
        description => format!("gitops-lint lint --format json --color never {dir}"),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("{snapshot}-json"), json.stdout);
    });

    assert!(
        matches!(concise.code, 0 | 1),
        "{dir}: exit code {}: {}",
        concise.code,
        concise.stderr
    );
    assert_eq!(concise.code, json.code, "{dir}: exit codes of the formats");
    assert!(
        json.stderr.is_empty(),
        "{dir}: stderr with --format json: {}",
        json.stderr
    );
    // The concise summary line goes to stderr (not snapshotted: it holds the timing),
    // followed by what is fixable when anything is (the counts of the JSON summary).
    let lines: Vec<&str> = concise.stderr.lines().collect();
    assert!(
        lines[0].starts_with("Found ") && lines.len() <= 2,
        "{dir}: concise stderr: {}",
        concise.stderr
    );
    let summary: Value = serde_json::from_str(&json.stdout).unwrap_or(Value::Null);
    let (safe, risky) = (
        &summary["summary"]["fixable_safe"],
        &summary["summary"]["fixable_unsafe"],
    );
    if let Some(hint) = lines.get(1) {
        assert!(
            hint.starts_with(&format!("{safe} fixable with `--fix`"))
                || (safe == 0
                    && hint.starts_with(&format!("{risky} fixable with `--fix --unsafe-fixes`"))),
            "{dir}: fix hint {hint:?} vs {safe} safe, {risky} unsafe"
        );
    } else {
        assert!(
            safe == 0 && risky == 0,
            "{dir}: no fix hint: {}",
            concise.stderr
        );
    }

    let out: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("{dir}: JSON output does not parse: {e}"));
    assert_eq!(out["version"], 1);
    let diags = out["diagnostics"].as_array().expect("diagnostics").clone();

    // Skipped files are exactly those without `argoproj.io`.
    let files = candidate_files(dir);
    let without_needle = files.iter().filter(|f| !has_needle(&read(f))).count();
    assert_eq!(
        (
            num_field(&out, "/summary/files_scanned"),
            num_field(&out, "/summary/files_skipped"),
            num_field(&out, "/summary/diagnostics"),
        ),
        (files.len() - without_needle, without_needle, diags.len()),
        "{dir}: summary (files scanned, skipped, diagnostics)"
    );

    // The exit code follows from the severities.
    let any_error = diags.iter().any(|d| d["severity"] == "error");
    assert_eq!(concise.code, i32::from(any_error), "{dir}: exit code");

    // The concise lines are the JSON diagnostics, in the same order.
    let lines: Vec<&str> = concise.stdout.lines().collect();
    assert_eq!(lines.len(), diags.len(), "{dir}: concise lines vs JSON");
    for (line, d) in lines.iter().zip(&diags) {
        let expected = format!(
            "{}:{}:{}: {}[{}] {}",
            str_field(d, "path"),
            num_field(d, "/start/line"),
            num_field(d, "/start/column"),
            str_field(d, "severity"),
            str_field(d, "rule"),
            str_field(d, "message").replace('\n', " "),
        );
        assert_eq!(*line, expected, "{dir}: concise line vs JSON");
    }

    for d in &diags {
        let path = str_field(d, "path");
        assert!(
            files.iter().any(|f| f == path),
            "{dir}: diagnostic for a file not in the folder: {path}"
        );
        check_span(d);
    }
    (concise.code, diags)
}

/// Severity of a built-in rule, from the rule data compiled into the binary.
fn rule_severity(rule: &str) -> &'static str {
    gitops_lint::rules::meta(rule)
        .unwrap_or_else(|| panic!("no rule {rule}"))
        .severity
        .as_str()
}

/// Rules whose findings need the app graph: their folders are checked through the
/// library, with the graph built over the folder (its root the repository's; sources name
/// the repository by the placeholder `<GITOPS_REPO_URL>`). Their `ok/` folders are linted
/// by the binary too.
const GRAPH_ONLY: &[&str] = &["unpruned-children", "multiple-parents"];

/// The findings of each file of `dir` (paths relative to it), settled with the graph.
fn lint_with_graph(dir: &str) -> Vec<(String, Vec<gitops_lint::diagnostic::Diagnostic>)> {
    use gitops_lint::graph::{build, context::Analysis, nodes_of, Repo, Tree};
    use gitops_lint::kustomize::Kustomize;
    use gitops_lint::lint::{lint_text, FileOptions, GraphMode};
    let files: Vec<String> = candidate_files(dir)
        .iter()
        .map(|f| f[dir.len() + 1..].to_string())
        .collect();
    let text = |f: &str| std::fs::read_to_string(Path::new(ROOT).join(dir).join(f)).ok();
    let texts: std::collections::BTreeMap<String, String> = files
        .iter()
        .filter_map(|f| Some((f.clone(), text(f)?)))
        .collect();
    let mut nodes = Vec::new();
    for (f, t) in &texts {
        nodes.extend(nodes_of(f, &gitops_lint::yaml::parse(t, t).documents));
    }
    let read = |p: &str| texts.get(p).cloned();
    let tree = Tree {
        files: &files,
        read: &read,
        kustomize: None,
    };
    let graph = build(nodes, &tree, &Repo::default());
    let kustomizations: std::collections::BTreeMap<&str, Kustomize> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), Kustomize::of(t)))
        .collect();
    let analysis = Analysis::new(
        graph,
        &|p: &str| texts.get(p).map(|t| t.as_str().into()),
        &|p: &str| kustomizations.get(p),
    );
    texts
        .iter()
        .map(|(f, t)| {
            let options = FileOptions {
                graph: GraphMode::Resolved(analysis.file(f)),
                ..FileOptions::default()
            };
            (f.clone(), lint_text(f, t, options))
        })
        .collect()
}

/// `fixtures/<rule>/err` of a graph rule: every file has a diagnostic of `rule`.
fn check_err_graph(rule: &str) {
    let dir = format!("fixtures/{rule}/err");
    let found = lint_with_graph(&dir);
    assert!(!found.is_empty(), "{dir} has no fixtures");
    for (file, diags) in found {
        assert!(
            diags.iter().any(|d| d.rule == rule),
            "{dir}/{file}: expected a `{rule}` diagnostic, got: {diags:#?}"
        );
    }
}

/// `fixtures/<rule>/err`: every file has a diagnostic of `rule`.
fn check_err(rule: &str) {
    if GRAPH_ONLY.contains(&rule) {
        return check_err_graph(rule);
    }
    let dir = format!("fixtures/{rule}/err");
    let (code, diags) = lint_folder(&dir, &format!("{rule}-err"));
    let files = candidate_files(&dir);
    assert!(!files.is_empty(), "{dir} has no fixtures");
    for file in &files {
        assert!(
            diags
                .iter()
                .any(|d| d["path"] == file.as_str() && d["rule"] == rule),
            "{file}: expected a `{rule}` diagnostic, got: {:#?}",
            diags
                .iter()
                .filter(|d| d["path"] == file.as_str())
                .map(|d| format!("{}: {}", d["rule"], d["message"]))
                .collect::<Vec<_>>()
        );
    }
    if rule_severity(rule) == "error" {
        assert_eq!(
            code, 1,
            "{dir}: exit code of an error-severity rule's err folder"
        );
    }
}

/// `fixtures/<rule>/ok`: no file has a diagnostic of `rule` (at any severity), nothing
/// is an error, and the exit code is 0.
fn check_ok(rule: &str) {
    let dir = format!("fixtures/{rule}/ok");
    let (code, diags) = lint_folder(&dir, &format!("{rule}-ok"));
    assert!(!candidate_files(&dir).is_empty(), "{dir} has no fixtures");
    let wrong: Vec<String> = diags
        .iter()
        .filter(|d| d["rule"] == rule || d["severity"] == "error")
        .map(|d| format!("{}: {} {}", d["path"], d["rule"], d["message"]))
        .collect();
    assert!(
        wrong.is_empty(),
        "{dir}: unexpected diagnostics: {wrong:#?}"
    );
    assert_eq!(code, 0, "{dir}: exit code");
    if GRAPH_ONLY.contains(&rule) {
        for (file, diags) in lint_with_graph(&dir) {
            let wrong: Vec<&str> = diags
                .iter()
                .filter(|d| d.rule == rule)
                .map(|d| d.message.as_str())
                .collect();
            assert!(wrong.is_empty(), "{dir}/{file}: {wrong:#?}");
        }
    }
}

macro_rules! rule_fixtures {
    ($($err:ident, $ok:ident => $rule:literal;)*) => {
        $(
            #[test]
            fn $err() {
                check_err($rule);
            }

            #[test]
            fn $ok() {
                check_ok($rule);
            }
        )*

        /// Every built-in rule has a fixture set, and every fixture set is tested.
        #[test]
        fn every_rule_has_fixtures() {
            let tested = [$($rule),*];
            let mut rules: Vec<&str> =
                gitops_lint::rules::all().iter().map(|m| m.id.as_str()).collect();
            rules.sort_unstable();
            let mut sorted = tested.to_vec();
            sorted.sort_unstable();
            assert_eq!(rules, sorted, "rules vs tested fixture sets");

            let mut folders: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("fixtures"))
                .unwrap()
                .map(|e| e.unwrap())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !OTHER_FOLDERS.contains(&n.as_str()))
                .collect();
            folders.sort_unstable();
            assert_eq!(folders, sorted, "folders under fixtures/ vs tested fixture sets");
            for rule in tested {
                for sub in ["ok", "err"] {
                    let dir: PathBuf = [ROOT, "fixtures", rule, sub].iter().collect();
                    assert!(dir.is_dir(), "{} is missing", dir.display());
                }
            }
        }
    };
}

rule_fixtures! {
    missing_finalizer_err, missing_finalizer_ok => "missing-finalizer";
    unknown_finalizer_err, unknown_finalizer_ok => "unknown-finalizer";
    controller_managed_finalizer_err, controller_managed_finalizer_ok => "controller-managed-finalizer";
    duplicate_finalizer_err, duplicate_finalizer_ok => "duplicate-finalizer";
    unpruned_children_err, unpruned_children_ok => "unpruned-children";
    cascade_deletes_argocd_err, cascade_deletes_argocd_ok => "cascade-deletes-argocd";
    multiple_parents_err, multiple_parents_ok => "multiple-parents";
    not_checked_err, not_checked_ok => "not-checked";
    syntax_error_err, syntax_error_ok => "syntax-error";
    unused_suppression_err, unused_suppression_ok => "unused-suppression";
}

/// Every fixture says what it tests: a leading comment (JSON: a `fixture` annotation) that
/// names the folder's rule; and every file holds `argoproj.io` unless it is there to show
/// that such files are skipped (its name starts with `skipped-`, or it is a broken non-Argo
/// file).
#[test]
fn fixtures_are_documented_and_hold_the_needle() {
    for rule in gitops_lint::rules::all().iter().map(|m| m.id.as_str()) {
        for sub in ["ok", "err"] {
            for file in candidate_files(&format!("fixtures/{rule}/{sub}")) {
                let bytes = read(&file);
                let text = decoded(&bytes);
                let text = text.trim_start_matches('\u{feff}');
                if file.ends_with(".json") {
                    assert!(
                        text.contains(&format!("\"fixture\": \"{rule}")),
                        "{file}: no `fixture` annotation naming {rule}"
                    );
                } else {
                    let first = text.lines().next().unwrap_or("");
                    assert!(
                        first.starts_with("# ") && first.contains(rule),
                        "{file}: the first line should be a comment naming {rule}: {first:?}"
                    );
                }
                let name = file.rsplit('/').next().unwrap();
                let meant_to_skip = name.starts_with("skipped-") || name.contains("not-argo");
                assert_eq!(
                    has_needle(&bytes),
                    !meant_to_skip,
                    "{file}: `argoproj.io` present/absent"
                );
            }
        }
    }
}

/// The Kubefirst-like example repository: the README's first command.
#[test]
fn kubefirst_example() {
    let dir = "fixtures/kubefirst-example";
    let run = lint(&["--format", "concise", "--color", "never", dir]);
    insta::with_settings!({
        description => format!("gitops-lint lint --format concise --color never {dir}"),
        omit_expression => true,
    }, {
        insta::assert_snapshot!("kubefirst-example-concise", run.stdout);
    });
    assert_eq!(run.code, 1, "findings expected: {}", run.stderr);

    let json = lint(&["--format", "json", dir]);
    let out: Value = serde_json::from_str(&json.stdout).unwrap();
    let diags = out["diagnostics"].as_array().unwrap();
    let mut found: Vec<(String, String)> = diags
        .iter()
        .map(|d| {
            let path = str_field(d, "path");
            let rel = path.strip_prefix("fixtures/kubefirst-example/").unwrap();
            (rel.to_string(), str_field(d, "rule").to_string())
        })
        .collect();
    found.sort();
    let mut expected: Vec<(String, String)> = [
        ("app-of-apps/apps/podinfo.yaml", "missing-finalizer"),
        (
            "registry/clusters/mgmt/cert-manager.yaml",
            "missing-finalizer",
        ),
        (
            "registry/clusters/mgmt/components/external-dns/application.yaml",
            "missing-finalizer",
        ),
        (
            "registry/clusters/mgmt/components/external-dns/application.yaml",
            "unknown-finalizer",
        ),
        (
            "registry/clusters/mgmt/components/ingress-nginx/application.yaml",
            "missing-finalizer",
        ),
        (
            "registry/clusters/mgmt/components/reloader/application.yaml",
            "missing-finalizer",
        ),
        ("registry/clusters/mgmt/registry.yaml", "missing-finalizer"),
        ("registry/clusters/mgmt/reloader.yml", "missing-finalizer"),
        // Argo CD's own Application (Kustomize over Argo CD's install manifests) cascades.
        (
            "registry/clusters/mgmt/argocd.yaml",
            "cascade-deletes-argocd",
        ),
        (
            "templates/workload-cluster/40-reloader.yaml",
            "missing-finalizer",
        ),
    ]
    .iter()
    .map(|(p, r)| (p.to_string(), r.to_string()))
    .collect();
    expected.sort();
    assert_eq!(found, expected);
    for d in diags {
        check_span(d);
    }

    // The registry app of apps is called out as such.
    let registry = diags
        .iter()
        .find(|d| str_field(d, "path").ends_with("mgmt/registry.yaml"))
        .unwrap();
    assert!(
        str_field(registry, "message").contains("app of apps"),
        "{registry}"
    );

    // `build/` is left out because of the example's .gitignore, not by accident.
    let candidates = candidate_files(dir);
    let ignored: Vec<&String> = candidates
        .iter()
        .filter(|f| f.contains("/build/"))
        .collect();
    assert_eq!(
        ignored.len(),
        1,
        "the example has one ignored file: {ignored:?}"
    );
    assert!(has_needle(&read(ignored[0])));
    assert!(!diags
        .iter()
        .any(|d| str_field(d, "path").contains("/build/")));
    let unignored = lint(&["--format", "concise", "--no-ignore", dir]);
    assert!(
        unignored.stdout.contains(ignored[0].as_str()),
        "with --no-ignore the build/ file is reported: {}",
        unignored.stdout
    );
}
