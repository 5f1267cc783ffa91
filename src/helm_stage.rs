//! The repository-level stage for `argocd-apps` values files ([`crate::helm_apps`]).
//!
//! A values file holds no `argoproj.io` bytes, so the walk skips it unparsed. While the walk
//! runs, [`Collector::observe`] looks at the files it read anyway: a file that holds Argo CD
//! objects and names the chart (`argocd-apps` bytes) is parsed once more for the value files
//! its Applications use; a `Chart.yaml` naming the chart is parsed for an `argocd-apps`
//! dependency; a kustomization or helmfile naming the chart for its value files
//! ([`crate::helm_tools`]). After the walk, [`ValuesFiles::new`] resolves those references
//! on disk, and [`add_unread`] reads the values files the walk did not keep (a second read of a file the
//! first pass skipped after only a byte search).
//!
//! Resolution: `helm.valueFiles` of a source with `chart: argocd-apps` that start with `$`
//! (`$values/path`) name a file from the repository root (the nearest folder above the
//! Application holding `.git`, else the linted folder): whichever source the `$ref` names,
//! it is taken to be this repository. Other value files of a chart from a Helm repository
//! are inside the chart package and not looked at. A Git source (`path: P`) whose
//! `P/Chart.yaml` is the chart or depends on it has its value files resolved against `P`.
//! A `Chart.yaml` depending on the chart makes the `values*.yaml` beside it argocd-apps
//! values, under the dependency's name or `alias`. Only files inside the linted paths are
//! checked.

use crate::helm_apps::Role;
use crate::helm_tools::{chart_key, chart_key_on_disk, is_chart_file, values_beside};
use crate::kustomize::normalize;
use crate::yaml::Node;
use memchr::memmem;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The value files of one Application source, merged by Helm in one rendering: their
/// paths, and the key of the chart's values in them (`None`: decided by the `Chart.yaml`
/// in `chart_dir`, the source's Git path, whose `values.yaml` Helm reads first).
#[derive(Debug)]
struct Group {
    files: Vec<PathBuf>,
    key: Option<String>,
    chart_dir: Option<PathBuf>,
}

/// Facts gathered during the walk.
#[derive(Debug, Default)]
pub struct Collector {
    /// The linted folders: a file's repository root when no `.git` is found above it.
    roots: Vec<PathBuf>,
    refs: Mutex<Vec<Group>>,
    /// Chart directories and the key of the chart's values in their values files.
    charts: Mutex<Vec<(PathBuf, String)>>,
    /// What the entries of files that may be argocd-apps values use: entries that deploy
    /// the chart again (an app of apps of the chart, also one managing its own values).
    entries: Mutex<Vec<EntryRefs>>,
}

/// The value files an entry of a possible argocd-apps values file uses.
#[derive(Debug)]
struct EntryRefs {
    /// The file holding the entry, and the key its values sit under (empty: the root).
    owner: PathBuf,
    key: String,
    group: Group,
}

impl Collector {
    pub fn new(paths: &[PathBuf]) -> Self {
        let mut roots: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
        roots.sort_by_key(|r| canonical(r).components().count());
        Collector {
            roots,
            ..Collector::default()
        }
    }

    /// Look at a file the walk read; `argo`: the file may hold Argo CD objects (it was
    /// linted); `names_chart`: its bytes hold [`crate::helm_apps::NEEDLE`] (found with the
    /// walk's needle, [`crate::lint::Needles`]). Costs nothing unless the file names the
    /// chart (its path is not even looked at).
    pub fn observe(&self, path: &Path, bytes: &[u8], argo: bool, names_chart: bool) {
        if !names_chart {
            return;
        }
        let chart = is_chart_file(path);
        let tool = !chart && crate::helm_tools::is_tool_file(path);
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        if !chart && !tool && memmem::find(bytes, b"applications").is_some() {
            let root = repo_root(path, &self.roots);
            let found = entry_references(path, text, &root);
            crate::sync::lock(&self.entries).extend(found);
        }
        if !(argo || chart || tool) {
            return;
        }
        if tool {
            let groups = crate::helm_tools::value_files(path, text).into_iter();
            let groups = groups.map(|files| Group {
                files,
                key: Some(String::new()),
                chart_dir: None,
            });
            crate::sync::lock(&self.refs).extend(groups);
            if !argo {
                return;
            }
        }
        if chart {
            let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
            if let Some(key) = chart_key(text, &dir) {
                crate::sync::lock(&self.charts).push((dir, key));
            }
            return;
        }
        let root = repo_root(path, &self.roots);
        let found = references(text, &root);
        crate::sync::lock(&self.refs).extend(found);
    }
}

