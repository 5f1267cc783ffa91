//! The graph as a Mermaid `flowchart` that renders in GitHub Markdown (inside a
//! ```` ```mermaid ```` fence).
//!
//! - Node ids are `n<NodeId>` (stable for a given tree: nodes are in file order), an
//!   unresolved source is `u<index>`.
//! - Labels are double-quoted; every character Mermaid or its HTML labels would read
//!   (`"`, `#`, `&`, `<`, `>`, backticks, `%`) is written as a `#<code>;` entity, controls
//!   are escaped ([`escape::text`]) so a label is one line, and a long name or path is cut
//!   to [`MAX_PART`] characters with `…`.
//! - Classes `cascade`, `orphan` and `unknown` colour the nodes; an edge is solid and
//!   labelled `prunes` when the parent prunes the child, dashed and labelled
//!   `does not prune` otherwise.

use std::fmt::Write as _;
use std::io;

use super::{
    cascade_class, cascade_words, edge_label, finding_lines, guess_words, kind_name, placeholder,
    prunes, qualified, Totals, View,
};
use crate::graph::model::{Edge, Graph, UnresolvedReason};
use crate::report::escape;

/// The longest name, path or message part of a label, in characters.
pub const MAX_PART: usize = 80;

const CLASSES: &str = "  classDef cascade fill:#dcfce7,stroke:#15803d,color:#14532d
  classDef orphan fill:#fee2e2,stroke:#b91c1c,color:#7f1d1d
  classDef unknown fill:#fef9c3,stroke:#a16207,color:#713f12
  classDef unresolved fill:#f3f4f6,stroke:#6b7280,stroke-dasharray:4 3,color:#374151
";

/// Writes the flowchart.
pub fn render(view: &View, out: &mut dyn io::Write) -> io::Result<()> {
    let graph = view.graph;
    let mut s = String::from("flowchart LR\n");
    let _ = writeln!(s, "  %% gitops-lint graph: {}", Totals::of(graph).line());
    s.push_str(CLASSES);
    for id in 0..graph.nodes.len() {
        let _ = writeln!(s, "  n{id}[\"{}\"]", node_label(view, id));
    }
    for (i, u) in graph.unresolved.iter().enumerate() {
        let path = graph.nodes[u.node]
            .sources
            .get(u.source)
            .and_then(|s| s.path.as_deref())
            .unwrap_or("");
        let what = match &u.reason {
            UnresolvedReason::PathMissing => format!("path missing: {}", label(path)),
            UnresolvedReason::KustomizeCycle(dir) => format!("kustomize cycle: {}", label(dir)),
        };
        let _ = writeln!(s, "  u{i}[\"unresolved source {}<br/>{what}\"]", u.source);
        let _ = writeln!(s, "  n{} -.-> u{i}", u.node);
    }
    for e in &graph.edges {
        let _ = writeln!(s, "  {}", edge_line(graph, e));
    }
    for class in ["cascade", "orphan", "unknown"] {
        let ids: Vec<String> = (0..graph.nodes.len())
            .filter(|&id| cascade_class(graph.nodes[id].cascade) == class)
            .map(|id| format!("n{id}"))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(s, "  class {} {class}", ids.join(","));
        }
    }
    if !graph.unresolved.is_empty() {
        let ids: Vec<String> = (0..graph.unresolved.len())
            .map(|i| format!("u{i}"))
            .collect();
        let _ = writeln!(s, "  class {} unresolved", ids.join(","));
    }
    out.write_all(s.as_bytes())
}

fn node_label(view: &View, id: usize) -> String {
    let graph = view.graph;
    let node = &graph.nodes[id];
    let mut parts = vec![
        format!("{} {}", kind_name(node.kind), label(&qualified(graph, id))),
        label(&view.location(id)),
        cascade_words(node.kind, node.cascade).to_string(),
    ];
    parts.extend(finding_lines(view, id).iter().map(|l| label(l)));
    parts.join("<br/>")
}

fn edge_line(graph: &Graph, e: &Edge) -> String {
    let arrow = if prunes(graph, e) { "-->" } else { "-.->" };
    let mut words = edge_label(graph, e).to_string();
    if placeholder(e) {
        words.push_str(", ");
        words.push_str(guess_words(e));
    }
    format!("n{} {arrow}|\"{words}\"| n{}", e.parent, e.child)
}

/// `s` as the text of a double-quoted Mermaid label: controls escaped, cut to
/// [`MAX_PART`] characters, and the characters Mermaid reads written as entities.
pub fn label(s: &str) -> String {
    let visible = escape::text(s);
    let mut out = String::with_capacity(visible.len() + 8);
    for (i, c) in visible.chars().enumerate() {
        if i == MAX_PART {
            out.push('…');
            break;
        }
        match c {
            '"' | '#' | '&' | '<' | '>' | '`' | '%' | ';' | '|' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_leave_nothing_mermaid_reads() {
        let got = label("a\"b#c<d>e`f%%{init}%%;|x\ny");
        assert_eq!(
            got,
            "a#34;b#35;c#60;d#62;e#96;f#37;#37;{init}#37;#37;#59;#124;x\\ny"
        );
        let long = "x".repeat(MAX_PART + 20);
        let cut = label(&long);
        assert_eq!(cut.chars().count(), MAX_PART + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(label("plain-name"), "plain-name");
    }

    /// What Mermaid shows: each `#<code>;` entity decoded.
    fn decode(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('#') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let end = after.find(';').unwrap_or(0);
            let code = after[..end].parse::<u32>().ok().and_then(char::from_u32);
            out.push(code.unwrap_or('?'));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn labels_decode_to_the_escaped_text() {
        for s in [
            "a\"b#c;d&amp;<e>`%%|",
            "#quot; #35; ##[x",
            "\u{202e}x\u{1b}]0;t\u{7}",
            "ünï ✓",
        ] {
            assert_eq!(decode(&label(s)), escape::text(s), "{s:?}");
        }
    }
}
