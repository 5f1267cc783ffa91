//! The template languages: how their actions open and end, and which actions are
//! control flow (`if` / `else` / `end` and the like).

use memchr::memmem;

/// A template language, chosen by file name ([`super::syntax_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Go templates (Helm, helmfile `*.gotmpl`, `*.tpl.yaml`): `{{ … }}`.
    Go,
    /// Jinja (`*.j2.yaml`, `*.yaml.j2`): `{{ … }}`, `{% … %}`, `{# … #}`.
    Jinja,
    /// FreeMarker (`*.ftl.yaml`): `${…}`, `<#…>`, `</#…>`, `<@…>`, `</@…>`, `<#-- … -->`.
    FreeMarker,
}

/// What a control action does to the block structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Opens a block: its condition (empty for `define`-like blocks), and whether its
    /// body is rendered only on a condition (`if`, `with`, `range`, `for`, `list`).
    Open {
        cond: String,
        conditional: bool,
    },
    /// Starts another branch of the open block (`else`, `else if c`, `elif c`).
    Else {
        cond: String,
    },
    End,
}

/// Position of the last occurrence of what can end an action, so that an action that
/// never ends is known without scanning the rest of the file again.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub last_close: usize,
    pub last_tick: usize,
    /// Ends of the last `*/`, `#}` and `-->`: a comment that would end after them does not
    /// end, which is known without searching the rest of the file once per comment.
    pub last_star_close: usize,
    pub last_hash_close: usize,
    pub last_ftl_close: usize,
}

impl Limits {
    pub fn new(bytes: &[u8], syntax: Syntax) -> Limits {
        let last = |pat: &[u8]| memmem::rfind(bytes, pat).map_or(0, |i| i + pat.len());
        let last_close = match syntax {
            Syntax::Go => last(b"}}"),
            Syntax::Jinja => last(b"}}").max(last(b"%}")).max(last(b"#}")),
            Syntax::FreeMarker => memchr::memrchr2(b'>', b'}', bytes).map_or(0, |i| i + 1),
        };
        Limits {
            last_close,
            last_tick: memchr::memrchr(b'`', bytes).map_or(0, |i| i + 1),
            last_star_close: last(b"*/"),
            last_hash_close: if syntax == Syntax::Jinja {
                last(b"#}")
            } else {
                0
            },
            last_ftl_close: if syntax == Syntax::FreeMarker {
                last(b"-->")
            } else {
                0
            },
        }
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i)
}

impl Syntax {
    /// Whether an action opens at `i`: the length of its opening delimiter.
    pub fn opener(self, bytes: &[u8], i: usize) -> Option<usize> {
        let rest = &bytes[i..];
        match self {
            Syntax::Go => rest.starts_with(b"{{").then_some(2),
            Syntax::Jinja => {
                (rest.len() >= 2 && rest[0] == b'{' && matches!(rest[1], b'{' | b'%' | b'#'))
                    .then_some(2)
            }
            Syntax::FreeMarker => {
                if rest.starts_with(b"${") || rest.starts_with(b"<#") || rest.starts_with(b"<@") {
                    Some(2)
                } else if rest.starts_with(b"</#") || rest.starts_with(b"</@") {
                    Some(3)
                } else {
                    None
                }
            }
        }
    }

