//! `.gitops-lint.yaml`: project configuration, found from the linted root upward to the
//! repository root, or given with `--config`.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// File names looked for, in order.
pub const FILE_NAMES: &[&str] = &[".gitops-lint.yaml", "gitops-lint.yaml"];

/// Where `finalizers:` goes when it is added to a `metadata` mapping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum FinalizerPosition {
    /// After the last key of `metadata`.
    #[default]
    End,
    /// Right after `name`.
    AfterName,
    /// After `namespace`, else after `name`.
    AfterNamespace,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixConfig {
    #[serde(default)]
    pub finalizer_position: FinalizerPosition,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub fix: FixConfig,
}

/// A configuration file that could not be used.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The configuration file for `start` (a file or directory): the nearest
/// `.gitops-lint.yaml` / `gitops-lint.yaml` in it or above it, stopping at the
/// repository root (a directory holding `.git`).
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Load a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    serde_yaml::from_str(&text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
