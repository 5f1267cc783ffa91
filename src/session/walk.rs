//! The parallel walk: every file is read once, linted as it is found, and its repository
//! facts (Applications, Kustomize files, its place in the tree) are taken from the same
//! bytes and the same parse. Only files with findings keep their text, and the files the
//! app graph needs (those holding an Application, the kustomizations).

use super::paths::{display_path, repo_relative};
use crate::diagnostic::FileReport;
use crate::graph::{self, Node};
use crate::lint::{self, FileOptions, Outcome};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub use crate::kustomize::Kustomization;

/// A file holding Applications or ApplicationSets.
#[derive(Debug)]
pub struct NodeFile {
    /// The path as walked.
    pub path: PathBuf,
    /// Its text, kept only when asked ([`Walk::keep_texts`]): the graph's facts take what
    /// they need of it in the walk.
    pub text: Option<Arc<str>>,
    /// A digest of its bytes: a file read again after the walk must still be the same.
    pub digest: u64,
}

/// The repository facts the walk gathered.
#[derive(Debug, Default)]
pub struct Facts {
    /// The graph's tree (repo-relative, unsorted): the files holding nodes, the
    /// kustomizations and Helm `Chart.yaml`s, and `dir/` for each directory of any other
    /// file visited (a marker: a source's `path` exists; no file of it is synced to a
    /// child). Kept small: a tree of 100,000 files lists far fewer.
    pub files: Vec<String>,
    /// The kustomization files read.
    pub kustomizations: Vec<Kustomization>,
    /// The files holding nodes, with their repo-relative paths: in the walk's order,
    /// sorted by path (and without duplicates) from the analysis on
    /// ([`Facts::sort`], [`Facts::node_file`]).
    pub node_files: Vec<(String, NodeFile)>,
    /// The nodes of those files: in the walk's order, by file then document from the
    /// analysis on ([`Facts::sort`]). One list for all files: the graph takes it as it
    /// is (a list per file would be copied into it, and held twice at that moment).
    pub nodes: Vec<Node>,
}

impl Facts {
    /// Sort the files holding nodes by path and their nodes by file then document,
    /// keeping one of a file walked twice.
    pub fn sort(&mut self) {
        sort_node_files(&mut self.node_files, &mut self.nodes);
    }

    /// The nodes of the file at `rel` (once sorted).
    pub fn nodes_of(&self, rel: &str) -> &[Node] {
        let start = self.nodes.partition_point(|n| n.file.as_str() < rel);
        let len = self.nodes[start..].partition_point(|n| n.file == rel);
        &self.nodes[start..start + len]
    }

    /// What is known of the files read (`ids`: their blob ids), for the other side of a
    /// plan.
    pub fn known(&mut self, ids: Vec<(String, super::known::BlobId)>) -> super::known::Known {
        self.sort();
        let node_files = self
            .node_files
            .iter()
            .map(|(rel, f)| (rel.as_str(), f.digest, self.nodes_of(rel)));
        let kustomizations = self
            .kustomizations
            .iter()
            .filter_map(|k| Some((k.rel.as_deref()?, &k.facts)));
        super::known::Known::new(ids, node_files, kustomizations)
    }

    /// The file holding nodes at `rel` (once sorted: [`sort_node_files`]).
    pub fn node_file(&self, rel: &str) -> Option<&NodeFile> {
        let at = self
            .node_files
            .binary_search_by(|(r, _)| r.as_str().cmp(rel))
            .ok()?;
        Some(&self.node_files[at].1)
    }
}

/// Sort the files holding nodes by path and the nodes by file then document, keeping one
/// of a path walked twice ([`Facts::sort`]).
pub fn sort_node_files(files: &mut Vec<(String, NodeFile)>, nodes: &mut Vec<Node>) {
    use rayon::slice::ParallelSliceMut;
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    fn key(n: &Node) -> (&str, usize) {
        (n.file.as_str(), n.document)
    }
    nodes.par_sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    nodes.dedup_by(|a, b| key(a) == key(b));
}

/// What the walk gave.
pub struct Walked {
    /// The files with findings.
    pub found: Vec<(PathBuf, FileReport)>,
    /// Files that could not be read, sorted (messages after their path).
    pub read_errors: Vec<String>,
    pub scanned: usize,
    pub skipped: usize,
    pub facts: Facts,
    /// The Git blob id of every file read below the root (only when asked:
    /// [`Walk::record_ids`]).
    pub ids: Vec<(String, super::known::BlobId)>,
}

