//! The graph-aware findings over small repositories built in memory: `missing-finalizer`
//! naming its parents, `unpruned-children`, `cascade-deletes-argocd`, `multiple-parents`;
//! the same findings whether settled in the walk (`Resolved`) or after it (`Deferred` then
//! `rules::graph::finish`); their fixes, suppressions, and nothing graph-dependent
//! without a graph.

use std::collections::BTreeMap;
use std::sync::Arc;

use gitops_lint::diagnostic::{Applicability, Diagnostic};
use gitops_lint::fix::apply::fix_text;
use gitops_lint::graph::context::Analysis;
use gitops_lint::graph::{build, nodes_of, remote_urls, Repo, Tree};
use gitops_lint::kustomize::Kustomize;
use gitops_lint::lint::{lint_text, FileOptions, GraphMode};
use gitops_lint::rules::graph::finish;

const REMOTE: &str = "https://github.com/kubefirst-user/gitops.git";
const CASCADE: &str = "  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n";

/// An Application `name` syncing `path` of this repository; `meta` goes in `metadata`,
/// `policy` is its `syncPolicy` block (empty: none).
fn app(name: &str, path: &str, meta: &str, policy: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n{meta}spec:\n  project: default\n  source:\n    repoURL: {REMOTE}\n    path: {path}\n    targetRevision: HEAD\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n{policy}"
    )
}

const PRUNES: &str = "  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n";
const NO_PRUNE: &str = "  syncPolicy:\n    automated:\n      selfHeal: true\n";

struct Repository {
    files: BTreeMap<String, String>,
}

impl Repository {
    fn new(files: &[(&str, String)]) -> Repository {
        let mut map: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.clone()))
            .collect();
        map.insert(
            ".git/config".into(),
            "[remote \"origin\"]\n\turl = git@github.com:kubefirst-user/gitops.git\n".into(),
        );
        Repository { files: map }
    }

    fn analysis(&self) -> Analysis {
        let files: Vec<String> = self
            .files
            .keys()
            .filter(|p| !p.starts_with(".git/"))
            .cloned()
            .collect();
        let mut nodes = Vec::new();
        for path in files.iter().filter(|p| p.ends_with(".yaml")) {
            let text = &self.files[path];
            let docs = gitops_lint::yaml::parse(text, text).documents;
            nodes.extend(nodes_of(path, &docs));
        }
        let remotes = remote_urls(&self.files[".git/config"]);
        let read = |p: &str| self.files.get(p).cloned();
        let tree = Tree {
            files: &files,
            read: &read,
            kustomize: None,
        };
        let repo = Repo {
            remotes: &remotes,
            configured: &[],
        };
        let graph = build(nodes, &tree, &repo);
        let kustomizations: BTreeMap<&str, Kustomize> = self
            .files
            .iter()
            .map(|(p, t)| (p.as_str(), Kustomize::of(t)))
            .collect();
        Analysis::new(
            graph,
            &|p: &str| self.files.get(p).map(|t| Arc::from(t.as_str())),
            &|p: &str| kustomizations.get(p),
        )
    }

    fn text(&self, path: &str) -> &str {
        &self.files[path]
    }
}

/// The findings of `path` linted with its graph facts, after checking that the pipeline's
/// way gives the very same: linted in the walk (Deferred) then settled by `finish`, or —
/// for a file the graph names for a second look — linted again with its facts.
fn lint(repo: &Repository, analysis: &Analysis, path: &str) -> Vec<Diagnostic> {
    let text = repo.text(path);
    let resolved = lint_text(
        path,
        text,
        FileOptions {
            graph: GraphMode::Resolved(analysis.file(path)),
            ..FileOptions::default()
        },
    );
    let deferred = walk_then_finish(analysis, path, text, FileOptions::default());
    assert_eq!(
        view(&resolved),
        view(&deferred),
        "{path}: walk+finish differs"
    );
    assert!(resolved.iter().all(|d| d.pending.is_none()));
    resolved
}

