//! Correctness on large inputs (issue 11, section 3): the linear-time paths (key maps for
//! large mappings, per-file line index and suppression look-ups, per-document fix layout,
//! one-pass fix planning, windowed diffs) give the same findings and fixes as before.
//! Timing itself is checked by `scripts/hostile-check.py`, never here.

mod common;

use common::{read, run, tempdir, write};
use gitops_lint::diagnostic::Diagnostic;
use gitops_lint::fix::apply::fix_text;
use gitops_lint::lint::{lint_text, FileOptions};

const HEAD: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n";
const CASCADE: &str = "resources-finalizer.argocd.argoproj.io";

fn lint(text: &str) -> Vec<Diagnostic> {
    lint_text("scale.yaml", text, FileOptions::default())
}

fn rules(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.rule).collect()
}

/// An Application `a{i}` without finalizer.
fn app(i: usize) -> String {
    format!("{HEAD}metadata:\n  name: a{i}\nspec:\n  project: default\n")
}

#[test]
fn a_duplicate_at_the_end_of_40k_keys_is_one_diagnostic_with_both_spans() {
    let keys: String = (0..39_999).map(|i| format!("  k{i}: v\n")).collect();
    let text = format!(
        "{HEAD}metadata:\n  name: k\n  finalizers: [{CASCADE}]\nspec:\n{keys}  k0: again\n"
    );
    let diags = lint(&text);
    assert_eq!(rules(&diags), ["syntax-error"], "{diags:#?}");
    let d = &diags[0];
    let second = text.rfind("k0: again").unwrap();
    let first = text.find("  k0: v").unwrap() + 2;
    assert_eq!(d.span, second..second + 2);
    assert_eq!(d.labels.len(), 1);
    assert_eq!(d.labels[0].span, first..first + 2);
    assert!(d.message.contains("duplicate key `k0`"), "{}", d.message);
}

#[test]
fn every_repeat_of_a_key_points_at_its_first_occurrence_in_small_and_large_mappings() {
    for size in [5, 40] {
        let mut keys: String = (0..size).map(|i| format!("  k{i}: v\n")).collect();
        keys.push_str("  k1: second\n  k2: again\n  k1: third\n");
        let text = format!("{HEAD}metadata:\n  name: k\n  finalizers: [{CASCADE}]\nspec:\n{keys}");
        let diags = lint(&text);
        let first = |key: &str| {
            let at = text.find(&format!("  {key}: v")).unwrap() + 2;
            at..at + key.len()
        };
        let got: Vec<(&str, std::ops::Range<usize>)> = diags
            .iter()
            .map(|d| (&text[d.span.clone()], d.labels[0].span.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("k1", first("k1")),
                ("k2", first("k2")),
                ("k1", first("k1"))
            ],
            "{size} keys"
        );
        let spans: Vec<usize> = diags.iter().map(|d| d.span.start).collect();
        assert!(spans.windows(2).all(|w| w[0] < w[1]), "in file order");
    }
}

#[test]
fn suppressions_apply_per_object_in_a_file_of_2000_objects() {
    // Every third object: a trailing comment on `metadata:`; every third + 1: a comment on
    // its own line above `metadata:`; the rest are reported. The last object has a
    // finalizer and a suppression that suppresses nothing.
    let n = 2000;
    let mut docs: Vec<String> = (0..n)
        .map(|i| match i % 3 {
            0 => app(i).replace(
                "metadata:\n",
                "metadata: # gitops-lint: ignore[missing-finalizer] ok\n",
            ),
            1 => app(i).replace(
                "metadata:\n",
                "# gitops-lint: ignore[missing-finalizer] ok\nmetadata:\n",
            ),
            _ => app(i),
        })
        .collect();
    docs.push(format!(
        "{HEAD}metadata: # gitops-lint: ignore[missing-finalizer] unused\n  name: last\n  finalizers: [{CASCADE}]\nspec: {{}}\n"
    ));
    let text = docs.join("---\n");
    let diags = lint(&text);
    let missing: Vec<String> = diags
        .iter()
        .filter(|d| d.rule == "missing-finalizer")
        .map(|d| d.object.as_ref().unwrap().name.clone().unwrap())
        .collect();
    let want: Vec<String> = (0..n)
        .filter(|i| i % 3 == 2)
        .map(|i| format!("a{i}"))
        .collect();
    assert_eq!(missing, want);
    let unused: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.rule == "unused-suppression")
        .collect();
    assert_eq!(unused.len(), 1, "{unused:#?}");
    assert!(unused[0].span.start > text.rfind("name: a1999").unwrap());
    assert_eq!(diags.len(), want.len() + 1);
}

