//! TRL preference records (DPO, ORPO, CPO, reward modelling):
//! `{"prompt"?: ..., "chosen": ..., "rejected": ...}`, each a string or a list of messages,
//! all in the same form.
//!
//! As in OpenAI's preference format, the conversation the content rules see is the prompt
//! followed by the chosen answer; the rejected answer is checked against the schema only (it
//! is meant to be worse). Without `prompt`, the prompt is implicit: as TRL extracts it, it is
//! what `chosen` and `rejected` begin with alike (their common leading messages, or the
//! common beginning of the two strings), and the rest of each is its answer. Messages that
//! answer are the assistant's, and the two answers must differ.

use std::borrow::Cow;
use std::ops::Range;

use super::openai_chat::{self, missing_key};
use super::trl;
use crate::context::RecordContext;
use crate::json::{Document, NodeId};
use crate::record::{Content, Conversation, Message, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;

const KEYS: &[&str] = &["prompt", "chosen", "rejected"];

type Field = (NodeId, NodeId);

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut conv = Conversation {
        span: doc.span(root),
        ..Default::default()
    };
    let (mut prompt, mut chosen, mut rejected, mut system) = (None, None, None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "prompt" => prompt = Some((key, value)),
            "chosen" => chosen = Some((key, value)),
            "rejected" => rejected = Some((key, value)),
            "system" => system = Some((key, value)),
            _ => trl::other_key(doc, key, value, "a preference record", KEYS, &mut conv, ctx),
        }
    }
    trl::system_column(
        doc,
        system,
        prompt,
        "a preference record",
        KEYS,
        &mut conv,
        ctx,
    );
    for (field, name) in [(chosen, "chosen"), (rejected, "rejected")] {
        if field.is_none() {
            missing_key(doc, root, name, FormatChoice::TrlPreference, ctx);
            conv.incomplete = true;
        }
    }
    let chosen = chosen?;
    match prompt {
        Some(prompt) => explicit(doc, prompt, chosen, rejected, ctx, &mut conv),
        None => implicit(doc, chosen, rejected, ctx, &mut conv),
    }
    openai_chat::check_tool_pairing(&conv, ctx);
    Some(conv)
}

/// `prompt`, `chosen` and `rejected` each given: the conversation is the prompt and the
/// chosen answer.
fn explicit<'s>(
    doc: &Document<'_, 's>,
    prompt: Field,
    chosen: Field,
    rejected: Option<Field>,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    let mut images = 0usize;
    let prompt_form = trl::read_turns(doc, prompt, "prompt", Role::User, ctx, conv, &mut images);
    conv.incomplete |= prompt_form.is_none();
    let mut answer = |field: Field, name: &str, conv: &mut Conversation<'s>| -> bool {
        let start = conv.messages.len();
        let Some(form) = trl::read_turns(doc, field, name, Role::Assistant, ctx, conv, &mut images)
        else {
            return false;
        };
        conv.incomplete |= trl::check_answer_roles(conv, start, name, ctx);
        prompt_form.is_none_or(|first| {
            trl::check_same_form(doc, field.1, name, form, ("prompt", first), ctx)
        })
    };
    if !answer(chosen, "chosen", conv) {
        conv.incomplete = true;
    }
    if let Some(rejected) = rejected {
        let mut scratch = Conversation::default();
        if answer(rejected, "rejected", &mut scratch) && same(doc, chosen.1, rejected.1) {
            identical(doc, rejected.1, ctx);
        }
        conv.set_aside = scratch.messages;
    }
}

