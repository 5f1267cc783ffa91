//! ApplicationSet git directory generators: the directories of the tree they generate
//! Applications from.
//!
//! As Argo CD's `GitGenerator.filterApps`: every directory of the repository is matched
//! with Go's `path.Match` against each `directories[].path`; a directory matched by an
//! entry with `exclude: true` is left out even when another entry includes it. Go's
//! `path.Match` has no `{a,b}` and its `*` / `?` / `[...]` do not match `/`. Not wired into
//! [`build`](mod@super::build) yet: the caller names the generated Applications from the template.

use super::resolve::Tree;
use crate::yaml::Node as Yaml;

/// One `generators[].git.directories[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPattern {
    pub path: String,
    pub exclude: bool,
}

/// A git directory generator of an ApplicationSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitDirectories {
    pub repo_url: String,
    pub patterns: Vec<DirectoryPattern>,
}

/// The git directory generators directly under `spec.generators` of an ApplicationSet
/// document (generators nested in `matrix` / `merge` are not read yet).
pub fn git_directory_generators(root: &Yaml) -> Vec<GitDirectories> {
    let generators = root
        .at("spec.generators")
        .map(Yaml::items)
        .unwrap_or_default();
    generators
        .iter()
        .filter_map(|g| g.get("git"))
        .filter_map(|git| {
            let dirs = git.get("directories")?.items();
            let patterns = dirs
                .iter()
                .filter_map(|d| {
                    let path = d.get("path")?.as_str()?.to_string();
                    let exclude = d.get("exclude").is_some_and(Yaml::is_true);
                    Some(DirectoryPattern { path, exclude })
                })
                .collect();
            let repo_url = git
                .get("repoURL")
                .and_then(Yaml::as_str)
                .unwrap_or("")
                .to_string();
            Some(GitDirectories { repo_url, patterns })
        })
        .collect()
}

/// The directories of `tree` (sorted) that `patterns` select.
pub fn generated_directories(patterns: &[DirectoryPattern], tree: &Tree) -> Vec<String> {
    directories(tree)
        .into_iter()
        .filter(|dir| {
            let hit = |exclude: bool| {
                patterns
                    .iter()
                    .any(|p| p.exclude == exclude && go_path_match(&p.path, dir))
            };
            hit(false) && !hit(true)
        })
        .collect()
}

/// Every directory holding a file of the tree, at any depth, except the root and `.git`.
fn directories(tree: &Tree) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for file in tree.files {
        let mut end = 0;
        while let Some(pos) = file[end..].find('/') {
            end += pos;
            let dir = &file[..end];
            end += 1;
            if dir == ".git" || dir.starts_with(".git/") {
                break;
            }
            out.push(dir.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Go's `path.Match`: segments must line up one to one, as no wildcard crosses `/`.
/// A malformed pattern matches nothing (Argo CD logs the error and skips it).
pub fn go_path_match(pattern: &str, name: &str) -> bool {
    let (pattern, name): (Vec<&str>, Vec<&str>) =
        (pattern.split('/').collect(), name.split('/').collect());
    pattern.len() == name.len()
        && pattern.iter().zip(&name).all(|(p, n)| {
            // braces are literal in Go: escape them for the gobwas-style matcher
            let escaped = p
                .replace('{', "\\{")
                .replace('}', "\\}")
                .replace(",", "\\,");
            super::glob::matches(&escaped, n)
        })
}

#[cfg(test)]
mod tests {
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
}
