//! Values of the `argocd-apps` Helm chart: each `applications:` entry renders an
//! Application whose finalizers are the entry's own `finalizers`. Inputs are in
//! tests/data/helm-apps/, copied to a fresh repository per test.

mod common;

use common::{parse_json, read, repo_tempdir, run, write};
use serde_json::Value;
use std::path::Path;

const CASCADE: &str = "resources-finalizer.argocd.argoproj.io";

/// A fresh repository holding a copy of `tests/data/helm-apps/<case>`.
fn copy_case(case: &str) -> tempfile::TempDir {
    let dir = repo_tempdir();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/helm-apps")
        .join(case);
    copy_dir(&from, dir.path(), "");
    dir
}

fn copy_dir(from: &Path, to: &Path, rel: &str) {
    for e in std::fs::read_dir(from.join(rel)).unwrap() {
        let e = e.unwrap();
        let name = format!("{rel}{}", e.file_name().to_string_lossy());
        if e.file_type().unwrap().is_dir() {
            copy_dir(from, to, &format!("{name}/"));
        } else {
            write(to, &name, &std::fs::read_to_string(e.path()).unwrap());
        }
    }
}

/// `(path, route)` of each diagnostic of `rule`.
fn findings(json: &Value, rule: &str) -> Vec<(String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["route"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend(args);
    let r = run(dir, &all);
    (r.code, parse_json(&r))
}

fn concise(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["lint", "--format", "concise", "--color", "never"];
    all.extend(args);
    run(dir, &all).stdout
}

fn diff(dir: &Path) -> String {
    run(dir, &["lint", "--diff", "--color", "never"]).stdout
}

#[test]
fn value_files_of_an_application_using_the_chart() {
    let dir = copy_case("value-files");
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    // Not the unreferenced copy, not the opt-out, the entries with a cascade finalizer,
    // the empty entries, nor any ApplicationSet entry (with or without preserve).
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [
            ("values/apps.yaml", "applications.guestbook.finalizers"),
            ("values/apps.yaml", "applications.flow.finalizers"),
            (
                "values/apps.yaml",
                "applications.empty-finalizers.finalizers"
            ),
            (
                "values/apps.yaml",
                "applications.other-finalizer.finalizers"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    insta::assert_snapshot!("value-files-concise", concise(dir.path(), &[]));
    insta::assert_snapshot!("value-files-diff", diff(dir.path()));
    // Excluded, a referenced value file is not checked.
    let (code, _) = lint_json(dir.path(), &["--exclude", "values/apps.yaml"]);
    assert_eq!(code, Some(0));
    // The values folder alone: nothing says these are argocd-apps values.
    let (code, json) = lint_json(dir.path(), &["values"]);
    assert_eq!(
        (code, findings(&json, "missing-finalizer").len()),
        (Some(0), 0)
    );
}

#[test]
fn list_form_in_a_chart_an_application_points_at() {
    let dir = copy_case("list-form");
    let (_, json) = lint_json(dir.path(), &[]);
    // `apps:` is the dependency's alias; the top-level `applications:` is another key.
    let routes: Vec<String> = findings(&json, "missing-finalizer")
        .into_iter()
        .map(|f| f.1)
        .collect();
    assert_eq!(
        routes,
        [
            "apps.applications[0].finalizers",
            "apps.applications[2].finalizers"
        ]
    );
    insta::assert_snapshot!("list-form-concise", concise(dir.path(), &[]));
    insta::assert_snapshot!("list-form-diff", diff(dir.path()));
}

#[test]
fn inline_values_of_an_application_using_the_chart() {
    let dir = copy_case("inline");
    let (_, json) = lint_json(dir.path(), &[]);
    let diags = json["diagnostics"].as_array().unwrap();
    let names: Vec<(&str, bool)> = diags
        .iter()
        .map(|d| (d["object"]["name"].as_str().unwrap(), d["fix"].is_object()))
        .collect();
    // A quoted string is reported without fix; another chart's values are not looked at.
    assert_eq!(
        names,
        [("grafana", true), ("minio", true), ("redis", false)]
    );
    insta::assert_snapshot!("inline-concise", concise(dir.path(), &[]));
    insta::assert_snapshot!("inline-diff", diff(dir.path()));
}

#[test]
fn umbrella_chart_values_beside_its_chart_yaml() {
    let dir = copy_case("umbrella");
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [
            (
                "platform/values-staging.yml",
                "argocd-apps.applications.staging-only.finalizers"
            ),
            (
                "platform/values.yaml",
                "argocd-apps.applications.cert-manager.finalizers"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    insta::assert_snapshot!("umbrella-concise", concise(dir.path(), &[]));
    insta::assert_snapshot!("umbrella-diff", diff(dir.path()));
    // Named alone, a values file is known by the Chart.yaml beside it.
    let (code, json) = lint_json(dir.path(), &["platform/values.yaml"]);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&json, "missing-finalizer").len(), 1);
    let (code, json) = lint_json(dir.path(), &["not-argocd-apps/values.yaml"]);
    assert_eq!(
        (code, findings(&json, "missing-finalizer").len()),
        (Some(0), 0)
    );
}

/// `after` is `before` with, at most, the cascade finalizer added to entries; returns the
/// routes where it was added.
fn added_finalizers(
    before: &serde_yaml::Value,
    after: &serde_yaml::Value,
    at: &str,
) -> Vec<String> {
    use serde_yaml::Value as Y;
    let cascade = || Y::Sequence(vec![Y::String(CASCADE.into())]);
    match (before, after) {
        (Y::Mapping(b), Y::Mapping(a)) => {
            let mut out = Vec::new();
            for (k, v) in a {
                let key = format!("{at}.{}", k.as_str().unwrap_or("?"));
                match b.get(k) {
                    Some(Y::Null) | None if k.as_str() == Some("finalizers") => {
                        assert_eq!(v, &cascade(), "{key}");
                        out.push(key);
                    }
                    Some(bv) => out.extend(added_finalizers(bv, v, &key)),
                    None => panic!("{key} added"),
                }
            }
            assert!(
                b.keys().all(|k| a.contains_key(k)),
                "{at}: a key was removed"
            );
            out
        }
        (Y::Sequence(b), Y::Sequence(a))
            if a.len() == b.len() + 1 && at.ends_with("finalizers") =>
        {
            assert_eq!(&a[..b.len()], &b[..], "{at}");
            assert_eq!(a[b.len()], Y::String(CASCADE.into()), "{at}");
            vec![at.to_string()]
        }
        (Y::Sequence(b), Y::Sequence(a)) => {
            assert_eq!(a.len(), b.len(), "{at}");
            b.iter()
                .zip(a)
                .enumerate()
                .flat_map(|(i, (x, y))| added_finalizers(x, y, &format!("{at}[{i}]")))
                .collect()
        }
        (Y::String(b), Y::String(a)) if b != a && at.ends_with("helm.values") => added_finalizers(
            &serde_yaml::from_str(b).unwrap(),
            &serde_yaml::from_str(a).unwrap(),
            at,
        ),
        _ => {
            assert_eq!(before, after, "{at}");
            Vec::new()
        }
    }
}

fn docs(text: &str) -> Vec<serde_yaml::Value> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text)
        .map(|d| serde_yaml::Value::deserialize(d).unwrap())
        .collect()
}

/// `--fix` gives files that parse to the original data plus the finalizer in exactly the
/// entries reported, and a second lint finds nothing left to fix.
#[test]
fn fixed_files_hold_the_original_data_plus_the_finalizer() {
    for (case, files, expected) in [
        (
            "value-files",
            &["values/apps.yaml"][..],
            &[
                ".applications.guestbook.finalizers",
                ".applications.flow.finalizers",
                ".applications.empty-finalizers.finalizers",
                ".applications.other-finalizer.finalizers",
            ][..],
        ),
        (
            "list-form",
            &["charts/platform/values-prod.yaml"],
            &[
                ".apps.applications[0].finalizers",
                ".apps.applications[2].finalizers",
            ],
        ),
        (
            "inline",
            &["apps.yaml"],
            &[
                ".spec.source.helm.valuesObject.applications.grafana.finalizers",
                ".spec.sources[0].helm.values.applications[0].finalizers",
            ],
        ),
        (
            "umbrella",
            &["platform/values.yaml", "platform/values-staging.yml"],
            &[
                ".argocd-apps.applications.cert-manager.finalizers",
                ".argocd-apps.applications.staging-only.finalizers",
            ],
        ),
    ] {
        let dir = copy_case(case);
        let before: Vec<String> = files.iter().map(|f| read(dir.path(), f)).collect();
        let r = run(dir.path(), &["lint", "--fix"]);
        assert!(r.code.is_some(), "{case}: {}", r.stderr);
        let mut added = Vec::new();
        for (f, old) in files.iter().zip(&before) {
            let new = read(dir.path(), f);
            let (b, a) = (docs(old), docs(&new));
            assert_eq!(b.len(), a.len(), "{case} {f}");
            for (x, y) in b.iter().zip(&a) {
                added.extend(added_finalizers(x, y, ""));
            }
        }
        added.sort();
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(added, expected, "{case}");
        let (_, json) = lint_json(dir.path(), &[]);
        let left: Vec<_> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["fix"].is_object())
            .collect();
        assert!(left.is_empty(), "{case}: {left:?}");
    }
}

