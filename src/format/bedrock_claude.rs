//! Amazon Bedrock fine-tuning records for Anthropic Claude: `{"system"?: str, "messages":
//! [{"role": "user" | "assistant", "content": str}, ...]}`.
//!
//! The shape is the one of Bedrock's model-customization guide ("Prepare data for
//! fine-tuning text-to-text models", conversational tasks) and Anthropic's cookbook
//! "Finetuning Claude 3 Haiku on Bedrock": the system prompt is a top-level string, never a
//! message; content is a string; at least two messages; the first is the user's, the last
//! the assistant's, and they alternate; no other key.
//!
//! What means the same as an order rule is left to it: the last message (O002), two turns of
//! one role in a row (O006), too few messages (O001). That the first message is the user's
//! has no order rule (OpenAI chat does not require it), so this format reports it itself as
//! S005: a role the format does not accept in that place. Amazon Nova records share that
//! check ([`check_first_turn`]).
//!
//! Detection: `messages` with a top-level `system` string (OpenAI chat has no such key).
//! Without a `system`, a Bedrock Claude record is also a valid OpenAI chat record and is
//! read as one; `format = "bedrock-claude"` reads it with these rules.

use std::borrow::Cow;

use super::openai_chat::{
    absent, foreign_record, message_object, missing_key, unknown_key, unknown_record_key,
    unused_key,
};
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

const KEYS: &[&str] = &["system", "messages"];
const MESSAGE_KEYS: &[&str] = &["role", "content"];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut system, mut messages) = (None, None);
    if foreign_record(doc, root, KEYS) {
        missing_key(doc, root, "messages", FormatChoice::BedrockClaude, ctx);
        return None;
    }
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            // A null system prompt is none (pandas and `datasets` write one for records
            // without a system prompt when others have it).
            "system" if absent(doc, value) => {}
            "system" => system = Some((key, value)),
            "messages" => messages = Some(value),
            other => unknown_record_key(
                ctx,
                doc,
                (key, value),
                other,
                "a Bedrock Claude record (Bedrock accepts only \"system\" and \"messages\")",
                KEYS,
            ),
        }
    }
    let Some(list) = messages else {
        missing_key(doc, root, "messages", FormatChoice::BedrockClaude, ctx);
        return None;
    };
    if !message_list(doc, list, ctx) {
        return None;
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(doc.len(list) + 1),
        span: doc.span(list),
        ..Default::default()
    };
    if let Some((key, value)) = system {
        if doc.kind(value) == Kind::String {
            conv.messages.push(Message::new(
                Role::System,
                doc.span(key),
                doc.span(value),
                Content::Text(Text {
                    value: doc.str(value).unwrap_or_default(),
                    span: doc.span(value),
                }),
            ));
        } else {
            ctx.report(
                Code::S007,
                doc.span(value),
                format!(
                    "\"system\" is {}; Bedrock Claude expects the system prompt as a string",
                    describe(doc, value)
                ),
            );
            conv.incomplete = true;
        }
    }
    let first = conv.messages.len();
    for element in doc.elements(list) {
        match read_message(doc, element, ctx) {
            Some(m) => {
                conv.incomplete |= m.role == Role::Unknown;
                conv.messages.push(m);
            }
            None => conv.incomplete = true,
        }
    }
    check_first_turn(&conv, first, "Bedrock Claude", ctx);
    Some(conv)
}

/// S002 unless `list` is a non-empty array.
pub(crate) fn message_list(
    doc: &Document<'_, '_>,
    list: NodeId,
    ctx: &mut RecordContext<'_>,
) -> bool {
    let problem = match doc.kind(list) {
        Kind::Array if doc.len(list) > 0 => return true,
        Kind::Array => "empty".to_string(),
        _ => describe(doc, list),
    };
    ctx.report(
        Code::S002,
        doc.span(list),
        format!(
            "\"messages\" is {problem}; expected an array of messages, the first one the user's"
        ),
    );
    false
}

/// The role of a Bedrock message (`user` or `assistant`), S004/S005 otherwise: `system` has
/// its own top-level key, and other names get the hint of the role they usually mean.
pub(crate) fn read_role(
    doc: &Document<'_, '_>,
    message: NodeId,
    format: &str,
    ctx: &mut RecordContext<'_>,
) -> (Role, crate::diagnostic::Span) {
    let Some(r) = doc.get(message, "role") else {
        ctx.report(
            Code::S004,
            doc.span(message),
            "message has no \"role\"; expected \"user\" or \"assistant\"",
        );
        return (Role::Unknown, doc.span(message));
    };
    let span = doc.span(r);
    let role = match doc.str(r).as_deref() {
        Some("user") => Role::User,
        Some("assistant") => Role::Assistant,
        Some("system") => {
            ctx.report(
                Code::S005,
                span,
                format!("role \"system\" is not accepted in {format} messages; put the system prompt in the top-level \"system\""),
            );
            Role::Unknown
        }
        Some(other) => {
            let hint = match super::openai_chat::role_alias(other) {
                Some(alias @ ("user" | "assistant")) => format!(" (did you mean \"{alias}\"?)"),
                _ => String::new(),
            };
            ctx.report(
                Code::S005,
                span,
                format!(
                    "unknown role {}; {format} accepts \"user\" and \"assistant\"{hint}",
                    quote(other)
                ),
            );
            Role::Unknown
        }
        None => {
            ctx.report(
                Code::S004,
                span,
                format!(
                    "\"role\" is {}; expected \"user\" or \"assistant\"",
                    describe(doc, r)
                ),
            );
            Role::Unknown
        }
    };
    (role, span)
}

fn read_message<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    if !message_object(doc, node, ctx) {
        return None;
    }
    for (key, value) in doc.members(node) {
        let name = doc.str(key).unwrap_or_default();
        if !MESSAGE_KEYS.contains(&name.as_ref()) && !unused_key(doc, value, false, ctx) {
            unknown_key(
                ctx,
                doc.span(key),
                &name,
                "a Bedrock Claude message",
                MESSAGE_KEYS,
            );
        }
    }
    let (role, role_span) = read_role(doc, node, "Bedrock Claude", ctx);
    let content = match doc.get(node, "content") {
        None => {
            ctx.report(Code::S006, role_span, "message has no \"content\"");
            Content::Missing
        }
        Some(c) => match doc.str(c) {
            Some(value) => Content::Text(Text {
                value,
                span: doc.span(c),
            }),
            None => {
                ctx.report(
                    Code::S007,
                    doc.span(c),
                    format!(
                        "\"content\" is {}; Bedrock Claude expects a string",
                        describe(doc, c)
                    ),
                );
                Content::Invalid { span: doc.span(c) }
            }
        },
    };
    Some(Message::new(role, role_span, doc.span(node), content))
}

/// S005 when the first message (at `first`, after the system prompt) is the assistant's in a
/// conversation that has a user turn (without one, O003 says so).
pub(crate) fn check_first_turn(
    conv: &Conversation<'_>,
    first: usize,
    format: &str,
    ctx: &mut RecordContext<'_>,
) {
    if let Some(m) = conv.messages.get(first)
        && m.role == Role::Assistant
        && conv.messages.iter().any(|m| m.role == Role::User)
    {
        ctx.report(
            Code::S005,
            m.role_span,
            format!("the first message is the assistant's; {format} conversations start with a \"user\" message"),
        );
    }
}
