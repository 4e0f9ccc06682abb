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

use crate::record::Role;
use crate::settings::FormatChoice;

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
