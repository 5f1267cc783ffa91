//! The ignore files of a Git tree, honoured as the walk of a checkout honours them (the
//! `ignore` crate's order): a `.ignore` (nearest first) decides before a `.gitignore`
//! (nearest first), then the repository's `info/exclude`, then the user's global
//! excludes file. A file the walk of the checkout would skip is skipped here too.

use super::files::TreeFiles;
use super::paths::parent_of;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::{Path, PathBuf};

/// The ignore files of a tree.
#[derive(Default)]
pub(super) struct Ignores {
    /// `.ignore` then `.gitignore` files, each by directory (repo-relative, `""`: the
    /// root), sorted.
    by_dir: [Vec<(String, Gitignore)>; 2],
    /// `info/exclude` and the global excludes file, rooted at the work tree's top.
    excludes: Vec<Gitignore>,
    /// The repository root the tree's paths are relative to.
    root: PathBuf,
}

/// The names of the ignore files, in the order they decide.
const NAMES: [&str; 2] = [".ignore", ".gitignore"];

impl Ignores {
    /// The tree's ignore files, and the excludes files outside it (`excludes`: the
    /// repository's `info/exclude`, and the work tree's top).
    pub(super) fn of(tree: &dyn TreeFiles, root: &Path, excludes: &[(PathBuf, PathBuf)]) -> Self {
        let mut by_dir = [Vec::new(), Vec::new()];
        let mut buf = Vec::new();
        for rel in tree.paths() {
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
            let Some(kind) = NAMES.iter().position(|n| *n == name) else {
                continue;
            };
            if tree.read(rel, IGNORE_FILE_LIMIT, &mut buf).is_err() {
                continue;
            }
            let mut builder = GitignoreBuilder::new(root.join(dir));
            for line in String::from_utf8_lossy(&buf).lines() {
                let _ = builder.add_line(None, line);
            }
            if let Ok(ignore) = builder.build() {
                by_dir[kind].push((dir.to_string(), ignore));
            }
        }
        for list in &mut by_dir {
            list.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let mut outside: Vec<Gitignore> = excludes
            .iter()
            .filter_map(|(file, top)| {
                let mut builder = GitignoreBuilder::new(top);
                builder.add(file);
                builder.build().ok()
            })
            .collect();
        outside.push(Gitignore::global().0);
        outside.retain(|g| !g.is_empty());
        Ignores {
            by_dir,
            excludes: outside,
            root: root.to_path_buf(),
        }
    }

    /// Whether the ignore files leave `rel` (at `path`) out. `last` remembers what they
    /// say of the directory asked last (the files of a directory come one after another):
    /// only the file's own name is matched again.
    pub(super) fn ignored(&self, rel: &str, path: &Path, last: &mut Nearest) -> bool {
        if self.by_dir.iter().all(Vec::is_empty) && self.excludes.is_empty() {
            return false;
        }
        let dir = parent_of(rel);
        if last.dir.as_deref() != Some(dir) {
            self.remember(dir, last);
        }
        for &(kind, i, parents) in &last.at {
            let own = match kind {
                Some(kind) => self.by_dir[kind][i].1.matched(path, false),
                None => self.excludes[i].matched(path, false),
            };
            let says = match own {
                ignore::Match::None => parents,
                own => Some(own.is_ignore()),
            };
            if let Some(ignored) = says {
                return ignored;
            }
        }
        false
    }

    /// The ignore files that apply to the files of `dir`, in the order they decide, and
    /// what each says of `dir` or its parents below the ignore file's own directory (as a
    /// walk that does not enter an ignored directory).
    fn remember(&self, dir: &str, last: &mut Nearest) {
        last.at.clear();
        for (kind, list) in self.by_dir.iter().enumerate() {
            let mut at = Some(dir);
            while let Some(d) = at {
                if let Ok(i) = list.binary_search_by(|(b, _)| b.as_str().cmp(d)) {
                    let says = self.says_of_dirs(&list[i].1, dir, Some(d));
                    last.at.push((Some(kind), i, says));
                }
                at = (!d.is_empty()).then(|| parent_of(d));
            }
        }
        for (i, exclude) in self.excludes.iter().enumerate() {
            last.at
                .push((None, i, self.says_of_dirs(exclude, dir, None)));
        }
        last.dir = Some(dir.to_string());
    }

    /// What `ignore` says of the directory `dir` and its parents, nearest first, below
    /// `base` (its own directory; `None`: down to the repository root).
    fn says_of_dirs(&self, ignore: &Gitignore, dir: &str, base: Option<&str>) -> Option<bool> {
        let mut below = dir;
        loop {
            if base == Some(below) || below.is_empty() && base.is_none() {
                return None;
            }
            let matched = ignore.matched(self.root.join(below), true);
            if !matched.is_none() {
                return Some(matched.is_ignore());
            }
            if below.is_empty() {
                return None;
            }
            below = parent_of(below);
        }
    }
}

/// The ignore files that apply to one directory, in the order they decide, with what
/// each says of the directory (`Some(true)`: ignored) — see [`Ignores::ignored`].
#[derive(Default)]
pub(super) struct Nearest {
    dir: Option<String>,
    /// (`.ignore`/`.gitignore` as 0/1, or `None`: an excludes file; its index; its word).
    at: Vec<(Option<usize>, usize, Option<bool>)>,
}

/// The largest ignore file read.
const IGNORE_FILE_LIMIT: u64 = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    struct Files {
        paths: Vec<String>,
        texts: Vec<&'static str>,
    }

