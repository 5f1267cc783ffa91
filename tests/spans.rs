//! Span accuracy: every diagnostic's byte span slices exactly the text it is about, and the
//! line/column shown for it are right, through the library API and through the CLI's JSON
//! output, for line endings, BOMs, non-ASCII text, flow style, multi-document files, quoted
//! scalars and JSON input.

use gitops_lint::diagnostic::Diagnostic;
use gitops_lint::lint::{lint_text, FileOptions};
use gitops_lint::source::{LineCol, LineIndex};
use gitops_lint::yaml::{self, Node, NodeKind, Style};
use proptest::prelude::*;
use serde_json::Value;
use std::process::Command;

const MISSING: &str = "missing-finalizer";
const UNKNOWN: &str = "unknown-finalizer";
const CONTROLLER: &str = "controller-managed-finalizer";
const SYNTAX: &str = "syntax-error";

/// One diagnostic a source must produce.
#[derive(Debug, Clone, Copy)]
struct Expect {
    rule: &'static str,
    /// Exactly the text the primary span covers.
    text: &'static str,
    /// 1-based line and column (Unicode scalar values, BOM not counted) of the span start.
    line: usize,
    column: usize,
    /// 0-based document index.
    document: usize,
}

const fn ex(
    rule: &'static str,
    text: &'static str,
    line: usize,
    column: usize,
    document: usize,
) -> Expect {
    Expect {
        rule,
        text,
        line,
        column,
        document,
    }
}

/// Line/column of the end of a single-line span starting at `e`.
fn end_of(e: &Expect) -> (usize, usize) {
    assert!(!e.text.contains('\n'), "expectations are single-line spans");
    (e.line, e.column + e.text.chars().count())
}

fn lint(path: &str, source: &str) -> Vec<Diagnostic> {
    lint_text(path, source, FileOptions::default())
}

/// Run the binary on `content` stored as `file_name` in a fresh directory, return its JSON.
fn cli_json(file_name: &str, content: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file_name), content).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
        .current_dir(dir.path())
        .args(["lint", "--format", "json", file_name])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Check `source` (stored as `file_name`) gives exactly the `expected` diagnostics, with
/// exact span text, line/column and document index, both through the library and the CLI.
fn check(file_name: &str, source: &str, expected: &[Expect]) {
    // Library.
    let diags = lint(file_name, source);
    let index = LineIndex::new(source);
    let summary: Vec<String> = diags
        .iter()
        .map(|d| format!("{} {:?} {:?}", d.rule, d.span, source.get(d.span.clone())))
        .collect();
    assert_eq!(
        diags.len(),
        expected.len(),
        "{file_name}: got {summary:#?}, expected {expected:#?}"
    );
    for e in expected {
        let d = diags
            .iter()
            .find(|d| {
                d.rule == e.rule
                    && index.line_col(source, d.span.start)
                        == LineCol {
                            line: e.line,
                            column: e.column,
                        }
            })
            .unwrap_or_else(|| panic!("{file_name}: no {e:?} in {summary:#?}"));
        assert!(source.is_char_boundary(d.span.start) && source.is_char_boundary(d.span.end));
        assert_eq!(
            &source[d.span.clone()],
            e.text,
            "{file_name}: span of {e:?}"
        );
        let (end_line, end_column) = end_of(e);
        assert_eq!(
            index.line_col(source, d.span.end),
            LineCol {
                line: end_line,
                column: end_column
            },
            "{file_name}: end of {e:?}"
        );
        assert_eq!(
            d.document,
            Some(e.document),
            "{file_name}: document of {e:?}"
        );
    }
    // Library diagnostics come sorted by offset.
    assert!(diags.windows(2).all(|w| w[0].span.start <= w[1].span.start));

    // CLI JSON.
    let json = cli_json(file_name, source.as_bytes());
    let list = json["diagnostics"].as_array().unwrap();
    assert_eq!(list.len(), expected.len(), "{file_name}: CLI {json:#}");
    let bytes = source.as_bytes();
    for e in expected {
        let d = list
            .iter()
            .find(|d| {
                d["rule"] == e.rule
                    && d["start"]["line"] == e.line
                    && d["start"]["column"] == e.column
            })
            .unwrap_or_else(|| panic!("{file_name}: CLI has no {e:?} in {json:#}"));
        let offset = d["span"]["offset"].as_u64().unwrap() as usize;
        let length = d["span"]["length"].as_u64().unwrap() as usize;
        assert_eq!(
            &bytes[offset..offset + length],
            e.text.as_bytes(),
            "{file_name}: CLI span of {e:?}"
        );
        let (end_line, end_column) = end_of(e);
        assert_eq!(d["end"]["line"], end_line, "{file_name}: CLI end of {e:?}");
        assert_eq!(
            d["end"]["column"], end_column,
            "{file_name}: CLI end of {e:?}"
        );
        assert_eq!(
            d["document"], e.document,
            "{file_name}: CLI document of {e:?}"
        );
        assert_eq!(d["path"], file_name);
        // The library and the CLI agree on the bytes.
        let lib = diags
            .iter()
            .find(|l| l.rule == e.rule && &source[l.span.clone()] == e.text)
            .unwrap();
        assert_eq!((offset, length), (lib.span.start, lib.span.len()));
    }
}

const APP_HEAD: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n";

