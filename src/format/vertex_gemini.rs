//! Google Vertex AI supervised tuning records for Gemini: `{"systemInstruction"?: {"role"?,
//! "parts": [{"text"}]}, "contents": [{"role": "user" | "model", "parts": [part, ...]}],
//! "tools"?: [...]}`.
//!
//! From Vertex AI's "Prepare supervised fine-tuning data for Gemini models": each line holds
//! `contents` (the conversation, as the `generateContent` API's `Content` objects) and
//! optionally `systemInstruction` (text parts; its role is ignored) and `tools` (function
//! declarations). A content's role is `user` or `model`; a part holds one of `text`,
//! `fileData` (`{"mimeType", "fileUri"}`), `functionCall` (`{"name", "args"}`, in model
//! turns) or `functionResponse` (`{"name", "response"}`). A user content made only of
//! function responses is a tool message in the conversation model.
//!
//! The API lets a single-turn request leave `role` unset; a tuning example has a user turn and
//! a model turn, which only the role tells apart, so a content without one is S004 here. The
//! order of turns is the order rules' (O001 to O006), as for OpenAI chat.
//!
//! Its schema findings speak Vertex's words: contents, parts, `model`; never messages or
//! assistant. (The order rules' messages are shared by every format and name the roles of the
//! conversation model.)
//!
//! A null stands for an unset field, as in the protobuf JSON Vertex AI reads: a null
//! `systemInstruction` or `tools` is none, a part's null members are not its kind, and an
//! unknown key holding null is not reported. pandas and Hugging Face `datasets` write such
//! nulls for a column, or a kind of part, that other records use.
//!
//! Detection: a `contents` or `systemInstruction` key.

use std::borrow::Cow;

use super::blocks::{self, Block};
use super::openai_chat::{foreign_record, json_text, missing_key, text, unknown_key, unused_key};
use crate::context::RecordContext;
use crate::diagnostic::Span;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Part, Role, ToolCall};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

const KEYS: &[&str] = &["contents", "systemInstruction", "tools", "generationConfig"];
const CONTENT_KEYS: &[&str] = &["role", "parts"];
const PARTS: &str = "text, fileData, functionCall, functionResponse";

/// A key as Vertex AI reads it: the records are protocol buffers in JSON, whose parsers
/// take a field by its lowerCamelCase name or by its proto name (`system_instruction`,
/// `file_data`, `mime_type`: Vertex's own function-calling examples use them).
fn field(name: &str) -> Cow<'_, str> {
    if !name.contains('_') {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The member of `node` named `name` (lowerCamelCase) under either of its names.
fn get(doc: &Document<'_, '_>, node: NodeId, name: &str) -> Option<NodeId> {
    doc.get(node, name).or_else(|| {
        doc.members(node)
            .find(|(k, _)| doc.str(*k).is_some_and(|k| field(&k) == name))
            .map(|(_, v)| v)
    })
}

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut contents, mut system, mut tools) = (None, None, None);
    if foreign_record(doc, root, KEYS) {
        missing_key(doc, root, "contents", FormatChoice::VertexGemini, ctx);
        return None;
    }
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match field(&name).as_ref() {
            "contents" => contents = Some(value),
            // Vertex AI reads the record as protobuf JSON, where a null is an unset field;
            // pandas and `datasets` write one for a column other records use.
            _ if unused_key(doc, value, false, ctx) => {}
            "systemInstruction" => system = Some((key, value)),
            // Generation settings for the tuned model (`mediaResolution` for video tuning).
            "generationConfig" if doc.kind(value) == Kind::Object => {}
            "tools" => {
                if doc.kind(value) == Kind::Array {
                    tools = Some(doc.span(value));
                } else {
                    ctx.report(
                        Code::S010,
                        doc.span(value),
                        format!(
                            "\"tools\" is {}; expected an array of tools with \"functionDeclarations\"",
                            describe(doc, value)
                        ),
                    );
                }
            }
            other => unknown_key(ctx, doc.span(key), other, "a Vertex AI Gemini record", KEYS),
        }
    }
    let Some(list) = contents else {
        missing_key(doc, root, "contents", FormatChoice::VertexGemini, ctx);
        return None;
    };
    let problem = match doc.kind(list) {
        Kind::Array if doc.len(list) > 0 => None,
        Kind::Array => Some("empty".to_string()),
        _ => Some(describe(doc, list)),
    };
    if let Some(problem) = problem {
        ctx.report(
            Code::S002,
            doc.span(list),
            format!("\"contents\" is {problem}; expected an array of contents, each with a \"role\" and \"parts\""),
        );
        return None;
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(doc.len(list) + 1),
        span: doc.span(list),
        tools,
        ..Default::default()
    };
    if let Some((key, value)) = system {
        match read_system(doc, key, value, ctx) {
            Some(m) => conv.messages.push(m),
            None => conv.incomplete = true,
        }
    }
    for element in doc.elements(list) {
        match read_content(doc, element, ctx) {
            Some(m) => {
                conv.incomplete |= m.role == Role::Unknown;
                conv.messages.push(m);
            }
            None => conv.incomplete = true,
        }
    }
    too_many_images(&conv, ctx);
    Some(conv)
}

