//! `plan --format github`: one GitHub Actions workflow command per change (an annotation
//! on the pull request), and nothing else: `::error` for a deletion (`delete`, `orphan`),
//! `::warning` for a `change`, `::notice` for `info`.
//!
//! A removed file's annotation points at its base-side path; GitHub shows annotations only
//! on files in the diff, so the title says `(removed file)`. Properties and message are
//! escaped as the workflow-command rules require ([`escape_property`], [`escape_data`]), so
//! a name with `%0A`, `\n` or `::` in it stays inside its own line.

use super::github::{escape_data, escape_property};
use super::plan_parts::place;
use crate::plan::{Change, Level, Plan};
use std::io::{self, Write};

/// The most "also deletes" lines in one annotation; the rest are counted.
pub const MAX_BELOW: usize = 50;

pub fn render(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    for change in &plan.changes {
        writeln!(out, "{}", command(change, &plan.prefix))?;
    }
    Ok(())
}

/// The workflow command of one change.
pub fn command(change: &Change, prefix: &str) -> String {
    let name = match change.level {
        Level::Delete | Level::Orphan => "error",
        Level::Change => "warning",
        Level::Info => "notice",
    };
    // Annotations name files from the top of the checkout.
    let file = match prefix {
        "" => change.app.file.clone(),
        prefix => format!("{prefix}/{}", change.app.file),
    };
    let mut props = format!("file={}", escape_property(&file));
    if change.app.line > 0 {
        props.push_str(&format!(",line={}", change.app.line));
    }
    let mut title = format!("gitops-lint plan: {}", change.kind.name());
    if change.base_side {
        title.push_str(" (removed file)");
    }
    format!(
        "::{name} {props},title={}::{}",
        escape_property(&title),
        escape_data(&message(change))
    )
}

/// The message, then the object before a rename and each Application deleted with it on
/// lines of their own (encoded as `%0A`: still one line of output).
fn message(change: &Change) -> String {
    let mut s = change.message.clone();
    if let Some(old) = &change.previous {
        s.push_str(&format!("\nwas `{}` at {}", old.name, place(old)));
    }
    for (app, cascades) in change.deleted_below.iter().take(MAX_BELOW) {
        let what = match cascades {
            true => "its resources are deleted",
            false => "its resources are left running",
        };
        s.push_str(&format!(
            "\nalso deletes {} `{}` ({}): {what}",
            app.kind_name(),
            app.name,
            place(app)
        ));
    }
    let more = change.deleted_below.len().saturating_sub(MAX_BELOW);
    if more > 0 {
        s.push_str(&format!("\nand {more} more Applications below it"));
    }
    s
}
