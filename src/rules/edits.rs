//! Minimal text edits that add or change finalizers, computed from byte spans and written
//! in the file's own style (indentation, dash style, quoting, line endings).

use crate::config::FinalizerPosition;
use crate::diagnostic::Edit;
use crate::source::{Span, TextFacts};
use crate::template::Masked;
use crate::yaml::{Entry, Node, NodeKind, Style};
use std::collections::BTreeMap;

#[path = "edits_keys.rs"]
mod keys;
pub use keys::{add_entries, add_to_flow, fill_empty};

/// What the edits need to know about the file and document.
pub struct Layout<'a> {
    pub text: &'a str,
    pub masked: Option<&'a Masked>,
    /// `"\r\n"` when the file uses CRLF line endings, else `"\n"`.
    pub eol: &'static str,
    /// The file's line index and other facts, built once per file.
    facts: &'a TextFacts,
    /// The document: its block sequences decide how a new list is indented
    /// ([`item_offset`]).
    document: &'a DocLayout,
    /// The document is JSON (a flow mapping with double-quoted keys): new keys and items
    /// are written as JSON.
    json: bool,
}

/// Facts about one document's layout, gathered once per document (a walk of the whole
/// document per finding made a `kind: List` of 100k Applications quadratic).
#[derive(Debug, Default)]
pub struct DocLayout {
    json: bool,
    /// How many block lists of the document have their `-` indented by each offset (> 0)
    /// from their key.
    indented: BTreeMap<usize, usize>,
    /// Per mapping (by address) holding block lists: (key column, offset) of each.
    by_mapping: std::collections::HashMap<usize, Vec<(usize, usize)>>,
}

impl<'a> Layout<'a> {
    pub fn new(ctx: &'a super::Context<'a>) -> Self {
        let facts = ctx.facts();
        let document = ctx
            .doc_layout
            .get_or_init(|| DocLayout::new(ctx.text, facts, ctx.document));
        Layout {
            text: ctx.text,
            masked: ctx.masked,
            eol: facts.eol,
            facts,
            document,
            json: document.json,
        }
    }

    /// Item offset for a new list under a key at column `key_col` in `mapping`.
    fn offset_for(&self, mapping: Option<&Node>, key_col: usize) -> usize {
        self.document.item_offset(mapping, key_col)
    }

    fn line_start(&self, pos: usize) -> usize {
        self.facts.lines.line_start(pos)
    }

    /// Column of `pos` in characters (a BOM is not a column).
    fn col(&self, pos: usize) -> usize {
        col(self.text, self.facts, pos)
    }

    /// Column of the entry whose key text starts at `key_start`: the key's column, less
    /// any anchor or tag written before it on its line (`&a key:`, `!t key:`). None when a
    /// tab is part of the indentation: YAML forbids it and parsers disagree on the column;
    /// and for an explicit key written on the line after its `?`: the entry's column is
    /// the `?`'s, not the key's.
    fn key_col(&self, key_start: usize) -> Option<usize> {
        let ls = self.line_start(key_start);
        let prefix = self.text[ls..key_start].trim_start_matches('\u{feff}');
        let mut rest = prefix.trim_start_matches(' ');
        if rest.starts_with('\t') || (rest.is_empty() && self.after_question_mark(ls)) {
            return None;
        }
        // Sequence indicators before a key belong to the indentation (`- key:`).
        while let Some(r) = rest.strip_prefix('-') {
            if !r.starts_with([' ', '\t']) {
                break;
            }
            rest = r.trim_start_matches([' ', '\t']);
        }
        Some(self.col(key_start) - rest.chars().count())
    }

    /// Whether the last content before the line starting at `ls` (past blank and comment
    /// lines) is a `?` indicator. A `?` at the end of a plain scalar (`a: why ?`) counts
    /// too, which only costs a fix.
    fn after_question_mark(&self, ls: usize) -> bool {
        for line in self.text[..ls].lines().rev() {
            let content = match line.find('#') {
                Some(i) if i == 0 || line[..i].ends_with([' ', '\t']) => &line[..i],
                _ => line,
            }
            .trim_end();
            if content.trim_start().is_empty() {
                continue;
            }
            let Some(before) = content.strip_suffix('?') else {
                return false;
            };
            return before.is_empty() || before.ends_with([' ', '\t']);
        }
        false
    }