/// S012 on the first image past Vertex AI's limit per example (30): only Vertex AI reads
/// this format, so its limit holds with any target and without one.
fn too_many_images(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    let Some(limit) = crate::target::lookup("vertex-gemini").and_then(|t| t.max_images) else {
        return;
    };
    let max = limit.value;
    let past = conv
        .messages
        .iter()
        .filter_map(|m| match &m.content {
            Content::Parts { parts, .. } => Some(parts.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|p| match p {
            Part::Image { span } => Some(*span),
            Part::Text(_) => None,
        })
        .nth(max);
    if let Some(span) = past {
        ctx.report(
            Code::S012,
            span,
            format!("Vertex AI (Gemini) accepts at most {max} images per example"),
        );
    }
}

/// `"systemInstruction": {"role"?, "parts": [{"text"}]}` as one system message.
fn read_system<'s>(
    doc: &Document<'_, 's>,
    key: NodeId,
    value: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    let parts_node = match doc.kind(value) {
        Kind::Object => doc.get(value, "parts"),
        _ => None,
    };
    let Some(parts_node) = parts_node else {
        ctx.report(
            Code::S007,
            doc.span(value),
            format!(
                "\"systemInstruction\" is {}; expected an object with \"parts\" such as {{\"parts\": [{{\"text\": \"...\"}}]}}",
                if doc.kind(value) == Kind::Object {
                    "an object without \"parts\"".to_string()
                } else {
                    describe(doc, value)
                }
            ),
        );
        return None;
    };
    for (k, v) in doc.members(value) {
        let name = doc.str(k).unwrap_or_default();
        if !CONTENT_KEYS.contains(&field(&name).as_ref()) && !unused_key(doc, v, false, ctx) {
            unknown_key(
                ctx,
                doc.span(k),
                &name,
                "\"systemInstruction\"",
                CONTENT_KEYS,
            );
        }
    }
    if doc.kind(parts_node) != Kind::Array {
        ctx.report(
            Code::S007,
            doc.span(parts_node),
            format!(
                "\"parts\" of \"systemInstruction\" is {}; expected an array of text parts",
                describe(doc, parts_node)
            ),
        );
        return None;
    }
    let mut parts = Vec::with_capacity(doc.len(parts_node));
    for part in doc.elements(parts_node) {
        match doc.get(part, "text").and_then(|t| text(doc, t)) {
            Some(t) => parts.push(Part::Text(t)),
            None => ctx.report(
                Code::S007,
                doc.span(part),
                "\"systemInstruction\" accepts text parts only; expected {\"text\": \"...\"}",
            ),
        }
    }
    Some(Message::new(
        Role::System,
        doc.span(key),
        doc.span(value),
        Content::Parts {
            span: doc.span(parts_node),
            parts,
        },
    ))
}

fn read_role(doc: &Document<'_, '_>, content: NodeId, ctx: &mut RecordContext<'_>) -> (Role, Span) {
    let Some(r) = doc.get(content, "role") else {
        ctx.report(
            Code::S004,
            doc.span(content),
            "content has no \"role\"; expected \"user\" or \"model\"",
        );
        return (Role::Unknown, doc.span(content));
    };
    let span = doc.span(r);
    let role = match doc.str(r).as_deref() {
        Some("user") => Role::User,
        Some("model") => Role::Assistant,
        Some(other) => {
            let hint = match super::openai_chat::role_alias(other) {
                Some("assistant") => " (did you mean \"model\"?)",
                Some("user") => " (did you mean \"user\"?)",
                Some("system") => "; a system prompt goes in \"systemInstruction\"",
                Some("tool") => {
                    "; a function's result is a \"functionResponse\" part of a \"user\" content"
                }
                _ => "",
            };
            ctx.report(
                Code::S005,
                span,
                format!(
                    "unknown role {}; Vertex AI accepts \"user\" and \"model\"{hint}",
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
                    "\"role\" is {}; expected \"user\" or \"model\"",
                    describe(doc, r)
                ),
            );
            Role::Unknown
        }
    };
    (role, span)
}

fn read_content<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    if doc.kind(node) != Kind::Object {
        ctx.report_with(Code::S003, || {
            (
                doc.span(node),
                format!(
                    "content is {}; expected an object with \"role\" and \"parts\"",
                    describe(doc, node)
                ),
            )
        });
        return None;
    }
    for (key, value) in doc.members(node) {
        let name = doc.str(key).unwrap_or_default();
        if !CONTENT_KEYS.contains(&field(&name).as_ref()) && !unused_key(doc, value, false, ctx) {
            unknown_key(
                ctx,
                doc.span(key),
                &name,
                "a content of \"contents\"",
                CONTENT_KEYS,
            );
        }
    }
    let (role, role_span) = read_role(doc, node, ctx);
    let mut message = Message::new(role, role_span, doc.span(node), Content::Missing);
    blocks::read(
        doc,
        node,
        &mut message,
        &PARTS_LIST,
        |m| &mut m.name,
        ctx,
        |part, ctx| read_part(doc, part, role, ctx),
    );
    Some(message)
}

