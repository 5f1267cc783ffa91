//! The control blocks of a template (`if` / `else if` / `else` / `end`, `with`, `range`,
//! `define`, and their Jinja and FreeMarker counterparts) as nested branches with spans,
//! built in one pass over the actions.

use super::lang::{Control, Syntax};
use crate::source::Span;

/// One branch of a control block: the text between the action that opens it and the
/// action that closes it (the next `else` or the `end`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub body: Span,
    /// The block (if-chain) it belongs to: the branches of one block exclude each other.
    pub block: usize,
    /// The body is rendered only on a condition.
    pub conditional: bool,
    /// The conditions it depends on, as written (`.Values.cascade`).
    pub conds: Vec<String>,
    /// The branch it is nested in.
    pub parent: Option<usize>,
    /// How many branches it is nested in.
    pub depth: usize,
}

/// The control blocks of a file, nested and in order.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    branches: Vec<Branch>,
    /// From each position on (until the next), the innermost branch holding it: a
    /// look-up is a binary search, whatever the nesting before it.
    innermost: Vec<(usize, Option<usize>)>,
}

impl Blocks {
    /// Build the blocks from the actions `spans` of `text`, in order. An `end` without an
    /// open block is ignored; a block that is not closed runs to the end of the text.
    pub fn build<'s>(text: &str, spans: impl Iterator<Item = &'s Span>, syntax: Syntax) -> Blocks {
        let mut branches: Vec<Branch> = Vec::new();
        // The open branches, innermost last.
        let mut open: Vec<usize> = Vec::new();
        let mut blocks = 0;
        let mut innermost = Vec::new();
        for span in spans {
            let Some(control) = syntax.control(&text[span.clone()]) else {
                continue;
            };
            let depth = open.len();
            match control {
                Control::Open { cond, conditional } => {
                    innermost.push((span.start, open.last().copied()));
                    branches.push(Branch {
                        body: span.end..text.len(),
                        block: blocks,
                        conditional,
                        conds: if cond.is_empty() {
                            Vec::new()
                        } else {
                            vec![cond]
                        },
                        parent: open.last().copied(),
                        depth,
                    });
                    blocks += 1;
                    open.push(branches.len() - 1);
                }
                Control::Else { cond } => {
                    let Some(current) = open.pop() else { continue };
                    innermost.push((span.start, branches[current].parent));
                    branches[current].body.end = span.start;
                    let prev = &branches[current];
                    let mut conds = prev.conds.clone();
                    if !cond.is_empty() {
                        conds.push(cond);
                    }
                    branches.push(Branch {
                        body: span.end..text.len(),
                        block: prev.block,
                        conditional: true,
                        conds,
                        parent: prev.parent,
                        depth: prev.depth,
                    });
                    open.push(branches.len() - 1);
                }
                Control::End => {
                    if let Some(current) = open.pop() {
                        innermost.push((span.start, branches[current].parent));
                        branches[current].body.end = span.start;
                    }
                }
            }
            innermost.push((span.end, open.last().copied()));
        }
        Blocks {
            branches,
            innermost,
        }
    }

    /// The innermost branch holding `pos`.
    fn innermost(&self, pos: usize) -> Option<usize> {
        let after = self.innermost.partition_point(|&(from, _)| from <= pos);
        let (_, at) = self.innermost.get(after.checked_sub(1)?)?;
        // Inside the closing action itself the branch has ended.
        let mut at = (*at)?;
        loop {
            let b = &self.branches[at];
            if b.body.start <= pos && pos < b.body.end {
                return Some(at);
            }
            at = b.parent?;
        }
    }

    /// The branches holding `pos`, innermost first.
    fn around(&self, pos: usize) -> impl Iterator<Item = &Branch> {
        std::iter::successors(self.innermost(pos).map(|i| &self.branches[i]), |b| {
            b.parent.map(|p| &self.branches[p])
        })
    }

    /// The conditions of the conditional branches that hold `pos` but not `anchor`
    /// (e.g. the object's `kind`): what decides, inside the object, whether `pos` is
    /// rendered. Empty when `pos` is rendered whenever the object is.
    pub fn conditions(&self, pos: usize, anchor: usize) -> Vec<String> {
        let mut out = Vec::new();
        for b in self.around(pos) {
            if b.body.start <= anchor && anchor < b.body.end {
                break;
            }
            if b.conditional {
                for c in b.conds.iter().rev() {
                    if !out.contains(c) {
                        out.push(c.clone());
                    }
                }
            }
        }
        out.reverse();
        out
    }

    /// Whether `a` and `b` are in different branches of one block (never both rendered):
    /// where the branches around them part, the two branches belong to one block. The
    /// walk goes up from both to their common branch only.
    pub fn exclusive(&self, a: usize, b: usize) -> bool {
        let (mut x, mut y) = (self.innermost(a), self.innermost(b));
        let depth = |i: Option<usize>| i.map_or(0, |i| self.branches[i].depth + 1);
        let parent = |i: Option<usize>| i.and_then(|i| self.branches[i].parent);
        while depth(x) > depth(y) {
            x = parent(x);
        }
        while depth(y) > depth(x) {
            y = parent(y);
        }
        while let (Some(i), Some(j)) = (x, y) {
            if i == j {
                return false;
            }
            if parent(x) == parent(y) {
                return self.branches[i].block == self.branches[j].block;
            }
            x = parent(x);
            y = parent(y);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Blocks {
        let spans: Vec<Span> = memchr::memmem::find_iter(text.as_bytes(), b"{{")
            .map(|s| s..s + text[s..].find("}}").unwrap() + 2)
            .collect();
        Blocks::build(text, spans.iter(), Syntax::Go)
    }

    #[test]
    fn branches_nest_and_exclude() {
        let t =
            "A {{ if .x }} B {{ if .y }} C {{ end }} {{ else if .z }} D {{ else }} E {{ end }} F";
        let b = blocks(t);
        let at = |s: &str| t.find(s).unwrap();
        assert_eq!(b.conditions(at("C"), 0), [".x", ".y"]);
        assert_eq!(b.conditions(at("C"), at("B")), [".y"]);
        assert_eq!(b.conditions(at("D"), 0), [".x", ".z"]);
        assert_eq!(b.conditions(at("E"), 0), [".x", ".z"]);
        assert!(b.conditions(at("F"), 0).is_empty());
        assert!(b.exclusive(at("C"), at("E")) && b.exclusive(at("D"), at("B")));
        assert!(!b.exclusive(at("B"), at("C")) && !b.exclusive(at("A"), at("D")));
        assert!(!b.exclusive(at("F"), at("E")));
    }

    #[test]
    fn exclusive_where_the_branches_part() {
        let t = "{{ if .a }} P {{ end }} {{ if .b }} Q {{ end }} {{ if .c }}{{ if .x }} R {{ end }}{{ else }}{{ with .y }} S {{ end }}{{ end }} T";
        let b = blocks(t);
        let at = |s: &str| t.find(s).unwrap();
        assert!(!b.exclusive(at("P"), at("Q")), "two blocks side by side");
        assert!(b.exclusive(at("R"), at("S")) && b.exclusive(at("S"), at("R")));
        assert!(!b.exclusive(at("R"), at("T")) && !b.exclusive(at("T"), at("T")));
        assert!(
            b.conditions(at("{{ end }} T"), 0).is_empty(),
            "inside a closing action"
        );
        // Deep nesting: look-ups do not walk the closed branches before them.
        let deep = format!(
            "{} X {}{{{{ if .z }}}} Y {{{{ else }}}} Z {{{{ end }}}}",
            "{{ if .d }}".repeat(5000),
            "{{ end }}".repeat(5000)
        );
        let b = blocks(&deep);
        let at = |s: &str| deep.find(s).unwrap();
        assert_eq!(b.conditions(at(" X "), 0).len(), 1);
        assert!(b.exclusive(at(" Y "), at(" Z ")) && !b.exclusive(at(" X "), at(" Z ")));
    }

    #[test]
    fn range_names_what_it_ranges_over() {
        let t = "{{- range $i, $app := .Values.apps }} X {{- with $app.finalizers -}} Y {{ end }}{{ end }}";
        let b = blocks(t);
        assert_eq!(
            b.conditions(t.find('Y').unwrap(), 0),
            [".Values.apps", "$app.finalizers"]
        );
    }

    #[test]
    fn unbalanced_blocks_do_not_panic() {
        let t = "{{ end }} A {{ else }} {{ if .x }} B";
        let b = blocks(t);
        assert_eq!(b.conditions(t.find('B').unwrap(), 0), [".x"]);
        assert!(b.conditions(t.find('A').unwrap(), 0).is_empty());
    }
}
