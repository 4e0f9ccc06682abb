//! LLaMA-Factory records, in the shapes its own demo data uses:
//!
//! - v1 `{"messages": [{"role", "content": [{"type", "value"}], "loss_weight"?}], "tools"?}`,
//!   content parts of type `text`, `reasoning`, `tool_call` (a JSON `{"name", "arguments"}`
//!   in `value`), `image_url`, `video_url`, `audio_url`; `loss_weight` a number, 0.0 for
//!   turns it does not learn from;
//! - v1 preference `{"chosen_messages": [...], "rejected_messages": [...]}`;
//! - the `messages` column with `role`/`content` strings, with a KTO `label`/`kto_tag`;
//! - ShareGPT `conversations` with `chosen`/`rejected` turn objects (preference) or a
//!   `kto_tag`, `images`/`videos`/`audios` and `system`/`tools` columns;
//! - alpaca with `system`/`history` (read by [`super::alpaca`]) and LLaMA-Factory's own
//!   `images`/`videos`/`audios`, `tools` and `kto_tag` columns beside it.
//!
//! - alpaca preference pairs: `instruction` (+ `input`, `system`, `history`) with `chosen`
//!   and `rejected` strings instead of `output`.
//!
//! A column written null is read as absent, as LLaMA-Factory's converters read it (`if
//! example[col]`, `isinstance(..., list)`): pandas and Hugging Face `datasets` write a column
//! some records lack (`system`, `tools`, `history`, `images`, `kto_tag`, a pair's `chosen`) as
//! null on the others. Only the turn lists themselves (`messages`, `conversations`,
//! `chosen_messages`, `rejected_messages`) and alpaca's instruction and answer are reported
//! when null.
//!
//! A file a `dataset_info.json` names is read as its entry declares (columns, tags, ranking:
//! [`declared`]), whatever its records look like.
//!
//! The conversation the content rules see is the prompt followed by the chosen answer; the
//! rejected answer is checked against the schema only. Messages use LLaMA-Factory's words
//! (`value` parts, `loss_weight`), as its loader and converters do.

mod declared;
mod message;

use std::borrow::Cow;

use self::message::{read_message, read_message_list};
use super::openai_chat::{missing_key, unknown_key, unused_key};
use super::prompt_completion::string_field;
use super::{alpaca, sharegpt};
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Conversation, Message, Role, Shape};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote, with_article};

/// How many messages [`detect`] looks at for a LLaMA-Factory-only key or part.
const DETECT_MESSAGES: usize = 64;

/// LLaMA-Factory when the record shows a key or value only LLaMA-Factory writes: v1
/// preference lists, a KTO label beside `messages`, `chosen`/`rejected`/`kto_tag` beside
/// `conversations`, or a message with `loss_weight` or content parts holding `value`.
pub(crate) fn detect(doc: &Document<'_, '_>) -> Option<FormatChoice> {
    let root = doc.root();
    let has = |k: &str| doc.get(root, k).is_some();
    let lf = if has("chosen_messages") || has("rejected_messages") {
        true
    } else if let Some(messages) = doc.get(root, "messages") {
        has("label") || has("kto_tag") || has_v1_message(doc, messages)
    } else if has("conversations") {
        has("chosen") || has("rejected") || has("kto_tag")
    } else if has("instruction") && (has("output") || has("response")) {
        // Alpaca with a column only LLaMA-Factory reads beside it.
        has("kto_tag") || has("images") || has("videos") || has("audios")
    } else if has("instruction") {
        // Alpaca's preference pair: `chosen` and `rejected` answers instead of `output`.
        has("chosen") && has("rejected")
    } else {
        false
    };
    lf.then_some(FormatChoice::LlamaFactory)
}