/// `path` as the pipeline settles it: linted in the walk (Deferred), then `finish`ed; a
/// file the graph names for a second look is linted again with its facts instead.
fn walk_then_finish(
    analysis: &Analysis,
    path: &str,
    text: &str,
    options: FileOptions,
) -> Vec<Diagnostic> {
    if analysis.second_looks().any(|f| f == path) {
        let options = FileOptions {
            graph: GraphMode::Resolved(analysis.file(path)),
            ..options
        };
        return lint_text(path, text, options);
    }
    let options = FileOptions {
        graph: GraphMode::Deferred,
        ..options
    };
    let mut deferred = lint_text(path, text, options);
    finish(analysis, path, &mut deferred);
    deferred
}

/// What two ways of settling must agree on.
fn view(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let fix = d.fix.as_ref().map(|f| (f.applicability, f.edits.clone()));
            format!(
                "{} {:?} {:?} {} | {} | {:?} | {:?} {:?}",
                d.rule, d.severity, d.span, d.message, d.label, d.help, d.related, fix
            )
        })
        .collect()
}

fn no_graph(path: &str, text: &str) -> Vec<Diagnostic> {
    lint_text(path, text, FileOptions::default())
}

fn of<'d>(diags: &'d [Diagnostic], rule: &str) -> Vec<&'d Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

const MGMT: &str = "registry/clusters/mgmt";

/// Kubefirst's layout: `registry` (self-managed, prunes) → `reloader` (no finalizer).
fn kubefirst(registry_policy: &str) -> Repository {
    Repository::new(&[
        (
            "registry/clusters/mgmt/registry.yaml",
            app("registry", MGMT, CASCADE, registry_policy),
        ),
        (
            "registry/clusters/mgmt/reloader.yaml",
            app("reloader", "components/reloader", "", PRUNES),
        ),
        (
            "components/reloader/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".into(),
        ),
    ])
}

#[test]
fn missing_finalizer_names_the_parent_that_prunes_it() {
    let repo = kubefirst(PRUNES);
    let analysis = repo.analysis();
    let path = "registry/clusters/mgmt/reloader.yaml";
    let diags = lint(&repo, &analysis, path);
    let missing = of(&diags, "missing-finalizer");
    assert_eq!(missing.len(), 1, "{diags:#?}");
    let d = missing[0];
    assert_eq!(
        d.message,
        "Application `reloader` has no cascade finalizer: bound to `registry` \
         (registry/clusters/mgmt/registry.yaml:4), which prunes it when this file is removed: \
         its resources would be left running"
    );
    assert_eq!(d.related.len(), 1);
    let r = &d.related[0];
    assert_eq!(
        (r.path.as_str(), r.line, r.column, r.excerpt.as_str()),
        (
            "registry/clusters/mgmt/registry.yaml",
            4,
            9,
            "  name: registry"
        )
    );
    assert!(r.message.contains("prunes"), "{}", r.message);
    // Without a graph: the generic message, no related location, whatever the path says.
    let alone = no_graph(path, repo.text(path));
    let generic = of(&alone, "missing-finalizer");
    assert_eq!(
        generic[0].message,
        "Application `reloader` has no cascade finalizer: deleting it orphans every resource it manages"
    );
    assert!(generic[0].related.is_empty());
}

#[test]
fn missing_finalizer_words_for_parents_that_do_not_prune_or_a_child_that_keeps_itself() {
    let repo = kubefirst(NO_PRUNE);
    let analysis = repo.analysis();
    let path = "registry/clusters/mgmt/reloader.yaml";
    let d = lint(&repo, &analysis, path);
    let msg = &of(&d, "missing-finalizer")[0].message;
    assert!(msg.contains("bound to `registry`"), "{msg}");
    assert!(msg.contains("which does not prune it"), "{msg}");
    // The child keeps itself on prune.
    let mut repo = kubefirst(PRUNES);
    let keep = "  annotations:\n    argocd.argoproj.io/sync-options: Prune=false\n";
    repo.files.insert(
        path.into(),
        app("reloader", "components/reloader", keep, PRUNES),
    );
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, path);
    let msg = &of(&d, "missing-finalizer")[0].message;
    assert!(msg.contains("but it keeps itself"), "{msg}");
    assert!(!msg.contains("which prunes it"), "{msg}");
}

