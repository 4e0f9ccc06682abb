//! axolotl `chat_template` records: `{"messages" | "conversations": [...], "system"?,
//! "tools"?}` whose messages carry `role`/`content` (or ShareGPT's `from`/`value`) and the
//! per-turn training controls axolotl reads: `train` (true/false), `weight` (0/1) and
//! `train_detail` (character ranges `{"begin_offset", "end_offset", "train"}`, offsets
//! inclusive), or content parts `{"type": "text", "text" | "content" | "value", "train"?,
//! "weight"?}` (`_convert_content_parts`).
//!
//! Roles go through axolotl's default `roles` mapping (human and user, gpt and assistant,
//! system, tool); any other name reaches the chat template unmapped, so it is S005 here,
//! with a hint that a dataset's `roles:` setting maps it.

use std::borrow::Cow;

use super::openai_chat::{
    check_tool_pairing, json_text, message_object, missing_key, read_tool_calls, role_alias, text,
    unknown_key, unused_key,
};
use crate::context::RecordContext;
use crate::diagnostic::Span;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Part, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

const TOP_LEVEL_KEYS: &[&str] = &["messages", "conversations", "system", "tools", "id"];
const MESSAGE_KEYS: &[&str] = &[
    "role",
    "content",
    "from",
    "value",
    "train",
    "weight",
    "train_detail",
    "reasoning_content",
    "tool_calls",
    "tool_call_id",
    "name",
];
/// How many messages [`detect`] looks at for a `train` or `train_detail` key.
const DETECT_MESSAGES: usize = 64;

/// axolotl-chat when a message of `messages` or `conversations` has a `train` key or a
/// `train_detail`, or one of its content parts a `train` or `weight` key, or its text in
/// `content` rather than `text`: keys only axolotl reads (`_convert_content_parts`).
pub(crate) fn detect(doc: &Document<'_, '_>) -> Option<FormatChoice> {
    let root = doc.root();
    let list = doc
        .get(root, "messages")
        .or_else(|| doc.get(root, "conversations"))?;
    let marked = doc.kind(list) == Kind::Array
        && doc.elements(list).take(DETECT_MESSAGES).any(|m| {
            doc.kind(m) == Kind::Object
                && (doc.get(m, "train").is_some()
                    || doc.get(m, "train_detail").is_some()
                    || doc.get(m, "content").is_some_and(|c| {
                        doc.kind(c) == Kind::Array
                            && doc.elements(c).any(|p| {
                                doc.kind(p) == Kind::Object
                                    && (doc.get(p, "train").is_some()
                                        || doc.get(p, "weight").is_some()
                                        || (doc.get(p, "content").is_some()
                                            && doc.get(p, "text").is_none()))
                            })
                    }))
        });
    marked.then_some(FormatChoice::AxolotlChat)
}

