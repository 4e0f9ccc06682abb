//! D004 benchmark-contamination.

use std::cell::RefCell;

use crate::contamination::{Benchmarks, HASH_THRESHOLD, Hit, NGRAM, Scratch};
use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role, Shape};
use crate::rules::Code;
use crate::wording::floor_pct;

declare_rule! {
    /// ## What it does
    /// Reports an example whose user turn contains an item of an evaluation benchmark: the
    /// item's question, verbatim or lightly reworded, alone or inside a longer prompt. The
    /// finding names the benchmark and the item (its number and line) and says how much of
    /// it the user turn holds. Evaluation splits are not checked (a `test` or `valid` file
    /// beside its `train` file, a `[[datasets]]` group's `valid`/`test`): they are not
    /// trained on, and evaluating on a benchmark is what its items are for.
    ///
    /// Every file is checked against built-in fingerprints of public benchmarks whose
    /// licences allow it: the 1,319 questions of GSM8K's test split
    /// (openai/grade-school-math, MIT). They are hashes of each question's word 8-grams;
    /// tunelint ships no benchmark text. Your own benchmarks, in any format tunelint reads,
    /// are listed under `[contamination]` (files or globs relative to the config file, JSONL or
    /// a `.json` array); an item's question is its record's first user turn (a `question` or
    /// `problem` string for files such as GSM8K's own). `builtins = false` leaves out the
    /// built-in fingerprints:
    ///
    /// ```toml
    /// [contamination]
    /// benchmarks = ["evals/*.jsonl"]
    /// builtins = true
    /// ```
    ///
    /// Candidates are the items that share a run of 8 words with the user turn (case and
    /// punctuation ignored; Tulu 3 decontaminated its prompts with 8-grams, GPT-3 its
    /// documents with 13-grams, which a reworded 45-word question seldom keeps). A candidate
    /// from a benchmark file is confirmed with the lesson's exact measure: at least 80% of
    /// the item's characters are matched in the user turn (difflib's matching blocks, as
    /// cosmopedia confirms its candidates), or, for what that measure does not forgive (case,
    /// punctuation), when the user turn has at least half of the item's distinct 8-grams; the
    /// finding gives both and the similarity of the two texts. A built-in item has no text to
    /// compare: it is confirmed by the 8-gram measure alone, and the finding says so.
    /// A question of fewer than 8 words is found only in a user turn of the same words.
    /// Every user turn is checked (the text of a `text` record), one finding per example.
    ///
    /// ## Why is this bad?
    /// A model trained on a benchmark's questions is scored on its memory of them: the
    /// benchmark overstates what it can do, and comparisons with models that did not see
    /// the test set are void. Fine-tuning sets are decontaminated against the benchmarks
    /// they will be evaluated on (open-r1, Tulu, SkyThought, cosmopedia all do it).
    ///
    /// ## Example
    /// ```jsonl,invalid,benchmark
    /// {"question": "A bakery sells 24 muffins each morning and 18 in the afternoon. How many muffins does it sell in a week?", "answer": "294"}
    /// ---
    /// {"messages": [{"role": "user", "content": "A bakery sells 24 muffins each morning and 18 in the afternoon. How many muffins does it sell in a week? Think step by step."}, {"role": "assistant", "content": "It sells 24 + 18 = 42 a day, so 42 x 7 = 294 muffins a week."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,benchmark
    /// {"question": "A bakery sells 24 muffins each morning and 18 in the afternoon. How many muffins does it sell in a week?", "answer": "294"}
    /// ---
    /// {"messages": [{"role": "user", "content": "A florist ties 12 roses into each bouquet. How many roses are in 9 bouquets?"}, {"role": "assistant", "content": "12 x 9 = 108 roses."}]}
    /// ```
    pub static BENCHMARK_CONTAMINATION = {
        code: "D004",
        name: "benchmark-contamination",
        level: Warning,
        summary: "a user turn contains an item of an evaluation benchmark (built-in GSM8K test, or `[contamination] benchmarks`)",
    };
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    let benchmarks: &Benchmarks = &ctx.settings.contamination;
    // An evaluation split is not trained on: a benchmark's items there (the benchmark's own
    // test file beside its training file) contaminate nothing.
    if benchmarks.is_empty() || ctx.settings.evaluation_split {
        return;
    }
    let text_record = conv.shape == Shape::Text;
    let found = SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        conv.messages
            .iter()
            .filter(|m| text_record || m.role == Role::User)
            .find_map(|m| {
                let text = m.content.joined_text();
                benchmarks
                    .find(&text, &mut scratch)
                    .map(|hit| (m.content_or_message_span(), hit))
            })
    });
    if let Some((span, hit)) = found {
        let turn = if text_record { "text" } else { "user turn" };
        ctx.report(Code::D004, span, message(benchmarks, turn, hit));
    }
}

fn message(benchmarks: &Benchmarks, turn: &str, hit: Hit) -> String {
    let item = benchmarks.item(hit.item);
    let source = &benchmarks.sources()[item.source as usize];
    let grams = floor_pct(hit.contained * 100.0);
    match (hit.covered, hit.ratio) {
        (Some(covered), Some(ratio)) => format!(
            "{turn} contains item {} of benchmark {} (line {}): {:.1}% of its characters match, {grams:.1}% of its {NGRAM}-word sequences; {:.1}% similar; evaluation scores would count it as learned",
            item.number,
            source.name,
            item.line,
            floor_pct(covered * 100.0),
            floor_pct(ratio * 100.0),
        ),
        _ => format!(
            "{turn} contains {} question {} (line {}): {grams:.1}% of its {NGRAM}-word sequences (built-in fingerprint, hash-only: no benchmark text to compare, at least {:.0}% needed); evaluation scores would count it as learned",
            source.name,
            item.number,
            item.line,
            HASH_THRESHOLD * 100.0,
        ),
    }
}
