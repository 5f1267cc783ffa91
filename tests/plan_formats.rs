//! `gitops-lint plan --format markdown|github` on real Git repositories: the table, the
//! Mermaid flowchart and the workflow commands, and that names and paths from a pull
//! request cannot break out of a table cell, a Mermaid label or an annotation.

mod common;

use common::plan::{
    app, commit, has_git, init_repo, registry_repo, rooted_registry_repo, CASCADE, PRUNE,
};
use common::{run, run_env, write, Run};
use std::path::Path;

fn markdown(dir: &Path) -> Run {
    run(dir, &["plan", "--base", "HEAD", "--format", "markdown"])
}

fn github(dir: &Path) -> Run {
    run(dir, &["plan", "--base", "HEAD", "--format", "github"])
}

/// The table's rows (after the header and the delimiter row).
fn rows(md: &str) -> Vec<&str> {
    md.lines().filter(|l| l.starts_with('|')).skip(2).collect()
}

/// The lines between ```` ```mermaid ```` and the closing fence.
fn mermaid(md: &str) -> Vec<&str> {
    let mut lines = md.lines().skip_while(|l| *l != "```mermaid").skip(1);
    let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
    assert!(!block.is_empty(), "no mermaid block: {md}");
    block
}

/// The registry under a pruning `bootstrap` (in `root/`), with `d` (cascading) and `e`
/// (not) beside it; committed. Then: the registry removed, `d` renamed to `d2` in place,
/// `e` removed.
fn removal_rename_and_subtree() -> tempfile::TempDir {
    let dir = rooted_registry_repo();
    let d = dir.path();
    write(d, "root/d.yaml", &app("d", CASCADE, "components/d", ""));
    write(d, "root/e.yaml", &app("e", "", "components/e", ""));
    commit(d, "root");
    std::fs::remove_file(d.join("root/registry.yaml")).unwrap();
    write(d, "root/d.yaml", &app("d2", CASCADE, "components/d", ""));
    std::fs::remove_file(d.join("root/e.yaml")).unwrap();
    dir
}

#[test]
fn markdown_lists_a_removal_a_rename_and_a_subtree() {
    if !has_git() {
        return;
    }
    let dir = removal_rename_and_subtree();
    let r = markdown(dir.path());
    assert_eq!(r.code, Some(1), "{r:?}");
    let md = &r.stdout;
    let mut lines = md.lines();
    assert_eq!(lines.next(), Some("### gitops-lint plan"), "{md}");
    assert_eq!(lines.next(), Some(""), "{md}");
    let sides = lines.next().unwrap();
    assert!(sides.contains("(HEAD) → the working tree"), "{md}");
    assert!(
        sides.ends_with("3 changes&#58; 2 delete, 1 orphan, 0 change, 0 info"),
        "{md}"
    );
    assert!(
        md.contains("| | Level | Object | File | Consequence |\n|---|---|---|---|---|\n"),
        "{md}"
    );
    let rows = rows(md);
    assert_eq!(rows.len(), 3, "{md}");
    assert!(
        rows[0].starts_with(
            "| 1 | **delete** | Application <code>d</code> → <code>d2</code> | <code>root/d.yaml&#58;4</code> | renamed <code>d</code> to <code>d2</code>&#58; deletes <code>d</code>"
        ),
        "{md}"
    );
    assert!(
        rows[1].starts_with(
            "| 2 | **delete** | Application <code>registry</code> | <code>root/registry.yaml&#58;4</code> (removed) | deletes Application <code>registry</code> (<code>bootstrap</code> prunes it) and, by its cascade finalizer"
        ),
        "{md}"
    );
    for (name, what) in [("a", "deleted"), ("b", "left running"), ("c", "deleted")] {
        let entry = format!(
            "<br>also deletes Application <code>{name}</code> (<code>apps/{name}.yaml&#58;4</code>): its resources are {what}"
        );
        assert!(rows[1].contains(&entry), "{entry} not in {}", rows[1]);
    }
    assert!(
        rows[2].starts_with("| 3 | **orphan** | Application <code>e</code> | <code>root/e.yaml&#58;4</code> (removed) | deletes Application <code>e</code>"),
        "{md}"
    );
    let block = mermaid(md);
    assert_eq!(block[0], "flowchart LR", "{md}");
    let text = block.join("\n");
    for label in [
        "[\"registry<br/>root/registry.yaml:4\"]",
        "[\"a\"]",
        "[\"b\"]",
        "[\"c\"]",
        "[\"e<br/>root/e.yaml:4\"]",
    ] {
        assert!(text.contains(label), "{label} not in {text}");
    }
    assert!(text.contains("[\"d → d2<br/>root/d.yaml:4\"]"), "{text}");
    // The registry's node points at the three Applications deleted with it.
    let registry = block
        .iter()
        .find(|l| l.contains("[\"registry"))
        .and_then(|l| l.trim().split('[').next())
        .unwrap();
    let edges = block
        .iter()
        .filter(|l| l.trim().starts_with(&format!("{registry} --> ")))
        .count();
    assert_eq!(edges, 3, "{text}");
    assert!(text.contains("classDef delete "), "{text}");
    assert!(text.contains("classDef orphan "), "{text}");
    // b (no finalizer) and e (no finalizer) are orphans; the rest delete.
    let orphans = block
        .iter()
        .find(|l| l.trim().starts_with("class ") && l.ends_with(" orphan"))
        .unwrap();
    assert_eq!(orphans.split(',').count(), 2, "{text}");
}