/// Whether axolotl's `chat_template` datasets read a record detected as LLaMA-Factory's as
/// LLaMA-Factory does: `messages` (beside only the columns axolotl reads) whose content
/// parts are all text parts, their text in `value` (which `_convert_content_parts` reads as
/// it reads `text`), and no LLaMA-Factory `loss_weight`. Under a target that reads
/// axolotl's records and not LLaMA-Factory's, such a record is axolotl's
/// ([`super::detect_for`]); reasoning, tool-call and media parts are not (axolotl would
/// read their `value` as text).
pub(crate) fn reads_llama_factory_parts(doc: &Document<'_, '_>) -> bool {
    let root = doc.root();
    let Some(list) = doc.get(root, "messages") else {
        return false;
    };
    doc.kind(list) == Kind::Array
        && doc.members(root).all(|(k, _)| {
            doc.str(k)
                .is_some_and(|k| TOP_LEVEL_KEYS.contains(&k.as_ref()))
        })
        && doc.elements(list).all(|m| {
            doc.kind(m) == Kind::Object
                && doc.get(m, "loss_weight").is_none()
                && doc.get(m, "content").is_none_or(|c| {
                    doc.kind(c) != Kind::Array
                        || doc.elements(c).all(|p| {
                            doc.kind(p) == Kind::Object
                                && doc
                                    .get(p, "type")
                                    .and_then(|t| doc.str(t))
                                    .is_some_and(|t| t == "text")
                        })
                })
        })
}

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    // Without a message list this is no chat record: one S001, not a warning per key.
    if doc.get(root, "messages").is_none() && doc.get(root, "conversations").is_none() {
        missing_key(doc, root, "messages", FormatChoice::AxolotlChat, ctx);
        return None;
    }
    let (mut list, mut system, mut tools) = (None, None, None);
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "messages" | "conversations" => list = Some((name, value)),
            // A column other records use, written null by pandas or `datasets`.
            _ if unused_key(doc, value, false, ctx) => {}
            "system" => system = Some(value),
            "tools" => tools = Some(doc.span(value)),
            "id" => {}
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "an axolotl chat_template record",
                TOP_LEVEL_KEYS,
            ),
        }
    }
    let (field, list) = list?;
    if doc.kind(list) != Kind::Array || doc.len(list) == 0 {
        let how = if doc.kind(list) == Kind::Array {
            "empty".to_string()
        } else {
            describe(doc, list)
        };
        ctx.report(
            Code::S002,
            doc.span(list),
            format!("\"{field}\" is {how}; expected an array of messages"),
        );
        return None;
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(doc.len(list) + 1),
        span: doc.span(list),
        incomplete: false,
        tools,
        ..Default::default()
    };
    // axolotl adds `system` as a first turn only when the messages do not start with one.
    let starts_with_system = doc.elements(list).next().is_some_and(|first| {
        ["role", "from"].iter().any(|k| {
            doc.get(first, k)
                .and_then(|r| doc.str(r))
                .is_some_and(|r| r == "system")
        })
    });
    if let Some(value) = system.filter(|_| !starts_with_system) {
        match text(doc, value) {
            Some(t) => {
                conv.messages
                    .push(Message::new(Role::System, t.span, t.span, Content::Text(t)))
            }
            None => {
                ctx.report(
                    Code::S007,
                    doc.span(value),
                    format!("\"system\" is {}; expected a string", describe(doc, value)),
                );
                conv.incomplete = true;
            }
        }
    }
    for node in doc.elements(list) {
        match read_message(doc, node, ctx) {
            Some(m) => {
                conv.incomplete |= m.role == Role::Unknown;
                conv.messages.push(m);
            }
            None => conv.incomplete = true,
        }
    }
    check_tool_pairing(&conv, ctx);
    Some(conv)
}

fn read_message<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    let span = doc.span(node);
    if !message_object(doc, node, ctx) {
        return None;
    }
    // axolotl's message_property_mappings: `role`/`content` by default, `from`/`value` in
    // ShareGPT-style data.
    let sharegpt_keys = doc.get(node, "role").is_none() && doc.get(node, "from").is_some();
    let (role_key, content_key) = if sharegpt_keys {
        ("from", "value")
    } else {
        ("role", "content")
    };
    let (role, role_span) = read_role(doc, node, role_key, ctx);
    let mut message = Message::new(role, role_span, span, Content::Missing);
    // Whether axolotl trains on the turn, when the data says so.
    let mut trained: Option<bool> = None;
    let mut detail = None;
    let mut content_node = None;
    for (key, value) in doc.members(node) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            k if k == role_key => {}
            k if k == content_key => content_node = Some(value),
            // Arrow writes every key of a column's messages on each, null where one has none
            // (`"train": null`, `"weight": null` on the turns that do not say).
            _ if unused_key(doc, value, false, ctx) => {}
            "train" => match doc.bool(value) {
                Some(b) => trained = Some(b),
                None => ctx.report(
                    Code::S009,
                    doc.span(value),
                    format!(
                        "\"train\" is {}; axolotl expects true or false",
                        describe(doc, value)
                    ),
                ),
            },
            "weight" => match read_flag_weight(doc, value) {
                Some(b) => trained = trained.or(Some(b)),
                None => ctx.report(
                    Code::S009,
                    doc.span(value),
                    format!(
                        "\"weight\" is {}; axolotl expects 0 (not trained) or 1",
                        describe(doc, value)
                    ),
                ),
            },
            "train_detail" => detail = Some(value),
            "reasoning_content" => match doc.kind(value) {
                Kind::Null => {}
                Kind::String | Kind::Array => message.reasoning.push(json_text(doc, value)),
                _ => ctx.report(
                    Code::S007,
                    doc.span(value),
                    format!(
                        "\"reasoning_content\" is {}; expected a string",
                        describe(doc, value)
                    ),
                ),
            },
            "tool_calls" if doc.kind(value) == Kind::Null => {}
            "tool_calls" => message.tool_calls = read_tool_calls(doc, value, ctx),
            "tool_call_id" => message.tool_call_id = text(doc, value),
            "name" => message.name = text(doc, value),
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "an axolotl message",
                MESSAGE_KEYS,
            ),
        }
    }
    message.content = match content_node {
        None => {
            if role != Role::Unknown && !message.calls_tools() {
                ctx.report(
                    Code::S006,
                    role_span,
                    format!("{} message has no \"{content_key}\"", role.as_str()),
                );
            }
            Content::Missing
        }
        Some(c) => read_content(doc, c, content_key, ctx),
    };
    if let Some(d) = detail {
        let detail_trains = check_train_detail(doc, d, &message.content, ctx);
        trained = trained.or(detail_trains);
        if detail_trains.is_some() {
            message.train_detail = Some(doc.span(d));
        }
    }
    // An answer is trained unless marked otherwise; another turn only when marked
    // (`Message::trained_input`).
    message.weight = match role {
        Role::Assistant => trained.map(u8::from),
        _ => trained.filter(|&t| t).map(u8::from),
    };
    Some(message)
}