/// How Vertex AI's findings about a content's `parts` are worded.
const PARTS_LIST: blocks::Words = blocks::Words {
    key: "parts",
    missing: "content has no \"parts\"",
    expected: "expected an array of parts such as [{\"text\": \"...\"}]",
    empty: "\"parts\" is empty; expected at least one part",
};

fn read_part<'s>(
    doc: &Document<'_, 's>,
    part: NodeId,
    role: Role,
    ctx: &mut RecordContext<'_>,
) -> Block<'s> {
    let span = doc.span(part);
    // A video's segment (`videoMetadata`: its start and end offsets) goes beside its
    // `fileData`, the one key a part may have besides its content.
    // A null member is an unset field of the part's oneof: Arrow writes every kind of part a
    // column holds on each part (`{"text": "...", "fileData": null}`).
    let metadata = |(k, v): &(NodeId, NodeId)| {
        doc.kind(*v) == Kind::Null || doc.str(*k).is_some_and(|k| field(&k) == "videoMetadata")
    };
    let mut members = doc.members(part).filter(|m| !metadata(m));
    // A part whose members are all null (`{"text": null}`) is read by its first one, which
    // is then said to be null.
    let first = doc
        .members(part)
        .find(|(k, _)| doc.str(*k).is_some_and(|k| field(&k) != "videoMetadata"));
    let (key, value) = match (doc.kind(part), members.next(), members.next(), first) {
        (Kind::Object, Some(only), None, _) => only,
        (Kind::Object, None, None, Some(first)) => first,
        _ => {
            ctx.report(
                Code::S007,
                span,
                format!(
                    "part is {}; expected an object with one of {PARTS}",
                    if doc.kind(part) == Kind::Object {
                        format!(
                            "an object with {}",
                            crate::wording::plural(doc.len(part) as u64, "key")
                        )
                    } else {
                        describe(doc, part)
                    }
                ),
            );
            // A thought as the Gemini API returns it (`{"text": ..., "thought": true}`): not a
            // part tuning defines, but a chain of thought all the same, whose text is read
            // as one.
            let thought = doc.kind(part) == Kind::Object
                && get(doc, part, "thought").and_then(|t| doc.bool(t)) == Some(true);
            return match get(doc, part, "text").and_then(|t| text(doc, t)) {
                Some(t) if thought => Block::Reasoning(t),
                _ => Block::Other,
            };
        }
    };
    let name = doc.str(key).unwrap_or_default();
    match field(&name).as_ref() {
        "text" => match text(doc, value) {
            Some(t) => return Block::Part(Part::Text(t)),
            None => ctx.report(
                Code::S007,
                doc.span(value),
                format!("\"text\" is {}; expected a string", describe(doc, value)),
            ),
        },
        "fileData" => return file_data(doc, value, role, ctx),
        "functionCall" => {
            if role == Role::User {
                ctx.report(
                    Code::S010,
                    doc.span(key),
                    "functionCall part in a \"user\" content; only \"model\" contents call functions",
                );
            }
            return function_call(doc, value, ctx);
        }
        "functionResponse" => {
            if role == Role::Assistant {
                ctx.report(
                    Code::S011,
                    doc.span(key),
                    "functionResponse part in a \"model\" content; a function's result goes in a \"user\" content",
                );
            }
            let name = doc.get(value, "name").and_then(|n| text(doc, n));
            let response = doc.get(value, "response");
            let response_ok = response.is_some_and(|r| doc.kind(r) == Kind::Object);
            if doc.kind(value) != Kind::Object || name.is_none() || !response_ok {
                ctx.report(
                    Code::S011,
                    doc.span(value),
                    "\"functionResponse\" must be an object with \"name\" (the function called) and a \"response\" object",
                );
            }
            return Block::Result {
                answers: name,
                data: response
                    .filter(|&r| doc.kind(r) != Kind::Null)
                    .map(|r| json_text(doc, r)),
            };
        }
        other => ctx.report(
            Code::S007,
            doc.span(key),
            format!("unknown part {}; expected one of {PARTS}", quote(other)),
        ),
    }
    Block::Other
}

