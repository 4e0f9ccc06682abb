//! Snippets: the part of a line a diagnostic points at, re-read from the file by byte
//! offset (diagnostics carry no text) and cropped around the span, so a 64 MiB line shows
//! as one readable row. Secrets and personal details are masked before the line is cropped,
//! on a window wider than the one shown, so a secret that starts left of the shown part is
//! still recognised and masked.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use crate::diagnostic::{FileId, Location};
use crate::source::Reread;

/// Characters shown before the span, at most.
const BEFORE: usize = 50;
/// Characters of the span shown, at most.
const SPAN_MAX: usize = 80;
/// Characters shown in all, at most (the span wins over the context after it).
const WIDTH: usize = 120;
/// Bytes read on either side of the span: enough for `BEFORE` characters of 4 bytes.
const READ_MARGIN: usize = 4 * BEFORE + 4;
/// Bytes read beyond the shown window on either side, only to recognise (and mask) a secret
/// that the window cuts: a PEM private key of 16384 bits (about 12.6 KB written out with
/// `\n` escapes) fits in it whole. Only a line longer than the window pays for it.
const MASK_MARGIN: usize = 16 * 1024;
/// Bytes of the span read at most (`SPAN_MAX` characters of 4 bytes).
const SPAN_READ: usize = 4 * SPAN_MAX + 4;

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

    /// Hides the runs of key-like characters that could be a piece of a secret, for a line
    /// that is not JSON: a record broken by raw line breaks puts a PEM body's lines, or the
    /// halves of a key, on lines of their own, where no detector recognises them
    /// ([`crate::pii::line_pieces`]; one `*` a character, so columns still line up).
    pub fn hide_key_pieces(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        // A `…` where the line was cropped is no part of it.
        let start = usize::from(chars.first() == Some(&'…'));
        let end = chars.len() - usize::from(chars.len() > start && chars.last() == Some(&'…'));
        let pieces = crate::pii::line_pieces(&chars[start..end]);
        if pieces.is_empty() {
            return;
        }
        let mut hidden = chars;
        for run in pieces {
            // Key-like characters are ASCII: byte offsets (the label's) do not move.
            hidden[start + run.start..start + run.end]
                .iter_mut()
                .for_each(|c| *c = '*');
        }
        self.text = hidden.into_iter().collect();
    }
}

/// Re-reads lines of files, keeping the last file open.
#[derive(Default)]
pub struct SnippetReader {
    open: Option<(FileId, File)>,
}

impl SnippetReader {
    /// The snippet of `location` in the input `reread` reads, or `None` if it cannot be read.
    pub fn read(&mut self, reread: &Reread, location: &Location) -> Option<Snippet> {
        let path = match reread {
            Reread::File(path) => path,
            Reread::Memory(_) => {
                let line = reread.line(location.line_offset, u64::MAX)?;
                return Some(from_text(&String::from_utf8_lossy(&line), location));
            }
        };
        if self
            .open
            .as_ref()
            .is_none_or(|(id, _)| *id != location.file)
        {
            self.open = Some((location.file, File::open(path).ok()?));
        }
        let (_, file) = self.open.as_mut()?;
        let (start, end) = span_of(location);
        let w = Window::around(start, end);
        file.seek(SeekFrom::Start(location.line_offset + w.start as u64))
            .ok()?;
        let mut raw = Vec::with_capacity(w.len);
        file.take(w.len as u64).read_to_end(&mut raw).ok()?;
        let cut_right = match memchr::memchr(b'\n', &raw) {
            Some(nl) => {
                raw.truncate(nl);
                false
            }
            // The read stopped at its limit rather than at the end of the line.
            None => raw.len() == w.len,
        };
        if raw.last() == Some(&b'\r') {
            raw.pop();
        }
        Some(w.snippet(&raw, cut_right, location.column))
    }
}

/// The snippet of a line held in memory (stdin).
pub fn from_text(line: &str, location: &Location) -> Snippet {
    let bytes = line.as_bytes();
    let (start, end) = span_of(location);
    let w = Window::around(start.min(bytes.len()), end.min(bytes.len()));
    let raw = &bytes[w.start..bytes.len().min(w.start + w.len)];
    w.snippet(raw, w.start + w.len < bytes.len(), location.column)
}

