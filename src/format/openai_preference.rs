//! OpenAI preference (DPO) records:
//! `{"input": {"messages": [...], "tools"?: [...]}, "preferred_output": [assistant message],
//! "non_preferred_output": [assistant message]}`.
//!
//! The conversation the content rules see is the input followed by the preferred answer;
//! the non-preferred answer is checked against the schema only (it is meant to be worse).

use std::borrow::Cow;

use super::openai_chat::{self, unknown_record_key};
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Conversation, Role};
use crate::registry::Code;
use crate::rule::Level;
use crate::settings::FormatChoice;
use crate::wording::{describe, with_article};

const TOP_LEVEL_KEYS: &[&str] = &["input", "preferred_output", "non_preferred_output"];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut input, mut preferred, mut non_preferred) = (None, None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "input" => input = Some(value),
            "preferred_output" => preferred = Some(value),
            "non_preferred_output" => non_preferred = Some(value),
            other => unknown_record_key(
                ctx,
                doc,
                (key, value),
                other,
                "the top level of a preference record",
                TOP_LEVEL_KEYS,
            ),
        }
    }
    let mut missing = false;
    for (node, key) in [
        (input, "input"),
        (preferred, "preferred_output"),
        (non_preferred, "non_preferred_output"),
    ] {
        if node.is_none() {
            openai_chat::missing_key(doc, root, key, FormatChoice::OpenAiPreference, ctx);
            missing = true;
        }
    }
    let input = input?;
    if doc.kind(input) != Kind::Object {
        ctx.report(
            Code::S002,
            doc.span(input),
            format!(
                "\"input\" is {}; expected an object with \"messages\"",
                describe(doc, input)
            ),
        );
        return None;
    }
    let Some((messages, tools)) = openai_chat::read_chat_object(doc, input, "\"input\"", ctx)
    else {
        ctx.report(
            Code::S001,
            doc.span(input),
            "\"input\" has no \"messages\" key",
        );
        return None;
    };
    let mut conv = Conversation {
        messages: Vec::new(),
        span: doc.span(messages),
        incomplete: missing,
        tools,
        ..Default::default()
    };
    let mut images = 0usize;
    if !openai_chat::read_message_list(
        doc,
        messages,
        "\"input\".\"messages\"",
        ctx,
        &mut conv,
        &mut images,
    ) {
        return None;
    }
    check_one_turn(doc, messages, &conv, ctx);
    if let Some(node) = non_preferred {
        let mut scratch = Conversation::default();
        if read_output(
            doc,
            node,
            "\"non_preferred_output\"",
            ctx,
            &mut scratch,
            &mut images,
        ) {
            openai_chat::check_tool_pairing(&scratch, ctx);
        }
        conv.set_aside = scratch.messages;
    }
    conv.output_start = Some(conv.messages.len());
    if let Some(node) = preferred
        && !read_output(
            doc,
            node,
            "\"preferred_output\"",
            ctx,
            &mut conv,
            &mut images,
        )
    {
        conv.incomplete = true;
    }
    openai_chat::check_tool_pairing(&conv, ctx);
    Some(conv)
}

/// An output is an array holding exactly one assistant message; whether it was read as the
/// assistant's (a message of another role is S005, and the order rules leave it be).
fn read_output<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    what: &str,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
    images: &mut usize,
) -> bool {
    let before = conv.messages.len();
    if !openai_chat::read_message_list(doc, node, what, ctx, conv, images) {
        return false;
    }
    if conv.messages.len() - before != 1 || doc.len(node) != 1 {
        ctx.report(
            Code::S002,
            doc.span(node),
            format!(
                "{what} holds {} messages; expected exactly one assistant message",
                doc.len(node)
            ),
        );
    }
    let mut answers = true;
    for m in &conv.messages[before..] {
        if m.role != Role::Assistant && m.role != Role::Unknown {
            ctx.report(
                Code::S005,
                m.role_span,
                format!(
                    "{what} holds {} message; expected an assistant message",
                    with_article(m.role.as_str())
                ),
            );
            answers = false;
        }
    }
    // An output that is not the assistant's is S005's: the order rules would only add that
    // the conversation has no answer and ends on the user.
    answers
}

/// S002, a warning, under a target whose preference examples are one turn (Fireworks: "We currently only
/// support one-turn conversations for each example"): `input` holds a system message at most
/// and one user message.
fn check_one_turn(
    doc: &Document<'_, '_>,
    messages: NodeId,
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
) {
    let Some(target) = ctx.settings.target else {
        return;
    };
    if target.preference_one_turn.is_none() {
        return;
    }
    let turns = conv
        .messages
        .iter()
        .filter(|m| !matches!(m.role, Role::System | Role::Developer))
        .count();
    // A warning: the same guide lists `assistant` among the input's roles.
    if turns > 1 {
        ctx.report_capped(
            Code::S002,
            Level::Warning,
            doc.span(messages),
            format!(
                "\"input\".\"messages\" has {turns} messages besides system ones; {} supports \
                 one-turn preference examples only (one user message, then the two outputs)",
                target.title
            ),
        );
    }
}
