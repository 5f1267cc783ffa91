//! Writing a fixed file: atomically (a temporary file in the same directory, fsync,
//! rename), keeping permissions, never through a symbolic link, and only when the file
//! still holds what was read.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

#[derive(Debug)]
pub enum WriteError {
    /// The path is a symbolic link: the fix is not written through it.
    Symlink,
    /// The file changed since it was read.
    Changed,
    /// The file is read-only.
    ReadOnly,
    Io(io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Symlink => f.write_str("is a symbolic link; not writing through it"),
            WriteError::Changed => f.write_str("changed since it was read; not overwriting it"),
            WriteError::ReadOnly => f.write_str("is read-only; not changing it"),
            WriteError::Io(e) => write!(f, "could not be written: {e}"),
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// Replace the file at `path`, which must still hold `original`, with `new`.
pub fn write_atomic(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteError> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(WriteError::Symlink);
    }
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".gitops-lint-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(new)?;
    // The data must be on disk before the rename makes it the file.
    tmp.as_file().sync_data()?;
    fs::set_permissions(tmp.path(), meta.permissions())?;
    // Last moment check: the file still holds what was read.
    if fs::read(path)? != original {
        return Err(WriteError::Changed);
    }
    tmp.persist(path).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

/// Make renames in `dir` durable (fsync the directory). Callers sync each directory once
/// after all its files are written.
pub fn sync_dir(dir: &Path) {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
