//! C rules: the quality of what each message says (the lesson's GREAT checks).

pub mod as_an_ai;
pub mod content_too_long;
pub mod content_too_short;
pub mod empty_content;
pub mod encoding_artifact;
pub mod inconsistent_system_prompt;
pub mod informal_grammar;
pub mod placeholder_text;
pub(crate) mod prose;
pub mod refusal_without_help;
pub mod repeated_user_message;
pub mod template_token_leak;
pub mod truncated_response;

use crate::context::RecordContext;
use crate::record::Conversation;

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    for message in &conv.messages {
        // Empty content is reported once, as C003, not also as too short.
        if empty_content::check(message, ctx) {
            continue;
        }
        // Content that is only "..." or "N/A" is reported once, as C007.
        if !placeholder_text::check(message, ctx) {
            content_too_short::check(message, ctx);
        }
        content_too_long::check(message, ctx);
        refusal_without_help::check(message, ctx);
        as_an_ai::check(message, ctx);
        informal_grammar::check(message, ctx);
        template_token_leak::check(message, ctx);
        encoding_artifact::check(message, ctx);
    }
    repeated_user_message::check(conv, ctx);
    truncated_response::check(conv, ctx);
}
