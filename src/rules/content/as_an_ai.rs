//! C005 as-an-ai.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports an assistant message whose text opens with self-description boilerplate: "As an
    /// AI", "As a language model", "As a large language model", "As an artificial
    /// intelligence", "I'm just an AI", "I'm only an AI", "I'm an AI" or "I am an AI", and the
    /// knowledge-cutoff disclaimers "As of my knowledge cutoff", "As of my last knowledge
    /// update", "As of my last update" and "As of my training cutoff" (any case, straight or
    /// curly apostrophe, whole words only: "As an AIrline partner" is fine). Only the start of
    /// the message is checked, after at most one short interjection such as "Sure!",
    /// "Certainly," or "Of course," ("Sure! As an AI language model, ..."). An "As a ..." or
    /// "I'm an AI" opening counts when it ends the phrase ("As an AI, I ...") or goes on to
    /// describe the model ("As an AI language model", "As an AI assistant", "As an AI developed
    /// by ...", "As an AI I cannot"); where the next word makes it a person's role instead ("As
    /// an AI researcher would tell you", "As an AI ethics professor, I"), it is not
    /// self-description. "I'm an AI" or "I am an AI" in a first sentence that names the
    /// model's maker or name ("I am an AI assistant developed by Acme", "named Lumi") is an
    /// identity answer, not a disclaimer, and is not reported.
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
    "i am an ai",
    "i'm an ai",
    "as of my knowledge cutoff",
    "as of my last knowledge update",
    "as of my last update",
    "as of my training cutoff",
];

/// Short interjections that may stand before the opening, followed by `!`, `,` or `.` and a
/// space: "Sure! As an AI language model, ...". Lowercase.
const INTERJECTIONS: &[&str] = &[
    "sure",
    "certainly",
    "of course",
    "absolutely",
    "okay",
    "ok",
    "well",
    "yes",
    "no",
    "hi",
    "hello",
    "hey",
    "oh",
    "ah",
    "hmm",
    "sorry",
    "i'm sorry",
    "great question",
    "good question",
];

/// Words after an "As a ..." or "I'm an AI" opening that go on describing the model ("As an AI language
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
    "so",
    "but",
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
    let trimmed = first.value.trim_start();
    let text = &trimmed[interjection_len(trimmed)..];
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
    if matches!(*opening, "i'm an ai" | "i am an ai") && names_its_maker(&head) {
        return None;
    }
    let n = opening.chars().count();
    Some(text.char_indices().nth(n).map_or(text.len(), |(i, _)| i))
}

/// The length of a short interjection with its punctuation and spaces at the start of
/// `text` ("Sure! "), or 0.
fn interjection_len(text: &str) -> usize {
    let head: String = text
        .chars()
        .take(24)
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    for word in INTERJECTIONS {
        let Some(rest) = head.strip_prefix(word) else {
            continue;
        };
        let after_mark = rest.trim_start_matches(['!', ',', '.']);
        if after_mark.len() == rest.len() || !after_mark.starts_with(' ') {
            continue;
        }
        let skipped = head.len() - after_mark.trim_start().len();
        // The skipped part is the word's letters, marks and spaces: one character each in
        // `head` and in `text`.
        let chars = head[..skipped].chars().count();
        return text
            .char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i);
    }
    0
}

/// The opening that `head` starts with describes the model: it ends the phrase ("As an
/// AI, I") or the next word goes on describing it ("As an AI language model"), rather
/// than making it a person's role ("As an AI researcher would tell you").
fn describes_model(head: &str, opening: &str) -> bool {
    let names_a_role = opening.starts_with("as a") || opening.ends_with(" an ai");
    if !names_a_role {
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

/// The first sentence of `head` says who made the model or what it is called: "I am an AI
/// assistant developed by Acme", an identity answer to "Who are you?", not a disclaimer.
fn names_its_maker(head: &str) -> bool {
    let sentence = head.split(['.', '!', '?', ',']).next().unwrap_or_default();
    [" by ", " named ", " called "]
        .iter()
        .any(|w| sentence.contains(w))
}

/// `head` starts with `prefix` and the match ends at a word boundary ("as an aide" is fine).
fn starts_with_words(head: &str, prefix: &str) -> bool {
    head.starts_with(prefix) && !head[prefix.len()..].starts_with(|c: char| c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::{interjection_len, opening_len};

    #[test]
    fn after_an_interjection() {
        for text in [
            "Sure! As an AI language model, I can help.",
            "Certainly. As of my knowledge cutoff, it was 8 billion.",
            "Of course, I\u{2019}m an AI, so I have no favourite.",
        ] {
            assert!(
                opening_len(&text[interjection_len(text)..]).is_some(),
                "{text}"
            );
        }
        assert_eq!(interjection_len("Sure thing, here it is."), 0);
        assert_eq!(interjection_len("Well-known tools are listed."), 0);
    }

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
            "I'm an AI, so I don't have personal opinions.",
            "I am an AI and cannot feel hunger.",
            "As of my knowledge cutoff in September 2021, the record was 9.58 s.",
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
            "I'm an AI researcher at a small lab.",
            // Identity answers: who made the model, what it is called.
            "I am an AI assistant developed by Acme.",
            "I'm an AI assistant named Lumi.",
            "As of my last visit, the shop was open.",
        ] {
            assert_eq!(opening_len(text), None, "{text}");
        }
    }
}
