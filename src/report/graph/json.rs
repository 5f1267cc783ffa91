//! The graph as one JSON document, version 1 (docs/graph.md describes every field).
//! Strings are exact (written through [`escape::write_json`]: controls as `\u` escapes).

use std::io;

use serde::Serialize;

use super::{prunes, Totals, View};
use crate::diagnostic::Severity;
use crate::graph::model::{Cascade, Match, UnresolvedReason};
use crate::report::escape;

/// The version of the document's format: a new field keeps it, a changed or removed
/// field raises it.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge>,
    roots: Vec<usize>,
    cycles: Vec<Vec<usize>>,
    unresolved: Vec<JsonUnresolved<'a>>,
    summary: Totals,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: usize,
    kind: &'static str,
    namespace: Option<&'a str>,
    name: &'a str,
    file: &'a str,
    /// 1-based line of the document's start, when known.
    line: Option<usize>,
    document: usize,
    cascade: &'static str,
    prune: bool,
    keeps_on_prune: bool,
    sources: Vec<JsonSource<'a>>,
    findings: Vec<JsonFinding<'a>>,
    /// For an Application an ApplicationSet generates: the ApplicationSet's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    generated_by: Option<usize>,
}

#[derive(Serialize)]
struct JsonSource<'a> {
    #[serde(rename = "repoURL")]
    repo_url: &'a str,
    path: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonEdge {
    parent: usize,
    child: usize,
    source: usize,
    via: &'static str,
    prunes: bool,
}

#[derive(Serialize)]
struct JsonUnresolved<'a> {
    node: usize,
    source: usize,
    reason: &'static str,
    path: Option<&'a str>,
    /// The kustomization directory met again (`kustomize-cycle` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    directory: Option<&'a str>,
}

/// Writes the document, pretty-printed, with a final newline.
pub fn render(view: &View, out: &mut dyn io::Write) -> io::Result<()> {
    escape::write_json(out, &document(view), true)?;
    writeln!(out)
}

fn document<'a>(view: &'a View) -> Document<'a> {
    let graph = view.graph;
    let nodes = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(id, n)| JsonNode {
            id,
            kind: n.kind.name(),
            namespace: n.namespace.as_deref(),
            name: &n.name,
            file: &n.file,
            line: view.line_of(id),
            document: n.document,
            cascade: match n.cascade {
                Cascade::Yes => "yes",
                Cascade::No => "no",
                Cascade::Unknown => "unknown",
            },
            prune: n.prune,
            keeps_on_prune: n.keeps_on_prune,
            sources: n
                .sources
                .iter()
                .map(|s| JsonSource {
                    repo_url: &s.repo_url,
                    path: s.path.as_deref(),
                })
                .collect(),
            findings: view
                .findings_of(id)
                .iter()
                .map(|f| JsonFinding {
                    rule: &f.rule,
                    severity: f.severity,
                    message: &f.message,
                })
                .collect(),
            generated_by: n.generated.as_ref().map(|g| g.by),
        })
        .collect();
    let edges = graph
        .edges
        .iter()
        .map(|e| JsonEdge {
            parent: e.parent,
            child: e.child,
            source: e.source,
            via: via(e.via),
            prunes: prunes(graph, e),
        })
        .collect();
    let unresolved = graph
        .unresolved
        .iter()
        .map(|u| {
            let path = graph.nodes[u.node]
                .sources
                .get(u.source)
                .and_then(|s| s.path.as_deref());
            let (reason, directory) = match &u.reason {
                UnresolvedReason::PathMissing => ("path-missing", None),
                UnresolvedReason::KustomizeCycle(dir) => ("kustomize-cycle", Some(dir.as_str())),
            };
            JsonUnresolved {
                node: u.node,
                source: u.source,
                reason,
                path,
                directory,
            }
        })
        .collect();
    Document {
        version: VERSION,
        nodes,
        edges,
        roots: graph.roots(),
        cycles: graph.cycles(),
        unresolved,
        summary: Totals::of(graph),
    }
}

fn via(m: Match) -> &'static str {
    match m {
        Match::Remote => "remote",
        Match::Configured => "configured",
        Match::PlaceholderPathExists => "placeholder-path-exists",
        Match::UnknownRepoPathExists => "unknown-repo-path-exists",
        Match::Generator => "generator",
    }
}
