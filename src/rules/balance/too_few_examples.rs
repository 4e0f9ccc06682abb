//! B001 too-few-examples.

use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::diagnostic::FileId;
use crate::rule::Level;
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Counts a file's examples (its records that parse as JSON objects) against the lesson's
    /// guidelines for the goal set in `[dataset] goal`: a warning below the minimum, an info
    /// below the recommended count.
    ///
    /// | goal | what it is | minimum | recommended |
    /// |---|---|---|---|
    /// | `format` | format adherence | 50 | 200 |
    /// | `style` | style or tone transfer | 100 | 500 |
    /// | `domain` | domain vocabulary | 300 | 1000 |
    /// | `complex` | complex behaviour | 500 | 5000 |
    ///
    /// Without a goal it says nothing: how much data is enough depends on what the
    /// fine-tuning is for. Each file is counted on its own (a validation split is not added
    /// to its training file). The finding is about the whole file and points at its line 1.
    ///
    /// ## Why is this bad?
    /// Below the minimum, a fine-tuned model behaves inconsistently across similar inputs and
    /// falls back to the base model's patterns: the run costs money and teaches little. Between
    /// the minimum and the recommended count it usually works but is weak on variations.
    ///
    /// ## Example
    /// ```jsonl,invalid,dataset.goal="format"
    /// {"messages": [{"role": "user", "content": "Convert to JSON: name Ada, age 36"}, {"role": "assistant", "content": "{\"name\": \"Ada\", \"age\": 36}"}]}
    /// {"messages": [{"role": "user", "content": "Convert to JSON: city Lyon, population 522000"}, {"role": "assistant", "content": "{\"city\": \"Lyon\", \"population\": 522000}"}]}
    /// ```
    ///
    /// The fix is more examples: at least 50 for format adherence, 200 to be comfortable
    /// (tests/fixtures/rules/too-few-examples has such a file). A doc example cannot hold
    /// them, so the one below is the same file without a goal, which B001 does not judge.
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Convert to JSON: name Ada, age 36"}, {"role": "assistant", "content": "{\"name\": \"Ada\", \"age\": 36}"}]}
    /// {"messages": [{"role": "user", "content": "Convert to JSON: city Lyon, population 522000"}, {"role": "assistant", "content": "{\"city\": \"Lyon\", \"population\": 522000}"}]}
    /// ```
    pub static TOO_FEW_EXAMPLES = {
        code: "B001",
        name: "too-few-examples",
        level: Warning,
        summary: "fewer examples than the lesson's minimum for `[dataset] goal` (info below the recommended count)",
    };
}

/// Runs on the dataset: it needs only the count of each file's records.
pub const RUNS_ON: RunsOn = RunsOn::Dataset { check, facts: &[] };

fn check(ctx: &mut DatasetContext<'_>) {
    let all = ctx.facts;
    let files: Vec<FileId> = ctx.files_enabling(Code::B001).map(|(f, _)| f).collect();
    for file in files {
        let Some(goal) = ctx.settings(file).goal else {
            continue;
        };
        let count = all[file as usize].items.len() as u64;
        let (minimum, recommended) = (goal.minimum(), goal.recommended());
        let examples = if count == 1 { "example" } else { "examples" };
        let what = format!(
            "{} (`[dataset] goal = \"{}\"`)",
            goal.description(),
            goal.as_str()
        );
        if count < minimum {
            ctx.report_file(
                Code::B001,
                file,
                Level::Error,
                format!(
                    "{count} {examples}, fewer than the minimum of {minimum} for {what}; {recommended} are recommended"
                ),
            );
        } else if count < recommended {
            ctx.report_file(
                Code::B001,
                file,
                Level::Info,
                format!(
                    "{count} {examples}: above the minimum of {minimum} for {what}, below the recommended {recommended}"
                ),
            );
        }
    }
}
