//! No evasion: objects are read as Kubernetes reads them (merge keys and aliases resolved),
//! files whose bytes spell `argoproj.io` only through an escape are linted, and no fix is
//! offered that the safety net would refuse (issue 11, sections 4 and 5).

mod common;

use common::{parse_json, read, run, tempdir, write};
use gitops_lint::diagnostic::Diagnostic;
use gitops_lint::lint::{lint_bytes, lint_text, FileOptions, Outcome};
use proptest::prelude::*;
use serde_json::Value;

const HEAD: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n";
const CASCADE: &str = "resources-finalizer.argocd.argoproj.io";

fn lint(text: &str) -> Vec<Diagnostic> {
    lint_text("app.yaml", text, FileOptions::default())
}

fn of_rule<'a>(diags: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

fn describe(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{} {} fix={}", d.rule, d.message, d.fix.is_some()))
        .collect()
}

/// The data of a YAML text as a YAML library reads it (merge keys applied, aliases
/// resolved), one value per document.
fn data(text: &str) -> Vec<serde_yaml::Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| {
            let mut v: serde_yaml::Value = serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("does not parse ({e}):\n{text}"));
            v.apply_merge().unwrap();
            v
        })
        .collect()
}

// ---- merge keys -------------------------------------------------------------------------

/// Finalizers supplied by a merge key, in each form: no false finding.
#[test]
fn finalizers_from_a_merge_key_count() {
    let list = format!("[{CASCADE}]");
    let cases = [
        format!("{HEAD}<<: {{metadata: {{name: m, finalizers: {list}}}}}\nspec: {{}}\n"),
        format!(
            "{HEAD}x-base: &base {{metadata: {{name: m, finalizers: {list}}}}}\n<<: *base\nspec: {{}}\n"
        ),
        format!(
            "{HEAD}x-a: &a {{spec: {{project: p}}}}\nx-b: &b {{metadata: {{name: m, finalizers: {list}}}}}\n<<: [*a, *b]\n"
        ),
        format!(
            "{HEAD}x-m: &m {{name: m, finalizers: {list}}}\nmetadata: {{<<: *m}}\nspec: {{}}\n"
        ),
        format!("{HEAD}x-m: &m\n  name: m\n  finalizers: {list}\nmetadata:\n  <<: *m\n  namespace: argocd\nspec: {{}}\n"),
    ];
    for text in &cases {
        let diags = lint(text);
        assert!(
            of_rule(&diags, "missing-finalizer").is_empty()
                && of_rule(&diags, "not-checked").is_empty(),
            "{text}\n{:?}",
            describe(&diags)
        );
    }
}

/// Merge semantics: explicit keys override merged ones; of a merge sequence the earlier
/// mapping wins.
#[test]
fn merge_key_precedence() {
    // `*a` (no finalizers) comes first: its metadata is the one read.
    let text = format!(
        "{HEAD}x-a: &a {{metadata: {{name: first}}}}\nx-b: &b {{metadata: {{name: second, finalizers: [{CASCADE}]}}}}\n<<: [*a, *b]\nspec: {{}}\n"
    );
    let diags = lint(&text);
    let found = of_rule(&diags, "missing-finalizer");
    assert_eq!(found.len(), 1, "{:?}", describe(&diags));
    assert_eq!(
        found[0].object.as_ref().unwrap().name.as_deref(),
        Some("first")
    );
    assert!(
        found[0].fix.is_none(),
        "metadata comes from a merge: no fix"
    );

    // An explicit `metadata` overrides the merged one: its finalizers are what counts,
    // and it is the object's own text, so it gets a fix.
    let text = format!(
        "{HEAD}x-b: &b {{metadata: {{name: merged, finalizers: [{CASCADE}]}}}}\n<<: *b\nmetadata:\n  name: own\nspec: {{}}\n"
    );
    let diags = lint(&text);
    let found = of_rule(&diags, "missing-finalizer");
    assert_eq!(found.len(), 1, "{:?}", describe(&diags));
    assert_eq!(
        found[0].object.as_ref().unwrap().name.as_deref(),
        Some("own")
    );
    assert!(found[0].fix.is_some(), "{:?}", describe(&diags));
}

