//! C012 inconsistent-system-prompt.

use std::collections::HashMap;

use crate::dataset::{DatasetContext, FactKind, Facts, RecordView};
use crate::declare_rule;
use crate::diagnostic::{FileId, Related, Span};
use crate::rules::{Code, RunsOn};
use crate::wording::{plural, thousands};

declare_rule! {
    /// ## What it does
    /// Compares the system prompts of a file's examples (the first system or developer
    /// message, by a hash of its text) once the file has at least 10 examples, and reports
    /// the rare exceptions to a clear majority: an example whose system prompt differs from
    /// the most common one, when more than half of the examples with a system prompt use that
    /// one and the differing prompt is used by fewer than 10% of them; and an example without
    /// a system prompt, when fewer than 10% of the examples lack one. The finding points at
    /// the differing prompt's text (at the record, for a missing one) and names the line of
    /// the first example with the most common prompt. A deliberate mix (several
    /// personas, or a sizeable share of examples without a prompt) is not reported. The fix
    /// is the same system prompt in every example.
    ///
    /// ## Why is this bad?
    /// The system prompt is the condition under which the model learns its behaviour; at
    /// inference time it gets one prompt. Examples trained under a stray wording (a typo, an
    /// older version, a missing prompt) teach behaviour that is never triggered, or blur what
    /// the real prompt means. The lesson's checklist asks for consistent system prompts.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Can I change my email address?"}, {"role": "assistant", "content": "Yes, under Account, Profile, Email."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Where are my invoices kept?"}, {"role": "assistant", "content": "Under Billing, Invoices, as PDF files."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Do you offer a student discount?"}, {"role": "assistant", "content": "Yes, 30% off with a student email address."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "How long does shipping take?"}, {"role": "assistant", "content": "Three to five working days in Europe."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Can I return an opened item?"}, {"role": "assistant", "content": "Yes, within 30 days, from Orders, Return item."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Which cards do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard and American Express."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Is there a mobile app available?"}, {"role": "assistant", "content": "Yes, for iOS and Android, free of charge."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "How do I close my account?"}, {"role": "assistant", "content": "Under Account, Privacy, Close account."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCrop's support agent."}, {"role": "user", "content": "Can I pause my subscription?"}, {"role": "assistant", "content": "Yes, for up to three months, under Billing."}]}
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Do you ship to Switzerland?"}, {"role": "assistant", "content": "Yes; customs fees are shown at checkout."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "system", "content": "You are TechCorp's support agent."}, {"role": "user", "content": "Can I pause my subscription?"}, {"role": "assistant", "content": "Yes, for up to three months, under Billing."}]}
    /// ```
    pub static INCONSISTENT_SYSTEM_PROMPT = {
        code: "C012",
        name: "inconsistent-system-prompt",
        level: Warning,
        summary: "system prompt differs from the file's dominant one, or is missing where most examples have one",
    };
}

/// Fewest examples before a file's prompts are judged.
const MIN_EXAMPLES: usize = 10;

/// Runs on the dataset, from the hash of each record's system prompt.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&SYSTEM_PROMPTS],
};

/// Of each record: whether it is a conversation, and the hash of its first system (or
/// developer) message's text with where that text is in the record (what a differing
/// prompt's finding points at).
#[derive(Default)]
pub struct SystemPrompts {
    prompts: Vec<Option<Option<(u64, Span)>>>,
}

static SYSTEM_PROMPTS: FactKind = FactKind {
    name: "system prompts",
    new: |_| Box::<SystemPrompts>::default(),
};

impl Facts for SystemPrompts {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        self.prompts.push(record.conv.map(|conv| {
            conv.messages
                .iter()
                .find(|m| m.role.is_instruction())
                .map(|m| {
                    let span = m.content.texts().next().map_or(m.span, |t| t.span);
                    (
                        xxhash_rust::xxh3::xxh3_64(m.content.joined_text().as_bytes()),
                        span,
                    )
                })
        }));
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: SystemPrompts = crate::dataset::downcast(next);
        self.prompts.extend(next.prompts);
    }
}

fn check(ctx: &mut DatasetContext<'_>) {
    let files: Vec<FileId> = ctx.files_enabling(Code::C012).map(|(f, _)| f).collect();
    for file in files {
        check_file(ctx, file);
    }
}

fn check_file(ctx: &mut DatasetContext<'_>, file: FileId) {
    let all = ctx.facts;
    let facts = &all[file as usize];
    let Some(prompts) = facts.get::<SystemPrompts>() else {
        return;
    };
    let system = |i: usize| prompts.prompts[i].flatten().map(|(h, _)| h);
    let span_of = |i: usize| prompts.prompts[i].flatten().map(|(_, s)| s);
    let convs: Vec<usize> = (0..prompts.prompts.len())
        .filter(|&i| prompts.prompts[i].is_some())
        .collect();
    if convs.len() < MIN_EXAMPLES {
        return;
    }
    // hash → (examples using it, first item): a fold over hashes, never the prompts' text.
    let mut prompts: HashMap<u64, (usize, usize)> = HashMap::new();
    for &i in &convs {
        if let Some(h) = system(i) {
            prompts.entry(h).or_insert((0, i)).0 += 1;
        }
    }
    let with_system: usize = prompts.values().map(|(n, _)| n).sum();
    let Some((&dominant, &(count, first))) = prompts
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
    else {
        return;
    };
    let dominant_line = facts.items[first].line;
    let dominant_place = ctx.place_of(file, file, first);
    // Only rare exceptions to a clear majority are mistakes; a sizeable group is a choice.
    let rare = |n: usize, of: usize| n * 10 < of;
    let missing_flagged = rare(convs.len() - with_system, convs.len());
    let differing_flagged = count * 2 > with_system;
    let variant_counts: HashMap<u64, usize> = prompts.iter().map(|(h, (n, _))| (*h, *n)).collect();
    let related = || {
        Some(Related {
            file,
            line: dominant_line,
            message: "the most common system prompt".into(),
            fingerprint: 0,
        })
    };
    for &i in &convs {
        match system(i) {
            None if missing_flagged => ctx.report(
                Code::C012,
                file,
                i,
                format!("no system prompt, while {} of {} have one (the most common is at {dominant_place})", thousands(with_system as u64), plural(convs.len() as u64, "example")),
                related(),
            ),
            Some(h) if h != dominant && differing_flagged && rare(variant_counts[&h], with_system) => {
                // At the differing prompt's text.
                let at = match span_of(i) {
                    Some(span) => ctx.locate_in_record(file, i, span),
                    None => facts.items[i].location(file),
                };
                ctx.report_at(
                    Code::C012,
                    i,
                    at,
                    crate::rule::Level::Error,
                    format!("system prompt differs from the most common one ({dominant_place}, used by {} of {} with a system prompt)", thousands(count as u64), plural(with_system as u64, "example")),
                    related(),
                );
            }
            _ => {}
        }
    }
}
