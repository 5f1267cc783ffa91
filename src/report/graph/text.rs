//! The graph as a tree with box-drawing characters, one tree per root:
//!
//! ```text
//! argocd/registry  Application  registry/clusters/mgmt/registry.yaml  cascades (deletes its resources)
//! ├── argocd/registry ↻ cycle: syncs its own file, not followed; pruned when its file leaves Git
//! └── argocd/vault  Application  registry/clusters/mgmt/vault.yaml  orphans (leaves its resources running); pruned when its file leaves Git
//!     │ note: source 0 repoURL `<GITOPS_REPO_URL>` is a placeholder; taken as this repository because its path `registry/clusters/mgmt` exists
//!     │ warning[missing-finalizer] …
//!     └── …
//! ```
//!
//! Every name, path and message is escaped ([`escape::text`]) and every line neutralised
//! ([`escape::neutralize`]) whatever the environment: no terminal escape and no GitHub
//! workflow command can come from the repository. ANSI colours only when
//! [`View::color`].

use std::io;

use super::{
    cascade_words, kind_name, placeholder_sources, placeholder_words, prune_words, qualified, rows,
    unresolved_words, Mark, Row, Totals, View,
};
use crate::diagnostic::Severity;
use crate::graph::model::Cascade;
use crate::report::escape;

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const DIM: &str = "2";
const BOLD: &str = "1";

/// The deepest level drawn with tree lines; below it a line starts with `⋯<depth> ` (a
/// chain of thousands of Applications prints lines of bounded length).
pub const MAX_INDENT: usize = 32;

/// Writes the trees, then the summary line.
pub fn render(view: &View, out: &mut dyn io::Write) -> io::Result<()> {
    let graph = view.graph;
    let mut unresolved: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for (i, u) in graph.unresolved.iter().enumerate() {
        if let Some(list) = unresolved.get_mut(u.node) {
            list.push(i);
        }
    }
    for tree in rows(graph) {
        let last = last_siblings(&tree);
        // For each depth ≥ 1 on the current path: whether a later sibling follows.
        let mut open: Vec<bool> = Vec::new();
        for (i, row) in tree.iter().enumerate() {
            open.truncate(row.depth.saturating_sub(1));
            let branch = match (row.depth, last[i]) {
                (0, _) => "",
                (_, true) => "└── ",
                (_, false) => "├── ",
            };
            let head = format!("{}{branch}{}", indent(&open), header(view, row));
            line(out, &head)?;
            if row.depth > 0 {
                open.push(!last[i]);
            }
            let has_children = tree.get(i + 1).is_some_and(|next| next.depth > row.depth);
            let detail = format!(
                "{}{}",
                indent(&open),
                if has_children { "│ " } else { "  " }
            );
            for d in details(view, row, &unresolved) {
                line(out, &format!("{detail}{d}"))?;
            }
        }
    }
    line(out, &paint(&Totals::of(graph).line(), BOLD, view.color))
}

/// The tree lines of the ancestors (`open`: whether each has a later sibling), at most
/// [`MAX_INDENT`] of them.
fn indent(open: &[bool]) -> String {
    let mut s: String = open
        .iter()
        .take(MAX_INDENT)
        .map(|&o| if o { "│   " } else { "    " })
        .collect();
    if open.len() > MAX_INDENT {
        s.push_str(&format!("⋯{} ", open.len() + 1));
    }
    s
}

fn line(out: &mut dyn io::Write, s: &str) -> io::Result<()> {
    writeln!(out, "{}", escape::neutralize(s))
}

/// For each row, whether no later sibling follows it under the same parent.
fn last_siblings(tree: &[Row]) -> Vec<bool> {
    let mut seen: Vec<bool> = Vec::new();
    let mut last = vec![true; tree.len()];
    for (i, row) in tree.iter().enumerate().rev() {
        seen.resize(row.depth + 1, false);
        last[i] = !seen[row.depth];
        seen[row.depth] = true;
    }
    last
}

fn paint(s: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// The node's line: name, kind, file and cascade (or a cycle / shown-above mark), then
/// what the edge to it does.
fn header(view: &View, row: &Row) -> String {
    let graph = view.graph;
    let node = &graph.nodes[row.node];
    let name = paint(&escape::text(&qualified(graph, row.node)), BOLD, view.color);
    let mut s = match row.mark {
        Mark::Expanded => {
            let code = match node.cascade {
                Cascade::Yes => GREEN,
                Cascade::No => RED,
                Cascade::Unknown => YELLOW,
            };
            let cascade = paint(cascade_words(node.kind, node.cascade), code, view.color);
            format!(
                "{name}  {}  {}  {cascade}",
                kind_name(node.kind),
                escape::text(&view.location(row.node))
            )
        }
        Mark::ShownAbove => format!("{name} {}", paint("(shown above)", DIM, view.color)),
        Mark::Cycle => {
            let what = match row.edge {
                Some(e) if e.parent == e.child => "↻ cycle: syncs its own file, not followed",
                _ => "↻ cycle: syncs an Application above it, not followed",
            };
            format!("{name} {}", paint(what, YELLOW, view.color))
        }
    };
    if let Some(edge) = row.edge {
        s.push_str("; ");
        s.push_str(prune_words(graph, edge));
    }
    s
}

/// The lines under an expanded node: its findings, its sources taken as this repository
/// through a placeholder, and its unresolved sources.
fn details(view: &View, row: &Row, unresolved: &[Vec<usize>]) -> Vec<String> {
    let mut lines = Vec::new();
    if row.mark != Mark::Expanded {
        return lines;
    }
    for f in view.findings_of(row.node) {
        let code = match f.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Info => DIM,
        };
        let tag = format!("{}[{}]", f.severity.as_str(), escape::text(&f.rule));
        lines.push(format!(
            "{} {}",
            paint(&tag, code, view.color),
            escape::text(&f.message)
        ));
    }
    let graph = view.graph;
    for source in placeholder_sources(graph, row.node) {
        let words = placeholder_words(graph, row.node, source);
        lines.push(paint(&escape::text(&words), DIM, view.color));
    }
    let mine = unresolved
        .get(row.node)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for u in mine.iter().map(|&i| &graph.unresolved[i]) {
        let words = unresolved_words(graph, u.node, u.source, &u.reason);
        lines.push(paint(&escape::text(&words), YELLOW, view.color));
    }
    lines
}
