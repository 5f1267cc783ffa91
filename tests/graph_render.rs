//! `gitops-lint graph`'s output (src/report/graph/) over a repository built in memory:
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
use gitops_lint::graph::{build, nodes_of, remote_urls, Graph, Repo, Tree};
use gitops_lint::report::graph::{lines_of, render, GraphFormat, NodeFinding, View};

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
    // team-b is the second document of its file, on line 8.
    let team_b = format!(
        "# team b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n{team_b}"
    );
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
    graph_over(&tree())
}

fn graph_over(tree: &BTreeMap<String, String>) -> Graph {
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
            kustomize: None,
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
    let t = tree();
    v.lines = lines_of(g, |f| t.get(f).map(String::as_str));
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
    assert!(lines[0].starts_with("argocd/root  Application  apps/root.yaml:1  cascades"));
    let line_of = |needle: &str| match lines.iter().find(|l| l.contains(needle)) {
        Some(l) => *l,
        None => panic!("no line with {needle:?} in\n{out}"),
    };
    assert!(line_of("argocd/team-a  ").contains("orphans"));
    assert!(
        line_of("argocd/team-b  Application  apps/children/team-b.yaml:8  cascades")
            .starts_with("└── ")
    );
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

#[test]
fn json_parses_and_carries_the_facts() {
    let g = graph();
    let out = output(&view(&g, false), GraphFormat::Json);
    assert_inert(&out, false);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    let nodes = doc["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), g.nodes.len());
    let node = |name: &str| {
        let i = id(&g, name);
        assert_eq!(nodes[i]["id"], i);
        &nodes[i]
    };
    let root = node("root");
    assert_eq!(
        (&root["kind"], &root["namespace"], &root["file"]),
        (
            &serde_json::json!("Application"),
            &serde_json::json!("argocd"),
            &serde_json::json!("apps/root.yaml")
        )
    );
    assert_eq!(
        (&root["cascade"], &root["prune"]),
        (&"yes".into(), &true.into())
    );
    assert_eq!(node("team-a")["cascade"], "no");
    assert_eq!(node("svc1")["keeps_on_prune"], true);
    assert_eq!(node("team-b")["prune"], false);
    assert_eq!(
        (&node("team-b")["document"], &node("team-b")["line"]),
        (&1.into(), &8.into())
    );
    assert_eq!(node("root")["line"], 1);
    assert_eq!(
        node("platform")["sources"][0]["repoURL"],
        "<GITOPS_REPO_URL>"
    );
    // Hostile strings come back exact.
    let evil = node(EVIL_NAME);
    assert_eq!(evil["name"], EVIL_NAME);
    assert_eq!(evil["namespace"], serde_json::Value::Null);
    assert_eq!(evil["file"], EVIL_FILE);
    assert_eq!(
        evil["findings"][0]["message"],
        "msg \x1b[2J\n::error::m ##[x"
    );
    let svc1 = &node("svc1")["findings"][0];
    assert_eq!(
        (&svc1["rule"], &svc1["severity"]),
        (&"missing-finalizer".into(), &"error".into())
    );
    assert_eq!(node("p")["findings"], serde_json::json!([]));

    let edge = |parent: &str, child: &str| {
        let (p, c) = (id(&g, parent), id(&g, child));
        let found = doc["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["parent"] == p && e["child"] == c);
        match found {
            Some(e) => e.clone(),
            None => panic!("no edge {parent} -> {child}"),
        }
    };
    assert_eq!(edge("root", "team-a")["prunes"], true);
    assert_eq!(edge("root", "team-a")["via"], "remote");
    assert_eq!(edge("team-a", "svc1")["prunes"], false, "Prune=false");
    assert_eq!(
        edge("team-b", "shared")["prunes"],
        false,
        "parent prune off"
    );
    assert_eq!(edge("team-b", "shared")["source"], 1);
    assert_eq!(edge("platform", "p")["via"], "placeholder-path-exists");
    assert_eq!(doc["edges"].as_array().map(Vec::len), Some(g.edges.len()));
    assert_eq!(doc["roots"], serde_json::json!([id(&g, "root")]));
    let mut cycle = vec![id(&g, "x"), id(&g, "y")];
    cycle.sort();
    assert_eq!(doc["cycles"], serde_json::json!([cycle]));
    assert_eq!(
        doc["unresolved"],
        serde_json::json!([{"node": id(&g, "broken"), "source": 0, "reason": "path-missing", "path": "apps/nowhere"}])
    );
    assert_eq!(
        doc["summary"],
        serde_json::json!({"applications": 12, "application_sets": 0, "roots": 1, "cycles": 1, "unresolved": 1})
    );
}

#[test]
fn mermaid_flowchart_snapshot() {
    let g = graph();
    let out = output(&view(&g, false), GraphFormat::Mermaid);
    assert_inert(&out, false);
    assert!(out.starts_with("flowchart LR\n"));
    // The Action puts it inside a ```mermaid fence of the job summary: no backtick.
    assert!(!out.contains('`'), "a backtick could close the fence");
    for line in out.lines().skip(1) {
        let line = line.trim_start();
        if line.starts_with("%%") {
            assert!(line.starts_with("%% gitops-lint graph: "));
            continue;
        }
        // Inside labels only the entities and our own `<br/>` remain.
        for label in line.split('"').skip(1).step_by(2) {
            let bare = label.replace("<br/>", "");
            for bad in ['<', '>', '`', '%', '|', '"'] {
                assert!(!bare.contains(bad), "{bad:?} in label {label:?}");
            }
        }
        assert_eq!(
            line.matches('"').count() % 2,
            0,
            "unbalanced quotes: {line}"
        );
    }
    // Every node, stable ids, classes by cascade, edge labels.
    for i in 0..g.nodes.len() {
        assert!(out.contains(&format!("\n  n{i}[\"")), "node n{i}");
    }
    let (root, team_a, svc1) = (id(&g, "root"), id(&g, "team-a"), id(&g, "svc1"));
    assert!(out.contains(&format!("  n{root} -->|\"prunes\"| n{team_a}\n")));
    assert!(out.contains(&format!(
        "  n{team_a} -.->|\"does not prune: Prune=false\"| n{svc1}\n"
    )));
    assert!(out.contains(&format!("class n{root},")) || out.contains(&format!(",n{root},")));
    assert!(out.contains(" cascade\n") && out.contains(" orphan\n"));
    insta::assert_snapshot!("mermaid", out);
}

#[test]
fn mermaid_cuts_long_names() {
    let long = format!("n{}", "a".repeat(300));
    let text =
        format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {long}\n");
    let files = vec!["a.yaml".to_string()];
    let read = |_: &str| None;
    let nodes = nodes_of("a.yaml", &gitops_lint::yaml::parse(&text, &text).documents);
    let g = build(
        nodes,
        &Tree {
            files: &files,
            read: &read,
            kustomize: None,
        },
        &Repo::default(),
    );
    let out = output(&View::new(&g), GraphFormat::Mermaid);
    assert!(!out.contains(&long));
    assert!(out.contains(&format!("Application {}…", &long[..80])));
}

#[test]
fn dot_is_accepted_by_graphviz() {
    let g = graph();
    let out = output(&view(&g, false), GraphFormat::Dot);
    assert_inert(&out, false);
    assert!(out.starts_with("digraph \"gitops-lint\" {\n") && out.ends_with("}\n"));
    let (team_a, svc1) = (id(&g, "team-a"), id(&g, "svc1"));
    assert!(out.contains(&format!(
        "  \"n{team_a}\" -> \"n{svc1}\" [label=\"does not prune: Prune=false\", style=dashed];\n"
    )));
    assert!(!out.contains("label=<"), "no HTML-like labels");
    let Some(svg) = dot_svg(&out) else { return };
    assert!(
        svg.contains("<svg") && svg.contains("argocd/team&#45;a"),
        "{svg}"
    );
}

#[test]
fn dot_takes_long_hostile_names_and_many_findings() {
    let long = format!("\"{}\\\\\"", "q\\\"&".repeat(5000));
    let text = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {}\n",
        serde_json::to_string(&long).unwrap()
    );
    let file = format!("{}.yaml", "d\\".repeat(3000));
    let files = vec![file.clone()];
    let read = |_: &str| None;
    let nodes = nodes_of(&file, &gitops_lint::yaml::parse(&text, &text).documents);
    let g = build(
        nodes,
        &Tree {
            files: &files,
            read: &read,
            kustomize: None,
        },
        &Repo::default(),
    );
    assert_eq!(g.nodes.len(), 1);
    let mut v = View::new(&g);
    for i in 0..500 {
        v.add_finding(0, finding(&format!("rule-{i}"), Severity::Warning, "m"));
    }
    let out = output(&v, GraphFormat::Dot);
    assert!(out.contains("+494 more"), "findings cut");
    if let Some(svg) = dot_svg(&out) {
        assert!(svg.contains("<svg"));
    }
}

/// The SVG of `dot -Tsvg` on `input` (asserting success and no warning), or `None` when
/// Graphviz is not installed.
fn dot_svg(input: &str) -> Option<String> {
    let Ok(mut child) = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        println!("skipped: Graphviz `dot` is not installed");
        return None;
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("write to dot");
    }
    let done = child.wait_with_output().expect("dot runs");
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "dot -Tsvg failed: {stderr}\n{input}");
    assert!(stderr.trim().is_empty(), "dot warned: {stderr}");
    Some(String::from_utf8_lossy(&done.stdout).into_owned())
}

