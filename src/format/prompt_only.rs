//! Prompt-only records (GRPO and other RL prompt sets): `{"prompt": ...}`, a string (a user
//! turn) or a list of messages. The trainer generates the answers, so the conversation is of
//! [`Shape::Prompt`]: it ends on the user's turn and has no assistant turn, which is right
//! here (no O001, O002 or O004).
//!
//! Every other column is kept: GRPO hands each of them to the reward functions (a reference
//! answer, a test suite), so no top-level key is unknown.

use std::borrow::Cow;

use super::openai_chat::{self, missing_key};
use super::trl;
use crate::context::RecordContext;
use crate::json::{Document, Kind};
use crate::record::{Conversation, Role, Shape};
use crate::settings::FormatChoice;

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut conv = Conversation {
        span: doc.span(root),
        shape: Shape::Prompt,
        ..Default::default()
    };
    let mut prompt = None;
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "prompt" => prompt = Some((key, value)),
            "tools" if doc.kind(value) == Kind::Array => conv.tools = Some(doc.span(value)),
            _ => {}
        }
    }
    let Some(field) = prompt else {
        missing_key(doc, root, "prompt", FormatChoice::PromptOnly, ctx);
        return None;
    };
    let mut images = 0usize;
    trl::read_turns(
        doc,
        field,
        "prompt",
        Role::User,
        ctx,
        &mut conv,
        &mut images,
    )?;
    openai_chat::check_tool_pairing(&conv, ctx);
    Some(conv)
}
