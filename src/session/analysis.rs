//! The repository analysis after the walk: the Kustomize patch set and the app graph,
//! both from the texts the walk kept (a kustomization the walk did not read — above a
//! named file, or not a linted name — is read here, once).

use super::files::Files;
use super::paths::repo_relative;
use super::walk::{Facts, Kustomization};
use crate::graph::context::Analysis;
use crate::graph::{self, Repo, Tree};
use crate::kustomize::Kustomize;
use rayon::slice::ParallelSliceMut;
use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

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
    // Mostly the walk read each as listed (the same path): told apart without
    // normalising; the others (spelled otherwise, or not read) are compared normalised.
    let walked: HashSet<&OsStr> = facts
        .kustomizations
        .iter()
        .map(|k| k.path.as_os_str())
        .collect();
    let unread: Vec<&PathBuf> = listed
        .iter()
        .filter(|p| !walked.contains(p.as_os_str()))
        .collect();
    if unread.is_empty() {
        return;
    }
    let read: HashSet<PathBuf> = walked.iter().map(|p| absolute(Path::new(p))).collect();
    for path in unread {
        if read.contains(&absolute(path)) {
            continue;
        }
        let rel = root.and_then(|root| repo_relative(path, root, cwd));
        let kustomization = match crate::read::read_text(path) {
            Some(text) => Kustomization::of(path.clone(), rel, text.as_bytes()),
            None => Kustomization::with(path.clone(), rel, None),
        };
        facts.kustomizations.push(kustomization);
    }
}

/// The files named as patches by the kustomizations (normalised paths), from the facts
/// the walk took of them.
pub fn patch_set(facts: &Facts) -> PatchSet {
    let patches = facts.kustomizations.iter().flat_map(|k| k.patch_files());
    PatchSet::new(patches.map(PathBuf::into_os_string).collect())
}

/// The Kustomize patch files (normalised paths), asked of every file holding nodes and
/// every file with findings: a path whose file name no patch has is told apart without
/// being normalised.
#[derive(Debug, Default)]
pub struct PatchSet {
    /// Normalised paths, hashed as bytes (a `Path` hashes component by component).
    paths: HashSet<OsString>,
    names: HashSet<OsString>,
}

impl PatchSet {
    pub fn new(paths: HashSet<OsString>) -> PatchSet {
        let names = paths
            .iter()
            .filter_map(|p| Path::new(p).file_name().map(|n| n.to_os_string()))
            .collect();
        PatchSet { paths, names }
    }

    /// Whether the file at `path` (as walked) is a patch.
    pub fn contains(&self, path: &Path) -> bool {
        !self.paths.is_empty()
            && path.file_name().is_some_and(|n| self.names.contains(n))
            && self
                .paths
                .contains(crate::kustomize::normalize(path).as_os_str())
    }
}

/// The app graph of the repository and its per-file facts. Nodes of Kustomize patch
/// files are left out (their objects are fragments).
pub fn analyse(
    facts: &mut Facts,
    patches: &PatchSet,
    remotes: &[String],
    configured: &[String],
    files_of: Option<Files>,
) -> Analysis {
    let mut files: Vec<String> = std::mem::take(&mut facts.files);
    files.extend(facts.kustomizations.iter().filter_map(|k| k.rel.clone()));
    // The nodes in file order, and the tree's listing sorted: at once.
    let (node_files, nodes) = (&mut facts.node_files, &mut facts.nodes);
    rayon::join(
        || super::walk::sort_node_files(node_files, nodes),
        || {
            files.par_sort_unstable();
            files.dedup();
        },
    );
    let patched: HashSet<String> = facts
        .node_files
        .iter()
        .filter(|(_, f)| patches.contains(&f.path))
        .map(|(rel, _)| rel.clone())
        .collect();
    if !patched.is_empty() {
        facts.node_files.retain(|(rel, _)| !patched.contains(rel));
        facts.nodes.retain(|n| !patched.contains(&n.file));
    }
    let nodes = std::mem::take(&mut facts.nodes);
    let generated = files_of
        .map(|f| generator_files(&nodes, f))
        .unwrap_or_default();
    if !generated.is_empty() {
        files.extend(generated.keys().cloned());
        files.sort_unstable();
        files.dedup();
    }
    let kustomizations: HashMap<&str, &Kustomize> = facts
        .kustomizations
        .iter()
        .filter_map(|k| Some((k.rel.as_deref()?, k.facts.as_deref()?)))
        .collect();
    let read = |p: &str| generated.get(p).cloned();
    let kustomize = |p: &str| kustomizations.get(p).copied();
    let tree = Tree {
        files: &files,
        read: &read,
        kustomize: Some(&kustomize),
    };
    let repo = Repo {
        remotes,
        configured,
    };
    let graph = graph::build(nodes, &tree, &repo);
    // The tree's listing is used up: freed meanwhile.
    let listed = files.len();
    crate::sync::free_later(files, listed);
    let text_of = |p: &str| facts.node_file(p).and_then(|f| f.text.clone());
    // (A closure of its own: the tree's borrows end with the graph's build.)
    let kustomize_of = |p: &str| kustomizations.get(p).copied();
    Analysis::new(graph, &text_of, &kustomize_of)
}

/// The files the git file generators of the ApplicationSets among `nodes` name
/// (`files[].path` globs), read for their parameters, by repo-relative path. They hold no
/// Argo CD object, so the walk read them and kept nothing: they are found again under each
/// pattern's literal directory (on disk honouring `.gitignore`, as Git would hold them) and
/// read a second time — a few small files, at most [`MAX_GENERATOR_FILES`] and
/// [`MAX_GENERATOR_BYTES`] in all.
fn generator_files(nodes: &[graph::Node], files: Files) -> HashMap<String, String> {
    use crate::graph::appset::{literal_prefix, Generator};
    let mut out = HashMap::new();
    let mut total: u64 = 0;
    let patterns: Vec<&crate::graph::appset::DirectoryPattern> = nodes
        .iter()
        .filter_map(|n| n.appset.as_deref())
        .flat_map(|spec| &spec.generators)
        .filter_map(|g| match g {
            Generator::Files(files) => Some(files.patterns.iter().filter(|p| !p.exclude)),
            _ => None,
        })
        .flatten()
        .collect();
    let mut bytes = Vec::new();
    for pattern in patterns {
        let prefix = literal_prefix(&pattern.path, false);
        let Some(dir) = crate::graph::resolve::normalize(&prefix) else {
            continue;
        };
        for rel in files.under(&dir, MAX_GENERATOR_FILES + 1) {
            if out.len() >= MAX_GENERATOR_FILES {
                return out;
            }
            if out.contains_key(&rel) || !crate::graph::glob::matches(&pattern.path, &rel) {
                continue;
            }
            if files.read(&rel, MAX_GENERATOR_FILE, &mut bytes) {
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    total += text.len() as u64;
                    if total > MAX_GENERATOR_BYTES {
                        return out;
                    }
                    out.insert(rel, text.to_string());
                }
            }
        }
    }
    out
}

/// The most files [`generator_files`] reads, the largest it reads, and the most bytes in
/// all (a crafted generator cannot make the run hold the repository in memory).
const MAX_GENERATOR_FILES: usize = 10_000;
const MAX_GENERATOR_FILE: u64 = 1 << 20;
const MAX_GENERATOR_BYTES: u64 = 64 << 20;
