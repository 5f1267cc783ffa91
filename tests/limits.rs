//! Configuration is data, bounded; only regular files are read, up to a size cap;
//! `--threads` is capped. Every run here has a deadline: a run that blocks (on a FIFO) or
//! never ends (reading `/dev/zero`) is killed and fails the test.
#![cfg(unix)]

mod common;

use common::{bad, command, repo_tempdir, write};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How long a run may take before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run the binary in `dir` with `args` (and `input` on stdin), killing it at the deadline.
fn run_until(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Run {
    run_command(command(dir, args), args, input)
}

fn run_command(mut cmd: std::process::Command, args: &[&str], input: Option<&[u8]>) -> Run {
    let mut child = cmd
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    if let Some(input) = input {
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gitops-lint {args:?} did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_until(dir, args, None)
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// A "secret" on one long line, as `/proc/self/environ` holds the environment.
fn secret_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("environ");
    let mut text = String::from("HOME=/root\0SECRET_TOKEN=abc\0");
    text.push_str(&"PADDING=xxxxxxxx\0".repeat(10_000));
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_no_secret(r: &Run) {
    for out in [&r.stdout, &r.stderr] {
        assert!(
            !out.contains("SECRET_TOKEN"),
            "the secret was printed: {r:?}"
        );
        assert!(!out.contains("PADDING"), "the file was printed: {r:?}");
    }
}

#[test]
fn a_discovered_configuration_that_links_out_of_the_repository_is_not_read() {
    let outside = common::tempdir();
    let secret = secret_file(outside.path());
    for name in [".gitops-lint.yaml", "gitops-lint.yaml"] {
        let repo = repo_tempdir();
        write(repo.path(), "apps/a.yaml", &bad("a"));
        std::os::unix::fs::symlink(&secret, repo.path().join(name)).unwrap();
        for args in [
            &["lint", "."][..],
            &["lint", "apps/a.yaml"],
            &["lint", "apps"],
        ] {
            let r = run(repo.path(), args);
            assert_eq!(r.code, Some(2), "{name} {args:?}: {r:?}");
            assert!(r.stderr.contains(name), "{r:?}");
            assert!(r.stderr.contains("symbolic link"), "{r:?}");
            assert!(r.stderr.contains("not followed"), "{r:?}");
            assert_no_secret(&r);
        }
    }
}

#[test]
fn a_discovered_configuration_that_links_inside_the_repository_is_refused_too() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    write(repo.path(), "conf/lint.yaml", "exclude: [a.yaml]\n");
    std::os::unix::fs::symlink("conf/lint.yaml", repo.path().join(".gitops-lint.yaml")).unwrap();
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("symbolic link"), "{r:?}");
    // Named with --config, the link is followed: the exclusion applies.
    let r = run(repo.path(), &["lint", "--config", ".gitops-lint.yaml", "."]);
    assert_eq!(r.code, Some(0), "{r:?}");
    // A directory where the configuration is looked for is refused as well.
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    std::fs::create_dir(repo.path().join("gitops-lint.yaml")).unwrap();
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("is a directory"), "{r:?}");
    // And a FIFO: refused, without blocking.
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    mkfifo(&repo.path().join(".gitops-lint.yaml"));
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("is a FIFO"), "{r:?}");
}

