//! Metadata and permissions under `--fix`: owner, group, extended attributes and ACLs are
//! kept; a file this user may not write, whose group cannot be kept, or with hard links is
//! refused. (A module of `tests/write_safety.rs`.)

use crate::{bad, can_run_as, fix, is_root, names, repo};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// Owner and group are kept (as root: the file belongs to someone else).
#[test]
fn owner_and_group_are_kept() {
    if !is_root() {
        return;
    }
    let dir = repo();
    let path = dir.path().join("app.yaml");
    std::fs::write(&path, bad("owned")).unwrap();
    std::os::unix::fs::chown(&path, Some(1234), Some(1234)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let r = fix(dir.path(), None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("finalizers:"));
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (1234, 1234));
    assert_eq!(meta.mode() & 0o7777, 0o640);
}

/// Extended attributes are kept; where a file system has no user xattrs, skipped.
#[test]
fn extended_attributes_are_kept() {
    let dir = repo();
    let path = dir.path().join("app.yaml");
    std::fs::write(&path, bad("xattr")).unwrap();
    let flags = rustix::fs::XattrFlags::empty();
    if let Err(e) = rustix::fs::setxattr(&path, "user.test", b"kept\0value", flags) {
        eprintln!("skipped: {} has no user xattrs ({e})", dir.path().display());
        return;
    }
    rustix::fs::setxattr(&path, "user.empty", b"", flags).unwrap();
    let r = fix(dir.path(), None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("finalizers:"));
    assert_eq!(
        xattr(&path, "user.test").as_deref(),
        Some(&b"kept\0value"[..])
    );
    assert_eq!(xattr(&path, "user.empty").as_deref(), Some(&b""[..]));
}

fn xattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 4096];
    let n = rustix::fs::getxattr(path, name, &mut buf[..]).ok()?;
    buf.truncate(n);
    Some(buf)
}

/// A POSIX ACL in its xattr form (version 2; entries of tag, permissions, id).
fn acl(entries: &[(u16, u16, u32)]) -> Vec<u8> {
    let mut out = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(perm.to_le_bytes());
        out.extend(id.to_le_bytes());
    }
    out
}

const ANY: u32 = u32::MAX;
const USER_OBJ: u16 = 0x01;
const USER: u16 = 0x02;
const GROUP_OBJ: u16 = 0x04;
const MASK: u16 = 0x10;
const OTHER: u16 = 0x20;
const ACCESS_ACL: &str = "system.posix_acl_access";
const DEFAULT_ACL: &str = "system.posix_acl_default";

/// An access ACL is kept; a file without one does not get one from its directory's
/// default ACL (the temporary file inherits it; it is removed).
#[test]
fn acls_are_kept_and_not_added() {
    let dir = repo();
    let with = dir.path().join("with-acl.yaml");
    let without = dir.path().join("without-acl.yaml");
    std::fs::write(&with, bad("with")).unwrap();
    std::fs::write(&without, bad("without")).unwrap();
    std::fs::set_permissions(&without, std::fs::Permissions::from_mode(0o640)).unwrap();
    // rw for the owner and for user 1234, r for the group and others (mode 0664).
    let access = acl(&[
        (USER_OBJ, 6, ANY),
        (USER, 6, 1234),
        (GROUP_OBJ, 4, ANY),
        (MASK, 6, ANY),
        (OTHER, 4, ANY),
    ]);
    let flags = rustix::fs::XattrFlags::empty();
    if let Err(e) = rustix::fs::setxattr(&with, ACCESS_ACL, &access, flags) {
        eprintln!("skipped: {} has no ACLs ({e})", dir.path().display());
        return;
    }
    let set = xattr(&with, ACCESS_ACL).unwrap();
    let default = acl(&[(USER_OBJ, 7, ANY), (GROUP_OBJ, 5, ANY), (OTHER, 0, ANY)]);
    rustix::fs::setxattr(dir.path(), DEFAULT_ACL, &default, flags).unwrap();
    let mode = std::fs::metadata(&with).unwrap().mode();
    let r = fix(dir.path(), None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for path in [&with, &without] {
        assert!(std::fs::read_to_string(path)
            .unwrap()
            .contains("finalizers:"));
    }
    assert_eq!(xattr(&with, ACCESS_ACL), Some(set));
    assert_eq!(std::fs::metadata(&with).unwrap().mode(), mode);
    assert_eq!(xattr(&without, ACCESS_ACL), None);
    assert_eq!(std::fs::metadata(&without).unwrap().mode() & 0o7777, 0o640);
}

/// Another user who may write the directory but not the file gets it refused: it is left
/// alone, the refusal is said, the finding remains.
#[test]
fn file_the_user_may_not_write_is_refused() {
    if !is_root() || !can_run_as(65534) {
        return;
    }
    let dir = repo();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.path().join("app.yaml");
    std::fs::write(&path, bad("root-owned")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = fix(dir.path(), Some(65534));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("app.yaml is not writable by this user; not replacing it"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("missing-finalizer"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad("root-owned"));
    assert_eq!(std::fs::metadata(&path).unwrap().uid(), 0);
    assert_eq!(names(dir.path()), [".git", "app.yaml"]);
}

/// A user who may write the file but cannot give its group to a new file (not a member):
/// refused rather than written with another group.
#[test]
fn file_whose_group_cannot_be_kept_is_refused() {
    if !is_root() || !can_run_as(65534) {
        return;
    }
    let dir = repo();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.path().join("app.yaml");
    std::fs::write(&path, bad("group")).unwrap();
    std::os::unix::fs::chown(&path, Some(65534), Some(0)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    let r = fix(dir.path(), Some(65534));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("app.yaml could not keep its owner and group"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad("group"));
    assert_eq!(std::fs::metadata(&path).unwrap().gid(), 0);
    assert_eq!(names(dir.path()), [".git", "app.yaml"]);
}

/// A file with two names is refused: replacing one name would split them.
#[test]
fn hard_linked_file_is_refused() {
    let dir = repo();
    let path = dir.path().join("app.yaml");
    std::fs::write(&path, bad("linked")).unwrap();
    std::fs::create_dir(dir.path().join("ignored")).unwrap();
    std::fs::hard_link(&path, dir.path().join("ignored/other.txt")).unwrap();
    let r = fix(dir.path(), None);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("app.yaml has 2 hard links; not replacing it"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("missing-finalizer"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad("linked"));
    assert_eq!(std::fs::metadata(&path).unwrap().nlink(), 2);
}
