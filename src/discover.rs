//! Finding the files to lint: explicit files as given, directories walked in parallel
//! (honouring `.gitignore`/`.ignore`, skipping `.git`, following no symlink).

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File name endings linted when walking a directory.
pub const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Names of Kustomize kustomization files.
pub const KUSTOMIZATION_NAMES: &[&str] =
    &["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Gitignore-style globs, relative to the working directory.
    pub exclude: Vec<String>,
    /// Do not honour `.gitignore`, `.ignore` and git's exclude files.
    pub no_ignore: bool,
    pub threads: usize,
    /// Apply the exclusions to explicitly named files too.
    pub force_exclude: bool,
    /// The configuration file's directory: `config_exclude` and `include` are relative
    /// to it.
    pub config_root: Option<PathBuf>,
    /// Gitignore-style globs from the configuration.
    pub config_exclude: Vec<String>,
    /// Globs of files to lint when walking (default: the [`EXTENSIONS`]).
    pub include: Vec<String>,
}

/// Which paths to leave out and which files to take.
struct Filter {
    cli: Gitignore,
    config: Gitignore,
    config_root: Option<PathBuf>,
    include: Option<globset::GlobSet>,
    cwd: PathBuf,
}

impl Filter {
    fn new(options: &Options) -> Result<Self, Error> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let config_root = options
            .config_root
            .as_ref()
            .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| cwd.join(r)));
        let mut config = GitignoreBuilder::new(config_root.clone().unwrap_or_else(|| cwd.clone()));
        for p in &options.config_exclude {
            config
                .add_line(None, p)
                .map_err(|e| Error::BadGlob(format!("exclude in the configuration: {e}")))?;
        }
        let include = if options.include.is_empty() {
            None
        } else {
            let mut b = globset::GlobSetBuilder::new();
            for p in &options.include {
                let glob = globset::GlobBuilder::new(p)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| Error::BadGlob(format!("include in the configuration: {e}")))?;
                b.add(glob);
            }
            Some(b.build().map_err(|e| Error::BadGlob(e.to_string()))?)
        };
        Ok(Filter {
            cli: build_excludes(&options.exclude)?,
            config: config.build().map_err(|e| Error::BadGlob(e.to_string()))?,
            config_root,
            include,
            cwd,
        })
    }

    /// `path` relative to the configuration's directory, when it is below it.
    fn config_relative(&self, path: &Path) -> Option<PathBuf> {
        let root = self.config_root.as_ref()?;
        let abs = crate::kustomize::normalize(&self.cwd.join(path));
        abs.strip_prefix(root).ok().map(Path::to_path_buf)
    }

    fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        if is_excluded(&self.cli, path, is_dir) {
            return true;
        }
        match self.config_relative(path) {
            Some(rel) => is_excluded(&self.config, &rel, is_dir),
            None => false,
        }
    }

    fn included(&self, path: &Path) -> bool {
        match &self.include {
            None => is_candidate(path),
            Some(set) => {
                let name = path.file_name().map(Path::new);
                let rel = self.config_relative(path);
                rel.is_some_and(|r| set.is_match(r)) || name.is_some_and(|n| set.is_match(n))
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to lint, sorted, without duplicates.
    pub files: Vec<PathBuf>,
    /// Kustomization files seen on the way (walked, or above an explicit file).
    pub kustomizations: Vec<PathBuf>,
    /// Problems met while walking (unreadable directories, …).
    pub errors: Vec<String>,
}

#[derive(Debug)]
pub enum Error {
    /// A path given on the command line does not exist.
    NotFound(PathBuf),
    BadGlob(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotFound(p) => write!(f, "{}: no such file or directory", p.display()),
            Error::BadGlob(e) => write!(f, "invalid --exclude pattern: {e}"),
        }
    }
}

fn build_excludes(patterns: &[String]) -> Result<Gitignore, Error> {
    let mut builder = GitignoreBuilder::new(std::env::current_dir().unwrap_or_default());
    for p in patterns {
        builder
            .add_line(None, p)
            .map_err(|e| Error::BadGlob(e.to_string()))?;
    }
    builder.build().map_err(|e| Error::BadGlob(e.to_string()))
}

/// Whether `path` or one of its parent directories matches an exclude pattern. Paths
/// outside the working directory can still match unanchored patterns (`skip/`, `*.yml`).
pub fn is_excluded(excludes: &Gitignore, path: &Path, is_dir: bool) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut dir = is_dir;
    for p in path.ancestors() {
        if p.as_os_str().is_empty() || p == Path::new("/") {
            break;
        }
        let m = excludes.matched(p, dir);
        if m.is_ignore() {
            return true;
        }
        if m.is_whitelist() {
            return false;
        }
        dir = true;
    }
    false
}