/// CRLF line endings, a BOM and non-ASCII text before the entry: spans point at the
/// entry's key, and the fix keeps CRLF.
#[test]
fn crlf_bom_and_non_ascii() {
    let dir = copy_case("umbrella");
    let text = read(dir.path(), "platform/values.yaml").replace('\n', "\r\n");
    write(
        dir.path(),
        "platform/values.yaml",
        &format!("\u{feff}{text}"),
    );
    let (_, json) = lint_json(dir.path(), &["platform/values.yaml"]);
    let d = &json["diagnostics"][0];
    let source = read(dir.path(), "platform/values.yaml");
    let at = d["span"]["offset"].as_u64().unwrap() as usize;
    let len = d["span"]["length"].as_u64().unwrap() as usize;
    assert_eq!(&source[at..at + len], "cert-manager");
    assert_eq!(d["start"]["line"], 4);
    run(dir.path(), &["lint", "--fix", "platform/values.yaml"]);
    let fixed = read(dir.path(), "platform/values.yaml");
    assert!(fixed.starts_with('\u{feff}'));
    assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count());
    assert!(fixed.contains(&format!("        finalizers:\r\n          - {CASCADE}\r\n")));
    let (code, _) = lint_json(dir.path(), &["platform/values.yaml"]);
    assert_eq!(code, Some(0));
}

