//! C003 empty-content.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Content, Message};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports content that is an empty string or only whitespace, and a content array whose
    /// text parts are all empty and that has no image. An assistant message that calls tools
    /// may have empty content. C001 does not also report the message.
    ///
    /// ## Why is this bad?
    /// An empty assistant turn teaches the model that saying nothing is a good answer; an
    /// empty user or system turn is a message with no input, usually a failed generation or
    /// a field lost in an export. It is an error by default because the example teaches the
    /// wrong thing outright.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "content": "  "}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "content": "Yes. Choose Bank transfer at checkout; your order ships once the payment arrives."}]}
    /// ```
    pub static EMPTY_CONTENT = {
        code: "C003",
        name: "empty-content",
        level: Error,
        summary: "content is empty or whitespace only",
    };
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    let empty = match &message.content {
        Content::Text(t) => t.value.trim().is_empty(),
        Content::Parts { parts, .. } => {
            !parts.is_empty()
                && !message.content.has_image()
                && message.content.texts().all(|t| t.value.trim().is_empty())
        }
        _ => false,
    };
    if !empty {
        return;
    }
    // An assistant turn that only calls tools has nothing to say.
    if !message.calls_tools() {
        ctx.report(
            Code::C003,
            message.content_or_message_span(),
            format!("{} message has empty content", message.role.as_str()),
        );
    }
}
