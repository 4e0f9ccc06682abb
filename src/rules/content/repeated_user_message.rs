//! C006 repeated-user-message.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a user message repeated within one conversation.
    pub static REPEATED_USER_MESSAGE = {
        code: "C006",
        name: "repeated-user-message",
        level: Warning,
        summary: "the same user message twice in one conversation",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if !ctx.enabled(Code::C006) {
        return;
    }
    let users: Vec<(usize, std::borrow::Cow<'_, str>, crate::diagnostic::Span)> = conv
        .messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.role == Role::User)
        .filter_map(|(i, m)| m.content.span().map(|s| (i, m.content.joined_text(), s)))
        .collect();
    // Conversations are short: a quadratic scan beats hashing here.
    for (k, (i, text, span)) in users.iter().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        if let Some((first, _, _)) = users[..k].iter().find(|(_, t, _)| t == text) {
            ctx.report(
                Code::C006,
                *span,
                format!(
                    "user message {} repeats user message {} word for word",
                    i + 1,
                    first + 1
                ),
            );
        }
    }
}