    impl TreeFiles for Files {
        fn paths(&self) -> &[String] {
            &self.paths
        }
        fn read(&self, rel: &str, _: u64, buf: &mut Vec<u8>) -> Result<(), String> {
            let at = self.paths.iter().position(|p| p == rel).ok_or("absent")?;
            buf.clear();
            buf.extend_from_slice(self.texts[at].as_bytes());
            Ok(())
        }
    }

    fn ignores(files: &[(&str, &'static str)]) -> Ignores {
        let files = Files {
            paths: files.iter().map(|(p, _)| p.to_string()).collect(),
            texts: files.iter().map(|(_, t)| *t).collect(),
        };
        let mut ignores = Ignores::of(&files, Path::new("/repo"), &[]);
        // The machine's global excludes file is not the test's.
        ignores.excludes.clear();
        ignores
    }

    fn ignored(ignores: &Ignores, rel: &str) -> bool {
        let path = Path::new("/repo").join(rel);
        ignores.ignored(rel, &path, &mut Nearest::default())
    }

    #[test]
    fn a_dot_ignore_decides_before_any_gitignore_as_the_walk_does() {
        let i = ignores(&[(".ignore", "!keep.yaml\n"), ("apps/.gitignore", "*.yaml\n")]);
        assert!(!ignored(&i, "apps/keep.yaml"));
        assert!(ignored(&i, "apps/other.yaml"));
    }

    #[test]
    fn both_ignore_files_of_one_directory_count() {
        let i = ignores(&[
            ("apps/.gitignore", "a.yaml\n"),
            ("apps/.ignore", "b.yaml\n"),
        ]);
        assert!(ignored(&i, "apps/a.yaml"));
        assert!(ignored(&i, "apps/b.yaml"));
        assert!(!ignored(&i, "apps/c.yaml"));
    }

    #[test]
    fn an_ignored_directory_leaves_out_everything_below_it() {
        let i = ignores(&[(".gitignore", "build/\n/top.yaml\n")]);
        assert!(ignored(&i, "build/a/b.yaml"));
        assert!(ignored(&i, "x/build/b.yaml"));
        assert!(ignored(&i, "top.yaml"));
        assert!(!ignored(&i, "x/top.yaml"));
        // Asked in the walk's order, with one memory of the last directory.
        let mut last = Nearest::default();
        let asked: Vec<bool> = ["build/a.yaml", "build/b.yaml", "c/a.yaml", "top.yaml"]
            .iter()
            .map(|rel| i.ignored(rel, &Path::new("/repo").join(rel), &mut last))
            .collect();
        assert_eq!(asked, [true, true, false, true]);
    }
}
