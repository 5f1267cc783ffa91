//! The text of a suppression directive (what follows `gitops-lint:`), and the template
//! actions of a file, read from its original text.

use crate::rule_data as rules;
use crate::source::Span;
use memchr::memmem;

/// How a directive is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `# gitops-lint: ignore[...] reason`
    Comment,
    /// `{{/* gitops-lint: ignore[...] reason */}}`
    Template,
}

impl Form {
    /// The help of a malformed directive: it written right, with `rules` and `reason`
    /// (placeholders where empty).
    pub fn help(self, rules: &str, reason: &str) -> String {
        let rules = if rules.is_empty() { "RULE" } else { rules };
        let reason = if reason.is_empty() { "reason" } else { reason };
        let form = match self {
            Form::Comment => format!("# gitops-lint: ignore[{rules}] {reason}"),
            Form::Template => format!("{{{{/* gitops-lint: ignore[{rules}] {reason} */}}}}"),
        };
        format!("write it as `{form}`")
    }
}

/// A suppression problem to report (`unused-suppression`): a directive that cannot be
/// read, or a suppression that suppressed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: String,
}

/// What the text after `gitops-lint:` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Prose that mentions the tool (`# linted by gitops-lint: see docs`): not a directive.
    Mention,
    /// `ignore[...]`: the rule ids named, with their spans.
    Rules(Vec<(String, Span)>),
    Malformed(Problem),
}

const VERB: &str = "ignore";

/// Read the directive whose `gitops-lint:` starts at `at` and whose text ends at `end`
/// (the end of its line, or of its template comment).
///
/// The boundary between a directive and a mention: the word after `gitops-lint:` is a verb
/// when it is followed by `[`, starts with or is close to `ignore`, or is a rule id; any
/// other word (`see docs`, `generated`) is prose and is not reported. A malformed
/// directive's help shows it written right, with its own rules and reason.
pub fn parse_body(text: &str, at: usize, end: usize, form: Form) -> Body {
    // `gitops-lint:`, else `gitops-lint :` or `gitops-lint ignore[…]` (reported).
    let name_end = (at + super::NAME.len()).min(end);
    let gap = blanks(&text[name_end..end]);
    let colon = text[name_end + gap..end].starts_with(':');
    if !colon && gap == 0 {
        return Body::Mention; // `gitops-lint.dev`, `gitops-lint-x`, …
    }
    let verb_at = name_end + gap + usize::from(colon);
    let verb_at = verb_at + blanks(&text[verb_at..end]);
    let body = parse_verb(text, at, verb_at, end, form);
    match body {
        Body::Rules(_) if !(colon && gap == 0) => Body::Malformed(Problem {
            span: at..if colon { name_end + gap + 1 } else { name_end },
            message: "malformed suppression comment: `gitops-lint` must be followed by `:`".into(),
            label: "no `gitops-lint:`".into(),
            help: match form {
                Form::Comment => {
                    format!("write it as `# gitops-lint: {}`", text[verb_at..end].trim())
                }
                Form::Template => format!(
                    "write it as `{{{{/* gitops-lint: {} */}}}}`",
                    text[verb_at..end].trim()
                ),
            },
        }),
        // Without `:`, only a directive-like text is one (`# gitops-lint is great` is prose).
        Body::Malformed(_) if !colon && !text[verb_at..end].contains('[') => Body::Mention,
        body => body,
    }
}

/// The verb of a directive at `verb_at` and what follows it.
fn parse_verb(text: &str, at: usize, verb_at: usize, end: usize, form: Form) -> Body {
    let rest = &text[verb_at..end];
    let verb_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let verb = &rest[..verb_len];
    let verb_end = verb_at + verb_len;
    let bracket_at = verb_end + blanks(&text[verb_end..end]);
    let after = &text[bracket_at..end];
    if verb == VERB && after.starts_with('[') {
        return read_rules(text, at, bracket_at, end, form);
    }
    let lower = verb.to_ascii_lowercase();
    let close_to_verb = lower.starts_with(VERB) || crate::distance::levenshtein(&lower, VERB) <= 2;
    let is_rule = rules::meta(verb).is_some();
    if !(after.starts_with('[') || close_to_verb || is_rule) {
        return Body::Mention;
    }
    // What the directive was meant to say: its rules (bracketed or the next word) and
    // reason.
    let (rules, reason) = if is_rule {
        (verb, after.trim())
    } else if let Some(inner) = after.strip_prefix('[') {
        match inner.split_once(']') {
            Some((rules, reason)) => (rules.trim(), reason.trim()),
            None => split_word(inner),
        }
    } else {
        split_word(after)
    };
    let (message, label) = if verb == VERB {
        (
            "the rules go in brackets after `ignore`".to_string(),
            "no `[...]`".to_string(),
        )
    } else if is_rule {
        (
            format!("`{verb}` without `ignore[...]`"),
            "no `ignore`".into(),
        )
    } else if verb.is_empty() {
        ("no verb before `[`".into(), "no verb".into())
    } else if close_to_verb {
        (
            format!("unknown verb `{verb}`"),
            format!("did you mean `{VERB}`?"),
        )
    } else {
        (
            format!("unknown verb `{verb}`, the only one is `{VERB}`"),
            "unknown verb".into(),
        )
    };
    Body::Malformed(Problem {
        span: at..verb_end.max(verb_at + 1).min(end),
        message: format!("malformed suppression comment: {message}"),
        label,
        help: form.help(rules, reason),
    })
}