/// The Kubefirst-like example of docs/graph.md.
fn docs_tree() -> BTreeMap<String, String> {
    let mgmt = "registry/clusters/mgmt";
    let mut t = BTreeMap::new();
    let mut put = |path: String, text: String| t.insert(path, text);
    put(
        ".git/config".into(),
        "[remote \"origin\"]\n\turl = git@github.com:acme/gitops.git\n".into(),
    );
    let registry = app("registry", &[("<GITOPS_REPO_URL>", mgmt)], FINALIZER, PRUNE);
    put(format!("{mgmt}/registry.yaml"), registry);
    let components = |name: &str, meta: &str| {
        let path = format!("{mgmt}/components/{name}");
        app(
            &format!("{name}-components"),
            &[(REMOTE, &path)],
            meta,
            PRUNE,
        )
    };
    put(format!("{mgmt}/argo.yaml"), components("argo", FINALIZER));
    put(format!("{mgmt}/vault.yaml"), components("vault", ""));
    put(format!("{mgmt}/reloader.yml"), components("reloader", ""));
    let chart = [("https://charts.example.com", ".")];
    put(
        format!("{mgmt}/components/argo/argo.yaml"),
        app("argo", &chart, FINALIZER, ""),
    );
    put(
        format!("{mgmt}/components/vault/application.yaml"),
        app("vault", &chart, "", ""),
    );
    t
}

