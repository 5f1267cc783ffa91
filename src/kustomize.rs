//! Kustomize: which files are patches (and so fragments, not objects to lint).

use crate::yaml::{self, Node};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// Lexically normalise a path: drop `.`, resolve `..` against earlier components.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files named as patches by `text`, the kustomization file at `path` (resolved
/// against its directory, normalised).
pub fn patch_files_in(path: &Path, text: &str) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let parsed = yaml::parse(text, text);
    let mut out = Vec::new();
    for doc in &parsed.documents {
        let root = &doc.root;
        let mut names: Vec<&str> = Vec::new();
        for key in ["patches", "patchesJson6902"] {
            for item in root.get(key).map(Node::items).unwrap_or_default() {
                if let Some(p) = item.get("path").and_then(Node::as_str) {
                    names.push(p);
                } else if let Some(p) = item.as_str() {
                    names.push(p);
                }
            }
        }
        for item in root
            .get("patchesStrategicMerge")
            .map(Node::items)
            .unwrap_or_default()
        {
            if let Some(p) = item
                .as_str()
                .filter(|p| !p.contains('\n') && !p.contains(':'))
            {
                names.push(p);
            }
        }
        out.extend(names.into_iter().map(|n| normalize(&dir.join(n.trim()))));
    }
    out
}

/// The set of patch files named by any of `kustomizations` (path and text, already read).
pub fn patch_set_of<'a>(
    kustomizations: impl IntoIterator<Item = (&'a Path, &'a str)>,
) -> HashSet<PathBuf> {
    kustomizations
        .into_iter()
        .flat_map(|(path, text)| patch_files_in(path, text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(
            normalize(Path::new("./a/b/../c.yaml")),
            PathBuf::from("a/c.yaml")
        );
        assert_eq!(normalize(Path::new("a/../../c")), PathBuf::from("../c"));
    }
}
