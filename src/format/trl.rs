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
use crate::wording::{describe, quote, with_article};

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
/// definitions count as tokens), any other is S008 unless null.
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
    // A column other records use, written null by pandas or `datasets`, is not reported.
    if EXTRA_KEYS.contains(&name.as_ref()) || openai_chat::unused_key(doc, value, false, ctx) {
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

/// The roles TRL's `prepare_multimodal_messages` converts; it raises on any other
/// ("Invalid role in message").
pub(crate) const VISION_ROLES: &[&str] = &["system", "user", "assistant", "tool"];

/// The columns of a record in `format` that TRL's vision collators hand to
/// `prepare_multimodal_messages`, the one that gets the record's images first (SFT's
/// `messages` or `prompt`, DPO's and KTO's `prompt`, GRPO's `prompt`); the answers are
/// converted without images.
fn vision_columns(format: FormatChoice) -> &'static [&'static str] {
    match format.read_as() {
        FormatChoice::OpenAiChat => &["messages"],
        FormatChoice::TrlPromptCompletion | FormatChoice::TrlUnpairedPreference => {
            &["prompt", "completion"]
        }
        FormatChoice::TrlPreference => &["prompt", "chosen", "rejected"],
        FormatChoice::PromptOnly => &["prompt"],
        _ => &[],
    }
}

/// What one list of messages holds for `prepare_multimodal_messages`.
#[derive(Default)]
struct VisionScan {
    /// `{"type": "image"}` parts without an image of their own, outside tool messages:
    /// the placeholders it fills from the images column.
    placeholders: usize,
    /// A user message whose content is a string: it puts a placeholder for each image
    /// before the first one.
    string_user: bool,
    /// An image part with an `"image"` key (its image, or a null): not a placeholder to TRL,
    /// and a sign of data this check does not second-guess.
    inline: bool,
    /// A role it refuses (reported): it raises on that before it counts.
    refused: bool,
}

/// Under a target that converts the messages of a record with images itself
/// ([`crate::target::Target::vision_messages`]: TRL's `prepare_multimodal_messages`, which
/// every TRL vision collator calls on a record of a dataset with an `images` or `image`
/// column): S005 for a role it refuses, in every converted column, and S012 when the images
/// differ in number from the placeholders of the first column (the `messages` or the
/// `prompt`), counted as TRL counts them. Sets [`RecordContext::vision`] when it ran, so
/// the role checks that follow do not repeat it. Before the format reads the record.
pub(crate) fn check_vision(
    doc: &Document<'_, '_>,
    target: &crate::target::Target,
    ctx: &mut RecordContext<'_>,
) {
    let root = doc.root();
    if target.vision_messages.is_none() || !target.accepts(ctx.format.read_as().as_str()) {
        return;
    }
    let images = doc.get(root, "images");
    let image = doc.get(root, "image");
    if images.is_none() && image.is_none() {
        return;
    }
    // A vision dataset skips the dataset preparation that converts ShareGPT's turns
    // (`maybe_convert_to_chatml`), and the collator reads `messages`, `text` or `prompt` and
    // `completion` only.
    if ctx.format.read_as() == FormatChoice::ShareGpt
        && let Some(turns) = doc.get(root, "conversations")
    {
        ctx.report(
            Code::S014,
            doc.span(turns),
            "TRL does not convert a vision dataset's ShareGPT \"conversations\" (its collator \
             reads \"messages\", and raises KeyError \"Unexpected input keys\" on this record): \
             write the turns as \"messages\" of role and content",
        );
        return;
    }
    let columns = vision_columns(ctx.format);
    // Only conversational records are converted (a string prompt goes to the processor as
    // it is).
    if !columns
        .first()
        .and_then(|c| doc.get(root, c))
        .is_some_and(|v| doc.kind(v) == Kind::Array)
    {
        return;
    }
    ctx.vision = true;
    let mut scan = VisionScan::default();
    for (i, name) in columns.iter().enumerate() {
        let Some(list) = doc.get(root, name).filter(|&v| doc.kind(v) == Kind::Array) else {
            continue;
        };
        let mut column = VisionScan::default();
        scan_vision_messages(doc, list, i > 0, &mut column, ctx);
        if i == 0 {
            scan = column;
        }
    }
    // The images the collator pairs with the placeholders: SFT, DPO and KTO read `image` as
    // one image where a record has it, GRPO `images` first, so a record with both (or a
    // null `image`, one image to SFT and none to GRPO) is left alone; `images` null is none.
    let (count, key, node) = match (images, image) {
        (Some(v), None) => match doc.kind(v) {
            Kind::Array => (doc.len(v), "images", v),
            Kind::Null => (0, "images", v),
            _ => return,
        },
        (None, Some(v)) if doc.kind(v) != Kind::Null => (1, "image", v),
        _ => return,
    };
    if scan.inline || scan.refused {
        return;
    }
    let added = if scan.string_user { count } else { 0 };
    let placeholders = scan.placeholders + added;
    let explicit = scan.placeholders;
    let first_name = columns.first().copied().unwrap_or("messages");
    super::media::check_count(
        ctx,
        Code::S012,
        doc.span(node),
        &super::media::MediaCount {
            count,
            one: "image",
            key,
            placeholders,
            placeholder: "{\"type\": \"image\"}",
        },
        || {
            let raised = format!(
                "TRL's vision collator raises (\"Number of images provided ({count}) does not \
                 match number of image placeholders ({placeholders})\", \
                 prepare_multimodal_messages)"
            );
            let part = "{\"type\": \"image\"}";
            if scan.string_user {
                format!(
                    "{raised}: it puts a placeholder for each image before the first user \
                     message whose content is a string, and counts the {} of {} besides; \
                     leave those parts out, or give every user message's content as a list of \
                     parts",
                    super::media::things(explicit, &format!("{part} part")),
                    quote(first_name)
                )
            } else if explicit == 0 {
                format!(
                    "{raised}: put one {part} part where each image goes, or give the first \
                     user message's content as a string for TRL to put the images before it"
                )
            } else {
                format!("{raised}: put one {part} part where each image goes")
            }
        },
    );
}

