//! Cheap style features of an example's answers, for B005 (tone-outlier): how often they
//! exclaim, use emoji, contract, speak in the first person, use casual words and markdown,
//! and how long their sentences are. Counted in one pass over the text, no model, no
//! dictionary beyond the short word lists below (listed in full in `tunelint explain B005`).

use crate::record::{Conversation, Role, Shape};

/// Words that speak in the first person singular (lowercase, straight apostrophes).
pub const FIRST_PERSON: &[&str] = &[
    "i", "me", "my", "mine", "myself", "i'm", "i've", "i'll", "i'd",
];

/// Casual words a formal answer does not use.
pub const INFORMAL_WORDS: &[&str] = &[
    "gonna", "wanna", "gotta", "kinda", "sorta", "yeah", "yep", "yup", "nope", "hey", "lol",
    "lmao", "omg", "btw", "haha", "hahaha", "dude", "awesome", "ya", "ur", "y'all", "thx", "pls",
    "plz", "cuz", "tho", "gosh", "wow", "yay", "oops", "whoa", "woohoo",
];

/// Contractions without `n't`, `'re`, `'ve`, `'ll`, `'m` or `'d` (an `'s` is read as a
/// contraction only in these, not as a possessive).
pub const S_CONTRACTIONS: &[&str] = &[
    "it's", "that's", "there's", "here's", "what's", "let's", "he's", "she's", "who's", "where's",
    "how's", "that'll",
];

/// The features, in the order of [`Style::counts`] and of the values B005 compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    Exclamations,
    Emoji,
    Contractions,
    FirstPerson,
    Informal,
    Markdown,
    SentenceLength,
}

impl Feature {
    pub const ALL: [Feature; 7] = [
        Feature::Exclamations,
        Feature::Emoji,
        Feature::Contractions,
        Feature::FirstPerson,
        Feature::Informal,
        Feature::Markdown,
        Feature::SentenceLength,
    ];

    /// The counted features (all but sentence length), whose value is a rate per 100 words.
    pub const COUNTED: usize = 6;
}

/// The style of one example's answers: counts of each counted feature, words, sentences.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Style {
    pub counts: [u32; Feature::COUNTED],
    pub words: u32,
    pub sentences: u32,
}

/// Fewest words a rate is worked out of: "Great!" is one exclamation mark in one word, which
/// says less about a voice than one in twenty.
pub const RATE_WORDS: u32 = 20;

impl Style {
    /// The value compared for `feature`: a rate per 100 words (over at least
    /// [`RATE_WORDS`]), or for sentence length the base-2 logarithm of the mean words per
    /// sentence (so that 10 against 20 words is as far as 20 against 40).
    pub fn value(&self, feature: Feature) -> f64 {
        match feature {
            Feature::SentenceLength => self.mean_sentence().max(1.0).log2(),
            f => f64::from(self.counts[f as usize]) * 100.0 / f64::from(self.words.max(RATE_WORDS)),
        }
    }

    pub fn mean_sentence(&self) -> f64 {
        f64::from(self.words) / f64::from(self.sentences.max(1))
    }

    pub fn count(&self, feature: Feature) -> u32 {
        self.counts.get(feature as usize).copied().unwrap_or(0)
    }
}

/// The style of a conversation's assistant turns (all of them, as one text); `None` for a
/// record that is not a chat (plain text, a prompt without an answer) or has no answer text.
pub fn of_conversation(conv: &Conversation<'_>) -> Option<Style> {
    if conv.shape != Shape::Chat {
        return None;
    }
    let mut style = Style::default();
    let mut any = false;
    for m in conv.messages.iter().filter(|m| m.role == Role::Assistant) {
        for text in m.content.texts() {
            add_text(&mut style, &text.value);
            any = true;
        }
    }
    (any && style.words > 0).then_some(style)
}

/// Counts `text`'s features into `style`.
pub fn add_text(style: &mut Style, text: &str) {
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            style.counts[Feature::Markdown as usize] += 1;
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            // Code is not prose: its punctuation and words say nothing of the voice.
            continue;
        }
        style.counts[Feature::Markdown as usize] += markdown_marks(trimmed);
        add_prose(style, line);
    }
}

/// Markdown in one line (without its indentation): a heading, a bullet, a numbered item, a
/// table row, bold text, inline code, a link.
fn markdown_marks(line: &str) -> u32 {
    let mut marks = 0;
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        marks += 1;
    }
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        marks += 1;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) && line[digits..].starts_with(". ") {
        marks += 1;
    }
    if line.starts_with('|') && line.trim_end().ends_with('|') && line.len() > 1 {
        marks += 1;
    }
    marks += (line.matches("**").count() / 2) as u32;
    marks += (line.matches('`').count() / 2) as u32;
    marks += line.matches("](").count() as u32;
    marks
}

/// The word being read, and what a `!` after it needs to know of its core (the word after
/// any leading punctuation), kept as it grows so that a line that is one long word stays
/// linear.
#[derive(Default)]
struct Word {
    text: String,
    core_chars: u32,
    /// Whether every character of the core is an ASCII digit (true for an empty core).
    core_digits: bool,
    core_letters: bool,
}

