//! D003 split-leak.

use std::collections::{HashMap, HashSet};

use crate::dataset::{DatasetContext, SplitGroup};
use crate::declare_rule;
use crate::dedup::search;
use crate::dedup::texts::{COMPARE_TEXTS, CompareTexts};
use crate::diagnostic::{FileId, Related};
use crate::json::Parser;
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports an example of a validation or test split that duplicates an example of its
    /// training split: exactly (as D001: identical after JSON canonicalisation, confirmed in
    /// full) or nearly (as D002: the `dedup.field` text at least `dedup.threshold` similar,
    /// about the same media). The finding is on the evaluation example and names the training
    /// example: an exact copy wherever the training split has one (in any of its shards, the
    /// first in path order), and only otherwise the near copy found.
    ///
    /// Splits are the files of one directory named as Hugging Face `datasets` names them:
    /// `train` or `training`, and `validation`, `valid`, `dev`, `val`, `test`, `testing`,
    /// `eval` or `evaluation` (`train.jsonl` with `valid.jsonl`, say). The split word may
    /// sit anywhere in a name, between `-`, `_`, `.`, a space or a digit, and the rest of
    /// the name is the dataset's, which pairs with the splits of the same name
    /// (`gsm8k_train.jsonl` with `gsm8k_test.jsonl`, or `train.gsm8k.jsonl`); a number
    /// beside the split word numbers a part (`train_0.jsonl`, `train_1.jsonl`). Hugging
    /// Face shards count as their split (`train-00000-of-00002.jsonl` with
    /// `test-00000-of-00001.jsonl`, or `train-00000-of-00001-5d9a3f2a.parquet` as
    /// `push_to_hub` named them). Files in subdirectories named as splits (`train/`,
    /// `test/`) are splits of the directory above. The split word must be whole:
    /// `trainer.jsonl` and `contest.jsonl` are not splits. The groups listed under
    /// `[[datasets]]` in the configuration are splits too; both sides must be linted in the
    /// same run.
    /// The similarity settings are D002's, under `[dedup]`. An explicit group:
    ///
    /// ```toml
    /// [[datasets]]
    /// name = "support"
    /// train = ["data/train.jsonl"]
    /// valid = ["data/holdout.jsonl"]
    /// ```
    ///
    /// ## Why is this bad?
    /// An evaluation example the model has trained on measures memory, not skill: leakage
    /// silently inflates validation loss and test scores, so a model looks better than it
    /// is and the numbers used to choose between runs, epochs or checkpoints are wrong.
    ///
    /// ## Example
    /// ```jsonl,invalid,split
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// ---
    /// {"messages": [{"role": "user", "content": "How do I reset my pasword?"}, {"role": "assistant", "content": "Use the Forgot password link when you sign in."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,split
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// ---
    /// {"messages": [{"role": "user", "content": "Why was my card declined at checkout?"}, {"role": "assistant", "content": "Usually the bank blocked it; try again or call them."}]}
    /// ```
    pub static SPLIT_LEAK = {
        code: "D003",
        name: "split-leak",
        level: Warning,
        summary: "a validation or test example duplicates, exactly or nearly, a training example",
    };
}

/// Runs on the dataset's split groups, from the records' hashes and compared texts.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&COMPARE_TEXTS],
};

fn check(ctx: &mut DatasetContext<'_>) {
    let splits = ctx.splits;
    for group in splits {
        check_group(ctx, group);
    }
}

