//! The app graph of a repository's files that are not on disk (a Git tree), built by the
//! same walk and analysis as the working tree's: `plan` compares two of them. Nothing is
//! checked out: each file's bytes go from the tree's reader to the walk's buffer.

use super::analysis;
use super::files::{Files, TreeFiles};
use super::ignores::{Ignores, Nearest};
use super::known::{BlobId, Known, KnownFile};
use super::walk::{Kustomization, Walk};
use super::{configure, paths_of, root_of, Options, SessionError, Setup};
use crate::discover::TreeFilter;
use crate::graph::Graph;
use crate::lint::{FileOptions, GraphMode};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The configuration of a run, read once, and the repository root it uses: `plan`
/// builds both sides with it.
pub struct Prepared {
    pub(super) setup: Setup,
    root: PathBuf,
}

impl Prepared {
    /// The repository root (absolute): the graph's files are relative to it.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// Read the configuration a run with `options` uses, and find its repository root.
pub fn prepare(options: &Options) -> Result<Prepared, SessionError> {
    let paths = paths_of(options);
    let setup = configure(options, &paths)?;
    let root = root_of(options, &paths, &setup.config);
    let root = match &options.cwd {
        Some(cwd) => crate::kustomize::normalize(&cwd.join(root)),
        None => crate::kustomize::normalize(&root),
    };
    Ok(Prepared { setup, root })
}

/// The graph of a tree, and the files that could not be read.
#[derive(Debug, Default)]
pub struct TreeGraph {
    pub graph: Graph,
    /// `path: why`, sorted.
    pub errors: Vec<String>,
    /// The files read from the tree (linted names and kustomizations).
    pub files_read: usize,
    /// The files of the tree the walk took, by blob id, and their facts (only when asked).
    pub known: Option<Known>,
}

/// Which files of a tree to read, and what is known of them.
#[derive(Default)]
pub struct TreeRead<'a> {
    /// Repo-relative directories or files: only those are read (none: all).
    pub only: &'a [String],
    /// Files of the other side: one with the blob id of the tree's file is taken from it,
    /// not read.
    pub known: Option<&'a Known>,
    /// Note what is taken of each file ([`TreeGraph::known`]).
    pub know_files: bool,
}