#[test]
fn annotations_suppress_only_their_own_object_among_many() {
    let n = 1000;
    let text: Vec<String> = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                app(i).replace(
                    "  name:",
                    "  annotations:\n    ignore.gitops-lint.dev/missing-finalizer: ok\n  name:",
                )
            } else {
                app(i)
            }
        })
        .collect();
    let diags = lint(&text.join("---\n"));
    assert_eq!(diags.len(), n / 2);
    assert!(diags.iter().all(|d| d.rule == "missing-finalizer"
        && d.object.as_ref().unwrap().name.as_deref().unwrap()[1..]
            .parse::<usize>()
            .unwrap()
            % 2
            == 1));
}

/// Fix `text` with the library and check every object got the finalizer and the result
/// lints clean.
fn fix_all(text: &str, objects: usize) -> String {
    let diags = lint(text);
    assert_eq!(
        diags.iter().filter(|d| d.fix.is_some()).count(),
        objects,
        "one fix per object"
    );
    let result = fix_text("scale.yaml", text, diags, FileOptions::default(), false);
    assert_eq!(result.refused, None);
    assert_eq!(result.applied.len(), objects);
    let fixed = result.fixed.expect("fixed");
    assert_eq!(fixed.matches(CASCADE).count(), objects);
    assert!(lint(&fixed).is_empty(), "{:#?}", &lint(&fixed)[..1]);
    assert!(result.remaining.is_empty());
    fixed
}

#[test]
fn a_thousand_documents_are_all_fixed() {
    let text: Vec<String> = (0..1000).map(app).collect();
    let fixed = fix_all(&text.join("---\n"), 1000);
    // Each object got its own `finalizers:` under its own `metadata:`.
    assert_eq!(fixed.matches("\n  finalizers:\n    - ").count(), 1000);
    assert!(fixed.contains(&format!(
        "  name: a999\n  finalizers:\n    - {CASCADE}\nspec:"
    )));
}

#[test]
fn a_list_of_a_thousand_items_is_all_fixed_with_the_lists_own_indentation() {
    // One sibling list indented by 4 in the document: new lists follow it, per object.
    let items: String = (0..1000)
        .map(|i| {
            format!(
                "- apiVersion: argoproj.io/v1alpha1\n  kind: Application\n  metadata:\n    name: a{i}\n  spec:\n    project: default\n"
            )
        })
        .collect();
    let text = format!(
        "apiVersion: v1\nkind: List\nmetadata:\n  labels:\n    x: y\nitems:\n{items}extra:\n  list:\n      - a\n"
    );
    let fixed = fix_all(&text, 1000);
    assert_eq!(
        fixed
            .matches(&format!("\n    finalizers:\n        - {CASCADE}\n"))
            .count(),
        1000,
        "{}",
        &fixed[..400]
    );
}