/// `{"mimeType": str, "fileUri": str}`; an image (`image/...`) is an image part, S012 in a
/// model turn; any other file is S007 in a model turn (the model answers in text).
fn file_data<'s>(
    doc: &Document<'_, 's>,
    value: NodeId,
    role: Role,
    ctx: &mut RecordContext<'_>,
) -> Block<'s> {
    let span = doc.span(value);
    if doc.kind(value) != Kind::Object {
        ctx.report(
            Code::S007,
            span,
            format!(
                "\"fileData\" is {}; expected {{\"mimeType\", \"fileUri\"}}",
                describe(doc, value)
            ),
        );
        return Block::Other;
    }
    for (k, v) in doc.members(value) {
        let name = doc.str(k).unwrap_or_default();
        if !matches!(field(&name).as_ref(), "mimeType" | "fileUri")
            && !unused_key(doc, v, false, ctx)
        {
            unknown_key(
                ctx,
                doc.span(k),
                &name,
                "\"fileData\"",
                &["mimeType", "fileUri"],
            );
        }
    }
    let mime = get(doc, value, "mimeType").and_then(|m| doc.str(m));
    let image = mime.as_deref().is_some_and(|m| m.starts_with("image/"));
    let code = if image { Code::S012 } else { Code::S007 };
    let mut ok = true;
    match (get(doc, value, "mimeType"), &mime) {
        (Some(_), Some(m)) if m.contains('/') => {}
        (Some(m), _) => {
            ctx.report(
                code,
                doc.span(m),
                format!(
                    "\"mimeType\" is {}; expected a media type such as \"image/jpeg\"",
                    describe(doc, m)
                ),
            );
            ok = false;
        }
        (None, _) => {
            ctx.report(code, span, "\"fileData\" has no \"mimeType\"");
            ok = false;
        }
    }
    match get(doc, value, "fileUri") {
        Some(u) if doc.str(u).is_some_and(|u| !u.trim().is_empty()) => {}
        Some(u) => {
            ctx.report(
                code,
                doc.span(u),
                format!(
                    "\"fileUri\" is {}; expected the file's address, such as \"gs://bucket/photo.jpg\"",
                    describe(doc, u)
                ),
            );
            ok = false;
        }
        None => {
            ctx.report(code, span, "\"fileData\" has no \"fileUri\"");
            ok = false;
        }
    }
    if role == Role::Assistant {
        ctx.report(
            code,
            span,
            "file in a \"model\" content; the model answers with text (and function calls) only",
        );
        return Block::Other;
    }
    if image && ok {
        Block::Part(Part::Image { span })
    } else {
        Block::Other
    }
}

fn function_call<'s>(
    doc: &Document<'_, 's>,
    value: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Block<'s> {
    let span = doc.span(value);
    if doc.kind(value) != Kind::Object {
        ctx.report(
            Code::S010,
            span,
            format!(
                "\"functionCall\" is {}; expected {{\"name\", \"args\"}}",
                describe(doc, value)
            ),
        );
        return Block::Other;
    }
    let name = match doc.get(value, "name") {
        Some(n) => match text(doc, n) {
            Some(t) if !t.value.is_empty() => Some(t),
            _ => {
                ctx.report(
                    Code::S010,
                    doc.span(n),
                    format!(
                        "functionCall \"name\" is {}; expected the function's name",
                        describe(doc, n)
                    ),
                );
                None
            }
        },
        None => {
            ctx.report(Code::S010, span, "functionCall has no \"name\"");
            None
        }
    };
    let args = doc.get(value, "args");
    if let Some(a) = args
        && doc.kind(a) != Kind::Object
    {
        ctx.report(
            Code::S010,
            doc.span(a),
            format!(
                "functionCall \"args\" is {}; expected a JSON object",
                describe(doc, a)
            ),
        );
    }
    Block::Call(ToolCall {
        id: None,
        name,
        arguments: args
            .filter(|&a| doc.kind(a) != Kind::Null)
            .map(|a| json_text(doc, a)),
        span,
    })
}