    /// Whether an entry with an empty value is just `key:` (maybe a comment) and the next
    /// content line is not indented deeper: no tag, anchor or continuation to step over.
    fn nothing_after_key(&self, key: &Node) -> bool {
        let (line_end, eof) = self.after_line(key.span.end);
        let rest = self.text[key.span.end..line_end].trim();
        let rest = rest.strip_prefix(':').map(str::trim_start);
        if !rest.is_some_and(|r| r.is_empty() || r.starts_with('#')) {
            return false;
        }
        if eof {
            return true;
        }
        let Some(key_col) = self.key_col(key.span.start) else {
            return false;
        };
        self.text[line_end..]
            .lines()
            .map(|line| line.trim_end_matches('\r'))
            .find(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
            .is_none_or(|line| line.len() - line.trim_start().len() <= key_col)
    }

    /// Where a new line can be inserted after the line holding `end` (exclusive end of a
    /// node), and whether that is the end of a file without a final line break.
    fn after_line(&self, end: usize) -> (usize, bool) {
        if end > 0 && self.text.as_bytes()[end - 1] == b'\n' {
            return (end, false);
        }
        match self.text[end..].find('\n') {
            Some(i) => (end + i + 1, false),
            None => (self.text.len(), true),
        }
    }

    /// An edit inserting `lines` (each without line ending) as whole lines after the line
    /// holding `end`.
    fn insert_lines(&self, end: usize, lines: &[String]) -> Edit {
        let (at, eof) = self.after_line(end);
        let mut content = String::new();
        for line in lines {
            if eof {
                content.push_str(self.eol);
                content.push_str(line);
            } else {
                content.push_str(line);
                content.push_str(self.eol);
            }
        }
        Edit {
            span: at..at,
            content,
        }
    }

    /// From `end` (inside the last line of an entry whose key is at column `key_col`),
    /// the end of that line and of the template-action lines after it that belong to the
    /// entry (indented deeper, or emitting deeper with `nindent N`), e.g.
    /// `labels:` followed by `{{- include "labels" . | nindent 4 }}`.
    fn end_of_entry(&self, end: usize, key_col: usize) -> usize {
        let (mut at, eof) = self.after_line(end);
        let Some(masked) = self.masked else {
            return end;
        };
        if eof {
            return end;
        }
        let mut last = end;
        while at < self.text.len() {
            let line_end = self.text[at..]
                .find('\n')
                .map_or(self.text.len(), |i| at + i);
            let masked_line = &masked.text[at..line_end];
            let original = self.text[at..line_end].trim_end_matches('\r');
            let trimmed = original.trim_start();
            let is_action_line = masked_line.trim().is_empty() && trimmed.starts_with("{{");
            if !is_action_line {
                break;
            }
            let indent =
                crate::template::output_indent(trimmed).unwrap_or(original.len() - trimmed.len());
            if indent <= key_col {
                break;
            }
            last = line_end;
            at = (line_end + 1).min(self.text.len());
        }
        last
    }

    fn inside_action(&self, pos: usize) -> bool {
        self.masked
            .is_some_and(|m| m.actions_in(&(pos..pos)).next().is_some())
    }

    fn whole_line_action_in(&self, span: Span) -> bool {
        self.masked
            .is_some_and(|m| m.actions_in(&span).any(|a| a.whole_line))
    }

    /// Leading white space of the line holding `pos`.
    fn indent_of(&self, pos: usize) -> &'a str {
        let ls = self.line_start(pos);
        let line = &self.text[ls..];
        let line = line.trim_start_matches('\u{feff}');
        let n = line.len() - line.trim_start_matches([' ', '\t']).len();
        &line[..n]
    }

