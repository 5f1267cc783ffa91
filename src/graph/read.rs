//! Reading Applications and ApplicationSets out of parsed documents: the [`Node`]s of the
//! app graph, with what deletion needs of them (cascade, prune, sources).

use super::model::{AppKind, Cascade, Node};
use super::resolve::{Source, SourceKind};
use crate::yaml::{Document, Node as Yaml};

/// The finalizers that make deleting an Application delete its resources (DOMAIN §2.2);
/// a near miss (`.../Foreground`) does not cascade.
const CASCADE_FINALIZERS: [&str; 3] = [
    "resources-finalizer.argocd.argoproj.io",
    "resources-finalizer.argocd.argoproj.io/foreground",
    "resources-finalizer.argocd.argoproj.io/background",
];

/// The Applications and ApplicationSets (`argoproj.io/*`) among the documents of `file`.
/// A document without a `metadata.name` string is skipped (it has no identity).
pub fn nodes_of(file: &str, documents: &[Document]) -> Vec<Node> {
    documents
        .iter()
        .filter_map(|doc| node_of(file, doc))
        .collect()
}

/// The Application or ApplicationSet of one document of `file`, as [`nodes_of`] reads it.
pub fn node_of(file: &str, doc: &Document) -> Option<Node> {
    let root = &doc.root;
    if !root
        .get("apiVersion")?
        .as_str()?
        .starts_with("argoproj.io/")
    {
        return None;
    }
    let kind = match root.get("kind")?.as_str()? {
        "Application" => AppKind::Application,
        "ApplicationSet" => AppKind::ApplicationSet,
        _ => return None,
    };
    let metadata = root.get("metadata")?;
    let sync_options = metadata
        .at("annotations")
        .and_then(|a| a.get("argocd.argoproj.io/sync-options"))
        .and_then(Yaml::as_str);
    let spec = match kind {
        AppKind::Application => root.get("spec"),
        AppKind::ApplicationSet => root.at("spec.template.spec"),
    };
    let name = metadata.get("name")?;
    let namespace = metadata.get("namespace").and_then(Yaml::as_str);
    let destination = spec
        .and_then(|s| s.get("destination"))
        .and_then(|d| d.get("namespace"))
        .and_then(Yaml::as_str);
    Some(Node {
        name_place: None,
        name_span: name.span.clone(),
        destination_namespace: destination.map(str::to_string),
        installs_argocd: spec.is_some_and(|s| {
            destination == Some(namespace.unwrap_or("argocd")) && argocd_sources(s)
        }),
        kind,
        namespace: namespace.map(str::to_string),
        name: name.as_str()?.to_string(),
        file: file.to_string(),
        document: doc.index,
        span: root.span.clone(),
        cascade: match kind {
            AppKind::Application => cascade(metadata.get("finalizers")),
            AppKind::ApplicationSet => generated_cascade(root),
        },
        keeps_on_prune: sync_options.is_some_and(has_prune_false),
        keeps_on_delete: sync_options.is_some_and(has_delete_false)
            || metadata
                .at("annotations")
                .and_then(|a| a.get("helm.sh/resource-policy"))
                .and_then(Yaml::as_str)
                .is_some_and(|v| v.trim() == "keep"),
        prune: spec.is_some_and(prunes),
        sources: spec.map(sources).unwrap_or_default(),
        appset: match kind {
            AppKind::ApplicationSet => super::appset::spec_of(root).map(Box::new),
            AppKind::Application => None,
        },
        generated: None,
    })
}

/// Whether an Application's `spec` deploys Argo CD itself (self-managed) into Argo CD's
/// namespace (its own `metadata.namespace`, `argocd` when not written): a source with
/// `chart: argo-cd`, or whose `repoURL` is Argo CD's repository and `path` its
/// `manifests/`. (A Kustomize source pulling in the install manifests is told by its
/// kustomization file: [`is_argocd_manifests`].)
pub fn installs_argocd(spec: &Yaml, namespace: Option<&str>) -> bool {
    let own = namespace.unwrap_or("argocd");
    let into_own = spec
        .at("destination.namespace")
        .and_then(Yaml::as_str)
        .is_some_and(|d| d == own);
    into_own && argocd_sources(spec)
}

