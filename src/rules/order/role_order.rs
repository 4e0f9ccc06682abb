//! O006 role-order.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::diagnostic::Span;
use crate::record::{Conversation, Role};
use crate::rules::Code;
use crate::target;
use crate::wording::with_article;

declare_rule! {
    /// ## What it does
    /// Reports a turn that cannot follow the one before it: a `tool` (or `function`) message
    /// that does not come after an assistant message with tool calls or after another tool
    /// result, two `user` messages in a row, and two `assistant` messages in a row. Where a
    /// system message may stand is O005's.
    ///
    /// A warning, except where the provider rejects the file for two user or two assistant
    /// turns in a row: under `target = "together"` (its upload check), and for Bedrock's
    /// record shapes (with their target or without one, as only Bedrock reads them), where it
    /// is an error naming the provider. A level chosen for O006 (`--warn O006`, `O006 =
    /// "info"`) is kept, and `O006 = "off"` still turns it off. An image sent as a
    /// user message of its own beside the question (OpenAI's and Azure's vision examples)
    /// is not two user turns, where the provider takes two in a row.
    ///
    /// Under `target = "mistral"` a tool result out of place is an error: one that follows no
    /// tool call, and a user turn right after a tool result (mistral-finetune runs
    /// mistral-common's validator on every record, which allows only the assistant's turn or
    /// another tool result there).
    ///
    /// Under `target = "llama-factory"` both are errors, and so is a conversation whose first
    /// turn after the system prompt is the assistant's: its ShareGPT and OpenAI converters
    /// check each turn's role against its position and skip the example (a warning in its
    /// log, the example trained as empty) on the first that does not fit. Its alpaca
    /// converter skips nothing: a record of an alpaca `dataset_info.json` entry that names no
    /// `prompt` column gets an empty user turn before its answer, and is trained so; that is
    /// an error too, saying so. A tool result (an `observation` turn) right after an answer
    /// that calls no tool is only an info there: the converter checks positions, where a
    /// tool result takes the user's side, and the template renders and trains the pair as
    /// written (LLaMA-Factory's own `glaive_toolcall` demo writes some calls inside the
    /// answer's text).
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
    // Plain text for language modelling (a `text` record, LLaMA-Factory's pre-training
    // columns) has no turns to order.
    if conv.shape == crate::record::Shape::Text {
        return;
    }
    if let Some((title, rule)) = user_first(ctx)
        && let Some(first) = conv.messages.iter().find(|m| !m.role.is_instruction())
        && !matches!(first.role, Role::User | Role::Tool | Role::Function)
    {
        let w = super::words(ctx.format);
        let opens = format!(
            "the conversation opens with {} {}",
            with_article(first.role.as_str()),
            w.message
        );
        let message = match super::alpaca_entry(ctx) {
            // The alpaca converter skips nothing: it puts a user turn before the answer.
            Some(d) => format!("{opens}: {}", super::empty_user_turn(d)),
            None => format!("{opens}, which {title} rejects ({rule}); start with the user's turn"),
        };
        ctx.report_error(Code::O006, first.role_span, message);
    }
    // Mistral's validator sees the turns without the system messages (mistral-finetune
    // takes them out first): its rule is judged on those, and not again below.
    let tool_rule = tool_result_turns(ctx);
    if let Some((title, rule)) = tool_rule {
        check_tool_result_turns(conv, ctx, title, rule);
    }
    for (i, pair) in conv.messages.windows(2).enumerate() {
        let (prev, cur) = (&pair[0], &pair[1]);
        match conv.output_start {
            // The prompt's last turn before the answer: the prompt must end on the user's
            // turn the answers reply to.
            Some(start) if i + 1 == start && cur.role == Role::Assistant => {
                if prev.role == Role::Assistant {
                    report_prompt_end(ctx, prev.role_span);
                }
                continue;
            }
            // Inside the answer: S002 says it holds more than one message.
            Some(start) if i + 1 > start => continue,
            _ => {}
        }
        match cur.role {
            Role::Tool | Role::Function if tool_rule.is_some() => {}
            Role::User
                if matches!(prev.role, Role::Tool | Role::Function) && tool_rule.is_some() => {}
            Role::Tool | Role::Function => {
                let answers_call = (prev.role == Role::Assistant && prev.calls_tools())
                    || matches!(prev.role, Role::Tool | Role::Function);
                // LLaMA-Factory's ShareGPT converter places each observation alone (its
                // `openai` formatting merges consecutive tool results into one).
                let merged = ctx
                    .settings
                    .declared
                    .as_deref()
                    .is_some_and(|d| d.formatting == crate::declared::Formatting::OpenAi);
                let user_side = prev.role == Role::User
                    || (matches!(prev.role, Role::Tool | Role::Function) && !merged);
                if user_side && tool_alternation(ctx) {
                    let w = super::words(ctx.format);
                    let after = if prev.role == Role::User {
                        "a user message"
                    } else {
                        "another tool result"
                    };
                    let turns = format!(
                        "{} message follows {after} (two turns of the user's side in a row)",
                        cur.role.as_str()
                    );
                    let fix = if prev.role == Role::User {
                        format!("put the {}'s tool call between them", w.assistant)
                    } else {
                        "merge the tool results into one".to_string()
                    };
                    report_repeat(ctx, cur.role_span, &turns, &fix);
                } else if !answers_call
                    && prev.role == Role::Assistant
                    && let Some((title, _)) = alternation(ctx).filter(|_| tool_alternation(ctx))
                {
                    // LLaMA-Factory's converter checks positions only: a tool result on the
                    // user's side after a plain answer fits, and its template renders and
                    // trains the pair as written (its own glaive demo has such records).
                    ctx.report_capped(
                        Code::O006,
                        crate::rule::Level::Info,
                        cur.role_span,
                        format!(
                            "{} message follows an assistant message that calls no tool; {title} \
                             trains it as written (a tool result takes the user's side of its \
                             alternation), so the model learns a tool result after a plain \
                             answer; if the answer holds a call, write it as a function_call turn",
                            cur.role.as_str()
                        ),
                    );
                } else if !answers_call {
                    ctx.report(
                        Code::O006,
                        cur.role_span,
                        format!("{} message follows {} message; a tool result must follow the assistant's tool call", cur.role.as_str(), with_article(prev.role.as_str())),
                    );
                }
            }
            // An image sent as a message of its own beside the question (OpenAI's and
            // Azure's vision examples): one turn in two messages, where the provider reads
            // them as they come.
            Role::User
                if prev.role == Role::User
                    && (images_only(prev) || images_only(cur))
                    && alternation(ctx).is_none() => {}
            Role::User if prev.role == Role::Tool && tool_alternation(ctx) => {
                let w = super::words(ctx.format);
                let turns =
                    "user message follows a tool result (two turns of the user's side in a row)"
                        .to_string();
                let fix = format!(
                    "add the {}'s reply to the tool result between them",
                    w.assistant
                );
                report_repeat(ctx, cur.role_span, &turns, &fix);
            }
            Role::User if prev.role == Role::User => {
                let w = super::words(ctx.format);
                let turns = format!("two user {} in a row", w.messages);
                let fix = format!("merge them or add the {}'s reply between them", w.assistant);
                report_repeat(ctx, cur.role_span, &turns, &fix);
            }
            // LLaMA-Factory's alpaca converter puts the user turn between the history's last
            // answer and the response: empty, when the entry names no prompt column.
            Role::Assistant
                if prev.role == Role::Assistant && super::alpaca_entry(ctx).is_some() =>
            {
                let d = super::alpaca_entry(ctx).expect("matched above");
                ctx.report_error(
                    Code::O006,
                    cur.role_span,
                    format!(
                        "the answer follows the history's last answer: {}",
                        super::empty_user_turn(d)
                    ),
                );
            }
            Role::Assistant if prev.role == Role::Assistant => {
                let w = super::words(ctx.format);
                let turns = format!("two {} {} in a row", w.assistant, w.messages);
                report_repeat(
                    ctx,
                    cur.role_span,
                    &turns,
                    "merge them or add the user's turn between them",
                );
            }
            _ => {}
        }
    }
}

