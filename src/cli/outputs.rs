//! What `lint` writes besides the report (and what `graph` shares with it: the message for
//! a run that found no file): `--statistics` (a count per rule, like
//! `ruff check --statistics`), `--show-fixes` (the fixes applied, per file) and
//! `--output-file` (the report written to a file atomically).

use crate::diagnostic::{Applicability, FileReport};
use crate::report::escape;
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::session::{Options, Run};

/// Per rule: (findings, with a fix `--fix` applies, with a fix only `--unsafe-fixes`
/// applies).
fn counts(reports: &[FileReport], unsafe_fixes: bool) -> Vec<(&'static str, usize, bool, bool)> {
    let mut by_rule: BTreeMap<&'static str, (usize, bool, bool)> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = by_rule.entry(d.rule).or_default();
        entry.0 += 1;
        match d.fix.as_ref().map(|f| f.applicability) {
            Some(Applicability::Safe) => entry.1 = true,
            Some(Applicability::Unsafe) if unsafe_fixes => entry.1 = true,
            Some(Applicability::Unsafe) => entry.2 = true,
            None => {}
        }
    }
    let mut list: Vec<_> = by_rule
        .into_iter()
        .map(|(rule, (n, safe, risky))| (rule, n, safe, risky))
        .collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list
}

/// The count of findings per rule, most frequent first: `COUNT\tRULE\t[*] SUMMARY`, where
/// `[*]` marks a rule with findings `--fix` fixes and `[-]` one whose findings only
/// `--unsafe-fixes` fixes; with `json`, a list of `{code, name, count, fixable}`.
pub(super) fn statistics(
    reports: &[FileReport],
    unsafe_fixes: bool,
    json: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let list = counts(reports, unsafe_fixes);
    let meta = |rule: &str| crate::rules::meta(rule);
    if json {
        let items: Vec<_> = list
            .iter()
            .map(|&(rule, count, fixable, _)| {
                serde_json::json!({
                    "code": rule,
                    "name": meta(rule).map(|m| m.name.as_str()),
                    "count": count,
                    "fixable": fixable,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items).map_err(io::Error::other)?;
        return writeln!(out);
    }
    let count_width = list
        .iter()
        .map(|e| e.1.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = list.iter().map(|e| e.0.len()).max().unwrap_or(0);
    for (rule, count, fixable, risky) in list {
        let marker = match (fixable, risky) {
            (true, _) => "[*]",
            (false, true) => "[-]",
            (false, false) => "   ",
        };
        let summary = meta(rule).map_or("", |m| m.summary.as_str());
        writeln!(
            out,
            "{count:>count_width$}\t{rule:<rule_width$}\t{marker} {}",
            escape::text(summary)
        )?;
    }
    Ok(())
}

/// The fixes applied (or that would be), per file: `Fixed N problems:` then, per file,
/// `- PATH:` and `    COUNT × RULE` lines (ruff's `--show-fixes`).
pub(super) fn show_fixes(applied: &[(String, Vec<&'static str>)], would: bool) -> String {
    let total: usize = applied.iter().map(|(_, rules)| rules.len()).sum();
    if total == 0 {
        return format!("No fixes {}.\n", if would { "to apply" } else { "applied" });
    }
    let verb = if would { "Would fix" } else { "Fixed" };
    let noun = if total == 1 { "problem" } else { "problems" };
    let mut out = format!("{verb} {total} {noun}:\n");
    for (path, rules) in applied {
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for rule in rules {
            *by_rule.entry(rule).or_default() += 1;
        }
        out.push_str(&format!("- {}:\n", escape::text(path)));
        for (rule, n) in by_rule {
            out.push_str(&format!("    {n} × {rule}\n"));
        }
    }
    out
}

/// Write what `write` gives to `path` atomically: into a temporary file beside it, made
/// durable, then renamed over it (a reader sees the old report or the new one, never a
/// part). The file keeps the permissions of the one it replaces (else `rw-r--r--`).
pub(super) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".gitops-lint-report")
        .tempfile_in(dir)?;
    {
        let mut out = BufWriter::new(tmp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => default_permissions(tmp.as_file())?,
    };
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions(_: &std::fs::File) -> io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &std::fs::File) -> io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

/// When no file was found under the directories given (none named explicitly, no
/// stdin), the message saying so.
pub(super) fn no_files_message(run: &Run, options: &Options) -> Option<String> {
    let summary = &run.summary;
    let none = summary.files_scanned + summary.files_skipped == 0;
    if !none || run.failed || options.stdin.is_some() {
        return None;
    }
    let dirs: Vec<String> = match options.paths.as_slice() {
        [] => vec![".".to_string()],
        paths if paths.iter().all(|p| p.is_dir()) => {
            paths.iter().map(|p| p.display().to_string()).collect()
        }
        _ => return None,
    };
    let message = format!("no YAML or JSON files found under {}", dirs.join(", "));
    Some(escape::message(&message))
}

/// Write a report to stdout (buffered); `false` when that failed, said on stderr unless the
/// reader went away (a closed pipe).
pub(super) fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> bool {
    let mut out = BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => true,
        Err(e) => {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!(
                    "{}",
                    escape::message(&format!("error: writing output: {e}"))
                );
            }
            false
        }
    }
}
