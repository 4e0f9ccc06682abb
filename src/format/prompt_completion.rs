//! Prompt-completion records: `{"prompt": str, "completion": str}` (OpenAI's legacy
//! format), read as one user turn and one assistant turn. llm-foundry spells `completion`
//! `response`; both are read, and messages name the key the record uses.
//!
//! Together's vision "Instruction format" writes the prompt and the completion as lists of
//! content parts (`{"type": "text"}`, `{"type": "image_url"}`), which its upload check reads
//! as a message's content: such lists are read as parts, not as TRL's lists of messages
//! (a part has a `type` and no `role`). Without a target that is the only reading there is;
//! under a target that takes only strings ([`crate::target::Target::prompt_parts`]) it is
//! S007.

use std::borrow::Cow;

use super::openai_chat::{self, missing_key, unknown_record_key};
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::describe;

const KEYS: &[&str] = &["prompt", "completion", "response"];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut prompt, mut completion) = (None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "prompt" => prompt = Some((key, value)),
            "completion" => answer_key(doc, key, value, "completion", &mut completion, ctx),
            "response" => answer_key(doc, key, value, "response", &mut completion, ctx),
            other => unknown_record_key(
                ctx,
                doc,
                (key, value),
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
        ..Default::default()
    };
    let prompt = prompt.map(|(key, value)| (key, value, "prompt"));
    let mut images = 0usize;
    for (field, name, role) in [
        (prompt, "prompt", Role::User),
        (completion, "completion", Role::Assistant),
    ] {
        match field {
            None => {
                missing_key(doc, root, name, FormatChoice::PromptCompletion, ctx);
                conv.incomplete = true;
            }
            Some((key, value, used)) if used != "response" && starts_with_part(doc, value) => {
                match parts_field(doc, key, value, used, role, ctx, &mut images) {
                    Some(m) => conv.messages.push(m),
                    None => conv.incomplete = true,
                }
            }
            Some((key, value, used)) => match string_field(doc, key, value, used, role, ctx) {
                Some(m) => conv.messages.push(m),
                None => conv.incomplete = true,
            },
        }
    }
    Some(conv)
}

/// Whether `node` is a list of content parts: objects with a `type` and no `role` (a list
/// of messages has roles).
fn parts_list(doc: &Document<'_, '_>, node: NodeId) -> bool {
    doc.kind(node) == Kind::Array
        && doc.len(node) > 0
        && doc.elements(node).all(|part| {
            doc.kind(part) == Kind::Object
                && doc.get(part, "type").is_some()
                && doc.get(part, "role").is_none()
        })
}

/// Whether `node` is a list whose first element is a content part (a `type`, no `role`):
/// read as parts, so that a malformed later part is named.
fn starts_with_part(doc: &Document<'_, '_>, node: NodeId) -> bool {
    doc.kind(node) == Kind::Array
        && doc.elements(node).next().is_some_and(|part| {
            doc.kind(part) == Kind::Object
                && doc.get(part, "type").is_some()
                && doc.get(part, "role").is_none()
        })
}

/// Whether a record's list-valued `prompt` and `completion` are lists of content parts
/// (Together's vision instruction records), not TRL's lists of messages: every list among
/// them is one, and a string is the other's only alternative.
pub(crate) fn parts_record(doc: &Document<'_, '_>) -> bool {
    let root = doc.root();
    let mut lists = 0;
    for key in ["prompt", "completion"] {
        match doc.get(root, key) {
            Some(v) if doc.kind(v) == Kind::Array => {
                if !parts_list(doc, v) {
                    return false;
                }
                lists += 1;
            }
            Some(v) if doc.kind(v) == Kind::String => {}
            _ => return false,
        }
    }
    lists > 0
}

/// A prompt or completion written as a list of content parts: read as a message's content
/// where the target takes it (or no target is named); S007 under a target that takes
/// strings only.
fn parts_field<'s>(
    doc: &Document<'_, 's>,
    key: NodeId,
    value: NodeId,
    name: &str,
    role: Role,
    ctx: &mut RecordContext<'_>,
    images: &mut usize,
) -> Option<Message<'s>> {
    if let Some(target) = ctx.settings.target
        && target.prompt_parts.is_none()
    {
        let readers: Vec<&str> = crate::target::ALL
            .iter()
            .filter(|t| t.prompt_parts.is_some())
            .map(|t| t.title)
            .collect();
        let takes = if target.accepts(FormatChoice::TrlPromptCompletion.as_str()) {
            "a string or a list of messages"
        } else {
            "a string"
        };
        ctx.report(
            Code::S007,
            doc.span(value),
            format!(
                "\"{name}\" is a list of content parts, {}'s instruction format for images; {} takes {takes}",
                crate::target::list(&readers),
                target.title,
            ),
        );
        return None;
    }
    let mut refusals = Vec::new();
    let content = openai_chat::read_content_value(doc, value, role, ctx, images, &mut refusals);
    Some(Message {
        refusals,
        ..Message::new(role, doc.span(key), doc.span(value), content)
    })
}

/// Keeps the answer key of a format that accepts two spellings of it (`output`/`response`,
/// `completion`/`response`): the first one written; S008 on a second, which trainers read
/// instead of the first or not at all. A null one gives way to the other spelling: pandas and
/// `datasets` write `"output": null` beside `"response"` when other records of the file use
/// `output`; only when the answer is null under both spellings is it reported (as a null).
pub(crate) fn answer_key<'k>(
    doc: &Document<'_, '_>,
    key: NodeId,
    value: NodeId,
    name: &'k str,
    slot: &mut Option<(NodeId, NodeId, &'k str)>,
    ctx: &mut RecordContext<'_>,
) {
    let null = |v: NodeId| doc.kind(v) == Kind::Null;
    match slot {
        // The same key again (J010): the last value is the one every loader keeps.
        Some((_, _, first)) if *first == name => *slot = Some((key, value, name)),
        None => *slot = Some((key, value, name)),
        Some(_) if null(value) => {}
        Some((_, first, _)) if null(*first) => *slot = Some((key, value, name)),
        Some((_, _, first)) => ctx.report(
            Code::S008,
            doc.span(key),
            format!("\"{name}\" repeats the answer already given as \"{first}\"; keep one of them"),
        ),
    }
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
    Some(Message::new(
        role,
        doc.span(key),
        span,
        Content::Text(Text {
            value: doc.str(value).unwrap_or_default(),
            span,
        }),
    ))
}

/// [`string_field`] as the next message of `conv`, which is incomplete when the field is no
/// string (reported).
pub(crate) fn push_string_field<'s>(
    doc: &Document<'_, 's>,
    (key, value): (NodeId, NodeId),
    name: &str,
    role: Role,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    match string_field(doc, key, value, name, role, ctx) {
        Some(message) => conv.messages.push(message),
        None => conv.incomplete = true,
    }
}
