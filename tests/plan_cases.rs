//! `gitops-lint plan`: a renamed parent, an ApplicationSet that leaves the repository
//! without being deleted, and the ignore files a walk of the checkout honours (the base
//! side must leave out what the working tree's walk leaves out, or it looks removed).

mod common;

use common::plan::{app, changes, commit, git, has_git, message_of, plan, triple};
use common::plan::{
    init_repo, list_appset, registry_repo, rooted_registry_repo, CASCADE, PRUNE, URL,
};
use common::write;

#[test]
fn a_renamed_cascading_parent_deletes_its_children_and_creates_them_again() {
    if !has_git() {
        return;
    }
    let dir = rooted_registry_repo();
    let d = dir.path();
    // The registry renamed in place: the old one is pruned (and cascades), the new one
    // syncs the same children.
    write(
        d,
        "root/registry.yaml",
        &app("platform", CASCADE, "apps", PRUNE),
    );
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(changes(&doc), [triple("delete", "renamed", "platform")]);
    let message = message_of(&doc, "platform");
    assert!(
        message.contains("deletes `registry` and every resource it manages, among them 3 Applications below it: 2 delete their resources, 1 leave theirs running, then creates `platform`"),
        "{message}"
    );
    assert!(
        message.contains("; `platform` creates the 3 Applications below it again)"),
        "{message}"
    );
    assert_eq!(
        doc["changes"][0]["deleted_below"].as_array().map(Vec::len),
        Some(3)
    );
}

#[test]
fn the_applications_of_an_applicationset_nothing_deletes_stay_with_it() {
    if !has_git() {
        return;
    }
    let dir = init_repo();
    let d = dir.path();
    let set = list_appset(&["dev"], "");
    write(d, "set.yaml", &set);
    commit(d, "base");
    // Applied by hand (no parent prunes it): removing its file deletes nothing.
    std::fs::remove_file(d.join("set.yaml")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        changes(&doc),
        [
            triple("change", "removed", "app-dev"),
            triple("change", "removed", "envs")
        ]
    );
    assert!(
        message_of(&doc, "app-dev").contains(
            "nothing deletes it (ApplicationSet `envs`, which generates it, is not deleted either)"
        ),
        "{doc}"
    );
    assert!(
        message_of(&doc, "envs").contains("no parent in the repository syncs it"),
        "{doc}"
    );
}

/// The registry repository with two rendered Applications committed in `build/` and
/// `out/`, then left out by the given ignore files (committed).
fn with_ignored_renders(ignore_files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = registry_repo();
    let d = dir.path();
    for (dir, name) in [("build", "one"), ("out", "two"), ("tmp", "three")] {
        let path = format!("{dir}/rendered.yaml");
        write(d, &path, &app(name, "", "components/a", ""));
    }
    commit(d, "renders");
    for (path, text) in ignore_files {
        write(d, path, text);
    }
    commit(d, "ignore the renders");
    dir
}

#[test]
fn a_dot_ignore_and_a_gitignore_of_one_directory_both_count_on_the_base_side() {
    if !has_git() {
        return;
    }
    let dir = with_ignored_renders(&[(".gitignore", "build/\n"), (".ignore", "out/\ntmp/\n")]);
    let d = dir.path();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(changes(&doc), []);
    // Each side reads them all with --no-ignore.
    let (r, doc) = plan(d, &["--base", "HEAD", "--no-ignore"]);
    assert_eq!((r.code, changes(&doc)), (Some(0), vec![]), "{r:?}");
}

#[test]
fn the_repositorys_info_exclude_counts_on_the_base_side() {
    if !has_git() {
        return;
    }
    let dir = with_ignored_renders(&[(".gitignore", "build/\nout/\n")]);
    let d = dir.path();
    let exclude = d.join(".git/info/exclude");
    std::fs::create_dir_all(exclude.parent().unwrap()).unwrap();
    std::fs::write(&exclude, "# local\ntmp/\n").unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(changes(&doc), []);
}

#[test]
fn a_base_file_that_differs_from_the_working_trees_is_read_not_taken() {
    if !has_git() {
        return;
    }
    // The working tree's file has the base's path but other bytes: the base side must
    // read its own blob (the head side's facts are for other bytes).
    let dir = registry_repo();
    let d = dir.path();
    write(d, "apps/a.yaml", &app("a", "", "components/a", ""));
    write(d, "apps/c.yaml", &app("c-new", CASCADE, "components/c", ""));
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(
        changes(&doc),
        [
            triple("delete", "renamed", "c-new"),
            triple("change", "cascade-removed", "a")
        ]
    );
}