/// An `applications:` key in a values file that nothing ties to the chart is not checked,
/// and neither is a Chart.yaml that only mentions the chart's name elsewhere.
#[test]
fn unrelated_values_files_are_not_checked() {
    let dir = repo_tempdir();
    let values = "applications:\n  web:\n    project: default\n";
    write(dir.path(), "values.yaml", values);
    write(dir.path(), "a/values.yaml", values);
    write(
        dir.path(),
        "a/Chart.yaml",
        "apiVersion: v2\nname: a\ndescription: not argocd-apps\nversion: 1.0.0\n",
    );
    write(dir.path(), "b/values.yaml", values);
    write(
        dir.path(),
        "b/app.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: b\n  \
         finalizers: [resources-finalizer.argocd.argoproj.io]\nspec:\n  source:\n    \
         chart: not-argocd-apps\n    helm:\n      valueFiles: [$v/b/values.yaml]\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0), "{json:#}");
    let (code, _) = lint_json(dir.path(), &["a/values.yaml"]);
    assert_eq!(code, Some(0));
    // The same file becomes argocd-apps values once the Application uses the chart.
    let app = read(dir.path(), "b/app.yaml").replace("not-argocd-apps", "argocd-apps");
    write(dir.path(), "b/app.yaml", &app);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "b/values.yaml".to_string(),
            "applications.web.finalizers".to_string()
        )]
    );
}

