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

/// Re-reads lines of files, keeping the last file open, and the last long line's masked
/// region.
#[derive(Default)]
pub struct SnippetReader {
    open: Option<(FileId, File)>,
    region: Option<Region>,
}

impl SnippetReader {
    /// The snippet of `location` in the input `reread` reads, or `None` if it cannot be read.
    pub fn read(&mut self, reread: &Reread, location: &Location) -> Option<Snippet> {
        let (start, end) = span_of(location);
        if let Some(region) = &self.region
            && region.serves(location, start, end)
        {
            return Some(region.snippet(start, end, location.column));
        }
        let w = Window::around(start, end);
        let (raw, cut_right) = self.bytes(reread, location, w.start, w.len)?;
        if w.start == 0 && !cut_right {
            return Some(w.snippet(&raw, cut_right, location.column));
        }
        // A line longer than the window (a `.json` array written on one line holds every
        // record): a region of it is masked once for every snippet that falls in it, instead
        // of a window of 33 KB masked again for each of its thousands of findings.
        let from = start
            .saturating_sub(NEED_BEFORE)
            .saturating_sub(MASK_MARGIN);
        let (raw, cut_right) = self.bytes(reread, location, from, REGION + 2 * MASK_MARGIN)?;
        let region = Region::new(location, from, &raw, cut_right);
        let snippet = region.snippet(start, end, location.column);
        self.region = Some(region);
        Some(snippet)
    }

    /// Up to `len` bytes of the line of `location` from its byte `from`, and whether the line
    /// goes on after them; the line's terminator is not among them.
    fn bytes(
        &mut self,
        reread: &Reread,
        location: &Location,
        from: usize,
        len: usize,
    ) -> Option<(Vec<u8>, bool)> {
        let at = location.line_offset + from as u64;
        let mut raw = match reread {
            Reread::Memory(data) => {
                let rest = data.get(usize::try_from(at).ok()?..).unwrap_or_default();
                rest[..rest.len().min(len.saturating_add(1))].to_vec()
            }
            Reread::File(path) => {
                if self
                    .open
                    .as_ref()
                    .is_none_or(|(id, _)| *id != location.file)
                {
                    self.open = Some((location.file, File::open(path).ok()?));
                }
                let (_, file) = self.open.as_mut()?;
                file.seek(SeekFrom::Start(at)).ok()?;
                let mut raw = Vec::with_capacity(len + 1);
                file.take(len as u64 + 1).read_to_end(&mut raw).ok()?;
                raw
            }
        };
        // One byte more than asked tells whether the line goes on.
        let cut_right = match memchr::memchr(b'\n', &raw) {
            Some(nl) => {
                raw.truncate(nl);
                false
            }
            None => {
                let more = raw.len() > len;
                raw.truncate(len);
                more
            }
        };
        if raw.last() == Some(&b'\r') {
            raw.pop();
        }
        Some((raw, cut_right))
    }
}

/// Bytes of a long line masked at once and kept for the snippets that fall in it.
const REGION: usize = 1 << 20;
/// Bytes before a span that a snippet may show (`WIDTH` characters of 4 bytes).
const NEED_BEFORE: usize = 4 * WIDTH + 4;
/// Bytes after a span (or its first `SPAN_READ` bytes) that a snippet may show.
const NEED_AFTER: usize = 4 * WIDTH + 4;

/// A part of a long line, decoded for display and masked once: what a snippet shows of it is
/// cut from these characters.
struct Region {
    file: FileId,
    line_offset: u64,
    /// The byte of the line the region starts at.
    start: usize,
    /// Bytes of the line read.
    len: usize,
    /// Whether the line goes on before and after the region.
    more_left: bool,
    more_right: bool,
    /// The characters, printable and masked, and the byte of the region each starts at.
    chars: Vec<char>,
    offsets: Vec<u32>,
}

