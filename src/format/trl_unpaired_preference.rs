//! TRL unpaired preference records (KTO): `{"prompt": ..., "completion": ..., "label": bool}`,
//! prompt and completion each a string or a list of messages, as in `trl-prompt-completion`;
//! `label` says whether the completion is a desirable answer.
//!
//! A `system` string beside a string `prompt` is axolotl's (its KTO `prompt_pairs` and
//! `ultra` types): see [`trl::reads_system`].
//!
//! A desirable completion (`true`) is linted as the prompt's answer. An undesirable one
//! (`false`) is checked against the schema only, like the non-preferred answer of a
//! preference pair: it is meant to be bad, so the content rules would only report what the
//! label already says. The conversation the rules see is then the prompt alone, shaped as a
//! prompt ([`Shape::Prompt`]), so the order rules do not ask for its answer.

use std::borrow::Cow;

use super::openai_chat::{self, missing_key};
use super::trl;
use super::trl_prompt_completion::read_pair;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Conversation, Shape};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::describe;

const KEYS: &[&str] = &["prompt", "completion", "label"];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut conv = Conversation {
        span: doc.span(root),
        ..Default::default()
    };
    let (mut prompt, mut completion, mut label, mut system) = (None, None, None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "prompt" => prompt = Some((key, value)),
            "completion" => completion = Some((key, value)),
            "label" => label = Some(value),
            "system" => system = Some((key, value)),
            _ => trl::other_key(
                doc,
                key,
                value,
                "an unpaired preference record",
                KEYS,
                &mut conv,
                ctx,
            ),
        }
    }
    let place = "an unpaired preference record";
    trl::system_column(doc, system, prompt, place, KEYS, &mut conv, ctx);
    let desirable = read_label(doc, label, FormatChoice::TrlUnpairedPreference, ctx);
    let start = read_pair(
        doc,
        prompt,
        completion,
        FormatChoice::TrlUnpairedPreference,
        ctx,
        &mut conv,
    );
    openai_chat::check_tool_pairing(&conv, ctx);
    conv.desirable = desirable;
    if desirable == Some(false)
        && let Some(start) = start
    {
        conv.set_aside = conv.messages.split_off(start);
        conv.shape = Shape::Prompt;
    }
    Some(conv)
}

/// The KTO `label` of a record of `format`: whether its completion is desirable. `None`
/// when it is missing or not a boolean (reported).
pub(crate) fn read_label(
    doc: &Document<'_, '_>,
    label: Option<NodeId>,
    format: FormatChoice,
    ctx: &mut RecordContext<'_>,
) -> Option<bool> {
    let Some(value) = label else {
        missing_key(doc, doc.root(), "label", format, ctx);
        return None;
    };
    let read = doc.bool(value).filter(|_| doc.kind(value) == Kind::Bool);
    if read.is_none() {
        ctx.report(
            Code::S007,
            doc.span(value),
            format!(
                "\"label\" is {}; expected true (a desirable completion) or false",
                describe(doc, value)
            ),
        );
    }
    read
}
