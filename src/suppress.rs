//! Suppressions: `# gitops-lint: ignore[RULE, ...] reason` comments and
//! `ignore.gitops-lint.dev/<rule-id>: "<reason>"` annotations, and which of them were used.

mod syntax;

use crate::diagnostic::Diagnostic;
use crate::objects::ArgoObject;
use crate::source::{LineIndex, Span};
use crate::yaml::{self, ProbeState};
use memchr::memmem;
pub use syntax::{nearest_rule, Problem};
use syntax::{Body, Form};

pub const ANNOTATION_PREFIX: &str = "ignore.gitops-lint.dev/";
/// The tool's name: a directive is `gitops-lint:` then a verb (a missing or misplaced `:`
/// is reported).
const NAME: &str = "gitops-lint";

/// A `# gitops-lint: ignore[...]` comment (or template comment).
#[derive(Debug, Clone)]
pub struct Directive {
    /// Byte offset of the start of the line it is on (for a template comment alone on its
    /// lines: the line it ends on).
    pub line_start: usize,
    /// The comment is alone on its line (it then also covers the next line).
    pub own_line: bool,
    /// The rule ids it names, with their spans.
    pub rules: Vec<(String, Span)>,
    /// The parser saw it as a comment in a document that parsed: reported when it
    /// suppresses nothing. One in a document with a syntax error (whose checks did not
    /// run; after the error, text the parser did not reach) still suppresses, unreported.
    pub verified: bool,
    /// A directive inside a block scalar's content: data for its document, it covers only
    /// findings inside the same block (which hold YAML of their own, e.g. an Application
    /// embedded in a values block), and is never reported.
    pub scope: Option<Span>,
}

/// A file's directives, and those that cannot be read.
#[derive(Debug, Clone, Default)]
pub struct Directives {
    /// In order of `line_start`.
    pub list: Vec<Directive>,
    pub malformed: Vec<Problem>,
}

/// A `gitops-lint:` that may be a directive, until the parser says where its `#` (or the
/// `{{` of its template comment) is.
#[derive(Debug)]
struct Hit {
    probe: usize,
    line_start: usize,
    own_line: bool,
    form: Form,
    body: Body,
}

/// The candidates of a file: [`scan`] before parsing, [`Scan::finish`] after.
#[derive(Debug, Default)]
pub struct Scan {
    hits: Vec<Hit>,
    /// The offsets the parser is to classify (empty unless the file says `gitops-lint:`).
    pub probes: yaml::Probes,
    /// A JSON file: it has no comments.
    json: bool,
}

/// Find the directive candidates of `text` (the file's original text): a `gitops-lint:`
/// after a `#` that starts the comment text (`#` at the line start or after a blank, then
/// blanks), or inside a template comment. A file without `gitops-lint:` costs one search.
pub fn scan(path: &str, text: &str) -> Scan {
    static FINDER: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    let finder = FINDER.get_or_init(|| memmem::Finder::new(NAME.as_bytes()));
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    let mut actions: Option<Vec<syntax::Action>> = None;
    // Each line and action holds at most one directive; each byte is looked at a bounded
    // number of times however many hits a (long) line holds.
    let mut skip_to = 0;
    let mut line = 0..0;
    for hit in finder.find_iter(bytes) {
        // Both forms have `gitops-lint` right after `#`, `/*` or a blank: this skips the
        // annotations (`ignore.gitops-lint.dev/…`) and words that only contain the name.
        if hit < skip_to
            || (hit > 0 && !matches!(bytes[hit - 1], b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'*'))
        {
            continue;
        }
        if hit >= line.end {
            let start = memchr::memrchr(b'\n', &bytes[line.end..hit])
                .map_or(line.end, |i| line.end + i + 1);
            let end = memchr::memchr(b'\n', &bytes[hit..]).map_or(text.len(), |i| hit + i);
            line = start..end;
        }
        let actions = actions.get_or_insert_with(|| syntax::template_actions(text));
        let at = actions.partition_point(|a| a.span.end <= hit);
        if let Some(action) = actions.get(at).filter(|a| a.span.start <= hit) {
            skip_to = action.span.end;
            if let Some(end) = action.comment_end {
                hits.push(template_hit(text, action.span.clone(), hit, end));
            }
            continue;
        }
        if let Some(h) = comment_hit(text, line.clone(), hit) {
            skip_to = line.end;
            hits.push(h);
        }
    }
    let mut at: Vec<usize> = hits.iter().map(|h| h.probe).collect();
    at.sort_unstable();
    at.dedup();
    let json = std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    Scan {
        hits,
        probes: yaml::Probes::new(at),
        json,
    }
}

