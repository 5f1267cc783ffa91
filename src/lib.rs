//! gitops-lint: finds Argo CD objects whose deletion would orphan their resources.
//!
//! Data flows one way: [`discover`] → [`source`] → [`template`] / [`yaml`] →
//! [`objects`] → [`rules`] → [`report`].

pub mod cli;
pub mod diagnostic;
pub mod discover;
pub mod kustomize;
pub mod lint;
pub mod objects;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod template;
pub mod yaml;
