//! B003 missing-refusals.

use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::diagnostic::FileId;
use crate::rules::{Code, RunsOn};

// TODO(new_rule): the documentation below is what `tunelint explain B003` and
// docs/rules.md show. Both examples run (tests/docs.rs): the invalid one must fire
// B003 and nothing else, the valid one nothing at all. The fixtures in
// tests/fixtures/rules/missing-refusals/ follow the same two rules (tests/rules.rs).
declare_rule! {
    /// ## What it does
    /// TODO(new_rule): what the rule reports and where its finding points; what it leaves to
    /// other rules (which of them suppress it: `suppressed_by` in the registry).
    ///
    /// ## Why is this bad?
    /// TODO(new_rule): what a model trained on such examples learns, or how training or the
    /// upload fails on them; and the usual cause in a real dataset.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}
    /// ```
    pub static MISSING_REFUSALS = {
        code: "B003",
        name: "missing-refusals",
        level: Warning,
        summary: "todo(new_rule): what the rule fires on, in one lowercase line",
    };
}

/// Runs on the dataset once every record is read. It needs nothing of a record but
/// what every dataset rule gets (`crate::dataset::Item`: line, offset, canonical hash,
/// validity); a rule that needs more declares the facts it collects of each record
/// (see `crate::rules::content::inconsistent_system_prompt`).
pub const RUNS_ON: RunsOn = RunsOn::Dataset { check, facts: &[] };

fn check(ctx: &mut DatasetContext<'_>) {
    let all = ctx.facts;
    let files: Vec<FileId> = ctx.files_enabling(Code::B003).map(|(f, _)| f).collect();
    for file in files {
        let items = &all[file as usize].items;
        // TODO(new_rule): the logic. Until it reports, the invalid example and fixture fail
        // their tests. A message starts lowercase, has no final period, quotes values from the
        // data with `crate::wording::quote`, and says the fix when there is an obvious one.
        // Report on the record `index` of `items`; `Some(Related { .. })` points at
        // another record when the finding is about a pair.
        let wrong: Option<usize> = None;
        if let Some(index) = wrong {
            ctx.report(
                Code::B003,
                file,
                index,
                format!("todo(new_rule): what is wrong (examples: {})", items.len()),
                None,
            );
        }
    }
}
