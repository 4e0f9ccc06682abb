//! O rules: the order of turns in a conversation.
//!
//! The first three overlap (a lone user message has too few messages, no assistant message
//! and does not end with one); only the most specific is reported: O001, then O004, then O002.

pub mod last_not_assistant;
pub mod no_assistant_message;
pub mod no_user_message;
pub mod role_order;
pub mod system_not_first;
pub mod too_few_messages;

use crate::context::RecordContext;
use crate::record::Conversation;

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    // A conversation the schema rules already tore apart would only collect echoes here.
    if conv.incomplete {
        return;
    }
    let too_few = too_few_messages::check(conv, ctx);
    let no_assistant = !too_few && no_assistant_message::check(conv, ctx);
    if !too_few && !no_assistant {
        last_not_assistant::check(conv, ctx);
    }
    if !too_few {
        no_user_message::check(conv, ctx);
    }
    system_not_first::check(conv, ctx);
    role_order::check(conv, ctx);
}
