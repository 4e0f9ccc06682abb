//! T rules: token counts, and what a trainer that cuts examples at `max_length` loses.
//!
//! The three rules share one pass ([`PASS`]): it measures an example once, with the bound
//! when the bound settles every question, with the tokenizer otherwise, and reports each
//! rule under its own code; T001 stays quiet when T002 or T003 says more.

use serde::{Deserialize, Deserializer};

use crate::context::RecordContext;
use crate::declare_rule;
use crate::diagnostic::Span;
use crate::record::{Conversation, Role, Shape};
use crate::rule::{RuleOption, RuleOptions, integer_option};
use crate::rules::{Code, Shared};
use crate::settings::{Overflow, Settings};
use crate::target::OverLimit;
use crate::tokens::{self, ExampleTokens};
use crate::wording::{plural, thousands};

declare_rule! {
    /// ## What it does
    /// Reports an example with more than `max_per_example` tokens (`[tokens]
    /// max_per_example`, default 65,536), counted exactly with the configured OpenAI
    /// tokenizer (`[tokens] encoding`: `o200k_base`, the default, or `cl100k_base`; both are
    /// built in, nothing is downloaded). The finding points at the example's largest message,
    /// or at its tool definitions (`tools`) when they have more tokens than any message (with
    /// OpenAI's tokenizer, which counts them; a model's chat template may not render them).
    ///
    /// A preference pair is counted as its trainer runs it, twice: the prompt with the chosen
    /// answer, and the prompt with the rejected answer (the finding then says so and points
    /// into the rejected answer). An answer labelled undesirable (KTO `false`) counts as any
    /// other: it is trained on, against its label.
    ///
    /// The count is OpenAI's chat formula: 3 tokens per message plus the tokens of its role,
    /// its content (each text part of a content array; images are not counted), its `name`
    /// (plus 1) and a tool message's `tool_call_id`; each tool call, and the example's tool
    /// definitions, as the tokens of their compact JSON text; plus 3 for the reply priming.
    /// The tool definitions are the record's `tools` (or `functions`), or the `tools` column
    /// of a ShareGPT or LLaMA-Factory record (LLaMA-Factory renders it into every example's
    /// prompt); definitions stored as a string of JSON count as the JSON they hold. An
    /// assistant turn's chain of thought, where the target reads it beside the answer
    /// (`reasoning_content`, `reasoning` or `thinking` as `tunelint explain TARGET` lists
    /// them; Bedrock Nova's `reasoningContent`), is part of the turn: it counts as if written
    /// before the answer as `<think>\n…\n</think>\n\n`, so a turn counts the same with its
    /// reasoning in a field or inline. A key the target drops (S008) is not counted.
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
    ///   `[rules]` or `[[overrides]]` entry sets it for some files. Where the trainer's
    ///   `max_length` is set (`[tokens] max_length`, or T002's or T003's), T001 reports the
    ///   examples longer than `max_length` instead, and a `max_per_example` set with it is
    ///   warned about: it then only caps the billed tokens of the statistics.
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

declare_rule! {
    /// ## What it does
    /// Reports an example whose trained tokens (its answers) run past `max_length`, when the
    /// trainer truncates long examples (`[tokens] max_length`, with `overflow = "truncate"`,
    /// the default). The message says how many tokens of the answer are cut.
    ///
    /// `max_length` is the trainer's setting: TRL's `SFTConfig(max_length=...)`, which keeps
    /// the first `max_length` tokens of the rendered example (`truncation_mode =
    /// "keep_start"`); LLaMA-Factory's `cutoff_len` bounds the same length but shortens the
    /// prompt and the answer of the turn it falls in, in proportion, so the examples it cuts
    /// are these while the cut may fall elsewhere in them. With `[tokens] overflow = "keep_end"`
    /// (TRL's `truncation_mode = "keep_end"`) the trainer keeps the last `max_length` tokens
    /// instead: this rule then reports the answer whose start is cut (and any before it, cut
    /// entirely). A preference pair's rejected answer is judged the same way, after its prompt
    /// (the trainer truncates both sequences of a pair). Counts use the configured tokenizer:
    /// an open-weight model's
    /// (`[tokens] tokenizer`, the example rendered with its chat template) or OpenAI's. An
    /// example whose bytes cannot reach `max_length` tokens is never tokenized for this rule.
    ///
    /// ## Why is this bad?
    /// Truncation keeps the start of the example. When the cut falls inside an answer, the
    /// model is trained on an answer that stops mid-sentence, with no end-of-turn token: it
    /// learns to stop mid-way. An answer wholly past the cut is never learned, yet the prompt
    /// before it is still paid for. Keeping the end instead, an answer cut at its start is
    /// learned without its question and opening: the model learns to begin mid-thought.
    ///
    /// ## Example
    /// ```jsonl,invalid,max_length=40
    /// {"messages": [{"role": "user", "content": "Summarise our refund policy."}, {"role": "assistant", "content": "Refunds are available within 30 days of purchase for unused items in their original packaging. Opened items can be returned for store credit."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,max_length=40
    /// {"messages": [{"role": "user", "content": "Summarise our refund policy."}, {"role": "assistant", "content": "Unused items: refund within 30 days."}]}
    /// ```
    ///
    /// ## Options
    /// - `max_length` (default `0`, no limit): where the trainer cuts an example, in tokens. Set for
    ///   every file by `[tokens] max_length`, which T001, T003 and the token statistics also
    ///   follow; `[rules]` sets it for this rule alone.
    ///
    /// ```toml
    /// [rules]
    /// truncated-answer = { max_length = 2048 }
    /// ```
    pub static TRUNCATED_ANSWER = {
        code: "T002",
        name: "truncated-answer",
        level: Warning,
        summary: "with the trainer's `max_length`, truncation cuts into an answer: the model learns to stop mid-way",
        options: [RuleOption {
            name: "max_length",
            default: "0",
            doc: "where the trainer cuts an example, in tokens; 0: nowhere (also `[tokens] max_length`)",
        }],
        config: TruncatedAnswerOptions,
    };
}

/// T002's options: `[tokens] max_length` for every file, or `[rules] truncated-answer = {
/// max_length = 2048 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TruncatedAnswerOptions {
    /// Where the trainer cuts an example, in tokens; 0 when it does not.
    #[serde(deserialize_with = "max_length")]
    pub max_length: u64,
}

