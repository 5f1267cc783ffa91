//! Paths: as shown (relative to the working directory), and as the app graph keys them
//! (relative to the repository root).

use std::path::{Path, PathBuf};

/// The paths given that exist, and an error message for each that does not (every one is
/// reported; the others are still linted, and the run fails at the end).
pub fn existing(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<String>) {
    let mut missing = Vec::new();
    let paths = paths
        .into_iter()
        .filter(|path| match std::fs::metadata(path) {
            Ok(_) => true,
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    _ => e.to_string(),
                };
                missing.push(format!("error: {}: {why}", path.display()));
                false
            }
        })
        .collect();
    (paths, missing)
}

/// The path to show for a file: relative to the working directory when it is below it,
/// `/`-separated, without a leading `./`.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let rel = match (path.is_absolute(), cwd) {
        (true, Some(cwd)) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// The exact bytes of the name [`display_path`] shows, when the displayed string does not
/// spell them (not UTF-8, or a `\\` shown as `/`); see `FileReport::path_bytes`.
pub fn exact_path_bytes(path: &Path, cwd: Option<&Path>, display: &str) -> Option<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let rel = match (path.is_absolute(), cwd) {
            (true, Some(cwd)) => path.strip_prefix(cwd).unwrap_or(path),
            _ => path,
        };
        let mut b = rel.as_os_str().as_bytes();
        while let Some(rest) = b.strip_prefix(b"./") {
            b = rest;
        }
        (b != display.as_bytes()).then(|| b.to_vec())
    }
    #[cfg(not(unix))]
    {
        let _ = (path, cwd, display);
        None
    }
}

/// The root of the repository being linted: the nearest directory holding `.git` above
/// `start` (the first path, or the working directory), else `config_root` (the
/// configuration's directory), else `start`'s directory. Absolute and normalised when
/// `cwd` is known.
pub fn repository_root(start: &Path, cwd: Option<&Path>, config_root: Option<&Path>) -> PathBuf {
    let absolute = |p: &Path| match cwd {
        Some(cwd) => crate::kustomize::normalize(&cwd.join(p)),
        None => crate::kustomize::normalize(p),
    };
    let start = absolute(start);
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent().unwrap_or(Path::new(""))
    };
    let git = dir
        .ancestors()
        .take(64)
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf);
    git.or_else(|| config_root.map(absolute))
        .unwrap_or_else(|| dir.to_path_buf())
}

/// `path` relative to `root` (see [`repository_root`]), `/`-separated, as the app graph
/// keys files; `None` when it is outside the root or not UTF-8.
pub fn repo_relative(path: &Path, root: &Path, cwd: Option<&Path>) -> Option<String> {
    if let Some(rel) = plain_relative(path, root, cwd) {
        return Some(rel);
    }
    repo_relative_slow(path, root, cwd)
}

/// [`repo_relative`] by normalising the path.
fn repo_relative_slow(path: &Path, root: &Path, cwd: Option<&Path>) -> Option<String> {
    let absolute = match cwd {
        Some(cwd) => crate::kustomize::normalize(&cwd.join(path)),
        None => crate::kustomize::normalize(path),
    };
    let rel = absolute.strip_prefix(root).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        let std::path::Component::Normal(name) = c else {
            return None;
        };
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(name.to_str()?);
    }
    (!out.is_empty()).then_some(out)
}

/// [`repo_relative`] without normalising, for the paths the walk gives (the root's own
/// spelling, then plain names): `None` when it cannot tell so cheaply.
fn plain_relative(path: &Path, root: &Path, cwd: Option<&Path>) -> Option<String> {
    let path = path.to_str()?;
    let root = root.to_str()?;
    let rest = if Path::new(path).is_absolute() {
        path.strip_prefix(root)?
    } else {
        let cwd = cwd?.to_str()?;
        let below = root.strip_prefix(cwd)?;
        let below = below.strip_prefix('/').unwrap_or(below);
        let path = path.strip_prefix("./").unwrap_or(path);
        if below.is_empty() {
            return plain(path);
        }
        path.strip_prefix(below)?
    };
    plain(rest.strip_prefix('/')?)
}

