//! T rules: token counts.

use serde::{Deserialize, Deserializer};

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::Conversation;
use crate::rule::{RuleOption, RuleOptions, integer_option};
use crate::rules::Code;
use crate::settings::Settings;
use crate::tokens;
use crate::wording::thousands;

declare_rule! {
    /// ## What it does
    /// Reports an example with more than `max_per_example` tokens (`[tokens]
    /// max_per_example`, default 65,536), counted exactly with the configured OpenAI
    /// tokenizer (`[tokens] encoding`: `o200k_base`, the default, or `cl100k_base`; both are
    /// built in, nothing is downloaded). The finding points at the example's largest message.
    ///
    /// The count is OpenAI's chat formula: 3 tokens per message plus the tokens of its role,
    /// its content (each text part of a content array; images are not counted), its `name`
    /// (plus 1) and a tool message's `tool_call_id`; each tool call, and the example's tool
    /// definitions, as the tokens of their compact JSON text; plus 3 for the reply priming.
    /// Text is encoded as ordinary text, so a literal `<|endoftext|>` counts as the few tokens
    /// of its characters (C010 reports it). Every token stands for at least one byte, so an
    /// example whose text is shorter than the limit is never tokenized for this rule; and no
    /// token stands for more than 128 bytes, so an example with over 128 times the limit in
    /// bytes (and over 1 MiB) is reported as "at least" that many tokens without tokenizing it.
    ///
    /// ## Why is this bad?
    /// Fine-tuning truncates an example at the model's context limit: the end of the
    /// conversation — usually the assistant's answer, the part training learns from — is cut
    /// off, and the tokens before it are still billed. An example this long is usually a
    /// pasted document or several conversations run together.
    ///
    /// ## Example
    /// ```jsonl,invalid,max_per_example=40
    /// {"messages": [{"role": "user", "content": "Summarise our refund policy."}, {"role": "assistant", "content": "Refunds are available within 30 days of purchase for unused items in their original packaging. Opened items can be returned for store credit. Shipping costs are not refunded unless the item arrived damaged."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,max_per_example=40
    /// {"messages": [{"role": "user", "content": "Summarise our refund policy."}, {"role": "assistant", "content": "Unused items: refund within 30 days."}]}
    /// ```
    ///
    /// ## Options
    /// - `max_per_example` (default `65536`): the most tokens one example may have. It is
    ///   set for every file by `[tokens] max_per_example` (next to `[tokens] encoding`); a
    ///   `[rules]` or `[[overrides]]` entry sets it for some files.
    ///
    /// ```toml
    /// [rules]
    /// too-many-tokens = { max_per_example = 16385 }
    /// ```
    pub static TOO_MANY_TOKENS = {
        code: "T001",
        name: "too-many-tokens",
        level: Warning,
        summary: "example over `tokens.max_per_example` tokens; training would truncate it",
        options: [RuleOption {
            name: "max_per_example",
            default: "65536",
            doc: "most tokens one example may have (also `[tokens] max_per_example`)",
        }],
        config: TooManyTokensOptions,
    };
}

/// T001's options: `[tokens] max_per_example` for every file, or `[rules] too-many-tokens =
/// { max_per_example = 16385 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TooManyTokensOptions {
    /// The most tokens one example may have.
    #[serde(deserialize_with = "max_per_example")]
    pub max_per_example: u64,
}

impl RuleOptions for TooManyTokensOptions {
    const DEFAULT: TooManyTokensOptions = TooManyTokensOptions {
        max_per_example: 65_536,
    };
}

impl Default for TooManyTokensOptions {
    fn default() -> Self {
        TooManyTokensOptions::DEFAULT
    }
}

fn max_per_example<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    integer_option(d, 1, "a positive integer (tokens)")
}

impl Settings {
    /// T001's `max_per_example`: the most tokens one example may have.
    pub fn max_tokens(&self) -> u64 {
        self.options::<TooManyTokensOptions>(Code::T001)
            .max_per_example
    }
}

/// Examples with up to this many bytes of text are always counted exactly.
const EXACT_UP_TO: u64 = 1 << 20;

/// Reports T001. Uses the example's count when the engine made one for the token
/// statistics (`ctx.tokens`); otherwise counts only when the bytes could reach the limit,
/// and keeps the count in `ctx.tokens`.
pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    let settings = ctx.settings;
    let max = settings.max_tokens();
    if ctx.tokens.is_none() {
        let upper = tokens::upper_bound(conv, ctx.text);
        if upper <= max {
            return;
        }
        // Megabytes of text over the limit by their length alone: say so without tokenizing
        // them: the exact figure would cost a second per few megabytes and change nothing.
        let (lower, largest) = match upper > EXACT_UP_TO {
            true => tokens::lower_bound(conv),
            false => (0, None),
        };
        if lower > max {
            let span = largest.map_or(conv.span, |i| conv.messages[i].content_or_message_span());
            ctx.report(
                Code::T001,
                span,
                format!(
                    "example has at least {} tokens ({}) by its length alone, over the limit of {} (tokens.max_per_example), so training would truncate it",
                    thousands(lower),
                    settings.encoding.as_str(),
                    thousands(max),
                ),
            );
            return;
        }
        ctx.tokens = Some(tokens::count(conv, ctx.text, settings.encoding));
    }
    let Some(counted) = &ctx.tokens else {
        return;
    };
    if counted.total > max {
        let (span, largest) = match counted.largest {
            Some((i, n)) => {
                let m = &conv.messages[i];
                (
                    m.content_or_message_span(),
                    format!(
                        "; the largest message is #{} ({}, {} tokens)",
                        i + 1,
                        m.role.as_str(),
                        thousands(n)
                    ),
                )
            }
            None => (conv.span, String::new()),
        };
        let message = format!(
            "example has {} tokens ({}), over the limit of {} (tokens.max_per_example), so training would truncate it{largest}",
            thousands(counted.total),
            settings.encoding.as_str(),
            thousands(max),
        );
        ctx.report(Code::T001, span, message);
    }
}
