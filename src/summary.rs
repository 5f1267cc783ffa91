//! The totals of a run (files, findings by severity, fixes), and its summary line.

use crate::diagnostic::{FileReport, Severity};
use std::time::Duration;

/// Totals of a run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings with a fix (safe or unsafe).
    pub fixable: usize,
    /// Of those, the ones `--fix` applies, and the ones only `--fix --unsafe-fixes` does.
    pub fixable_safe: usize,
    pub fixable_unsafe: usize,
    /// `--unsafe-fixes` was given (the hint then counts every fix as applicable).
    pub unsafe_fixes: bool,
    pub elapsed: Duration,
}

impl Summary {
    pub fn diagnostics(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    pub fn count(&mut self, reports: &[FileReport]) {
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            if let Some(fix) = &d.fix {
                self.fixable += 1;
                match fix.applicability {
                    crate::diagnostic::Applicability::Safe => self.fixable_safe += 1,
                    crate::diagnostic::Applicability::Unsafe => self.fixable_unsafe += 1,
                }
            }
        }
    }

    /// What the remaining fixes need, for a line after the summary (None without fixes):
    /// `2 fixable with `--fix` (1 more with `--fix --unsafe-fixes`).`
    pub fn fix_hint(&self) -> Option<String> {
        let (safe, risky) = (self.fixable_safe, self.fixable_unsafe);
        let with_unsafe = "`--fix --unsafe-fixes`";
        match (safe, risky) {
            (0, 0) => None,
            _ if self.unsafe_fixes => Some(format!("{} fixable with {with_unsafe}.", safe + risky)),
            (0, n) => Some(format!(
                "{n} fixable with {with_unsafe} (unsafe: review the change)."
            )),
            (n, 0) => Some(format!("{n} fixable with `--fix`.")),
            (n, m) => Some(format!(
                "{n} fixable with `--fix` ({m} more with {with_unsafe})."
            )),
        }
    }

    /// The human summary line (stderr for `full`/`concise`).
    pub fn line(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let problems = if self.diagnostics() == 0 {
            "no problems".to_string()
        } else {
            let mut parts = vec![
                plural(self.errors, "error"),
                plural(self.warnings, "warning"),
            ];
            if self.infos > 0 {
                parts.push(format!("{} info", self.infos));
            }
            parts.join(", ")
        };
        format!(
            "Found {problems} in {} ({} skipped: no `argoproj.io`) in {:.0?}.",
            plural(self.files_scanned, "file"),
            self.files_skipped,
            self.elapsed
        )
    }
}
