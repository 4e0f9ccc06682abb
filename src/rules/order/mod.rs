//! O rules: the order of turns in a conversation.
//!
//! The first three overlap (a lone user message has too few messages, no assistant message
//! and does not end with one); only the most specific is reported: O001, then O004, then
//! O002 (the registry says which suppresses which). None runs on a record whose shape the
//! schema rules already tore apart: it would only collect echoes.

pub mod last_not_assistant;
pub mod no_assistant_message;
pub mod no_user_message;
pub mod role_order;
pub mod system_not_first;
pub mod too_few_messages;
