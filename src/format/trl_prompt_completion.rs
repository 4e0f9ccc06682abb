//! TRL prompt-completion records (SFT): `{"prompt": ..., "completion": ...}`, each a string
//! or a list of messages, both in the same form. A string prompt is a user turn and a string
//! completion an assistant turn; message lists are read as OpenAI chat messages, and the
//! completion's messages are the assistant's. The strings-only form is detected as
//! `prompt-completion` (OpenAI's legacy format, which reads the same); a list-valued prompt
//! or completion makes a file `trl-prompt-completion`.

use std::borrow::Cow;

use super::openai_chat::{self, missing_key};
use super::trl;
use crate::context::RecordContext;
use crate::json::{Document, NodeId};
use crate::record::{Conversation, Role};
use crate::settings::FormatChoice;

const KEYS: &[&str] = &["prompt", "completion"];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut conv = Conversation {
        span: doc.span(root),
        ..Default::default()
    };
    let (mut prompt, mut completion) = (None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "prompt" => prompt = Some((key, value)),
            "completion" => completion = Some((key, value)),
            _ => trl::other_key(
                doc,
                key,
                value,
                "a prompt-completion record",
                KEYS,
                &mut conv,
                ctx,
            ),
        }
    }
    read_pair(
        doc,
        prompt,
        completion,
        FormatChoice::TrlPromptCompletion,
        ctx,
        &mut conv,
    );
    openai_chat::check_tool_pairing(&conv, ctx);
    Some(conv)
}

/// Reads a prompt and its completion into `conv` (shared with the unpaired preference
/// format, whose records add a label): S001 for a missing one, S007 when their forms differ.
/// Returns the index of the completion's first message when it was read.
pub(crate) fn read_pair<'s>(
    doc: &Document<'_, 's>,
    prompt: Option<(NodeId, NodeId)>,
    completion: Option<(NodeId, NodeId)>,
    format: FormatChoice,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) -> Option<usize> {
    let root = doc.root();
    let mut images = 0usize;
    let prompt_form = match prompt {
        None => {
            missing_key(doc, root, "prompt", format, ctx);
            None
        }
        Some(field) => trl::read_turns(doc, field, "prompt", Role::User, ctx, conv, &mut images),
    };
    conv.incomplete |= prompt_form.is_none();
    let Some(field) = completion else {
        missing_key(doc, root, "completion", format, ctx);
        conv.incomplete = true;
        return None;
    };
    let start = conv.messages.len();
    let form = trl::read_turns(
        doc,
        field,
        "completion",
        Role::Assistant,
        ctx,
        conv,
        &mut images,
    );
    let Some(form) = form else {
        conv.incomplete = true;
        return None;
    };
    if let Some(first) = prompt_form
        && !trl::check_same_form(doc, field.1, "completion", form, ("prompt", first), ctx)
    {
        conv.incomplete = true;
    }
    conv.incomplete |= trl::check_answer_roles(conv, start, "completion", ctx);
    Some(start)
}
