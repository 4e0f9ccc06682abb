//! O002 last-not-assistant.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role, Shape};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a conversation whose last message is not the assistant's: one that ends on a
    /// user, system or tool message. It does not fire when O001 or O004 already describe the
    /// record (too few messages, or no assistant message at all). A `prompt-only` record ends
    /// on the prompt by design (the trainer generates the answer) and a `text` record has no
    /// turns: neither is checked.
    ///
    /// ## Why is this bad?
    /// Trainers learn from assistant turns, so everything after the last one is context for
    /// an answer that never comes: tokens paid for that teach nothing. A trailing user or tool
    /// message almost always means the final reply was lost when the data was exported or
    /// split, and the lesson's checklist requires every example to end with the assistant.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}, {"role": "user", "content": "Does the old key stop working right away?"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}, {"role": "user", "content": "Does the old key stop working right away?"}, {"role": "assistant", "content": "No, it keeps working for 24 hours so you can update your apps."}]}
    /// ```
    pub static LAST_NOT_ASSISTANT = {
        code: "O002",
        name: "last-not-assistant",
        level: Error,
        summary: "conversation does not end with an assistant message",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if conv.shape != Shape::Chat {
        return;
    }
    if let Some(last) = conv.last()
        && last.role != Role::Assistant
        && last.role != Role::Unknown
    {
        let w = super::words(ctx.format);
        // Together's upload check takes it; only the turns after the last answer are lost.
        if let Some(target) = ctx.settings.target
            && target.last_turn_any.is_some()
            && target.accepts(ctx.format.read_as().as_str())
        {
            ctx.report_capped(
                Code::O002,
                crate::rule::Level::Warning,
                last.role_span,
                format!(
                    "conversation ends with a {} {}; {} accepts it, but nothing after the last {} {} is trained on",
                    w.role(last.role),
                    w.message,
                    target.title,
                    w.assistant,
                    w.message
                ),
            );
            return;
        }
        ctx.report(
            Code::O002,
            last.role_span,
            format!(
                "conversation ends with a {} {}; the last {} must be the {}'s",
                w.role(last.role),
                w.message,
                w.message,
                w.assistant
            ),
        );
    }
}
