//! `.gitops-lint.yaml`: project configuration, found from the linted root upward to the
//! repository root, or given with `--config`.
//!
//! The file is read with the span tree of [`crate::yaml`], so an unknown key or a value of
//! the wrong type is reported at its exact position. The accepted keys are described once,
//! in [`KEYS`]; the validator and the JSON Schema ([`json_schema`]) both come from it.

use crate::diagnostic::Severity;
use crate::source::Span;
use crate::yaml::{self, Node, NodeKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod snippet;
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

/// The type of a configuration value.
#[derive(Debug, Clone, Copy)]
pub enum ValueType {
    /// A list of glob strings.
    Globs,
    /// A mapping of rule id → level.
    RuleLevels,
    /// A mapping of glob → list of rule ids.
    PathIgnores,
    /// A list of strings.
    Strings,
    /// One of the given strings.
    Enum(&'static [&'static str]),
    /// A mapping with the given keys.
    Section(&'static [Key]),
}

/// One accepted key.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub ty: ValueType,
    pub doc: &'static str,
}

/// Every accepted key, with its type and documentation.
pub const KEYS: &[Key] = &[
    Key {
        name: "include",
        ty: ValueType::Globs,
        doc: "Files to lint when walking directories (gitignore-style globs relative to this file). Default: *.yaml, *.yml, *.json.",
    },
    Key {
        name: "exclude",
        ty: ValueType::Globs,
        doc: "Paths not to lint (gitignore-style globs relative to this file). Files named on the command line are linted anyway unless --force-exclude is given.",
    },
    Key {
        name: "rules",
        ty: ValueType::RuleLevels,
        doc: "Rule levels: `off`, `info`, `warning` or `error`, by rule id.",
    },
    Key {
        name: "per-path-ignores",
        ty: ValueType::PathIgnores,
        doc: "Rules to ignore in files matching a glob (relative to this file): glob → list of rule ids.",
    },
    Key {
        name: "finalizers",
        ty: ValueType::Section(&[Key {
            name: "accepted",
            ty: ValueType::Strings,
            doc: "Extra finalizer strings that count as cascading deletion (for controllers of your own).",
        }]),
        doc: "Finalizer settings.",
    },
    Key {
        name: "repositories",
        ty: ValueType::Strings,
        doc: "URLs (`repoURL` values) that name the linted repository, besides the remotes of its `.git/config`: the sources of Applications that use them are followed in the app graph.",
    },
    Key {
        name: "fix",
        ty: ValueType::Section(&[Key {
            name: "finalizer-position",
            ty: ValueType::Enum(FinalizerPosition::NAMES),
            doc: "Where --fix adds `finalizers:` in metadata: `end` (after the last key), `after-name`, or `after-namespace` (else after name).",
        }]),
        doc: "Autofix settings.",
    },
];

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

/// A configuration file that could not be used, with the position of the problem.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
    /// The offending bytes, when the problem is in the file's content.
    pub span: Option<Span>,
    /// The file's text, for rendering the snippet (shared by the problems of a file).
    pub text: std::sync::Arc<str>,
    /// What the snippet shows: the lines around the error, cut to a bounded width.
    snippet: Option<snippet::Snippet>,
    /// The other problems of the same file, in its order (at most
    /// [`MAX_CONFIG_PROBLEMS`] in all), and how many more were left out.
    pub more: Vec<ConfigError>,
    pub left_out: usize,
}

/// The most problems of one configuration file reported.
pub const MAX_CONFIG_PROBLEMS: usize = 50;

impl ConfigError {
    fn new(path: &Path, message: String, span: Option<Span>, text: std::sync::Arc<str>) -> Self {
        ConfigError {
            snippet: span
                .as_ref()
                .map(|span| snippet::Snippet::new(path.display().to_string(), &text, span)),
            path: path.to_path_buf(),
            message: snippet::bounded_message(message),
            span,
            text,
            more: Vec::new(),
            left_out: 0,
        }
    }