/// Whether the target's alternation counts tool results as the user's turns
/// (LLaMA-Factory), where it applies to the record.
fn tool_alternation(ctx: &RecordContext<'_>) -> bool {
    ctx.settings.target.is_some_and(|t| t.tool_turns_alternate) && alternation(ctx).is_some()
}

/// A message that holds images and no text.
fn images_only(m: &crate::record::Message<'_>) -> bool {
    m.content.has_image() && m.content.texts().all(|t| t.value.trim().is_empty())
}

/// The provider that rejects a file for two turns of one role in a row, with its rule: the
/// configured target, where it reads the format (S014 has said so otherwise), or the one
/// provider that reads it (Bedrock's shapes) when no target is named.
fn alternation(ctx: &RecordContext<'_>) -> Option<(&'static str, &'static str)> {
    let format = ctx.format.read_as();
    let target = match ctx.settings.target {
        Some(t) => t.accepts(format.as_str()).then_some(t),
        None => target::sole_reader(format.as_str()),
    };
    target.and_then(|t| Some((t.title, t.alternation?.value)))
}

/// The target that does not train a conversation opening on an answer, with its rule: the
/// configured target, where it reads the format.
fn user_first(ctx: &RecordContext<'_>) -> Option<(&'static str, &'static str)> {
    let target = ctx.settings.target?;
    if !target.accepts(ctx.format.read_as().as_str()) {
        return None;
    }
    Some((target.title, target.user_first?.value))
}

