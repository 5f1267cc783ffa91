//! Parse and lint arbitrary bytes: must never panic, and every span must slice the text.
//! The fast YAML path, when it takes the text, gives exactly the general path's tree; the
//! two together (the fast path as far as it reads, the general one from there) read any
//! text as the general path alone does.
#![no_main]

use gitops_lint::lint::{lint_bytes, FileOptions, Outcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Outcome::Scanned(report) = lint_bytes("fuzz.yaml", data, FileOptions::default()) {
        if let Some(text) = report.source.as_deref() {
            for d in &report.diagnostics {
                assert!(text.get(d.span.clone()).is_some(), "span {:?} of {}", d.span, d.rule);
                for l in &d.labels {
                    assert!(text.get(l.span.clone()).is_some());
                }
            }
        }
    }
    // Also without the needle check: the parser and rules on any UTF-8 text.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = gitops_lint::lint::lint_text("fuzz.yaml", text, FileOptions::default());
        let general = gitops_lint::yaml::parse_general(text, text);
        let both = gitops_lint::yaml::parse(text, text);
        assert_eq!(both.documents, general.documents);
        assert_eq!(both.errors, general.errors);
        if let Some(documents) = gitops_lint::yaml::fast::parse(text, 0) {
            assert!(general.errors.is_empty(), "{:?}", general.errors);
            assert_eq!(documents, general.documents);
        }
    }
});
