//! O005 system-not-first.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::Conversation;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a system message after the first position.
    pub static SYSTEM_NOT_FIRST = {
        code: "O005",
        name: "system-not-first",
        level: Error,
        summary: "system message after the first position",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    for (i, m) in conv.messages.iter().enumerate().skip(1) {
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