    /// The problems of a file's text, the first holding the others.
    fn all(path: &Path, problems: Vec<Problem>, text: &str) -> Box<Self> {
        let text: std::sync::Arc<str> = text.into();
        let total = problems.len();
        let mut errors = problems
            .into_iter()
            .take(MAX_CONFIG_PROBLEMS)
            .map(|(span, message)| ConfigError::new(path, message, span, text.clone()));
        let Some(mut first) = errors.next() else {
            return ConfigError::file(path, "invalid configuration".into());
        };
        first.more = errors.collect();
        first.left_out = total.saturating_sub(MAX_CONFIG_PROBLEMS);
        Box::new(first)
    }

    /// A problem with the file itself (not its content).
    fn file(path: &Path, message: String) -> Box<Self> {
        Box::new(ConfigError::new(path, message, None, "".into()))
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.span {
            Some(span) => {
                let idx = crate::source::LineIndex::new(&self.text);
                let at = idx.line_col(&self.text, span.start);
                write!(
                    f,
                    "{}:{}:{}: {}",
                    self.path.display(),
                    at.line,
                    at.column,
                    self.message
                )
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("config"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.snippet.as_ref()?.span().clone();
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(
                Some("here".into()),
                (span.start, span.len()),
            ),
        )))
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

type Problem = (Option<Span>, String);

/// The keys of section `name` in [`KEYS`].
fn section(name: &str) -> &'static [Key] {
    KEYS.iter()
        .find_map(|k| match k.ty {
            ValueType::Section(keys) if k.name == name => Some(keys),
            _ => None,
        })
        .unwrap_or(&[])
}

fn type_name(n: &Node) -> &'static str {
    match &n.kind {
        NodeKind::Mapping { .. } => "a mapping",
        NodeKind::Sequence { .. } => "a list",
        NodeKind::Alias => "an alias",
        NodeKind::Scalar { .. } if n.is_null() => "empty",
        NodeKind::Scalar { .. } => "a scalar",
    }
}

fn strings(node: &Node, what: &str) -> Result<Vec<String>, Problem> {
    if node.is_null() {
        return Ok(Vec::new());
    }
    let NodeKind::Sequence { items, .. } = &node.kind else {
        return Err((
            Some(node.span.clone()),
            format!("expected a list of {what}, found {}", type_name(node)),
        ));
    };
    items
        .iter()
        .map(|i| match &i.kind {
            NodeKind::Scalar { value, .. } if !i.is_null() => Ok(value.clone()),
            _ => Err((
                Some(i.span.clone()),
                format!("expected {what} (a string), found {}", type_name(i)),
            )),
        })
        .collect()
}

fn mapping<'a>(node: &'a Node, what: &str) -> Result<&'a [yaml::Entry], Problem> {
    if node.is_null() {
        return Ok(&[]);
    }
    match &node.kind {
        NodeKind::Mapping { entries, .. } => Ok(entries),
        _ => Err((
            Some(node.span.clone()),
            format!("expected {what}, found {}", type_name(node)),
        )),
    }
}

/// The globs of a configuration, counted against [`MAX_GLOBS`], each at most
/// [`MAX_PATTERN_LEN`] bytes.
#[derive(Default)]
struct GlobCount {
    count: usize,
    /// The first glob past the limit.
    over: Option<Span>,
}

impl GlobCount {
    fn add(&mut self, glob: &str, node: &Node) -> Result<(), Problem> {
        if glob.len() > MAX_PATTERN_LEN {
            return Err((
                Some(node.span.clone()),
                format!(
                    "glob too long: {} bytes; the limit is {MAX_PATTERN_LEN} bytes",
                    glob.len()
                ),
            ));
        }
        self.count += 1;
        if self.count == MAX_GLOBS + 1 {
            self.over = Some(node.span.clone());
        }
        Ok(())
    }

