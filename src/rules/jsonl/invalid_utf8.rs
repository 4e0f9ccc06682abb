//! J004 invalid-utf8.

use crate::context::FileContext;
use crate::declare_rule;
use crate::diagnostic::{Location, RecordStart, Span};
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Reports a line that is not valid UTF-8, at its first invalid byte, naming the byte and
    /// its offset. Typical causes: a file saved as Latin-1 or Windows-1252 (`é` as the single
    /// byte `E9`), a multi-byte character cut in half by a byte-based truncation, or binary
    /// data. The line is not checked any further.
    ///
    /// ## Why is this bad?
    /// JSON exchanged between systems must be UTF-8 (RFC 8259, section 8.1). Python's
    /// `open(path, encoding="utf-8")` raises `UnicodeDecodeError` and the whole load fails;
    /// read with `errors="replace"`, the model trains on U+FFFD replacement characters
    /// instead of the text. OpenAI rejects files that are not UTF-8.
    ///
    /// ## Example
    /// ```jsonl,invalid,bytes
    /// {"messages": [{"role": "user", "content": "Do you ship to M\xFCnchen?"}, {"role": "assistant", "content": "Yes, orders to Munich arrive within three working days."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Do you ship to München?"}, {"role": "assistant", "content": "Yes, orders to Munich arrive within three working days."}]}
    /// ```
    pub static INVALID_UTF8 = {
        code: "J004",
        name: "invalid-utf8",
        level: Error,
        summary: "line is not valid UTF-8",
    };
}

/// The line as text, or `None` after reporting where it stops being UTF-8.
pub fn check<'b>(
    bytes: &'b [u8],
    line: u64,
    offset: u64,
    ctx: &mut FileContext<'_>,
) -> Option<&'b str> {
    let e = match std::str::from_utf8(bytes) {
        Ok(text) => return Some(text),
        Err(e) => e,
    };
    let prefix = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
    let mut loc = Location::in_line(
        ctx.file,
        line,
        offset,
        prefix,
        Span::from_usize(prefix.len(), prefix.len()),
    );
    loc.end_column = loc.column + 1;
    // The bad byte, for the `full` output's caret (shown there as U+FFFD).
    loc.span = Some(Span::from_usize(prefix.len(), prefix.len() + 1));
    ctx.report(
        Code::J004,
        loc,
        format!(
            "line is not valid UTF-8 (byte 0x{:02X} at byte offset {})",
            bytes[e.valid_up_to()],
            e.valid_up_to()
        ),
    );
    None
}

/// [`check`] for a record of a `.json` array that starts at `start` and may span lines.
pub fn check_record<'b>(
    bytes: &'b [u8],
    start: &RecordStart,
    ctx: &mut FileContext<'_>,
) -> Option<&'b str> {
    let e = match std::str::from_utf8(bytes) {
        Ok(text) => return Some(text),
        Err(e) => e,
    };
    let prefix = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
    let at = Span::from_usize(prefix.len(), prefix.len());
    let mut loc = Location::in_record(ctx.file, start, prefix, at);
    loc.end_column = loc.column + 1;
    // The bad byte, for the `full` output's caret, as [`check`] sets it.
    loc.span = loc.span.map(|s| Span::new(s.start, s.start + 1));
    ctx.report(
        Code::J004,
        loc,
        format!(
            "record is not valid UTF-8 (byte 0x{:02X} at byte offset {} of the record)",
            bytes[e.valid_up_to()],
            e.valid_up_to()
        ),
    );
    None
}
