//! Template handling that reads YAML first: actions in YAML comments are not actions,
//! actions in quoted and block scalars are part of their string, finalizers inside
//! template conditions are `not-checked` naming the condition, keys in exclusive
//! branches are not duplicates, a YAML error no template action explains is a
//! `syntax-error`, and FreeMarker / Jinja / Go-template file names are linted tolerantly.
//!
//! Inputs: `tests/data/templates/`. Each case is linted by the binary; its concise output
//! is snapshot-tested (`tests/snapshots/templates__*.snap`, update with
//! `INSTA_UPDATE=always cargo test --test templates`) and its JSON output checked
//! structurally (rule ids in order, the exact text each span points at, the exit code,
//! and a message fragment), so that a wrong snapshot cannot be blessed silently.

use gitops_lint::template::{mask_with, syntax_for};
use serde_json::Value;
use std::path::Path;

mod common;
use common::{parse_json, read, run, tempdir, write};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DATA: &str = "tests/data/templates";
const FIN: &str = "resources-finalizer.argocd.argoproj.io";

/// One input and what linting it must give.
struct Case {
    file: &'static str,
    exit: i32,
    /// (rule, text of its span), in output order.
    expect: &'static [(&'static str, &'static str)],
    /// A fragment of the first diagnostic's message ("" to skip).
    says: &'static str,
}

const MF: &str = "missing-finalizer";
const NC: &str = "not-checked";
const SE: &str = "syntax-error";

