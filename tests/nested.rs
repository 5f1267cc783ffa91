//! Argo CD objects that are not a document's root: nested in values files and other objects
//! (`extraObjects`, list-like arrays, an Application's Helm values) and held in manifest
//! strings (Argo Workflows `resource.manifest: |`). Each input in `tests/data/nested/` is
//! linted (rule, route and the exact text each finding points at), its concise output and
//! `--diff` are snapshot-tested (`tests/snapshots/nested__*.snap`), and its fix is checked
//! against an independent reading: the fixed file, parsed with serde_yaml (manifest strings
//! parsed too), equals the original plus the cascade finalizer in each fixed object.

use gitops_lint::fix::apply::fix_text;
use gitops_lint::lint::{lint_text, FileOptions};
use serde::Deserialize;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

mod common;
use common::{repo_tempdir, run, write};

const FIN: &str = "resources-finalizer.argocd.argoproj.io";
const MISSING: &str = "missing-finalizer";

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nested")
}

fn read_data(file: &str) -> String {
    std::fs::read_to_string(data_dir().join(file)).unwrap()
}

/// (rule, route, text pointed at) of each finding of `text`.
fn findings(path: &str, text: &str) -> Vec<(String, String, String)> {
    lint_text(path, text, FileOptions::default())
        .iter()
        .map(|d| {
            (
                d.rule.to_string(),
                d.route.clone(),
                text[d.span.clone()].to_string(),
            )
        })
        .collect()
}

/// Concise output and `--diff` of `file` in `dir`, for a snapshot.
fn cli_output(dir: &Path, file: &str) -> String {
    let concise = run(dir, &["lint", "--format", "concise", "-q", file]);
    let diff = run(dir, &["lint", "--diff", "-q", file]);
    format!(
        "$ gitops-lint lint --format concise {file}\n{}\n$ gitops-lint lint --diff {file}\n{}",
        concise.stdout, diff.stdout
    )
}

// ---------------------------------------------------------------------------------------
// The independent reading of a fix

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
    Doc(usize),
}

/// A route as the JSON `route` writes it: `a.b[0].c#1.d`.
fn parse_route(route: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut key = String::new();
    let mut chars = route.chars().peekable();
    let flush = |key: &mut String, segs: &mut Vec<Seg>| {
        if !key.is_empty() {
            segs.push(Seg::Key(std::mem::take(key)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut key, &mut segs),
            '[' | '#' => {
                flush(&mut key, &mut segs);
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                if c == '[' {
                    assert_eq!(chars.next(), Some(']'), "route {route}");
                    segs.push(Seg::Index(n.parse().unwrap()));
                } else {
                    segs.push(Seg::Doc(n.parse().unwrap()));
                }
            }
            c => key.push(c),
        }
    }
    flush(&mut key, &mut segs);
    segs
}

fn documents(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text.trim_start_matches('\u{feff}'))
        .map(|d| Value::deserialize(d).unwrap())
        .collect()
}

/// The node at `segs`, parsing manifest strings met on the way (in place).
fn expand<'v>(mut v: &'v mut Value, segs: &[Seg]) -> &'v mut Value {
    for seg in segs {
        v = match seg {
            Seg::Key(k) => v
                .get_mut(k.as_str())
                .unwrap_or_else(|| panic!("no key {k}")),
            Seg::Index(i) => v.get_mut(*i).unwrap(),
            Seg::Doc(k) => {
                if let Value::String(s) = v {
                    *v = Value::Sequence(documents(s));
                }
                v.get_mut(*k).unwrap()
            }
        };
    }
    v
}

/// The object route and its finalizer field of a finding's route.
fn split_route(route: &str) -> (Vec<Seg>, Vec<&'static str>) {
    let at = route.rfind("metadata.finalizers").unwrap();
    let head = route[..at].trim_end_matches('.');
    let (head, field) = match head.strip_suffix("spec.template") {
        Some(h) => (h, vec!["spec", "template", "metadata"]),
        None => (head, vec!["metadata"]),
    };
    (parse_route(head.trim_end_matches('.')), field)
}

