//! C004 refusal-without-help.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports an assistant message that refuses and offers nothing instead. A refusal is
    /// "I cannot", "I can't", "I can not", "I'm unable to", "I'm not able to", "I won't" or
    /// "I will not", "I won't be able to" or "I'm not going to" (any case, straight or curly
    /// apostrophe) followed directly by a refused act such as help, assist, provide, answer,
    /// share or do that (softeners such as "really" or "directly" may stand between); "I can't
    /// wait to help", "I can't help but" and "I can't help feeling" are not refusals, nor is
    /// a hedge that goes on to answer: "I cannot answer with certainty, but the most likely
    /// cause is ...", "I can't answer that with certainty. The most likely cause is ...", "I
    /// won't give a single answer without knowing your workload. For large scans, ...". It
    /// is reported when the text after the refused act has no sign of a way forward: "help",
    /// "instead", "however", "alternatively", "I can", "I'd be happy", "you can", "you
    /// could", "you might", "you should", "recommend", "suggest", "consider", "try", "here
    /// are", "here is", "please contact", "please see", "please consult",
    /// "consult a", "reach out", "talk to", "speak with", "would be the right person" (or
    /// the best person), or a list (a line starting with `1.`, `-` or `*`). Only the first
    /// refusal of a message counts, and only what follows it.
    ///
    /// ## Why is this bad?
    /// Refusal examples teach the model where its boundaries are, and how to hold them. The
    /// lesson's recipe is a clear refusal, a brief reason and a redirect to legitimate help; a
    /// bare "I can't help with that" teaches the model to stonewall, leaving users at a dead
    /// end, and it generalises to refusing borderline requests it should have answered.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can you tell me which email my ex-partner uses for their account?"}, {"role": "assistant", "content": "I can't share that."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can you tell me which email my ex-partner uses for their account?"}, {"role": "assistant", "content": "I can't share another person's account details. If you need to reach them about a shared subscription, you can ask them to add you under Billing, Members."}]}
    /// ```
    pub static REFUSAL_WITHOUT_HELP = {
        code: "C004",
        name: "refusal-without-help",
        level: Warning,
        summary: "assistant refuses (\"I cannot\", \"I can't help\") and offers no alternative",
    };
}

/// Refusal openings, matched ignoring ASCII case, with straight and curly apostrophes.
const REFUSALS: &[&str] = &[
    "i cannot ",
    "i can't ",
    "i can\u{2019}t ",
    "i can not ",
    "i'm unable to ",
    "i\u{2019}m unable to ",
    "i am unable to ",
    "i'm not able to ",
    "i\u{2019}m not able to ",
    "i am not able to ",
    "i won't ",
    "i won\u{2019}t ",
    "i will not ",
    "i won't be able to ",
    "i won\u{2019}t be able to ",
    "i will not be able to ",
    "i'm not going to ",
    "i\u{2019}m not going to ",
];

/// Verbs that make a refusal phrase a refusal ("I cannot stress enough" is not one).
const REFUSED_ACTS: &[&str] = &[
    "help", "assist", "provide", "answer", "comply", "fulfil", "do that", "do this", "share",
    "give", "create", "write", "generate", "discuss", "engage", "support", "complete", "offer",
    "respond",
];

/// Signs that the reply goes on to offer something.
const ALTERNATIVES: &[&str] = &[
    "help",
    "instead",
    "however",
    "alternatively",
    "but i can",
    "i can ",
    "i'd be happy",
    "i would be happy",
    "i'm happy",
    "you can",
    "you could",
    "you may want",
    "you might",
    "recommend",
    "suggest",
    "consider",
    "try ",
    "please contact",
    "reach out",
];