/// Whether a source of `spec` is Argo CD itself (see [`installs_argocd`]).
fn argocd_sources(spec: &Yaml) -> bool {
    let single = spec.get("source").into_iter();
    let many = spec.get("sources").map(Yaml::items).unwrap_or_default();
    single.chain(many.iter()).any(|s| {
        let text = |k: &str| s.get(k).and_then(Yaml::as_str).unwrap_or("");
        text("chart") == "argo-cd"
            || (is_argocd_repo(text("repoURL"))
                && text("path")
                    .trim_start_matches("./")
                    .starts_with("manifests"))
    })
}

/// `github.com/argoproj/argo-cd` in any URL form.
fn is_argocd_repo(url: &str) -> bool {
    let url = url.trim_end_matches('/').trim_end_matches(".git");
    url.ends_with("argoproj/argo-cd") || url.ends_with("argoproj/argo-cd/")
}

pub use crate::kustomize::is_argocd_manifests;

fn cascade(finalizers: Option<&Yaml>) -> Cascade {
    let Some(list) = finalizers.filter(|f| !f.is_null()) else {
        return Cascade::No;
    };
    if list.items().is_empty() && !matches!(list.kind, crate::yaml::NodeKind::Sequence { .. }) {
        return Cascade::Unknown;
    }
    let mut unknown = false;
    for item in list.items() {
        match item.as_str() {
            Some(f) if CASCADE_FINALIZERS.contains(&f) => return Cascade::Yes,
            Some(f) if !f.contains("{{") => {}
            _ => unknown = true,
        }
    }
    if unknown {
        Cascade::Unknown
    } else {
        Cascade::No
    }
}

/// Whether the Applications an ApplicationSet generates cascade: the controller adds the
/// cascade finalizer to a template without finalizers unless
/// `spec.syncPolicy.preserveResourcesOnDeletion` is true (DOMAIN §2.3). `templatePatch`
/// and per-generator templates can change it: then unknown.
fn generated_cascade(root: &Yaml) -> Cascade {
    let spec = root.get("spec");
    if spec.is_some_and(|s| s.get("templatePatch").is_some()) {
        return Cascade::Unknown;
    }
    let preserve = spec
        .and_then(|s| s.at("syncPolicy.preserveResourcesOnDeletion"))
        .is_some_and(Yaml::is_true);
    let written = root
        .at("spec.template.metadata.finalizers")
        .filter(|f| !f.is_null());
    match written {
        Some(list) if !list.items().is_empty() => cascade(Some(list)),
        Some(list) if !matches!(list.kind, crate::yaml::NodeKind::Sequence { .. }) => {
            Cascade::Unknown
        }
        _ if preserve => Cascade::No,
        _ => Cascade::Yes,
    }
}

/// A sync-options value (`A=b,Prune=false`) or list item that turns pruning off.
pub fn has_prune_false(options: &str) -> bool {
    has_option(options, b"prune=false")
}

/// A sync-options value with `Delete=false`: deleting the Application keeps this object.
pub fn has_delete_false(options: &str) -> bool {
    has_option(options, b"delete=false")
}

/// `options` (comma-separated) holds `option` (lower case), in any case and spacing.
fn has_option(options: &str, option: &[u8]) -> bool {
    // Spaces anywhere are ignored ("Prune = false"), without making a copy of each option.
    options.split(',').any(|o| {
        let mut letters = o.bytes().filter(|&b| b != b' ');
        option.iter().all(|&want| {
            letters
                .next()
                .is_some_and(|b| b.eq_ignore_ascii_case(&want))
        }) && letters.next().is_none()
    })
}

