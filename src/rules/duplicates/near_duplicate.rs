//! D002 near-duplicate.

use crate::dataset::{DatasetContext, Role};
use crate::declare_rule;
use crate::dedup::search;
use crate::dedup::texts::{COMPARE_TEXTS, CompareTexts};
use crate::diagnostic::{FileId, Related};
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports an example whose compared text is at least `dedup.threshold` similar
    /// (default 0.85) to the same text of an earlier example of the dataset that is kept, with
    /// the lesson's greedy `deduplicate()`: going down the dataset (its files in path order,
    /// each from its first line, as D001 reads a dataset), an example is kept unless it
    /// is an exact duplicate (D001) or a near-duplicate of an example kept before it. On a
    /// chain where B is similar to A and C to B, but C not to A, B is reported and C is not:
    /// once B goes, nothing C repeats is left. The finding points at the compared text (the
    /// first user message; the record, for the other fields), names the kept example, and
    /// `tunelint dedupe` removes exactly the examples D001 and D002 report.
    ///
    /// Similarity is the lesson's measure exactly: Python's
    /// `difflib.SequenceMatcher(None, a, b).ratio()`, 2·M/(|a|+|b|) over characters, with `a`
    /// the later text. The compared text is `dedup.field`: the first user message (default,
    /// as in the lesson), the assistant messages, or the whole conversation. Examples without
    /// that text are not compared, and examples that show different media (image parts, or
    /// an `images`, `videos` or `audios` column, as written) are not near-duplicates of each
    /// other: the same question about another image is another example. Both settings live
    /// under `[dedup]`, not `[rules]`:
    ///
    /// ```toml
    /// [dedup]
    /// threshold = 0.9
    /// field = "conversation"
    /// ```
    ///
    /// Preference data repeats a prompt by design: one record per pair of sampled answers
    /// (`chosen`/`rejected`, `preferred_output`/`non_preferred_output`), or per labelled
    /// answer (KTO). Two preference records are near-duplicates only when, besides the
    /// compared text, every other message is alike too, each compared on its own, every
    /// answer included: the same roles in the same places (the chosen answer against the
    /// chosen one, the rejected against the rejected, a desirable KTO answer never against
    /// an undesirable one), and each pair of messages sharing at least half of its word
    /// 3-grams (estimated from 32 MinHash values, in the index's way). A text of fewer than
    /// three words is alike only to the same words (words read without their case and
    /// the punctuation around them: `Paris` and `paris.` are alike), so a one-word answer
    /// that differs (`Apple` or `Peach`) makes two records different however alike the
    /// rest. The
    /// records are compared as read, so the order of their keys, their white space and
    /// their escapes do not change a verdict. The finding gives the compared text's
    /// similarity and says the answers were alike too.
    ///
    /// Candidate pairs come from a MinHash index of character 3-grams (16 bands of 2 hashes
    /// for loosely alike texts, 8 bands of 4 and 4 bands of 8 for closely alike ones, which
    /// keep templated data's crowded buckets from hiding a copy far from its source), so a
    /// million examples take a minute instead of the lesson's quadratic years; each reported
    /// pair's similarity is computed exactly. At most 32 candidates per example
    /// are checked, best first, which keeps templated data fast, and the first of them that is
    /// kept and similar enough is named (a candidate that was itself dropped stands for the
    /// kept example it repeats, so a cluster of near copies keeps about what the lesson
    /// keeps); measured recall against comparing every pair is in the README. The index
    /// finds pairs by the 3-grams they share, so it misses most where they share fewest: a
    /// pair just at the threshold (a few in a hundred of those within a point of it), a
    /// short text with a character changed (a quarter of nine-character ones), and, with
    /// `threshold` set low (under about 0.6), pairs that the lesson's measure calls alike but
    /// that share few 3-grams (different case and separators throughout). `tunelint dedupe
    /// --exhaustive` compares every example with every kept one instead: the lesson's loop
    /// and its exact answer, in quadratic time.
    ///
    /// With `--context dataset` (the pre-commit hooks), the named files' examples get the
    /// findings a run over the whole dataset gives them, naming the same examples (the files
    /// read as context keep their place in the dataset's order), and only they are reported;
    /// the rest of the dataset is searched only as far as their verdicts need (whether an
    /// example of the rest that a named one resembles is kept), so the hook does not pay for
    /// the whole dataset's search.
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
        summary: "compared text at least `dedup.threshold` similar to an earlier example's",
    };
}

/// Runs on the dataset, from the compared texts of every record.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&COMPARE_TEXTS],
};

fn check(ctx: &mut DatasetContext<'_>) {
    for files in ctx.datasets_enabling(Code::D002) {
        // Files of one dataset with different `[dedup]` settings cannot share one search:
        // each set of settings searches its own files.
        let mut parts: Vec<Vec<FileId>> = Vec::new();
        for f in files {
            let dedup = &ctx.settings(f).dedup;
            match parts
                .iter_mut()
                .find(|p| ctx.settings(p[0]).dedup == *dedup)
            {
                Some(p) => p.push(f),
                None => parts.push(vec![f]),
            }
        }
        for part in parts {
            check_dataset(ctx, &part);
        }
    }
}

