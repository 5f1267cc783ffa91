//! ApplicationSet generated Applications in the graph, through the library: an app of apps
//! syncs an ApplicationSet, which generates one Application per directory (or element),
//! each syncing its own directory's child Applications.

use std::collections::BTreeMap;

use gitops_lint::graph::appset::NotExpandedReason;
use gitops_lint::graph::{build, nodes_of, Graph, Match, Repo, Step, Tree, UnresolvedReason};

const URL: &str = "https://github.com/org/gitops.git";

fn graph_of(tree: &BTreeMap<&str, String>) -> Graph {
    let files: Vec<String> = tree.keys().map(|k| k.to_string()).collect();
    let mut nodes = Vec::new();
    for (path, text) in tree {
        nodes.extend(nodes_of(
            path,
            &gitops_lint::yaml::parse(text, text).documents,
        ));
    }
    let remotes = vec!["git@github.com:org/gitops.git".to_string()];
    let read = |p: &str| tree.get(p).cloned();
    build(
        nodes,
        &Tree {
            files: &files,
            read: &read,
            kustomize: None,
        },
        &Repo {
            remotes: &remotes,
            configured: &[],
        },
    )
}

fn app(name: &str, path: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: {URL}\n    path: {path}\n  syncPolicy:\n    automated:\n      prune: true\n"
    )
}

fn appset(generators: &str, name: &str, path: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: teams\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n{generators}  template:\n    metadata:\n      name: '{name}'\n    spec:\n      project: default\n      source:\n        repoURL: {URL}\n        targetRevision: HEAD\n        path: '{path}'\n      destination:\n        server: https://kubernetes.default.svc\n"
    )
}

const DIRS: &str = "  - git:\n      repoURL: https://github.com/org/gitops.git\n      revision: HEAD\n      directories:\n      - path: teams/*\n";

fn tree() -> BTreeMap<&'static str, String> {
    let mut t = BTreeMap::new();
    t.insert("root.yaml", app("root", "appsets"));
    t.insert(
        "appsets/teams.yaml",
        appset(DIRS, "team-{{ .path.basename }}", "{{ .path.path }}"),
    );
    t.insert("teams/red/api.yaml", app("red-api", "services/api"));
    t.insert("teams/red/web.yaml", app("red-web", "services/web"));
    t.insert("teams/blue/db.yaml", app("blue-db", "services/db"));
    t.insert("services/api/deploy.yaml", "kind: Deployment\n".into());
    t.insert("services/web/deploy.yaml", "kind: Deployment\n".into());
    t.insert("services/db/deploy.yaml", "kind: Deployment\n".into());
    t
}

fn names(g: &Graph, ids: impl Iterator<Item = usize>) -> Vec<String> {
    let mut v: Vec<String> = ids.map(|i| g.nodes[i].name.clone()).collect();
    v.sort();
    v
}

#[test]
fn app_of_apps_to_applicationset_to_generated_to_children() {
    let g = graph_of(&tree());
    let root = g.find(None, "root").unwrap();
    let set = g.find(None, "teams").unwrap();
    assert_eq!(g.roots(), [root]);
    // root syncs the ApplicationSet's file: the ApplicationSet, not what it generates
    assert_eq!(names(&g, g.children(root).map(|e| e.child)), ["teams"]);
    let generated: Vec<_> = g.children(set).collect();
    assert!(generated.iter().all(|e| e.via == Match::Generator));
    assert_eq!(
        names(&g, generated.iter().map(|e| e.child)),
        ["team-blue", "team-red"]
    );
    let red = g.find(None, "team-red").unwrap();
    assert_eq!(
        names(&g, g.children(red).map(|e| e.child)),
        ["red-api", "red-web"]
    );
    assert!(g.children(red).all(|e| e.via == Match::Remote));
    let node = &g.nodes[red];
    assert_eq!(node.generated.map(|x| x.by), Some(set));
    assert_eq!(node.file, "appsets/teams.yaml");
    assert_eq!(node.namespace.as_deref(), Some("argocd"));
    // the walk from root reaches the grandchildren through the generated node
    let mut depths = Vec::new();
    g.walk(root, &mut |v| {
        assert_eq!(v.step, Step::Enter);
        depths.push((g.nodes[v.node].name.clone(), v.depth));
    });
    assert!(depths.contains(&("red-web".to_string(), 3)), "{depths:?}");
    assert!(depths.contains(&("blue-db".to_string(), 3)), "{depths:?}");
    assert!(g.unresolved.is_empty(), "{:?}", g.unresolved);
}

