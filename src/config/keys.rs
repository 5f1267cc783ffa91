//! The accepted configuration keys, described once: the validator ([`super::parse`]) and
//! the JSON Schema ([`json_schema`]) both come from [`KEYS`].

use super::FinalizerPosition;

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
