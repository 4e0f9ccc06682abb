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
//! And the string types (`chatml.intel`: `system`, `question`; `chatml.icr`: `input`;
//! `chatml.argilla`: `instruction`, `chosen_response`, `rejected_response`; and their `llama3.`
//! twins): the prompt and both answers are strings.
//!
//! And the KTO types (`chatml.argilla`: `instruction`; `chatml.intel`: `question`; each with
//! an optional `system`, a `completion` string and a boolean `label`; and `chatml.argilla_chat`,
//! for argilla/kto-mix-15k: `completion`, a list of messages that is the whole conversation,
//! its last message the answer, as `llama3.argilla_chat` reads it; `chatml.argilla_chat`
//! takes the first message as the user's and the second as the answer, the same on
//! kto-mix-15k's two-message lists; and their `llama3.` twins). An undesirable completion
//! (`label` false) is set aside like a rejected answer. Their `prompt_pairs` and `ultra` types
//! read TRL's `prompt`, `completion` and `label` (`trl-unpaired-preference`).
//!
//! As for the other preference formats, the conversation the content rules see is the prompt
//! followed by the chosen answer; the rejected answer is set aside, checked against the schema
//! only. An answer is the assistant's (S005 otherwise), and the two answers must differ.
//!
//! Detected on `messages` beside both `chosen` and `rejected`, before a reinforcement prompt
//! (`openai-rft`, whose grader keys could be any name): no other format has the three; on
//! a `prompt` string beside `chosen` and `rejected` lists, which TRL does not read (it wants
//! the prompt and the answers in the same form); and on the string types' three keys.

use std::borrow::Cow;

use super::openai_chat::{self, missing_key, read_message};
use super::prompt_completion::{push_string_field, string_field};
use super::trl;
use super::trl_unpaired_preference::read_label;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Role, Shape as Turns, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::describe;

/// One of the record shapes axolotl's preference types read: where the prompt, the chosen
/// and the rejected answers are, and the dataset's own columns it leaves alone.
struct Shape {
    /// The prompt: a list of messages (`messages`) or a user turn's string.
    prompt: &'static str,
    /// Whether the prompt is a string, with an optional `system` string before it.
    string_prompt: bool,
    chosen: &'static str,
    rejected: &'static str,
    /// Columns of the dataset the type does not read, known rather than unknown (S008).
    others: &'static [&'static str],
}

/// `chat_template.default`: `messages` and one answer each.
const MESSAGES: Shape = Shape {
    prompt: "messages",
    string_prompt: false,
    chosen: "chosen",
    rejected: "rejected",
    others: &[],
};

/// UltraFeedback's (`chatml.ultra`, `llama3.ultra`, `chat_template.argilla`).
const ULTRA: Shape = Shape {
    prompt: "prompt",
    string_prompt: true,
    chosen: "chosen",
    rejected: "rejected",
    others: &["messages", "prompt_id", "score_chosen", "score_rejected"],
};

/// The string types (`chatml.intel`, `chatml.icr`, `chatml.argilla`, and their `llama3.`
/// twins): the prompt, the chosen and the rejected answer each a string.
const STRINGS: &[Shape] = &[
    Shape {
        prompt: "question",
        string_prompt: true,
        chosen: "chosen",
        rejected: "rejected",
        others: &[],
    },
    Shape {
        prompt: "input",
        string_prompt: true,
        chosen: "chosen",
        rejected: "rejected",
        others: &[],
    },
    Shape {
        prompt: "instruction",
        string_prompt: true,
        chosen: "chosen_response",
        rejected: "rejected_response",
        others: &[],
    },
];

/// One of the record shapes axolotl's KTO types read (`chatml.` and `llama3.` `argilla`,
/// `intel`, `argilla_chat`): one completion and a `label` saying whether it is desirable.
/// (Their `prompt_pairs` and `ultra` types read TRL's `prompt`, `completion` and `label`,
/// with a `system` string: `trl-unpaired-preference`.)
struct Unpaired {
    /// The user's turn, a string with an optional `system` string before it; `None` when
    /// `completion` is the whole conversation, its last message the answer (`argilla_chat`,
    /// for argilla/kto-mix-15k, whose `prompt` repeats the first turn).
    prompt: Option<&'static str>,
    /// Columns of the dataset the type does not read, known rather than unknown (S008).
    others: &'static [&'static str],
}

/// `argilla` and `intel`: the user's turn in `instruction` or `question`.
const KTO_STRINGS: &[Unpaired] = &[
    Unpaired {
        prompt: Some("instruction"),
        others: &[],
    },
    Unpaired {
        prompt: Some("question"),
        others: &[],
    },
];

