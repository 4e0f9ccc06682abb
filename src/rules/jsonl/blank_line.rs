//! J003 blank-line.

use crate::context::FileContext;
use crate::declare_rule;
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Reports an empty line, or one of only spaces, tabs and carriage returns, that comes
    /// before a data line. Blank lines at the end of the file, after the last data line, are
    /// not reported: editors add them and loaders skip trailing whitespace. A blank line is
    /// not an example and does not count in the valid percentage.
    ///
    /// ## Why is this bad?
    /// The loop most training scripts use, `for line in f: json.loads(line)`, fails on a
    /// blank line with `JSONDecodeError: Expecting value`; other loaders turn it into an
    /// empty record, or reject the file. A blank line inside a file usually means two files
    /// were concatenated carelessly or a record was deleted by hand.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    ///
    /// {"messages": [{"role": "user", "content": "Can I pause my plan instead?"}, {"role": "assistant", "content": "Yes, for up to three months: open Billing and choose Pause plan."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// {"messages": [{"role": "user", "content": "Can I pause my plan instead?"}, {"role": "assistant", "content": "Yes, for up to three months: open Billing and choose Pause plan."}]}
    /// ```
    pub static BLANK_LINE = {
        code: "J003",
        name: "blank-line",
        level: Warning,
        summary: "empty or whitespace-only line before the last data line",
    };
}

/// Reports the blank line `line` (the engine keeps it until data follows: blank lines at the
/// end of a file are not reported).
pub fn report(ctx: &mut FileContext<'_>, line: u64, offset: u64) {
    ctx.report_line(
        Code::J003,
        line,
        offset,
        "blank line; JSONL loaders treat it as an empty record or an error",
    );
}

/// Whether a line is blank: spaces, tabs and a carriage return at most.
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}
