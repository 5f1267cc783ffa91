//! The fast YAML path (`yaml::fast`) against the general one (`saphyr-parser`'s events):
//! on every input the fast path takes, the two trees are equal — values, styles, spans,
//! document indices. Inputs: every YAML file of the repository's fixtures and test data,
//! the yaml-test-suite, `../shared/corpus` when present, each of those with CRLF line
//! ends and with a BOM, and generated documents. The fast path must also take most of the
//! fixtures (else it is not the fast path).

use gitops_lint::yaml::{self, fast};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Whether the fast path takes all of `text`; panics when it disagrees with the general
/// path, or when the two together (the fast path as far as it reads, the general one from
/// there) read the text otherwise than the general path alone.
fn agrees(name: &str, text: &str) -> bool {
    let general = yaml::parse_general(text, text);
    let both = yaml::parse(text, text);
    assert_eq!(both.documents, general.documents, "{name}:\n{text}");
    assert_eq!(both.errors, general.errors, "{name}:\n{text}");
    let Some(documents) = fast::parse(text, 0) else {
        return false;
    };
    assert!(
        general.errors.is_empty(),
        "{name}: the fast path took a text the general path rejects: {:?}\n{text}",
        general.errors
    );
    assert_eq!(documents, general.documents, "{name}:\n{text}");
    true
}

/// `text` as written, with CRLF line ends, and with a BOM.
fn variants(text: &str) -> [String; 3] {
    [
        text.to_string(),
        text.replace("\r\n", "\n").replace('\n', "\r\n"),
        format!("\u{feff}{text}"),
    ]
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            || path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("crash-"))
        {
            out.push(path);
        }
    }
}

/// (files taken, files) over the YAML files below `dirs`.
fn check_files(dirs: &[PathBuf]) -> (usize, usize) {
    let mut files = Vec::new();
    for dir in dirs {
        yaml_files(dir, &mut files);
    }
    let (mut taken, mut all) = (0, 0);
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (i, v) in variants(&text).iter().enumerate() {
            let took = agrees(&format!("{} (variant {i})", file.display()), v);
            if i == 0 {
                all += 1;
                taken += usize::from(took);
            }
        }
    }
    (taken, all)
}

#[test]
fn agrees_on_the_fixtures_and_test_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (taken, all) = check_files(&[root.join("fixtures"), root.join("tests/data")]);
    assert!(all > 100, "{all} files");
    // Most real manifests are in the subset: the fast path is the common one.
    assert!(taken * 2 > all, "the fast path took {taken} of {all} files");
}

#[test]
fn agrees_on_the_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("../shared/corpus absent: skipped");
        return;
    }
    let (taken, all) = check_files(&[corpus]);
    eprintln!("fast path: {taken} of {all} corpus files");
}

#[test]
fn agrees_on_the_yaml_test_suite() {
    #[derive(serde::Deserialize)]
    struct Case {
        id: String,
        yaml: String,
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml-test-suite/cases.json");
    let cases: Vec<Case> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut taken = 0;
    for case in &cases {
        for v in variants(&case.yaml) {
            taken += usize::from(agrees(&case.id, &v));
        }
    }
    assert!(taken > 0);
}

#[test]
fn takes_what_it_is_for_and_leaves_the_rest() {
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a # c\n  \
               finalizers:\n  - resources-finalizer.argocd.argoproj.io\nspec:\n  \
               syncPolicy:\n    syncOptions: [CreateNamespace=true, 'x']\n    automated: {}\n  \
               source:\n    helm:\n      values: |\n        a: b\n\n        c: d\n  \
               destination:\n    server: \"https://kubernetes.default.svc\"\n---\nkind: B\n";
    assert!(agrees("app", app));
    let docs = fast::parse(app, 0).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].index, 1);
    // Left to the general path.
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: b\n  c\n",
        "a: \"b\\n\"\n",
        "a: >\n  folded\n",
        "a: |+\n  kept\n",
        "? a\n: b\n",
        "a:\tb\n",
        "a: b\r",
        "%YAML 1.2\n---\na: b\n",
        "a: b\n...\n",
        "a: b\n---\n",
        "a: [b,\n  c]\n",
        "a: b: c\n",
        "a: 'multi\n  line'\n",
        "<<: {}\n",
        "a: é\n",
        // found by fuzzing: a comment line between a dash and its item
        "-\n# c\n  a: r",
    ] {
        assert!(fast::parse(text, 0).is_none(), "{text:?}");
        // ... and the general path reads them as before.
        assert!(!agrees("left", text));
    }
}

