//! LLaMA-Factory messages: `role`, `content` (v1 `{"type", "value"}` parts, or a string in
//! the `messages` column of older data) and `loss_weight`, read into [`Message`]s.

use crate::format::openai_chat::message_object;
use std::borrow::Cow;

use super::super::openai_chat::{role_alias, unknown_key, unused_key};
use crate::context::RecordContext;
use crate::diagnostic::Span;
use crate::json::{Document, Kind, NodeId, Parser};
use crate::record::{Content, Conversation, Message, Part, Role, Text, ToolCall};
use crate::registry::Code;
use crate::wording::{describe, quote, with_article};

const ROLES: &str = "system, user, assistant, tool";
const PART_TYPES: &str = "text, reasoning, tool_call, image_url, video_url, audio_url";
/// LLaMA-Factory trains on an assistant turn whose `loss_weight` is above this.
const TRAINED_ABOVE: f64 = 1e-6;

/// Reads a list of LLaMA-Factory messages into `conv`; false (with S002) when it is not a
/// non-empty array.
pub(super) fn read_message_list<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    what: &str,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) -> bool {
    if doc.kind(node) != Kind::Array || doc.len(node) == 0 {
        let how = if doc.kind(node) == Kind::Array {
            "empty".to_string()
        } else {
            describe(doc, node)
        };
        ctx.report(
            Code::S002,
            doc.span(node),
            format!("{what} is {how}; expected an array of messages"),
        );
        return false;
    }
    conv.messages.reserve(doc.len(node));
    for element in doc.elements(node) {
        match read_message(doc, element, ctx) {
            Some(m) => {
                conv.incomplete |= m.role == Role::Unknown;
                conv.messages.push(m);
            }
            None => conv.incomplete = true,
        }
    }
    true
}

/// One message: `role`, `content` (v1 parts, or a string in the `messages` column of older
/// data), `loss_weight`.
pub(super) fn read_message<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    let span = doc.span(node);
    if !message_object(doc, node, ctx) {
        return None;
    }
    let (role, role_span) = read_role(doc, node, ctx);
    let mut message = Message::new(role, role_span, span, Content::Missing);
    let mut content = None;
    for (key, value) in doc.members(node) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "role" => {}
            "content" => content = Some(value),
            // A null `loss_weight` stays S009: v1's reader compares it with a number.
            "loss_weight" => {
                let weight = read_loss_weight(doc, value, ctx);
                if role == Role::Assistant {
                    message.weight = weight;
                }
            }
            // Arrow writes every key of a column's messages on each, null where one has none.
            _ if unused_key(doc, value, false, ctx) => {}
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "a LLaMA-Factory message",
                &["role", "content", "loss_weight"],
            ),
        }
    }
    let Some(content) = content else {
        if role != Role::Unknown {
            ctx.report(
                Code::S006,
                role_span,
                format!("{} message has no \"content\"", role.as_str()),
            );
        }
        return Some(message);
    };
    let span = doc.span(content);
    message.content = match doc.kind(content) {
        Kind::String => Content::Text(Text {
            value: doc.str(content).unwrap_or_default(),
            span,
        }),
        Kind::Array if doc.len(content) == 0 => {
            ctx.report(
                Code::S007,
                span,
                "content is an empty array; expected at least one {\"type\", \"value\"} part",
            );
            Content::Invalid { span }
        }
        Kind::Array => {
            let mut parts = Vec::with_capacity(doc.len(content));
            for part in doc.elements(content) {
                read_part(doc, part, &mut message, &mut parts, ctx);
            }
            if parts.is_empty() && message.calls_tools() {
                Content::Missing
            } else {
                Content::Parts { span, parts }
            }
        }
        _ => {
            ctx.report(
                Code::S007,
                span,
                format!(
                    "content is {}; LLaMA-Factory expects a list of {{\"type\", \"value\"}} parts",
                    describe(doc, content)
                ),
            );
            Content::Invalid { span }
        }
    };
    Some(message)
}

fn read_role(doc: &Document<'_, '_>, node: NodeId, ctx: &mut RecordContext<'_>) -> (Role, Span) {
    let Some(r) = doc.get(node, "role") else {
        ctx.report(Code::S004, doc.span(node), "message has no \"role\"");
        return (Role::Unknown, doc.span(node));
    };
    let span = doc.span(r);
    let Some(name) = doc.str(r) else {
        ctx.report(
            Code::S004,
            span,
            format!(
                "\"role\" is {}; expected a string such as \"user\"",
                describe(doc, r)
            ),
        );
        return (Role::Unknown, span);
    };
    let role = match name.as_ref() {
        "system" => Role::System,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "tool" => Role::Tool,
        other => {
            let hint = match role_alias(other) {
                Some(r) => format!(" (did you mean \"{r}\"?)"),
                None => String::new(),
            };
            ctx.report(
                Code::S005,
                span,
                format!(
                    "unknown role {}; LLaMA-Factory messages use {ROLES}{hint}",
                    quote(other)
                ),
            );
            Role::Unknown
        }
    };
    (role, span)
}