pub fn is_candidate(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| KUSTOMIZATION_NAMES.contains(&n))
}

/// Find the files under `paths`.
pub fn discover(paths: &[PathBuf], options: &Options) -> Result<Discovery, Error> {
    let filter = std::sync::Arc::new(Filter::new(options)?);
    let mut found = Discovery::default();
    let mut dirs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| Error::NotFound(path.clone()))?;
        if meta.is_dir() {
            dirs.push(path.clone());
            found
                .kustomizations
                .extend(kustomizations_above(&path.join("_")).into_iter().filter(
                    // the directory's own kustomization is found by the walk
                    |k| k.parent() != Some(path.as_path()),
                ));
        } else {
            // Files named explicitly are always linted, unless `--force-exclude`.
            if options.force_exclude && filter.excluded(path, false) {
                continue;
            }
            found.files.push(path.clone());
            found.kustomizations.extend(kustomizations_above(path));
        }
    }
    if !dirs.is_empty() {
        walk(&dirs, options, &filter, &mut found);
    }
    // The same file reached through two arguments (`. apps`, `apps ./apps`) once.
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    let mut files: Vec<PathBuf> = found
        .files
        .drain(..)
        .filter(|f| seen.insert(crate::kustomize::normalize(&cwd.join(f))))
        .collect();
    files.sort();
    found.files = files;
    found.kustomizations.sort();
    found.kustomizations.dedup();
    Ok(found)
}

fn walk(
    dirs: &[PathBuf],
    options: &Options,
    filter: &std::sync::Arc<Filter>,
    found: &mut Discovery,
) {
    let honour = !options.no_ignore;
    let mut builder = WalkBuilder::new(&dirs[0]);
    for d in &dirs[1..] {
        builder.add(d);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .ignore(honour)
        .git_ignore(honour)
        .git_exclude(honour)
        .git_global(honour)
        .parents(honour)
        .require_git(false)
        .threads(options.threads);
    let excludes = filter.clone();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && entry.file_name() == ".git" {
            return false;
        }
        !excludes.excluded(entry.path(), is_dir)
    });
    let files = Mutex::new(Vec::new());
    let kustomizations = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        let path = entry.into_path();
                        if is_kustomization(&path) {
                            kustomizations.lock().unwrap().push(path.clone());
                        }
                        if filter.included(&path) {
                            files.lock().unwrap().push(path);
                        }
                    }
                }
                Err(err) => errors.lock().unwrap().push(err.to_string()),
            }
            WalkState::Continue
        })
    });
    found.files.extend(files.into_inner().unwrap());
    found
        .kustomizations
        .extend(kustomizations.into_inner().unwrap());
    let mut errors = errors.into_inner().unwrap();
    errors.sort();
    found.errors.extend(errors);
}

/// Kustomization files in the directories above an explicitly named file, up to the
/// repository root (a directory holding `.git`).
fn kustomizations_above(file: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dir = file.parent();
    let mut depth = 0;
    while let Some(d) = dir {
        let d_or_cwd = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        for name in KUSTOMIZATION_NAMES {
            let k = d.join(name);
            if k.is_file() {
                out.push(k);
            }
        }
        depth += 1;
        if depth > 16 || d_or_cwd.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    out
}