impl Word {
    fn new() -> Word {
        Word {
            core_digits: true,
            core_letters: true,
            ..Word::default()
        }
    }

    fn push(&mut self, c: char) {
        if self.core_chars > 0 || c.is_alphanumeric() {
            self.core_chars += 1;
            self.core_digits &= c.is_ascii_digit();
            self.core_letters &= c.is_ascii_alphabetic();
        }
        self.text.push(c);
    }

    fn clear(&mut self) {
        self.text.clear();
        self.core_chars = 0;
        self.core_digits = true;
        self.core_letters = true;
    }

    /// A factorial's operand before its `!`: a number (`4!`) or one letter (`n!`).
    fn is_factorial_operand(&self) -> bool {
        self.core_digits || (self.core_chars == 1 && self.core_letters)
    }
}

/// Words, sentences and the word- and character-level features of one line of prose.
fn add_prose(style: &mut Style, line: &str) {
    let mut words_in_sentence = 0u32;
    let mut chars = line.chars().peekable();
    let mut word = Word::new();
    let end_word = |word: &mut Word, style: &mut Style, words_in_sentence: &mut u32| {
        if word.core_chars > 0 {
            style.words += 1;
            *words_in_sentence += 1;
            classify_word(style, &word.text);
        }
        word.clear();
    };
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        if is_emoji(c) {
            style.counts[Feature::Emoji as usize] += 1;
        }
        // An exclamation mark of prose follows a word and ends it: not `#!/bin/sh`, `!=`,
        // `[ ! -d`, the `World!"` of a quoted string, nor a factorial (`4!`, `n!`).
        if c == '!'
            && !word.is_factorial_operand()
            && (previous.is_alphanumeric() || previous == '!' || is_emoji(previous))
            && chars
                .peek()
                .is_none_or(|&n| n.is_whitespace() || n == '!' || is_emoji(n))
        {
            style.counts[Feature::Exclamations as usize] += 1;
        }
        previous = c;
        if c.is_whitespace() {
            end_word(&mut word, style, &mut words_in_sentence);
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            // "3.5" and "e.g." do not end a sentence: only a mark before a space or the end.
            let ends = chars.peek().is_none_or(|n| n.is_whitespace());
            if ends {
                end_word(&mut word, style, &mut words_in_sentence);
                if words_in_sentence > 0 {
                    style.sentences += 1;
                }
                words_in_sentence = 0;
                continue;
            }
        }
        word.push(c);
    }
    end_word(&mut word, style, &mut words_in_sentence);
    // A line ends a sentence too (a list item, a heading, a line without a final stop).
    if words_in_sentence > 0 {
        style.sentences += 1;
    }
}

/// Counts one word's contraction, first person and casual features.
fn classify_word(style: &mut Style, raw: &str) {
    let w: String = raw
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
        .trim_matches(['\'', '\u{2019}'])
        .chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    if w.is_empty() {
        return;
    }
    let contraction = w.contains('\'')
        && (["n't", "'re", "'ve", "'ll", "'m", "'d"]
            .iter()
            .any(|s| w.ends_with(s))
            || S_CONTRACTIONS.contains(&w.as_str()));
    if contraction {
        style.counts[Feature::Contractions as usize] += 1;
    }
    if FIRST_PERSON.contains(&w.as_str()) {
        style.counts[Feature::FirstPerson as usize] += 1;
    }
    if INFORMAL_WORDS.contains(&w.as_str()) {
        style.counts[Feature::Informal as usize] += 1;
    }
}

/// Emoji and pictographs: the emoticon, pictograph, transport, supplemental symbol and flag
/// blocks, and the miscellaneous symbols and dingbats (☀, ✅, ❤).
fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x1F1E6..=0x1F1FF | 0x2600..=0x27BF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(text: &str) -> Style {
        let mut s = Style::default();
        add_text(&mut s, text);
        s
    }

    #[test]
    fn counts_each_feature() {
        let s = style("Hey! I'm SO excited 🎉🎉 you're here!! Let's go.");
        assert_eq!(s.count(Feature::Exclamations), 3);
        assert_eq!(s.count(Feature::Emoji), 2);
        assert_eq!(s.count(Feature::Contractions), 3);
        assert_eq!(s.count(Feature::FirstPerson), 1);
        assert_eq!(s.count(Feature::Informal), 1);
        assert_eq!(s.sentences, 3);
    }

    #[test]
    fn only_an_exclamation_mark_after_a_word_exclaims() {
        let s = style(
            "#!/bin/sh\nif [ ! -d x ] && a != b; then echo \"Hi!\"; fi\nC(n, m) = n! / (m! * 3!)",
        );
        assert_eq!(s.count(Feature::Exclamations), 0);
    }

    #[test]
    fn numbers_and_code_are_not_sentences_or_prose() {
        let s = style("It costs $3.50 each.\n```\nx = 1! + 2\n```\n## Total\n- **7.00**");
        assert_eq!(s.count(Feature::Exclamations), 0);
        assert_eq!(s.count(Feature::Markdown), 5);
        assert_eq!(s.sentences, 3);
    }
}
