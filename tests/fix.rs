//! Autofix (`--fix`, `--diff`, `--unsafe-fixes`, `fix.finalizer-position`): every shape of
//! a missing cascade finalizer the fix handles, written in the file's own style (indent,
//! dash style, quoting, line endings, BOM, final newline, JSON layout), the placement
//! settings, the safety rules around writing (idempotence, permissions, symlinks,
//! read-only files, unsafe fixes, JSON edits), and a property test over generated
//! Applications through the library API.
//!
//! The diffs `--diff` prints are snapshot-tested with insta (`tests/snapshots/fix__*.snap`;
//! update with `cargo insta test --accept --test fix`, or `INSTA_UPDATE=always cargo test
//! --test fix`). Every shape also states the exact fixed text it expects, so accepting a
//! wrong snapshot does not make a test pass.

use gitops_lint::config::FinalizerPosition;
use gitops_lint::diagnostic::{Applicability, Diagnostic};
use gitops_lint::fix::apply::fix_text;
use gitops_lint::fix::unified_diff;
use gitops_lint::lint::{lint_text, FileOptions};
use gitops_lint::settings::Settings;
use gitops_lint::yaml::{self, Node, NodeKind};
use proptest::prelude::*;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod common;
use common::{read, repo_tempdir as tempdir, run, run_stdin, write, Run};

const FIN: &str = "resources-finalizer.argocd.argoproj.io";
const MISSING: &str = "missing-finalizer";
const UNKNOWN: &str = "unknown-finalizer";
const BOM: &str = "\u{feff}";

// ---------------------------------------------------------------------------------------
// Helpers

/// `lint` with `args` and then the file.
fn lint_args<'a>(mode: &'a str, args: &[&'a str], file: &'a str) -> Vec<&'a str> {
    let mut all = vec!["lint", "--format", "concise", mode];
    all.extend_from_slice(args);
    all.push(file);
    all
}

/// Control characters a snapshot would lose made visible: CR as `␍`, a BOM as `<BOM>`.
fn visible(s: &str) -> String {
    s.replace('\r', "␍").replace(BOM, "<BOM>")
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The checks every fixable shape goes through, on `input` saved as `file` in `dir`:
/// `--diff` prints exactly the diff from `input` to `expected` (snapshot `snapshot`),
/// exits 1 and writes nothing; `--fix` writes exactly `expected` and reports `problems`
/// fixed with nothing remaining; a second `--fix` and `--diff` change and show nothing;
/// the result parses and has no finding left.
fn check_fix(
    dir: &Path,
    args: &[&str],
    snapshot: &str,
    file: &str,
    input: &str,
    expected: &str,
    problems: usize,
) {
    write(dir, file, input);
    assert_ne!(input, expected, "a shape must change something");

    let diff = run(dir, &lint_args("--diff", args, file));
    assert_eq!(read(dir, file), input, "--diff must not write");
    assert_eq!(diff.code, Some(1), "--diff with changes exits 1: {diff:?}");
    assert_eq!(
        visible(&diff.stdout),
        visible(&unified_diff(file, input, expected)),
        "--diff shows exactly what --fix writes"
    );
    assert!(
        diff.stderr.contains(&format!(
            "Would fix {} in 1 file.",
            plural(problems, "problem")
        )),
        "{diff:?}"
    );
    insta::assert_snapshot!(snapshot, visible(&diff.stdout));

    let fix = run(dir, &lint_args("--fix", args, file));
    assert_eq!(
        visible(&read(dir, file)),
        visible(expected),
        "--fix output ({fix:?})"
    );
    assert_eq!(fix.code, Some(0), "nothing remains after --fix: {fix:?}");
    assert!(
        fix.stderr.contains(&format!(
            "Fixed {} in 1 file; 0 remaining.",
            plural(problems, "problem")
        )),
        "{fix:?}"
    );

    let again = run(dir, &lint_args("--fix", args, file));
    assert_eq!(read(dir, file), expected, "a second --fix changes nothing");
    assert!(
        again
            .stderr
            .contains("Fixed 0 problems in 0 files; 0 remaining."),
        "{again:?}"
    );
    let diff = run(dir, &lint_args("--diff", args, file));
    assert_eq!(diff.stdout, "", "nothing left to diff");
    assert_eq!(diff.code, Some(0), "an empty --diff exits 0: {diff:?}");

    let diags = lint_text(file, expected, FileOptions::default());
    assert!(diags.is_empty(), "findings after the fix: {diags:#?}");
    if !expected.contains("{{") {
        let parsed = yaml::parse(expected, expected);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    }
    if file.ends_with(".json") {
        let fixed: Value =
            serde_json::from_str(expected.trim_start_matches(BOM)).expect("fixed JSON is JSON");
        let mut original: Value = serde_json::from_str(input.trim_start_matches(BOM)).unwrap();
        let md = original["metadata"].as_object_mut().unwrap();
        match md.get_mut("finalizers") {
            Some(Value::Array(items)) => items.push(FIN.into()),
            _ => {
                md.insert("finalizers".into(), serde_json::json!([FIN]));
            }
        }
        assert_eq!(
            fixed, original,
            "JSON data: the original plus the finalizer"
        );
    }
}

/// [`check_fix`] in a fresh directory with default settings and one problem.
fn shape(snapshot: &str, file: &str, input: &str, expected: &str) {
    let dir = tempdir();
    check_fix(dir.path(), &[], snapshot, file, input, expected, 1);
}

/// `input` is left alone: `--diff` prints nothing and exits 0, `--fix` does not write.
fn check_unchanged(dir: &Path, args: &[&str], file: &str, input: &str) -> Run {
    write(dir, file, input);
    let diff = run(dir, &lint_args("--diff", args, file));
    assert_eq!(diff.stdout, "", "{diff:?}");
    assert_eq!(diff.code, Some(0), "{diff:?}");
    let fix = run(dir, &lint_args("--fix", args, file));
    assert_eq!(read(dir, file), input, "{fix:?}");
    assert!(
        fix.stderr.contains("Fixed 0 problems in 0 files;"),
        "{fix:?}"
    );
    fix
}

fn rules_of(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.rule).collect()
}

// ---------------------------------------------------------------------------------------
// No `finalizers` key: a new key in `metadata`

#[test]
fn no_finalizers_key_is_added_after_the_last_metadata_key_and_its_nested_block() {
    shape(
        "no-finalizers-end-after-nested-annotations",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
  labels:
    app: guestbook
  annotations:
    argocd.argoproj.io/sync-wave: \"2\"
    note: |
      two lines
      of text
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
  labels:
    app: guestbook
  annotations:
    argocd.argoproj.io/sync-wave: \"2\"
    note: |
      two lines
      of text
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
    );
}

#[test]
fn no_finalizers_key_with_four_space_indent_uses_the_documents_list_indent() {
    shape(
        "no-finalizers-four-spaces",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
    name: guestbook
    namespace: argocd
spec:
    project: default
    syncPolicy:
        syncOptions:
            - CreateNamespace=true
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
    name: guestbook
    namespace: argocd
    finalizers:
        - resources-finalizer.argocd.argoproj.io
spec:
    project: default
    syncPolicy:
        syncOptions:
            - CreateNamespace=true
",
    );
}

#[test]
fn comments_quoting_key_order_and_blank_lines_are_untouched() {
    shape(
        "no-finalizers-comments-and-blank-lines",
        "app.yaml",
        "# The guestbook app.
apiVersion: 'argoproj.io/v1alpha1'
kind: \"Application\"
metadata: # who it is
  # its name
  namespace: argocd   # where it lives

  name: 'guestbook' # quoted
  # trailing comment of metadata
spec:
  project: default
",
        "# The guestbook app.
apiVersion: 'argoproj.io/v1alpha1'
kind: \"Application\"
metadata: # who it is
  # its name
  namespace: argocd   # where it lives

  name: 'guestbook' # quoted
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  # trailing comment of metadata
spec:
  project: default
",
    );
}

#[test]
fn no_metadata_at_all_gets_a_metadata_block_after_kind() {
    shape(
        "no-metadata",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
    );
}

#[test]
fn applications_in_a_kind_list_are_fixed_at_their_own_indent() {
    let dir = tempdir();
    check_fix(
        dir.path(),
        &[],
        "kind-list",
        "list.yaml",
        "apiVersion: v1
kind: List
items:
- apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata:
    name: a
  spec: {}
- apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata: {name: b}
  spec: {}
",
        "apiVersion: v1
kind: List
items:
- apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata:
    name: a
    finalizers:
      - resources-finalizer.argocd.argoproj.io
  spec: {}
- apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata: {name: b, finalizers: [resources-finalizer.argocd.argoproj.io]}
  spec: {}
",
        2,
    );
}

