//! Settings resolved from the command line and the configuration file, as the linter
//! uses them.

use crate::config::{Config, FinalizerPosition, RuleLevel};
use crate::diagnostic::Severity;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `per-path-ignores`, compiled: per rule, the globs of the paths where it is ignored.
pub type PathIgnores = Vec<(String, Gitignore)>;

/// A file's answers of [`Settings::ignored_for`]: the set asked, the path, and per rule
/// asked whether it is ignored there.
type IgnoredCache = (Arc<PathIgnores>, String, Vec<(String, bool)>);

thread_local! {
    /// The answers for the last file asked about on this thread: a file's findings come
    /// together, so the globs are matched once per file and rule, not once per finding.
    static LAST_FILE: RefCell<Option<IgnoredCache>> = const { RefCell::new(None) };
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Where a fix puts `finalizers:` in `metadata`.
    pub finalizer_position: FinalizerPosition,
    /// Finalizer strings accepted as cascading besides Argo CD's own.
    pub extra_cascade: Vec<String>,
    /// Rule levels from the configuration (absent: the rule's own severity).
    pub levels: BTreeMap<String, RuleLevel>,
    /// Rules ignored per path (`per-path-ignores`): per rule, the globs (relative to
    /// `root`) of the paths where it is ignored, compiled together so that a finding costs
    /// one match per rule however many globs there are.
    pub per_path_ignores: Option<Arc<PathIgnores>>,
    /// The directory the configuration's globs are relative to.
    pub root: Option<crate::config::ConfigRoot>,
}

impl Settings {
    pub const DEFAULT: Settings = Settings {
        finalizer_position: FinalizerPosition::End,
        extra_cascade: Vec::new(),
        levels: BTreeMap::new(),
        per_path_ignores: None,
        root: None,
    };

    /// Settings of a configuration, for linting `args`. Globs that do not compile are
    /// reported.
    pub fn from_config(config: &Config, args: &[PathBuf]) -> Result<Self, String> {
        let root = crate::config::ConfigRoot::new(&config.root, args);
        let mut by_rule: BTreeMap<&str, (GitignoreBuilder, usize)> = BTreeMap::new();
        for (glob, rules) in &config.per_path_ignores {
            let invalid = |e| {
                let why = crate::discover::glob_error(glob, e);
                format!("per-path-ignores: invalid glob {why}")
            };
            // Each glob ignores its rules where it matches. A negated glob (`!x`) alone
            // never matches; among the others it would re-include paths, so it is only
            // checked, not compiled.
            if glob.starts_with('!') {
                GitignoreBuilder::new(root.root())
                    .add_line(None, glob)
                    .map_err(invalid)?;
                continue;
            }
            for rule in rules {
                let (b, n) = by_rule
                    .entry(rule)
                    .or_insert_with(|| (GitignoreBuilder::new(root.root()), 0));
                b.add_line(None, glob).map_err(invalid)?;
                *n += 1;
            }
        }
        let mut per_path_ignores = Vec::new();
        for (rule, (b, n)) in by_rule {
            let g = b.build().map_err(|e| {
                format!(
                    "per-path-ignores: the {n} globs of rule `{rule}` are too many or too \
                     complex to compile together ({}); use fewer or simpler patterns",
                    e.to_string().chars().take(300).collect::<String>()
                )
            })?;
            per_path_ignores.push((rule.to_string(), g));
        }
        Ok(Settings {
            finalizer_position: config.fix.finalizer_position,
            extra_cascade: config.accepted_finalizers.clone(),
            levels: config.rules.clone(),
            per_path_ignores: (!per_path_ignores.is_empty()).then(|| Arc::new(per_path_ignores)),
            root: Some(root),
        })
    }

    /// The severity of `rule` here, or `None` when it is off.
    pub fn level(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.levels.get(rule) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Severity(s)) => Some(*s),
            None => Some(default),
        }
    }

    /// Whether `rule` is ignored for the file at `path` (as reported: relative to the
    /// working directory, or absolute).
    pub fn ignored_for(&self, path: &str, rule: &str) -> bool {
        let Some(ignores) = &self.per_path_ignores else {
            return false;
        };
        LAST_FILE.with_borrow_mut(|last| {
            let same = matches!(last, Some((i, p, _)) if Arc::ptr_eq(i, ignores) && p == path);
            if !same {
                *last = None;
            }
            let (_, _, answers) =
                last.get_or_insert_with(|| (ignores.clone(), path.to_string(), Vec::new()));
            if let Some((_, ignored)) = answers.iter().find(|(r, _)| r == rule) {
                return *ignored;
            }
            let ignored = self.match_ignores(ignores, path, rule);
            answers.push((rule.to_string(), ignored));
            ignored
        })
    }

    fn match_ignores(&self, ignores: &PathIgnores, path: &str, rule: &str) -> bool {
        let rel = match self.root.as_ref().and_then(|r| r.relative(Path::new(path))) {
            Some(rel) => rel,
            None => PathBuf::from(path),
        };
        ignores
            .iter()
            .any(|(r, globs)| r == rule && crate::discover::is_excluded(globs, &rel, false))
    }
}
