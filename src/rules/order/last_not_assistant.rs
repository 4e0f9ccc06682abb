//! O002 last-not-assistant.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a conversation that does not end with an assistant message.
    pub static LAST_NOT_ASSISTANT = {
        code: "O002",
        name: "last-not-assistant",
        level: Error,
        summary: "conversation does not end with an assistant message",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if let Some(last) = conv.last()
        && last.role != Role::Assistant && last.role != Role::Unknown {
            ctx.report(
                Code::O002,
                last.role_span,
                format!(
                    "conversation ends with a {} message; the last message must be the assistant's",
                    last.role.as_str()
                ),
            );
        }
}
