//! Amazon Bedrock fine-tuning records for Amazon Nova, in the Converse API's shape:
//! `{"schemaVersion": "bedrock-conversation-2024", "system"?: [{"text": str}], "messages":
//! [{"role": "user" | "assistant", "content": [block, ...]}], "toolConfig"?: {...}}`.
//!
//! From Amazon's "Preparing data for fine-tuning Understanding models" (Nova 1) and
//! "Preparing data for SFT on Amazon Nova 2": `schemaVersion` may be any string; the
//! system prompt is a list of text blocks; roles are `user` and `assistant`, the first turn
//! the user's, the last the assistant's, alternating; content is a list of blocks, each an
//! object with one key: `text`, `image` and `video` (`{"format", "source": {"s3Location":
//! {"uri", "bucketOwner"?}}}`, user turns only, one video per record), `document` (user
//! turns), `reasoningContent` (`{"reasoningText": {"text"}}`, assistant turns), `toolUse`
//! (`{"toolUseId", "name", "input"}`, assistant turns) and `toolResult` (`{"toolUseId",
//! "content"}`, user turns). A user turn of tool results only is a tool message in the
//! conversation model.
//!
//! Order: as for Bedrock Claude, the order rules report the last turn (O002) and alternation
//! (O006); a first turn that is the assistant's is S005 here.
//!
//! A null is an absent key, on the record (`system`, `toolConfig`), on a message and in a
//! content block: pandas and Hugging Face `datasets` write a column, or a kind of block, that
//! other records use as null on the others.
//!
//! Detection: a `schemaVersion` key, or `messages` beside a `system` list.

use std::borrow::Cow;

use super::bedrock_claude::{check_first_turn, message_list, read_role};
use super::blocks::{self, Block};
use super::openai_chat::{
    check_tool_pairing, foreign_record, json_text, message_object, missing_key, text, unknown_key,
    unused_key,
};
use crate::context::RecordContext;
use crate::diagnostic::Span;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Part, Role, ToolCall};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

const KEYS: &[&str] = &["schemaVersion", "system", "messages", "toolConfig"];
const MESSAGE_KEYS: &[&str] = &["role", "content"];
const BLOCKS: &str = "text, image, video, document, reasoningContent, toolUse, toolResult";
const IMAGE_FORMATS: &[&str] = &["png", "jpeg", "gif", "webp"];
const VIDEO_FORMATS: &[&str] = &[
    "mkv", "mov", "mp4", "webm", "flv", "mpeg", "mpg", "wmv", "three_gp",
];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut system, mut messages, mut tools) = (None, None, None);
    let mut defined: Option<Vec<Cow<'s, str>>> = None;
    if foreign_record(doc, root, KEYS) {
        missing_key(doc, root, "messages", FormatChoice::BedrockNova, ctx);
        return None;
    }
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "messages" => messages = Some(value),
            // A column other records use, written null by pandas or `datasets`.
            _ if unused_key(doc, value, false, ctx) => {}
            "schemaVersion" => {
                if doc.kind(value) != Kind::String {
                    ctx.report(
                        Code::S007,
                        doc.span(value),
                        format!(
                            "\"schemaVersion\" is {}; expected a string such as \"bedrock-conversation-2024\"",
                            describe(doc, value)
                        ),
                    );
                }
            }
            "system" => system = Some((key, value)),
            "toolConfig" => {
                if doc.kind(value) == Kind::Object {
                    tools = Some(doc.span(value));
                    defined = Some(tool_names(doc, value));
                } else {
                    ctx.report(
                        Code::S010,
                        doc.span(value),
                        format!(
                            "\"toolConfig\" is {}; expected an object with \"tools\"",
                            describe(doc, value)
                        ),
                    );
                }
            }
            other => unknown_key(ctx, doc.span(key), other, "a Bedrock Nova record", KEYS),
        }
    }
    let Some(list) = messages else {
        missing_key(doc, root, "messages", FormatChoice::BedrockNova, ctx);
        return None;
    };
    if !message_list(doc, list, ctx) {
        return None;
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(doc.len(list) + 1),
        span: doc.span(list),
        tools,
        ..Default::default()
    };
    let mut seen = Media::default();
    if let Some((key, value)) = system {
        match read_system(doc, key, value, ctx) {
            Some(m) => conv.messages.push(m),
            None => conv.incomplete = true,
        }
    }
    let first = conv.messages.len();
    for element in doc.elements(list) {
        match read_message(doc, element, &mut seen, ctx) {
            Some(m) => {
                conv.incomplete |= m.role == Role::Unknown;
                conv.messages.push(m);
            }
            None => conv.incomplete = true,
        }
    }
    check_first_turn(&conv, first, "Bedrock Nova", ctx);
    check_tool_pairing(&conv, ctx);
    if let Some(defined) = &defined {
        check_tools_defined(&conv, defined, ctx);
    }
    Some(conv)
}

