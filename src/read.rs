//! Reading input: only regular files are read, and at most a given number of bytes.
//!
//! A FIFO, a socket or a device named as input would block forever or never end
//! (`/dev/zero`); a file larger than the cap would be read whole into memory. Files are
//! opened non-blocking (on Linux), so that opening a FIFO does not wait for a writer, and
//! the open file is examined (`fstat`) before anything is read from it.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// The default cap on the size of one file read (`--max-file-size`): 256 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// Not a regular file: what it is ("a FIFO", "a socket", …).
    NotRegular(&'static str),
    /// A symbolic link, when links are not to be followed.
    Symlink,
    /// Larger than `limit` bytes; `size` when the file system tells it.
    TooLarge {
        limit: u64,
        size: Option<u64>,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => write!(f, "is {kind}; only regular files are read"),
            ReadError::Symlink => write!(f, "is a symbolic link; it is not followed"),
            ReadError::TooLarge {
                limit,
                size: Some(size),
            } => write!(
                f,
                "is {size} bytes, over the limit of {limit} bytes; not read"
            ),
            ReadError::TooLarge { limit, size: None } => {
                write!(f, "is over the limit of {limit} bytes; not read")
            }
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// What a file that is not a regular file is, for messages.
pub fn kind_name(ft: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// The text of the regular file at `path` (links followed), of at most
/// [`DEFAULT_MAX_FILE_SIZE`] bytes: `None` if it cannot be read or is not UTF-8. For the
/// small files that repository facts are read from (kustomizations, charts, values).
pub fn read_text(path: &Path) -> Option<String> {
    let mut bytes = Vec::new();
    read_file(path, &mut bytes, DEFAULT_MAX_FILE_SIZE, true).ok()?;
    String::from_utf8(bytes).ok()
}

/// Read the regular file at `path` into `buf` (cleared first), at most `limit` bytes.
/// With `follow` false a symbolic link is refused, not followed.
pub fn read_file(
    path: &Path,
    buf: &mut Vec<u8>,
    limit: u64,
    follow: bool,
) -> Result<(), ReadError> {
    buf.clear();
    #[cfg(test)]
    opened::note(path);
    let file = open(path, follow)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(meta.file_type())));
    }
    // procfs files (`/proc/self/environ`) say they are empty regular files: a kernel
    // interface, not a file on disk, and never input.
    if meta.len() == 0 {
        if let Some(kind) = pseudo_file(&file) {
            return Err(ReadError::NotRegular(kind));
        }
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            limit,
            size: Some(meta.len()),
        });
    }
    read_sized(&file, buf, meta.len(), limit)
}

/// Read `file`, which said it holds `size` bytes, into the empty `buf`: at most `limit`
/// bytes. Asks for one byte more than `size`: a read that gives exactly `size` bytes is the
/// end of the file, so a file whose size holds needs one `read` (no second read to see the
/// end, no size probe). The size is only a hint: a file that grows, or a file system
/// that gives short reads, is read on to its end.
fn read_sized(file: &File, buf: &mut Vec<u8>, size: u64, limit: u64) -> Result<(), ReadError> {
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut want = usize::try_from(size.saturating_add(1))
        .unwrap_or(usize::MAX)
        .clamp(1, cap);
    let mut len = 0;
    let mut reader = file;
    loop {
        if buf.len() < want {
            buf.resize(want, 0);
        }
        let n = match reader.read(&mut buf[len..want]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.clear();
                return Err(e.into());
            }
        };
        len += n;
        let at_size = len as u64 == size && len < want;
        if n == 0 || at_size || len >= cap {
            break;
        }
        if len == want {
            want = want.saturating_mul(2).max(8192).min(cap);
        }
    }
    buf.truncate(len);
    if len as u64 > limit {
        buf.clear();
        return Err(ReadError::TooLarge { limit, size: None });
    }
    Ok(())
}

/// Unit tests only: how many times [`read_file`] was asked for each path (lexically
/// normalised), so that a test can show that a file is read once.
#[cfg(test)]
pub(crate) mod opened {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    static COUNTS: Mutex<Option<HashMap<PathBuf, usize>>> = Mutex::new(None);

    pub fn note(path: &Path) {
        let mut counts = crate::sync::lock(&COUNTS);
        let key = crate::kustomize::normalize(path);
        *counts
            .get_or_insert_with(HashMap::new)
            .entry(key)
            .or_default() += 1;
    }

    /// The reads of `path` so far.
    pub fn count(path: &Path) -> usize {
        let counts = crate::sync::lock(&COUNTS);
        let key = crate::kustomize::normalize(path);
        counts
            .as_ref()
            .and_then(|c| c.get(&key))
            .copied()
            .unwrap_or(0)
    }
}

/// Read all of `reader` into `buf` (appending), failing once more than `limit` bytes come.
pub fn read_capped(reader: impl Read, buf: &mut Vec<u8>, limit: u64) -> Result<(), ReadError> {
    let start = buf.len();
    reader.take(limit.saturating_add(1)).read_to_end(buf)?;
    if (buf.len() - start) as u64 > limit {
        buf.truncate(start);
        return Err(ReadError::TooLarge { limit, size: None });
    }
    Ok(())
}