/// A document whose last node is a block scalar (`helm.values: |`) followed by `---`: its
/// fix is offered (the safety net checked the document with the next `---` line, as two
/// documents, and refused every fix in it).
#[test]
fn documents_ending_with_a_block_scalar_get_their_fix() {
    let dir = repo_tempdir();
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n\
               spec:\n  source:\n    helm:\n      values: |\n        x: 1\n---\n\
               apiVersion: v1\nkind: ConfigMap\n";
    write(dir.path(), "a.yaml", app);
    let r = run(dir.path(), &["lint", "--fix"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(read(dir.path(), "a.yaml")
        .contains(&format!("  name: a\n  finalizers:\n    - {CASCADE}\n")));
}

/// The Applications an ApplicationSet generates from the chart use its value files too.
#[test]
fn value_files_of_an_applicationset_template() {
    let dir = repo_tempdir();
    write(
        dir.path(),
        "sets/apps.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: per-cluster\n\
         spec:\n  generators: [{clusters: {}}]\n  template:\n    metadata:\n      name: 'apps-{{name}}'\n    \
         spec:\n      project: default\n      sources:\n        - chart: argocd-apps\n          \
         repoURL: https://argoproj.github.io/argo-helm\n          helm:\n            \
         valueFiles: ['$values/clusters/apps.yaml']\n        - repoURL: https://example.com/gitops.git\n          \
         ref: values\n      destination: {name: '{{name}}'}\n",
    );
    write(
        dir.path(),
        "clusters/apps.yaml",
        "applications:\n  web:\n    project: default\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1), "{json:#}");
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "clusters/apps.yaml".to_string(),
            "applications.web.finalizers".to_string()
        )]
    );
}

/// The finalizer-string rules check an entry's list too: a misspelt cascade finalizer and a
/// controller-managed one, with their fixes.
#[test]
fn finalizer_strings_of_entries() {
    let dir = repo_tempdir();
    write(
        dir.path(),
        "p/Chart.yaml",
        "apiVersion: v2\nname: p\ndependencies:\n- name: argocd-apps\n  alias: apps\n",
    );
    write(
        dir.path(),
        "p/values.yaml",
        "apps:\n  applications:\n    a:\n      project: x\n      finalizers:\n        \
         - resources-finalizer.argocd.argoproj.io/foregroud\n    b:\n      project: x\n      \
         finalizers:\n        - resources-finalizer.argocd.argoproj.io\n        \
         - post-delete-finalizer.argocd.argoproj.io\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    let got: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().into(),
                d["route"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("missing-finalizer", "apps.applications.a.finalizers"),
            ("unknown-finalizer", "apps.applications.a.finalizers[0]"),
            (
                "controller-managed-finalizer",
                "apps.applications.b.finalizers[1]"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(json["diagnostics"][1]["message"]
        .as_str()
        .unwrap()
        .starts_with("argocd-apps entry `a`: unknown finalizer"));
    run(dir.path(), &["lint", "--fix", "--unsafe-fixes"]);
    let fixed = read(dir.path(), "p/values.yaml");
    assert!(fixed.contains("        - resources-finalizer.argocd.argoproj.io/foreground\n    b:"));
    assert!(!fixed.contains("post-delete"));
    let (code, _) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0));
}

/// Value files Helm merges in one rendering: an entry that another of them gives the
/// cascade finalizer is not flagged, nor a partial override (no `destination`); an entry
/// that no file finalizes is.
#[test]
fn layered_value_files_are_merged() {
    let dir = repo_tempdir();
    write(
        dir.path(),
        "root.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: apps\n  \
         finalizers: [resources-finalizer.argocd.argoproj.io]\nspec:\n  sources:\n  \
         - chart: argocd-apps\n    repoURL: https://argoproj.github.io/argo-helm\n    helm:\n      \
         valueFiles:\n      - $values/base.yaml\n      - $values/prod.yaml\n  \
         - repoURL: https://example.com/gitops.git\n    ref: values\n",
    );
    let full = |name: &str, fin: bool| {
        let fin = if fin {
            format!("    finalizers: [{CASCADE}]\n")
        } else {
            String::new()
        };
        format!("  {name}:\n    project: default\n{fin}    destination: {{name: in-cluster}}\n")
    };
    write(
        dir.path(),
        "base.yaml",
        &format!("applications:\n{}{}", full("a", true), full("b", false)),
    );
    write(
        dir.path(),
        "prod.yaml",
        &format!(
            "applications:\n{}{}{}  d:\n    project: prod\n",
            full("a", false),
            full("b", true),
            full("c", false)
        ),
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "prod.yaml".to_string(),
            "applications.c.finalizers".to_string()
        )]
    );
    // Alone, each file's own entries are what renders.
    std::fs::write(
        dir.path().join("root.yaml"),
        read(dir.path(), "root.yaml").replace("      - $values/prod.yaml\n", ""),
    )
    .unwrap();
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "base.yaml".to_string(),
            "applications.b.finalizers".to_string()
        )]
    );
}

