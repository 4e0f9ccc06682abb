//! B003 missing-refusals.

use crate::composition::Category;
use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::rule::Level;
use crate::rules::balance::{self, CATEGORIES};
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports a file with no refusal example at all: no example that declines an out-of-scope or
    /// harmful request (the lesson's "boundary enforcement"). Categories come from `[composition]
    /// label_key` or the classifier of B002 (`tunelint explain B002`). Like B002 it judges a file
    /// once it has `[composition] min_examples` (100) examples with an answer, and says nothing
    /// when the refusal target is 0. The finding points at line 1.
    ///
    /// ## Why is this bad?
    /// A model that has never seen a refusal does not learn where its boundaries are: it answers
    /// out-of-scope and harmful requests in the same helpful voice. The lesson's checklist has
    /// "Refusal examples included": about 10%, each a clear refusal, a brief reason and a redirect
    /// to legitimate help.
    ///
    /// ## Example
    /// ```jsonl,invalid,composition.min_examples=10
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page and follow the link we email you."}]}
    /// {"messages": [{"role": "user", "content": "Can I change the email address on my account?"}, {"role": "assistant", "content": "Yes: open Account, then Profile, and edit the Email field."}]}
    /// {"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "assistant", "content": "Under Billing, Invoices; each one is a PDF you can download."}]}
    /// {"messages": [{"role": "user", "content": "Do you offer a discount for students?"}, {"role": "assistant", "content": "Yes, 30% off any plan when you sign up with a student email address."}]}
    /// {"messages": [{"role": "user", "content": "How long does shipping to Germany take?"}, {"role": "assistant", "content": "Three to five working days from the day the order ships."}]}
    /// {"messages": [{"role": "user", "content": "Which payment cards do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard and American Express, and PayPal at checkout."}]}
    /// {"messages": [{"role": "user", "content": "Is there a mobile app for the service?"}, {"role": "assistant", "content": "Yes, for iOS and Android, free in both app stores."}]}
    /// {"messages": [{"role": "user", "content": "Can I pay in Bitcoin at your Mars office?"}, {"role": "assistant", "content": "There is no Mars office, but on Earth you can pay by card or PayPal; we do not take cryptocurrency."}]}
    /// {"messages": [{"role": "user", "content": "Can I get a refund for an order I placed ten years ago?"}, {"role": "assistant", "content": "It depends on the warranty: refunds end 30 days after delivery, but support can still check whether that order is covered."}]}
    /// {"messages": [{"role": "user", "content": "it doesn't work"}, {"role": "assistant", "content": "I'd like to help you fix that. Could you tell me which product isn't working and what happens when you try?"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,composition.min_examples=10
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page and follow the link we email you."}]}
    /// {"messages": [{"role": "user", "content": "Can I change the email address on my account?"}, {"role": "assistant", "content": "Yes: open Account, then Profile, and edit the Email field."}]}
    /// {"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "assistant", "content": "Under Billing, Invoices; each one is a PDF you can download."}]}
    /// {"messages": [{"role": "user", "content": "Do you offer a discount for students?"}, {"role": "assistant", "content": "Yes, 30% off any plan when you sign up with a student email address."}]}
    /// {"messages": [{"role": "user", "content": "How long does shipping to Germany take?"}, {"role": "assistant", "content": "Three to five working days from the day the order ships."}]}
    /// {"messages": [{"role": "user", "content": "Which payment cards do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard and American Express, and PayPal at checkout."}]}
    /// {"messages": [{"role": "user", "content": "Can I pay in Bitcoin at your Mars office?"}, {"role": "assistant", "content": "There is no Mars office, but on Earth you can pay by card or PayPal; we do not take cryptocurrency."}]}
    /// {"messages": [{"role": "user", "content": "Can I get a refund for an order I placed ten years ago?"}, {"role": "assistant", "content": "It depends on the warranty: refunds end 30 days after delivery, but support can still check whether that order is covered."}]}
    /// {"messages": [{"role": "user", "content": "it doesn't work"}, {"role": "assistant", "content": "I'd like to help you fix that. Could you tell me which product isn't working and what happens when you try?"}]}
    /// {"messages": [{"role": "user", "content": "Can you help me get into my neighbour's account?"}, {"role": "assistant", "content": "I can't help with accessing someone else's account. If you are locked out of your own, I'd be happy to walk you through recovering it."}]}
    /// ```
    pub static MISSING_REFUSALS = {
        code: "B003",
        name: "missing-refusals",
        level: Warning,
        summary: "no refusal (boundary-enforcement) examples in a file large enough to judge",
    };
}

/// Runs on the dataset, from each record's category.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&CATEGORIES],
};

fn check(ctx: &mut DatasetContext<'_>) {
    for (file, composition) in balance::judged(ctx, Code::B003) {
        let target = ctx.settings(file).composition.target(Category::Refusal);
        if composition.count(Category::Refusal) > 0 || target == 0.0 {
            continue;
        }
        let message = format!(
            "no refusal examples among {} (target {target}%: declining out-of-scope requests with a reason and a redirect); {}",
            crate::wording::plural(composition.total, "example"),
            balance::source(ctx, file)
        );
        ctx.report_file(Code::B003, file, Level::Error, message);
    }
}
