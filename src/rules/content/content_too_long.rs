//! C002 content-too-long.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, count_chars};
use crate::rule::RuleOption;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports message content longer than `max_chars` characters.
    pub static CONTENT_TOO_LONG = {
        code: "C002",
        name: "content-too-long",
        level: Warning,
        summary: "content longer than `max_chars` characters",
        options: [RuleOption {
            name: "max_chars",
            default: "10000",
            doc: "most characters (Unicode code points) a message's content may have",
        }],
    };
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if !ctx.enabled(Code::C002) {
        return;
    }
    let Some(span) = message.content.span() else {
        return;
    };
    let max = ctx.options().max_chars;
    // Bytes bound characters from above: most content needs no counting at all.
    let bytes: usize = message.content.texts().map(|t| t.value.len()).sum();
    if bytes <= max {
        return;
    }
    let chars: usize = message.content.texts().map(|t| count_chars(&t.value)).sum();
    if chars > max {
        ctx.report(
            Code::C002,
            span,
            format!(
                "{} content is {}, over the maximum of {max}",
                message.role.as_str(),
                crate::report::summary::plural(chars as u64, "character")
            ),
        );
    }
}