#[test]
fn markdown_without_changes_says_so() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let r = markdown(dir.path());
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.starts_with("### gitops-lint plan\n"), "{r:?}");
    assert!(
        r.stdout.contains("\nNo change to what deletion does.\n"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("| Level |"), "{r:?}");
    assert!(!r.stdout.contains("```"), "{r:?}");
}

/// A removed single Application without a subtree: a table, no flowchart.
#[test]
fn markdown_draws_no_flowchart_for_one_deletion_without_a_subtree() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    std::fs::remove_file(dir.path().join("apps/a.yaml")).unwrap();
    let r = markdown(dir.path());
    assert_eq!(rows(&r.stdout).len(), 1, "{r:?}");
    assert!(!r.stdout.contains("```mermaid"), "{r:?}");
}

#[test]
fn markdown_escapes_hostile_names_and_paths() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    let hostile = "x|y<script>";
    let worse = "\"z` ``` \\\"q\\\" [l](http://e) *b* _i_ @team #1 &amp; $x$\\n|--|\"";
    write(
        d,
        "apps/h.yaml",
        &app(&format!("\"{hostile}\""), CASCADE, "components/h", ""),
    );
    write(d, "apps/we`ird].yaml", &app(worse, "", "components/w", ""));
    commit(d, "hostile");
    std::fs::remove_file(d.join("apps/h.yaml")).unwrap();
    std::fs::remove_file(d.join("apps/we`ird].yaml")).unwrap();
    let r = markdown(d);
    assert_eq!(r.code, Some(1), "{r:?}");
    let md = &r.stdout;
    let rows = rows(md);
    assert_eq!(rows.len(), 2, "{md}");
    for row in &rows {
        // Five cells: no `|` of a name splits one.
        assert_eq!(row.matches('|').count(), 6, "{row}");
        for raw in ['`', '<', '[', ']', '*', '_', '\\', '@', '$'] {
            let outside_tags = row
                .replace("<code>", "")
                .replace("</code>", "")
                .replace("<br>", "")
                .replace("**delete**", "")
                .replace("**orphan**", "");
            assert!(!outside_tags.contains(raw), "{raw:?} in {row}");
        }
        assert!(!row.contains("<script"), "{row}");
        assert!(!row.contains(" #1"), "{row}");
    }
    assert!(md.contains("<code>x&#124;y&#60;script&#62;</code>"), "{md}");
    assert!(
        md.contains("<code>apps/we&#96;ird&#93;.yaml&#58;4</code>"),
        "{md}"
    );
    // The newline in the name is shown escaped, in the same cell.
    assert!(md.contains("&#92;n&#124;--&#124;"), "{md}");
    // The flowchart: one fence, no backtick, quote or raw `<` of a name inside it.
    assert_eq!(md.matches("```").count(), 2, "{md}");
    let block = mermaid(md);
    assert_eq!(block[0], "flowchart LR");
    for line in &block[1..] {
        let line = line.trim();
        assert!(!line.contains('`'), "{line}");
        assert!(!line.contains("<script"), "{line}");
        if let Some((id, label)) = line.split_once("[\"") {
            // A generated id, and a quoted label with no quote of a name in it.
            let digits = id.strip_prefix('n').unwrap_or_else(|| panic!("{line}"));
            assert!(digits.chars().all(|c| c.is_ascii_digit()), "{line}");
            let inner = label
                .strip_suffix("\"]")
                .unwrap_or_else(|| panic!("not a quoted label: {line}"));
            assert!(!inner.contains('"'), "{line}");
            assert!(!inner.replace("<br/>", "").contains('<'), "{line}");
        } else {
            assert!(!line.contains('"'), "{line}");
        }
    }
    let text = block.join("\n");
    assert!(text.contains("x#124;y#60;script#62;"), "{text}");
    assert!(text.contains("apps/we#96;ird].yaml:4"), "{text}");
}

