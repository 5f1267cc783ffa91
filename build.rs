// Build script:
// - the long version (`gitops-lint --version`) names the commit and its date when built
//   from a Git checkout of this repository; anywhere else (a crates.io or sdist build, no
//   `git`) it is the package version alone. This part never fails the build.
// - the rules' data (`rules/<id>.yaml`) is converted to JSON once, here: read at run time
//   with serde_json, it costs a few hundred thousand instructions instead of four million
//   for the YAML (80% of a one-file run; docs/performance.md). The structures and their
//   checks stay in src/rule_data.rs. An invalid rule file fails the build.
// (Plain comments: tests/cli_ux.rs includes this file to test `commit`.)

use std::path::{Path, PathBuf};
use std::process::Command;

/// The trimmed stdout of `git ARGS` run in `dir`, when it succeeds and is not empty.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_string())
}

/// `(short commit, commit date)` when `dir` is the top of a Git work tree.
pub fn commit(dir: &Path) -> Option<(String, String)> {
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?);
    // Inside another repository (a vendored copy, a crates.io source in a checkout):
    // its commit is not this package's.
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(dir).ok()? {
        return None;
    }
    // Rebuilt when HEAD moves: HEAD itself, the branch it names, and packed refs.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(dir, &["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(dir, &["rev-parse", "--git-path", &name]) {
            let path = dir.join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    let hash = git(dir, &["rev-parse", "--short=9", "HEAD"])?;
    let date = git(dir, &["log", "-1", "--format=%cd", "--date=short", "HEAD"])?;
    Some((hash, date))
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let long = match dir.as_deref().and_then(commit) {
        Some((hash, date)) => format!("{version} ({hash} {date})"),
        None => version,
    };
    println!("cargo:rustc-env=GITOPS_LINT_LONG_VERSION={long}");
    if let (Some(dir), Some(out)) = (dir, std::env::var_os("OUT_DIR")) {
        if let Err(e) = rules_to_json(&dir.join("rules"), &PathBuf::from(out).join("rules")) {
            panic!("{e}");
        }
    }
}

/// Write `rules/<id>.yaml` as `<out>/<id>.json` (the same data: YAML's core schema).
pub fn rules_to_json(rules: &Path, out: &Path) -> Result<(), String> {
    println!("cargo:rerun-if-changed={}", rules.display());
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let entries = std::fs::read_dir(rules).map_err(|e| format!("{}: {e}", rules.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: {e}", rules.display()))?
            .path();
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str()?.strip_suffix(".yaml"))
        else {
            continue;
        };
        println!("cargo:rerun-if-changed={}", path.display());
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let data: serde_json::Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let json = out.join(format!("{id}.json"));
        std::fs::write(&json, data.to_string()).map_err(|e| format!("{}: {e}", json.display()))?;
    }
    Ok(())
}
