//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

use super::{positions, CharCounts};
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

/// Percent-encode (RFC 3986) all but the unreserved characters, the sub-delimiters, `@`
/// and `/`: a space, `%`, `#`, `?`, `:`, `[`, `]`, controls, non-ASCII (as its UTF-8
/// bytes) and bytes that are not UTF-8 (`%FF`, so the name is kept exactly).
fn uri_encode(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path {
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
            | b';' => out.push(b as char),
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

/// The artifact location of a report: a `file://` URI for an absolute path, else a
/// relative reference against `%SRCROOT%`. A first segment holding a `:` (which would read
/// as a scheme if decoded) is written after `./`.
fn artifact(report: &FileReport) -> Value {
    let path = report
        .path_bytes
        .as_deref()
        .unwrap_or(report.path.as_bytes());
    artifact_of(path)
}

/// The `artifactLocation` of a path (of a report, or of a related location).
fn artifact_of(path: &[u8]) -> Value {
    if path.starts_with(b"/") {
        json!({"uri": format!("file://{}", uri_encode(path))})
    } else {
        let first = path.split(|&b| b == b'/').next().unwrap_or_default();
        let dot = if first.contains(&b':') { "./" } else { "" };
        json!({"uri": format!("{dot}{}", uri_encode(path)), "uriBaseId": "%SRCROOT%"})
    }
}

/// The rules' descriptors (`tool.driver.rules`).
fn rule_objects() -> Vec<Value> {
    crate::rules::all()
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "name": m.name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
                    .map(|w| { let mut c = w.chars(); c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default() })
                    .collect::<String>(),
                "shortDescription": {"text": format!("{}.", m.summary.trim_end_matches('.'))},
                "fullDescription": {"text": m.rationale.trim().replace('\n', " ")},
                "help": {"text": m.explain(), "markdown": m.explain()},
                "helpUri": m.url(),
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {"tags": ["argo-cd", "gitops"]},
            })
        })
        .collect()
}

/// The SARIF results of one report, made one at a time as they are written (a file with
/// 100k findings never holds 100k JSON trees).
fn report_results(report: &FileReport) -> impl Iterator<Item = Value> + '_ {
    let rules = crate::rules::all();
    let text = report.source.as_deref().unwrap_or("");
    let offsets = report.diagnostics.iter().flat_map(|d| {
        let edits = d.fix.iter().flat_map(|f| &f.edits);
        [d.span.start, d.span.end]
            .into_iter()
            .chain(edits.flat_map(|e| [e.span.start, e.span.end]))
    });
    let chars = CharCounts::new(text, offsets);
    let count = move |span: &std::ops::Range<usize>| {
        let start = chars.at(text, span.start);
        let len = match text.get(span.clone()) {
            Some(_) => chars.at(text, span.end) - start,
            None => 0,
        };
        (start, len)
    };
    // Identical keys in one file (two same-name objects, two equal comments) are
    // numbered in file order.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let artifact = artifact(report);
    report
        .diagnostics
        .iter()
        .zip(positions(report))
        .map(move |(d, (start, end))| {
            let region = json!({
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
                "charOffset": count(&d.span).0,
                "charLength": count(&d.span).1,
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
                "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
                "partialFingerprints": {"gitopsLint/v1": fingerprint},
            });
            if let Some(i) = rules.iter().position(|m| m.id == d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = related_locations(&d.related);
            }
            if let (Some(fix), Some(_)) = (&d.fix, report.source.as_deref()) {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": {
                                "charOffset": count(&e.span).0,
                                "charLength": count(&e.span).1,
                            },
                            "insertedContent": {"text": e.content},
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": {"text": format!("{}.", fix.title.trim_end_matches('.'))},
                    "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
                }]);
            }
            result
        })
}

/// A result's `relatedLocations`: each with its `id`, file, line and column, and message.
fn related_locations(related: &[crate::diagnostic::Related]) -> Value {
    let list: Vec<Value> = related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "id": i,
                "physicalLocation": {
                    "artifactLocation": artifact_of(r.path.as_bytes()),
                    "region": {"startLine": r.line.max(1), "startColumn": r.column.max(1)},
                },
                "message": {"text": format!("{}.", r.message.trim_end_matches('.'))},
            })
        })
        .collect();
    Value::Array(list)
}

/// The results of all reports, serialized as a sequence made item by item.
struct Results<'a>(&'a [FileReport]);

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().flat_map(report_results))
    }
}

/// The one run: `columnKind`, `originalUriBaseIds`, `results`, `tool` (in the key order
/// of the rest of the document).
struct Run<'a> {
    reports: &'a [FileReport],
    root: String,
}

impl serde::Serialize for Run<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("columnKind", "unicodeCodePoints")?;
        m.serialize_entry(
            "originalUriBaseIds",
            &json!({"%SRCROOT%": {"uri": self.root}}),
        )?;
        m.serialize_entry("results", &Results(self.reports))?;
        m.serialize_entry(
            "tool",
            &json!({"driver": {
                "informationUri": INFORMATION_URI,
                "name": "gitops-lint",
                "rules": rule_objects(),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "version": env!("CARGO_PKG_VERSION"),
            }}),
        )?;
        m.end()
    }
}

/// The whole log: `$schema`, `runs`, `version`.
struct Log<'a>(Run<'a>);

impl serde::Serialize for Log<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("$schema", SCHEMA)?;
        m.serialize_entry("runs", &[&self.0])?;
        m.serialize_entry("version", "2.1.0")?;
        m.end()
    }
}

/// Write the SARIF log of `reports`, streaming the results.
pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = cwd.as_os_str().as_encoded_bytes();
    let cwd = cwd.strip_suffix(b"/").unwrap_or(cwd);
    let root = format!("file://{}/", uri_encode(cwd));
    let log = Log(Run { reports, root });
    super::escape::write_json(out, &log, true)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(path: &str, bytes: Option<&[u8]>) -> String {
        let report = FileReport {
            path: path.into(),
            path_bytes: bytes.map(<[u8]>::to_vec),
            source: None,
            diagnostics: Vec::new(),
        };
        artifact(&report)["uri"].as_str().unwrap().to_string()
    }

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(
            uri("https:evil.example.yaml", None),
            "./https%3Aevil.example.yaml"
        );
        assert_eq!(
            uri("a b/c:d#e?f%g.yaml", None),
            "a%20b/c%3Ad%23e%3Ff%25g.yaml"
        );
        assert_eq!(uri("é[1].yaml", None), "%C3%A9%5B1%5D.yaml");
        assert_eq!(uri("\u{fffd}.yaml", Some(b"\xff.yaml")), "%FF.yaml");
        assert_eq!(uri("/abs/x y", None), "file:///abs/x%20y");
    }
}