/// `<<: {metadata: {name: m}}`: the finding stays (with the merged name), no fix is
/// offered, and `--fix` leaves the file (and its data: the name) as it was.
#[test]
fn merged_metadata_without_finalizer_is_reported_not_fixed() {
    let text = format!("{HEAD}<<: {{metadata: {{name: m}}}}\nspec:\n  project: default\n");
    let diags = lint(&text);
    let found = of_rule(&diags, "missing-finalizer");
    assert_eq!(found.len(), 1, "{:?}", describe(&diags));
    assert_eq!(found[0].object.as_ref().unwrap().name.as_deref(), Some("m"));
    assert!(
        diags.iter().all(|d| d.fix.is_none()),
        "{:?}",
        describe(&diags)
    );

    let dir = tempdir();
    write(dir.path(), "app.yaml", &text);
    let json = parse_json(&run(dir.path(), &["lint", "--format", "json", "app.yaml"]));
    assert_eq!(json["summary"]["fixable"], 0, "{json}");
    let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
    assert_eq!(fix.code, Some(1), "{fix:?}");
    let after = read(dir.path(), "app.yaml");
    assert_eq!(after, text, "{fix:?}");
    assert_eq!(data(&after)[0]["metadata"]["name"], "m");
}

// ---- aliases ----------------------------------------------------------------------------

/// `apiVersion: *g` / `kind: *k`: recognised through the aliases.
#[test]
fn aliased_api_version_and_kind_are_recognised() {
    let text = "x-g: &g argoproj.io/v1alpha1\nx-k: &k Application\napiVersion: *g\nkind: *k\nmetadata:\n  name: aliased\nspec: {}\n";
    let diags = lint(text);
    let found = of_rule(&diags, "missing-finalizer");
    assert_eq!(found.len(), 1, "{:?}", describe(&diags));
    assert_eq!(found[0].object.as_ref().unwrap().kind, "Application");
    // The object's own metadata: the fix is there and works.
    assert!(found[0].fix.is_some(), "{:?}", describe(&diags));

    // An anchor redefined: the latest definition before the alias counts.
    let text = "x: &k Workflow\ny: &k ApplicationSet\napiVersion: argoproj.io/v1alpha1\nkind: *k\nmetadata: {name: s}\nspec:\n  syncPolicy: {preserveResourcesOnDeletion: true}\n";
    let diags = lint(text);
    assert!(
        of_rule(&diags, "missing-finalizer").is_empty(),
        "{:?}",
        describe(&diags)
    );
    let text = "x: &k ApplicationSet\ny: &k Application\napiVersion: argoproj.io/v1alpha1\nkind: *k\nmetadata: {name: s}\nspec: {}\n";
    assert_eq!(of_rule(&lint(text), "missing-finalizer").len(), 1);
}

/// `metadata: *m` and `finalizers: *f` are checked through the alias; no fix edits the
/// anchored text (that would change its other users too); `--fix` changes nothing.
#[test]
fn aliased_metadata_and_finalizers_are_checked_without_fix() {
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n  - {HEAD_ITEM}    metadata: &m\n      name: shared\n    spec: {{}}\n  - {HEAD_ITEM}    metadata: *m\n    spec: {{}}\n  - {HEAD_ITEM}    metadata:\n      name: f1\n      finalizers: &f [example.com/other]\n    spec: {{}}\n  - {HEAD_ITEM}    metadata:\n      name: f2\n      finalizers: *f\n    spec: {{}}\n",
        HEAD_ITEM = "apiVersion: argoproj.io/v1alpha1\n    kind: Application\n"
    );
    let diags = lint(&text);
    let found = of_rule(&diags, "missing-finalizer");
    let names: Vec<_> = found
        .iter()
        .map(|d| d.object.as_ref().unwrap().name.clone().unwrap())
        .collect();
    assert_eq!(
        names,
        ["shared", "shared", "f1", "f2"],
        "{:?}",
        describe(&diags)
    );
    assert!(
        diags.iter().all(|d| d.fix.is_none()),
        "{:?}",
        describe(&diags)
    );

    let dir = tempdir();
    write(dir.path(), "apps.yaml", &text);
    let fix = run(dir.path(), &["lint", "--fix", "apps.yaml"]);
    assert_eq!(read(dir.path(), "apps.yaml"), text, "{fix:?}");
}