fn read_role(
    doc: &Document<'_, '_>,
    node: NodeId,
    key: &str,
    ctx: &mut RecordContext<'_>,
) -> (Role, Span) {
    let Some(r) = doc.get(node, key) else {
        ctx.report(
            Code::S004,
            doc.span(node),
            format!("message has no \"{key}\""),
        );
        return (Role::Unknown, doc.span(node));
    };
    let span = doc.span(r);
    let Some(name) = doc.str(r) else {
        ctx.report(
            Code::S004,
            span,
            format!(
                "\"{key}\" is {}; expected a string such as \"user\"",
                describe(doc, r)
            ),
        );
        return (Role::Unknown, span);
    };
    let role = match name.as_ref() {
        "system" => Role::System,
        "human" | "user" => Role::User,
        "gpt" | "assistant" => Role::Assistant,
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
                    "unknown role {}; axolotl's default roles are system, human/user, gpt/assistant and tool{hint}; map other names with `roles:` in the dataset config",
                    quote(other)
                ),
            );
            Role::Unknown
        }
    };
    (role, span)
}

/// A `weight` flag: 0 or 1 (axolotl also reads 0.0 and 1.0). `Some(trained)`.
fn read_flag_weight(doc: &Document<'_, '_>, value: NodeId) -> Option<bool> {
    match doc.number(value) {
        Some(0.0) => Some(false),
        Some(1.0) => Some(true),
        _ => None,
    }
}

pub(crate) fn read_content<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    key: &str,
    ctx: &mut RecordContext<'_>,
) -> Content<'s> {
    let span = doc.span(node);
    match doc.kind(node) {
        Kind::String => Content::Text(Text {
            value: doc.str(node).unwrap_or_default(),
            span,
        }),
        Kind::Null => Content::Null { span },
        Kind::Array if doc.len(node) > 0 => {
            let parts = doc
                .elements(node)
                .filter_map(|p| read_part(doc, p, ctx))
                .collect();
            Content::Parts { span, parts }
        }
        _ => {
            ctx.report(
                Code::S007,
                span,
                format!(
                    "\"{key}\" is {}; expected a string or a non-empty list of text parts",
                    describe(doc, node)
                ),
            );
            Content::Invalid { span }
        }
    }
}

