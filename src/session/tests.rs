//! The repository analysis works from the texts the walk kept: these facts name files
//! that do not exist on disk, so any read of the disk would find nothing.

use super::analysis::{analyse, complete_kustomizations, patch_set};
use super::walk::{Facts, Kustomization, NodeFile};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const GONE: &str = "/nonexistent-gitops-lint-session-test";

fn app(name: &str, path: Option<&str>) -> String {
    let source = path.map_or(String::new(), |p| {
        format!("  source:\n    repoURL: https://github.com/org/gitops\n    path: {p}\n")
    });
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\nspec:\n{source}"
    )
}

fn node_file(facts: &mut Facts, rel: &str, text: &str) {
    let parsed = crate::yaml::parse(text, text);
    let nodes = crate::graph::nodes_of(rel, &parsed.documents);
    facts.node_files.push((
        rel.to_string(),
        NodeFile {
            path: Path::new(GONE).join(rel),
            text: Some(Arc::from(text)),
            digest: super::known::digest(text.as_bytes()),
        },
    ));
    facts.nodes.extend(nodes);
    facts.files.push(rel.to_string());
}

fn kustomization(facts: &mut Facts, rel: &str, text: &str) {
    facts.kustomizations.push(Kustomization::with(
        Path::new(GONE).join(rel),
        Some(rel.to_string()),
        Some(Arc::new(crate::kustomize::Kustomize::of(text))),
    ));
}

#[test]
fn the_graph_and_the_patch_set_come_from_the_kept_texts() {
    let mut facts = Facts::default();
    node_file(&mut facts, "root.yaml", &app("root", Some("k")));
    node_file(&mut facts, "k/a.yaml", &app("a", None));
    node_file(&mut facts, "k/p.yaml", &app("a-patch", None));
    kustomization(
        &mut facts,
        "k/kustomization.yaml",
        "resources: [a.yaml]\npatches:\n  - path: p.yaml\n",
    );
    let patches = patch_set(&facts);
    assert!(patches.contains(&PathBuf::from(GONE).join("k/p.yaml")));
    // Spelled otherwise, it is the same file; another file of that name is not.
    assert!(patches.contains(&PathBuf::from(GONE).join("k/./x/../p.yaml")));
    assert!(!patches.contains(&PathBuf::from(GONE).join("p.yaml")));
    assert!(!patches.contains(&PathBuf::from(GONE).join("k/a.yaml")));
    let remotes = ["git@github.com:org/gitops.git".to_string()];
    let analysis = analyse(&mut facts, &patches, &remotes, &[], None);
    let graph = &analysis.graph;
    // The patch's object is a fragment: no node.
    let names: Vec<&str> = graph.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["a", "root"]);
    let root = graph.find(None, "root").expect("root");
    let kids: Vec<&str> = graph
        .children(root)
        .map(|e| graph.nodes[e.child].name.as_str())
        .collect();
    assert_eq!(kids, ["a"]);
    // The tree's listing is used up by the analysis.
    assert!(facts.files.is_empty());
}

#[test]
fn a_kustomization_the_walk_read_is_not_read_again() {
    let mut facts = Facts::default();
    kustomization(&mut facts, "k/kustomization.yaml", "resources: [a.yaml]\n");
    // The same file spelled otherwise, and one the walk did not read.
    let listed = [
        PathBuf::from(GONE).join("k/./kustomization.yaml"),
        PathBuf::from(GONE).join("other/Kustomization"),
    ];
    let root = Path::new(GONE);
    complete_kustomizations(&mut facts, &listed, Some(root), None);
    let kept: Vec<(Option<&str>, bool)> = facts
        .kustomizations
        .iter()
        .map(|k| (k.rel.as_deref(), k.facts.is_some()))
        .collect();
    // The first keeps the walk's facts; the second was read (and is not there).
    assert_eq!(
        kept,
        [
            (Some("k/kustomization.yaml"), true),
            (Some("other/Kustomization"), false)
        ]
    );
}

fn put(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with(".git") {
                files_under(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// Every file of the tree is read once: by the walk, or (a kustomization the walk does not
/// lint) once after it; the patch set, the graph and the second lint of a patch file use
/// the kept texts.
#[test]
fn every_file_is_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    put(
        d,
        ".git/config",
        "[remote \"origin\"]\n\turl = https://github.com/org/gitops\n",
    );
    let both = format!(
        "{}---\n{}",
        app("kust", Some("k")),
        app("bare", Some("bare"))
    );
    put(d, "root.yaml", &both);
    put(
        d,
        "k/kustomization.yaml",
        "resources: [a.yaml]\npatches:\n  - path: p.yaml\n",
    );
    put(d, "k/a.yaml", &app("a", None));
    put(d, "k/p.yaml", &app("a", None));
    put(d, "bare/Kustomization", "resources: [three.yaml]\n");
    put(d, "bare/three.yaml", &app("three", None));
    put(d, "plain.yaml", "kind: ConfigMap\n");
    for mode in [super::Mode::Check, super::Mode::Diff] {
        let options = super::Options {
            paths: vec![d.to_path_buf()],
            config: super::ConfigChoice::Isolated,
            exclude: Vec::new(),
            no_ignore: false,
            force_exclude: false,
            threads: 1,
            max_file_size: 1 << 20,
            mode,
            unsafe_fixes: false,
            stdin: None,
            cwd: Some(d.to_path_buf()),
            keep_node_texts: false,
            keep_graph: true,
            know_files: false,
            rules: Default::default(),
        };
        let before = |p: &Path| crate::read::opened::count(p);
        let mut files = Vec::new();
        files_under(d, &mut files);
        let counts: Vec<usize> = files.iter().map(|p| before(p)).collect();
        let run = super::run(&options).unwrap();
        // The facts were gathered: the Kustomize sources have their children.
        let graph = &run.analysis.graph;
        let kust = graph.find(None, "kust").expect("kust");
        let bare = graph.find(None, "bare").expect("bare");
        assert_eq!(graph.children(kust).count(), 1);
        assert_eq!(graph.children(bare).count(), 1);
        // The patch (findings as an object) was linted again, as a fragment.
        assert!(run.reports.iter().all(|r| !r.path.contains("p.yaml")));
        for (file, count) in files.iter().zip(counts) {
            let reads = crate::read::opened::count(file) - count;
            assert_eq!(reads, 1, "{} read {reads} times", file.display());
        }
    }
}