/// `fixed` is `original` with the cascade finalizer added to the object of each route.
fn assert_only_finalizers_added(original: &str, fixed: &str, fixed_routes: &[(usize, String)]) {
    let mut before = documents(original);
    let mut after = documents(fixed);
    assert_eq!(before.len(), after.len());
    for (doc, route) in fixed_routes {
        let (object, field) = split_route(route);
        let b = expand(&mut before[*doc], &object).clone();
        let a = expand(&mut after[*doc], &object);
        let mut meta = &mut *a;
        for k in &field {
            meta = meta.get_mut(*k).expect("fixed object has the field");
        }
        let map = meta.as_mapping_mut().unwrap();
        let list = map.get_mut("finalizers").and_then(Value::as_sequence_mut);
        let list = list.expect("a finalizer list after the fix");
        let n = list.len();
        list.retain(|f| f.as_str() != Some(FIN));
        assert_eq!(list.len(), n - 1, "exactly one cascade finalizer added");
        let mut had = &b;
        for k in &field {
            had = had.get(*k).unwrap_or(&Value::Null);
        }
        // An empty list where there was none, or `~`, is the added finalizer's.
        if list.is_empty() {
            match had.get("finalizers") {
                None => drop(map.remove("finalizers")),
                Some(Value::Null) => drop(map.insert("finalizers".into(), Value::Null)),
                Some(_) => {}
            }
        }
        if map.is_empty() && had.is_null() {
            *meta = Value::Null;
        }
    }
    // Expand the other routes' strings on the original side too: compared as data.
    for (doc, route) in fixed_routes {
        expand(&mut before[*doc], &split_route(route).0);
    }
    assert_eq!(before, after, "the fix changed more than the finalizers");
}

/// A crude rendering of a Helm template, for reading it as YAML: whole-line actions
/// dropped, others replaced by `x`. Text without `{{ ` is returned as is.
fn render(text: &str) -> String {
    if !text.contains("{{ ") && !text.contains("{{-") {
        return text.to_string();
    }
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("{{") && t.ends_with("}}") {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("{{") {
            let j = rest[i..].find("}}").map_or(rest.len(), |j| i + j + 2);
            out.push_str(&rest[..i]);
            out.push('x');
            rest = &rest[j..];
        }
        out.push_str(rest);
    }
    out
}

