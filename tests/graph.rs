//! The Application graph over a small Kubefirst-like repository built in memory:
//! `registry` (path `registry/clusters/mgmt`, self-managed) → the `*-components`
//! Applications there → the component Applications under `components/<x>`.

use std::collections::BTreeMap;

use gitops_lint::graph::{
    build, nodes_of, remote_urls, AppKind, Cascade, Graph, Match, Repo, Step, Tree,
    UnresolvedReason,
};

fn app(name: &str, url: &str, path: &str, extra: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n{extra}spec:\n  project: default\n  source:\n    repoURL: {url}\n    path: {path}\n    targetRevision: HEAD\n  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n"
    )
}

/// DOMAIN §1.3, with `<CLUSTER_NAME>` detokenized and `<GITOPS_REPO_URL>` kept.
const REGISTRY: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: registry
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: '1001'
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
  source:
    repoURL: <GITOPS_REPO_URL>
    path: registry/clusters/mgmt
    targetRevision: HEAD
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=true
    retry:
      limit: 5
      backoff:
        duration: 5s
        maxDuration: 5m0s
        factor: 2
";

const FINALIZER: &str = "  finalizers:\n  - resources-finalizer.argocd.argoproj.io\n";
const REMOTE: &str = "https://github.com/kubefirst-user/gitops.git";

fn kubefirst_tree() -> BTreeMap<String, String> {
    let mgmt = "registry/clusters/mgmt";
    let mut t = BTreeMap::new();
    let mut put = |path: &str, text: String| t.insert(path.to_string(), text);
    put(
        ".git/config",
        "[remote \"origin\"]\n\turl = git@github.com:kubefirst-user/gitops.git\n".into(),
    );
    put(&format!("{mgmt}/registry.yaml"), REGISTRY.to_string());
    // Kubefirst's only `.yml` Applications were the ones missed by its finalizer fix.
    let missing = format!("{mgmt}/components/none");
    put(
        &format!("{mgmt}/reloader.yml"),
        app("reloader", REMOTE, &missing, ""),
    );
    put(
        &format!("{mgmt}/argo.yaml"),
        app(
            "argo-components",
            REMOTE,
            &format!("{mgmt}/components/argo"),
            FINALIZER,
        ),
    );
    put(
        &format!("{mgmt}/vault.yaml"),
        app(
            "vault-components",
            REMOTE,
            &format!("{mgmt}/components/vault"),
            "",
        ),
    );
    put(
        &format!("{mgmt}/components/argo/argo.yaml"),
        app(
            "argo",
            "https://argoproj.github.io/argo-helm",
            ".",
            FINALIZER,
        ),
    );
    put(
        &format!("{mgmt}/components/argo/wait.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w\n".into(),
    );
    put(
        &format!("{mgmt}/components/vault/application.yaml"),
        app("vault", "https://helm.releases.hashicorp.com", ".", ""),
    );
    // A README next to the manifests is not synced and defines nothing.
    put(
        &format!("{mgmt}/components/vault/README.md"),
        "# vault\n".into(),
    );
    t
}

fn graph_of(tree: &BTreeMap<String, String>) -> Graph {
    graph_configured(tree, &[])
}

fn graph_configured(tree: &BTreeMap<String, String>, configured: &[String]) -> Graph {
    let files: Vec<String> = tree
        .keys()
        .filter(|p| !p.starts_with(".git/"))
        .cloned()
        .collect();
    let mut nodes = Vec::new();
    for path in files
        .iter()
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml"))
    {
        let text = &tree[path];
        nodes.extend(nodes_of(
            path,
            &gitops_lint::yaml::parse(text, text).documents,
        ));
    }
    let remotes = remote_urls(tree.get(".git/config").map_or("", String::as_str));
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
            configured,
        },
    )
}

fn edges(g: &Graph) -> Vec<(String, String, Match)> {
    let name = |id: usize| g.nodes[id].name.clone();
    g.edges
        .iter()
        .map(|e| (name(e.parent), name(e.child), e.via))
        .collect()
}

fn edge(parent: &str, child: &str, via: Match) -> (String, String, Match) {
    (parent.to_string(), child.to_string(), via)
}

#[test]
fn kubefirst_registry_edges() {
    let g = graph_of(&kubefirst_tree());
    let mut got = edges(&g);
    got.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(
        got,
        [
            edge("argo-components", "argo", Match::Remote),
            edge("registry", "argo-components", Match::PlaceholderPathExists),
            edge("registry", "registry", Match::PlaceholderPathExists),
            edge("registry", "reloader", Match::PlaceholderPathExists),
            edge("registry", "vault-components", Match::PlaceholderPathExists),
            edge("vault-components", "vault", Match::Remote),
        ]
    );
    let registry = g.find(Some("argocd"), "registry").expect("registry node");
    assert_eq!(
        g.roots(),
        [registry],
        "self-managed registry is the only root"
    );
    assert_eq!(
        g.cycles(),
        [vec![registry]],
        "registry syncing its own file"
    );
    // reloader points at this repository (its remote) but at a path that does not exist.
    let unresolved: Vec<_> = g
        .unresolved
        .iter()
        .map(|u| (g.nodes[u.node].name.as_str(), &u.reason))
        .collect();
    assert_eq!(unresolved, [("reloader", &UnresolvedReason::PathMissing)]);
    let registry_node = &g.nodes[registry];
    assert_eq!(
        (registry_node.cascade, registry_node.prune),
        (Cascade::Yes, true)
    );
    let vault = g.find(None, "vault").expect("vault node");
    let node = &g.nodes[vault];
    assert_eq!(
        (node.kind, node.cascade, node.prune),
        (AppKind::Application, Cascade::No, true)
    );
    assert_eq!(
        node.file,
        "registry/clusters/mgmt/components/vault/application.yaml"
    );
    let argo = g
        .find(None, "argo-components")
        .expect("argo-components node");
    assert_eq!(g.nodes[argo].cascade, Cascade::Yes);
}