    /// A list of globs.
    fn list(&mut self, node: &Node) -> Result<Vec<String>, Problem> {
        let globs = strings(node, "globs")?;
        for (glob, item) in globs.iter().zip(node.items()) {
            self.add(glob, item)?;
        }
        Ok(globs)
    }

    fn check(self) -> Result<(), Problem> {
        match self.over {
            None => Ok(()),
            Some(span) => Err((
                Some(span),
                format!(
                    "too many globs: {} (include, exclude and per-path-ignores together); \
                     the limit is {MAX_GLOBS}",
                    self.count
                ),
            )),
        }
    }
}

fn unknown_key(key: &Node, known: &[Key], section: Option<&str>) -> Problem {
    let names: Vec<String> = known.iter().map(|k| format!("`{}`", k.name)).collect();
    let name = key.as_str().unwrap_or("?");
    let full = section.map_or_else(|| name.to_string(), |s| format!("{s}.{name}"));
    let hint = crate::distance::nearest(name, known.iter().map(|k| k.name))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    (
        Some(key.span.clone()),
        format!(
            "unknown key {}{hint}; expected one of {}",
            quote(&full),
            names.join(", ")
        ),
    )
}

fn rule_exists(id: &str) -> bool {
    crate::rule_data::meta(id).is_some()
}

fn unknown_rule(node: &Node, id: &str) -> Problem {
    let known: Vec<String> = crate::rule_data::all()
        .iter()
        .map(|m| format!("`{}`", m.id))
        .collect();
    let hint = crate::suppress::nearest_rule(id)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    (
        Some(node.span.clone()),
        format!(
            "unknown rule {}{hint}; known rules: {}",
            quote(id),
            known.join(", ")
        ),
    )
}

/// Validate a configuration text: the first problem (see [`parse_all`]).
pub fn parse(text: &str) -> Result<Config, Problem> {
    parse_all(text).map_err(|mut problems| problems.swap_remove(0))
}

/// Validate a configuration text; every problem found, in the file's order (at least
/// one on `Err`). Invalid YAML, or a root that is not a mapping, stops there.
pub fn parse_all(text: &str) -> Result<Config, Vec<Problem>> {
    let parsed = yaml::parse(text, text);
    if let Some(err) = parsed.errors.first() {
        return Err(vec![(
            Some(err.offset..err.offset),
            format!("invalid YAML: {}", err.message),
        )]);
    }
    let mut config = Config::default();
    let mut globs = GlobCount::default();
    let Some(doc) = parsed.documents.first() else {
        return Ok(config);
    };
    if parsed.documents.len() > 1 {
        return Err(vec![(
            Some(parsed.documents[1].root.span.clone()),
            "expected one YAML document".into(),
        )]);
    }
    let mut problems = Vec::new();
    for entry in mapping(&doc.root, "a mapping of settings").map_err(|p| vec![p])? {
        if let Err(p) = parse_entry(entry, &mut config, &mut globs, &mut problems) {
            problems.push(p);
        }
    }
    if let Err(p) = globs.check() {
        problems.push(p);
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        problems.sort_by_key(|(span, _)| span.as_ref().map_or(0, |s| s.start));
        Err(problems)
    }
}