/// Two parents sync one child file: `multiple-parents` with both as related locations,
/// and `missing-finalizer` names both.
#[test]
fn two_parents() {
    let repo = Repository::new(&[
        ("a.yaml", app("a", "shared", CASCADE, PRUNES)),
        ("b.yaml", app("b", "shared", CASCADE, NO_PRUNE)),
        ("shared/child.yaml", app("child", "child", "", PRUNES)),
    ]);
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, "shared/child.yaml");
    let multiple = of(&d, "multiple-parents");
    assert_eq!(multiple.len(), 1, "{d:#?}");
    let names: Vec<&str> = multiple[0]
        .related
        .iter()
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(names, ["a.yaml", "b.yaml"]);
    assert!(multiple[0].message.contains("synced by 2 parents"));
    let missing = &of(&d, "missing-finalizer")[0];
    assert!(
        missing
            .message
            .contains("bound to `a` (a.yaml:4) and `b` (b.yaml:4); `a` prunes it"),
        "{}",
        missing.message
    );
    assert_eq!(missing.related.len(), 2);
    // One parent only: no multiple-parents, and none without a graph.
    let a = lint(&repo, &analysis, "a.yaml");
    assert!(of(&a, "multiple-parents").is_empty());
    let alone = no_graph("shared/child.yaml", repo.text("shared/child.yaml"));
    assert!(of(&alone, "multiple-parents").is_empty());
}

#[test]
fn unpruned_children_found_and_fixed() {
    let repo = kubefirst(NO_PRUNE);
    let analysis = repo.analysis();
    let path = "registry/clusters/mgmt/registry.yaml";
    let diags = lint(&repo, &analysis, path);
    let found = of(&diags, "unpruned-children");
    assert_eq!(found.len(), 1, "{diags:#?}");
    let d = found[0];
    assert!(d
        .message
        .contains("`reloader` (registry/clusters/mgmt/reloader.yaml:4)"));
    assert_eq!(d.related[0].path, "registry/clusters/mgmt/reloader.yaml");
    let fix = d.fix.as_ref().expect("a fix");
    assert_eq!(fix.applicability, Applicability::Unsafe);
    // Not without a graph, and not on a leaf that syncs no Application.
    assert!(of(&no_graph(path, repo.text(path)), "unpruned-children").is_empty());
    let leaf = Repository::new(&[("leaf.yaml", app("leaf", "manifests", "", NO_PRUNE))]);
    assert!(of(
        &lint(&leaf, &leaf.analysis(), "leaf.yaml"),
        "unpruned-children"
    )
    .is_empty());
    assert_fix_removes(
        &repo,
        &analysis,
        path,
        "unpruned-children",
        "      prune: true\n",
    );
}

/// Applies the unsafe fixes of `path` and checks that `rule` is gone, the text parses and
/// holds `expected`.
fn assert_fix_removes(
    repo: &Repository,
    analysis: &Analysis,
    path: &str,
    rule: &str,
    expected: &str,
) {
    let options = FileOptions {
        graph: GraphMode::Resolved(analysis.file(path)),
        ..FileOptions::default()
    };
    let text = repo.text(path);
    let diags = lint_text(path, text, options);
    let result = fix_text(path, text, diags, options, true);
    assert_eq!(result.refused, None);
    let fixed = result.fixed.expect("fixed");
    assert!(fixed.contains(expected), "{fixed}");
    assert!(
        gitops_lint::yaml::parse(&fixed, &fixed).errors.is_empty(),
        "{fixed}"
    );
    assert!(of(&result.remaining, rule).is_empty(), "{fixed}");
}