/// The names of the tools `toolConfig` defines: `tools[].toolSpec.name`.
fn tool_names<'s>(doc: &Document<'_, 's>, config: NodeId) -> Vec<Cow<'s, str>> {
    let Some(list) = doc
        .get(config, "tools")
        .filter(|t| doc.kind(*t) == Kind::Array)
    else {
        return Vec::new();
    };
    doc.elements(list)
        .filter_map(|t| doc.get(t, "toolSpec"))
        .filter_map(|spec| doc.get(spec, "name"))
        .filter_map(|name| doc.str(name))
        .collect()
}

/// A `toolUse` that calls a tool `toolConfig` does not define: the Nova SDK's validator
/// rejects the record (and the model would learn to call a tool it was never given).
fn check_tools_defined(
    conv: &Conversation<'_>,
    defined: &[Cow<'_, str>],
    ctx: &mut RecordContext<'_>,
) {
    for call in conv.messages.iter().flat_map(|m| &m.tool_calls) {
        let Some(name) = &call.name else { continue };
        if !defined.contains(&name.value) {
            ctx.report(
                Code::S010,
                name.span,
                format!(
                    "toolUse calls {}, which \"toolConfig\" does not define{}; Bedrock Nova rejects a call to a tool not in \"toolConfig\".\"tools\"",
                    crate::wording::quote(&name.value),
                    match defined.len() {
                        0 => " (it defines none)".to_string(),
                        _ => format!(
                            " (it defines {})",
                            defined
                                .iter()
                                .map(|n| crate::wording::quote(n))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    }
                ),
            );
        }
    }
}

/// `"system": [{"text": str}, ...]` as one system message.
fn read_system<'s>(
    doc: &Document<'_, 's>,
    key: NodeId,
    value: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    if doc.kind(value) != Kind::Array {
        ctx.report(
            Code::S007,
            doc.span(value),
            format!(
                "\"system\" is {}; Bedrock Nova expects a list of text blocks such as [{{\"text\": \"...\"}}]",
                describe(doc, value)
            ),
        );
        return None;
    }
    let mut parts = Vec::with_capacity(doc.len(value));
    for block in doc.elements(value) {
        match doc.get(block, "text").and_then(|t| text(doc, t)) {
            Some(t) if doc.kind(block) == Kind::Object && doc.len(block) == 1 => {
                parts.push(Part::Text(t))
            }
            _ => ctx.report(
                Code::S007,
                doc.span(block),
                format!(
                    "system block is {}; expected {{\"text\": \"...\"}}",
                    describe(doc, block)
                ),
            ),
        }
    }
    Some(Message::new(
        Role::System,
        doc.span(key),
        doc.span(value),
        Content::Parts {
            span: doc.span(value),
            parts,
        },
    ))
}

fn read_message<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    seen: &mut Media,
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
                "a Bedrock Nova message",
                MESSAGE_KEYS,
            );
        }
    }
    let (role, role_span) = read_role(doc, node, "Bedrock Nova", ctx);
    seen.message_images = 0;
    let mut message = Message::new(role, role_span, doc.span(node), Content::Missing);
    blocks::read(
        doc,
        node,
        &mut message,
        &CONTENT,
        |m| &mut m.tool_call_id,
        ctx,
        |block, ctx| read_block(doc, block, role, seen, ctx),
    );
    Some(message)
}

