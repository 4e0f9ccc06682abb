//! Snippets: the part of a line a diagnostic points at, re-read from the file by byte
//! offset (diagnostics carry no text) and cropped around the span, so a 64 MiB line shows
//! as one readable row.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::diagnostic::{FileId, Location};

/// Characters shown before the span, at most.
const BEFORE: usize = 50;
/// Characters of the span shown, at most.
const SPAN_MAX: usize = 80;
/// Characters shown in all, at most (the span wins over the context after it).
const WIDTH: usize = 120;
/// Bytes read on either side of the span: enough for `BEFORE` characters of 4 bytes.
const READ_MARGIN: u64 = 4 * BEFORE as u64 + 4;

/// A cropped view of one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The text shown, with `…` where it was cropped.
    pub text: String,
    /// The byte range of the span within `text` (possibly empty).
    pub label: std::ops::Range<usize>,
    /// The real (1-based, code point) column of the first character of `text`.
    pub first_column: u32,
}

impl Snippet {
    /// Replaces the text with `mask(text)`, which must keep the number of characters (it
    /// turns some into `*`); the label stays on the same characters.
    pub fn mask_with(&mut self, mask: impl FnOnce(&str) -> String) {
        let start = self.text[..self.label.start].chars().count();
        let len = self.text[self.label.clone()].chars().count();
        let masked = mask(&self.text);
        let byte_at = |n: usize| {
            masked
                .char_indices()
                .nth(n)
                .map_or(masked.len(), |(i, _)| i)
        };
        self.label = byte_at(start)..byte_at(start + len);
        self.text = masked;
    }

    /// Masks the span as the P rules' messages do: its first 4 characters stay, every other
    /// becomes `*` (one for one, so columns still line up). A secret or a person's details
    /// are never printed whole, not even in the line under the message.
    pub fn redact(&mut self) {
        let span = &self.text[self.label.clone()];
        let masked: String = span
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 4 { c } else { '*' })
            .collect();
        let end = self.label.start + masked.len();
        self.text.replace_range(self.label.clone(), &masked);
        self.label.end = end;
    }
}

/// Re-reads lines of files, keeping the last file open.
#[derive(Default)]
pub struct SnippetReader {
    open: Option<(FileId, File)>,
}

impl SnippetReader {
    /// The snippet of `location` in the file at `path`, or `None` if it cannot be read.
    pub fn read(&mut self, path: &Path, location: &Location) -> Option<Snippet> {
        if self
            .open
            .as_ref()
            .is_none_or(|(id, _)| *id != location.file)
        {
            self.open = Some((location.file, File::open(path).ok()?));
        }
        let (_, file) = self.open.as_mut()?;
        let (start, end) = location
            .span
            .map_or((0, 0), |s| (u64::from(s.start), u64::from(s.end)));
        let window_start = start.saturating_sub(READ_MARGIN);
        let span_read = (end - start).min(4 * SPAN_MAX as u64 + 4);
        let want = (start - window_start) + span_read + 4 * WIDTH as u64;
        file.seek(SeekFrom::Start(location.line_offset + window_start))
            .ok()?;
        let mut raw = Vec::with_capacity(want as usize);
        file.take(want).read_to_end(&mut raw).ok()?;
        if let Some(nl) = memchr::memchr(b'\n', &raw) {
            raw.truncate(nl);
        }
        if raw.last() == Some(&b'\r') {
            raw.pop();
        }
        let s_rel = ((start - window_start) as usize).min(raw.len());
        let e_rel = ((end - window_start) as usize).clamp(s_rel, raw.len());
        Some(crop(&raw, s_rel, e_rel, window_start > 0, location.column))
    }
}

/// The snippet of a line held in memory (stdin).
pub fn from_text(line: &str, location: &Location) -> Snippet {
    let bytes = line.as_bytes();
    let (start, end) = location
        .span
        .map_or((0, 0), |s| (s.start as usize, s.end as usize));
    let s = start.min(bytes.len());
    let e = end.clamp(s, bytes.len());
    crop(bytes, s, e, false, location.column)
}