/// The fix creates `automated:` or `syncPolicy:` when missing, in the document's
/// indentation, and flips `prune: false`.
#[test]
fn unpruned_children_fix_shapes() {
    let cases = [
        ("", "  syncPolicy:\n    automated:\n      prune: true\n"),
        (
            "  syncPolicy:\n    syncOptions:\n      - CreateNamespace=true\n",
            "  syncPolicy:\n    syncOptions:\n      - CreateNamespace=true\n    automated:\n      prune: true\n",
        ),
        (
            "  syncPolicy:\n    automated:\n      prune: false\n",
            "    automated:\n      prune: true\n",
        ),
        (
            "  syncPolicy:\n    automated: {}\n",
            "    automated: {prune: true}\n",
        ),
        (
            "  syncPolicy:\n    automated:\n",
            "    automated:\n      prune: true\n",
        ),
    ];
    for (policy, expected) in cases {
        let mut repo = kubefirst(PRUNES);
        let path = "registry/clusters/mgmt/registry.yaml";
        repo.files
            .insert(path.into(), app("registry", MGMT, CASCADE, policy));
        let analysis = repo.analysis();
        let d = lint(&repo, &analysis, path);
        assert_eq!(of(&d, "unpruned-children").len(), 1, "{policy}: {d:#?}");
        assert_fix_removes(&repo, &analysis, path, "unpruned-children", expected);
    }
    // `automated` written twice: which one Argo CD reads is the parser's call; no fix.
    let mut repo = kubefirst(PRUNES);
    let path = "registry/clusters/mgmt/registry.yaml";
    let twice = "  syncPolicy:\n    automated:\n      selfHeal: true\n    automated:\n      selfHeal: false\n";
    repo.files
        .insert(path.into(), app("registry", MGMT, CASCADE, twice));
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, path);
    let found = of(&d, "unpruned-children");
    assert_eq!(found.len(), 1, "{d:#?}");
    assert!(found[0].fix.is_none());
    // `Prune=false` in syncOptions: reported, no fix.
    let mut repo = kubefirst(PRUNES);
    let path = "registry/clusters/mgmt/registry.yaml";
    let policy =
        "  syncPolicy:\n    automated:\n      prune: true\n    syncOptions:\n      - Prune=false\n";
    repo.files
        .insert(path.into(), app("registry", MGMT, CASCADE, policy));
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, path);
    let found = of(&d, "unpruned-children");
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("Prune=false"));
    assert!(found[0].fix.is_none());
}

const ARGOCD_CHART: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: argocd
  namespace: argocd
FINALIZERS
spec:
  project: default
  source:
    repoURL: https://argoproj.github.io/argo-helm
    chart: argo-cd
    targetRevision: 7.7.0
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
";

#[test]
fn argocd_managing_itself_with_a_cascade_finalizer() {
    let with = ARGOCD_CHART.replace("FINALIZERS\n", CASCADE);
    let repo = Repository::new(&[
        ("root.yaml", app("root", "apps", CASCADE, PRUNES)),
        ("apps/argocd.yaml", with.clone()),
    ]);
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, "apps/argocd.yaml");
    let own = of(&d, "cascade-deletes-argocd");
    assert_eq!(own.len(), 1, "{d:#?}");
    assert!(own[0].message.contains("deploys Argo CD itself"));
    assert_eq!(
        &with[own[0].span.clone()],
        "resources-finalizer.argocd.argoproj.io"
    );
    // Its own text tells: reported without a graph too.
    assert_eq!(
        of(
            &no_graph("apps/argocd.yaml", &with),
            "cascade-deletes-argocd"
        )
        .len(),
        1
    );
    // The parent cascading down to it.
    let root = lint(&repo, &analysis, "root.yaml");
    let parent = of(&root, "cascade-deletes-argocd");
    assert_eq!(parent.len(), 1, "{root:#?}");
    assert!(parent[0]
        .message
        .contains("cascades down to `argocd` (apps/argocd.yaml:4)"));
    assert_eq!(parent[0].related[0].path, "apps/argocd.yaml");
    assert!(of(
        &no_graph("root.yaml", repo.text("root.yaml")),
        "cascade-deletes-argocd"
    )
    .is_empty());
    // Without the finalizer, missing-finalizer's fix is unsafe and says why.
    let without = ARGOCD_CHART.replace("FINALIZERS\n", "");
    let alone = no_graph("argocd.yaml", &without);
    let missing = of(&alone, "missing-finalizer");
    assert_eq!(
        missing[0].fix.as_ref().map(|f| f.applicability),
        Some(Applicability::Unsafe)
    );
    assert!(missing[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("deploys Argo CD"));
    assert!(of(&alone, "cascade-deletes-argocd").is_empty());
}

