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
        }]
    );
}