/// A content part: `{"type": "text", "text" | "content" | "value": str, "train"?, "weight"?}`.
fn read_part<'s>(
    doc: &Document<'_, 's>,
    part: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Part<'s>> {
    if doc.kind(part) != Kind::Object {
        ctx.report(
            Code::S007,
            doc.span(part),
            format!(
                "content part is {}; expected an object with \"type\" and \"text\"",
                describe(doc, part)
            ),
        );
        return None;
    }
    let mut found = None;
    for (key, value) in doc.members(part) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "type" => {}
            "text" | "content" | "value" => match text(doc, value) {
                Some(t) => found = Some(t),
                None => ctx.report(
                    Code::S007,
                    doc.span(value),
                    format!(
                        "{} of a content part is {}; expected a string",
                        quote(&name),
                        describe(doc, value)
                    ),
                ),
            },
            "train" if doc.kind(value) != Kind::Bool => ctx.report(
                Code::S009,
                doc.span(value),
                format!(
                    "\"train\" is {}; axolotl expects true or false",
                    describe(doc, value)
                ),
            ),
            "weight" if read_flag_weight(doc, value).is_none() => ctx.report(
                Code::S009,
                doc.span(value),
                format!(
                    "\"weight\" is {}; axolotl expects 0 (not trained) or 1",
                    describe(doc, value)
                ),
            ),
            "train" | "weight" => {}
            // Image parts pass through to the processor.
            "image" | "url" | "path" | "base64" => {}
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "an axolotl content part",
                &["type", "text", "content", "value", "train", "weight"],
            ),
        }
    }
    match doc.get(part, "type").and_then(|t| doc.str(t)).as_deref() {
        Some("image") => Some(Part::Image {
            span: doc.span(part),
        }),
        _ => found.map(Part::Text),
    }
}

/// `train_detail`: a list of `{"begin_offset", "end_offset", "train"}` character ranges of a
/// string content (axolotl refuses it on any other content). `Some(true)` when a range is
/// trained, `Some(false)` when none is, `None` when no entry could be read.
fn check_train_detail(
    doc: &Document<'_, '_>,
    node: NodeId,
    content: &Content<'_>,
    ctx: &mut RecordContext<'_>,
) -> Option<bool> {
    if doc.kind(node) != Kind::Array {
        ctx.report(
            Code::S009,
            doc.span(node),
            format!(
                "\"train_detail\" is {}; axolotl expects a list of {{\"begin_offset\", \"end_offset\", \"train\"}}",
                describe(doc, node)
            ),
        );
        return None;
    }
    let chars = match content {
        Content::Text(t) => Some(t.chars()),
        Content::Missing | Content::Invalid { .. } => None,
        _ => {
            ctx.report(
                Code::S009,
                doc.span(node),
                "axolotl supports \"train_detail\" only when the content is a string",
            );
            None
        }
    };
    let (mut any_trained, mut read) = (false, 0usize);
    for d in doc.elements(node) {
        let span = doc.span(d);
        if doc.kind(d) != Kind::Object {
            ctx.report(
                Code::S009,
                span,
                format!(
                    "train_detail entry is {}; expected {{\"begin_offset\", \"end_offset\", \"train\"}}",
                    describe(doc, d)
                ),
            );
            continue;
        }
        let offset = |key: &str| {
            doc.get(d, key)
                .and_then(|v| doc.number(v))
                .filter(|n| n.fract() == 0.0 && *n >= 0.0)
        };
        let (begin, end) = (offset("begin_offset"), offset("end_offset"));
        let train = doc.get(d, "train").and_then(|v| doc.bool(v));
        let problem = match (begin, end, train) {
            (None, _, _) => Some("needs \"begin_offset\", a whole number of 0 or more".to_string()),
            (_, None, _) => Some("needs \"end_offset\", a whole number of 0 or more".to_string()),
            (_, _, None) => Some("needs \"train\", true or false".to_string()),
            (Some(b), Some(e), _) if e < b => Some(format!(
                "ends before it begins (end_offset {e} < begin_offset {b})"
            )),
            (_, Some(e), _) if chars.is_some_and(|n| e >= n as f64) => Some(format!(
                "ends past the content (end_offset {e} is inclusive; the content has {} characters)",
                chars.unwrap_or_default()
            )),
            _ => None,
        };
        match problem {
            Some(p) => ctx.report(Code::S009, span, format!("train_detail entry {p}")),
            None => {
                read += 1;
                any_trained |= train == Some(true);
            }
        }
        for (key, _) in doc.members(d) {
            let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
            if !matches!(name.as_ref(), "begin_offset" | "end_offset" | "train") {
                unknown_key(
                    ctx,
                    doc.span(key),
                    &name,
                    "a train_detail entry",
                    &["begin_offset", "end_offset", "train"],
                );
            }
        }
    }
    (read > 0 || doc.len(node) == 0).then_some(any_trained)
}
