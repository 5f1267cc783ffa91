use super::*;
use std::collections::HashMap;

fn index(paths: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    v.sort();
    v
}

fn dir_source(path: &str) -> Source {
    Source {
        path: Some(path.into()),
        ..Source::default()
    }
}

fn run(source: &Source, files: &[String], texts: &HashMap<&str, &str>) -> Resolved {
    let read = |p: &str| texts.get(p).map(|t| t.to_string());
    resolve(
        source,
        &Tree {
            files,
            read: &read,
            kustomize: None,
        },
    )
}

const DIR_TREE: &[&str] = &[
    "apps/a.yaml",
    "apps/b.yml",
    "apps/c.json",
    "apps/README.md",
    "apps/values.txt",
    "apps/sub/d.yaml",
    "apps/sub/deeper/e.yaml",
    "apps-other/x.yaml",
    "root.yaml",
];

#[test]
fn directory_is_not_recursive_by_default() {
    let files = index(DIR_TREE);
    let got = run(&dir_source("apps"), &files, &HashMap::new());
    assert_eq!(got.kind, Some(SourceKind::Directory));
    assert_eq!(got.files, ["apps/a.yaml", "apps/b.yml", "apps/c.json"]);
}

#[test]
fn directory_recurse_and_path_spellings() {
    let files = index(DIR_TREE);
    for path in ["apps", "./apps", "apps/", "/apps", "apps/sub/.."] {
        let mut s = dir_source(path);
        s.recurse = true;
        let got = run(&s, &files, &HashMap::new());
        assert_eq!(
            got.files,
            [
                "apps/a.yaml",
                "apps/b.yml",
                "apps/c.json",
                "apps/sub/d.yaml",
                "apps/sub/deeper/e.yaml"
            ],
            "{path}"
        );
    }
}

#[test]
fn directory_root_path() {
    let files = index(DIR_TREE);
    for path in ["", ".", "./"] {
        assert_eq!(
            run(&dir_source(path), &files, &HashMap::new()).files,
            ["root.yaml"],
            "{path:?}"
        );
    }
}