fn has_v1_message(doc: &Document<'_, '_>, messages: NodeId) -> bool {
    doc.kind(messages) == Kind::Array
        && doc.elements(messages).take(DETECT_MESSAGES).any(|m| {
            doc.kind(m) == Kind::Object
                && (doc.get(m, "loss_weight").is_some()
                    || doc.get(m, "content").is_some_and(|c| {
                        doc.kind(c) == Kind::Array
                            && doc.elements(c).any(|p| {
                                doc.kind(p) == Kind::Object
                                    && doc.get(p, "value").is_some()
                                    && doc.get(p, "text").is_none()
                            })
                    }))
        })
}

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let mut conv = read(doc, ctx)?;
    // The `tools` column of every shape; a declared entry's own name for it is read there.
    if conv.tools_text.is_none() && ctx.settings.declared.is_none() {
        conv.tools_text = doc.get(doc.root(), "tools").map(|v| doc.span(v));
    }
    check_media_placeholders(doc, &conv, ctx);
    Some(undesirable_as_prompt(doc, ctx.settings, conv))
}

/// LLaMA-Factory's multimodal templates count the `<image>`, `<video>` and `<audio>`
/// placeholders of the messages against the record's media and stop the run with
/// "The number of images does not match the number of <image> tokens" when they differ
/// (`mm_plugin.py`, `_validate_messages`). The media columns are the `dataset_info.json`
/// entry's (read only where it names them), or `images`, `videos`, `audios`. Records of
/// the v1 data engine (content parts) carry their media in the parts, and are not counted.
fn check_media_placeholders(
    doc: &Document<'_, '_>,
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
) {
    // The v1 data engine gives media as content parts, with no placeholders to count.
    if conv
        .messages
        .iter()
        .any(|m| matches!(m.content, crate::record::Content::Parts { .. }))
    {
        return;
    }
    let declared = ctx.settings.declared.as_deref();
    let column =
        |declared_name: Option<&Option<String>>, default: &'static str| -> Option<String> {
            match declared_name {
                Some(name) => name.clone(),
                None => Some(default.to_owned()),
            }
        };
    let media = [
        (
            "image",
            "images",
            "<image>",
            Code::S012,
            column(declared.map(|d| &d.columns.images), "images"),
        ),
        (
            "video",
            "videos",
            "<video>",
            Code::S007,
            column(declared.map(|d| &d.columns.videos), "videos"),
        ),
        (
            "audio",
            "audios",
            "<audio>",
            Code::S007,
            column(declared.map(|d| &d.columns.audios), "audios"),
        ),
    ];
    for (one, many, placeholder, code, key) in media {
        let Some(key) = key else { continue };
        let value = doc.get(doc.root(), &key);
        // A column the entry declares and the record leaves out holds no media; without an
        // entry, a record without the key says nothing of it.
        let count = match value.map(|v| doc.kind(v)) {
            Some(Kind::String) => 1,
            Some(Kind::Array) => value.map_or(0, |v| doc.len(v)),
            None if declared.is_some() => 0,
            _ => continue,
        };
        let placeholders: usize = conv
            .messages
            .iter()
            .filter(|m| !m.role.is_instruction())
            .flat_map(|m| m.content.texts())
            .map(|t| t.value.matches(placeholder).count())
            .sum();
        super::media::check_count(
            ctx,
            code,
            value.map_or(doc.span(doc.root()), |v| doc.span(v)),
            &super::media::MediaCount {
                count,
                one,
                key: &key,
                placeholders,
                placeholder,
            },
            || {
                format!(
                    "LLaMA-Factory's multimodal templates stop the run (\"The number of {many} does \
                 not match the number of {placeholder} tokens\"): put one {placeholder} where \
                 each {one} goes"
                )
            },
        );
    }
}

