//! J003 blank-line.

use crate::context::FileContext;
use crate::declare_rule;
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Reports an empty line, or one of only spaces, tabs and carriage returns, that comes
    /// before a data line. Consecutive blank lines are one finding, at the first of them,
    /// saying how many there are and which. Blank lines at the end of the file, after the
    /// last data line, are not reported: editors add them and loaders skip trailing
    /// whitespace. A blank line is not an example and does not count in the valid percentage.
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

/// Consecutive blank lines: the first one's line and byte offset, and how many there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub line: u64,
    pub offset: u64,
    pub count: u64,
}

impl Run {
    /// The blank line `line`, at byte `offset`, alone.
    pub fn new(line: u64, offset: u64) -> Run {
        Run {
            line,
            offset,
            count: 1,
        }
    }

    /// `run` with the blank line `line` (at byte `offset`) added: it starts a new run unless it
    /// follows `run` directly.
    pub fn extend(run: Option<Run>, line: u64, offset: u64) -> Run {
        match run {
            Some(r) if r.line + r.count == line => Run {
                count: r.count + 1,
                ..r
            },
            _ => Run::new(line, offset),
        }
    }

    /// `self` and `next` as one run when `next` starts on the line after `self` ends.
    pub fn join(self, next: Run) -> Option<Run> {
        (self.line + self.count == next.line).then_some(Run {
            count: self.count + next.count,
            ..self
        })
    }
}

/// Reports a run of blank lines, at its first (the engine keeps a run until data follows:
/// blank lines at the end of a file are not reported). One finding however long the run, so
/// memory and output stay small for a file of millions of blank lines.
pub fn report(ctx: &mut FileContext<'_>, run: Run) {
    let message = if run.count == 1 {
        "blank line; JSONL loaders treat it as an empty record or an error".to_string()
    } else {
        format!(
            "{} blank lines (lines {}–{}); JSONL loaders treat each as an empty record or an error",
            crate::wording::thousands(run.count),
            run.line,
            run.line + run.count - 1
        )
    };
    ctx.report_line(Code::J003, run.line, run.offset, message);
}

/// Whether a line is blank: spaces, tabs and a carriage return at most.
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}