#[test]
fn removing_a_directory_removes_its_generated_application() {
    let mut t = tree();
    t.remove("teams/blue/db.yaml");
    let g = graph_of(&t);
    let set = g.find(None, "teams").unwrap();
    assert_eq!(names(&g, g.children(set).map(|e| e.child)), ["team-red"]);
    assert!(g.find(None, "team-blue").is_none());
}

#[test]
fn rendered_path_that_is_missing_is_unresolved_on_the_generated_node() {
    let mut t = tree();
    t.insert(
        "appsets/teams.yaml",
        appset(
            DIRS,
            "team-{{ .path.basename }}",
            "{{ .path.path }}/overlays",
        ),
    );
    let g = graph_of(&t);
    let mut missing: Vec<(String, UnresolvedReason)> = g
        .unresolved
        .iter()
        .map(|u| (g.nodes[u.node].name.clone(), u.reason.clone()))
        .collect();
    missing.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        missing,
        [
            ("team-blue".to_string(), UnresolvedReason::PathMissing),
            ("team-red".to_string(), UnresolvedReason::PathMissing),
        ]
    );
}

#[test]
fn matrix_generator_is_marked_and_its_template_resolved_as_before() {
    let mut t = tree();
    let matrix = "  - matrix:\n      generators:\n      - clusters: {}\n      - git:\n          repoURL: https://github.com/org/gitops.git\n          directories:\n          - path: teams/*\n";
    t.insert(
        "appsets/teams.yaml",
        appset(matrix, "{{ .name }}", "teams/red"),
    );
    let g = graph_of(&t);
    let set = g.find(None, "teams").unwrap();
    let spec = g.nodes[set].appset.as_ref().unwrap();
    assert_eq!(spec.not_expanded.len(), 1);
    assert_eq!(
        (
            spec.not_expanded[0].kind.as_str(),
            spec.not_expanded[0].reason
        ),
        ("matrix", NotExpandedReason::Unsupported)
    );
    assert!(g.nodes.iter().all(|n| n.generated.is_none()));
    // nothing generated: the literal template path is synced as an Application's would be
    let children: Vec<_> = g.children(set).collect();
    assert!(children.iter().all(|e| e.via == Match::Remote));
    assert_eq!(
        names(&g, children.iter().map(|e| e.child)),
        ["red-api", "red-web"]
    );
}

#[test]
fn list_generator_elements_and_an_unrenderable_name() {
    let mut t = tree();
    let list = "  - list:\n      elements:\n      - team: red\n      - team: blue\n";
    t.insert(
        "appsets/teams.yaml",
        appset(list, "{{ .team }}-{{ .missing }}", "teams/{{ .team }}"),
    );
    let g = graph_of(&t);
    let set = g.find(None, "teams").unwrap();
    let generated: Vec<usize> = g.children(set).map(|e| e.child).collect();
    // both elements leave the name unrendered: both kept, marked, with the template text
    assert_eq!(generated.len(), 2);
    for &id in &generated {
        let node = &g.nodes[id];
        assert_eq!(node.name, "{{ .team }}-{{ .missing }}");
        assert_eq!(node.generated.map(|x| x.name_rendered), Some(false));
    }
    // their paths still rendered: teams/red and teams/blue
    let mut children: Vec<String> = generated
        .iter()
        .flat_map(|&id| names(&g, g.children(id).map(|e| e.child)))
        .collect();
    children.sort();
    assert_eq!(children, ["blue-db", "red-api", "red-web"]);
}