/// The walk's shared state.
pub struct Walk<'a> {
    pub options: FileOptions<'a>,
    pub max_file_size: u64,
    pub cwd: Option<&'a Path>,
    /// The repository root: files below it take part in the app graph.
    pub root: Option<&'a Path>,
    pub helm_facts: &'a crate::helm_stage::Collector,
    /// Keep the text of every file holding a node (the `graph` command shows lines).
    pub keep_texts: bool,
    /// This walk among the process's walks (for [`Walk::mark_directory`]'s cache).
    id: usize,
    scanned: AtomicUsize,
    skipped: AtomicUsize,
    found: Mutex<Vec<(PathBuf, FileReport)>>,
    read_errors: Mutex<Vec<String>>,
    facts: Mutex<Facts>,
    ids: Option<Mutex<Vec<(String, super::known::BlobId)>>>,
}

impl<'a> Walk<'a> {
    pub fn new(
        options: FileOptions<'a>,
        max_file_size: u64,
        cwd: Option<&'a Path>,
        root: Option<&'a Path>,
        helm_facts: &'a crate::helm_stage::Collector,
        keep_texts: bool,
    ) -> Self {
        Walk {
            options,
            max_file_size,
            cwd,
            root,
            helm_facts,
            keep_texts,
            id: {
                static WALKS: AtomicUsize = AtomicUsize::new(1);
                WALKS.fetch_add(1, Ordering::Relaxed)
            },
            scanned: AtomicUsize::new(0),
            skipped: AtomicUsize::new(0),
            found: Mutex::new(Vec::new()),
            read_errors: Mutex::new(Vec::new()),
            facts: Mutex::new(Facts::default()),
            ids: None,
        }
    }

    /// Also note the Git blob id of every file read below the root (for `plan`: the other
    /// side takes a file with the same id from [`super::known::Known`]).
    pub fn record_ids(mut self) -> Self {
        self.ids = Some(Mutex::new(Vec::new()));
        self
    }

    /// Note that the file `rel` had the blob id `id`.
    pub fn note_id(&self, rel: String, id: super::known::BlobId) {
        if let Some(ids) = &self.ids {
            crate::sync::lock(ids).push((rel, id));
        }
    }

    /// Read, lint and take the facts of one file (`buf` is the thread's scratch buffer).
    pub fn visit_file(&self, path: &Path, buf: &mut Vec<u8>) {
        if let Err(e) = crate::read::read_file(path, buf, self.max_file_size, true) {
            let display = display_path(path, self.cwd);
            crate::sync::lock(&self.read_errors)
                .push(format!("{display}: {}", super::read_error_message(&e)));
            return;
        }
        if self.ids.is_some() {
            if let Some(rel) = self.root.and_then(|r| repo_relative(path, r, self.cwd)) {
                self.note_id(rel, super::known::blob_id(buf));
            }
        }
        self.visit_bytes(path, buf);
    }

    /// Take what the other side's walk took of a file with the same bytes (`path` is
    /// where it would be, `rel` its repo-relative path), as [`Walk::visit_bytes`] would.
    pub fn take_known(&self, path: &Path, rel: &str, known: super::known::KnownFile<'_>) {
        let listed = Listed::of(path);
        if known.nodes.is_none() && known.kustomization.is_none() && !listed.chart {
            self.mark_directory(path);
            return;
        }
        let mut facts = crate::sync::lock(&self.facts);
        if let Some(known) = known.kustomization {
            let k = Kustomization::with(path.to_path_buf(), Some(rel.to_string()), known.clone());
            facts.kustomizations.push(k);
        }
        if let Some((digest, nodes)) = known.nodes {
            let file = NodeFile {
                path: path.to_path_buf(),
                text: None,
                digest: *digest,
            };
            facts.node_files.push((rel.to_string(), file));
            facts.nodes.extend_from_slice(nodes);
        }
        facts.files.push(rel.to_string());
    }

