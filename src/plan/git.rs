//! A commit's tree, read from the repository's object store with gix: no checkout, no
//! `git` process. Its blobs are read when the walk asks for them, in parallel (one
//! thread-local handle of the repository per thread).

use crate::session::{BlobId, TreeFiles};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The files of one commit below the repository root the graph is built for.
pub struct GitTree {
    repo: gix::ThreadSafeRepository,
    /// Handles of the repository for the reading threads (reused).
    handles: Mutex<Vec<gix::Repository>>,
    /// Paths relative to the graph's root, sorted, and their blobs.
    paths: Vec<String>,
    blobs: Vec<gix::ObjectId>,
    /// The blob ids as [`BlobId`]s (`None`: the repository's ids are not SHA-1).
    ids: Option<Vec<BlobId>>,
    /// The commit, in full hex.
    pub commit: String,
    /// Where the graph's root is in the work tree (`""`: its top).
    pub prefix: String,
}

/// Why a tree could not be read.
#[derive(Debug)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Git repository holding `root` (the graph's root directory).
pub fn discover(root: &Path) -> Result<gix::ThreadSafeRepository, GitError> {
    gix::ThreadSafeRepository::discover(root).map_err(|e| {
        GitError(format!(
            "{} is not in a Git repository ({e}); `plan` compares two commits of one",
            root.display()
        ))
    })
}

impl GitTree {
    /// The tree of the commit `rev` names (`main`, `origin/main`, a SHA, `HEAD~2`, …), its
    /// files below `root`.
    pub fn open(
        repo: &gix::ThreadSafeRepository,
        root: &Path,
        rev: &str,
    ) -> Result<Self, GitError> {
        let local = repo.to_thread_local();
        let prefix = prefix_of(&local, root)?;
        let commit = resolve(&local, rev)?;
        let tree = commit
            .tree()
            .map_err(|e| GitError(format!("`{rev}`: cannot read its tree: {e}")))?;
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .map_err(|e| GitError(format!("`{rev}`: cannot read its tree: {e}")))?;
        let mut files: Vec<(String, gix::ObjectId)> = recorder
            .records
            .into_iter()
            // Regular and executable files; not symbolic links (the walk follows none) nor
            // submodules.
            .filter(|e| e.mode.is_blob())
            .filter_map(|e| {
                let path = String::from_utf8(e.filepath.into()).ok()?;
                let rel = match prefix.as_str() {
                    "" => path,
                    prefix => path.strip_prefix(prefix)?.strip_prefix('/')?.to_string(),
                };
                Some((rel, e.oid))
            })
            .collect();
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let (paths, blobs): (Vec<String>, Vec<gix::ObjectId>) = files.into_iter().unzip();
        let ids = blobs
            .iter()
            .map(|id| BlobId::try_from(id.as_bytes()).ok())
            .collect();
        Ok(GitTree {
            ids,
            repo: repo.clone(),
            handles: Mutex::new(Vec::new()),
            paths,
            blobs,
            commit: commit.id.to_string(),
            prefix,
        })
    }

    fn with_handle<T>(&self, f: impl FnOnce(&gix::Repository) -> T) -> T {
        let handle = crate::sync::lock(&self.handles).pop();
        let handle = handle.unwrap_or_else(|| self.repo.to_thread_local());
        let out = f(&handle);
        crate::sync::lock(&self.handles).push(handle);
        out
    }
}

impl TreeFiles for GitTree {
    fn paths(&self) -> &[String] {
        &self.paths
    }

    fn ids(&self) -> Option<&[BlobId]> {
        self.ids.as_deref()
    }

    fn excludes(&self) -> Vec<(PathBuf, PathBuf)> {
        let local = self.repo.to_thread_local();
        let Some(top) = local.workdir() else {
            return Vec::new();
        };
        vec![(
            local.common_dir().join("info").join("exclude"),
            top.to_path_buf(),
        )]
    }

    fn read(&self, rel: &str, limit: u64, buf: &mut Vec<u8>) -> Result<(), String> {
        buf.clear();
        let at = self
            .paths
            .binary_search_by(|p| p.as_str().cmp(rel))
            .map_err(|_| "not in the tree".to_string())?;
        let id = self.blobs[at];
        self.with_handle(|repo| {
            let header = repo.find_header(id).map_err(|e| e.to_string())?;
            if header.size() > limit {
                return Err(format!(
                    "larger than {limit} bytes ({} bytes; --max-file-size)",
                    header.size()
                ));
            }
            let object = repo.find_object(id).map_err(|e| e.to_string())?;
            buf.extend_from_slice(&object.data);
            Ok(())
        })
    }
}

/// The commit `rev` names, or a message that says what to do (a shallow clone that lacks
/// it: fetch it).
fn resolve<'r>(repo: &'r gix::Repository, rev: &str) -> Result<gix::Commit<'r>, GitError> {
    let not_found = |e: &dyn std::fmt::Display| {
        let hint = if repo.is_shallow() {
            format!(
                "; this is a shallow clone, which may lack it: fetch it (`git fetch --depth=1 \
                 origin {rev}`, or `fetch-depth: 0` for actions/checkout)"
            )
        } else {
            String::new()
        };
        GitError(format!(
            "`{rev}` names no commit in this repository ({e}){hint}"
        ))
    };
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| not_found(&first_line(&e.to_string())))?;
    let object = id.object().map_err(|e| not_found(&e))?;
    object
        .peel_to_commit()
        .map_err(|e| GitError(format!("`{rev}` is not a commit: {e}")))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Where `root` is in the repository's work tree, `/`-separated (`""`: its top).
fn prefix_of(repo: &gix::Repository, root: &Path) -> Result<String, GitError> {
    let Some(workdir) = repo.workdir() else {
        return Ok(String::new());
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    let (top, root) = (canonical(workdir), canonical(root));
    let rel = root.strip_prefix(&top).map_err(|_| {
        GitError(format!(
            "{} is outside the work tree of its repository ({})",
            root.display(),
            top.display()
        ))
    })?;
    Ok(rel.to_string_lossy().replace('\\', "/"))
}
