//! The app graph of a repository's files that are not on disk (a Git tree), built by the
//! same walk and analysis as the working tree's: `plan` compares two of them. Nothing is
//! checked out: each file's bytes go from the tree's reader to the walk's buffer.

use super::analysis;
use super::files::{Files, TreeFiles};
use super::walk::{Kustomization, Walk};
use super::{configure, paths_of, root_of, Options, SessionError};
use crate::discover::TreeFilter;
use crate::graph::Graph;
use crate::lint::{FileOptions, GraphMode};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    let ignores = match options.no_ignore {
        true => Ignores::default(),
        false => Ignores::of(tree, root),
    };
    let errors = Mutex::new(Vec::new());
    let unlinted = Mutex::new(Vec::new());
    let read = std::sync::atomic::AtomicUsize::new(0);
    selected.par_iter().for_each_init(Vec::new, |buf, rel| {
        let path = root.join(rel);
        if ignores.ignored(rel, &path) {
            return;
        }
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

/// The ignore files of a tree (`.gitignore`, `.ignore`), honoured as a walk on disk
/// honours them: a file the walk of a checkout would skip is skipped here too.
#[derive(Default)]
struct Ignores {
    /// By directory (repo-relative, `""`: the root), sorted.
    by_dir: Vec<(String, ignore::gitignore::Gitignore)>,
}

impl Ignores {
    fn of(tree: &dyn TreeFiles, root: &Path) -> Ignores {
        let mut by_dir = Vec::new();
        let mut buf = Vec::new();
        for rel in tree.paths() {
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
            if name != ".gitignore" && name != ".ignore" {
                continue;
            }
            if tree.read(rel, IGNORE_FILE_LIMIT, &mut buf).is_err() {
                continue;
            }
            let mut builder = ignore::gitignore::GitignoreBuilder::new(root.join(dir));
            for line in String::from_utf8_lossy(&buf).lines() {
                let _ = builder.add_line(None, line);
            }
            if let Ok(ignore) = builder.build() {
                by_dir.push((dir.to_string(), ignore));
            }
        }
        by_dir.sort_by(|a, b| a.0.cmp(&b.0));
        Ignores { by_dir }
    }

    /// Whether the ignore files of `rel`'s directories (the nearest deciding) leave it out.
    fn ignored(&self, rel: &str, path: &Path) -> bool {
        if self.by_dir.is_empty() {
            return false;
        }
        let mut dir = rel;
        loop {
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            if let Ok(at) = self.by_dir.binary_search_by(|(d, _)| d.as_str().cmp(dir)) {
                let matched = self.by_dir[at].1.matched_path_or_any_parents(path, false);
                if matched.is_ignore() {
                    return true;
                }
                if matched.is_whitelist() {
                    return false;
                }
            }
            if dir.is_empty() {
                return false;
            }
        }
    }
}

/// The largest ignore file read.
const IGNORE_FILE_LIMIT: u64 = 1 << 20;

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
