//! Autofix: text edits computed from spans ([`edits`]), applied to a copy, re-parsed and
//! re-linted before anything is written ([`apply`]); fixes the safety net would refuse are
//! never offered ([`validate`]); atomic writes ([`write`]).

pub mod apply;
pub mod check;
pub mod edits;
pub mod validate;
pub mod write;

/// A unified diff of `old` → `new` for `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