/// A `helm.values: |-` block with CRLF line endings and non-ASCII text: the finding points
/// at the entry's key in the file, and the fix lands inside the block, indented like it.
#[test]
fn inline_block_with_crlf_and_non_ascii() {
    let dir = repo_tempdir();
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: é-apps\n  \
                finalizers: [resources-finalizer.argocd.argoproj.io]\nspec:\n  source:\n    \
                chart: argocd-apps\n    helm:\n      values: |-\n        # déjà vu\n        \
                applications:\n          ünïcode:\n            project: default\n\n            \
                destination: {name: in-cluster}\n  destination: {name: in-cluster}\n"
        .replace('\n', "\r\n");
    write(dir.path(), "a.yaml", &text);
    let (_, json) = lint_json(dir.path(), &[]);
    let d = &json["diagnostics"][0];
    let at = d["span"]["offset"].as_u64().unwrap() as usize;
    let len = d["span"]["length"].as_u64().unwrap() as usize;
    assert_eq!(&text[at..at + len], "ünïcode");
    assert_eq!(
        d["route"],
        "spec.source.helm.values.applications.ünïcode.finalizers"
    );
    run(dir.path(), &["lint", "--fix"]);
    let fixed = read(dir.path(), "a.yaml");
    let want = format!(
        "            destination: {{name: in-cluster}}\r\n            finalizers:\r\n              \
         - {CASCADE}\r\n  destination:"
    );
    assert!(fixed.contains(&want), "{fixed}");
    let (code, _) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0));
}

/// Values are not templates: a quoted `{{ }}` string in an entry (or in an ApplicationSet
/// entry of the same file) does not cost the entry its fix.
#[test]
fn template_strings_in_values_keep_the_fix() {
    let dir = repo_tempdir();
    write(
        dir.path(),
        "Chart.yaml",
        "apiVersion: v2\nname: p\ndependencies:\n- name: argocd-apps\n",
    );
    write(
        dir.path(),
        "values.yaml",
        "argocd-apps:\n  applications:\n    web:\n      project: '{{ .Values.project }}'\n      \
         destination: {namespace: '{{ .Release.Namespace }}'}\n  applicationsets:\n    set:\n      \
         template:\n        metadata: {name: '{{path.basename}}'}\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "values.yaml".to_string(),
            "argocd-apps.applications.web.finalizers".to_string()
        )]
    );
    assert!(json["diagnostics"][0]["fix"].is_object(), "{json:#}");
}

