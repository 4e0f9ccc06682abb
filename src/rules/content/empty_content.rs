//! C003 empty-content.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Content, Message};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports content that is an empty string or only whitespace or invisible characters, and
    /// a content array whose text parts are all empty and that has no image. Invisible
    /// characters are the format characters (zero-width space U+200B, joiners U+200C and
    /// U+200D, word joiner U+2060, byte order mark U+FEFF, soft hyphen, direction marks, tag
    /// characters), the variation selectors, the Hangul fillers (U+115F, U+1160, U+3164,
    /// U+FFA0) and the braille blank U+2800: text made of them shows nothing. An assistant message that calls tools
    /// may have empty content. C001 does not also report the message.
    ///
    /// ## Why is this bad?
    /// An empty assistant turn teaches the model that saying nothing is a good answer; an
    /// empty user or system turn is a message with no input, usually a failed generation or
    /// a field lost in an export. It is an error by default because the example teaches the
    /// wrong thing outright.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "content": "  "}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "content": "Yes. Choose Bank transfer at checkout; your order ships once the payment arrives."}]}
    /// ```
    pub static EMPTY_CONTENT = {
        code: "C003",
        name: "empty-content",
        level: Error,
        summary: "content is empty or whitespace only",
    };
}

/// Text with no visible character: whitespace and invisible characters only.
fn blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || invisible(c))
}

/// A character that shows nothing and is not whitespace: one no output writes as it is
/// ([`crate::wording::invisible`]: format characters, Hangul fillers, tag characters), a
/// variation selector, or the braille blank.
fn invisible(c: char) -> bool {
    crate::wording::invisible(c) || matches!(c, '\u{2800}' | '\u{FE00}'..='\u{FE0F}')
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    let empty = match &message.content {
        Content::Text(t) => blank(&t.value),
        Content::Parts { parts, .. } => {
            !parts.is_empty()
                && !message.content.has_image()
                && message.content.texts().all(|t| blank(&t.value))
        }
        _ => false,
    };
    if !empty {
        return;
    }
    // An assistant turn that only calls tools has nothing to say.
    if !message.calls_tools() {
        ctx.report(
            Code::C003,
            message.content_or_message_span(),
            format!("{} message has empty content", message.role.as_str()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The characters C003 called invisible before it took `wording::invisible`'s list
    /// still are, with the format characters that list adds (interlinear annotation,
    /// shorthand controls); letters, spaces' neighbours and emoji are not.
    #[test]
    fn what_shows_nothing() {
        let ranges = [
            ('\u{00AD}', '\u{00AD}'),
            ('\u{034F}', '\u{034F}'),
            ('\u{061C}', '\u{061C}'),
            ('\u{115F}', '\u{1160}'),
            ('\u{17B4}', '\u{17B5}'),
            ('\u{180B}', '\u{180F}'),
            ('\u{200B}', '\u{200F}'),
            ('\u{202A}', '\u{202E}'),
            ('\u{2060}', '\u{206F}'),
            ('\u{2800}', '\u{2800}'),
            ('\u{3164}', '\u{3164}'),
            ('\u{FE00}', '\u{FE0F}'),
            ('\u{FEFF}', '\u{FEFF}'),
            ('\u{FFA0}', '\u{FFA0}'),
            ('\u{FFF9}', '\u{FFFB}'),
            ('\u{1BCA0}', '\u{1BCA3}'),
            ('\u{1D173}', '\u{1D17A}'),
            ('\u{E0000}', '\u{E0FFF}'),
        ];
        for (first, last) in ranges {
            for c in first..=last {
                assert!(invisible(c), "U+{:04X}", c as u32);
            }
        }
        for c in ['a', '0', '.', '\u{00A0}', '\u{2801}', '\u{1F600}', '中'] {
            assert!(!invisible(c), "U+{:04X}", c as u32);
        }
        assert!(blank("\u{200B}\u{FE0F} \u{2800}\n"));
        assert!(!blank("\u{200B}x"));
    }
}
