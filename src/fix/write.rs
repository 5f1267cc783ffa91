//! Writing fixed files: atomically (a temporary file in the same directory, made durable,
//! then renamed over the file), keeping permissions, never through a symbolic link, and
//! only when the file still holds what was read.
//!
//! Many files are written in three steps so that durability costs one wait, not one per
//! file: [`stage`] each new text in a temporary file, [`sync_staged`] them all, then
//! [`Staged::commit`] each (the last-moment check and the rename). A process killed at
//! any point leaves every file old or new; only `.gitops-lint-*.tmp` files may be left.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// The new text of a file, in a temporary file beside it (removed if dropped uncommitted).
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    tmp: tempfile::TempPath,
}

/// Write `new` to a temporary file in the directory of `path`, with the permissions of
/// `path`. Nothing is synced: see [`sync_staged`].
pub fn stage(path: &Path, new: &[u8]) -> Result<Staged, WriteError> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(WriteError::Symlink);
    }
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let dir = parent_dir(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".gitops-lint-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(new)?;
    tmp.as_file().set_permissions(meta.permissions())?;
    Ok(Staged {
        path: path.to_path_buf(),
        tmp: tmp.into_temp_path(),
    })
}

impl Staged {
    /// Put the new text in place, if the file still holds `original`. Call after
    /// [`sync_staged`], so that the rename never exposes data that is not on disk.
    pub fn commit(self, original: &[u8]) -> Result<(), WriteError> {
        // Last moment check: the file still holds what was read.
        if fs::read(&self.path)? != original {
            return Err(WriteError::Changed);
        }
        self.tmp
            .persist(&self.path)
            .map_err(|e| WriteError::Io(e.error))
    }
}

/// Make the data of staged files durable before they are renamed into place. On Linux,
/// one `syncfs` per file system they are on (measured: 1,117 files on ext4 in one call
/// instead of 1,117 `fdatasync` waits); elsewhere `fdatasync` each.
pub fn sync_staged<'a>(staged: impl IntoIterator<Item = &'a Staged>) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut dirs: Vec<&Path> = staged.into_iter().map(|s| parent_dir(&s.path)).collect();
        dirs.dedup();
        sync_file_systems(dirs.into_iter())
    }
    #[cfg(not(target_os = "linux"))]
    {
        for s in staged {
            fs::File::open(&*s.tmp)?.sync_data()?;
        }
        Ok(())
    }
}

/// Make renames durable: the directories of the given files. On Linux one `syncfs` per
/// file system, elsewhere an fsync of each directory.
pub fn sync_dirs<'a>(files: impl IntoIterator<Item = &'a Path>) {
    let mut dirs: Vec<&Path> = files.into_iter().map(parent_dir).collect();
    dirs.sort();
    dirs.dedup();
    #[cfg(target_os = "linux")]
    {
        if sync_file_systems(dirs.iter().copied()).is_ok() {
            return;
        }
    }
    for dir in dirs {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// `syncfs` once for each file system (device) holding one of `paths`.
#[cfg(target_os = "linux")]
fn sync_file_systems<'a>(paths: impl Iterator<Item = &'a Path>) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut devices: Vec<u64> = Vec::new();
    for path in paths {
        let dev = fs::metadata(path)?.dev();
        if !devices.contains(&dev) {
            devices.push(dev);
            rustix::fs::syncfs(fs::File::open(path)?)?;
        }
    }
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}
