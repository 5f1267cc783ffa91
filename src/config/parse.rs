//! Validating a configuration's text: every problem found at once, each at its key.

use super::keys::{Key, ValueType, KEYS};
use super::{quote, Config, FinalizerPosition, RuleLevel, MAX_GLOBS, MAX_PATTERN_LEN};
use crate::diagnostic::Severity;
use crate::source::Span;
use crate::yaml::{self, Node, NodeKind};

pub(super) type Problem = (Option<Span>, String);

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
            NodeKind::Scalar { value, .. } if !i.is_null() => Ok(value.to_string()),
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
    let hint = crate::rule_data::nearest_rule(id)
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
