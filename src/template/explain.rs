//! Whether a template action can explain a YAML error of the masked text.

use super::Masked;

/// Leading blanks of `line` and whether anything follows them.
fn indent_of(line: &str) -> Option<usize> {
    let trimmed = line.trim_start_matches([' ', '\t']);
    let t = trimmed.trim_end_matches('\r');
    (!t.is_empty()).then(|| line.len() - trimmed.len())
}

impl Masked {
    /// Whether a template action in YAML structure (not one inside a quoted string) can explain
    /// a parse error at `offset`: it is on the error's line, or between that line and the
    /// line it belongs under (the nearest line above indented less, which it is included),
    /// where a masked action may have changed the structure the error line continues.
    /// The walk stops at a document marker; an error at the left margin looks at the whole
    /// document above it.
    pub fn explains_error(&self, offset: usize) -> bool {
        let text = self.text.as_str();
        let offset = offset.min(text.len());
        let bytes = text.as_bytes();
        let line_start = |pos: usize| memchr::memrchr(b'\n', &bytes[..pos]).map_or(0, |i| i + 1);
        let mut start = line_start(offset);
        let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(text.len(), |i| offset + i);
        if self.structural_in(start, end) {
            return true;
        }
        // The error's line; on an empty line (the end of the text), the last line above.
        let mut indent = indent_of(&text[start..end]);
        loop {
            if start == 0 {
                return false;
            }
            let prev_end = start - 1;
            start = line_start(prev_end);
            let line = &text[start..prev_end];
            if self.structural_in(start, prev_end) {
                return true;
            }
            if line.starts_with("---") || line.starts_with("...") {
                return false;
            }
            let Some(this) = indent_of(line) else {
                continue;
            };
            if line[this..].starts_with('#') {
                continue;
            }
            match indent {
                None => indent = Some(this),
                Some(i) if this < i => return false,
                Some(_) => {}
            }
        }
    }

    /// Whether an action in YAML structure or in a block scalar (where a line of
    /// actions may change the indentation the scalar is read with) overlaps `start..end` (or touches it: an action
    /// that ends the line before counts for it).
    fn structural_in(&self, start: usize, end: usize) -> bool {
        self.actions_in(&(start..end.max(start + 1)))
            .any(|a| !a.in_scalar || a.in_block_scalar)
    }
}
