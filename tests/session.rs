//! The library pipeline (`gitops_lint::session`): the repository facts the walk gathers
//! and the app graph built from them, over temporary repositories on disk.

mod common;

use common::write;
use gitops_lint::graph::{Graph, Match};
use gitops_lint::session::{self, ConfigChoice, Mode, Options, Run};
use std::path::Path;

fn options(dir: &Path, config: ConfigChoice) -> Options {
    Options {
        paths: vec![dir.to_path_buf()],
        config,
        exclude: Vec::new(),
        no_ignore: false,
        force_exclude: false,
        threads: 2,
        max_file_size: 1 << 20,
        mode: Mode::Check,
        unsafe_fixes: false,
        stdin: None,
        cwd: Some(dir.to_path_buf()),
        keep_node_texts: false,
        keep_graph: true,
        know_files: false,
        rules: Default::default(),
    }
}

fn run(dir: &Path) -> Run {
    session::run(&options(dir, ConfigChoice::Discover)).unwrap()
}

/// An Application (with the cascade finalizer: no finding) syncing `path` of `url`.
fn parent(name: &str, url: &str, path: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  \
         namespace: argocd\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n\
         spec:\n  project: default\n  source:\n    repoURL: {url}\n    path: {path}\n  \
         syncPolicy:\n    automated:\n      prune: true\n"
    )
}

/// The names of the children of the node named `name`, with how the source matched.
fn children(graph: &Graph, name: &str) -> Vec<(String, Match)> {
    let id = graph.find(Some("argocd"), name).expect("node");
    let mut out: Vec<(String, Match)> = graph
        .children(id)
        .map(|e| (graph.nodes[e.child].name.clone(), e.via))
        .collect();
    out.sort();
    out
}

fn git_remote(dir: &Path, url: &str) {
    write(
        dir,
        ".git/config",
        &format!("[remote \"origin\"]\n\turl = {url}\n"),
    );
}

#[test]
fn a_directory_source_of_this_repository_has_its_files_applications_as_children() {
    let dir = common::tempdir();
    let d = dir.path();
    git_remote(d, "git@github.com:org/gitops.git");
    write(
        d,
        "apps/root.yaml",
        &parent("root", "https://github.com/org/gitops", "children"),
    );
    write(d, "children/a.yaml", &common::good("a"));
    write(d, "children/b.yaml", &common::bad("b"));
    // Not recursive: a nested directory's Application is not a child.
    write(d, "children/nested/deep.yaml", &common::good("deep"));
    let run = run(d);
    let graph = &run.analysis.graph;
    assert_eq!(graph.nodes.len(), 4, "{:?}", graph.nodes);
    let b = graph.find(None, "b").expect("b");
    assert_eq!(graph.nodes[b].file, "children/b.yaml");
    let a = graph.find(None, "a").expect("a");
    let root = graph.find(Some("argocd"), "root").expect("root");
    let kids: Vec<usize> = graph.children(root).map(|e| e.child).collect();
    assert_eq!(kids, [a, b]);
    assert!(graph.children(root).all(|e| e.via == Match::Remote));
    // The report of `b` knows its repo-relative path.
    let report = run
        .reports
        .iter()
        .find(|r| r.path.ends_with("b.yaml"))
        .expect("b's finding");
    assert_eq!(run.repo_path(report), Some("children/b.yaml"));
    assert_eq!(run.root.as_deref(), Some(d));
}

#[test]
fn kustomize_resources_are_followed_from_the_texts_the_walk_read() {
    let dir = common::tempdir();
    let d = dir.path();
    git_remote(d, "https://github.com/org/gitops.git");
    let url = "https://github.com/org/gitops.git";
    write(
        d,
        "root.yaml",
        &format!(
            "{}---\n{}",
            parent("kust", url, "kust"),
            parent("bare", url, "bare")
        ),
    );
    write(
        d,
        "kust/kustomization.yaml",
        "resources:\n  - apps/one.yaml\n  - nested\n",
    );
    write(d, "kust/apps/one.yaml", &common::good("one"));
    write(d, "kust/apps/unlisted.yaml", &common::good("unlisted"));
    write(
        d,
        "kust/nested/kustomization.yml",
        "resources: [two.yaml]\n",
    );
    write(d, "kust/nested/two.yaml", &common::good("two"));
    // A `Kustomization` (no extension: not a linted name) is read once, after the walk.
    write(d, "bare/Kustomization", "resources:\n  - three.yaml\n");
    write(d, "bare/three.yaml", &common::good("three"));
    let run = run(d);
    let graph = &run.analysis.graph;
    let names = |v: Vec<(String, Match)>| v.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    assert_eq!(names(children(graph, "kust")), ["one", "two"]);
    assert_eq!(names(children(graph, "bare")), ["three"]);
}