#[test]
fn crlf_line_endings_count_one_line_break() {
    let source = "apiVersion: argoproj.io/v1alpha1\r\n\
                  kind: Application\r\n\
                  metadata:\r\n\
                  \x20 name: crlf-app\r\n\
                  \x20 namespace: argocd\r\n\
                  \x20 finalizers:\r\n\
                  \x20   - resources-finalizer.argocd.argoproj.io/Foreground\r\n\
                  \x20   - post-delete-finalizer.argocd.argoproj.io\r\n\
                  spec:\r\n\
                  \x20 project: default\r\n";
    check(
        "crlf.yaml",
        source,
        &[
            ex(MISSING, "finalizers", 6, 3, 0),
            ex(
                UNKNOWN,
                "resources-finalizer.argocd.argoproj.io/Foreground",
                7,
                7,
                0,
            ),
            ex(
                CONTROLLER,
                "post-delete-finalizer.argocd.argoproj.io",
                8,
                7,
                0,
            ),
        ],
    );
}

#[test]
fn crlf_missing_finalizers_points_at_metadata_key() {
    let source = "# header\r\n\r\napiVersion: argoproj.io/v1alpha1\r\nkind: Application\r\n\
                  metadata:\r\n  name: a\r\nspec:\r\n  project: default\r\n";
    check("crlf2.yaml", source, &[ex(MISSING, "metadata", 5, 1, 0)]);
}

#[test]
fn bom_is_not_a_column() {
    // The finding is on line 1, right after the BOM.
    let source = "\u{feff}kind: \"Application\"\napiVersion: argoproj.io/v1alpha1\n\
                  spec:\n  project: default\n";
    check(
        "bom.yaml",
        source,
        &[ex(MISSING, "\"Application\"", 1, 7, 0)],
    );
}

#[test]
fn bom_with_flow_document_on_line_one() {
    let source = "\u{feff}{apiVersion: argoproj.io/v1alpha1, kind: Application, \
                  metadata: {name: 你好}, spec: {}}\n";
    check(
        "bom-flow.yaml",
        source,
        &[ex(MISSING, "metadata", 1, 55, 0)],
    );
}

#[test]
fn bom_crlf_and_cjk_comment() {
    let source =
        "\u{feff}# 说明：注释\r\napiVersion: argoproj.io/v1alpha1\r\nkind: Application\r\n\
                  metadata:\r\n  name: 你好-app\r\nspec: {}\r\n";
    check("bom-crlf.yaml", source, &[ex(MISSING, "metadata", 4, 1, 0)]);
}

#[test]
fn cjk_in_comments_and_values_before_the_finding() {
    let source = "# 说明：这是一个应用的注释\n\
                  apiVersion: argoproj.io/v1alpha1\n\
                  kind: Application\n\
                  metadata:\n\
                  \x20 name: 你好-app  # 应用名称\n\
                  \x20 annotations:\n\
                  \x20   描述: 你好，世界\n\
                  \x20 finalizers:  # 终结器列表\n\
                  \x20   - 你好.argocd.argoproj.io/注释\n\
                  spec:\n\
                  \x20 project: 默认\n";
    check(
        "cjk.yaml",
        source,
        &[
            ex(MISSING, "finalizers", 8, 3, 0),
            ex(UNKNOWN, "你好.argocd.argoproj.io/注释", 9, 7, 0),
        ],
    );
}

#[test]
fn cjk_on_the_same_line_before_the_finding() {
    let source = "apiVersion: argoproj.io/v1alpha1\n\
                  kind: Application\n\
                  metadata: {name: 你好-app, finalizers: [资源-finalizer.argocd.argoproj.io]}\n\
                  spec: {}\n";
    check(
        "cjk-flow.yaml",
        source,
        &[
            ex(MISSING, "finalizers", 3, 26, 0),
            ex(UNKNOWN, "资源-finalizer.argocd.argoproj.io", 3, 39, 0),
        ],
    );
}

#[test]
fn emoji_including_zwj_sequences_count_scalar_values() {
    // 👩‍💻 is three scalar values (U+1F469 U+200D U+1F4BB), each emoji four UTF-8 bytes.
    let source = "# 🚀🚀 deploy 🎉\n\
                  apiVersion: argoproj.io/v1alpha1\n\
                  kind: Application\n\
                  metadata: {name: \"🎉🎉-app\", labels: {team: 👩‍💻}, finalizers: [🔥.argoproj.io]}\n\
                  spec: {}\n";
    check(
        "emoji.yaml",
        source,
        &[
            ex(MISSING, "finalizers", 4, 49, 0),
            ex(UNKNOWN, "🔥.argoproj.io", 4, 62, 0),
        ],
    );
}

#[test]
fn long_non_ascii_prefix_crosses_char_index_checkpoints() {
    // More than 64 (and 128, 192, ...) non-ASCII characters before the finding, so the
    // char → byte conversion must cross several checkpoints.
    let mut source = String::new();
    for n in [63, 64, 65, 130] {
        source.push_str("# ");
        source.push_str(&"好".repeat(n));
        source.push('\n');
    }
    source.push_str(APP_HEAD);
    source.push_str(&format!("metadata:\n  name: {}\n", "🎉".repeat(70)));
    source.push_str("  finalizers: [x.argoproj.io]\nspec: {}\n");
    let diags = lint("long.yaml", &source);
    let index = LineIndex::new(&source);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert_eq!(&source[diags[0].span.clone()], "finalizers");
    assert_eq!(
        index.line_col(&source, diags[0].span.start),
        LineCol { line: 9, column: 3 }
    );
    assert_eq!(&source[diags[1].span.clone()], "x.argoproj.io");
    assert_eq!(
        index.line_col(&source, diags[1].span.start),
        LineCol {
            line: 9,
            column: 16
        }
    );
}

