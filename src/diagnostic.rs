//! The diagnostic model shared by rules and renderers. Spans are byte ranges into the
//! file as stored; renderers convert them to line/column.

use crate::source::Span;
use std::sync::Arc;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The Kubernetes object a diagnostic is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    /// Where the object sits in its document (empty for the document's root object).
    #[serde(skip)]
    pub route: crate::route::Route,
}

/// A secondary label: another span worth pointing at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// A text edit: replace `span` with `content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, e.g. "Add `resources-finalizer.argocd.argoproj.io`".
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// 0-based index of the YAML document in the file.
    pub document: Option<usize>,
    pub object: Option<ObjectRef>,
    /// Route to the node the diagnostic is about, e.g. `metadata.finalizers`.
    pub route: String,
    /// Primary span (bytes into the file as stored).
    pub span: Span,
    /// What the primary span shows, for renderers that draw labels.
    pub label: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// Other places worth showing, possibly in other files (a parent Application).
    pub related: Vec<Related>,
    /// Set on a finding the walk made before the app graph was known: what the graph must
    /// say for it to stand ([`crate::rules::graph::resolve`] keeps, rewrites or drops it).
    pub pending: Option<Pending>,
}

/// A location related to a diagnostic, possibly in another file. Its line and column are
/// taken when the relation is made (the other file's text is not kept for rendering).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The path as the report shows paths.
    pub path: String,
    pub span: Span,
    /// 1-based line and column (in characters) of `span.start`.
    pub line: usize,
    pub column: usize,
    /// The text of the line `span` starts on, without its line break.
    pub excerpt: String,
    pub message: String,
}

/// What the app graph must show for a finding of the walk to stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// A finding on the object `object` that the graph keeps, rewrites or drops.
    Finding {
        check: GraphCheck,
        object: NodeKey,
        /// Suppressed in the walk by the file's suppression number `slot` (see
        /// [`Pending::UnusedSuppression`]): it counts as used only if the finding stands.
        suppressed: Option<usize>,
    },
    /// An `unused-suppression` of suppression number `slot` (the file's comment rules, then
    /// its annotations), which suppressed only pending findings: it stands unless one of
    /// them does.
    UnusedSuppression { slot: usize },
}

/// Which graph node a pending finding is about: its document and `metadata.name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeKey {
    pub document: usize,
    pub name: String,
}

/// The graph-dependent part of a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphCheck {
    /// `missing-finalizer` on an Application: the message names its parents and what
    /// removing its file does. `what` is the object as the message describes it.
    MissingFinalizer { what: String },
    /// `unpruned-children` candidate: stands only if the object has Application children.
    /// `reason`: why it does not prune, as the message says it.
    UnprunedChildren { what: String, reason: String },
    /// `cascade-deletes-argocd` candidate (the object cascades): stands if it deploys Argo
    /// CD itself (`direct`: told by its own text) or cascades down to an Application that
    /// does.
    CascadeDeletesArgoCd { what: String, direct: bool },
    /// `multiple-parents` candidate: stands only if two parents sync the object's file.
    MultipleParents { what: String },
}

/// Everything found in one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as found from the working directory, `/`-separated.
    pub path: String,
    /// The path's exact bytes, only when `path` does not spell them (a name that is not
    /// UTF-8, shown with U+FFFD in `path`, or a `\\` shown as `/`). JSON writes them as
    /// `path_bytes`, SARIF percent-encodes them, human formats escape the invalid bytes.
    pub path_bytes: Option<Vec<u8>>,
    /// The file's text, kept only when there are diagnostics to render. For a file that is
    /// not valid UTF-8 this is the valid prefix.
    pub source: Option<Arc<str>>,
    pub diagnostics: Vec<Diagnostic>,
}
