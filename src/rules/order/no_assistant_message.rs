//! O004 no-assistant-message.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a conversation with no assistant message, or whose assistant messages all have weight 0.
    pub static NO_ASSISTANT_MESSAGE = {
        code: "O004",
        name: "no-assistant-message",
        level: Error,
        summary: "no assistant message, or every assistant message has weight 0: nothing to train on",
    };
}

/// Returns true when it fired.
pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) -> bool {
    let mut assistants = conv
        .messages
        .iter()
        .filter(|m| m.role == Role::Assistant)
        .peekable();
    if assistants.peek().is_none() {
        ctx.report(
            Code::O004,
            conv.span,
            "no assistant message; the model has nothing to learn from this example",
        );
        return true;
    }
    if assistants.all(|m| m.weight == Some(0)) {
        ctx.report(Code::O004, conv.span, "every assistant message has weight 0; the model has nothing to learn from this example");
        return true;
    }
    false
}