fn docs_view<'g>(g: &'g Graph, tree: &BTreeMap<String, String>) -> View<'g> {
    let mut v = View::new(g);
    v.lines = lines_of(g, |f| tree.get(f).map(String::as_str));
    v.add_finding(
        id(g, "vault"),
        finding(
            "missing-finalizer",
            Severity::Error,
            "deleting it leaves its resources running",
        ),
    );
    v
}

/// The blocks of docs/graph.md after `<!-- example: FORMAT -->` are what the renderer
/// prints for the example repository.
#[test]
fn docs_examples_are_current() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/graph.md"))
        .expect("docs/graph.md");
    let tree = docs_tree();
    let g = graph_over(&tree);
    let v = docs_view(&g, &tree);
    let mut stale = Vec::new();
    for (name, format) in [
        ("text", GraphFormat::Text),
        ("json", GraphFormat::Json),
        ("mermaid", GraphFormat::Mermaid),
        ("dot", GraphFormat::Dot),
    ] {
        let want = output(&v, format);
        let marker = format!("<!-- example: {name} -->\n```");
        let block = docs.split_once(&marker).and_then(|(_, rest)| {
            let body = rest.split_once('\n')?.1;
            body.split_once("```\n").map(|(b, _)| b)
        });
        if block != Some(want.as_str()) {
            stale.push(format!("example {name} should be:\n{want}"));
        }
    }
    assert!(stale.is_empty(), "docs/graph.md:\n{}", stale.join("\n"));
}