/// Standard input named with `--stdin-filename` (editors) is known by the Chart.yaml beside
/// that path; chart-testing's `ci/*-values.yaml` of such a chart are its values too.
#[test]
fn stdin_and_chart_testing_values() {
    let dir = copy_case("umbrella");
    let values = read(dir.path(), "platform/values.yaml");
    let args = [
        "lint",
        "--format",
        "json",
        "--stdin-filename",
        "platform/values.yaml",
        "-",
    ];
    let json = parse_json(&common::run_stdin(dir.path(), &args, &values));
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "platform/values.yaml".to_string(),
            "argocd-apps.applications.cert-manager.finalizers".to_string()
        )]
    );
    let args = [
        "lint",
        "--format",
        "json",
        "--stdin-filename",
        "other/values.yaml",
        "-",
    ];
    let json = parse_json(&common::run_stdin(dir.path(), &args, &values));
    assert!(findings(&json, "missing-finalizer").is_empty());
    let entry = "argocd-apps:\n  applications:\n    ci-app:\n      project: default\n      \
                 destination: {name: in-cluster}\n";
    write(dir.path(), "platform/ci/smoke-values.yaml", entry);
    write(dir.path(), "platform/ci/notes.yaml", entry);
    let (_, json) = lint_json(dir.path(), &["platform"]);
    assert_eq!(
        findings(&json, "missing-finalizer")[0],
        (
            "platform/ci/smoke-values.yaml".to_string(),
            "argocd-apps.applications.ci-app.finalizers".to_string()
        )
    );
    assert_eq!(findings(&json, "missing-finalizer").len(), 3, "{json:#}");
}

/// Kustomize's `helmCharts` and helmfile's `releases` that render the chart name its value
/// files too; a release of another chart does not.
#[test]
fn kustomize_helm_charts_and_helmfile_releases() {
    let dir = repo_tempdir();
    let entry = |name: &str| {
        format!("applications:\n  {name}:\n    project: default\n    destination: {{name: in-cluster}}\n")
    };
    write(
        dir.path(),
        "k/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n\
         - name: argocd-apps\n  repo: https://argoproj.github.io/argo-helm\n  version: 2.0.2\n  \
         valuesFile: apps-values.yaml\n  additionalValuesFiles: [../shared/more.yaml]\n",
    );
    write(dir.path(), "k/apps-values.yaml", &entry("from-kustomize"));
    write(dir.path(), "shared/more.yaml", &entry("from-additional"));
    write(
        dir.path(),
        "hf/helmfile.yaml",
        "releases:\n  - name: apps\n    chart: argo/argocd-apps\n    values:\n      - values/apps.yaml\n      \
         - values/{{ .Environment.Name }}.yaml\n      - applications: {}\n  - name: other\n    \
         chart: bitnami/redis\n    values: [values/redis.yaml]\n",
    );
    write(dir.path(), "hf/values/apps.yaml", &entry("from-helmfile"));
    write(dir.path(), "hf/values/redis.yaml", &entry("not-the-chart"));
    let (_, json) = lint_json(dir.path(), &[]);
    let mut got: Vec<String> = findings(&json, "missing-finalizer")
        .into_iter()
        .map(|(path, route)| format!("{path} {route}"))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "hf/values/apps.yaml applications.from-helmfile.finalizers",
            "k/apps-values.yaml applications.from-kustomize.finalizers",
            "shared/more.yaml applications.from-additional.finalizers",
        ]
    );
}

/// `additionalAnnotations` render as the Application's annotations: the suppression
/// annotation there suppresses the entry's finding (and only that entry's).
#[test]
fn suppression_annotation_in_additional_annotations() {
    let dir = repo_tempdir();
    write(
        dir.path(),
        "Chart.yaml",
        "apiVersion: v2\nname: p\ndependencies:\n- name: argocd-apps\n",
    );
    write(
        dir.path(),
        "values.yaml",
        "argocd-apps:\n  applications:\n    root:\n      additionalAnnotations:\n        \
         ignore.gitops-lint.dev/missing-finalizer: app of apps, kept on purpose\n      \
         project: default\n    web:\n      additionalAnnotations: {team: web}\n      project: default\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "values.yaml".to_string(),
            "argocd-apps.applications.web.finalizers".to_string()
        )]
    );
    // A suppression comment on the entry's line, or above it.
    let text = read(dir.path(), "values.yaml").replace(
        "    web:\n",
        "    # gitops-lint: ignore[missing-finalizer] owned by the web team\n    web:\n",
    );
    write(dir.path(), "values.yaml", &text);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0), "{json:#}");
}