/// Whether an Application `spec` prunes (see [`Node::prune`]).
pub fn prunes(spec: &Yaml) -> bool {
    let Some(policy) = spec.get("syncPolicy") else {
        return false;
    };
    let automated = policy.get("automated");
    // `automated.enabled: false` (Argo CD 3.x) turns automated sync, and so its prune, off.
    let disabled = automated
        .and_then(|a| a.get("enabled"))
        .and_then(Yaml::as_str)
        .is_some_and(|v| matches!(v, "false" | "False" | "FALSE"));
    let prune = automated
        .and_then(|a| a.get("prune"))
        .is_some_and(Yaml::is_true);
    if disabled || !prune {
        return false;
    }
    let options = policy
        .get("syncOptions")
        .map(Yaml::items)
        .unwrap_or_default();
    !options.iter().filter_map(Yaml::as_str).any(has_prune_false)
}

fn sources(spec: &Yaml) -> Vec<Source> {
    let single = spec.get("source").filter(|s| s.is_mapping());
    let many = spec.get("sources").map(Yaml::items).unwrap_or_default();
    let all = || {
        single
            .into_iter()
            .chain(many.iter().filter(|s| s.is_mapping()))
    };
    // Kept for the whole run, one per Application: no spare capacity.
    let mut out = Vec::with_capacity(all().count());
    out.extend(all().map(source));
    out
}

fn source(node: &Yaml) -> Source {
    let text =
        |node: Option<&Yaml>, key: &str| node?.get(key).and_then(Yaml::as_str).map(str::to_string);
    let directory = node.get("directory");
    let explicit = if node.get("helm").is_some() {
        Some(SourceKind::Helm)
    } else if node.get("kustomize").is_some() {
        Some(SourceKind::Kustomize)
    } else if directory.is_some() {
        Some(SourceKind::Directory)
    } else {
        None
    };
    Source {
        repo_url: text(Some(node), "repoURL").unwrap_or_default(),
        path: if node.get("chart").is_some() {
            None
        } else {
            text(Some(node), "path")
        },
        recurse: directory
            .and_then(|d| d.get("recurse"))
            .is_some_and(Yaml::is_true),
        include: text(directory, "include"),
        exclude: text(directory, "exclude"),
        explicit,
    }
}

/// Take, for each node of one file, where its `metadata.name` is (from the file's text,
/// which the graph then need not keep): the same place as [`TextPlace::of`], found by one
/// pass over the text up to the last name rather than a line index of the whole file.
///
/// [`TextPlace::of`]: super::model::TextPlace::of
pub fn place_names(nodes: &mut [Node], text: &str) {
    let bytes = text.as_bytes();
    let mut order: Vec<usize> = Vec::new();
    let order: &[usize] = if nodes.len() == 1 {
        &[0]
    } else {
        // (Most files hold one node: no order to make.)
        order.extend(0..nodes.len());
        order.sort_by_key(|&i| nodes[i].name_span.start);
        &order
    };
    // The scan so far: up to `at`, on line `line` (1-based) starting at `line_start`.
    let (mut at, mut line, mut line_start) = (0, 1, 0);
    for &i in order {
        if nodes[i].name_span.end > text.len() {
            continue;
        }
        let mut offset = nodes[i].name_span.start;
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        for nl in memchr::memchr_iter(b'\n', &bytes[at.min(offset)..offset]) {
            line += 1;
            line_start = at + nl + 1;
        }
        at = at.max(offset);
        let mut from = line_start;
        if line == 1 && text.starts_with('\u{feff}') {
            from = from.max('\u{feff}'.len_utf8()).min(offset.max(from));
        }
        let column = text
            .get(from.min(offset)..offset)
            .map_or(0, |t| t.chars().count())
            + 1;
        let end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(text.len(), |e| line_start + e);
        let end = if end > line_start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        nodes[i].name_place = Some(super::model::TextPlace {
            line,
            column,
            excerpt: text.get(line_start..end).unwrap_or_default().to_string(),
        });
    }
}