/// `loss_weight`: a number, 0.0 or more (LLaMA-Factory multiplies the turn's loss by it and
/// trains on an assistant turn above 1e-6). `Some(0)` for an untrained turn, `Some(1)` else.
fn read_loss_weight(
    doc: &Document<'_, '_>,
    value: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<u8> {
    match doc.number(value) {
        Some(w) if w.is_finite() && w >= 0.0 => Some(u8::from(w > TRAINED_ABOVE)),
        _ => {
            ctx.report(
                Code::S009,
                doc.span(value),
                format!(
                    "\"loss_weight\" is {}; expected a number of 0.0 or more (0.0: not trained, 1.0: trained)",
                    describe(doc, value)
                ),
            );
            None
        }
    }
}

/// One `{"type", "value"}` content part.
fn read_part<'s>(
    doc: &Document<'_, 's>,
    part: NodeId,
    message: &mut Message<'s>,
    parts: &mut Vec<Part<'s>>,
    ctx: &mut RecordContext<'_>,
) {
    let span = doc.span(part);
    if doc.kind(part) != Kind::Object {
        ctx.report(
            Code::S007,
            span,
            format!(
                "content part is {}; expected an object {{\"type\", \"value\"}}",
                describe(doc, part)
            ),
        );
        return;
    }
    for (key, _) in doc.members(part) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "type" | "value" => {}
            "text" => ctx.report(
                Code::S008,
                doc.span(key),
                "unknown key \"text\" in a LLaMA-Factory content part; it holds its text in \"value\"",
            ),
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "a LLaMA-Factory content part",
                &["type", "value"],
            ),
        }
    }
    let kind = match doc.get(part, "type") {
        None => {
            ctx.report(
                Code::S007,
                span,
                format!("content part has no \"type\"; expected one of {PART_TYPES}"),
            );
            return;
        }
        Some(t) => match doc.str(t) {
            Some(k) => (k, doc.span(t)),
            None => {
                ctx.report(
                    Code::S007,
                    doc.span(t),
                    format!(
                        "\"type\" is {}; expected one of {PART_TYPES}",
                        describe(doc, t)
                    ),
                );
                return;
            }
        },
    };
    let value = match doc.get(part, "value") {
        Some(v) if doc.kind(v) == Kind::String => Text {
            value: doc.str(v).unwrap_or_default(),
            span: doc.span(v),
        },
        Some(v) => {
            ctx.report(
                Code::S007,
                doc.span(v),
                format!(
                    "{} part's \"value\" is {}; expected a string",
                    kind.0,
                    describe(doc, v)
                ),
            );
            return;
        }
        None => {
            ctx.report(
                Code::S007,
                span,
                format!("{} part has no \"value\"", quote(&kind.0)),
            );
            return;
        }
    };
    match kind.0.as_ref() {
        "text" | "reasoning" => parts.push(Part::Text(value)),
        "image_url" | "video_url" | "audio_url" => parts.push(Part::Image { span: value.span }),
        "tool_call" => {
            if !matches!(message.role, Role::Assistant | Role::Unknown) {
                ctx.report(
                    Code::S010,
                    kind.1,
                    format!(
                        "tool_call part in {} message; only assistant messages call tools",
                        with_article(message.role.as_str())
                    ),
                );
            } else {
                check_call(&value, ctx);
            }
            message.tool_calls.push(ToolCall {
                id: None,
                name: None,
                span: value.span,
                arguments: Some(value),
            });
        }
        other => ctx.report(
            Code::S007,
            kind.1,
            format!(
                "unknown content part type {}; expected one of {PART_TYPES}",
                quote(other)
            ),
        ),
    }
}

/// A `tool_call` part's value: a JSON object with `name` and `arguments`, as LLaMA-Factory's
/// renderer requires.
fn check_call(value: &Text<'_>, ctx: &mut RecordContext<'_>) {
    let mut parser = Parser::new();
    let problem = match parser.parse(&value.value) {
        Err(_) => Some("is not valid JSON"),
        Ok(call) => {
            let root = call.root();
            if call.kind(root) != Kind::Object {
                Some("is not a JSON object")
            } else if call.get(root, "name").and_then(|n| call.str(n)).is_none() {
                Some("has no string \"name\"")
            } else if call.get(root, "arguments").is_none() {
                Some("has no \"arguments\"")
            } else {
                None
            }
        }
    };
    if let Some(problem) = problem {
        ctx.report(
            Code::S010,
            value.span,
            format!(
                "tool_call value {problem}; expected a JSON object {{\"name\": ..., \"arguments\": {{...}}}}"
            ),
        );
    }
}
