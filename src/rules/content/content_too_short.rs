//! C001 content-too-short.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, count_chars};
use crate::rule::RuleOption;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports message content shorter than `min_chars` characters.
    pub static CONTENT_TOO_SHORT = {
        code: "C001",
        name: "content-too-short",
        level: Warning,
        summary: "content shorter than `min_chars` characters",
        options: [RuleOption {
            name: "min_chars",
            default: "10",
            doc: "fewest characters (Unicode code points) a message's content may have",
        }],
    };
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if !ctx.enabled(Code::C001) || message.content.has_image() || message.calls_tools() {
        return;
    }
    let Some(span) = message.content.span() else {
        return;
    };
    let chars: usize = message.content.texts().map(|t| count_chars(&t.value)).sum();
    let min = ctx.options().min_chars;
    if chars > 0 && chars < min {
        ctx.report(
            Code::C001,
            span,
            format!(
                "{} content is {chars} characters, under the minimum of {min}",
                message.role.as_str()
            ),
        );
    }
}