/// How Bedrock Nova's findings about a message's `content` are worded.
const CONTENT: blocks::Words = blocks::Words {
    key: "content",
    missing: "message has no \"content\"",
    expected: "Bedrock Nova expects a list of content blocks such as [{\"text\": \"...\"}]",
    empty: "\"content\" is an empty list; expected at least one content block",
};

/// The images and videos of a record so far, and the images of the message being read.
#[derive(Default)]
struct Media {
    images: usize,
    videos: usize,
    message_images: usize,
}

/// Most images in one message: the Nova SDK's validator (`MAX_NUM_IMAGES`,
/// sft_dataset_validator.py) fails a message with more ("number of images 11 exceed maximum
/// allowed limit of 10").
pub const MAX_IMAGES_PER_MESSAGE: usize = 10;

/// The first image block and the first video block of a Bedrock Nova record, in any
/// message: what S012's dataset check compares across records, since a dataset takes images
/// or videos, never both.
pub fn first_media(doc: &Document<'_, '_>) -> (Option<Span>, Option<Span>) {
    let (mut image, mut video) = (None, None);
    let Some(messages) = doc.get(doc.root(), "messages") else {
        return (None, None);
    };
    for message in doc.elements(messages) {
        let Some(content) = doc.get(message, "content") else {
            continue;
        };
        for block in doc.elements(content) {
            let mut members = set_members(doc, block);
            if let (Some((key, _)), None) = (members.next(), members.next()) {
                match doc.str(key).as_deref() {
                    Some("image") => image = image.or(Some(doc.span(block))),
                    Some("video") => video = video.or(Some(doc.span(block))),
                    _ => {}
                }
            }
        }
        if image.is_some() && video.is_some() {
            break;
        }
    }
    (image, video)
}

/// Amazon's "Preparing data for fine-tuning Understanding models": a dataset is text with
/// images or text with videos, never both.
const MIXED_MEDIA: &str = "an image and a video in one record; Bedrock Nova takes text with images or text with videos, not both in one dataset";

/// The members of a content block that are not null: Arrow writes every kind of block a
/// column holds on each block (`{"text": "...", "image": null}`), and a null is no block of
/// its kind.
fn set_members<'d>(
    doc: &'d Document<'_, '_>,
    block: NodeId,
) -> impl Iterator<Item = (NodeId, NodeId)> + 'd {
    doc.members(block)
        .filter(move |&(_, value)| doc.kind(value) != Kind::Null)
}

