//! `gitops-lint plan --base REV` on real Git repositories made here (commits with the `git`
//! client; the tool reads them with its own library): each consequence at least once.

mod common;

use common::plan::{app, changes, commit, git, has_git, message_of, plan, triple};
use common::plan::{init_repo, list_appset, registry_repo, rooted_registry_repo};
use common::plan::{CASCADE, PRUNE, URL};
use common::{run, write};
use std::process::Command;

#[test]
fn removed_children_of_a_pruning_parent_are_deleted_or_orphaned() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    std::fs::remove_file(d.join("apps/a.yaml")).unwrap();
    std::fs::remove_file(d.join("apps/b.yaml")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(
        changes(&doc),
        [
            triple("delete", "removed", "a"),
            triple("orphan", "removed", "b")
        ]
    );
    assert!(
        message_of(&doc, "a").contains("deletes Application `a` (`registry` prunes it) and, by its cascade finalizer, every resource it manages"),
        "{doc}"
    );
    assert!(
        message_of(&doc, "b").contains("leaves every resource it managed running, unmanaged"),
        "{doc}"
    );
    assert_eq!(doc["changes"][0]["side"], "base");
    assert_eq!(doc["changes"][0]["object"]["file"], "apps/a.yaml");
    // The text format says the same, most severe first.
    let text = run(d, &["plan", "--base", "HEAD"]);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(
        lines[1].starts_with("delete  apps/a.yaml:4: deletes Application `a`"),
        "{text:?}"
    );
    assert!(
        lines[2].starts_with("orphan  apps/b.yaml:4: deletes Application `b`"),
        "{text:?}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("2 changes: 1 delete, 1 orphan, 0 change, 0 info")
    );
    // The threshold.
    assert_eq!(
        run(d, &["plan", "--base", "HEAD", "--fail-on", "never"]).code,
        Some(0)
    );
    assert_eq!(
        run(d, &["plan", "--base", "HEAD", "--fail-on", "delete"]).code,
        Some(1)
    );
}

#[test]
fn a_child_of_a_parent_that_does_not_prune_stays_running() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    write(d, "registry.yaml", &app("registry", CASCADE, "apps", ""));
    commit(d, "no prune");
    std::fs::remove_file(d.join("apps/a.yaml")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(changes(&doc), [triple("change", "removed", "a")]);
    assert!(
        message_of(&doc, "a").contains(
            "stays running in the cluster: nothing deletes it (`registry` does not prune)"
        ),
        "{doc}"
    );
}

#[test]
fn renames_in_place_and_by_moving_the_file() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    // In place: same file, new name.
    write(d, "apps/a.yaml", &app("a2", CASCADE, "components/a", ""));
    // Moved: another file, same source, new name (b has no finalizer).
    std::fs::remove_file(d.join("apps/b.yaml")).unwrap();
    write(d, "apps/new-b.yaml", &app("b2", "", "components/b", ""));
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(
        changes(&doc),
        [
            triple("delete", "renamed", "a2"),
            triple("orphan", "renamed", "b2")
        ]
    );
    assert!(
        message_of(&doc, "a2").starts_with(
            "renamed `a` to `a2`: deletes `a` and every resource it manages, then creates `a2`"
        ),
        "{doc}"
    );
    assert_eq!(doc["changes"][0]["previous"]["name"], "a");
    assert_eq!(doc["changes"][1]["previous"]["file"], "apps/b.yaml");
    assert_eq!(doc["changes"][1]["object"]["file"], "apps/new-b.yaml");
}

#[test]
fn a_child_moved_out_of_the_pruning_parents_source_is_deleted() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    std::fs::rename(d.join("apps/c.yaml"), d.join("c.yaml")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(changes(&doc), [triple("delete", "left-parent", "c")]);
}

