//! J009 missing-final-newline.

use crate::context::FileContext;
use crate::declare_rule;
use crate::diagnostic::{Location, Span};
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Reports a file whose last line does not end with a newline, at the end of that line.
    /// An empty file is not reported.
    ///
    /// ## Why is this bad?
    /// A line without its newline is not a complete line to line-based tools:
    /// `cat train_a.jsonl train_b.jsonl > train.jsonl` glues the last record of the first
    /// file to the first record of the second into one invalid line, `wc -l` counts one
    /// example too few, and some readers drop the unterminated line. It is an info-level
    /// finding because most JSONL loaders read the file correctly.
    ///
    /// ## Example
    /// ```jsonl,invalid,no-final-newline
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static MISSING_FINAL_NEWLINE = {
        code: "J009",
        name: "missing-final-newline",
        level: Info,
        summary: "last line has no newline",
    };
}

/// Reports that the file's last line, `line` at `offset` (`chars` characters, `bytes`
/// bytes), has no newline: at the end of that line, where the newline is missing.
pub fn report(ctx: &mut FileContext<'_>, line: u64, offset: u64, chars: u32, bytes: u32) {
    let mut loc = Location::line_start(ctx.file, line, offset);
    loc.column = chars + 1;
    loc.end_column = chars + 1;
    // An empty span at the end of the line, so snippets point there, not at column 1.
    loc.span = Some(Span::new(bytes, bytes));
    ctx.report(
        Code::J009,
        loc,
        "file does not end with a newline; some tools drop or merge the last line",
    );
}
