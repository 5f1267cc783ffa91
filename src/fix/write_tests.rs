//! Unit tests of `fix::write`: the steps of a commit with a write landing between them.
use super::*;

fn setup(text: &str) -> (tempfile::TempDir, PathBuf, Staged) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.yaml");
    fs::write(&path, text).unwrap();
    let staged = stage(&path, b"fixed\n").unwrap();
    sync_staged([&staged]).unwrap();
    (dir, path, staged)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn append(path: &Path, text: &str) {
    let mut f = fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn unchanged_file_is_replaced_and_nothing_is_left() {
    let (dir, path, staged) = setup("original\n");
    staged
        .commit(b"original\n")
        .unwrap()
        .finish(b"original\n")
        .unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "fixed\n");
    assert_eq!(names(dir.path()), ["app.yaml"]);
}

#[test]
fn append_between_the_check_and_the_rename_is_kept_in_a_conflict_copy() {
    for round in 1..=2 {
        let (dir, path, staged) = setup("original\n");
        if round == 2 {
            fs::write(dir.path().join("app.yaml.gitops-lint-conflict"), "mine").unwrap();
        }
        let replaced = staged
            .commit_with(b"original\n", true, || append(&path, "# appended\n"))
            .unwrap();
        let err = replaced.finish(b"original\n").unwrap_err();
        let WriteError::Conflict(copy) = &err else {
            panic!("{err}")
        };
        let expected = if round == 1 { "" } else { "-2" };
        assert_eq!(
            copy,
            &dir.path()
                .join(format!("app.yaml.gitops-lint-conflict{expected}"))
        );
        assert_eq!(fs::read_to_string(copy).unwrap(), "original\n# appended\n");
        assert_eq!(fs::read_to_string(&path).unwrap(), "fixed\n");
        assert!(err.written() && err.is_failure());
        let message = err.to_string();
        assert!(message.contains(&format!("saved in app.yaml.gitops-lint-conflict{expected}")));
        // No temporary file is left; a conflict copy already there is kept.
        assert_eq!(
            names(dir.path()).len(),
            1 + round,
            "{:?}",
            names(dir.path())
        );
        if round == 2 {
            assert_eq!(
                fs::read_to_string(dir.path().join("app.yaml.gitops-lint-conflict")).unwrap(),
                "mine"
            );
        }
    }
}

#[test]
fn write_through_a_descriptor_opened_before_the_rename_is_kept() {
    let (dir, path, staged) = setup("original\n");
    let mut writer = None;
    let replaced = staged
        .commit_with(b"original\n", true, || {
            writer = Some(fs::OpenOptions::new().append(true).open(&path).unwrap())
        })
        .unwrap();
    // The editor writes after the rename, into the file it opened before.
    writer.unwrap().write_all(b"late\n").unwrap();
    let err = replaced.finish(b"original\n").unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err}");
    let copy = dir.path().join("app.yaml.gitops-lint-conflict");
    assert_eq!(fs::read_to_string(copy).unwrap(), "original\nlate\n");
    assert_eq!(fs::read_to_string(&path).unwrap(), "fixed\n");
}

#[test]
fn file_replaced_just_before_the_rename_is_kept() {
    // An editor saving atomically (its own temporary file renamed over the file).
    let (dir, path, staged) = setup("original\n");
    let replaced = staged
        .commit_with(b"original\n", true, || {
            let other = dir.path().join("editor.swp");
            fs::write(&other, "original\n").unwrap();
            fs::rename(&other, &path).unwrap();
        })
        .unwrap();
    let err = replaced.finish(b"original\n").unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err}");
    let copy = dir.path().join("app.yaml.gitops-lint-conflict");
    assert_eq!(fs::read_to_string(copy).unwrap(), "original\n");
    assert_eq!(fs::read_to_string(&path).unwrap(), "fixed\n");
}

#[test]
fn without_exchange_a_write_before_the_rename_is_kept_too() {
    let (dir, path, staged) = setup("original\n");
    let err = staged
        .commit_with(b"original\n", false, || append(&path, "# appended\n"))
        .unwrap_err();
    let WriteError::Conflict(copy) = &err else {
        panic!("{err}")
    };
    assert_eq!(copy, &dir.path().join("app.yaml.gitops-lint-conflict"));
    assert_eq!(fs::read_to_string(copy).unwrap(), "original\n# appended\n");
    assert_eq!(fs::read_to_string(&path).unwrap(), "fixed\n");
    // Unchanged: no copy, nothing left.
    let (dir, path, staged) = setup("original\n");
    let replaced = staged.commit_with(b"original\n", false, || {}).unwrap();
    replaced.finish(b"original\n").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "fixed\n");
    assert_eq!(names(dir.path()), ["app.yaml"]);
}

#[test]
fn hard_linked_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.yaml");
    fs::write(&path, "original\n").unwrap();
    fs::hard_link(&path, dir.path().join("other.yaml")).unwrap();
    let err = stage(&path, b"fixed\n").unwrap_err();
    assert!(matches!(err, WriteError::HardLinks(2)), "{err}");
    assert_eq!(err.to_string(), "has 2 hard links; not replacing it");
    // Linked after staging: refused at the rename.
    fs::remove_file(dir.path().join("other.yaml")).unwrap();
    let staged = stage(&path, b"fixed\n").unwrap();
    fs::hard_link(&path, dir.path().join("other.yaml")).unwrap();
    let err = staged.commit(b"original\n").unwrap_err();
    assert!(matches!(err, WriteError::HardLinks(2)), "{err}");
    assert!(!err.is_failure());
    for name in ["app.yaml", "other.yaml"] {
        assert_eq!(
            fs::read_to_string(dir.path().join(name)).unwrap(),
            "original\n"
        );
    }
    assert_eq!(names(dir.path()), ["app.yaml", "other.yaml"]);
}