#[test]
fn finalizer_prune_and_sync_option_changes() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    let prune_false =
        "  annotations:\n    argocd.argoproj.io/sync-options: Prune=false,Delete=false\n";
    write(d, "apps/c.yaml", &app("c", prune_false, "components/c", ""));
    commit(d, "c keeps");
    write(d, "apps/a.yaml", &app("a", "", "components/a", PRUNE));
    write(d, "apps/b.yaml", &app("b", CASCADE, "components/b", ""));
    write(d, "apps/c.yaml", &app("c", CASCADE, "components/c", ""));
    write(d, "registry.yaml", &app("registry", CASCADE, "apps", ""));
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let kinds: Vec<(String, String, String)> = changes(&doc);
    for want in [
        triple("change", "cascade-removed", "a"),
        triple("change", "prune-on", "a"),
        triple("change", "cascade-added", "b"),
        triple("change", "cascade-added", "c"),
        triple("change", "prune-false-removed", "c"),
        triple("change", "delete-false-removed", "c"),
        triple("change", "prune-off", "registry"),
    ] {
        assert!(kinds.contains(&want), "{want:?} not in {kinds:?}");
    }
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    assert_eq!(
        run(d, &["plan", "--base", "HEAD", "--fail-on", "change"]).code,
        Some(1)
    );
}