    /// Lint and take the facts of one file already read into `buf` (the walk's own
    /// reads, or a file of a Git tree that is not on disk: `path` is then where it would
    /// be).
    pub fn visit_bytes(&self, path: &Path, buf: &mut Vec<u8>) {
        let needles = lint::Needles::scan(buf);
        // The repo-relative path, for a file that may hold nodes or that the graph's tree
        // lists (kustomizations, Helm charts); any other file only marks its directory.
        let listed = Listed::of(path);
        let rel = (needles.argo || listed.kustomization || listed.chart)
            .then(|| {
                self.root
                    .and_then(|root| repo_relative(path, root, self.cwd))
            })
            .flatten();
        if rel.is_none() {
            self.mark_directory(path);
        }
        let mut nodes = Vec::new();
        // (A file that cannot hold an object is skipped before it is even named.)
        let may_hold = lint::may_hold_objects(buf, needles);
        let display = || display_path(path, self.cwd);
        let outcome = match &rel {
            _ if !may_hold => Outcome::Skipped,
            Some(rel) => {
                let observe = &mut |doc: &crate::yaml::Document| {
                    if let Some(node) = graph::node_of(rel, doc) {
                        nodes.push(node);
                    }
                };
                lint::lint_scanned_observed(&display(), buf, self.options, needles, observe)
            }
            None => lint::lint_scanned(&display(), buf, self.options, needles),
        };
        if !nodes.is_empty() {
            if let Ok(text) = std::str::from_utf8(buf) {
                graph::build::place_names(&mut nodes, text);
            }
        }
        let linted = matches!(outcome, Outcome::Scanned(_));
        self.helm_facts.observe(path, buf, linted, needles.chart);
        self.keep_facts(path, listed, rel, buf, &outcome, nodes);
        match outcome {
            Outcome::Skipped => {
                self.skipped.fetch_add(1, Ordering::Relaxed);
            }
            Outcome::Scanned(report) => {
                self.scanned.fetch_add(1, Ordering::Relaxed);
                if !report.diagnostics.is_empty() {
                    crate::sync::lock(&self.found).push((path.to_path_buf(), report));
                }
            }
        }
        // Do not keep a large file's buffer around for the rest of the walk.
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new();
        }
    }

    /// Keep what the app graph needs of a file: its repo-relative path, its text when it
    /// is a kustomization or holds nodes (shared with its report when it has one).
    fn keep_facts(
        &self,
        path: &Path,
        listed: Listed,
        rel: Option<String>,
        bytes: &[u8],
        outcome: &Outcome,
        nodes: Vec<Node>,
    ) {
        let kustomization = listed.kustomization;
        if rel.is_none() && !kustomization {
            return;
        }
        if nodes.is_empty() && !kustomization && !listed.chart {
            // A file that may hold nodes but holds none: its directory is all the tree needs.
            self.mark_directory(path);
            return;
        }
        let text = || -> Option<Arc<str>> {
            match outcome {
                Outcome::Scanned(FileReport {
                    source: Some(text), ..
                }) if text.len() == bytes.len() => Some(text.clone()),
                _ => std::str::from_utf8(bytes).ok().map(Arc::from),
            }
        };
        let text = (self.keep_texts && !nodes.is_empty()).then(text).flatten();
        // Taken here, on the walk's thread, from the bytes read.
        let kustomization =
            kustomization.then(|| Kustomization::of(path.to_path_buf(), rel.clone(), bytes));
        let mut facts = crate::sync::lock(&self.facts);
        facts.kustomizations.extend(kustomization);
        let Some(rel) = rel else {
            return;
        };
        if !nodes.is_empty() {
            let file = NodeFile {
                path: path.to_path_buf(),
                text,
                digest: super::known::digest(bytes),
            };
            facts.node_files.push((rel.clone(), file));
            facts.nodes.extend(nodes);
        }
        facts.files.push(rel);
    }

    /// List `path`'s directory in the graph's tree (as `dir/`), once per run of files of
    /// one directory on this thread: a source's `path` exists when a file is below it.
    fn mark_directory(&self, path: &Path) {
        thread_local! {
            /// The walk and the directory (its bytes) this thread marked last.
            static LAST: std::cell::RefCell<(usize, Vec<u8>)> =
                const { std::cell::RefCell::new((0, Vec::new())) };
        }
        // Told by the bytes before the last separator: parsing the path's components for
        // every file would cost more than the mark (the directory is parsed when new).
        let bytes = path.as_os_str().as_encoded_bytes();
        let separators: &[u8] = if cfg!(windows) { b"/\\" } else { b"/" };
        let key = match bytes.iter().rposition(|b| separators.contains(b)) {
            Some(at) => &bytes[..at],
            None => &[],
        };
        let new = LAST.with_borrow_mut(|(walk, last)| {
            let new = *walk != self.id || last.as_slice() != key;
            if new {
                *walk = self.id;
                last.clear();
                last.extend_from_slice(key);
            }
            new
        });
        if !new {
            return;
        }
        let Some(dir) = path.parent() else {
            return;
        };
        let marker = self
            .root
            .and_then(|root| repo_relative(dir, root, self.cwd))
            .map(|d| {
                let mut marker = String::with_capacity(d.len() + 1);
                marker.push_str(&d);
                marker.push('/');
                marker
            });
        if let Some(marker) = marker {
            crate::sync::lock(&self.facts).files.push(marker);
        }
    }

    pub fn finish(self) -> Walked {
        let mut read_errors = crate::sync::into_inner(self.read_errors);
        read_errors.sort();
        Walked {
            found: crate::sync::into_inner(self.found),
            read_errors,
            scanned: self.scanned.into_inner(),
            skipped: self.skipped.into_inner(),
            facts: crate::sync::into_inner(self.facts),
            ids: self.ids.map(crate::sync::into_inner).unwrap_or_default(),
        }
    }
}

/// What a file is to the graph's tree by its name (decided once per file).
#[derive(Debug, Clone, Copy)]
struct Listed {
    kustomization: bool,
    chart: bool,
}

impl Listed {
    fn of(path: &Path) -> Listed {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        Listed {
            kustomization: crate::discover::KUSTOMIZATION_NAMES.contains(&name),
            chart: name == "Chart.yaml" || name == "Chart.yml",
        }
    }
}
