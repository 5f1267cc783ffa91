//! The pieces every `plan` format shows: where an object is, the two sides, the counts.

use crate::plan::{AppRef, Level, Plan};

/// `file:line` (the file alone when the line is not known).
pub fn place(app: &AppRef) -> String {
    match app.line {
        0 => app.file.clone(),
        n => format!("{}:{n}", app.file),
    }
}

/// `base abc1234 (main) → working tree`.
pub fn sides(plan: &Plan) -> String {
    let short = |c: &str| c.chars().take(12).collect::<String>();
    let head = match &plan.head {
        Some((commit, name)) => format!("{} ({name})", short(commit)),
        None => "the working tree".to_string(),
    };
    format!("{} ({}) → {head}", short(&plan.base.0), plan.base.1)
}

/// `3 changes: 1 delete, 1 orphan, 1 change, 0 info`.
pub fn summary(plan: &Plan) -> String {
    let n = plan.changes.len();
    if n == 0 {
        return "no change to what deletion does".to_string();
    }
    let counts: Vec<String> = [Level::Delete, Level::Orphan, Level::Change, Level::Info]
        .iter()
        .map(|&l| format!("{} {}", plan.count(l), l.name()))
        .collect();
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} change{plural}: {}", counts.join(", "))
}