// ---------------------------------------------------------------------------------------
// `finalizers:` with no value, `~` or `null`

#[test]
fn empty_finalizers_value_gets_the_item_under_it() {
    shape(
        "empty-value",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
  namespace: argocd
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  namespace: argocd
spec:
  project: default
",
    );
}

#[test]
fn tilde_finalizers_value_becomes_a_list() {
    shape(
        "tilde-value",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: ~
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
    );
}

#[test]
fn null_finalizers_value_becomes_a_list_and_keeps_its_comment() {
    shape(
        "null-value-with-comment",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: null # none yet
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: # none yet
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
    );
}

// ---------------------------------------------------------------------------------------
// A block list without a cascade item

#[test]
fn block_list_gets_the_item_appended_keeping_trailing_comments() {
    shape(
        "block-list-indented-with-comments",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
    # ours
    - example.com/protect   # keep it
    - kubernetes # the default one
  labels:
    app: guestbook
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
    # ours
    - example.com/protect   # keep it
    - kubernetes # the default one
    - resources-finalizer.argocd.argoproj.io
  labels:
    app: guestbook
spec:
  project: default
",
    );
}

#[test]
fn indentless_block_list_gets_an_indentless_item() {
    shape(
        "block-list-indentless",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
  - example.com/protect
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
  - example.com/protect
  - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
    );
}

#[test]
fn four_space_block_list_keeps_its_indent_and_dash_gap() {
    shape(
        "block-list-four-spaces",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
    name: guestbook
    finalizers:
        -   example.com/protect
spec:
    project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
    name: guestbook
    finalizers:
        -   example.com/protect
        -   resources-finalizer.argocd.argoproj.io
spec:
    project: default
",
    );
}

#[test]
fn quoted_block_list_gets_a_quoted_item() {
    shape(
        "block-list-double-quoted",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
    - \"example.com/protect\"
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
    - \"example.com/protect\"
    - \"resources-finalizer.argocd.argoproj.io\"
spec:
  project: default
",
    );
}

// ---------------------------------------------------------------------------------------
// Flow style

#[test]
fn empty_flow_list_is_an_opt_out_and_not_fixed() {
    let dir = tempdir();
    let input = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: keep-resources
  finalizers: []
spec:
  project: default
";
    let fix = check_unchanged(dir.path(), &[], "app.yaml", input);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert!(fix.stderr.contains("0 remaining"), "{fix:?}");
}

#[test]
fn one_line_flow_list_gets_the_item_inside_the_brackets() {
    shape(
        "flow-list",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: [example.com/protect, kubernetes]   # others
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: [example.com/protect, kubernetes, resources-finalizer.argocd.argoproj.io]   # others
spec:
  project: default
",
    );
}

#[test]
fn multi_line_flow_list_gets_the_item_on_its_own_line() {
    shape(
        "flow-list-multi-line",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: [
    example.com/protect,
    kubernetes
  ]
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: [
    example.com/protect,
    kubernetes,
    resources-finalizer.argocd.argoproj.io
  ]
spec:
  project: default
",
    );
}

#[test]
fn flow_collections_with_blanks_inside_their_brackets_are_fixed_in_flow_style() {
    // A blank after `{`/`[` once made them look like block collections: no fix at all.
    shape(
        "flow-metadata-spaced",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: guestbook, namespace: argocd }
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: guestbook, namespace: argocd, finalizers: [resources-finalizer.argocd.argoproj.io] }
spec:
  project: default
",
    );
    shape(
        "flow-list-spaced",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: [ example.com/protect ]
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers: [ example.com/protect, resources-finalizer.argocd.argoproj.io ]
spec:
  project: default
",
    );
}

#[test]
fn flow_root_without_metadata_is_reported_not_fixed() {
    // (fuzz regression) A one-line flow document, `{ ` with a blank: the missing
    // `metadata` was added as block lines after the closing brace.
    let dir = tempdir();
    let input =
        "{ \"apiVersion\": \"argoproj.io/v1alpha1\", \"kind\": \"Application\", \"spec\": {} }\n";
    let fix = check_unchanged(dir.path(), &[], "app.yaml", input);
    assert_eq!(fix.code, Some(1), "{fix:?}");
    assert!(fix.stderr.contains("1 remaining"), "{fix:?}");
    assert!(!fix.stderr.contains("would not parse"), "{fix:?}");
}

#[test]
fn flow_metadata_gets_finalizers_inside_the_braces() {
    shape(
        "flow-metadata",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: guestbook, namespace: argocd}  # flow
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: guestbook, namespace: argocd, finalizers: [resources-finalizer.argocd.argoproj.io]}  # flow
spec:
  project: default
",
    );
}

// ---------------------------------------------------------------------------------------
// JSON

#[test]
fn json_with_two_space_indent() {
    shape(
        "json-two-spaces",
        "app.json",
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "namespace": "argocd"
  },
  "spec": {
    "project": "default"
  }
}
"#,
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "namespace": "argocd",
    "finalizers": [
      "resources-finalizer.argocd.argoproj.io"
    ]
  },
  "spec": {
    "project": "default"
  }
}
"#,
    );
}

#[test]
fn json_with_four_space_indent() {
    shape(
        "json-four-spaces",
        "app.json",
        r#"{
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {
        "name": "guestbook",
        "labels": {
            "app": "guestbook"
        }
    },
    "spec": {}
}
"#,
        r#"{
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {
        "name": "guestbook",
        "labels": {
            "app": "guestbook"
        },
        "finalizers": [
            "resources-finalizer.argocd.argoproj.io"
        ]
    },
    "spec": {}
}
"#,
    );
}

#[test]
fn json_with_tab_indent() {
    shape(
        "json-tabs",
        "app.json",
        "{\n\t\"apiVersion\": \"argoproj.io/v1alpha1\",\n\t\"kind\": \"Application\",\n\t\
         \"metadata\": {\n\t\t\"name\": \"guestbook\"\n\t},\n\t\"spec\": {}\n}\n",
        "{\n\t\"apiVersion\": \"argoproj.io/v1alpha1\",\n\t\"kind\": \"Application\",\n\t\
         \"metadata\": {\n\t\t\"name\": \"guestbook\",\n\t\t\"finalizers\": [\n\t\t\t\
         \"resources-finalizer.argocd.argoproj.io\"\n\t\t]\n\t},\n\t\"spec\": {}\n}\n",
    );
}

#[test]
fn json_with_one_line_metadata() {
    shape(
        "json-one-line-metadata",
        "app.json",
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {"name": "guestbook", "namespace": "argocd"},
  "spec": {}
}
"#,
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {"name": "guestbook", "namespace": "argocd", "finalizers": ["resources-finalizer.argocd.argoproj.io"]},
  "spec": {}
}
"#,
    );
}

#[test]
fn json_list_of_other_finalizers_gets_the_item() {
    shape(
        "json-list",
        "app.json",
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "finalizers": [
      "example.com/protect"
    ]
  },
  "spec": {}
}
"#,
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "finalizers": [
      "example.com/protect",
      "resources-finalizer.argocd.argoproj.io"
    ]
  },
  "spec": {}
}
"#,
    );
}

#[test]
fn json_with_crlf_bom_and_no_final_newline() {
    let input = "{\n  \"apiVersion\": \"argoproj.io/v1alpha1\",\n  \"kind\": \"Application\",\n  \
                 \"metadata\": {\n    \"name\": \"guestbook\"\n  },\n  \"spec\": {}\n}";
    let expected =
        "{\n  \"apiVersion\": \"argoproj.io/v1alpha1\",\n  \"kind\": \"Application\",\n  \
                    \"metadata\": {\n    \"name\": \"guestbook\",\n    \"finalizers\": [\n      \
                    \"resources-finalizer.argocd.argoproj.io\"\n    ]\n  },\n  \"spec\": {}\n}";
    shape(
        "json-crlf-bom",
        "app.json",
        &format!("{BOM}{}", input.replace('\n', "\r\n")),
        &format!("{BOM}{}", expected.replace('\n', "\r\n")),
    );
}

#[test]
fn json_null_finalizers_become_a_json_list() {
    shape(
        "json-null",
        "app.json",
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "finalizers": null
  },
  "spec": {}
}
"#,
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "finalizers": ["resources-finalizer.argocd.argoproj.io"]
  },
  "spec": {}
}
"#,
    );
}