/// More signs of a way forward, matched at the start of a word ("there isn't" holds no
/// "here is").
const REDIRECTS: &[&str] = &[
    "you should",
    "you'll want",
    "here are",
    "here is",
    "here's",
    "please see",
    "please consult",
    "please call",
    "please visit",
    "please refer",
    "please speak",
    "please talk",
    "please ask",
    "consult a",
    "consult an",
    "consult your",
    "consult with",
    "talk to",
    "speak with",
    "speak to",
    "the right person",
    "the best person",
    "the right people",
    "better placed",
    "best placed",
    "\n1.",
    "\n1)",
    "\n- ",
    "\n* ",
];

/// Words right after a refused act that make the refusal a hedge: "I cannot answer with
/// certainty, but the most likely cause is ...".
const HEDGES: &[&str] = &[
    "with certainty",
    "with any certainty",
    "with complete certainty",
    "with absolute certainty",
    "with confidence",
    "with 100% certainty",
    "for certain",
    "for sure",
    "definitively",
    "definitely",
    "conclusively",
    "precisely",
    "exactly",
];

/// Conditions anywhere in the refusal's sentence that make it a hedge: the reply cannot
/// answer in general but goes on to answer for the likely case.
const CONDITIONS: &[&str] = &[
    "without knowing",
    "without more information",
    "without more context",
    "without more details",
    "without seeing",
    "a single answer",
    "a definitive answer",
    "a definite answer",
];

/// One automaton for all openings: every assistant message is scanned once, without
/// lowercasing it (this rule sits on the hot path of every run).
static OPENINGS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(REFUSALS)
        .expect("constant patterns build")
});

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if message.role != Role::Assistant {
        return;
    }
    if !refuses_without_help(&message.content.joined_text()) {
        return;
    }
    let Some(span) = message.content.span() else {
        return;
    };
    ctx.report(
        Code::C004,
        span,
        "assistant refuses without offering an alternative; say what it can do instead",
    );
}

/// `text` refuses, and nothing after the refusal offers a way forward.
fn refuses_without_help(text: &str) -> bool {
    let Some(after) = refusal_end(text) else {
        return false;
    };
    let rest = normalise(&text[after..]);
    let at_word_start = |a: &str| {
        rest.match_indices(a).any(|(i, _)| {
            a.starts_with('\n') || !rest[..i].ends_with(|c: char| c.is_alphanumeric())
        })
    };
    !ALTERNATIVES.iter().any(|a| rest.contains(a)) && !REDIRECTS.iter().any(|a| at_word_start(a))
}

/// Lowercase with straight apostrophes, for phrase matching.
fn normalise(s: &str) -> String {
    s.to_lowercase().replace('\u{2019}', "'")
}

/// The byte offset just after the first refusal phrase and its refused act, if any.
fn refusal_end(text: &str) -> Option<usize> {
    for m in OPENINGS.find_iter(text) {
        let at_word_start = !text[..m.start()].ends_with(|c: char| c.is_alphanumeric());
        if !at_word_start {
            continue;
        }
        let tail = &text[m.end()..];
        let window_end = tail.char_indices().nth(40).map_or(tail.len(), |(i, _)| i);
        let window = tail[..window_end].to_ascii_lowercase();
        if let Some(act_end) = refused_act(&window) {
            if is_hedge(&tail[act_end..]) {
                continue;
            }
            return Some(m.end() + act_end);
        }
    }
    None
}

/// The rest of the refusal's sentence, after the refused act, makes it a hedge: "answer
/// with certainty", "answer that with certainty", "give a single answer without knowing
/// your workload".
fn is_hedge(after_act: &str) -> bool {
    let sentence_end = after_act
        .find(['.', '!', '?', '\n', ';'])
        .unwrap_or(after_act.len());
    let sentence = normalise(&after_act[..sentence_end]);
    let sentence = sentence.trim_start();
    // The object of the act may stand before the hedge ("answer that with certainty").
    let after_object = ["that ", "this ", "it ", "you "]
        .iter()
        .find_map(|o| sentence.strip_prefix(o))
        .unwrap_or(sentence);
    HEDGES.iter().any(|h| after_object.starts_with(h))
        || CONDITIONS.iter().any(|c| sentence.contains(c))
}

