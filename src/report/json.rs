//! One JSON document: `{"version": 1, "diagnostics": [...], "summary": {...}}`.

use super::{escape, positions, Summary};
use crate::diagnostic::{Applicability, FileReport, ObjectRef};
use crate::source::LineCol;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Diagnostics<'a>,
    summary: JsonSummary,
}

/// The diagnostics of all reports, each made as it is written: the output of a tree with
/// 20k findings never holds 20k JSON objects at once.
struct Diagnostics<'a>(&'a [FileReport]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(diagnostics(self.0))
    }
}

#[derive(Serialize)]
pub(crate) struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    /// The path's bytes (numbers 0–255), only when `path` does not spell the file's name
    /// exactly (not UTF-8, or a `\\` that `path` shows as `/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<&'a [u8]>,
    document: Option<usize>,
    object: Option<&'a ObjectRef>,
    route: &'a str,
    span: JsonSpan,
    start: LineCol,
    end: LineCol,
    help: Option<&'a str>,
    url: Option<String>,
    fix: Option<JsonFix<'a>>,
    /// Other places the finding is about (a parent Application), possibly in other files;
    /// absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSpan {
    offset: usize,
    length: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    offset: usize,
    length: usize,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files_scanned: usize,
    files_skipped: usize,
    diagnostics: usize,
    /// Findings with a fix; `fixable_safe` of them are applied by `--fix`, `fixable_unsafe`
    /// only with `--unsafe-fixes`.
    fixable: usize,
    fixable_safe: usize,
    fixable_unsafe: usize,
}

/// The JSON objects of all diagnostics, in order, made one at a time.
pub(crate) fn diagnostics(reports: &[FileReport]) -> impl Iterator<Item = JsonDiagnostic<'_>> {
    reports.iter().flat_map(|report| {
        let positions = positions(report);
        report
            .diagnostics
            .iter()
            .zip(positions)
            .map(move |(d, (start, end))| JsonDiagnostic {
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                path: &report.path,
                path_bytes: report.path_bytes.as_deref(),
                document: d.document,
                object: d.object.as_ref(),
                route: &d.route,
                span: JsonSpan {
                    offset: d.span.start,
                    length: d.span.len(),
                },
                start,
                end,
                help: d.help.as_deref(),
                url: crate::rules::meta(d.rule).map(|m| m.url()),
                fix: d.fix.as_ref().map(|f| JsonFix {
                    applicability: f.applicability,
                    title: &f.title,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            offset: e.span.start,
                            length: e.span.len(),
                            content: &e.content,
                        })
                        .collect(),
                }),
                related: d
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        path: &r.path,
                        line: r.line,
                        column: r.column,
                        message: &r.message,
                    })
                    .collect(),
            })
    })
}

pub fn render(reports: &[FileReport], summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let output = Output {
        version: 1,
        diagnostics: Diagnostics(reports),
        summary: JsonSummary {
            files_scanned: summary.files_scanned,
            files_skipped: summary.files_skipped,
            diagnostics: summary.diagnostics(),
            fixable: summary.fixable,
            fixable_safe: summary.fixable_safe,
            fixable_unsafe: summary.fixable_unsafe,
        },
    };
    escape::write_json(out, &output, true)?;
    writeln!(out)
}
