//! The composition classifier: which of the lesson's four kinds an example is (common, edge
//! case, clarification, refusal), from a label key when the record has one and otherwise
//! from heuristics on its final assistant turn (and, for edge cases, the user turn before it).
//!
//! The heuristics are deliberately simple and listed in full in `tunelint explain B002`; their
//! precision and recall against hand-labelled real examples are in docs/composition.md, and
//! tests/balance.rs fails when they drop.

use std::cell::RefCell;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use memchr::memmem::Finder;

use crate::composition::Category;
use crate::dataset::RecordView;
use crate::record::{Role, Shape};

/// One automaton per phrase list: whether a text contains any of its phrases, in one pass
/// (the lists are searched in every example's answer, by `stats` and B002-B004 alike).
/// Leftmost-first: whether some phrase occurs does not depend on the match kind, and this
/// kind lets the search skip to candidates with a vectorised prefilter, which the standard
/// kind has not (the search is about twice as fast on English answers).
fn automaton(list: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(list)
        .expect("the phrase lists are a few dozen short strings")
}

static REFUSAL: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(REFUSAL_PHRASES));
static QUESTION_REQUEST: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(QUESTION_REQUESTS));
static OFFER: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(OFFER_PHRASES));
static CLARIFYING: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(CLARIFYING_PHRASES));
static EDGE: LazyLock<AhoCorasick> = LazyLock::new(|| automaton(EDGE_PHRASES));
/// The refusal and edge-case phrases together: one search of the answer's head tells that
/// it holds neither, as most answers do.
static LEADING: LazyLock<AhoCorasick> =
    LazyLock::new(|| automaton(&[REFUSAL_PHRASES, EDGE_PHRASES].concat()));