#[test]
fn gives_documents_one_at_a_time_and_leaves_the_rest_from_a_marker() {
    let fast_doc = "kind: A\nmetadata:\n  name: a\n";
    let anchors = "a: &x 1\nb: *x\n";
    let broken = "a: [b\n";
    // One document outside the subset among others: the documents before it come from
    // the fast path, the rest from the general one, starting at its `---`.
    for (text, given_fast) in [
        (
            format!("{fast_doc}---\n{fast_doc}---\n{anchors}---\n{fast_doc}"),
            2,
        ),
        (format!("{fast_doc}---\n{broken}---\n{fast_doc}"), 1),
        (format!("{fast_doc}---\n{fast_doc}---\n"), 2),
        (format!("{fast_doc}...\n---\n{fast_doc}"), 0),
        (format!("---\n{anchors}---\n{fast_doc}"), 0),
    ] {
        let mut given = Vec::new();
        let resume = fast::parse_each(&text, 0, &mut |d| given.push(d.index));
        let resume = resume.expect_err(&text);
        assert_eq!(given, (0..given_fast).collect::<Vec<_>>(), "{text}");
        assert_eq!(resume.index, given_fast, "{text}");
        let at = if given_fast == 0 {
            0
        } else {
            text.match_indices("---\n").nth(given_fast - 1).unwrap().0
        };
        assert_eq!(resume.at, at, "{text}");
        assert!(!agrees("mixed", &text));
        for v in variants(&text) {
            agrees("mixed variant", &v);
        }
    }
    // A bundle far larger than one document is read by the fast path to its end.
    let bundle = format!("{fast_doc}---\n").repeat(20_000);
    let mut count = 0;
    assert_eq!(
        fast::parse_each(&bundle, 0, &mut |_| count += 1),
        Err(fast::Resume {
            at: bundle.len() - 4,
            index: 20_000
        })
    );
    assert_eq!(count, 20_000);
}

/// A generated block document: nested mappings and sequences of the scalars the fast
/// path reads, with comments and blank lines between.
fn document() -> impl Strategy<Value = String> {
    let word = "[a-z][a-z0-9./=-]{0,8}";
    let scalar = prop_oneof![
        word.prop_map(|w| w.to_string()),
        word.prop_map(|w| format!("'{w}'")),
        word.prop_map(|w| format!("\"{w}\"")),
        Just("''".to_string()),
        Just("'it''s'".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        proptest::collection::vec(word, 1..4).prop_map(|w| format!("[{}]", w.join(", "))),
        Just("a # comment".to_string()),
        Just("http://x:80/y".to_string()),
    ];
    let leaf = scalar.prop_map(Tree::Scalar);
    let tree = leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(("[a-z]{1,6}", inner.clone()), 1..4).prop_map(Tree::Map),
            proptest::collection::vec(inner, 1..4).prop_map(Tree::Seq),
        ]
    });
    (tree, any::<u8>()).prop_map(|(t, seed)| {
        let mut out = String::new();
        let root = match t {
            Tree::Scalar(s) => Tree::Map(vec![("k".to_string(), Tree::Scalar(s))]),
            t => t,
        };
        write(&root, 0, &mut out, seed, true);
        out
    })
}

#[derive(Debug, Clone)]
enum Tree {
    Scalar(String),
    Map(Vec<(String, Tree)>),
    Seq(Vec<Tree>),
}

/// Write `t` at indentation `indent`; `seed` picks comments, blank lines, literal blocks,
/// empty values and indentless sequences.
fn write(t: &Tree, indent: usize, out: &mut String, seed: u8, at_line_start: bool) {
    let pad = " ".repeat(indent);
    match t {
        Tree::Scalar(s) => out.push_str(s),
        Tree::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 || at_line_start {
                    out.push_str(&pad);
                }
                out.push_str(k);
                out.push(':');
                match v {
                    Tree::Scalar(s) if seed % 5 == 1 && i == 0 => {
                        out.push_str(&format!(" |\n{pad}  {s}\n\n{pad}  line\n"));
                    }
                    Tree::Scalar(s) if seed % 7 == 2 => {
                        out.push_str(&format!(" |-\n{pad}   {s}\n"));
                    }
                    Tree::Scalar(_) if seed % 11 == 3 => out.push('\n'),
                    Tree::Scalar(s) => {
                        out.push(' ');
                        out.push_str(s);
                        out.push('\n');
                    }
                    Tree::Seq(_) if seed % 3 == 0 => {
                        out.push('\n');
                        write(v, indent, out, seed / 3, true);
                    }
                    _ => {
                        out.push_str(if seed % 2 == 0 { "\n" } else { " # note\n" });
                        if seed % 13 == 4 {
                            out.push_str(&format!("{pad}  # inside\n\n"));
                        }
                        write(v, indent + 2, out, seed / 2, true);
                    }
                }
            }
        }
        Tree::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                if i > 0 || at_line_start {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                match v {
                    Tree::Scalar(s) => {
                        out.push_str(s);
                        out.push('\n');
                    }
                    Tree::Map(_) => write(v, indent + 2, out, seed / 5, false),
                    Tree::Seq(_) => {
                        out.push('\n');
                        write(v, indent + 2, out, seed / 5, true);
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn agrees_on_generated_documents(doc in document(), second in document(), two in any::<bool>()) {
        let text = if two { format!("{doc}---\n{second}") } else { doc };
        for v in variants(&text) {
            agrees("generated", &v);
        }
    }
}