const CASES: &[Case] = &[
    // §1 a: `{{ }}` inside YAML comments.
    Case {
        file: "comment-actions.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "no cascade finalizer",
    },
    Case {
        file: "comment-trailing-and-quotes.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    // §1 b: actions inside quoted scalars (also across lines), block scalars, keys, flow.
    Case {
        file: "quoted-multiline-action.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    Case {
        file: "quoted-double-inner-quotes.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    Case {
        file: "block-scalar-actions.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    Case {
        file: "keys-and-flow.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    // Control actions output nothing: a conditional `labels:` hides no finalizer.
    Case {
        file: "labels-in-condition.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    // So do comments and assignments.
    Case {
        file: "silent-actions-between-keys.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    // Keys written by the template can be `finalizers`.
    Case {
        file: "keys-from-range.yaml",
        exit: 0,
        expect: &[(NC, "metadata")],
        says: "template logic",
    },
    // §1 c: finalizers inside template conditions.
    Case {
        file: "conditional-finalizers.yaml",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `.Values.cascade`",
    },
    Case {
        file: "conditional-finalizers-with.yaml",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `.Values.finalizers`",
    },
    Case {
        file: "conditional-cascade-item.yaml",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `.Values.cascade`",
    },
    Case {
        file: "conditional-other-item.yaml",
        exit: 0,
        expect: &[],
        says: "",
    },
    Case {
        file: "conditional-else-finalizers.yaml",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `eq .Values.mode \"cascade\"`",
    },
    Case {
        file: "conditional-both-branches-cascade.yaml",
        exit: 0,
        expect: &[],
        says: "",
    },
    Case {
        file: "conditional-metadata-branches.yaml",
        exit: 0,
        expect: &[(NC, "metadata")],
        says: "cascade depends on `.Values.cascade`",
    },
    Case {
        file: "conditional-metadata-none-cascade.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    // ApplicationSet: a template without finalizers gets the cascade from the controller.
    Case {
        file: "appset-conditional-finalizers.yaml",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `.Values.keep`",
    },
    Case {
        file: "whole-object-conditional.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    // §1 d: keys in exclusive branches are not duplicates; real duplicates still are.
    Case {
        file: "exclusive-keys.yaml",
        exit: 0,
        expect: &[],
        says: "",
    },
    Case {
        file: "exclusive-else-if.yaml",
        exit: 0,
        expect: &[],
        says: "",
    },
    Case {
        file: "duplicate-outside-branches.yaml",
        exit: 1,
        expect: &[(SE, "project")],
        says: "duplicate key `project`",
    },
    Case {
        file: "duplicate-in-same-branch.yaml",
        exit: 1,
        expect: &[(SE, "project")],
        says: "duplicate key `project`",
    },
    // §1 e: a YAML error away from any template action is a syntax error.
    Case {
        file: "broken-away-from-actions.yaml",
        exit: 1,
        expect: &[(SE, ":")],
        says: "invalid YAML",
    },
    Case {
        file: "broken-near-action.yaml",
        exit: 1,
        expect: &[(SE, ":")],
        says: "invalid YAML",
    },
    Case {
        file: "broken-in-quoted-action-doc.yaml",
        exit: 1,
        expect: &[(SE, "t")],
        says: "invalid YAML",
    },
    Case {
        file: "branches-different-structure.yaml",
        exit: 0,
        expect: &[(NC, "r")],
        says: "does not parse even with its template actions masked",
    },
    // §1 f: other template languages, by file name.
    Case {
        file: "lang/app.yaml.j2",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `cascade`",
    },
    Case {
        file: "lang/missing.j2.yaml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    Case {
        file: "lang/app.ftl.yaml",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `cascade`",
    },
    Case {
        file: "lang/missing.ftl.yml",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
    Case {
        file: "lang/inline.ftl.yaml",
        exit: 0,
        expect: &[(NC, ":")],
        says: "does not parse even with its template actions masked",
    },
    Case {
        file: "lang/broken.ftl.yaml",
        exit: 1,
        expect: &[(SE, ":")],
        says: "invalid YAML",
    },
    Case {
        file: "lang/app.tpl.yaml",
        exit: 0,
        expect: &[(NC, "finalizers")],
        says: "cascade depends on `.cascade`",
    },
    Case {
        file: "lang/values.yaml.gotmpl",
        exit: 1,
        expect: &[(MF, "metadata")],
        says: "",
    },
];

/// `(rule, span text, message)` of each JSON diagnostic, with `text` the file linted.
fn diagnostics(json: &Value, text: &[u8]) -> Vec<(String, String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = d["span"]["offset"].as_u64().unwrap() as usize;
            let len = d["span"]["length"].as_u64().unwrap() as usize;
            (
                d["rule"].as_str().unwrap().to_string(),
                String::from_utf8(text[at..at + len].to_vec()).unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check_case(dir: &Path, rel: &str, case: &Case) -> String {
    let text = std::fs::read(dir.join(rel)).unwrap();
    let json_run = run(dir, &["lint", "--format", "json", rel]);
    let json = parse_json(&json_run);
    let got = diagnostics(&json, &text);
    let rules: Vec<(&str, &str)> = got
        .iter()
        .map(|(r, s, _)| (r.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        rules, case.expect,
        "{rel}: rules and span texts\n{}",
        json_run.stdout
    );
    assert_eq!(json_run.code, Some(case.exit), "{rel}: exit code");
    if !case.says.is_empty() {
        assert!(
            got[0].2.contains(case.says),
            "{rel}: message {:?} lacks {:?}",
            got[0].2,
            case.says
        );
    }
    let concise = run(
        dir,
        &["lint", "--format", "concise", "--color", "never", rel],
    );
    assert_eq!(concise.code, Some(case.exit));
    concise.stdout
}

#[test]
fn template_cases() {
    for case in CASES {
        let rel = format!("{DATA}/{}", case.file);
        let out = check_case(Path::new(ROOT), &rel, case);
        let name = case.file.replace('/', "-");
        insta::assert_snapshot!(name, out);
    }
}

/// CRLF line breaks, a BOM and non-ASCII text give the same findings on the same text.
#[test]
fn crlf_bom_and_non_ascii_keep_spans() {
    let dir = tempdir();
    for case in CASES.iter().filter(|c| !c.file.contains('/')) {
        let original = read(Path::new(ROOT), &format!("{DATA}/{}", case.file));
        let variant = format!(
            "\u{feff}# Anwendung für {{{{ .Values.région }}}} — 名前\n{}",
            original
                .replace("name: a\n", "name: ä-名\n")
                .replace('\n', "\r\n")
        );
        write(dir.path(), case.file, &variant);
        check_case(dir.path(), case.file, case);
    }
}

/// Masking keeps every byte offset and line break of the file, and only masks actions.
#[test]
fn masking_keeps_offsets_and_line_breaks() {
    let mut files = Vec::new();
    for entry in walk(&Path::new(ROOT).join(DATA)) {
        files.push(entry);
    }
    assert!(files.len() >= 30);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for text in [text.clone(), text.replace('\n', "\r\n")] {
            let Some(m) = mask_with(&text, syntax_for(path.to_str().unwrap())) else {
                continue;
            };
            assert_eq!(m.text.len(), text.len(), "{}", path.display());
            let breaks = |s: &str| -> Vec<usize> {
                s.bytes()
                    .enumerate()
                    .filter(|(_, b)| matches!(b, b'\n' | b'\r'))
                    .map(|(i, _)| i)
                    .collect()
            };
            assert_eq!(breaks(&m.text), breaks(&text), "{}", path.display());
            for (i, (a, b)) in text.bytes().zip(m.text.bytes()).enumerate() {
                if a != b {
                    assert!(
                        m.actions.iter().any(|x| x.span.contains(&i)),
                        "{}: byte {i}",
                        path.display()
                    );
                }
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A YAML comment's `{{` is not an action: a file whose only `{{` are in comments is not
/// templated at all.
#[test]
fn comment_actions_are_not_actions() {
    let text = read(Path::new(ROOT), &format!("{DATA}/comment-actions.yaml"));
    assert!(mask_with(&text, syntax_for("a.yaml")).is_none());
    let bom_crlf = format!("\u{feff}# {{{{ x }}}}\r\n{}", text.replace('\n', "\r\n"));
    assert!(mask_with(&bom_crlf, syntax_for("a.yaml")).is_none());
    let text = "a: '{{ x }}' # {{ y }}\nb: \"#{{ z }}\"\n";
    let m = mask_with(text, syntax_for("a.yaml")).unwrap();
    let spans: Vec<&str> = m.actions.iter().map(|a| &text[a.span.clone()]).collect();
    assert_eq!(spans, ["{{ x }}", "{{ z }}"]);
    assert!(m.actions.iter().all(|a| a.in_scalar && !a.whole_line));
    assert_eq!(m.text, "a: '_______' # {{ y }}\nb: \"#_______\"\n");
}

/// The issue's first example is fixed, and the fixed file is clean.
#[test]
fn comment_actions_example_is_fixed() {
    let dir = tempdir();
    for file in [
        "comment-actions.yaml",
        "quoted-multiline-action.yaml",
        "block-scalar-actions.yaml",
    ] {
        let original = read(Path::new(ROOT), &format!("{DATA}/{file}"));
        write(dir.path(), file, &original);
        let fixed = run(dir.path(), &["lint", "--fix", file]);
        assert_eq!(
            fixed.code,
            Some(0),
            "{file}: {}{}",
            fixed.stdout,
            fixed.stderr
        );
        let after = read(dir.path(), file);
        assert!(
            after.contains(&format!("  finalizers:\n    - {FIN}\n")),
            "{after}"
        );
        assert_eq!(
            after.replace(&format!("  finalizers:\n    - {FIN}\n"), ""),
            original
        );
        assert_eq!(run(dir.path(), &["lint", file]).code, Some(0));
    }
}

/// A directory walk picks up `*.yaml.j2`, `*.yml.j2` and `*.gotmpl` besides `*.yaml`,
/// but not helm-docs' `README.md.gotmpl` (Markdown).
#[test]
fn walk_picks_up_template_file_names() {
    let dir = tempdir();
    let app = read(Path::new(ROOT), &format!("{DATA}/lang/values.yaml.gotmpl"));
    for name in [
        "README.md.gotmpl",
        "h.yaml.gotmpl",
        "a.yaml.j2",
        "b.yml.j2",
        "c.gotmpl",
        "d.ftl.yaml",
        "e.tpl.yaml",
        "f.j2",
        "g.txt",
    ] {
        write(dir.path(), name, &app);
    }
    let r = run(dir.path(), &["lint", "--format", "json", "."]);
    let json = parse_json(&r);
    let mut paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().trim_start_matches("./"))
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "a.yaml.j2",
            "b.yml.j2",
            "c.gotmpl",
            "d.ftl.yaml",
            "e.tpl.yaml",
            "h.yaml.gotmpl"
        ]
    );
    // Named explicitly, any name is linted.
    let r = run(dir.path(), &["lint", "--format", "json", "f.j2"]);
    assert_eq!(parse_json(&r)["diagnostics"][0]["rule"], MF);
}

/// Jinja and FreeMarker files get findings but no fix (the safety net re-parses Go
/// templates only); a Go-templated one keeps its fix.
#[test]
fn other_languages_offer_no_fix() {
    let r = run(
        Path::new(ROOT),
        &[
            "lint",
            "--format",
            "json",
            &format!("{DATA}/lang/missing.j2.yaml"),
            &format!("{DATA}/lang/missing.ftl.yml"),
            &format!("{DATA}/lang/values.yaml.gotmpl"),
        ],
    );
    let json = parse_json(&r);
    let fixes: Vec<(String, bool)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                !d["fix"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            ("missing.ftl.yml".to_string(), false),
            ("missing.j2.yaml".to_string(), false),
            ("values.yaml.gotmpl".to_string(), true)
        ]
    );
}
