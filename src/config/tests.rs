//! The configuration's parser and validator.

use super::*;

#[test]
fn parses_every_key() {
    let c = parse(
        "include: ['**/*.yaml']\nexclude: [charts/]\nrules:\n  unknown-finalizer: off\n  not-checked: warning\nper-path-ignores:\n  'legacy/**': [missing-finalizer]\nfinalizers:\n  accepted: [example.com/cascade]\nfix:\n  finalizer-position: after-name\n",
    )
    .unwrap();
    assert_eq!(c.include, ["**/*.yaml"]);
    assert_eq!(c.exclude, ["charts/"]);
    assert_eq!(c.rules["unknown-finalizer"], RuleLevel::Off);
    assert_eq!(
        c.rules["not-checked"],
        RuleLevel::Severity(Severity::Warning)
    );
    assert_eq!(
        c.per_path_ignores,
        [(
            "legacy/**".to_string(),
            vec!["missing-finalizer".to_string()]
        )]
    );
    assert_eq!(c.accepted_finalizers, ["example.com/cascade"]);
    assert_eq!(c.fix.finalizer_position, FinalizerPosition::AfterName);
}

#[test]
fn repositories_are_a_list_of_urls() {
    let c =
        parse("repositories:\n  - https://github.com/org/gitops\n  - git@gitlab.com:org/x.git\n")
            .unwrap();
    assert_eq!(
        c.repositories,
        ["https://github.com/org/gitops", "git@gitlab.com:org/x.git"]
    );
    let text = "repositories: https://github.com/org/gitops\n";
    let (span, msg) = parse(text).unwrap_err();
    assert_eq!(&text[span.unwrap()], "https://github.com/org/gitops");
    assert!(msg.contains("expected a list of repository URLs"), "{msg}");
    let text = "repositories: [{url: x}]\n";
    let (_, msg) = parse(text).unwrap_err();
    assert!(msg.contains("repository URLs (a string)"), "{msg}");
    let text = "repositorys: []\n";
    let (span, msg) = parse(text).unwrap_err();
    assert_eq!(&text[span.unwrap()], "repositorys");
    assert!(msg.contains("`repositories`"), "{msg}");
    let schema = json_schema();
    assert!(schema.to_string().contains("\"repositories\""));
}

#[test]
fn errors_point_at_the_key() {
    let text = "fix:\n  finalizer-positon: end\n";
    let (span, msg) = parse(text).unwrap_err();
    assert_eq!(&text[span.unwrap()], "finalizer-positon");
    assert!(msg.contains("unknown key `fix.finalizer-positon`"), "{msg}");
    let text = "rules:\n  missing-finaliser: off\n";
    let (span, msg) = parse(text).unwrap_err();
    assert_eq!(&text[span.unwrap()], "missing-finaliser");
    assert!(msg.contains("unknown rule"), "{msg}");
    let text = "exclude: charts/\n";
    let (span, msg) = parse(text).unwrap_err();
    assert_eq!(&text[span.unwrap()], "charts/");
    assert!(msg.contains("expected a list"), "{msg}");
    let text = "fix:\n  finalizer-position: first\n";
    let (span, _) = parse(text).unwrap_err();
    assert_eq!(&text[span.unwrap()], "first");
    let text = "colour: red\n";
    let (span, msg) = parse(text).unwrap_err();
    assert_eq!(&text[span.unwrap()], "colour");
    assert!(msg.contains("unknown key `colour`"));
}

/// `gitops-lint.schema.json` is generated from [`KEYS`]; regenerate with
/// `UPDATE_SCHEMA=1 cargo test config_schema_is_in_sync`.
#[test]
fn config_schema_is_in_sync() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("gitops-lint.schema.json");
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == generated, "gitops-lint.schema.json is out of date; run UPDATE_SCHEMA=1 cargo test config_schema_is_in_sync");
}
