//! [`remove_item`] on every item of finalizer lists written in every style: the result
//! parses, the list is the original without that item, and nothing else changed.

use super::*;
use crate::rules::Context;
use crate::settings::Settings;
use crate::yaml;

/// The finalizer list of the first document of `text`, and `remove_item`'s result for
/// each of its items (None where it declines).
fn removals(text: &str) -> (Vec<String>, Vec<Option<String>>) {
    let parsed = yaml::parse(text, text);
    assert!(parsed.errors.is_empty(), "{text}");
    let root = &parsed.documents[0].root;
    let list = root.at("metadata.finalizers").expect("a finalizer list");
    let settings = Settings::default();
    let facts = std::cell::OnceCell::new();
    let ctx = Context {
        text,
        masked: None,
        document: root,
        settings: &settings,
        facts: &facts,
        doc_layout: Default::default(),
        graph_facts: false,
    };
    let layout = Layout::new(&ctx);
    let values = list
        .items()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect();
    let results = list
        .items()
        .iter()
        .map(|item| {
            let edits = remove_item(&layout, list, item)?;
            Some(apply_edits(text, &edits.iter().collect::<Vec<_>>()))
        })
        .collect();
    (values, results)
}

/// `fixed` parses, holds `text`'s data outside finalizer lists, and its list is `values`
/// without item `i`.
fn check(text: &str, fixed: &str, values: &[String], i: usize) {
    let after = yaml::parse(fixed, fixed);
    assert!(after.errors.is_empty(), "does not parse:\n{fixed}");
    let before = yaml::parse(text, text);
    let fp = |p: &yaml::ParseOutput| crate::safety::check::fingerprint(&p.documents[0].root);
    assert_eq!(fp(&before), fp(&after), "other data changed:\n{fixed}");
    let list = after.documents[0]
        .root
        .at("metadata.finalizers")
        .expect("list");
    let got: Vec<&str> = list.items().iter().filter_map(yaml::Node::as_str).collect();
    let mut want: Vec<&str> = values.iter().map(String::as_str).collect();
    want.remove(i);
    assert_eq!(got, want, "{fixed}");
    assert!(list.items().len() == want.len(), "{fixed}");
    assert_eq!(fixed.contains('\r'), text.contains('\r'), "line endings");
    if text.contains("\r\n") {
        assert!(
            !fixed.replace("\r\n", "").contains('\n'),
            "a bare LF:\n{fixed:?}"
        );
    }
    assert_eq!(fixed.ends_with('\n'), text.ends_with('\n'), "final newline");
}

const HEAD: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n";

#[test]
fn every_item_of_every_style_can_be_removed() {
    let shapes = [
        "  finalizers:\n    - a\n    - b # note\n    - c\nspec: {}\n",
        "  finalizers:\n  - 'a'\n  # about b\n  - \"b\"\n  - c\n",
        "  finalizers:\n    - a\n    - b",
        "  finalizers: [a, b, c]\nspec: {}\n",
        "  finalizers: [ a ,b,c, ]\n",
        "  finalizers: [\"a\", 'b']",
        "  finalizers: [\n    \"a\",\n    \"b\",\n    \"c\"\n    ]\nspec: {}\n",
        "  finalizers:\n    - ä/ü\n    - b\n",
    ];
    for shape in shapes {
        for eol in ["\n", "\r\n"] {
            let text = format!("{HEAD}{shape}").replace('\n', eol);
            let (values, results) = removals(&text);
            for (i, fixed) in results.iter().enumerate() {
                let fixed = fixed
                    .as_deref()
                    .unwrap_or_else(|| panic!("{i} of {text:?}"));
                check(&text, fixed, &values, i);
            }
        }
    }
}

#[test]
fn the_only_item_leaves_an_empty_list() {
    for (shape, want) in [
        (
            "  finalizers:\n    - a\nspec: {}\n",
            "  finalizers: []\nspec: {}\n",
        ),
        ("  finalizers:\n  - a # why", "  finalizers: []"),
        ("  finalizers: [a]\n", "  finalizers: []\n"),
        ("  finalizers: [ 'a', ]\n", "  finalizers: []\n"),
    ] {
        for eol in ["\n", "\r\n"] {
            let text = format!("{HEAD}{shape}").replace('\n', eol);
            let (_, results) = removals(&text);
            let want = format!("{HEAD}{want}").replace('\n', eol);
            assert_eq!(results[0].as_deref(), Some(want.as_str()), "{text:?}");
        }
    }
}

#[test]
fn unclear_layouts_are_declined() {
    for shape in [
        "  finalizers: [a, # why\n    b]\n",
        "  finalizers: [!!str a, b]\n",
        "  finalizers:\n    - &x a\n    - b\n",
        "  finalizers: # why\n    - a\n",
    ] {
        let text = format!("{HEAD}{shape}");
        let (_, results) = removals(&text);
        assert_eq!(results[0], None, "{text}");
    }
}
