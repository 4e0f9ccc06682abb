//! O rules: the order of turns in a conversation.
//!
//! The first three overlap (a lone user message has too few messages, no assistant message
//! and does not end with one); only the most specific is reported: O001, then O004, then
//! O002 (the registry says which suppresses which). None runs on a record whose shape the
//! schema rules already tore apart: it would only collect echoes. A record's
//! [`Shape`](crate::record::Shape) says which apply: all of them to a chat; to a prompt set
//! (`prompt-only`) not those that want an answer (O001, O002, O004); none to plain text
//! (`text`), which has no turns.

pub mod last_not_assistant;
pub mod no_assistant_message;
pub mod no_user_message;
pub mod role_order;
pub mod system_not_first;
pub mod too_few_messages;

use crate::context::RecordContext;
use crate::declared::{Declared, Formatting};
use crate::record::Role;
use crate::settings::FormatChoice;

/// The `dataset_info.json` entry of a LLaMA-Factory file read with its alpaca converter,
/// which never skips an example for its turn order: it builds one user turn from the prompt
/// and query columns (empty when the entry names neither) and one answer from the response
/// column (none when the entry names none), whatever the record holds.
pub(crate) fn alpaca_entry<'a>(ctx: &RecordContext<'a>) -> Option<&'a Declared> {
    ctx.settings
        .declared
        .as_deref()
        .filter(|d| d.formatting == Formatting::Alpaca)
}

/// An alpaca entry that names no answer column: `"columns"` without `"response"` (and not a
/// ranking entry, whose answers are `chosen` and `rejected`). LLaMA-Factory gives each of its
/// examples no answer, and supervised training drops every one, whatever the history holds.
pub(crate) fn answer_undeclared<'a>(ctx: &RecordContext<'a>) -> Option<&'a Declared> {
    alpaca_entry(ctx).filter(|d| !d.ranking && d.columns.response.is_none())
}

/// Why an alpaca entry's example has no user turn of its own, for a message: LLaMA-Factory
/// trains it after an empty one, and the fix when the entry names no prompt column.
pub(crate) fn empty_user_turn(d: &Declared) -> String {
    if d.columns.prompt.is_none() && d.columns.query.is_none() {
        format!(
            "LLaMA-Factory's alpaca converter trains it after an empty user turn, as {} names \
             no \"prompt\" column; name the instruction's key as \"prompt\" under its \"columns\"",
            d.described()
        )
    } else {
        "LLaMA-Factory's alpaca converter trains it after an empty user turn; give the user's \
         turn before it"
            .to_owned()
    }
}

/// How a format names a conversation's parts, for the O rules' messages: a Vertex AI record
/// is told about its `contents` and the `model` role, not messages and an assistant.
pub(crate) struct Words {
    pub assistant: &'static str,
    pub message: &'static str,
    pub messages: &'static str,
}

pub(crate) fn words(format: FormatChoice) -> Words {
    match format {
        FormatChoice::VertexGemini => Words {
            assistant: "model",
            message: "content",
            messages: "contents",
        },
        _ => Words {
            assistant: "assistant",
            message: "message",
            messages: "messages",
        },
    }
}

impl Words {
    /// A role as the format spells it.
    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Assistant => self.assistant,
            r => r.as_str(),
        }
    }
}
