//! Output that file names and file content cannot drive: a harness that plays GitHub's
//! runner over the tool's output (every format, `--diff`, `--fix` stderr) on hostile names
//! and content, and checks that no raw terminal control is written.

mod common;

use common::{repo_tempdir, BIN};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

/// A workflow command the runner would act on.
#[derive(Debug, Clone, PartialEq)]
struct Acted {
    /// Lowercase command name (`error`, `add-mask`, `stop-commands`, `resume`…), or
    /// `##[…` for a legacy command.
    name: String,
    line: String,
}

/// Play GitHub's runner over a step's output: lines split at `\r` and `\n`, leading
/// whitespace trimmed, `::cmd` at a line's start and `##[` anywhere acted on, except
/// between `::stop-commands::TOKEN` and `::TOKEN::` (or `##[TOKEN]`), token compared
/// case-insensitively. Stricter than the runner: any `::` at a line's start counts.
fn runner_commands(bytes: &[u8]) -> Vec<Acted> {
    let text = String::from_utf8_lossy(bytes);
    let mut stopped: Option<String> = None;
    let mut acted = Vec::new();
    for line in text.split(['\r', '\n']) {
        let t = line.trim_start();
        let v2 = t.strip_prefix("::").map(|rest| {
            let end = rest.find([' ', ':']).unwrap_or(rest.len());
            let data = rest.find("::").map_or("", |i| &rest[i + 2..]);
            (rest[..end].to_ascii_lowercase(), data.to_string())
        });
        let v1: Vec<String> = line
            .match_indices("##[")
            .map(|(i, _)| {
                let rest = &line[i + 3..];
                let end = rest.find([']', ' ', ';']).unwrap_or(rest.len());
                rest[..end].to_ascii_lowercase()
            })
            .collect();
        let push = |acted: &mut Vec<Acted>, name: String| {
            acted.push(Acted {
                name,
                line: line.to_string(),
            })
        };
        if let Some(token) = &stopped {
            let resumed = v2.as_ref().is_some_and(|(n, _)| n == token) || v1.contains(token);
            if resumed {
                push(&mut acted, "resume".into());
                stopped = None;
            }
            continue;
        }
        if let Some((name, data)) = v2 {
            if name == "stop-commands" {
                stopped = Some(data.to_ascii_lowercase());
            }
            push(&mut acted, name);
        }
        for name in v1 {
            push(&mut acted, format!("##[{name}"));
        }
    }
    acted
}

/// Hostile names (raw bytes) that still get linted: new lines, `\r`, leading `::`,
/// `##[`, ESC/BEL, C1 and bidi controls, a URI scheme, bytes that are not UTF-8.
const NAMES: &[&[u8]] = &[
    b"b\n::error file=README.md::HDR.yaml",
    b"c\r::add-mask::cr.yaml",
    b"::warning::lead.yaml",
    b"  ::notice::blank.yaml",
    "\u{a0}\u{3000}::add-mask::nbsp.yaml".as_bytes(),
    b"x ##[add-mask]y.yaml",
    b"esc\x1b]0;title\x07.yaml",
    "c1\u{9b}2J\u{202e}.yaml".as_bytes(),
    b"https:evil.example.yaml",
    b"\xff\xfe.yaml",
];

/// Names whose every character survives GitHub's property escapes unchanged, so that
/// their annotation names the file exactly.
const EXACT: &[&str] = &[
    "b\n::error file=README.md::HDR.yaml",
    "c\r::add-mask::cr.yaml",
    "::warning::lead.yaml",
    "  ::notice::blank.yaml",
    "\u{a0}\u{3000}::add-mask::nbsp.yaml",
    "https:evil.example.yaml",
];