/// Reads one converted column for [`check_vision`]: S005 on each role the conversion
/// refuses, and what [`VisionScan`] counts. In an answer (a completion, a chosen or rejected
/// reply), an OpenAI role other than the assistant's is already S005 by the format
/// ([`check_answer_roles`]), so only other names are reported there.
fn scan_vision_messages(
    doc: &Document<'_, '_>,
    list: NodeId,
    answer: bool,
    scan: &mut VisionScan,
    ctx: &mut RecordContext<'_>,
) {
    for message in doc.elements(list) {
        if doc.kind(message) != Kind::Object {
            continue;
        }
        let role_node = doc.get(message, "role");
        let role = role_node.and_then(|r| doc.str(r));
        if let (Some(node), Some(name)) = (role_node, role.as_deref())
            && !VISION_ROLES.contains(&name)
            && !(answer && matches!(name, "developer" | "function"))
        {
            let hint = match super::role_named(name) {
                Some(Role::System | Role::Developer) => Some("system"),
                Some(Role::User) => Some("user"),
                Some(Role::Assistant) => Some("assistant"),
                Some(Role::Tool | Role::Function) => Some("tool"),
                _ => openai_chat::role_alias(name),
            };
            let hint = hint.map_or(String::new(), |r| format!(": write {}", quote(r)));
            scan.refused = true;
            ctx.report(
                Code::S005,
                doc.span(node),
                format!(
                    "role {} in a record with images; TRL's vision collator converts its \
                     messages with prepare_multimodal_messages, which raises on any role but \
                     system, user, assistant and tool (\"Invalid role in message\"){hint}",
                    quote(name)
                ),
            );
        }
        let content = doc.get(message, "content");
        match content.map(|c| doc.kind(c)) {
            Some(Kind::String) if role.as_deref() == Some("user") => scan.string_user = true,
            Some(Kind::Array) if role.as_deref() != Some("tool") => {
                for part in content.map(|c| doc.elements(c)).into_iter().flatten() {
                    let is_image = doc.kind(part) == Kind::Object
                        && doc
                            .get(part, "type")
                            .and_then(|t| doc.str(t))
                            .is_some_and(|t| t == "image");
                    if !is_image {
                        continue;
                    }
                    // TRL fills a part without an "image" key. One with the key, even null
                    // (a datasets column of parts carries every part's keys on each, null
                    // where a part has none), is not counted.
                    if doc.get(part, "image").is_some() {
                        scan.inline = true;
                    } else {
                        scan.placeholders += 1;
                    }
                }
            }
            _ => {}
        }
    }
}