/// A `# gitops-lint:` hit on `line` (without its line break), if the `gitops-lint:`
/// starts the comment's text.
fn comment_hit(text: &str, line: Span, hit: usize) -> Option<Hit> {
    let before = text[line.start..hit].trim_end_matches([' ', '\t']);
    let hashes = before.len() - before.trim_end_matches('#').len();
    if hashes == 0 {
        return None;
    }
    let hash = line.start + before.len() - hashes;
    let lead = text[line.start..hash].trim_start_matches('\u{feff}');
    if !(lead.is_empty() || lead.ends_with([' ', '\t'])) {
        return None;
    }
    let end = line.start + text[line.start..line.end].trim_end_matches('\r').len();
    Some(Hit {
        probe: hash,
        line_start: line.start,
        own_line: lead.trim_matches([' ', '\t']).is_empty(),
        form: Form::Comment,
        body: syntax::parse_body(text, hit, end, Form::Comment),
    })
}

/// A hit inside the template comment `action` whose text ends at `end`. Alone on its
/// line(s) it covers the line after it, like a comment alone on its line.
fn template_hit(text: &str, action: Span, hit: usize, end: usize) -> Hit {
    let bytes = text.as_bytes();
    let line_start = memchr::memrchr(b'\n', &bytes[..action.start]).map_or(0, |i| i + 1);
    let last_line = memchr::memrchr(b'\n', &bytes[..action.end]).map_or(0, |i| i + 1);
    let line_end =
        memchr::memchr(b'\n', &bytes[action.end..]).map_or(text.len(), |i| action.end + i);
    let blank = |s: &str| {
        s.trim_start_matches('\u{feff}')
            .trim_matches([' ', '\t', '\r'])
            .is_empty()
    };
    let own_line = blank(&text[line_start..action.start]) && blank(&text[action.end..line_end]);
    // Only the text before `*/` is read: a reason may not hold `*/`. The directive starts
    // the comment's text (`{{/* note: gitops-lint: … */}}` is prose).
    let body_end = hit + text[hit..end].trim_end().len();
    let opened = text[action.start..hit]
        .find("/*")
        .map_or(hit, |i| action.start + i + 2);
    let body = if text[opened..hit].trim().is_empty() {
        syntax::parse_body(text, hit, body_end, Form::Template)
    } else {
        Body::Mention
    };
    Hit {
        probe: action.start,
        line_start: if own_line { last_line } else { line_start },
        own_line,
        form: Form::Template,
        body,
    }
}

impl Scan {
    /// The directives, once the parser has classified the probes: a `#` inside a quoted or
    /// plain scalar is data, as is a template comment inside a quoted one (masking may have
    /// made it part of a plain one); inside a block scalar, either covers only findings in
    /// the same block.
    pub fn finish(self) -> Directives {
        let mut out = Directives::default();
        let probes = &self.probes;
        for hit in self.hits {
            let Ok(i) = probes.at.binary_search(&hit.probe) else {
                continue;
            };
            let (verified, scope) = match (probes.state[i], hit.form) {
                (ProbeState::Outside, _) | (ProbeState::InPlain, Form::Template) => (true, None),
                (ProbeState::FailedDocument, _) => (false, None),
                (ProbeState::InBlock { start, end }, _) => (false, Some(start..end)),
                _ => continue,
            };
            let rules = match hit.body {
                Body::Mention => continue,
                _ if self.json && verified => {
                    out.malformed.push(json_comment(&hit));
                    continue;
                }
                Body::Malformed(m) => {
                    if verified {
                        out.malformed.push(m);
                    }
                    continue;
                }
                Body::Rules(rules) => rules,
            };
            out.list.push(Directive {
                line_start: hit.line_start,
                own_line: hit.own_line,
                rules,
                verified,
                scope,
            });
        }
        out.list.sort_by_key(|d| d.line_start);
        out
    }
}