#[test]
fn flow_style_metadata() {
    let source = format!("{APP_HEAD}metadata: {{name: x}}\nspec: {{project: default}}\n");
    check("flow-md.yaml", &source, &[ex(MISSING, "metadata", 3, 1, 0)]);
}

#[test]
fn flow_style_finalizers_list() {
    let source = "apiVersion: argoproj.io/v1alpha1\n\
                  kind: Application\n\
                  metadata:\n\
                  \x20 name: flow\n\
                  \x20 finalizers: [pre-delete-finalizer.argocd.argoproj.io, \
                  \"resources-finalizer.argocd.argoproj.io/Background\"]\n\
                  spec: {}\n";
    check(
        "flow-fin.yaml",
        source,
        &[
            ex(MISSING, "finalizers", 5, 3, 0),
            ex(
                CONTROLLER,
                "pre-delete-finalizer.argocd.argoproj.io",
                5,
                16,
                0,
            ),
            ex(
                UNKNOWN,
                "\"resources-finalizer.argocd.argoproj.io/Background\"",
                5,
                57,
                0,
            ),
        ],
    );
}

#[test]
fn multi_document_finding_in_second_of_three() {
    let source = "---\n\
                  # first: a ConfigMap\n\
                  apiVersion: v1\n\
                  kind: ConfigMap\n\
                  metadata:\n\
                  \x20 name: cm\n\
                  ...\n\
                  ---\n\
                  apiVersion: argoproj.io/v1alpha1\n\
                  kind: Application\n\
                  metadata:\n\
                  \x20 name: second\n\
                  spec: {}\n\
                  ...\n\
                  ---\n\
                  apiVersion: argoproj.io/v1alpha1\n\
                  kind: Application\n\
                  metadata:\n\
                  \x20 name: third\n\
                  \x20 finalizers:\n\
                  \x20   - resources-finalizer.argocd.argoproj.io\n\
                  spec: {}\n";
    check("multi.yaml", source, &[ex(MISSING, "metadata", 11, 1, 1)]);
}

#[test]
fn multi_document_crlf_non_ascii_finding_in_third() {
    let source = "--- # 第一个\r\n\
                  apiVersion: argoproj.io/v1alpha1\r\n\
                  kind: Application\r\n\
                  metadata:\r\n\
                  \x20 name: 一\r\n\
                  \x20 finalizers: [resources-finalizer.argocd.argoproj.io]\r\n\
                  spec: {}\r\n\
                  --- # 🎉 第二个\r\n\
                  apiVersion: v1\r\n\
                  kind: ConfigMap\r\n\
                  data: {k: 值}\r\n\
                  ...\r\n\
                  --- \r\n\
                  apiVersion: argoproj.io/v1alpha1\r\n\
                  kind: 'Application'\r\n\
                  spec: {}\r\n";
    check(
        "multi-crlf.yaml",
        source,
        &[ex(MISSING, "'Application'", 15, 7, 2)],
    );
}

#[test]
fn multi_document_with_a_syntax_error_in_the_middle() {
    let source = "apiVersion: v1\n\
                  kind: ConfigMap\n\
                  ---\n\
                  # 坏的文档\n\
                  data: [unterminated\n\
                  ---\n\
                  apiVersion: argoproj.io/v1alpha1\n\
                  kind: Application\n\
                  metadata: {name: 第三}\n\
                  spec: {}\n";
    let diags = lint("broken.yaml", source);
    let index = LineIndex::new(source);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    let syntax = diags.iter().find(|d| d.rule == SYNTAX).unwrap();
    assert_eq!(syntax.document, Some(1));
    let at = index.line_col(source, syntax.span.start);
    assert!(
        (5..=6).contains(&at.line),
        "syntax error should be reported at the broken flow sequence, got {at:?}"
    );
    let missing = diags.iter().find(|d| d.rule == MISSING).unwrap();
    assert_eq!(missing.document, Some(2));
    assert_eq!(&source[missing.span.clone()], "metadata");
    assert_eq!(
        index.line_col(source, missing.span.start),
        LineCol { line: 9, column: 1 }
    );

    let json = cli_json("broken.yaml", source.as_bytes());
    let list = json["diagnostics"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["rule"], SYNTAX);
    assert_eq!(list[0]["document"], 1);
    assert_eq!(list[1]["rule"], MISSING);
    assert_eq!(list[1]["document"], 2);
    assert_eq!(list[1]["start"]["line"], 9);
    assert_eq!(list[1]["start"]["column"], 1);
}

#[test]
fn no_trailing_newline_finding_on_last_line() {
    let source = "apiVersion: argoproj.io/v1alpha1\nspec:\n  project: default\nkind: Application";
    check("eof.yaml", source, &[ex(MISSING, "Application", 4, 7, 0)]);
}

#[test]
fn no_trailing_newline_empty_finalizers_at_eof() {
    let source = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\n\
                  metadata:\n  name: 末尾\n  finalizers:";
    check("eof2.yaml", source, &[ex(MISSING, "finalizers", 6, 3, 0)]);
}

