//! Which `repoURL`s name the linted repository.
//!
//! A URL is reduced to a comparable key `host/org/x` ([`repo_key`]): the scheme, user,
//! port, a trailing `.git` and slashes are dropped, and the key is lower-cased (GitHub,
//! GitLab and Bitbucket treat owner and repository names case-insensitively). The remotes
//! come from the text of `.git/config` ([`remote_urls`]); a worktree or submodule whose
//! `.git` is a file is not followed ([`remotes_of`] returns none: configure `repositories:`
//! instead). A URL that is a placeholder or not a URL at all (Kubefirst's
//! `<GITOPS_REPO_URL>`, `${repo}`, `{{ .Values.repoURL }}`, empty) is
//! [`UrlMatch::Placeholder`]: the caller then counts the source as this repository only
//! when its `path` exists in the tree, and says so.

use std::path::Path;

/// How a `repoURL` relates to the linted repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlMatch {
    /// Same key as a remote of `.git/config`.
    Remote,
    /// Same key as (or literally equal to) an entry of the configured `repositories:`.
    Configured,
    /// A placeholder or unparsable URL: this repository if the path exists in the tree.
    Placeholder,
    /// Another repository (or a Helm/OCI registry).
    Other,
}

/// The comparable key `host/path` of a Git URL, `None` if `url` is not one.
///
/// Accepts `https://[user@]host[:port]/org/x(.git)(/)`, `http://`, `git://`, `ssh://`,
/// `git+ssh://` and the scp-like `[user@]host:org/x.git`.
pub fn repo_key(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(char::is_whitespace) || is_placeholder(url) {
        return None;
    }
    let (host, path) = match url.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            if !matches!(
                scheme.as_str(),
                "https" | "http" | "git" | "ssh" | "git+ssh"
            ) {
                return None;
            }
            let (authority, path) = rest.split_once('/')?;
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let host = strip_port(host);
            (host, path)
        }
        None => scp_like(url)?,
    };
    let path = path.trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    if host.is_empty() || path.is_empty() {
        return None;
    }
    Some(format!("{host}/{path}").to_ascii_lowercase())
}

fn strip_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

/// `[user@]host:path`, where the `:` comes before any `/` (as Git decides).
fn scp_like(url: &str) -> Option<(&str, &str)> {
    let (before, path) = url.split_once(':')?;
    if before.contains('/') || path.starts_with("//") {
        return None;
    }
    let host = before.rsplit('@').next().unwrap_or(before);
    Some((host, path))
}

/// A templating placeholder rather than a URL: `<TOKEN>`, `${var}`, `$VAR`, `{{ ... }}`,
/// `%VAR%`, or empty.
pub fn is_placeholder(url: &str) -> bool {
    let url = url.trim();
    url.is_empty()
        || (url.contains('<') && url.contains('>'))
        || url.contains("${")
        || url.contains("{{")
        || url.starts_with('$')
        || (url.len() > 2 && url.starts_with('%') && url.ends_with('%'))
}

/// How `url` relates to this repository, given its remote URLs and the configured
/// `repositories:` entries. Remotes are checked first.
pub fn is_this_repo(url: &str, remotes: &[String], configured: &[String]) -> UrlMatch {
    let key = repo_key(url);
    let same = |other: &String| match (&key, repo_key(other)) {
        (Some(a), Some(b)) => *a == b,
        _ => other.trim() == url.trim(),
    };
    if key.is_some() && remotes.iter().any(same) {
        return UrlMatch::Remote;
    }
    if configured.iter().any(same) {
        return UrlMatch::Configured;
    }
    if key.is_none() {
        return UrlMatch::Placeholder;
    }
    UrlMatch::Other
}

/// The remote URLs (`url` and `pushurl` of every `[remote "name"]` section) in the text of
/// a `.git/config`, in order, without duplicates.
pub fn remote_urls(config: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_remote = false;
    for raw in config.lines() {
        let line = raw.trim();
        if let Some(header) = line.strip_prefix('[') {
            in_remote = is_remote_header(header);
            // `[remote "o"] url = x` on one line is valid Git.
            match header.split_once(']') {
                Some((_, rest)) if in_remote && !rest.trim().is_empty() => {
                    push_url(&mut out, rest.trim())
                }
                _ => {}
            }
            continue;
        }
        if in_remote {
            push_url(&mut out, line);
        }
    }
    out
}

fn is_remote_header(header: &str) -> bool {
    let name = header.split(']').next().unwrap_or("").trim();
    let section = name.split(['"', ' ', '.']).next().unwrap_or("");
    section.eq_ignore_ascii_case("remote") && name.len() > section.len()
}

fn push_url(out: &mut Vec<String>, line: &str) {
    let Some((key, value)) = line.split_once('=') else {
        return;
    };
    let key = key.trim();
    if !(key.eq_ignore_ascii_case("url") || key.eq_ignore_ascii_case("pushurl")) {
        return;
    }
    let value = config_value(value);
    if !value.is_empty() && !out.contains(&value) {
        out.push(value);
    }
}

/// A Git config value: quotes removed, `\"` `\\` unescaped, a `#`/`;` comment outside
/// quotes cut, surrounding whitespace trimmed.
fn config_value(raw: &str) -> String {
    let (mut out, mut quoted, mut chars) = (String::new(), false, raw.trim().chars());
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            '#' | ';' if !quoted => break,
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// The remote URLs of the repository at `root`: read from `root/.git/config` when `.git`
/// is a directory; none otherwise (a worktree's or submodule's `.git` file is not
/// followed) or when it cannot be read.
pub fn remotes_of(root: &Path) -> Vec<String> {
    let git = root.join(".git");
    if !git.is_dir() {
        return Vec::new();
    }
    match std::fs::read_to_string(git.join("config")) {
        Ok(text) => remote_urls(&text),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
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
            ("not-a-url", UrlMatch::Placeholder),
        ];
        for (url, want) in cases {
            assert_eq!(is_this_repo(url, &remotes, &configured), *want, "{url}");
        }
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
}
