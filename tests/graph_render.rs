//! `gitops-lint graph`'s output (src/graph/render/) over a repository built in memory:
//!
//! - `root` (apps/root.yaml) syncs `apps/children/`: `team-a`, `team-b`, `platform`,
//!   `broken` and a hostile Application in a hostile file name;
//! - `team-a` → `svc1` (`Prune=false`) and `shared`; `team-b` (prune off) → `svc2` and,
//!   through a second source, `shared` again (a diamond);
//! - `platform` has the placeholder `<GITOPS_REPO_URL>` and a path that exists → `p`;
//! - `broken` points at a path of this repository that does not exist (unresolved);
//! - `x` ↔ `y` sync each other and nothing syncs them (a cycle with no root).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

use gitops_lint::diagnostic::Severity;
use gitops_lint::graph::render::{render, GraphFormat, NodeFinding, View};
use gitops_lint::graph::{build, nodes_of, remote_urls, Graph, Repo, Tree};

const REMOTE: &str = "https://github.com/acme/gitops.git";
const EVIL_NAME: &str =
    "evil\x1b]0;pwned\x07\n::error title=x::injected ##[group]<b>\"`%%{init}%% #quot; [x]";
const EVIL_FILE: &str = "apps/children/e\x1b[31mvil\n::warning::file ##[endgroup].yaml";

fn app(name: &str, sources: &[(&str, &str)], meta: &str, policy: &str) -> String {
    let mut s = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n{meta}spec:\n  project: default\n  sources:\n"
    );
    for (url, path) in sources {
        s.push_str(&format!("  - repoURL: {url}\n    path: {path}\n"));
    }
    s.push_str(policy);
    s
}

const PRUNE: &str = "  syncPolicy:\n    automated:\n      prune: true\n";
const FINALIZER: &str = "  finalizers:\n  - resources-finalizer.argocd.argoproj.io\n";

fn tree() -> BTreeMap<String, String> {
    let mut t = BTreeMap::new();
    let mut put = |path: &str, text: String| t.insert(path.to_string(), text);
    put(
        ".git/config",
        "[remote \"origin\"]\n\turl = git@github.com:acme/gitops.git\n".into(),
    );
    put(
        "apps/root.yaml",
        app("root", &[(REMOTE, "apps/children")], FINALIZER, PRUNE),
    );
    put(
        "apps/children/team-a.yaml",
        app("team-a", &[(REMOTE, "apps/team-a")], "", PRUNE),
    );
    let team_b = app("team-b", &[(REMOTE, "apps/team-b")], FINALIZER, "")
        + "  - repoURL: https://github.com/acme/gitops\n    path: apps/team-a\n    directory:\n      include: shared.yaml\n";
    put("apps/children/team-b.yaml", team_b);
    put(
        "apps/children/platform.yaml",
        app(
            "platform",
            &[("<GITOPS_REPO_URL>", "platform")],
            FINALIZER,
            PRUNE,
        ),
    );
    put(
        "apps/children/broken.yaml",
        app("broken", &[(REMOTE, "apps/nowhere")], "", PRUNE),
    );
    let evil = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {}\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: c\n",
        serde_json::to_string(EVIL_NAME).unwrap()
    );
    put(EVIL_FILE, evil);
    let chart = [("https://charts.example.com", ".")];
    let keep = "  annotations:\n    argocd.argoproj.io/sync-options: Prune=false\n";
    put("apps/team-a/svc1.yaml", app("svc1", &chart, keep, ""));
    put(
        "apps/team-a/shared.yaml",
        app("shared", &chart, FINALIZER, ""),
    );
    put("apps/team-b/svc2.yaml", app("svc2", &chart, "", ""));
    put("platform/p.yaml", app("p", &chart, "", ""));
    put("loop/x.yaml", app("x", &[(REMOTE, "loop/y")], "", PRUNE));
    put("loop/y/y.yaml", app("y", &[(REMOTE, "loop")], "", PRUNE));
    t
}

fn graph() -> Graph {
    let tree = tree();
    let files: Vec<String> = tree
        .keys()
        .filter(|p| !p.starts_with(".git/"))
        .cloned()
        .collect();
    let mut nodes = Vec::new();
    for path in &files {
        let text = &tree[path];
        nodes.extend(nodes_of(
            path,
            &gitops_lint::yaml::parse(text, text).documents,
        ));
    }
    let remotes = remote_urls(&tree[".git/config"]);
    let read = |p: &str| tree.get(p).cloned();
    build(
        nodes,
        &Tree {
            files: &files,
            read: &read,
        },
        &Repo {
            remotes: &remotes,
            configured: &[],
        },
    )
}

