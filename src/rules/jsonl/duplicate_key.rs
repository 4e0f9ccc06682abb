//! J010 duplicate-key.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::json::Document;
use crate::registry::Code;
use crate::wording::quote;

declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same JSON object, at any depth: the record, a
    /// message, a tool call. Keys are compared after decoding escapes, so `"role"` and
    /// `"\u0072ole"` are the same key. The later key is reported, and the message gives the
    /// column of the earlier one.
    ///
    /// ## Why is this bad?
    /// Loaders do not agree on which value a repeated key keeps, and none of them says so:
    /// Python's `json` and JavaScript's `JSON.parse` keep the last one silently, other parsers
    /// keep the first or fail. In `{"content": "draft", "content": "final"}` the model trains on
    /// one text and the other vanishes; it usually comes from a merge script that appended a
    /// key instead of replacing it.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I change my billing date?"}, {"role": "assistant", "content": "Yes, once per month.", "content": "Yes. Open Billing, choose Change date and pick a day from 1 to 28."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I change my billing date?"}, {"role": "assistant", "content": "Yes. Open Billing, choose Change date and pick a day from 1 to 28."}]}
    /// ```
    pub static DUPLICATE_KEY = {
        code: "J010",
        name: "duplicate-key",
        level: Error,
        summary: "a JSON object repeats a key",
    };
}

/// Reports every key an object of the line repeats, at the repeat.
pub fn check(doc: &Document<'_, '_>, ctx: &mut RecordContext<'_>) {
    let (text, start, file) = (ctx.text, ctx.start, ctx.file);
    for dup in doc.duplicate_keys() {
        // Counting the column is linear in the line: only for findings shown.
        ctx.report_with(Code::J010, || {
            // In a record of a `.json` array, which may span lines, the line too.
            let place = match &start {
                Some(start) => {
                    let at = crate::diagnostic::Span::new(dup.first.start, dup.first.start);
                    let loc = crate::diagnostic::Location::in_record(file, start, text, at);
                    format!("line {}, column {}", loc.line, loc.column)
                }
                None => {
                    let col = text[..(dup.first.start as usize).min(text.len())]
                        .chars()
                        .count()
                        + 1;
                    format!("column {col}")
                }
            };
            (
                dup.span,
                format!(
                    "duplicate key {}; the value the key got at {place} is silently replaced by this one",
                    quote(&dup.key)
                ),
            )
        });
    }
}
