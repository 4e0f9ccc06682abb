//! J001 invalid-json.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::diagnostic::Span;
use crate::json::{Limit, ParseError};
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Checks that every line that is not blank is one JSON value under the strict rules of
    /// RFC 8259, and reports the first syntax error of a line at the column where the parser
    /// stopped, with what it expected: a trailing comma, single quotes, an unquoted key, a
    /// comment, Python's `True`/`False`/`None`, `NaN`, a raw tab or newline inside a string,
    /// a lone UTF-16 surrogate escape (`\ud83d` without the `\ude00` that completes it, or a
    /// low surrogate alone), reported at the escape. A line that is not JSON is not checked
    /// any further. A line nested deeper than 128 levels, or holding more than 1,048,576
    /// objects and arrays or 16,777,216 values and keys, is reported as not read (it may be
    /// valid JSON; no dataset format nests so deep or needs so many, and the limits keep the
    /// checks' stack and memory bounded: a message of the record costs about 200 bytes,
    /// a value 20). Two records split by a lone carriage return (`\r`, no `\n`) are one
    /// line with text after its JSON value, and the message says where the `\r` is (a file split by `\r` only is J007).
    /// In a file that is one JSON array of records, the array's own punctuation is checked
    /// too (a missing or trailing `,`, no closing `]`): such a finding belongs to no record,
    /// and it fails the file-level errors gate, since no JSON reader loads any of the file.
    ///
    /// ## Why is this bad?
    /// Every fine-tuning pipeline parses the file one line at a time with a strict JSON
    /// parser: OpenAI's upload validation rejects the whole file, and a training script's
    /// `json.loads(line)` or `datasets.load_dataset("json", ...)` raises at the first broken
    /// line, so one bad line stops the whole run. Such lines usually come from a hand edit,
    /// or from a script that wrote Python's `repr()` of a dict instead of `json.dumps()`.
    /// A lone surrogate is half of a character, usually an emoji cut by a limit counted in
    /// UTF-16 units: Python's `json.loads` reads it, but the string cannot be encoded as
    /// UTF-8 (`UnicodeEncodeError` when the record is written out), and Arrow-based loaders
    /// such as `datasets` reject the line.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Where is my order #4821?"}, {"role": "assistant", "content": "It shipped yesterday and arrives by Friday."},]}
    /// {'messages': [{'role': 'user', 'content': 'Can I change my delivery address?'}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Where is my order #4821?"}, {"role": "assistant", "content": "It shipped yesterday and arrives by Friday."}]}
    /// {"messages": [{"role": "user", "content": "Can I change my delivery address?"}, {"role": "assistant", "content": "Yes, until the order ships: open Orders and choose Edit address."}]}
    /// ```
    pub static INVALID_JSON = {
        code: "J001",
        name: "invalid-json",
        level: Error,
        summary: "line is not valid JSON",
    };
}

/// Reports the parser's error at the character where it stopped.
pub fn report(text: &str, error: &ParseError, ctx: &mut RecordContext<'_>) {
    let at = error.offset.min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    ctx.report(
        Code::J001,
        Span::from_usize(at, end),
        match error.limit {
            // Python's json reads up to about 1,000 levels: the line may well be JSON.
            Some(Limit::Depth) => format!(
                "JSON {}, which tunelint does not read (no dataset format nests so deep: store the deep value as a string, or flatten it)",
                error.message
            ),
            Some(Limit::Size) => format!(
                "JSON with {}, which tunelint does not read (no training example needs so many: split the record, or store the bulky value as a string)",
                error.message
            ),
            // A lone `\r` between two records: Python's text mode and `datasets` split there,
            // a reader that splits on `\n` sees both records on one line.
            None if error.message == TRAILING && after_lone_cr(text, at) => format!(
                "invalid JSON: {TRAILING}: a lone carriage return (\\r) ends the record before it, with no \\n; Python's text mode and `datasets` split the line there, readers that split on \\n see two records on one line; end each record with \\n"
            ),
            None => format!("invalid JSON: {}", error.message),
        },
    );
}

/// The parser's message for text after a whole JSON value.
const TRAILING: &str = "trailing characters after the JSON value";

/// Whether the white space just before `at` holds a carriage return: what ended a record in
/// a file whose records are split by a lone `\r` (JSON reads `\r` as white space).
fn after_lone_cr(text: &str, at: usize) -> bool {
    text.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .any(|&b| b == b'\r')
}

/// Reports invalid JSON outside any record: the punctuation of a `.json` array (a missing
/// `,`, a trailing one, the file ending before the `]`).
pub fn report_at(
    ctx: &mut crate::context::FileContext<'_>,
    location: crate::diagnostic::Location,
    message: String,
) {
    ctx.report(Code::J001, location, message);
}
