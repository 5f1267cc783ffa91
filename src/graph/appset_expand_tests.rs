use super::*;
use crate::graph::build::nodes_of;

fn setup(files: &[(&str, &str)]) -> (Vec<Node>, Vec<String>) {
    let mut nodes = Vec::new();
    for (path, text) in files {
        nodes.extend(nodes_of(path, &crate::yaml::parse(text, text).documents));
    }
    let mut names: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
    names.sort();
    (nodes, names)
}

fn run(files: &[(&str, &str)], remotes: &[String]) -> (Vec<Node>, Vec<Edge>) {
    let (mut nodes, names) = setup(files);
    let texts: std::collections::HashMap<String, String> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let read = move |p: &str| texts.get(p).cloned();
    let tree = Tree {
        files: &names,
        read: &read,
        kustomize: None,
    };
    let repo = Repo {
        remotes,
        configured: &[],
    };
    let edges = expand(&mut nodes, &tree, &repo);
    (nodes, edges)
}

fn set(generators: &str, name: &str, path: &str, go: bool) -> String {
    let go = if go { "  goTemplate: true\n" } else { "" };
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: set\n  namespace: argocd\nspec:\n{go}  generators:\n{generators}  template:\n    metadata:\n      name: '{name}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/org/gitops.git\n        path: '{path}'\n"
    )
}

const APP: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\n";

fn remotes() -> Vec<String> {
    vec!["git@github.com:org/gitops.git".to_string()]
}

fn generated_names(nodes: &[Node]) -> Vec<(String, bool)> {
    nodes
        .iter()
        .filter_map(|n| Some((n.name.clone(), n.generated?.name_rendered)))
        .collect()
}

#[test]
fn git_directories_generate_one_application_per_directory() {
    let dirs = "  - git:\n      repoURL: https://github.com/org/gitops.git\n      revision: HEAD\n      directories:\n      - path: apps/*\n      - path: apps/skip\n        exclude: true\n";
    let text = set(dirs, "{{path.basename}}-app", "{{path}}", false);
    let files = [
        ("set.yaml", text.as_str()),
        ("apps/a/deploy.yaml", APP),
        ("apps/b/deploy.yaml", APP),
        ("apps/skip/deploy.yaml", APP),
    ];
    let (nodes, edges) = run(&files, &remotes());
    assert_eq!(
        generated_names(&nodes),
        [("a-app".to_string(), true), ("b-app".to_string(), true)]
    );
    let set_id = nodes.iter().position(|n| n.name == "set").unwrap();
    assert!(edges
        .iter()
        .all(|e| e.parent == set_id && e.via == Match::Generator && e.source == 0));
    assert_eq!(edges.len(), 2);
    let a = nodes.iter().find(|n| n.name == "a-app").unwrap();
    assert_eq!(a.kind, AppKind::Application);
    assert_eq!(a.sources[0].path.as_deref(), Some("apps/a"));
    assert_eq!(
        (a.file.as_str(), a.namespace.as_deref()),
        ("set.yaml", Some("argocd"))
    );
    assert_eq!(a.generated.map(|g| g.by), Some(set_id));
    assert!(nodes[set_id]
        .appset
        .as_ref()
        .unwrap()
        .not_expanded
        .is_empty());
}

#[test]
fn list_generator_with_go_template() {
    let list = "  - list:\n      elements:\n      - cluster: prod\n        url: https://prod\n      - cluster: dev\n        url: https://dev\n";
    let text = set(
        list,
        "guestbook-{{ .cluster }}",
        "guestbook/{{ .cluster }}",
        true,
    );
    let (nodes, edges) = run(&[("set.yaml", text.as_str())], &remotes());
    assert_eq!(
        generated_names(&nodes),
        [
            ("guestbook-prod".to_string(), true),
            ("guestbook-dev".to_string(), true)
        ]
    );
    assert_eq!(edges.len(), 2);
    let dev = nodes.iter().find(|n| n.name == "guestbook-dev").unwrap();
    assert_eq!(dev.sources[0].path.as_deref(), Some("guestbook/dev"));
}

#[test]
fn unrenderable_name_keeps_the_template_text() {
    let list = "  - list:\n      elements:\n      - cluster: prod\n";
    let text = set(list, "{{ .cluster | title }}", "x", true);
    let (nodes, _) = run(&[("set.yaml", text.as_str())], &remotes());
    assert_eq!(
        generated_names(&nodes),
        [("{{ .cluster | title }}".to_string(), false)]
    );
}

