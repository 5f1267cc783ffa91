//! Helpers shared by the integration tests that run the `gitops-lint` binary: running it,
//! temporary trees, and small Argo CD manifests. Each test crate uses only some of them.
#![allow(dead_code)]

pub mod plan;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_gitops-lint");

/// An Application without a cascade finalizer: `missing-finalizer` on the `metadata` key
/// (line 3, columns 1..9).
pub fn bad(name: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  \
         namespace: argocd\nspec:\n  project: default\n"
    )
}

/// An Application with the cascade finalizer: no finding.
pub fn good(name: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  \
         finalizers:\n    - resources-finalizer.argocd.argoproj.io\nspec:\n  project: default\n"
    )
}

/// An Application whose only finding is a `controller-managed-finalizer` warning (line 6):
/// a controller-managed finalizer beside the cascade one.
pub const WARNING_ONLY: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  \
     name: warn\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n    \
     - post-delete-finalizer.argocd.argoproj.io\nspec:\n  project: default\n";

/// Write `content` to `dir/rel`, creating parent directories.
pub fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// The text of `dir/rel` (which must be UTF-8).
pub fn read(dir: &Path, rel: &str) -> String {
    String::from_utf8(std::fs::read(dir.join(rel)).unwrap()).unwrap()
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A fresh directory that is its own repository root, so that no `.gitops-lint.yaml`
/// above it is picked up.
pub fn repo_tempdir() -> tempfile::TempDir {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The binary with `args`, run in `dir`, with `NO_COLOR` and `FORCE_COLOR` unset.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR");
    cmd
}

fn finish(out: std::process::Output) -> Run {
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    finish(command(dir, args).output().unwrap())
}

pub fn run_env(dir: &Path, args: &[&str], key: &str, value: &str) -> Run {
    finish(command(dir, args).env(key, value).output().unwrap())
}

/// Run with `input` on standard input.
pub fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    finish(child.wait_with_output().unwrap())
}

/// Parse stdout as exactly one JSON document (trailing non-whitespace is an error).
pub fn parse_json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            r.stdout, r.stderr
        )
    })
}

/// A copy of the fixture repository `tests/data/<name>` in a fresh temporary directory,
/// with its `dot-git` directory renamed `.git` (a `.git` directory cannot be committed
/// inside this repository).
pub fn materialize(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let dir = tempdir();
    copy_dir(&src, dir.path());
    let dot_git = dir.path().join("dot-git");
    if dot_git.is_dir() {
        std::fs::rename(dot_git, dir.path().join(".git")).unwrap();
    }
    dir
}

fn copy_dir(src: &Path, dst: &Path) {
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let target = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