/// Argo CD's install manifests pulled in by a Kustomize source: told only by the graph.
#[test]
fn argocd_by_kustomize_remote_resource() {
    let kustomized = app("argocd", "argocd", CASCADE, PRUNES);
    // Destination namespace is the object's name (`argocd`), its own namespace.
    let repo = Repository::new(&[
        ("apps/argocd.yaml", kustomized.clone()),
        (
            "argocd/kustomization.yaml",
            "resources:\n  - https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.13.0\n".into(),
        ),
    ]);
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, "apps/argocd.yaml");
    assert_eq!(of(&d, "cascade-deletes-argocd").len(), 1, "{d:#?}");
    assert!(of(
        &no_graph("apps/argocd.yaml", &kustomized),
        "cascade-deletes-argocd"
    )
    .is_empty());
    // A parent without finalizer above it: missing-finalizer's fix is unsafe there.
    let repo = Repository::new(&[
        ("root.yaml", app("root", "apps", "", PRUNES)),
        ("apps/argocd.yaml", kustomized),
        (
            "argocd/kustomization.yaml",
            "resources:\n  - https://raw.githubusercontent.com/argoproj/argo-cd/v2.13.0/manifests/install.yaml\n".into(),
        ),
    ]);
    let analysis = repo.analysis();
    let root = lint(&repo, &analysis, "root.yaml");
    let missing = of(&root, "missing-finalizer");
    assert_eq!(
        missing[0].fix.as_ref().map(|f| f.applicability),
        Some(Applicability::Unsafe)
    );
    let alone = no_graph("root.yaml", repo.text("root.yaml"));
    assert_eq!(
        of(&alone, "missing-finalizer")[0]
            .fix
            .as_ref()
            .map(|f| f.applicability),
        Some(Applicability::Safe)
    );
}

#[test]
fn suppressions_of_graph_findings() {
    let path = "registry/clusters/mgmt/registry.yaml";
    let suppressed = app("registry", MGMT, CASCADE, NO_PRUNE).replace(
        "  syncPolicy:\n",
        "  # gitops-lint: ignore[unpruned-children] children kept on purpose\n  syncPolicy:\n",
    );
    let mut repo = kubefirst(NO_PRUNE);
    repo.files.insert(path.into(), suppressed.clone());
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, path);
    assert!(of(&d, "unpruned-children").is_empty(), "{d:#?}");
    assert!(of(&d, "unused-suppression").is_empty(), "{d:#?}");
    // Without a graph there is no telling: the suppression is not reported.
    let alone = no_graph(path, &suppressed);
    assert!(of(&alone, "unused-suppression").is_empty(), "{alone:#?}");
    assert!(of(&alone, "unpruned-children").is_empty(), "{alone:#?}");
    // A file the graph does not know, linted in the walk and finished: the same.
    let mut deferred = lint_text(
        path,
        &suppressed,
        FileOptions {
            graph: GraphMode::Deferred,
            ..FileOptions::default()
        },
    );
    finish(&Repository::new(&[]).analysis(), path, &mut deferred);
    assert_eq!(view(&deferred), view(&alone));
    // A misspelt rule id is still reported without a graph.
    let typo = suppressed.replace("ignore[unpruned-children]", "ignore[unpruned-childs]");
    assert_eq!(of(&no_graph(path, &typo), "unused-suppression").len(), 1);
    // With a graph that shows no child, likewise (both ways: `lint` compares them).
    let mut leaf = Repository::new(&[]);
    leaf.files
        .insert(path.into(), suppressed.replace(MGMT, "nothing"));
    let d = lint(&leaf, &leaf.analysis(), path);
    assert_eq!(of(&d, "unused-suppression").len(), 1, "{d:#?}");
    // An annotation suppresses too.
    let annotated = app(
        "child",
        "child",
        "  annotations:\n    ignore.gitops-lint.dev/multiple-parents: \"migrating\"\n",
        PRUNES,
    );
    let repo = Repository::new(&[
        ("a.yaml", app("a", "shared", CASCADE, PRUNES)),
        ("b.yaml", app("b", "shared", CASCADE, PRUNES)),
        ("shared/child.yaml", annotated),
    ]);
    let d = lint(&repo, &repo.analysis(), "shared/child.yaml");
    assert!(of(&d, "multiple-parents").is_empty(), "{d:#?}");
    assert!(of(&d, "unused-suppression").is_empty(), "{d:#?}");
}

