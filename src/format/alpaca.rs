//! Alpaca records: `{"instruction": str, "input"?: str, "output": str}`, read as a user turn
//! (the instruction, then the input when there is one) and an assistant turn. The optional
//! `system` string and `history` list of `[user, assistant]` pairs of LLaMA-Factory's
//! alpaca variant become a system turn and earlier turns. GPTeacher spells `output`
//! `response`; both are read, and messages name the key the record uses.
//!
//! A null `input`, `system` or `history` (or any other key but the instruction and the
//! answer) is read as absent: pandas and Hugging Face `datasets` write a column some records
//! lack as null on the others, and LLaMA-Factory reads these with `if example[col]`.

use std::borrow::Cow;

use super::openai_chat::{missing_key, unknown_key, unused_key};
use super::prompt_completion::{answer_key, push_string_field, string_field};
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Part, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::describe;

const KEYS: &[&str] = &[
    "instruction",
    "input",
    "output",
    "response",
    "system",
    "history",
];

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    normalize_with(doc, ctx, &mut |_, _, _, _| false)
}

/// A column beside alpaca's own that a trainer reads (LLaMA-Factory's `images`, `tools`,
/// `kto_tag`, ...): true when `extra` knows the key (and has checked its value).
pub type ExtraColumn<'f> =
    dyn FnMut(&Document<'_, '_>, &str, NodeId, &mut RecordContext<'_>) -> bool + 'f;

/// [`normalize`], with the columns `extra` accepts besides alpaca's own.
pub fn normalize_with<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
    extra: &mut ExtraColumn<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut instruction, mut input, mut output, mut system, mut history) =
        (None, None, None, None, None);
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        // Only the instruction and the answer are required: any other key written null (by
        // pandas or `datasets`, for a column other records use) is read as absent.
        if !matches!(name.as_ref(), "instruction" | "output" | "response")
            && unused_key(doc, value, false, ctx)
        {
            continue;
        }
        let slot = match name.as_ref() {
            "instruction" => &mut instruction,
            "input" => &mut input,
            "output" => {
                answer_key(doc, key, value, "output", &mut output, ctx);
                continue;
            }
            "response" => {
                answer_key(doc, key, value, "response", &mut output, ctx);
                continue;
            }
            "system" => &mut system,
            "history" => &mut history,
            other => {
                if !extra(doc, other, value, ctx) {
                    unknown_key(ctx, doc.span(key), other, "an alpaca record", KEYS);
                }
                continue;
            }
        };
        *slot = Some((key, value));
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(4),
        span: doc.span(root),
        incomplete: false,
        tools: None,
        ..Default::default()
    };
    if let Some((key, value)) = system {
        push_string_field(doc, (key, value), "system", Role::System, ctx, &mut conv)
    }
    if let Some((_, value)) = history {
        read_history(doc, value, ctx, &mut conv);
    }
    match instruction {
        None => {
            missing_key(doc, root, "instruction", FormatChoice::Alpaca, ctx);
            conv.incomplete = true;
        }
        Some((key, value)) => match string_field(doc, key, value, "instruction", Role::User, ctx) {
            Some(mut user) => {
                if let Some((_, input_value)) = input {
                    if doc.kind(input_value) != Kind::String {
                        ctx.report(
                            Code::S007,
                            doc.span(input_value),
                            format!(
                                "\"input\" is {}; expected a string",
                                describe(doc, input_value)
                            ),
                        );
                    } else if !doc.str(input_value).unwrap_or_default().is_empty() {
                        // The instruction and its input are one user turn, in two parts.
                        let instruction_text = match user.content {
                            Content::Text(t) => t,
                            _ => Text {
                                value: Cow::Borrowed(""),
                                span: user.span,
                            },
                        };
                        let input_text = Text {
                            value: doc.str(input_value).unwrap_or_default(),
                            span: doc.span(input_value),
                        };
                        user.content = Content::Parts {
                            span: user.span,
                            parts: vec![Part::Text(instruction_text), Part::Text(input_text)],
                        };
                    }
                }
                conv.messages.push(user);
            }
            None => conv.incomplete = true,
        },
    }
    match output {
        None => {
            missing_key(doc, root, "output", FormatChoice::Alpaca, ctx);
            conv.incomplete = true;
        }
        Some((key, value, name)) => match string_field(doc, key, value, name, Role::Assistant, ctx)
        {
            Some(m) => conv.messages.push(m),
            None => conv.incomplete = true,
        },
    }
    Some(conv)
}

/// `history`: an array of `[user, assistant]` string pairs.
pub(crate) fn read_history<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    if doc.kind(node) != Kind::Array {
        ctx.report(
            Code::S002,
            doc.span(node),
            format!(
                "\"history\" is {}; expected an array of [user, assistant] pairs",
                describe(doc, node)
            ),
        );
        conv.incomplete = true;
        return;
    }
    for pair in doc.elements(node) {
        let items: Vec<NodeId> = doc.elements(pair).collect();
        if doc.kind(pair) != Kind::Array || items.len() != 2 {
            ctx.report(
                Code::S003,
                doc.span(pair),
                "history entry must be a [user, assistant] pair of strings",
            );
            conv.incomplete = true;
            continue;
        }
        for (item, name, role) in [
            (items[0], "history user turn", Role::User),
            (items[1], "history assistant turn", Role::Assistant),
        ] {
            match string_field(doc, item, item, name, role, ctx) {
                Some(m) => conv.messages.push(m),
                None => conv.incomplete = true,
            }
        }
    }
}