/// Build the app graph of `tree`, as if its files were on disk under the root
/// `prepared` found, with its configuration.
pub fn graph_of_tree(
    options: &Options,
    prepared: &Prepared,
    tree: &dyn TreeFiles,
    read: &TreeRead<'_>,
) -> Result<TreeGraph, SessionError> {
    let (setup, root) = (&prepared.setup, prepared.root.as_path());
    let filter = TreeFilter::new(&setup.discover)
        .map_err(|err| SessionError::Message(format!("error: {err}")))?;
    let file_options = FileOptions {
        settings: &setup.settings,
        kustomize_patch: false,
        helm_values: None,
        graph: GraphMode::Deferred,
    };
    let helm_facts = crate::helm_stage::Collector::new(&[root.to_path_buf()]);
    let cwd = options.cwd.as_deref();
    let mut walk = Walk::new(
        file_options,
        options.max_file_size,
        cwd,
        Some(root),
        &helm_facts,
        false,
    );
    if read.know_files {
        walk = walk.record_ids();
    }
    let (paths, ids) = (tree.paths(), tree.ids());
    let selected: Vec<usize> = (0..paths.len())
        .filter(|&i| read.only.is_empty() || read.only.iter().any(|o| is_at_or_below(&paths[i], o)))
        .collect();
    // What the other side knows of each selected file with the same blob.
    let known: Vec<Option<KnownFile>> = match (read.known, ids) {
        (Some(known), Some(ids)) => {
            let files: Vec<(&str, BlobId)> = selected
                .iter()
                .map(|&i| (paths[i].as_str(), ids[i]))
                .collect();
            known.join(&files)
        }
        _ => vec![None; selected.len()],
    };
    let ignores = match options.no_ignore {
        true => Ignores::default(),
        false => Ignores::of(tree, root, &tree.excludes()),
    };
    let errors = Mutex::new(Vec::new());
    let unlinted = Mutex::new(Vec::new());
    let files_read = AtomicUsize::new(0);
    let scratch = || (Vec::new(), Nearest::default());
    let files = selected.par_iter().zip(known.par_iter());
    files.for_each_init(scratch, |(buf, nearest), (&i, known)| {
        let rel = &paths[i];
        let path = root.join(rel);
        if ignores.ignored(rel, &path, nearest) {
            return;
        }
        // A file known from the other side was admitted there, by the same configuration.
        let linted = known.is_some() || filter.admits(&path);
        if !linted && !TreeFilter::is_kustomization(&path) {
            return;
        }
        match known {
            Some(known) => walk.take_known(&path, rel, *known),
            _ => {
                if let Err(why) = tree.read(rel, options.max_file_size, buf) {
                    crate::sync::lock(&errors).push(format!("{rel}: {why}"));
                    return;
                }
                files_read.fetch_add(1, Ordering::Relaxed);
                if linted {
                    walk.visit_bytes(&path, buf);
                } else {
                    let k = Kustomization::of(path, Some(rel.clone()), buf);
                    crate::sync::lock(&unlinted).push(k);
                }
            }
        }
        if let Some(ids) = ids.filter(|_| read.know_files) {
            walk.note_id(rel.clone(), ids[i]);
        }
    });
    let mut walked = walk.finish();
    let facts = &mut walked.facts;
    facts
        .kustomizations
        .extend(crate::sync::into_inner(unlinted));
    let known = read
        .know_files
        .then(|| walked.facts.known(std::mem::take(&mut walked.ids)));
    let facts = &mut walked.facts;
    let patches = analysis::patch_set(facts);
    let remotes = crate::graph::remotes_of(root);
    let analysis = analysis::analyse(
        facts,
        &patches,
        &remotes,
        &setup.config.repositories,
        Some(Files::Tree(tree)),
    );
    let mut errors = crate::sync::into_inner(errors);
    errors.sort();
    Ok(TreeGraph {
        graph: analysis.graph,
        errors,
        files_read: files_read.into_inner(),
        known,
    })
}

/// `path` is `at`, or below the directory `at` (both repo-relative).
fn is_at_or_below(path: &str, at: &str) -> bool {
    let at = at.trim_end_matches('/');
    at.is_empty()
        || at == "."
        || path == at
        || path
            .strip_prefix(at)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::super::files::under;
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn under_finds_exactly_the_paths_below_a_directory() {
        let all = paths(&["a", "ab/x", "a-b/y", "a/b", "a/c/d", "a0", "b/a/x"]);
        assert_eq!(under(&all, "a"), ["a/b", "a/c/d"]);
        assert_eq!(under(&all, "a/"), ["a/b", "a/c/d"]);
        assert_eq!(under(&all, "a/c"), ["a/c/d"]);
        assert_eq!(under(&all, "zz").len(), 0);
        assert_eq!(under(&all, "").len(), all.len());
        // Against a scan.
        for dir in ["a", "a/c", "ab", "b", "b/a", "q"] {
            let scan: Vec<&String> = all
                .iter()
                .filter(|p| p.starts_with(&format!("{dir}/")))
                .collect();
            let fast: Vec<&String> = under(&all, dir).iter().collect();
            assert_eq!(fast, scan, "{dir}");
        }
    }

    #[test]
    fn at_or_below_is_by_whole_components() {
        assert!(is_at_or_below("apps/x.yaml", "apps"));
        assert!(is_at_or_below("apps/x.yaml", "apps/x.yaml"));
        assert!(!is_at_or_below("apps2/x.yaml", "apps"));
        assert!(is_at_or_below("apps2/x.yaml", "."));
    }
}
