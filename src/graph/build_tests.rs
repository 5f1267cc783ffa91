use super::*;
use crate::graph::{AppKind, Cascade, SourceKind};

fn nodes(file: &str, text: &str) -> Vec<Node> {
    nodes_of(file, &crate::yaml::parse(text, text).documents)
}

fn app(extra_meta: &str, spec: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n{extra_meta}spec:\n{spec}"
    )
}

#[test]
fn cascade_table() {
    let cases: &[(&str, Cascade)] = &[
        ("", Cascade::No),
        ("  finalizers: []\n", Cascade::No),
        ("  finalizers:\n", Cascade::No),
        (
            "  finalizers:\n  - resources-finalizer.argocd.argoproj.io\n",
            Cascade::Yes,
        ),
        (
            "  finalizers: [resources-finalizer.argocd.argoproj.io/background]\n",
            Cascade::Yes,
        ),
        ("  finalizers:\n  - foo.example.com/x\n", Cascade::No),
        ("  finalizers: \"{{ .Values.f }}\"\n", Cascade::Unknown),
        ("  finalizers:\n  - \"{{ .Values.f }}\"\n", Cascade::Unknown),
    ];
    for (meta, want) in cases {
        let got = nodes("a.yaml", &app(meta, "  project: default\n"));
        assert_eq!(got.len(), 1, "{meta}");
        assert_eq!(got[0].cascade, *want, "{meta}");
    }
}

#[test]
fn prune_table() {
    let cases: &[(&str, bool)] = &[
        ("  project: default\n", false),
        ("  syncPolicy:\n    automated: {}\n", false),
        ("  syncPolicy:\n    automated:\n      prune: true\n", true),
        ("  syncPolicy:\n    automated:\n      prune: \"true\"\n", false),
        ("  syncPolicy:\n    automated:\n      prune: false\n", false),
        ("  syncPolicy:\n    automated:\n      prune: true\n      enabled: false\n", false),
        ("  syncPolicy:\n    automated:\n      prune: true\n      enabled: true\n", true),
        (
            "  syncPolicy:\n    automated:\n      prune: true\n    syncOptions:\n    - Prune=false\n",
            false,
        ),
        (
            "  syncPolicy:\n    automated:\n      prune: true\n    syncOptions: [CreateNamespace=true]\n",
            true,
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(nodes("a.yaml", &app("", spec))[0].prune, *want, "{spec}");
    }
}

#[test]
fn sources_and_identity() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: multi\n  namespace: argocd\nspec:\n  source:\n    repoURL: r1\n    path: p1\n    directory:\n      recurse: true\n      include: '*.yaml'\n      exclude: x.yaml\n  sources:\n  - repoURL: r2\n    chart: c\n    path: ignored\n  - repoURL: r3\n    path: p3\n    helm: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-an-app\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {}\n";
    let got = nodes("m.yaml", text);
    assert_eq!(got.len(), 1);
    let n = &got[0];
    assert_eq!(
        (n.namespace.as_deref(), n.name.as_str(), n.document),
        (Some("argocd"), "multi", 0)
    );
    assert_eq!(n.sources.len(), 3);
    let s = &n.sources[0];
    assert_eq!(
        (s.repo_url.as_str(), s.path.as_deref(), s.recurse),
        ("r1", Some("p1"), true)
    );
    assert_eq!(
        (s.include.as_deref(), s.exclude.as_deref()),
        (Some("*.yaml"), Some("x.yaml"))
    );
    assert_eq!(s.explicit, Some(SourceKind::Directory));
    assert_eq!(n.sources[1].path, None);
    assert_eq!(n.sources[2].explicit, Some(SourceKind::Helm));
}

