//! ApplicationSets: their generators and template ([`AppSetSpec`], read by
//! [`spec_of`]), and the directories of the tree a git directory generator selects.
//!
//! As Argo CD's `GitGenerator.filterApps`: every directory of the repository is matched
//! with Go's `path.Match` against each `directories[].path`; a directory matched by an
//! entry with `exclude: true` is left out even when another entry includes it. Go's
//! `path.Match` has no `{a,b}` and its `*` / `?` / `[...]` do not match `/`.
//! [`build`](mod@super::build) turns each parameter set of the git directory, git file
//! and list generators into a generated Application node ([`super::appset_expand`]).

use std::collections::BTreeMap;

use super::resolve::Tree;
use crate::yaml::Node as Yaml;

/// One parameter set of a generator: flattened keys (`a.b.c`) → values.
pub type Params = BTreeMap<String, String>;

/// What [`build`](mod@super::build) needs of an ApplicationSet to generate its
/// Applications: the template's name and namespace text and the generators.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSetSpec {
    /// `spec.goTemplate: true`: Go templates (`{{ .path.basename }}`), else Argo CD's
    /// fasttemplate (`{{path.basename}}`).
    pub go_template: bool,
    /// `spec.template.metadata.name`, unrendered.
    pub name: String,
    /// `spec.template.metadata.namespace`, unrendered.
    pub namespace: Option<String>,
    /// `spec.generators`, in order.
    pub generators: Vec<Generator>,
    /// Generators whose Applications are not known: not expanded into nodes.
    pub not_expanded: Vec<NotExpanded>,
    /// `spec.syncPolicy.applicationsSync` is `create-only` or `create-update`: a generated
    /// Application whose directory, file or element goes away is kept, not deleted.
    pub keeps_removed: bool,
}

/// One entry of `spec.generators`.
#[derive(Debug, Clone, PartialEq)]
pub enum Generator {
    Directories(GitDirectories),
    Files(GitFiles),
    /// The `elements` of a list generator, each flattened.
    List(Vec<Params>),
    /// Any other generator (`matrix`, `merge`, `clusters`, `scmProvider`, …): its key.
    Other(String),
}

/// A generator whose Applications are not generated as nodes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotExpanded {
    /// Index into `spec.generators`.
    pub generator: usize,
    /// The generator's key (`matrix`, `git`, `list`, …).
    pub kind: String,
    pub reason: NotExpandedReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotExpandedReason {
    /// Matrix, merge, cluster, SCM and other generators: their parameters come from the
    /// cluster or other services.
    Unsupported,
    /// A git generator of another repository.
    OtherRepository,
    /// More parameter sets than [`super::appset_expand::MAX_GENERATED`]: the rest left out.
    TooMany,
}

/// A git file generator: the files of the repository matching `files[].path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitFiles {
    pub repo_url: String,
    pub patterns: Vec<DirectoryPattern>,
    pub extras: GitExtras,
}

/// What a git generator adds to each of its parameter sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitExtras {
    /// `pathParamPrefix`: the `path` parameters become `<prefix>.path…`.
    pub path_param_prefix: Option<String>,
    /// `values`: key → template, rendered with the set and added as `values.<key>`.
    pub values: Vec<(String, String)>,
}

/// The generators and template of an ApplicationSet document (`root`), or `None` when it
/// has no `spec.template`.
pub fn spec_of(root: &Yaml) -> Option<AppSetSpec> {
    let spec = root.get("spec")?;
    let metadata = spec.at("template.metadata");
    let text = |key: &str| {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Yaml::as_str)
            .map(str::to_string)
    };
    let generators: Vec<Generator> = spec
        .get("generators")
        .map(Yaml::items)
        .unwrap_or_default()
        .iter()
        .map(generator)
        .collect();
    let not_expanded = generators
        .iter()
        .enumerate()
        .filter_map(|(i, g)| match g {
            Generator::Other(kind) => Some(NotExpanded {
                generator: i,
                kind: kind.clone(),
                reason: NotExpandedReason::Unsupported,
            }),
            _ => None,
        })
        .collect();
    let policy = spec
        .at("syncPolicy.applicationsSync")
        .and_then(Yaml::as_str);
    Some(AppSetSpec {
        keeps_removed: matches!(policy, Some("create-only" | "create-update")),
        go_template: spec.get("goTemplate").is_some_and(Yaml::is_true),
        name: text("name")?,
        namespace: text("namespace"),
        generators,
        not_expanded,
    })
}

fn generator(node: &Yaml) -> Generator {
    if let Some(git) = node.get("git") {
        let repo_url = git
            .get("repoURL")
            .and_then(Yaml::as_str)
            .unwrap_or("")
            .to_string();
        let extras = GitExtras {
            path_param_prefix: git
                .get("pathParamPrefix")
                .and_then(Yaml::as_str)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            values: git
                .get("values")
                .map(Yaml::entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|e| Some((e.key.as_str()?.to_string(), e.value.as_str()?.to_string())))
                .collect(),
        };
        if let Some(dirs) = git.get("directories") {
            let patterns = patterns(dirs);
            return Generator::Directories(GitDirectories {
                repo_url,
                patterns,
                extras,
            });
        }
        if let Some(files) = git.get("files") {
            let patterns = patterns(files);
            return Generator::Files(GitFiles {
                repo_url,
                patterns,
                extras,
            });
        }
    }
    if let Some(elements) = node.at("list.elements") {
        let sets = elements.items().iter().map(flatten).collect();
        return Generator::List(sets);
    }
    let kind = node
        .entries()
        .iter()
        .find_map(|e| e.key.as_str().filter(|k| *k != "selector"))
        .unwrap_or("unknown");
    Generator::Other(kind.to_string())
}

