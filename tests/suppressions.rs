//! Suppressions live in comments only: directive-looking text inside block scalars and
//! quoted strings is data; template comments are directives in templated files; malformed
//! directives and unknown rules are reported with the right form. Inputs are in
//! `tests/data/suppressions/`; each is snapshot with insta and checked structurally.

mod common;

use common::BIN;
use gitops_lint::diagnostic::Diagnostic;
use gitops_lint::lint::{lint_text, FileOptions};
use gitops_lint::source::LineIndex;
use serde_json::Value;
use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/suppressions");
const MISSING: &str = "missing-finalizer";
const UNUSED: &str = "unused-suppression";

fn lint(path: &str, text: &str) -> Vec<Diagnostic> {
    lint_text(path, text, FileOptions::default())
}

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

/// One line per diagnostic: line:column, rule, the exact text of its span, message,
/// label and help.
fn render(text: &str, diags: &[Diagnostic]) -> String {
    let lines = LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let at = lines.line_col(text, d.span.start);
            format!(
                "{}:{} {} `{}`\n  {}\n  label: {}\n  help: {}\n",
                at.line,
                at.column,
                d.rule,
                &text[d.span.clone()],
                d.message,
                d.label,
                d.help.as_deref().unwrap_or("-"),
            )
        })
        .collect()
}

/// Lint a data file, snapshot the result, and return it.
fn lint_data(name: &str) -> (String, Vec<Diagnostic>) {
    let text = data(name);
    let diags = lint(name, &text);
    insta::with_settings!({ description => format!("tests/data/suppressions/{name}"), omit_expression => true }, {
        insta::assert_snapshot!(name.replace('.', "-"), render(&text, &diags));
    });
    (text, diags)
}

/// `(rule, 1-based line)` of each diagnostic.
fn at_lines(text: &str, diags: &[Diagnostic]) -> Vec<(String, usize)> {
    let lines = LineIndex::new(text);
    diags
        .iter()
        .map(|d| (d.rule.to_string(), lines.line_of(d.span.start)))
        .collect()
}

/// The Application names with a `missing-finalizer` finding.
fn missing(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.rule == MISSING)
        .map(|d| d.object.as_ref().unwrap().name.clone().unwrap())
        .collect()
}

fn unused(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.rule == UNUSED).collect()
}

#[test]
fn directive_in_block_scalars_is_data() {
    let (text, diags) = lint_data("block-scalars.yaml");
    // `a`: the `|`, `>` and `|-` texts suppress nothing and are not unused suppressions;
    // `b` (comment after a dedent) and `c` (after `|+` kept lines) are suppressed.
    assert_eq!(missing(&diags), ["a"]);
    let u = unused(&diags);
    assert_eq!(u.len(), 1, "{diags:#?}");
    // The comment on the block header line is a real comment.
    assert_eq!(&text[u[0].span.clone()], "unknown-finalizer");
    assert!(
        text[text[..u[0].span.start].rfind('\n').unwrap()..u[0].span.start]
            .contains("note: | # gitops-lint: ignore[")
    );
}

#[test]
fn directive_in_quoted_strings_is_data() {
    let (text, diags) = lint_data("quoted.yaml");
    // a, b: a multi-line single-/double-quoted string; c: a quoted name on the key's line.
    // d: a comment right after a quoted scalar suppresses; e: a trailing comment on the
    // line above covers only its own line.
    assert_eq!(
        missing(&diags),
        [
            "a",
            "b",
            "c # gitops-lint: ignore[missing-finalizer] on the key's line",
            "e"
        ]
    );
    let u = unused(&diags);
    assert_eq!(u.len(), 1);
    let line = LineIndex::new(&text).line_of(u[0].span.start);
    assert!(text
        .lines()
        .nth(line - 1)
        .unwrap()
        .contains("\"ends here\""));
}

#[test]
fn directive_after_plain_scalars() {
    let (_, diags) = lint_data("plain-scalars.yaml");
    assert_eq!(missing(&diags), ["a"]);
    assert!(unused(&diags).is_empty(), "{diags:#?}");
}