/// A kustomization cycle under an Application, and an ApplicationSet whose generated
/// Applications' cascade cannot be told (`templatePatch`): every format says so.
#[test]
fn kustomize_cycle_and_unknown_cascade_in_every_format() {
    let mut t = BTreeMap::new();
    let mut put = |path: &str, text: &str| t.insert(path.to_string(), text.to_string());
    put(
        ".git/config",
        "[remote \"origin\"]\n\turl = git@github.com:acme/gitops.git\n",
    );
    put("k/app.yaml", &app("kz", &[(REMOTE, "k/a")], "", PRUNE));
    put("k/a/kustomization.yaml", "resources:\n- ../b\n- set.yaml\n");
    put("k/b/kustomization.yaml", "resources:\n- ../a\n");
    put(
        "k/a/set.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: gen\nspec:\n  templatePatch: x\n  template:\n    metadata:\n      name: g\n    spec:\n      project: default\n",
    );
    let g = graph_over(&t);
    let (kz, set) = (id(&g, "kz"), id(&g, "gen"));
    assert_eq!(g.unresolved.len(), 1, "{:?}", g.unresolved);
    let v = View::new(&g);

    let text = output(&v, GraphFormat::Text);
    assert!(
        text.contains("│ unresolved: source 0 kustomization cycle at `k/a`"),
        "{text}"
    );
    assert!(text.contains("gen  ApplicationSet  k/a/set.yaml  cascade unknown (templated finalizers); pruned when its file leaves Git"), "{text}");
    assert!(
        text.ends_with("1 Application, 1 ApplicationSet, 1 root, 0 cycles, 1 unresolved source\n")
    );

    let doc: serde_json::Value =
        serde_json::from_str(&output(&v, GraphFormat::Json)).expect("JSON");
    assert_eq!(
        doc["unresolved"],
        serde_json::json!([{"node": kz, "source": 0, "reason": "kustomize-cycle", "path": "k/a", "directory": "k/a"}])
    );
    assert_eq!(doc["nodes"][set]["kind"], "ApplicationSet");
    assert_eq!(doc["nodes"][set]["cascade"], "unknown");

    let mermaid = output(&v, GraphFormat::Mermaid);
    assert!(
        mermaid.contains(&format!("  class n{set} unknown\n")),
        "{mermaid}"
    );
    assert!(mermaid.contains("kustomize cycle: k/a"));
    let dot = output(&v, GraphFormat::Dot);
    assert!(dot.contains("kustomize cycle: k/a") && dot.contains("class=\"unknown\""));
    dot_svg(&dot);
}

/// A ring of 2000 Applications (each syncs the next, the last the first): no root, one
/// cycle; the tree is printed from one of them, every line of bounded length.
#[test]
fn deep_ring_prints_bounded_lines() {
    let n = 2000;
    let mut t = BTreeMap::new();
    t.insert(
        ".git/config".to_string(),
        "[remote \"origin\"]\n\turl = git@github.com:acme/gitops.git\n".to_string(),
    );
    for i in 0..n {
        let next = format!("c/{:04}", (i + 1) % n);
        t.insert(
            format!("c/{i:04}/app.yaml"),
            app(&format!("a{i}"), &[(REMOTE, &next)], "", PRUNE),
        );
    }
    let g = graph_over(&t);
    assert_eq!((g.nodes.len(), g.edges.len(), g.roots().len()), (n, n, 0));
    let out = output(&View::new(&g), GraphFormat::Text);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        n + 2,
        "each node once, the cycle edge, the summary"
    );
    assert!(lines[0].starts_with("argocd/a0  "));
    assert!(lines[n].contains("argocd/a0 ↻ cycle"), "{}", lines[n]);
    assert!(lines[n].contains(&format!("⋯{n} └── ")), "{}", lines[n]);
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest < 300, "longest line {longest} characters");
    assert_eq!(
        lines[n + 1],
        format!("{n} Applications, 0 ApplicationSets, 0 roots, 1 cycle, 0 unresolved sources")
    );
}
