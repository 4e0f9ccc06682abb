//! D005 shared-prompt-template.

use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::dedup::search;
use crate::dedup::template::{self, End};
use crate::dedup::texts::{COMPARE_TEXTS, CompareTexts};
use crate::diagnostic::FileId;
use crate::rules::{Code, RunsOn};
use crate::wording::{quote, thousands};

declare_rule! {
    /// ## What it does
    /// Reports, once per file, a long prompt template (a tool description, an instruction
    /// preamble, a closing instruction) that more than half of the file's compared texts
    /// (`dedup.field`) begin or end with, when more than half of the file's near-duplicate
    /// pairs (D002's measure) are two texts that both carry it. The finding is on the first
    /// example that carries it and says how long the template is, how many examples carry
    /// it and how it starts.
    ///
    /// A template is the longest prefix or suffix that more than half of the texts share,
    /// cut back to where a word ends (its last whitespace, so the template does not end in
    /// the middle of a word), and at least 100 characters once cut: texts that share 104
    /// characters ending inside a word may have a template of 98, which is none, and the
    /// length a finding says is the cut one. When there is none, the texts may fall into groups that
    /// each open (or end) with a template of their own, as a tool-use set gives each tool its
    /// description: a group is at least 4 texts, and at least 1 in 200 of those looked at,
    /// that share at least 100 characters, and what follows in each differs (at least 90% of
    /// the rests distinct, half of them 20 characters or more, so that a cluster of near
    /// copies of one long text is not taken for a template). Such templates count when
    /// together they open more than half of the texts, and a near-duplicate pair shares one
    /// when both texts carry the same; the finding then says how many templates there are,
    /// their lengths, and how the most common one starts. Templates are looked for on up to
    /// 2,000 texts spread over the file, then counted on all of them. With each text's
    /// template taken out, the texts are compared on what differs:
    ///
    /// ```toml
    /// [dedup]
    /// ignore_template = true
    /// ```
    ///
    /// Then D002, D003's near-duplicates and `tunelint dedupe` compare the texts without the
    /// template (the similarity a finding shows is theirs), and D005 is quiet.
    ///
    /// ## Why is this bad?
    /// The lesson's similarity is right about the text and wrong about what the user means:
    /// two questions after the same 2,000-character tool description are 95% similar however
    /// different the questions are. On GPTeacher's Toolformer set, D002 flags most of the
    /// examples and `dedupe` would delete nearly all of them. The template is not the
    /// defect; comparing it is.
    ///
    /// ## Example
    /// ```jsonl,invalid,also-d002
    /// {"messages": [{"role": "user", "content": "You can use these tools. Calculator(expression): evaluates arithmetic and returns the number. Calendar(): returns today's date. Answer with the call in brackets. Question: What is 17 times 23?"}, {"role": "assistant", "content": "[Calculator(17*23)]"}]}
    /// {"messages": [{"role": "user", "content": "You can use these tools. Calculator(expression): evaluates arithmetic and returns the number. Calendar(): returns today's date. Answer with the call in brackets. Question: What day is it today?"}, {"role": "assistant", "content": "[Calendar()]"}]}
    /// {"messages": [{"role": "user", "content": "You can use these tools. Calculator(expression): evaluates arithmetic and returns the number. Calendar(): returns today's date. Answer with the call in brackets. Question: How much is 1200 divided by 8?"}, {"role": "assistant", "content": "[Calculator(1200/8)]"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "What is 17 times 23?"}, {"role": "assistant", "content": "17 times 23 is 391."}]}
    /// {"messages": [{"role": "user", "content": "Which planet has the most moons?"}, {"role": "assistant", "content": "Saturn, with well over a hundred."}]}
    /// ```
    ///
    /// Or keep the template and set `dedup.ignore_template = true`.
    pub static SHARED_PROMPT_TEMPLATE = {
        code: "D005",
        name: "shared-prompt-template",
        level: Warning,
        summary: "most near-duplicates of a file come from a long prompt template the examples share",
    };
}

/// Runs on the dataset, from the compared texts of every record.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&COMPARE_TEXTS],
};

fn check(ctx: &mut DatasetContext<'_>) {
    let files: Vec<FileId> = ctx.files_enabling(Code::D005).map(|(f, _)| f).collect();
    for file in files {
        check_file(ctx, file);
    }
}

fn check_file(ctx: &mut DatasetContext<'_>, file: FileId) {
    let settings = ctx.settings(file);
    if settings.dedup.ignore_template {
        return;
    }
    let all = ctx.facts;
    let Some(texts) = all[file as usize].get::<CompareTexts>() else {
        return;
    };
    let Some(template) = template::find(texts) else {
        return;
    };
    let options = search::Options::new(&settings.dedup, ctx.threads);
    let pairs = search::first_matches(texts, &options, |_| false);
    let shared = pairs
        .iter()
        .filter(|p| template.shared_by(p.text, p.of))
        .count();
    if pairs.len() < 2 || 2 * shared <= pairs.len() {
        return;
    }
    let Some(first) = template.first_carrier() else {
        return;
    };
    let record = texts.owner[first as usize] as usize;
    let end = match template.end {
        End::Prefix => "opening",
        End::Suffix => "ending",
    };
    let message = if template.texts.len() == 1 {
        format!(
            "{} of {} near-duplicate pairs share a {}-character prompt template {end} that {} of {} examples carry, starting {}; set `dedup.ignore_template = true` to compare what differs",
            thousands(shared as u64),
            thousands(pairs.len() as u64),
            thousands(template.chars() as u64),
            thousands(template.carried_by() as u64),
            thousands(texts.len() as u64),
            quote(template.first_line()),
        )
    } else {
        let (shortest, longest) = template.char_range();
        format!(
            "{} of {} near-duplicate pairs share one of {} prompt template {end}s ({}–{} characters) that {} of {} examples carry; the most common, carried by {}, starts {}; set `dedup.ignore_template = true` to compare what differs",
            thousands(shared as u64),
            thousands(pairs.len() as u64),
            template.texts.len(),
            thousands(shortest as u64),
            thousands(longest as u64),
            thousands(template.carried_by() as u64),
            thousands(texts.len() as u64),
            thousands(template.counts[0] as u64),
            quote(template.first_line()),
        )
    };
    ctx.report(Code::D005, file, record, message, None);
}
