//! The one internal currency: every check produces [`Diagnostic`]s, every output renders them.
//!
//! Diagnostics carry locations, not text: a renderer that wants a snippet re-reads the line
//! by its byte offset (see `crate::snippet`), so a 10 GB file never has to be in memory.

use crate::registry::Code;
use crate::rule::Level;

/// A byte range within one line (or one in-memory text), `start..end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    pub fn from_usize(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

/// Index of a file in the run's sorted list of inputs.
pub type FileId = u32;

/// Where a diagnostic points. Lines and columns are 1-based; columns count Unicode code
/// points (UTF-16 would be wrong for emoji, bytes wrong for everything non-ASCII).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub line: u64,
    /// First column of the span, 1-based, in code points.
    pub column: u32,
    /// Column just after the span (exclusive), 1-based, in code points; equal to `column`
    /// for an empty span.
    pub end_column: u32,
    /// Byte offset of the start of the line in its file, for re-reading the snippet.
    pub line_offset: u64,
    /// Byte range of the span within the line, when the line is text.
    pub span: Option<Span>,
}

impl Location {
    /// The start of a line with no particular span (file-level and dataset-wide findings).
    pub fn line_start(file: FileId, line: u64, line_offset: u64) -> Location {
        Location {
            file,
            line,
            column: 1,
            end_column: 1,
            line_offset,
            span: None,
        }
    }

    /// A span within a line of text: columns are counted in code points.
    pub fn in_line(file: FileId, line: u64, line_offset: u64, text: &str, span: Span) -> Location {
        Location::in_line_from(
            file,
            line,
            line_offset,
            text,
            span,
            &mut ColumnMark::default(),
        )
    }

    /// [`Location::in_line`], counting columns from `mark` when the span starts at or after
    /// it, and moving `mark` to the span's start: findings made in line order then cost
    /// one pass over the line between them, not one from the line's start each.
    pub fn in_line_from(
        file: FileId,
        line: u64,
        line_offset: u64,
        text: &str,
        span: Span,
        mark: &mut ColumnMark,
    ) -> Location {
        let start = clamp_to_char_boundary(text, span.start as usize);
        let end = clamp_to_char_boundary(text, (span.end as usize).max(start));
        let (from, before) = if mark.byte <= start && text.is_char_boundary(mark.byte) {
            (mark.byte, mark.chars)
        } else {
            (0, 0)
        };
        let column = (before + text[from..start].chars().count()) as u32 + 1;
        *mark = ColumnMark {
            byte: start,
            chars: column as usize - 1,
        };
        let end_column = column + text[start..end].chars().count() as u32;
        Location {
            file,
            line,
            column,
            end_column,
            line_offset,
            span: Some(Span::from_usize(start, end)),
        }
    }
}

/// Where a record that is not a whole line starts (an element of a `.json` array): its
/// line, that line's offset in the file, and the record's column there in bytes and in
/// characters (0-based). Spans of the record's text are located from it, over its lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordStart {
    pub line: u64,
    pub line_offset: u64,
    pub column_bytes: u32,
    pub column_chars: u32,
}

impl RecordStart {
    /// The record's first character.
    pub fn location(&self, file: FileId) -> Location {
        Location {
            file,
            line: self.line,
            column: self.column_chars + 1,
            end_column: self.column_chars + 2,
            line_offset: self.line_offset,
            span: Some(Span::new(self.column_bytes, self.column_bytes + 1)),
        }
    }
}

impl Location {
    /// `span` of the text of a record that starts at `start` and may run over several
    /// lines: the line the span starts on, its column there, its byte range within that
    /// line (clamped to the line's end).
    pub fn in_record(file: FileId, start: &RecordStart, text: &str, span: Span) -> Location {
        let s = clamp_to_char_boundary(text, span.start as usize);
        let e = clamp_to_char_boundary(text, (span.end as usize).max(s));
        let before = &text.as_bytes()[..s];
        let newlines = memchr::memchr_iter(b'\n', before).count() as u64;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[s..]).map_or(text.len(), |i| s + i);
        let e = e.min(line_end);
        let (line_offset, lead_bytes, lead_chars) = if newlines == 0 {
            (start.line_offset, start.column_bytes, start.column_chars)
        } else {
            let record_offset = start.line_offset + u64::from(start.column_bytes);
            (record_offset + line_start as u64, 0, 0)
        };
        let column = lead_chars + text[line_start..s].chars().count() as u32 + 1;
        let end_column = column + text[s..e].chars().count() as u32;
        let to_line = |at: usize| (lead_bytes as usize + at - line_start) as u32;
        Location {
            file,
            line: start.line + newlines,
            column,
            end_column,
            line_offset,
            span: Some(Span::new(to_line(s), to_line(e))),
        }
    }
}

/// A byte offset of a line and the number of characters before it: where
/// [`Location::in_line_from`] resumes counting columns.
#[derive(Clone, Copy, Debug, Default)]
pub struct ColumnMark {
    byte: usize,
    chars: usize,
}

fn clamp_to_char_boundary(text: &str, mut at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Another place a diagnostic refers to (the earlier copy of a duplicate, say).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Related {
    pub file: FileId,
    pub line: u64,
    pub message: String,
    /// The canonical hash of the record there, when it is another copy of the finding's
    /// record (a duplicate pair, a split leak): a baseline matches the pair by either copy.
    /// 0 otherwise.
    pub fingerprint: u64,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub level: Level,
    pub location: Location,
    /// Lowercase start, no trailing period, the offending value quoted.
    pub message: String,
    pub related: Vec<Related>,
    /// A stable hash of the record the finding is about (0 when there is none), so that CI
    /// alerts survive lines moving.
    pub fingerprint: u64,
    /// About the whole file (its size, its composition), not the line it points at: under
    /// `--diff-base` it is new only in a file added since the base.
    pub about_file: bool,
    /// How many findings of the same rule about the same record (`fingerprint`) come before
    /// this one in its file, counted over every finding of the run before a baseline or
    /// `--diff-base` leaves any out: part of SARIF's partial fingerprint, which must not
    /// change with what else is shown. Set by the engine as findings are passed on.
    pub occurrence: u32,
}

impl Diagnostic {
    /// The order every output uses: path (file ids are assigned in sorted path order), line,
    /// column, code.
    pub fn sort_key(&self) -> (FileId, u64, u32, Code, u32) {
        (
            self.location.file,
            self.location.line,
            self.location.column,
            self.code,
            self.location.end_column,
        )
    }
}
