//! Output safety: file names and file content never drive the terminal or the CI log.
//!
//! - Human output (full, concise, github, stderr): C0 controls but tab, DEL, C1 controls
//!   and Unicode bidi overrides/isolates are shown escaped ([`text`]): `\n`, `\r`, `\x1b`,
//!   `\u{9b}`, `\u{202e}`.
//! - Under GitHub Actions ([`github_actions`]), a line the runner would act on is
//!   neutralised ([`neutralize`]): `::` at the start of a line (after blanks) becomes `\::`,
//!   `##[` anywhere becomes `##\[`. Echoed file content (`--diff`, `full` snippets) is
//!   also fenced ([`Fence`]) with `::stop-commands::<random token>` … `::<token>::`.
//! - JSON (json, json-lines, sarif) keeps exact strings; [`SafeJson`] only writes DEL, C1,
//!   bidi controls and the `[` of `##[` as JSON `\u` escapes, which decode to the same text.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::sync::OnceLock;

/// Whether the tool runs under GitHub Actions (`GITHUB_ACTIONS=true`).
pub fn github_actions() -> bool {
    static GHA: OnceLock<bool> = OnceLock::new();
    *GHA.get_or_init(|| std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true"))
}

pub use crate::source::is_control;

/// Append the visible escape of `c`.
pub fn push_escaped(out: &mut String, c: char) {
    let _ = match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    };
}

/// `s` with its controls escaped (see the module documentation); one line.
pub fn text(s: &str) -> Cow<'_, str> {
    escape_if(s, is_control)
}

/// `s` with its controls escaped, except `\n` and `\r` (for the GitHub command encoding,
/// which has its own escapes for them).
pub fn text_keep_newlines(s: &str) -> Cow<'_, str> {
    escape_if(s, |c| is_control(c) && c != '\n' && c != '\r')
}

/// `s` with its controls escaped except `\n`: text of several lines (help).
pub fn text_lines(s: &str) -> Cow<'_, str> {
    escape_if(s, |c| is_control(c) && c != '\n')
}

fn escape_if(s: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path's bytes for human output: valid UTF-8 as [`text`], each invalid byte as `\xNN`.
pub fn bytes(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(&text(chunk.valid()));
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// The path of a report for human output (lossless for a name that is not UTF-8).
pub fn path(report: &crate::diagnostic::FileReport) -> Cow<'_, str> {
    match &report.path_bytes {
        Some(b) => Cow::Owned(bytes(b)),
        None => text(&report.path),
    }
}

/// One line (already free of `\n`/`\r`) that the GitHub runner will not act on: `::` at
/// its start (after blanks) becomes `\::`, and `##[` anywhere becomes `##\[`.
pub fn neutralize(line: &str) -> Cow<'_, str> {
    let blanks = line.len() - line.trim_start().len();
    let lead = line[blanks..].starts_with("::");
    if !lead && !line.contains("##[") {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 4);
    out.push_str(&line[..blanks]);
    if lead {
        out.push('\\');
    }
    out.push_str(&line[blanks..].replace("##[", "##\\["));
    Cow::Owned(out)
}

/// [`neutralize`] every line of `s` when `on` (lines split at `\n`).
pub fn neutralize_lines(s: &str, on: bool) -> Cow<'_, str> {
    if !on || (!s.contains("::") && !s.contains("##[")) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for line in s.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.push_str(&neutralize(body));
        out.push_str(end);
    }
    Cow::Owned(out)
}

/// A message for stderr: one line, controls escaped, neutralised under GitHub Actions.
pub fn message(s: &str) -> String {
    let s = text(s);
    if github_actions() {
        neutralize(&s).into_owned()
    } else {
        s.into_owned()
    }
}

