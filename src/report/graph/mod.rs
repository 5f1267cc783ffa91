//! The output of `gitops-lint graph`: the [`Graph`] of Applications as a text tree
//! ([`text`]), versioned JSON ([`json`]), a Mermaid flowchart ([`mermaid`]) or a Graphviz
//! digraph ([`dot`]). The format is described in `docs/graph.md`.
//!
//! Every format shows, for each node, its kind, namespace/name, file, whether deleting it
//! cascades or orphans ([`Cascade`]) and the findings on it; for each edge, whether the
//! parent prunes the child when the child's file leaves Git ([`prunes`]) and how the
//! parent's source was taken as this repository ([`Match`]); and the unresolved sources.
//! Text built from file names or content goes through [`crate::report::escape`].

pub mod dot;
pub mod json;
pub mod mermaid;
pub mod text;
mod tree;

pub use tree::{rows, Mark, Row};

use std::collections::HashMap;
use std::io;

use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::model::{AppKind, Cascade, Edge, Graph, Match, NodeId, UnresolvedReason};
use crate::source::LineIndex;

/// The formats of `gitops-lint graph --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A tree from each root, coloured on a terminal.
    Text,
    /// One versioned JSON document (docs/graph.md).
    Json,
    /// A Mermaid `flowchart` (renders in GitHub Markdown).
    Mermaid,
    /// A Graphviz `digraph` (`dot -Tsvg`).
    Dot,
}

/// A finding on one node, as the graph shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFinding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
}

/// What is rendered: the graph, the findings on each node (indexed by [`NodeId`]; a
/// shorter list means no findings on the rest), the 1-based line where each node's
/// document starts (indexed by [`NodeId`]; 0 or missing: not shown, see [`lines_of`]) and
/// whether text may be coloured.
#[derive(Debug, Clone)]
pub struct View<'g> {
    pub graph: &'g Graph,
    pub findings: Vec<Vec<NodeFinding>>,
    pub lines: Vec<usize>,
    pub color: bool,
}

impl<'g> View<'g> {
    /// A view of `graph` without findings, lines or colour.
    pub fn new(graph: &'g Graph) -> View<'g> {
        View {
            graph,
            findings: Vec::new(),
            lines: Vec::new(),
            color: false,
        }
    }

    /// The 1-based line of `node`'s document, if known.
    pub fn line_of(&self, node: NodeId) -> Option<usize> {
        self.lines.get(node).copied().filter(|&l| l > 0)
    }

    /// `file` or `file:line` (raw: escape before output).
    pub fn location(&self, node: NodeId) -> String {
        let file = &self.graph.nodes[node].file;
        match self.line_of(node) {
            Some(line) => format!("{file}:{line}"),
            None => file.clone(),
        }
    }

    /// Adds a finding on `node`.
    pub fn add_finding(&mut self, node: NodeId, finding: NodeFinding) {
        if self.findings.len() <= node {
            self.findings.resize_with(node + 1, Vec::new);
        }
        self.findings[node].push(finding);
    }

    /// The findings on `node`.
    pub fn findings_of(&self, node: NodeId) -> &[NodeFinding] {
        self.findings
            .get(node)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// The findings on each node (indexed by [`NodeId`], for [`View::findings`]) out of the
/// diagnostics of each file (`file` repo-relative, as [`crate::graph::Node::file`]): a
/// diagnostic belongs to the node defined by its document. A diagnostic of no document
/// (a whole-file one) or of a document that is not a node is on no node.
pub fn findings_of_files<'d>(
    graph: &Graph,
    files: impl IntoIterator<Item = (&'d str, &'d [Diagnostic])>,
) -> Vec<Vec<NodeFinding>> {
    let mut by_doc: HashMap<(&str, usize), NodeId> = HashMap::new();
    for (id, n) in graph.nodes.iter().enumerate() {
        by_doc.entry((n.file.as_str(), n.document)).or_insert(id);
    }
    let mut findings = vec![Vec::new(); graph.nodes.len()];
    for (file, diagnostics) in files {
        for d in diagnostics {
            let Some(&id) = d.document.and_then(|doc| by_doc.get(&(file, doc))) else {
                continue;
            };
            findings[id].push(NodeFinding {
                rule: d.rule.to_string(),
                severity: d.severity,
                message: d.message.clone(),
            });
        }
    }
    findings
}

/// The 1-based line where each node's document starts (for [`View::lines`]), from the
/// text of its file (`text_of(file)`; 0 when unknown). One line index per file.
pub fn lines_of<'t>(graph: &Graph, text_of: impl Fn(&str) -> Option<&'t str>) -> Vec<usize> {
    let mut lines = vec![0; graph.nodes.len()];
    let mut order: Vec<NodeId> = (0..graph.nodes.len()).collect();
    order.sort_by(|&a, &b| graph.nodes[a].file.cmp(&graph.nodes[b].file));
    let mut current: Option<(&str, Option<(&str, LineIndex)>)> = None;
    for id in order {
        let node = &graph.nodes[id];
        if current.as_ref().is_none_or(|(f, _)| *f != node.file) {
            let text = text_of(&node.file).map(|t| (t, LineIndex::new(t)));
            current = Some((&node.file, text));
        }
        if let Some((_, Some((text, index)))) = &current {
            if node.span.start <= text.len() {
                lines[id] = index.line_of(node.span.start);
            }
        }
    }
    lines
}

/// Writes `view` in `format` to `out`.
pub fn render(view: &View, format: GraphFormat, out: &mut dyn io::Write) -> io::Result<()> {
    match format {
        GraphFormat::Text => text::render(view, out),
        GraphFormat::Json => json::render(view, out),
        GraphFormat::Mermaid => mermaid::render(view, out),
        GraphFormat::Dot => dot::render(view, out),
    }
}

/// Whether `edge`'s parent deletes its child when the child's file leaves Git: the parent
/// prunes and the child has no `Prune=false` annotation.
/// A generated Application is deleted when its generator's directory, file or element
/// goes (the ApplicationSet's default `applicationsSync` policy).
pub fn prunes(graph: &Graph, edge: &Edge) -> bool {
    if edge.via == Match::Generator {
        return true;
    }
    let (parent, child) = (&graph.nodes[edge.parent], &graph.nodes[edge.child]);
    parent.prune && !child.keeps_on_prune
}

/// What an edge does when the child's file leaves Git, in words.
pub fn prune_words(graph: &Graph, edge: &Edge) -> &'static str {
    if edge.via == Match::Generator {
        "generated: deleted when its generator's entry goes"
    } else if prunes(graph, edge) {
        "pruned when its file leaves Git"
    } else if !graph.nodes[edge.parent].prune {
        "not pruned: the parent does not prune"
    } else {
        "not pruned: Prune=false on it"
    }
}