fn check_group(ctx: &mut DatasetContext<'_>, group: &SplitGroup) {
    let facts = ctx.facts;
    let mut parser = Parser::new();
    let empty = CompareTexts::default();
    // Each training file: its records by hash, its texts, and their index (built once).
    let trains: Vec<_> = group
        .train
        .iter()
        .map(|&train| {
            let train_facts = &facts[train as usize];
            let mut by_hash: HashMap<u64, usize> = HashMap::new();
            // A record without a hash is equal to no other (see `Item::hashed`).
            for (i, item) in train_facts.items.iter().enumerate() {
                if item.hashed {
                    by_hash.entry(item.hash).or_insert(i);
                }
            }
            let texts = train_facts.get::<CompareTexts>().unwrap_or(&empty);
            (train, by_hash, texts, search::Against::new(texts))
        })
        .collect();
    for &eval in &group.eval {
        if !ctx.settings(eval).enabled(Code::D003) {
            continue;
        }
        let eval_facts = &facts[eval as usize];
        // Records already reported: one finding per evaluation example, naming the first
        // training file (in path order) that has an exact copy of it, or else the first
        // that has a near one.
        let mut done = vec![false; eval_facts.items.len()];
        // Training records already reported on (--diff-base: a new one leaking an old
        // evaluation example), once each.
        let mut swapped = HashSet::new();
        // Exact copies first, in every training file (a split's shards are one dataset): an
        // exact leak is reported as one, naming the copy, whichever shard holds it, and
        // never as a near copy of another line found in an earlier shard.
        for (train, by_hash, _, _) in &trains {
            let train = *train;
            if eval == train {
                continue;
            }
            let train_facts = &facts[train as usize];
            for (e, item) in eval_facts.items.iter().enumerate() {
                let Some(&t) = by_hash.get(&item.hash).filter(|_| item.hashed) else {
                    continue;
                };
                if done[e] {
                    continue;
                }
                let same = super::canonical_at(ctx, &mut parser, eval, item.offset)
                    .zip(super::canonical_at(
                        ctx,
                        &mut parser,
                        train,
                        train_facts.items[t].offset,
                    ))
                    .is_some_and(|(a, b)| a == b);
                if same {
                    done[e] = true;
                    leak(ctx, &mut swapped, (eval, e), (train, t), None);
                }
            }
        }
        for (train, _, train_texts, against) in &trains {
            let train = *train;
            if eval == train {
                continue;
            }
            let Some(eval_texts) = eval_facts.get::<CompareTexts>() else {
                continue;
            };
            if train_texts.is_empty() {
                continue;
            }
            let options = search::Options::new(&ctx.settings(eval).dedup, ctx.threads);
            let found = against.find(eval_texts, &options, |t| done[eval_texts.owner[t] as usize]);
            // The same question about another image is no leak.
            for f in found
                .into_iter()
                .filter(|f| eval_texts.same_media(f.text, train_texts, f.of))
            {
                let record = eval_texts.owner[f.text as usize] as usize;
                done[record] = true;
                let t = train_texts.owner[f.of as usize] as usize;
                leak(
                    ctx,
                    &mut swapped,
                    (eval, record),
                    (train, t),
                    Some(f.similarity),
                );
            }
        }
    }
}

/// Reports evaluation record `eval` as a copy (`similarity` for a near one) of training
/// record `train`. With --diff-base, when the training record is new and the evaluation one
/// is not, the finding is the new training record's, naming the evaluation example it leaks
/// (once per training record).
fn leak(
    ctx: &mut DatasetContext<'_>,
    swapped: &mut HashSet<(FileId, usize)>,
    eval: (FileId, usize),
    train: (FileId, usize),
    similarity: Option<f64>,
) {
    let pct = similarity.map(super::near_duplicate::floor_pct);
    let on_train = ctx.is_new(train.0, train.1) && !ctx.is_new(eval.0, eval.1);
    if on_train && !swapped.insert(train) {
        return;
    }
    let ((here, index), (other, other_index), whose) = if on_train {
        (train, eval, "evaluation")
    } else {
        (eval, train, "training")
    };
    let line = ctx.facts[other as usize].items[other_index].line;
    let place = ctx.place_of(here, other, other_index);
    let (copy, related) = match pct {
        None => (
            format!("exact copy of {whose} example {place}"),
            format!("{whose} example"),
        ),
        Some(p) => (
            format!("near copy of {whose} example {place} ({p:.1}% similar)"),
            format!("{whose} example, {p:.1}% similar"),
        ),
    };
    // A near copy is judged on the compared text: pointed at there.
    let at = if pct.is_some() {
        ctx.locate_compared(here, index)
    } else {
        ctx.facts[here as usize].items[index].location(here)
    };
    let other_hash = ctx.record_hash(other, other_index);
    ctx.report_at(
        Code::D003,
        index,
        at,
        crate::rule::Level::Error,
        format!("{copy}; evaluation scores would count it as learned"),
        Some(Related {
            file: other,
            line,
            message: related,
            fingerprint: other_hash,
        }),
    );
}