/// One top-level key: its first problem in `Err`, or further ones (one per rule id, per
/// key of a section) pushed to `problems`.
fn parse_entry(
    entry: &yaml::Entry,
    config: &mut Config,
    globs: &mut GlobCount,
    problems: &mut Vec<Problem>,
) -> Result<(), Problem> {
    let Some(name) = entry.key.as_str() else {
        return Err((Some(entry.key.span.clone()), "keys must be strings".into()));
    };
    let value = &entry.value;
    match name {
        "include" => config.include = globs.list(value)?,
        "exclude" => config.exclude = globs.list(value)?,
        "rules" => {
            for e in mapping(value, "a mapping of rule id → level")? {
                match rule_level(e) {
                    Ok((id, level)) => {
                        config.rules.insert(id.to_string(), level);
                    }
                    Err(p) => problems.push(p),
                }
            }
        }
        "per-path-ignores" => {
            for e in mapping(value, "a mapping of glob → list of rule ids")? {
                let glob = e.key.as_str().unwrap_or_default().to_string();
                globs.add(&glob, &e.key)?;
                let ids = strings(&e.value, "rule ids")?;
                let before = problems.len();
                for (i, id) in ids.iter().enumerate() {
                    if !rule_exists(id) {
                        problems.push(unknown_rule(&e.value.items()[i], id));
                    }
                }
                if problems.len() == before {
                    config.per_path_ignores.push((glob, ids));
                }
            }
        }
        "repositories" => config.repositories = strings(value, "repository URLs")?,
        "finalizers" => {
            let keys = section("finalizers");
            for e in mapping(value, "a mapping")? {
                match e.key.as_str() {
                    Some("accepted") => match strings(&e.value, "finalizers") {
                        Ok(list) => config.accepted_finalizers = list,
                        Err(p) => problems.push(p),
                    },
                    _ => problems.push(unknown_key(&e.key, keys, Some("finalizers"))),
                }
            }
        }
        "fix" => {
            let keys = section("fix");
            for e in mapping(value, "a mapping")? {
                match e.key.as_str() {
                    Some("finalizer-position") => match finalizer_position(&e.value) {
                        Ok(position) => config.fix.finalizer_position = position,
                        Err(p) => problems.push(p),
                    },
                    _ => problems.push(unknown_key(&e.key, keys, Some("fix"))),
                }
            }
        }
        _ => return Err(unknown_key(&entry.key, KEYS, None)),
    }
    Ok(())
}

/// A `rules:` entry: the rule id and its level.
fn rule_level(e: &yaml::Entry) -> Result<(&str, RuleLevel), Problem> {
    let id = e.key.as_str().unwrap_or_default();
    if !rule_exists(id) {
        return Err(unknown_rule(&e.key, id));
    }
    let level = match e.value.as_str() {
        Some("off") | Some("false") => RuleLevel::Off,
        Some("info") => RuleLevel::Severity(Severity::Info),
        Some("warning") => RuleLevel::Severity(Severity::Warning),
        Some("error") | Some("true") => RuleLevel::Severity(Severity::Error),
        _ => {
            return Err((
                Some(e.value.span.clone()),
                format!(
                    "expected `off`, `info`, `warning` or `error` for rule `{id}`, found {}",
                    e.value
                        .as_str()
                        .map_or_else(|| type_name(&e.value).to_string(), quote)
                ),
            ))
        }
    };
    Ok((id, level))
}

/// The value of `fix.finalizer-position`.
fn finalizer_position(value: &Node) -> Result<FinalizerPosition, Problem> {
    value
        .as_str()
        .and_then(FinalizerPosition::parse)
        .ok_or_else(|| {
            (
                Some(value.span.clone()),
                format!(
                    "expected one of `end`, `after-name`, `after-namespace`, found {}",
                    value
                        .as_str()
                        .map_or_else(|| type_name(value).to_string(), quote)
                ),
            )
        })
}

fn schema_of(ty: &ValueType, doc: &str) -> serde_json::Value {
    use serde_json::json;
    let rule_ids: Vec<&str> = crate::rule_data::all()
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    match ty {
        ValueType::Globs | ValueType::Strings => json!({
            "description": doc, "type": "array", "items": {"type": "string"}
        }),
        ValueType::RuleLevels => json!({
            "description": doc,
            "type": "object",
            "propertyNames": {"enum": rule_ids},
            "additionalProperties": {"enum": ["off", "info", "warning", "error"]}
        }),
        ValueType::PathIgnores => json!({
            "description": doc,
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"enum": rule_ids}}
        }),
        ValueType::Enum(values) => json!({"description": doc, "enum": values}),
        ValueType::Section(keys) => {
            let props: serde_json::Map<String, serde_json::Value> = keys
                .iter()
                .map(|k| (k.name.to_string(), schema_of(&k.ty, k.doc)))
                .collect();
            json!({"description": doc, "type": "object", "properties": props, "additionalProperties": false})
        }
    }
}

