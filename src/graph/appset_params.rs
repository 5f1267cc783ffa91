//! The parameter sets of ApplicationSet git generators, as Argo CD builds them
//! (`applicationset/generators/git.go`).
//!
//! A git directory generator gives, per directory: `path`, `path.basename`,
//! `path.basenameNormalized` and `path[N]` (each segment); with `goTemplate: true` the same
//! under `path.path`, `path.basename`, `path.basenameNormalized` and `path.segments.N`.
//! A git file generator (files matched with Argo CD's default, greedy globbing) gives the
//! file's keys flattened (`a.b.c`; a file holding a list
//! gives one set per item) plus `path` (the file's directory), `path.basename`,
//! `path.filename`, `path.basenameNormalized`, `path.filenameNormalized` and the segments.

use super::appset::{literal_prefix, DirectoryPattern, Params};
use super::resolve::Tree;

/// The files of `tree` (sorted) matched by `patterns`, with Argo CD's default git file
/// globbing: the pattern is matched against the whole path with its `*` crossing `/`
/// (gobwas without separators, [`super::glob::matches`]), so `apps/*/config.json` also
/// matches `apps/a/b/config.json` and `**` is the same as `*` (the controller's opt-in
/// "new globbing" would not). An `exclude: true` pattern removes what it matches. Only the
/// files under each include pattern's literal leading directories are looked at.
pub fn generated_files(patterns: &[DirectoryPattern], tree: &Tree) -> Vec<String> {
    let mut candidates: Vec<&String> = patterns
        .iter()
        .filter(|p| !p.exclude)
        .flat_map(|p| tree.under(&literal_prefix(&p.path, false)))
        .collect();
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .filter(|f| !(f.starts_with(".git/")))
        .filter(|f| {
            let hit = |exclude: bool| {
                patterns
                    .iter()
                    .any(|p| p.exclude == exclude && super::glob::matches(&p.path, f))
            };
            hit(false) && !hit(true)
        })
        .cloned()
        .collect()
}

/// Argo CD's `SanitizeName`: lower case, anything but `a-z0-9-.` replaced by `-`, at most
/// 253 bytes, `-` and `.` trimmed at both ends.
pub fn normalize(name: &str) -> String {
    let mut out: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(253);
    out.trim_matches(['-', '.']).to_string()
}

/// Go's `path.Base`: the last segment, `.` for an empty path.
fn base(path: &str) -> &str {
    match path.trim_end_matches('/').rsplit('/').next() {
        Some("") | None => ".",
        Some(b) => b,
    }
}

/// Go's `path.Dir` of a repo-relative file: `.` at the root.
fn dir(file: &str) -> &str {
    file.rsplit_once('/').map_or(".", |(d, _)| d)
}

/// The parameters of one directory `path` (or of the directory of a generated file).
fn path_params(out: &mut Params, path: &str, go: bool) {
    let (key, seg) = if go {
        ("path.path", "path.segments.")
    } else {
        ("path", "path[")
    };
    out.insert(key.to_string(), path.to_string());
    out.insert("path.basename".into(), base(path).to_string());
    out.insert("path.basenameNormalized".into(), normalize(base(path)));
    for (i, s) in path.split('/').enumerate() {
        let k = if go {
            format!("{seg}{i}")
        } else {
            format!("{seg}{i}]")
        };
        out.insert(k, s.to_string());
    }
}

/// The parameter set of a directory selected by a git directory generator.
pub fn directory_params(path: &str, go: bool) -> Params {
    let mut out = Params::new();
    path_params(&mut out, path, go);
    out
}

/// The parameter sets of a file selected by a git file generator, from its text (`None`
/// when unreadable or not a YAML/JSON mapping or list of mappings: no set, as Argo CD
/// fails the generator).
pub fn file_params(file: &str, text: &str, go: bool) -> Option<Vec<Params>> {
    let parsed = crate::yaml::parse(text, text);
    if !parsed.errors.is_empty() {
        return None;
    }
    let root = &parsed.documents.first()?.root;
    let items: Vec<&crate::yaml::Node> = if root.is_mapping() {
        vec![root]
    } else {
        root.items().iter().filter(|i| i.is_mapping()).collect()
    };
    if items.is_empty() {
        return None;
    }
    let name = base(file);
    let sets = items
        .into_iter()
        .map(|item| {
            let mut out = super::appset::flatten(item);
            path_params(&mut out, dir(file), go);
            out.insert("path.filename".into(), name.to_string());
            out.insert("path.filenameNormalized".into(), normalize(name));
            out
        })
        .collect();
    Some(sets)
}

#[cfg(test)]
#[path = "appset_params_tests.rs"]
mod tests;
