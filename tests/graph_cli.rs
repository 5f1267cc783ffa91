//! `gitops-lint graph` as a user runs it: on the Kubefirst-like fixture repository (built
//! as kubefirst-api builds a user's repository, with its `.git/config` remote) and on the
//! bundled example; every format, and bad input.

mod common;

use common::{materialize, parse_json, run};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const MGMT: &str = "registry/clusters/mgmt";

fn graph_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["graph", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    parse_json(&r)
}

fn nodes(doc: &Value) -> &Vec<Value> {
    doc["nodes"].as_array().expect("nodes")
}

fn id_of(doc: &Value, name: &str) -> u64 {
    nodes(doc)
        .iter()
        .find(|n| n["name"] == name)
        .and_then(|n| n["id"].as_u64())
        .unwrap_or_else(|| panic!("no node {name}"))
}

/// The names of `parent`'s children, and how each edge was taken.
fn children(doc: &Value, parent: u64) -> BTreeSet<(String, String)> {
    doc["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["parent"] == parent)
        .map(|e| {
            let child = e["child"].as_u64().expect("child") as usize;
            let name = nodes(doc)[child]["name"]
                .as_str()
                .expect("name")
                .to_string();
            (name, e["via"].as_str().expect("via").to_string())
        })
        .collect()
}

/// The Applications defined in files directly in `dir` (repo-relative), by the JSON nodes.
fn defined_in(doc: &Value, dir: &str) -> BTreeSet<String> {
    nodes(doc)
        .iter()
        .filter(|n| {
            let file = n["file"].as_str().unwrap_or("");
            file.rsplit_once('/').map(|(d, _)| d) == Some(dir) && n["generated_by"].is_null()
        })
        .map(|n| n["name"].as_str().expect("name").to_string())
        .collect()
}

#[test]
fn kubefirst_registry_then_components_then_their_applications() {
    let dir = materialize("kubefirst-gitops");
    let doc = graph_json(dir.path(), &[]);
    assert_eq!(doc["version"], 1);
    let registry = id_of(&doc, "registry");
    // registry syncs every Application file directly in its directory (itself included),
    // found through the `.git/config` remote.
    let expected: BTreeSet<(String, String)> = defined_in(&doc, MGMT)
        .into_iter()
        .map(|n| (n, "remote".to_string()))
        .collect();
    assert!(expected.len() > 20, "{expected:?}");
    assert_eq!(children(&doc, registry), expected);
    // Each `*-components` Application has the Applications of its components directory as
    // children; together they reach every component Application.
    let mut reached = BTreeSet::new();
    let mut components = 0;
    for n in nodes(&doc) {
        let name = n["name"].as_str().unwrap_or("");
        if !name.ends_with("-components") {
            continue;
        }
        components += 1;
        let id = n["id"].as_u64().expect("id");
        let path = n["sources"][0]["path"].as_str().unwrap_or("");
        let mut want = BTreeSet::new();
        for m in nodes(&doc) {
            let file = m["file"].as_str().unwrap_or("");
            if file.starts_with(&format!("{path}/")) && !file[path.len() + 1..].contains('/') {
                want.insert((
                    m["name"].as_str().unwrap_or("").to_string(),
                    "remote".into(),
                ));
            }
        }
        assert_eq!(children(&doc, id), want, "{name} syncs {path}");
        reached.extend(want.into_iter().map(|(n, _)| n));
    }
    assert!(components > 10, "{components}");
    let component_apps: BTreeSet<String> = nodes(&doc)
        .iter()
        .filter(|n| {
            let file = n["file"].as_str().unwrap_or("");
            file.starts_with(&format!("{MGMT}/components/")) && file.matches('/').count() == 5
        })
        .map(|n| n["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(!component_apps.is_empty());
    assert!(
        component_apps.is_subset(&reached),
        "not reached: {:?}",
        component_apps.difference(&reached).collect::<Vec<_>>()
    );
}

#[test]
fn kubefirst_text_tree_from_the_registry() {
    let dir = materialize("kubefirst-gitops");
    let r = run(dir.path(), &["graph", "--color", "never"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let line = |needle: &str| {
        r.stdout
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}:\n{}", r.stdout))
            .to_string()
    };
    // registry is a root (no tree prefix); its children one level in; theirs two levels in.
    assert!(line("argocd/registry  Application").starts_with("argocd/registry"));
    let level = |l: &str, depth: usize| {
        let mut rest = l;
        for _ in 1..depth {
            rest = rest
                .strip_prefix("│   ")
                .or_else(|| rest.strip_prefix("    "))
                .unwrap_or_else(|| panic!("not at depth {depth}: {l}"));
        }
        rest.starts_with("├── ") || rest.starts_with("└── ")
    };
    assert!(level(&line("argocd/vault-components  Application"), 1));
    assert!(level(
        &line(&format!("{MGMT}/components/vault/application.yaml")),
        2
    ));
    assert!(r
        .stdout
        .lines()
        .last()
        .unwrap_or("")
        .contains("Applications"));
    assert!(!r.stdout.contains('\x1b'), "no colour when asked for none");
}

#[test]
fn bundled_example_links_through_its_configuration() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = graph_json(root, &["fixtures/kubefirst-example"]);
    let registry = id_of(&doc, "registry");
    let want: BTreeSet<String> = defined_in(&doc, MGMT);
    let got: BTreeSet<String> = children(&doc, registry).into_iter().map(|c| c.0).collect();
    assert_eq!(got, want);
    // The example's `.gitops-lint.yaml` names its URL: its directory is the repository
    // root and its sources are this repository by configuration.
    assert!(children(&doc, registry).iter().all(|c| c.1 == "configured"));
    let apps = id_of(&doc, "apps");
    let names: Vec<String> = children(&doc, apps).into_iter().map(|c| c.0).collect();
    assert_eq!(names, ["guestbook", "podinfo"]);
    // Isolated (the configuration ignored), the example is a directory of gitops-lint's
    // own checkout: its paths do not resolve from that root, nothing links.
    let isolated = graph_json(root, &["--isolated", "fixtures/kubefirst-example"]);
    assert!(isolated["edges"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn mermaid_of_the_bundled_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = run(
        root,
        &["graph", "--format", "mermaid", "fixtures/kubefirst-example"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    insta::assert_snapshot!("bundled_example_mermaid", r.stdout);
}

#[test]
fn dot_of_the_kubefirst_repository_is_accepted_by_graphviz() {
    let dir = materialize("kubefirst-gitops");
    let r = run(dir.path(), &["graph", "--format", "dot"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.starts_with("digraph"), "{}", r.stdout);
    let Ok(mut child) = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(r.stdout.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("dot runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_input_is_an_error_with_exit_2() {
    let dir = common::repo_tempdir();
    let r = run(dir.path(), &["graph", "missing-dir"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("missing-dir"), "{}", r.stderr);
    let r = run(dir.path(), &["graph", "-"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("stdin"), "{}", r.stderr);
    let r = run(dir.path(), &["graph", "--format", "svg"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    // A bad configuration is reported at its key.
    common::write(dir.path(), ".gitops-lint.yaml", "repositories: 3\n");
    let r = run(dir.path(), &["graph"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("repositories"), "{}", r.stderr);
}

#[test]
fn an_empty_repository_has_an_empty_graph() {
    let dir = common::repo_tempdir();
    // No file at all: the empty graph, and the "no files" exit code (as `lint` has).
    let r = run(dir.path(), &["graph", "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    let doc = parse_json(&r);
    assert!(doc["nodes"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(doc["summary"]["applications"], 0);
    // Files, none of them an Application: the empty graph, exit 0.
    std::fs::write(dir.path().join("cm.yaml"), "kind: ConfigMap\n").unwrap();
    let doc = graph_json(dir.path(), &[]);
    assert!(doc["nodes"].as_array().is_some_and(Vec::is_empty));
}

/// The Kubefirst bug report's state (v2.3.8): linted as a user would, every
/// `missing-finalizer` on an Application bound to `registry` (a file directly in
/// registry/clusters/mgmt/) names `registry` with the registry's file as a related
/// location; and with the registry's prune turned off, `unpruned-children` is reported
/// on registry.yaml.
#[test]
fn kubefirst_v2_3_8_findings_name_the_registry() {
    let dir = materialize("kubefirst-gitops-v2.3.8");
    let lint = |dir: &Path| {
        let r = run(dir, &["lint", "--format", "json", "."]);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        parse_json(&r)
    };
    let doc = lint(dir.path());
    let in_mgmt = |d: &&Value| {
        let path = d["path"].as_str().unwrap_or("");
        path.rsplit_once('/').map(|(dir, _)| dir) == Some(MGMT) && !path.ends_with("/registry.yaml")
    };
    let diagnostics: Vec<&Value> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "missing-finalizer")
        .filter(in_mgmt)
        .collect();
    assert!(diagnostics.len() > 10, "{}", diagnostics.len());
    for d in &diagnostics {
        let message = d["message"].as_str().unwrap_or("");
        assert!(
            message.contains("bound to `registry` (registry/clusters/mgmt/registry.yaml:"),
            "{message}"
        );
        let related = d["related"].as_array().expect("related");
        assert_eq!(related.len(), 1, "{d}");
        assert_eq!(related[0]["path"], format!("{MGMT}/registry.yaml"));
    }
    // The registry's prune off: removing a child's file would never delete the child.
    let registry = dir.path().join(MGMT).join("registry.yaml");
    let text = std::fs::read_to_string(&registry).expect("registry.yaml");
    assert!(text.contains("prune: true"), "{text}");
    std::fs::write(&registry, text.replacen("prune: true", "prune: false", 1)).expect("write");
    let doc = lint(dir.path());
    let unpruned: Vec<String> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "unpruned-children")
        .map(|d| d["path"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(unpruned, [format!("{MGMT}/registry.yaml")]);
}