#[test]
fn configured_repositories_count_as_this_repository() {
    let dir = common::tempdir();
    let d = dir.path();
    // A repository without remotes.
    std::fs::create_dir_all(d.join(".git")).unwrap();
    write(
        d,
        "root.yaml",
        &parent("root", "https://git.example.com/team/deploy.git", "apps"),
    );
    write(d, "apps/child.yaml", &common::good("child"));
    // Nothing tells this repository's URL: the source is taken as this repository, as a guess.
    let isolated = session::run(&options(d, ConfigChoice::Isolated)).unwrap();
    assert_eq!(
        children(&isolated.analysis.graph, "root"),
        [("child".to_string(), Match::UnknownRepoPathExists)]
    );
    write(
        d,
        ".gitops-lint.yaml",
        "repositories:\n  - git@git.example.com:team/deploy\n",
    );
    let configured = run(d);
    assert_eq!(
        children(&configured.analysis.graph, "root"),
        [("child".to_string(), Match::Configured)]
    );
}

#[test]
fn remotes_come_from_the_repository_roots_git_config() {
    let dir = common::tempdir();
    let d = dir.path();
    git_remote(d, "ssh://git@github.com/org/gitops.git");
    write(
        d,
        "clusters/root.yaml",
        &parent("root", "https://github.com/org/gitops", "apps"),
    );
    write(
        d,
        "clusters/other.yaml",
        &parent("other", "https://github.com/org/elsewhere", "apps"),
    );
    write(d, "apps/child.yaml", &common::good("child"));
    // Linting a subdirectory: the root is still the directory holding `.git`, and paths
    // are relative to it.
    let mut opts = options(d, ConfigChoice::Discover);
    opts.paths = vec![d.join("clusters"), d.join("apps")];
    let run = session::run(&opts).unwrap();
    assert_eq!(run.root.as_deref(), Some(d));
    let graph = &run.analysis.graph;
    assert_eq!(
        children(graph, "root"),
        [("child".to_string(), Match::Remote)]
    );
    assert_eq!(children(graph, "other"), []);
    let child = graph.find(None, "child").expect("child");
    assert_eq!(graph.nodes[child].file, "apps/child.yaml");
}

#[test]
fn files_outside_the_repository_take_no_part_in_the_graph() {
    let outer = common::tempdir();
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo, "app.yaml", &common::good("inside"));
    write(outer.path(), "stray/app.yaml", &common::bad("outside"));
    let mut opts = options(outer.path(), ConfigChoice::Isolated);
    opts.paths = vec![repo.clone(), outer.path().join("stray/app.yaml")];
    let run = session::run(&opts).unwrap();
    let graph = &run.analysis.graph;
    assert!(graph.find(None, "inside").is_some());
    assert!(graph.find(None, "outside").is_none());
    // Its finding is still reported, without a repo-relative path.
    assert_eq!(run.reports.len(), 1);
    assert_eq!(run.repo_path(&run.reports[0]), None);
}

#[test]
fn kustomize_patches_are_no_nodes() {
    let dir = common::tempdir();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".git")).unwrap();
    write(
        d,
        "base/kustomization.yaml",
        "resources: [app.yaml]\npatches:\n  - path: patch.yaml\n",
    );
    write(d, "base/app.yaml", &common::good("app"));
    write(d, "base/patch.yaml", &common::bad("app"));
    let run = run(d);
    let graph = &run.analysis.graph;
    assert_eq!(graph.nodes.len(), 1, "{:?}", graph.nodes);
    assert_eq!(graph.nodes[0].file, "base/app.yaml");
    // The patch is a fragment: no finding either.
    assert!(run.reports.is_empty(), "{:?}", run.reports);
}

#[test]
fn stdin_is_linted_and_fixed_without_a_walk() {
    let dir = common::repo_tempdir();
    let d = dir.path();
    let mut opts = options(d, ConfigChoice::Isolated);
    opts.paths.clear();
    opts.mode = Mode::Fix;
    opts.stdin = Some(session::Stdin {
        name: "apps/x.yaml".into(),
        bytes: common::bad("x").into_bytes(),
    });
    let run = session::run(&opts).unwrap();
    let fixed = String::from_utf8(run.stdin_output.clone().unwrap()).unwrap();
    assert!(
        fixed.contains("resources-finalizer.argocd.argoproj.io"),
        "{fixed}"
    );
    assert_eq!(run.fixed, (1, 1));
    assert!(run.reports.is_empty() && !run.failed && run.messages.is_empty());
    assert_eq!(run.summary.files_scanned, 1);
    assert!(run.analysis.graph.nodes.is_empty());
}