#[test]
fn github_annotations_one_per_change() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    std::fs::remove_file(d.join("apps/a.yaml")).unwrap();
    std::fs::remove_file(d.join("apps/b.yaml")).unwrap();
    write(d, "apps/c.yaml", &app("c", "", "components/c", ""));
    write(d, "apps/d.yaml", &app("d", CASCADE, "components/d", ""));
    let r = github(d);
    assert_eq!(r.code, Some(1), "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{r:?}");
    assert!(
        lines[0].starts_with(
            "::error file=apps/a.yaml,line=4,title=gitops-lint plan%3A removed (removed file)::deletes Application `a` (`registry` prunes it)"
        ),
        "{r:?}"
    );
    assert!(
        lines[1].starts_with(
            "::error file=apps/b.yaml,line=4,title=gitops-lint plan%3A removed (removed file)::deletes Application `b`"
        ),
        "{r:?}"
    );
    assert!(
        lines[2].starts_with(
            "::warning file=apps/c.yaml,line=4,title=gitops-lint plan%3A cascade-removed::cascade finalizer removed from Application `c`"
        ),
        "{r:?}"
    );
    assert_eq!(
        lines[3],
        "::notice file=apps/d.yaml,line=4,title=gitops-lint plan%3A added::creates Application `d`"
    );
}

#[test]
fn github_annotations_list_the_subtree_and_the_old_name_in_one_line() {
    if !has_git() {
        return;
    }
    let dir = removal_rename_and_subtree();
    let r = github(dir.path());
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{r:?}");
    assert!(
        lines[0].starts_with("::error file=root/d.yaml,line=4,title=gitops-lint plan%3A renamed::"),
        "{r:?}"
    );
    assert!(lines[0].ends_with("%0Awas `d` at root/d.yaml:4"), "{r:?}");
    assert!(
        lines[1].contains(
            "%0Aalso deletes Application `a` (apps/a.yaml:4): its resources are deleted%0A"
        ),
        "{r:?}"
    );
}

#[test]
fn github_annotations_cannot_start_another_workflow_command() {
    if !has_git() {
        return;
    }
    let dir = registry_repo();
    let d = dir.path();
    write(
        d,
        "apps/p.yaml",
        &app(
            "\"p%0A::set-output name=x::y\"",
            CASCADE,
            "components/p",
            "",
        ),
    );
    write(
        d,
        "apps/q.yaml",
        &app(
            "\"q\\n::error::pwned\\r\\n::warning::w\"",
            "",
            "components/q",
            "",
        ),
    );
    write(d, "apps/r,s:t.yaml", &app("r", CASCADE, "components/r", ""));
    commit(d, "hostile");
    for f in ["apps/p.yaml", "apps/q.yaml", "apps/r,s:t.yaml"] {
        std::fs::remove_file(d.join(f)).unwrap();
    }
    let r = run_env(
        d,
        &["plan", "--base", "HEAD", "--format", "github"],
        "GITHUB_ACTIONS",
        "true",
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{r:?}");
    assert_eq!(r.stdout.matches('\n').count(), 3, "{r:?}");
    assert!(!r.stdout.contains('\r'), "{r:?}");
    for line in &lines {
        assert!(line.starts_with("::error file=apps/"), "{line}");
        // The only `::` of the line: the one after the command and the one before the
        // message.
        let (_, message) = line.split_once("::error ").unwrap();
        let (props, _) = message.split_once("::").unwrap();
        assert!(!props.contains(':'), "{line}");
    }
    assert!(lines[0].contains("p%250A::set-output"), "{r:?}");
    // Most severe first: p and r delete their resources, q does not.
    assert!(
        lines[1].starts_with("::error file=apps/r%2Cs%3At.yaml,line=4,"),
        "{r:?}"
    );
    assert!(
        lines[2].contains("q%0A::error::pwned%0D%0A::warning::w"),
        "{r:?}"
    );
}

/// A repository kept in a directory of another (as the bundled example is): its
/// configuration names its URL, so the graph's root is that directory; annotations name
/// files from the top of the checkout, JSON says where the root is.
#[test]
fn annotations_of_a_repository_in_a_subdirectory_name_files_from_the_top() {
    if !has_git() {
        return;
    }
    let dir = init_repo();
    let d = dir.path();
    let sub = d.join("example");
    write(
        &sub,
        ".gitops-lint.yaml",
        &format!("repositories: [{}]\n", common::plan::URL),
    );
    write(
        &sub,
        "registry.yaml",
        &app("registry", CASCADE, "apps", PRUNE),
    );
    write(&sub, "apps/a.yaml", &app("a", CASCADE, "components/a", ""));
    write(&sub, "components/a/cm.yaml", "kind: ConfigMap\n");
    commit(d, "base");
    std::fs::remove_file(sub.join("apps/a.yaml")).unwrap();
    let r = run(
        d,
        &["plan", "--base", "HEAD", "--format", "github", "example"],
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stdout
            .starts_with("::error file=example/apps/a.yaml,line=4,"),
        "{r:?}"
    );
    let r = run(
        d,
        &["plan", "--base", "HEAD", "--format", "json", "example"],
    );
    let doc = common::parse_json(&r);
    assert_eq!(doc["root"], "example", "{doc}");
    assert_eq!(doc["changes"][0]["object"]["file"], "apps/a.yaml", "{doc}");
}
