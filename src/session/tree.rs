//! The app graph of a repository's files that are not on disk (a Git tree), built by the
//! same walk and analysis as the working tree's: `plan` compares two of them. Nothing is
//! checked out: each file's bytes go from the tree's reader to the walk's buffer.

use super::analysis::{self, Files};
use super::walk::{Kustomization, Walk};
use super::{configure, paths_of, root_of, Options, SessionError};
use crate::discover::TreeFilter;
use crate::graph::Graph;
use crate::lint::{FileOptions, GraphMode};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The files of a tree, by path relative to the repository root.
pub trait TreeFiles: Sync {
    /// Every file's path, `/`-separated, sorted (byte order).
    fn paths(&self) -> &[String];
    /// Read `rel` into `buf` (cleared first), at most `limit` bytes; `Err` says why not.
    fn read(&self, rel: &str, limit: u64, buf: &mut Vec<u8>) -> Result<(), String>;
}

/// The paths of the sorted `paths` below the directory `dir` (`""` or `"."`: all).
pub fn under<'p>(paths: &'p [String], dir: &str) -> &'p [String] {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        return paths;
    }
    // In byte order the paths below `dir/` lie between `dir/` and `dir0` ('0' follows '/').
    let start = paths.partition_point(|p| p.as_str() < &format!("{dir}/")[..]);
    let end = paths.partition_point(|p| p.as_str() < &format!("{dir}0")[..]);
    &paths[start..end.max(start)]
}

/// The repository root a run with `options` uses (absolute): the graph's files are
/// relative to it.
pub fn root_for(options: &Options) -> Result<PathBuf, SessionError> {
    let paths = paths_of(options);
    let setup = configure(options, &paths)?;
    let root = root_of(options, &paths, &setup.config);
    Ok(match &options.cwd {
        Some(cwd) => crate::kustomize::normalize(&cwd.join(root)),
        None => crate::kustomize::normalize(&root),
    })
}

/// The graph of a tree, and the files that could not be read.
#[derive(Debug, Default)]
pub struct TreeGraph {
    pub graph: Graph,
    /// `path: why`, sorted.
    pub errors: Vec<String>,
    /// The files read (linted names and kustomizations).
    pub files_read: usize,
}

/// Build the app graph of `tree`, as if its files were on disk under `root` (the
/// configuration is the one found from `root` on disk). `only` (repo-relative
/// directories or files) limits the files read, as path arguments limit a walk.
pub fn graph_of_tree(
    options: &Options,
    root: &Path,
    only: &[String],
    tree: &dyn TreeFiles,
) -> Result<TreeGraph, SessionError> {
    let paths = vec![root.to_path_buf()];
    let setup = configure(options, &paths)?;
    let filter = TreeFilter::new(&setup.discover)
        .map_err(|err| SessionError::Message(format!("error: {err}")))?;
    let file_options = FileOptions {
        settings: &setup.settings,
        kustomize_patch: false,
        helm_values: None,
        graph: GraphMode::Deferred,
    };
    let helm_facts = crate::helm_stage::Collector::new(&paths);
    let cwd = options.cwd.as_deref();
    let walk = Walk::new(
        file_options,
        options.max_file_size,
        cwd,
        Some(root),
        &helm_facts,
        false,
    );
    let selected: Vec<&String> = match only {
        [] => tree.paths().iter().collect(),
        only => tree
            .paths()
            .iter()
            .filter(|p| only.iter().any(|o| is_at_or_below(p, o)))
            .collect(),
    };
    let errors = Mutex::new(Vec::new());
    let unlinted = Mutex::new(Vec::new());
    let read = std::sync::atomic::AtomicUsize::new(0);
    selected.par_iter().for_each_init(Vec::new, |buf, rel| {
        let path = root.join(rel);
        let linted = filter.admits(&path);
        if !linted && !TreeFilter::is_kustomization(&path) {
            return;
        }
        if let Err(why) = tree.read(rel, options.max_file_size, buf) {
            crate::sync::lock(&errors).push(format!("{rel}: {why}"));
            return;
        }
        read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if linted {
            walk.visit_bytes(&path, buf);
        } else {
            crate::sync::lock(&unlinted).push(kustomization(path, rel, buf));
        }
    });
    let mut walked = walk.finish();
    let facts = &mut walked.facts;
    facts
        .kustomizations
        .extend(crate::sync::into_inner(unlinted));
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
        files_read: read.into_inner(),
    })
}

fn kustomization(path: PathBuf, rel: &str, bytes: &[u8]) -> Kustomization {
    Kustomization {
        path,
        rel: Some(rel.to_string()),
        text: std::str::from_utf8(bytes).ok().map(Arc::from),
    }
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