/// A long line of any text (a configuration file's) cropped around the byte range `span`,
/// the way diagnostics' lines are.
pub fn crop_line(line: &str, span: std::ops::Range<usize>) -> Snippet {
    let s = span.start.min(line.len());
    crop(
        line.as_bytes(),
        s,
        span.end.clamp(s, line.len()),
        false,
        false,
        1,
    )
}

fn span_of(location: &Location) -> (usize, usize) {
    location
        .span
        .map_or((0, 0), |s| (s.start as usize, s.end.max(s.start) as usize))
}

/// The bytes of a line read for a snippet: the shown window and the masking margin around it.
struct Window {
    /// Byte offset in the line of the first byte read.
    start: usize,
    /// Bytes to read at most.
    len: usize,
    /// The span, relative to the line.
    span: (usize, usize),
}

impl Window {
    fn around(span_start: usize, span_end: usize) -> Window {
        let start = span_start.saturating_sub(READ_MARGIN + MASK_MARGIN);
        let span_read = (span_end - span_start).min(SPAN_READ);
        let len = (span_start - start) + span_read + 4 * WIDTH + MASK_MARGIN;
        Window {
            start,
            len,
            span: (span_start, span_end),
        }
    }

    /// The snippet of `raw`, the bytes read from `self.start` to the end of the line (or
    /// less, when `cut_right`).
    fn snippet(&self, raw: &[u8], cut_right: bool, column: u32) -> Snippet {
        let s = (self.span.0 - self.start).min(raw.len());
        let e = (self.span.1 - self.start).clamp(s, raw.len());
        crop(raw, s, e, self.start > 0, cut_right, column)
    }
}

