//! D002 near-duplicate.

use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::dedup::search;
use crate::dedup::texts::{COMPARE_TEXTS, CompareTexts};
use crate::diagnostic::{FileId, Related};
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports an example whose compared text is more similar than `dedup.threshold`
    /// (default 0.85) to the same text of an earlier example of the file that is kept, with
    /// the lesson's greedy `deduplicate()`: going down the file, an example is kept unless it
    /// is an exact duplicate (D001) or a near-duplicate of an example kept before it. On a
    /// chain where B is similar to A and C to B, but C not to A, B is reported and C is not:
    /// once B goes, nothing C repeats is left. The finding names the kept example, and
    /// `tunelint dedupe` removes exactly the examples D001 and D002 report.
    ///
    /// Similarity is the lesson's measure exactly: Python's
    /// `difflib.SequenceMatcher(None, a, b).ratio()`, 2·M/(|a|+|b|) over characters, with `a`
    /// the later text. The compared text is `dedup.field`: the first user message (default,
    /// as in the lesson), the assistant messages, or the whole conversation. Examples without
    /// that text are not compared. Both settings live under `[dedup]`, not `[rules]`:
    ///
    /// ```toml
    /// [dedup]
    /// threshold = 0.9
    /// field = "conversation"
    /// ```
    ///
    /// Candidate pairs come from a MinHash index of character 3-grams (16 bands of 2
    /// hashes), so a million examples take seconds instead of the lesson's quadratic years;
    /// each reported pair's similarity is computed exactly. At most 32 candidates per example
    /// are checked, best first, which keeps templated data fast, and the first of them that is
    /// kept and similar enough is named; measured recall against comparing every pair is in
    /// the README. `tunelint dedupe --exhaustive` compares every example with every kept one
    /// instead: the lesson's loop and its exact answer, in quadratic time.
    ///
    /// ## Why is this bad?
    /// Near-copies (a typo fixed, a word swapped) add little the model has not seen and tilt
    /// the data towards whatever was copied most. The lesson's checklist asks for no
    /// duplicates above 85% similarity.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// {"messages": [{"role": "user", "content": "How do I reset my pasword?"}, {"role": "assistant", "content": "Use the Forgot password link when you sign in."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// {"messages": [{"role": "user", "content": "Why was my card declined at checkout?"}, {"role": "assistant", "content": "Usually the bank blocked it; try again or call them."}]}
    /// ```
    ///
    pub static NEAR_DUPLICATE = {
        code: "D002",
        name: "near-duplicate",
        level: Warning,
        summary: "compared text more similar than `dedup.threshold` to an earlier example's",
    };
}

/// Runs on the dataset, from the compared texts of every record.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&COMPARE_TEXTS],
};

fn check(ctx: &mut DatasetContext<'_>) {
    let files: Vec<FileId> = ctx.files_enabling(Code::D002).map(|(f, _)| f).collect();
    for file in files {
        check_file(ctx, file);
    }
}

fn check_file(ctx: &mut DatasetContext<'_>, file: FileId) {
    let settings = ctx.settings(file);
    let all = ctx.facts;
    let facts = &all[file as usize];
    let Some(texts) = facts.get::<CompareTexts>() else {
        return;
    };
    if texts.len() < 2 {
        return;
    }
    // Exact duplicates are D001's: neither compared nor kept, unless D001 is off.
    let exact: Vec<bool> = if settings.enabled(Code::D001) {
        super::exact_duplicate::first_copies(ctx, file)
            .iter()
            .map(Option::is_some)
            .collect()
    } else {
        vec![false; facts.items.len()]
    };
    let threshold = settings.dedup.threshold;
    let options = search::Options::new(&settings.dedup, ctx.threads);
    let found = search::within(texts, &options, |t| exact[texts.owner[t] as usize]);
    let field = match settings.dedup.field {
        _ if texts.plain_text => "text",
        crate::settings::DedupField::User => "first user message",
        crate::settings::DedupField::Assistant => "assistant messages",
        crate::settings::DedupField::Conversation => "conversation",
    };
    for f in found {
        let record = texts.owner[f.text as usize] as usize;
        let earlier = facts.items[texts.owner[f.of as usize] as usize].line;
        ctx.report(
            Code::D002,
            file,
            record,
            format!("near-duplicate of the example at line {earlier}: {field} {:.1}% similar (threshold {}%)", floor_pct(f.similarity), (threshold * 1000.0).round() / 10.0),
            Some(Related { file, line: earlier, message: similar(f.similarity) }),
        );
    }
}

/// `98.1% similar`: how a D002 finding's related location, and `dedupe --dry-run`, say it.
pub fn similar(ratio: f64) -> String {
    format!("{:.1}% similar", floor_pct(ratio))
}

/// A similarity as a percentage, rounded down so 85.04% never shows as a misleading 85.1%.
pub(crate) fn floor_pct(ratio: f64) -> f64 {
    crate::wording::floor_pct(ratio * 100.0)
}
