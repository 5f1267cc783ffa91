//! Kustomize: which files are patches (and so fragments, not objects to lint).

use crate::yaml::{self, Node};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Names of Kustomize kustomization files, in the order Kustomize looks for them.
pub const KUSTOMIZATION_NAMES: &[&str] =
    &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `dir/name`, or `name` at the root (`dir` repo-relative, "" for the root).
pub fn in_dir(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

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

/// Whether a Kustomize `resources:` entry is Argo CD's install manifests
/// (`https://raw.githubusercontent.com/argoproj/argo-cd/v2.9.0/manifests/install.yaml`,
/// `github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.9.0`).
pub fn is_argocd_manifests(resource: &str) -> bool {
    resource
        .split_once("argoproj/argo-cd")
        .is_some_and(|(_, rest)| rest.contains("/manifests"))
}

/// What the repository analysis needs of a kustomization file, taken from one parse of
/// the bytes the walk read (in its parallel stage): its text is not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kustomize {
    /// The string items of `resources:`, `bases:` and `components:`, in that order.
    pub resources: Vec<String>,
    /// The files named as patches (`patches[].path`, `patchesJson6902[].path`, and the
    /// names of `patchesStrategicMerge`), as written, trimmed.
    pub patches: Vec<String>,
    /// `resources:` or `bases:` name Argo CD's install manifests.
    pub lists_argocd: bool,
}

/// The words a kustomization must contain for [`Kustomize::of`] to find anything in it.
const NEEDLES: [&str; 4] = ["resources", "bases", "components", "patches"];

impl Kustomize {
    /// The facts of the kustomization `text` (every document of it).
    pub fn of(text: &str) -> Kustomize {
        let mut out = Kustomize::default();
        if !NEEDLES.iter().any(|n| text.contains(n)) {
            return out;
        }
        let parsed = yaml::parse(text, text);
        let strings = |root: &Node, key: &str| -> Vec<String> {
            let items = root.get(key).map(Node::items).unwrap_or_default();
            items
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect()
        };
        for doc in &parsed.documents {
            let root = &doc.root;
            for key in ["resources", "bases", "components"] {
                let items = strings(root, key);
                out.lists_argocd |=
                    key != "components" && items.iter().any(|r| is_argocd_manifests(r));
                out.resources.extend(items);
            }
            for key in ["patches", "patchesJson6902"] {
                for item in root.get(key).map(Node::items).unwrap_or_default() {
                    if let Some(p) = item.get("path").and_then(Node::as_str) {
                        out.patches.push(p.trim().to_string());
                    } else if let Some(p) = item.as_str() {
                        out.patches.push(p.trim().to_string());
                    }
                }
            }
            let merge = root.get("patchesStrategicMerge").map(Node::items);
            for item in merge.unwrap_or_default() {
                if let Some(p) = item
                    .as_str()
                    .filter(|p| !p.contains('\n') && !p.contains(':'))
                {
                    out.patches.push(p.trim().to_string());
                }
            }
        }
        out
    }

    /// The patch files, resolved against the directory of `path` (the kustomization's
    /// path) and normalised.
    pub fn patch_files(&self, path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        self.patches.iter().map(move |n| normalize(&dir.join(n)))
    }
}

/// A kustomization file, as the walk read it (or read once after it, see
/// `session::analysis`).
#[derive(Debug)]
pub struct Kustomization {
    /// The path as walked.
    pub path: PathBuf,
    /// Repo-relative, when inside the repository.
    pub rel: Option<String>,
    /// What the analysis needs of it, taken in the walk (`None`: not UTF-8).
    pub facts: Option<Arc<Kustomize>>,
}

impl Kustomization {
    /// The kustomization at `path` with the bytes `bytes`.
    pub fn of(path: PathBuf, rel: Option<String>, bytes: &[u8]) -> Kustomization {
        let facts = std::str::from_utf8(bytes)
            .ok()
            .map(|text| Arc::new(Kustomize::of(text)));
        Kustomization::with(path, rel, facts)
    }

    /// The kustomization at `path` with the facts `facts`.
    pub fn with(
        path: PathBuf,
        rel: Option<String>,
        facts: Option<Arc<Kustomize>>,
    ) -> Kustomization {
        Kustomization { path, rel, facts }
    }

    /// The files it names as patches, resolved against `path` and normalised.
    pub fn patch_files(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.facts.iter().flat_map(|f| f.patch_files(&self.path))
    }
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

    #[test]
    fn takes_resources_patches_and_argocd() {
        let text = "resources:\n  - ../base\n  - https://raw.githubusercontent.com/argoproj/argo-cd/v2.9.0/manifests/install.yaml\ncomponents: [c]\npatches:\n  - path: p.yaml\n  - q.yaml\npatchesJson6902:\n  - path: ' j.yaml '\npatchesStrategicMerge:\n  - s.yaml\n  - |\n    kind: X\n";
        let k = Kustomize::of(text);
        assert_eq!(k.resources.len(), 3);
        assert_eq!(k.resources[2], "c");
        assert_eq!(k.patches, ["p.yaml", "q.yaml", "j.yaml", "s.yaml"]);
        assert!(k.lists_argocd);
        let files: Vec<PathBuf> = k.patch_files(Path::new("a/b/kustomization.yaml")).collect();
        assert_eq!(files[0], PathBuf::from("a/b/p.yaml"));
        // argo-cd only among the components: not an install of Argo CD
        let k = Kustomize::of("components:\n  - github.com/argoproj/argo-cd/manifests/crds\n");
        assert!(!k.lists_argocd);
        assert_eq!(Kustomize::of("kind: Kustomization\n"), Kustomize::default());
    }
}
