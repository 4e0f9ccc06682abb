//! D001 exact-duplicate.

use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::diagnostic::{FileId, Related};
use crate::json::Parser;
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports an example identical to an earlier example of the same dataset after JSON
    /// canonicalisation: key order, whitespace and the spelling of escapes (`é` or `\u00e9`)
    /// do not matter, and numbers compare by their exact decimal value, whatever their
    /// spelling: `100`, `100.0`, `1e2` and `1E+2` are one number, and `-0` is `0` (as in
    /// Python, where `-0.0 == 0`). Numbers are never rounded to a float first, so
    /// `9007199254740993` and `9007199254740992`, or `1e999` and `1e998`, stay different even
    /// though a float holds neither exactly. The finding is on the later copy and names the
    /// first. Records are fingerprinted by a hash of their canonical
    /// form; two records with equal hashes are read again and compared in full before
    /// anything is reported, so a hash collision can never produce a false report. When
    /// every record is read the same way (one input, or inputs with one configuration that
    /// names the format), the canonical hash is worked out only for records that share a
    /// cheap key with another (their turns' roles, and each text's length and ends): a
    /// record with a key of its own equals no other.
    ///
    /// A dataset is one file, or the files that hold one split of a dataset, read as one
    /// file in path order (their paths from the project root, as SARIF names them, however
    /// they are spelt on the command line): a directory's Hugging Face shards (`train-00000-of-00004.jsonl`,
    /// `train-00001-of-00004.jsonl`, or `data-00000-of-00002.jsonl` with its siblings), the
    /// files of one split named as D003 reads names (`gsm8k_train.jsonl` with
    /// `gsm8k_train-00001-of-00002.jsonl`, or every file under `train/`), and each list
    /// (`train`, `valid`, `test`) of a `[[datasets]]` group. A copy in another file is named
    /// by path and line (`data/train-00000-of-00002.jsonl:17`). Other files of a directory
    /// are datasets of their own, and different splits are not compared here: an evaluation
    /// example that repeats a training one is D003's. With `--context dataset` (the
    /// pre-commit hooks), the files read as context keep their place in that order: a named
    /// file's example is reported when it repeats an earlier one, as in a run over the whole
    /// dataset, and the first copy is not.
    ///
    /// ## Why is this bad?
    /// A repeated example is trained on twice: it weighs double in the loss, the model
    /// over-fits to it, and it costs tokens without teaching anything new. Duplicates usually
    /// come from merging exports or re-running a generation script.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// {"messages": [{"content": "How do I reset my password?", "role": "user"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// {"messages": [{"role": "user", "content": "Can I change the email on my account?"}, {"role": "assistant", "content": "Yes, under Account, Profile, Email."}]}
    /// ```
    pub static EXACT_DUPLICATE = {
        code: "D001",
        name: "exact-duplicate",
        level: Warning,
        summary: "example identical to an earlier one after JSON canonicalisation",
    };
}

/// Runs on the dataset, from the records' canonical hashes alone.
pub const RUNS_ON: RunsOn = RunsOn::Dataset { check, facts: &[] };

fn check(ctx: &mut DatasetContext<'_>) {
    for files in ctx.datasets_enabling(Code::D001) {
        let copies = first_copies(ctx, &files);
        for (&file, copies) in files.iter().zip(copies) {
            for (i, first) in copies.into_iter().enumerate() {
                let Some(first) = first else { continue };
                let first_line = ctx.facts[first.file as usize].items[first.index].line;
                let place = ctx.place_of(file, first.file, first.index);
                let first_hash = ctx.record_hash(first.file, first.index);
                ctx.report(
                    Code::D001,
                    file,
                    i,
                    format!("exact duplicate of the example at {place}"),
                    Some(Related {
                        file: first.file,
                        line: first_line,
                        message: "first occurrence".into(),
                        fingerprint: first_hash,
                    }),
                );
            }
        }
    }
}

/// A record of one file of a dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub file: FileId,
    pub index: usize,
}

/// For each record of each of `files` (one dataset, in file order), the first record it is
/// identical to, in that order (file, then line; with `--diff-base`, records older than the
/// base first, so the new copy is the one reported): same canonical hash, confirmed on the
/// canonical text of both lines read again. `copies[k][i]` is about record `i` of `files[k]`.
pub fn first_copies(ctx: &DatasetContext<'_>, files: &[FileId]) -> Vec<Vec<Option<Record>>> {
    let items = |k: u32| &ctx.facts[files[k as usize] as usize].items;
    let mut copies: Vec<Vec<Option<Record>>> = files
        .iter()
        .map(|&f| vec![None; ctx.facts[f as usize].items.len()])
        .collect();
    // Every record that another could equal (see `Item::hashed`) as (file position,
    // index), sorted by hash then dataset order.
    let mut order: Vec<(u32, u32)> = (0..files.len() as u32)
        .flat_map(|k| {
            (0..items(k).len() as u32)
                .filter(move |&i| items(k)[i as usize].hashed)
                .map(move |i| (k, i))
        })
        .collect();
    let hash = |&(k, i): &(u32, u32)| items(k)[i as usize].hash;
    let new = |&(k, i): &(u32, u32)| ctx.is_new(files[k as usize], i as usize);
    order.sort_unstable_by_key(|r| (hash(r), new(r), *r));
    let mut parser = Parser::new();
    let mut start = 0;
    while start < order.len() {
        let h = hash(&order[start]);
        let end = start + order[start..].iter().take_while(|r| hash(r) == h).count();
        if end - start > 1 {
            // First occurrences of each distinct record in this hash bucket, confirmed by text.
            let mut firsts: Vec<(Record, String)> = Vec::new();
            for &(k, i) in &order[start..end] {
                let file = files[k as usize];
                let offset = items(k)[i as usize].offset;
                let Some(canonical) = super::canonical_at(ctx, &mut parser, file, offset) else {
                    continue;
                };
                match firsts.iter().find(|(_, c)| *c == canonical) {
                    Some(&(first, _)) => copies[k as usize][i as usize] = Some(first),
                    None => firsts.push((
                        Record {
                            file,
                            index: i as usize,
                        },
                        canonical,
                    )),
                }
            }
        }
        start = end;
    }
    copies
}
