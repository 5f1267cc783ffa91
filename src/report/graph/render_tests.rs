use super::*;
use crate::graph::model::{Edge, Graph, Match, Node};

fn node(name: &str) -> Node {
    Node {
        kind: AppKind::Application,
        namespace: None,
        name: name.to_string(),
        file: format!("{name}.yaml"),
        document: 0,
        span: Default::default(),
        cascade: Cascade::Yes,
        keeps_on_prune: false,
        prune: true,
        sources: Vec::new(),
        ..Node::default()
    }
}

fn graph(names: &[&str], edges: &[(usize, usize)]) -> Graph {
    let edges = edges
        .iter()
        .map(|&(parent, child)| Edge {
            parent,
            child,
            source: 0,
            via: Match::Remote,
        })
        .collect();
    Graph::new(names.iter().map(|n| node(n)).collect(), edges, Vec::new())
}

fn shape(g: &Graph) -> Vec<Vec<(usize, NodeId, Mark)>> {
    rows(g)
        .iter()
        .map(|t| t.iter().map(|r| (r.depth, r.node, r.mark)).collect())
        .collect()
}

#[test]
fn a_node_is_expanded_once_over_all_trees() {
    // Two roots (0, 1) share child 2, whose child is 3.
    let g = graph(&["a", "b", "shared", "leaf"], &[(0, 2), (1, 2), (2, 3)]);
    assert_eq!(
        shape(&g),
        [
            vec![
                (0, 0, Mark::Expanded),
                (1, 2, Mark::Expanded),
                (2, 3, Mark::Expanded)
            ],
            vec![(0, 1, Mark::Expanded), (1, 2, Mark::ShownAbove)],
        ]
    );
}

#[test]
fn a_cycle_without_root_still_appears() {
    // 0 is a root with a leaf; 1 ↔ 2 sync each other, 2 → 3.
    let g = graph(&["root", "x", "y", "z"], &[(1, 2), (2, 1), (2, 3)]);
    assert_eq!(
        shape(&g),
        [
            vec![(0, 0, Mark::Expanded)],
            vec![
                (0, 1, Mark::Expanded),
                (1, 2, Mark::Expanded),
                (2, 1, Mark::Cycle),
                (2, 3, Mark::Expanded)
            ],
        ]
    );
    assert_eq!(
        Totals::of(&g).line(),
        "4 Applications, 0 ApplicationSets, 1 root, 1 cycle, 0 unresolved sources"
    );
}

#[test]
fn findings_are_indexed_by_node() {
    let g = graph(&["a", "b"], &[]);
    let mut view = View::new(&g);
    assert!(view.findings_of(1).is_empty());
    view.add_finding(
        1,
        NodeFinding {
            rule: "r".into(),
            severity: Severity::Warning,
            message: "m".into(),
        },
    );
    assert_eq!(view.findings_of(1).len(), 1);
    assert!(view.findings_of(0).is_empty() && view.findings_of(7).is_empty());
}

#[test]
fn finding_lines_group_and_cut() {
    let g = graph(&["a"], &[]);
    let mut view = View::new(&g);
    let f = |rule: &str, severity| NodeFinding {
        rule: rule.to_string(),
        severity,
        message: String::new(),
    };
    view.add_finding(0, f("r0", Severity::Error));
    view.add_finding(0, f("r0", Severity::Error));
    view.add_finding(0, f("r0", Severity::Warning));
    assert_eq!(finding_lines(&view, 0), ["error: r0 ×2", "warning: r0"]);
    for i in 1..=MAX_FINDING_LINES {
        view.add_finding(0, f(&format!("r{i}"), Severity::Info));
    }
    let lines = finding_lines(&view, 0);
    assert_eq!(lines.len(), MAX_FINDING_LINES + 1);
    assert_eq!(lines.last().map(String::as_str), Some("+2 more"));
}

fn diagnostic(rule: &'static str, document: Option<usize>) -> Diagnostic {
    Diagnostic {
        rule,
        severity: Severity::Error,
        message: format!("{rule} message"),
        document,
        object: None,
        route: String::new(),
        span: Default::default(),
        label: String::new(),
        labels: Vec::new(),
        help: None,
        fix: None,
        related: Vec::new(),
        pending: None,
    }
}

#[test]
fn findings_come_from_the_document_of_each_node() {
    let mut nodes: Vec<Node> = ["a", "b"].iter().map(|n| node(n)).collect();
    // `b` is the second document of a.yaml.
    nodes[1].file = "a.yaml".into();
    nodes[1].document = 1;
    let g = Graph::new(nodes, Vec::new(), Vec::new());
    let a = [
        diagnostic("on-b", Some(1)),
        diagnostic("whole-file", None),
        diagnostic("on-a", Some(0)),
        diagnostic("not-a-node", Some(2)),
    ];
    let other = [diagnostic("elsewhere", Some(0))];
    let got = findings_of_files(&g, [("a.yaml", &a[..]), ("other.yaml", &other[..])]);
    let rules: Vec<Vec<&str>> = got
        .iter()
        .map(|f| f.iter().map(|f| f.rule.as_str()).collect())
        .collect();
    assert_eq!(rules, [vec!["on-a"], vec!["on-b"]]);
    assert_eq!(got[0][0].message, "on-a message");
}

#[test]
fn placeholder_sources_once_each_in_order() {
    // Edges sort by child: sources 1, 0, 1 (placeholders) and 2 (a remote).
    let mut edges = Vec::new();
    for (child, source, via) in [
        (1, 1, Match::PlaceholderPathExists),
        (2, 0, Match::PlaceholderPathExists),
        (3, 1, Match::PlaceholderPathExists),
        (3, 2, Match::Remote),
    ] {
        edges.push(Edge {
            parent: 0,
            child,
            source,
            via,
        });
    }
    let g = Graph::new(
        ["p", "a", "b", "c"].iter().map(|n| node(n)).collect(),
        edges,
        Vec::new(),
    );
    assert_eq!(placeholder_sources(&g, 0), [0, 1]);
    assert!(placeholder_sources(&g, 1).is_empty());
}

#[test]
fn lines_come_from_each_file_once() {
    let text = "# x\n---\napiVersion: v1\n---\napiVersion: argoproj.io/v1alpha1\n";
    let mut nodes: Vec<Node> = ["a", "b", "c"].iter().map(|n| node(n)).collect();
    // a: second document of m.yaml (line 3); c: fourth (line 5); b: a file with no text.
    nodes[0].file = "m.yaml".into();
    nodes[0].span = text.find("apiVersion: v1").unwrap_or(0)..text.len();
    nodes[2].file = "m.yaml".into();
    nodes[2].span = text.rfind("apiVersion").unwrap_or(0)..text.len();
    let g = Graph::new(nodes, Vec::new(), Vec::new());
    let lines = lines_of(&g, |f| (f == "m.yaml").then_some(text));
    assert_eq!(lines, [3, 0, 5]);
    let mut view = View::new(&g);
    view.lines = lines;
    assert_eq!(
        (view.location(0), view.location(1), view.line_of(1)),
        ("m.yaml:3".to_string(), "b.yaml".to_string(), None)
    );
}
