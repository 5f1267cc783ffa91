//! `--fix` never loses a byte that is not its own: an editor appending while a large fix
//! runs loses nothing without a message (what landed in a replaced file is kept in a
//! conflict copy, and the run fails); hard-linked files and files this user may not write
//! are refused; owner, group, extended attributes and ACLs are kept. Tests that need root
//! (chown, running as another user) say so and pass when not run as root.
#![cfg(target_os = "linux")]

mod common;
#[path = "write_safety/metadata.rs"]
mod metadata;

use common::{bad, BIN};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONFLICT: &str = ".gitops-lint-conflict";

/// A repository root under the target directory (on the same file system as the build,
/// which keeps extended attributes; `/tmp` may be a tmpfs without user xattrs).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// Whether `uid` can run the binary here (its directories may be closed to other users).
fn can_run_as(uid: u32) -> bool {
    let ok = Command::new(BIN)
        .arg("--version")
        .uid(uid)
        .gid(uid)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: user {uid} cannot run {BIN}");
    }
    ok
}

fn is_root() -> bool {
    let dir = repo();
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "").unwrap();
    let root = std::fs::metadata(&probe).unwrap().uid() == 0;
    if !root {
        eprintln!("skipped: this test needs root (chown, running as another user)");
    }
    root
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn fix(dir: &Path, uid: Option<u32>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(["lint", "--fix", "--format", "concise", "."])
        .current_dir(dir)
        .env("NO_COLOR", "1");
    if let Some(uid) = uid {
        cmd.uid(uid).gid(uid);
    }
    let out = cmd.output().unwrap();
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const FILES: usize = 3000;

fn race_file(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("d{}/app-{i:04}.yaml", i % 20))
}

/// Appenders open a file with O_APPEND, write a unique marker line (a YAML comment, so the
/// file stays fixable) and close it, over and over, while `--fix` rewrites 3,000 files.
/// Every marker must end up in its file, or in a conflict copy named on stderr, and a run
/// that made a conflict copy must fail. (It may make none: the test never requires one.)
#[test]
fn appends_during_a_large_fix_are_never_lost_silently() {
    let dir = repo();
    for i in 0..FILES {
        let path = race_file(dir.path(), i);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bad(&format!("app-{i}"))).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["lint", "--fix", "--quiet", "--format", "concise", "."])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let appenders: Vec<_> = (0..2)
        .map(|t| {
            let (stop, root) = (stop.clone(), dir.path().to_path_buf());
            std::thread::spawn(move || match t {
                0 => append_until(&stop, &root),
                _ => append_on_access(&stop, &root),
            })
        })
        .collect();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    let run = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let markers: Vec<Marker> = appenders
        .into_iter()
        .flat_map(|a| a.join().unwrap())
        .collect();

    let mut copies: HashMap<usize, Vec<String>> = HashMap::new();
    for sub in 0..20 {
        for name in names(&dir.path().join(format!("d{sub}"))) {
            if let Some(base) = name.find(CONFLICT) {
                let i: usize = name[4..base - 5].parse().unwrap();
                assert!(
                    stderr.contains(&format!("saved in {name}")),
                    "conflict copy {name} is not reported:\n{stderr}"
                );
                let text = std::fs::read_to_string(dir.path().join(format!("d{sub}/{name}")));
                copies.entry(i).or_default().push(text.unwrap());
            } else {
                assert!(name.ends_with(".yaml"), "left behind: {name}");
            }
        }
    }
    let during = markers.iter().filter(|m| m.2 < run).count();
    let on_access = markers.iter().filter(|m| m.1.contains("marker b")).count();
    let mut lost = Vec::new();
    let mut in_copies = 0;
    let texts: Vec<String> = (0..FILES)
        .map(|i| std::fs::read_to_string(race_file(dir.path(), i)).unwrap())
        .collect();
    for (i, marker, at) in &markers {
        if texts[*i].contains(marker.as_str()) {
            continue;
        }
        if copies
            .get(i)
            .is_some_and(|c| c.iter().any(|t| t.contains(marker.as_str())))
        {
            in_copies += 1;
            continue;
        }
        lost.push(format!(
            "{} (file {i}, {at:?} after the start)",
            marker.trim_end()
        ));
    }
    let fixed = texts.iter().filter(|t| t.contains("finalizers:")).count();
    eprintln!(
        "{} markers ({during} while --fix ran for {run:?}, {on_access} as it checked a file), \
         {fixed} files fixed, {in_copies} \
         markers in {} conflict copies, exit {:?}",
        markers.len(),
        copies.values().map(Vec::len).sum::<usize>(),
        status.code()
    );
    assert!(
        lost.is_empty(),
        "{} appends lost:\n{}",
        lost.len(),
        lost.join("\n")
    );
    if !copies.is_empty() {
        assert_eq!(status.code(), Some(2), "{stderr}");
    }
    // The appends did overlap the run (else the test proves nothing).
    assert!(during > 100, "only {during} appends while --fix ran");
}

/// One marker line: unique, and a YAML comment, so the file stays fixable.
fn append(root: &Path, i: usize, marker: String, at: Duration, out: &mut Vec<Marker>) {
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(race_file(root, i));
    if let Ok(mut f) = file {
        f.write_all(marker.as_bytes()).unwrap();
        out.push((i, marker, at));
    }
}

/// (file, marker, when it was written).
type Marker = (usize, String, Duration);

/// Append markers to the race files, one after the other, until `stop`.
fn append_until(stop: &AtomicBool, root: &Path) -> Vec<Marker> {
    let start = Instant::now();
    let mut written = Vec::new();
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let marker = format!("# marker a-{n}\n");
        append(root, n * 7 % FILES, marker, start.elapsed(), &mut written);
        n += 1;
        // An editor's pace: most files are written by the tool, not refused as changed.
        std::thread::sleep(Duration::from_micros(500));
    }
    written
}