/// A unified diff for a terminal: controls in its lines escaped, line ends (`\n`,
/// `\r\n`) kept.
pub fn diff_for_terminal(diff: &str) -> Cow<'_, str> {
    if !diff.chars().any(|c| is_control(c) && c != '\n') {
        return Cow::Borrowed(diff);
    }
    let mut out = String::with_capacity(diff.len() + 16);
    for line in diff.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let (body, end) = match body.strip_suffix('\r') {
            Some(b) if line.ends_with('\n') => (b, "\r\n"),
            _ => (body, &line[body.len()..]),
        };
        out.push_str(&text(body));
        out.push_str(end);
    }
    Cow::Owned(out)
}

/// A fresh random token: 128 bits from std's randomly keyed hashers, as hex.
pub fn token() -> String {
    let mut out = String::with_capacity(32);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for i in 0..2u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(i);
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        let _ = write!(out, "{:016x}", h.finish());
    }
    out
}

/// Fencing of echoed file content under GitHub Actions: `::stop-commands::<token>` before
/// the first block, `::<token>::` at [`Fence::close`]. A block containing the token (in any
/// case: the runner compares it case-insensitively) closes the fence and opens a new one
/// with a token it does not contain.
pub struct Fence {
    enabled: bool,
    token: Option<String>,
    /// The last byte written ends a line (or nothing was written).
    line_start: bool,
}

impl Fence {
    pub fn new(enabled: bool) -> Self {
        Fence {
            enabled,
            token: None,
            line_start: true,
        }
    }

    pub fn write(&mut self, out: &mut dyn Write, block: &[u8]) -> io::Result<()> {
        if self.enabled {
            let lower = block.to_ascii_lowercase();
            let contains = |t: &str| memchr::memmem::find(&lower, t.as_bytes()).is_some();
            if self.token.as_deref().is_some_and(contains) {
                self.close(out)?;
            }
            if self.token.is_none() {
                let mut t = token();
                while contains(&t) {
                    t = token();
                }
                writeln!(out, "::stop-commands::{t}")?;
                self.token = Some(t);
            }
        }
        if let Some(&last) = block.last() {
            self.line_start = last == b'\n';
        }
        out.write_all(block)
    }

    /// Resume command processing. The fence line starts a line of its own.
    pub fn close(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.token.take() {
            Some(t) => {
                let nl = if self.line_start { "" } else { "\n" };
                self.line_start = true;
                writeln!(out, "{nl}::{t}::")
            }
            None => Ok(()),
        }
    }
}

/// A serde_json formatter that writes DEL, C1 controls, bidi controls and the `[` of
/// `##[` as `\u` escapes: the same JSON strings, but nothing a terminal or the GitHub
/// runner acts on. Wraps the pretty or compact formatter.
pub struct SafeJson<F>(pub F);

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(w $(, $arg)*)
        }
    )*};
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    delegate!(
        begin_array(),
        end_array(),
        begin_array_value(first: bool),
        end_array_value(),
        begin_object(),
        end_object(),
        begin_object_key(first: bool),
        end_object_key(),
        begin_object_value(),
        end_object_value(),
    );

    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        // Most fragments are printable ASCII without `[`: nothing to look at char by char.
        if s.bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b) && b != b'[')
        {
            return w.write_all(s.as_bytes());
        }
        let mut start = 0;
        for (i, c) in s.char_indices() {
            let hashes = c == '[' && s[..i].ends_with("##");
            if is_control(c) || hashes {
                w.write_all(&s.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&s.as_bytes()[start..])
    }
}

/// Serialize `value` as JSON to `out` through [`SafeJson`], pretty or compact.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    // serde_json writes a document in many small pieces (a quote, a key, a comma): through
    // a `dyn Write` each was a call of its own, a fifth of rendering a diagnostic. A buffer
    // of a known type takes them inline.
    let mut buffered = io::BufWriter::with_capacity(JSON_BUFFER, out);
    write_json_to(&mut buffered, value, pretty)?;
    buffered.flush()
}

/// The buffer [`write_json`] writes through.
pub const JSON_BUFFER: usize = 32 * 1024;

