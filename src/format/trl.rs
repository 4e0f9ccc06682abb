//! What the TRL formats share: a field that holds a string or a list of messages (TRL's
//! "standard" and "conversational" forms of one column), and the columns every TRL trainer
//! reads besides a type's own.

use std::borrow::Cow;

use super::openai_chat::{self, unknown_key};
use super::prompt_completion::string_field;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, with_article};

/// Columns TRL's trainers read in every dataset type: the images of a vision-language
/// example, the tool definitions and the chat template's arguments. Never reported.
pub(crate) const EXTRA_KEYS: &[&str] = &["images", "image", "tools", "chat_template_kwargs"];

/// The form of a column: a string (TRL's "standard" datasets) or a list of messages
/// ("conversational").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    Standard,
    Conversational,
}

impl Form {
    fn of(doc: &Document<'_, '_>, node: NodeId) -> Option<Form> {
        match doc.kind(node) {
            Kind::String => Some(Form::Standard),
            Kind::Array => Some(Form::Conversational),
            _ => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Form::Standard => "a string",
            Form::Conversational => "a list of messages",
        }
    }
}

/// A top-level key outside the type's own `keys`: one of [`EXTRA_KEYS`] is read (the tool
/// definitions count as tokens), any other is S008.
pub(crate) fn other_key(
    doc: &Document<'_, '_>,
    key: NodeId,
    value: NodeId,
    place: &str,
    keys: &[&str],
    conv: &mut Conversation<'_>,
    ctx: &mut RecordContext<'_>,
) {
    let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
    if name == "tools" && doc.kind(value) == Kind::Array {
        conv.tools = Some(doc.span(value));
    }
    if EXTRA_KEYS.contains(&name.as_ref()) {
        return;
    }
    let allowed: Vec<&str> = keys.iter().chain(EXTRA_KEYS).copied().collect();
    unknown_key(ctx, doc.span(key), &name, place, &allowed);
}

/// A TRL record's `system` column, if any: a system turn where [`reads_system`] says it is
/// read, otherwise a key of `place` outside its `keys` ([`other_key`]).
pub(crate) fn system_column<'s>(
    doc: &Document<'_, 's>,
    system: Option<(NodeId, NodeId)>,
    prompt: Option<(NodeId, NodeId)>,
    place: &str,
    keys: &[&str],
    conv: &mut Conversation<'s>,
    ctx: &mut RecordContext<'_>,
) {
    let Some((key, value)) = system else { return };
    if reads_system(doc, prompt, ctx) {
        conv.incomplete |= !system_turn(doc, (key, value), conv, ctx);
    } else {
        other_key(doc, key, value, place, keys, conv, ctx);
    }
}

/// Whether a record's `system` column is read beside its string `prompt`: axolotl's
/// `chatml.*` and `llama3.*` preference types (DPO and KTO `prompt_pairs`, `ultra`, `intel`,
/// ...) put it before the prompt as a system turn; TRL's trainers do not read it. So it is
/// read under axolotl and without a target (whatever some trainer reads is not an unknown
/// key there), and is S008 under a target that does not read it.
fn reads_system(
    doc: &Document<'_, '_>,
    prompt: Option<(NodeId, NodeId)>,
    ctx: &RecordContext<'_>,
) -> bool {
    ctx.settings
        .target
        .is_none_or(|t| t.accepts(FormatChoice::AxolotlPreference.as_str()))
        && prompt.is_some_and(|(_, value)| doc.kind(value) == Kind::String)
}

/// The `system` string of axolotl's preference types as the first turn of `conv`. An empty
/// string or `null` is no system turn (axolotl adds one only when the value is truthy);
/// anything else is S007. False when it reported.
pub(crate) fn system_turn<'s>(
    doc: &Document<'_, 's>,
    (key, value): (NodeId, NodeId),
    conv: &mut Conversation<'s>,
    ctx: &mut RecordContext<'_>,
) -> bool {
    match doc.kind(value) {
        Kind::Null => true,
        Kind::String => {
            let text = Text {
                value: doc.str(value).unwrap_or_default(),
                span: doc.span(value),
            };
            if !text.value.is_empty() {
                let message =
                    Message::new(Role::System, doc.span(key), text.span, Content::Text(text));
                conv.messages.insert(0, message);
            }
            true
        }
        _ => {
            let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
            ctx.report(
                Code::S007,
                doc.span(value),
                format!("\"{name}\" is {}; expected a string", describe(doc, value)),
            );
            false
        }
    }
}

/// Reads the column `name` into `conv`: a string as one message of `role`, a list as its
/// messages. Returns its form, or `None` (reported) when it is neither or unreadable.
pub(crate) fn read_turns<'s>(
    doc: &Document<'_, 's>,
    (key, value): (NodeId, NodeId),
    name: &str,
    role: Role,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
    images: &mut usize,
) -> Option<Form> {
    match Form::of(doc, value) {
        Some(Form::Standard) => {
            let message = string_field(doc, key, value, name, role, ctx)?;
            conv.messages.push(message);
            Some(Form::Standard)
        }
        Some(Form::Conversational) => {
            let what = format!("\"{name}\"");
            openai_chat::read_message_list(doc, value, &what, ctx, conv, images)
                .then_some(Form::Conversational)
        }
        None => {
            ctx.report(
                Code::S007,
                doc.span(value),
                format!(
                    "\"{name}\" is {}; expected a string or a list of messages",
                    describe(doc, value)
                ),
            );
            None
        }
    }
}

/// S007 when the column `name` is not in the form of the column `first` (TRL formats a
/// record's columns all as text or all with the chat template, never a mix).
pub(crate) fn check_same_form(
    doc: &Document<'_, '_>,
    value: NodeId,
    name: &str,
    form: Form,
    (first, first_form): (&str, Form),
    ctx: &mut RecordContext<'_>,
) -> bool {
    if form == first_form {
        return true;
    }
    ctx.report(
        Code::S007,
        doc.span(value),
        format!(
            "\"{name}\" is {} but \"{first}\" is {}; TRL expects both in the same form",
            form.describe(),
            first_form.describe()
        ),
    );
    false
}

/// S005 for each message of `conv.messages[from..]` that is not the assistant's: an answer
/// (a completion, a chosen or rejected reply) is the assistant's. True when it reported one:
/// the order rules would only repeat it.
pub(crate) fn check_answer_roles(
    conv: &Conversation<'_>,
    from: usize,
    name: &str,
    ctx: &mut RecordContext<'_>,
) -> bool {
    let mut reported = false;
    for m in conv.messages.get(from..).unwrap_or_default() {
        if !matches!(m.role, Role::Assistant | Role::Unknown | Role::Tool) {
            ctx.report(
                Code::S005,
                m.role_span,
                format!(
                    "\"{name}\" holds {} message; the answer is the assistant's",
                    with_article(m.role.as_str())
                ),
            );
            reported = true;
        }
    }
    reported
}
