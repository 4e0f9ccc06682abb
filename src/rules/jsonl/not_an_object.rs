//! J002 not-an-object.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::json::{Document, Kind};
use crate::registry::Code;
use crate::wording::describe;

declare_rule! {
    /// ## What it does
    /// Reports a line that is valid JSON but whose value is not an object: an array (often a
    /// conversation's message list without its `{"messages": ...}` wrapper), a string (a
    /// record encoded as JSON twice), a number, `true`, `false` or `null`. The message names
    /// what the line holds. A file that is one JSON array as a whole is J007's.
    ///
    /// ## Why is this bad?
    /// Every supported format stores one example as one JSON object, and loaders look its
    /// keys up: OpenAI rejects the file, a training script's `example["messages"]` raises
    /// `TypeError`, and `datasets` cannot build a table from lines of mixed types. A string
    /// line means the writer called `json.dumps` on text that was already JSON.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]
    /// "{\"messages\": [{\"role\": \"user\", \"content\": \"How do I cancel my plan?\"}]}"
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static NOT_AN_OBJECT = {
        code: "J002",
        name: "not-an-object",
        level: Error,
        summary: "line is JSON but not an object",
    };
}

/// Reports a line whose JSON is not an object; returns true when it is not (nothing more
/// is checked of it).
pub fn check(doc: &Document<'_, '_>, ctx: &mut RecordContext<'_>) -> bool {
    let root = doc.root();
    if doc.kind(root) == Kind::Object {
        return false;
    }
    let what = describe(doc, root);
    // An element of a `.json` array shares its line with other elements, or spans lines.
    let message = if ctx.start.is_some() {
        format!("element of the array is {what}; expected a JSON object, one example per element")
    } else {
        format!("line is {what}; expected a JSON object, one example per line")
    };
    ctx.report(Code::J002, doc.span(root), message);
    true
}