#[test]
fn no_trailing_newline_finalizer_item_at_eof() {
    let source = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {}\n\
                  metadata:\n  finalizers:\n  - post-delete-finalizer.argocd.argoproj.io/cleanup";
    check(
        "eof3.yaml",
        source,
        &[
            ex(MISSING, "finalizers", 5, 3, 0),
            ex(
                CONTROLLER,
                "post-delete-finalizer.argocd.argoproj.io/cleanup",
                6,
                5,
                0,
            ),
        ],
    );
}

#[test]
fn double_quoted_kind_span_includes_quotes() {
    let source = "apiVersion: 'argoproj.io/v1alpha1'\nkind: \"Application\"\nspec: {}\n";
    check(
        "dq.yaml",
        source,
        &[ex(MISSING, "\"Application\"", 2, 7, 0)],
    );
}

#[test]
fn single_quoted_kind_span_includes_quotes() {
    let source = "apiVersion: argoproj.io/v1alpha1\nkind: 'Application'\nspec: {}\n";
    check("sq.yaml", source, &[ex(MISSING, "'Application'", 2, 7, 0)]);
}

#[test]
fn quoted_keys_and_items() {
    let source = "\"apiVersion\": \"argoproj.io/v1alpha1\"\n\
                  \"kind\": \"Application\"\n\
                  \"metadata\":\n\
                  \x20 \"name\": \"q\"\n\
                  \x20 'finalizers':\n\
                  \x20   - 'resources-finalizer.argocd.argoproj.io/Foreground'\n\
                  \x20   - \"post-delete-finalizer.argocd.argoproj.io\"\n\
                  \"spec\": {}\n";
    check(
        "quoted.yaml",
        source,
        &[
            ex(MISSING, "'finalizers'", 5, 3, 0),
            ex(
                UNKNOWN,
                "'resources-finalizer.argocd.argoproj.io/Foreground'",
                6,
                7,
                0,
            ),
            ex(
                CONTROLLER,
                "\"post-delete-finalizer.argocd.argoproj.io\"",
                7,
                7,
                0,
            ),
        ],
    );
}

#[test]
fn quoted_metadata_key_without_finalizers() {
    let source = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n\"metadata\": {\"name\": \"q\"}\nspec: {}\n";
    check("qmd.yaml", source, &[ex(MISSING, "\"metadata\"", 3, 1, 0)]);
}

#[test]
fn json_file_pretty() {
    let source = "{\n\
                  \x20 \"apiVersion\": \"argoproj.io/v1alpha1\",\n\
                  \x20 \"kind\": \"Application\",\n\
                  \x20 \"metadata\": {\n\
                  \x20   \"name\": \"json-app\",\n\
                  \x20   \"finalizers\": [\n\
                  \x20     \"resources-finalizer.argocd.argoproj.io/Foreground\"\n\
                  \x20   ]\n\
                  \x20 },\n\
                  \x20 \"spec\": {\"project\": \"default\"}\n\
                  }\n";
    check(
        "app.json",
        source,
        &[
            ex(MISSING, "\"finalizers\"", 6, 5, 0),
            ex(
                UNKNOWN,
                "\"resources-finalizer.argocd.argoproj.io/Foreground\"",
                7,
                7,
                0,
            ),
        ],
    );
}

#[test]
fn json_file_compact_no_newline() {
    let source = "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\",\"spec\":{}}";
    check(
        "compact.json",
        source,
        &[ex(MISSING, "\"Application\"", 1, 45, 0)],
    );
}

#[test]
fn json_file_missing_metadata_finalizers() {
    let source = "{\"apiVersion\": \"argoproj.io/v1alpha1\", \"kind\": \"Application\", \
                  \"metadata\": {\"name\": \"j\"}, \"spec\": {}}";
    check("j.json", source, &[ex(MISSING, "\"metadata\"", 1, 63, 0)]);
}

#[test]
fn cli_reports_columns_after_bom_on_line_one() {
    // The JSON renderer must not count the BOM either (checked separately from `check`,
    // on raw bytes).
    let bytes = b"\xef\xbb\xbfkind: Application\napiVersion: argoproj.io/v1alpha1\nspec: {}\n";
    let json = cli_json("raw-bom.yaml", bytes);
    let d = &json["diagnostics"][0];
    assert_eq!(d["span"]["offset"], 9);
    assert_eq!(d["span"]["length"], 11);
    assert_eq!(d["start"]["line"], 1);
    assert_eq!(d["start"]["column"], 7);
    assert_eq!(d["end"]["column"], 18);
}

#[test]
fn cli_positions_of_invalid_utf8() {
    // The error points at the first invalid byte; line/column come from the valid prefix
    // (CJK before it on an earlier line, a BOM and CRLF in the second file).
    let mut bytes = "apiVersion: argoproj.io/v1alpha1\n# 你好\nkind: "
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"\xff\n");
    let json = cli_json("inv.yaml", &bytes);
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], SYNTAX);
    assert_eq!(d["span"]["offset"], 48);
    assert_eq!(d["span"]["length"], 0);
    assert_eq!(
        (&d["start"]["line"], &d["start"]["column"]),
        (&3.into(), &7.into())
    );

    let mut bytes = b"\xef\xbb\xbfapiVersion: argoproj.io/v1alpha1\r\nkind: Application\r\n\
                      metadata:\r\n  name: "
        .to_vec();
    let at = bytes.len();
    bytes.extend_from_slice(b"\xc3\r\n");
    let json = cli_json("inv2.yaml", &bytes);
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], SYNTAX);
    assert_eq!(d["span"]["offset"], at);
    assert_eq!(
        (&d["start"]["line"], &d["start"]["column"]),
        (&4.into(), &9.into())
    );
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Node spans of the parsed tree.