#[test]
fn application_set_template_sources() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: set\nspec:\n  template:\n    spec:\n      source:\n        repoURL: r\n        path: apps\n      syncPolicy:\n        automated:\n          prune: true\n";
    let n = &nodes("s.yaml", text)[0];
    assert_eq!(
        (n.kind, n.cascade, n.prune),
        (AppKind::ApplicationSet, Cascade::Yes, true)
    );
    assert_eq!(n.sources[0].path.as_deref(), Some("apps"));
}

fn parent(url: &str, path: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: parent\nspec:\n  source:\n    repoURL: '{url}'\n    path: {path}\n"
    )
}

fn child_doc(name: &str) -> String {
    format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n")
}

fn graph_for(url: &str, path: &str, remotes: &[String]) -> Graph {
    let mut all = nodes("root.yaml", &parent(url, path));
    all.extend(nodes("apps/c.yaml", &child_doc("c")));
    let files = vec!["apps/c.yaml".to_string(), "root.yaml".to_string()];
    let read = |_: &str| None;
    let tree = Tree {
        files: &files,
        read: &read,
        kustomize: None,
    };
    build(
        all,
        &tree,
        &Repo {
            remotes,
            configured: &[],
        },
    )
}

#[test]
fn placeholder_falls_back_to_path_exists() {
    let remotes = vec!["git@github.com:org/gitops.git".to_string()];
    let cases: &[(&str, &str, Option<Match>, usize)] = &[
        (
            "https://github.com/org/gitops.git",
            "apps",
            Some(Match::Remote),
            0,
        ),
        (
            "<GITOPS_REPO_URL>",
            "apps",
            Some(Match::PlaceholderPathExists),
            0,
        ),
        (
            "{{ .Values.repoURL }}",
            "apps",
            Some(Match::PlaceholderPathExists),
            0,
        ),
        ("", "apps", Some(Match::PlaceholderPathExists), 0),
        // placeholder with a path not in the tree: another repository, nothing reported
        ("<GITOPS_REPO_URL>", "elsewhere", None, 0),
        // this repository with a missing path: reported
        ("https://github.com/org/gitops", "elsewhere", None, 1),
        ("https://github.com/org/gitops", "'{{path}}'", None, 0),
        ("https://github.com/other/repo", "apps", None, 0),
    ];
    // Without remotes, a Git URL whose path exists counts (said so); a missing path is not
    // reported (it may be another repository's).
    let g = graph_for("https://github.com/org/gitops", "apps", &[]);
    let via: Vec<Match> = g.children(0).map(|e| e.via).collect();
    assert_eq!(via, [Match::UnknownRepoPathExists]);
    let g = graph_for("https://github.com/org/gitops", "elsewhere", &[]);
    assert!(g.unresolved.is_empty() && g.edges.is_empty());
    for (url, path, via, unresolved) in cases {
        let g = graph_for(url, path, &remotes);
        let got: Vec<Match> = g.children(0).map(|e| e.via).collect();
        assert_eq!(got, via.iter().copied().collect::<Vec<_>>(), "{url} {path}");
        assert_eq!(g.unresolved.len(), *unresolved, "{url} {path}");
        if via.is_some() {
            assert_eq!(g.parents(1).map(|e| e.parent).collect::<Vec<_>>(), [0]);
        }
    }
}

#[test]
fn cascade_near_miss_is_not_cascade() {
    let meta = "  finalizers:\n  - resources-finalizer.argocd.argoproj.io/Foreground\n";
    assert_eq!(
        nodes("a.yaml", &app(meta, "  project: p\n"))[0].cascade,
        Cascade::No
    );
}

