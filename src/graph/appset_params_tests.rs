use super::*;

fn tree_of(files: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = files.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn default_file_globbing_is_greedy() {
    let files = tree_of(&[
        "cluster-charts/c1/mychart/values.yaml",
        "cluster-charts/c1/mychart/charts/sub/values.yaml",
        "cluster-charts/c2/values.yaml",
        "some-path/a.yaml",
        "some-path/deep/b.yaml",
        "other/a.yaml",
    ]);
    let read = |_: &str| None;
    let tree = Tree {
        files: &files,
        read: &read,
        kustomize: None,
    };
    let cases: &[(&str, &[&str])] = &[
        // Argo CD's documented pitfall: the subchart's values.yaml is picked up too
        (
            "cluster-charts/*/*/values.yaml",
            &[
                "cluster-charts/c1/mychart/charts/sub/values.yaml",
                "cluster-charts/c1/mychart/values.yaml",
            ],
        ),
        (
            "some-path/*.yaml",
            &["some-path/a.yaml", "some-path/deep/b.yaml"],
        ),
        ("**/a.yaml", &["other/a.yaml", "some-path/a.yaml"]),
        (
            "cluster-charts/c2/values.yaml",
            &["cluster-charts/c2/values.yaml"],
        ),
    ];
    for (pattern, want) in cases {
        let p = [DirectoryPattern {
            path: pattern.to_string(),
            exclude: false,
        }];
        assert_eq!(generated_files(&p, &tree), *want, "{pattern}");
    }
}

#[test]
fn generated_files_with_exclude() {
    let files = tree_of(&[
        "clusters/a/config.json",
        "clusters/b/config.json",
        "clusters/skip/config.json",
        "clusters/b/other.json",
        ".git/config",
    ]);
    let read = |_: &str| None;
    let tree = Tree {
        files: &files,
        read: &read,
        kustomize: None,
    };
    let patterns = [
        DirectoryPattern {
            path: "clusters/*/config.json".into(),
            exclude: false,
        },
        DirectoryPattern {
            path: "clusters/skip/*".into(),
            exclude: true,
        },
    ];
    assert_eq!(
        generated_files(&patterns, &tree),
        ["clusters/a/config.json", "clusters/b/config.json"]
    );
}

#[test]
fn normalize_as_argo_cd() {
    assert_eq!(normalize("Guest_Book"), "guest-book");
    assert_eq!(normalize("-a.b-"), "a.b");
    assert_eq!(normalize("x".repeat(300).as_str()).len(), 253);
}

#[test]
fn directory_params_both_modes() {
    let p = directory_params("apps/guest_book", false);
    assert_eq!(p["path"], "apps/guest_book");
    assert_eq!(p["path.basename"], "guest_book");
    assert_eq!(p["path.basenameNormalized"], "guest-book");
    assert_eq!(
        (p["path[0]"].as_str(), p["path[1]"].as_str()),
        ("apps", "guest_book")
    );
    let g = directory_params("apps/guest_book", true);
    assert_eq!(g["path.path"], "apps/guest_book");
    assert_eq!(g["path.segments.1"], "guest_book");
    assert!(!g.contains_key("path"));
}

#[test]
fn file_params_flatten_keys() {
    let text = "cluster:\n  name: prod\n  address: https://1.2.3.4\nlabels: [a, b]\n";
    let sets = file_params("clusters/prod/config.yaml", text, false).unwrap();
    assert_eq!(sets.len(), 1);
    let p = &sets[0];
    assert_eq!(p["cluster.name"], "prod");
    assert_eq!(p["cluster.address"], "https://1.2.3.4");
    assert_eq!(p["labels.1"], "b");
    assert_eq!(p["path"], "clusters/prod");
    assert_eq!(p["path.basename"], "prod");
    assert_eq!(p["path.filename"], "config.yaml");
    assert_eq!(p["path.filenameNormalized"], "config.yaml");
    // JSON, a list of objects: one set each
    let json = r#"[{"name": "a"}, {"name": "b"}, 3]"#;
    let sets = file_params("c.json", json, true).unwrap();
    let names: Vec<&str> = sets.iter().map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(sets[0]["path.path"], ".");
    // not a mapping, or not YAML: no set
    assert!(file_params("x.yaml", "just a string\n", false).is_none());
    assert!(file_params("x.yaml", "a: [\n", false).is_none());
}