impl RuleOptions for TruncatedAnswerOptions {
    const DEFAULT: TruncatedAnswerOptions = TruncatedAnswerOptions { max_length: 0 };
}

impl Default for TruncatedAnswerOptions {
    fn default() -> Self {
        TruncatedAnswerOptions::DEFAULT
    }
}

fn max_length<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    integer_option(d, 0, "a non-negative integer (tokens; 0 for no limit)")
}

declare_rule! {
    /// ## What it does
    /// Reports an example nothing of which is trained on: every answer falls past
    /// `[tokens] max_length` (the trainer keeps the first `max_length` tokens: TRL's
    /// `max_length`; LLaMA-Factory's `cutoff_len` cuts the same examples), or every answer falls
    /// before the last `max_length` tokens when the trainer keeps those (`overflow = "keep_end"`,
    /// TRL's `truncation_mode = "keep_end"`), the trainer drops the example for being
    /// longer (`overflow = "drop"`, as axolotl does beyond `sequence_len`), or the model's
    /// chat template marks no text of it as generated (`{% generation %}`). Also an example
    /// the model's chat template refuses to render (`raise_exception`), which stops
    /// `apply_chat_template` and with it the trainer's preprocessing; the message names the
    /// template's file and line. A template that does not finish on an example (a loop
    /// without end, a string or list that keeps doubling) is stopped after about 8 million
    /// steps or 512 MB of data, and one that writes more than 4 MB of text plus 64 bytes for
    /// each byte of the record (repeating a message, say) once it has; each is reported the
    /// same way. After 8 such examples the template is no longer run (each costs about a
    /// second), and every later example is reported at once, saying why the 8 were stopped.
    /// Under TRL (and without a target) also a record whose `chat_template_kwargs` is not an
    /// object (`null` included): TRL's trainers unpack it into `apply_chat_template`'s
    /// arguments, and stop there; so they do on an entry TRL passes itself (`messages`,
    /// `tokenize`, `return_dict`, `return_assistant_tokens_mask`: a TypeError), and on
    /// `continue_final_message` with `add_generation_prompt` (a ValueError). (A `tools` string
    /// that is not JSON stops them too; S010 reports it.) A template that uses one of
    /// Jinja2's filters or Python's methods that tunelint's template engine does not have
    /// (`wordwrap`, `xmlattr`, `.expandtabs()`) is reported as info instead: the trainer
    /// renders it, and only the token counts of those examples are missing; so is a record
    /// whose `chat_template_kwargs` asks for what tunelint does not do (`continue_final_message`,
    /// its own `chat_template`, `truncation`).
    ///
    /// An example with no assistant message, or only masked ones (`weight: 0`, axolotl's
    /// `train: false`, LLaMA-Factory's `loss_weight: 0.0`), is O004's.
    /// Counts use the configured tokenizer; an example whose bytes cannot reach `max_length`
    /// tokens is not tokenized.
    ///
    /// ## Why is this bad?
    /// The example costs compute (its tokens go through the model) and teaches nothing. When
    /// it was meant to teach something, the masking or the limit is wrong.
    ///
    /// ## Example
    /// ```jsonl,invalid,max_length=40
    /// {"messages": [{"role": "user", "content": "Here is our whole refund policy: refunds are available within 30 days of purchase for unused items in their original packaging, opened items can be returned for store credit. Summarise it."}, {"role": "assistant", "content": "Unused items: refund within 30 days."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,max_length=40
    /// {"messages": [{"role": "user", "content": "Summarise our refund policy."}, {"role": "assistant", "content": "Unused items: refund within 30 days."}]}
    /// ```
    ///
    /// ## Options
    /// - `max_length` (default `0`, no limit): where the trainer cuts an example, in tokens. Set for
    ///   every file by `[tokens] max_length` (with `[tokens] overflow`); `[rules]` sets it for
    ///   this rule alone.
    ///
    /// ```toml
    /// [rules]
    /// nothing-to-train = { max_length = 2048 }
    /// ```
    pub static NOTHING_TO_TRAIN = {
        code: "T003",
        name: "nothing-to-train",
        level: Warning,
        summary: "every trained token is masked, beyond `max_length` or dropped: the example teaches nothing",
        options: [RuleOption {
            name: "max_length",
            default: "0",
            doc: "where the trainer cuts an example, in tokens; 0: nowhere (also `[tokens] max_length`)",
        }],
        config: TruncatedAnswerOptions,
    };
}

