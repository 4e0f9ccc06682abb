//! O001 too-few-messages.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::Conversation;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a conversation with fewer than two messages.
    pub static TOO_FEW_MESSAGES = {
        code: "O001",
        name: "too-few-messages",
        level: Error,
        summary: "fewer than two messages: a training example needs a user and an assistant turn",
    };
}

/// Returns true when it fired (the order rules it subsumes then stay quiet).
pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) -> bool {
    let n = conv.messages.len();
    if n >= 2 {
        return false;
    }
    let what = if n == 0 {
        "no messages".to_string()
    } else {
        format!("only one message ({})", conv.messages[0].role.as_str())
    };
    ctx.report(
        Code::O001,
        conv.span,
        format!("{what}; an example needs at least one user and one assistant message"),
    );
    true
}