/// The report of a suppression (comment or annotation, `what`) naming `rule` that
/// suppressed nothing; an unknown rule gets "did you mean" when a rule's id is close.
pub fn unused(rule: &str, known: bool, span: Span, what: &str) -> Problem {
    if known {
        return Problem {
            span,
            message: format!("{what} for `{rule}` suppresses nothing"),
            label: "unused".into(),
            help: "remove it, or move it to the line of the finding".into(),
        };
    }
    // The suggestion is in the message too: the one-line formats show only the message.
    let (label, help, hint) = match nearest_rule(rule) {
        Some(s) => (
            format!("did you mean `{s}`?"),
            format!("did you mean `{s}`?"),
            format!(" (did you mean `{s}`?)"),
        ),
        None => (
            "unknown rule".into(),
            "remove it, or name a rule listed by `gitops-lint rules`".into(),
            String::new(),
        ),
    };
    Problem {
        span,
        message: format!("{what} names an unknown rule `{rule}`{hint}"),
        label,
        help,
    }
}

/// A directive in a JSON file: JSON has no comments, Kubernetes tools reject the file.
fn json_comment(hit: &Hit) -> Problem {
    let span = match &hit.body {
        Body::Rules(rules) => rules[0].1.clone(),
        Body::Malformed(m) => m.span.clone(),
        Body::Mention => hit.probe..hit.probe,
    };
    Problem {
        span,
        message: "suppression comment in a JSON file: JSON has no comments".into(),
        label: "not JSON".into(),
        help: format!(
            "remove it, and add the annotation `{ANNOTATION_PREFIX}<rule>: \"<reason>\"` to \
             the object instead"
        ),
    }
}

/// The `(directive, rule)` index that suppresses `diag`: a directive on its primary line,
/// or alone on the line directly above it, naming its rule. `directives` are those of
/// [`directives`] (in line order); `lines` is the file's line index.
pub fn by_comment(
    lines: &LineIndex,
    directives: &[Directive],
    diag: &Diagnostic,
) -> Option<(usize, usize)> {
    if directives.is_empty() {
        return None;
    }
    let line = lines.line_of(diag.span.start);
    let line_start = lines.line_start(diag.span.start);
    let prev_start = (line > 1).then(|| lines.line_start(line_start - 1));
    let find = |start: usize, own_line_only: bool| {
        // A line may hold a comment and a template comment: each is looked at.
        let first = directives.partition_point(|d| d.line_start < start);
        directives[first..]
            .iter()
            .take_while(|d| d.line_start == start)
            .enumerate()
            .filter(|(_, d)| d.own_line || !own_line_only)
            .filter(|(_, d)| {
                d.scope
                    .as_ref()
                    .is_none_or(|s| s.contains(&diag.span.start))
            })
            .find_map(|(k, d)| {
                let j = d.rules.iter().position(|(r, _)| r == diag.rule)?;
                Some((first + k, j))
            })
    };
    // The line above first: a directive there comes first in the file.
    prev_start
        .and_then(|p| find(p, true))
        .or_else(|| find(line_start, false))
}

