//! `.gitops-lint.yaml`: project configuration, found from the linted root upward to the
//! repository root, or given with `--config`.
//!
//! The file is read with the span tree of [`crate::yaml`], so an unknown key or a value of
//! the wrong type is reported at its exact position. The accepted keys are described once,
//! in [`KEYS`]; the validator and the JSON Schema ([`json_schema`]) both come from it.

use crate::diagnostic::Severity;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod error;
mod keys;
mod parse;
mod snippet;
pub use error::{ConfigError, MAX_CONFIG_PROBLEMS};
pub use keys::{json_schema, Key, ValueType, KEYS};
pub use parse::{parse, parse_all};
pub(crate) use snippet::quote;

/// File names looked for, in order.
pub const FILE_NAMES: &[&str] = &[".gitops-lint.yaml", "gitops-lint.yaml"];

/// The largest configuration file read: 1 MiB.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;
/// The most globs in a run: `include`, `exclude` and `per-path-ignores` of the
/// configuration and `--exclude` on the command line together.
pub const MAX_GLOBS: usize = 10_000;
/// The longest glob, in bytes.
pub const MAX_PATTERN_LEN: usize = 4096;

/// Where `finalizers:` goes when it is added to a `metadata` mapping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FinalizerPosition {
    /// After the last key of `metadata`.
    #[default]
    End,
    /// Right after `name`.
    AfterName,
    /// After `namespace`, else after `name`.
    AfterNamespace,
}

impl FinalizerPosition {
    pub const NAMES: &'static [&'static str] = &["end", "after-name", "after-namespace"];

    fn parse(s: &str) -> Option<Self> {
        match s {
            "end" => Some(Self::End),
            "after-name" => Some(Self::AfterName),
            "after-namespace" => Some(Self::AfterNamespace),
            _ => None,
        }
    }
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    Severity(Severity),
}

/// The configuration, as read from a file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The directory the file's globs are relative to.
    pub root: PathBuf,
    /// The file it came from.
    pub path: Option<PathBuf>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub rules: BTreeMap<String, RuleLevel>,
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    pub accepted_finalizers: Vec<String>,
    /// URLs that name the linted repository (besides the remotes of `.git/config`), for
    /// the app graph.
    pub repositories: Vec<String>,
    pub fix: FixConfig,
}

impl Config {
    /// How many globs the configuration has (`include`, `exclude`, `per-path-ignores`).
    pub fn glob_count(&self) -> usize {
        self.include.len() + self.exclude.len() + self.per_path_ignores.len()
    }
}

#[derive(Debug, Clone, Default)]
pub struct FixConfig {
    pub finalizer_position: FinalizerPosition,
}

/// Turns the paths being linted into paths relative to the configuration's directory,
/// which its globs are relative to — also when a path argument goes through a symbolic
/// link (the configuration's directory is canonical; walked paths are not).
#[derive(Debug, Clone)]
pub struct ConfigRoot {
    cwd: PathBuf,
    root: PathBuf,
    /// (a path argument made absolute, its canonical form), for arguments that differ.
    aliases: Vec<(PathBuf, PathBuf)>,
}

impl ConfigRoot {
    pub fn new(root: &Path, args: &[PathBuf]) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| cwd.join(root));
        let aliases = args
            .iter()
            .filter_map(|a| {
                let lexical = crate::kustomize::normalize(&cwd.join(a));
                let canonical = std::fs::canonicalize(a).ok()?;
                (lexical != canonical).then_some((lexical, canonical))
            })
            .collect();
        ConfigRoot { cwd, root, aliases }
    }

    /// The configuration's directory (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` (as walked or given, relative to the working directory or absolute)
    /// relative to the configuration's directory, when it is below it.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = crate::kustomize::normalize(&self.cwd.join(path));
        if let Ok(rel) = abs.strip_prefix(&self.root) {
            return Some(rel.to_path_buf());
        }
        self.aliases.iter().find_map(|(lexical, canonical)| {
            let rest = abs.strip_prefix(lexical).ok()?;
            canonical
                .join(rest)
                .strip_prefix(&self.root)
                .ok()
                .map(Path::to_path_buf)
        })
    }
}

/// The configuration file for `start` (a file or directory): the nearest
/// `.gitops-lint.yaml` / `gitops-lint.yaml` in it or above it, stopping at the
/// repository root (a directory holding `.git`, directory or file).
///
/// A configuration found this way comes with the files being linted, so it must be a
/// regular file in its directory: a symbolic link (which could lead out of the repository,
/// to `/proc/self/environ` or `/etc/passwd`) or anything else is refused, not followed.
pub fn find(start: &Path) -> Result<Option<PathBuf>, Box<ConfigError>> {
    let Ok(start) = std::fs::canonicalize(start) else {
        return Ok(None);
    };
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            let Ok(meta) = std::fs::symlink_metadata(&candidate) else {
                continue;
            };
            if meta.is_file() {
                return Ok(Some(candidate));
            }
            let what = crate::read::kind_name(meta.file_type());
            return Err(ConfigError::file(
                &candidate,
                format!(
                    "is {what}; a configuration file found by discovery must be a regular \
                     file inside the repository (a symbolic link is not followed; name a \
                     file with --config, or use --isolated)"
                ),
            ));
        }
        if d.join(".git").exists() {
            return Ok(None);
        }
        dir = d.parent();
    }
    Ok(None)
}

/// Load and validate a configuration file named with `--config`: it may be a symbolic
/// link, but must lead to a regular file of at most [`MAX_CONFIG_SIZE`] bytes.
pub fn load(path: &Path) -> Result<Config, Box<ConfigError>> {
    load_file(path, true)
}

/// Load and validate a configuration file that [`find`] found: a symbolic link is refused
/// (also one put in its place since).
pub fn load_found(path: &Path) -> Result<Config, Box<ConfigError>> {
    load_file(path, false)
}

fn load_file(path: &Path, follow: bool) -> Result<Config, Box<ConfigError>> {
    let mut bytes = Vec::new();
    if let Err(e) = crate::read::read_file(path, &mut bytes, MAX_CONFIG_SIZE, follow) {
        let message = match e {
            crate::read::ReadError::Io(e) => format!("cannot read: {e}"),
            crate::read::ReadError::TooLarge { .. } => {
                format!("{e} (a configuration file is at most 1 MiB)")
            }
            crate::read::ReadError::Symlink => "is a symbolic link; a configuration file \
                 found by discovery must be a regular file, and is not followed"
                .to_string(),
            crate::read::ReadError::NotRegular(kind) => {
                format!("is {kind}; a configuration file must be a regular file (not read)")
            }
        };
        return Err(ConfigError::file(path, message));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        ConfigError::file(
            path,
            format!(
                "cannot read: not UTF-8 (at byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let root = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut config =
        parse_all(&text).map_err(|problems| ConfigError::all(path, problems, &text))?;
    config.root = root;
    config.path = Some(path.to_path_buf());
    Ok(config)
}

#[cfg(test)]
mod tests;
