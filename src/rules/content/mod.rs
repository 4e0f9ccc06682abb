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
