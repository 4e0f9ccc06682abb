//! axolotl's chat-template preference records (its DPO, IPO and ORPO trainers with
//! `type: chat_template.default`): `{"messages": [...], "chosen": {...}, "rejected": {...}}`.
//!
//! From axolotl's `prompt_strategies/dpo/chat_template.py` (`default`): `messages` is the
//! prompt, a list of messages (a string is one user message); `chosen` and `rejected` are
//! each one answer, a message object, a string (the assistant's text) or a list of messages
//! (its last is the answer). Roles go through the dataset's role map (`user`, `assistant`,
//! `system`, `tool` by default).
//!
//! The same trainers read UltraFeedback's shape (`type: chatml.ultra`, `llama3.ultra`,
//! `chat_template.argilla`; HuggingFaceH4/ultrafeedback_binarized is the best known):
//! `{"prompt": "...", "chosen": [user, assistant], "rejected": [user, assistant]}`, with an
//! optional `system` string. The prompt is the `system` and `prompt` strings, each answer the
//! last message of its list; the dataset's own columns beside them (`messages`, the chosen
//! conversation again, `prompt_id`, `score_chosen`, `score_rejected`) are not read.
//!
//! As for the other preference formats, the conversation the content rules see is the prompt
//! followed by the chosen answer; the rejected answer is set aside, checked against the schema
//! only. An answer is the assistant's (S005 otherwise), and the two answers must differ.
//!
//! Detected on `messages` beside both `chosen` and `rejected`, before a reinforcement prompt
//! (`openai-rft`, whose grader keys could be any name): no other format has the three; and on
//! a `prompt` string beside `chosen` and `rejected` lists, which TRL does not read (it wants
//! the prompt and the answers in the same form).

use std::borrow::Cow;

use super::openai_chat::{self, missing_key, read_message};
use super::trl;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::describe;

const KEYS: &[&str] = &["messages", "chosen", "rejected"];

/// The keys of UltraFeedback's shape: what the trainers read, then what they leave.
const ULTRA_KEYS: &[&str] = &[
    "prompt",
    "chosen",
    "rejected",
    "system",
    "messages",
    "prompt_id",
    "score_chosen",
    "score_rejected",
];

/// True for `messages` beside `chosen` and `rejected`, and for UltraFeedback's shape.
pub(crate) fn detect(doc: &Document<'_, '_>) -> bool {
    let root = doc.root();
    KEYS.iter().all(|k| doc.get(root, k).is_some()) || is_ultra(doc)
}

