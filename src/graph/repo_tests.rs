use super::*;

#[test]
fn repo_key_table() {
    let key = Some("github.com/org/x".to_string());
    let cases: &[(&str, Option<String>)] = &[
        ("git@github.com:org/x.git", key.clone()),
        ("git@github.com:org/x", key.clone()),
        ("github.com:org/x.git", key.clone()),
        ("ssh://git@github.com/org/x.git", key.clone()),
        ("ssh://git@github.com:22/org/x.git", key.clone()),
        ("git+ssh://git@github.com/org/x", key.clone()),
        ("https://github.com/org/x", key.clone()),
        ("https://github.com/org/x.git", key.clone()),
        ("https://github.com/org/x/", key.clone()),
        ("https://github.com/org/x.git/", key.clone()),
        ("https://user@github.com/org/x.git", key.clone()),
        ("https://user:token@GitHub.COM:443/org/x", key.clone()),
        ("http://github.com/org/x", key.clone()),
        ("git://github.com/org/x.git", key.clone()),
        ("  https://github.com/Org/X.git  ", key.clone()),
        (
            "https://gitlab.example.com/group/sub/x.git",
            Some("gitlab.example.com/group/sub/x".into()),
        ),
        ("https://github.com/", None),
        ("https://github.com", None),
        ("ftp://github.com/org/x", None),
        ("/local/path/x", None),
        ("", None),
        ("<GITOPS_REPO_URL>", None),
        ("${repo}", None),
        ("{{ .Values.repoURL }}", None),
        ("https://charts.example.com/{{ .Values.x }}", None),
    ];
    for (url, want) in cases {
        assert_eq!(repo_key(url), *want, "{url}");
    }
}

#[test]
fn placeholder_table() {
    for url in [
        "",
        "  ",
        "<GITOPS_REPO_URL>",
        "${repo}",
        "$REPO",
        "{{ .Values.repoURL }}",
    ] {
        assert!(is_placeholder(url), "{url:?}");
    }
    for url in [
        "https://github.com/org/x",
        "git@github.com:org/x.git",
        "not-a-url",
    ] {
        assert!(!is_placeholder(url), "{url:?}");
    }
}

#[test]
fn this_repo_classification() {
    let remotes = vec!["git@github.com:org/gitops.git".to_string()];
    let configured = vec!["https://gitlab.com/org/mirror".to_string()];
    let cases: &[(&str, UrlMatch)] = &[
        ("https://github.com/org/gitops", UrlMatch::Remote),
        ("https://GITHUB.com/org/gitops.git/", UrlMatch::Remote),
        ("git@gitlab.com:org/mirror.git", UrlMatch::Configured),
        ("https://github.com/org/other", UrlMatch::Other),
        ("https://charts.bitnami.com/bitnami", UrlMatch::Other),
        ("<GITOPS_REPO_URL>", UrlMatch::Placeholder),
        ("", UrlMatch::Placeholder),
        ("{{ .Values.repoURL }}", UrlMatch::Placeholder),
        ("not-a-url", UrlMatch::Other),
        // idpbuilder's local sources: not this repository's URL
        ("cnoe://crossplane-compositions", UrlMatch::Other),
    ];
    for (url, want) in cases {
        assert_eq!(is_this_repo(url, &remotes, &configured), *want, "{url}");
    }
    // Nothing known of this repository: a Git URL is unknown (not another repository).
    assert_eq!(
        is_this_repo("https://github.com/org/other", &[], &[]),
        UrlMatch::Unknown
    );
    assert_eq!(is_this_repo("<X>", &[], &[]), UrlMatch::Placeholder);
    // A configured literal placeholder counts as configured.
    let literal = vec!["<GITOPS_REPO_URL>".to_string()];
    assert_eq!(
        is_this_repo("<GITOPS_REPO_URL>", &[], &literal),
        UrlMatch::Configured
    );
}

#[test]
fn git_config_remotes() {
    let text = r#"
[core]
	repositoryformatversion = 0
	url = https://not-a-remote.example/x
# a comment
[remote "origin"]
	url = git@github.com:org/gitops.git ; trailing comment
	fetch = +refs/heads/*:refs/remotes/origin/*
	pushurl = "ssh://git@github.com/org/gitops.git"
[Remote "mirror"]
	URL   =   "https://gitlab.com/org/with \"quote\".git"   
[remote.legacy]
	url = https://example.com/legacy
[remote "dup"] url = git@github.com:org/gitops.git
[branch "main"]
	remote = origin
"#;
    assert_eq!(
        remote_urls(text),
        vec![
            "git@github.com:org/gitops.git".to_string(),
            "ssh://git@github.com/org/gitops.git".into(),
            "https://gitlab.com/org/with \"quote\".git".into(),
            "https://example.com/legacy".into(),
        ]
    );
    assert!(remote_urls("").is_empty());
    assert!(remote_urls("[remote \"o\"]\nfetch = x\n").is_empty());
}

#[test]
fn remotes_of_directory_and_worktree_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".git/config"),
        "[remote \"origin\"]\nurl = a:b/c\n",
    )
    .unwrap();
    assert_eq!(remotes_of(dir.path()), vec!["a:b/c".to_string()]);
    let wt = tempfile::tempdir().unwrap();
    std::fs::write(
        wt.path().join(".git"),
        "gitdir: /elsewhere/.git/worktrees/x\n",
    )
    .unwrap();
    assert!(remotes_of(wt.path()).is_empty());
    assert!(remotes_of(&wt.path().join("missing")).is_empty());
}