#[test]
fn a_one_line_json_list_of_a_thousand_items_is_all_fixed() {
    let items: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                r#"{{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {{"name": "a{i}"}}, "spec": {{"project": "é"}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"apiVersion": "v1", "kind": "List", "items": [{}]}}"#,
        items.join(", ")
    );
    let fixed = fix_all(&text, 1000);
    assert!(!fixed.contains('\n'), "still one line");
    assert_eq!(
        fixed
            .matches(&format!(r#""name": "a7", "finalizers": ["{CASCADE}"]"#))
            .count(),
        1
    );
}

#[test]
fn cli_fix_and_diff_of_a_thousand_objects() {
    let dir = tempdir();
    let text: Vec<String> = (0..1000).map(app).collect();
    let text = text.join("---\n");
    write(dir.path(), "apps.yaml", &text);
    let diff = run(dir.path(), &["lint", "--diff", "apps.yaml"]);
    assert_eq!(diff.code, Some(1));
    assert_eq!(
        diff.stdout
            .lines()
            .filter(|l| l.starts_with('+') && l.contains(CASCADE))
            .count(),
        1000
    );
    let hunks = diff.stdout.lines().filter(|l| l.starts_with("@@ ")).count();
    assert_eq!(hunks, 1000, "a hunk per object");
    let fix = run(
        dir.path(),
        &["lint", "--fix", "--format", "concise", "apps.yaml"],
    );
    assert_eq!(fix.code, Some(0), "{}", fix.stderr);
    let fixed = read(dir.path(), "apps.yaml");
    assert_eq!(fixed.matches(CASCADE).count(), 1000);
    assert!(lint(&fixed).is_empty());
    // The diff described exactly the fix.
    let added: Vec<&str> = diff
        .stdout
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .map(|l| &l[1..])
        .collect();
    assert_eq!(added.len(), 2000);
    assert_eq!(fixed.lines().count(), text.lines().count() + 2000);
}

#[test]
fn columns_on_a_long_line_are_counted_in_characters() {
    // Findings far into a one-line JSON file with non-ASCII text before them.
    let items: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {{"name": "é{i}"}}, "spec": {{}}}}"#
            )
        })
        .collect();
    let text = format!(r#"{{"kind": "List", "items": [{}]}}"#, items.join(", "));
    let dir = tempdir();
    write(dir.path(), "list.json", &text);
    let r = run(dir.path(), &["lint", "--format", "concise", "list.json"]);
    let last = r
        .stdout
        .lines()
        .rfind(|l| l.contains("missing-finalizer"))
        .unwrap()
        .to_string();
    let span = lint(&text).last().unwrap().span.clone();
    assert!(span.start > text.rfind("é2998").unwrap());
    let col = text[..span.start].chars().count() + 1;
    assert!(last.starts_with(&format!("list.json:1:{col}:")), "{last}");
}

#[test]
fn each_of_many_broken_non_ascii_documents_gets_its_own_syntax_error() {
    // One parser run per broken document, all sharing the file's offset conversion.
    let docs: Vec<String> = (0..300)
        .map(|i| format!("{HEAD}metadata:\n  name: é{i}\n  x: [unclosed\nspec: {{}}\n"))
        .collect();
    let text = docs.join("---\n");
    let diags = lint(&text);
    assert_eq!(diags.len(), 300, "{:#?}", &diags[..2]);
    let mut start = 0;
    for (i, (d, doc)) in diags.iter().zip(&docs).enumerate() {
        assert_eq!(d.rule, "syntax-error");
        assert_eq!(d.document, Some(i));
        let spec = start + doc.find("spec:").unwrap() + "spec:".len();
        // Reported where the flow sequence runs into `spec:`, inside this document.
        assert!(
            start + doc.find("[unclosed").unwrap() < d.span.start && d.span.start <= spec,
            "document {i}: {:?} {:?}",
            d.span,
            &text[d.span.start.saturating_sub(10)..d.span.end + 10]
        );
        start += doc.len() + 4;
    }
}

#[test]
fn one_annotation_among_thousands_suppresses_every_duplicate_key_of_its_object() {
    let mut anns: String = (0..2000)
        .map(|i| format!("    ignore.gitops-lint.dev/x{i}: r\n"))
        .collect();
    let middle = anns[anns.len() / 2..].find('\n').unwrap() + anns.len() / 2 + 1;
    anns.insert_str(middle, "    ignore.gitops-lint.dev/syntax-error: known\n");
    let dups = "  k: v\n".repeat(101);
    let text = format!(
        "{HEAD}metadata:\n  name: a\n  finalizers: [{CASCADE}]\n  annotations:\n{anns}spec:\n{dups}"
    );
    let diags = lint(&text);
    assert!(diags.iter().all(|d| d.rule == "unused-suppression"));
    assert_eq!(diags.len(), 2000, "only the unknown rules are reported");
    assert!(diags.iter().all(|d| d.message.contains("unknown rule `x")));
}