impl Settings {
    /// `[tokens] max_length` (T002's and T003's option): where the trainer cuts an example.
    pub fn max_length(&self) -> Option<u64> {
        self.rule_max_length(Code::T002)
            .or_else(|| self.rule_max_length(Code::T003))
    }

    /// The `max_length` of T002 or T003 alone (`[rules]` may set one).
    fn rule_max_length(&self, code: Code) -> Option<u64> {
        Some(self.options::<TruncatedAnswerOptions>(code).max_length).filter(|&n| n > 0)
    }

    /// What the token statistics need of these settings.
    pub fn counting(&self) -> crate::tokens::Counting {
        crate::tokens::Counting {
            encoding: self.encoding,
            tokenizer: self.model.as_ref().map(|m| m.name.clone()),
            cap: self.max_tokens(),
            limit: self.token_limit().0,
            limit_name: self.token_limit().1.to_owned(),
            max_length: self.max_length(),
            overflow: self.overflow,
        }
    }

    /// The limit T001 and the statistics judge by, and the setting it comes from in words:
    /// `max_length` when set (T002's, else T003's, as [`Settings::max_length`] reads them),
    /// else `max_per_example`. A value `[tokens]` sets, or the default, is named as
    /// `[tokens]`'s key; one from `[rules]`, an override or a target as that.
    pub fn token_limit(&self) -> (u64, &str) {
        let length = [Code::T002, Code::T003]
            .into_iter()
            .find_map(|code| self.rule_max_length(code).map(|n| (code, n)));
        match length {
            Some((code, n)) => (
                n,
                self.option_source(code, "max_length")
                    .unwrap_or("tokens.max_length"),
            ),
            None => (
                self.max_tokens(),
                self.option_source(Code::T001, "max_per_example")
                    .unwrap_or("tokens.max_per_example"),
            ),
        }
    }
}

/// The pass T001, T002 and T003 share.
pub static PASS: Shared = Shared { check };

/// Examples with up to this many bytes of text are always counted exactly.
const EXACT_UP_TO: u64 = 1 << 20;

/// What is known of an example's tokens.
enum Measured {
    /// Counted.
    Exact,
    /// At most `limit` tokens by their bytes, so nothing is cut; whether any text is
    /// trained on.
    WithinLimit { trained: bool },
    /// Over the limit by its bytes alone (OpenAI counts of huge examples).
    AtLeast {
        lower: u64,
        largest: Option<tokens::Largest>,
    },
}

fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    // An unpaired answer labelled undesirable is trained on too (pushed away from).
    let trained = conv.as_trained();
    check_view(&trained, ctx, View::Example);
    // The trainer also runs the prompt with the rejected answer of a pair: that sequence is
    // counted and cut as the chosen one is. Its count is not the example's.
    if let Some(rejected) = rejected_view(&trained) {
        let counted = ctx.tokens.take();
        check_view(&rejected, ctx, View::Rejected);
        ctx.tokens = counted;
    }
}

/// Which sequence of a record [`check_view`] judges.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// The example as its content rules see it (a pair's prompt and chosen answer).
    Example,
    /// A preference pair's prompt with its rejected answer.
    Rejected,
}

impl View {
    /// What T001's message says has the tokens.
    fn subject(self) -> &'static str {
        match self {
            View::Example => "example has",
            View::Rejected => "the prompt with the rejected answer has",
        }
    }

    /// The answer T002 is about.
    fn answer(self) -> &'static str {
        match self {
            View::Example => "answer",
            View::Rejected => "rejected answer",
        }
    }

    /// What training makes of an answer cut short.
    fn partly_cut(self) -> &'static str {
        match self {
            View::Example => "the model learns to stop mid-sentence",
            View::Rejected => "the pair compares the chosen answer with a cut-off one",
        }
    }

    /// What training makes of an answer cut entirely.
    fn wholly_cut(self) -> &'static str {
        match self {
            View::Example => "the model never learns it",
            View::Rejected => "the pair compares the chosen answer with nothing",
        }
    }
}

/// A preference pair's prompt (its messages up to the last user turn) followed by the
/// rejected answer; `None` for a record that is not a pair.
fn rejected_view<'s>(conv: &Conversation<'s>) -> Option<Conversation<'s>> {
    if !conv.preference || conv.shape != Shape::Chat || conv.set_aside.is_empty() {
        return None;
    }
    let prompt = conv
        .messages
        .iter()
        .rposition(|m| m.role == Role::User)
        .map_or(0, |i| i + 1);
    let mut messages = conv.messages[..prompt].to_vec();
    messages.extend(conv.set_aside.iter().cloned());
    Some(Conversation {
        messages,
        span: conv.span,
        incomplete: conv.incomplete,
        tools: conv.tools,
        tools_text: conv.tools_text,
        shape: conv.shape,
        preference: true,
        set_aside: Vec::new(),
        roles_as_written: conv.roles_as_written,
        output_start: None,
        desirable: conv.desirable,
    })
}

fn check_view(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>, view: View) {
    let settings = ctx.settings;
    let (limit, limit_key) = settings.token_limit();
    let measured = match measure(conv, ctx, limit) {
        Ok(m) => m,
        // A tools string that is not JSON: S010 says so; the example is not counted.
        Err(e)
            if e.error.input == Some(tokens::template::InputProblem::ToolsText)
                && ctx.count(Code::S010) > 0 =>
        {
            return;
        }
        // Not the data's fault: the trainer renders it, tunelint cannot count it.
        Err(e) if e.error.unsupported => {
            ctx.report_capped(
                Code::T003,
                crate::rule::Level::Info,
                conv.span,
                if e.error.input.is_some() {
                    format!("{e}, so this example's tokens are not counted (the trainer renders it)")
                } else {
                    format!("{e}; Jinja2 has it and tunelint's template engine does not, so this example's tokens are not counted (the trainer renders it)")
                },
            );
            return;
        }
        Err(e) => {
            ctx.report(
                Code::T003,
                conv.span,
                if e.error.exhausted {
                    format!("{e}; the trainer's preprocessing would hang or run out of memory here")
                } else {
                    format!("{e}; the trainer's preprocessing would stop here")
                },
            );
            return;
        }
    };
    let tokenizer = settings.tokenizer_name().to_string();
    match measured {
        Measured::AtLeast { lower, largest } => {
            let (span, largest) = largest_part(conv, largest);
            let message = format!(
                "{} at least {} tokens ({tokenizer}) by its length alone, over the limit of {} ({limit_key}){}{largest}",
                view.subject(),
                thousands(lower),
                thousands(limit),
                over_limit(settings).0,
            );
            report_over(ctx, span, message);
        }
        Measured::WithinLimit { trained } => {
            if !trained && view == View::Example {
                nothing_trained(conv, ctx);
            }
        }
        Measured::Exact => {
            let Some(counted) = ctx.tokens.clone() else {
                return;
            };
            let said = (view == View::Example && nothing_trained_exact(conv, ctx, &counted))
                || cut(conv, ctx, &counted, view);
            if !said && counted.total > limit {
                too_many(conv, ctx, &counted, limit, limit_key, &tokenizer, view);
            }
        }
    }
}

