//! P rules: personal data and secrets in the text of an example.
//!
//! Every text of every message (content and tool-call arguments) goes once through
//! `crate::pii::scan`, which finds what these rules report; their files hold the rules'
//! declarations. A match that a `[pii] allow` pattern finds is not reported. Messages
//! quote the match masked: its first 4 characters, then one `*` per character
//! (`crate::pii::mask`).

pub mod credit_card_number;
pub mod email_address;
pub mod ip_address;
pub mod national_id;
pub mod phone_number;
pub mod secret;

use crate::context::RecordContext;
use crate::pii::{Found, Match, mask, scan};
use crate::record::{Conversation, Role, Shape, Text};
use crate::rules::Code;

const CODES: &[Code] = &[
    Code::P001,
    Code::P002,
    Code::P003,
    Code::P004,
    Code::P005,
    Code::P006,
];

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if !CODES.iter().any(|&c| ctx.enabled(c)) {
        return;
    }
    // The answers set aside as meant to be bad are data all the same: a key in a rejected
    // answer is trained on, and leaks, as any other.
    for message in conv.messages.iter().chain(&conv.set_aside) {
        let place = match message.role {
            // Plain text (the `text` format) is nobody's turn.
            _ if conv.shape == Shape::Text => "text",
            Role::System => "system content",
            Role::Developer => "developer content",
            Role::User => "user content",
            Role::Assistant => "assistant content",
            Role::Tool => "tool content",
            Role::Function => "function content",
            Role::Unknown => "content",
        };
        for text in message.content.texts() {
            check_text(text, place, ctx);
        }
        for call in &message.tool_calls {
            if let Some(arguments) = &call.arguments {
                check_text(arguments, "tool call arguments", ctx);
            }
        }
    }
}

/// Runs every enabled P rule on one text of the record and reports what `[pii] allow` does
/// not allow: `{what} "{masked}"{detail} in {place}; {hint}`. A pasted mailing list of
/// 100,000 addresses is reported by the record's limit (`context::MAX_PER_RULE`): the span
/// and message of the matches not shown one by one are never worked out.
fn check_text(text: &Text<'_>, place: &str, ctx: &mut RecordContext<'_>) {
    let settings = ctx.settings;
    let enabled = |code: Code| settings.enabled(code);
    let mut report = |m: Match<'_>| {
        if settings.pii_allow.allows(&text.value[m.range.clone()]) {
            return;
        }
        let line = ctx.text;
        ctx.report_with(m.code, || {
            let span = text.sub_span(line, m.range);
            let message = format!(
                "{} \"{}\"{} in {place}; {}",
                m.what,
                mask(&text.value[m.quote]),
                m.detail,
                m.hint
            );
            (span, message)
        });
    };
    scan(
        &text.value,
        &mut Found {
            enabled: &enabled,
            sink: &mut report,
            masking: false,
        },
    );
}

/// The one scan of a record's texts that every P rule shares (`RunsOn::Shared`): it runs
/// once when any of them is enabled, and each detector runs only for its enabled rule.
pub static SCAN: crate::rules::Shared = crate::rules::Shared { check };
