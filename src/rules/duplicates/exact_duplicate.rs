//! D001 exact-duplicate.

use crate::dataset::{DatasetContext, FileFacts};
use crate::declare_rule;
use crate::diagnostic::{FileId, Related};
use crate::json::Parser;
use crate::rules::Code;

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

/// Reports exact duplicates in one file; returns, per item, whether it was reported (the
/// near-duplicate check then leaves it alone).
pub fn check(ctx: &mut DatasetContext<'_>, file: FileId, facts: &FileFacts) -> Vec<bool> {
    let mut flagged = vec![false; facts.items.len()];
    if !ctx.settings(file).enabled(Code::D001) {
        return flagged;
    }
    let mut order: Vec<u32> = (0..facts.items.len() as u32).collect();
    order.sort_unstable_by_key(|&i| (facts.items[i as usize].hash, i));
    let mut parser = Parser::new();
    let mut start = 0;
    while start < order.len() {
        let hash = facts.items[order[start] as usize].hash;
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| facts.items[i as usize].hash == hash)
                .count();
        if end - start > 1 {
            // First occurrences of each distinct record in this hash bucket, confirmed by text.
            let mut firsts: Vec<(u32, String)> = Vec::new();
            for &i in &order[start..end] {
                let item = &facts.items[i as usize];
                let Some(canonical) = super::canonical_at(ctx, &mut parser, file, item.offset)
                else {
                    continue;
                };
                match firsts.iter().find(|(_, c)| *c == canonical) {
                    Some(&(first, _)) => {
                        let first_line = facts.items[first as usize].line;
                        let item = item.clone();
                        ctx.report(
                            Code::D001,
                            file,
                            &item,
                            format!("exact duplicate of the example at line {first_line}"),
                            Some(Related {
                                file,
                                line: first_line,
                                message: "first occurrence".into(),
                            }),
                        );
                        flagged[i as usize] = true;
                    }
                    None => firsts.push((i, canonical)),
                }
            }
        }
        start = end;
    }
    flagged
}
