//! B004 missing-clarifications.

use crate::composition::Category;
use crate::dataset::DatasetContext;
use crate::declare_rule;
use crate::rule::Level;
use crate::rules::balance::{self, CATEGORIES};
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Reports a file with no clarification example at all: no example whose answer asks the user
    /// for what is missing instead of guessing. Categories come from `[composition] label_key` or
    /// the classifier of B002 (`tunelint explain B002`). Like B002 it judges a file once it has
    /// `[composition] min_examples` (100) examples with an answer, and says nothing when the
    /// clarification target is 0. The finding points at line 1.
    ///
    /// ## Why is this bad?
    /// A model that has never asked a question guesses: given "it doesn't work", it invents the
    /// product and the fault. The lesson's checklist has "Clarification examples included": about
    /// 10%, answers that ask, politely and specifically, for what they need.
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
    /// {"messages": [{"role": "user", "content": "Can you help me get into my neighbour's account?"}, {"role": "assistant", "content": "I can't help with accessing someone else's account. If you are locked out of your own, I'd be happy to walk you through recovering it."}]}
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
    pub static MISSING_CLARIFICATIONS = {
        code: "B004",
        name: "missing-clarifications",
        level: Warning,
        summary: "no clarification examples (answers that ask the user for what is missing) in a file large enough to judge",
    };
}

/// Runs on the dataset, from each record's category.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&CATEGORIES],
};

fn check(ctx: &mut DatasetContext<'_>) {
    for (file, composition) in balance::judged(ctx, Code::B004) {
        let target = ctx
            .settings(file)
            .composition
            .target(Category::Clarification);
        if composition.count(Category::Clarification) > 0 || target == 0.0 {
            continue;
        }
        let message = format!(
            "no clarification examples among {} (target {target}%: asking for what is missing instead of guessing); {}",
            crate::wording::plural(composition.total, "example"),
            balance::source(ctx, file)
        );
        ctx.report_file(Code::B004, file, Level::Error, message);
    }
}