/// `$ref/path` is from the repository root, also when the linted folder is below it.
#[test]
fn ref_paths_from_the_repository_root_above_the_working_directory() {
    let dir = copy_case("value-files");
    let sub = dir.path().join("values");
    // Move the Application below the values folder, run from there.
    std::fs::rename(dir.path().join("apps/root.yaml"), sub.join("root.yaml")).unwrap();
    let (code, json) = lint_json(&sub, &[]);
    assert_eq!(code, Some(1), "{json:#}");
    let got = findings(&json, "missing-finalizer");
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got.iter().all(|(p, _)| p == "apps.yaml"), "{got:?}");
}

/// Inline values of a Git source (an umbrella chart): the chart's values are under
/// `argocd-apps:`; a partial override (no `destination`) merged over the chart's
/// `values.yaml` is not flagged.
#[test]
fn inline_values_of_an_umbrella_source() {
    let dir = repo_tempdir();
    write(
        dir.path(),
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: platform\n  \
         finalizers: [resources-finalizer.argocd.argoproj.io]\nspec:\n  source:\n    \
         repoURL: https://example.com/gitops.git\n    path: charts/platform\n    helm:\n      \
         valuesObject:\n        argocd-apps:\n          applications:\n            extra:\n              \
         project: default\n              destination: {name: in-cluster}\n            \
         override:\n              source: {targetRevision: v2}\n        applications:\n          \
         not-the-chart: {project: default, destination: {name: in-cluster}}\n      \
         values: |\n        argocd-apps:\n          applications:\n            from-string:\n              \
         project: default\n              destination: {name: in-cluster}\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    let got: Vec<String> = findings(&json, "missing-finalizer")
        .into_iter()
        .map(|f| f.1)
        .collect();
    assert_eq!(
        got,
        [
            "spec.source.helm.valuesObject.argocd-apps.applications.extra.finalizers",
            "spec.source.helm.values.argocd-apps.applications.from-string.finalizers",
        ]
    );
    let r = run(dir.path(), &["lint", "--fix"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// An ApplicationSet whose template deploys the chart: its inline values are checked too.
#[test]
fn inline_values_of_an_applicationset_template() {
    let dir = repo_tempdir();
    write(
        dir.path(),
        "set.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: per-cluster\n\
         spec:\n  generators: [{clusters: {}}]\n  template:\n    metadata:\n      name: 'apps-{{name}}'\n    \
         spec:\n      project: default\n      source:\n        chart: argocd-apps\n        \
         repoURL: https://argoproj.github.io/argo-helm\n        helm:\n          valuesObject:\n            \
         applications:\n              web:\n                project: default\n                \
         destination: {name: in-cluster}\n      destination: {name: '{{name}}'}\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "set.yaml".to_string(),
            "spec.template.spec.source.helm.valuesObject.applications.web.finalizers".to_string()
        )]
    );
    assert!(json["diagnostics"][0]["fix"].is_object(), "{json:#}");
}

/// A chart of one's own named `argocd-apps` whose templates write the finalizer themselves
/// (they never read an entry's `.finalizers`): its values are not argo-helm's, not checked.
/// argo-helm's chart vendored in the repository (its templates read `.finalizers`) is.
#[test]
fn a_chart_of_ones_own_named_argocd_apps_is_not_the_chart() {
    let dir = repo_tempdir();
    let chart = "apiVersion: v2\nname: argocd-apps\nversion: 0.1.0\n";
    let values =
        "applications:\n  web:\n    project: default\n    destination: {name: in-cluster}\n";
    write(dir.path(), "own/Chart.yaml", chart);
    write(dir.path(), "own/values.yaml", values);
    write(
        dir.path(),
        "own/templates/apps.yaml",
        "{{- range $name, $app := .Values.applications }}\n---\napiVersion: argoproj.io/v1alpha1\n\
         kind: Application\nmetadata:\n  name: {{ $name }}\n  finalizers:\n  \
         - resources-finalizer.argocd.argoproj.io\n{{- end }}\n",
    );
    write(dir.path(), "vendored/Chart.yaml", chart);
    write(dir.path(), "vendored/values.yaml", values);
    write(
        dir.path(),
        "vendored/templates/applications.yaml",
        "{{- range $appName, $appData := .Values.applications }}\n  {{- with $appData.finalizers }}\n\
         finalizers:\n  {{- toYaml . | nindent 4 }}\n  {{- end }}\n{{- end }}\n",
    );
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "vendored/values.yaml".to_string(),
            "applications.web.finalizers".to_string()
        )]
    );
}

