//! Which files `--fix` may replace, and the metadata their new version keeps (owner,
//! group, permissions, extended attributes and ACLs). A module of `fix::write`.

use super::WriteError;
use std::fs;
use std::path::Path;

/// A file with other names is not replaced (the other names would keep the old text), and
/// a file is replaced only if this user may write the file itself, not just its directory.
pub(super) fn check_writable(path: &Path, meta: &fs::Metadata) -> Result<(), WriteError> {
    if links(meta) > 1 {
        return Err(WriteError::HardLinks(links(meta)));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{accessat, Access, AtFlags, CWD};
        use rustix::io::Errno;
        match accessat(CWD, path, Access::WRITE_OK, AtFlags::EACCESS) {
            Ok(()) => {}
            Err(Errno::ACCESS | Errno::PERM | Errno::ROFS) => return Err(WriteError::NotWritable),
            Err(e) => return Err(WriteError::Io(e.into())),
        }
    }
    #[cfg(not(target_os = "linux"))]
    if let Err(e) = fs::OpenOptions::new().write(true).open(path) {
        return Err(match e.kind() {
            std::io::ErrorKind::PermissionDenied => WriteError::NotWritable,
            _ => WriteError::Io(e),
        });
    }
    Ok(())
}

/// Give the staged file the owner, group, extended attributes (ACLs included) and
/// permissions of the file it replaces. The owner first: changing it may clear mode bits.
pub(super) fn copy_metadata(
    path: &Path,
    meta: &fs::Metadata,
    tmp: &fs::File,
) -> Result<(), WriteError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::os::unix::fs::fchown(tmp, Some(meta.uid()), Some(meta.gid()))
            .map_err(WriteError::Owner)?;
    }
    #[cfg(target_os = "linux")]
    copy_xattrs(path, tmp)?;
    let _ = path;
    tmp.set_permissions(meta.permissions())?;
    Ok(())
}

/// Make the extended attributes of `tmp` those of `path`: each of `path`'s is set (unless
/// `tmp` already has it, such as a security label), and any other `tmp` got (such as an
/// ACL inherited from the directory's default ACL) is removed.
#[cfg(target_os = "linux")]
fn copy_xattrs(path: &Path, tmp: &fs::File) -> Result<(), WriteError> {
    use rustix::fs::{fgetxattr, flistxattr, fremovexattr, fsetxattr, lgetxattr, llistxattr};
    let want = read_attr(|buf| llistxattr(path, buf)).map_err(std::io::Error::from)?;
    let have = read_attr(|buf| flistxattr(tmp, buf)).map_err(std::io::Error::from)?;
    if want.is_empty() && have.is_empty() {
        return Ok(());
    }
    let err = |name: &std::ffi::CStr, e: rustix::io::Errno| {
        WriteError::Xattr(name.to_string_lossy().into_owned(), e.into())
    };
    for name in attr_names(&have) {
        if !attr_names(&want).any(|n| n == name) {
            fremovexattr(tmp, name).map_err(|e| err(name, e))?;
        }
    }
    for name in attr_names(&want) {
        let value = read_attr(|buf| lgetxattr(path, name, buf)).map_err(|e| err(name, e))?;
        if attr_names(&have).any(|n| n == name)
            && read_attr(|buf| fgetxattr(tmp, name, buf)).is_ok_and(|v| v == value)
        {
            continue;
        }
        fsetxattr(tmp, name, &value, rustix::fs::XattrFlags::empty()).map_err(|e| err(name, e))?;
    }
    Ok(())
}

/// An attribute list or value, however long; an empty list where the file system has no
/// extended attributes.
#[cfg(target_os = "linux")]
fn read_attr(
    mut call: impl FnMut(&mut [u8]) -> rustix::io::Result<usize>,
) -> rustix::io::Result<Vec<u8>> {
    use rustix::io::Errno;
    let mut buf = vec![0u8; 256];
    loop {
        match call(&mut buf) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(buf);
            }
            Err(Errno::RANGE) if buf.len() < 1 << 24 => buf.resize(buf.len() * 8, 0),
            Err(Errno::NOTSUP) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        }
    }
}

/// The names in a `listxattr` list (each ends with a NUL).
#[cfg(target_os = "linux")]
fn attr_names(list: &[u8]) -> impl Iterator<Item = &std::ffi::CStr> {
    list.split_inclusive(|&b| b == 0)
        .filter_map(|n| std::ffi::CStr::from_bytes_with_nul(n).ok())
}

/// The number of names of a file.
pub(super) fn links(meta: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Device and inode: which file a path named.
pub(super) fn identity(meta: &fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}