/// An Application without finalizer whose name, annotations and comments are hostile;
/// the fix goes after `namespace`, so the diff echoes the block scalar lines.
const CONTENT: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  \
    name: \"a\\r::add-mask::x\\e]0;T\\a ##[warning]n\"\n  annotations:\n    \
    v: \"::error file=README.md::value\"\n    note: |\n      x ##[stop-commands]tok esc \x1b[2J \
    bel \x07 c1 \u{9b}1;1H \u{202e} ::set-output name=a::b\n      ::add-mask::hello\n  \
    namespace: argocd\nspec:\n  project: default # \x1b]0;title\x07 ##[warning]c\n";

fn fixture() -> tempfile::TempDir {
    let dir = repo_tempdir();
    for name in NAMES {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, CONTENT).unwrap();
    }
    dir
}

struct Out {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn run(dir: &Path, args: &[&str], github: bool) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).args(args).env_remove("NO_COLOR");
    if github {
        cmd.env("GITHUB_ACTIONS", "true");
    } else {
        cmd.env_remove("GITHUB_ACTIONS");
    }
    let out = cmd.output().unwrap();
    Out {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).escape_debug().to_string()
}

/// The commands are only fences: each `stop-commands` resumed, with a 128-bit hex token.
fn only_fences(acted: &[Acted], what: &str) {
    assert!(acted.len() % 2 == 0, "{what}: {acted:#?}");
    for pair in acted.chunks(2) {
        assert_eq!(pair[0].name, "stop-commands", "{what}: {acted:#?}");
        assert_eq!(pair[1].name, "resume", "{what}: {acted:#?}");
        let token = pair[0].line.trim().trim_start_matches("::stop-commands::");
        assert!(token.len() == 32 && token.chars().all(|c| c.is_ascii_hexdigit()));
    }
}

/// The JSON diagnostics of the fixture (their paths).
fn json_paths(dir: &Path) -> Vec<String> {
    let out = run(dir, &["lint", "--format", "json"], false);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}

fn unescape_property(s: &str) -> String {
    s.replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

#[test]
fn github_runner_acts_only_on_the_annotations_meant() {
    let dir = fixture();
    let paths = json_paths(dir.path());
    assert_eq!(paths.len(), NAMES.len(), "{paths:?}");
    for format in ["full", "concise", "json", "json-lines", "github", "sarif"] {
        let out = run(dir.path(), &["lint", "--format", format], true);
        assert_eq!(out.code, Some(1), "{format}: {}", show(&out.stderr));
        let stderr = runner_commands(&out.stderr);
        assert!(stderr.is_empty(), "{format} stderr: {stderr:#?}");
        let acted = runner_commands(&out.stdout);
        if format != "github" {
            only_fences(&acted, format);
            continue;
        }
        assert_eq!(acted.len(), paths.len(), "{acted:#?}");
        let mut files = Vec::new();
        for a in &acted {
            assert_eq!(a.name, "error", "{a:?}");
            let props = a
                .line
                .trim_start_matches("::error ")
                .split("::")
                .next()
                .unwrap();
            let file = props.split(',').find_map(|p| p.strip_prefix("file="));
            files.push(unescape_property(file.unwrap()));
        }
        for exact in EXACT {
            assert!(files.iter().any(|f| f == exact), "{exact:?} in {files:?}");
        }
    }
}

#[test]
fn diff_under_github_actions_is_fenced_with_a_fresh_token() {
    let dir = fixture();
    let first = run(dir.path(), &["lint", "--diff"], true);
    assert_eq!(first.code, Some(1), "{}", show(&first.stderr));
    let acted = runner_commands(&first.stdout);
    assert_eq!(acted.len(), 2, "{acted:#?}");
    only_fences(&acted, "--diff");
    assert!(runner_commands(&first.stderr).is_empty());
    // The content inside the fence is exact, and every header is one line.
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("\n       ::add-mask::hello\n"), "{stdout}");
    let headers = stdout.lines().filter(|l| l.starts_with("--- ")).count();
    assert_eq!(headers, NAMES.len());
    assert!(stdout.contains("--- \"a/b\\n::error file=README.md::HDR.yaml\"\n"));
    let second = run(dir.path(), &["lint", "--diff"], true);
    assert_ne!(runner_commands(&second.stdout)[0], acted[0], "token reused");
}