    /// Whether the text holds anything that looks like an action of this language.
    pub fn has_actions(self, bytes: &[u8]) -> bool {
        match self {
            Syntax::Go => memmem::find(bytes, b"{{").is_some(),
            Syntax::Jinja => memchr::memchr_iter(b'{', bytes)
                .any(|i| matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#'))),
            Syntax::FreeMarker => {
                memmem::find(bytes, b"${").is_some()
                    || memmem::find(bytes, b"<#").is_some()
                    || memmem::find(bytes, b"<@").is_some()
            }
        }
    }

    /// The end (exclusive) of the action opening at `start`. Strings inside the action
    /// are skipped (a `}}` or `#` in them does not end it); `escaped`: the action sits in
    /// a YAML double-quoted scalar, where `\"` is an escaped character. An action that
    /// does not end ends at the end of its line.
    pub(super) fn action_end(
        self,
        bytes: &[u8],
        start: usize,
        escaped: bool,
        lim: Limits,
    ) -> usize {
        let open = self.opener(bytes, start).unwrap_or(2);
        let head = &bytes[start..];
        let (close, go_comment): (&[u8], bool) = match self {
            Syntax::Go => (b"}}", true),
            Syntax::Jinja if head.starts_with(b"{%") => (b"%}", false),
            Syntax::Jinja if head.starts_with(b"{#") => {
                return find_after(bytes, start + 2, b"#}", lim.last_hash_close)
            }
            Syntax::Jinja => (b"}}", false),
            Syntax::FreeMarker if head.starts_with(b"<#--") => {
                return find_after(bytes, start + 4, b"-->", lim.last_ftl_close)
            }
            Syntax::FreeMarker if head.starts_with(b"${") => (b"}", false),
            Syntax::FreeMarker => (b">", false),
        };
        let mut i = start + open;
        if go_comment {
            // Go template comment: {{/* ... */}} or {{- /* ... */ -}}
            let mut j = i;
            if bytes.get(j) == Some(&b'-') {
                j += 1;
            }
            while bytes.get(j) == Some(&b' ') {
                j += 1;
            }
            if bytes[j.min(bytes.len())..].starts_with(b"/*") {
                return match find_end(bytes, j + 2, b"*/", lim.last_star_close) {
                    Some(end) => find_after(bytes, end, close, lim.last_close),
                    None => line_end(bytes, start),
                };
            }
        }
        let mut depth = 0usize; // `{` nesting inside FreeMarker `${…}`
        while i < bytes.len() && i < lim.last_close {
            let b = bytes[i];
            if depth == 0 && bytes[i..].starts_with(close) {
                return i + close.len();
            }
            match b {
                b'{' if self == Syntax::FreeMarker => depth += 1,
                b'}' if self == Syntax::FreeMarker => depth = depth.saturating_sub(1),
                b'\\' if escaped => i += 1,
                b'`' if self == Syntax::Go => {
                    if i + 1 >= lim.last_tick {
                        return line_end(bytes, start);
                    }
                    match memchr::memchr(b'`', &bytes[i + 1..]) {
                        Some(k) => i += k + 1,
                        None => return line_end(bytes, start),
                    }
                }
                b'"' | b'\'' if b == b'"' || self != Syntax::Go => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b && bytes[i] != b'\n' {
                        if bytes[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    if i >= bytes.len() || bytes[i] == b'\n' {
                        return line_end(bytes, start);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        line_end(bytes, start)
    }

    /// What the action `text` (opening delimiter included) does to the block structure.
    pub fn control(self, text: &str) -> Option<Control> {
        let (word, rest) = match self {
            Syntax::Go | Syntax::Jinja => {
                let kind = text.as_bytes().get(1).copied();
                if self == Syntax::Jinja && kind != Some(b'%') {
                    return None;
                }
                let close = if kind == Some(b'%') { "%}" } else { "}}" };
                let inner = text.get(2..)?.strip_suffix(close).unwrap_or(&text[2..]);
                let inner = inner
                    .trim_start_matches(['-', '+'])
                    .trim_end_matches(['-', '+']);
                split_word(inner.trim())
            }
            Syntax::FreeMarker => {
                if let Some(name) = text
                    .strip_prefix("</#")
                    .or_else(|| text.strip_prefix("</@"))
                {
                    let _ = name;
                    return Some(Control::End);
                }
                let inner = text.strip_prefix("<#")?;
                let inner = inner.strip_suffix('>').unwrap_or(inner);
                if inner.ends_with('/') {
                    return None; // self-closing
                }
                split_word(inner.trim())
            }
        };
        // `range $i, $app := .Values.apps` depends on `.Values.apps`.
        let rest = rest.rsplit_once(":=").map_or(rest, |(_, r)| r);
        let rest = rest.trim().to_string();
        let open = |conditional| {
            Some(Control::Open {
                cond: rest.clone(),
                conditional,
            })
        };
        match (self, word) {
            (Syntax::Go, "if" | "with" | "range") => open(true),
            (Syntax::Go, "define" | "block") => open(false),
            (Syntax::Go, "else") => Some(Control::Else {
                cond: split_word(&rest).1.trim().to_string(),
            }),
            (Syntax::Go, "end") => Some(Control::End),
            (Syntax::Jinja, "if" | "for") => open(true),
            (Syntax::Jinja, "macro" | "block" | "call" | "filter" | "with" | "raw") => open(false),
            (Syntax::Jinja, "set") if !rest.contains('=') => open(false),
            (Syntax::Jinja, "elif") => Some(Control::Else { cond: rest }),
            (Syntax::Jinja, "else") => Some(Control::Else {
                cond: String::new(),
            }),
            (Syntax::Jinja, w) if w.starts_with("end") => Some(Control::End),
            (Syntax::FreeMarker, "if" | "list") => open(true),
            (Syntax::FreeMarker, "macro" | "function" | "switch" | "compress" | "attempt") => {
                open(false)
            }
            (Syntax::FreeMarker, "elseif") => Some(Control::Else { cond: rest }),
            (Syntax::FreeMarker, "else" | "recover") => Some(Control::Else {
                cond: String::new(),
            }),
            _ => None,
        }
    }
}

impl Syntax {
    /// Whether the action `text` outputs nothing: control flow, a comment, or an
    /// assignment (`{{- $x := … }}`, `{% set x = … %}`, `<#assign x = …>`).
    pub fn is_silent(self, text: &str) -> bool {
        if self.control(text).is_some() {
            return true;
        }
        let inner = |open: usize| {
            text.get(open..)
                .unwrap_or("")
                .trim_start_matches(['-', '+', '~'])
                .trim_start()
        };
        match self {
            Syntax::Go => {
                let inner = inner(2);
                let rest = inner
                    .trim_start_matches(|c: char| c == '$' || c == '_' || c.is_alphanumeric())
                    .trim_start();
                inner.starts_with("/*")
                    || (inner.starts_with('$')
                        && (rest.starts_with(":=")
                            || (rest.starts_with('=') && !rest.starts_with("=="))))
            }
            Syntax::Jinja => {
                text.starts_with("{#")
                    || (text.starts_with("{%")
                        && matches!(split_word(inner(2)).0, "set" | "import" | "from" | "do"))
            }
            Syntax::FreeMarker => {
                text.starts_with("<#--")
                    || matches!(
                        split_word(text.strip_prefix("<#").unwrap_or("")).0,
                        "assign" | "local" | "global" | "import" | "setting" | "ftl"
                    )
            }
        }
    }
}

/// The end of the first `pat` at or after `from`, or the end of the line of `from`.
/// `last` is the end of the last `pat` of the text (0: none): past it, nothing is searched.
fn find_after(bytes: &[u8], from: usize, pat: &[u8], last: usize) -> usize {
    find_end(bytes, from, pat, last).unwrap_or_else(|| line_end(bytes, from.min(bytes.len())))
}

/// The end of the first `pat` at or after `from`, if any; `last` as for [`find_after`].
fn find_end(bytes: &[u8], from: usize, pat: &[u8], last: usize) -> Option<usize> {
    if from + pat.len() > last || last > bytes.len() {
        return None;
    }
    memmem::find(&bytes[from..last], pat).map(|k| from + k + pat.len())
}

/// The first word of `s` (letters only) and the rest.
fn split_word(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_actions() {
        for (syntax, text) in [
            (Syntax::Go, "{{- if .x }}"),
            (Syntax::Go, "{{- /* note */ -}}"),
            (Syntax::Go, "{{- $name := .Values.name }}"),
            (Syntax::Go, "{{ $x = 1 }}"),
            (Syntax::Jinja, "{% set x = 1 %}"),
            (Syntax::Jinja, "{# note #}"),
            (Syntax::FreeMarker, "<#assign x = 1>"),
            (Syntax::FreeMarker, "<#-- note -->"),
        ] {
            assert!(syntax.is_silent(text), "{text}");
        }
        for (syntax, text) in [
            (Syntax::Go, "{{- include \"labels\" . | nindent 4 }}"),
            (Syntax::Go, "{{ $x }}"),
            (Syntax::Go, "{{ eq $x 1 }}"),
            (Syntax::Jinja, "{% include 'x' %}"),
            (Syntax::Jinja, "{{ x }}"),
            (Syntax::FreeMarker, "<#include \"x\">"),
            (Syntax::FreeMarker, "${x}"),
        ] {
            assert!(!syntax.is_silent(text), "{text}");
        }
    }
}