#[test]
fn git_files_generator_reads_the_parameters() {
    let gen = "  - git:\n      repoURL: https://github.com/org/gitops.git\n      revision: HEAD\n      files:\n      - path: clusters/**/config.json\n";
    let text = set(
        gen,
        "{{cluster.name}}-{{path.basename}}",
        "apps/{{cluster.name}}",
        false,
    );
    let files = [
        ("set.yaml", text.as_str()),
        (
            "clusters/eu/config.json",
            r#"{"cluster": {"name": "prod"}}"#,
        ),
        (
            "clusters/us/east/config.json",
            r#"{"cluster": {"name": "dev"}}"#,
        ),
        ("clusters/us/other.json", r#"{"cluster": {"name": "no"}}"#),
    ];
    let (nodes, edges) = run(&files, &remotes());
    assert_eq!(
        generated_names(&nodes),
        [
            ("prod-eu".to_string(), true),
            ("dev-east".to_string(), true)
        ]
    );
    assert_eq!(edges.len(), 2);
}

#[test]
fn matrix_and_other_repositories_are_not_expanded() {
    let gens = "  - matrix:\n      generators:\n      - clusters: {}\n      - list:\n          elements: [{a: b}]\n  - git:\n      repoURL: https://github.com/other/repo.git\n      directories:\n      - path: apps/*\n  - clusters: {}\n";
    let text = set(gens, "{{name}}", "apps", false);
    let files = [("set.yaml", text.as_str()), ("apps/a/x.yaml", APP)];
    let (nodes, edges) = run(&files, &remotes());
    assert!(edges.is_empty());
    assert!(generated_names(&nodes).is_empty());
    let spec = nodes[0].appset.as_ref().unwrap();
    let got: Vec<(usize, &str, NotExpandedReason)> = spec
        .not_expanded
        .iter()
        .map(|n| (n.generator, n.kind.as_str(), n.reason))
        .collect();
    assert_eq!(
        got,
        [
            (0, "matrix", NotExpandedReason::Unsupported),
            (1, "git", NotExpandedReason::OtherRepository),
            (2, "clusters", NotExpandedReason::Unsupported),
        ]
    );
}

#[test]
fn placeholder_repo_url_counts_when_the_patterns_match() {
    let gen = |path: &str| {
        format!("  - git:\n      repoURL: <GITOPS_REPO_URL>\n      directories:\n      - path: {path}\n")
    };
    let hit = set(&gen("apps/*"), "{{path.basename}}", "{{path}}", false);
    let files = [("set.yaml", hit.as_str()), ("apps/a/x.yaml", APP)];
    let (nodes, _) = run(&files, &[]);
    assert_eq!(generated_names(&nodes), [("a".to_string(), true)]);
    let miss = set(&gen("nowhere/*"), "{{path.basename}}", "{{path}}", false);
    let files = [("set.yaml", miss.as_str()), ("apps/a/x.yaml", APP)];
    let (nodes, _) = run(&files, &[]);
    assert!(generated_names(&nodes).is_empty());
    let reason = nodes[0].appset.as_ref().unwrap().not_expanded[0].reason;
    assert_eq!(reason, NotExpandedReason::OtherRepository);
}

#[test]
fn duplicate_names_are_generated_once() {
    let list = "  - list:\n      elements:\n      - a: x\n      - a: x\n";
    let text = set(list, "{{a}}", "p", false);
    let (nodes, edges) = run(&[("set.yaml", text.as_str())], &remotes());
    assert_eq!(generated_names(&nodes), [("x".to_string(), true)]);
    assert_eq!(edges.len(), 1);
}

#[test]
fn generation_is_capped_and_marked() {
    let elements: String = (0..MAX_GENERATED + 5)
        .map(|i| format!("      - a: n{i}\n"))
        .collect();
    let list = format!("  - list:\n      elements:\n{elements}");
    let text = set(&list, "{{a}}", "p", false);
    let (nodes, edges) = run(&[("set.yaml", text.as_str())], &remotes());
    assert_eq!(edges.len(), MAX_GENERATED);
    let spec = nodes[0].appset.as_ref().unwrap();
    assert_eq!(spec.not_expanded.len(), 1);
    assert_eq!(spec.not_expanded[0].reason, NotExpandedReason::TooMany);
}

#[test]
fn git_path_param_prefix_and_values() {
    let dirs = "  - git:\n      repoURL: https://github.com/org/gitops.git\n      pathParamPrefix: app\n      values:\n        team: 'team-{{app.path.basename}}'\n      directories:\n      - path: apps/*\n";
    let text = set(dirs, "{{values.team}}", "{{app.path}}", false);
    let files = [("set.yaml", text.as_str()), ("apps/a/deploy.yaml", APP)];
    let (nodes, _) = run(&files, &remotes());
    assert_eq!(generated_names(&nodes), [("team-a".to_string(), true)]);
    let a = nodes.iter().find(|n| n.name == "team-a").unwrap();
    assert_eq!(a.sources[0].path.as_deref(), Some("apps/a"));
    // go templates: the same keys, dotted
    let go = set(
        dirs.replace("{{app.path.basename}}", "{{ .app.path.basename }}")
            .as_str(),
        "{{ .values.team }}",
        "{{ .app.path.path }}",
        true,
    );
    let files = [("set.yaml", go.as_str()), ("apps/a/deploy.yaml", APP)];
    let (nodes, _) = run(&files, &remotes());
    assert_eq!(generated_names(&nodes), [("team-a".to_string(), true)]);
}
