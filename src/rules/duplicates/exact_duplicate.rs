//! D001 exact-duplicate.

use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::diagnostic::{FileId, Related};
use crate::json::Parser;
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports an example identical to an earlier example of the same file after JSON
    /// canonicalisation: key order, whitespace and the spelling of escapes (`é` or `\u00e9`)
    /// do not matter, and numbers compare by their exact decimal value, whatever their
    /// spelling: `100`, `100.0`, `1e2` and `1E+2` are one number, and `-0` is `0` (as in
    /// Python, where `-0.0 == 0`). Numbers are never rounded to a float first, so
    /// `9007199254740993` and `9007199254740992`, or `1e999` and `1e998`, stay different even
    /// though a float holds neither exactly. The finding is on the later copy and names the
    /// first. Records are fingerprinted by a hash of their canonical
    /// form; two records with equal hashes are read again and compared in full before
    /// anything is reported, so a hash collision can never produce a false report.
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
    let files: Vec<FileId> = ctx.files_enabling(Code::D001).map(|(f, _)| f).collect();
    for file in files {
        for (i, first) in first_copies(ctx, file).into_iter().enumerate() {
            let Some(first) = first else { continue };
            let first_line = ctx.facts[file as usize].items[first].line;
            ctx.report(
                Code::D001,
                file,
                i,
                format!("exact duplicate of the example at line {first_line}"),
                Some(Related {
                    file,
                    line: first_line,
                    message: "first occurrence".into(),
                }),
            );
        }
    }
}

/// For each record of `file`, the earlier record it is identical to: same canonical hash,
/// confirmed on the canonical text of both lines read again.
pub fn first_copies(ctx: &DatasetContext<'_>, file: FileId) -> Vec<Option<usize>> {
    let items = &ctx.facts[file as usize].items;
    let mut copies = vec![None; items.len()];
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    order.sort_unstable_by_key(|&i| (items[i as usize].hash, i));
    let mut parser = Parser::new();
    let mut start = 0;
    while start < order.len() {
        let hash = items[order[start] as usize].hash;
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| items[i as usize].hash == hash)
                .count();
        if end - start > 1 {
            // First occurrences of each distinct record in this hash bucket, confirmed by text.
            let mut firsts: Vec<(u32, String)> = Vec::new();
            for &i in &order[start..end] {
                let item = &items[i as usize];
                let Some(canonical) = super::canonical_at(ctx, &mut parser, file, item.offset)
                else {
                    continue;
                };
                match firsts.iter().find(|(_, c)| *c == canonical) {
                    Some(&(first, _)) => copies[i as usize] = Some(first as usize),
                    None => firsts.push((i, canonical)),
                }
            }
        }
        start = end;
    }
    copies
}