fn blanks(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

/// The first word of `s` and the rest, trimmed.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim();
    let word = s.split([' ', '\t']).next().unwrap_or("");
    (word, s[word.len()..].trim())
}

/// The rules of `ignore[...]`, `[` at `open`.
fn read_rules(text: &str, at: usize, open: usize, end: usize, form: Form) -> Body {
    let inner_at = open + 1;
    let Some(close) = text[inner_at..end].find(']').map(|i| inner_at + i) else {
        let (rules, reason) = split_word(&text[inner_at..end]);
        return Body::Malformed(Problem {
            span: at..at + text[at..end].trim_end().len(),
            message: "malformed suppression comment: `ignore[` is not closed".into(),
            label: "no `]`".into(),
            help: form.help(rules, reason),
        });
    };
    let mut rules = Vec::new();
    let mut pos = inner_at;
    for part in text[inner_at..close].split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let start = pos + (part.len() - part.trim_start().len());
            rules.push((trimmed.to_string(), start..start + trimmed.len()));
        }
        pos += part.len() + 1;
    }
    if rules.is_empty() {
        return Body::Malformed(Problem {
            span: at..close + 1,
            message: "malformed suppression comment: `ignore[]` names no rule".into(),
            label: "no rule".into(),
            help: form.help("", text[close + 1..end].trim()),
        });
    }
    Body::Rules(rules)
}

/// A template action of the original text: its span, and for a comment
/// (`{{/* … */}}`, `{{- /* … */ -}}`) where the comment's text ends (at its `*/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub span: Span,
    pub comment_end: Option<usize>,
}

/// Every template action of `text`, in order. An unterminated action ends at its line's
/// end; `}}` inside a string literal (`"…"`, `` `…` ``) does not end an action, another
/// `{{` does (a code action holds none). Linear in the text: what a search found missing is
/// remembered, so many unterminated actions do not each search to the end of the file.
pub fn template_actions(text: &str) -> Vec<Action> {
    let bytes = text.as_bytes();
    let finder = memmem::Finder::new(b"{{");
    let mut scanner = Scanner {
        bytes,
        no_backtick_from: usize::MAX,
        comment_close: None,
    };
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(k) = finder.find(&bytes[pos..]) {
        let start = pos + k;
        let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let mut j = start + 2;
        if bytes.get(j) == Some(&b'-') {
            j += 1;
        }
        while matches!(bytes.get(j), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            j += 1;
        }
        let action = if bytes[j..].starts_with(b"/*") {
            scanner.comment(start, j + 2, line_end)
        } else {
            Action {
                span: start..scanner.code_end(start + 2, line_end),
                comment_end: None,
            }
        };
        pos = action.span.end.max(start + 2);
        out.push(action);
    }
    out
}

struct Scanner<'a> {
    bytes: &'a [u8],
    /// No backtick at or after this offset.
    no_backtick_from: usize,
    /// The last search for `*/`: where it started, and the `*/` found.
    comment_close: Option<(usize, Option<usize>)>,
}