#[test]
fn a_removed_registry_deletes_its_subtree_counted() {
    if !has_git() {
        return;
    }
    // A root that prunes syncs the registry's directory.
    let dir = rooted_registry_repo();
    let d = dir.path();
    std::fs::remove_file(d.join("root/registry.yaml")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(changes(&doc), [triple("delete", "removed", "registry")]);
    let below = doc["changes"][0]["deleted_below"].as_array().unwrap();
    assert_eq!(below.len(), 3, "{doc}");
    let message = message_of(&doc, "registry");
    assert!(
        message.contains(
            "among them 3 Applications below it: 2 delete their resources, 1 leave theirs running"
        ),
        "{message}"
    );
}

#[test]
fn applicationset_elements_removed_and_preserved_resources() {
    if !has_git() {
        return;
    }
    let dir = init_repo();
    let d = dir.path();
    let set = list_appset;
    write(d, "set.yaml", &set(&["dev", "prod", "qa"], ""));
    commit(d, "base");
    write(d, "set.yaml", &set(&["dev"], ""));
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(
        changes(&doc),
        [
            triple("delete", "removed", "app-prod"),
            triple("delete", "removed", "app-qa")
        ]
    );
    assert!(
        message_of(&doc, "app-prod").contains("(ApplicationSet `envs` no longer generates it)"),
        "{doc}"
    );
    // preserveResourcesOnDeletion: the generated Applications leave their resources.
    let preserve = "  syncPolicy:\n    preserveResourcesOnDeletion: true\n";
    write(d, "set.yaml", &set(&["dev", "prod", "qa"], preserve));
    commit(d, "preserve");
    write(d, "set.yaml", &set(&["dev", "qa"], preserve));
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(changes(&doc), [triple("orphan", "removed", "app-prod")]);
    // applicationsSync: create-only keeps what is no longer generated.
    let keep = "  syncPolicy:\n    applicationsSync: create-only\n";
    write(d, "set.yaml", &set(&["dev", "prod"], keep));
    commit(d, "keep");
    write(d, "set.yaml", &set(&["dev"], keep));
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(changes(&doc), [triple("change", "removed", "app-prod")]);
    assert!(
        message_of(&doc, "app-prod").contains("keeps what it no longer generates"),
        "{doc}"
    );
}

#[test]
fn head_rev_compares_two_commits_and_the_working_tree_is_not_read() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    std::fs::remove_file(d.join("apps/a.yaml")).unwrap();
    commit(d, "remove a");
    // The working tree differs again; `--head HEAD` does not see it.
    std::fs::remove_file(d.join("apps/b.yaml")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(changes(&doc), [triple("delete", "removed", "a")]);
    assert_eq!(doc["head"]["rev"], "HEAD");
    assert_eq!(doc["base"]["commit"].as_str().map(str::len), Some(40));
}

#[test]
fn nothing_changed_is_exit_0() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let r = run(dir.path(), &["plan", "--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout.contains("no change to what deletion does"),
        "{r:?}"
    );
}

#[test]
fn a_base_that_does_not_exist_is_exit_2_with_a_clear_message() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let r = run(dir.path(), &["plan", "--base", "no-such-branch"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr
            .contains("error: --base: `no-such-branch` names no commit in this repository"),
        "{r:?}"
    );
    assert!(r.stdout.is_empty(), "{r:?}");
    // Not a Git repository at all.
    let plain = tempfile::tempdir().unwrap();
    std::fs::create_dir(plain.path().join(".git")).unwrap();
    let r = run(plain.path(), &["plan", "--base", "main"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("not in a Git repository"), "{r:?}");
}

#[test]
fn a_shallow_clone_without_the_base_names_the_fix() {
    if !has_git() {
        return;
    }
    let origin = registry_repo();
    let o = origin.path();
    write(o, "apps/d.yaml", &app("d", CASCADE, "components/d", ""));
    commit(o, "second");
    let base = String::from_utf8(
        Command::new("git")
            .current_dir(o)
            .args(["rev-parse", "HEAD~1"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", o.display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let c = clone.path().join("c");
    let r = run(&c, &["plan", "--base", base.trim()]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("shallow clone"), "{r:?}");
    assert!(r.stderr.contains("fetch-depth: 0"), "{r:?}");
}

#[test]
fn binary_and_invalid_files_on_either_side_are_no_changes() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    std::fs::write(d.join("apps/blob.yaml"), b"\x00\x01argoproj.io\xff\xfe").unwrap();
    write(
        d,
        "apps/broken.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: [\n",
    );
    commit(d, "junk");
    std::fs::write(d.join("apps/broken.yaml"), b"\xff\xfeargoproj.io: [").unwrap();
    write(
        d,
        "apps/blob.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: [\n",
    );
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(changes(&doc), []);
}

#[test]
fn output_from_file_names_cannot_inject_workflow_commands() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    write(
        d,
        "apps/x.yaml",
        &app("x\u{1b}[31m", CASCADE, "components/x", ""),
    );
    commit(d, "x");
    std::fs::remove_file(d.join("apps/x.yaml")).unwrap();
    let r = common::run_env(d, &["plan", "--base", "HEAD"], "GITHUB_ACTIONS", "true");
    assert!(!r.stdout.contains('\u{1b}'), "{r:?}");
}

#[test]
fn tracked_files_the_walk_ignores_are_ignored_on_the_base_side_too() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    // A render output, committed once by mistake and ignored since: the working tree's
    // walk skips it, and so must the base tree (else it would look removed).
    write(
        d,
        "build/rendered.yaml",
        &app("rendered", "", "components/a", ""),
    );
    commit(d, "render");
    write(d, ".gitignore", "build/\n");
    commit(d, "ignore the render");
    git(d, &["ls-files", "--error-unmatch", "build/rendered.yaml"]);
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(changes(&doc), []);
    // With --no-ignore both sides read it.
    let (r, doc) = plan(d, &["--base", "HEAD", "--no-ignore"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(changes(&doc), []);
}

#[test]
fn a_git_directory_removed_deletes_its_generated_application() {
    if !has_git() {
        return;
    }
    let dir = init_repo();
    let d = dir.path();
    git(d, &["remote", "add", "origin", URL]);
    write(
        d,
        "set.yaml",
        &format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: clusters\n  namespace: argocd\nspec:\n  generators:\n  - git:\n      repoURL: {URL}\n      revision: HEAD\n      directories:\n      - path: clusters/*\n  template:\n    metadata:\n      name: '{{{{path.basename}}}}'\n    spec:\n      project: default\n      source:\n        repoURL: {URL}\n        path: '{{{{path}}}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{{{path.basename}}}}'\n"
        ),
    );
    for c in ["east", "west"] {
        write(d, &format!("clusters/{c}/cm.yaml"), "kind: ConfigMap\n");
    }
    commit(d, "base");
    std::fs::remove_dir_all(d.join("clusters/west")).unwrap();
    let (r, doc) = plan(d, &["--base", "HEAD"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(changes(&doc), [triple("delete", "removed", "west")]);
    assert!(
        message_of(&doc, "west").contains("(ApplicationSet `clusters` no longer generates it)"),
        "{doc}"
    );
}
