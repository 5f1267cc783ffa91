//! Routes: where a node sits in a document, from its root through keys, sequence items
//! and the documents of manifest strings.

use crate::yaml::{Node, NodeKind};

/// One step of a [`Route`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// The value under a mapping key.
    Key(String),
    /// An item of a sequence.
    Index(usize),
    /// The n-th YAML document of the manifest held in a string (the route so far).
    Document(usize),
}

/// Where an object sits: from the document root through keys, sequence indices and the
/// documents of manifest strings. Rendered as `extraObjects[0]`,
/// `spec.templates[1].resource.manifest#0` (`#n`: document n of the string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Route(pub Vec<Segment>);

impl Route {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// This route with `segment` added.
    pub fn join(&self, segment: Segment) -> Route {
        let mut r = self.clone();
        r.0.push(segment);
        r
    }

    /// The node at this route's segments from `skip` on, in the tree as written: through
    /// explicit keys (the first of a name) and items only, never an alias.
    pub fn follow_from<'a>(&self, skip: usize, root: &'a Node) -> Option<&'a Node> {
        let mut node = root;
        for seg in self.0.get(skip..)? {
            if matches!(node.kind, NodeKind::Alias) {
                return None;
            }
            node = match seg {
                Segment::Key(k) => node.get(k)?,
                Segment::Index(i) => node.items().get(*i)?,
                Segment::Document(_) => return None,
            };
        }
        (!matches!(node.kind, NodeKind::Alias)).then_some(node)
    }
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Document(n) => write!(f, "#{n}")?,
            }
        }
        Ok(())
    }
}
