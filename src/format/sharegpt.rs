//! ShareGPT records: `{"conversations": [{"from": ..., "value": str}, ...], "system"?: str,
//! "tools"?: str, "id"?: ...}`. `human` is the user, `gpt` the assistant, `function_call` an
//! assistant tool call (its value a JSON `{"name", "arguments"}`), `observation` a tool result.

use std::borrow::Cow;

use super::openai_chat::{missing_key, role_alias, unknown_key};
use super::prompt_completion::string_field;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId, Parser};
use crate::record::{Content, Conversation, Message, Role, Text, ToolCall};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

const KEYS: &[&str] = &["conversations", "system", "tools", "id"];
const ROLES: &str = "system, human, gpt, function_call, observation";

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut conversations, mut system) = (None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "conversations" => conversations = Some(value),
            "system" => system = Some((key, value)),
            "tools" => {
                if doc.kind(value) != Kind::String {
                    ctx.report(Code::S010, doc.span(value), format!("\"tools\" is {}; ShareGPT expects the tool definitions as a JSON string", describe(doc, value)));
                }
            }
            "id" => {}
            other => unknown_key(ctx, doc.span(key), other, "a ShareGPT record", KEYS),
        }
    }
    let Some(turns) = conversations else {
        missing_key(doc, root, "conversations", FormatChoice::ShareGpt, ctx);
        return None;
    };
    read_conversation(doc, turns, system, ctx)
}

/// The `conversations` array of turns, after a `system` column when there is one: the
/// conversation both ShareGPT and LLaMA-Factory's ShareGPT shape read. `None` (with S002) when
/// it is not a non-empty array.
pub(crate) fn read_conversation<'s>(
    doc: &Document<'_, 's>,
    turns: NodeId,
    system: Option<(NodeId, NodeId)>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    if doc.kind(turns) != Kind::Array || doc.len(turns) == 0 {
        let what = if doc.kind(turns) == Kind::Array {
            "empty".to_string()
        } else {
            describe(doc, turns)
        };
        ctx.report(
            Code::S002,
            doc.span(turns),
            format!("\"conversations\" is {what}; expected an array of turns"),
        );
        return None;
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(doc.len(turns) + 2),
        span: doc.span(turns),
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
    for turn in doc.elements(turns) {
        match read_turn(doc, turn, ctx) {
            Some(m) => {
                conv.incomplete |= m.role == Role::Unknown;
                conv.messages.push(m);
            }
            None => conv.incomplete = true,
        }
    }
    Some(conv)
}

pub(crate) fn read_turn<'s>(
    doc: &Document<'_, 's>,
    turn: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    let span = doc.span(turn);
    if doc.kind(turn) != Kind::Object {
        ctx.report(
            Code::S003,
            span,
            format!(
                "turn is {}; expected an object with \"from\" and \"value\"",
                describe(doc, turn)
            ),
        );
        return None;
    }
    for (key, _) in doc.members(turn) {
        let name = doc.str(key).unwrap_or_default();
        if !matches!(name.as_ref(), "from" | "value") {
            unknown_key(
                ctx,
                doc.span(key),
                &name,
                "a ShareGPT turn",
                &["from", "value"],
            );
        }
    }
    let (role, role_span, is_call) = match doc.get(turn, "from") {
        None => {
            ctx.report(Code::S004, span, "turn has no \"from\"");
            (Role::Unknown, span, false)
        }
        Some(f) => match doc.str(f) {
            None => {
                ctx.report(
                    Code::S004,
                    doc.span(f),
                    format!(
                        "\"from\" is {}; expected a string such as \"human\"",
                        describe(doc, f)
                    ),
                );
                (Role::Unknown, doc.span(f), false)
            }
            Some(name) => {
                let (role, is_call) = match name.as_ref() {
                    "system" => (Role::System, false),
                    "human" | "user" => (Role::User, false),
                    "gpt" | "assistant" => (Role::Assistant, false),
                    "function_call" => (Role::Assistant, true),
                    "observation" => (Role::Tool, false),
                    other => {
                        let hint = match role_alias(other) {
                            Some("user") => " (did you mean \"human\"?)",
                            Some("assistant") => " (did you mean \"gpt\"?)",
                            Some("tool") => " (did you mean \"observation\"?)",
                            Some("system") => " (did you mean \"system\"?)",
                            _ => "",
                        };
                        ctx.report(
                            Code::S005,
                            doc.span(f),
                            format!(
                                "unknown role {}; expected one of {ROLES}{hint}; a trainer maps other names only when configured to (axolotl: `roles:` in the dataset config)",
                                quote(other)
                            ),
                        );
                        (Role::Unknown, false)
                    }
                };
                (role, doc.span(f), is_call)
            }
        },
    };
    let content = match doc.get(turn, "value") {
        None => {
            ctx.report(Code::S006, role_span, "turn has no \"value\"");
            Content::Missing
        }
        Some(v) if doc.kind(v) != Kind::String => {
            ctx.report(
                Code::S007,
                doc.span(v),
                format!("\"value\" is {}; expected a string", describe(doc, v)),
            );
            Content::Invalid { span: doc.span(v) }
        }
        Some(v) => Content::Text(Text {
            value: doc.str(v).unwrap_or_default(),
            span: doc.span(v),
        }),
    };
    let mut tool_calls = Vec::new();
    if is_call && let Content::Text(t) = &content {
        tool_calls.push(read_call(t, ctx));
    }
    let content = if is_call { Content::Missing } else { content };
    Some(Message {
        tool_calls,
        ..Message::new(role, role_span, span, content)
    })
}

/// A `function_call` turn's value: `{"name": str, "arguments": ...}` as JSON text.
fn read_call<'s>(value: &Text<'s>, ctx: &mut RecordContext<'_>) -> ToolCall<'s> {
    let mut parser = Parser::new();
    let ok = match parser.parse(&value.value) {
        Ok(call) => {
            call.kind(call.root()) == Kind::Object
                && call
                    .get(call.root(), "name")
                    .and_then(|n| call.str(n))
                    .is_some()
        }
        Err(_) => false,
    };
    if !ok {
        ctx.report(
            Code::S010,
            value.span,
            "function_call value must be a JSON object with a \"name\" and \"arguments\"",
        );
    }
    ToolCall {
        id: None,
        name: None,
        arguments: Some(value.clone()),
        span: value.span,
    }
}
