use super::*;

fn node(name: &str) -> Node {
    Node {
        kind: AppKind::Application,
        namespace: None,
        name: name.into(),
        file: format!("{name}.yaml"),
        document: 0,
        span: 0..0,
        cascade: Cascade::No,
        keeps_on_prune: false,
        keeps_on_delete: false,
        prune: true,
        sources: Vec::new(),
        appset: None,
        generated: None,
        name_span: 0..0,
        destination_namespace: None,
        installs_argocd: false,
        name_place: None,
    }
}

fn graph(n: usize, edges: &[(usize, usize)]) -> Graph {
    let nodes = (0..n).map(|i| node(&format!("n{i}"))).collect();
    let edges = edges
        .iter()
        .map(|&(parent, child)| Edge {
            parent,
            child,
            source: 0,
            via: Match::Remote,
        })
        .collect();
    Graph::new(nodes, edges, Vec::new())
}

fn steps(g: &Graph, root: NodeId) -> Vec<(usize, NodeId, Step)> {
    let mut out = Vec::new();
    g.walk(root, &mut |v| out.push((v.depth, v.node, v.step)));
    out
}

#[test]
fn walk_reports_cycle_and_diamond_without_looping() {
    // 0 → 1 → 2 → 0 (cycle), 0 → 3 → 2 (diamond)
    let g = graph(4, &[(0, 1), (1, 2), (2, 0), (0, 3), (3, 2)]);
    assert_eq!(
        steps(&g, 0),
        [
            (0, 0, Step::Enter),
            (1, 1, Step::Enter),
            (2, 2, Step::Enter),
            (3, 0, Step::Cycle),
            (1, 3, Step::Enter),
            (2, 2, Step::Seen),
        ]
    );
    assert_eq!(
        g.cycles(),
        [vec![0, 1, 2]],
        "one cycle for the looping group"
    );
    assert!(g.roots().is_empty());
}

#[test]
fn self_managed_root_and_lookups() {
    let g = graph(3, &[(0, 0), (0, 1), (0, 2), (0, 1)]);
    assert_eq!(g.edges.len(), 3, "duplicate edge kept once");
    assert_eq!(g.roots(), [0]);
    assert_eq!(
        g.children(0).map(|e| e.child).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(g.parents(2).map(|e| e.parent).collect::<Vec<_>>(), [0]);
    assert_eq!(g.cycles(), [vec![0]]);
    assert_eq!(steps(&g, 0)[1], (1, 0, Step::Cycle));
    assert_eq!(g.find(None, "n2"), Some(2));
    assert_eq!(g.find(Some("argocd"), "n2"), None);
    assert_eq!(g.children(99).count(), 0);
    assert!(steps(&g, 99).is_empty());
}

#[test]
fn out_of_range_edges_are_dropped() {
    let g = graph(2, &[(0, 5), (7, 1), (0, 1)]);
    assert_eq!(g.edges.len(), 1);
    assert_eq!(g.roots(), [0]);
    assert!(g.cycles().is_empty());
}

#[test]
fn deep_chain_does_not_overflow_the_stack() {
    let n = 200_000;
    let edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).chain([(n - 1, 0)]).collect();
    let g = graph(n, &edges);
    let mut deepest = 0;
    g.walk(0, &mut |v| deepest = deepest.max(v.depth));
    assert_eq!(deepest, n);
    assert_eq!(g.cycles().len(), 1);
    assert_eq!(g.cycles()[0].len(), n);
}

#[test]
fn separate_cycles_are_each_found() {
    // 0 ⇄ 1, 2 → 3 → 4 → 2, 5 → 5, 6 alone
    let g = graph(7, &[(0, 1), (1, 0), (2, 3), (3, 4), (4, 2), (5, 5)]);
    assert_eq!(g.cycles(), [vec![0, 1], vec![2, 3, 4], vec![5]]);
    assert_eq!(g.roots(), [5, 6]);
}