#[test]
fn fix_messages_on_stderr_are_escaped() {
    let dir = fixture();
    for name in NAMES {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).unwrap();
    }
    let out = run(dir.path(), &["lint", "--fix", "--format", "github"], true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: b\\n::error file=README.md::HDR.yaml is read-only"));
    assert_eq!(stderr.matches("read-only").count(), NAMES.len(), "{stderr}");
    let acted = runner_commands(&out.stderr);
    assert!(acted.is_empty(), "{acted:#?}");
    assert_eq!(runner_commands(&out.stdout).len(), NAMES.len());
}

/// Bytes a terminal would act on: C0 controls but tab and new line, DEL, C1 and bidi
/// controls; ESC only as the start of the tool's own SGR colour sequences.
fn raw_controls(b: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(b);
    let mut found = Vec::new();
    for (i, c) in text.char_indices() {
        let sgr = c == '\x1b' && {
            let rest = &text[i + 1..];
            let body = rest.strip_prefix('[').unwrap_or("!");
            let end = body.find(|c: char| !c.is_ascii_digit() && c != ';');
            end.is_some_and(|e| body[e..].starts_with('m'))
        };
        let control = matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if control && !sgr {
            found.push(format!(
                "{c:?} at {i}: {:?}",
                &text[i.saturating_sub(20)..i]
            ));
        }
    }
    found
}

#[test]
fn no_raw_terminal_controls_outside_json() {
    let dir = fixture();
    let runs: &[&[&str]] = &[
        &["lint", "--format", "full", "--color", "never"],
        &["lint", "--format", "full", "--color", "always"],
        &["lint", "--format", "concise", "--color", "never"],
        &["lint", "--format", "concise", "--color", "always"],
        &["lint", "--format", "github"],
        &["lint", "--diff"],
    ];
    for args in runs {
        let out = run(dir.path(), args, false);
        assert_eq!(out.code, Some(1), "{args:?}: {}", show(&out.stderr));
        let stderr = raw_controls(&out.stderr);
        assert!(stderr.is_empty(), "{args:?} stderr: {stderr:#?}");
        if args[1] != "--diff" {
            let stdout = raw_controls(&out.stdout);
            assert!(stdout.is_empty(), "{args:?} stdout: {stdout:#?}");
        }
    }
    // `--fix` refusals name the file on stderr.
    for name in NAMES {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).unwrap();
    }
    let out = run(dir.path(), &["lint", "--fix", "--format", "concise"], false);
    let found = raw_controls(&[out.stdout, out.stderr].concat());
    assert!(found.is_empty(), "--fix: {found:#?}");
}

#[test]
fn piped_diff_is_an_exact_patch() {
    let dir = fixture();
    let diff = run(dir.path(), &["lint", "--diff"], false);
    assert_eq!(diff.code, Some(1));
    // The content lines are the file's, controls included.
    assert!(diff.stdout.windows(4).any(|w| w == b"\x1b[2J"));
    let patch = dir.path().join("fix.patch");
    std::fs::write(&patch, &diff.stdout).unwrap();
    let applied = Command::new("git")
        .current_dir(dir.path())
        .args(["apply", "--unsafe-paths", "fix.patch"])
        .output()
        .unwrap();
    assert!(applied.status.success(), "{}", show(&applied.stderr));
    std::fs::remove_file(&patch).unwrap();
    let after = run(dir.path(), &["lint", "--format", "json"], false);
    let v: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v:#}");
}

