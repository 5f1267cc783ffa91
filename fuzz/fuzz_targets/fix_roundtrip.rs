//! Fix round trip (see `gitops_lint::fix::apply::roundtrip`): for inputs that parse,
//! fixing gives text that parses to the same data plus the cascade finalizer, and a second
//! fix is a no-op.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Make most inputs Argo CD documents, so that the fixer has work to do.
    let text = if text.contains("kind:") {
        text.to_string()
    } else {
        format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\n{text}")
    };
    if let Err(e) = gitops_lint::fix::apply::roundtrip(&text) {
        panic!("{e}");
    }
});
