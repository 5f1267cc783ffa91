//! Finding the files to lint: explicit files as given, directories walked in parallel
//! (honouring `.gitignore`/`.ignore`, skipping `.git`, following no symlink).

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File name endings linted when walking a directory.
pub const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Names of templated YAML files also linted when walking: Jinja `*.yaml.j2` /
/// `*.yml.j2` and Go templates `*.yaml.gotmpl` / `*.yml.gotmpl` (helmfile).
/// (`*.ftl.yaml`, `*.j2.yaml`, `*.tpl.yaml` already end in `.yaml`.) A bare `NAME.gotmpl`
/// is taken too, but not `README.md.gotmpl` (helm-docs Markdown) or another `*.EXT.gotmpl`.
pub const TEMPLATE_SUFFIXES: &[&str] = &[".yaml.j2", ".yml.j2", ".yaml.gotmpl", ".yml.gotmpl"];

/// A templated YAML name ([`TEMPLATE_SUFFIXES`], or `NAME.gotmpl` without another
/// extension).
fn is_template_name(name: &str) -> bool {
    TEMPLATE_SUFFIXES.iter().any(|s| name.ends_with(s))
        || name
            .strip_suffix(".gotmpl")
            .is_some_and(|stem| !stem.is_empty() && !stem.contains('.'))
}

pub use crate::kustomize::KUSTOMIZATION_NAMES;

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
    pub config_root: Option<crate::config::ConfigRoot>,
    /// Gitignore-style globs from the configuration.
    pub config_exclude: Vec<String>,
    /// Globs of files to lint when walking (default: the [`EXTENSIONS`]).
    pub include: Vec<String>,
}

/// Which paths to leave out and which files to take.
struct Filter {
    cli: Gitignore,
    config: Gitignore,
    config_root: Option<crate::config::ConfigRoot>,
    /// Gitignore-style globs of files to lint (matched like exclusions).
    include: Option<Gitignore>,
}

impl Filter {
    fn new(options: &Options) -> Result<Self, Error> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root = options
            .config_root
            .as_ref()
            .map_or(cwd.as_path(), |r| r.root())
            .to_path_buf();
        let globs = |patterns: &[String], what: &str| -> Result<Gitignore, Error> {
            let mut b = GitignoreBuilder::new(&root);
            for p in patterns {
                b.add_line(None, p).map_err(|e| {
                    Error::BadGlob(format!(
                        "the configuration's `{what}`: {}",
                        glob_error(p, e)
                    ))
                })?;
            }
            b.build()
                .map_err(|e| too_complex(patterns, &format!("the configuration's `{what}`"), &e))
        };
        Ok(Filter {
            cli: build_excludes(&options.exclude)?,
            config: globs(&options.config_exclude, "exclude")?,
            config_root: options.config_root.clone(),
            include: if options.include.is_empty() {
                None
            } else {
                Some(globs(&options.include, "include")?)
            },
        })
    }

    /// `path` relative to the configuration's directory, when it is below it.
    fn config_relative(&self, path: &Path) -> Option<PathBuf> {
        self.config_root.as_ref()?.relative(path)
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
            Some(globs) => match self.config_relative(path) {
                Some(rel) => is_excluded(globs, &rel, false),
                // Outside the configuration's directory only unanchored globs can match.
                None => path
                    .file_name()
                    .is_some_and(|n| is_excluded(globs, Path::new(n), false)),
            },
        }
    }
}

#[derive(Debug)]
pub enum Error {
    /// A path given on the command line does not exist.
    NotFound(PathBuf),
    /// A glob that does not compile (where it comes from, and why).
    BadGlob(String),
    /// Globs over a limit ([`crate::config::MAX_GLOBS`], [`crate::config::MAX_PATTERN_LEN`])
    /// or too complex to compile together.
    Globs(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotFound(p) => write!(f, "{}: no such file or directory", p.display()),
            Error::BadGlob(e) => write!(f, "invalid glob in {e}"),
            Error::Globs(e) => write!(f, "{e}"),
        }
    }
}

