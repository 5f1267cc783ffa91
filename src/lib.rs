//! gitops-lint: finds Argo CD objects whose deletion would orphan their resources.
//!
//! Data flows one way: [`discover`] → [`source`] → [`template`] / [`yaml`] →
//! [`objects`] → [`rules`] → [`report`].

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod distance;
pub mod embedded;
pub mod fix;
pub mod graph;
pub mod helm_apps;
pub mod helm_inline;
pub mod helm_stage;
pub mod helm_tools;
pub mod kustomize;
pub mod lint;
pub mod objects;
pub mod plan;
pub mod read;
pub mod report;
pub mod route;
pub mod rule_data;
pub mod rules;
pub mod safety;
pub mod selection;
pub mod session;
pub mod settings;
pub mod source;
pub mod summary;
pub mod suppress;
pub mod sync;
pub mod template;
pub mod yaml;
