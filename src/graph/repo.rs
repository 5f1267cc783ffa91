//! Which `repoURL`s name the linted repository.
//!
//! A URL is reduced to a comparable key `host/org/x` ([`repo_key`]): the scheme, user,
//! port, a trailing `.git` and slashes are dropped, and the key is lower-cased (GitHub,
//! GitLab and Bitbucket treat owner and repository names case-insensitively). The remotes
//! come from the text of `.git/config` ([`remote_urls`]); a worktree or submodule whose
//! `.git` is a file is not followed ([`remotes_of`] returns none: configure `repositories:`
//! instead). A placeholder URL (Kubefirst's `<GITOPS_REPO_URL>`, `${repo}`,
//! `{{ .Values.repoURL }}`, empty) is
//! [`UrlMatch::Placeholder`]: the caller then counts the source as this repository only
//! when its `path` exists in the tree, and says so. So does a Git URL when nothing tells
//! which repository this is (no remote, nothing configured): [`UrlMatch::Unknown`]. A
//! URL of another kind (`cnoe://…`, a bare word) is another repository's.

use std::path::Path;

/// Which `repoURL`s are this repository: the remotes of `.git/config` and the configured
/// `repositories:`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Repo<'a> {
    pub remotes: &'a [String],
    pub configured: &'a [String],
}

/// How a `repoURL` relates to the linted repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlMatch {
    /// Same key as a remote of `.git/config`.
    Remote,
    /// Same key as (or literally equal to) an entry of the configured `repositories:`.
    Configured,
    /// A placeholder (`<TOKEN>`, `${var}`, `{{ … }}`, empty): this repository if the path
    /// exists in the tree.
    Placeholder,
    /// A Git URL, while nothing tells which repository this is (no `.git/config` remote,
    /// no configured `repositories:`, as in a downloaded archive): this repository if the
    /// path exists in the tree.
    Unknown,
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
        // A placeholder is a guess worth making; a URL of another kind (`cnoe://x`,
        // `oci://…`, a bare word) names no repository we know.
        return if is_placeholder(url) {
            UrlMatch::Placeholder
        } else {
            UrlMatch::Other
        };
    }
    if remotes.is_empty() && configured.is_empty() {
        return UrlMatch::Unknown;
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
#[path = "repo_tests.rs"]
mod tests;
