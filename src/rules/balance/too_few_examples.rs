//! B001 too-few-examples.

use crate::dataset::{DatasetContext, FactKind, Facts, RecordView};
use crate::declare_rule;
use crate::diagnostic::FileId;
use crate::record::Shape;
use crate::rule::Level;
use crate::rules::{Code, RunsOn};
use crate::wording::thousands;

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
    /// to its training file), and a validation or test split is not judged against the
    /// goal (D003's `explain` says which files are splits). The finding is about the whole
    /// file and points at its line 1.
    ///
    /// A target's own limits come first, whatever the goal: where the provider rejects a
    /// training file of too few (or too many) examples, a file outside them is an error
    /// naming the provider (OpenAI and Azure OpenAI: at least 10; Fireworks: 3 to 3 million;
    /// `explain TARGET` cites each), unless a level is chosen for B001 (`--warn B001`, or
    /// `B001 = "info"` in `[rules]`), which it keeps. Evaluation files (a split's `valid` or `test` file,
    /// beside its training file in the run, or named for its split: `support_valid.jsonl`, not
    /// `unit_test_generation.jsonl`) are not held to the minimum, and a file of prompts without answers (reinforcement
    /// fine-tuning, prompt-only) not to the most, which is for supervised data (Nova takes 8 to
    /// 20,000 supervised examples, and at least 100 prompts). Below a target's minimum the
    /// goal's shortfall is not reported as well.
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

/// Runs on the dataset: it needs the count of each file's records, and of its prompts.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&PROMPTS],
};

/// How many of a file's records are prompts without their answer (reinforcement fine-tuning,
/// prompt-only): a target's most examples (B001 under the target) are its supervised
/// fine-tuning's, and a file of prompts is not judged by it.
#[derive(Default)]
struct Prompts {
    count: u64,
}

static PROMPTS: FactKind = FactKind {
    name: "prompts",
    new: |_| Box::<Prompts>::default(),
};

impl Facts for Prompts {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        self.count += u64::from(record.conv.is_some_and(|c| c.shape == Shape::Prompt));
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: Prompts = crate::dataset::downcast(next);
        self.count += next.count;
    }
}

fn check(ctx: &mut DatasetContext<'_>) {
    let all = ctx.facts;
    let files: Vec<FileId> = ctx.files_enabling(Code::B001).map(|(f, _)| f).collect();
    for file in files {
        let count = all[file as usize].items.len() as u64;
        if target_limits(ctx, file, count) {
            continue;
        }
        // The guidelines count training examples: a validation or test split is not judged.
        let Some(goal) = ctx.settings(file).goal.filter(|_| !ctx.is_evaluation(file)) else {
            continue;
        };
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
                    "{} {examples}, fewer than the minimum of {} for {what}; {} are recommended",
                    thousands(count),
                    thousands(minimum),
                    thousands(recommended)
                ),
            );
        } else if count < recommended {
            ctx.report_file(
                Code::B001,
                file,
                Level::Info,
                format!(
                    "{} {examples}: {} the minimum of {} for {what}, below the recommended {}",
                    thousands(count),
                    if count == minimum { "at" } else { "above" },
                    thousands(minimum),
                    thousands(recommended)
                ),
            );
        }
    }
}

/// Reports a training file outside its target's example limits; true when it is under the
/// minimum (the goal's shortfall is then not reported too).
fn target_limits(ctx: &mut DatasetContext<'_>, file: FileId, count: u64) -> bool {
    let Some((title, limits)) = ctx
        .settings(file)
        .target
        .and_then(|t| Some((t.title, t.examples?.value)))
    else {
        return false;
    };
    // Most records prompts: reinforcement fine-tuning data, whose own bounds the target's
    // may not be (Nova takes 8 to 20,000 supervised examples and at least 100 prompts):
    // only the minimum is judged, which no target's prompt data goes below.
    let prompts = ctx.facts[file as usize]
        .get::<Prompts>()
        .map_or(0, |p| p.count);
    let supervised = prompts * 2 <= count;
    let examples = if count == 1 { "example" } else { "examples" };
    // A validation or test file is not held to the minimum: beside its training file, or
    // named alone (a CI run on the changed file) when its name is its split's
    // (`support_valid.jsonl`); a name that merely holds a split word
    // (`unit_test_generation.jsonl`, `web-dev-qa.jsonl`) is a training file's.
    let evaluation = ctx.is_evaluation(file)
        || (ctx.splits.iter().any(|s| s.eval.contains(&file))
            && crate::splits::named_for_its_split(std::path::Path::new(ctx.display(file))));
    if count < limits.min && !evaluation {
        ctx.report_file_error(
            Code::B001,
            file,
            format!(
                "{} {examples}; {title} rejects a training file of fewer than {}",
                thousands(count),
                thousands(limits.min)
            ),
        );
        return true;
    }
    if let Some(max) = limits.max.filter(|&max| count > max && supervised) {
        ctx.report_file_error(
            Code::B001,
            file,
            format!(
                "{} examples; {title} takes at most {} in one dataset (split the file)",
                thousands(count),
                thousands(max)
            ),
        );
    }
    false
}
