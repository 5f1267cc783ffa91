//! What the app graph says about the objects of one file, for the rules: the facts a
//! per-file check cannot know (its parents, whether they prune it, its children).
//!
//! Keys are repo-relative `/`-separated paths, as in [`Node::file`](super::Node).

use std::collections::HashMap;
use std::sync::Arc;

use super::model::Graph;

/// The graph facts of one file's objects.
#[derive(Debug, Clone, Default)]
pub struct FileContext {}

/// The repository analysis: the graph, and the facts per file derived from it.
#[derive(Debug, Default)]
pub struct Analysis {
    pub graph: Graph,
    files: HashMap<String, FileContext>,
}

impl Analysis {
    /// Derives the per-file facts. `text_of` gives the text of a file holding a node
    /// (repo-relative path), from the bytes the walk read.
    pub fn new(graph: Graph, text_of: &dyn Fn(&str) -> Option<Arc<str>>) -> Analysis {
        let _ = text_of;
        Analysis {
            graph,
            files: HashMap::new(),
        }
    }

    /// The facts of the objects in `file` (repo-relative), if the graph has any.
    pub fn file(&self, file: &str) -> Option<&FileContext> {
        self.files.get(file)
    }
}
