//! Git repositories for the `plan` tests: Applications of this repository, commits made
//! with the `git` client.

use super::{parse_json, run, write, Run};
use serde_json::Value;
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

/// An empty Git repository (no remote, no commit).
pub fn init_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

/// A repository whose `registry` (pruning, cascading) syncs `apps/`: `a` cascades, `b`
/// does not, `c` cascades; committed as the base.
pub fn registry_repo() -> tempfile::TempDir {
    let dir = init_repo();
    let d = dir.path();
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

/// [`registry_repo`] with the registry in `root/`, synced by `bootstrap` (pruning, not
/// cascading); committed.
pub fn rooted_registry_repo() -> tempfile::TempDir {
    let dir = registry_repo();
    let d = dir.path();
    std::fs::create_dir_all(d.join("root")).unwrap();
    std::fs::rename(d.join("registry.yaml"), d.join("root/registry.yaml")).unwrap();
    write(d, "bootstrap.yaml", &app("bootstrap", "", "root", PRUNE));
    commit(d, "root");
    dir
}

pub fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
}

/// `plan --format json` with `args`, and its document.
pub fn plan(dir: &Path, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["plan", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    let doc = parse_json(&r);
    (r, doc)
}

/// The changes as (level, kind, name).
pub fn changes(doc: &Value) -> Vec<(String, String, String)> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (s(&c["level"]), s(&c["kind"]), s(&c["object"]["name"]))
        })
        .collect()
}

/// The message of the change of the object `name`.
pub fn message_of<'a>(doc: &'a Value, name: &str) -> &'a str {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["object"]["name"] == name)
        .and_then(|c| c["message"].as_str())
        .unwrap_or_else(|| panic!("no change for {name}: {doc}"))
}

pub fn triple(level: &str, kind: &str, name: &str) -> (String, String, String) {
    (level.into(), kind.into(), name.into())
}

/// An ApplicationSet `envs` whose list generator has the elements `elements` (each
/// generating `app-<element>`), with `policy` lines added to its spec.
pub fn list_appset(elements: &[&str], policy: &str) -> String {
    let items: String = elements
        .iter()
        .map(|e| format!("      - name: {e}\n"))
        .collect();
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: envs\n  namespace: argocd\nspec:\n{policy}  generators:\n  - list:\n      elements:\n{items}  template:\n    metadata:\n      name: 'app-{{{{name}}}}'\n    spec:\n      project: default\n      source:\n        repoURL: {URL}\n        path: 'envs/{{{{name}}}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{{{name}}}}'\n"
    )
}
