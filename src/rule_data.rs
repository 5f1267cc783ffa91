//! The built-in rules' data (`rules/<id>.yaml`, compiled into the binary): what the
//! configuration checks rule ids against, and what the rules' checks read.

use crate::diagnostic::Severity;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A rule's data, from `rules/<id>.yaml`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
    pub kinds: Vec<String>,
    /// Field path of the finalizer list, per kind.
    pub fields: BTreeMap<String, String>,
    /// Accepted values; what they mean is the rule's (see its file).
    pub accepted: Vec<String>,
    #[serde(default, rename = "looks-like")]
    pub looks_like: Vec<String>,
    #[serde(default)]
    pub fix: Option<FixMeta>,
    /// Words of comments that record a decision (see `rules::decision`).
    #[serde(default)]
    pub deliberate: Option<DeliberateMeta>,
    pub rationale: String,
    pub docs: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixMeta {
    pub applicability: crate::diagnostic::Applicability,
    pub title: String,
    #[serde(default)]
    pub value: Option<String>,
    /// The fix's title when it removes the item instead (`unknown-finalizer` where the list
    /// already cascades).
    #[serde(default, rename = "remove-title")]
    pub remove_title: Option<String>,
    /// Order in which the fix planner takes fixes of one object (lowest first; one change
    /// per object and pass): a corrected typo can make an added finalizer unnecessary.
    #[serde(default = "FixMeta::default_priority")]
    pub priority: u8,
    /// The rule's removals never empty a list (each keeps an item of its kind), so the
    /// planner takes those of one object together in a pass, not one per pass.
    #[serde(default, rename = "batch-removals")]
    pub batch_removals: bool,

    /// The applicability when a comment in the metadata block shows the finding is
    /// deliberate (`missing-finalizer`: a commented-out finalizer).
    #[serde(default)]
    pub deliberate: Option<crate::diagnostic::Applicability>,
}

/// What a comment says when it records that the cascade was left out on purpose
/// (`missing-finalizer`'s `deliberate`). Words are compared lower-cased, apostrophes
/// dropped (`don't` is `dont`); `fillers` are skipped first.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliberateMeta {
    /// Prefixes of the words that name the subject (`finaliz`, `cascad`).
    pub topics: Vec<String>,
    /// Words that negate a topic word `window` words before or after it ("no finalizer").
    pub negations: Vec<String>,
    pub window: usize,
    /// Prefixes of words that, in a comment naming a topic, say it was on purpose.
    pub markers: Vec<String>,
    /// Phrases that say it on their own (each word a prefix, one other word allowed
    /// between two of them).
    pub phrases: Vec<String>,
    /// Prefixes of words that make a comment a reminder, not a decision (`todo`).
    pub reminders: Vec<String>,
    /// Words skipped before looking at neighbours (`a`, `the`, `is`).
    pub fillers: Vec<String>,
}

impl FixMeta {
    pub const DEFAULT_PRIORITY: u8 = 2;

    fn default_priority() -> u8 {
        Self::DEFAULT_PRIORITY
    }
}

impl<'de> serde::Deserialize<'de> for crate::diagnostic::Applicability {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "safe" => Ok(Self::Safe),
            "unsafe" => Ok(Self::Unsafe),
            other => Err(serde::de::Error::custom(format!(
                "unknown applicability `{other}` (expected safe or unsafe)"
            ))),
        }
    }
}

impl RuleMeta {
    /// The rule's documentation as Markdown, from its data (`explain`, `docs/rules/`,
    /// SARIF rule help).
    pub fn explain(&self) -> String {
        let meta = self;
        let mut s = format!(
            "# {} ({})\n\n{}\n\nSeverity: {}. Kinds: {}.\n",
            meta.id,
            meta.name,
            meta.summary,
            meta.severity.as_str(),
            if meta.kinds.is_empty() {
                "any".to_string()
            } else {
                meta.kinds.join(", ")
            }
        );
        if let Some(fix) = &meta.fix {
            let app = match fix.applicability {
                crate::diagnostic::Applicability::Safe => "safe",
                crate::diagnostic::Applicability::Unsafe => "unsafe",
            };
            s.push_str(&format!("Fix: {app}.\n"));
        }
        s.push_str(&format!(
            "\n## Rationale\n{}\n{}",
            meta.rationale, meta.docs
        ));
        s
    }

    /// Where the rule's documentation is published.
    pub fn url(&self) -> String {
        format!("{DOCS_BASE}/{}.md", self.id)
    }

    /// Field path for a kind (e.g. `metadata.finalizers` for an Application).
    pub fn field(&self, kind: &str) -> &str {
        self.fields
            .get(kind)
            .map_or("metadata.finalizers", String::as_str)
    }
}

pub const DOCS_BASE: &str = "https://github.com/gitops-lint/gitops-lint/blob/main/docs/rules";

/// The rule sources compiled in, in display order: `rules/<id>.yaml` as JSON (build.rs).
const SOURCES: &[(&str, &str)] = &[
    (
        "missing-finalizer",
        include_str!(concat!(env!("OUT_DIR"), "/rules/missing-finalizer.json")),
    ),
    (
        "unknown-finalizer",
        include_str!(concat!(env!("OUT_DIR"), "/rules/unknown-finalizer.json")),
    ),
    (
        "controller-managed-finalizer",
        include_str!(concat!(
            env!("OUT_DIR"),
            "/rules/controller-managed-finalizer.json"
        )),
    ),
    (
        "duplicate-finalizer",
        include_str!(concat!(env!("OUT_DIR"), "/rules/duplicate-finalizer.json")),
    ),
    (
        "unpruned-children",
        include_str!(concat!(env!("OUT_DIR"), "/rules/unpruned-children.json")),
    ),
    (
        "cascade-deletes-argocd",
        include_str!(concat!(
            env!("OUT_DIR"),
            "/rules/cascade-deletes-argocd.json"
        )),
    ),
    (
        "multiple-parents",
        include_str!(concat!(env!("OUT_DIR"), "/rules/multiple-parents.json")),
    ),
    (
        "not-checked",
        include_str!(concat!(env!("OUT_DIR"), "/rules/not-checked.json")),
    ),
    (
        "syntax-error",
        include_str!(concat!(env!("OUT_DIR"), "/rules/syntax-error.json")),
    ),
    (
        "unused-suppression",
        include_str!(concat!(env!("OUT_DIR"), "/rules/unused-suppression.json")),
    ),
];

/// All built-in rules' data, parsed once on first use.
/// The rule id closest to `name` when it is close enough to be a typo of it.
pub fn nearest_rule(name: &str) -> Option<&'static str> {
    crate::distance::nearest(name, all().iter().map(|m| m.id.as_str()))
}

pub fn all() -> &'static [RuleMeta] {
    static RULES: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(id, src)| {
                let meta: RuleMeta = serde_json::from_str(src)
                    .unwrap_or_else(|e| panic!("rules/{id}.yaml is invalid: {e}"));
                assert_eq!(meta.id, *id, "rules/{id}.yaml declares another id");
                meta
            })
            .collect()
    })
}

/// The data of rule `id`.
pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    all().iter().find(|m| m.id == id)
}
