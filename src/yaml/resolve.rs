//! Reading a document as Kubernetes does: aliases replaced by the nodes they name and merge
//! keys (`<<`) applied.
//!
//! Resolution copies the document, expanding each alias; an alias bomb would make the copy
//! huge, so the copy is bounded (in nodes, by a multiple of the document's own size) and
//! in depth: past either bound the document cannot be read and [`resolve`] says so.

use super::{Entry, Node, NodeKind, Style, MAX_DEPTH};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// A document as Kubernetes reads it.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// The resolved root. Nodes keep the spans of the text they were copied from: an
    /// alias's copy has the spans of the anchored node, an entry supplied by a merge key the
    /// spans of the merged mapping's entry.
    pub root: Node,
    /// Spans of the anchored nodes that an alias refers to: editing their text changes
    /// every user of the anchor.
    pub aliased: Vec<Span>,
}

/// Why a document could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub span: Span,
    pub reason: String,
}

/// Nodes a resolution may create beyond the document's own: aliases expand, but not to
/// more than about twice the document's text.
const SLACK: usize = 1024;

/// Resolve aliases and merge keys of the document rooted at `root`.
pub fn resolve(root: &Node) -> Result<Resolution, Unresolved> {
    let mut anchors: HashMap<usize, &Node> = HashMap::new();
    let mut used: HashSet<usize> = HashSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if matches!(n.kind, NodeKind::Alias) {
            used.insert(n.anchor);
        } else if n.anchor > 0 {
            anchors.insert(n.anchor, n);
        }
        for e in n.entries() {
            stack.push(&e.key);
            stack.push(&e.value);
        }
        stack.extend(n.items());
    }
    let aliased = used
        .iter()
        .filter_map(|id| anchors.get(id).map(|n| n.span.clone()))
        .collect();
    let mut r = Resolver {
        anchors,
        budget: 2 * root.span.len() + SLACK,
    };
    let root = r.node(root, 0)?;
    Ok(Resolution { root, aliased })
}

struct Resolver<'a> {
    anchors: HashMap<usize, &'a Node>,
    /// Nodes that may still be created.
    budget: usize,
}

/// Whether `key` is the merge key `<<` (plain: a quoted `"<<"` is an ordinary key).
pub fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar { value, style: Style::Plain } if value == "<<")
}

impl Resolver<'_> {
    fn node(&mut self, n: &Node, depth: usize) -> Result<Node, Unresolved> {
        if depth > 2 * MAX_DEPTH {
            return Err(unresolved(n, "aliases nest too deep"));
        }
        self.budget = self
            .budget
            .checked_sub(1)
            .ok_or_else(|| unresolved(n, "aliases expand past the size limit"))?;
        let kind = match &n.kind {
            NodeKind::Alias => {
                let target = *self
                    .anchors
                    .get(&n.anchor)
                    .ok_or_else(|| unresolved(n, "an alias to an anchor outside the document"))?;
                return self.node(target, depth + 1);
            }
            NodeKind::Scalar { .. } => n.kind.clone(),
            NodeKind::Sequence { items, flow } => NodeKind::Sequence {
                items: items
                    .iter()
                    .map(|i| self.node(i, depth + 1))
                    .collect::<Result<_, _>>()?,
                flow: *flow,
            },
            NodeKind::Mapping { entries, flow } => NodeKind::Mapping {
                entries: self.entries(entries, depth)?,
                flow: *flow,
            },
        };
        Ok(Node {
            span: n.span.clone(),
            anchor: n.anchor,
            kind,
        })
    }

    /// A mapping's entries: its own, in order, then those of the mappings merged in (`<<:
    /// m` or `<<: [m1, m2]`) whose keys it does not have; of the merged mappings, the
    /// earlier wins (YAML merge key semantics).
    fn entries(&mut self, entries: &[Entry], depth: usize) -> Result<Vec<Entry>, Unresolved> {
        let mut out = Vec::with_capacity(entries.len());
        let mut merges = Vec::new();
        for e in entries {
            if is_merge_key(&e.key) {
                merges.push(e);
                continue;
            }
            out.push(Entry {
                key: self.node(&e.key, depth + 1)?,
                value: self.node(&e.value, depth + 1)?,
            });
        }
        if merges.is_empty() {
            return Ok(out);
        }
        let mut seen: HashSet<String> = out
            .iter()
            .filter_map(|e| e.key.as_str().map(str::to_string))
            .collect();
        for m in merges {
            let value = self.node(&m.value, depth + 1)?;
            let sources = match value.kind {
                NodeKind::Mapping { entries, .. } => vec![entries],
                NodeKind::Sequence { items, .. } => items
                    .into_iter()
                    .map(|i| match i.kind {
                        NodeKind::Mapping { entries, .. } => Ok(entries),
                        _ => Err(unresolved(&m.value, "a merge key over a non-mapping")),
                    })
                    .collect::<Result<_, _>>()?,
                _ if value.is_null() => Vec::new(),
                _ => return Err(unresolved(&m.value, "a merge key over a non-mapping")),
            };
            for e in sources.into_iter().flatten() {
                let new = match e.key.as_str() {
                    Some(k) => seen.insert(k.to_string()),
                    None => true,
                };
                if new {
                    out.push(e);
                }
            }
        }
        Ok(out)
    }
}

