//! C006 repeated-user-message.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::context::RecordContext;
use crate::declare_rule;
use crate::diagnostic::Span;
use crate::record::{Conversation, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a user message whose text is identical, character for character, to an
    /// earlier user message of the same conversation; each repeat is reported and names the
    /// first. Empty messages are C003's. Short conversational messages of fewer than four
    /// words and 25 characters ("continue", "go on", "yes", "more", "thanks") are not
    /// compared: users type them again and again in real conversations. Nor is a follow-up
    /// question that refers back with a pronoun ("Where was it located?", "What did he do
    /// then?") and gets a different answer each time: in conversational QA (CoQA) the same
    /// question is asked of a new referent. Similar but
    /// different messages are not compared here; duplicates across examples are the D
    /// rules'.
    ///
    /// ## Why is this bad?
    /// A user turn repeated word for word is almost always a copy-paste or export bug. Left
    /// in, it teaches the model that users repeat themselves, and to answer the same
    /// question twice, usually differently. The lesson's validator flags it.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}, {"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "As I said: Settings, API keys, Rotate."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}, {"role": "user", "content": "Does the old key stop working right away?"}, {"role": "assistant", "content": "No, it keeps working for 24 hours so you can update your apps."}]}
    /// ```
    pub static REPEATED_USER_MESSAGE = {
        code: "C006",
        name: "repeated-user-message",
        level: Warning,
        summary: "the same user message twice in one conversation",
    };
}

/// A message too short to be a copy-paste bug when repeated: empty (C003's), or a short
/// conversational turn such as "continue" or "go on" (fewer than 4 words and 25
/// characters).
fn is_short(text: &str) -> bool {
    let text = text.trim();
    text.split_whitespace().count() < 4 && text.chars().count() < 25
}

/// Most user messages compared pairwise; more are looked up by hash.
const SMALL: usize = 16;

/// Words that make a question refer back to the conversation: asked again, it may be about
/// something else.
const REFERRING: &[&str] = &[
    "it", "its", "he", "him", "his", "she", "her", "they", "them", "their", "this", "that",
    "these", "those", "there", "then",
];

/// `text` refers back with a pronoun ("Where was it located?").
fn refers_back(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .any(|w| REFERRING.iter().any(|r| r.eq_ignore_ascii_case(w)))
}

/// The text of the assistant message answering the message at `i`: the first assistant
/// message after it, before the next user message.
fn answer_after<'a>(conv: &'a Conversation<'_>, i: usize) -> Option<Cow<'a, str>> {
    conv.messages[i + 1..]
        .iter()
        .take_while(|m| m.role != Role::User)
        .find(|m| m.role == Role::Assistant)
        .map(|m| m.content.joined_text())
}

/// The user message at `i` repeats the one at `first` as a follow-up about something new:
/// it refers back with a pronoun and the two answers differ.
fn new_referent(conv: &Conversation<'_>, text: &str, first: usize, i: usize) -> bool {
    refers_back(text)
        && match (answer_after(conv, first), answer_after(conv, i)) {
            (Some(a), Some(b)) => a.trim() != b.trim(),
            _ => false,
        }
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    let users: Vec<(usize, Cow<'_, str>, Span)> = conv
        .messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.role == Role::User)
        .filter_map(|(i, m)| m.content.span().map(|s| (i, m.content.joined_text(), s)))
        .filter(|(_, text, _)| !is_short(text))
        .collect();
    let mut report = |i: usize, first: usize, span: Span| {
        ctx.report(
            Code::C006,
            span,
            format!(
                "user message {} repeats user message {} word for word",
                conv.position(i),
                conv.position(first)
            ),
        );
    };
    if users.len() <= SMALL {
        // Conversations are short: comparing each with those before it beats hashing.
        for (k, (i, text, span)) in users.iter().enumerate() {
            if let Some((first, _, _)) = users[..k].iter().find(|(_, t, _)| t == text)
                && !new_referent(conv, text, *first, *i)
            {
                report(*i, *first, *span);
            }
        }
        return;
    }
    // A hostile record may hold 100,000 user turns: one hash lookup each.
    let mut first_of: HashMap<&str, usize> = HashMap::with_capacity(users.len());
    for (i, text, span) in &users {
        match first_of.entry(text) {
            Entry::Vacant(slot) => {
                slot.insert(*i);
            }
            Entry::Occupied(slot) => {
                if !new_referent(conv, text, *slot.get(), *i) {
                    report(*i, *slot.get(), *span);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_short, refers_back};

    #[test]
    fn questions_that_refer_back() {
        assert!(refers_back("Where was it located?"));
        assert!(refers_back("What did they do then?"));
        assert!(!refers_back("How do I rotate my API key?"));
        assert!(!refers_back("Where is the itinerary?"));
    }

    #[test]
    fn short_conversational_turns() {
        for text in [
            "",
            "  ",
            "continue",
            "go on",
            "Yes",
            "more please",
            "Tell me more.",
        ] {
            assert!(is_short(text), "{text}");
        }
        for text in [
            "How do I rotate my API key?",
            "Where was it located?",
            "Supercalifragilisticexpialidocious words",
        ] {
            assert!(!is_short(text), "{text}");
        }
    }
}