/// Visit every node of a tree, with its parent's span.
fn walk<'a>(
    node: &'a Node,
    parent: Option<&'a Node>,
    f: &mut dyn FnMut(&'a Node, Option<&'a Node>),
) {
    f(node, parent);
    match &node.kind {
        NodeKind::Mapping { entries, .. } => {
            for e in entries {
                walk(&e.key, Some(node), f);
                walk(&e.value, Some(node), f);
            }
        }
        NodeKind::Sequence { items, .. } => {
            for i in items {
                walk(i, Some(node), f);
            }
        }
        NodeKind::Scalar { .. } | NodeKind::Alias => {}
    }
}

/// The text a simple scalar (no escapes, single line) should have in the source.
fn expected_scalar_text(value: &str, style: Style) -> Option<String> {
    if value.contains(['\n', '\\']) {
        return None;
    }
    match style {
        Style::Plain if !value.is_empty() => Some(value.to_string()),
        Style::SingleQuoted if !value.contains('\'') => Some(format!("'{value}'")),
        Style::DoubleQuoted if !value.contains('"') => Some(format!("\"{value}\"")),
        _ => None,
    }
}

/// Check the spans of every node of every document of `source`.
fn check_tree(source: &str) -> yaml::ParseOutput {
    let parsed = yaml::parse(source, source);
    for doc in &parsed.documents {
        walk(&doc.root, None, &mut |node, parent| {
            let span = node.span.clone();
            assert!(
                span.start <= span.end && span.end <= source.len(),
                "{span:?}"
            );
            assert!(
                source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
                "span {span:?} cuts a character in {source:?}"
            );
            if let Some(parent) = parent {
                assert!(
                    parent.span.start <= span.start && span.end <= parent.span.end,
                    "child {span:?} outside parent {:?} in {source:?}",
                    parent.span
                );
            }
            if let NodeKind::Scalar { value, style } = &node.kind {
                if let Some(want) = expected_scalar_text(value, *style) {
                    assert_eq!(&source[span], want, "scalar {value:?} in {source:?}");
                }
            }
            if let NodeKind::Mapping { entries, flow } = &node.kind {
                for w in entries.windows(2) {
                    assert!(w[0].value.span.end.max(w[0].key.span.end) <= w[1].key.span.start);
                }
                for e in entries {
                    assert!(e.key.span.end <= e.value.span.start || e.value.span.is_empty());
                }
                if *flow {
                    assert!(source[node.span.clone()].starts_with('{'));
                    assert!(source[node.span.clone()].ends_with('}'));
                }
            }
            if let NodeKind::Sequence { items, flow } = &node.kind {
                for w in items.windows(2) {
                    assert!(w[0].span.end <= w[1].span.start);
                }
                if *flow {
                    assert!(source[node.span.clone()].starts_with('['));
                    assert!(source[node.span.clone()].ends_with(']'));
                }
            }
        });
    }
    parsed
}

#[test]
fn tree_spans_for_the_fixed_cases() {
    for source in [
        "\u{feff}# 说明：注释\r\napiVersion: argoproj.io/v1alpha1\r\nkind: \"Application\"\r\n\
         metadata:\r\n  name: 你好-app 🎉   # c 🎉\r\n  finalizers:\r\n  - 'a 好'\r\n  -   b\r\n",
        "a: 1\n...\n---\nb: [x, {y: z, \"é\": '👩‍💻'}]\n--- \n- c\n- d",
        "k: v\n? complex\n: v\n\"q\": 'r'\nseq:\n    - 1\n    - [2, 3]\n",
    ] {
        let parsed = check_tree(source);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    }
}

#[test]
fn tree_flow_collection_spans_include_brackets() {
    let source = "a: {b: [c, 你好], d: {}}\n";
    let parsed = check_tree(source);
    let root = &parsed.documents[0].root;
    let a = root.get("a").unwrap();
    assert_eq!(&source[a.span.clone()], "{b: [c, 你好], d: {}}");
    assert_eq!(&source[a.get("b").unwrap().span.clone()], "[c, 你好]");
    assert_eq!(&source[a.get("d").unwrap().span.clone()], "{}");
}

#[test]
fn tree_document_indices_count_explicit_and_empty_documents() {
    let source = "# only a comment\n---\n---\nk: v\n...\n# x\n...\n---\nz: 1\n";
    let parsed = check_tree(source);
    let indices: Vec<usize> = parsed.documents.iter().map(|d| d.index).collect();
    assert_eq!(indices, [0, 1, 2]);
    assert_eq!(
        &source[parsed.documents[1].root.span.clone()],
        "k: v",
        "document 1"
    );
    assert_eq!(&source[parsed.documents[2].root.span.clone()], "z: 1");
}

#[test]
fn tree_block_sequence_span_starts_at_dash_when_indented() {
    let source = "finalizers:\n    - x\n    - y\n";
    let parsed = check_tree(source);
    let seq = parsed.documents[0].root.get("finalizers").unwrap();
    assert_eq!(&source[seq.span.clone()], "- x\n    - y");
}