/// An alias bomb stays fast and ends in `not-checked`, not in a false finding: as the
/// object's metadata, and as a merge key supplying its keys.
#[test]
fn alias_bomb_is_not_checked() {
    for (open, close, item, last) in [
        ("[", "]", "lol", "metadata: *a9"),
        ("{", "}", "k", "<<: *a9"),
    ] {
        let entries = |v: &str| -> String {
            (0..10)
                .map(|j| {
                    if open == "{" {
                        format!("k{j}: {v}")
                    } else {
                        v.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = format!("{HEAD}spec:\n  a0: &a0 {open}{}{close}\n", entries(item));
        for i in 1..10 {
            let refs = entries(&format!("*a{}", i - 1));
            text.push_str(&format!("  a{i}: &a{i} {open}{refs}{close}\n"));
        }
        text.push_str(last);
        text.push('\n');
        let diags = lint(&text);
        assert_eq!(
            diags.iter().map(|d| d.rule).collect::<Vec<_>>(),
            ["not-checked"],
            "{text}\n{:?}",
            describe(&diags)
        );
    }
}

// ---- escapes past the prefilter ---------------------------------------------------------

/// `argoproj.io` written with escapes that saphyr decodes: the file is parsed and the
/// finding reported.
#[test]
fn escaped_needles_are_linted() {
    let cases = [
        r#"{"apiVersion": "argoproj\u002eio/v1alpha1", "kind": "Application", "metadata": {"name": "e"}, "spec": {}}"#.to_string() + "\n",
        "apiVersion: \"argoproj\\x2eio/v1alpha1\"\nkind: Application\nmetadata: {name: e}\nspec: {}\n".into(),
        "apiVersion: \"\\u0061rgoproj.io/v1alpha1\"\nkind: Application\nmetadata: {name: e}\nspec: {}\n".into(),
        "apiVersion: \"argoproj\\U0000002eio/v1alpha1\"\nkind: Application\nmetadata: {name: e}\nspec: {}\n".into(),
        "apiVersion: \"argoproj.\\\n  io/v1alpha1\"\nkind: Application\nmetadata: {name: e}\nspec: {}\n".into(),
        "apiVersion: \"argoproj.\\\r\n  io/v1alpha1\"\r\nkind: Application\r\nmetadata: {name: e}\r\nspec: {}\r\n".into(),
    ];
    for text in &cases {
        assert!(!text.contains("argoproj.io"), "{text}");
        let Outcome::Scanned(report) =
            lint_bytes("e.yaml", text.as_bytes(), FileOptions::default())
        else {
            panic!("skipped by the prefilter:\n{text}");
        };
        let found = of_rule(&report.diagnostics, "missing-finalizer");
        assert_eq!(
            found.len(),
            1,
            "{text}\n{:?}",
            describe(&report.diagnostics)
        );
        assert_eq!(
            found[0].object.as_ref().unwrap().api_version,
            "argoproj.io/v1alpha1"
        );
    }
    // The CLI does not count such a file as skipped.
    let dir = tempdir();
    write(dir.path(), "e.json", &cases[0]);
    let json = parse_json(&run(dir.path(), &["lint", "--format", "json", "e.json"]));
    assert_eq!(json["summary"]["files_skipped"], 0, "{json}");
    assert_eq!(
        json["diagnostics"][0]["rule"], "missing-finalizer",
        "{json}"
    );
}

// ---- the planner never advertises a refused edit ----------------------------------------

/// Apply the edits of one JSON-advertised fix to `text`.
fn apply_json_edits(text: &str, fix: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = fix["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["offset"].as_u64().unwrap() as usize,
                e["length"].as_u64().unwrap() as usize,
                e["content"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.as_bytes().to_vec();
    for (offset, length, content) in edits {
        out.splice(offset..offset + length, content.bytes());
    }
    String::from_utf8(out).unwrap()
}

/// A multi-line flow mapping whose last value ends in a trailing comma (`{x: y,}`): the
/// advertised edit parses (today's `y,,` did not) and `--fix` writes the finalizer.
#[test]
fn trailing_comma_flow_mapping_gets_a_working_fix() {
    let cases = [
        format!("{HEAD}metadata: {{\n  name: a,\n  labels: {{x: y,}}}}\nspec: {{}}\n"),
        format!("{HEAD}metadata: {{\n  labels: {{x: y,}},}}\nspec: {{}}\n"),
        format!("{HEAD}metadata: {{\n  name: a,\n  labels: [p,],\n}}\nspec: {{}}\n"),
        "{\n  \"apiVersion\": \"argoproj.io/v1alpha1\",\n  \"kind\": \"Application\",\n  \"metadata\": {\n    \"labels\": {\"x\": \"y\",},\n  },\n  \"spec\": {}\n}\n".to_string(),
    ];
    for text in &cases {
        let dir = tempdir();
        write(dir.path(), "app.yaml", text);
        let json = parse_json(&run(dir.path(), &["lint", "--format", "json", "app.yaml"]));
        let diags = json["diagnostics"].as_array().unwrap();
        assert!(!diags.is_empty(), "{text}");
        for d in diags {
            if d["fix"].is_object() {
                let fixed = apply_json_edits(text, &d["fix"]);
                let docs = data(&fixed);
                assert_eq!(docs.len(), 1);
            }
        }
        let fix = run(dir.path(), &["lint", "--fix", "app.yaml"]);
        let after = read(dir.path(), "app.yaml");
        let (before, after_data) = (data(text), data(&after));
        assert_eq!(
            after_data[0]["metadata"]["finalizers"][0], CASCADE,
            "{fix:?}\n{after}"
        );
        assert_eq!(
            before[0]["metadata"]["labels"],
            after_data[0]["metadata"]["labels"]
        );
    }
}

/// Small flow and block shapes of `metadata`: every fix the JSON output advertises
/// applies to text that parses, holds the same data but the finalizer, and has the
/// cascade finalizer.
fn metadata_shape() -> impl Strategy<Value = String> {
    let value = prop::sample::select(vec![
        "a", "\"a\"", "'a'", "{x: y}", "{x: y,}", "[p]", "[p,]", "{}", "[]", "&q a", "a b",
    ]);
    let entry = (
        prop::sample::select(vec!["name", "namespace", "labels", "ns"]),
        value,
    )
        .prop_map(|(k, v)| format!("{k}: {v}"));
    (
        prop::collection::vec(entry, 1..4),
        prop::sample::select(vec![",\n  ", ", "]),
        prop::sample::select(vec!["", ",", ",\n", " ,"]),
        prop::sample::select(vec!["\n}", "}", "  }"]),
        any::<bool>(),
    )
        .prop_map(|(entries, sep, trailing, close, inline)| {
            // Distinct keys: duplicates get no fix by design.
            let mut seen = std::collections::HashSet::new();
            let entries: Vec<String> = entries
                .into_iter()
                .filter(|e| seen.insert(e.split(':').next().unwrap().to_string()))
                .collect();
            let open = if inline { "{" } else { "{\n  " };
            format!(
                "{HEAD}metadata: {open}{}{trailing}{close}\nspec: {{}}\n",
                entries.join(sep)
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn advertised_flow_fixes_parse(text in metadata_shape()) {
        // Only inputs that are YAML to begin with.
        prop_assume!(serde_yaml::from_str::<serde_yaml::Value>(&text).is_ok());
        let diags = lint(&text);
        for d in &diags {
            let Some(fix) = &d.fix else { continue };
            let mut edits: Vec<_> = fix.edits.iter().collect();
            edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
            let mut fixed = text.clone();
            for e in edits {
                fixed.replace_range(e.span.clone(), &e.content);
            }
            let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(&fixed);
            prop_assert!(parsed.is_ok(), "advertised fix does not parse:\n{}\n---\n{}", text, fixed);
            let (mut before, mut after) = (data(&text).remove(0), parsed.unwrap());
            let added = after["metadata"].as_mapping_mut().unwrap().remove("finalizers");
            prop_assert_eq!(added, Some(serde_yaml::Value::Sequence(vec![CASCADE.into()])));
            before["metadata"].as_mapping_mut().unwrap().remove("finalizers");
            prop_assert_eq!(before, after, "{}", fixed);
        }
    }
}

/// An alias bomb elsewhere in the document (here in `spec`) does not hide what is written
/// out plainly: the missing finalizer is still an error (with the `not-checked` note, and
/// no fix, as the document cannot be read as Kubernetes would); the same bomb reaching
/// `metadata`, `kind` or a merge key keeps the whole document `not-checked`.
#[test]
fn alias_bomb_outside_metadata_does_not_hide_a_missing_finalizer() {
    let mut bomb = String::from("spec:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 8].join(", ");
        bomb.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let plain = format!("{HEAD}metadata:\n  name: m\n{bomb}  z: *a9\n");
    let diags = lint(&plain);
    let rules: Vec<&str> = diags.iter().map(|d| d.rule).collect();
    assert_eq!(
        rules,
        ["missing-finalizer", "not-checked"],
        "{:?}",
        describe(&diags)
    );
    assert!(
        diags.iter().all(|d| d.fix.is_none()),
        "{:?}",
        describe(&diags)
    );
    for tail in [
        "metadata: *a9\n",
        "metadata:\n  name: m\n  labels: *a9\n",
        "<<: *a9\n",
    ] {
        let text = format!("{HEAD}{bomb}{tail}");
        let diags = lint(&text);
        let rules: Vec<&str> = diags.iter().map(|d| d.rule).collect();
        assert_eq!(rules, ["not-checked"], "{text}\n{:?}", describe(&diags));
    }
}