/// Whether what the checks read of a document is written out plainly, so that it reads
/// the same whether or not aliases and merge keys are resolved: a mapping without a merge
/// key and without `items` (a List), whose `apiVersion` and `kind` are not aliases and
/// whose `metadata` holds no alias and no merge key at any depth.
pub fn reads_plainly(root: &Node) -> bool {
    if !root.is_mapping() || root.get("items").is_some() {
        return false;
    }
    if root.entries().iter().any(|e| is_merge_key(&e.key)) {
        return false;
    }
    let not_alias = |k: &str| {
        !root
            .get(k)
            .is_some_and(|n| matches!(n.kind, NodeKind::Alias))
    };
    if !not_alias("apiVersion") || !not_alias("kind") {
        return false;
    }
    let mut stack: Vec<&Node> = root.get("metadata").into_iter().collect();
    while let Some(n) = stack.pop() {
        if matches!(n.kind, NodeKind::Alias) {
            return false;
        }
        for e in n.entries() {
            if is_merge_key(&e.key) {
                return false;
            }
            stack.push(&e.key);
            stack.push(&e.value);
        }
        stack.extend(n.items());
    }
    true
}

fn unresolved(n: &Node, reason: &str) -> Unresolved {
    Unresolved {
        span: n.span.clone(),
        reason: reason.to_string(),
    }
}

/// The text of the anchored nodes that aliases refer to ([`Resolution::aliased`]), for
/// point queries in O(log n): an edit there changes every user of the anchor.
pub struct AliasedText {
    /// Regions sorted by start, and the furthest end among each prefix.
    regions: Vec<(usize, usize)>,
    max_end: Vec<usize>,
}

impl AliasedText {
    /// Each node's span, extended to the end of its last line: a line added to a block
    /// collection right after its last child still belongs to it.
    pub fn new(text: &str, aliased: &[Span]) -> Self {
        let mut regions: Vec<(usize, usize)> = aliased
            .iter()
            .map(|s| {
                let end = s.end.min(text.len());
                let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                (s.start, line_end)
            })
            .collect();
        regions.sort_unstable();
        let mut max_end = Vec::with_capacity(regions.len());
        let mut furthest = 0;
        for &(_, end) in &regions {
            furthest = furthest.max(end);
            max_end.push(furthest);
        }
        AliasedText { regions, max_end }
    }

    /// Whether an edit at `at` lands in aliased text.
    pub fn contains(&self, at: usize) -> bool {
        let n = self.regions.partition_point(|&(start, _)| start <= at);
        n > 0 && self.max_end[n - 1] >= at
    }
}