/// Crops `raw[..s]` (before), `raw[s..e]` (span) and `raw[e..]` (after) to the display width,
/// after masking the secrets and personal details in all of `raw`.
fn crop(raw: &[u8], s: usize, e: usize, cut_left: bool, cut_right: bool, column: u32) -> Snippet {
    let mut before: Vec<char> = printable(&raw[..s]);
    let mut span: Vec<char> = printable(&raw[s..e]);
    let mut after: Vec<char> = printable(&raw[e..]);
    // A window that starts mid-line may start mid-character; drop the replacement char.
    if cut_left && before.first() == Some(&'\u{FFFD}') {
        before.remove(0);
    }
    mask(&mut before, &mut span, &mut after, cut_left, cut_right);
    let span_shown = &span[..span.len().min(SPAN_MAX)];
    let span_cut = span.len() > SPAN_MAX;
    // `BEFORE` characters of context at least; more when what follows the span leaves room,
    // so a line that fits the width is shown whole.
    let after_wanted = if span_cut { 0 } else { after.len() };
    let before_room = BEFORE.max(WIDTH.saturating_sub(span_shown.len() + after_wanted));
    let mut before = &before[..];
    let mut cropped_left = cut_left;
    if before.len() > before_room {
        before = &before[before.len() - before_room..];
        cropped_left = true;
    }
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

/// Masks every secret and personal detail in the characters read, as the P rules' messages
/// do. A run of key-like characters cut by an edge of the read window may be the tail or the
/// head of a secret that cannot be recognised: it is hidden whole (it lies at least
/// `MASK_MARGIN` bytes from the shown part unless it is that long).
fn mask(
    before: &mut [char],
    span: &mut [char],
    after: &mut [char],
    cut_left: bool,
    cut_right: bool,
) {
    // The line is raw JSON: a secret may be written with escapes (a PEM key's line breaks
    // as `\n`, a letter as `\u0041`); `mask_raw` finds it decoded and masks it as written.
    let all: String = before.iter().chain(&*span).chain(&*after).collect();
    let masked = crate::pii::mask_raw(&all);
    // Back to the characters read: everything masked stays masked.
    let original = before.iter().chain(&*span).chain(&*after);
    let mut chars: Vec<char> = masked
        .chars()
        .zip(original)
        .map(|(m, &o)| if m == '*' && o != '*' { '*' } else { o })
        .collect();
    if chars.len() != before.len() + span.len() + after.len() {
        return;
    }
    let key_like = |c: &char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=');
    if cut_left {
        for c in chars.iter_mut() {
            if !key_like(c) {
                break;
            }
            *c = '*';
        }
    }
    if cut_right {
        for c in chars.iter_mut().rev() {
            if !key_like(c) {
                break;
            }
            *c = '*';
        }
    }
    // A key split between two text parts that this window does not both hold (a
    // pretty-printed array puts them on different lines, an image between them can push one
    // past the margins) cannot be told from one piece: a text part's runs of key-like
    // characters that are no plain words are hidden (`pii::part_pieces`).
    let all: Vec<char> = before
        .iter()
        .chain(&*span)
        .chain(&*after)
        .copied()
        .collect();
    for run in crate::pii::part_pieces(&all) {
        chars[run].iter_mut().for_each(|c| *c = '*');
    }
    let (b, rest) = chars.split_at(before.len());
    let (m, a) = rest.split_at(span.len());
    before.copy_from_slice(b);
    span.copy_from_slice(m);
    after.copy_from_slice(a);
}

/// Decodes bytes for display: invalid UTF-8 becomes U+FFFD, control characters and the
/// invisible ones (zero-width, bidi overrides that would turn the line around, the
/// byte-order mark) become `·` (one character each, so columns still
/// line up and J005 has something to underline).
fn printable(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| {
            if (c.is_control() && c != '\t') || crate::wording::invisible(c) {
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

    /// Controls (C0 and C1) and the characters that hide text or turn it around are shown as
    /// one `·` each, so a quoted line cannot drive the terminal and its columns line up.
    #[test]
    fn a_line_shows_no_control_or_reordering_character() {
        let shown: String =
            printable("a\u{1b}[2Jb\u{9b}c\u{202e}d\u{2066}e\u{200b}f\u{feff}\tg".as_bytes())
                .into_iter()
                .collect();
        assert_eq!(shown, "a·[2Jb·c·d·e·f· g");
    }

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

    /// A line that fits the width is shown whole, however far along the span is: only a
    /// line too long for the width is cropped (the 50 characters before the span are a floor,
    /// not a cap).
    #[test]
    fn a_line_that_fits_is_not_cropped_before_a_late_span() {
        let line = r#"{"messages":[{"role":"user","content":"hello world truncated"}"#;
        let at = u32::try_from(line.len()).expect("short");
        let loc = Location::in_line(0, 1, 0, line, Span::new(at, at));
        let s = from_text(line, &loc);
        assert_eq!(s.text, line);
        assert_eq!(s.first_column, 1);
        // Long after the span: the context before it is still cut to `BEFORE`.
        let long = format!("{}{}", "a".repeat(200), "b".repeat(200));
        let loc = Location::in_line(0, 1, 0, &long, Span::new(150, 151));
        let s = from_text(&long, &loc);
        assert!(s.text.starts_with('…'));
        assert_eq!(s.first_column, 100);
    }

    /// A record broken by raw line breaks: the lines of a PEM body, and the halves of a key,
    /// are lines of their own that no detector recognises; their key-like runs are hidden,
    /// a PEM header's words and plain words are not.
    #[test]
    fn lines_that_are_not_json_hide_pieces_of_keys() {
        let shown = |line: &str| {
            let loc = Location::in_line(0, 1, 0, line, Span::new(0, 1));
            let mut s = from_text(line, &loc);
            s.hide_key_pieces();
            s.text
        };
        assert_eq!(
            shown("-----BEGIN RSA PRIVATE KEY-----"),
            "-----BEGIN RSA PRIVATE KEY-----"
        );
        assert_eq!(
            shown("MIIEWaXH6K2+tyLBhhOhg9uhkxiiEZpFfk1OHAOEHYqM"),
            "*".repeat(44)
        );
        assert_eq!(
            shown(r#"{"role": "user", "content": "use sk-proj-9Wvgfygw2wMq"#),
            r#"{"role": "user", "content": "use ********************"#
        );
        assert_eq!(
            shown(r#"ZcUDIh7yfJs1ON43xKmTecQoXsf2 help"}]}"#),
            r#"**************************** help"}]}"#
        );
        assert_eq!(
            shown(r#"tell me about elephants and giraffes"}]}"#),
            r#"tell me about elephants and giraffes"}]}"#
        );
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