#[test]
fn json_keeps_exact_strings_and_names_that_are_not_utf8() {
    let dir = fixture();
    let names: Vec<Vec<u8>> = NAMES.iter().map(|n| n.to_vec()).collect();
    for format in ["json", "json-lines"] {
        let out = run(dir.path(), &["lint", "--format", format], false);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("##["), "{text}");
        let docs: Vec<serde_json::Value> = match format {
            "json" => serde_json::from_str::<serde_json::Value>(&text).unwrap()["diagnostics"]
                .as_array()
                .unwrap()
                .clone(),
            _ => text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        };
        let mut seen = Vec::new();
        for d in &docs {
            let message = d["message"].as_str().unwrap();
            assert!(message.contains("a\r::add-mask::x\x1b]0;T\x07 ##[warning]n"));
            let path = d["path"].as_str().unwrap();
            match d.get("path_bytes") {
                Some(b) => {
                    let b: Vec<u8> = serde_json::from_value(b.clone()).unwrap();
                    assert!(path.contains('\u{fffd}'));
                    seen.push(b);
                }
                None => seen.push(path.as_bytes().to_vec()),
            }
        }
        seen.sort();
        let mut expected = names.clone();
        expected.sort();
        assert_eq!(seen, expected, "{format}");
    }
}

#[test]
fn sarif_uris_are_relative_references_that_keep_the_bytes() {
    let dir = fixture();
    let out = run(dir.path(), &["lint", "--format", "sarif"], true);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"./https%3Aevil.example.yaml"), "{uris:?}");
    assert!(uris.contains(&"%FF%FE.yaml"), "{uris:?}");
    let newline = "./b%0A%3A%3Aerror%20file=README.md%3A%3AHDR.yaml";
    assert!(uris.contains(&newline), "{uris:?}");
    for uri in uris {
        let ok = |c: char| c.is_ascii_alphanumeric() || "-._~/@+=!$&'()*,;%".contains(c);
        assert!(uri.chars().all(ok), "{uri}");
        let first = uri.split('/').next().unwrap();
        assert!(!first.contains(':'), "{uri}");
    }
}

#[test]
fn configuration_errors_are_escaped() {
    let dir = fixture();
    let config = "rules:\n  \"\x1b]0;t\x07 \u{9b}2J\r::add-mask::x ##[warning]y\": error\n";
    std::fs::write(dir.path().join(".gitops-lint.yaml"), config).unwrap();
    for github in [false, true] {
        let out = run(dir.path(), &["lint", "--color", "always"], github);
        assert_eq!(out.code, Some(2), "{}", show(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(".gitops-lint.yaml:2:"), "{stderr}");
        let found = raw_controls(&out.stderr);
        assert!(found.is_empty(), "{found:#?}");
        let acted = runner_commands(&out.stderr);
        assert!(!github || acted.is_empty(), "{acted:#?}");
    }
}

/// The binary's stdout when it is a terminal (a pseudo-terminal; its `\r\n` for `\n` undone).
#[cfg(target_os = "linux")]
fn run_on_terminal(dir: &Path, args: &[&str]) -> Vec<u8> {
    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    use std::io::Read;
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str().unwrap())
        .unwrap();
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .stdout(std::process::Stdio::from(slave))
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    drop(cmd);
    let mut master = std::fs::File::from(master);
    let (mut out, mut buf) = (Vec::new(), [0u8; 65536]);
    while let Ok(n @ 1..) = master.read(&mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
    child.wait().unwrap();
    String::from_utf8_lossy(&out)
        .replace("\r\n", "\n")
        .into_bytes()
}

#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gets_no_raw_controls_from_diff_or_colour_output() {
    let dir = fixture();
    for args in [
        &["lint", "--diff"][..],
        &["lint", "--format", "full"],
        &["lint", "--format", "concise"],
    ] {
        let out = run_on_terminal(dir.path(), args);
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("HDR.yaml"), "{args:?}: {text}");
        let found = raw_controls(&out);
        assert!(found.is_empty(), "{args:?}: {found:#?}");
    }
    let diff = run_on_terminal(dir.path(), &["lint", "--diff"]);
    assert!(String::from_utf8_lossy(&diff).contains("esc \\x1b[2J bel \\x07 c1 \\u{9b}1;1H"));
}