/// An ApplicationSet whose generated Applications' template syncs Application files is
/// a parent too: its template's policy decides.
#[test]
fn applicationset_template_parent() {
    let appset = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: set\n  namespace: argocd\nspec:\n  generators:\n    - list:\n        elements:\n          - cluster: a\n  template:\n    metadata:\n      name: 'set-{{{{cluster}}}}'\n    spec:\n      project: default\n      source:\n        repoURL: {REMOTE}\n        path: apps\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: argocd\n"
    );
    let repo = Repository::new(&[
        ("set.yaml", appset),
        ("apps/child.yaml", app("child", "child", "", PRUNES)),
    ]);
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, "set.yaml");
    let found = of(&d, "unpruned-children");
    assert_eq!(found.len(), 1, "{d:#?}");
    assert_fix_removes(
        &repo,
        &analysis,
        "set.yaml",
        "unpruned-children",
        "      syncPolicy:\n        automated:\n          prune: true\n",
    );
    // The child's parent is the Application the ApplicationSet generates (`set-a`, from
    // the list element), defined at the ApplicationSet in set.yaml.
    let child = lint(&repo, &analysis, "apps/child.yaml");
    let msg = &of(&child, "missing-finalizer")[0].message;
    assert!(
        msg.contains("bound to `set-a` (set.yaml:4), which does not prune it"),
        "{msg}"
    );
}

/// Related locations in every output format, escaped like the rest.
#[test]
fn related_locations_in_every_format() {
    use gitops_lint::diagnostic::FileReport;
    use gitops_lint::report::{render, Format, Style, Summary};
    let repo = kubefirst(PRUNES);
    let analysis = repo.analysis();
    let path = "registry/clusters/mgmt/reloader.yaml";
    let mut diags = lint(&repo, &analysis, path);
    diags.retain(|d| d.rule == "missing-finalizer");
    // A hostile note: controls and a workflow command must come out escaped.
    diags[0].related[0]
        .message
        .push_str(" \u{1b}[31m\n::error::x");
    let reports = [FileReport {
        path: path.into(),
        path_bytes: None,
        source: Some(Arc::from(repo.text(path))),
        diagnostics: diags,
    }];
    let out = |format| {
        let mut buf = Vec::new();
        let style = Style {
            color: false,
            quiet: true,
        };
        render(format, &reports, &Summary::default(), style, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let full = out(Format::Full);
    assert!(
        full.contains("╭─[related: registry/clusters/mgmt/registry.yaml:4:9]"),
        "{full}"
    );
    assert!(full.contains(" 4 │   name: registry\n"), "{full}");
    assert!(
        full.contains("   ·         ^^^^^^^^ parent Application `registry`"),
        "{full}"
    );
    assert!(
        !full.contains('\u{1b}') && !full.contains("\n::error"),
        "{full}"
    );
    // Concise: one line, the message (which names the parent) only.
    let concise = out(Format::Concise);
    assert_eq!(concise.lines().count(), 1);
    assert!(concise.contains("bound to `registry`"));
    let json: serde_json::Value = serde_json::from_str(&out(Format::Json)).unwrap();
    let related = &json["diagnostics"][0]["related"][0];
    assert_eq!(related["path"], "registry/clusters/mgmt/registry.yaml");
    assert_eq!(
        (related["line"].as_u64(), related["column"].as_u64()),
        (Some(4), Some(9))
    );
    assert!(related["message"].as_str().unwrap().contains("prunes"));
    let lines = out(Format::JsonLines);
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["related"], json["diagnostics"][0]["related"]);
    let github = out(Format::Github);
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(
        github.contains("%0Asee registry/clusters/mgmt/registry.yaml:4: parent"),
        "{github}"
    );
    assert!(!github.contains('\u{1b}'));
    let sarif: serde_json::Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    let loc = &sarif["runs"][0]["results"][0]["relatedLocations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "registry/clusters/mgmt/registry.yaml"
    );
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], 4);
    assert!(loc["message"]["text"].as_str().unwrap().contains("prunes"));
    // Without related locations, JSON has no `related` field.
    let alone = no_graph(path, repo.text(path));
    assert!(alone[0].related.is_empty());
}

