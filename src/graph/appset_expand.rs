//! ApplicationSet generated Applications as nodes: one per parameter set of each git
//! directory, git file and list generator, named by rendering the template's
//! `metadata.name` ([`super::appset_render`]), with the template's sources rendered the
//! same way so that a generated Application's path resolves to its own children.
//!
//! The ApplicationSet owns what it generates: deleting it, or removing the directory, file
//! or list element, deletes the generated Application ([`Match::Generator`] edges). A
//! git generator counts only for this repository (a remote or configured URL, or a
//! placeholder whose patterns match something); other generators are recorded as
//! [`NotExpanded`] on the ApplicationSet.

use super::appset::{
    generated_directories, AppSetSpec, Generator, GitExtras, NotExpanded, NotExpandedReason, Params,
};
use super::appset_params::{directory_params, file_params, generated_files};
use super::appset_render::render;
use super::model::{AppKind, Edge, Generated, Match, Node, NodeId};
use super::repo::Repo;
use super::repo::{is_this_repo, UrlMatch};
use super::resolve::{Source, Tree};

/// At most this many Applications generated per ApplicationSet (a `*` pattern over a huge
/// tree); the rest are left out and the ApplicationSet says so.
pub const MAX_GENERATED: usize = 10_000;

/// Appends the generated Applications of every ApplicationSet of `nodes` and returns the
/// edges ApplicationSet → generated Application. Records the generators left unexpanded
/// on their ApplicationSet.
pub fn expand(nodes: &mut Vec<Node>, tree: &Tree, repo: &Repo) -> Vec<Edge> {
    let mut edges = Vec::new();
    for set in 0..nodes.len() {
        let Some(spec) = nodes[set].appset.take() else {
            continue;
        };
        // the ApplicationSet without its spec: what generated nodes are cloned from
        let base = nodes[set].clone();
        let mut names: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut skipped = Vec::new();
        let mut count = 0;
        for (index, generator) in spec.generators.iter().enumerate() {
            let Some(sets) = param_sets(generator, tree, repo, spec.go_template) else {
                skipped.push(not_expanded(
                    index,
                    generator,
                    NotExpandedReason::OtherRepository,
                ));
                continue;
            };
            for params in sets {
                if count >= MAX_GENERATED {
                    skipped.push(not_expanded(index, generator, NotExpandedReason::TooMany));
                    break;
                }
                let node = generated(&base, &spec, &params, set, index);
                // Argo CD refuses duplicate names: the first one stands for them. Names
                // left unrendered may differ once rendered: all are kept.
                let rendered = node.generated.is_some_and(|g| g.name_rendered);
                if rendered && !names.insert(node.name.clone()) {
                    continue;
                }
                count += 1;
                edges.push(Edge {
                    parent: set,
                    child: nodes.len(),
                    source: index,
                    via: Match::Generator,
                });
                nodes.push(node);
            }
        }
        let mut spec = spec;
        spec.not_expanded.extend(skipped);
        spec.not_expanded.sort_by_key(|n| n.generator);
        spec.not_expanded.dedup();
        nodes[set].appset = Some(spec);
    }
    edges
}

fn not_expanded(generator: usize, g: &Generator, reason: NotExpandedReason) -> NotExpanded {
    let kind = match g {
        Generator::Directories(_) | Generator::Files(_) => "git",
        Generator::List(_) => "list",
        Generator::Other(k) => k.as_str(),
    };
    NotExpanded {
        generator,
        kind: kind.to_string(),
        reason,
    }
}

/// The parameter sets of one generator; `None` for a git generator of another repository.
/// [`Generator::Other`] gives none (already recorded when the spec was read).
fn param_sets(g: &Generator, tree: &Tree, repo: &Repo, go: bool) -> Option<Vec<Params>> {
    let ours = |url: &str| is_this_repo(url, repo.remotes, repo.configured);
    match g {
        Generator::Directories(d) => {
            let url = ours(&d.repo_url);
            if url == UrlMatch::Other {
                return None;
            }
            let dirs = generated_directories(&d.patterns, tree);
            if url == UrlMatch::Placeholder && dirs.is_empty() {
                return None;
            }
            let sets = dirs.iter().map(|p| directory_params(p, go)).collect();
            Some(with_extras(sets, &d.extras, go))
        }
        Generator::Files(f) => {
            let url = ours(&f.repo_url);
            if url == UrlMatch::Other {
                return None;
            }
            let files = generated_files(&f.patterns, tree);
            if url == UrlMatch::Placeholder && files.is_empty() {
                return None;
            }
            // files are read only until there are more sets than can be generated
            let mut sets = Vec::new();
            for file in &files {
                if sets.len() > MAX_GENERATED {
                    break;
                }
                let Some(text) = (tree.read)(file) else {
                    continue;
                };
                sets.extend(file_params(file, &text, go).unwrap_or_default());
            }
            Some(with_extras(sets, &f.extras, go))
        }
        Generator::List(elements) => Some(elements.clone()),
        Generator::Other(_) => Some(Vec::new()),
    }
}

/// `pathParamPrefix` and `values` of a git generator applied to its parameter sets.
fn with_extras(sets: Vec<Params>, extras: &GitExtras, go: bool) -> Vec<Params> {
    if extras.path_param_prefix.is_none() && extras.values.is_empty() {
        return sets;
    }
    sets.into_iter()
        .map(|set| {
            let mut set: Params = match &extras.path_param_prefix {
                Some(prefix) => set
                    .into_iter()
                    .map(|(k, v)| {
                        let is_path =
                            k == "path" || k.starts_with("path.") || k.starts_with("path[");
                        (if is_path { format!("{prefix}.{k}") } else { k }, v)
                    })
                    .collect(),
                None => set,
            };
            for (key, template) in &extras.values {
                let value = render(template, &set, go).unwrap_or_else(|| template.clone());
                set.insert(format!("values.{key}"), value);
            }
            set
        })
        .collect()
}

/// The Application generated from `set` (an ApplicationSet node) with `params`.
fn generated(
    set_node: &Node,
    spec: &AppSetSpec,
    params: &Params,
    set: NodeId,
    index: usize,
) -> Node {
    let go = spec.go_template;
    let name = render(&spec.name, params, go);
    let name_rendered = name.is_some();
    let text = |t: &str| render(t, params, go).unwrap_or_else(|| t.to_string());
    let sources = set_node
        .sources
        .iter()
        .map(|s| Source {
            repo_url: text(&s.repo_url),
            path: s.path.as_deref().map(text),
            include: s.include.as_deref().map(text),
            exclude: s.exclude.as_deref().map(text),
            ..s.clone()
        })
        .collect();
    Node {
        kind: AppKind::Application,
        name: name.unwrap_or_else(|| spec.name.clone()),
        // created in the ApplicationSet's namespace unless the template names one
        namespace: spec
            .namespace
            .as_deref()
            .map(text)
            .or_else(|| set_node.namespace.clone()),
        sources,
        appset: None,
        generated: Some(Generated {
            by: set,
            generator: index,
            name_rendered,
        }),
        ..set_node.clone()
    }
}

#[cfg(test)]
#[path = "appset_expand_tests.rs"]
mod tests;