/// Why `glob` does not compile, with the glob quoted once and cut to a bounded length.
pub(crate) fn glob_error(glob: &str, e: ignore::Error) -> String {
    let why = match e {
        ignore::Error::Glob { err, .. } => err,
        e => e.to_string(),
    };
    let why: String = why.chars().take(300).collect();
    format!("{}: {why}", crate::config::quote(glob))
}

/// An error of the glob library, cut to a bounded length (it may quote a glob).
fn bounded(e: &ignore::Error) -> String {
    let s = e.to_string();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// A set of globs that each compile but not together (the automaton grows past the glob
/// library's size limit: "error building NFA").
fn too_complex(patterns: &[String], what: &str, e: &ignore::Error) -> Error {
    let which = match patterns {
        [one] => format!(" ({})", crate::config::quote(one)),
        _ => String::new(),
    };
    Error::Globs(format!(
        "the {} globs of {what}{which} are too many or too complex to compile together \
         ({}); use fewer or simpler patterns",
        patterns.len(),
        bounded(e)
    ))
}

/// Check the globs of a run against the limits: at most [`crate::config::MAX_GLOBS`]
/// (`--exclude` and the configuration's `config_globs` together), each `--exclude` at most
/// [`crate::config::MAX_PATTERN_LEN`] bytes. (The configuration's own are checked when it
/// is read.)
pub fn check_glob_limits(cli_exclude: &[String], config_globs: usize) -> Result<(), Error> {
    use crate::config::{MAX_GLOBS, MAX_PATTERN_LEN};
    if let Some(long) = cli_exclude.iter().find(|p| p.len() > MAX_PATTERN_LEN) {
        return Err(Error::Globs(format!(
            "--exclude glob too long: {} bytes; the limit is {MAX_PATTERN_LEN} bytes",
            long.len()
        )));
    }
    let total = cli_exclude.len().saturating_add(config_globs);
    if total > MAX_GLOBS {
        return Err(Error::Globs(format!(
            "too many globs: {total} ({} --exclude, {config_globs} in the configuration); \
             the limit is {MAX_GLOBS}",
            cli_exclude.len()
        )));
    }
    Ok(())
}

fn build_excludes(patterns: &[String]) -> Result<Gitignore, Error> {
    check_glob_limits(patterns, 0)?;
    let mut builder = GitignoreBuilder::new(std::env::current_dir().unwrap_or_default());
    for p in patterns {
        builder
            .add_line(None, p)
            .map_err(|e| Error::BadGlob(format!("--exclude: {}", glob_error(p, e))))?;
    }
    builder
        .build()
        .map_err(|e| too_complex(patterns, "--exclude", &e))
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
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_template_name)
}

fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| KUSTOMIZATION_NAMES.contains(&n))
}

/// For the files of a Git tree (not on disk): whether a walk would lint the file at
/// `path` — a linted name, not excluded by `--exclude` or the configuration. Ignore files
/// do not apply: Git holds the file, and Argo CD reads what Git holds.
pub struct TreeFilter(Filter);

impl TreeFilter {
    pub fn new(options: &Options) -> Result<Self, Error> {
        Filter::new(options).map(TreeFilter)
    }

    pub fn admits(&self, path: &Path) -> bool {
        self.0.included(path) && !self.0.excluded(path, false)
    }

    /// A kustomization file (read for the Kustomize facts even when not a linted name).
    pub fn is_kustomization(path: &Path) -> bool {
        is_kustomization(path)
    }
}

/// `--exclude` and the configuration's `exclude`, for files reached other than by the walk
/// (argocd-apps value files named by an Application).
pub struct Exclusion(Option<Filter>);

impl Exclusion {
    pub fn new(options: &Options) -> Self {
        Exclusion(Filter::new(options).ok())
    }