/// A long line of any text (a configuration file's) cropped around the byte range `span`,
/// the way diagnostics' lines are.
pub fn crop_line(line: &str, span: std::ops::Range<usize>) -> Snippet {
    let s = span.start.min(line.len());
    crop(line.as_bytes(), s, span.end.clamp(s, line.len()), false, 1)
}

/// Crops `raw[..s]` (before), `raw[s..e]` (span) and `raw[e..]` (after) to the display width.
fn crop(raw: &[u8], s: usize, e: usize, cut_before_window: bool, column: u32) -> Snippet {
    let before: Vec<char> = printable(&raw[..s]);
    let span: Vec<char> = printable(&raw[s..e]);
    let after: Vec<char> = printable(&raw[e..]);
    // A window that starts mid-line may start mid-character; drop the replacement char.
    let mut before = &before[..];
    let mut cropped_left = cut_before_window;
    if cut_before_window && before.first() == Some(&'\u{FFFD}') {
        before = &before[1..];
    }
    if before.len() > BEFORE {
        before = &before[before.len() - BEFORE..];
        cropped_left = true;
    }
    let span_shown = &span[..span.len().min(SPAN_MAX)];
    let span_cut = span.len() > SPAN_MAX;
    // After a cut span, more text would read as if the value ended there.
    let room = if span_cut {
        0
    } else {
        WIDTH.saturating_sub(before.len() + span_shown.len())
    };
    let after_shown = &after[..after.len().min(room)];
    let after_cut = after.len() > room;

    let mut text = String::new();
    if cropped_left {
        text.push('…');
    }
    let first_column = column.saturating_sub(before.len() as u32).max(1);
    text.extend(before);
    let label_start = text.len();
    text.extend(span_shown);
    if span_cut {
        text.push('…');
    }
    let label_end = text.len();
    text.extend(after_shown);
    if after_cut && !span_cut {
        text.push('…');
    }
    let first_column = if cropped_left {
        first_column.saturating_sub(1).max(1)
    } else {
        first_column
    };
    Snippet {
        text,
        label: label_start..label_end,
        first_column,
    }
}

/// Decodes bytes for display: invalid UTF-8 becomes U+FFFD, control characters and the
/// invisible, zero-width byte-order mark become `·` (one character each, so columns still
/// line up and J005 has something to underline).
fn printable(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| {
            if (c.is_control() && c != '\t') || c == '\u{FEFF}' {
                '·'
            } else if c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    #[test]
    fn crops_long_lines_around_the_span() {
        let line = format!("{}\"bot\"{}", "a".repeat(500), "b".repeat(500));
        let loc = Location::in_line(0, 1, 0, &line, Span::new(500, 505));
        let s = from_text(&line, &loc);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(&s.text[s.label.clone()], "\"bot\"");
        assert!(s.text.chars().count() <= WIDTH + 2);
        // The first shown 'a' is column 451; the ellipsis stands just before it.
        assert_eq!(s.first_column, 450);
    }

    #[test]
    fn redact_keeps_four_characters_of_the_span() {
        let line = r#"{"key":"AKIA4QW7ZR2KXNB5TG3M","n":1}"#;
        let loc = Location::in_line(0, 1, 0, line, Span::new(8, 28));
        let mut s = from_text(line, &loc);
        s.redact();
        assert_eq!(s.text, r#"{"key":"AKIA****************","n":1}"#);
        assert_eq!(&s.text[s.label.clone()], "AKIA****************");
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let line = r#"{"role":"bot"}"#;
        let loc = Location::in_line(0, 1, 0, line, Span::new(8, 13));
        let s = from_text(line, &loc);
        assert_eq!(s.text, line);
        assert_eq!(&s.text[s.label.clone()], "\"bot\"");
        assert_eq!(s.first_column, 1);
    }
}