/// `argilla_chat`: the conversation in `completion`.
const KTO_CHAT: Unpaired = Unpaired {
    prompt: None,
    others: &["prompt", "rating", "dataset"],
};

/// Which of axolotl's preference shapes a record has.
enum Found {
    Paired(&'static Shape),
    Unpaired(&'static Unpaired),
}

/// The shape of `doc`, if it is one of axolotl's preference records.
fn shape_of(doc: &Document<'_, '_>) -> Option<Found> {
    paired(doc)
        .map(Found::Paired)
        .or_else(|| unpaired(doc).map(Found::Unpaired))
}

/// The KTO shape of `doc` ([`Unpaired`]): the user's turn in `instruction` or `question`
/// beside a `completion` or a `label` and no `prompt` (which is TRL's KTO record); or a
/// `label` beside a `completion` that is a list of messages, with no `prompt` or a string one
/// (TRL wants both columns in one form, so only `argilla_chat` reads such a record).
fn unpaired(doc: &Document<'_, '_>) -> Option<&'static Unpaired> {
    let root = doc.root();
    let kind = |k: &str| doc.get(root, k).map(|v| doc.kind(v));
    let has = |k: &str| kind(k).is_some();
    // Another format's answer (alpaca's `output`, `response`) says the record is that one.
    if ["messages", "chosen", "rejected", "output", "response"]
        .iter()
        .any(|k| has(k))
    {
        return None;
    }
    let chat = kind("completion") == Some(Kind::Array);
    match kind("prompt") {
        // A record missing its `completion` or its `label` is still the type's, so that what
        // is missing is named.
        None if has("completion") || has("label") => KTO_STRINGS
            .iter()
            .find(|s| s.prompt.is_some_and(&has))
            .or_else(|| (chat && has("label")).then_some(&KTO_CHAT)),
        Some(Kind::String) if chat && has("label") => Some(&KTO_CHAT),
        _ => None,
    }
}

/// The paired shape of `doc` ([`Shape`]).
fn paired(doc: &Document<'_, '_>) -> Option<&'static Shape> {
    let root = doc.root();
    let kind = |k: &str| doc.get(root, k).map(|v| doc.kind(v));
    let has = |k: &str| kind(k).is_some();
    if kind("prompt") == Some(Kind::String)
        && kind("chosen") == Some(Kind::Array)
        && kind("rejected") == Some(Kind::Array)
    {
        return Some(&ULTRA);
    }
    if has("messages") && has("chosen") && has("rejected") {
        return Some(&MESSAGES);
    }
    // `input` beside `instruction` is LLaMA-Factory's alpaca pair, not `chatml.icr`.
    STRINGS.iter().find(|s| {
        has(s.prompt)
            && has(s.chosen)
            && has(s.rejected)
            && !(s.prompt == "input" && has("instruction"))
    })
}