/// A KTO record whose tag (`kto_tag`, `label`, or the column `dataset_info.json` names) is
/// `false` holds an undesirable answer: it is meant to be bad, as a preference pair's
/// rejected answer is, so only the schema is checked on it. The rules see the conversation
/// before that answer, as a prompt (TRL's unpaired preference records are read the same way).
/// A boolean tag is kept as [`Conversation::desirable`], for `sample` to show.
fn undesirable_as_prompt<'s>(
    doc: &Document<'_, 's>,
    settings: &crate::settings::Settings,
    mut conv: Conversation<'s>,
) -> Conversation<'s> {
    let root = doc.root();
    let declared = settings
        .declared
        .as_deref()
        .and_then(|d| d.columns.kto_tag.as_deref());
    let tag = match declared {
        Some(column) => doc.get(root, column),
        None => doc.get(root, "kto_tag").or_else(|| doc.get(root, "label")),
    };
    conv.desirable = tag
        .filter(|&t| doc.kind(t) == Kind::Bool)
        .map(|t| doc.raw(t) == "true");
    let undesirable = conv.desirable == Some(false);
    if undesirable
        && conv.shape == Shape::Chat
        && let Some(answer) = conv
            .messages
            .iter()
            .rposition(|m| m.role == Role::Assistant)
    {
        conv.set_aside = conv.messages.split_off(answer);
        conv.shape = Shape::Prompt;
    }
    conv
}

fn read<'s>(doc: &Document<'_, 's>, ctx: &mut RecordContext<'_>) -> Option<Conversation<'s>> {
    // The settings outlive the record's context, so the entry is borrowed from them.
    let settings = ctx.settings;
    if let Some(entry) = settings.declared.as_deref() {
        return declared::normalize(doc, ctx, &declared::Reading::Declared(entry));
    }
    let root = doc.root();
    let has = |k: &str| doc.get(root, k).is_some();
    if has("chosen_messages") || has("rejected_messages") {
        read_v1_pair(doc, ctx)
    } else if has("instruction") && (has("chosen") || has("rejected")) && !has("output") {
        declared::normalize(doc, ctx, &declared::Reading::AlpacaRanking)
    } else if has("messages") {
        read_messages_record(doc, ctx)
    } else if has("conversations") {
        read_sharegpt_record(doc, ctx)
    } else if has("instruction") || has("output") {
        // LLaMA-Factory's alpaca columns: alpaca's, and the multimodal, tool and KTO ones.
        alpaca::normalize_with(doc, ctx, &mut |doc, key, value, ctx| {
            matches!(key, "tools" | "kto_tag" | "images" | "videos" | "audios")
                && common_column(doc, key, key, value, ctx)
        })
    } else {
        missing_key(doc, root, "messages", FormatChoice::LlamaFactory, ctx);
        None
    }
}

/// The columns every LLaMA-Factory shape may carry beside its messages; true when `column`
/// is one of them (checked here). `key` is the record's name for it, which messages show.
fn common_column(
    doc: &Document<'_, '_>,
    column: &str,
    key: &str,
    value: NodeId,
    ctx: &mut RecordContext<'_>,
) -> bool {
    match column {
        "tools" => {
            crate::format::sharegpt::check_encoded_tools(
                doc,
                value,
                &quote(key),
                "LLaMA-Factory",
                ctx,
            );
        }
        "label" | "kto_tag" => {
            if doc.kind(value) != Kind::Bool {
                ctx.report(
                    Code::S007,
                    doc.span(value),
                    format!(
                        "KTO {} is {}; expected true (a desirable answer) or false",
                        quote(key),
                        describe(doc, value)
                    ),
                );
            }
        }
        "images" | "videos" | "audios" => {
            let ok = doc.kind(value) == Kind::String
                || (doc.kind(value) == Kind::Array
                    && doc.elements(value).all(|e| doc.kind(e) == Kind::String));
            if !ok {
                ctx.report(
                    Code::S012,
                    doc.span(value),
                    format!(
                        "{} is {}; expected a path or a list of paths",
                        quote(key),
                        describe(doc, value)
                    ),
                );
            }
        }
        "extra_info" | "_dataset_name" => {}
        _ => return false,
    }
    true
}