/// The object's `ignore.gitops-lint.dev/<rule>` annotations: rule id and key span.
pub fn annotations<'a>(obj: &ArgoObject<'a>) -> Vec<(&'a str, Span)> {
    obj.node
        .at("metadata.annotations")
        .map(|a| a.entries())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            Some((
                e.key.as_str()?.strip_prefix(ANNOTATION_PREFIX)?,
                e.key.span.clone(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, text: &str) -> Directives {
        let mut scan = scan(path, text);
        yaml::parse_each_probed(text, text, &mut scan.probes, &mut |_| {});
        scan.finish()
    }

    fn names(text: &str) -> Vec<String> {
        read("a.yaml", text)
            .list
            .iter()
            .flat_map(|d| d.rules.iter().map(|(n, _)| n.clone()))
            .collect()
    }

    #[test]
    fn directives_in_comments_only() {
        assert_eq!(
            names("metadata: # gitops-lint: ignore[missing-finalizer, x] root\n"),
            ["missing-finalizer", "x"]
        );
        assert_eq!(names("  # gitops-lint: ignore[a] r\n"), ["a"]);
        assert!(read("a.yaml", "a:\n  # gitops-lint: ignore[a] r\n").list[0].own_line);
        assert!(!read("a.yaml", "a: b # gitops-lint: ignore[a] r\n").list[0].own_line);
        assert!(names("a: b#gitops-lint: ignore[a]\n").is_empty());
        assert!(names("# my-gitops-lint: ignore[a]\n").is_empty());
        assert!(names("# note: gitops-lint: ignore[a]\n").is_empty());
        assert!(names("{{/* note: gitops-lint: ignore[a] */}}\n").is_empty());
        assert_eq!(names("{{/*gitops-lint: ignore[a] */}}\n"), ["a"]);
        assert_eq!(names("{{- /*\n  gitops-lint: ignore[a]\n*/ -}}\n"), ["a"]);
        assert!(names("a: 'gitops-lint: ignore[a]'\n").is_empty());
        assert!(names("a: 'x # gitops-lint: ignore[a]'\n").is_empty());
        let block = read("a.yaml", "a: |\n  # gitops-lint: ignore[a]\n").list;
        assert!(block[0].scope.is_some() && !block[0].verified);
        assert_eq!(names("a: | # gitops-lint: ignore[a]\n  x\n"), ["a"]);
        assert!(names("{\"a\": 1} # gitops-lint: ignore[a]\n").len() == 1);
        assert!(read("a.json", "{\"a\": 1} # gitops-lint: ignore[a]\n")
            .list
            .is_empty());
    }

    /// A directive inside a block scalar covers only findings inside the same block (an
    /// Application embedded in a values block), never the document around it.
    #[test]
    fn block_scalar_directives_cover_their_block_only() {
        let text = "values: |\n  # gitops-lint: ignore[missing-finalizer] embedded\n  \
            metadata:\n    name: inner\n# gitops-lint: ignore[x] outside\nmetadata:\n";
        let d = read("a.yaml", text).list;
        assert_eq!(d.len(), 2);
        assert!(!d[0].verified && d[0].scope.is_some());
        assert!(d[1].verified && d[1].scope.is_none());
        let diag = |at: &str| Diagnostic {
            rule: "missing-finalizer",
            severity: crate::diagnostic::Severity::Error,
            message: String::new(),
            document: None,
            object: None,
            route: String::new(),
            span: {
                let i = text.find(at).unwrap();
                i..i + 8
            },
            label: String::new(),
            labels: Vec::new(),
            help: None,
            fix: None,
            related: Vec::new(),
            pending: None,
        };
        let lines = LineIndex::new(text);
        // The embedded `metadata` (inside the block, right below): covered.
        assert_eq!(by_comment(&lines, &d, &diag("  metadata")), Some((0, 0)));
        // A directive in a block right above a finding outside it: not covered.
        let text2 = "a: |\n  # gitops-lint: ignore[missing-finalizer] data\nmetadata:\n";
        let d2 = read("a.yaml", text2).list;
        let mut outer = diag("metadata");
        outer.span = text2.find("\nmetadata").unwrap() + 1..text2.len() - 2;
        assert_eq!(by_comment(&LineIndex::new(text2), &d2, &outer), None);
    }

    #[test]
    fn rule_spans_are_exact() {
        let text =
            "x: 1\nmetadata:  # gitops-lint: ignore[ missing-finalizer ,unknown-finalizer] why\n";
        let d = read("a.yaml", text).list;
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].rules[0].1.clone()], "missing-finalizer");
        assert_eq!(&text[d[0].rules[1].1.clone()], "unknown-finalizer");
        assert_eq!(d[0].line_start, 5);
    }
}
