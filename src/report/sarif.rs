//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

use super::positions;
use crate::diagnostic::{Diagnostic, FileReport, Severity};
use serde_json::{json, Value};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/gitops-lint/gitops-lint";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encode what may not stand in a URI reference.
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'@'
            | b'+'
            | b'='
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b','
            | b';'
            | b':' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// FNV-1a, 64 bits: a stable hash for fingerprints (not for security).
fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

/// What identifies a finding across commits: rule, path, object and route — not line
/// numbers or document indices, which move when unrelated text is added above. Findings
/// without a route are told apart by the text they point at.
fn fingerprint_key(path: &str, text: Option<&str>, d: &Diagnostic) -> String {
    let object = d.object.as_ref();
    let pointed = if d.route.is_empty() {
        text.and_then(|t| t.get(d.span.clone())).unwrap_or("")
    } else {
        ""
    };
    fnv1a(&[
        d.rule,
        path,
        object.map_or("", |o| o.kind.as_str()),
        object.and_then(|o| o.name.as_deref()).unwrap_or(""),
        &d.route,
        if d.route.is_empty() { &d.message } else { "" },
        pointed,
    ])
}

fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", uri_encode(path))})
    } else {
        json!({"uri": uri_encode(path), "uriBaseId": "%SRCROOT%"})
    }
}

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let rules = crate::rules::all();
    let rule_objects: Vec<Value> = rules
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "name": m.name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
                    .map(|w| { let mut c = w.chars(); c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default() })
                    .collect::<String>(),
                "shortDescription": {"text": format!("{}.", m.summary.trim_end_matches('.'))},
                "fullDescription": {"text": m.rationale.trim().replace('\n', " ")},
                "help": {"text": crate::cli::explain_text(m), "markdown": crate::cli::explain_text(m)},
                "helpUri": m.url(),
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {"tags": ["argo-cd", "gitops"]},
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        // Identical keys in one file (two same-name objects, two equal comments) are
        // numbered in file order.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (d, (start, end)) in report.diagnostics.iter().zip(positions(report)) {
            let rule_index = rules.iter().position(|m| m.id == d.rule);
            let region = json!({
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
                "charOffset": report.source.as_deref().map_or(0, |t| t[..d.span.start.min(t.len())].chars().count()),
                "charLength": report.source.as_deref().map_or(0, |t| t.get(d.span.clone()).map_or(0, |s| s.chars().count())),
            });
            let fingerprint = {
                let key = fingerprint_key(&report.path, report.source.as_deref(), d);
                let n = seen.entry(key.clone()).or_insert(0);
                *n += 1;
                format!("{key}:{n}")
            };
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": {"text": format!("{}.", d.message.trim_end_matches('.'))},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&report.path), "region": region}}],
                "partialFingerprints": {"gitopsLint/v1": fingerprint},
            });
            if let Some(i) = rule_index {
                result["ruleIndex"] = json!(i);
            }
            if let (Some(fix), Some(text)) = (&d.fix, report.source.as_deref()) {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": {
                                "charOffset": text[..e.span.start].chars().count(),
                                "charLength": text[e.span.clone()].chars().count(),
                            },
                            "insertedContent": {"text": e.content},
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": {"text": format!("{}.", fix.title.trim_end_matches('.'))},
                    "artifactChanges": [{"artifactLocation": artifact(&report.path), "replacements": replacements}],
                }]);
            }
            results.push(result);
        }
    }
    let cwd = std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let root = format!("file://{}/", uri_encode(cwd.trim_end_matches('/')));
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gitops-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rule_objects,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}