/// `{"messages": [...], "tools"?, "label"?, "chosen"?, "rejected"?, "system"?, ...}`.
fn read_messages_record<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    const KEYS: &[&str] = &[
        "messages",
        "tools",
        "system",
        "label",
        "kto_tag",
        "chosen",
        "rejected",
        "images",
        "videos",
        "audios",
        "extra_info",
    ];
    let root = doc.root();
    let (mut messages, mut system, mut chosen, mut rejected) = (None, None, None, None);
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "messages" => messages = Some(value),
            _ if unused_key(doc, value, false, ctx) => {}
            "system" => system = Some((key, value)),
            "chosen" => chosen = Some(value),
            "rejected" => rejected = Some(value),
            other => {
                if !common_column(doc, other, other, value, ctx) {
                    unknown_key(ctx, doc.span(key), other, "a LLaMA-Factory record", KEYS);
                }
            }
        }
    }
    let messages = messages?;
    let mut conv = Conversation {
        messages: Vec::new(),
        span: doc.span(messages),
        incomplete: false,
        tools: None,
        ..Default::default()
    };
    if let Some((key, value)) = system {
        match string_field(doc, key, value, "system", Role::System, ctx) {
            Some(m) => conv.messages.push(m),
            None => conv.incomplete = true,
        }
    }
    if !read_message_list(doc, messages, "\"messages\"", ctx, &mut conv) {
        return None;
    }
    read_answers(
        doc,
        chosen,
        rejected,
        ["chosen", "rejected"],
        ctx,
        &mut conv,
        read_message,
    );
    Some(conv)
}

/// `{"chosen_messages": [...], "rejected_messages": [...], "tools"?}`: the chosen list is the
/// conversation; the rejected one is checked against the schema.
fn read_v1_pair<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    const KEYS: &[&str] = &[
        "chosen_messages",
        "rejected_messages",
        "tools",
        "extra_info",
    ];
    let root = doc.root();
    let (mut chosen, mut rejected) = (None, None);
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "chosen_messages" => chosen = Some(value),
            "rejected_messages" => rejected = Some(value),
            _ if unused_key(doc, value, false, ctx) => {}
            other => {
                if !common_column(doc, other, other, value, ctx) {
                    unknown_key(
                        ctx,
                        doc.span(key),
                        other,
                        "a LLaMA-Factory preference record",
                        KEYS,
                    );
                }
            }
        }
    }
    let mut scratch = Conversation::default();
    if let Some(node) = rejected {
        read_message_list(doc, node, "\"rejected_messages\"", ctx, &mut scratch);
    } else {
        missing_key(
            doc,
            root,
            "rejected_messages",
            FormatChoice::LlamaFactory,
            ctx,
        );
    }
    let Some(node) = chosen else {
        missing_key(
            doc,
            root,
            "chosen_messages",
            FormatChoice::LlamaFactory,
            ctx,
        );
        return None;
    };
    let mut conv = Conversation {
        messages: Vec::new(),
        span: doc.span(node),
        incomplete: rejected.is_none(),
        tools: None,
        ..Default::default()
    };
    if !read_message_list(doc, node, "\"chosen_messages\"", ctx, &mut conv) {
        return None;
    }
    // Both lists repeat the prompt: each answer is what follows the turns they share, as in
    // TRL's conversational pairs. The rejected one is set aside, as other pairs' are.
    if let Some(rejected) = rejected
        && conv.messages.len() == doc.len(node)
        && scratch.messages.len() == doc.len(rejected)
    {
        // Shared by value (role and text), not as written: the two lists may space or order
        // the repeated prompt's keys differently, or give it another key (`loss_weight`).
        let same = |a: &crate::record::Message<'_>, b: &crate::record::Message<'_>| {
            a.role == b.role
                && a.content
                    .texts()
                    .map(|t| t.value.as_ref())
                    .eq(b.content.texts().map(|t| t.value.as_ref()))
        };
        let common = conv
            .messages
            .iter()
            .zip(&scratch.messages)
            .take_while(|&(c, r)| same(c, r))
            .count();
        // Lists that share no prompt are not a pair to show or count.
        if common > 0 && common < scratch.messages.len() {
            conv.set_aside = scratch.messages.split_off(common);
        }
        if common > 0 && common < conv.messages.len() {
            conv.output_start = Some(common);
        }
    }
    Some(conv)
}