/// A `prompt` string beside `chosen` and `rejected` lists.
fn is_ultra(doc: &Document<'_, '_>) -> bool {
    let root = doc.root();
    let kind = |k: &str| doc.get(root, k).map(|v| doc.kind(v));
    kind("prompt") == Some(Kind::String)
        && kind("chosen") == Some(Kind::Array)
        && kind("rejected") == Some(Kind::Array)
}

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut conv = Conversation {
        span: doc.span(root),
        ..Default::default()
    };
    let ultra = is_ultra(doc);
    let (mut messages, mut chosen, mut rejected) = (None, None, None);
    let (mut prompt, mut system) = (None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "chosen" => chosen = Some((key, value)),
            "rejected" => rejected = Some((key, value)),
            "prompt" if ultra => prompt = Some((key, value)),
            "system" if ultra => system = Some((key, value)),
            "messages" if !ultra => messages = Some((key, value)),
            "messages" | "prompt_id" | "score_chosen" | "score_rejected" if ultra => {}
            _ => {
                let keys = if ultra { ULTRA_KEYS } else { KEYS };
                trl::other_key(doc, key, value, "a preference record", keys, &mut conv, ctx);
            }
        }
    }
    let first = if ultra { "prompt" } else { "messages" };
    for (field, name) in [
        (messages.or(prompt), first),
        (chosen, "chosen"),
        (rejected, "rejected"),
    ] {
        if field.is_none() {
            missing_key(doc, root, name, FormatChoice::AxolotlPreference, ctx);
            conv.incomplete = true;
        }
    }
    let mut images = 0usize;
    if ultra {
        for (field, role) in [(system, Role::System), (prompt, Role::User)] {
            let Some((key, value)) = field else { continue };
            match doc.kind(value) {
                Kind::String => {
                    let text = Text {
                        value: doc.str(value).unwrap_or_default(),
                        span: doc.span(value),
                    };
                    // An empty system string is no system turn (axolotl leaves it out).
                    if role == Role::System && text.value.is_empty() {
                        continue;
                    }
                    conv.messages.push(Message::new(
                        role,
                        doc.span(key),
                        text.span,
                        Content::Text(text),
                    ));
                }
                _ => {
                    ctx.report(
                        Code::S007,
                        doc.span(value),
                        format!("\"system\" is {}; expected a string", describe(doc, value)),
                    );
                    conv.incomplete = true;
                }
            }
        }
    }
    if let Some(field) = messages {
        let read = trl::read_turns(
            doc,
            field,
            "messages",
            Role::User,
            ctx,
            &mut conv,
            &mut images,
        );
        conv.incomplete |= read.is_none();
    }
    let chosen_answer = chosen.and_then(|(key, value)| answer(doc, key, value, "chosen", ctx));
    match chosen_answer {
        Some(message) => {
            conv.messages.push(message);
            conv.incomplete |=
                trl::check_answer_roles(&conv, conv.messages.len() - 1, "chosen", ctx);
        }
        None => conv.incomplete = true,
    }
    if let Some((key, value)) = rejected
        && let Some(message) = answer(doc, key, value, "rejected", ctx)
    {
        let mut scratch = Conversation::default();
        scratch.messages.push(message);
        trl::check_answer_roles(&scratch, 0, "rejected", ctx);
        let message = scratch.messages.pop().expect("pushed above");
        if let Some((_, chosen_value)) = chosen
            && same_answer(doc, chosen_value, value, &message, conv.messages.last())
        {
            ctx.report(
                Code::S002,
                doc.span(value),
                "\"chosen\" and \"rejected\" give the same answer; the pair teaches no preference",
            );
            conv.incomplete = true;
        }
        conv.set_aside.push(message);
    }
    openai_chat::check_tool_pairing(&conv, ctx);
    Some(conv)
}

/// The answer `value` holds: a message, the assistant's text, or the last of a list of
/// messages (axolotl trains that one and ignores the rest).
fn answer<'s>(
    doc: &Document<'_, 's>,
    key: NodeId,
    value: NodeId,
    name: &str,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    let mut images = 0usize;
    match doc.kind(value) {
        Kind::String => {
            let text = Text {
                value: doc.str(value)?,
                span: doc.span(value),
            };
            Some(Message::new(
                Role::Assistant,
                doc.span(key),
                text.span,
                Content::Text(text),
            ))
        }
        Kind::Object => read_message(doc, value, ctx, &mut images),
        Kind::Array if doc.len(value) > 0 => {
            let last = doc.elements(value).last()?;
            read_message(doc, last, ctx, &mut images)
        }
        kind => {
            let is = if kind == Kind::Array {
                Cow::Borrowed("an empty list")
            } else {
                Cow::Owned(describe(doc, value))
            };
            ctx.report(
                Code::S007,
                doc.span(value),
                format!("\"{name}\" is {is}; expected a message, a string or a list of messages"),
            );
            None
        }
    }
}

/// Whether the two answers are the same: the same JSON as written, or the same text.
fn same_answer(
    doc: &Document<'_, '_>,
    chosen: NodeId,
    rejected: NodeId,
    rejected_message: &Message<'_>,
    chosen_message: Option<&Message<'_>>,
) -> bool {
    doc.raw(chosen) == doc.raw(rejected)
        || chosen_message.is_some_and(|c| {
            c.content.joined_text() == rejected_message.content.joined_text()
                && !c.content.joined_text().is_empty()
        })
}
