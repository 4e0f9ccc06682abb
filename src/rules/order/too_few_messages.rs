//! O001 too-few-messages.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Shape};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a conversation of fewer than two messages: a lone user, system or assistant
    /// message. When it fires, O002, O003 and O004 stay quiet on that record, since they would
    /// only say the same thing. A record whose messages the schema rules (S) could not all
    /// read is not checked by the order rules; an empty `messages` array is S002's. A
    /// `prompt-only` record (one user prompt is all an RL trainer needs) and a `text` record
    /// (plain text, no turns) are not checked, nor is a record of a LLaMA-Factory alpaca
    /// entry that names no answer column (O004 says why it has no answer).
    ///
    /// ## Why is this bad?
    /// An example teaches a reply to a context, and one message is only half of that: a lone
    /// user turn gives the model no target (OpenAI rejects examples without an assistant
    /// message), and a lone assistant turn teaches it to speak unprompted. It is usually a
    /// conversation split in the wrong place, or a reply dropped by the export.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}
    /// ```
    pub static TOO_FEW_MESSAGES = {
        code: "O001",
        name: "too-few-messages",
        level: Error,
        summary: "fewer than two messages: a training example needs a user and an assistant turn",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    // O004 says why: the entry names no answer column.
    if conv.shape != Shape::Chat || super::answer_undeclared(ctx).is_some() {
        return;
    }
    let n = conv.messages.len();
    if n >= 2 {
        return;
    }
    let w = super::words(ctx.format);
    let what = if n == 0 {
        format!("no {}", w.messages)
    } else {
        format!("only one {} ({})", w.message, w.role(conv.messages[0].role))
    };
    ctx.report(
        Code::O001,
        conv.span,
        format!(
            "{what}; an example needs at least one user and one {} {}",
            w.assistant, w.message
        ),
    );
}
