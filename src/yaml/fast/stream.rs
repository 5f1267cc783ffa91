//! The fast path document by document: each is given as soon as the next one's `---` is
//! read, and where one is outside the subset the general path goes on from its start.

use super::{plain_ascii, Fast, Next};
use crate::yaml::Document;

/// The documents of `text` (indices from `first_index`), or `None` when `text` is not all
/// in the subset this path reads.
pub fn parse(text: &str, first_index: usize) -> Option<Vec<Document>> {
    let mut documents = Vec::new();
    parse_each(text, first_index, &mut |d| documents.push(d)).ok()?;
    Some(documents)
}

/// Where the general path takes over from the fast one: the start of the first document
/// not given (`0`, or the start of its `---` line) and that document's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resume {
    pub at: usize,
    pub index: usize,
}

/// Give the documents of `text` (indices from `first_index`) to `on_document` one at a
/// time, as far as they are in the subset this path reads: `Ok` when it gave them all,
/// else where the general path goes on. A document is given once the `---` line of the
/// next one is read (or the text ends): the general path then starts at the top of the
/// text or at a document marker, where reading the rest alone reads it as reading the
/// whole text would.
pub fn parse_each(
    text: &str,
    first_index: usize,
    on_document: &mut dyn FnMut(Document),
) -> Result<(), Resume> {
    let bytes = text.as_bytes();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let top = Resume {
        at: 0,
        index: first_index,
    };
    if !plain_ascii(&bytes[start..]) {
        return Err(top);
    }
    let mut p = Fast {
        s: text,
        b: bytes,
        pos: start,
        depth: 0,
        // (Room for a manifest's usual nesting: grown from nothing, they were reallocated
        // several times per file.)
        entries: Vec::with_capacity(32),
        items: Vec::with_capacity(16),
    };
    // The last document read, not given yet, and where it starts.
    let mut pending: Option<(Document, Resume)> = None;
    let resume = |pending: &Option<(Document, Resume)>| pending.as_ref().map_or(top, |p| p.1);
    loop {
        let Some((marker, next)) = p.document_start() else {
            return Err(resume(&pending));
        };
        let here = match marker {
            Some(at) => Resume {
                at,
                index: pending.as_ref().map_or(first_index, |p| p.0.index + 1),
            },
            None => top,
        };
        // A `---` line ends the document before it.
        if let Some((document, _)) = pending.take() {
            on_document(document);
        }
        let Next::Content { indent, .. } = next else {
            // Nothing after a `---` is an empty document: the general path's.
            return if marker.is_some() { Err(here) } else { Ok(()) };
        };
        let Some(root) = p.block_node(indent, None) else {
            return Err(here);
        };
        let document = Document {
            index: here.index,
            root,
            refs: false,
        };
        pending = Some((document, here));
        match p.next_line() {
            Next::End => {
                if let Some((document, _)) = pending {
                    on_document(document);
                }
                return Ok(());
            }
            Next::Marker => {}
            Next::Content { .. } => return Err(resume(&pending)),
        }
    }
}