fn read_block<'s>(
    doc: &Document<'_, 's>,
    block: NodeId,
    role: Role,
    seen: &mut Media,
    ctx: &mut RecordContext<'_>,
) -> Block<'s> {
    let span = doc.span(block);
    let mut members = set_members(doc, block);
    let (key, value) = match (doc.kind(block), members.next(), members.next()) {
        (Kind::Object, Some(only), None) => only,
        _ => {
            ctx.report(
                Code::S007,
                span,
                format!(
                    "content block is {}; expected an object with one key: {BLOCKS}",
                    if doc.kind(block) == Kind::Object {
                        format!("an object with {} keys", doc.len(block))
                    } else {
                        describe(doc, block)
                    }
                ),
            );
            return Block::Other;
        }
    };
    let name = doc.str(key).unwrap_or_default();
    let user_only = |what: &str, code: Code, ctx: &mut RecordContext<'_>| {
        if role == Role::Assistant {
            ctx.report(
                code,
                doc.span(key),
                format!("{what} block in an assistant message; Bedrock Nova accepts it in user messages only"),
            );
        }
    };
    match name.as_ref() {
        "text" => match text(doc, value) {
            Some(t) => return Block::Part(Part::Text(t)),
            None => ctx.report(
                Code::S007,
                doc.span(value),
                format!("\"text\" is {}; expected a string", describe(doc, value)),
            ),
        },
        "image" => {
            user_only("image", Code::S012, ctx);
            seen.images += 1;
            seen.message_images += 1;
            if seen.images == 1 && seen.videos > 0 {
                ctx.report(Code::S012, span, MIXED_MEDIA);
            }
            if seen.message_images == MAX_IMAGES_PER_MESSAGE + 1 {
                ctx.report(
                    Code::S012,
                    span,
                    format!("image {} of one message; Bedrock Nova accepts at most {MAX_IMAGES_PER_MESSAGE} images in a message", seen.message_images),
                );
            }
            if media(doc, value, "image", IMAGE_FORMATS, Code::S012, ctx) {
                return Block::Part(Part::Image { span });
            }
        }
        "video" => {
            user_only("video", Code::S007, ctx);
            seen.videos += 1;
            if seen.videos == 1 && seen.images > 0 {
                ctx.report(Code::S012, span, MIXED_MEDIA);
            }
            if seen.videos == 2 {
                ctx.report(
                    Code::S007,
                    span,
                    "second video in one record; Bedrock Nova accepts one video per example",
                );
            }
            media(doc, value, "video", VIDEO_FORMATS, Code::S007, ctx);
        }
        "document" => {
            user_only("document", Code::S007, ctx);
            if doc.kind(value) != Kind::Object || doc.get(value, "source").is_none() {
                ctx.report(
                    Code::S007,
                    doc.span(value),
                    "\"document\" must be an object with \"format\" and \"source\"",
                );
            }
        }
        "reasoningContent" => {
            if role == Role::User {
                ctx.report(
                    Code::S007,
                    doc.span(key),
                    "reasoningContent block in a user message; it belongs to assistant messages",
                );
            }
            let reasoning = doc
                .get(value, "reasoningText")
                .and_then(|r| doc.get(r, "text"))
                .and_then(|t| text(doc, t));
            match reasoning {
                // Nova 2.0 trains the reasoning of an assistant turn with its answer.
                Some(t) if doc.kind(value) == Kind::Object => return Block::Reasoning(t),
                _ => ctx.report(
                    Code::S007,
                    doc.span(value),
                    "\"reasoningContent\" must be {\"reasoningText\": {\"text\": \"...\"}}",
                ),
            }
        }
        "toolUse" => {
            if role == Role::User {
                ctx.report(
                    Code::S010,
                    doc.span(key),
                    "toolUse block in a user message; only assistant messages call tools",
                );
            }
            return tool_use(doc, value, ctx);
        }
        "toolResult" => {
            if role == Role::Assistant {
                ctx.report(
                    Code::S011,
                    doc.span(key),
                    "toolResult block in an assistant message; tool results go in a user message",
                );
            }
            return tool_result(doc, value, ctx);
        }
        other => ctx.report(
            Code::S007,
            doc.span(key),
            format!(
                "unknown content block {}; expected one of {BLOCKS}",
                quote(other)
            ),
        ),
    }
    Block::Other
}

