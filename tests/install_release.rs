//! scripts/install-release.sh (what action.yml runs to install a released binary), run with
//! bash against a local release directory: a good archive installs; a tampered archive, a
//! missing checksum and a checksum file without a digest are rejected.
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = "9.8.7";
const TARGET: &str = "x86_64-unknown-linux-musl";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-release.sh")
}

fn sha256_hex(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum runs");
    assert!(out.status.success(), "sha256sum failed");
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// A release directory with `gitops-lint-TARGET-vVERSION.tgz` holding a dummy binary (a shell
/// script printing `marker`) and its `.sha256`. Returns the archive's path.
fn make_release(dir: &Path, marker: &str) -> PathBuf {
    let name = format!("gitops-lint-{TARGET}-v{VERSION}");
    let stage = dir.join("stage").join(&name);
    fs::create_dir_all(&stage).unwrap();
    let bin = stage.join("gitops-lint");
    fs::write(&bin, format!("#!/bin/sh\necho {marker}\n")).unwrap();
    let chmod = Command::new("chmod").arg("755").arg(&bin).status().unwrap();
    assert!(chmod.success());
    let release = dir.join("release");
    fs::create_dir_all(&release).unwrap();
    let archive = release.join(format!("{name}.tgz"));
    let tar = Command::new("tar")
        .arg("-C")
        .arg(dir.join("stage"))
        .arg("-czf")
        .arg(&archive)
        .arg(&name)
        .status()
        .unwrap();
    assert!(tar.success(), "tar failed");
    let sum = format!("{}  {name}.tgz\n", sha256_hex(&archive));
    fs::write(release.join(format!("{name}.tgz.sha256")), sum).unwrap();
    archive
}

fn run_install(base: &Path, root: &Path) -> Output {
    Command::new("bash")
        .arg(script())
        .env("GITOPS_LINT_VERSION", VERSION)
        .env("GITOPS_LINT_ROOT", root)
        .env("GITOPS_LINT_BASE_URL", base)
        .env("GITOPS_LINT_TARGET", TARGET)
        .env("GITOPS_LINT_VERIFY_ATTESTATION", "false")
        .output()
        .expect("bash runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn installs_a_verified_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = make_release(dir.path(), "dummy-gitops-lint-ok");
    let root = dir.path().join("root");
    let out = run_install(archive.parent().unwrap(), &root);
    assert!(out.status.success(), "install failed: {}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sha256 verified"), "{stdout}");
    // The script ran the installed binary once (`--version`): its output is the dummy's.
    assert!(stdout.contains("dummy-gitops-lint-ok"), "{stdout}");
    let installed = fs::read_to_string(root.join("bin/gitops-lint")).unwrap();
    assert!(installed.contains("dummy-gitops-lint-ok"));
}

#[test]
fn rejects_a_tampered_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = make_release(dir.path(), "genuine");
    let sum_file = PathBuf::from(format!("{}.sha256", archive.display()));
    let published = fs::read_to_string(&sum_file).unwrap();
    // Replace the archive by another one (same name, other content), keep the old checksum.
    make_release(dir.path(), "evil");
    fs::write(&sum_file, published).unwrap();
    let root = dir.path().join("root");
    let out = run_install(archive.parent().unwrap(), &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("checksum mismatch"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("archive rejected"),
        "{}",
        stderr(&out)
    );
    assert!(
        !root.join("bin/gitops-lint").exists(),
        "tampered binary installed"
    );
}

#[test]
fn rejects_an_archive_without_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let archive = make_release(dir.path(), "unverified");
    fs::remove_file(format!("{}.sha256", archive.display())).unwrap();
    let root = dir.path().join("root");
    let out = run_install(archive.parent().unwrap(), &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no checksum at"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unverified archive"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("bin/gitops-lint").exists());
}

#[test]
fn rejects_a_checksum_file_without_a_digest() {
    let dir = tempfile::tempdir().unwrap();
    let archive = make_release(dir.path(), "garbled");
    fs::write(
        format!("{}.sha256", archive.display()),
        "not-a-digest  x.tgz\n",
    )
    .unwrap();
    let root = dir.path().join("root");
    let out = run_install(archive.parent().unwrap(), &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds no SHA-256"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("bin/gitops-lint").exists());
}

#[test]
fn maps_runner_platforms_to_release_targets() {
    let cases = [
        ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macOS", "X64", "x86_64-apple-darwin"),
        ("macOS", "ARM64", "aarch64-apple-darwin"),
        ("Windows", "X64", "x86_64-pc-windows-msvc"),
    ];
    for (os, arch, want) in cases {
        let out = Command::new("bash")
            .arg(script())
            .arg("--print-target")
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .output()
            .unwrap();
        assert!(out.status.success(), "{os}/{arch}: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            want,
            "{os}/{arch}"
        );
    }
    let out = Command::new("bash")
        .arg(script())
        .arg("--print-target")
        .env("RUNNER_OS", "Windows")
        .env("RUNNER_ARCH", "ARM64")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no release archive for Windows"));
}