/// An app of apps with many children names the first three and counts the rest.
#[test]
fn unpruned_children_names_a_few_children() {
    let mut files = vec![("root.yaml", app("root", "apps", CASCADE, NO_PRUNE))];
    let names = ["c1", "c2", "c3", "c4", "c5"];
    let paths: Vec<String> = names.iter().map(|n| format!("apps/{n}.yaml")).collect();
    for (n, p) in names.iter().zip(&paths) {
        files.push((p.as_str(), app(n, "none", CASCADE, PRUNES)));
    }
    let repo = Repository::new(&files);
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, "root.yaml");
    let found = of(&d, "unpruned-children");
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .contains("`c3` (apps/c3.yaml:4) and 2 more"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].related.len(), 3);
}

/// Paths of other files can be shown under a prefix (reports relative to another
/// directory than the repository root); the per-file keys stay repo-relative.
#[test]
fn related_paths_under_a_prefix() {
    let repo = kubefirst(PRUNES);
    let mut analysis = repo.analysis();
    analysis.show_paths_under("gitops/");
    let path = "registry/clusters/mgmt/reloader.yaml";
    let d = lint(&repo, &analysis, path);
    let missing = of(&d, "missing-finalizer");
    assert_eq!(
        missing[0].related[0].path,
        "gitops/registry/clusters/mgmt/registry.yaml"
    );
    assert!(missing[0]
        .message
        .contains("(gitops/registry/clusters/mgmt/registry.yaml:4)"));
}

/// Parents that sync each other, cascading, above an Argo CD Application: found, and the
/// walk up the cycle ends.
#[test]
fn argocd_below_a_cycle() {
    let with = ARGOCD_CHART.replace("FINALIZERS\n", CASCADE);
    let repo = Repository::new(&[
        ("a/a.yaml", app("a", "b", CASCADE, PRUNES)),
        ("b/b.yaml", app("b", "a", CASCADE, PRUNES)),
        ("b/argocd.yaml", with),
    ]);
    let analysis = repo.analysis();
    for path in ["a/a.yaml", "b/b.yaml"] {
        let d = lint(&repo, &analysis, path);
        let found = of(&d, "cascade-deletes-argocd");
        assert_eq!(found.len(), 1, "{path}: {d:#?}");
        assert_eq!(found[0].related[0].path, "b/argocd.yaml");
    }
    // A parent that does not cascade stops the chain: `top` → `mid` (no finalizer) → Argo CD.
    let with = ARGOCD_CHART.replace("FINALIZERS\n", CASCADE);
    let repo = Repository::new(&[
        ("top.yaml", app("top", "mid", CASCADE, PRUNES)),
        (
            "mid/mid.yaml",
            app("mid", "cd", "  finalizers: []\n", PRUNES),
        ),
        ("cd/argocd.yaml", with),
    ]);
    let analysis = repo.analysis();
    assert!(of(
        &lint(&repo, &analysis, "top.yaml"),
        "cascade-deletes-argocd"
    )
    .is_empty());
}

/// Kubefirst's three levels: `registry` → `x-components` (an app of apps by its path) →
/// `x`. Each missing-finalizer names its own parent, whatever the path suggests.
#[test]
fn kubefirst_levels_name_their_parents() {
    let comps = "registry/clusters/mgmt/components/x";
    let repo = Repository::new(&[
        (
            "registry/clusters/mgmt/registry.yaml",
            app("registry", MGMT, CASCADE, PRUNES),
        ),
        (
            "registry/clusters/mgmt/x.yaml",
            app("x-components", comps, "", PRUNES),
        ),
        (
            "registry/clusters/mgmt/components/x/application.yaml",
            app("x", "charts/x", "", PRUNES),
        ),
    ]);
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, "registry/clusters/mgmt/x.yaml");
    let msg = &of(&d, "missing-finalizer")[0].message;
    assert!(
        msg.contains(
            "bound to `registry` (registry/clusters/mgmt/registry.yaml:4), which prunes it"
        ),
        "{msg}"
    );
    let d = lint(
        &repo,
        &analysis,
        "registry/clusters/mgmt/components/x/application.yaml",
    );
    let msg = &of(&d, "missing-finalizer")[0].message;
    assert!(
        msg.contains("bound to `x-components` (registry/clusters/mgmt/x.yaml:4)"),
        "{msg}"
    );
    // The self-managed registry is nobody's child: no parent named, no multiple-parents.
    let d = lint(&repo, &analysis, "registry/clusters/mgmt/registry.yaml");
    assert!(d.is_empty(), "{d:#?}");
    // With its prune off, the registry gets unpruned-children naming `x-components`.
    let mut repo = repo;
    repo.files.insert(
        "registry/clusters/mgmt/registry.yaml".into(),
        app("registry", MGMT, CASCADE, NO_PRUNE),
    );
    let analysis = repo.analysis();
    let d = lint(&repo, &analysis, "registry/clusters/mgmt/registry.yaml");
    let found = of(&d, "unpruned-children");
    assert_eq!(found.len(), 1, "{d:#?}");
    assert!(found[0].message.contains("`x-components`"));
    // ... and the children say their parent does not prune them.
    let d = lint(&repo, &analysis, "registry/clusters/mgmt/x.yaml");
    assert!(of(&d, "missing-finalizer")[0]
        .message
        .contains("which does not prune it"));
}