/// True for the shapes of axolotl's preference types ([`Shape`]).
pub(crate) fn detect(doc: &Document<'_, '_>) -> bool {
    shape_of(doc).is_some()
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
    // A record of a file detected as this format that has none of the shapes: the first
    // shape's keys are missing.
    let shape = match shape_of(doc) {
        Some(Found::Unpaired(shape)) => return Some(unpaired_record(doc, shape, conv, ctx)),
        Some(Found::Paired(shape)) => shape,
        None => &MESSAGES,
    };
    let (mut messages, mut chosen, mut rejected) = (None, None, None);
    let (mut prompt, mut system) = (None, None);
    let mut keys: Vec<&str> = vec![shape.prompt, shape.chosen, shape.rejected];
    if shape.string_prompt {
        keys.push("system");
    }
    keys.extend(shape.others);
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        let name = name.as_ref();
        if name == shape.chosen {
            chosen = Some((key, value));
        } else if name == shape.rejected {
            rejected = Some((key, value));
        } else if name == shape.prompt && shape.string_prompt {
            prompt = Some((key, value));
        } else if name == shape.prompt {
            messages = Some((key, value));
        } else if name == "system" && shape.string_prompt {
            system = Some((key, value));
        } else if !shape.others.contains(&name) {
            trl::other_key(
                doc,
                key,
                value,
                "a preference record",
                &keys,
                &mut conv,
                ctx,
            );
        }
    }
    for (field, name) in [
        (messages.or(prompt), shape.prompt),
        (chosen, shape.chosen),
        (rejected, shape.rejected),
    ] {
        if field.is_none() {
            missing_key(doc, root, name, FormatChoice::AxolotlPreference, ctx);
            conv.incomplete = true;
        }
    }
    let mut images = 0usize;
    if let Some(field) = system {
        conv.incomplete |= !trl::system_turn(doc, field, &mut conv, ctx);
    }
    if let Some((key, value)) = prompt {
        push_string_field(doc, (key, value), shape.prompt, Role::User, ctx, &mut conv)
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
    let chosen_answer = chosen.and_then(|(key, value)| answer(doc, key, value, shape.chosen, ctx));
    match chosen_answer {
        Some(message) => {
            conv.messages.push(message);
            conv.incomplete |=
                trl::check_answer_roles(&conv, conv.messages.len() - 1, shape.chosen, ctx);
        }
        None => conv.incomplete = true,
    }
    if let Some((key, value)) = rejected
        && let Some(message) = answer(doc, key, value, shape.rejected, ctx)
    {
        let mut scratch = Conversation::default();
        scratch.messages.push(message);
        trl::check_answer_roles(&scratch, 0, shape.rejected, ctx);
        let message = scratch.messages.pop().expect("pushed above");
        if let Some((_, chosen_value)) = chosen
            && same_answer(doc, chosen_value, value, &message, conv.messages.last())
        {
            ctx.report(
                Code::S002,
                doc.span(value),
                format!(
                    "\"{}\" and \"{}\" give the same answer; the pair teaches no preference",
                    shape.chosen, shape.rejected
                ),
            );
            conv.incomplete = true;
        }
        conv.set_aside.push(message);
    }
    openai_chat::check_tool_pairing(&conv, ctx);
    Some(conv)
}

/// A record of one of axolotl's KTO types ([`Unpaired`]): the prompt and the completion, the
/// completion set aside when `label` says it is undesirable (as `trl-unpaired-preference`
/// does: it is meant to be bad, so only the schema is checked).
fn unpaired_record<'s>(
    doc: &Document<'_, 's>,
    shape: &Unpaired,
    mut conv: Conversation<'s>,
    ctx: &mut RecordContext<'_>,
) -> Conversation<'s> {
    let root = doc.root();
    let (mut prompt, mut completion, mut label, mut system) = (None, None, None, None);
    let mut keys: Vec<&str> = shape.prompt.into_iter().collect();
    keys.extend(["completion", "label"]);
    if shape.prompt.is_some() {
        keys.push("system");
    }
    keys.extend(shape.others);
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "completion" => completion = Some((key, value)),
            "label" => label = Some(value),
            "system" if shape.prompt.is_some() => system = Some((key, value)),
            name if Some(name) == shape.prompt => prompt = Some((key, value)),
            name if shape.others.contains(&name) => {}
            _ => trl::other_key(
                doc,
                key,
                value,
                "an unpaired preference record",
                &keys,
                &mut conv,
                ctx,
            ),
        }
    }
    let desirable = read_label(doc, label, FormatChoice::AxolotlPreference, ctx);
    conv.desirable = desirable;
    if let Some(field) = system {
        conv.incomplete |= !trl::system_turn(doc, field, &mut conv, ctx);
    }
    if let Some((key, value)) = prompt
        && let Some(name) = shape.prompt
    {
        push_string_field(doc, (key, value), name, Role::User, ctx, &mut conv)
    }
    let Some((key, value)) = completion else {
        missing_key(
            doc,
            root,
            "completion",
            FormatChoice::AxolotlPreference,
            ctx,
        );
        conv.incomplete = true;
        return conv;
    };
    let answer = if shape.prompt.is_some() {
        let start = conv.messages.len();
        let message = string_field(doc, key, value, "completion", Role::Assistant, ctx);
        conv.incomplete |= message.is_none();
        conv.messages.extend(message);
        (conv.messages.len() > start).then_some(start)
    } else {
        let mut images = 0usize;
        let read = trl::read_turns(
            doc,
            (key, value),
            "completion",
            Role::User,
            ctx,
            &mut conv,
            &mut images,
        );
        conv.incomplete |= read.is_none();
        let last = conv.messages.len().checked_sub(1);
        if let Some(last) = last {
            conv.incomplete |= trl::check_answer_roles(&conv, last, "completion", ctx);
        }
        last.filter(|_| read.is_some())
    };
    openai_chat::check_tool_pairing(&conv, ctx);
    if desirable == Some(false)
        && let Some(start) = answer
    {
        conv.set_aside = conv.messages.split_off(start);
        conv.shape = Turns::Prompt;
    }
    conv
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