#[test]
fn include_exclude_table() {
    let files = index(DIR_TREE);
    let all = [
        "apps/a.yaml",
        "apps/b.yml",
        "apps/c.json",
        "apps/sub/d.yaml",
        "apps/sub/deeper/e.yaml",
    ];
    // (include, exclude, recurse, files)
    type Case<'a> = (Option<&'a str>, Option<&'a str>, bool, &'a [&'a str]);
    let cases: &[Case] = &[
        (Some("*.yaml"), None, false, &["apps/a.yaml"]),
        // `*` crosses `/` (gobwas without separators), so recursion keeps nested yaml.
        (
            Some("*.yaml"),
            None,
            true,
            &["apps/a.yaml", "apps/sub/d.yaml", "apps/sub/deeper/e.yaml"],
        ),
        (
            Some("{a.yaml,c.json}"),
            None,
            false,
            &["apps/a.yaml", "apps/c.json"],
        ),
        (
            Some("sub/*"),
            None,
            true,
            &["apps/sub/d.yaml", "apps/sub/deeper/e.yaml"],
        ),
        (
            None,
            Some("sub/*"),
            true,
            &["apps/a.yaml", "apps/b.yml", "apps/c.json"],
        ),
        (None, Some("*.json"), false, &["apps/a.yaml", "apps/b.yml"]),
        (
            Some("*.yaml"),
            Some("sub/deeper/*"),
            true,
            &["apps/a.yaml", "apps/sub/d.yaml"],
        ),
        (Some(""), Some(""), true, &all),
        // malformed patterns match nothing: include keeps none, exclude drops none
        (Some("{a.yaml"), None, false, &[]),
        (
            None,
            Some("{a.yaml"),
            false,
            &["apps/a.yaml", "apps/b.yml", "apps/c.json"],
        ),
        // include cannot add what is not a manifest file
        (Some("*.md"), None, false, &[]),
    ];
    for (include, exclude, recurse, want) in cases {
        let mut s = dir_source("apps");
        s.include = include.map(str::to_string);
        s.exclude = exclude.map(str::to_string);
        s.recurse = *recurse;
        let got = run(&s, &files, &HashMap::new());
        assert_eq!(
            got.files, *want,
            "include {include:?} exclude {exclude:?} recurse {recurse}"
        );
    }
}

#[test]
fn missing_and_escaping_paths() {
    let files = index(DIR_TREE);
    for path in [Some("nope"), Some("../outside"), Some("ap"), None] {
        let s = Source {
            path: path.map(str::to_string),
            ..Source::default()
        };
        let got = run(&s, &files, &HashMap::new());
        assert!(got.missing && got.files.is_empty(), "{path:?}");
    }
}

#[test]
fn kustomize_resources_recursion_with_cycle() {
    let files = index(&[
        "k/kustomization.yaml",
        "k/app.yaml",
        "k/ignored.yaml",
        "k/nested/Kustomization",
        "k/nested/child.yaml",
        "k/nested/back/kustomization.yml",
        "k/nested/back/leaf.yaml",
        "shared/common.yaml",
    ]);
    let texts = HashMap::from([
        (
            "k/kustomization.yaml",
            "resources:\n- app.yaml\n- ./nested\n- ../shared/common.yaml\n- https://example.com/x.yaml\n- missing.yaml\n",
        ),
        ("k/nested/Kustomization", "resources: [child.yaml, back]\n"),
        // points back at an ancestor: a cycle, reported, not followed again
        ("k/nested/back/kustomization.yml", "bases:\n- ../../\ncomponents:\n- leaf.yaml\n"),
    ]);
    let got = run(&dir_source("k"), &files, &texts);
    assert_eq!(got.kind, Some(SourceKind::Kustomize));
    assert_eq!(
        got.files,
        [
            "k/app.yaml",
            "k/nested/back/leaf.yaml",
            "k/nested/child.yaml",
            "shared/common.yaml"
        ]
    );
    assert_eq!(got.cycles, ["k"]);
}

#[test]
fn kustomization_unreadable_or_invalid_gives_no_files() {
    let files = index(&["k/kustomization.yaml", "k/a.yaml"]);
    let got = run(&dir_source("k"), &files, &HashMap::new());
    assert_eq!(got.kind, Some(SourceKind::Kustomize));
    assert!(got.files.is_empty());
    let texts = HashMap::from([("k/kustomization.yaml", "resources: [unclosed\n")]);
    assert!(run(&dir_source("k"), &files, &texts).files.is_empty());
}

#[test]
fn helm_chart_templates() {
    let files = index(&[
        "chart/Chart.yaml",
        "chart/values.yaml",
        "chart/templates/app.yaml",
        "chart/templates/_helpers.tpl",
        "chart/templates/NOTES.txt",
        "chart/templates/sub/other.yaml",
        "chart/charts/dep/templates/x.yaml",
    ]);
    let got = run(&dir_source("chart"), &files, &HashMap::new());
    assert_eq!(got.kind, Some(SourceKind::Helm));
    assert_eq!(
        got.files,
        ["chart/templates/app.yaml", "chart/templates/sub/other.yaml"]
    );
}

#[test]
fn explicit_type_wins_and_kustomize_beats_chart() {
    let files = index(&[
        "d/Chart.yaml",
        "d/kustomization.yaml",
        "d/templates/t.yaml",
        "d/x.yaml",
    ]);
    let texts = HashMap::from([("d/kustomization.yaml", "resources: [x.yaml]\n")]);
    assert_eq!(
        run(&dir_source("d"), &files, &texts).kind,
        Some(SourceKind::Kustomize)
    );
    let mut s = dir_source("d");
    s.explicit = Some(SourceKind::Helm);
    assert_eq!(run(&s, &files, &texts).files, ["d/templates/t.yaml"]);
    s.explicit = Some(SourceKind::Directory);
    assert_eq!(
        run(&s, &files, &texts).files,
        ["d/Chart.yaml", "d/kustomization.yaml", "d/x.yaml"]
    );
}

#[test]
fn kustomize_diamonds_are_expanded_once_and_depth_is_bounded() {
    // d0 → d1 twice (as `d1` and `./d1/`), d1 → d2 twice, ...: 2^30 paths if re-expanded.
    let depth = 30;
    let mut paths = Vec::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut dir = "k".to_string();
    for i in 0..depth {
        paths.push(format!("{dir}/kustomization.yaml"));
        paths.push(format!("{dir}/f{i}.yaml"));
        let text = format!("resources: [f{i}.yaml, d, ./d/]\n");
        texts.insert(format!("{dir}/kustomization.yaml"), text);
        dir = format!("{dir}/d");
    }
    let files = index(&paths.iter().map(String::as_str).collect::<Vec<_>>());
    let read = |p: &str| texts.get(p).cloned();
    let got = resolve(
        &dir_source("k"),
        &Tree {
            files: &files,
            read: &read,
            kustomize: None,
        },
    );
    assert_eq!(got.files.len(), depth);
    assert!(got.cycles.is_empty());

    // A chain deeper than the bound stops there instead of recursing without end.
    let (mut paths, mut texts) = (Vec::new(), HashMap::new());
    let mut dir = "k".to_string();
    for i in 0..(MAX_KUSTOMIZE_DEPTH + 10) {
        paths.push(format!("{dir}/kustomization.yaml"));
        paths.push(format!("{dir}/f{i}.yaml"));
        texts.insert(
            format!("{dir}/kustomization.yaml"),
            format!("resources: [f{i}.yaml, d]\n"),
        );
        dir = format!("{dir}/d");
    }
    let files = index(&paths.iter().map(String::as_str).collect::<Vec<_>>());
    let read = |p: &str| texts.get(p).cloned();
    let got = resolve(
        &dir_source("k"),
        &Tree {
            files: &files,
            read: &read,
            kustomize: None,
        },
    );
    assert_eq!(got.files.len(), MAX_KUSTOMIZE_DEPTH);
}

proptest::proptest! {
    /// The files under a directory, found by binary search, are those a scan finds
    /// (names close to the directory's in sort order: `a-b`, `a.b`, `a/b`, `a0`).
    #[test]
    fn under_is_a_scan(
        paths in proptest::collection::vec("[ab./0-]{0,6}", 0..24),
        dir in "[ab./0-]{1,4}",
    ) {
        let mut files: Vec<String> = paths;
        files.sort();
        files.dedup();
        let read = |_: &str| None;
        let tree = Tree { files: &files, read: &read, kustomize: None };
        let prefix = format!("{dir}/");
        let scanned: Vec<&String> = files.iter().filter(|f| f.starts_with(&prefix)).collect();
        let found: Vec<&String> = tree.under(&dir).iter().collect();
        proptest::prop_assert_eq!(found, scanned);
    }

    #[test]
    fn normalize_shortcut_agrees(path in "[a./]{0,8}") {
        proptest::prop_assert_eq!(normalize(&path).map(|p| p.into_owned()), normalize_parts(&path));
    }
}

#[test]
fn prune_false_ignores_spaces_and_case() {
    use crate::graph::build::has_prune_false;
    assert!(has_prune_false("Prune=false"));
    assert!(has_prune_false("CreateNamespace=true, Prune = FALSE"));
    assert!(!has_prune_false("Prune=falsey"));
    assert!(!has_prune_false("Prune=true"));
    assert!(!has_prune_false("Prune=fals"));
    assert!(!has_prune_false(""));
    // a tab is not a space Argo CD strips
    assert!(!has_prune_false("Prune=\tfalse"));
}
