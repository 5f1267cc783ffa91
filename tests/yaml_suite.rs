//! The yaml-test-suite (vendored in tests/data/yaml-test-suite): every case goes through
//! the parser and the whole linter without a panic; valid cases parse without a syntax
//! error and error cases give one — except the cases listed in `known-disagreements.txt`,
//! which must match exactly (a new disagreement fails, and so does a fixed one until the
//! list is updated: `UPDATE_YAML_SUITE=1 cargo test --test yaml_suite`).

use gitops_lint::lint::{lint_text, FileOptions};
use gitops_lint::yaml;
use std::path::Path;

#[derive(serde::Deserialize)]
struct Case {
    id: String,
    name: String,
    fail: bool,
    yaml: String,
}

fn data(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/yaml-test-suite")
        .join(file)
}

#[test]
fn yaml_test_suite() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(data("cases.json")).unwrap()).unwrap();
    assert!(cases.len() > 400, "{} cases", cases.len());
    let mut panics = Vec::new();
    let mut disagreements = Vec::new();
    let (mut valid, mut valid_ok, mut invalid, mut invalid_ok) = (0, 0, 0, 0);
    for case in &cases {
        let outcome = std::panic::catch_unwind(|| {
            let parsed = yaml::parse(&case.yaml, &case.yaml);
            // The linter too, as an Argo CD file would be (documents become objects only
            // if they look like Argo CD ones; the rest must not panic either).
            let _ = lint_text("case.yaml", &case.yaml, FileOptions::default());
            // Every node span slices the text on character boundaries.
            for doc in &parsed.documents {
                let mut stack = vec![&doc.root];
                while let Some(n) = stack.pop() {
                    assert!(case.yaml.get(n.span.clone()).is_some(), "span {:?}", n.span);
                    for e in n.entries() {
                        stack.push(&e.key);
                        stack.push(&e.value);
                    }
                    stack.extend(n.items());
                }
            }
            !parsed.errors.is_empty()
        });
        let Ok(has_error) = outcome else {
            panics.push(format!("{} ({})", case.id, case.name));
            continue;
        };
        if case.fail {
            invalid += 1;
            invalid_ok += usize::from(has_error);
        } else {
            valid += 1;
            valid_ok += usize::from(!has_error);
        }
        if has_error != case.fail {
            let what = if case.fail {
                "accepted invalid YAML"
            } else {
                "rejected valid YAML"
            };
            disagreements.push(format!("{} {what}: {}", case.id, case.name));
        }
    }
    println!(
        "yaml-test-suite: {} cases; valid parsed without error {valid_ok}/{valid}; errors detected {invalid_ok}/{invalid}; pass rate {:.1}%",
        cases.len(),
        100.0 * (valid_ok + invalid_ok) as f64 / (valid + invalid) as f64
    );
    assert!(panics.is_empty(), "panics on: {panics:?}");
    let listed = disagreements.join("\n") + "\n";
    if std::env::var_os("UPDATE_YAML_SUITE").is_some() {
        std::fs::write(data("known-disagreements.txt"), &listed).unwrap();
    }
    let known = std::fs::read_to_string(data("known-disagreements.txt")).unwrap_or_default();
    assert_eq!(listed, known, "disagreements with the suite changed");
}

/// A multi-line flow collection may close at its key's column (or left of it): what
/// Kubernetes' YAML reader (go-yaml) accepts; the vendored parser's one change.
#[test]
fn flow_collections_may_close_at_their_keys_column() {
    for text in [
        "spec:\n  r: [\n    \"a\"\n  ]\n",
        "spec:\n  - r: [\n      \"a\",\n      \"b\"\n    ]\n    v: [ x ]\n",
        "spec: [\n  a\n]\n",
        "spec:\n  r: [\n    a\n]\nnext: 1\n",
        "spec:\n  m: {\n    a: 1\n  }\n",
        "spec:\r\n  r: [\r\n    \"é\"\r\n  ]\r\n",
    ] {
        let parsed = yaml::parse(text, text);
        assert!(parsed.errors.is_empty(), "{text:?}: {:?}", parsed.errors);
        let spec = parsed.documents[0].root.get("spec").unwrap();
        let flow = spec
            .get("r")
            .or_else(|| spec.items().first().and_then(|i| i.get("r")))
            .or_else(|| spec.get("m"))
            .unwrap_or(spec);
        let written = &text[flow.span.clone()];
        assert!(
            (written.starts_with('[') && written.ends_with(']'))
                || (written.starts_with('{') && written.ends_with('}')),
            "{text:?}: span {written:?}"
        );
    }
    // Block indentation still applies outside flow collections.
    let bad = "spec:\n  a: 1\n worse: 2\n";
    assert!(!yaml::parse(bad, bad).errors.is_empty());
}
