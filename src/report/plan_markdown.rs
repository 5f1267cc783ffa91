//! `plan --format markdown`: a pull-request comment or `$GITHUB_STEP_SUMMARY` in
//! GitHub-flavoured Markdown: a heading, the sides and the summary, a table of the changes
//! (most severe first) and, when Applications are deleted with a parent or several
//! objects are deleted, a Mermaid flowchart of what goes.
//!
//! Names and paths come from the pull request, so every piece of them is written inert:
//! in the table each ASCII character Markdown, GitHub or HTML could read (`|`, backticks,
//! `<`, `>`, `&`, `[`, `]`, `*`, `_`, `\`, `@`, `#`, `:`, `$`, `~`, …) becomes a numeric
//! HTML entity and controls are shown escaped ([`escape::text`]) first, so a cell is one
//! line of plain text; in the flowchart, labels are quoted and escaped by the graph
//! renderer's [`mermaid::label`], and node ids are generated (`n0`, `n1`, …).

use super::escape;
use super::graph::mermaid;
use super::plan_parts::{place, sides, summary};
use crate::plan::{Change, Level, Plan};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The most nodes in the flowchart; the rest are counted.
pub const MAX_NODES: usize = 200;

/// The most "also deletes" entries in a table cell; the rest are counted.
pub const MAX_BELOW_IN_CELL: usize = 50;

/// The most characters of the table's rows, and of the whole output: a pull-request
/// comment holds at most 65,536. Rows past the budget (the least severe: the table is
/// most severe first) are counted; the flowchart is left out when it would not fit.
pub const MAX_TABLE_CHARS: usize = 45_000;
pub const MAX_CHARS: usize = 64_000;

const CLASSES: &str = "  classDef delete fill:#fee2e2,stroke:#b91c1c,color:#7f1d1d
  classDef orphan fill:#fef9c3,stroke:#a16207,color:#713f12
";

pub fn render(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::from("### gitops-lint plan\n\n");
    let _ = writeln!(s, "{}: {}\n", cell(&sides(plan)), cell(&summary(plan)));
    if plan.changes.is_empty() {
        s.push_str("No change to what deletion does.\n");
    } else {
        table(plan, &mut s);
        if wants_diagram(plan) {
            let mut d = String::from("\n");
            diagram(plan, &mut d);
            if s.len() + d.len() <= MAX_CHARS {
                s.push_str(&d);
            } else {
                s.push_str("\nThe flowchart of what goes is left out: the summary would be too long for a comment.\n");
            }
        }
    }
    for error in &plan.errors {
        let _ = writeln!(s, "\n> error: {}", cell(error));
    }
    // Nothing above can start a workflow command; under GitHub Actions make sure of it.
    let s = escape::neutralize_lines(&s, escape::github_actions());
    out.write_all(s.as_bytes())
}

