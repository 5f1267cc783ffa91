//! Rule selection from the command line, with ruff's semantics: `--select` replaces the
//! set of enabled rules, `--extend-select` adds to it, `--ignore` removes from it (and
//! wins over both). `ALL` stands for every rule. `syntax-error` stays enabled under
//! `--select` (as ruff always reports syntax errors) unless it is ignored.

use crate::config::RuleLevel;
use std::collections::BTreeMap;

/// The rule that `--select` keeps unless it is ignored.
const ALWAYS: &str = "syntax-error";

/// The rules chosen on the command line (empty: the configuration's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// `--select`: only these rules.
    pub select: Option<Vec<String>>,
    /// `--extend-select`: these too, also when the configuration turns them off.
    pub extend_select: Vec<String>,
    /// `--ignore`: not these.
    pub ignore: Vec<String>,
}

/// Whether `id` names `rule` (`ALL` names every rule).
fn names(list: &[String], rule: &str) -> bool {
    list.iter().any(|id| id == rule || id == "ALL")
}

impl RuleSelection {
    /// A message for each unknown rule id, with the flag it was given to and the nearest
    /// rule id when one is close.
    pub fn unknown(&self) -> Vec<String> {
        let lists = [
            ("--select", self.select.as_deref().unwrap_or(&[])),
            ("--extend-select", &self.extend_select[..]),
            ("--ignore", &self.ignore[..]),
        ];
        let mut out = Vec::new();
        for (flag, list) in lists {
            for id in list {
                if id == "ALL" || crate::rule_data::meta(id).is_some() {
                    continue;
                }
                let hint = crate::rule_data::nearest_rule(id)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                out.push(format!(
                    "error: {flag}: unknown rule `{id}`{hint}; `gitops-lint rules` lists them"
                ));
            }
        }
        out
    }

    /// Apply the selection to the configuration's rule levels.
    pub fn apply(&self, levels: &mut BTreeMap<String, RuleLevel>) {
        for meta in crate::rule_data::all() {
            let id = meta.id.as_str();
            let selected = match &self.select {
                Some(list) => names(list, id) || id == ALWAYS,
                None => levels.get(id) != Some(&RuleLevel::Off),
            };
            let enabled = (selected || names(&self.extend_select, id)) && !names(&self.ignore, id);
            match (enabled, levels.get(id)) {
                (false, _) => {
                    levels.insert(id.to_string(), RuleLevel::Off);
                }
                (true, Some(RuleLevel::Off)) => {
                    levels.remove(id);
                }
                (true, _) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn enabled(levels: &BTreeMap<String, RuleLevel>) -> Vec<String> {
        crate::rule_data::all()
            .iter()
            .map(|m| m.id.to_string())
            .filter(|id| levels.get(id) != Some(&RuleLevel::Off))
            .collect()
    }

    #[test]
    fn select_replaces_extend_adds_ignore_removes() {
        let mut levels = BTreeMap::new();
        levels.insert("duplicate-finalizer".to_string(), RuleLevel::Off);
        let selection = RuleSelection {
            select: Some(list(&["missing-finalizer", "unknown-finalizer"])),
            extend_select: list(&["duplicate-finalizer"]),
            ignore: list(&["unknown-finalizer"]),
        };
        selection.apply(&mut levels);
        assert_eq!(
            enabled(&levels),
            ["missing-finalizer", "duplicate-finalizer", "syntax-error"]
        );
        let mut levels = BTreeMap::new();
        RuleSelection {
            ignore: list(&["ALL"]),
            ..RuleSelection::default()
        }
        .apply(&mut levels);
        assert!(enabled(&levels).is_empty());
    }

    #[test]
    fn unknown_ids_are_reported_with_a_suggestion() {
        let selection = RuleSelection {
            select: Some(list(&["missing-finaliser", "ALL"])),
            ignore: list(&["zzz"]),
            ..RuleSelection::default()
        };
        let messages = selection.unknown();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("did you mean `missing-finalizer`"));
        assert!(messages[1].starts_with("error: --ignore: unknown rule `zzz`"));
    }
}