/// An image or video: `{"format", "source": {"s3Location": {"uri": "s3://...",
/// "bucketOwner"?}}}`. False (reported with `code`) when malformed.
fn media(
    doc: &Document<'_, '_>,
    value: NodeId,
    what: &str,
    formats: &[&str],
    code: Code,
    ctx: &mut RecordContext<'_>,
) -> bool {
    if doc.kind(value) != Kind::Object {
        ctx.report(
            code,
            doc.span(value),
            format!(
                "\"{what}\" is {}; expected {{\"format\", \"source\": {{\"s3Location\": {{\"uri\"}}}}}}",
                describe(doc, value)
            ),
        );
        return false;
    }
    let mut ok = true;
    match doc.get(value, "format") {
        Some(f) if doc.str(f).is_some_and(|f| formats.contains(&f.as_ref())) => {}
        Some(f) => {
            ctx.report(
                code,
                doc.span(f),
                format!(
                    "{what} \"format\" is {}; expected one of {}",
                    describe(doc, f),
                    formats.join(", ")
                ),
            );
            ok = false;
        }
        None => {
            ctx.report(code, doc.span(value), format!("{what} has no \"format\""));
            ok = false;
        }
    }
    let uri = doc
        .get(value, "source")
        .and_then(|s| doc.get(s, "s3Location"))
        .and_then(|l| doc.get(l, "uri"));
    match uri {
        Some(u) if doc.str(u).is_some_and(|u| u.starts_with("s3://")) => {}
        Some(u) => {
            ctx.report(
                code,
                doc.span(u),
                format!(
                    "{what} uri is {}; expected an Amazon S3 address \"s3://bucket/key\"",
                    describe(doc, u)
                ),
            );
            ok = false;
        }
        None => {
            ctx.report(
                code,
                doc.span(value),
                format!("{what} has no \"source\": {{\"s3Location\": {{\"uri\"}}}}; Bedrock reads media from Amazon S3"),
            );
            ok = false;
        }
    }
    ok
}

fn tool_use<'s>(doc: &Document<'_, 's>, value: NodeId, ctx: &mut RecordContext<'_>) -> Block<'s> {
    let span = doc.span(value);
    if doc.kind(value) != Kind::Object {
        ctx.report(
            Code::S010,
            span,
            format!(
                "\"toolUse\" is {}; expected {{\"toolUseId\", \"name\", \"input\"}}",
                describe(doc, value)
            ),
        );
        return Block::Other;
    }
    let string = |key: &str, ctx: &mut RecordContext<'_>| match doc.get(value, key) {
        Some(v) => match text(doc, v) {
            Some(t) if !t.value.is_empty() => Some(t),
            _ => {
                ctx.report(
                    Code::S010,
                    doc.span(v),
                    format!(
                        "toolUse \"{key}\" is {}; expected a non-empty string",
                        describe(doc, v)
                    ),
                );
                None
            }
        },
        None => {
            ctx.report(Code::S010, span, format!("toolUse has no \"{key}\""));
            None
        }
    };
    let id = string("toolUseId", ctx);
    let name = string("name", ctx);
    let input = doc.get(value, "input");
    match input {
        Some(i) if doc.kind(i) == Kind::Object => {}
        Some(i) => ctx.report(
            Code::S010,
            doc.span(i),
            format!(
                "toolUse \"input\" is {}; expected a JSON object",
                describe(doc, i)
            ),
        ),
        None => ctx.report(Code::S010, span, "toolUse has no \"input\""),
    }
    Block::Call(ToolCall {
        id,
        name,
        arguments: input
            .filter(|&i| doc.kind(i) != Kind::Null)
            .map(|i| json_text(doc, i)),
        span,
    })
}

fn tool_result<'s>(
    doc: &Document<'_, 's>,
    value: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Block<'s> {
    let id = doc.get(value, "toolUseId").and_then(|i| text(doc, i));
    let content = doc.get(value, "content");
    if doc.kind(value) != Kind::Object || id.is_none() || content.is_none() {
        ctx.report(
            Code::S011,
            doc.span(value),
            "\"toolResult\" must be an object with \"toolUseId\" (the call it answers) and \"content\"",
        );
    }
    Block::Result {
        answers: id,
        data: content
            .filter(|&c| doc.kind(c) != Kind::Null)
            .map(|c| json_text(doc, c)),
    }
}
