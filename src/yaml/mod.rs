//! A small YAML tree in which every node carries the byte span of its text.
//!
//! Built from `saphyr-parser` events ([`parse`]). The parser counts characters; the
//! conversion to byte offsets happens once, here, so nothing downstream sees a character
//! offset. Aliases are kept as [`NodeKind::Alias`] and never expanded by the parser, so
//! alias bombs cost nothing there; [`resolve`] reads a document as Kubernetes does (aliases
//! and merge keys resolved), within bounds.

pub mod fast;
mod parse;
mod resolve;

pub use parse::{
    parse, parse_each, parse_each_probed, parse_general, ParseOutput, ProbeState, Probes,
    SyntaxError, MAX_DEPTH,
};
pub use resolve::{is_merge_key, reads_plainly, resolve, AliasedText, Resolution, Unresolved};

use crate::source::Span;

/// A scalar's value: held inline when short (most keys and values of a manifest are), so
/// that reading a document allocates for its collections and long values only.
pub type Text = compact_str::CompactString;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Bytes of the node's text: a scalar with its quotes, a flow collection with its
    /// brackets, a block collection from its first to the end of its last child.
    pub span: Span,
    /// The anchor this node defines (`&a`), or for an alias the anchor it refers to: the
    /// parser's id (a redefined name gets a new id), 0 for none.
    pub anchor: usize,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar { value: Text, style: Style },
    Mapping { entries: Vec<Entry>, flow: bool },
    Sequence { items: Vec<Node>, flow: bool },
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// One YAML document of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based index of the document in the file.
    pub index: usize,
    pub root: Node,
    /// The document defines an anchor, or uses an alias or a merge key (`<<`): reading it
    /// as Kubernetes would needs [`resolve`].
    pub refs: bool,
}

impl Node {
    /// The value of a scalar node, else `None`.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Whether this is a plain scalar meaning null (`~`, `null`, empty).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, style: Style::Plain }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Whether this is a plain scalar meaning boolean true.
    pub fn is_true(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, style: Style::Plain }
            if matches!(value.as_str(), "true" | "True" | "TRUE"))
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            NodeKind::Mapping { entries, .. } => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Sequence { items, .. } => items,
            _ => &[],
        }
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self.kind, NodeKind::Mapping { .. })
    }

    /// The entry of a mapping whose key is the scalar `key` (the first one, as
    /// Kubernetes' decoder would reject duplicates anyway).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key.as_str() == Some(key))
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follow a dotted route of mapping keys, e.g. `spec.template.metadata`.
    pub fn at(&self, route: &str) -> Option<&Node> {
        // (A byte search: the routes are short, and `split` cost more than the lookups.)
        let mut node = self;
        let mut rest = route;
        while let Some(dot) = rest.bytes().position(|b| b == b'.') {
            node = node.get(&rest[..dot])?;
            rest = &rest[dot + 1..];
        }
        node.get(rest)
    }

    /// Follow a dotted route, returning the last entry (key and value).
    pub fn entry_at(&self, route: &str) -> Option<&Entry> {
        match route.rsplit_once('.') {
            Some((parent, last)) => self.at(parent)?.entry(last),
            None => self.entry(route),
        }
    }
}