#[test]
fn json_empty_metadata_gets_a_json_key() {
    shape(
        "json-empty-metadata",
        "app.json",
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {},
  "spec": {}
}
"#,
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {"finalizers": ["resources-finalizer.argocd.argoproj.io"]},
  "spec": {}
}
"#,
    );
}

#[test]
fn compact_json_stays_compact() {
    shape(
        "json-compact",
        "app.json",
        "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\",\
         \"metadata\":{\"name\":\"guestbook\"},\"spec\":{}}\n",
        "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\",\
         \"metadata\":{\"name\":\"guestbook\",\"finalizers\":[\"resources-finalizer.argocd.argoproj.io\"]},\
         \"spec\":{}}\n",
    );
}

/// Compact JSON without a final newline is fixed into valid JSON holding the finalizer
/// (its spacing: `compact_json_stays_compact`).
#[test]
fn compact_json_is_fixed_into_valid_json() {
    let dir = tempdir();
    let input = "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\",\
                 \"metadata\":{\"name\":\"guestbook\"},\"spec\":{}}";
    write(dir.path(), "app.json", input);
    let fix = run(dir.path(), &["lint", "--fix", "app.json"]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    let fixed = read(dir.path(), "app.json");
    assert!(!fixed.contains('\n'), "stays on one line: {fixed}");
    let value: Value = serde_json::from_str(&fixed).expect("valid JSON");
    assert_eq!(value["metadata"]["finalizers"], serde_json::json!([FIN]));
    assert_eq!(value["metadata"]["name"], "guestbook");
}

// ---------------------------------------------------------------------------------------
// Helm templates

#[test]
fn helm_literal_metadata_is_fixed_after_the_labels_include_line() {
    shape(
        "helm-labels-include",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .Values.name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include \"chart.labels\" . | nindent 4 }}
spec:
  project: {{ .Values.project | quote }}
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .Values.name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include \"chart.labels\" . | nindent 4 }}
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: {{ .Values.project | quote }}
",
    );
}

#[test]
fn helm_document_inside_range_is_fixed_inside_it() {
    shape(
        "helm-range",
        "apps.yaml",
        "{{- range .Values.apps }}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}
  namespace: argocd
spec:
  project: default
{{- end }}
",
        "{{- range .Values.apps }}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
{{- end }}
",
    );
}

#[test]
fn helm_template_logic_inside_a_metadata_child_moves_the_key_before_it() {
    // The `if`/`end` sit inside `annotations`; the new key goes right after `metadata:`,
    // never between them.
    shape(
        "helm-if-inside-annotations",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  annotations:
    {{- if .Values.wave }}
    argocd.argoproj.io/sync-wave: {{ .Values.wave | quote }}
    {{- end }}
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  name: guestbook
  annotations:
    {{- if .Values.wave }}
    argocd.argoproj.io/sync-wave: {{ .Values.wave | quote }}
    {{- end }}
spec:
  project: default
",
    );
}

/// A `{{- if }}` around a metadata key outputs no key itself: the literal YAML shows no
/// finalizer in either branch, so it is reported and fixed, and the fix never lands
/// between the `if` and its `end`, whatever the placement setting.
#[test]
fn helm_if_among_metadata_keys_is_never_edited() {
    let dir = tempdir();
    let input = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .Values.name }}
  {{- if .Values.namespace }}
  namespace: {{ .Values.namespace }}
  {{- end }}
spec:
  project: default
";
    let expected = input.replace(
        "metadata:\n",
        &format!("metadata:\n  finalizers:\n    - {FIN}\n"),
    );
    for position in ["", "after-name", "after-namespace", "end"] {
        let config = if position.is_empty() {
            String::new()
        } else {
            format!("fix:\n  finalizer-position: {position}\n")
        };
        write(dir.path(), ".gitops-lint.yaml", &config);
        write(dir.path(), "app.yaml", input);
        let fix = run(dir.path(), &lint_args("--fix", &[], "app.yaml"));
        assert!(fix.stderr.contains("Fixed 1 problem in 1 file"), "{fix:?}");
        assert_eq!(read(dir.path(), "app.yaml"), expected, "{position}");
    }
}

/// Two `finalizers` keys: Kubernetes rejects the object, and which one a fix should edit
/// is a guess; the duplicate is reported and nothing is changed.
#[test]
fn duplicate_finalizers_keys_are_reported_not_fixed() {
    let dir = tempdir();
    let input = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
  finalizers:
    - ? other
  finalizers:
    - foregroundDeletion
spec:
  project: default
";
    write(dir.path(), "app.yaml", input);
    let diff = run(dir.path(), &["lint", "--diff", "app.yaml"]);
    assert_eq!(diff.stdout, "", "{diff:?}");
    let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
    assert_eq!(read(dir.path(), "app.yaml"), input, "{fix:?}");
    assert!(fix.stdout.contains("duplicate key `finalizers`"), "{fix:?}");
    assert!(fix.stdout.contains("missing-finalizer"), "{fix:?}");
    assert_eq!(fix.code, Some(1), "{fix:?}");
}

/// A list whose last item is empty (`-` alone) gets the new item with its space.
#[test]
fn list_ending_in_an_empty_item_gets_a_proper_item() {
    let dir = tempdir();
    let head = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n";
    let input = format!("{head}  finalizers:\n    -\nspec:\n  project: default\n");
    write(dir.path(), "app.yaml", &input);
    let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
    assert_eq!(
        read(dir.path(), "app.yaml"),
        format!(
            "{head}  finalizers:\n    -\n    - resources-finalizer.argocd.argoproj.io\nspec:\n  project: default\n"
        ),
        "{fix:?}"
    );
}

/// (fuzz regression) A list ending in an item with an empty explicit key (`- ?`), followed
/// by the outer mapping's `: v`: the new item goes inside the list, not after `: v`.
#[test]
fn list_ending_in_an_empty_explicit_key_gets_the_item_inside_the_list() {
    let dir = tempdir();
    let head = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n";
    let input = format!("{head}  finalizers:\n  - ?\n  : v\nspec:\n  project: default\n");
    write(dir.path(), "app.yaml", &input);
    let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
    assert_eq!(
        read(dir.path(), "app.yaml"),
        format!(
            "{head}  finalizers:\n  - ?\n  - resources-finalizer.argocd.argoproj.io\n  : v\nspec:\n  project: default\n"
        ),
        "{fix:?}"
    );
    assert!(
        fix.stderr
            .contains("Fixed 1 problem in 1 file; 0 remaining."),
        "{fix:?}"
    );
}

