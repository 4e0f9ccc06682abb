//! J011 empty-file.

use crate::context::FileContext;
use crate::declare_rule;
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Reports a JSON Lines file that holds no line with anything on it: empty (a byte-order
    /// mark alone is empty too, and J005 as well), or blank lines only. It points at line 1,
    /// and J009 says nothing of a missing final newline in such a file. A file that
    /// is not JSON Lines at all (binary, a pointer, one JSON document) is J006 or J007. A
    /// Parquet table without rows and a `.json` file holding an empty array (`[]`, or one with
    /// nothing but punctuation errors, which are J001 as well) are reported too.
    ///
    /// ## Why is this bad?
    /// An empty data file is almost always a failed export or a split that was meant to be
    /// filled: a validation file emptied by a script leaves nothing to evaluate on, and the
    /// split-leak check (D003) nothing to compare, while the run looks clean. Loaders refuse
    /// it or produce an empty split that fails later, in the middle of a training job.
    ///
    /// ## Example
    /// ```jsonl,invalid
    ///
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}
    /// ```
    pub static EMPTY_FILE = {
        code: "J011",
        name: "empty-file",
        level: Warning,
        summary: "file is empty or holds only blank lines: no examples",
    };
}

/// Reports that the file holds no line with anything on it; `blank_lines`: whether it holds
/// blank lines, or no byte beyond a byte-order mark.
pub fn report(ctx: &mut FileContext<'_>, blank_lines: bool) {
    let message = if blank_lines {
        "file holds only blank lines: there is no example in it"
    } else {
        "file is empty: there is no example in it"
    };
    ctx.report_file(Code::J011, message);
}

/// Reports that a `.json` file's array holds no record.
pub fn report_array(ctx: &mut FileContext<'_>) {
    ctx.report_file(
        Code::J011,
        "the file's JSON array holds no record: there is no example in it",
    );
}
