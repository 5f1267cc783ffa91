//! The repository analysis after the walk: the Kustomize patch set and the app graph,
//! both from the texts the walk kept (a kustomization the walk did not read — above a
//! named file, or not a linted name — is read here, once).

use super::paths::repo_relative;
use super::walk::{Facts, Kustomization};
use crate::graph::context::Analysis;
use crate::graph::{self, Repo, Tree};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Add the kustomizations of `listed` (every one the visit met) that the walk did not
/// read, read now.
pub fn complete_kustomizations(
    facts: &mut Facts,
    listed: &[PathBuf],
    root: Option<&Path>,
    cwd: Option<&Path>,
) {
    let absolute = |p: &Path| match cwd {
        Some(cwd) => crate::kustomize::normalize(&cwd.join(p)),
        None => crate::kustomize::normalize(p),
    };
    let read: HashSet<PathBuf> = facts
        .kustomizations
        .iter()
        .map(|k| absolute(&k.path))
        .collect();
    for path in listed {
        if read.contains(&absolute(path)) {
            continue;
        }
        facts.kustomizations.push(Kustomization {
            path: path.clone(),
            rel: root.and_then(|root| repo_relative(path, root, cwd)),
            text: crate::read::read_text(path).map(Arc::from),
        });
    }
}

/// The files named as patches by the kustomizations (normalised paths), from their kept
/// texts.
pub fn patch_set(facts: &Facts) -> HashSet<PathBuf> {
    crate::kustomize::patch_set_of(
        facts
            .kustomizations
            .iter()
            .filter_map(|k| Some((k.path.as_path(), k.text.as_deref()?))),
    )
}

/// The app graph of the repository and its per-file facts. Nodes of Kustomize patch
/// files are left out (their objects are fragments).
pub fn analyse(
    facts: &mut Facts,
    patches: &HashSet<PathBuf>,
    remotes: &[String],
    configured: &[String],
) -> Analysis {
    let is_patch =
        |p: &Path| !patches.is_empty() && patches.contains(&crate::kustomize::normalize(p));
    facts.node_files.retain(|_, f| !is_patch(&f.path));
    let mut node_files: Vec<(&String, &mut super::walk::NodeFile)> =
        facts.node_files.iter_mut().collect();
    node_files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let nodes: Vec<graph::Node> = node_files
        .into_iter()
        .flat_map(|(_, f)| std::mem::take(&mut f.nodes))
        .collect();
    let mut files: Vec<String> = std::mem::take(&mut facts.files);
    files.extend(facts.kustomizations.iter().filter_map(|k| k.rel.clone()));
    files.sort_unstable();
    files.dedup();
    let kustomizations: HashMap<&str, &Arc<str>> = facts
        .kustomizations
        .iter()
        .filter_map(|k| Some((k.rel.as_deref()?, k.text.as_ref()?)))
        .collect();
    let read = |p: &str| kustomizations.get(p).map(|t| t.to_string());
    let tree = Tree {
        files: &files,
        read: &read,
    };
    let repo = Repo {
        remotes,
        configured,
    };
    let graph = graph::build(nodes, &tree, &repo);
    let text_of = |p: &str| {
        facts
            .node_files
            .get(p)
            .and_then(|f| f.text.clone())
            .or_else(|| kustomizations.get(p).map(|t| Arc::clone(t)))
    };
    let analysis = Analysis::new(graph, &text_of);
    facts.files = files;
    analysis
}