    /// Whether the exclusions leave the file `path` out.
    pub fn excludes(&self, path: &Path) -> bool {
        self.0.as_ref().is_some_and(|f| f.excluded(path, false))
    }
}

/// What a visit found besides the files.
#[derive(Debug, Default)]
pub struct Visited {
    /// Kustomization files seen on the way (walked, or above a linted path).
    pub kustomizations: Vec<PathBuf>,
    /// Problems met while walking (unreadable directories, …), sorted.
    pub errors: Vec<String>,
}

/// Call `on_file` for every file to lint under `paths`, in parallel, as the walk finds
/// them (nothing is collected first). `on_file` gets a scratch buffer of its thread.
/// Files named explicitly are always visited (unless `force_exclude` excludes them);
/// directories are walked. A file reached through two arguments is visited once.
pub fn visit(
    paths: &[PathBuf],
    options: &Options,
    on_file: &(dyn Fn(&Path, &mut Vec<u8>) + Sync),
) -> Result<Visited, Error> {
    let filter = std::sync::Arc::new(Filter::new(options)?);
    let mut visited = Visited::default();
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| Error::NotFound(path.clone()))?;
        if meta.is_dir() {
            dirs.push(path.clone());
            visited.kustomizations.extend(
                kustomizations_above(&path.join("_")).into_iter().filter(
                    // the directory's own kustomization is found by the walk
                    |k| k.parent() != Some(path.as_path()),
                ),
            );
        } else {
            // Files named explicitly are always linted, unless `--force-exclude`.
            if options.force_exclude && filter.excluded(path, false) {
                continue;
            }
            // Only regular files are read: a FIFO would block, a device never end.
            if !meta.is_file() {
                visited.errors.push(format!(
                    "{}: is {}; only regular files are read",
                    path.display(),
                    crate::read::kind_name(meta.file_type())
                ));
                continue;
            }
            files.push(path.clone());
            visited.kustomizations.extend(kustomizations_above(path));
        }
    }
    // The same file reached through two arguments (`. apps`, `apps ./apps`) once; with one
    // argument this costs nothing.
    let cwd = std::env::current_dir().unwrap_or_default();
    let seen: Option<Mutex<std::collections::HashSet<PathBuf>>> =
        (paths.len() > 1).then(Default::default);
    let first_time = |path: &Path| match &seen {
        None => true,
        Some(seen) => crate::sync::lock(seen).insert(crate::kustomize::normalize(&cwd.join(path))),
    };
    {
        use rayon::prelude::*;
        files.sort();
        files
            .par_iter()
            .filter(|f| first_time(f))
            .for_each_init(Vec::new, |buf, f| on_file(f, buf));
    }
    if !dirs.is_empty() {
        walk(&dirs, options, &filter, &first_time, on_file, &mut visited);
    }
    visited.kustomizations.sort();
    visited.kustomizations.dedup();
    Ok(visited)
}

fn walk(
    dirs: &[PathBuf],
    options: &Options,
    filter: &std::sync::Arc<Filter>,
    first_time: &(dyn Fn(&Path) -> bool + Sync),
    on_file: &(dyn Fn(&Path, &mut Vec<u8>) + Sync),
    visited: &mut Visited,
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
    let kustomizations = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let mut buf = Vec::new();
        let kustomizations = &kustomizations;
        let errors = &errors;
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        let path = entry.path();
                        if is_kustomization(path) {
                            crate::sync::lock(kustomizations).push(path.to_path_buf());
                        }
                        if filter.included(path) && first_time(path) {
                            on_file(path, &mut buf);
                        }
                    }
                }
                Err(err) => crate::sync::lock(errors).push(err.to_string()),
            }
            WalkState::Continue
        })
    });
    visited
        .kustomizations
        .extend(crate::sync::into_inner(kustomizations));
    let mut errors = crate::sync::into_inner(errors);
    errors.sort();
    visited.errors.extend(errors);
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