impl Region {
    fn new(location: &Location, start: usize, raw: &[u8], more_right: bool) -> Region {
        let mut chars = Vec::with_capacity(raw.len());
        let mut offsets = Vec::with_capacity(raw.len());
        let mut at = 0usize;
        for chunk in raw.utf8_chunks() {
            for (i, c) in chunk.valid().char_indices() {
                offsets.push((at + i) as u32);
                chars.push(c);
            }
            at += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                offsets.push(at as u32);
                chars.push('\u{FFFD}');
                at += chunk.invalid().len();
            }
        }
        let more_left = start > 0;
        // Masked as written, then made printable: a key is read through the invisible
        // characters inside it, which `printable` would turn into a `·` that parts it.
        mask(&mut chars, &mut [], &mut [], more_left, more_right);
        chars.iter_mut().for_each(|c| *c = printable_char(*c));
        Region {
            file: location.file,
            line_offset: location.line_offset,
            start,
            len: raw.len(),
            more_left,
            more_right,
            chars,
            offsets,
        }
    }

    /// The bytes of the line a snippet of the span `start..end` may show.
    fn needed(start: usize, end: usize) -> (usize, usize) {
        let span_end = end.min(start + SPAN_READ);
        (start.saturating_sub(NEED_BEFORE), span_end + NEED_AFTER)
    }

    /// Whether the snippet of `location`'s span `start..end` can be cut from this region: the
    /// bytes it may show lie in it, a masking margin away from where the line was cut.
    fn serves(&self, location: &Location, start: usize, end: usize) -> bool {
        let (from, to) = Region::needed(start, end);
        let low = self.start + if self.more_left { MASK_MARGIN } else { 0 };
        let high = self.start + self.len;
        self.file == location.file
            && self.line_offset == location.line_offset
            && from >= low
            && (!self.more_right || to + MASK_MARGIN <= high)
    }

    /// The snippet of the span `start..end` (bytes of the line), which [`Region::serves`].
    fn snippet(&self, start: usize, end: usize, column: u32) -> Snippet {
        let (from, to) = Region::needed(start, end);
        let index = |byte: usize| {
            let rel = byte.saturating_sub(self.start);
            self.offsets.partition_point(|&o| (o as usize) < rel)
        };
        let (a, b) = (index(from), index(start));
        let (c, d) = (index(end.min(start + SPAN_READ)).max(b), index(to));
        let d = d.max(c);
        crop_chars(
            self.chars[a..b].to_vec(),
            &self.chars[b..c],
            &self.chars[c..d],
            a > 0 || self.more_left,
            column,
        )
    }
}

/// The snippet of a line held in memory.
#[cfg(test)]
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
    let decode = |bytes: &[u8]| -> Vec<char> { String::from_utf8_lossy(bytes).chars().collect() };
    let mut before = decode(&raw[..s]);
    let mut span = decode(&raw[s..e]);
    let mut after = decode(&raw[e..]);
    // A window that starts mid-line may start mid-character; drop the replacement char.
    if cut_left && before.first() == Some(&'\u{FFFD}') {
        before.remove(0);
    }
    // Masked as written, then made printable: a key is read through the invisible
    // characters inside it, which `printable` would turn into a `·` that parts it.
    mask(&mut before, &mut span, &mut after, cut_left, cut_right);
    for c in before.iter_mut().chain(&mut span).chain(&mut after) {
        *c = printable_char(*c);
    }
    crop_chars(before, &span, &after, cut_left, column)
}

/// Crops masked characters, `before` the span, the `span` and `after` it, to the display
/// width; `cut_left` says whether the line starts before them (what goes on after them is
/// told by `after` being longer than the room left).
fn crop_chars(
    before: Vec<char>,
    span: &[char],
    after: &[char],
    cut_left: bool,
    column: u32,
) -> Snippet {
    // Budgets are in terminal columns (a CJK character takes two, a combining mark none), and
    // every cut falls between grapheme clusters: a flag's two letters, a letter and its
    // accents, a conjunct stay together.
    let (span_chars, span_cut) = fit(span, SPAN_MAX, Side::Start);
    let span_shown = &span[..span_chars];
    let span_width = width(span_shown);
    // `BEFORE` columns of context at least; more when what follows the span leaves room,
    // so a line that fits the width is shown whole.
    let after_wanted = if span_cut { 0 } else { width(after) };
    let before_room = BEFORE.max(WIDTH.saturating_sub(span_width + after_wanted));
    let (kept, cropped) = fit(&before, before_room, Side::End);
    let before = &before[before.len() - kept..];
    let cropped_left = cut_left || cropped;
    // After a cut span, more text would read as if the value ended there.
    let room = if span_cut {
        0
    } else {
        WIDTH.saturating_sub(width(before) + span_width)
    };
    let (after_chars, after_cut) = fit(after, room, Side::Start);
    let after_shown = &after[..after_chars];

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

/// Which end of a run of characters [`fit`] keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Start,
    End,
}

/// Terminal columns of `chars`.
fn width(chars: &[char]) -> usize {
    use unicode_width::UnicodeWidthChar;
    chars.iter().map(|c| c.width().unwrap_or(0)).sum()
}

