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
    /// fine). Only the start of the message is checked. An "As a ..." opening counts when it
    /// ends the phrase ("As an AI, I ...") or goes on to describe the model ("As an AI
    /// language model", "As an AI assistant", "As an AI developed by ...", "As an AI I
    /// cannot"); where the next word makes it a person's role instead ("As an AI researcher
    /// would tell you", "As an AI ethics professor, I"), it is not self-description.
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

/// Words after an "As a ..." opening that go on describing the model ("As an AI language
/// model", "As an AI developed by"). Any other word makes the opening a person's role: "As
/// an AI researcher would tell you".
const SELF_DESCRIPTION: &[&str] = &[
    "language",
    "model",
    "models",
    "assistant",
    "chatbot",
    "bot",
    "system",
    "program",
    "agent",
    "entity",
    "tool",
    "helper",
    "developed",
    "created",
    "trained",
    "built",
    "designed",
    "made",
    "programmed",
    "powered",
    "based",
    "text",
    "conversational",
    "generative",
    "virtual",
    "digital",
    "i",
    "i'm",
    "i've",
    "i'd",
    "myself",
    "me",
    "my",
    "that",
    "which",
    "who",
    "with",
    "without",
    "and",
    "or",
    "like",
    "by",
    "from",
    "of",
    "in",
    "on",
    "here",
    "it",
    "is",
    "am",
    "do",
    "don't",
    "does",
    "doesn't",
    "can",
    "cannot",
    "can't",
    "could",
    "will",
    "won't",
    "would",
    "should",
    "must",
    "may",
    "might",
    "have",
    "has",
    "not",
    "however",
    "though",
    "although",
    "there",
    "this",
    "these",
    "we",
];

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if message.role != Role::Assistant {
        return;
    }
    let Some(first) = message.content.texts().next() else {
        return;
    };
    let text = first.value.trim_start();
    let Some(phrase_len) = opening_len(text) else {
        return;
    };
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

/// The length in `text` of the self-description it opens with, if any.
fn opening_len(text: &str) -> Option<usize> {
    // Every opening starts with "as" or "i": most answers are ruled out by one byte.
    if !matches!(text.as_bytes().first(), Some(b'a' | b'A' | b'i' | b'I')) {
        return None;
    }
    let head: String = text
        .chars()
        .take(60)
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    let opening = OPENINGS
        .iter()
        .find(|o| starts_with_words(&head, o) && describes_model(&head, o))?;
    let n = opening.chars().count();
    Some(text.char_indices().nth(n).map_or(text.len(), |(i, _)| i))
}

/// The opening that `head` starts with describes the model: it ends the phrase ("As an
/// AI, I") or the next word goes on describing it ("As an AI language model"), rather
/// than making it a person's role ("As an AI researcher would tell you").
fn describes_model(head: &str, opening: &str) -> bool {
    if !opening.starts_with("as ") {
        return true;
    }
    let Some(rest) = head[opening.len()..].strip_prefix(' ') else {
        // "As an AI," "As an AI." or the end of the text.
        return true;
    };
    let next = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .next()
        .unwrap_or_default();
    // A word cut off by the end of the head is not judged.
    next.len() == rest.len() || SELF_DESCRIPTION.contains(&next)
}

/// `head` starts with `prefix` and the match ends at a word boundary ("as an aide" is fine).
fn starts_with_words(head: &str, prefix: &str) -> bool {
    head.starts_with(prefix) && !head[prefix.len()..].starts_with(|c: char| c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::opening_len;

    #[test]
    fn self_description() {
        for text in [
            "As an AI, I have no personal preference.",
            "As an AI I cannot browse the web.",
            "As an AI language model, I cannot do that.",
            "As an AI assistant, I can help.",
            "As an AI developed by OpenAI, I follow rules.",
            "As a large language model trained by Google, I answer.",
            "As an AI.",
            "As an AI",
            "I'm just an AI, but here is an idea.",
        ] {
            assert!(opening_len(text).is_some(), "{text}");
        }
    }

    #[test]
    fn roles() {
        for text in [
            "As an AI researcher would tell you, data quality matters.",
            "As an AI ethics professor, I would argue that surveillance erodes trust.",
            "As an AI engineer, you should log every prompt.",
            "As an AIrline partner, we fly daily.",
        ] {
            assert_eq!(opening_len(text), None, "{text}");
        }
    }
}
