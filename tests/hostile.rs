//! Hostile and faulty inputs: each gives a clear diagnostic or message and the right exit
//! code, writes nothing wrongly, and finishes (a hang guard kills a run after 60 s; the
//! timing figures are in scripts/hostile-check.py, not here).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_gitops-lint");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run the binary in `dir`, killing it if it has not finished after 60 s (a hang).
fn run(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("gitops-lint {args:?} hung (killed after 60 s)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn rules(r: &Run) -> Vec<String> {
    json(r)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

const HEAD: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n";

#[test]
fn deeply_nested_flow_collections() {
    let dir = tempfile::tempdir().unwrap();
    for (name, open, close) in [("seq.yaml", "[", "]"), ("map.yaml", "{a: ", "}")] {
        let text = format!(
            "{HEAD}metadata: {}{}\n",
            open.repeat(200_000),
            close.repeat(200_000)
        );
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let r = run(dir.path(), &["lint", "--format", "json", "."]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let out = json(&r);
    let diags = out["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{diags:?}");
    for d in diags {
        assert_eq!(d["rule"], "syntax-error");
        assert!(
            d["message"].as_str().unwrap().contains("recursion limit"),
            "{d}"
        );
        assert_eq!(d["start"]["line"], 3);
    }
}

#[test]
fn binary_data_and_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    // Binary with the needle inside: reported as not text.
    let mut binary = vec![0u8, 1, 2, 0xff, 0xfe, 0];
    binary.extend_from_slice(b"argoproj.io");
    binary.extend((0..4096).map(|i| (i * 7 % 256) as u8));
    std::fs::write(dir.path().join("blob.yaml"), &binary).unwrap();
    // Latin-1 text with the needle: not UTF-8, reported at the first bad byte.
    let mut latin1 = format!("{HEAD}metadata:\n  name: caf").into_bytes();
    latin1.push(0xe9);
    latin1.extend_from_slice(b"\n");
    std::fs::write(dir.path().join("latin1.yaml"), &latin1).unwrap();
    // Binary without the needle: skipped unread.
    std::fs::write(dir.path().join("other.yaml"), [0u8, 159, 146, 150]).unwrap();
    let r = run(dir.path(), &["lint", "--format", "json", "."]);
    assert_eq!(r.code, Some(1));
    let out = json(&r);
    let diags = out["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert_eq!(diags[0]["path"], "blob.yaml");
    assert!(
        diags[0]["message"].as_str().unwrap().contains("binary"),
        "{}",
        diags[0]
    );
    assert_eq!(diags[1]["path"], "latin1.yaml");
    assert!(
        diags[1]["message"]
            .as_str()
            .unwrap()
            .contains("invalid UTF-8"),
        "{}",
        diags[1]
    );
    assert_eq!(diags[1]["span"]["offset"], latin1.len() - 2);
    assert_eq!(diags[1]["start"]["line"], 4);
    assert_eq!(out["summary"]["files_skipped"], 1);
}

#[test]
fn empty_files_and_only_separators() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    std::fs::write(dir.path().join("dashes.yaml"), "---\n").unwrap();
    std::fs::write(
        dir.path().join("dashes-argo.yaml"),
        "# argoproj.io\n---\n---\n...\n",
    )
    .unwrap();
    let r = run(dir.path(), &["lint", "--format", "json", "."]);
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    assert!(rules(&r).is_empty());
    let out = json(&r);
    assert_eq!(out["summary"]["files_scanned"], 1);
    assert_eq!(out["summary"]["files_skipped"], 2);
}

#[test]
fn alias_bombs_are_not_expanded() {
    // "Billion laughs": 9 levels of 10 aliases each would be 10^9 nodes if expanded.
    let mut text =
        format!("{HEAD}spec:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{items}]\n"));
    }
    text.push_str("metadata: *a9\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.yaml"), &text).unwrap();
    let start = Instant::now();
    let r = run(dir.path(), &["lint", "--format", "json", "bomb.yaml"]);
    // The metadata is an alias: not checked (info), nothing expanded, no error.
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    assert_eq!(rules(&r), ["not-checked"]);
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_tree() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let bad = format!("{HEAD}metadata:\n  name: outside\nspec: {{}}\n");
    std::fs::write(outside.path().join("app.yaml"), &bad).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("a")).unwrap();
    symlink("../a", root.join("a/loop")).unwrap(); // a/loop -> a
    symlink(root.join("b"), root.join("c")).unwrap(); // c -> b -> c
    symlink(root.join("c"), root.join("b")).unwrap();
    symlink(outside.path(), root.join("out")).unwrap(); // a directory outside
    symlink(outside.path().join("app.yaml"), root.join("linked.yaml")).unwrap();
    let r = run(root, &["lint", "--format", "json", "."]);
    // No file is read (no link followed): nothing found, exit 3.
    assert_eq!(r.code, Some(3), "{} {}", r.stdout, r.stderr);
    assert!(
        rules(&r).is_empty(),
        "no symbolic link is followed: {}",
        r.stdout
    );

    // Named explicitly, a link to a file is read; --fix never writes through it.
    let r = run(root, &["lint", "--fix", "linked.yaml"]);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    assert_eq!(
        std::fs::read_to_string(outside.path().join("app.yaml")).unwrap(),
        bad
    );
    assert!(std::fs::symlink_metadata(root.join("linked.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn read_only_file_under_fix_is_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.yaml");
    let bad = format!("{HEAD}metadata:\n  name: ro\nspec: {{}}\n");
    std::fs::write(&path, &bad).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = run(
        dir.path(),
        &["lint", "--fix", "--format", "concise", "app.yaml"],
    );
    // The finding remains (exit 1); the refusal is said on stderr.
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("app.yaml is read-only"), "{}", r.stderr);
    assert!(r.stdout.contains("missing-finalizer"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
}

#[cfg(unix)]
#[test]
fn unreadable_directory_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(
        locked.join("app.yaml"),
        format!("{HEAD}metadata: {{}}\nspec: {{}}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        // Running as root: permissions do not stop reading, nothing to test here.
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: this user can read a directory with mode 000");
        return;
    }
    let r = run(dir.path(), &["lint", "--format", "json", "."]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("locked"), "{}", r.stderr);
}

#[test]
fn nonexistent_path_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["lint", "no/such/file.yaml"]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("no/such/file.yaml: no such file or directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn file_changed_or_deleted_between_read_and_write() {
    use gitops_lint::fix::write::{stage, sync_staged, WriteError};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.yaml");
    std::fs::write(&path, "original\n").unwrap();
    // Changed after it was read and its fix staged: not overwritten.
    let staged = stage(&path, b"fixed\n").unwrap();
    sync_staged([&staged]).unwrap();
    std::fs::write(&path, "changed by someone else\n").unwrap();
    let err = staged.commit(b"original\n").unwrap_err();
    assert!(matches!(err, WriteError::Changed), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "changed by someone else\n"
    );
    // Deleted after its fix was staged: not recreated.
    let staged = stage(&path, b"fixed\n").unwrap();
    std::fs::remove_file(&path).unwrap();
    let err = staged.commit(b"changed by someone else\n").unwrap_err();
    assert!(matches!(err, WriteError::Io(_)), "{err}");
    assert!(!path.exists());
    // Deleted before: nothing is staged.
    let err = stage(&path, b"fixed\n").unwrap_err();
    assert!(matches!(err, WriteError::Io(_)), "{err}");
    assert!(!path.exists());
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn large_file_is_linted_in_one_pass() {
    // 5 MB of documents (the 100 MB case is timed by scripts/hostile-check.py).
    let doc = format!("{HEAD}metadata:\n  name: big\nspec:\n  project: default\n---\n");
    let text = doc.repeat(5_000_000 / doc.len());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.yaml"), &text).unwrap();
    let r = run(dir.path(), &["lint", "--format", "json", "big.yaml"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(rules(&r).len(), text.matches("kind: Application").count());
}