#[test]
fn kubefirst_walk_is_a_tree_from_registry() {
    let g = graph_of(&kubefirst_tree());
    let Some(root) = g.find(None, "registry") else {
        panic!("no registry")
    };
    let mut lines = Vec::new();
    g.walk(root, &mut |v| {
        let name = &g.nodes[v.node].name;
        lines.push(format!("{}{name} {:?}", "  ".repeat(v.depth), v.step));
    });
    assert_eq!(
        lines,
        [
            "registry Enter",
            "  argo-components Enter",
            "    argo Enter",
            "  registry Cycle",
            "  reloader Enter",
            "  vault-components Enter",
            "    vault Enter",
        ]
    );
}

#[test]
fn cycle_between_two_parents_is_reported_not_looped() {
    let mut tree = kubefirst_tree();
    // vault's component directory now also holds an Application syncing the mgmt
    // directory back: registry → vault-components → back → (registry, argo-…, vault-…).
    tree.insert(
        "registry/clusters/mgmt/components/vault/back.yaml".into(),
        app("back", REMOTE, "registry/clusters/mgmt", ""),
    );
    let g = graph_of(&tree);
    let id = |name: &str| g.find(None, name).expect(name);
    let (registry, vault_c, back) = (id("registry"), id("vault-components"), id("back"));
    let cycles = g.cycles();
    assert!(
        cycles.contains(&rotate(&[registry, vault_c, back])),
        "{cycles:?}"
    );
    let on_cycles: Vec<usize> = cycles.iter().flatten().copied().collect();
    for node in [registry, vault_c, back] {
        assert!(
            on_cycles.contains(&node),
            "{} on no cycle: {cycles:?}",
            g.nodes[node].name
        );
    }
    assert!(g.roots().is_empty(), "every node now has an outside parent");
    let mut cycles = 0;
    g.walk(registry, &mut |v| {
        cycles += usize::from(v.step == Step::Cycle)
    });
    assert!(cycles >= 2);
}

#[test]
fn configured_repository_without_git_config() {
    let mut tree = kubefirst_tree();
    tree.remove(".git/config");
    let g = graph_of(&tree);
    let mut got = edges(&g);
    got.retain(|e| e.0 != "registry");
    got.sort();
    // No remote, nothing configured: a Git URL whose path exists links, as a guess.
    assert_eq!(
        got,
        [
            edge("argo-components", "argo", Match::UnknownRepoPathExists),
            edge("vault-components", "vault", Match::UnknownRepoPathExists),
        ]
    );
    let configured = vec!["git@GitHub.com:kubefirst-user/gitops".to_string()];
    let g = graph_configured(&tree, &configured);
    let mut got = edges(&g);
    got.retain(|e| e.0 != "registry");
    got.sort();
    assert_eq!(
        got,
        [
            edge("argo-components", "argo", Match::Configured),
            edge("vault-components", "vault", Match::Configured),
        ]
    );
}

fn rotate(cycle: &[usize]) -> Vec<usize> {
    let min = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
    cycle[min..].iter().chain(&cycle[..min]).copied().collect()
}

#[test]
fn kustomize_parent_with_cycle_and_missing_path() {
    let mut tree = BTreeMap::new();
    tree.insert(
        "root.yaml".to_string(),
        app("root", REMOTE, "apps", "") + "---\n" + &app("gone", REMOTE, "nowhere", ""),
    );
    tree.insert(
        "apps/kustomization.yaml".into(),
        "resources:\n- one.yaml\n- loop\n".into(),
    );
    tree.insert(
        "apps/one.yaml".into(),
        app("one", "https://example.com/x", ".", ""),
    );
    tree.insert(
        "apps/loop/kustomization.yaml".into(),
        "resources:\n- ..\n- two.yaml\n".into(),
    );
    tree.insert(
        "apps/loop/two.yaml".into(),
        app("two", "https://example.com/x", ".", ""),
    );
    tree.insert(
        "apps/unlisted.yaml".into(),
        app("unlisted", "https://example.com/x", ".", ""),
    );
    tree.insert(
        ".git/config".into(),
        format!("[remote \"origin\"]\n  url = \"{REMOTE}\"\n"),
    );
    let g = graph_of(&tree);
    let mut got = edges(&g);
    got.sort();
    assert_eq!(
        got,
        [
            edge("root", "one", Match::Remote),
            edge("root", "two", Match::Remote)
        ]
    );
    let reasons: Vec<_> = g
        .unresolved
        .iter()
        .map(|u| (g.nodes[u.node].name.as_str(), &u.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("root", &UnresolvedReason::KustomizeCycle("apps".into())),
            ("gone", &UnresolvedReason::PathMissing),
        ]
    );
}
