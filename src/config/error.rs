//! A configuration file that could not be used: every problem at its key, with a snippet.

use super::parse::Problem;
use super::snippet;
use crate::source::Span;
use std::path::{Path, PathBuf};

/// A configuration file that could not be used, with the position of the problem.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
    /// The offending bytes, when the problem is in the file's content.
    pub span: Option<Span>,
    /// The file's text, for rendering the snippet (shared by the problems of a file).
    pub text: std::sync::Arc<str>,
    /// What the snippet shows: the lines around the error, cut to a bounded width.
    snippet: Option<snippet::Snippet>,
    /// The other problems of the same file, in its order (at most
    /// [`MAX_CONFIG_PROBLEMS`] in all), and how many more were left out.
    pub more: Vec<ConfigError>,
    pub left_out: usize,
}

/// The most problems of one configuration file reported.
pub const MAX_CONFIG_PROBLEMS: usize = 50;

impl ConfigError {
    fn new(path: &Path, message: String, span: Option<Span>, text: std::sync::Arc<str>) -> Self {
        ConfigError {
            snippet: span
                .as_ref()
                .map(|span| snippet::Snippet::new(path.display().to_string(), &text, span)),
            path: path.to_path_buf(),
            message: snippet::bounded_message(message),
            span,
            text,
            more: Vec::new(),
            left_out: 0,
        }
    }

    /// The problems of a file's text, the first holding the others.
    pub(super) fn all(path: &Path, problems: Vec<Problem>, text: &str) -> Box<Self> {
        let text: std::sync::Arc<str> = text.into();
        let total = problems.len();
        let mut errors = problems
            .into_iter()
            .take(MAX_CONFIG_PROBLEMS)
            .map(|(span, message)| ConfigError::new(path, message, span, text.clone()));
        let Some(mut first) = errors.next() else {
            return ConfigError::file(path, "invalid configuration".into());
        };
        first.more = errors.collect();
        first.left_out = total.saturating_sub(MAX_CONFIG_PROBLEMS);
        Box::new(first)
    }

    /// A problem with the file itself (not its content).
    pub(super) fn file(path: &Path, message: String) -> Box<Self> {
        Box::new(ConfigError::new(path, message, None, "".into()))
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.span {
            Some(span) => {
                let idx = crate::source::LineIndex::new(&self.text);
                let at = idx.line_col(&self.text, span.start);
                write!(
                    f,
                    "{}:{}:{}: {}",
                    self.path.display(),
                    at.line,
                    at.column,
                    self.message
                )
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("config"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.snippet.as_ref()?.span().clone();
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(
                Some("here".into()),
                (span.start, span.len()),
            ),
        )))
    }
}
