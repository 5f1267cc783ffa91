//! What one Application source syncs, as files of the linted tree.
//!
//! The working tree stands for `targetRevision` (it is not checked out). The tree is a
//! sorted index of repo-relative `/`-separated file paths given by the caller, and file
//! contents come through a caller-supplied `read` closure (bytes it already read).
//!
//! The source type is decided as Argo CD does for a Git path: an explicit `helm:`,
//! `kustomize:` or `directory:` field first, else a `kustomization.yaml` /
//! `kustomization.yml` / `Kustomization` directly in the path (Kustomize), else a
//! `Chart.yaml` (Helm), else a plain directory.
//!
//! - Directory: the `*.yaml`, `*.yml` and `*.json` files directly in the path, in
//!   subdirectories too with `directory.recurse`; `directory.include` / `exclude` are
//!   globs ([`super::glob`]) matched against the path relative to the source path.
//! - Kustomize: the files under `resources:` (and the deprecated `bases:`, and
//!   `components:`), following directories with their own kustomization, cycle-safe.
//!   Remote resources (URLs) are skipped.
//! - Helm: the files under `templates/` (any depth) whose name does not start with `_`,
//!   except `NOTES.txt`. Subcharts under `charts/` are not followed.

use super::glob;
use crate::kustomize::{in_dir, Kustomize, KUSTOMIZATION_NAMES};
use std::borrow::Cow;

/// One Application source, as far as resolution needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    pub repo_url: String,
    /// `None` for a chart from a Helm repository (no `path`).
    pub path: Option<String>,
    pub recurse: bool,
    pub include: Option<String>,
    pub exclude: Option<String>,
    /// The type named in the source (`helm:`, `kustomize:`, `directory:`), if any.
    pub explicit: Option<SourceKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Directory,
    Kustomize,
    Helm,
}

/// The files a source syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub kind: Option<SourceKind>,
    /// Repo-relative paths, sorted, without duplicates.
    pub files: Vec<String>,
    /// Kustomization directories met again while following `resources:`.
    pub cycles: Vec<String>,
    /// Set when the path is missing from the tree or leaves it (`..`).
    pub missing: bool,
}

/// The tree being linted: a sorted file index and a way to read a file's text.
pub struct Tree<'a> {
    pub files: &'a [String],
    /// The text of a file the ApplicationSets' git file generators name.
    pub read: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// What the walk took of a kustomization file; `None`: taken from its text
    /// ([`Tree::read`]) when asked.
    pub kustomize: Option<&'a KustomizeOf<'a>>,
}

/// The facts of a kustomization file of the tree, by repo-relative path (borrowed: a
/// base shared by many overlays is asked for from every thread).
pub type KustomizeOf<'a> = dyn Fn(&str) -> Option<&'a Kustomize> + Sync + 'a;

impl<'a> Tree<'a> {
    /// The facts of the kustomization file `file`.
    pub fn kustomization_facts(&self, file: &str) -> Option<Cow<'a, Kustomize>> {
        match self.kustomize {
            Some(of) => of(file).map(Cow::Borrowed),
            None => (self.read)(file).map(|text| Cow::Owned(Kustomize::of(&text))),
        }
    }

    pub fn has_file(&self, path: &str) -> bool {
        self.files
            .binary_search_by(|f| f.as_str().cmp(path))
            .is_ok()
    }

    /// The files under directory `dir` ("" is the root), any depth.
    pub fn under(&self, dir: &str) -> &'a [String] {
        if dir.is_empty() {
            return self.files;
        }
        // The files after `dir/` in sort order that start with it (compared in place:
        // this is asked once per source of every Application).
        let below =
            |f: &str| f.len() > dir.len() && f.as_bytes()[dir.len()] == b'/' && f.starts_with(dir);
        let start = self.files.partition_point(|f| {
            let f = f.as_bytes();
            let n = dir.len().min(f.len());
            match f[..n].cmp(&dir.as_bytes()[..n]) {
                std::cmp::Ordering::Equal => f.len() <= dir.len() || f[dir.len()] < b'/',
                order => order.is_lt(),
            }
        });
        let len = self.files[start..].partition_point(|f| below(f));
        &self.files[start..start + len]
    }

    pub fn has_dir(&self, dir: &str) -> bool {
        !self.under(dir).is_empty()
    }

    /// The kustomization file directly in `dir`, if any.
    fn kustomization(&self, dir: &str) -> Option<String> {
        // Looked for among the files below `dir` (found once), not in the whole tree.
        let below = Below::new(self, dir);
        KUSTOMIZATION_NAMES
            .iter()
            .find(|name| below.has(name))
            .map(|name| in_dir(dir, name))
    }
}

/// A repo-relative path with `.` and `..` resolved, leading `./` and `/` and trailing `/`
/// removed; `None` if it leaves the root. The root is "".
pub fn normalize(path: &str) -> Option<std::borrow::Cow<'_, str>> {
    // Most paths are written normalised already: no copy made part by part.
    let plain = path
        .as_bytes()
        .split(|&b| b == b'/')
        .all(|step| !matches!(step, b"" | b"." | b".."));
    if plain {
        return Some(std::borrow::Cow::Borrowed(path));
    }
    normalize_parts(path).map(std::borrow::Cow::Owned)
}

