//! O006 role-order.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role};
use crate::rules::Code;
use crate::wording::with_article;

declare_rule! {
    /// ## What it does
    /// Reports a turn that cannot follow the one before it: a `tool` (or `function`) message
    /// that does not come after an assistant message with tool calls or after another tool
    /// result, two `user` messages in a row, and two `assistant` messages in a row. Where a
    /// system message may stand is O005's.
    ///
    /// ## Why is this bad?
    /// Conversations alternate, and several open-model chat templates (Llama 2, Mistral)
    /// raise "Conversation roles must alternate user/assistant/user/assistant/..." on
    /// anything else. Where templates accept it, two user turns in a row teach the model
    /// that a question may go unanswered, two assistant turns teach it to reply to itself,
    /// and a misplaced tool result teaches it to invent tool output. Usually two turns should
    /// be merged, or one was lost.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "user", "content": "I mean the key for the staging project."}, {"role": "assistant", "content": "Open the staging project, then Settings, API keys, and choose Rotate."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key? I mean the key for the staging project."}, {"role": "assistant", "content": "Open the staging project, then Settings, API keys, and choose Rotate."}]}
    /// ```
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
                        format!("{} message follows {} message; a tool result must follow the assistant's tool call", cur.role.as_str(), with_article(prev.role.as_str())),
                    );
                }
            }
            Role::User if prev.role == Role::User => {
                let w = super::words(ctx.format);
                ctx.report(
                    Code::O006,
                    cur.role_span,
                    format!(
                        "two user {} in a row; merge them or add the {}'s reply between them",
                        w.messages, w.assistant
                    ),
                );
            }
            Role::Assistant if prev.role == Role::Assistant => {
                let w = super::words(ctx.format);
                ctx.report(
                    Code::O006,
                    cur.role_span,
                    format!(
                        "two {} {} in a row; merge them or add the user's turn between them",
                        w.assistant, w.messages
                    ),
                );
            }
            _ => {}
        }
    }
}
