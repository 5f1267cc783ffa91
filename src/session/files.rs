//! Where a repository's files are: on disk under its root, or in a Git tree (not on disk).

use super::paths::repo_relative;
use std::path::Path;

/// The files of a tree, by path relative to the repository root.
pub trait TreeFiles: Sync {
    /// Every file's path, `/`-separated, sorted (byte order).
    fn paths(&self) -> &[String];
    /// Read `rel` into `buf` (cleared first), at most `limit` bytes; `Err` says why not.
    fn read(&self, rel: &str, limit: u64, buf: &mut Vec<u8>) -> Result<(), String>;
    /// The Git blob id of each file (in the order of [`TreeFiles::paths`]), when the tree
    /// knows them without reading the files.
    fn ids(&self) -> Option<&[super::known::BlobId]> {
        None
    }
    /// The excludes files outside the tree a walk of its checkout honours (Git's
    /// `info/exclude`), each with the directory its patterns are relative to.
    fn excludes(&self) -> Vec<(std::path::PathBuf, std::path::PathBuf)> {
        Vec::new()
    }
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

/// Where the repository's files are: on disk under its root, or in a Git tree.
#[derive(Clone, Copy)]
pub enum Files<'a> {
    Disk(&'a Path),
    Tree(&'a dyn TreeFiles),
}

impl Files<'_> {
    /// The repo-relative paths of the files below the repo-relative directory `dir`
    /// (`""`: all), at most `most`.
    pub(super) fn under(&self, dir: &str, most: usize) -> Vec<String> {
        match self {
            Files::Disk(root) => {
                let walk = ignore::WalkBuilder::new(root.join(dir))
                    .hidden(false)
                    .follow_links(false)
                    .filter_entry(|e| e.file_name() != ".git")
                    .build();
                walk.flatten()
                    .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                    .filter_map(|e| repo_relative(e.path(), root, None))
                    .take(most)
                    .collect()
            }
            Files::Tree(tree) => under(tree.paths(), dir)
                .iter()
                .take(most)
                .cloned()
                .collect(),
        }
    }

    /// Read the file `rel` into `bytes`; `false` when it cannot be read (or is larger than
    /// `limit` bytes).
    pub(super) fn read(&self, rel: &str, limit: u64, bytes: &mut Vec<u8>) -> bool {
        bytes.clear();
        match self {
            Files::Disk(root) => {
                crate::read::read_file(&root.join(rel), bytes, limit, true).is_ok()
            }
            Files::Tree(tree) => tree.read(rel, limit, bytes).is_ok(),
        }
    }
}