/// What `file` is when it belongs to a kernel pseudo-file system (procfs, sysfs, …).
#[cfg(target_os = "linux")]
#[allow(clippy::unnecessary_cast)]
fn pseudo_file(file: &File) -> Option<&'static str> {
    let f_type = rustix::fs::fstatfs(file).ok()?.f_type as u64;
    let kind = match f_type {
        0x9fa0 => "a procfs file (a kernel interface)",
        0x6265_6572 => "a sysfs file (a kernel interface)",
        0x6462_6720 | 0x7472_6163 | 0x7365_6673 | 0x2_7e0eb | 0x6367_7270 => {
            "a file of a kernel pseudo-file system"
        }
        _ => return None,
    };
    Some(kind)
}

#[cfg(not(target_os = "linux"))]
fn pseudo_file(_: &File) -> Option<&'static str> {
    None
}

/// Open `path` for reading without blocking on a FIFO and, unless `follow`, without
/// following a symbolic link.
#[cfg(target_os = "linux")]
fn open(path: &Path, follow: bool) -> Result<File, ReadError> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = OFlags::NONBLOCK;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let opened = fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path);
    opened.map_err(|e| {
        let errno = e.raw_os_error();
        if !follow && errno == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            return ReadError::Symlink;
        }
        // Opening a socket fails (ENXIO): say what it is.
        let meta = if follow {
            fs::metadata(path)
        } else {
            fs::symlink_metadata(path)
        };
        match meta {
            Ok(m) if m.file_type().is_symlink() => ReadError::Symlink,
            Ok(m) if !m.is_file() && !m.is_dir() => ReadError::NotRegular(kind_name(m.file_type())),
            _ => ReadError::Io(e),
        }
    })
}

/// Open `path` for reading; elsewhere than on Linux the path is examined first (a small
/// window remains between that look and the open; the open file is examined again).
#[cfg(not(target_os = "linux"))]
fn open(path: &Path, follow: bool) -> Result<File, ReadError> {
    let meta = if follow {
        fs::metadata(path)?
    } else {
        fs::symlink_metadata(path)?
    };
    if meta.file_type().is_symlink() {
        return Err(ReadError::Symlink);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(meta.file_type())));
    }
    Ok(File::open(path)?)
}

/// Parse a size: a number of bytes, optionally with a binary suffix (`K`/`KiB`, `M`/`MiB`,
/// `G`/`GiB`), e.g. `256MiB`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 1048576, 64KiB, 256MiB, 1GiB)"))?;
    let unit: u64 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "`{s}`: unknown unit (use K, M or G: KiB, MiB, GiB)"
            ))
        }
    };
    n.checked_mul(unit)
        .ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("").is_err());
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn reads_at_most_the_limit() {
        let mut buf = Vec::new();
        read_capped(&b"0123456789"[..], &mut buf, 10).unwrap();
        assert_eq!(buf, b"0123456789");
        let mut buf = b"kept".to_vec();
        let err = read_capped(&b"0123456789"[..], &mut buf, 9).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 9, .. }), "{err}");
        assert_eq!(buf, b"kept");
    }

    #[test]
    fn reads_whole_files_whatever_their_size_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut buf = b"stale".to_vec();
        for len in [0usize, 1, 8191, 8192, 8193, 100_000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            read_file(&path, &mut buf, 1 << 20, true).unwrap();
            assert_eq!(buf, bytes, "{len}");
            // The size is a hint: smaller, larger, or zero, the bytes are the file's.
            for hint in [0, len as u64 / 2, len as u64 + 7] {
                buf.clear();
                read_sized(&File::open(&path).unwrap(), &mut buf, hint, 1 << 20).unwrap();
                assert_eq!(buf, bytes, "{len} said {hint}");
            }
        }
        let err = read_file(&path, &mut buf, 99_999, true).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { .. }), "{err}");
        buf.clear();
        let err = read_sized(&File::open(&path).unwrap(), &mut buf, 10, 99_999).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::TooLarge {
                    limit: 99_999,
                    size: None
                }
            ),
            "{err}"
        );
        assert!(buf.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "abc").unwrap();
        let mut buf = Vec::new();
        read_file(&file, &mut buf, 3, true).unwrap();
        assert_eq!(buf, b"abc");
        let err = read_file(&file, &mut buf, 2, true).unwrap_err();
        assert!(
            err.to_string().contains("is 3 bytes, over the limit of 2"),
            "{err}"
        );
        let err = read_file(dir.path(), &mut buf, 2, true).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        let err = read_file(Path::new("/dev/zero"), &mut buf, 10, true).unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        #[cfg(target_os = "linux")]
        {
            let environ = Path::new("/proc/self/environ");
            let err = read_file(environ, &mut buf, 1 << 20, true).unwrap_err();
            assert!(err.to_string().contains("procfs"), "{err}");
        }
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        read_file(&link, &mut buf, 3, true).unwrap();
        let err = read_file(&link, &mut buf, 3, false).unwrap_err();
        assert!(matches!(err, ReadError::Symlink), "{err}");
    }
}
