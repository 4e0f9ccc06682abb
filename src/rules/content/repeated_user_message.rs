//! C006 repeated-user-message.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a user message whose text is identical, character for character, to an
    /// earlier user message of the same conversation; each repeat is reported and names the
    /// first. Empty messages are C003's. Similar but different messages are not compared here;
    /// duplicates across examples are the D rules'.
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

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if !ctx.enabled(Code::C006) {
        return;
    }
    // The first user message of each text: a hash lookup per message, since a hostile
    // record may hold 100,000 user turns.
    let mut first_of: HashMap<Cow<'_, str>, usize> = HashMap::new();
    for (i, m) in conv.messages.iter().enumerate() {
        if m.role != Role::User {
            continue;
        }
        let Some(span) = m.content.span() else {
            continue;
        };
        let text = m.content.joined_text();
        if text.trim().is_empty() {
            continue;
        }
        match first_of.entry(text) {
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
            Entry::Occupied(slot) => ctx.report(
                Code::C006,
                span,
                format!(
                    "user message {} repeats user message {} word for word",
                    i + 1,
                    slot.get() + 1
                ),
            ),
        }
    }
}