#[test]
fn tree_block_sequence_span_starts_at_dash_when_indentless() {
    // Same sequence, written at the key's indentation (common in Kubernetes manifests):
    // the span should start at the first `-` exactly as for the indented form.
    let source = "finalizers:\n- x\n- y\n";
    let parsed = check_tree(source);
    let seq = parsed.documents[0].root.get("finalizers").unwrap();
    assert_eq!(&source[seq.span.clone()], "- x\n- y");
}

// ---------------------------------------------------------------------------------------
// Property test: generated Application documents.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Plain,
    Single,
    Double,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finalizers {
    /// No `finalizers` key: the finding is on `metadata`.
    Absent,
    /// A block list without a cascade finalizer: the finding is on `finalizers`.
    BlockNoCascade,
    /// A flow list without a cascade finalizer.
    FlowNoCascade,
    /// A cascade finalizer: no finding.
    Cascade,
}

/// Characters for generated text: ASCII, accented, CJK, emoji (incl. a ZWJ).
fn word_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('0', '9'),
        1 => prop::sample::select(vec!['é', 'ü', 'ñ', 'ß', 'ø']),
        2 => prop::sample::select(vec!['你', '好', '世', '界', '说', '明', '注', '释', '应', '用']),
        1 => prop::sample::select(vec!['🎉', '🚀', '👩', '\u{200d}', '💻', '🔥']),
    ]
}

