use super::*;

#[test]
fn go_path_match_table() {
    let cases: &[(&str, &str, bool)] = &[
        ("apps/*", "apps/guestbook", true),
        ("apps/*", "apps/guestbook/sub", false),
        ("apps/*/*", "apps/a/b", true),
        ("*", "apps", true),
        ("apps/g?estbook", "apps/guestbook", true),
        ("apps/[gh]*", "apps/helm", true),
        ("apps/{a,b}", "apps/a", false),
        ("apps/{a,b}", "apps/{a,b}", true),
        ("apps/[", "apps/[", false),
        ("apps", "apps", true),
    ];
    for (pattern, name, want) in cases {
        assert_eq!(go_path_match(pattern, name), *want, "{pattern} vs {name}");
    }
}

#[test]
fn generated_directories_with_exclude() {
    let mut files: Vec<String> = [
        "apps/a/app.yaml",
        "apps/b/app.yaml",
        "apps/b/deep/x.yaml",
        "apps/excluded/app.yaml",
        ".git/config",
        "README.md",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    files.sort();
    let read = |_: &str| None;
    let tree = Tree {
        files: &files,
        read: &read,
        kustomize: None,
    };
    let patterns = [
        DirectoryPattern {
            path: "apps/*".into(),
            exclude: false,
        },
        DirectoryPattern {
            path: "apps/excluded".into(),
            exclude: true,
        },
    ];
    assert_eq!(
        generated_directories(&patterns, &tree),
        ["apps/a", "apps/b"]
    );
    let only_exclude = [DirectoryPattern {
        path: "apps/*".into(),
        exclude: true,
    }];
    assert!(generated_directories(&only_exclude, &tree).is_empty());
    let all = [DirectoryPattern {
        path: "*".into(),
        exclude: false,
    }];
    assert_eq!(generated_directories(&all, &tree), ["apps"]);
}

#[test]
fn reads_git_directory_generators() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n  generators:\n  - list:\n      elements: []\n  - git:\n      repoURL: https://github.com/org/x.git\n      revision: HEAD\n      directories:\n      - path: apps/*\n      - path: apps/skip\n        exclude: true\n  - git:\n      repoURL: r\n      files:\n      - path: config/*.json\n";
    let doc = &crate::yaml::parse(text, text).documents[0];
    let got = git_directory_generators(&doc.root);
    assert_eq!(
        got,
        [GitDirectories {
            repo_url: "https://github.com/org/x.git".into(),
            patterns: vec![
                DirectoryPattern {
                    path: "apps/*".into(),
                    exclude: false
                },
                DirectoryPattern {
                    path: "apps/skip".into(),
                    exclude: true
                },
            ],
            extras: GitExtras::default(),
        }]
    );
}

#[test]
fn literal_prefix_table() {
    let cases: &[(&str, bool, &str)] = &[
        ("apps/*", true, "apps"),
        ("apps/team-*/x", true, "apps"),
        ("apps/skip", true, "apps/skip"),
        ("apps/skip", false, "apps"),
        ("*", true, ""),
        ("./config/**/c.json", false, "config"),
        ("config/c.json", false, "config"),
        ("c.json", false, ""),
        ("a/[b]/c", true, "a"),
    ];
    for (pattern, with_last, want) in cases {
        assert_eq!(literal_prefix(pattern, *with_last), *want, "{pattern}");
    }
}

#[test]
fn generated_directories_looks_only_under_the_literal_prefix() {
    let files: Vec<String> = ["apps/a/x.yaml", "apps/b/c/y.yaml", "other/a/z.yaml"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let read = |_: &str| None;
    let tree = Tree {
        files: &files,
        read: &read,
        kustomize: None,
    };
    let pattern = |path: &str| DirectoryPattern {
        path: path.into(),
        exclude: false,
    };
    assert_eq!(
        generated_directories(&[pattern("*/a")], &tree),
        ["apps/a", "other/a"]
    );
    assert_eq!(
        generated_directories(&[pattern("apps/b/c")], &tree),
        ["apps/b/c"]
    );
    assert_eq!(
        generated_directories(&[pattern("apps/*/*")], &tree),
        ["apps/b/c"]
    );
}

#[test]
fn spec_reads_template_and_policy() {
    let text = |policy: &str| {
        format!("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n  goTemplate: true\n  syncPolicy:\n    applicationsSync: {policy}\n  generators:\n  - list:\n      elements:\n      - a: x\n        values:\n          b: y\n  - pullRequest: {{}}\n  template:\n    metadata:\n      name: '{{{{ .a }}}}'\n      namespace: apps\n    spec: {{}}\n")
    };
    let t = text("create-only");
    let doc = &crate::yaml::parse(&t, &t).documents[0];
    let spec = spec_of(&doc.root).unwrap();
    assert!(spec.go_template && spec.keeps_removed);
    assert_eq!(
        (spec.name.as_str(), spec.namespace.as_deref()),
        ("{{ .a }}", Some("apps"))
    );
    let Generator::List(sets) = &spec.generators[0] else {
        panic!("{:?}", spec.generators)
    };
    assert_eq!(sets[0]["a"], "x");
    assert_eq!(sets[0]["values.b"], "y");
    assert_eq!(spec.generators[1], Generator::Other("pullRequest".into()));
    assert_eq!(spec.not_expanded.len(), 1);
    assert_eq!(spec.not_expanded[0].reason, NotExpandedReason::Unsupported);
    let t = text("sync");
    let doc = &crate::yaml::parse(&t, &t).documents[0];
    assert!(!spec_of(&doc.root).unwrap().keeps_removed);
}
