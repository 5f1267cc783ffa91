//! The graph as a Graphviz `digraph` (`gitops-lint graph --format dot | dot -Tsvg`).
//!
//! Every ID and label is a double-quoted string (never an HTML-like `<…>` label): `\`
//! and `"` are backslash-escaped, controls are escaped ([`escape::text`]) so user text
//! never breaks a line, and the label's own line breaks are `\n`. Node ids are
//! `n<NodeId>`; an unresolved source is `u<index>`. Fill colours follow the cascade
//! (green: cascades, red: orphans, yellow: unknown); an edge is solid and labelled
//! `prunes` when the parent prunes the child, dashed and labelled `does not prune`
//! otherwise.

use std::fmt::Write as _;
use std::io;

use super::{
    cascade_class, cascade_words, edge_label, finding_lines, guess_words, kind_name, placeholder,
    prunes, qualified, Totals, View,
};
use crate::graph::model::{Cascade, UnresolvedReason};
use crate::report::escape;

/// Writes the digraph.
pub fn render(view: &View, out: &mut dyn io::Write) -> io::Result<()> {
    let graph = view.graph;
    let mut s = String::from("digraph \"gitops-lint\" {\n");
    let _ = writeln!(s, "  // {}", Totals::of(graph).line());
    s.push_str("  rankdir=LR;\n");
    s.push_str("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (id, node) in graph.nodes.iter().enumerate() {
        let mut lines = vec![
            format!("{} {}", kind_name(node.kind), qualified(graph, id)),
            view.location(id),
            cascade_words(node.kind, node.cascade).to_string(),
        ];
        lines.extend(finding_lines(view, id));
        let (fill, border) = colours(node.cascade);
        let _ = writeln!(
            s,
            "  \"n{id}\" [label={}, fillcolor=\"{fill}\", color=\"{border}\", class=\"{}\"];",
            label(&lines),
            cascade_class(node.cascade)
        );
    }
    for (i, u) in graph.unresolved.iter().enumerate() {
        let path = graph.nodes[u.node]
            .sources
            .get(u.source)
            .and_then(|s| s.path.clone())
            .unwrap_or_default();
        let what = match &u.reason {
            UnresolvedReason::PathMissing => format!("path missing: {path}"),
            UnresolvedReason::KustomizeCycle(dir) => format!("kustomize cycle: {dir}"),
        };
        let text = label(&[format!("unresolved source {}", u.source), what]);
        let _ = writeln!(
            s,
            "  \"u{i}\" [label={text}, style=\"dashed,filled\", fillcolor=\"#f3f4f6\", class=\"unresolved\"];"
        );
        let _ = writeln!(s, "  \"n{}\" -> \"u{i}\" [style=dotted];", u.node);
    }
    for e in &graph.edges {
        let style = if prunes(graph, e) { "solid" } else { "dashed" };
        let mut words = edge_label(graph, e).to_string();
        if placeholder(e) {
            words.push_str("\\n");
            words.push_str(guess_words(e));
        }
        let _ = writeln!(
            s,
            "  \"n{}\" -> \"n{}\" [label=\"{words}\", style={style}];",
            e.parent, e.child
        );
    }
    s.push_str("}\n");
    out.write_all(s.as_bytes())
}

fn colours(cascade: Cascade) -> (&'static str, &'static str) {
    match cascade {
        Cascade::Yes => ("#dcfce7", "#15803d"),
        Cascade::No => ("#fee2e2", "#b91c1c"),
        Cascade::Unknown => ("#fef9c3", "#a16207"),
    }
}

/// The longest line of a label, in characters: a longer name or path is cut with `…`
/// (a readable box; labels stay far from the sizes a Graphviz scanner may refuse).
pub const MAX_LINE: usize = 256;

/// `lines` as one double-quoted DOT string, joined by `\n` line breaks.
pub fn label(lines: &[String]) -> String {
    let parts: Vec<String> = lines.iter().map(|l| quote_part(l)).collect();
    format!("\"{}\"", parts.join("\\n"))
}

/// The inside of a DOT string: controls escaped, then `\` and `"` backslash-escaped,
/// `&` written `&amp;` (Graphviz reads entities in labels) and the `[` of `##[` written
/// `&#91;` (a GitHub runner command marker, should the text reach a CI log).
fn quote_part(s: &str) -> String {
    let visible = escape::text(s);
    let mut out = String::with_capacity(visible.len() + 4);
    for (i, c) in visible.chars().enumerate() {
        if i == MAX_LINE {
            out.push('…');
            break;
        }
        match c {
            '\\' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '[' if out.ends_with("##") => out.push_str("&#91;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_and_escaped() {
        let got = label(&["a\"b\\c\nd<e>".to_string(), "second".to_string()]);
        assert_eq!(got, r#""a\"b\\c\\nd<e>\nsecond""#);
        // A trailing backslash cannot escape the closing quote.
        assert_eq!(label(&["x\\".to_string()]), r#""x\\""#);
        assert_eq!(label(&["a&b ##[c".to_string()]), r#""a&amp;b ##&#91;c""#);
        let long = label(&["\"".repeat(MAX_LINE * 10)]);
        assert_eq!(long.chars().count(), 2 * MAX_LINE + 3, "cut, then quoted");
    }
}
