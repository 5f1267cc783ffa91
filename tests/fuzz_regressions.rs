//! Inputs the fuzzers found (tests/data/fuzz-regressions), and every fixture, through the
//! fuzz targets' checks: linting never panics and spans slice the text; fixing keeps the
//! round-trip property (`gitops_lint::fix::apply::roundtrip`).

use gitops_lint::lint::{lint_bytes, FileOptions, Outcome};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    files(&root.join("tests/data/fuzz-regressions"), &mut out);
    files(&root.join("fixtures"), &mut out);
    out.sort();
    out
}

#[test]
fn lint_target_on_regressions_and_fixtures() {
    let inputs = inputs();
    assert!(inputs.len() > 100, "{} inputs", inputs.len());
    for path in inputs {
        let bytes = std::fs::read(&path).unwrap();
        if let Outcome::Scanned(report) = lint_bytes("x.yaml", &bytes, FileOptions::default()) {
            let text = report.source.as_deref().unwrap_or("");
            for d in &report.diagnostics {
                assert!(
                    text.get(d.span.clone()).is_some(),
                    "{}: {:?}",
                    path.display(),
                    d.span
                );
            }
        }
    }
}

#[test]
fn fix_roundtrip_target_on_regressions_and_fixtures() {
    let mut checked = 0;
    for path in inputs() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let text = if text.contains("kind:") {
            text
        } else {
            format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\n{text}")
        };
        if let Err(e) = gitops_lint::fix::apply::roundtrip(&text) {
            panic!("{}: {e}", path.display());
        }
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}
