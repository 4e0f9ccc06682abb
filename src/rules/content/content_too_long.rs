//! C002 content-too-long.

use serde::{Deserialize, Deserializer};

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, count_chars};
use crate::rule::{RuleOption, RuleOptions, integer_option};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a message whose text has more than `max_chars` characters (Unicode code
    /// points), in any role. The text parts of a content array are counted together; images
    /// do not count.
    ///
    /// ## Why is this bad?
    /// Messages that long are usually a pasted document, a log, or several answers run
    /// together, not a turn of a conversation. They dominate the token budget (training is
    /// billed per token), risk being truncated at the context limit, and teach the model to
    /// answer at length. The lesson's validator flags content over 10,000 characters.
    ///
    /// ## Example
    /// ```jsonl,invalid,max_chars=100
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "API keys are credentials that identify your account to our servers. Each key has a name, a creation date and a scope. To rotate a key, open Settings, then API keys, and choose Rotate."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,max_chars=100
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}]}
    /// ```
    ///
    /// ## Options
    /// - `max_chars` (default `10000`): the most characters a message's text may have.
    ///
    /// ```toml
    /// [rules]
    /// content-too-long = { max_chars = 4000 }
    /// ```
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
        config: Options,
    };
}

/// C002's options: `[rules] content-too-long = { max_chars = 4000 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// The most characters a message's text may have.
    #[serde(deserialize_with = "max_chars")]
    pub max_chars: usize,
}

impl RuleOptions for Options {
    const DEFAULT: Options = Options { max_chars: 10_000 };
}

impl Default for Options {
    fn default() -> Self {
        Options::DEFAULT
    }
}

fn max_chars<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    integer_option(d, 1, "a positive integer")
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    let Some(span) = message.content.span() else {
        return;
    };
    let max = ctx.settings.options::<Options>(Code::C002).max_chars;
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
                "{} content is {}, over the maximum of {}",
                message.role.as_str(),
                crate::wording::plural(chars as u64, "character"),
                crate::wording::thousands(max as u64)
            ),
        );
    }
}