    fn same_line(&self, a: usize, b: usize) -> bool {
        let (lo, hi) = (a.min(b), a.max(b));
        !self.text[lo..hi].contains('\n')
    }
}

/// Column of `pos` in characters (a BOM is not a column).
fn col(text: &str, facts: &TextFacts, pos: usize) -> usize {
    let n = facts.chars_before(text, pos);
    if facts.ascii || facts.lines.line_start(pos) != 0 {
        return n;
    }
    let mut head = &text[..pos];
    let mut boms = 0;
    while let Some(rest) = head.strip_prefix('\u{feff}') {
        head = rest;
        boms += 1;
    }
    n - boms
}

/// Whether line-based edits can be made: YAML also breaks lines at a lone `\r` (old Mac
/// line endings), which the edits do not follow, so such files get no line insertions.
pub fn line_editable(facts: &TextFacts) -> bool {
    facts.crlf_only
}

/// A JSON document: a flow mapping whose keys are double-quoted.
fn is_json(document: &Node) -> bool {
    match &document.kind {
        NodeKind::Mapping {
            entries,
            flow: true,
        } => entries.iter().all(|e| {
            matches!(
                e.key.kind,
                NodeKind::Scalar {
                    style: Style::DoubleQuoted,
                    ..
                }
            )
        }),
        _ => false,
    }
}

/// Columns between a new key at column `key_col` and the `-` of its list items: the
/// offset of the other block lists in the same mapping (siblings, e.g. `ownerReferences`),
/// which may be indentless; else the most common *indented* offset in the document (2 or
/// 4); else 2. Indentless lists elsewhere do not make a new `finalizers` list indentless:
/// following the document's majority style instead made 58 of the 504 files of Kubefirst's
/// own finalizer commits (PR #711, #880) indentless where upstream indented the items by 2.
impl DocLayout {
    fn new(text: &str, facts: &TextFacts, document: &Node) -> Self {
        let mut out = DocLayout {
            json: is_json(document),
            ..DocLayout::default()
        };
        let same_line = |a: usize, b: usize| facts.lines.line_of(a) == facts.lines.line_of(b);
        let mut stack = vec![document];
        while let Some(node) = stack.pop() {
            for e in node.entries() {
                if let NodeKind::Sequence { items, flow: false } = &e.value.kind {
                    if !items.is_empty() && !same_line(e.key.span.start, e.value.span.start) {
                        let key_col = col(text, facts, e.key.span.start);
                        let dash_col = col(text, facts, e.value.span.start);
                        if dash_col >= key_col {
                            let offset = dash_col - key_col;
                            if offset > 0 {
                                *out.indented.entry(offset).or_default() += 1;
                            }
                            let at = node as *const Node as usize;
                            out.by_mapping
                                .entry(at)
                                .or_default()
                                .push((key_col, offset));
                        }
                    }
                }
                stack.push(&e.value);
            }
            stack.extend(node.items());
        }
        out
    }

