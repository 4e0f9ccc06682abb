//! C001 content-too-short.

use serde::{Deserialize, Deserializer};

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, Role, count_chars};
use crate::rule::{RuleOption, RuleOptions, integer_option};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a message whose text has fewer than `min_chars` characters, in any role but
    /// tool and function results (short data such as `42` is what a tool returns).
    /// Characters are Unicode code points, not bytes: `谢谢` is 2 characters, `Merci !` is 7.
    /// The text parts of a content array are counted together. Empty content is C003's;
    /// messages with an image, and assistant messages that call tools, are not checked.
    ///
    /// ## Why is this bad?
    /// A reply of a few characters ("Yes.", "ok", "Done") is rarely the behaviour you want
    /// the model to learn: trained on such turns, it gives curt answers that leave the user
    /// with the next question. Very short system prompts and user turns are often truncation
    /// or export errors. The lesson's validator flags content under 10 characters.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "content": "Yes."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "content": "Yes. Choose Bank transfer at checkout; your order ships once the payment arrives."}]}
    /// ```
    ///
    /// ## Options
    /// - `min_chars` (default `10`): the fewest characters a message's text may have; `0`
    ///   turns the check off.
    ///
    /// ```toml
    /// [rules]
    /// content-too-short = { min_chars = 20 }
    /// ```
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
        config: Options,
    };
}

/// C001's options: `[rules] content-too-short = { min_chars = 20 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// The fewest characters a message's text may have; `0` turns the check off.
    #[serde(deserialize_with = "min_chars")]
    pub min_chars: usize,
}

impl RuleOptions for Options {
    const DEFAULT: Options = Options { min_chars: 10 };
}

impl Default for Options {
    fn default() -> Self {
        Options::DEFAULT
    }
}

fn min_chars<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    integer_option(d, 0, "a non-negative integer")
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    // Tool results are data ("42", "true"), not prose.
    let is_tool_result = matches!(message.role, Role::Tool | Role::Function);
    if message.content.has_image() || message.calls_tools() || is_tool_result {
        return;
    }
    let Some(span) = message.content.span() else {
        return;
    };
    let min = ctx.settings.options::<Options>(Code::C001).min_chars;
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
                crate::wording::plural(chars as u64, "character")
            ),
        );
    }
}
