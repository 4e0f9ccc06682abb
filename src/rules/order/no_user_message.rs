//! O003 no-user-message.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role, Shape};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a conversation of two or more messages without a single `user` message, such
    /// as a system prompt followed directly by the assistant. A `text` record (plain text, no
    /// turns) is not checked.
    ///
    /// ## Why is this bad?
    /// The assistant answers nobody: the model learns to produce a reply from the system
    /// prompt alone, that is, to talk without being asked. It usually means the user turn was
    /// lost in an export, or labelled with the wrong role.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "system", "content": "You are a support agent for Acme Cloud."}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "system", "content": "You are a support agent for Acme Cloud."}, {"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}]}
    /// ```
    pub static NO_USER_MESSAGE = {
        code: "O003",
        name: "no-user-message",
        level: Error,
        summary: "no user message",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if conv.shape == Shape::Text {
        return;
    }
    if !conv.messages.iter().any(|m| m.role == Role::User) {
        let w = super::words(ctx.format);
        let message = if conv.messages.iter().any(|m| m.role == Role::Assistant) {
            format!("no user {}; the {} answers nobody", w.message, w.assistant)
        } else {
            format!("no user {}", w.message)
        };
        ctx.report(Code::O003, conv.span, message);
    }
}