/// The repository root for a file: the nearest folder above it holding `.git`, else the
/// widest linted folder holding it, else the folder it is in.
fn repo_root(file: &Path, roots: &[PathBuf]) -> PathBuf {
    let start = file.parent().unwrap_or(Path::new(""));
    let mut dir = Some(start);
    for _ in 0..32 {
        let Some(d) = dir else { break };
        let here = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if here.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    // Above the working directory (`lint .` run in a sub-folder of the repository).
    if let Ok(abs) = std::path::absolute(start) {
        if let Some(git) = abs.ancestors().take(32).find(|d| d.join(".git").exists()) {
            return git.to_path_buf();
        }
    }
    let c = canonical(file);
    roots
        .iter()
        .find(|r| c.starts_with(canonical(r)))
        .cloned()
        .unwrap_or_else(|| start.to_path_buf())
}

/// The value files the Applications in `text` use, per source (only sources that are, or
/// may be, the chart: `chart: argocd-apps`, or a Git path with value files).
fn references(text: &str, root: &Path) -> Vec<Group> {
    let mut out = Vec::new();
    let parsed = crate::safety::check::parse_as_linted(text);
    let scalar = |n: &Node| n.as_str().map(str::to_string);
    for doc in &parsed.documents {
        for obj in crate::objects::find(doc, &scalar) {
            // An ApplicationSet's generated Applications use the sources of its template.
            let app = match obj.kind {
                crate::objects::ArgoKind::Application => Some(obj.node),
                crate::objects::ArgoKind::ApplicationSet => obj.node.at("spec.template"),
            };
            let sources = app.map(crate::helm_inline::sources).unwrap_or_default();
            out.extend(
                sources
                    .into_iter()
                    .filter_map(|(_, s)| source_group(s, root)),
            );
        }
    }
    out
}

/// The value files of an Application source (`None` without any).
fn source_group(source: &Node, root: &Path) -> Option<Group> {
    let path = source
        .get("path")
        .and_then(Node::as_str)
        .map(|p| p.trim_start_matches('/'));
    let files = source.at("helm.valueFiles").map(Node::items);
    let files: Vec<PathBuf> = files
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .filter_map(|f| value_file(f, path, root))
        .collect();
    (!files.is_empty()).then(|| Group {
        files,
        // A Git path is decided by its Chart.yaml (the chart, an umbrella).
        key: crate::helm_inline::is_chart_source(source).then(String::new),
        chart_dir: path.map(|p| root.join(p)),
    })
}

/// The value files the entries of `text` (the file at `owner`, if it holds argocd-apps
/// values: at its root or under a top-level key) use through their `source`/`sources`.
fn entry_references(owner: &Path, text: &str, root: &Path) -> Vec<EntryRefs> {
    let mut out = Vec::new();
    let parsed = crate::safety::check::parse_as_linted(text);
    for doc in &parsed.documents {
        let top = crate::safety::check::resolved_root(doc);
        let keys = std::iter::once("").chain(top.entries().iter().filter_map(|e| e.key.as_str()));
        for key in keys {
            let Some(values) = crate::helm_apps::values_at(&top, key) else {
                continue;
            };
            for entry in crate::helm_apps::entry_nodes(values) {
                let single = entry.get("source").into_iter();
                let multi = entry.get("sources").map(Node::items).unwrap_or_default();
                for source in single.chain(multi) {
                    if let Some(group) = source_group(source, root) {
                        let (owner, key) = (owner.to_path_buf(), key.to_string());
                        out.push(EntryRefs { owner, key, group });
                    }
                }
            }
        }
    }
    out
}

/// The path of value file `f` of a source at Git `path`: `$ref/file` from the repository
/// root; else from the source's path (a chart from a Helm repository has its files in its
/// package: `None`).
fn value_file(f: &str, path: Option<&str>, root: &Path) -> Option<PathBuf> {
    let (file, base) = match f.strip_prefix('$') {
        Some(rest) => (rest.split_once('/').map_or("", |r| r.1), None),
        None => (f, Some(path?)),
    };
    let file = file.trim();
    if file.is_empty() {
        return None;
    }
    Some(normalize(&match base {
        Some(p) => root.join(p).join(file),
        None => root.join(file),
    }))
}

/// The argocd-apps values files to check, and what each holds.
#[derive(Debug, Default)]
pub struct ValuesFiles {
    files: HashMap<PathBuf, (PathBuf, Role)>,
}

/// A path compared as written nowhere else: absolute and normalised.
fn canonical(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

impl ValuesFiles {
    /// Resolve what the walk gathered; `paths` are the linted paths (files outside them,
    /// or excluded, are not checked).
    pub fn new(
        collector: Collector,
        paths: &[PathBuf],
        options: &crate::discover::Options,
    ) -> ValuesFiles {
        let scope: Vec<PathBuf> = paths.iter().map(|p| canonical(p)).collect();
        let mut charts = crate::sync::into_inner(collector.charts);
        // A values file named explicitly: the Chart.yaml beside it says what it is.
        let mut dirs: Vec<&Path> = paths
            .iter()
            .filter(|p| p.is_file())
            .map(|p| p.parent().unwrap_or(Path::new("")))
            .collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            if let Some(key) = chart_key_on_disk(dir) {
                charts.push((dir.to_path_buf(), key));
            }
        }
        let refs = crate::sync::into_inner(collector.refs);
        let mut groups: Vec<(Vec<PathBuf>, String)> =
            refs.into_iter().filter_map(resolve).collect();
        for (dir, key) in charts {
            groups.push((values_beside(&dir), key));
        }
        add_entry_groups(&mut groups, crate::sync::into_inner(collector.entries));
        let exclusion = crate::discover::Exclusion::new(options);
        let checked = |file: &Path| {
            let c = canonical(file);
            scope.iter().any(|s| c.starts_with(s))
                && (paths.iter().any(|p| canonical(p) == c) || !exclusion.excludes(file))
        };
        let mut out = ValuesFiles::default();
        let mut finalized: HashMap<PathBuf, Vec<String>> = HashMap::new();
        for (files, key) in groups {
            let files: Vec<PathBuf> = files.into_iter().filter(|f| f.is_file()).collect();
            let layered = files.len() > 1;
            for (i, file) in files.iter().enumerate() {
                if !checked(file) {
                    continue;
                }
                // Entries another file of the rendering gives a cascade finalizer.
                let mut covered = Vec::new();
                let others = files.iter().enumerate().filter(|(j, _)| *j != i);
                for (_, other) in others {
                    let names = finalized
                        .entry(canonical(other))
                        .or_insert_with(|| finalized_entries(other, &key));
                    covered.extend(names.iter().cloned());
                }
                let role = &mut out
                    .files
                    .entry(canonical(file))
                    .or_insert_with(|| (file.clone(), Role::new(key.clone())))
                    .1;
                role.covered.extend(covered);
                role.layered |= layered;
            }
        }
        out
    }

    /// What the file at `path` holds, if it holds argocd-apps values.
    pub fn role(&self, path: &Path) -> Option<&Role> {
        if self.files.is_empty() {
            return None;
        }
        self.files.get(&canonical(path)).map(|(_, r)| r)
    }
}

/// A source's value files and the key of the chart's values in them (a Git path's
/// `values.yaml` first), if the source is the chart.
fn resolve(g: Group) -> Option<(Vec<PathBuf>, String)> {
    let key = match (g.key, &g.chart_dir) {
        (Some(k), _) => k,
        (None, Some(dir)) => chart_key_on_disk(dir)?,
        (None, None) => return None,
    };
    let mut files = g.files;
    if let Some(dir) = g.chart_dir {
        files.push(normalize(&dir.join("values.yaml")));
    }
    Some((files, key))
}

/// Add the value files named by the entries of values files: of every file known to hold
/// the chart's values (under the entry's key), transitively, and of a file with an entry
/// naming that very file with its values at the same key (a root app of apps managing its
/// own values, installed once by hand). Each file is looked at once (a work list).
fn add_entry_groups(groups: &mut Vec<(Vec<PathBuf>, String)>, entries: Vec<EntryRefs>) {
    type Known = (PathBuf, String);
    let mut known: std::collections::HashSet<Known> = std::collections::HashSet::new();
    let mut queue: Vec<Known> = Vec::new();
    let mut learn = |files: &[PathBuf], key: &str, queue: &mut Vec<Known>| {
        for f in files {
            let k = (canonical(f), key.to_string());
            if known.insert(k.clone()) {
                queue.push(k);
            }
        }
    };
    for (files, key) in groups.iter() {
        learn(files, key, &mut queue);
    }
    let mut by_owner: HashMap<Known, Vec<(Vec<PathBuf>, String)>> = HashMap::new();
    for e in entries {
        let owner = (canonical(&e.owner), e.key);
        let Some((files, key)) = resolve(e.group) else {
            continue;
        };
        let itself = key == owner.1 && files.iter().any(|f| canonical(f) == owner.0);
        if itself {
            learn(&files, &key, &mut queue);
            groups.push((files, key));
        } else {
            by_owner.entry(owner).or_default().push((files, key));
        }
    }
    while let Some(k) = queue.pop() {
        for (files, key) in by_owner.remove(&k).unwrap_or_default() {
            learn(&files, &key, &mut queue);
            groups.push((files, key));
        }
    }
}

/// The names of the entries of the values file at `path` (values under `key`) that have
/// a cascade finalizer.
fn finalized_entries(path: &Path, key: &str) -> Vec<String> {
    let Some(text) = crate::read::read_text(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in &crate::safety::check::parse_as_linted(&text).documents {
        let root = crate::safety::check::resolved_root(doc);
        if let Some(values) = crate::helm_apps::values_at(&root, key) {
            out.extend(crate::helm_apps::finalized(values));
        }
    }
    out
}

/// What standard input named `name` (`--stdin-filename`) holds, when a `Chart.yaml` beside
/// that path makes it argocd-apps values.
pub fn stdin_role(name: &str) -> Option<Role> {
    let path = Path::new(name);
    let dir = path.parent().unwrap_or(Path::new(""));
    let key = chart_key_on_disk(dir)?;
    let files = values_beside(dir);
    let me = canonical(path);
    if !files.iter().any(|f| canonical(f) == me) {
        return None;
    }
    let mut role = Role::new(key);
    role.layered = files.len() > 1;
    for other in files.iter().filter(|f| canonical(f) != me) {
        role.covered.extend(finalized_entries(other, &role.key));
    }
    Some(role)
}

/// Read the values files that `found` (the walk's files with findings) lacks, as reports
/// without diagnostics yet (they are linted with their role afterwards). Returns how many
/// of them the walk had skipped unparsed.
pub fn add_unread(
    values: &ValuesFiles,
    found: &mut Vec<(PathBuf, crate::diagnostic::FileReport)>,
    max_file_size: u64,
    display: &dyn Fn(&Path) -> String,
) -> usize {
    if values.files.is_empty() {
        return 0;
    }
    let have: std::collections::HashSet<PathBuf> = found.iter().map(|f| canonical(&f.0)).collect();
    let mut skipped = 0;
    let mut files: Vec<&PathBuf> = values.files.values().map(|(p, _)| p).collect();
    files.sort();
    for path in files {
        if have.contains(&canonical(path)) {
            continue;
        }
        let mut bytes = Vec::new();
        if crate::read::read_file(path, &mut bytes, max_file_size, true).is_err() {
            continue;
        }
        skipped += usize::from(!crate::lint::may_hold_argo(&bytes));
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        found.push((
            path.clone(),
            crate::diagnostic::FileReport {
                path: display(path),
                path_bytes: None,
                source: Some(std::sync::Arc::from(text)),
                diagnostics: Vec::new(),
            },
        ));
    }
    skipped
}
