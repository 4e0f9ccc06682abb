//! O005 system-not-first.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::Conversation;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a `system` (or `developer`) message anywhere but at the start of the
    /// conversation, giving its position. Each misplaced one is reported.
    ///
    /// ## Why is this bad?
    /// Chat templates and APIs put the instructions first, and many open-model templates
    /// accept a system message only at index 0: elsewhere they raise an error or drop it, so
    /// what is trained differs from what was written. Instructions that appear mid-way also
    /// teach the model to expect its rules to change during a conversation.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "system", "content": "You are a support agent for Acme Cloud."}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "system", "content": "You are a support agent for Acme Cloud."}, {"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}]}
    /// ```
    pub static SYSTEM_NOT_FIRST = {
        code: "O005",
        name: "system-not-first",
        level: Error,
        summary: "system message after the first position",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    // Positions count the messages of the record's list: a system prompt a target reads
    // from a key of its own (mistral-finetune's `system_prompt`) comes before them, and a
    // system message beside it is what the target refuses, which the format reports.
    for (i, m) in conv
        .messages
        .iter()
        .filter(|m| conv.listed(m))
        .enumerate()
        .skip(1)
    {
        if m.role.is_instruction() {
            ctx.report(
                Code::O005,
                m.role_span,
                format!(
                    "{} message at position {}; system instructions must come first",
                    m.role.as_str(),
                    i + 1
                ),
            );
        }
    }
}
