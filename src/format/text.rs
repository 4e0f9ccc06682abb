//! Plain text for language modelling: `{"text": str}` (TRL's language-modelling type, MLX
//! LoRA, Mistral pretraining). The text becomes one message, with the assistant role because
//! the trainer learns every token of it, in a conversation of [`Shape::Text`]: the order
//! rules leave it alone (it has no turns), the content, privacy, token and duplicate rules
//! read it.

use std::borrow::Cow;

use super::openai_chat::{missing_key, unknown_record_key};
use super::prompt_completion::string_field;
use crate::context::RecordContext;
use crate::json::Document;
use crate::record::{Conversation, Role, Shape};
use crate::settings::FormatChoice;

const KEYS: &[&str] = &["text"];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut text = None;
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "text" => text = Some((key, value)),
            other => unknown_record_key(ctx, doc, (key, value), other, "a text record", KEYS),
        }
    }
    let Some((key, value)) = text else {
        missing_key(doc, root, "text", FormatChoice::Text, ctx);
        return None;
    };
    let message = string_field(doc, key, value, "text", Role::Assistant, ctx)?;
    Some(Conversation {
        messages: vec![message],
        span: doc.span(value),
        shape: Shape::Text,
        ..Default::default()
    })
}
