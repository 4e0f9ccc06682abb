//! O006 role-order.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports impossible transitions between turns.
    pub static ROLE_ORDER = {
        code: "O006",
        name: "role-order",
        level: Warning,
        summary: "impossible turn order: a tool result not after a tool call, two user or two assistant turns in a row",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    for pair in conv.messages.windows(2) {
        let (prev, cur) = (&pair[0], &pair[1]);
        match cur.role {
            Role::Tool | Role::Function => {
                let answers_call = (prev.role == Role::Assistant && prev.calls_tools())
                    || matches!(prev.role, Role::Tool | Role::Function);
                if !answers_call {
                    ctx.report(
                        Code::O006,
                        cur.role_span,
                        format!("{} message follows a {} message; a tool result must follow the assistant's tool call", cur.role.as_str(), prev.role.as_str()),
                    );
                }
            }
            Role::User if prev.role == Role::User => {
                ctx.report(Code::O006, cur.role_span, "two user messages in a row; merge them or add the assistant's reply between them");
            }
            Role::Assistant if prev.role == Role::Assistant => {
                ctx.report(Code::O006, cur.role_span, "two assistant messages in a row; merge them or add the user's turn between them");
            }
            _ => {}
        }
    }
}