/// An edge's label in the Mermaid and dot formats: `prunes`, `does not prune` (the
/// parent does not prune) or `does not prune: Prune=false` (the child keeps itself).
pub fn edge_label(graph: &Graph, edge: &Edge) -> &'static str {
    if edge.via == Match::Generator {
        "generates"
    } else if prunes(graph, edge) {
        "prunes"
    } else if !graph.nodes[edge.parent].prune {
        "does not prune"
    } else {
        "does not prune: Prune=false"
    }
}

/// Whether the edge's source was taken as this repository by a guess: a placeholder
/// `repoURL`, or any Git URL while this repository's own URL is unknown.
pub fn placeholder(edge: &Edge) -> bool {
    matches!(
        edge.via,
        Match::PlaceholderPathExists | Match::UnknownRepoPathExists
    )
}

/// The short words for a guessed edge (Mermaid and dot labels).
pub fn guess_words(edge: &Edge) -> &'static str {
    match edge.via {
        Match::UnknownRepoPathExists => "repository not known",
        _ => "placeholder repoURL",
    }
}

/// The indexes of `node`'s sources taken as this repository through a placeholder
/// `repoURL` (sorted, once each).
pub fn placeholder_sources(graph: &Graph, node: NodeId) -> Vec<usize> {
    let mut list: Vec<usize> = graph
        .children(node)
        .filter(|e| placeholder(e))
        .map(|e| e.source)
        .collect();
    list.sort_unstable();
    list.dedup();
    list
}

/// The note for one source taken as this repository because of a placeholder, with its `repoURL` and `path` (raw: escape
/// before output).
pub fn placeholder_words(graph: &Graph, node: NodeId, source: usize) -> String {
    let src = graph.nodes[node].sources.get(source);
    let url = src.map_or("", |s| s.repo_url.as_str());
    let path = src.and_then(|s| s.path.as_deref()).unwrap_or("");
    let unknown = graph
        .children(node)
        .any(|e| e.source == source && e.via == Match::UnknownRepoPathExists);
    if unknown {
        format!(
            "note: source {source} repoURL `{url}` may be another repository (no git remote, no `repositories:` configured); taken as this repository because its path `{path}` exists"
        )
    } else {
        format!(
            "note: source {source} repoURL `{url}` is a placeholder; taken as this repository because its path `{path}` exists"
        )
    }
}