/// ShareGPT `conversations` with LLaMA-Factory's extra columns.
fn read_sharegpt_record<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    const KEYS: &[&str] = &[
        "conversations",
        "system",
        "tools",
        "chosen",
        "rejected",
        "kto_tag",
        "images",
        "videos",
        "audios",
    ];
    let root = doc.root();
    let (mut turns, mut system, mut chosen, mut rejected) = (None, None, None, None);
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "conversations" => turns = Some(value),
            _ if unused_key(doc, value, false, ctx) => {}
            "system" => system = Some((key, value)),
            "chosen" => chosen = Some(value),
            "rejected" => rejected = Some(value),
            "id" => {}
            other => {
                if !common_column(doc, other, other, value, ctx) {
                    unknown_key(ctx, doc.span(key), other, "a LLaMA-Factory record", KEYS);
                }
            }
        }
    }
    let mut conv = sharegpt::read_conversation(doc, turns?, system, ctx)?;
    read_answers(
        doc,
        chosen,
        rejected,
        ["chosen", "rejected"],
        ctx,
        &mut conv,
        sharegpt::read_turn,
    );
    Some(conv)
}

/// The `chosen` and `rejected` answers of a preference record (under the record's `keys` for
/// them), each one message object: the chosen one continues the conversation, the rejected
/// one is only checked. One without the other is an incomplete pair.
fn read_answers<'s>(
    doc: &Document<'_, 's>,
    chosen: Option<NodeId>,
    rejected: Option<NodeId>,
    keys: [&str; 2],
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
    read_one: impl Fn(&Document<'_, 's>, NodeId, &mut RecordContext<'_>) -> Option<Message<'s>>,
) {
    let root = doc.root();
    let [chosen_key, rejected_key] = keys;
    match (chosen, rejected) {
        (None, None) => return,
        (Some(_), None) => {
            missing_key(doc, root, rejected_key, FormatChoice::LlamaFactory, ctx);
            conv.incomplete = true;
        }
        (None, Some(_)) => {
            missing_key(doc, root, chosen_key, FormatChoice::LlamaFactory, ctx);
            conv.incomplete = true;
        }
        (Some(_), Some(_)) => {}
    }
    for (node, name, keep) in [(rejected, rejected_key, false), (chosen, chosen_key, true)] {
        let Some(node) = node else { continue };
        if doc.kind(node) != Kind::Object {
            ctx.report(
                Code::S003,
                doc.span(node),
                format!(
                    "{} is {}; LLaMA-Factory expects one answer turn (an object)",
                    quote(name),
                    describe(doc, node)
                ),
            );
            conv.incomplete |= keep;
            continue;
        }
        let Some(answer) = read_one(doc, node, ctx) else {
            conv.incomplete |= keep;
            continue;
        };
        if !matches!(answer.role, Role::Assistant | Role::Unknown) {
            ctx.report(
                Code::S005,
                answer.role_span,
                format!(
                    "{} is {} turn; expected the assistant's answer",
                    quote(name),
                    with_article(answer.role.as_str())
                ),
            );
        }
        if keep {
            conv.incomplete |= answer.role == Role::Unknown;
            conv.output_start = Some(conv.messages.len());
            conv.messages.push(answer);
        } else {
            // Set aside as other pairs' rejected answers are: `sample` shows it, T001 counts
            // the pair with it, and the data rules look in it.
            conv.set_aside.push(answer);
        }
    }
}
