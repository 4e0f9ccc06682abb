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
    let min = ctx.options().min_chars;
    // A character is at most 4 bytes: long content needs no counting.
    let bytes: usize = message.content.texts().map(|t| t.value.len()).sum();
    if bytes >= min.saturating_mul(4) {
        return;
    }
    let chars: usize = message.content.texts().map(|t| count_chars(&t.value)).sum();
    if chars > 0 && chars < min {
        ctx.report(
            Code::C001,
            span,
            format!(
                "{} content is {}, under the minimum of {min}",
                message.role.as_str(),
                crate::report::summary::plural(chars as u64, "character")
            ),
        );
    }
}