/// `s` as the text of a table cell: one line, every character Markdown or HTML reads as
/// a numeric entity.
pub fn cell(s: &str) -> String {
    let visible = escape::text(s);
    let mut out = String::with_capacity(visible.len() + 8);
    for c in visible.chars() {
        if c.is_ascii_punctuation()
            && !matches!(
                c,
                '.' | ',' | '-' | '(' | ')' | '/' | '\'' | '=' | ';' | '+' | '?' | '%'
            )
        {
            let _ = write!(out, "&#{};", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` as inline code: `<code>` around the escaped text (never a backtick span, which a
/// backtick in a name could close).
fn code(s: &str) -> String {
    format!("<code>{}</code>", cell(s))
}

/// A message with its backtick-quoted names as inline code. When the backticks do not
/// pair (a name with a backtick in it), the whole message is plain escaped text.
fn message(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() % 2 == 0 {
        return cell(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { code(p) } else { cell(p) })
        .collect()
}

fn level_cell(level: Level) -> String {
    match level {
        Level::Delete | Level::Orphan => format!("**{}**", level.name()),
        Level::Change | Level::Info => level.name().to_string(),
    }
}

fn table(plan: &Plan, s: &mut String) {
    s.push_str("| | Level | Object | File | Consequence |\n");
    s.push_str("|---|---|---|---|---|\n");
    let mut used = 0;
    for (i, change) in plan.changes.iter().enumerate() {
        let row = format!(
            "| {} | {} | {} | {} | {} |\n",
            i + 1,
            level_cell(change.level),
            object_cell(change),
            file_cell(change),
            consequence_cell(change)
        );
        used += row.len();
        if used > MAX_TABLE_CHARS {
            let more = plan.changes.len() - i;
            let _ = writeln!(
                s,
                "\nAnd {more} more changes, the least severe (`gitops-lint plan` lists them all)."
            );
            return;
        }
        s.push_str(&row);
    }
}

fn object_cell(change: &Change) -> String {
    let app = &change.app;
    match &change.previous {
        Some(old) => format!(
            "{} {} → {}",
            app.kind_name(),
            code(&old.name),
            code(&app.name)
        ),
        None => format!("{} {}", app.kind_name(), code(&app.name)),
    }
}

fn file_cell(change: &Change) -> String {
    let now = code(&place(&change.app));
    match &change.previous {
        Some(old) if old.file != change.app.file => format!("{} → {now}", code(&place(old))),
        _ if change.base_side => format!("{now} (removed)"),
        _ => now,
    }
}

fn consequence_cell(change: &Change) -> String {
    let mut s = message(&change.message);
    for (app, cascades) in change.deleted_below.iter().take(MAX_BELOW_IN_CELL) {
        let what = match cascades {
            true => "its resources are deleted",
            false => "its resources are left running",
        };
        let _ = write!(
            s,
            "<br>also deletes {} {} ({}): {what}",
            app.kind_name(),
            code(&app.name),
            code(&place(app))
        );
    }
    let more = change.deleted_below.len().saturating_sub(MAX_BELOW_IN_CELL);
    if more > 0 {
        let _ = write!(s, "<br>and {more} more Applications below it");
    }
    s
}

/// Whether to draw the flowchart: Applications deleted with a parent, or several deleted
/// objects.
fn wants_diagram(plan: &Plan) -> bool {
    let deleting = plan.changes.iter().filter(|c| deletes(c)).count();
    deleting > 1 || plan.changes.iter().any(|c| !c.deleted_below.is_empty())
}

/// A change that deletes its object (its resources with it or not).
fn deletes(change: &Change) -> bool {
    matches!(change.level, Level::Delete | Level::Orphan)
}

fn class_of(resources_deleted: bool) -> &'static str {
    if resources_deleted {
        "delete"
    } else {
        "orphan"
    }
}

/// Each deleted object and, from it, every Application deleted with it; at most
/// [`MAX_NODES`] nodes, the rest counted.
fn diagram(plan: &Plan, s: &mut String) {
    let mut body = String::new();
    let mut classes: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let mut add = |body: &mut String, id: usize, label: String, deleted: bool| {
        let _ = writeln!(body, "  n{id}[\"{label}\"]");
        classes[usize::from(!deleted)].push(format!("n{id}"));
    };
    let (mut next, mut left_out) = (0usize, 0usize);
    for change in plan.changes.iter().filter(|c| deletes(c)) {
        let needed = 1 + change.deleted_below.len();
        if next >= MAX_NODES {
            left_out += needed;
            continue;
        }
        let root = next;
        add(
            &mut body,
            root,
            root_label(change),
            change.level == Level::Delete,
        );
        next += 1;
        for (app, cascades) in &change.deleted_below {
            if next >= MAX_NODES {
                left_out += 1;
                continue;
            }
            add(&mut body, next, mermaid::label(&app.name), *cascades);
            let _ = writeln!(body, "  n{root} --> n{next}");
            next += 1;
        }
    }
    s.push_str("```mermaid\nflowchart LR\n");
    s.push_str(CLASSES);
    s.push_str(&body);
    for (ids, deleted) in classes.iter().zip([true, false]) {
        if !ids.is_empty() {
            let _ = writeln!(s, "  class {} {}", ids.join(","), class_of(deleted));
        }
    }
    s.push_str("```\n");
    if left_out > 0 {
        let plural = if left_out == 1 { "" } else { "s" };
        let _ = writeln!(
            s,
            "\n{left_out} more deleted object{plural} not drawn (at most {MAX_NODES})."
        );
    }
}

/// The deleted object: its name (a rename: `old → new`) and its file.
fn root_label(change: &Change) -> String {
    let name = match &change.previous {
        Some(old) => format!(
            "{} → {}",
            mermaid::label(&old.name),
            mermaid::label(&change.app.name)
        ),
        None => mermaid::label(&change.app.name),
    };
    format!("{name}<br/>{}", mermaid::label(&place(&change.app)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_leave_nothing_markdown_reads() {
        assert_eq!(
            cell("x|y<s>&`[a](b)*_\\@#:$~"),
            "x&#124;y&#60;s&#62;&#38;&#96;&#91;a&#93;(b)&#42;&#95;&#92;&#64;&#35;&#58;&#36;&#126;"
        );
        assert_eq!(cell("a\nb\u{1b}"), "a&#92;nb&#92;x1b");
        assert_eq!(cell("apps/a-b.yaml"), "apps/a-b.yaml");
    }

    #[test]
    fn messages_quote_names_as_code_only_when_backticks_pair() {
        assert_eq!(message("deletes `a`"), "deletes <code>a</code>");
        assert_eq!(message("deletes `a`b`"), "deletes &#96;a&#96;b&#96;");
    }
}