#[test]
fn an_explicit_configuration_must_be_a_regular_file_and_never_blocks() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    mkfifo(&repo.path().join("fifo.yaml"));
    let r = run(repo.path(), &["lint", "--config", "fifo.yaml", "a.yaml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("fifo.yaml"), "{r:?}");
    assert!(r.stderr.contains("is a FIFO"), "{r:?}");
    let r = run(repo.path(), &["lint", "--config", "/dev/zero", "a.yaml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("is a character device"), "{r:?}");
    let r = run(repo.path(), &["lint", "--config", ".", "a.yaml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("is a directory"), "{r:?}");
    // The environment is no configuration either.
    #[cfg(target_os = "linux")]
    {
        let args = ["lint", "--config", "/proc/self/environ", "a.yaml"];
        let mut cmd = command(repo.path(), &args);
        cmd.env("SECRET_TOKEN", "abc");
        let r = run_command(cmd, &args, None);
        assert_eq!(r.code, Some(2), "{r:?}");
        assert!(r.stderr.contains("is a procfs file"), "{r:?}");
        assert_no_secret(&r);
    }
}

#[test]
fn a_configuration_error_snippet_shows_only_the_bytes_around_the_error() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    // One 100 KB line (a flow mapping) whose first key is unknown.
    let pad: Vec<String> = (0..10_000).map(|i| format!("k{i}: v")).collect();
    let line = format!("{{{}}}", pad.join(", "));
    let column = line.find("k0: v").unwrap() + 1;
    write(repo.path(), ".gitops-lint.yaml", &format!("{line}\n"));
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains(&format!(":1:{column}:")), "{}", r.stderr);
    assert!(r.stderr.contains("unknown key `k0`"), "{}", r.stderr);
    assert!(
        r.stderr.len() < 4096,
        "{} bytes:\n{}",
        r.stderr.len(),
        r.stderr
    );
    assert!(!r.stderr.contains("k9999"), "{}", r.stderr);
    // An error in the middle of a long line: its line and column are the file's.
    let globs: Vec<String> = (0..5000).map(|i| format!("g{i}")).collect();
    let line = format!(
        "exclude: [{}, {{}}, {}]",
        globs[..2500].join(", "),
        globs[2500..].join(", ")
    );
    let column = line.find("{}").unwrap() + 1;
    write(
        repo.path(),
        ".gitops-lint.yaml",
        &format!("# settings\n{line}\nrules: {{}}\n"),
    );
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.len() < 4096,
        "{} bytes:\n{}",
        r.stderr.len(),
        r.stderr
    );
    assert!(r.stderr.contains("found a mapping"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!(":2:{column}:")), "{}", r.stderr);
    assert!(r.stderr.contains(&format!(":2:{column}]")), "{}", r.stderr);
    assert!(r.stderr.contains("g2499"), "{}", r.stderr);
    assert!(!r.stderr.contains("g2000,"), "{}", r.stderr);
    let key = format!("? {}\n: 1\n", "K".repeat(100_000));
    write(repo.path(), ".gitops-lint.yaml", &key);
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.len() < 4096, "{} bytes", r.stderr.len());
    assert!(r.stderr.contains("100000 bytes"), "{}", r.stderr);
}

#[test]
fn an_explicit_configuration_with_secrets_shows_a_bounded_window() {
    let outside = common::tempdir();
    let secret = secret_file(outside.path());
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    let r = run(
        repo.path(),
        &["lint", "--config", secret.to_str().unwrap(), "a.yaml"],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.len() < 4096,
        "{} bytes:\n{}",
        r.stderr.len(),
        r.stderr
    );
    assert!(
        !r.stderr.contains(&"PADDING=xxxxxxxx\0".repeat(20)),
        "{r:?}"
    );
}

#[test]
fn a_configuration_over_one_mib_is_refused() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    let mut text = String::from("exclude:\n");
    while text.len() <= 1 << 20 {
        text.push_str("  - \"vendor/some/long/path/**/*.yaml\"\n");
    }
    write(repo.path(), ".gitops-lint.yaml", &text);
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains(&format!("is {} bytes", text.len())),
        "{r:?}"
    );
    assert!(r.stderr.contains("1 MiB"), "{r:?}");
}

fn globs_config(n: usize, shape: impl Fn(usize) -> String) -> String {
    let mut text = String::from("exclude:\n");
    for i in 0..n {
        text.push_str(&format!("  - \"{}\"\n", shape(i)));
    }
    text
}

#[test]
fn too_many_globs_are_refused_naming_the_limit() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    write(
        repo.path(),
        ".gitops-lint.yaml",
        &globs_config(10_001, |i| format!("d{i}/")),
    );
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("too many globs: 10001"), "{r:?}");
    assert!(r.stderr.contains("the limit is 10000"), "{r:?}");
    // The configuration's and the command line's together.
    write(
        repo.path(),
        ".gitops-lint.yaml",
        &globs_config(9_999, |i| format!("d{i}/")),
    );
    let r = run(repo.path(), &["lint", "--exclude", "x/", "."]);
    assert_eq!(r.code, Some(1), "{r:?}");
    let r = run(
        repo.path(),
        &["lint", "--exclude", "x/", "--exclude", "y/", "."],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("too many globs: 10001"), "{r:?}");
}

#[test]
fn a_glob_over_the_length_limit_is_refused() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    let long = "a".repeat(5000);
    write(
        repo.path(),
        ".gitops-lint.yaml",
        &globs_config(1, |_| long.clone()),
    );
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("glob too long: 5000 bytes"), "{r:?}");
    assert!(r.stderr.contains("4096"), "{r:?}");
    assert!(r.stderr.len() < 4096, "{} bytes", r.stderr.len());
    let r = run(
        repo.path(),
        &["lint", "--isolated", "--exclude", &long, "."],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains("--exclude glob too long: 5000 bytes"),
        "{r:?}"
    );
}

#[test]
fn globs_too_complex_to_compile_together_get_a_clear_message() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    let shape = |i| format!("[a-z][a-z][a-z][a-z][a-z][a-z][a-z][a-z]{i}?*.y*ml");
    write(
        repo.path(),
        ".gitops-lint.yaml",
        &globs_config(9_000, shape),
    );
    let r = run(repo.path(), &["lint", "."]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains(
            "the 9000 globs of the configuration's `exclude` are too many or too complex"
        ),
        "{r:?}"
    );
}