/// Once the tool writes (a temporary file appears), append one marker to each race file
/// just as the tool checks it before renaming over it (inotify): to even files when the
/// tool closes it after reading it, to odd files 0–40 µs after the tool opens it.
fn append_on_access(stop: &AtomicBool, root: &Path) -> Vec<Marker> {
    use rustix::fs::inotify;
    let start = Instant::now();
    let fd = inotify::init(inotify::CreateFlags::NONBLOCK | inotify::CreateFlags::CLOEXEC);
    let fd = fd.unwrap();
    let flags = inotify::WatchFlags::OPEN
        | inotify::WatchFlags::CLOSE_NOWRITE
        | inotify::WatchFlags::CREATE;
    for sub in 0..20 {
        inotify::add_watch(&fd, root.join(format!("d{sub}")), flags).unwrap();
    }
    let mut buf = vec![std::mem::MaybeUninit::<u8>::uninit(); 1 << 16];
    let mut events = inotify::Reader::new(&fd, &mut buf);
    let (mut writing, mut count, mut written) = (false, vec![0u8; FILES], Vec::new());
    while !stop.load(Ordering::Relaxed) {
        let (name, closed) = match events.next() {
            Ok(e) => (
                e.file_name().map(|n| n.to_string_lossy().into_owned()),
                e.events().contains(inotify::ReadFlags::CLOSE_NOWRITE),
            ),
            Err(rustix::io::Errno::AGAIN) => {
                std::thread::yield_now();
                continue;
            }
            Err(e) => panic!("inotify: {e}"),
        };
        let Some(name) = name else { continue };
        writing |= name.starts_with(".gitops-lint-");
        let Some(i) = name
            .strip_prefix("app-")
            .and_then(|n| n.strip_suffix(".yaml"))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        if !writing || count[i] > 0 || closed != (i % 2 == 0) {
            continue;
        }
        count[i] += 1;
        let delay = Instant::now();
        while !closed && delay.elapsed() < Duration::from_micros(i as u64 * 13 % 40) {
            std::hint::spin_loop();
        }
        append(
            root,
            i,
            format!("# marker b-{i}\n"),
            start.elapsed(),
            &mut written,
        );
    }
    written
}

/// An editor that opened its files before the run writes into each as soon as the tool has
/// renamed over it (inotify: the rename), so the write lands in the replaced file: it is
/// kept in a conflict copy, reported per file and in the summary, and the run exits 2. A
/// write that comes after the tool's last examination is the window that remains, so
/// attempts are repeated until one makes a copy; every attempt that does is checked.
#[test]
fn write_into_a_replaced_file_is_kept_and_reported() {
    use rustix::fs::inotify;
    const N: usize = 50;
    for attempt in 0..5 {
        let dir = repo();
        let mut held = Vec::new();
        for i in 0..N {
            let path = dir.path().join(format!("app-{i:02}.yaml"));
            std::fs::write(&path, bad(&format!("app-{i}"))).unwrap();
            held.push(
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap(),
            );
        }
        let flags = inotify::CreateFlags::CLOEXEC | inotify::CreateFlags::NONBLOCK;
        let fd = inotify::init(flags).unwrap();
        inotify::add_watch(&fd, dir.path(), inotify::WatchFlags::MOVED_TO).unwrap();
        let mut child = Command::new(BIN)
            .args(["lint", "--fix", "--format", "concise", "."])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut buf = vec![std::mem::MaybeUninit::<u8>::uninit(); 1 << 16];
        let mut events = inotify::Reader::new(&fd, &mut buf);
        let mut done = [false; N];
        while done.iter().any(|d| !d) {
            let name = match events.next() {
                Ok(event) => event.file_name().unwrap().to_string_lossy().into_owned(),
                Err(rustix::io::Errno::AGAIN) if child.try_wait().unwrap().is_some() => break,
                Err(rustix::io::Errno::AGAIN) => {
                    std::thread::yield_now();
                    continue;
                }
                Err(e) => panic!("inotify: {e}"),
            };
            let Some(i) = name
                .strip_prefix("app-")
                .and_then(|n| n[..2].parse::<usize>().ok())
            else {
                continue;
            };
            if !std::mem::replace(&mut done[i], true) {
                held[i].write_all(b"# late edit\n").unwrap();
            }
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let copies: Vec<String> = names(dir.path())
            .into_iter()
            .filter(|n| n.contains(CONFLICT))
            .collect();
        eprintln!("attempt {attempt}: {} conflict copies", copies.len());
        if copies.is_empty() {
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        for copy in &copies {
            let file = &copy[..copy.len() - CONFLICT.len()];
            assert_eq!(copy, &format!("{file}{CONFLICT}"));
            assert!(
                stderr.contains(&format!(
                    "error: {file} was written to while it was being replaced: the fix is in \
                     place, and the replaced text with that write is saved in {copy}"
                )),
                "{stderr}"
            );
            let i: usize = file[4..6].parse().unwrap();
            let text = std::fs::read_to_string(dir.path().join(copy)).unwrap();
            assert_eq!(text, format!("{}# late edit\n", bad(&format!("app-{i}"))));
            let fixed = std::fs::read_to_string(dir.path().join(file)).unwrap();
            assert!(fixed.contains("finalizers:") && !fixed.contains("late edit"));
        }
        let summary = format!(
            "{} written to while being replaced",
            if copies.len() == 1 {
                "1 file".to_string()
            } else {
                format!("{} files", copies.len())
            }
        );
        assert!(stderr.contains(&summary), "{stderr}");
        return;
    }
    panic!("no attempt made a conflict copy");
}