/// How many characters of `chars`, from its start or its end, fit in `columns` without
/// splitting a grapheme cluster, and whether that leaves some out.
fn fit(chars: &[char], columns: usize, side: Side) -> (usize, bool) {
    use unicode_segmentation::UnicodeSegmentation;
    if width(chars) <= columns {
        return (chars.len(), false);
    }
    let text: String = chars.iter().collect();
    let clusters: Vec<&str> = match side {
        Side::Start => text.graphemes(true).collect(),
        Side::End => text.graphemes(true).rev().collect(),
    };
    let (mut used, mut kept) = (0, 0);
    for cluster in clusters {
        let w: usize = unicode_width::UnicodeWidthStr::width(cluster);
        if used + w > columns {
            break;
        }
        used += w;
        kept += cluster.chars().count();
    }
    (kept, true)
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
#[cfg(test)]
fn printable(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(printable_char)
        .collect()
}

/// [`printable`] of one character.
fn printable_char(c: char) -> char {
    if (c.is_control() && c != '\t') || crate::wording::reordering(c) {
        '·'
    } else if c == '\t' {
        ' '
    } else {
        c
    }
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

    /// The joiners of Persian and Hindi words and of emoji sequences are shown as written,
    /// as the other format characters (a soft hyphen, a tag character): only those that hide
    /// or turn text around are not.
    #[test]
    fn a_line_keeps_its_joiners() {
        let shown: String = printable("می\u{200c}خواهم 👨\u{200d}👩 a\u{ad}b\u{e0041}".as_bytes())
            .into_iter()
            .collect();
        assert_eq!(shown, "می\u{200c}خواهم 👨\u{200d}👩 a\u{ad}b\u{e0041}");
    }

    /// A long line is cropped to the same number of terminal columns whatever its script
    /// (a CJK character takes two), and never inside a grapheme cluster: a flag keeps its
    /// two letters, an accent its letter.
    #[test]
    fn crops_by_terminal_columns_between_grapheme_clusters() {
        use unicode_width::UnicodeWidthStr;
        let cases = [
            ("中".repeat(200), "文".repeat(200)),
            ("🇰🇷".repeat(80), "e\u{301}".repeat(150)),
            ("e\u{301}".repeat(150), "🇰🇷".repeat(80)),
        ];
        for (left, right) in cases {
            let line = format!("{left}\"bot\"{right}");
            let at = left.len() as u32;
            let loc = Location::in_line(0, 1, 0, &line, Span::new(at, at + 5));
            let s = from_text(&line, &loc);
            assert_eq!(&s.text[s.label.clone()], "\"bot\"");
            assert!(s.text.width() <= WIDTH + 2, "{} {}", s.text.width(), s.text);
            assert!(s.text.width() >= WIDTH - 2, "{} {}", s.text.width(), s.text);
            let body = s.text.trim_start_matches('…');
            assert!(!body.starts_with('\u{301}'), "{}", s.text);
            let flags = s
                .text
                .chars()
                .filter(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(c));
            let flags: String = flags.collect();
            assert!(
                flags.len().is_multiple_of(8) && flags.replace("🇰🇷", "").is_empty(),
                "{}",
                s.text
            );
        }
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

    /// A long line's snippets are cut from a region masked once: each is the snippet the
    /// window around its span alone gives, wherever the span lies (near the region's edges,
    /// past its first megabyte, at the end of the line), with multi-byte and control
    /// characters and a key in the line.
    #[test]
    fn a_long_lines_region_gives_the_windows_snippets() {
        let mut line = String::new();
        let mut i = 0u32;
        while line.len() < REGION + 3 * MASK_MARGIN + 50_000 {
            line.push_str(&format!(
                r#"{{"text": "row {i} é✓ sk-proj-Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eU7iW4 \t"}}, "#
            ));
            if i.is_multiple_of(97) {
                line.push_str("\u{1} \u{202e} ");
            }
            i += 1;
        }
        let reread = Reread::Memory(std::sync::Arc::from(line.as_bytes()));
        let mut reader = SnippetReader::default();
        let mut starts: Vec<usize> = (0..line.len()).step_by(4099).collect();
        starts.extend([
            REGION - 10,
            REGION + MASK_MARGIN,
            line.len() - 3,
            line.len(),
        ]);
        for start in starts {
            // A span starts on a character, as a diagnostic's does.
            let start = (start..=line.len())
                .find(|&b| line.is_char_boundary(b))
                .unwrap();
            let end = (start..=line.len().min(start + 7))
                .rev()
                .find(|&b| line.is_char_boundary(b))
                .unwrap();
            let span = Span::new(start as u32, end as u32);
            let loc = Location::in_line(0, 1, 0, &line, span);
            let window = from_text(&line, &loc);
            let region = reader.read(&reread, &loc).expect("read");
            assert_eq!(region, window, "span at {start}");
            assert!(!region.text.contains("Q7vX2mK9"), "{}", region.text);
        }
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
