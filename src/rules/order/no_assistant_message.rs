//! O004 no-assistant-message.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Conversation, Role, Shape};
use crate::rules::Code;
use crate::settings::FormatChoice;
use crate::target::ShareGptRoles;

declare_rule! {
    /// ## What it does
    /// Reports a conversation of two or more messages with no `assistant` message, or whose
    /// assistant messages all have `"weight": 0`. A `prompt-only` record has no answer by
    /// design (the trainer generates it) and a `text` record no turns: neither is checked.
    ///
    /// A record of a LLaMA-Factory alpaca `dataset_info.json` entry (not a ranking one, whose
    /// answers are `chosen` and `rejected`) whose `"columns"` name no `response` has no answer
    /// whatever it holds: the parser sets every column the entry leaves out to none, the
    /// converter gives the example no answer, and supervised training drops it (a dataset of
    /// such examples stops with "Cannot find valid samples"). It is reported here however
    /// many messages the record holds (the `history` pairs are context, not its answer), and
    /// O001 leaves it to this rule.
    ///
    /// Under `axolotl`, a ShareGPT record whose only answer is a `function_call` turn has
    /// nothing trained either: axolotl hands that name to the chat template as written and
    /// trains only `roles_to_train` (the assistant's turns by default).
    ///
    /// ## Why is this bad?
    /// Trainers compute the loss on assistant turns only, so such an example costs tokens and
    /// teaches nothing; OpenAI rejects examples without an assistant message. A conversation
    /// whose every turn is masked with weight 0 was usually meant to have one turn weighted 1.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "system", "content": "You are a support agent for Acme Cloud."}, {"role": "user", "content": "How do I rotate my API key?"}]}
    /// {"messages": [{"role": "user", "content": "Where can I see my monthly usage?"}, {"role": "assistant", "content": "Open Billing, then Usage, for the current month.", "weight": 0}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "system", "content": "You are a support agent for Acme Cloud."}, {"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}]}
    /// ```
    pub static NO_ASSISTANT_MESSAGE = {
        code: "O004",
        name: "no-assistant-message",
        level: Error,
        summary: "no assistant message, or every assistant message has weight 0: nothing to train on",
    };
}

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if conv.shape != Shape::Chat {
        return;
    }
    if let Some(d) = super::answer_undeclared(ctx) {
        ctx.report(
            Code::O004,
            conv.span,
            format!(
                "{} names no \"response\" column, so LLaMA-Factory's alpaca converter gives the \
                 example no answer and supervised training drops it; name the answer's key as \
                 \"response\" under its \"columns\"",
                d.described()
            ),
        );
        return;
    }
    let mut assistants = conv
        .messages
        .iter()
        .filter(|m| m.role == Role::Assistant)
        .peekable();
    if assistants.peek().is_none() {
        let w = super::words(ctx.format);
        ctx.report(
            Code::O004,
            conv.span,
            format!(
                "no {} {}; the model has nothing to learn from this example",
                w.assistant, w.message
            ),
        );
        return;
    }
    if assistants.all(|m| m.weight == Some(0)) {
        let message = match untrained_by_name(conv, ctx) {
            Some((title, name)) => format!(
                "no turn of this example is one {title} trains: it passes the role {} to the \
                 chat template as written, and roles_to_train names the assistant's only; the \
                 model has nothing to learn from this example",
                crate::wording::quote(&name)
            ),
            None => "every assistant message has weight 0; the model has nothing to learn from \
                     this example"
                .to_owned(),
        };
        ctx.report(Code::O004, conv.span, message);
    }
}

/// Where the record's answers are ShareGPT turns the target's trainer does not train by their
/// role name, not by a weight the data writes ([`ShareGptRoles::MappedOrAsWritten`]: axolotl
/// hands `function_call` to the template as written): the target's title and the first such
/// name, for a message that says so.
fn untrained_by_name(
    conv: &Conversation<'_>,
    ctx: &RecordContext<'_>,
) -> Option<(&'static str, String)> {
    let target = ctx.settings.target?;
    let ShareGptRoles::MappedOrAsWritten { trained, .. } = target.sharegpt_roles?.value else {
        return None;
    };
    if ctx.format.read_as() != FormatChoice::ShareGpt {
        return None;
    }
    let first = conv.messages.iter().find(|m| m.role == Role::Assistant)?;
    let name = crate::format::written_role(ctx.text, first.role_span)?;
    (!trained.contains(&name.as_str())).then_some((target.title, name))
}