/// An entry that deploys the chart again names more values files: those are values too,
/// transitively; and a values file whose entry names that very file (a root app of apps
/// managing its own values after a first `helm install`) is recognised by itself.
#[test]
fn entries_deploying_the_chart_name_more_values_files() {
    let dir = repo_tempdir();
    let root_entry = |files: &str| {
        format!(
            "applications:\n  root:\n    project: infra\n    sources:\n      - repoURL: \
             https://argoproj.github.io/argo-helm\n        chart: argocd-apps\n        \
             targetRevision: 2.0.5\n        helm:\n          valueFiles:\n{files}      - \
             repoURL: https://example.com/me/repo.git\n        ref: values\n    \
             destination:\n      server: https://kubernetes.default.svc\n      namespace: argocd\n"
        )
    };
    let leaf = "applications:\n  loki:\n    project: monitoring\n    source:\n      repoURL: \
                https://grafana.github.io/helm-charts\n      chart: loki\n      targetRevision: \
                6.0.0\n    destination:\n      server: https://kubernetes.default.svc\n      \
                namespace: monitoring\n";
    write(dir.path(), "argocd/apps/loki.yaml", leaf);
    // Not named by itself: nothing says these are the chart's values.
    let other = root_entry("            - $values/argocd/apps/loki.yaml\n");
    write(dir.path(), "argocd/root.yaml", &other);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(0), "{json:#}");
    // Naming itself: its own entry and, through it, loki's.
    let own = root_entry(
        "            - $values/argocd/root.yaml\n            - $values/argocd/apps/loki.yaml\n",
    );
    write(dir.path(), "argocd/root.yaml", &own);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let mut found = findings(&json, "missing-finalizer");
    found.sort();
    let expected = [
        ("argocd/apps/loki.yaml", "applications.loki.finalizers"),
        ("argocd/root.yaml", "applications.root.finalizers"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect();
    assert_eq!(found, expected);
    // The root entry cascading, named by an Application: loki is still reached through it.
    let own = own.replace(
        "  root:\n",
        &format!("  root:\n    finalizers: [{CASCADE}]\n"),
    );
    write(dir.path(), "argocd/root.yaml", &own);
    write(
        dir.path(),
        "bootstrap.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: boot\n  \
         finalizers: [resources-finalizer.argocd.argoproj.io]\nspec:\n  sources:\n  - chart: \
         argocd-apps\n    repoURL: https://argoproj.github.io/argo-helm\n    helm:\n      \
         valueFiles: [$values/argocd/root.yaml]\n  - repoURL: https://example.com/me/repo.git\n    \
         ref: values\n",
    );
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&json, "missing-finalizer"),
        [(
            "argocd/apps/loki.yaml".to_string(),
            "applications.loki.finalizers".to_string()
        )]
    );
    // --fix gives both their finalizer; the tree then lints clean.
    write(
        dir.path(),
        "argocd/root.yaml",
        &root_entry(
            "            - $values/argocd/root.yaml\n            - $values/argocd/apps/loki.yaml\n",
        ),
    );
    let r = run(dir.path(), &["lint", "--fix", "--format", "concise"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(read(dir.path(), "argocd/apps/loki.yaml").contains(CASCADE));
    assert!(read(dir.path(), "argocd/root.yaml").contains(CASCADE));
}