#[test]
fn template_comments_are_directives() {
    let (_, diags) = lint_data("templated.yaml");
    // a, b, c: suppressed by `{{/* */}}`, `{{- /* */ -}}` and a comment over several lines;
    // d: `#` inside an action is not a comment; e: a template comment inside a block
    // scalar is data.
    assert_eq!(missing(&diags), ["d", "e"]);
    assert!(unused(&diags).is_empty(), "{diags:#?}");
}

#[test]
fn malformed_directives_and_unknown_rules() {
    let (text, diags) = lint_data("malformed.yaml");
    let u = unused(&diags);
    // Lines 2-3 mention the tool: not reported. One per malformed line and the annotation.
    let lines: Vec<usize> = at_lines(&text, &diags).iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, [9, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert_eq!(u.len(), diags.len());
    let by_line = |l: usize| u[lines.iter().position(|&x| x == l).unwrap()];
    // Unknown rules: "did you mean" when close, in the annotation and in the comment.
    for l in [9, 17] {
        assert!(text[by_line(l).span.clone()].ends_with("missing-finaliser"));
        assert_eq!(
            by_line(l).help.as_deref(),
            Some("did you mean `missing-finalizer`?")
        );
    }
    assert_eq!(&text[by_line(17).span.clone()], "missing-finaliser");
    assert!(!by_line(18)
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean"));
    // Malformed forms: span from `gitops-lint:` over the faulty part, help with the form.
    let spans: Vec<&str> = (11..=16).map(|l| &text[by_line(l).span.clone()]).collect();
    assert_eq!(
        spans,
        [
            "gitops-lint: ignore",
            "gitops-lint: ignore[missing-finalizer unclosed",
            "gitops-lint: ignore[]",
            "gitops-lint: ignroe",
            "gitops-lint: disable",
            "gitops-lint: missing-finalizer",
        ]
    );
    assert_eq!(
        by_line(11).help.as_deref(),
        Some("write it as `# gitops-lint: ignore[missing-finalizer] no brackets`")
    );
    assert_eq!(by_line(14).label, "did you mean `ignore`?");
    assert_eq!(&text[by_line(19).span.clone()], "gitops-lint");
    assert_eq!(
        by_line(19).help.as_deref(),
        Some("write it as `# gitops-lint: ignore[missing-finalizer] no colon`")
    );
    for l in 11..=16 {
        assert!(by_line(l)
            .message
            .starts_with("malformed suppression comment"));
        assert!(by_line(l).help.as_deref().unwrap().contains("ignore["));
    }
}

/// Spans are exact with CRLF line ends, a BOM and non-ASCII text before the directive, in
/// comments and template comments.
#[test]
fn spans_exact_with_crlf_bom_and_non_ascii() {
    let base = "# gitops-lint: ignore[missing-finaliser] é\napiVersion: argoproj.io/v1alpha1\n\
        {{- /* gitops-lint: ignore[ unknown-finaliser ] ö */ -}}\nkind: Application\nspec:\n  note: |\n    ü # gitops-lint: ignore[missing-finalizer] data\n\
        metadata:  # ünïcode gitops-lint: no # gitops-lint: ignroe[x]\n  name: ä\n";
    for (bom, crlf) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut text = base.to_string();
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if bom {
            text.insert(0, '\u{feff}');
        }
        let diags = lint("a.yaml", &text);
        let got: Vec<(&str, &str)> = diags
            .iter()
            .map(|d| (d.rule, &text[d.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                (UNUSED, "missing-finaliser"),
                (UNUSED, "unknown-finaliser"),
                (MISSING, "metadata"),
                (UNUSED, "gitops-lint: ignroe"),
            ],
            "bom {bom} crlf {crlf}"
        );
    }
}

/// A document whose YAML breaks is not checked: a directive in it (before the error, or
/// after it where the parser did not reach) suppresses, but is not reported when it
/// suppresses nothing; one inside a block scalar before the error is still data. The
/// documents around it are checked as usual.
#[test]
fn directives_around_a_syntax_error() {
    let broken = |directive: &str| {
        format!(
            "# gitops-lint: ignore[missing-finalizer] before the error\n\
             apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  a: |\n    \
             # gitops-lint: ignore[syntax-error] data\n  b: [unclosed\n\
             # gitops-lint: ignore[{directive}] after the error\nmetadata:\n  name: x\n\
             ---\n{}",
            common::good("y").replace(
                "metadata:",
                "metadata: # gitops-lint: ignore[missing-finalizer]"
            )
        )
    };
    let text = broken("syntax-error");
    let diags = lint("a.yaml", &text);
    // Only the directive of the next, well-formed document is reported.
    assert_eq!(at_lines(&text, &diags), [(UNUSED.to_string(), 14)]);
    let text = broken("missing-finalizer");
    let diags = lint("a.yaml", &text);
    assert_eq!(
        at_lines(&text, &diags),
        [("syntax-error".to_string(), 9), (UNUSED.to_string(), 14)]
    );
}

/// A templated document that does not parse is not checked: its directives are not
/// reported.
#[test]
fn directives_in_a_templated_document_that_does_not_parse() {
    let text = "# gitops-lint: ignore[missing-finalizer] root app\n\
        apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\n\
        spec: {{ .Values.spec }}\n    bad: indentation\n";
    let diags = lint("a.yaml", text);
    assert!(diags.iter().any(|d| d.rule == "not-checked"), "{diags:#?}");
    assert!(unused(&diags).is_empty(), "{diags:#?}");
}

/// JSON has no comments: a `#` line in a JSON file is reported and suppresses nothing; text
/// in a JSON string is data.
#[test]
fn json_files_have_no_comments() {
    let text = "{\"apiVersion\": \"argoproj.io/v1alpha1\", \"kind\": \"Application\",\n\
        \"spec\": {\"note\": \"# gitops-lint: ignore[missing-finalizer] data\"},\n\
        # gitops-lint: ignore[missing-finalizer] a comment\n\"metadata\": {\"name\": \"j\"}}\n";
    let diags = lint("app.json", text);
    assert_eq!(missing(&diags), ["j"]);
    let u = unused(&diags);
    assert_eq!(u.len(), 1);
    assert_eq!(&text[u[0].span.clone()], "missing-finalizer");
    assert!(u[0].message.contains("JSON has no comments"));
    // The same text as YAML: the comment suppresses.
    assert!(lint("app.yaml", text).is_empty());
}

/// A trailing template comment covers its own line; one alone on its line covers the next.
#[test]
fn template_comment_lines() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\n\
        metadata: # x {{/* gitops-lint: ignore[missing-finalizer] trailing */}}\n  name: t\n";
    assert!(lint("a.yaml", text).is_empty());
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n\
        {{/* gitops-lint: ignore[missing-finalizer] two lines above */}}\nspec: {}\nmetadata:\n  \
        name: t\n";
    let diags = lint("a.yaml", text);
    assert_eq!(missing(&diags), ["t"]);
    assert_eq!(unused(&diags).len(), 1);
}

/// Directives name rules that exist and suppress what they say.
#[test]
fn annotations_keep_working() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\nmetadata:\n  \
        name: n\n  annotations:\n    ignore.gitops-lint.dev/missing-finalizer: \"root app\"\n";
    assert!(lint("a.yaml", text).is_empty());
}

fn lint_json(args: &[&str]) -> Vec<Value> {
    let out = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("lint")
        .args(["--format", "json", "--isolated"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// The project's own rule data holds directive examples inside `|` blocks: no
/// `unused-suppression` (nor anything else) from them, nor from the README's examples.
#[test]
fn own_rules_folder_and_readme_report_no_suppression() {
    let diags = lint_json(&["rules/"]);
    assert!(diags.is_empty(), "{diags:#?}");
    let diags = lint_json(&["README.md"]);
    assert!(diags.iter().all(|d| d["rule"] != UNUSED), "{diags:#?}");
}