/// Measures the example: from the engine's count, by its bytes, or by counting it (kept in
/// `ctx.tokens`).
fn measure(
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
    limit: u64,
) -> Result<Measured, tokens::hf::RenderError> {
    let settings = ctx.settings;
    if ctx.tokens.is_some() {
        return Ok(Measured::Exact);
    }
    // The token statistics rendered this example already, and the template failed.
    if let Some(e) = ctx.render_error.take() {
        return Err(e);
    }
    if let Some(model) = &settings.model {
        let trainer = tokens::hf::Trainer::of(settings.target);
        // One rendering bounds the count; finding the trained parts takes more, needed only
        // past the bound or when the template's `{% generation %}` blocks say what is trained
        // (without them, the trained assistant turns are: O004 reports an example with none).
        if !model.marks_generation(conv) {
            let text = model.render_text(conv, ctx.text, trainer)?;
            // A template that drops the answers trains nothing: when an answer's end is not
            // in the text, the rendering below finds out what is trained, as with
            // `--token-stats`.
            if model.upper_bound(&text) <= limit && answers_rendered(conv, &text.text) {
                return Ok(Measured::WithinLimit { trained: true });
            }
        }
        let rendered = model.render(conv, ctx.text, trainer)?;
        if model.upper_bound(&rendered) <= limit {
            return Ok(Measured::WithinLimit {
                trained: rendered.has_trained(),
            });
        }
        ctx.tokens = Some(model.count_rendered(conv, &rendered));
        return Ok(Measured::Exact);
    }
    let upper = tokens::upper_bound(conv, ctx.text);
    if upper <= limit {
        let trained = conv.messages.iter().any(|m| {
            m.role == Role::Assistant
                && m.trained()
                && (m.content.texts().any(|t| !t.value.is_empty())
                    || m.calls_tools()
                    || !m.reasoning.is_empty())
        });
        return Ok(Measured::WithinLimit { trained });
    }
    // Megabytes of text over the limit by their length alone: say so without tokenizing
    // them: the exact figure would cost a second per few megabytes and change nothing.
    if upper > EXACT_UP_TO {
        let (lower, largest) = tokens::lower_bound(conv);
        if lower > limit {
            return Ok(Measured::AtLeast { lower, largest });
        }
    }
    ctx.tokens = Some(tokens::count(conv, ctx.text, settings.encoding));
    Ok(Measured::Exact)
}

/// Whether the text a template rendered holds the end of each trained answer (its last
/// characters, trimmed: a template may strip a chain of thought before them, or spaces).
/// An answer that is only tool calls is taken as rendered.
fn answers_rendered(conv: &Conversation<'_>, rendered: &str) -> bool {
    conv.messages
        .iter()
        .filter(|m| m.role == Role::Assistant && m.trained())
        .all(|m| {
            let text = m.content.joined_text();
            let text = text.trim();
            let tail_start = text.char_indices().rev().nth(23).map_or(0, |(i, _)| i);
            text.is_empty() || rendered.contains(&text[tail_start..])
        })
}

/// T003 for an example with nothing trained before any limit: the model's template marks
/// nothing. Masked (`weight: 0`) or missing answers are O004's, empty ones C003's.
fn nothing_trained(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) -> bool {
    let assistants: Vec<_> = conv
        .messages
        .iter()
        .filter(|m| m.role == Role::Assistant)
        .collect();
    let Some(first) = assistants.first() else {
        return false;
    };
    if assistants.iter().all(|m| !m.trained()) {
        return false;
    }
    let Some(model) = &ctx.settings.model else {
        return false;
    };
    let message = format!(
        "the chat template ({}) marks no text of this example as trained (no {{% generation %}} output for its answers): it costs compute and teaches nothing",
        model.template_origin()
    );
    ctx.report(Code::T003, first.content_or_message_span(), message);
    ctx.enabled(Code::T003)
}