/// Lint `file`, compare its findings, snapshot its output, fix it and check the fix.
fn case(file: &str, expected: &[(&str, &str, &str)], fixes: usize) {
    let text = read_data(file);
    let got = findings(file, &text);
    let want: Vec<(String, String, String)> = expected
        .iter()
        .map(|(r, route, span)| (r.to_string(), route.to_string(), span.to_string()))
        .collect();
    assert_eq!(got, want, "{file}");
    insta::assert_snapshot!(file.replace('.', "-"), cli_output(&data_dir(), file));
    let diags = lint_text(file, &text, FileOptions::default());
    let result = fix_text(file, &text, diags, FileOptions::default(), false);
    assert_eq!(result.applied.len(), fixes, "{file}: {:?}", result.refused);
    let Some(fixed) = result.fixed else {
        assert_eq!(fixes, 0);
        return;
    };
    let routes: Vec<(usize, String)> = result
        .applied
        .iter()
        .map(|d| (d.document.unwrap(), d.route.clone()))
        .collect();
    assert_only_finalizers_added(&render(&text), &render(&fixed), &routes);
    let again = lint_text(file, &fixed, FileOptions::default());
    assert!(
        again.iter().all(|d| d.rule != MISSING || d.fix.is_none()),
        "{file}: a fixable finding is left: {again:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Objects nested in YAML

#[test]
fn extra_objects_block_list() {
    case(
        "extra-objects.yaml",
        &[(MISSING, "extraObjects[0].metadata.finalizers", "metadata")],
        1,
    );
}

#[test]
fn extra_objects_indentless_and_four_spaces() {
    case(
        "extra-objects-indentless.yaml",
        &[
            (
                MISSING,
                "extraObjects[0].spec.template.metadata.finalizers",
                "finalizers",
            ),
            (
                "unknown-finalizer",
                "extraObjects[0].spec.template.metadata.finalizers[0]",
                "resources-finalizer.argocd.argoproj.io/typo",
            ),
            (MISSING, "extraObjects[1].metadata.finalizers", "metadata"),
        ],
        2,
    );
}

#[test]
fn flow_style_objects() {
    case(
        "flow-style.yaml",
        &[
            (MISSING, "extraObjects[0].metadata.finalizers", "metadata"),
            (MISSING, "extraObjects[1].metadata.finalizers", "metadata"),
        ],
        2,
    );
}

#[test]
fn json_values() {
    case(
        "values.json",
        &[(
            MISSING,
            "extraObjects[0].metadata.finalizers",
            "\"metadata\"",
        )],
        1,
    );
}

#[test]
fn list_like_array_under_any_key() {
    case(
        "list-like.yaml",
        &[(
            MISSING,
            "platform.bootstrap.resources[0].metadata.finalizers",
            "metadata",
        )],
        1,
    );
}

#[test]
fn application_in_helm_values_object() {
    case(
        "values-object.yaml",
        &[
            // Argo CD's own chart with a cascade finalizer: deleting it deletes Argo CD.
            (
                "cascade-deletes-argocd",
                "metadata.finalizers",
                "resources-finalizer.argocd.argoproj.io",
            ),
            (
                MISSING,
                "spec.source.helm.valuesObject.extraObjects[0].metadata.finalizers",
                "metadata",
            ),
        ],
        1,
    );
}

/// An ApplicationSet's template renders its Helm values with every Application.
#[test]
fn application_in_application_set_template_values() {
    case(
        "appset-values-object.yaml",
        &[(
            MISSING,
            "spec.template.spec.source.helm.valuesObject.extraObjects[0].metadata.finalizers",
            "metadata",
        )],
        1,
    );
}

#[test]
fn application_in_helm_values_string() {
    case(
        "helm-values-string.yaml",
        &[(
            MISSING,
            "spec.sources[0].helm.values#0.extraObjects[0].metadata.finalizers",
            "metadata",
        )],
        1,
    );
}

/// The shapes a nested fix follows: `- metadata:` as an item's first key, an empty
/// `metadata:`, `finalizers: ~`, a list indented by 4, a wide `-   ` gap.
#[test]
fn item_shapes() {
    let at = |line: usize| format!("apps[{line}].metadata.finalizers");
    case(
        "item-shapes.yaml",
        &[
            (MISSING, &at(0), "metadata"),
            (MISSING, &at(1), "metadata"),
            (MISSING, &at(2), "finalizers"),
            (MISSING, &at(3), "finalizers"),
            (MISSING, &at(4), "metadata"),
        ],
        5,
    );
}

/// `content` as the `manifest: |` of a WorkflowTemplate, each line indented by `indent`.
fn in_manifest_string(content: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let body: String = content
        .split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                "\n".to_string()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: w\n\
         spec:\n  templates:\n    - name: t\n      resource:\n        action: apply\n        \
         manifest: |\n{body}"
    )
}

/// Every input, written as a manifest string instead, gets the very same fix there, with
/// the block's indentation, and findings at the same text.
#[test]
fn the_same_fix_inside_a_manifest_string() {
    for file in [
        "item-shapes.yaml",
        "extra-objects.yaml",
        "extra-objects-indentless.yaml",
        "flow-style.yaml",
        "values.json",
        "list-like.yaml",
    ] {
        let plain = read_data(file);
        let wrapped = in_manifest_string(&plain, 10);
        let outside: Vec<String> = findings(file, &plain).into_iter().map(|f| f.2).collect();
        let inside: Vec<String> = findings("w.yaml", &wrapped)
            .into_iter()
            .map(|f| f.2)
            .collect();
        assert_eq!(inside, outside, "{file}");
        let diags = lint_text("w.yaml", &wrapped, FileOptions::default());
        let result = fix_text("w.yaml", &wrapped, diags, FileOptions::default(), false);
        assert_eq!(
            result.fixed.as_deref(),
            Some(in_manifest_string(&lf_fix(file), 10).as_str()),
            "{file}"
        );
        let routes: Vec<(usize, String)> = result
            .applied
            .iter()
            .map(|d| (0, d.route.clone()))
            .collect();
        assert!(routes
            .iter()
            .all(|(_, r)| r.starts_with("spec.templates[0].resource.manifest#0.")));
        assert_only_finalizers_added(&wrapped, result.fixed.as_deref().unwrap(), &routes);
    }
}

/// A list of manifests as strings or as objects (Bitnami-style `extraDeploy`).
#[test]
fn manifest_strings_as_sequence_items() {
    case(
        "extra-deploy-strings.yaml",
        &[
            (MISSING, "extraDeploy[0]#0.metadata.finalizers", "metadata"),
            (MISSING, "extraDeploy[1].metadata.finalizers", "metadata"),
        ],
        2,
    );
}

/// An Argo Events trigger creates the Application it holds (`operation: create`); one
/// that patches (`operation: patch`) holds a fragment.
#[test]
fn argo_events_sensor_trigger_resource() {
    case(
        "argo-events-sensor.yaml",
        &[(
            MISSING,
            "spec.triggers[0].template.k8s.source.resource.metadata.finalizers",
            "metadata",
        )],
        1,
    );
}

/// A Helm template of values: the nested object is found through the template actions.
#[test]
fn templated_extra_objects() {
    case(
        "templated-extra-objects.yaml",
        &[(MISSING, "extraObjects[0].metadata.finalizers", "metadata")],
        1,
    );
}

/// Mappings that only look like objects are not: no `metadata` or no `spec` (an owner
/// reference, a fragment in a string), a Kustomize patch string, an ApplicationSet's
/// template.
#[test]
fn look_alikes_are_not_objects() {
    case("not-objects.yaml", &[], 0);
}

// ---------------------------------------------------------------------------------------
// Objects in manifest strings

#[test]
fn workflow_template_resource_manifest() {
    // `action: patch` (a fragment) and `action: delete` (names a live object) are skipped.
    case(
        "workflow-template.yaml",
        &[(
            MISSING,
            "spec.templates[0].resource.manifest#0.metadata.finalizers",
            "metadata",
        )],
        1,
    );
}

/// Workflow parameters written unquoted (`name: {{inputs.parameters.app}}`) are template
/// actions of the manifest: masked, the manifest is still read.
#[test]
fn workflow_parameters_unquoted_in_the_manifest() {
    case(
        "workflow-unquoted-parameters.yaml",
        &[(
            MISSING,
            "spec.templates[0].resource.manifest#0.metadata.finalizers",
            "metadata",
        )],
        1,
    );
}

#[test]
fn cluster_workflow_template_multi_document_strip_chomping() {
    case(
        "cluster-workflow-template.yaml",
        &[
            (
                MISSING,
                "spec.templates[0].resource.manifest#0.metadata.finalizers",
                "finalizers",
            ),
            (
                "controller-managed-finalizer",
                "spec.templates[0].resource.manifest#0.metadata.finalizers[0]",
                "post-delete-finalizer.argocd.argoproj.io",
            ),
            (
                MISSING,
                "spec.templates[0].resource.manifest#1.metadata.finalizers",
                "metadata",
            ),
        ],
        2,
    );
}

#[test]
fn cron_workflow_indentation_indicator_and_json_manifest() {
    case(
        "indentation-indicator.yaml",
        &[
            (
                MISSING,
                "spec.workflowSpec.templates[0].resource.manifest#0.metadata.finalizers",
                "metadata",
            ),
            (
                MISSING,
                "spec.workflowSpec.templates[1].resource.manifest#0.metadata.finalizers",
                "\"metadata\"",
            ),
        ],
        2,
    );
}

/// The suppression annotation of an object in a manifest string suppresses its finding;
/// one that suppresses nothing is reported at its text in the file.
#[test]
fn annotations_in_manifest_strings() {
    case(
        "embedded-annotations.yaml",
        &[(
            "unused-suppression",
            "",
            "ignore.gitops-lint.dev/missing-finalizer",
        )],
        0,
    );
}

/// A folded or quoted string does not map line for line to the file: reported at the
/// whole string, not fixed.
#[test]
fn folded_and_quoted_manifests_are_reported_not_fixed() {
    let text = read_data("not-fixed-strings.yaml");
    let diags = lint_text("x.yaml", &text, FileOptions::default());
    assert_eq!(diags.len(), 2);
    for d in &diags {
        assert_eq!(d.rule, MISSING);
        assert!(d.fix.is_none());
        let pointed = &text[d.span.clone()];
        assert!(pointed.starts_with(['>', '\'']), "{pointed}");
        assert!(d
            .help
            .as_deref()
            .unwrap()
            .contains("not a literal block scalar"));
    }
    case(
        "not-fixed-strings.yaml",
        &[
            (
                MISSING,
                "spec.templates[0].resource.manifest#0.metadata.finalizers",
                &text[diags[0].span.clone()],
            ),
            (
                MISSING,
                "spec.templates[1].resource.manifest#0.metadata.finalizers",
                &text[diags[1].span.clone()],
            ),
        ],
        0,
    );
}

// ---------------------------------------------------------------------------------------
// Variants: line endings, BOM, non-ASCII, the safety net

/// The LF fix of `file`.
fn lf_fix(file: &str) -> String {
    let text = read_data(file);
    let diags = lint_text(file, &text, FileOptions::default());
    fix_text(file, &text, diags, FileOptions::default(), false)
        .fixed
        .unwrap()
}

/// CRLF (and a BOM) files get the same fix with CRLF line breaks, through the CLI.
#[test]
fn crlf_and_bom_fixes_match_the_lf_fix() {
    for (file, bom) in [
        ("workflow-template.yaml", false),
        ("extra-objects.yaml", true),
        ("cluster-workflow-template.yaml", false),
        ("helm-values-string.yaml", true),
    ] {
        let lf = read_data(file);
        let prefix = if bom { "\u{feff}" } else { "" };
        let crlf = format!("{prefix}{}", lf.replace('\n', "\r\n"));
        let dir = repo_tempdir();
        write(dir.path(), file, &crlf);
        let fixed = run(dir.path(), &["lint", "--fix", "-q", file]);
        assert_eq!(
            fixed.code,
            Some(0),
            "{file}: {}{}",
            fixed.stdout,
            fixed.stderr
        );
        let got = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let want = format!("{prefix}{}", lf_fix(file).replace('\n', "\r\n"));
        assert_eq!(got, want, "{file}");
    }
}

/// Spans in a manifest string point at the file's text, also after multi-byte characters
/// before and inside the string.
#[test]
fn spans_in_strings_after_non_ascii_text() {
    let text = read_data("workflow-template.yaml")
        .replace("name: create-application", "name: créer-l-application # é")
        .replace("namespace: argocd", "namespace: argocd # ünïcode");
    let got = findings("x.yaml", &text);
    assert_eq!(
        got,
        [(
            MISSING.to_string(),
            "spec.templates[0].resource.manifest#0.metadata.finalizers".to_string(),
            "metadata".to_string()
        )]
    );
    let diags = lint_text("x.yaml", &text, FileOptions::default());
    let fixed = fix_text("x.yaml", &text, diags, FileOptions::default(), false)
        .fixed
        .unwrap();
    assert!(fixed.contains(
        "namespace: argocd # ünïcode\n            finalizers:\n              - resources-finalizer"
    ));
}

/// The safety net reads the manifest string's data: the finalizer the fix adds there is
/// accepted, any other change inside the string is not.
#[test]
fn safety_net_accepts_only_the_finalizer_inside_a_string() {
    use gitops_lint::fix::validate::{validate_fixes, Facts};
    let text = read_data("workflow-template.yaml");
    let mut diags = lint_text("x.yaml", &text, FileOptions::default());
    assert!(diags[0].fix.is_some(), "the fix in the string is offered");
    validate_fixes(&text, &Facts::of(&text), &mut diags);
    assert!(diags[0].fix.is_some(), "and accepted on a second look");
    // The same edit, with one more change inside the string: refused.
    let fix = diags[0].fix.as_mut().unwrap();
    let at = text.find("project: default").unwrap() + "project: ".len();
    fix.edits.push(gitops_lint::diagnostic::Edit {
        span: at..at + "default".len(),
        content: "other".into(),
    });
    validate_fixes(&text, &Facts::of(&text), &mut diags);
    assert!(
        diags[0].fix.is_none(),
        "a change beyond the finalizer is refused"
    );
    // An edit that breaks the string's YAML: refused.
    let mut diags = lint_text("x.yaml", &text, FileOptions::default());
    let fix = diags[0].fix.as_mut().unwrap();
    fix.edits[0].content = fix.edits[0].content.replace("- resources", "resources");
    validate_fixes(&text, &Facts::of(&text), &mut diags);
    assert!(
        diags[0].fix.is_none(),
        "a fix that breaks the manifest is refused"
    );
    // An edit that adds a comment inside the string: refused.
    let mut diags = lint_text("x.yaml", &text, FileOptions::default());
    let fix = diags[0].fix.as_mut().unwrap();
    fix.edits[0].content.push_str("            # added\n");
    validate_fixes(&text, &Facts::of(&text), &mut diags);
    assert!(
        diags[0].fix.is_none(),
        "a comment added in the manifest is refused"
    );
    // A string that holds no Argo CD object is compared as text, as before.
    let other = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n\
                 spec:\n  source:\n    helm:\n      values: |\n        a: 1\n";
    let mut diags = lint_text("y.yaml", other, FileOptions::default());
    let fix = diags[0].fix.as_mut().unwrap();
    let at = other.find("a: 1").unwrap();
    fix.edits.push(gitops_lint::diagnostic::Edit {
        span: at..at,
        content: "b".into(),
    });
    validate_fixes(other, &Facts::of(other), &mut diags);
    assert!(
        diags[0].fix.is_none(),
        "a change in another string is refused"
    );
}

/// Many nested objects in one document are all fixed (one fix per object and pass, not
/// one per document).
#[test]
fn many_nested_objects_in_one_document_are_all_fixed() {
    let mut text = String::from("extraObjects:\n");
    for i in 0..20 {
        text.push_str(&format!(
            "  - apiVersion: argoproj.io/v1alpha1\n    kind: Application\n    metadata:\n      name: a{i}\n    spec:\n      project: default\n"
        ));
    }
    let diags = lint_text("x.yaml", &text, FileOptions::default());
    assert_eq!(diags.len(), 20);
    let result = fix_text("x.yaml", &text, diags, FileOptions::default(), false);
    assert_eq!(result.applied.len(), 20);
    let fixed = result.fixed.unwrap();
    assert_eq!(fixed.matches(FIN).count(), 20);
    let routes: Vec<(usize, String)> = result
        .applied
        .iter()
        .map(|d| (0, d.route.clone()))
        .collect();
    assert_only_finalizers_added(&text, &fixed, &routes);
}

/// The independent reading catches a change beyond the finalizer inside a string.
#[test]
#[should_panic(expected = "changed more than the finalizers")]
fn the_reading_of_a_fix_sees_other_changes_in_strings() {
    let text = read_data("workflow-template.yaml");
    let fixed = lf_fix("workflow-template.yaml").replacen("project: default", "project: x", 1);
    let route = "spec.templates[0].resource.manifest#0.metadata.finalizers".to_string();
    assert_only_finalizers_added(&text, &fixed, &[(0, route)]);
}
