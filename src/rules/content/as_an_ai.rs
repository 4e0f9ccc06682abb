//! C005 as-an-ai.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports an assistant message whose text opens with self-description boilerplate:
    /// "As an AI", "As a language model", "As a large language model", "As an artificial
    /// intelligence", "I'm just an AI", "I'm only an AI" or "I'm an AI language model" (any
    /// case, straight or curly apostrophe, whole words only: "As an AIrline partner" is
    /// fine). Only the start of the message is checked.
    ///
    /// ## Why is this bad?
    /// It is the base model's voice, not your product's: it spends tokens on a disclaimer,
    /// breaks the persona the system prompt sets up, and teaches the model to talk about
    /// itself before (or instead of) answering. The lesson's validator rejects responses that
    /// start with "As an AI".
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Which plan should I pick for a team of five?"}, {"role": "assistant", "content": "As an AI, I have no personal preference, but the Team plan covers up to ten people."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Which plan should I pick for a team of five?"}, {"role": "assistant", "content": "The Team plan fits best: it covers up to ten people and includes shared projects."}]}
    /// ```
    pub static AS_AN_AI = {
        code: "C005",
        name: "as-an-ai",
        level: Warning,
        summary: "assistant starts with \"As an AI\" or similar boilerplate",
    };
}

/// Openings that announce the model instead of answering, lowercase.
const OPENINGS: &[&str] = &[
    "as an ai",
    "as a language model",
    "as a large language model",
    "as an artificial intelligence",
    "i'm just an ai",
    "i am just an ai",
    "i'm only an ai",
    "i am only an ai",
    "i am an ai language model",
    "i'm an ai language model",
];

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if message.role != Role::Assistant {
        return;
    }
    let Some(first) = message.content.texts().next() else {
        return;
    };
    let text = first.value.trim_start();
    // Every opening starts with "as" or "i": most answers are ruled out by one byte.
    if !matches!(text.as_bytes().first(), Some(b'a' | b'A' | b'i' | b'I')) {
        return;
    }
    let head: String = text
        .chars()
        .take(40)
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    if let Some(opening) = OPENINGS.iter().find(|o| starts_with_words(&head, o)) {
        let n = opening.chars().count();
        let phrase_len = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
        let lead = first.value.len() - text.len();
        let span = first.sub_span(ctx.text, lead..lead + phrase_len);
        ctx.report(
            Code::C005,
            span,
            format!(
                "assistant opens with \"{}\"; answer directly instead of describing the model",
                &text[..phrase_len]
            ),
        );
    }
}

/// `head` starts with `prefix` and the match ends at a word boundary ("as an aide" is fine).
fn starts_with_words(head: &str, prefix: &str) -> bool {
    head.starts_with(prefix) && !head[prefix.len()..].starts_with(|c: char| c.is_alphanumeric())
}