    /// The offset for a new list under a key at column `key_col` in `mapping`: the cost is
    /// that of the mapping's own lists, not of the document's.
    fn item_offset(&self, mapping: Option<&Node>, key_col: usize) -> usize {
        let mut same_level = BTreeMap::<usize, usize>::new();
        let mut indented = std::borrow::Cow::Borrowed(&self.indented);
        let siblings = mapping
            .and_then(|m| self.by_mapping.get(&(m as *const Node as usize)))
            .map_or(&[][..], Vec::as_slice);
        for &(_, offset) in siblings.iter().filter(|(col, _)| *col == key_col) {
            *same_level.entry(offset).or_default() += 1;
            if offset > 0 {
                // Counted as a sibling, not among the document's other lists.
                *indented.to_mut().entry(offset).or_default() -= 1;
            }
        }
        let most_common = |m: &BTreeMap<usize, usize>| {
            m.iter()
                .filter(|(_, n)| **n > 0)
                .max_by_key(|(off, n)| (**n, **off == 2))
                .map(|(off, _)| *off)
        };
        most_common(&same_level)
            .or_else(|| most_common(&indented))
            .unwrap_or(2)
    }
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// `value` written like `like` (same quotes), or plain.
fn quoted_like(value: &str, like: Option<&Node>) -> String {
    match like.map(|n| &n.kind) {
        Some(NodeKind::Scalar {
            style: Style::DoubleQuoted,
            ..
        }) => format!("\"{value}\""),
        Some(NodeKind::Scalar {
            style: Style::SingleQuoted,
            ..
        }) => format!("'{value}'"),
        _ => value.to_string(),
    }
}

/// The entry after which a new key goes, per the configured position (`None` only for an
/// empty mapping).
fn anchor(entries: &[Entry], position: FinalizerPosition) -> Option<&Entry> {
    let find = |k: &str| entries.iter().find(|e| e.key.as_str() == Some(k));
    let chosen = match position {
        FinalizerPosition::End => None,
        FinalizerPosition::AfterName => find("name"),
        FinalizerPosition::AfterNamespace => find("namespace").or_else(|| find("name")),
    };
    chosen.or_else(|| entries.last())
}

fn entry_end(e: &Entry) -> usize {
    e.value.span.end.max(e.key.span.end)
}

/// Add `finalizers: [value]` to the `metadata` mapping of entry `md`.
pub fn add_to_metadata(
    l: &Layout,
    md: &Entry,
    position: FinalizerPosition,
    value: &str,
) -> Option<Vec<Edit>> {
    match &md.value.kind {
        NodeKind::Mapping {
            entries,
            flow: false,
        } if !entries.is_empty() => {
            let key_col = l.key_col(entries[0].key.span.start)?;
            let chosen = anchor(entries, position)?;
            let mut after = l.end_of_entry(entry_end(chosen), l.col(chosen.key.span.start));
            // In a templated file, never land inside a template block: if template control
            // flow sits among the metadata keys, insert right after `metadata:` instead.
            let region = md.key.span.end..entry_end(entries.last()?);
            if l.whole_line_action_in(region) {
                if l.whole_line_action_in(md.key.span.end..entries[0].key.span.start) {
                    return None;
                }
                after = md.key.span.end;
            }
            let lines = [
                format!("{}finalizers:", pad(key_col)),
                format!(
                    "{}- {value}",
                    pad(key_col + l.offset_for(Some(&md.value), key_col))
                ),
            ];
            let edit = l.insert_lines(after, &lines);
            (!l.inside_action(edit.span.start)).then(|| vec![edit])
        }
        NodeKind::Mapping {
            entries,
            flow: true,
        } => flow_add(l, &md.value, entries, position, value),
        _ if md.value.is_null() && md.value.span.is_empty() && l.nothing_after_key(&md.key) => {
            let key_col = l.key_col(md.key.span.start)? + 2;
            let lines = [
                format!("{}finalizers:", pad(key_col)),
                format!("{}- {value}", pad(key_col + l.offset_for(None, key_col))),
            ];
            Some(vec![l.insert_lines(md.key.span.end, &lines)])
        }
        _ => None,
    }
}

/// Add `finalizers` to a flow mapping (`{name: x}`, or JSON).
fn flow_add(
    l: &Layout,
    map: &Node,
    entries: &[Entry],
    position: FinalizerPosition,
    value: &str,
) -> Option<Vec<Edit>> {
    let json = l.json
        || entries.first().is_some_and(|e| {
            matches!(
                e.key.kind,
                NodeKind::Scalar {
                    style: Style::DoubleQuoted,
                    ..
                }
            )
        });
    let (key, item) = if json {
        ("\"finalizers\"".to_string(), format!("\"{value}\""))
    } else {
        ("finalizers".to_string(), value.to_string())
    };
    let Some(first) = entries.first() else {
        let at = map.span.start + 1;
        return Some(vec![Edit {
            span: at..at,
            content: format!("{key}: [{item}]"),
        }]);
    };
    let chosen = anchor(entries, position)?;
    let mut at = entry_end(chosen);
    if chosen.value.span.is_empty() {
        // Only a plain `key:` / `key` with nothing else up to the next `,` or `}`: tags and
        // anchors of empty flow values are not worth guessing around.
        let rest = &l.text[chosen.key.span.end..];
        let stop = rest.find([',', '}'])?;
        if !rest[..stop]
            .trim()
            .trim_start_matches(':')
            .trim()
            .is_empty()
        {
            return None;
        }
    }
    if chosen.value.span.is_empty() {
        // `{key: }` / `{key:}`: insert after the `:` of an empty value, not before it.
        let rest = &l.text[chosen.key.span.end..];
        let blank = rest.len() - rest.trim_start().len();
        // (An empty value with a tag or anchor already ends after them.)
        if rest[blank..].starts_with(':') {
            at = at.max(chosen.key.span.end + blank + 1);
        }
    }
    if l.inside_action(at) {
        return None;
    }
    let content = if l.same_line(map.span.start, first.key.span.start) {
        // Follow the file's spacing: `"a": 1, "b": 2` or compact `"a":1,"b":2`.
        let kv = &l.text[first.key.span.end..first.value.span.start];
        let kv = if kv.trim() == ":" {
            kv.trim_start()
        } else {
            ": "
        };
        let space = match entries.get(1) {
            Some(second) => {
                let between = &l.text[entry_end(first)..second.key.span.start];
                if between.trim() == "," && !between.ends_with(' ') {
                    ""
                } else {
                    " "
                }
            }
            None if kv == ":" => "",
            None => " ",
        };
        format!(",{space}{key}{kv}[{item}]")
    } else {
        let indent = l.indent_of(first.key.span.start);
        let outer = l.indent_of(map.span.start);
        let step = indent
            .strip_prefix(outer)
            .filter(|s| !s.is_empty())
            .unwrap_or("  ");
        if json {
            let eol = l.eol;
            format!(",{eol}{indent}{key}: [{eol}{indent}{step}{item}{eol}{indent}]")
        } else {
            format!(",{}{indent}{key}: [{item}]", l.eol)
        }
    };
    Some(vec![Edit {
        span: at..at,
        content,
    }])
}

/// Add the item under `finalizers:` that has no value (or `~` / `null`).
pub fn add_under_empty(l: &Layout, fin: &Entry, parent: &Node, value: &str) -> Option<Vec<Edit>> {
    if matches!(parent.kind, NodeKind::Mapping { flow: true, .. }) {
        let json = l.json
            || matches!(
                fin.key.kind,
                NodeKind::Scalar {
                    style: Style::DoubleQuoted,
                    ..
                }
            );
        let value = if json {
            format!("\"{value}\"")
        } else {
            value.to_string()
        };
        let edit = if fin.value.span.is_empty() {
            // `{finalizers: }` gets the list after its `:`; `{finalizers}` (no `:`) gets
            // `: [...]` after the key.
            let rest = &l.text[fin.key.span.end..];
            let blank = rest.len() - rest.trim_start().len();
            let (at, content) = if rest[blank..].starts_with(':') {
                (fin.key.span.end + blank + 1, format!(" [{value}]"))
            } else {
                (fin.key.span.end, format!(": [{value}]"))
            };
            Edit {
                span: at..at,
                content,
            }
        } else {
            Edit {
                span: fin.value.span.clone(),
                content: format!("[{value}]"),
            }
        };
        return Some(vec![edit]);
    }
    let mut edits = Vec::new();
    if fin.value.span.is_empty() && !l.nothing_after_key(&fin.key) {
        return None; // a tag or anchor on a line of its own: not a plain `finalizers:`
    }
    if !fin.value.span.is_empty() {
        // `finalizers: ~` → `finalizers:` and the item below it.
        let colon = l.text[fin.key.span.end..fin.value.span.start].find(':')? + fin.key.span.end;
        edits.push(Edit {
            span: colon + 1..fin.value.span.end,
            content: String::new(),
        });
    }
    let key_col = l.key_col(fin.key.span.start)?;
    edits.push(l.insert_lines(
        fin.value.span.end.max(fin.key.span.end),
        &[format!(
            "{}- {value}",
            pad(key_col + l.offset_for(Some(parent), key_col))
        )],
    ));
    Some(edits)
}

/// Append the item to an existing finalizer list.
pub fn append_item(l: &Layout, fin: &Entry, value: &str) -> Option<Vec<Edit>> {
    let NodeKind::Sequence { items, flow } = &fin.value.kind else {
        return None;
    };
    let last = items.last()?;
    let item = quoted_like(value, Some(last));
    if *flow {
        // One item per line (JSON style) when the last item starts its own line, indented
        // deeper than the key; otherwise on the last item's line.
        let indent = l.indent_of(last.span.start);
        let own_line = l.line_start(last.span.start) + indent.len() == last.span.start
            || l.text[l.line_start(last.span.start)..last.span.start]
                .trim_start()
                .starts_with(',');
        // Insert after the last thing before the closing bracket (the last item, or a
        // trailing comma): robust to items written with a tag or an anchor.
        let close = fin.value.span.end.checked_sub(1)?;
        if l.text.as_bytes().get(close) != Some(&b']') {
            return None;
        }
        let body = l.text[..close].trim_end();
        let at = body.len();
        if l.text[at..close].contains('#') || l.line_start(at) != l.line_start(last.span.start) {
            return None; // a comment or odd layout between the last item and `]`
        }
        let comma = if body.ends_with(',') { "" } else { "," };
        let content = if !l.same_line(fin.value.span.start, last.span.start)
            && own_line
            && l.key_col(fin.key.span.start)
                .is_some_and(|col| indent.chars().count() > col)
        {
            format!("{comma}{}{indent}{item}", l.eol)
        } else {
            format!("{comma} {item}")
        };
        return Some(vec![Edit {
            span: at..at,
            content,
        }]);
    }
    // The `-` of the last item, and the gap between it and the item.
    let before = &l.text[..last.span.start];
    let dash = before.trim_end_matches([' ', '\t']).len().checked_sub(1)?;
    if l.text.as_bytes()[dash] != b'-' {
        return None;
    }
    if l.text[l.line_start(dash)..dash].contains('\t') {
        return None; // a tab in the indentation: the column is ambiguous
    }
    // An empty last item (`-` alone) has no gap: the new item still needs a space.
    let gap = match &l.text[dash + 1..last.span.start] {
        "" => " ",
        gap => gap,
    };
    let line = format!("{}-{gap}{item}", pad(l.col(dash)));
    let edit = l.insert_lines(last.span.end, &[line]);
    (!l.inside_action(edit.span.start)).then(|| vec![edit])
}

/// Add `metadata:` with the finalizer to an object that has none, after its `kind`.
pub fn add_metadata(l: &Layout, object: &Node, value: &str) -> Option<Vec<Edit>> {
    let NodeKind::Mapping {
        entries,
        flow: false,
    } = &object.kind
    else {
        return None;
    };
    let kind = entries.iter().find(|e| e.key.as_str() == Some("kind"))?;
    let col = l.key_col(kind.key.span.start)?;
    let lines = [
        format!("{}metadata:", pad(col)),
        format!("{}finalizers:", pad(col + 2)),
        format!("{}- {value}", pad(col + 2 + l.offset_for(None, col + 2))),
    ];
    Some(vec![l.insert_lines(entry_end(kind), &lines)])
}

/// Replace a scalar's value, keeping its quotes.
pub fn replace_scalar(item: &Node, value: &str) -> Option<Vec<Edit>> {
    let NodeKind::Scalar { style, .. } = &item.kind else {
        return None;
    };
    let span = match style {
        Style::Plain => item.span.clone(),
        Style::SingleQuoted | Style::DoubleQuoted if item.span.len() >= 2 => {
            item.span.start + 1..item.span.end - 1
        }
        _ => return None,
    };
    Some(vec![Edit {
        span,
        content: value.to_string(),
    }])
}

/// Remove an item of a finalizer list, keeping the list valid: a block item that stands on
/// its own line goes with its line (and its trailing comment); a flow item goes with the
/// comma that separates it from its neighbour. The only item leaves `[]` (an empty list:
/// the same data as a list without it). None when the layout is not plain enough to be
/// sure (tags, anchors, comments between flow items, a comment after `key:`).
pub fn remove_item(l: &Layout, list: &Node, item: &Node) -> Option<Vec<Edit>> {
    let NodeKind::Sequence { items, flow } = &list.kind else {
        return None;
    };
    // An item without text of its own (an empty or anchored-only null) or with an anchor
    // (an alias elsewhere may read it): no removal is certain to take exactly the item.
    if item.span.is_empty() || item.anchor != 0 {
        return None;
    }
    // Items are in text order: a binary search, not a scan per removed item.
    let index = items
        .binary_search_by_key(&item.span.start, |i| i.span.start)
        .ok()
        .filter(|&i| std::ptr::eq(&items[i], item))?;
    if *flow {
        return remove_flow_item(l, list, items, index);
    }
    let start = l.line_start(item.span.start);
    if l.text[start..item.span.start].trim() != "-" {
        return None;
    }
    let (end, eof) = l.after_line(item.span.end);
    if items.len() == 1 {
        return empty_block_list(l, start, end);
    }
    let start = if eof && start > 0 {
        // The line break before the last line goes instead (CRLF as a whole).
        let head = &l.text[..start];
        start - if head.ends_with("\r\n") { 2 } else { 1 }
    } else {
        start
    };
    Some(vec![Edit {
        span: start..end,
        content: String::new(),
    }])
}

/// `key:` + the only item's line (`line..end`) → `key: []`, when the line before is the
/// plain `key:` line.
fn empty_block_list(l: &Layout, line: usize, end: usize) -> Option<Vec<Edit>> {
    let head = l.text[..line].strip_suffix('\n')?;
    let head = head.strip_suffix('\r').unwrap_or(head);
    let key_line = &head[l.line_start(head.len())..];
    if !key_line.ends_with(':') || key_line.trim_start().starts_with('#') {
        return None;
    }
    // Keep the item line's own line break.
    let tail = &l.text[line..end];
    let eol = if tail.ends_with("\r\n") {
        2
    } else {
        usize::from(tail.ends_with('\n'))
    };
    Some(vec![Edit {
        span: head.len()..end - eol,
        content: " []".into(),
    }])
}

/// Remove item `index` of a flow list `[a, b]`.
fn remove_flow_item(l: &Layout, list: &Node, items: &[Node], index: usize) -> Option<Vec<Edit>> {
    let plain = |s: &str, separator: bool| {
        let s = s.trim();
        !s.contains('#') && (if separator { s == "," } else { s.is_empty() })
    };
    let item = &items[index];
    let open = list.span.start + 1;
    if index == 0 && !plain(&l.text[open.min(item.span.start)..item.span.start], false) {
        return None; // a tag or anchor before the first item
    }
    let span = if items.len() == 1 {
        let close = list.span.end.checked_sub(1)?;
        if l.text.as_bytes()[list.span.start] != b'['
            || l.text.as_bytes().get(close) != Some(&b']')
            || !l.text[item.span.end..close]
                .trim()
                .trim_end_matches(',')
                .trim()
                .is_empty()
            || l.text[item.span.end..close].contains('#')
        {
            return None;
        }
        return Some(vec![Edit {
            span: list.span.clone(),
            content: "[]".into(),
        }]);
    } else if index == 0 {
        let next = &items[1];
        if !plain(&l.text[item.span.end..next.span.start], true) {
            return None;
        }
        item.span.start..next.span.start
    } else {
        let prev = &items[index - 1];
        if !plain(&l.text[prev.span.end..item.span.start], true) {
            return None;
        }
        prev.span.end..item.span.end
    };
    Some(vec![Edit {
        span,
        content: String::new(),
    }])
}

/// Apply `edits` (non-overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 128);
    let mut pos = 0;
    for e in sorted {
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.content);
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
#[path = "remove_tests.rs"]
mod remove_tests;
