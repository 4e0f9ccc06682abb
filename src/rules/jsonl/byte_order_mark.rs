//! J005 byte-order-mark.

use crate::context::FileContext;
use crate::declare_rule;
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Reports a file that starts with the UTF-8 byte-order mark, the bytes `EF BB BF` that
    /// Windows editors and spreadsheet exports write as "UTF-8 with BOM". It is reported once,
    /// on line 1; the mark is then skipped and the file is linted as usual.
    ///
    /// ## Why is this bad?
    /// JSON text must not start with a byte-order mark (RFC 8259, section 8.1). Python's
    /// `json.loads` raises `JSONDecodeError: Unexpected UTF-8 BOM` on the first line, so the
    /// first example is lost or the whole load fails, and most JSONL loaders and fine-tuning
    /// uploads reject the file. Save the file as plain UTF-8, or strip the mark with
    /// `sed -i '1s/^\xEF\xBB\xBF//' data.jsonl`.
    ///
    /// Under a target whose documentation asks for the mark (Azure OpenAI: "encoded in UTF-8
    /// and include a byte-order mark"), a file that starts with it is not reported. Under a
    /// trainer that loads with Hugging Face `datasets` (TRL, axolotl, LLaMA-Factory, Unsloth),
    /// which skips the mark, the message says so; it is still a file-level error, since the
    /// file is not JSON for every other reader of it.
    ///
    /// ## Example
    /// ```jsonl,invalid,bytes
    /// \xEF\xBB\xBF{"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static BYTE_ORDER_MARK = {
        code: "J005",
        name: "byte-order-mark",
        level: Error,
        summary: "file starts with a UTF-8 byte-order mark",
    };
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Removes a UTF-8 byte-order mark from the start of the file's first chunk and reports it
/// on line 1; returns whether there was one (the lines are linted without it).
pub fn check(buf: &mut Vec<u8>, ctx: &mut FileContext<'_>) -> bool {
    if !buf.starts_with(BOM) {
        return false;
    }
    buf.drain(..BOM.len());
    if ctx
        .settings
        .target
        .is_some_and(|t| t.byte_order_mark.is_some())
    {
        // The provider asks for it (Azure OpenAI).
        return true;
    }
    // A trainer that loads with Hugging Face `datasets` reads past it; the file is still not
    // JSON, and the next tool to read it (`json.loads`, pandas, an upload) fails on it.
    let through_datasets = ctx
        .settings
        .target
        .is_some_and(|t| matches!(t.loader.value, crate::target::Loader::Datasets { .. }));
    ctx.report_line(
        Code::J005,
        1,
        0,
        if through_datasets {
            "file starts with a UTF-8 byte-order mark; Hugging Face `datasets` skips it, but `json.loads`, pandas and most other JSONL readers fail on it"
        } else {
            "file starts with a UTF-8 byte-order mark; most JSONL loaders fail on it"
        },
    );
    true
}
