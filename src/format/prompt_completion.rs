//! Prompt-completion records: `{"prompt": str, "completion": str}`, read as one user turn
//! and one assistant turn.

use std::borrow::Cow;

use super::openai_chat::{missing_key, unknown_key};
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::describe;

const KEYS: &[&str] = &["prompt", "completion"];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut prompt, mut completion) = (None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "prompt" => prompt = Some((key, value)),
            "completion" => completion = Some((key, value)),
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "a prompt-completion record",
                KEYS,
            ),
        }
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(2),
        span: doc.span(root),
        incomplete: false,
        tools: None,
    };
    for (field, name, role) in [
        (prompt, "prompt", Role::User),
        (completion, "completion", Role::Assistant),
    ] {
        match field {
            None => {
                missing_key(doc, root, name, FormatChoice::PromptCompletion, ctx);
                conv.incomplete = true;
            }
            Some((key, value)) => match string_field(doc, key, value, name, role, ctx) {
                Some(m) => conv.messages.push(m),
                None => conv.incomplete = true,
            },
        }
    }
    Some(conv)
}

/// A message made of one string field; S007 when the field is not a string.
pub(crate) fn string_field<'s>(
    doc: &Document<'_, 's>,
    key: NodeId,
    value: NodeId,
    name: &str,
    role: Role,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    if doc.kind(value) != Kind::String {
        ctx.report(
            Code::S007,
            doc.span(value),
            format!("\"{name}\" is {}; expected a string", describe(doc, value)),
        );
        return None;
    }
    let span = doc.span(value);
    Some(Message {
        role,
        role_span: doc.span(key),
        span,
        content: Content::Text(Text {
            value: doc.str(value).unwrap_or_default(),
            span,
        }),
        name: None,
        tool_calls: Vec::new(),
        tool_call_id: None,
        weight: None,
    })
}
