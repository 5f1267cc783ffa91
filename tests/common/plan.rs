//! Git repositories for the `plan` tests: Applications of this repository, commits made
//! with the `git` client.

use super::write;
use std::path::Path;
use std::process::Command;

pub const CASCADE: &str = "  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n";
pub const PRUNE: &str = "  syncPolicy:\n    automated:\n      prune: true\n";
pub const URL: &str = "https://git.example.com/org/gitops.git";

/// An Application `name` syncing `path` of this repository, with `metadata` and `spec`
/// lines added.
pub fn app(name: &str, metadata: &str, path: &str, spec: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n{metadata}spec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n  source:\n    repoURL: {URL}\n    path: {path}\n{spec}"
    )
}

pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn has_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A repository whose `registry` (pruning, cascading) syncs `apps/`: `a` cascades, `b`
/// does not, `c` cascades; committed as the base.
pub fn registry_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["remote", "add", "origin", URL]);
    write(d, "registry.yaml", &app("registry", CASCADE, "apps", PRUNE));
    write(d, "apps/a.yaml", &app("a", CASCADE, "components/a", ""));
    write(d, "apps/b.yaml", &app("b", "", "components/b", ""));
    write(d, "apps/c.yaml", &app("c", CASCADE, "components/c", ""));
    for c in ["a", "b", "c"] {
        write(
            d,
            &format!("components/{c}/deploy.yaml"),
            "kind: ConfigMap\n",
        );
    }
    commit(d, "base");
    dir
}

pub fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
}