#[test]
fn threads_are_capped_with_a_warning() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    let r = run(repo.path(), &["lint", "--threads", "100000", "."]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("warning: --threads 100000"), "{r:?}");
    assert!(r.stderr.contains("per core"), "{r:?}");
    let r = run(repo.path(), &["lint", "--threads", "100000", "--fix", "."]);
    assert_eq!(r.code, Some(0), "{r:?}");
    // 0 is the default: one per core, no warning.
    write(repo.path(), "b.yaml", &bad("b"));
    let r = run(repo.path(), &["lint", "--threads", "0", "."]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(!r.stderr.contains("warning:"), "{r:?}");
}

#[test]
fn fifos_sockets_and_devices_named_on_the_command_line_are_not_read() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    mkfifo(&repo.path().join("fifo.yaml"));
    let _socket = std::os::unix::net::UnixListener::bind(repo.path().join("sock.yaml")).unwrap();
    std::os::unix::fs::symlink("fifo.yaml", repo.path().join("to-fifo.yaml")).unwrap();
    for (path, kind) in [
        ("fifo.yaml", "a FIFO"),
        ("sock.yaml", "a socket"),
        ("/dev/zero", "a character device"),
        ("to-fifo.yaml", "a FIFO"),
    ] {
        let r = run(
            repo.path(),
            &["lint", "--format", "concise", path, "a.yaml"],
        );
        assert_eq!(r.code, Some(2), "{path}: {r:?}");
        assert!(
            r.stderr
                .contains(&format!("{path}: is {kind}; only regular files are read")),
            "{path}: {r:?}"
        );
        // The other files are still linted.
        assert!(r.stdout.contains("a.yaml:3:1"), "{path}: {r:?}");
    }
    // Walking a directory with them in it reads only the regular file.
    let r = run(repo.path(), &["lint", "--format", "concise", "."]);
    assert_eq!(r.code, Some(1), "{r:?}");
}

#[test]
fn a_file_over_the_size_cap_is_reported_not_read() {
    let repo = repo_tempdir();
    write(repo.path(), "a.yaml", &bad("a"));
    write(repo.path(), "big/b.yaml", &bad("b"));
    let size = bad("b").len();
    let r = run(
        repo.path(),
        &["lint", "--max-file-size", "64", "big", "a.yaml"],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "big/b.yaml: is {size} bytes, over the limit of 64 bytes"
        )),
        "{r:?}"
    );
    // At the limit a file is read.
    let limit = size.to_string();
    let r = run(repo.path(), &["lint", "--max-file-size", &limit, "big"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    // Stdin has the same cap.
    let input = bad("c");
    let r = run_until(
        repo.path(),
        &["lint", "--max-file-size", "1K", "-"],
        Some(input.repeat(20).as_bytes()),
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains("stdin: is over the limit of 1024 bytes"),
        "{r:?}"
    );
    let r = run_until(repo.path(), &["lint", "-"], Some(input.as_bytes()));
    assert_eq!(r.code, Some(1), "{r:?}");
}

#[test]
fn the_default_size_cap_is_256_mib() {
    let repo = repo_tempdir();
    let path = repo.path().join("huge.yaml");
    let file = std::fs::File::create(&path).unwrap();
    (&file)
        .write_all(b"apiVersion: argoproj.io/v1alpha1\n")
        .unwrap();
    file.set_len((256 << 20) + 1).unwrap(); // sparse
    let r = run(repo.path(), &["lint", "huge.yaml"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr
            .contains("huge.yaml: is 268435457 bytes, over the limit of 268435456 bytes"),
        "{r:?}"
    );
}

#[test]
fn many_per_path_ignores_cost_one_match_per_finding_and_rule() {
    let repo = repo_tempdir();
    let mut config = String::from("per-path-ignores:\n");
    for i in 0..9_998 {
        config.push_str(&format!("  \"**/dir{i}/*x*.yaml\": [missing-finalizer]\n"));
    }
    config.push_str("  \"skip/**\": [missing-finalizer]\n");
    // A negated glob alone ignores nothing (it is not compiled with the others).
    config.push_str("  \"!many.yaml\": [missing-finalizer]\n");
    write(repo.path(), ".gitops-lint.yaml", &config);
    let apps: String = (0..10_000)
        .map(|i| bad(&format!("a{i}")) + "---\n")
        .collect();
    write(repo.path(), "many.yaml", &apps);
    write(repo.path(), "skip/x.yaml", &bad("x"));
    write(repo.path(), "dir7/axb.yaml", &bad("y"));
    let r = run(
        repo.path(),
        &["lint", "--format", "concise", "--quiet", "."],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        10_000,
        "{:?}",
        &lines[lines.len().saturating_sub(3)..]
    );
    assert!(
        lines.iter().all(|l| l.starts_with("many.yaml:")),
        "{:?}",
        &lines[..3]
    );
}