#[test]
fn the_markdown_summary_fits_in_a_pull_request_comment() {
    if !has_git() {
        return;
    }
    let dir = init_repo();
    let d = dir.path();
    git(d, &["remote", "add", "origin", URL]);
    write(d, "registry.yaml", &app("registry", CASCADE, "apps", PRUNE));
    let long = "x".repeat(50);
    for i in 0..600 {
        let metadata = if i % 2 == 0 { CASCADE } else { "" };
        let name = format!("app-{i:03}-{long}");
        write(
            d,
            &format!("apps/{name}.yaml"),
            &app(&name, metadata, "c", ""),
        );
    }
    commit(d, "base");
    std::fs::remove_dir_all(d.join("apps")).unwrap();
    let r = common::run(d, &["plan", "--base", "HEAD", "--format", "markdown"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    let md = &r.stdout;
    assert!(md.len() <= 65_536, "{} characters", md.len());
    let rows = md.lines().filter(|l| l.starts_with("| ")).count() - 1;
    assert!((100..600).contains(&rows), "{rows} rows");
    let more = format!("And {} more changes, the least severe", 600 - rows);
    assert!(md.contains(&more), "{md}");
    // Most severe first: the deletions are all in, the rows left out are orphans.
    assert!(
        md.lines().nth(6).is_some_and(|l| l.contains("**delete**")),
        "{md}"
    );
    assert!(
        md.contains("The flowchart of what goes is left out"),
        "{md}"
    );
}

#[test]
fn every_missing_path_is_named_and_no_plan_is_made() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    let r = common::run(
        d,
        &["plan", "--base", "HEAD", "apps", "nope", "gone/x.yaml"],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains("error: nope: no such file or directory"),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("error: gone/x.yaml: no such file or directory"),
        "{r:?}"
    );
    assert_eq!(r.stdout, "", "{r:?}");
}

#[test]
fn applications_replaced_by_a_helm_template_may_be_rendered_again() {
    if !has_git() {
        return;
    }
    // An app-of-apps chart whose Applications become one `range` template (as
    // argocd-example-apps did): their names are Helm's to render.
    let dir = init_repo();
    let d = dir.path();
    write(
        d,
        "apps/Chart.yaml",
        "apiVersion: v2\nname: apps\nversion: 1.0.0\n",
    );
    write(
        d,
        "apps/templates/one.yaml",
        &app("one", CASCADE, "one", ""),
    );
    write(
        d,
        "apps/templates/two.yaml",
        &app("two", CASCADE, "two", ""),
    );
    write(d, "other/three.yaml", &app("three", CASCADE, "three", ""));
    commit(d, "base");
    std::fs::remove_file(d.join("apps/templates/one.yaml")).unwrap();
    std::fs::remove_file(d.join("apps/templates/two.yaml")).unwrap();
    std::fs::remove_file(d.join("other/three.yaml")).unwrap();
    let range = app("{{ .name }}", CASCADE, "{{ .name }}", "");
    write(
        d,
        "apps/templates/all.yaml",
        &format!("{{{{- range .Values.apps }}}}\n{range}---\n{{{{ end }}}}\n"),
    );
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let again = "; the templated Application in `apps/templates/all.yaml` may render it again";
    assert!(message_of(&doc, "one").contains(again), "{doc}");
    assert!(message_of(&doc, "two").contains(again), "{doc}");
    assert!(!message_of(&doc, "three").contains("templated"), "{doc}");
    assert!(
        message_of(&doc, "{{ .name }}").starts_with("adds a templated Application `{{ .name }}`"),
        "{doc}"
    );
}

#[test]
fn one_name_in_several_files_is_one_object_per_file() {
    if !has_git() {
        return;
    }
    // A template repository with one directory per cloud, each with its own `registry`
    // (as Kubefirst's gitops-template): each file is another cluster's Application.
    let dir = init_repo();
    let d = dir.path();
    for cloud in ["aws", "civo", "k3d"] {
        let path = format!("{cloud}/registry.yaml");
        write(
            d,
            &path,
            &app("registry", "", &format!("{cloud}/apps"), PRUNE),
        );
    }
    commit(d, "base");
    for cloud in ["aws", "civo", "k3d"] {
        let path = format!("{cloud}/registry.yaml");
        write(
            d,
            &path,
            &app("registry", CASCADE, &format!("{cloud}/apps"), PRUNE),
        );
    }
    std::fs::remove_file(d.join("k3d/registry.yaml")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let files: Vec<(String, String)> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            (s(&c["kind"]), s(&c["object"]["file"]))
        })
        .collect();
    assert_eq!(
        files,
        [
            ("cascade-added".to_string(), "aws/registry.yaml".to_string()),
            (
                "cascade-added".to_string(),
                "civo/registry.yaml".to_string()
            ),
            ("removed".to_string(), "k3d/registry.yaml".to_string()),
        ],
        "{doc}"
    );
}
