//! Other tools that render the `argocd-apps` chart from files of the repository: Kustomize's
//! `helmCharts` (`kustomize build --enable-helm`) and helmfile's `releases`. They name the
//! chart's value files, which [`crate::helm_stage`] then checks like those of an
//! Application.

use crate::yaml::Node;
use std::path::{Path, PathBuf};

/// Whether the file at `path` may name value files of the chart: a kustomization or a
/// helmfile.
pub fn is_tool_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    crate::discover::KUSTOMIZATION_NAMES.contains(&name)
        || name.starts_with("helmfile")
        || path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "helmfile.d")
}

/// The chart's value files named in `text` (the file at `path`), per rendering: a
/// `helmCharts` item's `valuesFile` and `additionalValuesFiles`, or a helmfile release's
/// `values` paths, relative to the file's folder. Inline values (`valuesInline`, a
/// mapping in `values`) and templated paths are not followed.
pub fn value_files(path: &Path, text: &str) -> Vec<Vec<PathBuf>> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let parsed = crate::fix::check::parse_as_linted(text);
    let mut out = Vec::new();
    let is_chart = |n: Option<&Node>| {
        n.and_then(Node::as_str).is_some_and(|c| {
            let c = c.trim_end_matches('/');
            c == crate::helm_apps::CHART || c.ends_with("/argocd-apps")
        })
    };
    let paths = |nodes: Vec<&Node>| -> Vec<PathBuf> {
        nodes
            .into_iter()
            .filter_map(Node::as_str)
            .filter(|p| !p.contains("{{") && !p.trim().is_empty())
            .map(|p| crate::kustomize::normalize(&dir.join(p.trim())))
            .collect()
    };
    for doc in &parsed.documents {
        let root = &doc.root;
        for item in root.get("helmCharts").map(Node::items).unwrap_or_default() {
            if is_chart(item.get("name")) {
                let mut files: Vec<&Node> = item.get("valuesFile").into_iter().collect();
                let more = item.get("additionalValuesFiles").map(Node::items);
                files.extend(more.unwrap_or_default());
                out.push(paths(files));
            }
        }
        for release in root.get("releases").map(Node::items).unwrap_or_default() {
            if is_chart(release.get("chart")) {
                let values = release.get("values").map(Node::items).unwrap_or_default();
                out.push(paths(values.iter().collect()));
            }
        }
    }
    out.retain(|files| !files.is_empty());
    out
}