/// The JSON Schema of the configuration file, generated from [`KEYS`].
pub fn json_schema() -> serde_json::Value {
    let mut schema = schema_of(
        &ValueType::Section(KEYS),
        "gitops-lint configuration (.gitops-lint.yaml)",
    );
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        obj.insert("title".into(), "gitops-lint configuration".into());
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let c = parse(
            "include: ['**/*.yaml']\nexclude: [charts/]\nrules:\n  unknown-finalizer: off\n  not-checked: warning\nper-path-ignores:\n  'legacy/**': [missing-finalizer]\nfinalizers:\n  accepted: [example.com/cascade]\nfix:\n  finalizer-position: after-name\n",
        )
        .unwrap();
        assert_eq!(c.include, ["**/*.yaml"]);
        assert_eq!(c.exclude, ["charts/"]);
        assert_eq!(c.rules["unknown-finalizer"], RuleLevel::Off);
        assert_eq!(
            c.rules["not-checked"],
            RuleLevel::Severity(Severity::Warning)
        );
        assert_eq!(
            c.per_path_ignores,
            [(
                "legacy/**".to_string(),
                vec!["missing-finalizer".to_string()]
            )]
        );
        assert_eq!(c.accepted_finalizers, ["example.com/cascade"]);
        assert_eq!(c.fix.finalizer_position, FinalizerPosition::AfterName);
    }

    #[test]
    fn repositories_are_a_list_of_urls() {
        let c = parse(
            "repositories:\n  - https://github.com/org/gitops\n  - git@gitlab.com:org/x.git\n",
        )
        .unwrap();
        assert_eq!(
            c.repositories,
            ["https://github.com/org/gitops", "git@gitlab.com:org/x.git"]
        );
        let text = "repositories: https://github.com/org/gitops\n";
        let (span, msg) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "https://github.com/org/gitops");
        assert!(msg.contains("expected a list of repository URLs"), "{msg}");
        let text = "repositories: [{url: x}]\n";
        let (_, msg) = parse(text).unwrap_err();
        assert!(msg.contains("repository URLs (a string)"), "{msg}");
        let text = "repositorys: []\n";
        let (span, msg) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "repositorys");
        assert!(msg.contains("`repositories`"), "{msg}");
        let schema = json_schema();
        assert!(schema.to_string().contains("\"repositories\""));
    }

    #[test]
    fn errors_point_at_the_key() {
        let text = "fix:\n  finalizer-positon: end\n";
        let (span, msg) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "finalizer-positon");
        assert!(msg.contains("unknown key `fix.finalizer-positon`"), "{msg}");
        let text = "rules:\n  missing-finaliser: off\n";
        let (span, msg) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "missing-finaliser");
        assert!(msg.contains("unknown rule"), "{msg}");
        let text = "exclude: charts/\n";
        let (span, msg) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "charts/");
        assert!(msg.contains("expected a list"), "{msg}");
        let text = "fix:\n  finalizer-position: first\n";
        let (span, _) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "first");
        let text = "colour: red\n";
        let (span, msg) = parse(text).unwrap_err();
        assert_eq!(&text[span.unwrap()], "colour");
        assert!(msg.contains("unknown key `colour`"));
    }

    /// `gitops-lint.schema.json` is generated from [`KEYS`]; regenerate with
    /// `UPDATE_SCHEMA=1 cargo test config_schema_is_in_sync`.
    #[test]
    fn config_schema_is_in_sync() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("gitops-lint.schema.json");
        let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(on_disk == generated, "gitops-lint.schema.json is out of date; run UPDATE_SCHEMA=1 cargo test config_schema_is_in_sync");
    }
}