/// `rest` when it is `name/name/...` with no `.`, `..` or empty step (nor `\\`).
fn plain(rest: &str) -> Option<String> {
    // (Asked for every file holding an Application and every directory of the walk.)
    let bytes = rest.as_bytes();
    let ok = !bytes.is_empty()
        && memchr::memchr(b'\\', bytes).is_none()
        && bytes
            .split(|&b| b == b'/')
            .all(|step| !matches!(step, b"" | b"." | b".."));
    ok.then(|| rest.to_string())
}

/// The directory of a repo-relative, `/`-separated path (`""`: the root).
pub fn parent_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A file that could not be read, for a message after its path.
pub fn read_error_message(e: &crate::read::ReadError) -> String {
    match e {
        crate::read::ReadError::TooLarge { .. } => format!("{e} (--max-file-size)"),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_steps() {
        for (rest, ok) in [
            ("a/b.yaml", true),
            ("a", true),
            ("..a/b.", true),
            ("", false),
            ("/a", false),
            ("a/", false),
            ("a//b", false),
            ("./a", false),
            ("a/./b", false),
            ("a/..", false),
            ("..", false),
            ("a\\b", false),
        ] {
            assert_eq!(plain(rest).is_some(), ok, "{rest:?}");
        }
    }

    #[test]
    fn display_paths() {
        assert_eq!(display_path(Path::new("./a/b.yaml"), None), "a/b.yaml");
        assert_eq!(
            display_path(Path::new("/w/r/a.yaml"), Some(Path::new("/w/r"))),
            "a.yaml"
        );
        assert_eq!(
            display_path(Path::new("/x/a.yaml"), Some(Path::new("/w"))),
            "/x/a.yaml"
        );
    }

    #[test]
    fn repo_relative_paths() {
        let root = Path::new("/w/repo");
        let cwd = Some(Path::new("/w/repo/apps"));
        assert_eq!(
            repo_relative(Path::new("./a/../b/c.yaml"), root, cwd).as_deref(),
            Some("apps/b/c.yaml")
        );
        assert_eq!(
            repo_relative(Path::new("/w/repo/x.yaml"), root, cwd).as_deref(),
            Some("x.yaml")
        );
        assert_eq!(repo_relative(Path::new("../../o.yaml"), root, cwd), None);
        assert_eq!(repo_relative(Path::new("/w/repo"), root, cwd), None);
        // The quick way agrees with the normalising one wherever it answers.
        for cwd in ["/w", "/w/repo", "/w/repo/apps", "/elsewhere"] {
            let cwd = Some(Path::new(cwd));
            for path in [
                "repo/x.yaml",
                "./repo/a/b.yaml",
                "repository/x.yaml",
                "/w/repo/a/b.yaml",
                "/w/repository/a.yaml",
                "/w/repo/a/../b.yaml",
                "x.yaml",
                "a/./b.yaml",
                "",
            ] {
                let path = Path::new(path);
                if let Some(quick) = plain_relative(path, root, cwd) {
                    assert_eq!(
                        Some(quick),
                        repo_relative_slow(path, root, cwd),
                        "{path:?} {cwd:?}"
                    );
                }
            }
        }
        assert_eq!(
            plain_relative(Path::new("/w/repo/a/b.yaml"), root, cwd).as_deref(),
            Some("a/b.yaml")
        );
    }

    #[test]
    fn the_root_is_the_nearest_git_directory() {
        let tmp = std::env::temp_dir().join(format!("gl-root-{}", std::process::id()));
        let nested = tmp.join("repo/apps/team");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(tmp.join("repo/.git")).unwrap();
        let cwd = Some(tmp.as_path());
        let root = repository_root(Path::new("repo/apps/team"), cwd, None);
        assert_eq!(root, tmp.join("repo"));
        // Without `.git`: the configuration's directory, else the path's directory.
        let plain = tmp.join("plain/sub");
        std::fs::create_dir_all(&plain).unwrap();
        std::fs::write(plain.join("a.yaml"), "").unwrap();
        let config = tmp.join("plain");
        let found = repository_root(Path::new("plain/sub/a.yaml"), cwd, Some(&config));
        // (unless the temporary directory itself is inside a repository)
        if !tmp.ancestors().any(|d| d.join(".git").exists()) {
            assert_eq!(found, config);
            assert_eq!(
                repository_root(Path::new("plain/sub/a.yaml"), cwd, None),
                plain
            );
        }
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
