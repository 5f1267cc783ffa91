//! Crash safety of `--fix`: kill the process (SIGKILL) at several points of a large fix run;
//! every file must then be either its old or its new version, never partial.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_gitops-lint");
const FILES: usize = 3000;

fn original(i: usize) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app-{i}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/apps.git\n    path: apps/app-{i}\n{}",
        "  # padding\n".repeat(i % 50)
    )
}

fn fixed(i: usize) -> String {
    original(i).replace(
        "  namespace: argocd\n",
        "  namespace: argocd\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n",
    )
}

fn write_tree(dir: &Path) {
    for i in 0..FILES {
        let sub = dir.join(format!("d{}", i % 30));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("app-{i}.yaml")), original(i)).unwrap();
    }
}

#[test]
fn killed_fix_leaves_every_file_old_or_new() {
    // The complete run gives `fixed(i)` for every file.
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    let started = std::time::Instant::now();
    let status = Command::new(BIN)
        .args(["lint", "--fix", "--quiet", "--format", "concise", "."])
        .current_dir(dir.path())
        .status()
        .unwrap();
    let full = started.elapsed();
    assert_eq!(status.code(), Some(0));
    for i in 0..FILES {
        let path = dir.path().join(format!("d{}/app-{i}.yaml", i % 30));
        assert_eq!(std::fs::read_to_string(path).unwrap(), fixed(i));
    }

    // Kill points spread over the length of a complete run on this machine (these mostly
    // land before the renames: files are staged, synced, then renamed together).
    for percent in [5u64, 15, 30, 45, 60, 75, 90] {
        kill(Kill::After(Duration::from_millis(
            (full.as_millis() as u64 * percent) / 100,
        )));
    }
    // Then kills among the renames: as soon as the first file in path order (where the
    // renames start) is new. Run times vary too much for a fixed delay to land there.
    let mut partly_fixed_runs = 0;
    for _ in 0..10 {
        let (old, new) = kill(Kill::AtFirstRename);
        if old > 0 && new > 0 {
            partly_fixed_runs += 1;
            break;
        }
    }
    // The kills did land in the middle of the renames (else the test proves nothing).
    assert!(
        partly_fixed_runs > 0,
        "no kill landed during the renames of the fix run"
    );
}

enum Kill {
    After(Duration),
    AtFirstRename,
}

/// Run `--fix` on a fresh tree, kill it (SIGKILL) at `when`, check that every file is old
/// or new, and count them.
fn kill(when: Kill) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    let mut child = Command::new(BIN)
        .args(["lint", "--fix", "--quiet", "--format", "concise", "."])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    match when {
        Kill::After(delay) => std::thread::sleep(delay),
        Kill::AtFirstRename => {
            let first = dir.path().join("d0/app-0.yaml");
            let start = std::time::Instant::now();
            while std::fs::read_to_string(&first).is_ok_and(|t| t == original(0))
                && start.elapsed() < Duration::from_secs(60)
            {
                std::hint::spin_loop();
            }
        }
    }
    let _ = child.kill(); // SIGKILL; it may have finished already
    let _ = child.wait();
    let (mut old, mut new, mut temp) = (0, 0, 0);
    for i in 0..FILES {
        let path = dir.path().join(format!("d{}/app-{i}.yaml", i % 30));
        let text = std::fs::read_to_string(&path).unwrap();
        if text == original(i) {
            old += 1;
        } else if text == fixed(i) {
            new += 1;
        } else {
            panic!("killed: {} is neither old nor new:\n{text}", path.display());
        }
    }
    for sub in std::fs::read_dir(dir.path()).unwrap() {
        for f in std::fs::read_dir(sub.unwrap().path()).unwrap() {
            let name = f.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(".gitops-lint-") && name.ends_with(".tmp") {
                temp += 1; // an unfinished temporary file: never a linted name
            } else {
                assert!(name.ends_with(".yaml"), "unexpected file {name}");
            }
        }
    }
    eprintln!("killed: {old} old, {new} new, {temp} temporary files left");
    (old, new)
}
