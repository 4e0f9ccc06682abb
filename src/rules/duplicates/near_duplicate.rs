//! D002 near-duplicate.

use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::dedup::index::Index;
use crate::dedup::texts::{COMPARE_TEXTS, CompareTexts};
use crate::diagnostic::{FileId, Related};
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports an example whose compared text is more similar than `dedup.threshold`
    /// (default 0.85) to the same text of an earlier example in the file. Similarity is the
    /// lesson's measure exactly: Python's `difflib.SequenceMatcher(None, a, b).ratio()`,
    /// 2·M/(|a|+|b|) over characters, with `a` the later text. The compared text is
    /// `dedup.field`: the first user message (default, as in the lesson), the assistant
    /// messages, or the whole conversation. Examples without that text, and exact
    /// duplicates (D001), are not compared. Both settings live under `[dedup]`, not
    /// `[rules]`:
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
    /// are checked, best first, which keeps templated data fast; measured recall against
    /// comparing every pair is in the README.
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
    // Exact duplicates are D001's: not compared, unless D001 is off.
    let exact: Vec<bool> = if settings.enabled(Code::D001) {
        super::exact_duplicate::first_copies(ctx, file)
            .iter()
            .map(Option::is_some)
            .collect()
    } else {
        vec![false; facts.items.len()]
    };
    let threshold = settings.dedup.threshold;
    let found = find_earlier(texts, threshold, ctx.threads, |t| {
        exact[texts.owner[t] as usize]
    });
    let field = match settings.dedup.field {
        crate::settings::DedupField::User => "first user message",
        crate::settings::DedupField::Assistant => "assistant messages",
        crate::settings::DedupField::Conversation => "conversation",
    };
    for (t, (c, ratio)) in found {
        let record = texts.owner[t] as usize;
        let earlier = facts.items[texts.owner[c as usize] as usize].line;
        ctx.report(
            Code::D002,
            file,
            record,
            format!("near-duplicate of the example at line {earlier}: {field} {:.1}% similar (threshold {}%)", floor_pct(ratio), (threshold * 1000.0).round() / 10.0),
            Some(Related { file, line: earlier, message: format!("{:.1}% similar", floor_pct(ratio)) }),
        );
    }
}

/// For each text of `texts` (by text id), an earlier text more similar than `threshold`
/// and the similarity, as D002 finds them: candidates from the index, checked exactly.
/// Texts for which `skip` is true are neither checked nor offered as matches.
pub fn find_earlier(
    facts: &CompareTexts,
    threshold: f64,
    threads: usize,
    skip: impl Fn(usize) -> bool + Sync,
) -> Vec<(usize, (u32, f64))> {
    let index = Index::with_positions(&facts.sigs);
    super::parallel_map(facts.sigs.len(), threads, |t, matcher| {
        if skip(t) {
            return None;
        }
        let mut candidates = Vec::new();
        index.earlier_candidates(t as u32, super::PER_BAND, &mut candidates);
        candidates.retain(|&c| !skip(c as usize));
        super::best_match(
            facts.text(t as u32),
            &facts.sigs[t],
            &facts.profiles[t],
            facts,
            &candidates,
            threshold,
            matcher,
        )
    })
}

/// A similarity as a percentage, rounded down so 85.04% never shows as a misleading 85.1%.
pub(crate) fn floor_pct(ratio: f64) -> f64 {
    crate::wording::floor_pct(ratio * 100.0)
}