/// No `prompt`: `chosen` and `rejected` are whole examples that begin with the same prompt.
fn implicit<'s>(
    doc: &Document<'_, 's>,
    chosen: Field,
    rejected: Option<Field>,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    let mut images = 0usize;
    let Some(rejected) = rejected else {
        // Nothing to compare with: the chosen example is all there is.
        conv.incomplete |= trl::read_turns(
            doc,
            chosen,
            "chosen",
            Role::Assistant,
            ctx,
            conv,
            &mut images,
        )
        .is_none();
        return;
    };
    let (chosen_value, rejected_value) = (chosen.1, rejected.1);
    match (doc.str(chosen_value), doc.str(rejected_value)) {
        (Some(c), Some(r)) => implicit_strings(doc, chosen, rejected_value, (c, r), ctx, conv),
        _ => {
            let Some(form) = trl::read_turns(
                doc,
                chosen,
                "chosen",
                Role::Assistant,
                ctx,
                conv,
                &mut images,
            ) else {
                conv.incomplete = true;
                return;
            };
            let mut scratch = Conversation::default();
            let Some(rejected_form) = trl::read_turns(
                doc,
                rejected,
                "rejected",
                Role::Assistant,
                ctx,
                &mut scratch,
                &mut images,
            ) else {
                conv.incomplete = true;
                return;
            };
            if !trl::check_same_form(
                doc,
                rejected_value,
                "rejected",
                rejected_form,
                ("chosen", form),
                ctx,
            ) {
                conv.incomplete = true;
                return;
            }
            // Both lists of messages, read in full only when every element was a message.
            let whole = conv.messages.len() == doc.len(chosen_value)
                && scratch.messages.len() == doc.len(rejected_value);
            let common = doc
                .elements(chosen_value)
                .zip(doc.elements(rejected_value))
                .take_while(|&(c, r)| doc.raw(c) == doc.raw(r))
                .count();
            if common == 0 {
                no_common_prompt(doc, ctx);
                conv.incomplete = true;
            } else if common == doc.len(chosen_value) || common == doc.len(rejected_value) {
                identical(doc, rejected_value, ctx);
                conv.incomplete = true;
            } else if whole {
                conv.incomplete |= trl::check_answer_roles(conv, common, "chosen", ctx);
                trl::check_answer_roles(&scratch, common, "rejected", ctx);
            }
            if common < scratch.messages.len() {
                conv.set_aside = scratch.messages.split_off(common);
            }
        }
    }
}

/// Two strings: the prompt is their common beginning (less a space it ends with, which TRL
/// leaves to the answers), each answer the rest.
fn implicit_strings<'s>(
    doc: &Document<'_, 's>,
    (key, value): Field,
    rejected_value: NodeId,
    (chosen, rejected): (Cow<'s, str>, Cow<'s, str>),
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    let mut common = chosen
        .char_indices()
        .zip(rejected.chars())
        .find(|&((_, c), r)| c != r)
        .map_or(chosen.len().min(rejected.len()), |((i, _), _)| i);
    if common == chosen.len() || common == rejected.len() {
        identical(doc, rejected_value, ctx);
        conv.incomplete = true;
        return;
    }
    if chosen[..common].ends_with(' ') {
        common -= 1;
    }
    if common == 0 {
        no_common_prompt(doc, ctx);
        conv.incomplete = true;
        return;
    }
    let whole = Text {
        value: chosen.clone(),
        span: doc.span(value),
    };
    let piece = |range: Range<usize>| Text {
        span: whole.sub_span(doc.src(), range.clone()),
        value: match &chosen {
            Cow::Borrowed(s) => Cow::Borrowed(&s[range]),
            Cow::Owned(s) => Cow::Owned(s[range].to_owned()),
        },
    };
    for (role, text) in [
        (Role::User, piece(0..common)),
        (Role::Assistant, piece(common..chosen.len())),
    ] {
        conv.messages.push(Message::new(
            role,
            doc.span(key),
            text.span,
            Content::Text(text),
        ));
    }
    // The rejected answer: the rest of the rejected string.
    let rejected_whole = Text {
        span: doc.span(rejected_value),
        value: rejected.clone(),
    };
    let span = rejected_whole.sub_span(doc.src(), common..rejected.len());
    let value = match &rejected {
        Cow::Borrowed(s) => Cow::Borrowed(&s[common..]),
        Cow::Owned(s) => Cow::Owned(s[common..].to_owned()),
    };
    conv.set_aside.push(Message::new(
        Role::Assistant,
        doc.span(rejected_value),
        span,
        Content::Text(Text { value, span }),
    ));
}

/// Whether two values are the same answer: the same string, or the same JSON as written.
fn same(doc: &Document<'_, '_>, a: NodeId, b: NodeId) -> bool {
    match (doc.str(a), doc.str(b)) {
        (Some(a), Some(b)) => a == b,
        _ => doc.raw(a) == doc.raw(b),
    }
}

fn identical(doc: &Document<'_, '_>, rejected: NodeId, ctx: &mut RecordContext<'_>) {
    ctx.report(
        Code::S002,
        doc.span(rejected),
        "\"chosen\" and \"rejected\" give the same answer; the pair teaches no preference",
    );
}

fn no_common_prompt(doc: &Document<'_, '_>, ctx: &mut RecordContext<'_>) {
    ctx.report(
        Code::S001,
        doc.span(doc.root()),
        "record has no \"prompt\" key, and \"chosen\" and \"rejected\" do not begin alike, so no prompt is implied; add the prompt",
    );
}
