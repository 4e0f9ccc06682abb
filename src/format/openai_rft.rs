//! OpenAI (and Azure OpenAI) reinforcement fine-tuning records: `{"messages": [...],
//! "tools"?: [...], ...}` whose conversation ends on the user's turn, with any other
//! top-level key kept for the grader.
//!
//! From OpenAI's fine-tuning API reference (the reinforcement method's per-line input:
//! "`messages` and `tools` are the only reserved keywords"; any other key is available to
//! graders as `{{ item.KEY }}`; input messages hold text or images) and Azure OpenAI's
//! "Reinforcement fine-tuning" guide ("assign the final message a user role", "include extra
//! fields and values for use by a grader"). Messages are read as OpenAI chat messages.
//!
//! The model writes the answer and the grader scores it, so a record is a prompt
//! ([`Shape::Prompt`]): ending on a user turn without an assistant turn is right and the
//! order rules that want an answer stay quiet. A record whose last message is not the
//! user's is S005 (the role the format accepts there is `user`). Grader keys are never S008.
//!
//! Detection ([`detect`]), from the first record as for every format: `messages` whose last
//! message is the user's, with no assistant turn, beside at least one top-level key that is neither OpenAI chat's own
//! (`tools`, `parallel_tool_calls`, `functions`) nor Amazon Bedrock's or Vertex AI's
//! (`system`, `schemaVersion`, `systemInstruction`, `contents`): what PRODUCT §3b calls a
//! record that "ends on a user turn and carries grader keys". It runs before the trainers'
//! detection, so a grader key named `label` does not make the record a LLaMA-Factory KTO
//! record (those end on the assistant's answer). A supervised chat record that ends on a user
//! turn has no such key, or has answers before its last turn, and stays `openai-chat`, where
//! O002 reports it. One that carries an extra key (`id`, say) and has only instructions and a
//! user turn is read as a reinforcement prompt when it is the file's first record, unless
//! more of the file's first records (its first chunk) hold answers than read as prompts: then
//! the file is chat (`engine::read::detect_format`); `format = "openai-chat"` settles it. The later
//! records of a file follow its first: one that ends on an answer is S005 here, one without a
//! grader key is still a prompt (whether the grader needs the key, the data cannot say).

use std::borrow::Cow;

use super::openai_chat::{
    check_tool_definitions, check_tool_pairing, missing_key, read_message_list,
};
use crate::context::RecordContext;
use crate::json::{Document, Kind};
use crate::record::{Conversation, Role, Shape};
use crate::registry::Code;
use crate::settings::FormatChoice;

/// How many messages [`detect`] looks at for an assistant turn.
const DETECT_MESSAGES: usize = 64;

/// OpenAI chat's own top-level keys: any other is a grader key.
const CHAT_KEYS: &[&str] = &["messages", "tools", "parallel_tool_calls", "functions"];

/// True when the record has `messages` ending on a user message, with no assistant message,
/// and a key of its own for a grader (see the module documentation).
pub(crate) fn detect(doc: &Document<'_, '_>) -> bool {
    let root = doc.root();
    let Some(messages) = doc.get(root, "messages") else {
        return false;
    };
    // Another provider's keys: a Bedrock or Vertex record that ends on the user is a broken
    // record of its format, not a reinforcement prompt.
    if ["system", "schemaVersion", "systemInstruction", "contents"]
        .iter()
        .any(|k| doc.get(root, k).is_some())
    {
        return false;
    }
    if doc.kind(messages) != Kind::Array {
        return false;
    }
    let role = |m| {
        (doc.kind(m) == Kind::Object)
            .then(|| doc.get(m, "role").and_then(|r| doc.str(r)))
            .flatten()
    };
    let ends_on_user = doc
        .elements(messages)
        .last()
        .is_some_and(|m| role(m).as_deref() == Some("user"));
    // A conversation with an answer in it that ends on the user is a supervised example
    // whose last answer is missing (O002), not a prompt.
    ends_on_user
        && !answered(doc)
        && doc
            .members(root)
            .any(|(k, _)| doc.str(k).is_some_and(|k| !CHAT_KEYS.contains(&k.as_ref())))
}

/// True when the record's `messages` hold an assistant message (among the first
/// [`DETECT_MESSAGES`]): a supervised example, never a reinforcement prompt.
pub(crate) fn answered(doc: &Document<'_, '_>) -> bool {
    let Some(messages) = doc.get(doc.root(), "messages") else {
        return false;
    };
    doc.elements(messages).take(DETECT_MESSAGES).any(|m| {
        doc.kind(m) == Kind::Object
            && doc
                .get(m, "role")
                .and_then(|r| doc.str(r))
                .is_some_and(|r| r == "assistant")
    })
}

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut messages, mut tools) = (None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "messages" => messages = Some(value),
            // A null is an absent key, as in a chat record.
            "tools" if doc.kind(value) == Kind::Null => {}
            "tools" => {
                check_tool_definitions(doc, value, ctx);
                tools = Some(doc.span(value));
            }
            // Everything else is the grader's (`{{ item.KEY }}`).
            _ => {}
        }
    }
    let Some(list) = messages else {
        missing_key(doc, root, "messages", FormatChoice::OpenAiRft, ctx);
        return None;
    };
    let mut conv = Conversation {
        span: doc.span(list),
        tools,
        shape: Shape::Prompt,
        ..Default::default()
    };
    let mut images = 0usize;
    if !read_message_list(doc, list, "\"messages\"", ctx, &mut conv, &mut images) {
        return None;
    }
    if let Some(last) = conv.messages.last()
        && !matches!(last.role, Role::User | Role::Unknown)
    {
        ctx.report(
            Code::S005,
            last.role_span,
            format!(
                "the last message is {}; reinforcement fine-tuning ends on a \"user\" message (the model writes the answer, the grader scores it)",
                match last.role {
                    Role::Assistant => "the assistant's".to_string(),
                    other => format!("a {} message", other.as_str()),
                }
            ),
        );
    }
    check_tool_pairing(&conv, ctx);
    Some(conv)
}
