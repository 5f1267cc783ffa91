//! Files around the `argocd-apps` chart that name its values: a `Chart.yaml` (the chart
//! itself, or an umbrella depending on it) and the values files beside it, and other tools
//! that render the chart from files of the repository, Kustomize's `helmCharts`
//! (`kustomize build --enable-helm`) and helmfile's `releases`. [`crate::helm_stage`]
//! checks the value files they name like those of an Application.

use crate::yaml::{self, Node};
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
    let parsed = crate::safety::check::parse_as_linted(text);
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

pub fn is_chart_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("Chart.yaml" | "Chart.yml")
    )
}

/// The key of the argocd-apps values in the values files of the chart whose `Chart.yaml`
/// is `text`: `""` for the chart itself, the dependency's `alias` or name for an umbrella.
pub fn chart_key(text: &str, dir: &Path) -> Option<String> {
    let parsed = yaml::parse(text, text);
    let root = &parsed.documents.first()?.root;
    if root.get("name").and_then(Node::as_str) == Some(crate::helm_apps::CHART) {
        return reads_entry_finalizers(dir).then(String::new);
    }
    let deps = root
        .get("dependencies")
        .map(Node::items)
        .unwrap_or_default();
    deps.iter()
        .find(|d| d.get("name").and_then(Node::as_str) == Some(crate::helm_apps::CHART))
        .map(|d| {
            d.get("alias")
                .and_then(Node::as_str)
                .unwrap_or(crate::helm_apps::CHART)
                .to_string()
        })
}

/// Whether the chart in `dir` named `argocd-apps` is argo-helm's (or has no templates
/// here): its templates read each entry's `.finalizers`. A chart of one's own by that name
/// that writes the finalizer itself would make every entry a false finding.
fn reads_entry_finalizers(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.join("templates")) else {
        return true;
    };
    entries.filter_map(|e| e.ok()).take(64).any(|e| {
        let mut bytes = Vec::new();
        let limit = crate::read::DEFAULT_MAX_FILE_SIZE;
        crate::read::read_file(&e.path(), &mut bytes, limit, true).is_ok()
            && memchr::memmem::find(&bytes, b".finalizers").is_some()
    })
}

/// The `values*.yaml` files in the chart folder `dir`, and chart-testing's
/// `ci/*-values.yaml`, sorted.
pub fn values_beside(dir: &Path) -> Vec<PathBuf> {
    let list = |dir: &Path, keep: &dyn Fn(&str) -> bool| -> Vec<PathBuf> {
        let here = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(entries) = std::fs::read_dir(here) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| keep(n))
            .map(|n| dir.join(n))
            .collect()
    };
    let yaml = |n: &str| n.ends_with(".yaml") || n.ends_with(".yml");
    let mut names = list(dir, &is_values_name);
    names.extend(list(&dir.join("ci"), &|n| {
        yaml(n)
            && n.trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .ends_with("-values")
    }));
    names.sort();
    names
}

/// `values.yaml`, `values-prod.yaml`, `values.dev.yml`, ...
pub fn is_values_name(name: &str) -> bool {
    name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

pub fn chart_key_on_disk(dir: &Path) -> Option<String> {
    ["Chart.yaml", "Chart.yml"].iter().find_map(|n| {
        let text = crate::read::read_text(&dir.join(n))?;
        text.contains(crate::helm_apps::CHART)
            .then(|| chart_key(&text, dir))
            .flatten()
    })
}
