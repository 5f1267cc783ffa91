//! The repository-level graph of Argo CD Applications: which parent Application syncs the
//! file that defines which child Application (app of apps, Kubefirst's `registry`).
//!
//! Built by [`crate::session`] after the walk, from the facts it gathers:
//! - [`repo`]: which `repoURL`s name the linted repository (URL keys, `.git/config`
//!   remotes, configured repositories, placeholders).
//! - [`resolve`]: what one source syncs, as files of the tree (directory, Kustomize, Helm).
//! - [`glob`]: Argo CD's `directory.include` / `exclude` patterns.
//! - [`model`]: nodes, edges, lookups and a cycle-safe walk.
//! - [`appset`]: an ApplicationSet's generators and template, and the directories a git
//!   directory generator selects; [`appset_params`]: the parameter sets of git generators;
//!   [`appset_render`]: template strings rendered with them; [`appset_expand`]: the
//!   generated Applications as nodes, owned by their ApplicationSet.
//! - [`read`]: Applications out of parsed documents; [`build`](mod@build): the graph over
//!   a tree.
//! - [`context`]: the facts per file the rules use; [`derive`]: those facts from the graph.
//!
//! Its output (`gitops-lint graph`: text, JSON, Mermaid, dot) is [`crate::report::graph`].
//!
//! The working tree stands for every `targetRevision` (nothing is checked out).
//! The git directory, git file and list generators of an ApplicationSet are expanded into
//! generated Application nodes (named by the template, best effort); matrix, merge,
//! cluster, SCM and other generators are not, and the ApplicationSet says so
//! ([`appset::AppSetSpec::not_expanded`]). An ApplicationSet that generated nothing has its
//! template sources resolved like an Application's.

pub mod appset;
pub mod appset_expand;
pub mod appset_params;
pub mod appset_render;
pub mod build;
pub mod context;
pub mod derive;
pub mod glob;
pub mod model;
pub mod read;
pub mod repo;
pub mod resolve;

pub use build::{build, node_of, nodes_of, Repo};
pub use model::{
    AppKind, Cascade, Edge, Generated, Graph, Match, Node, NodeId, Step, Unresolved,
    UnresolvedReason, Visit,
};
pub use repo::{is_placeholder, is_this_repo, remote_urls, remotes_of, repo_key, UrlMatch};
pub use resolve::{resolve as resolve_source, Resolved, Source, SourceKind, Tree};