/// Rule levels from the configuration apply to graph findings the same both ways: a rule
/// turned off makes no finding (and its suppressions are not reported), a severity
/// override holds.
#[test]
fn configured_levels() {
    use gitops_lint::config::RuleLevel;
    use gitops_lint::diagnostic::Severity;
    use gitops_lint::settings::Settings;
    let mut settings = Settings::default();
    settings.levels.insert(
        "multiple-parents".into(),
        RuleLevel::Severity(Severity::Error),
    );
    settings
        .levels
        .insert("unpruned-children".into(), RuleLevel::Off);
    let shared = app("a", "shared", CASCADE, NO_PRUNE).replace(
        "  syncPolicy:\n",
        "  # gitops-lint: ignore[unpruned-children] off anyway\n  syncPolicy:\n",
    );
    let repo = Repository::new(&[
        ("shared/a.yaml", shared),
        ("shared/b.yaml", app("b", "shared", CASCADE, NO_PRUNE)),
        ("shared/c.yaml", app("c", "shared", CASCADE, NO_PRUNE)),
    ]);
    let analysis = repo.analysis();
    let path = "shared/a.yaml";
    let text = repo.text(path);
    let with = |graph| FileOptions {
        settings: &settings,
        graph,
        ..FileOptions::default()
    };
    let resolved = lint_text(path, text, with(GraphMode::Resolved(analysis.file(path))));
    let deferred = walk_then_finish(&analysis, path, text, with(GraphMode::Deferred));
    assert_eq!(view(&resolved), view(&deferred));
    let rules: Vec<(&str, Severity)> = resolved.iter().map(|d| (d.rule, d.severity)).collect();
    assert_eq!(
        rules,
        [("multiple-parents", Severity::Error)],
        "{resolved:#?}"
    );
}

/// The walk keeps few candidates: an Application deploying a chart from a chart
/// repository (no `path`) can have no children, so it gets no `unpruned-children` or
/// `cascade-deletes-argocd` candidate; every named object gets a `multiple-parents` one.
#[test]
fn few_candidates_in_the_walk() {
    let text = ARGOCD_CHART
        .replace("FINALIZERS\n", CASCADE)
        .replace("chart: argo-cd", "chart: reloader");
    let deferred = lint_text(
        "a.yaml",
        &text,
        FileOptions {
            graph: GraphMode::Deferred,
            ..FileOptions::default()
        },
    );
    let pending: Vec<&str> = deferred
        .iter()
        .filter(|d| d.pending.is_some())
        .map(|d| d.rule)
        .collect();
    // `multiple-parents` and `cascade-deletes-argocd` above Argo CD are rare: the walk
    // makes no candidate for them (the files the graph names get a second look).
    assert!(pending.is_empty(), "{deferred:#?}");
    let with_path = app("x", "apps", CASCADE, NO_PRUNE);
    let deferred = lint_text(
        "x.yaml",
        &with_path,
        FileOptions {
            graph: GraphMode::Deferred,
            ..FileOptions::default()
        },
    );
    let mut pending: Vec<&str> = deferred
        .iter()
        .filter(|d| d.pending.is_some())
        .map(|d| d.rule)
        .collect();
    pending.sort_unstable();
    // Nor for `unpruned-children`: a parent that does not prune gets a second look.
    assert!(pending.is_empty(), "{pending:?}");
}