fn patterns(list: &Yaml) -> Vec<DirectoryPattern> {
    list.items()
        .iter()
        .filter_map(|d| {
            let path = d.get("path")?.as_str()?.to_string();
            let exclude = d.get("exclude").is_some_and(Yaml::is_true);
            Some(DirectoryPattern { path, exclude })
        })
        .collect()
}

/// The scalars of `node` under their dotted routes (`a.b.c`, sequence items `a.0`), as
/// Argo CD flattens generator parameters; a scalar root is no parameter set.
pub fn flatten(node: &Yaml) -> Params {
    let mut out = Params::new();
    let mut stack: Vec<(String, &Yaml)> = vec![(String::new(), node)];
    let join = |prefix: &str, key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    while let Some((prefix, n)) = stack.pop() {
        if let Some(value) = n.as_str() {
            if !prefix.is_empty() {
                out.insert(prefix, value.to_string());
            }
            continue;
        }
        for e in n.entries() {
            if let Some(key) = e.key.as_str() {
                stack.push((join(&prefix, key), &e.value));
            }
        }
        for (i, item) in n.items().iter().enumerate() {
            stack.push((join(&prefix, &i.to_string()), item));
        }
    }
    out
}

/// One `generators[].git.directories[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPattern {
    pub path: String,
    pub exclude: bool,
}

/// A git directory generator of an ApplicationSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitDirectories {
    pub repo_url: String,
    pub patterns: Vec<DirectoryPattern>,
    pub extras: GitExtras,
}

/// The git directory generators directly under `spec.generators` of an ApplicationSet
/// document (generators nested in `matrix` / `merge` are not read).
pub fn git_directory_generators(root: &Yaml) -> Vec<GitDirectories> {
    let generators = root
        .at("spec.generators")
        .map(Yaml::items)
        .unwrap_or_default();
    generators
        .iter()
        .filter_map(|g| match generator(g) {
            Generator::Directories(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// The directories of `tree` (sorted) that `patterns` select. Only the files under each
/// include pattern's literal leading directories are looked at, down to its depth.
pub fn generated_directories(patterns: &[DirectoryPattern], tree: &Tree) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    for p in patterns.iter().filter(|p| !p.exclude) {
        let prefix = literal_prefix(&p.path, true);
        let depth = p.path.split('/').count();
        candidates.extend(directories(tree.under(&prefix), depth));
    }
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .filter(|dir| {
            let hit = |exclude: bool| {
                patterns
                    .iter()
                    .any(|p| p.exclude == exclude && go_path_match(&p.path, dir))
            };
            hit(false) && !hit(true)
        })
        .collect()
}

/// The leading segments of `pattern` without a wildcard (`apps/team-*/x` → `apps`), the
/// last one included only when `with_last` (a directory pattern names a directory; a file
/// pattern's last segment is a file name). "" when the first segment is a wildcard.
pub fn literal_prefix(pattern: &str, with_last: bool) -> String {
    let segments: Vec<&str> = pattern.trim_start_matches("./").split('/').collect();
    let usable = if with_last {
        segments.len()
    } else {
        segments.len().saturating_sub(1)
    };
    let literal = |s: &&str| !s.is_empty() && !s.contains(['*', '?', '[', '\\']);
    let kept: Vec<&str> = segments[..usable]
        .iter()
        .copied()
        .take_while(literal)
        .collect();
    kept.join("/")
}

/// Every directory holding one of `files`, at any depth up to `depth` segments, except the
/// root and `.git`.
fn directories(files: &[String], depth: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for file in files {
        let mut end = 0;
        let mut level = 0;
        while let Some(pos) = file[end..].find('/') {
            end += pos;
            let dir = &file[..end];
            end += 1;
            level += 1;
            if level > depth || dir == ".git" || dir.starts_with(".git/") {
                break;
            }
            out.push(dir.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Go's `path.Match`: segments must line up one to one, as no wildcard crosses `/`.
/// A malformed pattern matches nothing (Argo CD logs the error and skips it).
pub fn go_path_match(pattern: &str, name: &str) -> bool {
    let (pattern, name): (Vec<&str>, Vec<&str>) =
        (pattern.split('/').collect(), name.split('/').collect());
    pattern.len() == name.len()
        && pattern.iter().zip(&name).all(|(p, n)| {
            // braces are literal in Go: escape them for the gobwas-style matcher
            let escaped = p
                .replace('{', "\\{")
                .replace('}', "\\}")
                .replace(",", "\\,");
            super::glob::matches(&escaped, n)
        })
}

#[cfg(test)]
#[path = "appset_tests.rs"]
mod tests;