/// [`normalize`] part by part (what its shortcut for a path written normalised stands for).
fn normalize_parts(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The files `source` syncs in `tree` (its `repoURL` is assumed to be this repository).
pub fn resolve(source: &Source, tree: &Tree) -> Resolved {
    let Some(dir) = source.path.as_deref().and_then(normalize) else {
        return Resolved {
            missing: true,
            ..Resolved::default()
        };
    };
    let below = Below::new(tree, &dir);
    if below.files.is_empty() {
        return Resolved {
            missing: true,
            ..Resolved::default()
        };
    }
    let kind = source.explicit.unwrap_or_else(|| detect(&below));
    let mut out = Resolved {
        kind: Some(kind),
        ..Resolved::default()
    };
    match kind {
        SourceKind::Directory => out.files = directory(source, &below),
        SourceKind::Helm => out.files = helm_templates(&below),
        SourceKind::Kustomize => {
            let mut walk = KustomizeWalk::default();
            kustomize(&dir, tree, &mut walk, &mut out);
        }
    }
    out.files.sort();
    out.files.dedup();
    out
}

/// The files below a directory ([`Tree::under`]), found once per source and looked up
/// by the rest of their paths (they all start with the directory's).
struct Below<'t> {
    files: &'t [String],
    /// The length of the directory's prefix (`dir/`; none for the root).
    skip: usize,
}

impl<'t> Below<'t> {
    fn new(tree: &Tree<'t>, dir: &str) -> Below<'t> {
        Below {
            files: tree.under(dir),
            skip: if dir.is_empty() { 0 } else { dir.len() + 1 },
        }
    }

    /// Whether `name` (a path below the directory) is a file of the tree.
    fn has(&self, name: &str) -> bool {
        self.files
            .binary_search_by(|f| f[self.skip..].cmp(name))
            .is_ok()
    }

    /// The files below the subdirectory `name`, with their rest after the directory.
    fn sub(&self, name: &str) -> &'t [String] {
        let skip = self.skip;
        let below = |f: &String| {
            let r = &f.as_bytes()[skip..];
            r.len() > name.len() && r[name.len()] == b'/' && r.starts_with(name.as_bytes())
        };
        let start = self.files.partition_point(|f| {
            let r = &f.as_bytes()[skip..];
            let n = name.len().min(r.len());
            match r[..n].cmp(&name.as_bytes()[..n]) {
                std::cmp::Ordering::Equal => r.len() <= name.len() || r[name.len()] < b'/',
                order => order.is_lt(),
            }
        });
        let len = self.files[start..].partition_point(below);
        &self.files[start..start + len]
    }
}

fn detect(below: &Below) -> SourceKind {
    if KUSTOMIZATION_NAMES.iter().any(|k| below.has(k)) {
        SourceKind::Kustomize
    } else if below.has("Chart.yaml") {
        SourceKind::Helm
    } else {
        SourceKind::Directory
    }
}

fn is_manifest(path: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

fn directory(source: &Source, below: &Below) -> Vec<String> {
    below
        .files
        .iter()
        .filter(|f| is_manifest(f))
        .filter(|f| {
            let rel = &f[below.skip..];
            (source.recurse || !rel.contains('/'))
                && source
                    .include
                    .as_deref()
                    .is_none_or(|g| g.is_empty() || glob::matches(g, rel))
                && source
                    .exclude
                    .as_deref()
                    .is_none_or(|g| g.is_empty() || !glob::matches(g, rel))
        })
        .cloned()
        .collect()
}

fn helm_templates(below: &Below) -> Vec<String> {
    below
        .sub("templates")
        .iter()
        .filter(|f| {
            let name = f.rsplit('/').next().unwrap_or(f);
            !name.starts_with('_') && name != "NOTES.txt"
        })
        .cloned()
        .collect()
}

/// Kustomization directories on the current path, and those already expanded.
#[derive(Default)]
struct KustomizeWalk {
    stack: Vec<String>,
    done: std::collections::HashSet<String>,
}

/// Nested kustomizations deeper than this are not followed (no real repository comes near).
const MAX_KUSTOMIZE_DEPTH: usize = 64;

/// Follows the kustomization in `dir`: each `resources:` / `bases:` / `components:` entry
/// that is a file of the tree is synced; one that is a directory with a kustomization is
/// followed; anything else (URLs, missing paths, plain directories, which kustomize
/// rejects) is skipped. A directory already on the stack is a cycle: recorded, not
/// followed. A directory already expanded (a base shared by two overlays) is not expanded
/// again, so crafted diamonds stay linear.
fn kustomize(dir: &str, tree: &Tree, walk: &mut KustomizeWalk, out: &mut Resolved) {
    if walk.stack.iter().any(|d| d == dir) {
        out.cycles.push(dir.to_string());
        return;
    }
    if walk.stack.len() >= MAX_KUSTOMIZE_DEPTH || !walk.done.insert(dir.to_string()) {
        return;
    }
    let Some(file) = tree.kustomization(dir) else {
        return;
    };
    let Some(facts) = tree.kustomization_facts(&file) else {
        return;
    };
    walk.stack.push(dir.to_string());
    for entry in &facts.resources {
        if entry.contains("://") || entry.starts_with("git@") {
            continue;
        }
        let Some(target) = normalize(&in_dir(dir, entry)).map(|t| t.into_owned()) else {
            continue;
        };
        if tree.has_file(&target) {
            out.files.push(target);
        } else if tree.kustomization(&target).is_some() {
            kustomize(&target, tree, walk, out);
        }
    }
    walk.stack.pop();
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
