//! One file read from standard input: linted (with no app graph: its place in the
//! repository is unknown), fixed or diffed like a walked file.

use super::fixes::{fix_report, FileResult};
use super::{Mode, Options, Run, Stdin};
use crate::lint::{self, FileOptions, GraphMode, Outcome};
use crate::settings::Settings;

/// Lint `input` into `run`. `--fix` of stdin gives the fixed text for stdout (the
/// diagnostics that remain go to stderr), as formatters and ruff do; `--diff` the diff.
pub fn lint_stdin(run: &mut Run, input: &Stdin, options: &Options, settings: &Settings) {
    let helm = crate::helm_stage::stdin_role(&input.name);
    let file_options = FileOptions {
        kustomize_patch: false,
        settings,
        helm_values: helm.as_ref(),
        graph: GraphMode::Resolved(None),
    };
    let mode = options.mode;
    let mut result = match lint::lint_bytes(&input.name, &input.bytes, file_options) {
        Outcome::Scanned(report) if mode != Mode::Check => {
            fix_report(None, report, file_options, mode, options.unsafe_fixes)
        }
        outcome => FileResult::new(input.name.clone(), outcome),
    };
    if mode == Mode::Fix {
        run.stdin_output = Some(
            result
                .fixed_text
                .take()
                .map_or_else(|| input.bytes.clone(), String::into_bytes),
        );
    }
    run.record(result, false);
}