/// Every occurrence of a negation, overlapping ones too (each is checked for word
/// boundaries).
static NEGATION: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(PREMISE_NEGATIONS).expect("the phrase lists are a few dozen short strings")
});
/// What every refusal opening starts with (a test checks).
static OPENING_STARTS: LazyLock<[Finder<'static>; 2]> =
    LazyLock::new(|| [Finder::new("i "), Finder::new("i'")]);
/// What every negation holds (a test checks).
static NEGATION_CORES: LazyLock<[Finder<'static>; 2]> =
    LazyLock::new(|| [Finder::new(" not"), Finder::new("n't")]);

/// How far into the answer a refusal must start: a refusal leads, it is not buried in the
/// middle of a long answer that quotes "I can't" in passing.
const REFUSAL_WINDOW: usize = 240;

/// Phrases that refuse on their own, matched in the first `REFUSAL_WINDOW` characters
/// (lowercased, curly apostrophes made straight).
pub const REFUSAL_PHRASES: &[&str] = &[
    "i'm sorry, but i can",
    "i'm sorry, but i won",
    "i am sorry, but i can",
    "sorry, but i can't",
    "i apologize, but i can",
    "i must decline",
    "i have to decline",
    "i refuse to",
    "i'm not comfortable",
    "i am not comfortable",
    "i don't feel comfortable",
    "it's not appropriate",
    "it is not appropriate",
    "it would not be appropriate",
    "it wouldn't be appropriate",
    "i'd rather not",
    "i would rather not",
    "i cannot and will not",
    "i can't and won't",
    "not something i can help",
    "not able to help with",
    "i'm not going to help",
    "i don't have access to",
    "i do not have access to",
    "i cannot retrieve",
    "cannot complete this task",
];

/// Openings that refuse when one of [`REFUSED_ACTS`] follows within a few words.
pub const REFUSAL_OPENINGS: &[&str] = &[
    "i cannot ",
    "i can't ",
    "i can not ",
    "i'm unable to ",
    "i am unable to ",
    "i'm not able to ",
    "i am not able to ",
    "i won't ",
    "i will not ",
    "i'm not going to ",
    "i am not going to ",
];

/// What a refusal opening refuses to do.
pub const REFUSED_ACTS: &[&str] = &[
    "help",
    "assist",
    "provide",
    "answer",
    "share",
    "give",
    "create",
    "write",
    "generate",
    "support",
    "fulfill",
    "comply",
    "engage",
    "participate",
    "endorse",
    "condone",
    "encourage",
    "promote",
    "offer",
    "discuss",
    "tell you",
    "disclose",
    "reveal",
    "recommend",
    "do that",
    "do this",
    "be of",
    "facilitate",
    "produce",
    "make that",
    "say that",
];

/// Phrases that ask the user for what is missing.
pub const CLARIFYING_PHRASES: &[&str] = &[
    "could you clarify",
    "can you clarify",
    "could you please provide",
    "can you please provide",
    "could you provide the",
    "please provide the",
    "please clarify",
    "could you please clarify",
    "could you be more specific",
    "can you be more specific",
    "could you specify",
    "can you specify",
    "please specify",
    "could you provide more",
    "can you provide more",
    "could you give me more",
    "can you give me more",
    "could you tell me more",
    "can you tell me more",
    "could you tell me",
    "can you tell me what",
    "can you tell me which",
    "what do you mean",
    "what did you mean",
    "do you mean",
    "did you mean",
    "are you asking",
    "are you referring",
    "more context",
    "more details about",
    "more information about what",
    "i'm not sure what you mean",
    "i'm not sure i understand",
    "not sure what you're asking",
    "i don't understand what",
];

/// Questions that offer more help rather than ask for what is missing: not clarifications.
pub const OFFER_PHRASES: &[&str] = &[
    "anything else",
    "any other question",
    "any more question",
    "further question",
    "would you like me to",
    "do you want me to",
    "shall i",
    "should i",
    "can i help",
    "may i help",
    "how can i help",
    "how may i",
    "how can i assist",
    "what can i do for you",
    "how can i be of",
    "want to know more",
    "would you like to know",
    "would you like more",
    "does that help",
    "does this help",
    "make sense",
];

/// Most words of an answer that is a clarifying question without one of the phrases.
pub const SHORT_QUESTION_WORDS: usize = 40;

/// Signs, in the first `EDGE_WINDOW` characters of the answer, that it handles an unusual
/// request: a false or missing premise, an impossibility, or an answer that depends.
pub const EDGE_PHRASES: &[&str] = &[
    "actually,",
    "it depends",
    "depends on",
    "there is no ",
    "there are no ",
    "there's no ",
    "doesn't exist",
    "does not exist",
    "not possible",
    "impossible",
    "no such ",
    "not enough information",
    "cannot be determined",
    "can't be determined",
    "not clear",
    "ambiguous",
    "it's unclear",
    "it is unclear",
    "trick question",
    "not a real",
    "i'm not sure",
    "i am not sure",
    "i don't know",
    "i do not know",
    "hard to say",
    "difficult to say",
    "there is some dispute",
    "hypothetical",
    "as of my last update",
    "as of my knowledge",
    "real-time",
    "i must inform you",
    "i'd like to point out",
    "i must point out",
    "i must clarify",
    "it seems like you",
];

/// Negations that, in a short first sentence without digits, correct the request's premise
/// ("The light bulb was not invented by a US president.").
pub const PREMISE_NEGATIONS: &[&str] = &[
    "did not", "does not", "do not", "was not", "were not", "is not", "are not", "didn't",
    "doesn't", "don't", "wasn't", "weren't", "isn't", "aren't",
];

/// Most words of a first sentence that corrects a premise.
const PREMISE_WORDS: usize = 25;

/// Words of a request that asks for a question as its answer ("Write a survey question"):
/// then a question in the answer is the work asked for, not a clarification.
pub const QUESTION_REQUESTS: &[&str] = &[
    "question",
    "survey",
    "interrogative",
    "ask ",
    "quiz",
    "interview",
];

/// Characters of the answer in which an edge-case phrase counts.
const EDGE_WINDOW: usize = 200;

/// What the classifier makes of one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Its label, or the classifier's verdict on its final assistant turn.
    Category(Category),
    /// No answer to judge (a prompt-only record, plain text, or a record the format could
    /// not read).
    NoAnswer,
    /// An answer written mostly in a script other than Latin ([`other_script`]), which the
    /// English phrase lists cannot judge: not sorted rather than called common.
    OtherScript,
}

impl Reading {
    pub(crate) fn category(self) -> Option<Category> {
        match self {
            Reading::Category(c) => Some(c),
            Reading::NoAnswer | Reading::OtherScript => None,
        }
    }
}

/// What the classifier makes of one record: its label, its verdict on the final assistant
/// turn, or why there is none.
pub(crate) fn read_record(record: &RecordView<'_, '_>) -> Reading {
    if let Some(key) = &record.settings.composition.label_key {
        let doc = record.doc;
        if let Some(label) = doc
            .get(doc.root(), key)
            .and_then(|v| doc.str(v))
            .and_then(|s| Category::parse(&s))
        {
            return Reading::Category(label);
        }
    }
    // An undesirable (KTO `false`) answer is trained on too: its example has a category.
    let Some(conv) = record.conv.map(|c| c.as_trained()) else {
        return Reading::NoAnswer;
    };
    if conv.shape != Shape::Chat {
        return Reading::NoAnswer;
    }
    let Some(last) = conv
        .messages
        .iter()
        .rposition(|m| m.role == Role::Assistant)
    else {
        return Reading::NoAnswer;
    };
    let answer = conv.messages[last].content.joined_text();
    if other_script(&answer) {
        return Reading::OtherScript;
    }
    let user = conv.messages[..last]
        .iter()
        .rev()
        .find(|m| m.role == Role::User)
        .map(|m| m.content.joined_text());
    Reading::Category(classify(user.as_deref(), &answer))
}

/// Whether the head of `answer` (its first [`HEAD`] bytes) has more letters of scripts other
/// than Latin (Greek, Cyrillic, Armenian, Hebrew, Arabic, the Indic scripts, Thai, Georgian,
/// Vietnamese's letters, kana, Chinese characters, Hangul, ...) than ASCII letters: the
/// phrase lists are English, and such an answer would be called common whatever it says.
/// Counted by the first bytes of their UTF-8 encodings (one a character), so a head of
/// ASCII is settled by one vectorised test and the others by one pass with no decoding;
/// punctuation, symbols and emoji (first bytes E2, EF, F0) count for neither side, nor do
/// Latin letters with accents (C3-CD), which English text borrows.
pub(crate) fn other_script(answer: &str) -> bool {
    let head = &answer.as_bytes()[..answer.len().min(HEAD)];
    if head.is_ascii() {
        return false;
    }
    let (mut latin, mut other) = (0u32, 0u32);
    for &b in head {
        latin += u32::from(b.is_ascii_alphabetic());
        other += u32::from(matches!(b, 0xCE..=0xE1 | 0xE3..=0xED));
    }
    other > latin
}

/// Bytes of the (trimmed) answer lowercased and searched when it asks no question: a
/// refusal and an edge case are decided on its first few hundred bytes, so a long answer is
/// read whole only when it asks something (a clarification may ask anywhere), or when its
/// head cannot settle the verdict (the answer is then read whole, as if it were short).
const HEAD: usize = 320;

/// The classifier: a refusal first, then a clarification, then an edge case; otherwise
/// common. `user` is the last user turn before the answer (a request for a question makes
/// a question in the answer the work asked for).
pub fn classify(user: Option<&str>, answer: &str) -> Category {
    classify_reading(user, answer, HEAD)
}

/// [`classify`], lowercasing `head_bytes` of an answer without a question mark first.
fn classify_reading(user: Option<&str>, answer: &str, head_bytes: usize) -> Category {
    let answer = answer.trim();
    LOWERED.with_borrow_mut(|lowered| {
        // Without a question mark no sentence is a question, and nothing but a
        // clarification needs more than the answer's head.
        if memchr::memchr(b'?', answer.as_bytes()).is_none() {
            let start = head(answer, head_bytes);
            let complete = start.len() == answer.len();
            // The normalized head is a prefix of the normalized answer (lowercasing goes
            // character by character), and the answer itself when `complete`.
            if let Some(c) = classify_head(normalize_into(start, lowered), complete) {
                return c;
            }
        }
        classify_whole(user, normalize_into(answer, lowered))
    })
}

thread_local! {
    /// The normalized answer: one buffer per thread, reused from answer to answer.
    static LOWERED: RefCell<String> = const { RefCell::new(String::new()) };
    /// The normalized request, when the answer asks something.
    static REQUEST: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The verdict on the whole answer, normalized.
fn classify_whole(user: Option<&str>, answer: &str) -> Category {
    let leading = has_leading_phrase(answer);
    if is_refusal(answer, true, leading) == Some(true) {
        Category::Refusal
    } else if is_clarification(user, answer) {
        Category::Clarification
    } else if is_edge(answer, true, leading) == Some(true) {
        Category::Edge
    } else {
        Category::Common
    }
}

/// The verdict on an answer without a question mark from `start`, its normalized head (the
/// whole answer when `complete`); `None` when the head does not settle it.
fn classify_head(start: &str, complete: bool) -> Option<Category> {
    let leading = has_leading_phrase(start);
    if is_refusal(start, complete, leading)? {
        return Some(Category::Refusal);
    }
    // No question: not a clarification.
    Some(if is_edge(start, complete, leading)? {
        Category::Edge
    } else {
        Category::Common
    })
}

/// Lowercase, with curly apostrophes straight.
#[cfg(test)]
fn normalized(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// `text` normalized (lowercase, with curly apostrophes straight) into `out`, which it
/// returns.
fn normalize_into<'o>(text: &str, out: &'o mut String) -> &'o str {
    let text = text.trim();
    out.clear();
    out.reserve(text.len());
    let mut rest = text;
    // Runs of ASCII are copied whole and lowercased at the end; the other characters one by
    // one (the phrases are English: a Greek final sigma lowercased as σ rather than ς
    // changes nothing they match).
    loop {
        let run = ascii_run(rest.as_bytes());
        out.push_str(&rest[..run]);
        rest = &rest[run..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        match c {
            '\u{2019}' | '\u{2018}' => out.push('\''),
            c if uncased(c) => out.push(c),
            c => out.extend(c.to_lowercase()),
        }
        rest = &rest[c.len_utf8()..];
    }
    // Lowercasing ASCII changes no other character, and no lowercase letter has an
    // uppercase ASCII letter in it.
    out.make_ascii_lowercase();
    out
}

/// Whether `c` is beyond ASCII and in a range where no character has a lowercase other than
/// itself: the punctuation, symbols, arrows, dashes and quotes of English text, CJK, Hangul
/// and emoji, told apart without a search of the Unicode case table (a test checks every
/// character).
fn uncased(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{BF}'
        | '\u{2000}'..='\u{2125}'
        | '\u{2184}'..='\u{24B5}'
        | '\u{24D0}'..='\u{2BFF}'
        | '\u{2D00}'..='\u{A63F}'
        | '\u{AC00}'..='\u{FF20}'
        | '\u{1F000}'..)
}

/// How many bytes `bytes` starts with that are ASCII, looked at eight at a time.
fn ascii_run(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut run = 0;
    for word in words.by_ref() {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        let high = u64::from_le_bytes(w) & 0x8080_8080_8080_8080;
        if high != 0 {
            return run + high.trailing_zeros() as usize / 8;
        }
        run += 8;
    }
    run + words
        .remainder()
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(words.remainder().len())
}

/// The first `n` bytes of `text`, cut back to a character boundary.
fn head(text: &str, n: usize) -> &str {
    let mut end = n.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The longest of [`REFUSED_ACTS`], in bytes.
const LONGEST_ACT: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < REFUSED_ACTS.len() {
        if REFUSED_ACTS[i].len() > longest {
            longest = REFUSED_ACTS[i].len();
        }
        i += 1;
    }
    longest
};

/// Whether the first [`REFUSAL_WINDOW`] bytes of `answer` hold a refusal or an edge-case
/// phrase (the edge-case window is the shorter).
fn has_leading_phrase(answer: &str) -> bool {
    LEADING.is_match(head(answer, REFUSAL_WINDOW))
}

/// Whether the normalized `answer` refuses; when it is only the answer's head (not
/// `complete`), `None` if that head is too short to tell. `leading`: what
/// [`has_leading_phrase`] says of it.
fn is_refusal(answer: &str, complete: bool, leading: bool) -> Option<bool> {
    if !complete && answer.len() < REFUSAL_WINDOW {
        return None;
    }
    let start = head(answer, REFUSAL_WINDOW);
    if leading && REFUSAL.is_match(start) {
        return Some(true);
    }
    // Every place an opening starts in the window (overlapping ones too).
    let mut unsure = false;
    for end in opening_ends(start) {
        let after = &answer[end..];
        // The act comes first, or after one softener ("really", "directly").
        let space = after.find(' ');
        if !complete && space.is_none_or(|i| after.len() < i + 1 + LONGEST_ACT) {
            // The head ends before the act would.
            unsure = true;
            continue;
        }
        let second = space.map_or(after.len(), |i| i + 1);
        if [after, &after[second..]]
            .iter()
            .any(|rest| REFUSED_ACTS.iter().any(|act| rest.starts_with(act)))
        {
            return Some(true);
        }
    }
    if unsure { None } else { Some(false) }
}

/// Where each refusal opening in `window` ends, overlapping ones too. Openings start with
/// "i " or "i'", rare in English text: two vectorised searches find every place one can
/// start, and only there are the openings compared.
fn opening_ends(window: &str) -> impl Iterator<Item = usize> + '_ {
    OPENING_STARTS
        .iter()
        .flat_map(move |start| start.find_iter(window.as_bytes()))
        .flat_map(move |at| {
            REFUSAL_OPENINGS
                .iter()
                .filter(move |o| window[at..].starts_with(**o))
                .map(move |o| at + o.len())
        })
}