/// A word usable as a plain scalar: starts with a letter, no indicators or spaces.
fn plain_word() -> impl Strategy<Value = String> {
    (
        prop::char::range('a', 'z'),
        prop::collection::vec(prop_oneof![4 => word_char(), 1 => Just('-')], 0..20),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
}

/// Text usable inside quotes: words and spaces, no quote or backslash.
fn quoted_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![6 => word_char(), 1 => Just(' '), 1 => Just(':'), 1 => Just('#')],
        0..24,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn comment_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![6 => word_char(), 1 => Just(' '), 1 => Just(':'), 1 => Just('#'), 1 => Just('"')],
        0..90,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn scalar(quote: Quote, plain: &str, quoted: &str) -> (String, String) {
    match quote {
        Quote::Plain => (plain.to_string(), plain.to_string()),
        Quote::Single => (format!("'{quoted}'"), quoted.to_string()),
        Quote::Double => (format!("\"{quoted}\""), quoted.to_string()),
    }
}

#[derive(Debug, Clone)]
struct Generated {
    source: String,
    name: String,
    label: String,
    /// Expected finding: (span text, line, column), or none.
    finding: Option<(String, usize, usize)>,
}

prop_compose! {
    /// An Application document. `comment_after_quoted`: whether a trailing comment may
    /// follow a quoted `name` value (see the ignored test below).
    fn application(comment_after_quoted: bool)(
        bom in any::<bool>(),
        crlf in any::<bool>(),
        indent in prop::sample::select(vec![2usize, 4]),
        name_quote in prop::sample::select(vec![Quote::Plain, Quote::Single, Quote::Double]),
        name_plain in plain_word(),
        name_quoted in quoted_text(),
        label_quote in prop::sample::select(vec![Quote::Plain, Quote::Single, Quote::Double]),
        label_plain in plain_word(),
        label_quoted in quoted_text(),
        comments in prop::collection::vec(prop::option::of(comment_text()), 6),
        finalizers in prop::sample::select(vec![
            Finalizers::Absent, Finalizers::BlockNoCascade, Finalizers::FlowNoCascade, Finalizers::Cascade,
        ]),
        leading_marker in any::<bool>(),
    ) -> Generated {
        let nl = if crlf { "\r\n" } else { "\n" };
        let ind = " ".repeat(indent);
        let mut lines: Vec<String> = Vec::new();
        let comment = |i: usize, lines: &mut Vec<String>, prefix: &str| {
            if let Some(c) = &comments[i] {
                lines.push(format!("{prefix}# {c}"));
            }
        };
        comment(0, &mut lines, "");
        if leading_marker {
            lines.push("---".to_string());
        }
        lines.push("apiVersion: argoproj.io/v1alpha1".to_string());
        comment(1, &mut lines, "");
        lines.push("kind: Application".to_string());
        comment(2, &mut lines, &ind);
        let metadata_line = lines.len() + 1;
        lines.push("metadata:".to_string());
        let (name_src, name) = scalar(name_quote, &name_plain, &name_quoted);
        let trailing = comments[3]
            .as_ref()
            .filter(|_| comment_after_quoted || name_quote == Quote::Plain)
            .map(|c| format!("   # {c}"))
            .unwrap_or_default();
        lines.push(format!("{ind}name: {name_src}{trailing}"));
        comment(4, &mut lines, &ind);
        lines.push(format!("{ind}labels:"));
        let (label_src, label) = scalar(label_quote, &label_plain, &label_quoted);
        lines.push(format!("{ind}{ind}app: {label_src}"));
        let fin_line = lines.len() + 1;
        let finding = match finalizers {
            Finalizers::Absent => Some(("metadata".to_string(), metadata_line, 1)),
            Finalizers::BlockNoCascade => {
                lines.push(format!("{ind}finalizers:"));
                lines.push(format!("{ind}{ind}- example.com/{name_plain}"));
                Some(("finalizers".to_string(), fin_line, indent + 1))
            }
            Finalizers::FlowNoCascade => {
                lines.push(format!("{ind}finalizers: [example.com/{name_plain}, {label_src}]"));
                Some(("finalizers".to_string(), fin_line, indent + 1))
            }
            Finalizers::Cascade => {
                lines.push(format!("{ind}finalizers:"));
                comment(5, &mut lines, &ind);
                lines.push(format!("{ind}- resources-finalizer.argocd.argoproj.io"));
                None
            }
        };
        lines.push("spec:".to_string());
        lines.push(format!("{ind}project: default"));
        let mut source = String::new();
        if bom {
            source.push('\u{feff}');
        }
        source.push_str(&lines.join(nl));
        source.push_str(nl);
        Generated { source, name, label, finding }
    }
}

/// The properties every generated Application must have.
fn check_generated(g: &Generated) -> Result<(), TestCaseError> {
    let source = g.source.as_str();
    let parsed = check_tree(source);
    prop_assert!(
        parsed.errors.is_empty(),
        "{:?} in {:?}",
        parsed.errors,
        source
    );
    prop_assert_eq!(parsed.documents.len(), 1);
    let root = &parsed.documents[0].root;
    prop_assert_eq!(
        root.at("metadata.name").and_then(Node::as_str),
        Some(g.name.as_str())
    );
    prop_assert_eq!(
        root.at("metadata.labels.app").and_then(Node::as_str),
        Some(g.label.as_str())
    );

    let diags = lint("gen.yaml", source);
    let index = LineIndex::new(source);
    let missing: Vec<&Diagnostic> = diags.iter().filter(|d| d.rule == MISSING).collect();
    match &g.finding {
        None => prop_assert!(missing.is_empty(), "{:?}", diags),
        Some((text, line, column)) => {
            prop_assert_eq!(missing.len(), 1, "{:?}", diags);
            let d = missing[0];
            prop_assert_eq!(&source[d.span.clone()], text.as_str());
            prop_assert_eq!(
                index.line_col(source, d.span.start),
                LineCol {
                    line: *line,
                    column: *column
                }
            );
            prop_assert_eq!(
                index.line_col(source, d.span.end),
                LineCol {
                    line: *line,
                    column: *column + text.chars().count()
                }
            );
            prop_assert_eq!(d.document, Some(0));
        }
    }
    for d in &diags {
        prop_assert!(source.is_char_boundary(d.span.start) && source.is_char_boundary(d.span.end));
    }
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Do not write regression files into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_applications_have_exact_spans(g in application(false)) {
        check_generated(&g)?;
    }

    #[test]
    fn generated_applications_with_comments_after_quoted_values(g in application(true)) {
        check_generated(&g)?;
    }
}

#[test]
fn quoted_kind_with_trailing_comment() {
    // Expected: the span is `"Application"` (13 bytes); actual: `"Application"   # the kind`.
    let source = "apiVersion: argoproj.io/v1alpha1\nkind: \"Application\"   # the kind\nspec: {}\n";
    check(
        "qc.yaml",
        source,
        &[ex(MISSING, "\"Application\"", 2, 7, 0)],
    );
}

#[test]
fn quoted_finalizer_item_with_trailing_comment() {
    let source = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  finalizers:\n\
                  \x20   - \"resources-finalizer.argocd.argoproj.io/Foreground\"  # typo\n\
                  \x20   - 'post-delete-finalizer.argocd.argoproj.io' \nspec: {}\n";
    check(
        "qi.yaml",
        source,
        &[
            ex(MISSING, "finalizers", 4, 3, 0),
            ex(
                UNKNOWN,
                "\"resources-finalizer.argocd.argoproj.io/Foreground\"",
                5,
                7,
                0,
            ),
            ex(
                CONTROLLER,
                "'post-delete-finalizer.argocd.argoproj.io'",
                6,
                7,
                0,
            ),
        ],
    );
}

#[test]
fn tree_spans_stop_before_trailing_blanks_and_comments() {
    for (source, route, want) in [
        ("a: 'x'   # c\nb: 1\n", "a", "'x'"),
        ("a: \"x\" # c\n", "a", "\"x\""),
        ("a: 'x'  \t\n", "a", "'x'"),
        ("a: [x] # c\n", "a", "[x]"),
        ("a: {x: 'y' }  # c\n", "a", "{x: 'y' }"),
        ("a: {x: 'y' }\n", "a.x", "'y'"),
    ] {
        let parsed = check_tree(source);
        let node = parsed.documents[0].root.at(route).unwrap();
        assert_eq!(&source[node.span.clone()], want, "{source:?}");
    }
    let source = "'k'  : v\n";
    let parsed = check_tree(source);
    let key = &parsed.documents[0].root.entries()[0].key;
    assert_eq!(&source[key.span.clone()], "'k'");
}

/// saphyr's character index drifts after a directive line with multi-byte characters;
/// spans come from its line and column instead.
#[test]
fn spans_after_a_non_ascii_directive_line() {
    let source = "%FOO éé ✓\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\nspec: {}\n";
    let diags =
        gitops_lint::lint::lint_text("d.yaml", source, gitops_lint::lint::FileOptions::default());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(&source[diags[0].span.clone()], "metadata");
    let parsed = gitops_lint::yaml::parse(source, source);
    let name = parsed.documents[0].root.at("metadata.name").unwrap();
    assert_eq!(&source[name.span.clone()], "x");
}

/// The parser reports a value omitted with its `:` (`? key` alone), or an empty one with a
/// tag or anchor, at the next token, which may be lines on; the tree puts it after its tag
/// or anchor, else at its `:`, else right after the key, so that a collection ends where
/// its text ends.
#[test]
fn empty_keys_sit_after_their_question_mark() {
    // (fuzz regression) `- ?` with nothing: the parser reports the empty key at the next
    // token, here the outer mapping's `:` a line on, so the list ended on that line and the
    // new finalizer went after it, outside the list.
    let source = "m:\n  k:\n  - ?\n  : y\n";
    let parsed = yaml::parse(source, source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let m = parsed.documents[0].root.get("m").unwrap();
    let NodeKind::Mapping { entries, .. } = &m.kind else {
        panic!("{m:?}")
    };
    let list = &entries[0].value;
    assert_eq!(&source[list.span.clone()], "- ?");
    let NodeKind::Sequence { items, .. } = &list.kind else {
        panic!("{list:?}")
    };
    let NodeKind::Mapping { entries: item, .. } = &items[0].kind else {
        panic!("{:?}", items[0])
    };
    assert_eq!(item[0].key.span, 13..13, "after the `?`");
    assert_eq!(
        item[0].value.span,
        13..13,
        "the `:` below is not this key's"
    );
    // The outer mapping's own empty key (`: y`) sits at its colon.
    assert_eq!(entries[1].key.span, 16..16);
    assert_eq!(&source[entries[1].value.span.clone()], "y");
    // In a flow mapping, after its `?` too.
    let source = "{ a: 1, ? , b: 2 }\n";
    let root = &yaml::parse(source, source).documents[0].root;
    let NodeKind::Mapping { entries, .. } = &root.kind else {
        panic!("{root:?}")
    };
    assert_eq!(entries[1].key.span, 9..9, "{entries:?}");
}

#[test]
fn flow_collections_start_at_their_bracket_whatever_follows_it() {
    // The parser's start event for `{`/`[` runs on over blanks and a comment.
    for (source, key, text) in [
        ("m: { a: b }\n", "m", "{ a: b }"),
        ("m: [ a ]\n", "m", "[ a ]"),
        ("m: [\t a ]\n", "m", "[\t a ]"),
        ("m: { # c\n  a: b }\n", "m", "{ # c\n  a: b }"),
        ("m: &x # c\n  { a: b }\n", "m", "{ a: b }"),
        ("m: !t  [ ]\n", "m", "[ ]"),
        ("m: { }\n", "m", "{ }"),
    ] {
        let parsed = yaml::parse(source, source);
        assert!(parsed.errors.is_empty(), "{source:?}: {:?}", parsed.errors);
        let value = parsed.documents[0].root.get(key).unwrap();
        assert!(
            matches!(
                value.kind,
                NodeKind::Mapping { flow: true, .. } | NodeKind::Sequence { flow: true, .. }
            ),
            "{source:?}: {value:?}"
        );
        assert_eq!(&source[value.span.clone()], text, "{source:?}");
    }
    // A root flow mapping too; block collections with properties stay block ones.
    let source = "{ a: [ b ] }\n";
    let root = &yaml::parse(source, source).documents[0].root;
    assert!(matches!(root.kind, NodeKind::Mapping { flow: true, .. }));
    assert_eq!(&source[root.span.clone()], "{ a: [ b ] }");
    for source in ["m: !t\n  a: b\n", "m: &x # c\n  - a\n", "m: &x\n  [k]: v\n"] {
        let parsed = yaml::parse(source, source);
        assert!(parsed.errors.is_empty(), "{source:?}: {:?}", parsed.errors);
        let value = parsed.documents[0].root.get("m").unwrap();
        assert!(
            matches!(
                value.kind,
                NodeKind::Mapping { flow: false, .. } | NodeKind::Sequence { flow: false, .. }
            ),
            "{source:?}: {value:?}"
        );
    }
}

#[test]
fn omitted_mapping_values_sit_at_their_key() {
    for (source, key, at) in [
        ("? x\n? y\n", "x", 3),
        ("- ? x\n  # c\n\n- y\n", "x", 5),
        ("? x\n: \n", "x", 4),
        ("a:\n  - ? int\nb:\n", "int", 12),
        ("k: !\nspec: 1\n", "k", 4),
        ("m:\n  k:\n   !t # c\n  b: 1\n", "k", 13),
        ("m:\n  k: &a\n\n  b: 1\n", "k", 10),
        ("m:\n  k:\n  !t b: 1\n", "k", 6),
        ("m: {k: !t}\n", "k", 9),
        // A `:` on a later line in another column is the outer mapping's.
        ("m:\n  k:\n  - ? x\n  : y\n", "x", 15),
    ] {
        let parsed = yaml::parse(source, source);
        assert!(parsed.errors.is_empty(), "{source:?}: {:?}", parsed.errors);
        fn find<'a>(n: &'a Node, key: &str) -> Option<&'a gitops_lint::yaml::Entry> {
            match &n.kind {
                NodeKind::Mapping { entries, .. } => entries.iter().find_map(|e| {
                    (e.key.as_str() == Some(key))
                        .then_some(e)
                        .or_else(|| find(&e.value, key))
                }),
                NodeKind::Sequence { items, .. } => items.iter().find_map(|i| find(i, key)),
                _ => None,
            }
        }
        let entry = find(&parsed.documents[0].root, key).unwrap();
        assert_eq!(entry.value.span, at..at, "{source:?}");
    }
    // The list holding such an item ends at the item, not at the next key.
    let source = "a:\n  - ? int\nb:\n";
    let root = &yaml::parse(source, source).documents[0].root;
    assert_eq!(&source[root.get("a").unwrap().span.clone()], "- ? int");
}
