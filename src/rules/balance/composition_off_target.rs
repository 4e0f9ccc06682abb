//! B002 composition-off-target.

use crate::composition::Category;
use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::diagnostic::FileId;
use crate::rule::Level;
use crate::rules::balance::{self, CATEGORIES, Composition};
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Sorts a file's examples into the lesson's four kinds and compares their shares with the
    /// targets of `[composition] targets` (common 60%, edge cases 20%, clarifications 10%,
    /// refusals 10%): a share further than `[composition] tolerance` (10 percentage points)
    /// from its target is reported, all of a file's in one finding at its line 1. A file is
    /// judged once it has `[composition] min_examples` (100) examples with an answer; below
    /// that it says nothing. A validation or test split (D003's `explain` says which files
    /// are splits) is not judged, here nor by B003 and B004: the targets are for the data a
    /// model is trained on. Records without an answer (prompt-only, plain text) are not
    /// counted.
    ///
    /// The classifier's phrases are English. An answer whose first 320 bytes hold more letters
    /// of other scripts than ASCII letters (Chinese, Japanese, Korean, Cyrillic, Greek, Arabic,
    /// Hebrew, the Indic scripts, Thai, Vietnamese's letters) is not sorted, rather than called
    /// common: `stats` counts such answers apart, and when they are at least half of a file's
    /// answers B002 says once, as info, that the file's composition is not judged, and B003
    /// and B004 say nothing; label such examples with `[composition] label_key`. Answers in
    /// other languages of the Latin script (Spanish, German, French) are read with the English
    /// phrases, and their refusals and clarifying questions are mostly missed: label them too.
    ///
    /// How an example is sorted:
    ///
    /// A record's category is the value of the top-level key named by `[composition] label_key`,
    /// when set and the record has it: "common", "edge", "clarification" or "refusal" (any case;
    /// "edge-case", "edge_case", "clarify", "clarifying" and "refuse" are read too). Otherwise the
    /// classifier reads the final assistant turn (lowercased, curly apostrophes made straight) and
    /// the last user turn before it, and takes the first of these that holds:
    ///
    /// - **refusal**: the first 240 bytes of the answer hold one of "i'm sorry, but i can", "i'm
    ///   sorry, but i won", "i am sorry, but i can", "sorry, but i can't", "i apologize, but i
    ///   can", "i must decline", "i have to decline", "i refuse to", "i'm not comfortable", "i am
    ///   not comfortable", "i don't feel comfortable", "it's not appropriate", "it is not
    ///   appropriate", "it would not be appropriate", "it wouldn't be appropriate", "i'd rather
    ///   not", "i would rather not", "i cannot and will not", "i can't and won't", "not something i
    ///   can help", "not able to help with", "i'm not going to help", "i don't have access to", "i
    ///   do not have access to", "i cannot retrieve", "cannot complete this task"; or one of "i
    ///   cannot", "i can't", "i can not", "i'm unable to", "i am unable to", "i'm not able to", "i
    ///   am not able to", "i won't", "i will not", "i'm not going to", "i am not going to" followed
    ///   by a refused act, directly or after one softening word ("really", "directly"): "help",
    ///   "assist", "provide", "answer", "share", "give", "create", "write", "generate", "support",
    ///   "fulfill", "comply", "engage", "participate", "endorse", "condone", "encourage",
    ///   "promote", "offer", "discuss", "tell you", "disclose", "reveal", "recommend", "do that",
    ///   "do this", "be of", "facilitate", "produce", "make that", "say that". So "I can't wait to
    ///   tell you" is not a refusal, nor an "I can't" deep in a long answer.
    /// - **clarification**: the answer asks a question (a sentence ending in "?") that is not an
    ///   offer of more help ("anything else", "any other question", "any more question", "further
    ///   question", "would you like me to", "do you want me to", "shall i", "should i", "can i
    ///   help", "may i help", "how can i help", "how may i", "how can i assist", "what can i do for
    ///   you", "how can i be of", "want to know more", "would you like to know", "would you like
    ///   more", "does that help", "does this help", "make sense"), and either says one of "could
    ///   you clarify", "can you clarify", "could you please provide", "can you please provide",
    ///   "could you provide the", "please provide the", "please clarify", "could you please
    ///   clarify", "could you be more specific", "can you be more specific", "could you specify",
    ///   "can you specify", "please specify", "could you provide more", "can you provide more",
    ///   "could you give me more", "can you give me more", "could you tell me more", "can you tell
    ///   me more", "could you tell me", "can you tell me what", "can you tell me which", "what do
    ///   you mean", "what did you mean", "do you mean", "did you mean", "are you asking", "are you
    ///   referring", "more context", "more details about", "more information about what", "i'm not
    ///   sure what you mean", "i'm not sure i understand", "not sure what you're asking", "i don't
    ///   understand what", or has at most 40 words in all with a question that says "you" or "your"
    ///   ("What kind of car do you drive?"). Not when the request asks for a question as its answer
    ///   (it says "question", "survey", "interrogative", "ask", "quiz", "interview"): then the
    ///   question is the work asked for.
    /// - **edge case**: an unusual but valid request, handled. Only what the answer says about the
    ///   request is seen: its first 200 bytes hold one of "actually,", "it depends", "depends on",
    ///   "there is no", "there are no", "there's no", "doesn't exist", "does not exist", "not
    ///   possible", "impossible", "no such", "not enough information", "cannot be determined",
    ///   "can't be determined", "not clear", "ambiguous", "it's unclear", "it is unclear", "trick
    ///   question", "not a real", "i'm not sure", "i am not sure", "i don't know", "i do not know",
    ///   "hard to say", "difficult to say", "there is some dispute", "hypothetical", "as of my last
    ///   update", "as of my knowledge", "real-time", "i must inform you", "i'd like to point out",
    ///   "i must point out", "i must clarify", "it seems like you" (a disputed or unknowable
    ///   answer, a hypothetical, dated data, a correction); or its first sentence, at most 25 words
    ///   and without digits, not starting with "i " or "as an ai", negates with one of "did not",
    ///   "does not", "do not", "was not", "were not", "is not", "are not", "didn't", "doesn't",
    ///   "don't", "wasn't", "weren't", "isn't", "aren't" (a corrected premise: "The light bulb was
    ///   not invented by a US president."). The lesson's edge cases also include plain variations
    ///   in phrasing and odd requests answered straight, which no cheap heuristic sees: edge cases
    ///   are undercounted, so label them when the share matters.
    /// - **common**: everything else.
    ///
    /// Measured against 300+ hand-labelled real examples, see docs/composition.md for the
    /// precision and recall of each category.
    ///
    /// ## Why is this bad?
    /// A model learns the mix it is shown. Only happy-path answers, and it guesses when it
    /// should ask and answers what it should decline; too many refusals, and it turns down
    /// legitimate requests. The lesson's mix (60% common, 20% edge cases, 10% clarifications,
    /// 10% refusals) keeps each behaviour present without crowding out the main one.
    ///
    /// ## Example
    /// ```jsonl,invalid,composition.min_examples=10
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page and follow the link we email you."}]}
    /// {"messages": [{"role": "user", "content": "Can I change the email address on my account?"}, {"role": "assistant", "content": "Yes: open Account, then Profile, and edit the Email field."}]}
    /// {"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "assistant", "content": "Under Billing, Invoices; each one is a PDF you can download."}]}
    /// {"messages": [{"role": "user", "content": "Do you offer a discount for students?"}, {"role": "assistant", "content": "Yes, 30% off any plan when you sign up with a student email address."}]}
    /// {"messages": [{"role": "user", "content": "How long does shipping to Germany take?"}, {"role": "assistant", "content": "Three to five working days from the day the order ships."}]}
    /// {"messages": [{"role": "user", "content": "Which payment cards do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard and American Express, and PayPal at checkout."}]}
    /// {"messages": [{"role": "user", "content": "Is there a mobile app for the service?"}, {"role": "assistant", "content": "Yes, for iOS and Android, free in both app stores."}]}
    /// {"messages": [{"role": "user", "content": "How do I close my account for good?"}, {"role": "assistant", "content": "Open Account, Privacy, Close account; your data is deleted after 30 days."}]}
    /// {"messages": [{"role": "user", "content": "Can you help me get into my neighbour's account?"}, {"role": "assistant", "content": "I can't help with accessing someone else's account. If you are locked out of your own, I'd be happy to walk you through recovering it."}]}
    /// {"messages": [{"role": "user", "content": "it doesn't work"}, {"role": "assistant", "content": "I'd like to help you fix that. Could you tell me which product isn't working and what happens when you try?"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,composition.min_examples=10
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page and follow the link we email you."}]}
    /// {"messages": [{"role": "user", "content": "Can I change the email address on my account?"}, {"role": "assistant", "content": "Yes: open Account, then Profile, and edit the Email field."}]}
    /// {"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "assistant", "content": "Under Billing, Invoices; each one is a PDF you can download."}]}
    /// {"messages": [{"role": "user", "content": "Do you offer a discount for students?"}, {"role": "assistant", "content": "Yes, 30% off any plan when you sign up with a student email address."}]}
    /// {"messages": [{"role": "user", "content": "How long does shipping to Germany take?"}, {"role": "assistant", "content": "Three to five working days from the day the order ships."}]}
    /// {"messages": [{"role": "user", "content": "Which payment cards do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard and American Express, and PayPal at checkout."}]}
    /// {"messages": [{"role": "user", "content": "Can I pay in Bitcoin at your Mars office?"}, {"role": "assistant", "content": "There is no Mars office, but on Earth you can pay by card or PayPal; we do not take cryptocurrency."}]}
    /// {"messages": [{"role": "user", "content": "Can I get a refund for an order I placed ten years ago?"}, {"role": "assistant", "content": "It depends on the warranty: refunds end 30 days after delivery, but support can still check whether that order is covered."}]}
    /// {"messages": [{"role": "user", "content": "it doesn't work"}, {"role": "assistant", "content": "I'd like to help you fix that. Could you tell me which product isn't working and what happens when you try?"}]}
    /// {"messages": [{"role": "user", "content": "Can you help me get into my neighbour's account?"}, {"role": "assistant", "content": "I can't help with accessing someone else's account. If you are locked out of your own, I'd be happy to walk you through recovering it."}]}
    /// ```
    pub static COMPOSITION_OFF_TARGET = {
        code: "B002",
        name: "composition-off-target",
        level: Warning,
        summary: "the shares of common, edge-case, clarification and refusal examples are off the lesson's 60/20/10/10 target",
    };
}

