//! action.yml's `mode: plan` step, run with bash as the runner runs it (inputs through
//! `env:`), against a Git repository made here: annotations on stdout, the table in the job
//! summary, the job failing at `fail-on`; a base input that looks like an option refused.
#![cfg(unix)]

mod common;

use common::plan::{app, commit, has_git, registry_repo, CASCADE};
use std::fs;
use std::path::Path;
use std::process::Command;

fn plan_step() -> (String, serde_yaml::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let action: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let step = action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some("plan"))
        .expect("a step with id plan")
        .clone();
    (step["run"].as_str().unwrap().to_string(), step)
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    summary: String,
}

/// Run the step in `repo` with these inputs (`base`: the input; `pr_base`: the event's).
fn run_step(repo: &Path, base: &str, pr_base: &str, fail_on: &str) -> Outcome {
    let (script, step) = plan_step();
    let env = step["env"].as_mapping().unwrap();
    for key in [
        "ROOT",
        "INPUT_PATHS",
        "INPUT_BASE",
        "INPUT_FAIL_ON",
        "PR_BASE_SHA",
    ] {
        assert!(
            env.contains_key(key),
            "the plan step takes {key} through env:"
        );
    }
    assert_eq!(step["if"].as_str(), Some("inputs.mode == 'plan'"));
    let tools = tempfile::tempdir().unwrap();
    fs::create_dir(tools.path().join("bin")).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_gitops-lint"),
        tools.path().join("bin/gitops-lint"),
    )
    .unwrap();
    let summary = tools.path().join("summary.md");
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(repo)
        .env("ROOT", tools.path())
        .env("INPUT_PATHS", ".")
        .env("INPUT_BASE", base)
        .env("INPUT_FAIL_ON", fail_on)
        .env("PR_BASE_SHA", pr_base)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        summary: fs::read_to_string(&summary).unwrap_or_default(),
    }
}

fn head_sha(dir: &Path) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn the_plan_step_annotates_summarises_and_fails_at_fail_on() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    let base = head_sha(d);
    fs::remove_file(d.join("apps/a.yaml")).unwrap();
    let r = run_step(d, "", &base, "orphan");
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert!(
        r.stdout.starts_with("::error file=apps/a.yaml,line=4,"),
        "{}",
        r.stdout
    );
    assert!(
        r.summary.starts_with("### gitops-lint plan"),
        "{}",
        r.summary
    );
    assert!(r.summary.contains("| **delete** |"), "{}", r.summary);
    // The threshold decides the job; the summary is written either way.
    let r = run_step(d, "", &base, "never");
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    assert!(r.summary.contains("| **delete** |"), "{}", r.summary);
    // The base input wins over the event's.
    write_and_commit(d);
    let r = run_step(d, "HEAD", &base, "orphan");
    assert_eq!(r.code, Some(0), "{}", r.stdout);
}

fn write_and_commit(d: &Path) {
    common::write(d, "apps/z.yaml", &app("z", CASCADE, "components/z", ""));
    commit(d, "z");
}

#[test]
fn the_plan_step_refuses_a_missing_or_option_like_base() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    let r = run_step(d, "", "", "orphan");
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(
        r.stdout.contains("mode: plan needs a base commit"),
        "{}",
        r.stdout
    );
    let r = run_step(d, "--upload-pack=touch pwned", "", "orphan");
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(!d.join("pwned").exists());
    assert!(
        r.stdout.contains("the base input is not a revision"),
        "{}",
        r.stdout
    );
}