/// [`write_json`] to a writer of a known type (a caller writing many values buffers once).
pub fn write_json_to<W: Write, T: serde::Serialize + ?Sized>(
    out: &mut W,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    if pretty {
        let f = SafeJson(serde_json::ser::PrettyFormatter::new());
        value.serialize(&mut serde_json::Serializer::with_formatter(&mut *out, f))?;
    } else {
        let f = SafeJson(serde_json::ser::CompactFormatter);
        value.serialize(&mut serde_json::Serializer::with_formatter(&mut *out, f))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped() {
        assert_eq!(text("a\x1b]0;t\x07\r\nb\tc"), "a\\x1b]0;t\\x07\\r\\nb\tc");
        assert_eq!(
            text("\u{9b}2J \u{202e}x\u{7f}"),
            "\\u{9b}2J \\u{202e}x\\x7f"
        );
        assert!(matches!(text("plain ünï"), Cow::Borrowed(_)));
        assert_eq!(text_keep_newlines("a\r\n\x1b"), "a\r\n\\x1b");
        assert_eq!(bytes(b"a\xff\x1b.yaml"), "a\\xff\\x1b.yaml");
        let diff = "--- a/x\n+ \x1b]0;t\x07\r\n \ry\n\\ No newline";
        assert_eq!(
            diff_for_terminal(diff),
            "--- a/x\n+ \\x1b]0;t\\x07\r\n \\ry\n\\ No newline"
        );
    }

    #[test]
    fn runner_commands_are_neutralised() {
        assert_eq!(neutralize("  ::add-mask::x"), "  \\::add-mask::x");
        assert_eq!(neutralize("x ##[group]y ##[z"), "x ##\\[group]y ##\\[z");
        assert_eq!(neutralize("a::b"), "a::b");
        assert_eq!(neutralize_lines("a\n::x\n", true), "a\n\\::x\n");
        assert_eq!(neutralize_lines("::x", false), "::x");
    }

    #[test]
    fn tokens_differ_and_fences_avoid_them() {
        let (a, b) = (token(), token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        let mut out = Vec::new();
        let mut fence = Fence::new(true);
        fence.write(&mut out, b"x\n").unwrap();
        let t = fence.token.clone().unwrap();
        let hostile = format!("::{}::\n", t.to_uppercase());
        fence.write(&mut out, hostile.as_bytes()).unwrap();
        fence.write(&mut out, b"no newline").unwrap();
        fence.close(&mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], format!("::stop-commands::{t}"));
        assert_eq!(lines[2], format!("::{t}::"));
        assert!(lines[3].starts_with("::stop-commands::") && !lines[3].contains(&t));
        assert_eq!(lines[5], "no newline");
        assert!(lines[6].ends_with("::") && lines.len() == 7);
    }

    #[test]
    fn json_strings_stay_exact() {
        let s = "a\u{9b}b ##[c \u{202e} \x1b";
        let mut out = Vec::new();
        write_json(&mut out, &s, false).unwrap();
        let json = String::from_utf8(out).unwrap();
        assert_eq!(json, r#""a\u009bb ##\u005bc \u202e \u001b""#);
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), s);
    }

    /// What `SafeJson` writes for a fragment, char by char (its slow path alone).
    fn reference(s: &str) -> String {
        let mut out = String::new();
        for (i, c) in s.char_indices() {
            if is_control(c) || c == '[' && s[..i].ends_with("##") {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push(c);
            }
        }
        out
    }

    proptest::proptest! {
        // (Printable ASCII with `#` and `[` alone, half the time: the path that skips the
        // char-by-char look must still see `##[`.)
        #[test]
        fn json_fragments_are_written_as_char_by_char(
            s in "[#\\[a ]{0,12}|[a#\\[\t\u{7f}\u{9b}\u{202e} é\"\\\\\n]{0,12}"
        ) {
            use serde_json::ser::Formatter as _;
            let mut out = Vec::new();
            SafeJson(serde_json::ser::CompactFormatter)
                .write_string_fragment(&mut out, &s)
                .unwrap();
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), reference(&s));
        }
    }
}