/// O006 under a target whose validator refuses a tool result out of place (Mistral's): a
/// tool result that follows no tool call, and a user turn right after a tool result, among
/// the turns other than system messages.
fn check_tool_result_turns(
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
    title: &str,
    rule: &str,
) {
    let mut prev: Option<&crate::record::Message<'_>> = None;
    for cur in conv.messages.iter().filter(|m| !m.role.is_instruction()) {
        let after_result = prev.is_some_and(|p| matches!(p.role, Role::Tool | Role::Function));
        match cur.role {
            Role::Tool | Role::Function => {
                let answers_call = prev.is_some_and(|p| {
                    (p.role == Role::Assistant && p.calls_tools())
                        || matches!(p.role, Role::Tool | Role::Function)
                });
                if !answers_call {
                    let after = prev.map_or("the conversation's start".to_owned(), |p| {
                        format!("{} message", with_article(p.role.as_str()))
                    });
                    ctx.report_error(
                        Code::O006,
                        cur.role_span,
                        format!(
                            "{} message follows {after}, which {title} rejects ({rule}); a tool result must follow the assistant's tool call",
                            cur.role.as_str()
                        ),
                    );
                }
            }
            Role::User if after_result => {
                let w = super::words(ctx.format);
                ctx.report_error(
                    Code::O006,
                    cur.role_span,
                    format!(
                        "user message follows a tool result, which {title} rejects ({rule}); add the {}'s reply to the tool result between them",
                        w.assistant
                    ),
                );
            }
            _ => {}
        }
        prev = Some(cur);
    }
}

/// The target whose validator refuses a tool result out of place, with its rule: the
/// configured target, where it reads the format.
fn tool_result_turns(ctx: &RecordContext<'_>) -> Option<(&'static str, &'static str)> {
    let target = ctx.settings.target?;
    if !target.accepts(ctx.format.read_as().as_str()) {
        return None;
    }
    Some((target.title, target.tool_result_turns?.value))
}

/// A preference prompt (`input`) that ends on the assistant's turn, so the answers follow an
/// answer: a warning, or an error naming the provider whose upload check rejects it.
fn report_prompt_end(ctx: &mut RecordContext<'_>, span: Span) {
    let what = "\"input\" ends on an assistant message, so the two outputs follow an answer";
    let fix = "end the input on the user's turn that the outputs answer";
    match alternation(ctx) {
        Some((title, _)) => ctx.report_error(
            Code::O006,
            span,
            format!("{what}, which {title} rejects (the input's last message must not be the assistant's); {fix}"),
        ),
        None => ctx.report(Code::O006, span, format!("{what}; {fix}")),
    }
}

/// Two turns of one role in a row: a warning, or an error naming the provider where the
/// record's target rejects the file for it (Together's upload check, Bedrock's).
fn report_repeat(ctx: &mut RecordContext<'_>, span: Span, turns: &str, fix: &str) {
    match alternation(ctx) {
        Some((title, rule)) => ctx.report_error(
            Code::O006,
            span,
            format!("{turns}, which {title} rejects ({rule}); {fix}"),
        ),
        None => ctx.report(Code::O006, span, format!("{turns}; {fix}")),
    }
}