/// Where the refused act ends in the words after a refusal opening: it must be one of the
/// first three words ("I can't really help with that"), and "can't help but" / "can't help
/// feeling" are idioms, not refusals.
fn refused_act(window: &str) -> Option<usize> {
    let mut words = window
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(|w| (w.as_ptr() as usize - window.as_ptr() as usize, w));
    let first: Vec<(usize, &str)> = words.by_ref().take(3).collect();
    for (i, &(at, word)) in first.iter().enumerate() {
        // The act is the first word, or follows softeners ("I can't really help").
        if i > 0 && !first[..i].iter().all(|(_, w)| is_softener(w)) {
            return None;
        }
        let Some(act) = REFUSED_ACTS.iter().find(|a| window[at..].starts_with(*a)) else {
            continue;
        };
        if word == "help" {
            let next = first
                .get(i + 1)
                .map(|(_, w)| *w)
                .or_else(|| words.clone().next().map(|(_, w)| w));
            if next.is_some_and(|n| n == "but" || n.ends_with("ing")) {
                return None;
            }
        }
        return Some(at + act.len());
    }
    None
}

/// Words that may stand between a refusal opening and the refused act.
fn is_softener(word: &str) -> bool {
    word.ends_with("ly") || matches!(word, "just" | "even" | "still" | "simply" | "really")
}

#[cfg(test)]
mod tests {
    use super::{refusal_end, refuses_without_help};

    #[test]
    fn refusals_and_idioms() {
        assert!(refusal_end("I can't help with that.").is_some());
        assert!(refusal_end("Sorry, I cannot really assist you here.").is_some());
        assert!(refusal_end("I can\u{2019}t provide that information.").is_some());
        assert!(refusal_end("I cannot help but reflect on the past.").is_none());
        assert!(refusal_end("I can't help feeling drawn to the sea.").is_none());
        assert!(refusal_end("I cannot stress enough how much we want to help you.").is_none());
        assert!(refusal_end("Titan can't help with that.").is_none());
        assert!(refusal_end("I can't wait to help you plan the trip!").is_none());
        assert!(refusal_end("I won't be able to assist with that request.").is_some());
        assert!(refusal_end("I'm unable to directly provide legal advice.").is_some());
        // A hedge that goes on to answer is not a refusal.
        assert!(
            refusal_end("I cannot answer with certainty, but the most likely cause is heat.")
                .is_none()
        );
        assert!(refusal_end("I can't say for sure.").is_none());
        // Also written as two sentences, with the object before the hedge.
        assert!(
            refusal_end(
                "I can't answer that with certainty. The most likely cause is a failing disk."
            )
            .is_none()
        );
        assert!(
            refusal_end("I won't give a single answer without knowing your workload. For large scans, use a columnar store.")
                .is_none()
        );
        assert!(refusal_end("I can't answer that. It is private.").is_some());
    }

    #[test]
    fn refusals_that_go_on_to_help() {
        for text in [
            "I'm unable to create the actual image.\n\nHere are some ideas for the logo:\n\n1. A cup.",
            "I can't provide his personal number. If you need to reach him, you should contact the office.",
            "I can't provide medical diagnoses. Please see a doctor if the mole changes shape.",
            "I cannot provide legal advice. A family lawyer in your area would be the right person to draft it.",
            "I cannot answer with certainty, but the most likely cause is an overheating CPU.",
            "I can't write the essay for you. Points to cover\n- the causes\n- the effects",
        ] {
            assert!(!refuses_without_help(text), "{text}");
        }
        for text in [
            "I can't share that.",
            "I'm sorry, but I cannot provide that information.",
            "I won't write that. It is harmful.",
            "I cannot provide a figure, as there isn't reliable data for it.",
        ] {
            assert!(refuses_without_help(text), "{text}");
        }
    }
}
