//! Prompt-only records (GRPO and other RL prompt sets): `{"prompt": ...}`, a string (a user
//! turn) or a list of messages. The trainer generates the answers, so the conversation is of
//! [`Shape::Prompt`]: it ends on the user's turn and has no assistant turn, which is right
//! here (no O001, O002 or O004).
//!
//! Every other column is kept: GRPO hands each of them to the reward functions (a reference
//! answer, a test suite), so no top-level key is unknown.
//!
//! TRL's stepwise supervision records (its PRM trainer) are a prompt with `completions`, the
//! reasoning steps, and `labels`, one boolean per step: where both are present they are
//! checked (S007): a list of strings, a list of booleans, as many labels as steps.

use std::borrow::Cow;

use super::openai_chat::{self, missing_key};
use super::trl;
use crate::context::RecordContext;
use crate::json::{Document, Kind};
use crate::record::{Conversation, Role, Shape};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, plural};

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
    let (mut completions, mut labels) = (None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "prompt" => prompt = Some((key, value)),
            "completions" => completions = Some(value),
            "labels" => labels = Some(value),
            "tools" if doc.kind(value) == Kind::Array => conv.tools = Some(doc.span(value)),
            _ => {}
        }
    }
    let Some(field) = prompt else {
        missing_key(doc, root, "prompt", FormatChoice::PromptOnly, ctx);
        return None;
    };
    if let (Some(steps), Some(labels)) = (completions, labels) {
        conv.incomplete |= !stepwise(doc, steps, labels, ctx);
    }
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

/// Checks TRL's stepwise supervision columns: `completions` a list of strings, `labels` a
/// list of booleans, one per step. False when something was reported.
fn stepwise(
    doc: &Document<'_, '_>,
    steps: crate::json::NodeId,
    labels: crate::json::NodeId,
    ctx: &mut RecordContext<'_>,
) -> bool {
    let mut ok = true;
    for (node, name, kind, what) in [
        (
            steps,
            "completions",
            Kind::String,
            "strings, the reasoning steps",
        ),
        (labels, "labels", Kind::Bool, "booleans, one per step"),
    ] {
        if doc.kind(node) != Kind::Array || doc.len(node) == 0 {
            let is = if doc.kind(node) == Kind::Array {
                "an empty list".into()
            } else {
                describe(doc, node)
            };
            ctx.report(
                Code::S007,
                doc.span(node),
                format!("\"{name}\" is {is}; expected a list of {what}"),
            );
            ok = false;
        } else if let Some(bad) = doc.elements(node).find(|&e| doc.kind(e) != kind) {
            ctx.report(
                Code::S007,
                doc.span(bad),
                format!(
                    "an element of \"{name}\" is {}; expected a list of {what}",
                    describe(doc, bad)
                ),
            );
            ok = false;
        }
    }
    let (n_steps, n_labels) = (doc.len(steps), doc.len(labels));
    if ok && n_steps != n_labels {
        ctx.report(
            Code::S007,
            doc.span(labels),
            format!(
                "\"labels\" has {} for {} in \"completions\"; stepwise supervision labels each step once",
                plural(n_labels as u64, "label"),
                plural(n_steps as u64, "step")
            ),
        );
        ok = false;
    }
    ok
}