/// D002 over the files of one dataset, as if they were one file in file order.
fn check_dataset(ctx: &mut DatasetContext<'_>, files: &[FileId]) {
    let settings = ctx.settings(files[0]);
    let all = ctx.facts;
    let parts: Vec<&CompareTexts> = files
        .iter()
        .filter_map(|&f| all[f as usize].get::<CompareTexts>())
        .collect();
    if parts.len() != files.len() {
        return;
    }
    // Where each file's records start in the joined numbering.
    let mut bases = Vec::with_capacity(files.len());
    let mut next = 0;
    for part in &parts {
        bases.push(next);
        next += part.records();
    }
    let record = |global: u32| -> (FileId, usize) {
        let global = global as usize;
        let k = bases.partition_point(|&b| b <= global) - 1;
        (files[k], global - bases[k])
    };
    // Exact duplicates are D001's: neither compared nor kept, unless D001 is off.
    let copies = super::exact_duplicate::first_copies(ctx, files);
    let exact: Vec<bool> = files
        .iter()
        .zip(&copies)
        .flat_map(|(&f, c)| {
            let d001 = ctx.settings(f).enabled(Code::D001);
            c.iter().map(move |c| d001 && c.is_some())
        })
        .collect();
    let options = search::Options::new(&settings.dedup, ctx.threads);
    let threshold = settings.dedup.threshold;
    let joined;
    let texts: &CompareTexts = if let [one] = parts[..] {
        one
    } else {
        joined = CompareTexts::concat(&parts);
        &joined
    };
    if texts.len() < 2 {
        return;
    }
    let skip = |t: usize| exact[texts.owner[t] as usize];
    // --context dataset: only the named files' findings are reported, and they are those of
    // the whole dataset's search; it is run as far as they need (the pre-commit hook on one
    // staged shard does not pay for the whole dataset). With --diff-base, a new record may be
    // reported for an old one after it: every pair counts.
    let context = files
        .iter()
        .any(|&f| ctx.files[f as usize].role == Role::Context);
    let found = if context && ctx.new_records.is_none() {
        let judged: Vec<bool> = files
            .iter()
            .zip(&parts)
            .flat_map(|(&f, p)| {
                let judged = ctx.files[f as usize].role == Role::Judged;
                std::iter::repeat_n(judged, p.records())
            })
            .collect();
        let wanted = |t: usize| judged[texts.owner[t] as usize];
        search::within_some(texts, &options, skip, &wanted)
    } else {
        search::within(texts, &options, skip)
    };
    // (text, of, similarity, of preference records) with record numbers of the joined
    // dataset.
    let found: Vec<(u32, u32, f64, bool)> = found
        .into_iter()
        .filter(|f| alike(texts, f.text, texts, f.of))
        .map(|f| {
            (
                texts.owner[f.text as usize],
                texts.owner[f.of as usize],
                f.similarity,
                texts.is_preference(f.text) && texts.is_preference(f.of),
            )
        })
        .collect();
    let plain_text = parts.iter().any(|p| p.plain_text);
    let field = match settings.dedup.field {
        _ if plain_text => "text",
        crate::settings::DedupField::User => "first user message",
        crate::settings::DedupField::Assistant => "assistant messages",
        crate::settings::DedupField::Conversation => "conversation",
    };
    // With --diff-base, a new example near an old one is reported on the new one, naming
    // the old one, whichever comes first; each record is reported once.
    let mut reported = std::collections::HashSet::new();
    for (text, of, similarity, preference) in found {
        let mut here = record(text);
        let mut of = record(of);
        if ctx.is_new(of.0, of.1) && !ctx.is_new(here.0, here.1) {
            std::mem::swap(&mut here, &mut of);
        }
        // A file read as context reports nothing (`dataset::Role`).
        if ctx.files[here.0 as usize].role == Role::Context || !reported.insert(here) {
            continue;
        }
        let ((file, index), (of_file, of_index)) = (here, of);
        let earlier = all[of_file as usize].items[of_index].line;
        let place = ctx.place_of(file, of_file, of_index);
        // At the compared text (the first user message), where the similarity is.
        let at = ctx.locate_compared(file, index);
        let earlier_hash = ctx.record_hash(of_file, of_index);
        // The similarity is the compared text's; a preference pair's answers were compared
        // too, each on its own, by estimate: said so, without a figure of their own.
        let answers = if preference {
            "; every answer and other message alike too"
        } else {
            ""
        };
        ctx.report_at(
            Code::D002,
            index,
            at,
            crate::rule::Level::Error,
            format!(
                "near-duplicate of the example at {place}: {field} {:.1}% similar (threshold {}%){answers}",
                floor_pct(similarity),
                (threshold * 1000.0).round() / 10.0
            ),
            Some(Related {
                file: of_file,
                line: earlier,
                message: similar(similarity),
                fingerprint: earlier_hash,
            }),
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

/// Whether the records of text `x` of `a` and text `y` of `b`, whose compared texts are
/// alike, are near-duplicates: the same media (the same question about another image is
/// another example). Preference records' answers are compared during the search
/// ([`CompareTexts::wholes_alike`]).
fn alike(a: &CompareTexts, x: u32, b: &CompareTexts, y: u32) -> bool {
    a.same_media(x, b, y)
}