fn id(g: &Graph, name: &str) -> usize {
    match g.find(None, name) {
        Some(id) => id,
        None => panic!("no node {name}"),
    }
}

fn finding(rule: &str, severity: Severity, message: &str) -> NodeFinding {
    NodeFinding {
        rule: rule.to_string(),
        severity,
        message: message.to_string(),
    }
}

fn view(g: &Graph, color: bool) -> View<'_> {
    let mut v = View::new(g);
    v.color = color;
    v.add_finding(
        id(g, "svc1"),
        finding("missing-finalizer", Severity::Error, "deleting it orphans"),
    );
    v.add_finding(
        id(g, "team-b"),
        finding("unpruned-children", Severity::Warning, "prune is off"),
    );
    v.add_finding(
        id(g, EVIL_NAME),
        finding(
            "missing-finalizer",
            Severity::Error,
            "msg \x1b[2J\n::error::m ##[x",
        ),
    );
    v
}

fn output(view: &View, format: GraphFormat) -> String {
    let mut out = Vec::new();
    if let Err(e) = render(view, format, &mut out) {
        panic!("render {format:?}: {e}");
    }
    String::from_utf8(out).expect("UTF-8 output")
}

/// No raw control character, no line the GitHub runner would act on.
fn assert_inert(out: &str, allow_sgr: bool) {
    let mut rest = out;
    while let Some(i) = rest.find('\x1b') {
        let sgr = rest[i + 1..]
            .strip_prefix('[')
            .map(|s| s.split_once('m').map(|(code, _)| code));
        let ok = allow_sgr
            && sgr
                .flatten()
                .is_some_and(|c| c.chars().all(|c| c.is_ascii_digit()));
        assert!(ok, "raw escape in output: {:?}", &rest[i..]);
        rest = &rest[i + 1..];
    }
    for line in out.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "command line: {line:?}"
        );
        assert!(!line.contains("##["), "command marker: {line:?}");
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\x1b'),
            "control: {line:?}"
        );
    }
}

#[test]
fn text_tree_shows_every_fact() {
    let g = graph();
    let out = output(&view(&g, false), GraphFormat::Text);
    assert_inert(&out, false);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("argocd/root  Application  apps/root.yaml  cascades"));
    let line_of = |needle: &str| match lines.iter().find(|l| l.contains(needle)) {
        Some(l) => *l,
        None => panic!("no line with {needle:?} in\n{out}"),
    };
    assert!(line_of("argocd/team-a  ").contains("orphans"));
    assert!(line_of("argocd/team-a  ").ends_with("; pruned when its file leaves Git"));
    assert!(line_of("argocd/svc1  ").ends_with("; not pruned: Prune=false on it"));
    assert!(line_of("argocd/svc2  ").ends_with("; not pruned: the parent does not prune"));
    let shared = lines.iter().filter(|l| l.contains("argocd/shared")).count();
    assert_eq!(shared, 2, "diamond: shared twice\n{out}");
    assert!(line_of("argocd/shared (shown above)").ends_with("the parent does not prune"));
    assert!(line_of("↻ cycle: syncs an Application above it, not followed").contains("argocd/x"));
    let note = "note: source 0 repoURL `<GITOPS_REPO_URL>` is a placeholder; taken as this repository because its path `platform` exists";
    assert!(
        line_of(note).starts_with("│   │ "),
        "under platform, above p"
    );
    assert!(
        line_of("unresolved: source 0 path `apps/nowhere` is not in the tree")
            .starts_with("│     ")
    );
    assert!(line_of("error[missing-finalizer] deleting it orphans").contains("│"));
    assert!(line_of("warning[unpruned-children] prune is off").starts_with("    │ "));
    assert_eq!(
        lines.last().copied(),
        Some("12 Applications, 0 ApplicationSets, 1 root, 1 cycle, 1 unresolved source")
    );
    // The hostile name and file are shown, escaped.
    assert!(out.contains("evil\\x1b]0;pwned\\x07\\n::error title=x::injected ##\\[group]"));
    assert!(out.contains("e\\x1b[31mvil\\n::warning::file ##\\[endgroup].yaml"));
    insta::assert_snapshot!("text", out);
}

#[test]
fn text_colour_is_ansi_only_around_our_words() {
    let g = graph();
    let plain = output(&view(&g, false), GraphFormat::Text);
    let coloured = output(&view(&g, true), GraphFormat::Text);
    assert!(coloured.contains("\x1b[32mcascades (deletes its resources)\x1b[0m"));
    assert!(coloured.contains("\x1b[31morphans (leaves its resources running)\x1b[0m"));
    assert_inert(&coloured, true);
    let stripped = strip_sgr(&coloured);
    assert_eq!(stripped, plain, "colour changes nothing but the codes");
}

fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find('m').map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
