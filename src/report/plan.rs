//! `plan`'s output: `text` (a line per change, most severe first), `json` (versioned:
//! docs/plan.md), `markdown` ([`super::plan_markdown`]) and `github`
//! ([`super::plan_github`]).

use super::plan_parts::{place, sides, summary};
use crate::plan::{AppRef, Change, Level, Plan};
use crate::report::escape;
use std::io::{self, Write};

/// The version of the JSON document; raised on any incompatible change.
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// A line per change, most severe first.
    Text,
    /// One versioned JSON document.
    Json,
    /// GitHub-flavoured Markdown (a pull-request comment, `$GITHUB_STEP_SUMMARY`): a table
    /// of the changes and a Mermaid flowchart of what is deleted.
    Markdown,
    /// GitHub Actions workflow commands: one annotation per change.
    Github,
}

pub fn render(plan: &Plan, format: PlanFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        PlanFormat::Text => text(plan, out),
        PlanFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &json(plan))?;
            writeln!(out)
        }
        PlanFormat::Markdown => super::plan_markdown::render(plan, out),
        PlanFormat::Github => super::plan_github::render(plan, out),
    }
}

/// A line of text output: controls escaped, and inert for the GitHub runner.
fn line(s: &str) -> String {
    let escaped = escape::text(s);
    escape::neutralize_lines(&escaped, escape::github_actions()).into_owned()
}

/// `file:line` (`file` when the line is not known).
fn text(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", line(&format!("plan: {}", sides(plan))))?;
    for change in &plan.changes {
        let text = format!(
            "{:<6}  {}: {}",
            change.level.name(),
            place(&change.app),
            change.message
        );
        writeln!(out, "{}", line(&text))?;
        if let Some(previous) = &change.previous {
            writeln!(
                out,
                "{}",
                line(&format!(
                    "        was `{}` at {}",
                    previous.name,
                    place(previous)
                ))
            )?;
        }
        for (app, cascades) in &change.deleted_below {
            let what = match cascades {
                true => "its resources are deleted",
                false => "its resources are left running",
            };
            let text = format!(
                "        also deletes {} `{}` ({}): {what}",
                app.kind_name(),
                app.name,
                place(app)
            );
            writeln!(out, "{}", line(&text))?;
        }
    }
    writeln!(out, "{}", summary(plan))
}

fn app_json(app: &AppRef) -> serde_json::Value {
    serde_json::json!({
        "kind": app.kind_name(),
        "namespace": app.namespace,
        "name": app.name,
        "file": app.file,
        "line": (app.line > 0).then_some(app.line),
    })
}

fn change_json(change: &Change) -> serde_json::Value {
    serde_json::json!({
        "level": change.level.name(),
        "kind": change.kind.name(),
        "object": app_json(&change.app),
        "previous": change.previous.as_ref().map(app_json),
        "message": change.message,
        "side": if change.base_side { "base" } else { "head" },
        "deleted_below": change.deleted_below.iter().map(|(app, cascades)| {
            let mut v = app_json(app);
            v["resources_deleted"] = serde_json::Value::Bool(*cascades);
            v
        }).collect::<Vec<_>>(),
    })
}

pub fn json(plan: &Plan) -> serde_json::Value {
    let count = |l| plan.count(l);
    serde_json::json!({
        "version": JSON_VERSION,
        "base": { "commit": plan.base.0, "rev": plan.base.1 },
        "root": plan.prefix,
        "head": plan.head.as_ref().map(|(commit, rev)| serde_json::json!({ "commit": commit, "rev": rev })),
        "summary": {
            "changes": plan.changes.len(),
            "delete": count(Level::Delete),
            "orphan": count(Level::Orphan),
            "change": count(Level::Change),
            "info": count(Level::Info),
        },
        "changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
        "errors": plan.errors,
    })
}