impl Scanner<'_> {
    /// The first `*/` at or after `from`.
    fn comment_close(&mut self, from: usize) -> Option<usize> {
        if let Some((origin, found)) = self.comment_close {
            if origin <= from && found.is_none_or(|f| f >= from) {
                return found;
            }
        }
        let found = memmem::find(&self.bytes[from..], b"*/").map(|k| from + k);
        self.comment_close = Some((from, found));
        found
    }

    /// A template comment whose text starts at `body`: it ends at `*/`, optional blanks
    /// and a `-`, then `}}`.
    fn comment(&mut self, start: usize, body: usize, line_end: usize) -> Action {
        let unterminated = Action {
            span: start..line_end,
            comment_end: None,
        };
        let Some(close) = self.comment_close(body) else {
            return unterminated;
        };
        let bytes = self.bytes;
        let mut i = close + 2;
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        if !bytes[i..].starts_with(b"}}") {
            return unterminated;
        }
        Action {
            span: start..i + 2,
            comment_end: Some(close),
        }
    }

    /// The end of a code action (not a comment) whose text starts at `i`.
    fn code_end(&mut self, mut i: usize, line_end: usize) -> usize {
        let bytes = self.bytes;
        while i < bytes.len() {
            match bytes[i] {
                b'}' if bytes.get(i + 1) == Some(&b'}') => return i + 2,
                b'{' if bytes.get(i + 1) == Some(&b'{') => return line_end,
                b'`' => {
                    let found = (i + 1 < self.no_backtick_from)
                        .then(|| memchr::memchr(b'`', &bytes[i + 1..]))
                        .flatten();
                    match found {
                        Some(k) => i += k + 2,
                        None => {
                            self.no_backtick_from = self.no_backtick_from.min(i + 1);
                            return line_end;
                        }
                    }
                }
                b'"' => {
                    i += 1;
                    while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    if i >= bytes.len() || bytes[i] == b'\n' {
                        return line_end;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        line_end
    }
}

pub use crate::rule_data::nearest_rule;

#[cfg(test)]
mod tests {
    use super::*;

    fn body(line: &str) -> Body {
        let at = line.find("gitops-lint").unwrap();
        parse_body(line, at, line.len(), Form::Comment)
    }

    #[test]
    fn verbs_and_mentions() {
        assert_eq!(body("# linted by gitops-lint: see docs"), Body::Mention);
        assert_eq!(body("# gitops-lint: see docs"), Body::Mention);
        assert_eq!(body("# gitops-lint:"), Body::Mention);
        assert_eq!(body("# gitops-lint is great"), Body::Mention);
        assert_eq!(body("# gitops-lint ignores this file"), Body::Mention);
        assert_eq!(body("# see gitops-lint.dev/x"), Body::Mention);
        assert_eq!(body("# gitops-lint-ignore[x]"), Body::Mention);
        let Body::Rules(r) = body("# gitops-lint:ignore [ a , b ] why") else {
            panic!()
        };
        assert_eq!(
            r.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        for bad in [
            "# gitops-lint: ignore missing-finalizer",
            "# gitops-lint: ignore",
            "# gitops-lint: ignore[missing-finalizer",
            "# gitops-lint: ignore[ , ]",
            "# gitops-lint: ignroe[missing-finalizer]",
            "# gitops-lint: Ignore[missing-finalizer]",
            "# gitops-lint: disable[missing-finalizer]",
            "# gitops-lint: missing-finalizer",
            "# gitops-lint: [missing-finalizer]",
            "# gitops-lint ignore[missing-finalizer] no colon",
            "# gitops-lint : ignore[missing-finalizer] blank before the colon",
            "# gitops-lint ignroe[missing-finalizer]",
        ] {
            let Body::Malformed(m) = body(bad) else {
                panic!("{bad}")
            };
            assert!(m.help.contains("ignore["), "{bad}: {}", m.help);
            assert!(bad[m.span.clone()].starts_with("gitops-lint"), "{bad}");
            if bad.contains("missing-finalizer") {
                assert!(
                    m.help.contains("# gitops-lint: ignore[missing-finalizer"),
                    "{bad}"
                );
            }
        }
    }

    #[test]
    fn template_comments() {
        let t = "a {{- /* x */ -}} b {{ \"}}\" }} {{/* y */}} {{ oops\n";
        let actions = template_actions(t);
        let spans: Vec<&str> = actions.iter().map(|a| &t[a.span.clone()]).collect();
        assert_eq!(
            spans,
            ["{{- /* x */ -}}", "{{ \"}}\" }}", "{{/* y */}}", "{{ oops"]
        );
        assert_eq!(&t[actions[0].comment_end.unwrap()..][..2], "*/");
        assert_eq!(actions[1].comment_end, None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(nearest_rule("missing-finaliser"), Some("missing-finalizer"));
        assert_eq!(nearest_rule("missing_finalizer"), Some("missing-finalizer"));
        assert_eq!(
            nearest_rule("unused-suppresion"),
            Some("unused-suppression")
        );
        assert_eq!(nearest_rule("50%off"), None);
        assert_eq!(nearest_rule("line-length"), None);
    }
}