/// T003 from the exact count: nothing trained, or nothing left after the trainer's limit.
fn nothing_trained_exact(
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
    counted: &ExampleTokens,
) -> bool {
    if counted.trainable == 0 {
        return nothing_trained(conv, ctx);
    }
    let settings = ctx.settings;
    let Some(max_length) = settings.rule_max_length(Code::T003) else {
        return false;
    };
    if counted.total <= max_length {
        return false;
    }
    let tokenizer = settings.tokenizer_name();
    let message = match settings.overflow {
        Overflow::Drop => format!(
            "example has {} tokens ({tokenizer}); with max_length {} and overflow \"drop\" the trainer leaves it out, so it teaches nothing",
            thousands(counted.total),
            thousands(max_length)
        ),
        Overflow::Truncate => {
            let Some(first) = counted.answers.first().filter(|a| a.start >= max_length) else {
                return false;
            };
            format!(
                "with max_length {} every trained token is cut: the first answer starts at token {} of {} ({tokenizer}), so the example costs compute and teaches nothing",
                thousands(max_length),
                thousands(first.start + 1),
                thousands(counted.total)
            )
        }
        Overflow::KeepEnd => {
            let cut = counted.total - max_length;
            let Some(last) = counted.answers.last().filter(|a| a.end <= cut) else {
                return false;
            };
            format!(
                "with max_length {} and overflow \"keep_end\" every trained token is cut: the last answer ends at token {} and the trainer keeps the last {} of {} ({tokenizer}), so the example costs compute and teaches nothing",
                thousands(max_length),
                thousands(last.end),
                thousands(max_length),
                thousands(counted.total)
            )
        }
    };
    let span = counted
        .answers
        .first()
        .and_then(|a| a.message)
        .map_or(conv.span, |i| conv.messages[i].content_or_message_span());
    ctx.report(Code::T003, span, message);
    ctx.enabled(Code::T003)
}

/// T002: truncation at `max_length` cuts into an answer.
fn cut(
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
    counted: &ExampleTokens,
    view: View,
) -> bool {
    let settings = ctx.settings;
    let Some(max_length) = settings.rule_max_length(Code::T002) else {
        return false;
    };
    if counted.total <= max_length {
        return false;
    }
    match settings.overflow {
        Overflow::Truncate => {}
        Overflow::KeepEnd => return cut_start(conv, ctx, counted, max_length, view),
        Overflow::Drop => return false,
    }
    let mut cut = counted.answers.iter().filter(|a| a.end > max_length);
    let Some(first) = cut.next() else {
        return false;
    };
    let later: Vec<_> = cut.collect();
    let mut message = if first.start < max_length {
        format!(
            "with max_length {} the last {} of this {}'s {} tokens are cut ({}); {}",
            thousands(max_length),
            thousands(first.end - max_length),
            view.answer(),
            thousands(first.len()),
            settings.tokenizer_name(),
            view.partly_cut(),
        )
    } else {
        format!(
            "with max_length {} this {} ({} tokens from token {}; {}) is cut entirely; {}",
            thousands(max_length),
            view.answer(),
            thousands(first.len()),
            thousands(first.start + 1),
            settings.tokenizer_name(),
            view.wholly_cut(),
        )
    };
    also_cut(&mut message, &later, "after");
    report_cut(conv, ctx, first, message)
}

/// Adds to a T002 message the answers cut entirely besides the one it is about, when any
/// are: `", and 2 more answers after it (312 tokens) are cut entirely"`.
fn also_cut(message: &mut String, others: &[&crate::tokens::Answer], side: &str) {
    if others.is_empty() {
        return;
    }
    let tokens: u64 = others.iter().map(|a| a.len()).sum();
    message.push_str(&format!(
        ", and {} {side} it ({} tokens) {} cut entirely",
        plural(others.len() as u64, "more answer"),
        thousands(tokens),
        if others.len() == 1 { "is" } else { "are" }
    ));
}

/// Reports T002 on `answer`'s content (the whole example when it has no message of its
/// own); returns whether T002 is enabled.
fn report_cut(
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
    answer: &crate::tokens::Answer,
    message: String,
) -> bool {
    let span = answer
        .message
        .map_or(conv.span, |i| conv.messages[i].content_or_message_span());
    ctx.report(Code::T002, span, message);
    ctx.enabled(Code::T002)
}

