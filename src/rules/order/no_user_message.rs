//! O003 no-user-message.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a conversation without a user message.
    pub static NO_USER_MESSAGE = {
        code: "O003",
        name: "no-user-message",
        level: Error,
        summary: "no user message",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if !conv.messages.iter().any(|m| m.role == Role::User) {
        ctx.report(
            Code::O003,
            conv.span,
            "no user message; the assistant answers nobody",
        );
    }
}