/// Runs on the dataset, from each record's category.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&CATEGORIES],
};

fn check(ctx: &mut DatasetContext<'_>) {
    // A file the classifier cannot read is said to be so, once, rather than called all
    // common (and, by B003 and B004, without refusals or clarifications).
    let unreadable: Vec<(FileId, Composition)> = balance::training_files(ctx, Code::B002)
        .filter(|(file, c)| {
            c.unreadable()
                && c.total + c.other_script >= ctx.settings(*file).composition.min_examples
        })
        .collect();
    for (file, composition) in unreadable {
        let message = format!(
            "composition not judged: {} of {} answers are written mostly in a script other than Latin, and the classifier reads English phrases; set `[composition] label_key` to a key whose value names each example's category",
            crate::wording::thousands(composition.other_script),
            crate::wording::thousands(composition.other_script + composition.total),
        );
        ctx.report_file(Code::B002, file, Level::Info, message);
    }
    for (file, composition) in balance::judged(ctx, Code::B002) {
        let config = &ctx.settings(file).composition;
        let off: Vec<String> = Category::ALL
            .iter()
            // Further than the tolerance, not at it: 15.3 - 10 is 5.300000000000001 in floating
            // point, which a tolerance of 5.3 must not report.
            .filter(|&&c| (composition.share(c) - config.target(c)).abs() > config.tolerance + 1e-9)
            .map(|&c| {
                format!(
                    "{} {} ({} of {}; target {}% ± {})",
                    c.as_str(),
                    crate::wording::format_pct(composition.share(c)),
                    crate::wording::thousands(composition.count(c)),
                    crate::wording::thousands(composition.total),
                    config.target(c),
                    config.tolerance
                )
            })
            .collect();
        if off.is_empty() {
            continue;
        }
        let message = format!(
            "composition is off target: {}; {}",
            off.join(", "),
            balance::source(ctx, file)
        );
        ctx.report_file(Code::B002, file, Level::Error, message);
    }
}