/// The first sentence of `text`, with the mark that ends it (all of `text` when none does).
fn first_sentence(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mark = memchr::memchr3(b'.', b'!', b'?', bytes);
    let line = memchr::memchr(b'\n', &bytes[..mark.unwrap_or(bytes.len())]);
    match line.or(mark) {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// The sentences of `text` that end with a question mark (sentences end with one of
/// `.!?` or a line break), trimmed. Found from the question marks back to the mark before
/// each.
fn questions(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut after_last = 0;
    memchr::memchr_iter(b'?', bytes).map(move |at| {
        let since = &bytes[after_last..at];
        let start = match memchr::memrchr3(b'.', b'!', b'\n', since) {
            Some(mark) => after_last + mark + 1,
            None => after_last,
        };
        after_last = at + 1;
        text[start..=at].trim()
    })
}

/// `answer` is normalized; `user` (the turn before it) is normalized only when the answer
/// asks something.
fn is_clarification(user: Option<&str>, answer: &str) -> bool {
    let asks = |q: &&str| !OFFER.is_match(q);
    if !questions(answer).any(|q| asks(&q)) {
        return false;
    }
    if user.is_some_and(|u| {
        REQUEST.with_borrow_mut(|request| QUESTION_REQUEST.is_match(normalize_into(u, request)))
    }) {
        return false;
    }
    if CLARIFYING.is_match(answer) {
        return true;
    }
    // A short answer that is mostly a question to the user: "What kind of car do you have?"
    // At most SHORT_QUESTION_WORDS words: counted no further than one more.
    let short = !more_words_than(answer, SHORT_QUESTION_WORDS);
    let to_user = |q: &&str| {
        q.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .any(|w| matches!(w, "you" | "your" | "you're" | "you've" | "yours"))
    };
    short && questions(answer).filter(asks).any(|q| to_user(&q))
}

/// Whether the normalized `answer` handles an edge case; when it is only the answer's head
/// (not `complete`), `None` if that head is too short to tell. `leading`: what
/// [`has_leading_phrase`] says of it.
fn is_edge(answer: &str, complete: bool, leading: bool) -> Option<bool> {
    if !complete && answer.len() < EDGE_WINDOW {
        return None;
    }
    if leading && EDGE.is_match(head(answer, EDGE_WINDOW)) {
        return Some(true);
    }
    // A short first sentence that negates, without numbers (a worked answer's "20 layers
    // that are not limestone"), and not about the assistant itself ("I do not have"):
    // the answer starts by correcting what the request took for granted.
    let first = first_sentence(answer);
    if !complete && !first.ends_with(['.', '!', '?', '\n']) {
        // The first sentence runs past the head: it can only be too long. (A word cut at
        // the head's end is still one word of the whole sentence.)
        return more_words_than(first, PREMISE_WORDS).then_some(false);
    }
    // Every negation holds " not" or "n't": without them, none is searched for.
    let negates = NEGATION_CORES
        .iter()
        .any(|core| core.find(first.as_bytes()).is_some())
        && NEGATION
            .find_overlapping_iter(first)
            .any(|m| at_word_start(first, m.start()) && at_word_end(first, m.end()));
    Some(
        negates
            && !more_words_than(first, PREMISE_WORDS)
            && !first.chars().any(|c| c.is_ascii_digit())
            && !first.starts_with("i ")
            && !first.starts_with("as an ai"),
    )
}

/// Whether `text` has more than `n` words, as `str::split_whitespace` tells them apart
/// (Unicode white space between), counted no further than one more; ASCII is read eight
/// bytes at a time, without decoding characters.
fn more_words_than(text: &str, n: usize) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const EACH: u64 = 0x0101_0101_0101_0101;
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    // Words of eight ASCII bytes: the high bit of each byte that is a space (9 to 13 or 32),
    // worked out for all eight at once (no byte carries into the next: each is below 0x80).
    while let Some(word) = bytes.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        if w & HIGH != 0 {
            break;
        }
        let blank = w ^ (0x20 * EACH);
        let is_blank = !(((blank & !HIGH) + !HIGH) | blank) & HIGH;
        let control = (w + (0x80 - 9) * EACH) & !(w + (0x80 - 14) * EACH) & HIGH;
        let spaces = is_blank | control;
        // A word starts at each byte that is no space after one that is (the byte before
        // the eight is one unless a word runs on).
        let after_space = (spaces << 8) | if in_word { 0 } else { 0x80 };
        let starts = !spaces & after_space & HIGH;
        words += ((starts >> 7).wrapping_mul(EACH) >> 56) as usize;
        if words > n {
            return true;
        }
        in_word = spaces >> 63 == 0;
        i += 8;
    }
    // The rest (from a character boundary: the words before are ASCII) character by
    // character.
    while let Some(&b) = bytes.get(i) {
        let (space, len) = if b.is_ascii() {
            (matches!(b, b'\t'..=b'\r' | b' '), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if !space && !in_word {
            words += 1;
            if words > n {
                return true;
            }
        }
        in_word = !space;
        i += len;
    }
    false
}

fn at_word_start(text: &str, i: usize) -> bool {
    text[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn at_word_end(text: &str, i: usize) -> bool {
    text[i..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word count against `split_whitespace`'s, with every kind of white space.
    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        let pieces = [
            "a",
            "word",
            " ",
            "  ",
            "\t",
            "\n",
            "\u{b}",
            "\u{c}",
            "\r",
            "\u{1c}",
            "\u{85}",
            "\u{a0}",
            "\u{1680}",
            "\u{2003}",
            "\u{2028}",
            "\u{202f}",
            "\u{3000}",
            "\u{200b}",
            "\u{e9}",
            "\u{4f60}",
            "\u{1f642}",
            ".",
        ];
        let mut random = crate::testing::Lcg(5);
        for round in 0..4000 {
            let text = random.text(&pieces, round % 120);
            for n in [0, 1, 2, 5, 25] {
                assert_eq!(
                    more_words_than(&text, n),
                    text.split_whitespace().nth(n).is_some(),
                    "{text:?} {n}"
                );
            }
        }
    }

    #[test]
    fn the_lessons_examples_are_classified_as_the_lesson_means_them() {
        let refusal = "I can't help with that request, as it would violate others' privacy and our terms of service.\n\nIf you're having trouble accessing your own account, I'd be happy to help you recover it through our secure process. Would you like me to explain how?";
        assert_eq!(
            classify(
                Some("Can you help me hack into someone's account?"),
                refusal
            ),
            Category::Refusal
        );
        let clarification = "I'd like to help you fix that! To get started, could you tell me:\n\n1. Which product or feature isn't working?\n2. What happens when you try to use it?\n3. Have you seen any error messages?\n\nThis will help me point you to the right solution.";
        assert_eq!(
            classify(Some("it doesn't work"), clarification),
            Category::Clarification
        );
        assert_eq!(
            classify(
                Some("How do I rotate my API key?"),
                "Open Settings, then API keys, and choose Rotate."
            ),
            Category::Common
        );
    }

    #[test]
    fn a_refusal_must_lead_and_refuse_an_act() {
        assert_eq!(
            classify(
                Some("Tell me a story"),
                "I can't wait to tell you this one."
            ),
            Category::Common
        );
        let buried = format!("{} I can't help it.", "Once upon a time. ".repeat(20));
        assert_eq!(classify(Some("Tell me a story"), &buried), Category::Common);
        assert_eq!(
            classify(
                Some("Give me her address"),
                "I won\u{2019}t share someone's home address."
            ),
            Category::Refusal
        );
    }

    #[test]
    fn offers_of_more_help_and_questions_asked_for_are_not_clarifications() {
        assert_eq!(
            classify(
                Some("Create a question to assess someone's personality."),
                "How do you recharge after a long week?"
            ),
            Category::Common
        );
        assert_eq!(
            classify(
                Some("What is 2 + 2 in base ten?"),
                "It is 4. Is there anything else?"
            ),
            Category::Common
        );
        assert_eq!(
            classify(
                Some("Recommend a car for me please"),
                "What will you mostly use it for?"
            ),
            Category::Clarification
        );
    }

    /// Deciding on the answer's head gives the verdict on the whole answer, on answers made
    /// to put refusal openings, acts, edge phrases and sentence ends on every side of the
    /// head's end.
    #[test]
    fn the_head_gives_the_verdict_of_the_whole_answer() {
        let pieces = [
            "I can\u{2019}t ",
            "I CANNOT ",
            "i won't ",
            "really ",
            "help",
            " assist",
            "participate",
            "I'm sorry, but I can",
            "Actually, ",
            "There is no ",
            "it depends",
            "The bulb was not ",
            "isn't",
            "did not",
            "word ",
            "words and more words ",
            ". ",
            "!",
            "\n",
            "\n\n",
            "?",
            "3",
            "\u{c9}t\u{e9} ",
            "\u{130}",
            "\u{212a}",
            "\u{2019}",
            "\u{1e9e}",
            " ",
            "   ",
            "x",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "could you clarify",
            "What do you use it for",
            "anything else",
        ];
        let mut random = crate::testing::Lcg(11);
        let mut decided = [0usize; 4];
        for round in 0..6000 {
            let len = [1, 4, 12, 30, 60][round % 5];
            // Half of the answers ask nothing, so that their heads are read.
            let answer: String = (0..len)
                .map(|_| match pieces[random.below(pieces.len())] {
                    "?" if round % 2 == 0 => ".",
                    p => p,
                })
                .collect();
            let whole = classify_whole(Some("help me"), &normalized(&answer));
            decided[whole as usize] += 1;
            for head_bytes in [0, 1, 50, 199, 200, 201, 239, 240, 241, 260, 300, 600, HEAD] {
                assert_eq!(
                    classify_reading(Some("help me"), &answer, head_bytes),
                    whole,
                    "head of {head_bytes} bytes of {answer:?}"
                );
            }
        }
        // Every verdict was reached.
        assert!(decided.iter().all(|&n| n > 50), "{decided:?}");
    }

    /// The shortcuts give what the plain searches gave: every opening's end (overlapping
    /// ones too), the negations only where one of their cores is, the lowercasing of every
    /// character.
    #[test]
    fn the_shortcuts_find_what_the_plain_searches_find() {
        assert!(
            REFUSAL_OPENINGS
                .iter()
                .all(|o| o.starts_with("i ") || o.starts_with("i'"))
        );
        assert!(
            PREMISE_NEGATIONS
                .iter()
                .all(|n| n.contains(" not") || n.contains("n't"))
        );
        let all_openings = AhoCorasick::new(REFUSAL_OPENINGS).unwrap();
        let pieces = [
            "i ",
            "i'",
            "i can",
            "i cannot ",
            "i can't i can't ",
            "i won",
            "'t ",
            "i'm not going to ",
            "i am not able to ",
            "hi ",
            "x",
            " ",
            "\u{e9}",
            "\u{2019}",
            "\u{130}",
            "\u{212a}",
            "I",
            "\u{3a3}",
            "A",
            "\u{1e9e}",
            "?",
            ". ",
            "!",
            "\n",
            " ?",
        ];
        let mut random = crate::testing::Lcg(5);
        for _ in 0..3000 {
            let text = random.text(&pieces, 12);
            let mut fast: Vec<usize> = opening_ends(&text).collect();
            let mut plain: Vec<usize> = all_openings
                .find_overlapping_iter(&text)
                .map(|m| m.end())
                .collect();
            fast.sort();
            plain.sort();
            assert_eq!(fast, plain, "{text:?}");
            let by_char: String = text
                .trim()
                .chars()
                .flat_map(|c| match c {
                    '\u{2019}' | '\u{2018}' => vec!['\''],
                    c => c.to_lowercase().collect(),
                })
                .collect();
            assert_eq!(normalized(&text), by_char, "{text:?}");
            let split: Vec<&str> = text
                .split_inclusive(['?', '.', '!', '\n'])
                .map(str::trim)
                .filter(|s| s.ends_with('?'))
                .collect();
            assert_eq!(questions(&text).collect::<Vec<_>>(), split, "{text:?}");
        }
    }

    #[test]
    fn uncased_characters_are_their_own_lowercase() {
        for c in ('\u{80}'..=char::MAX).filter(|&c| uncased(c)) {
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
    }

    #[test]
    fn every_phrase_is_listed_in_the_documentation() {
        let doc = crate::rules::balance::composition_off_target::COMPOSITION_OFF_TARGET
            .documentation()
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        for list in [
            REFUSAL_PHRASES,
            REFUSAL_OPENINGS,
            REFUSED_ACTS,
            CLARIFYING_PHRASES,
            OFFER_PHRASES,
            EDGE_PHRASES,
            PREMISE_NEGATIONS,
            QUESTION_REQUESTS,
        ] {
            for phrase in list {
                let shown = format!("\"{}\"", phrase.trim());
                assert!(doc.contains(&shown), "{shown} is not in B002's docs");
            }
        }
    }

    #[test]
    fn odd_requests_and_premises_are_edge_cases() {
        assert_eq!(
            classify(Some("Hello."), "Hello! How can I assist you today?"),
            Category::Common
        );
        assert_eq!(
            classify(
                Some("Who was the king of the United States in 1900?"),
                "There is no king of the United States; in 1900 the president was McKinley."
            ),
            Category::Edge
        );
    }
}