/// T002 when the trainer keeps the end of a long example (`overflow = "keep_end"`): the
/// answers in its first `total - max_length` tokens lose their start, or all of it.
fn cut_start(
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
    counted: &ExampleTokens,
    max_length: u64,
    view: View,
) -> bool {
    let settings = ctx.settings;
    let cut = counted.total - max_length;
    let cut_answers: Vec<_> = counted.answers.iter().filter(|a| a.start < cut).collect();
    // The answer nearest the kept end; the others before it are cut entirely.
    let Some((last, earlier)) = cut_answers.split_last() else {
        return false;
    };
    let mut message = if last.end > cut {
        format!(
            "with max_length {} and overflow \"keep_end\" the first {} of this {}'s {} tokens are cut, with all before it ({}); {}",
            thousands(max_length),
            thousands(cut - last.start),
            view.answer(),
            thousands(last.len()),
            settings.tokenizer_name(),
            match view {
                View::Example =>
                    "the model learns an answer that starts mid-way, without its question",
                View::Rejected =>
                    "the pair compares the chosen answer with one that starts mid-way, without its question",
            },
        )
    } else {
        format!(
            "with max_length {} and overflow \"keep_end\" this {} ({} tokens, ending at token {}; {}) is cut entirely; {}",
            thousands(max_length),
            view.answer(),
            thousands(last.len()),
            thousands(last.end),
            settings.tokenizer_name(),
            view.wholly_cut(),
        )
    };
    also_cut(&mut message, earlier, "before");
    report_cut(conv, ctx, last, message)
}

/// Where T001 points, and what its message adds: the largest message, or the tool definitions
/// when they outweigh every message.
fn largest_part(
    conv: &Conversation<'_>,
    largest: Option<tokens::Largest>,
) -> (crate::diagnostic::Span, String) {
    let tokens = |n: u64| match n {
        0 => String::new(),
        n => format!(", {} tokens", thousands(n)),
    };
    match largest {
        Some(tokens::Largest::Message(i, n)) => {
            let m = &conv.messages[i];
            // Numbered as the record's list has them (C006, O005 alike); a system prompt under
            // its own key (axolotl's `system`, mistral-finetune's `system_prompt`) is none of
            // them.
            let which = if m.role == Role::System && !conv.listed(m) {
                format!("the record's own system prompt{}", tokens(n))
            } else {
                format!("#{} ({}{})", conv.position(i), m.role.as_str(), tokens(n))
            };
            (
                m.content_or_message_span(),
                format!("; the largest message is {which}"),
            )
        }
        // The span points at them under whichever key the record gives them (`tools`, the
        // deprecated `functions`, Mistral's `available_tools`).
        Some(tokens::Largest::Tools(n)) => (
            conv.tools.unwrap_or(conv.span),
            format!(
                "; the tool definitions ({} tokens) outweigh every message",
                thousands(n)
            ),
        ),
        None => (conv.span, String::new()),
    }
}

/// T001: the example is over the limit.
fn too_many(
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
    counted: &ExampleTokens,
    limit: u64,
    limit_key: &str,
    tokenizer: &str,
    view: View,
) {
    let (span, largest) = largest_part(conv, counted.largest);
    let message = format!(
        "{} {} tokens ({tokenizer}), over the limit of {} ({limit_key}){}{largest}",
        view.subject(),
        thousands(counted.total),
        thousands(limit),
        over_limit(ctx.settings).0,
    );
    report_over(ctx, span, message);
}

/// What T001 says becomes of an example over the limit it judges by, and whether that is an
/// error: a target's own limit says what the target does (Amazon Bedrock's validator refuses
/// the record); `max_length` and `max_per_example` are where training cuts.
fn over_limit(settings: &Settings) -> (String, bool) {
    let target_limit = settings
        .target_token_limit
        .filter(|_| settings.max_length().is_none());
    match target_limit.map(|l| l.over) {
        Some(OverLimit::Refused) => (
            format!(
                ", which {} refuses: the training job rejects the file",
                settings.target.map_or("the provider", |t| t.title)
            ),
            true,
        ),
        Some(OverLimit::Unstated) => (String::new(), false),
        Some(OverLimit::Truncated) | None => (", so training would truncate it".to_owned(), false),
    }
}

/// Reports T001: an error where the target refuses the record, at the rule's level otherwise.
fn report_over(ctx: &mut RecordContext<'_>, span: Span, message: String) {
    if over_limit(ctx.settings).1 {
        ctx.report_error(Code::T001, span, message);
    } else {
        ctx.report(Code::T001, span, message);
    }
}