pub fn kind_name(kind: AppKind) -> &'static str {
    kind.name()
}

/// What deleting a node does, in words.
pub fn cascade_words(kind: AppKind, cascade: Cascade) -> &'static str {
    match (kind, cascade) {
        (AppKind::Application, Cascade::Yes) => "cascades (deletes its resources)",
        (AppKind::Application, Cascade::No) => "orphans (leaves its resources running)",
        (AppKind::ApplicationSet, Cascade::Yes) => {
            "cascades (its Applications delete their resources)"
        }
        (AppKind::ApplicationSet, Cascade::No) => {
            "orphans (its Applications leave their resources running)"
        }
        (_, Cascade::Unknown) => "cascade unknown (templated finalizers)",
    }
}

/// One word for a node's cascade: `cascade`, `orphan` or `unknown` (class names).
pub fn cascade_class(cascade: Cascade) -> &'static str {
    match cascade {
        Cascade::Yes => "cascade",
        Cascade::No => "orphan",
        Cascade::Unknown => "unknown",
    }
}

/// At most this many finding lines in a Mermaid or dot label.
pub const MAX_FINDING_LINES: usize = 6;

/// The findings on `node` for a label: `severity: rule` once per pair (`×n` when
/// repeated), in order of first appearance, cut to [`MAX_FINDING_LINES`] with a
/// `+n more` line (raw: escape before output).
pub fn finding_lines(view: &View, node: NodeId) -> Vec<String> {
    let mut pairs: Vec<(Severity, &str, usize)> = Vec::new();
    for f in view.findings_of(node) {
        match pairs
            .iter_mut()
            .find(|p| p.0 == f.severity && p.1 == f.rule)
        {
            Some(p) => p.2 += 1,
            None => pairs.push((f.severity, &f.rule, 1)),
        }
    }
    let mut lines: Vec<String> = pairs
        .iter()
        .take(MAX_FINDING_LINES)
        .map(|(sev, rule, n)| match n {
            1 => format!("{}: {rule}", sev.as_str()),
            n => format!("{}: {rule} ×{n}", sev.as_str()),
        })
        .collect();
    if pairs.len() > MAX_FINDING_LINES {
        lines.push(format!("+{} more", pairs.len() - MAX_FINDING_LINES));
    }
    lines
}

/// `namespace/name`, or `name` when no namespace is written (raw: escape before output).
pub fn qualified(graph: &Graph, node: NodeId) -> String {
    let n = &graph.nodes[node];
    match &n.namespace {
        Some(ns) => format!("{ns}/{}", n.name),
        None => n.name.clone(),
    }
}

/// One unresolved source in words (raw: escape before output).
pub fn unresolved_words(
    graph: &Graph,
    node: NodeId,
    source: usize,
    reason: &UnresolvedReason,
) -> String {
    let path = graph.nodes[node]
        .sources
        .get(source)
        .and_then(|s| s.path.as_deref())
        .unwrap_or("");
    match reason {
        UnresolvedReason::PathMissing => {
            format!("unresolved: source {source} path `{path}` is not in the tree")
        }
        UnresolvedReason::KustomizeCycle(dir) => {
            format!("unresolved: source {source} kustomization cycle at `{dir}`")
        }
    }
}

/// The totals of the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub applications: usize,
    pub application_sets: usize,
    pub roots: usize,
    pub cycles: usize,
    pub unresolved: usize,
}

impl Totals {
    pub fn of(graph: &Graph) -> Totals {
        let sets = graph
            .nodes
            .iter()
            .filter(|n| n.kind == AppKind::ApplicationSet)
            .count();
        Totals {
            applications: graph.nodes.len() - sets,
            application_sets: sets,
            roots: graph.roots().len(),
            cycles: graph.cycles().len(),
            unresolved: graph.unresolved.len(),
        }
    }

    /// `3 Applications, 1 ApplicationSet, 1 root, 0 cycles, 1 unresolved source`.
    pub fn line(&self) -> String {
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        [
            n(self.applications, "Application", "Applications"),
            n(self.application_sets, "ApplicationSet", "ApplicationSets"),
            n(self.roots, "root", "roots"),
            n(self.cycles, "cycle", "cycles"),
            n(self.unresolved, "unresolved source", "unresolved sources"),
        ]
        .join(", ")
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