/// Layouts where a line edit could land wrongly get no fix (the finding stays): a tab
/// before a key (YAML forbids tabs in indentation and parsers disagree on the column), an
/// empty `finalizers` whose tag sits on the next line, and an explicit key below its `?`.
#[test]
fn no_fix_is_offered_where_the_layout_is_ambiguous() {
    let dir = tempdir();
    let head = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n";
    let tail = "spec:\n  project: default\n";
    for body in [
        "  \tname: app\n",
        "  \tlabels:\n    - other\n",
        "  name: app\n  finalizers:\n    !!null\n",
        "  name: app\n  finalizers:\n   ! # a comment\n",
        // (fuzz regression) An explicit key on the line after its `?`: the entry's column
        // is the `?`'s; `finalizers:` went in at the key's.
        " ?\n  d\n",
        "  ? # why\n\n    name\n  : app\n",
    ] {
        let input = format!("{head}{body}{tail}");
        write(dir.path(), "app.yaml", &input);
        let diff = run(dir.path(), &["lint", "--diff", "app.yaml"]);
        assert_eq!(diff.stdout, "", "{input}\n{diff:?}");
        assert!(!diff.stderr.contains("not applied"), "{input}\n{diff:?}");
        // The finding is there, with no fix offered (not one refused by the safety net).
        let check = run(dir.path(), &["lint", "--format", "json", "app.yaml"]);
        let json: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
        let diags = json["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 1, "{input}\n{check:?}");
        assert_eq!(diags[0]["rule"], "missing-finalizer");
        assert!(diags[0]["fix"].is_null(), "{input}\n{check:?}");
    }
}

// ---------------------------------------------------------------------------------------
// File style: line endings, BOM, final newline, documents

#[test]
fn crlf_and_bom_are_kept() {
    let input = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  labels:
    app: guestbook
spec:
  project: default
";
    let expected = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  labels:
    app: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
";
    shape(
        "crlf-bom",
        "app.yaml",
        &format!("{BOM}{}", input.replace('\n', "\r\n")),
        &format!("{BOM}{}", expected.replace('\n', "\r\n")),
    );
}

#[test]
fn crlf_null_value_and_block_list() {
    let dir = tempdir();
    let input = "apiVersion: argoproj.io/v1alpha1\r\nkind: Application\r\nmetadata:\r\n  \
                 name: a\r\n  finalizers: ~\r\nspec: {}\r\n---\r\napiVersion: \
                 argoproj.io/v1alpha1\r\nkind: Application\r\nmetadata:\r\n  name: b\r\n  \
                 finalizers:\r\n  - example.com/protect\r\nspec: {}\r\n";
    let expected = "apiVersion: argoproj.io/v1alpha1\r\nkind: Application\r\nmetadata:\r\n  \
                    name: a\r\n  finalizers:\r\n    - resources-finalizer.argocd.argoproj.io\r\n\
                    spec: {}\r\n---\r\napiVersion: argoproj.io/v1alpha1\r\nkind: \
                    Application\r\nmetadata:\r\n  name: b\r\n  finalizers:\r\n  - \
                    example.com/protect\r\n  - resources-finalizer.argocd.argoproj.io\r\n\
                    spec: {}\r\n";
    check_fix(
        dir.path(),
        &[],
        "crlf-null-and-list",
        "app.yaml",
        input,
        expected,
        2,
    );
}

#[test]
fn no_final_newline_stays_without_one_and_valid() {
    shape(
        "no-final-newline",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
spec:
  project: default
metadata:
  name: guestbook",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
spec:
  project: default
metadata:
  name: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io",
    );
}

#[test]
fn no_final_newline_after_an_empty_value_and_a_list() {
    let dir = tempdir();
    for (i, (input, expected)) in [
        (
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\nmetadata:\n  \
             name: a\n  finalizers:",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\nmetadata:\n  \
             name: a\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io",
        ),
        (
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\nmetadata:\n  \
             name: a\n  finalizers: null",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\nmetadata:\n  \
             name: a\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io",
        ),
        (
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\nmetadata:\n  \
             name: a\n  finalizers:\n  - example.com/protect",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\nmetadata:\n  \
             name: a\n  finalizers:\n  - example.com/protect\n  - \
             resources-finalizer.argocd.argoproj.io",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        check_fix(
            dir.path(),
            &[],
            &format!("no-final-newline-{i}"),
            &format!("app{i}.yaml"),
            input,
            expected,
            1,
        );
    }
}

#[test]
fn only_the_later_document_that_lacks_the_finalizer_changes() {
    shape(
        "multi-document",
        "apps.yaml",
        "# Two Applications.
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: fine
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: not-fine
spec:
  project: default
",
        "# Two Applications.
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: fine
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: not-fine
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
    );
}

// ---------------------------------------------------------------------------------------
// ApplicationSets

#[test]
fn applicationset_template_with_other_finalizers_gets_the_item_appended() {
    shape(
        "applicationset-template-list",
        "appset.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
spec:
  generators:
    - list:
        elements:
          - cluster: dev
  template:
    metadata:
      name: '{{.cluster}}-guestbook'
      finalizers:
        - example.com/protect
    spec:
      project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
spec:
  generators:
    - list:
        elements:
          - cluster: dev
  template:
    metadata:
      name: '{{.cluster}}-guestbook'
      finalizers:
        - example.com/protect
        - resources-finalizer.argocd.argoproj.io
    spec:
      project: default
",
    );
}

#[test]
fn applicationset_template_without_finalizers_is_left_alone() {
    let dir = tempdir();
    // The controller adds the finalizer itself: nothing to fix, not even with the
    // template's metadata flow-styled or its own metadata without finalizers.
    for (i, input) in [
        "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
spec:
  generators: []
  template:
    metadata:
      name: '{{.cluster}}-guestbook'
    spec:
      project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
spec:
  generators: []
  template:
    metadata: {name: '{{.cluster}}-guestbook', finalizers: ~}
    spec:
      project: default
",
    ]
    .into_iter()
    .enumerate()
    {
        let fix = check_unchanged(dir.path(), &[], &format!("appset{i}.yaml"), input);
        assert_eq!(fix.code, Some(0), "{fix:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Placement: `fix.finalizer-position`

const POSITIONED: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  labels:
    app: guestbook
  name: guestbook
  namespace: argocd
  annotations:
    note: hi
spec:
  project: default
";

fn with_config(position: &str) -> tempfile::TempDir {
    let dir = tempdir();
    write(
        dir.path(),
        ".gitops-lint.yaml",
        &format!("fix:\n  finalizer-position: {position}\n"),
    );
    dir
}

#[test]
fn position_after_name_from_the_config_file() {
    let dir = with_config("after-name");
    check_fix(
        dir.path(),
        &[],
        "position-after-name",
        "app.yaml",
        POSITIONED,
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  labels:
    app: guestbook
  name: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  namespace: argocd
  annotations:
    note: hi
spec:
  project: default
",
        1,
    );
}

#[test]
fn position_after_namespace_from_the_config_file() {
    let dir = with_config("after-namespace");
    check_fix(
        dir.path(),
        &[],
        "position-after-namespace",
        "app.yaml",
        POSITIONED,
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  labels:
    app: guestbook
  name: guestbook
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  annotations:
    note: hi
spec:
  project: default
",
        1,
    );
}

#[test]
fn position_end_from_the_config_file() {
    let dir = with_config("end");
    check_fix(
        dir.path(),
        &[],
        "position-end",
        "app.yaml",
        POSITIONED,
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  labels:
    app: guestbook
  name: guestbook
  namespace: argocd
  annotations:
    note: hi
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
        1,
    );
}

#[test]
fn position_after_namespace_falls_back_to_after_name_then_to_the_end() {
    let dir = with_config("after-namespace");
    check_fix(
        dir.path(),
        &[],
        "position-after-namespace-fallback-name",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  labels:
    app: guestbook
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  labels:
    app: guestbook
spec:
  project: default
",
        1,
    );
    check_fix(
        dir.path(),
        &[],
        "position-after-namespace-fallback-end",
        "generated.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  generateName: guestbook-
  labels:
    app: guestbook
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  generateName: guestbook-
  labels:
    app: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
        1,
    );
}

#[test]
fn position_applies_to_flow_and_json_metadata() {
    let dir = with_config("after-name");
    check_fix(
        dir.path(),
        &[],
        "position-after-name-flow",
        "flow.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: guestbook, labels: {app: guestbook}}
spec: {}
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: guestbook, finalizers: [resources-finalizer.argocd.argoproj.io], labels: {app: guestbook}}
spec: {}
",
        1,
    );
    check_fix(
        dir.path(),
        &[],
        "position-after-name-json",
        "app.json",
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "namespace": "argocd"
  },
  "spec": {}
}
"#,
        r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {
    "name": "guestbook",
    "finalizers": [
      "resources-finalizer.argocd.argoproj.io"
    ],
    "namespace": "argocd"
  },
  "spec": {}
}
"#,
        1,
    );
}

#[test]
fn position_from_config_option_overrides_the_config_file() {
    // The directory's own file says `end`; `--config` points elsewhere and wins.
    let dir = with_config("end");
    write(
        dir.path(),
        "conf/custom.yaml",
        "fix:\n  finalizer-position: after-name\n",
    );
    check_fix(
        dir.path(),
        &["--config", "conf/custom.yaml"],
        "position-config-option",
        "app.yaml",
        POSITIONED,
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  labels:
    app: guestbook
  name: guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  namespace: argocd
  annotations:
    note: hi
spec:
  project: default
",
        1,
    );
}

#[test]
fn config_file_is_found_from_a_subdirectory_path() {
    let dir = with_config("after-namespace");
    write(dir.path(), "apps/app.yaml", POSITIONED);
    let fix = run(dir.path(), &["lint", "--fix", "apps"]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    let fixed = read(dir.path(), "apps/app.yaml");
    assert!(
        fixed.contains("  namespace: argocd\n  finalizers:\n    - resources-finalizer"),
        "{fixed}"
    );
}

#[test]
fn an_unknown_position_is_a_configuration_error() {
    let dir = with_config("middle");
    write(dir.path(), "app.yaml", POSITIONED);
    let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
    assert_eq!(fix.code, Some(2), "{fix:?}");
    assert!(fix.stderr.contains(".gitops-lint.yaml"), "{fix:?}");
    assert_eq!(read(dir.path(), "app.yaml"), POSITIONED);
}

// ---------------------------------------------------------------------------------------
// Safety and CLI behaviour

const BAD: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
spec:
  project: default
";

const BAD_FIXED: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
";

const TYPO: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: typo
  finalizers:
    - resources-finalizer.argocd.argoproj.io/Foreground
spec:
  project: default
";

#[test]
fn diff_writes_nothing_and_exits_by_whether_it_is_empty() {
    let dir = tempdir();
    write(dir.path(), "a.yaml", BAD);
    write(dir.path(), "b.yaml", BAD_FIXED);
    let before = std::fs::metadata(dir.path().join("a.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    let diff = run(dir.path(), &["lint", "--diff"]);
    assert_eq!(diff.code, Some(1), "{diff:?}");
    assert_eq!(diff.stdout, unified_diff("a.yaml", BAD, BAD_FIXED));
    assert!(diff.stdout.starts_with("--- a/a.yaml\n+++ b/a.yaml\n@@ "));
    assert!(
        diff.stderr.contains("Would fix 1 problem in 1 file."),
        "{diff:?}"
    );
    assert_eq!(read(dir.path(), "a.yaml"), BAD);
    let after = std::fs::metadata(dir.path().join("a.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "--diff does not touch the file");

    let clean = run(dir.path(), &["lint", "--diff", "b.yaml"]);
    assert_eq!(clean.code, Some(0), "{clean:?}");
    assert_eq!(clean.stdout, "");
    assert!(clean.stderr.contains("Would fix 0 problems in 0 files."));

    // `--diff` and `--fix` do not go together.
    let both = run(dir.path(), &["lint", "--diff", "--fix", "a.yaml"]);
    assert_eq!(both.code, Some(2), "{both:?}");
    assert_eq!(read(dir.path(), "a.yaml"), BAD);
}

#[test]
fn diff_of_several_files_is_sorted_by_path() {
    let dir = tempdir();
    write(dir.path(), "z.yaml", BAD);
    write(dir.path(), "a/b.yaml", BAD);
    let diff = run(dir.path(), &["lint", "--diff", "--threads", "2"]);
    assert_eq!(diff.code, Some(1), "{diff:?}");
    assert_eq!(
        diff.stdout,
        format!(
            "{}{}",
            unified_diff("a/b.yaml", BAD, BAD_FIXED),
            unified_diff("z.yaml", BAD, BAD_FIXED)
        )
    );
    assert!(diff.stderr.contains("Would fix 2 problems in 2 files."));
}

#[test]
fn fix_summary_counts_problems_files_and_what_remains() {
    let dir = tempdir();
    write(dir.path(), "two.yaml", &format!("{BAD}---\n{BAD}"));
    write(dir.path(), "one.yaml", BAD);
    write(dir.path(), "typo.yaml", &TYPO.replace(
        "    - resources-finalizer.argocd.argoproj.io/Foreground\n",
        "    - resources-finalizer.argocd.argoproj.io/Foreground\n    - resources-finalizer.argocd.argoproj.io\n",
    ));
    write(dir.path(), "clean.yaml", BAD_FIXED);
    let fix = run(dir.path(), &["lint", "--fix", "--format", "concise"]);
    assert!(
        fix.stderr
            .contains("Fixed 3 problems in 2 files; 1 remaining."),
        "{fix:?}"
    );
    // Only a warning is left: exit 0.
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert!(
        fix.stdout
            .contains("typo.yaml:6:7: warning[unknown-finalizer]"),
        "{fix:?}"
    );
    assert_eq!(read(dir.path(), "one.yaml"), BAD_FIXED);
    assert_eq!(
        read(dir.path(), "two.yaml"),
        format!("{BAD_FIXED}---\n{BAD_FIXED}")
    );
    assert_eq!(read(dir.path(), "clean.yaml"), BAD_FIXED);

    let again = run(dir.path(), &["lint", "--fix", "--format", "concise"]);
    assert!(
        again
            .stderr
            .contains("Fixed 0 problems in 0 files; 1 remaining."),
        "{again:?}"
    );

    // Singular forms; `--quiet` drops the line.
    write(dir.path(), "one.yaml", BAD);
    let one = run(dir.path(), &["lint", "--fix", "one.yaml"]);
    assert!(
        one.stderr
            .contains("Fixed 1 problem in 1 file; 0 remaining."),
        "{one:?}"
    );
    write(dir.path(), "one.yaml", BAD);
    let quiet = run(dir.path(), &["lint", "--fix", "--quiet", "one.yaml"]);
    assert_eq!(quiet.stderr, "", "{quiet:?}");
    assert_eq!(read(dir.path(), "one.yaml"), BAD_FIXED);
}

#[test]
fn fix_exits_1_when_an_error_remains() {
    let dir = tempdir();
    // `finalizers` is not a list: reported, not fixable.
    let input = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: odd
  finalizers: resources-finalizer
spec:
  project: default
";
    write(dir.path(), "odd.yaml", input);
    write(dir.path(), "bad.yaml", BAD);
    let fix = run(dir.path(), &["lint", "--fix", "--format", "concise"]);
    assert_eq!(fix.code, Some(1), "{fix:?}");
    assert!(
        fix.stderr
            .contains("Fixed 1 problem in 1 file; 1 remaining."),
        "{fix:?}"
    );
    assert_eq!(read(dir.path(), "odd.yaml"), input);
    assert_eq!(read(dir.path(), "bad.yaml"), BAD_FIXED);
}

#[test]
fn fix_keeps_file_permissions_and_leaves_no_temporary_file() {
    let dir = tempdir();
    let path = dir.path().join("app.yaml");
    write(dir.path(), "app.yaml", BAD);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert_eq!(read(dir.path(), "app.yaml"), BAD_FIXED);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640, "mode {mode:o}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".git", "app.yaml"]);
}

#[test]
fn fix_does_not_write_through_a_symlink() {
    let dir = tempdir();
    write(dir.path(), "real/target.yaml", BAD);
    std::os::unix::fs::symlink("real/target.yaml", dir.path().join("link.yaml")).unwrap();
    let fix = run(dir.path(), &["lint", "--fix", "link.yaml"]);
    assert_eq!(
        read(dir.path(), "real/target.yaml"),
        BAD,
        "target unchanged"
    );
    let meta = std::fs::symlink_metadata(dir.path().join("link.yaml")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    assert!(
        fix.stderr.contains("link.yaml") && fix.stderr.contains("symbolic link"),
        "{fix:?}"
    );
    assert!(
        fix.stderr
            .contains("Fixed 0 problems in 0 files; 1 remaining."),
        "{fix:?}"
    );
    assert_ne!(fix.code, Some(0), "{fix:?}");
}

#[test]
fn fix_leaves_a_read_only_file_unchanged() {
    let dir = tempdir();
    let path = dir.path().join("app.yaml");
    write(dir.path(), "app.yaml", BAD);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
    assert_eq!(read(dir.path(), "app.yaml"), BAD);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o444);
    assert!(
        fix.stderr.contains("app.yaml") && fix.stderr.contains("read-only"),
        "{fix:?}"
    );
    assert!(
        fix.stderr
            .contains("Fixed 0 problems in 0 files; 1 remaining."),
        "{fix:?}"
    );
    assert_ne!(fix.code, Some(0), "{fix:?}");
}

#[test]
fn unsafe_fixes_replace_a_mistyped_finalizer_plain_fix_only_suggests_it() {
    let dir = tempdir();
    write(dir.path(), "app.yaml", TYPO);
    let fix = run(
        dir.path(),
        &["lint", "--fix", "--format", "concise", "app.yaml"],
    );
    assert_eq!(
        read(dir.path(), "app.yaml"),
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: typo
  finalizers:
    - resources-finalizer.argocd.argoproj.io/Foreground
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
",
        "plain --fix adds the cascade item and keeps the typo"
    );
    assert!(
        fix.stdout.contains("warning[unknown-finalizer]")
            && fix
                .stdout
                .contains("resources-finalizer.argocd.argoproj.io/Foreground"),
        "the typo is still reported: {fix:?}"
    );
    assert!(
        fix.stderr
            .contains("Fixed 1 problem in 1 file; 1 remaining."),
        "{fix:?}"
    );

    write(dir.path(), "app.yaml", TYPO);
    let diff = run(
        dir.path(),
        &["lint", "--diff", "--unsafe-fixes", "app.yaml"],
    );
    assert_eq!(diff.code, Some(1), "{diff:?}");
    insta::assert_snapshot!("unsafe-typo", diff.stdout);
    let fix = run(dir.path(), &["lint", "--fix", "--unsafe-fixes", "app.yaml"]);
    assert_eq!(
        read(dir.path(), "app.yaml"),
        TYPO.replace("/Foreground", "/foreground"),
        "--unsafe-fixes corrects the typo and adds nothing"
    );
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert!(
        fix.stderr
            .contains("Fixed 1 problem in 1 file; 0 remaining."),
        "{fix:?}"
    );
}

#[test]
fn unsafe_fix_is_unsafe_in_the_library_too() {
    let diags = lint_text("app.yaml", TYPO, FileOptions::default());
    assert_eq!(rules_of(&diags), [MISSING, UNKNOWN]);
    let unknown = &diags[1];
    let fix = unknown.fix.as_ref().expect("a suggested fix");
    assert_eq!(fix.applicability, Applicability::Unsafe);
    assert_eq!(fix.edits.len(), 1);
    assert_eq!(
        &TYPO[fix.edits[0].span.clone()],
        "resources-finalizer.argocd.argoproj.io/Foreground"
    );
    let safe = fix_text(
        "app.yaml",
        TYPO,
        diags.clone(),
        FileOptions::default(),
        false,
    );
    let fixed = safe.fixed.expect("the missing finalizer is fixed");
    assert!(fixed.contains("/Foreground\n    - resources-finalizer.argocd.argoproj.io\n"));
    assert_eq!(rules_of(&safe.remaining), [UNKNOWN]);
    let all = fix_text("app.yaml", TYPO, diags, FileOptions::default(), true);
    assert_eq!(
        all.fixed.as_deref(),
        Some(TYPO.replace("/Foreground", "/foreground").as_str())
    );
    assert!(all.remaining.is_empty(), "{:?}", all.remaining);
}

/// Apply JSON `edits` (`offset`, `length`, `content`) to `bytes`.
fn apply_json_edits(bytes: &[u8], edits: &mut [(usize, usize, String)]) -> Vec<u8> {
    edits.sort_by_key(|e| e.0);
    let mut out = Vec::new();
    let mut pos = 0;
    for (offset, length, content) in edits.iter() {
        assert!(*offset >= pos, "edits overlap");
        out.extend_from_slice(&bytes[pos..*offset]);
        out.extend_from_slice(content.as_bytes());
        pos = offset + length;
    }
    out.extend_from_slice(&bytes[pos..]);
    out
}

#[test]
fn json_fix_edits_applied_to_the_original_bytes_give_what_fix_writes() {
    let dir = tempdir();
    let files: Vec<(&str, String)> = vec![
        ("two.yaml", format!("{BAD}---\n{BAD}")),
        (
            "crlf.yaml",
            format!(
                "{BOM}{}",
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: \
                 caf\u{e9}-\u{65e5}\u{672c}\n  finalizers: ~\nspec: {}\n"
                    .replace('\n', "\r\n")
            ),
        ),
        (
            "app.json",
            "{\n    \"apiVersion\": \"argoproj.io/v1alpha1\",\n    \"kind\": \"Application\",\n    \
             \"metadata\": {\n        \"name\": \"\u{fc}ber\"\n    },\n    \"spec\": {}\n}\n"
                .to_string(),
        ),
        ("typo.yaml", TYPO.to_string()),
        (
            "flow.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: f\n  \
             finalizers: [example.com/a]\nspec: {}\n"
                .to_string(),
        ),
    ];
    for (name, content) in &files {
        write(dir.path(), name, content);
    }
    let out = run(dir.path(), &["lint", "--format", "json"]);
    let json: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    let mut per_file: std::collections::BTreeMap<String, Vec<(usize, usize, String)>> =
        Default::default();
    let mut unsafe_titles = Vec::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let fix = &d["fix"];
        if fix.is_null() {
            continue;
        }
        let keys: Vec<&str> = fix
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["applicability", "edits", "title"], "{fix}");
        assert!(fix["title"].as_str().is_some_and(|t| !t.is_empty()));
        if fix["applicability"] == "unsafe" {
            unsafe_titles.push(fix["title"].as_str().unwrap().to_string());
            continue;
        }
        assert_eq!(fix["applicability"], "safe");
        for e in fix["edits"].as_array().unwrap() {
            per_file
                .entry(d["path"].as_str().unwrap().to_string())
                .or_default()
                .push((
                    e["offset"].as_u64().unwrap() as usize,
                    e["length"].as_u64().unwrap() as usize,
                    e["content"].as_str().unwrap().to_string(),
                ));
        }
    }
    assert_eq!(
        unsafe_titles,
        ["Replace with `resources-finalizer.argocd.argoproj.io/foreground`"]
    );
    assert_eq!(
        per_file.keys().collect::<Vec<_>>(),
        [
            "app.json",
            "crlf.yaml",
            "flow.yaml",
            "two.yaml",
            "typo.yaml"
        ]
    );
    let fix = run(dir.path(), &["lint", "--fix"]);
    assert!(
        fix.stderr
            .contains("Fixed 6 problems in 5 files; 1 remaining."),
        "{fix:?}"
    );
    for (name, content) in &files {
        let edits = per_file.get_mut(*name).unwrap();
        let applied = apply_json_edits(content.as_bytes(), edits);
        let written = std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(
            String::from_utf8(applied).unwrap(),
            String::from_utf8(written).unwrap(),
            "{name}: JSON edits vs --fix"
        );
    }
}

#[test]
fn a_list_of_same_named_applications_is_fixed_in_one_run() {
    let dir = tempdir();
    let mut input = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..9 {
        input.push_str(&format!(
            "- apiVersion: argoproj.io/v1alpha1\n  kind: Application\n  metadata:\n    \
             name: guestbook\n    namespace: argocd-{i}\n  spec: {{}}\n"
        ));
    }
    write(dir.path(), "list.yaml", &input);
    let fix = run(dir.path(), &["lint", "--fix", "list.yaml"]);
    assert!(
        fix.stderr
            .contains("Fixed 9 problems in 1 file; 0 remaining."),
        "{fix:?}"
    );
    let once = read(dir.path(), "list.yaml");
    assert_eq!(once.matches(FIN).count(), 9);
    run(dir.path(), &["lint", "--fix", "list.yaml"]);
    assert_eq!(
        read(dir.path(), "list.yaml"),
        once,
        "a second --fix changes nothing"
    );
}

#[test]
fn block_scalar_last_in_metadata_of_a_list_item() {
    let dir = tempdir();
    check_fix(
        dir.path(),
        &[],
        "block-scalar-in-list-item",
        "list.yaml",
        "apiVersion: v1
kind: List
items:
  - apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: guestbook
      annotations:
        note: |
          hello
    spec:
      project: default
",
        "apiVersion: v1
kind: List
items:
  - apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: guestbook
      annotations:
        note: |
          hello
      finalizers:
        - resources-finalizer.argocd.argoproj.io
    spec:
      project: default
",
        1,
    );
}

#[test]
fn after_name_with_a_block_scalar_name() {
    let dir = with_config("after-name");
    check_fix(
        dir.path(),
        &[],
        "position-after-block-scalar-name",
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: >-
    guestbook
  namespace: argocd
spec:
  project: default
",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: >-
    guestbook
  finalizers:
    - resources-finalizer.argocd.argoproj.io
  namespace: argocd
spec:
  project: default
",
        1,
    );
}

#[test]
fn diff_of_stdin_uses_the_stdin_filename() {
    let dir = tempdir();
    let r = run_stdin(
        dir.path(),
        &["lint", "--diff", "--stdin-filename", "apps/app.yaml", "-"],
        BAD,
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(r.stdout, unified_diff("apps/app.yaml", BAD, BAD_FIXED));
    assert!(r.stderr.contains("Would fix 1 problem in 1 file."), "{r:?}");
    assert!(!dir.path().join("apps").exists(), "nothing written");
}

#[test]
fn fix_of_stdin_prints_the_fixed_text() {
    let dir = tempdir();
    let r = run_stdin(
        dir.path(),
        &["lint", "--fix", "--stdin-filename", "app.yaml", "-"],
        BAD,
    );
    // Like ruff and formatters: the fixed text on stdout, the summary on stderr.
    assert_eq!(r.stdout, BAD_FIXED, "{r:?}");
    assert!(
        r.stderr.contains("Fixed 1 problem in 1 file; 0 remaining."),
        "{r:?}"
    );
    assert_eq!(r.code, Some(0), "{r:?}");
}

// ---------------------------------------------------------------------------------------
// Property test through the library

/// A parsed YAML value without spans or styles, for comparing data.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Str(String),
    Map(Vec<(V, V)>),
    Seq(Vec<V>),
    Alias,
}

fn value(node: &Node) -> V {
    match &node.kind {
        NodeKind::Scalar { .. } if node.is_null() => V::Null,
        NodeKind::Scalar { value, .. } => V::Str(value.to_string()),
        NodeKind::Mapping { entries, .. } => V::Map(
            entries
                .iter()
                .map(|e| (value(&e.key), value(&e.value)))
                .collect(),
        ),
        NodeKind::Sequence { items, .. } => V::Seq(items.iter().map(value).collect()),
        NodeKind::Alias => V::Alias,
    }
}

fn s(x: &str) -> V {
    V::Str(x.to_string())
}

/// The data of every document of `text`, which must parse.
fn documents(text: &str) -> Result<Vec<V>, TestCaseError> {
    let parsed = yaml::parse(text, text);
    prop_assert!(
        parsed.errors.is_empty(),
        "parse errors {:?} in:\n{}",
        parsed.errors,
        text
    );
    Ok(parsed.documents.iter().map(|d| value(&d.root)).collect())
}

/// `root` (an Application) as the fix should leave it: the cascade finalizer added to
/// `metadata.finalizers`, a new key placed per `position`.
fn with_finalizer(mut root: V, position: FinalizerPosition) -> V {
    let V::Map(top) = &mut root else {
        panic!("not a mapping")
    };
    let (_, md) = top
        .iter_mut()
        .find(|(k, _)| *k == s("metadata"))
        .expect("metadata");
    let V::Map(entries) = md else {
        panic!("metadata is not a mapping")
    };
    let at = |k: &str, entries: &[(V, V)]| entries.iter().position(|(key, _)| *key == s(k));
    match at("finalizers", entries) {
        Some(i) => match &mut entries[i].1 {
            v @ V::Null => *v = V::Seq(vec![s(FIN)]),
            V::Seq(items) => items.push(s(FIN)),
            other => panic!("finalizers: {other:?}"),
        },
        None => {
            let after = match position {
                FinalizerPosition::End => None,
                FinalizerPosition::AfterName => at("name", entries),
                FinalizerPosition::AfterNamespace => {
                    at("namespace", entries).or_else(|| at("name", entries))
                }
            };
            let index = after.map_or(entries.len(), |i| i + 1);
            entries.insert(index, (s("finalizers"), V::Seq(vec![s(FIN)])));
        }
    }
    root
}

/// If `fixed` is `base` with one piece of text inserted, where and what.
fn single_insertion<'a>(base: &str, fixed: &'a str) -> Option<(usize, &'a [u8])> {
    let (b, f) = (base.as_bytes(), fixed.as_bytes());
    if f.len() <= b.len() {
        return None;
    }
    let prefix = b.iter().zip(f).take_while(|(x, y)| x == y).count();
    let suffix = b
        .iter()
        .rev()
        .zip(f.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
        .min(b.len());
    let lowest = b.len() - suffix;
    if lowest > prefix {
        return None;
    }
    // Where several split points give the same result, take one at a line start (whole
    // lines inserted), else the rightmost.
    let k = (lowest..=prefix.min(b.len()))
        .find(|&k| k > 0 && b[k - 1] == b'\n')
        .unwrap_or(prefix.min(b.len()));
    Some((k, &f[k..k + f.len() - b.len()]))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fins {
    Absent,
    /// `finalizers:` with no value.
    Empty,
    Tilde,
    Null,
    /// A block list of other finalizers, its dash this many columns right of the key.
    Block(usize),
    /// A one-line flow list of other finalizers.
    Flow,
    /// `finalizers: []`: the opt-out.
    OptOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Plain,
    Single,
    Double,
}

fn quote(q: Quote, text: &str) -> String {
    match q {
        Quote::Plain => text.to_string(),
        Quote::Single => format!("'{text}'"),
        Quote::Double => format!("\"{text}\""),
    }
}

#[derive(Debug, Clone)]
struct Generated {
    text: String,
    position: FinalizerPosition,
    fins: Fins,
    indent: usize,
    crlf: bool,
    /// Columns between a new `finalizers:` key and its item's dash.
    new_list_offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Name,
    Namespace,
    Labels,
    Annotations,
    Finalizers,
}

fn name_chars() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            'a',
            'b',
            'z',
            '0',
            '9',
            '-',
            '\u{e9}',
            '\u{df}',
            '\u{fc}',
            '\u{65e5}',
            '\u{672c}',
            '\u{1f600}',
        ]),
        0..8,
    )
    .prop_map(|chars| format!("app{}", chars.into_iter().collect::<String>()))
}

prop_compose! {
    fn application()(
        bom in any::<bool>(),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        indent in prop::sample::select(vec![2usize, 4]),
        name in name_chars(),
        name_quote in prop::sample::select(vec![Quote::Plain, Quote::Single, Quote::Double]),
        namespace in any::<bool>(),
        labels in any::<bool>(),
        annotations in any::<bool>(),
        fins in prop::sample::select(vec![
            Fins::Absent, Fins::Empty, Fins::Tilde, Fins::Null, Fins::Block(0),
            Fins::Block(2), Fins::Block(4), Fins::Flow, Fins::OptOut,
        ]),
        others in prop::collection::vec(
            (
                prop::sample::select(vec!["example.com/protect", "kubernetes", "foo.io/b\u{e4}r"]),
                prop::sample::select(vec![Quote::Plain, Quote::Double, Quote::Single]),
            ),
            1..4,
        ),
        dash_gap in prop::sample::select(vec![1usize, 3]),
        order in Just(vec![Key::Name, Key::Namespace, Key::Labels, Key::Annotations, Key::Finalizers])
            .prop_shuffle(),
        comments in prop::collection::vec(any::<bool>(), 10),
        blank_lines in prop::collection::vec(any::<bool>(), 5),
        spec_list in prop::sample::select(vec![None, Some(false), Some(true)]),
        metadata_last in any::<bool>(),
        leading in prop::sample::select(vec!["", "---", "# An Application \u{2713}"]),
        position in prop::sample::select(vec![
            FinalizerPosition::End, FinalizerPosition::AfterName, FinalizerPosition::AfterNamespace,
        ]),
    ) -> Generated {
        let ind = " ".repeat(indent);
        let mut metadata: Vec<String> = Vec::new();
        metadata.push(if comments[0] { "metadata: # about it".into() } else { "metadata:".into() });
        if comments[1] {
            metadata.push(format!("{ind}# the keys \u{2193}"));
        }
        for (i, key) in order.iter().enumerate() {
            if comments[2 + i] {
                metadata.push(format!("{ind}# before {key:?}"));
            }
            match key {
                Key::Name => metadata.push(format!(
                    "{ind}name: {}{}",
                    quote(name_quote, &name),
                    if comments[7] { " # the name" } else { "" }
                )),
                Key::Namespace if namespace => metadata.push(format!("{ind}namespace: argocd")),
                Key::Labels if labels => {
                    metadata.push(format!("{ind}labels:"));
                    metadata.push(format!("{ind}{ind}app.kubernetes.io/name: {name}"));
                    metadata.push(format!("{ind}{ind}tier: \"back end\""));
                }
                Key::Annotations if annotations => {
                    metadata.push(format!("{ind}annotations:"));
                    metadata.push(format!("{ind}{ind}note: caf\u{e9} # d\u{e9}j\u{e0} vu"));
                    metadata.push(format!("{ind}{ind}argocd.argoproj.io/sync-wave: \"2\""));
                }
                Key::Finalizers => {
                    let comment = if comments[8] { " # finalizers" } else { "" };
                    // Distinct strings: a repeated one is a `duplicate-finalizer` finding.
                    let mut seen = std::collections::HashSet::new();
                    let items: Vec<String> = others
                        .iter()
                        .filter(|(v, _)| seen.insert(*v))
                        .map(|(v, q)| quote(*q, v))
                        .collect();
                    match fins {
                        Fins::Absent => {}
                        Fins::Empty => metadata.push(format!("{ind}finalizers:{comment}")),
                        Fins::Tilde => metadata.push(format!("{ind}finalizers: ~{comment}")),
                        Fins::Null => metadata.push(format!("{ind}finalizers: null{comment}")),
                        Fins::OptOut => metadata.push(format!("{ind}finalizers: []{comment}")),
                        Fins::Flow => metadata.push(format!(
                            "{ind}finalizers: [{}]{comment}",
                            items.join(", ")
                        )),
                        Fins::Block(offset) => {
                            metadata.push(format!("{ind}finalizers:{comment}"));
                            for item in &items {
                                metadata.push(format!(
                                    "{ind}{}-{}{item}",
                                    " ".repeat(offset),
                                    " ".repeat(dash_gap)
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
            if blank_lines[i] {
                metadata.push(String::new());
            }
        }
        if comments[9] {
            metadata.push(format!("{ind}# end of metadata"));
        }
        let mut spec = vec!["spec:".to_string(), format!("{ind}project: default")];
        if let Some(indentless) = spec_list {
            spec.push(format!("{ind}syncPolicy:"));
            spec.push(format!("{ind}{ind}syncOptions:"));
            let dash = if indentless { "" } else { ind.as_str() };
            spec.push(format!("{ind}{ind}{dash}- CreateNamespace=true"));
            spec.push(format!("{ind}{ind}{dash}- ServerSideApply=true"));
        }
        let mut lines: Vec<String> = Vec::new();
        if !leading.is_empty() {
            lines.push(leading.to_string());
        }
        lines.push("apiVersion: argoproj.io/v1alpha1".into());
        lines.push("kind: Application".into());
        if metadata_last {
            lines.extend(spec);
            lines.extend(metadata);
        } else {
            lines.extend(metadata);
            lines.extend(spec);
        }
        // A trailing blank line would make "no final newline" meaningless.
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = lines.join(eol);
        if final_newline {
            text.push_str(eol);
        }
        if bom {
            text.insert_str(0, BOM);
        }
        let new_list_offset = if spec_list == Some(false) { indent } else { 2 };
        Generated { text, position, fins, indent, crlf, new_list_offset }
    }
}

fn check_generated(g: &Generated) -> Result<(), TestCaseError> {
    let settings = Settings {
        finalizer_position: g.position,
        ..Settings::default()
    };
    let options = FileOptions {
        settings: &settings,
        ..FileOptions::default()
    };
    let text = g.text.as_str();
    let diags = lint_text("app.yaml", text, options);
    if g.fins == Fins::OptOut {
        prop_assert!(diags.is_empty(), "{:#?}", diags);
        let result = fix_text("app.yaml", text, diags, options, false);
        prop_assert!(result.fixed.is_none());
        return Ok(());
    }
    prop_assert_eq!(rules_of(&diags), [MISSING], "{:#?}", diags);
    let fix = diags[0].fix.as_ref().expect("a fix");
    prop_assert_eq!(fix.applicability, Applicability::Safe);

    let result = fix_text("app.yaml", text, diags.clone(), options, false);
    prop_assert!(result.refused.is_none(), "refused: {:?}", result.refused);
    let fixed = result.fixed.clone().expect("fixed");
    prop_assert_eq!(result.applied.len(), 1);
    prop_assert!(
        result.remaining.is_empty(),
        "remaining {:#?}",
        result.remaining
    );

    // The fixed text parses; its data is the original's plus the finalizer.
    let before = documents(text)?;
    let after = documents(&fixed)?;
    prop_assert_eq!(before.len(), 1);
    prop_assert_eq!(
        after,
        vec![with_finalizer(before[0].clone(), g.position)],
        "fixed:\n{}",
        fixed
    );

    // No finding left; fixing again is a no-op.
    let again = lint_text("app.yaml", &fixed, options);
    prop_assert!(again.is_empty(), "{:#?}", again);
    let twice = fix_text("app.yaml", &fixed, again, options, false);
    prop_assert!(twice.fixed.is_none());

    // Every original byte is kept: one insertion, after the documented replacement of
    // `~` / `null`.
    let base = match g.fins {
        Fins::Tilde => text.replacen("finalizers: ~", "finalizers:", 1),
        Fins::Null => text.replacen("finalizers: null", "finalizers:", 1),
        _ => text.to_string(),
    };
    let Some((at, inserted)) = single_insertion(&base, &fixed) else {
        return Err(TestCaseError::fail(format!(
            "not a single insertion:\n{base}\n---\n{fixed}"
        )));
    };
    let inserted = std::str::from_utf8(inserted).expect("inserted text is whole characters");
    prop_assert!(inserted.contains(FIN), "inserted {:?}", inserted);

    // The file's style: BOM, final newline, line endings.
    prop_assert_eq!(fixed.starts_with(BOM), text.starts_with(BOM));
    prop_assert_eq!(fixed.ends_with('\n'), text.ends_with('\n'));
    let bare_lf = fixed
        .match_indices('\n')
        .any(|(i, _)| i == 0 || fixed.as_bytes()[i - 1] != b'\r');
    if g.crlf {
        prop_assert!(!bare_lf, "LF in a CRLF file: {:?}", fixed);
    } else {
        prop_assert!(!fixed.contains('\r'), "CR in an LF file: {:?}", fixed);
    }

    // Indentation of what was inserted, on the lines it created.
    let lines: Vec<&str> = fixed.lines().map(|l| l.trim_end_matches('\r')).collect();
    let item_line = lines
        .iter()
        .position(|l| l.contains(FIN))
        .expect("the item line");
    let col = |l: &str| l.len() - l.trim_start().len();
    match g.fins {
        Fins::Absent => {
            let key = lines[item_line - 1];
            prop_assert_eq!(key.trim_start(), "finalizers:");
            prop_assert_eq!(col(key), g.indent, "key indent of the other metadata keys");
            prop_assert_eq!(
                lines[item_line],
                format!("{}- {FIN}", " ".repeat(g.indent + g.new_list_offset))
            );
        }
        Fins::Empty | Fins::Tilde | Fins::Null => {
            prop_assert!(lines[item_line - 1].trim_start().starts_with("finalizers:"));
            prop_assert_eq!(
                lines[item_line],
                format!("{}- {FIN}", " ".repeat(g.indent + g.new_list_offset))
            );
        }
        Fins::Block(_) => {
            // Same dash column and gap as the item above it.
            let above = lines[item_line - 1];
            let dash = above.find('-').expect("a dash");
            let gap = above[dash + 1..].len() - above[dash + 1..].trim_start().len();
            let line = lines[item_line];
            prop_assert_eq!(&line[..dash + 1 + gap], &above[..dash + 1 + gap]);
            let item = line[dash + 1 + gap..].trim_matches(['"', '\'']);
            prop_assert_eq!(item, FIN);
        }
        Fins::Flow => {
            prop_assert!(lines[item_line].trim_start().starts_with("finalizers: ["));
            prop_assert!(
                inserted.starts_with(", ") && !inserted.contains('\n'),
                "inserted {:?}",
                inserted
            );
        }
        Fins::OptOut => unreachable!(),
    }
    prop_assert!(at <= base.len());
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        // Do not write regression files into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_applications_are_fixed_minimally_and_in_style(g in application()) {
        check_generated(&g)?;
    }
}

/// The property's checks reject what they should: a broken fix is caught.
#[test]
fn the_property_checks_can_fail() {
    let base = "a: 1\nb: 2\n";
    assert_eq!(
        single_insertion(base, "a: 1\nx\nb: 2\n"),
        Some((5, &b"x\n"[..]))
    );
    assert_eq!(single_insertion(base, "a: 2\nx\nb: 2\n"), None);
    assert_eq!(single_insertion(base, "x\na: 1\nb: 3\n"), None);
    assert_eq!(single_insertion(base, base), None);
    let root = documents("metadata:\n  name: a\n  namespace: b\n  labels: {}\n").unwrap();
    let fin = || (s("finalizers"), V::Seq(vec![s(FIN)]));
    let keys = |v: &V| match v {
        V::Map(top) => match &top[0].1 {
            V::Map(md) => md.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
            _ => unreachable!(),
        },
        _ => unreachable!(),
    };
    assert_eq!(
        keys(&with_finalizer(
            root[0].clone(),
            FinalizerPosition::AfterName
        )),
        [s("name"), fin().0, s("namespace"), s("labels")]
    );
    assert_eq!(
        keys(&with_finalizer(
            root[0].clone(),
            FinalizerPosition::AfterNamespace
        )),
        [s("name"), s("namespace"), fin().0, s("labels")]
    );
    assert_eq!(
        keys(&with_finalizer(root[0].clone(), FinalizerPosition::End)),
        [s("name"), s("namespace"), s("labels"), fin().0]
    );
    assert!(documents("a: [\n").is_err());
}