#[test]
fn application_set_generated_cascade_table() {
    let cases: &[(&str, &str, Cascade)] = &[
        ("", "", Cascade::Yes),
        (
            "",
            "  syncPolicy:\n    preserveResourcesOnDeletion: true\n",
            Cascade::No,
        ),
        ("      finalizers: []\n", "", Cascade::Yes),
        ("      finalizers: [x.example.com/y]\n", "", Cascade::No),
        (
            "      finalizers: [resources-finalizer.argocd.argoproj.io]\n",
            "  syncPolicy:\n    preserveResourcesOnDeletion: true\n",
            Cascade::Yes,
        ),
        ("", "  templatePatch: |\n    x: y\n", Cascade::Unknown),
    ];
    for (template_meta, spec_extra, want) in cases {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n{spec_extra}  template:\n    metadata:\n      name: x\n{template_meta}    spec:\n      project: p\n"
        );
        assert_eq!(
            nodes("s.yaml", &text)[0].cascade,
            *want,
            "{template_meta} {spec_extra}"
        );
    }
}

#[test]
fn child_prune_false_annotation() {
    let cases: &[(&str, bool)] = &[
        ("", false),
        (
            "  annotations:\n    argocd.argoproj.io/sync-options: Prune=false\n",
            true,
        ),
        (
            "  annotations:\n    argocd.argoproj.io/sync-options: Delete=false,Prune=false\n",
            true,
        ),
        (
            "  annotations:\n    argocd.argoproj.io/sync-options: Delete=false\n",
            false,
        ),
    ];
    for (meta, want) in cases {
        assert_eq!(
            nodes("a.yaml", &app(meta, "  project: p\n"))[0].keeps_on_prune,
            *want,
            "{meta}"
        );
    }
}

#[test]
fn argocd_install_manifests() {
    use super::is_argocd_manifests;
    for yes in [
        "github.com:argoproj/argo-cd//manifests/ha/cluster-install?ref=v2.10.5",
        "https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.13.0",
        "https://raw.githubusercontent.com/argoproj/argo-cd/v2.13.0/manifests/install.yaml",
    ] {
        assert!(is_argocd_manifests(yes), "{yes}");
    }
    for no in [
        "github.com/argoproj/argo-rollouts//manifests/install.yaml",
        "https://github.com/argoproj/argo-cd/docs/index.md",
        "../base",
    ] {
        assert!(!is_argocd_manifests(no), "{no}");
    }
}

#[test]
fn nodes_know_when_they_deploy_argocd() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: argocd\nspec:\n  source:\n    repoURL: https://github.com/argoproj/argo-cd.git\n    path: manifests/ha\n  destination:\n    namespace: argocd\n";
    let docs = crate::yaml::parse(text, text).documents;
    let node = &nodes_of("a.yaml", &docs)[0];
    assert!(node.installs_argocd);
    assert_eq!(&text[node.name_span.clone()], "argocd");
    assert_eq!(node.destination_namespace.as_deref(), Some("argocd"));
    // Into another namespace than its own (`argocd` when not written): not itself.
    let other = text.replace("    namespace: argocd", "    namespace: tenant");
    let docs = crate::yaml::parse(&other, &other).documents;
    assert!(!nodes_of("a.yaml", &docs)[0].installs_argocd);
}

#[test]
fn names_are_placed_as_a_line_index_places_them() {
    let texts = [
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec: {}\n",
        "\u{feff}metadata: {name: bom}\r\nkind: Application\r\n---\r\nmetadata:\r\n  name: crlf\r\n",
        "# héllo wörld\nmetadata:\n  name: 名前\n---\nmetadata: {name: zweite}\n",
    ];
    for text in texts {
        let lines = crate::source::LineIndex::new(text);
        // A node at every character offset, in reverse order.
        let offsets: Vec<usize> = (0..=text.len())
            .rev()
            .filter(|&o| text.is_char_boundary(o))
            .collect();
        let mut nodes: Vec<Node> = offsets
            .iter()
            .map(|&o| Node {
                name_span: o..o,
                ..Node::default()
            })
            .collect();
        place_names(&mut nodes, text);
        for (node, &o) in nodes.iter().zip(&offsets) {
            let want = crate::graph::model::TextPlace::of(text, &lines, o);
            assert_eq!(node.name_place.as_ref(), Some(&want), "{text:?} at {o}");
        }
    }
}
