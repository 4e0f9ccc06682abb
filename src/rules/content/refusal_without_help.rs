//! C004 refusal-without-help.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports an assistant refusal that offers no alternative.
    pub static REFUSAL_WITHOUT_HELP = {
        code: "C004",
        name: "refusal-without-help",
        level: Warning,
        summary: "assistant refuses (\"I cannot\", \"I can't help\") and offers no alternative",
    };
}

/// Refusal openings, lowercase with straight apostrophes.
const REFUSALS: &[&str] = &[
    "i cannot ",
    "i can't ",
    "i can not ",
    "i'm unable to ",
    "i am unable to ",
    "i'm not able to ",
    "i am not able to ",
    "i won't ",
    "i will not ",
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

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if message.role != Role::Assistant || !ctx.enabled(Code::C004) {
        return;
    }
    let text = message.content.joined_text();
    let lower: String = text.to_lowercase().replace('\u{2019}', "'");
    let Some(after) = refusal_end(&lower) else {
        return;
    };
    let rest = &lower[after..];
    if ALTERNATIVES.iter().any(|a| rest.contains(a)) {
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

/// The byte offset just after the first refusal phrase and its refused act, if any.
fn refusal_end(lower: &str) -> Option<usize> {
    for opening in REFUSALS {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(opening) {
            let start = from + pos;
            let at_word_start =
                start == 0 || !lower[..start].ends_with(|c: char| c.is_alphanumeric());
            let tail_start = start + opening.len();
            let tail: &str = &lower[tail_start..];
            let window_end = tail.char_indices().nth(40).map_or(tail.len(), |(i, _)| i);
            let window = &tail[..window_end];
            if at_word_start {
                if let Some(act) = REFUSED_ACTS
                    .iter()
                    .filter_map(|a| window.find(a).map(|p| p + a.len()))
                    .min()
                {
                    return Some(tail_start + act);
                }
            }
            from = tail_start;
        }
    }
    None
}