#[test]
fn walk_problems_are_messages_and_a_failure() {
    let dir = common::repo_tempdir();
    let d = dir.path();
    write(d, "big.yaml", &common::bad("big").repeat(40));
    write(d, "small.yaml", &common::bad("small"));
    let mut opts = options(d, ConfigChoice::Isolated);
    opts.max_file_size = 200;
    let run = session::run(&opts).unwrap();
    assert!(run.failed);
    assert_eq!(run.messages.len(), 1, "{:?}", run.messages);
    assert!(
        run.messages[0].starts_with("error: big.yaml: is ")
            && run.messages[0].ends_with("(--max-file-size)"),
        "{:?}",
        run.messages
    );
    assert_eq!(run.reports.len(), 1);
    // A configuration that does not load is an error of the run, not a message.
    write(d, ".gitops-lint.yaml", "exclude: nope\n");
    let err = session::run(&options(d, ConfigChoice::Discover)).unwrap_err();
    assert!(matches!(err, session::SessionError::Config(_)), "{err:?}");
}

/// The graph's tree lists only what it needs (node files, kustomizations, charts, and a
/// marker per directory of any other file): a source over plain manifests still exists,
/// a missing one is unresolved, a Helm chart's templates are its children; and a second
/// run over the same directory gives the same graph.
#[test]
fn the_tree_knows_directories_of_plain_files_and_helm_charts() {
    let dir = common::tempdir();
    let d = dir.path();
    const URL: &str = "https://github.com/org/gitops.git";
    git_remote(d, "git@github.com:org/gitops.git");
    write(d, "plain.yaml", &parent("plain", URL, "manifests/deep"));
    write(d, "missing.yaml", &parent("missing", URL, "nowhere"));
    write(d, "chart.yaml", &parent("chart", URL, "charts/apps"));
    write(
        d,
        "manifests/deep/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    );
    write(
        d,
        "charts/apps/Chart.yaml",
        "apiVersion: v2\nname: apps\nversion: 1.0.0\n",
    );
    write(d, "charts/apps/values.yaml", "replicas: 1\n");
    write(
        d,
        "charts/apps/templates/child.yaml",
        &common::good("templated-child"),
    );
    for _ in 0..2 {
        let run = run(d);
        let graph = &run.analysis.graph;
        let unresolved: Vec<&str> = graph
            .unresolved
            .iter()
            .map(|u| graph.nodes[u.node].name.as_str())
            .collect();
        assert_eq!(unresolved, ["missing"], "{:?}", graph.unresolved);
        assert!(children(graph, "plain").is_empty());
        assert_eq!(
            children(graph, "chart"),
            [("templated-child".to_string(), Match::Remote)]
        );
    }
}

/// An ApplicationSet's git file generator: its config files hold no Argo CD object (the
/// walk keeps nothing of them), yet their parameters name the generated Applications,
/// whose sources sync this repository's files.
#[test]
fn git_file_generator_files_are_read_for_their_parameters() {
    let dir = common::tempdir();
    let d = dir.path();
    const URL: &str = "https://github.com/org/gitops.git";
    git_remote(d, "git@github.com:org/gitops.git");
    write(
        d,
        "appset.yaml",
        &format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: clusters\n  \
             namespace: argocd\nspec:\n  generators:\n    - git:\n        repoURL: {URL}\n        \
             revision: HEAD\n        files:\n          - path: 'clusters/*/config.json'\n  \
             template:\n    metadata:\n      name: '{{{{cluster.name}}}}-apps'\n      namespace: argocd\n    \
             spec:\n      project: default\n      source:\n        repoURL: {URL}\n        \
             path: 'apps/{{{{cluster.name}}}}'\n      destination:\n        server: https://kubernetes.default.svc\n"
        ),
    );
    write(
        d,
        "clusters/east/config.json",
        "{\"cluster\": {\"name\": \"east\"}}\n",
    );
    write(
        d,
        "clusters/west/config.json",
        "{\"cluster\": {\"name\": \"west\"}}\n",
    );
    write(d, "apps/east/app.yaml", &common::good("east-app"));
    let run = run(d);
    let graph = &run.analysis.graph;
    let generated: Vec<&str> = graph
        .nodes
        .iter()
        .filter(|n| n.generated.is_some())
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(generated, ["east-apps", "west-apps"], "{:#?}", graph.nodes);
    assert_eq!(
        children(graph, "east-apps"),
        [("east-app".to_string(), Match::Remote)]
    );
}
