//! Commented-out decisions: a commented-out finalizer, or a comment saying the cascade was
//! left out on purpose, makes the `missing-finalizer` fix unsafe and the diagnostic says so.

use super::{data, fixed_line, lint_json, rules_of, visible};
use crate::common::{read, repo_tempdir as tempdir, run, write};
use gitops_lint::diagnostic::Applicability;
use gitops_lint::fix::check::data_fingerprints;
use gitops_lint::lint::{lint_text, FileOptions};
/// (file, the line of the comment each finding points at, commented out or words).
const DECISIONS: &[(&str, &[(usize, bool)])] = &[
    ("commented-block.yaml", &[(7, true)]),
    ("commented-flow-nospace.yaml", &[(8, true)]),
    ("commented-item.yaml", &[(7, true)]),
    ("commented-crlf.yaml", &[(7, true)]),
    ("commented-appset.yaml", &[(14, true)]),
    // The comment follows the block past a template line that outputs nothing.
    ("commented-after-template.yaml", &[(11, true)]),
    (
        "words.yaml",
        &[
            (4, false),
            (12, false),
            (19, false),
            (26, false),
            (35, false),
        ],
    ),
    ("words-above.yaml", &[(4, false), (17, false)]),
];

#[test]
fn a_commented_out_finalizer_makes_the_fix_unsafe() {
    for &(name, expected) in DECISIONS {
        let dir = tempdir();
        let original = data(name);
        write(dir.path(), name, &original);
        let (r, json) = lint_json(dir.path(), &[name]);
        assert_eq!(r.code, Some(1), "{name}");
        let diags = json["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), expected.len(), "{name}: {json}");
        for (d, &(line, commented_out)) in diags.iter().zip(expected) {
            assert_eq!(d["rule"], "missing-finalizer", "{name}");
            assert_eq!(d["fix"]["applicability"], "unsafe", "{name}: {d}");
            let help = d["help"].as_str().unwrap();
            let what = if commented_out {
                "a commented-out finalizer"
            } else {
                "the comment"
            };
            assert!(
                help.contains(&format!(
                    "{what} at line {line} suggests this is deliberate"
                )),
                "{name}: {help}"
            );
            let at = d["start"]["line"].as_u64().unwrap();
            assert!(
                help.contains(&format!(
                    "`# gitops-lint: ignore[missing-finalizer] <reason>` on its own line above \
                     line {at}"
                )),
                "{name}: {help}"
            );
        }
        // `--fix` keeps the decision; `--unsafe-fixes` applies the fix.
        let r = run(dir.path(), &["lint", "--fix", "--format", "concise", name]);
        assert_eq!(
            read(dir.path(), name),
            original,
            "{name}: --fix reversed it"
        );
        let n = expected.len();
        assert!(
            r.stderr.contains(&format!(
                "{n} fixable with `--fix --unsafe-fixes` (unsafe: review the change)."
            )),
            "{name}: {r:?}"
        );
        let full = run(dir.path(), &["lint", "--color", "never", name]);
        snapshot!(
            format!("decision-{}", name.rsplit_once('.').unwrap().0),
            visible(&full.stdout)
        );
        let r = run(dir.path(), &["lint", "--fix", "--unsafe-fixes", name]);
        assert_eq!(r.code, Some(0), "{name}: {r:?}");
        let fixed = read(dir.path(), name);
        assert_eq!(data_fingerprints(&fixed), data_fingerprints(&original));
        // The comment is still there: the fix only adds.
        for &(line, _) in expected {
            let comment = original.lines().nth(line - 1).unwrap();
            assert!(fixed.contains(comment), "{name}: {comment:?} lost");
        }
    }
}

/// The comment itself is labelled: its span is the comment, from `#` to the line's end.
#[test]
fn the_decision_comment_is_labelled() {
    let text = data("commented-block.yaml");
    let diags = lint_text("app.yaml", &text, FileOptions::default());
    let d = &diags[0];
    let label = d
        .labels
        .iter()
        .find(|l| l.message == "commented-out finalizer");
    let label = label.expect("a label on the comment");
    assert_eq!(&text[label.span.clone()], "# finalizers:");
    assert!(d
        .label
        .contains("(a commented-out finalizer at line 7 suggests this is deliberate)"));
    // CRLF: the span stops before the CR.
    let text = data("commented-crlf.yaml");
    let diags = lint_text("app.yaml", &text, FileOptions::default());
    let label = &diags[0].labels.last().unwrap();
    assert_eq!(
        &text[label.span.clone()],
        "#- \"resources-finalizer.argocd.argoproj.io/background\""
    );
    // A BOM, non-ASCII text, a comment right above `metadata:` on the first line.
    let text = "\u{feff}# Kein Finalizer – no finalizer: Daten bleiben\nmetadata:\n  name: ä\n\
        apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\n";
    let diags = lint_text("app.yaml", text, FileOptions::default());
    assert_eq!(diags.len(), 1, "{diags:?}");
    let label = diags[0].labels.last().unwrap();
    assert_eq!(
        &text[label.span.clone()],
        "# Kein Finalizer – no finalizer: Daten bleiben"
    );
    assert_eq!(
        diags[0].fix.as_ref().unwrap().applicability,
        Applicability::Unsafe
    );
}

/// Writing the suppression the help shows, where it says, silences the finding (and is
/// not an unused suppression).
#[test]
fn the_suggested_suppression_works() {
    for name in [
        "commented-block.yaml",
        "words.yaml",
        "words-above.yaml",
        "commented-crlf.yaml",
    ] {
        let dir = tempdir();
        let original = data(name);
        write(dir.path(), name, &original);
        let (_, json) = lint_json(dir.path(), &[name]);
        let mut lines: Vec<String> = original.split_inclusive('\n').map(str::to_string).collect();
        // From the last finding up, so that the line numbers stay right.
        for d in json["diagnostics"].as_array().unwrap().iter().rev() {
            let help = d["help"].as_str().unwrap();
            let (_, rest) = help.split_once("on its own line above line ").expect(help);
            let line: usize = rest.split(';').next().unwrap().parse().unwrap();
            let eol = if original.contains('\r') {
                "\r\n"
            } else {
                "\n"
            };
            lines.insert(
                line - 1,
                format!("# gitops-lint: ignore[missing-finalizer] kept on purpose{eol}"),
            );
        }
        write(dir.path(), name, &lines.concat());
        let (r, json) = lint_json(dir.path(), &[name]);
        assert_eq!(rules_of(&json), Vec::<String>::new(), "{name}: {json}");
        assert_eq!(r.code, Some(0));
    }
}

/// Comment-like text in scalars, reminders, and comments outside the metadata block keep
/// the fix safe.
#[test]
fn comment_like_data_and_reminders_keep_the_fix_safe() {
    let dir = tempdir();
    let name = "not-a-decision.yaml";
    let original = data(name);
    write(dir.path(), name, &original);
    let (_, json) = lint_json(dir.path(), &[name]);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 6, "{json}");
    for d in diags {
        assert_eq!(d["fix"]["applicability"], "safe", "{d}");
        assert!(!d["help"].as_str().unwrap().contains("deliberate"), "{d}");
    }
    let r = run(dir.path(), &["lint", "--fix", "--format", "concise", name]);
    assert_eq!(fixed_line(&r), "Fixed 6 problems in 1 file; 0 remaining.");
    let diff = {
        write(dir.path(), name, &original);
        run(dir.path(), &["lint", "--diff", name]).stdout
    };
    snapshot!("not-a-decision-diff", diff);
}
