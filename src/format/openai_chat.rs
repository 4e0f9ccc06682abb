//! OpenAI chat fine-tuning records: `{"messages": [...], "tools"?: [...], "parallel_tool_calls"?: bool}`.
//!
//! The schema follows OpenAI's fine-tuning documentation: roles system, developer, user,
//! assistant, tool and the deprecated function; content as a string, an array of text and
//! image parts, or null on an assistant turn that calls tools; `weight` 0/1 on assistant
//! turns; `tool_calls` whose arguments are a JSON object encoded in a string; tool results
//! paired to calls by `tool_call_id`. A valid tool-calling or multimodal example produces no
//! diagnostic: a validator that rejects valid data gets switched off.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::context::RecordContext;
use crate::diagnostic::Span;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Part, Role, Text, ToolCall};
use crate::registry::Code;
use crate::rule::Level;
use crate::settings::FormatChoice;
use crate::target::{KeyPlace, key_readers};

/// S012's message for the `images`-th image of an example when it is one too many: at the
/// target's limit, naming the target. Without a target there is no limit to judge by (the
/// providers' differ: 10 at Together, 64 at Azure OpenAI, none stated by the trainers).
fn too_many_images(images: usize, ctx: &RecordContext<'_>) -> Option<String> {
    let target = ctx.settings.target?;
    // Where the target's reinforcement fine-tuning takes no images (Azure OpenAI's), the
    // first one in a prompt is one too many.
    if ctx.format == FormatChoice::OpenAiRft && target.rft_images.is_some() {
        return (images == 1).then(|| {
            format!(
                "{} accepts no images in reinforcement fine-tuning data",
                target.title
            )
        });
    }
    let max = target.max_images?.value;
    (images == max + 1)
        .then(|| format!("{} accepts at most {max} images per example", target.title))
}

const TOP_LEVEL_KEYS: &[&str] = &["messages", "tools", "parallel_tool_calls", "functions"];
const ROLES: &str = "system, user, assistant, tool";

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    // Without messages this is not a chat record at all: one S001 says so, rather than an
    // unknown-key warning for every key it does have.
    if doc.get(root, "messages").is_none() {
        missing_key(doc, root, "messages", FormatChoice::OpenAiChat, ctx);
        return None;
    }
    let (messages_node, tools) =
        read_chat_object(doc, root, "the top level of a chat record", ctx)?;
    let mut conv = Conversation {
        messages: Vec::new(),
        span: doc.span(messages_node),
        incomplete: false,
        tools,
        ..Default::default()
    };
    // A target's own key for the system prompt (mistral-finetune's `system_prompt`) is the
    // conversation's first turn: its text is judged, counted and masked as a system
    // message's (a string; `read_chat_object` reported another value).
    if let Some(t) = ctx
        .settings
        .target
        .iter()
        .flat_map(|t| t.keys)
        .filter(|k| k.value.place == KeyPlace::SystemPrompt)
        .flat_map(|k| k.value.names)
        .find_map(|name| doc.get(root, name))
        .and_then(|node| text(doc, node))
    {
        conv.messages
            .push(Message::new(Role::System, t.span, t.span, Content::Text(t)));
    }
    let mut images = 0usize;
    if !read_message_list(
        doc,
        messages_node,
        "\"messages\"",
        ctx,
        &mut conv,
        &mut images,
    ) {
        return None;
    }
    check_tool_pairing(&conv, ctx);
    check_declared_tools(doc, root, &conv, ctx);
    check_image_messages(doc, messages_node, &conv, ctx);
    Some(conv)
}

/// S010 (a warning): a tool call to a function the record's `tools` (or `functions`) do not
/// declare. The chat template renders the declared tools into the prompt, so the example
/// teaches the model to call a tool it was not given. Judged only where every definition
/// names its function (tools encoded as a string, say, are not read here).
pub(crate) fn check_declared_tools(
    doc: &Document<'_, '_>,
    obj: NodeId,
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
) {
    if !ctx.enabled(Code::S010) || conv.messages.iter().all(|m| m.tool_calls.is_empty()) {
        return;
    }
    let Some(declared) = declared_functions(doc, obj, ctx) else {
        return;
    };
    for m in &conv.messages {
        for call in &m.tool_calls {
            let Some(name) = &call.name else { continue };
            if declared.iter().any(|d| d.as_ref() == name.value.as_ref()) {
                continue;
            }
            let listed: Vec<String> = declared.iter().take(5).map(|d| quote(d)).collect();
            let more = if declared.len() > 5 { ", ..." } else { "" };
            ctx.report_capped(
                Code::S010,
                crate::rule::Level::Warning,
                name.span,
                format!(
                    "tool call names {}, which the record's tools do not declare ({}{more}); the example teaches the model to call a tool it was not given",
                    quote(&name.value),
                    listed.join(", ")
                ),
            );
        }
    }
}

/// The function names `tools` (`{"type": "function", "function": {"name"}}`), the
/// deprecated `functions` (`{"name"}`) and, under a target that reads tools under another
/// name, that key of a chat object declare; `None` when it declares none, or one of its
/// definitions names no function.
fn declared_functions<'s>(
    doc: &Document<'_, 's>,
    obj: NodeId,
    ctx: &RecordContext<'_>,
) -> Option<Vec<Cow<'s, str>>> {
    let mut names = Vec::new();
    let others = ctx
        .settings
        .target
        .iter()
        .flat_map(|t| t.keys)
        .filter(|k| k.value.place == KeyPlace::Tools)
        .flat_map(|k| k.value.names.iter().map(|n| (*n, true)));
    for (key, nested) in [("tools", true), ("functions", false)]
        .into_iter()
        .chain(others)
    {
        let Some(list) = doc.get(obj, key).filter(|l| doc.kind(*l) == Kind::Array) else {
            continue;
        };
        for def in doc.elements(list) {
            let function = if nested {
                doc.get(def, "function")?
            } else {
                def
            };
            let name = doc.str(doc.get(function, "name")?)?;
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    (!names.is_empty()).then_some(names)
}

/// The target's image rules, where it reads this record's format.
fn image_rules(ctx: &RecordContext<'_>) -> Option<(&'static str, crate::target::ImageData)> {
    let target = ctx.settings.target?;
    if !target.accepts(ctx.format.read_as().as_str()) {
        return None;
    }
    Some((target.title, target.image_data?.value))
}

/// Together's rules on the messages of an example with images: a message holding an image
/// carries no non-zero `weight` (S009), and the messages' content is all strings or all
/// lists of parts (S007).
fn check_image_messages(
    doc: &Document<'_, '_>,
    messages: NodeId,
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
) {
    let Some((title, rules)) = image_rules(ctx) else {
        return;
    };
    if rules.unweighted {
        for (m, node) in conv.messages.iter().zip(doc.elements(messages)) {
            if m.content.has_image()
                && m.weight.is_some_and(|w| w != 0)
                && let Some(weight) = doc.get(node, "weight")
            {
                ctx.report(
                    Code::S009,
                    doc.span(weight),
                    format!("a message with an image has a non-zero \"weight\", which {title} rejects; drop the weight or make it 0"),
                );
            }
        }
    }
    if rules.uniform_content {
        let parts = |m: &&Message<'_>| matches!(m.content, Content::Parts { .. });
        let text = |m: &&Message<'_>| matches!(m.content, Content::Text(_));
        let first_parts = conv.messages.iter().find(parts);
        let first_text = conv.messages.iter().find(text);
        if let (Some(p), Some(t)) = (first_parts, first_text) {
            // Reported on the later of the two: the message that breaks the pattern.
            let (odd, kind) = if p.span.start > t.span.start {
                (p, "a list of parts, where an earlier message's is a string")
            } else {
                (t, "a string, where an earlier message's is a list of parts")
            };
            ctx.report(
                Code::S007,
                odd.role_span,
                format!("this message's content is {kind}; {title} takes a conversation's messages all as strings or all as lists of parts (write each text as a {{\"type\": \"text\"}} part)"),
            );
        }
    }
}

/// Reads the keys of a chat object (`messages`, `tools`, `parallel_tool_calls`,
/// `functions`), checking all but `messages`, whose node it returns with the span of the
/// tool definitions (`tools`, else the deprecated `functions`).
pub(crate) fn read_chat_object(
    doc: &Document<'_, '_>,
    obj: NodeId,
    place: &str,
    ctx: &mut RecordContext<'_>,
) -> Option<(NodeId, Option<Span>)> {
    let mut messages_node = None;
    let (mut tools, mut functions) = (None, None);
    // A target's own key for the tool definitions, and for the system prompt.
    let (mut tools_under, mut system_prompt) = (None, None);
    for (key, value) in doc.members(obj) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        match name.as_ref() {
            "messages" => messages_node = Some(value),
            other
                if obj == doc.root()
                    && doc.kind(value) != Kind::Null
                    && target_reads_at(ctx, KeyPlace::Tools, other) =>
            {
                check_tool_definitions(doc, value, ctx);
                tools_under = Some((key, value));
            }
            other
                if obj == doc.root()
                    && doc.kind(value) != Kind::Null
                    && target_reads_at(ctx, KeyPlace::SystemPrompt, other) =>
            {
                if doc.kind(value) == Kind::String {
                    system_prompt = Some(key);
                } else {
                    ctx.report(
                        Code::S007,
                        doc.span(value),
                        format!(
                            "{} is {}; expected the system prompt as a string",
                            quote(other),
                            describe(doc, value)
                        ),
                    );
                }
            }
            other if obj == doc.root() && target_reads_at(ctx, KeyPlace::RecordFlag, other) => {
                if !matches!(doc.kind(value), Kind::Bool | Kind::Null) {
                    ctx.report(
                        Code::S007,
                        doc.span(value),
                        format!(
                            "{} is {}; expected true or false",
                            quote(other),
                            describe(doc, value)
                        ),
                    );
                }
            }
            // A null is an absent key, as on a message: pydantic's `model_dump_json()`
            // (eval-protocol rows, Fireworks' RL samples) and Hugging Face `datasets`'
            // `to_json()` write an optional field a record does not use as null.
            "tools" | "functions" | "parallel_tool_calls"
                if doc.kind(value) == Kind::Null && !target_leaves_unread(ctx, &name) => {}
            "tools" => {
                check_tool_definitions(doc, value, ctx);
                tools = Some(doc.span(value));
            }
            "parallel_tool_calls" if !target_leaves_unread(ctx, &name) => {
                if doc.kind(value) != Kind::Bool {
                    ctx.report(
                        Code::S010,
                        doc.span(value),
                        format!(
                            "`parallel_tool_calls` is {}; expected true or false",
                            describe(doc, value)
                        ),
                    );
                }
            }
            "functions" if !target_leaves_unread(ctx, &name) => {
                check_function_definitions(doc, value, ctx);
                functions = Some(doc.span(value));
            }
            key if CHAT_TEMPLATE_KEYS.contains(&key) && chat_template_tools(ctx) => {}
            _ if unused_key(doc, value, obj == doc.root(), ctx) => {}
            other if obj == doc.root() && target_reads_at(ctx, KeyPlace::Record, other) => {
                if doc.kind(value) != Kind::Number {
                    ctx.report(
                        Code::S007,
                        doc.span(value),
                        format!(
                            "{} is {}; expected a number",
                            quote(other),
                            describe(doc, value)
                        ),
                    );
                }
            }
            other => {
                let at_root = obj == doc.root();
                let note = if target_leaves_unread(ctx, other) {
                    unread_note(ctx, other)
                } else if at_root
                    && CHAT_TEMPLATE_KEYS[..2].contains(&other)
                    && ctx
                        .settings
                        .target
                        .is_some_and(|t| t.accepts(FormatChoice::LlamaFactory.as_str()))
                {
                    // LLaMA-Factory reads media columns its dataset_info.json entry names.
                    format!(
                        "; LLaMA-Factory reads it when dataset_info.json maps the column: \
                         \"columns\": {{\"images\": {}}}",
                        quote(other)
                    )
                } else {
                    let readers = if !at_root {
                        Vec::new()
                    } else if CHAT_TEMPLATE_KEYS.contains(&other) {
                        crate::target::ALL
                            .iter()
                            .filter(|t| t.chat_template_tools())
                            .map(|t| t.name)
                            .collect()
                    } else {
                        let mut readers: Vec<&str> = KeyPlace::RECORD
                            .iter()
                            .flat_map(|&place| key_readers(place, other))
                            .collect();
                        readers.dedup();
                        readers
                    };
                    readers_note(ctx, &readers)
                };
                let allowed: Vec<&str> = TOP_LEVEL_KEYS
                    .iter()
                    .copied()
                    .filter(|k| !target_leaves_unread(ctx, k))
                    .collect();
                unknown_key_noted(ctx, doc.span(key), other, place, &allowed, &note, at_root);
            }
        }
    }
    check_target_key_pairs(doc, messages_node, tools, tools_under, system_prompt, ctx);
    let tools_under = tools_under.map(|(_, value)| doc.span(value));
    messages_node.map(|m| (m, tools.or(tools_under).or(functions)))
}

/// What a target that reads the tools or the system prompt under keys of its own refuses
/// (mistral-finetune): its tools key beside `tools` (S010), its system prompt key beside a
/// system message (O005: the second system prompt).
fn check_target_key_pairs(
    doc: &Document<'_, '_>,
    messages: Option<NodeId>,
    tools: Option<Span>,
    tools_under: Option<(NodeId, NodeId)>,
    system_prompt: Option<NodeId>,
    ctx: &mut RecordContext<'_>,
) {
    let Some(target) = ctx.settings.target else {
        return;
    };
    if let (Some(_), Some((key, _))) = (tools, tools_under) {
        ctx.report(
            Code::S010,
            doc.span(key),
            format!(
                "the record has both \"tools\" and {}, which {} refuses (\"You can only have one\"); keep one of them",
                quote(&doc.str(key).unwrap_or_default()),
                target.title
            ),
        );
    }
    let (Some(key), Some(messages)) = (system_prompt, messages) else {
        return;
    };
    if !ctx.enabled(Code::O005) || doc.kind(messages) != Kind::Array {
        return;
    }
    let system = doc.elements(messages).find_map(|m| {
        let role = doc.get(m, "role")?;
        (doc.str(role).as_deref() == Some("system")).then_some(role)
    });
    if let Some(role) = system {
        ctx.report(
            Code::O005,
            doc.span(role),
            format!(
                "a system message beside the record's {}, which {} refuses (\"Only one is allowed\"): give the system prompt once",
                quote(&doc.str(key).unwrap_or_default()),
                target.title
            ),
        );
    }
}

/// Top-level keys the trainers that hand a record to the chat template read beside its
/// messages: a vision dataset's images, which the template's `{"type": "image"}` parts stand
/// for (TRL, Unsloth, axolotl), and the template's own arguments.
const CHAT_TEMPLATE_KEYS: [&str; 3] = ["images", "image", "chat_template_kwargs"];

/// S001 for a record without a required key, with a hint when the record has the shape of
/// another format.
/// Whether none of the keys of the record `root` is one of `keys`: a record of another shape
/// altogether. [`missing_key`] says so and lists its keys; an S008 for each key would only
/// repeat the list. A record with one key of the format keeps its S008s, which point at a
/// misspelt key.
pub(crate) fn foreign_record(doc: &Document<'_, '_>, root: NodeId, keys: &[&str]) -> bool {
    doc.members(root)
        .all(|(k, _)| doc.str(k).is_none_or(|k| !keys.contains(&k.as_ref())))
}

pub(crate) fn missing_key(
    doc: &Document<'_, '_>,
    obj: NodeId,
    key: &str,
    format: FormatChoice,
    ctx: &mut RecordContext<'_>,
) {
    let hint = match crate::format::detect(doc) {
        Some(other) if other != format => {
            // Set by the configuration: say where, to change it there. Detected from the
            // file's first records: say how to set it.
            let how = match &ctx.settings.format_source {
                Some(source) => format!("{source} says so"),
                None => "set `format` in tunelint.toml".to_owned(),
            };
            format!(
                "; this record looks like {} format, but the file is read as {} ({how})",
                other.as_str(),
                format.as_str()
            )
        }
        Some(_) => String::new(),
        None => {
            let keys: Vec<String> = doc
                .members(obj)
                .take(6)
                .map(|(k, _)| quote(&doc.str(k).unwrap_or_default()))
                .collect();
            let texts: Vec<Cow<'_, str>> = doc
                .members(obj)
                .filter(|&(_, v)| doc.kind(v) == Kind::String)
                .filter_map(|(k, _)| doc.str(k))
                .collect();
            if keys.is_empty() {
                "; the record is an empty object".to_string()
            } else if let [prompt, response] = texts.as_slice()
                && keys.len() == 2
                && key == "messages"
                && ctx
                    .settings
                    .target
                    .is_none_or(|t| t.accepts(FormatChoice::LlamaFactory.as_str()))
            {
                // A question and an answer under names of its own (GSM8K's): LLaMA-Factory
                // trains on it once its columns are named.
                format!(
                    "; its keys ({}) match no supported format; to train on it as a prompt and \
                     a response, name its columns in a LLaMA-Factory dataset_info.json entry: \
                     \"columns\": {{\"prompt\": {}, \"response\": {}}}",
                    keys.join(", "),
                    quote(prompt),
                    quote(response)
                )
            } else {
                format!("; its keys ({}) match no supported format", keys.join(", "))
            }
        }
    };
    ctx.report(
        Code::S001,
        doc.span(obj),
        format!("record has no \"{key}\" key{hint}"),
    );
}

/// Reads an array of messages into `conv`; false (with S002) when it is not a non-empty array.
pub(crate) fn read_message_list<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    what: &str,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
    images: &mut usize,
) -> bool {
    let span = doc.span(node);
    if doc.kind(node) != Kind::Array {
        ctx.report(
            Code::S002,
            span,
            format!(
                "{what} is {}; expected an array of messages",
                describe(doc, node)
            ),
        );
        return false;
    }
    if doc.len(node) == 0 {
        ctx.report(
            Code::S002,
            span,
            format!("{what} is empty; expected at least one message"),
        );
        return false;
    }
    conv.messages.reserve(doc.len(node));
    for element in doc.elements(node) {
        match read_message(doc, element, ctx, images) {
            Some(message) => {
                if message.role == Role::Unknown {
                    conv.incomplete = true;
                }
                conv.messages.push(message);
            }
            None => conv.incomplete = true,
        }
    }
    true
}

/// Whether `node`, a message of a conversation, is an object; reports S003 when it is not
/// (lazily: an array of five million numbers shows ten of these).
pub(crate) fn message_object(
    doc: &Document<'_, '_>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) -> bool {
    if doc.kind(node) == Kind::Object {
        return true;
    }
    ctx.report_with(Code::S003, || {
        (
            doc.span(node),
            format!(
                "message is {}; expected an object with \"role\" and \"content\"",
                describe(doc, node)
            ),
        )
    });
    false
}

pub(crate) fn read_message<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
    images: &mut usize,
) -> Option<Message<'s>> {
    let span = doc.span(node);
    if !message_object(doc, node, ctx) {
        return None;
    }
    let (role, role_span) = match doc.get(node, "role") {
        None => {
            ctx.report(Code::S004, span, "message has no \"role\"");
            (Role::Unknown, span)
        }
        Some(r) => match doc.str(r) {
            None => {
                ctx.report_with(Code::S004, || {
                    (
                        doc.span(r),
                        format!(
                            "\"role\" is {}; expected a string such as \"user\"",
                            describe(doc, r)
                        ),
                    )
                });
                (Role::Unknown, doc.span(r))
            }
            Some(name) => (read_role(&name, doc.span(r), ctx), doc.span(r)),
        },
    };

    let mut message = Message::new(role, role_span, span, Content::Missing);
    // The rank (in transformers' order) of the key the chain of thought was read from.
    let mut reasoning_rank = usize::MAX;
    let mut has_function_call = false;
    let mut content_node = None;
    for (key, value) in doc.members(node) {
        let key_name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        // A null is an absent key: Hugging Face `datasets` (Arrow) writes every key any
        // message of a column has on every message, null where a message has none
        // (`"name": null, "tool_call_id": null` on a user turn), in Parquet and in the JSON
        // Lines of `to_json()` alike. Only a null `content` says something.
        if key_name != "content" && key_name != "role" && doc.kind(value) == Kind::Null {
            continue;
        }
        match key_name.as_ref() {
            "role" => {}
            "content" => content_node = Some(value),
            "name" => match text(doc, value) {
                Some(t) => message.name = Some(t),
                None => ctx.report(
                    Code::S003,
                    doc.span(value),
                    format!("\"name\" is {}; expected a string", describe(doc, value)),
                ),
            },
            "weight" => message.weight = read_weight(doc, value, role, ctx),
            "tool_calls" if role == Role::Assistant || role == Role::Unknown => {
                message.tool_calls = read_tool_calls(doc, value, ctx);
            }
            "function_call"
                if (role == Role::Assistant || role == Role::Unknown)
                    && !target_leaves_unread(ctx, "function_call") =>
            {
                has_function_call = true;
                if let Some(call) = read_function(doc, value, "\"function_call\"", ctx) {
                    message.tool_calls.push(call);
                }
            }
            "tool_calls" | "function_call" if !target_leaves_unread(ctx, &key_name) => {
                ctx.report(
                    Code::S010,
                    doc.span(key),
                    format!(
                        "\"{key_name}\" on {} message; only assistant messages call tools",
                        with_article(role.as_str())
                    ),
                );
            }
            "tool_call_id" if role == Role::Tool || role == Role::Unknown => match text(doc, value)
            {
                Some(t) => message.tool_call_id = Some(t),
                None => ctx.report(
                    Code::S011,
                    doc.span(value),
                    format!(
                        "\"tool_call_id\" is {}; expected the id of an earlier tool call",
                        describe(doc, value)
                    ),
                ),
            },
            "refusal" if role == Role::Assistant || role == Role::Unknown => {
                match text(doc, value) {
                    Some(t) => message.refusals.push(t),
                    None => ctx.report(
                        Code::S003,
                        doc.span(value),
                        format!(
                            "\"refusal\" is {}; expected a string or null",
                            describe(doc, value)
                        ),
                    ),
                }
            }
            other if role == Role::Assistant && target_reads(ctx, other) => {
                match text(doc, value) {
                    // A message with its chain of thought under two keys (vLLM writes the
                    // same text in both): a template renders one, the first of
                    // transformers' order; the other is searched, not counted.
                    Some(t) => {
                        let rank = crate::tokens::hf::reasoning_rank(other);
                        if rank < reasoning_rank {
                            reasoning_rank = rank;
                            message.reasoning_unread.append(&mut message.reasoning);
                            message.reasoning.push(t);
                        } else {
                            message.reasoning_unread.push(t);
                        }
                    }
                    None => ctx.report(
                        Code::S007,
                        doc.span(value),
                        format!(
                            "{} is {}; expected a string",
                            quote(other),
                            describe(doc, value)
                        ),
                    ),
                }
            }
            other => {
                let allowed: &[&str] = match role {
                    Role::Assistant => &[
                        "role",
                        "content",
                        "name",
                        "weight",
                        "tool_calls",
                        "function_call",
                        "refusal",
                    ],
                    Role::Tool if chat_template_tools(ctx) => {
                        &["role", "content", "tool_call_id", "name"]
                    }
                    Role::Tool => &["role", "content", "tool_call_id"],
                    _ => &["role", "content", "name"],
                };
                let allowed: Vec<&str> = allowed
                    .iter()
                    .copied()
                    .filter(|k| !target_leaves_unread(ctx, k))
                    .collect();
                let readers = match role {
                    Role::Assistant => key_readers(KeyPlace::AssistantMessage, other),
                    _ => Vec::new(),
                };
                // A chain of thought some targets train on: without a target, the one that
                // trains on the file may be one of them.
                if !readers.is_empty()
                    && ctx.settings.target.is_none()
                    && let Some(t) = text(doc, value)
                {
                    message.reasoning_unread.push(t);
                }
                let place = format!("{} message", with_article(role.as_str()));
                // A key some targets read (a chain of thought): say which. One of OpenAI's
                // that the target leaves unread: say what it reads instead.
                let note = if target_leaves_unread(ctx, other) {
                    unread_note(ctx, other)
                } else {
                    readers_note(ctx, &readers)
                };
                unknown_key_noted(ctx, doc.span(key), other, &place, &allowed, &note, false);
            }
        }
    }
    if role == Role::Tool
        && !chat_template_tools(ctx)
        && message.tool_call_id.is_none()
        && doc
            .get(node, "tool_call_id")
            .is_none_or(|v| doc.kind(v) == Kind::Null)
    {
        ctx.report(
            Code::S011,
            role_span,
            "tool message has no \"tool_call_id\"; it must name the tool call it answers",
        );
    }
    if role == Role::Function && message.name.is_none() {
        ctx.report(
            Code::S003,
            role_span,
            "function message has no \"name\"; it must name the function whose result it carries",
        );
    }

    // A refusal stands in for content, as a tool call does.
    let has_refusal = role == Role::Assistant
        && doc
            .get(node, "refusal")
            .is_some_and(|r| doc.kind(r) == Kind::String);
    let calls_tools = !message.tool_calls.is_empty() || has_function_call || has_refusal;
    message.content = match content_node {
        None => {
            if !(role == Role::Assistant && calls_tools) && role != Role::Unknown {
                ctx.report(
                    Code::S006,
                    role_span,
                    format!(
                        "{} message has no \"content\"{}",
                        role.as_str(),
                        if role == Role::Assistant {
                            " and no tool call"
                        } else {
                            ""
                        }
                    ),
                );
            }
            Content::Missing
        }
        Some(c) => read_content(
            doc,
            c,
            role,
            calls_tools,
            ctx,
            images,
            &mut message.refusals,
        ),
    };
    if role == Role::Assistant
        && !message.tool_calls.is_empty()
        && message.content.texts().any(|t| !t.value.is_empty())
        && let Some(target) = ctx.settings.target
        && let Some(rule) = target.calls_without_text
        && let Some(c) = content_node
    {
        ctx.report(
            Code::S010,
            doc.span(c),
            format!(
                "assistant message has both text and tool calls, which {} refuses ({}); put the text in an assistant turn of its own or leave it out",
                target.title, rule.value
            ),
        );
    }
    Some(message)
}

fn read_role(name: &str, span: Span, ctx: &mut RecordContext<'_>) -> Role {
    read_role_in(name, span, ROLES, ctx)
}

/// The role an OpenAI role name stands for; `None` for a name outside OpenAI's set.
fn openai_role(name: &str) -> Option<Role> {
    Some(match name {
        "system" => Role::System,
        "developer" => Role::Developer,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "tool" => Role::Tool,
        "function" => Role::Function,
        _ => return None,
    })
}

/// Maps a role name to a [`Role`], reporting S005 for names outside OpenAI's set.
pub(crate) fn read_role_in(
    name: &str,
    span: Span,
    expected: &str,
    ctx: &mut RecordContext<'_>,
) -> Role {
    match openai_role(name) {
        // Reinforcement fine-tuning's reasoning models take developer instructions; under a
        // target its role list decides (`format::check_target_roles`).
        Some(Role::Developer)
            if ctx.format != FormatChoice::OpenAiRft && ctx.settings.target.is_none() =>
        {
            ctx.report_capped(
                Code::S005,
                Level::Warning,
                span,
                "role \"developer\" is not accepted by every fine-tuning API; use \"system\" for instructions",
            );
            Role::Developer
        }
        Some(role) => role,
        None if let Some(role) = super::converted_role(name, ctx) => role,
        // A name in the default role map of axolotl's chat datasets (`human`, `gpt`), under
        // a target that reads them (the map applies to `messages` too).
        None if ctx.settings.target.is_some_and(|t| {
            t.accepts(FormatChoice::AxolotlChat.as_str()) && t.roles.value.contains(&name)
        }) && super::role_named(name).is_some() =>
        {
            super::role_named(name).unwrap_or(Role::Unknown)
        }
        // Already S005 by the vision check, as an error (`format::trl::check_vision`).
        None if ctx.vision => Role::Unknown,
        None => {
            let hint = match role_alias(name) {
                Some(r) => format!(" (did you mean \"{r}\"?)"),
                None => String::new(),
            };
            // Under a target that reads the file, at its level (a trainer hands the role to
            // the chat template, a provider rejects the upload); its list when it reads the
            // file with these role names (all OpenAI's, or mapped as axolotl's chat datasets
            // map them).
            let target = ctx
                .settings
                .target
                .filter(|t| t.accepts(ctx.format.read_as().as_str()));
            let listed = target
                .filter(|t| {
                    t.accepts(FormatChoice::AxolotlChat.as_str())
                        || t.roles.value.iter().all(|r| openai_role(r).is_some())
                })
                .map_or_else(|| expected.to_string(), |t| t.roles.value.join(", "));
            let message = format!(
                "unknown role {}; expected one of {listed}{hint}",
                quote(name)
            );
            match target {
                Some(t) => ctx.report_capped(Code::S005, t.role_level(), span, message),
                None => ctx.report(Code::S005, span, message),
            }
            Role::Unknown
        }
    }
}

/// The role other formats and habits call by another name.
pub(crate) fn role_alias(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_ascii_lowercase();
    Some(match lower.as_str() {
        "system" | "sys" | "instruction" | "instructions" => "system",
        "user" | "human" | "customer" | "question" | "prompt" | "usr" => "user",
        "assistant" | "gpt" | "bot" | "model" | "ai" | "chatbot" | "agent" | "answer"
        | "response" | "asistant" | "assistent" => "assistant",
        "tool" | "observation" | "tool_result" | "function_response" | "ipython" => "tool",
        _ => return None,
    })
}

fn read_weight(
    doc: &Document<'_, '_>,
    value: NodeId,
    role: Role,
    ctx: &mut RecordContext<'_>,
) -> Option<u8> {
    let span = doc.span(value);
    let any_message = ctx
        .settings
        .target
        .is_some_and(|t| t.weights_any_message.is_some());
    if role != Role::Assistant && role != Role::Unknown && !any_message {
        // Without a target, the targets that weight any message (as S008's notes say who
        // reads a key).
        let readers: Vec<&str> = crate::target::ALL
            .iter()
            .filter(|t| t.weights_any_message.is_some())
            .map(|t| t.name)
            .collect();
        let note = if ctx.settings.target.is_none() && !readers.is_empty() {
            let takes = if readers.len() == 1 { "takes" } else { "take" };
            format!(
                "; {} {takes} it on any message (set `target`)",
                crate::target::list(&readers)
            )
        } else {
            String::new()
        };
        ctx.report(
            Code::S009,
            span,
            format!(
                "\"weight\" on {} message; only assistant messages can be weighted{note}",
                with_article(role.as_str())
            ),
        );
        return None;
    }
    // By value, however the number is spelt: `1.0` is what a float column of pandas or
    // numpy writes, `1e0` another writer's 1. Python's own check (`weight in {0, 1}`) and
    // every JSON reader take it as 1, and no provider documents refusing it.
    match doc.number(value) {
        Some(0.0) => Some(0),
        Some(1.0) => Some(1),
        _ => {
            ctx.report(
                Code::S009,
                span,
                format!("\"weight\" is {}; expected 0 or 1", describe(doc, value)),
            );
            None
        }
    }
}

/// A message's content as written at `node` (a string or a list of parts), for a format
/// that holds it outside a message (Together's instruction records with images); the text
/// of its refusal parts goes to `refusals`.
pub(crate) fn read_content_value<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    role: Role,
    ctx: &mut RecordContext<'_>,
    images: &mut usize,
    refusals: &mut Vec<Text<'s>>,
) -> Content<'s> {
    read_content(doc, node, role, false, ctx, images, refusals)
}

/// The content at `node`, and in `refusals` the text of its refusal parts, which are no
/// part of what the message says but are trained on.
fn read_content<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    role: Role,
    calls_tools: bool,
    ctx: &mut RecordContext<'_>,
    images: &mut usize,
    refusals: &mut Vec<Text<'s>>,
) -> Content<'s> {
    let span = doc.span(node);
    match doc.kind(node) {
        Kind::String => Content::Text(Text {
            value: doc.str(node).unwrap_or_default(),
            span,
        }),
        Kind::Null => {
            if !(role == Role::Assistant && calls_tools) && role != Role::Unknown {
                ctx.report(
                    Code::S006,
                    span,
                    format!(
                        "{} message has null content and no tool call",
                        role.as_str()
                    ),
                );
            }
            Content::Null { span }
        }
        Kind::Array => {
            if doc.len(node) == 0 {
                ctx.report(
                    Code::S007,
                    span,
                    "content is an empty array; expected at least one text or image part",
                );
                return Content::Invalid { span };
            }
            let mut parts = Vec::with_capacity(doc.len(node));
            for part in doc.elements(node) {
                if let Some(p) = read_part(doc, part, role, ctx, images, refusals) {
                    parts.push(p);
                }
            }
            Content::Parts { span, parts }
        }
        _ => {
            ctx.report(
                Code::S007,
                span,
                format!(
                    "content is {}; expected a string or an array of content parts",
                    describe(doc, node)
                ),
            );
            Content::Invalid { span }
        }
    }
}

fn read_part<'s>(
    doc: &Document<'_, 's>,
    part: NodeId,
    role: Role,
    ctx: &mut RecordContext<'_>,
    images: &mut usize,
    refusals: &mut Vec<Text<'s>>,
) -> Option<Part<'s>> {
    let span = doc.span(part);
    if doc.kind(part) != Kind::Object {
        ctx.report_with(Code::S007, || {
            (
                span,
                format!(
                    "content part is {}; expected an object with a \"type\"",
                    describe(doc, part)
                ),
            )
        });
        return None;
    }
    let Some(type_node) = doc.get(part, "type") else {
        ctx.report(
            Code::S007,
            span,
            "content part has no \"type\"; expected \"text\" or \"image_url\"",
        );
        return None;
    };
    let kind = doc.str(type_node);
    match kind.as_deref() {
        Some("text") => {
            // A text part's keys, and those its target reads on one (no allocation per part
            // without such a target).
            const TEXT_PART: &[&str] = &["type", "text"];
            let more = ctx.settings.target.and_then(|t| {
                t.keys
                    .iter()
                    .find(|k| k.value.place == KeyPlace::TextPart)
                    .map(|k| [TEXT_PART, k.value.names].concat())
            });
            check_part_keys(doc, part, more.as_deref().unwrap_or(TEXT_PART), ctx);
            match doc.get(part, "text").and_then(|t| text(doc, t)) {
                Some(t) => Some(Part::Text(t)),
                None => {
                    let at = doc.get(part, "text").map_or(span, |t| doc.span(t));
                    ctx.report(Code::S007, at, "text part needs a string \"text\"");
                    None
                }
            }
        }
        // An assistant may refuse in a part of its own.
        Some("refusal") if matches!(role, Role::Assistant | Role::Unknown) => {
            check_part_keys(doc, part, &["type", "refusal"], ctx);
            match doc.get(part, "refusal").and_then(|r| text(doc, r)) {
                Some(t) => refusals.push(t),
                None => {
                    let at = doc.get(part, "refusal").map_or(span, |r| doc.span(r));
                    ctx.report(Code::S007, at, "refusal part needs a string \"refusal\"");
                }
            }
            None
        }
        // TRL's vision datasets: a placeholder for the next image of the `images` column, or
        // (Unsloth, axolotl) the image itself by path, URL or base64, as a chat template
        // takes it.
        Some("image") if ctx.format.is_trl() || chat_template_tools(ctx) => {
            // `index`: the image's place in the `images` column (llava-instruct-mix).
            check_part_keys(
                doc,
                part,
                &["type", "image", "path", "url", "base64", "index"],
                ctx,
            );
            *images += 1;
            if role != Role::User && role != Role::Unknown && role != Role::System {
                ctx.report(
                    Code::S012,
                    span,
                    format!(
                        "image in {} message; images belong in user messages",
                        with_article(role.as_str())
                    ),
                );
            }
            Some(Part::Image { span })
        }
        // Audio and video as the chat template takes them (axolotl's multimodal datasets,
        // Hugging Face's chat templates for audio and video models).
        Some("audio" | "video") if ctx.format.is_trl() || chat_template_tools(ctx) => {
            check_part_keys(
                doc,
                part,
                &["type", "audio", "video", "path", "url", "base64"],
                ctx,
            );
            Some(Part::Image { span })
        }
        Some("image_url") => {
            check_part_keys(doc, part, &["type", "image_url"], ctx);
            *images += 1;
            if role != Role::User && role != Role::Unknown {
                ctx.report(
                    Code::S012,
                    span,
                    format!(
                        "image in {} message; images belong in user messages",
                        with_article(role.as_str())
                    ),
                );
            } else if let Some(message) = too_many_images(*images, ctx) {
                ctx.report(Code::S012, span, message);
            }
            check_image(doc, part, ctx);
            Some(Part::Image { span })
        }
        Some(other) => {
            ctx.report(
                Code::S007,
                doc.span(type_node),
                format!(
                    "unknown content part type {}; expected \"text\" or \"image_url\"",
                    quote(other)
                ),
            );
            None
        }
        None => {
            ctx.report(
                Code::S007,
                doc.span(type_node),
                format!(
                    "content part \"type\" is {}; expected \"text\" or \"image_url\"",
                    describe(doc, type_node)
                ),
            );
            None
        }
    }
}

fn check_part_keys(
    doc: &Document<'_, '_>,
    part: NodeId,
    allowed: &[&str],
    ctx: &mut RecordContext<'_>,
) {
    for (key, value) in doc.members(part) {
        let name = doc.str(key).unwrap_or_default();
        // A null is an absent key, as on a message: Arrow writes every key of a column's
        // parts on every part (`{"type": "image", "text": null}`).
        if !allowed.contains(&name.as_ref()) && doc.kind(value) != Kind::Null {
            unknown_key(ctx, doc.span(key), &name, "a content part", allowed);
        }
    }
}

fn check_image(doc: &Document<'_, '_>, part: NodeId, ctx: &mut RecordContext<'_>) {
    let Some(image) = doc.get(part, "image_url") else {
        ctx.report(
            Code::S012,
            doc.span(part),
            "image part has no \"image_url\"",
        );
        return;
    };
    if doc.kind(image) != Kind::Object {
        ctx.report(
            Code::S012,
            doc.span(image),
            format!(
                "\"image_url\" is {}; expected an object with a \"url\"",
                describe(doc, image)
            ),
        );
        return;
    }
    for (key, value) in doc.members(image) {
        let name = doc.str(key).unwrap_or_default();
        match name.as_ref() {
            "url" => {}
            "detail" => {
                if !matches!(doc.str(value).as_deref(), Some("auto" | "low" | "high")) {
                    ctx.report(
                        Code::S012,
                        doc.span(value),
                        "image \"detail\" must be \"auto\", \"low\" or \"high\"",
                    );
                }
            }
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "an image_url object",
                &["url", "detail"],
            ),
        }
    }
    let Some(url_node) = doc.get(image, "url") else {
        ctx.report(Code::S012, doc.span(image), "\"image_url\" has no \"url\"");
        return;
    };
    let Some(url) = doc.str(url_node) else {
        ctx.report(
            Code::S012,
            doc.span(url_node),
            format!(
                "image \"url\" is {}; expected a string",
                describe(doc, url_node)
            ),
        );
        return;
    };
    if let Some(problem) = image_url_problem(&url) {
        ctx.report(Code::S012, doc.span(url_node), problem);
        return;
    }
    if let Some((title, rules)) = image_rules(ctx) {
        let mime = url
            .strip_prefix("data:")
            .and_then(|rest| rest.split_once(";base64,"))
            .map(|(mime, _)| mime);
        let types = rules
            .mime_types
            .iter()
            .map(|t| t.trim_start_matches("image/"))
            .collect::<Vec<_>>()
            .join(", ");
        match mime {
            Some(mime) if rules.mime_types.contains(&mime) => {}
            Some(mime) => ctx.report(
                Code::S012,
                doc.span(url_node),
                format!("image of type {}; {title} takes base64 images of these types only: {types}", quote(mime)),
            ),
            None => ctx.report(
                Code::S012,
                doc.span(url_node),
                format!("image given as a link; {title} takes images only as base64 data URLs ({types}): download the image and embed it as data:image/...;base64,..."),
            ),
        }
        if let Some(max) = rules.max_url_chars
            && url.len() > max
        {
            ctx.report(
                Code::S012,
                doc.span(url_node),
                format!(
                    "image data URL of {} characters; {title} takes images of at most 10 MB ({} characters of base64)",
                    crate::wording::thousands(url.len() as u64),
                    crate::wording::thousands(max as u64)
                ),
            );
        }
    }
}

/// What is wrong with an image URL, if anything: it must be http(s) or a base64 data URL of
/// an image type the API reads.
fn image_url_problem(url: &str) -> Option<String> {
    if url.starts_with("https://") || url.starts_with("http://") {
        return None;
    }
    let Some(rest) = url.strip_prefix("data:") else {
        return Some(format!(
            "image URL {} is neither an http(s) URL nor a data: URL",
            crate::wording::quote_cut(url, 24)
        ));
    };
    let Some((meta, data)) = rest.split_once(',') else {
        return Some("malformed data URL: no ',' before the data".into());
    };
    let Some(mime) = meta.strip_suffix(";base64") else {
        return Some("malformed data URL: images must be base64-encoded (\";base64,\")".into());
    };
    if !matches!(
        mime,
        "image/png" | "image/jpeg" | "image/jpg" | "image/gif" | "image/webp"
    ) {
        return Some(format!(
            "data URL of type {}; expected image/png, image/jpeg, image/gif or image/webp",
            quote(mime)
        ));
    }
    if data.is_empty() {
        return Some("malformed data URL: no image data".into());
    }
    let body = data.trim_end_matches('=');
    if data.len() - body.len() > 2
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    {
        return Some("malformed data URL: the data is not valid base64".into());
    }
    if data.len() % 4 != 0 {
        return Some("malformed data URL: base64 data length is not a multiple of 4".into());
    }
    None
}

pub(crate) fn read_tool_calls<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Vec<ToolCall<'s>> {
    read_tool_calls_with(doc, node, ctx, false)
}

/// [`read_tool_calls`]; `function_only`: the reader takes each call's `function` alone
/// (LLaMA-Factory's `openai` formatting), so a call needs neither `type` nor `id`.
pub(crate) fn read_tool_calls_with<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
    function_only: bool,
) -> Vec<ToolCall<'s>> {
    if doc.kind(node) != Kind::Array {
        ctx.report(
            Code::S010,
            doc.span(node),
            format!(
                "\"tool_calls\" is {}; expected an array of tool calls",
                describe(doc, node)
            ),
        );
        return Vec::new();
    }
    let mut calls: Vec<ToolCall<'s>> = Vec::with_capacity(doc.len(node));
    // The ids so far, for the reused-id check: a set, since one message may carry 100,000 calls.
    let mut ids: HashSet<Cow<'s, str>> = HashSet::new();
    for call in doc.elements(node) {
        let span = doc.span(call);
        if doc.kind(call) != Kind::Object {
            ctx.report(
                Code::S010,
                span,
                format!(
                    "tool call is {}; expected an object with id, type and function",
                    describe(doc, call)
                ),
            );
            continue;
        }
        let mut parsed = None;
        for (key, value) in doc.members(call) {
            let name = doc.str(key).unwrap_or_default();
            match name.as_ref() {
                "id" | "function" => {}
                "type" => {
                    if doc.str(value).as_deref() != Some("function") {
                        ctx.report(
                            Code::S010,
                            doc.span(value),
                            format!(
                                "tool call \"type\" is {}; expected \"function\"",
                                describe(doc, value)
                            ),
                        );
                    }
                }
                other => unknown_key(
                    ctx,
                    doc.span(key),
                    other,
                    "a tool call",
                    &["id", "type", "function"],
                ),
            }
        }
        if doc.get(call, "type").is_none() && !function_only {
            ctx.report(
                Code::S010,
                span,
                "tool call has no \"type\"; expected \"type\": \"function\"",
            );
        }
        match doc.get(call, "function") {
            None => ctx.report(Code::S010, span, "tool call has no \"function\""),
            Some(f) => parsed = read_function(doc, f, "tool call \"function\"", ctx),
        }
        let id = match doc.get(call, "id") {
            None if function_only || chat_template_tools(ctx) => None,
            // Fireworks: a call no tool message answers needs no id; one that is answered is
            // paired by S011, which reports a result naming no call.
            None if ctx
                .settings
                .target
                .is_some_and(|t| t.unanswered_call_ids.is_some()) =>
            {
                None
            }
            None => {
                ctx.report(
                    Code::S010,
                    span,
                    "tool call has no \"id\"; the tool message answering it needs one",
                );
                None
            }
            Some(i) => match text(doc, i) {
                Some(t) if !t.value.is_empty() => Some(t),
                _ => {
                    ctx.report(
                        Code::S010,
                        doc.span(i),
                        format!(
                            "tool call \"id\" is {}; expected a non-empty string",
                            describe(doc, i)
                        ),
                    );
                    None
                }
            },
        };
        if let (Some(id), Some(shape)) = (&id, ctx.settings.target.and_then(|t| t.tool_call_id))
            && !shape.value.accepts(&id.value)
            && let Some(target) = ctx.settings.target
        {
            ctx.report(
                Code::S010,
                id.span,
                format!(
                    "tool call id {} is not {} ASCII letters and digits, which {} requires",
                    quote(&id.value),
                    shape.value.len,
                    target.title
                ),
            );
        }
        if let Some(id) = &id
            && !ids.insert(id.value.clone())
        {
            ctx.report(
                Code::S010,
                id.span,
                format!(
                    "tool call id {} is used twice in one message",
                    quote(&id.value)
                ),
            );
        }
        let mut call_model = parsed.unwrap_or(ToolCall {
            id: None,
            name: None,
            arguments: None,
            span,
        });
        call_model.id = id;
        call_model.span = span;
        calls.push(call_model);
    }
    calls
}

/// Reads `{name, arguments}` (a tool call's function, or a deprecated `function_call`).
fn read_function<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    what: &str,
    ctx: &mut RecordContext<'_>,
) -> Option<ToolCall<'s>> {
    let span = doc.span(node);
    if doc.kind(node) != Kind::Object {
        ctx.report(
            Code::S010,
            span,
            format!(
                "{what} is {}; expected an object with name and arguments",
                describe(doc, node)
            ),
        );
        return None;
    }
    for (key, _) in doc.members(node) {
        let name = doc.str(key).unwrap_or_default();
        if !matches!(name.as_ref(), "name" | "arguments") {
            unknown_key(
                ctx,
                doc.span(key),
                &name,
                "a function call",
                &["name", "arguments"],
            );
        }
    }
    let name = match doc.get(node, "name") {
        None => {
            ctx.report(Code::S010, span, format!("{what} has no \"name\""));
            None
        }
        Some(n) => {
            let t = text(doc, n);
            match &t {
                Some(t) if valid_function_name(&t.value) => {}
                Some(t) => ctx.report(
                    Code::S010,
                    t.span,
                    format!(
                        "function name {} must match ^[a-zA-Z0-9_-]{{1,64}}$",
                        quote(&t.value)
                    ),
                ),
                None => ctx.report(
                    Code::S010,
                    doc.span(n),
                    format!(
                        "function \"name\" is {}; expected a string",
                        describe(doc, n)
                    ),
                ),
            }
            t
        }
    };
    let arguments = match doc.get(node, "arguments") {
        None => {
            ctx.report(
                Code::S010,
                span,
                format!("{what} has no \"arguments\"; use \"{{}}\" for none"),
            );
            None
        }
        // A chat template takes the arguments as a JSON object (Hugging Face's tool use).
        Some(a) if doc.kind(a) == Kind::Object && chat_template_tools(ctx) => Some(Text {
            value: Cow::Borrowed(doc.raw(a)),
            span: doc.span(a),
        }),
        Some(a) => match text(doc, a) {
            None => {
                ctx.report(
                    Code::S010,
                    doc.span(a),
                    format!(
                        "\"arguments\" is {}; expected a JSON object encoded as a string, such as \"{{\\\"city\\\": \\\"Paris\\\"}}\"",
                        describe(doc, a),
                    ),
                );
                None
            }
            Some(t) => {
                if let Some(problem) = arguments_problem(&t.value) {
                    ctx.report(Code::S010, t.span, problem);
                }
                Some(t)
            }
        },
    };
    Some(ToolCall {
        id: None,
        name,
        arguments,
        span,
    })
}

/// Arguments must be a JSON object, written as a string. Parsed with a fresh parser: this is
/// a rare, small string, and the record's own parser is borrowed by the document.
fn arguments_problem(arguments: &str) -> Option<String> {
    let mut parser = crate::json::Parser::new();
    match parser.parse_strict(arguments) {
        Err(e) => Some(format!(
            "\"arguments\" is not valid JSON ({} at character {})",
            e.message,
            arguments[..e.offset.min(arguments.len())].chars().count() + 1
        )),
        Ok(d) if d.kind(d.root()) != Kind::Object => Some(format!(
            "\"arguments\" encodes {}; expected a JSON object",
            describe(&d, d.root())
        )),
        Ok(_) => None,
    }
}

/// Whether `value` is a string holding a JSON object, where the target decodes function
/// parameters written so (axolotl).
fn encoded_parameters(doc: &Document<'_, '_>, value: NodeId, ctx: &RecordContext<'_>) -> bool {
    ctx.settings
        .target
        .is_some_and(|t| t.tool_parameters_encoded.is_some())
        && doc.str(value).is_some_and(|s| {
            crate::json::Parser::new()
                .parse(&s)
                .is_ok_and(|d| d.kind(d.root()) == Kind::Object)
        })
}

fn valid_function_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What is wrong with `text`, tool definitions written as JSON text (`key` names the
/// column): not JSON, or not an array, or (with `objects`) an element that is no object.
/// The trainers that take them so (TRL, axolotl, LLaMA-Factory) decode them before use.
pub(crate) fn encoded_tools_problem(text: &str, key: &str, objects: bool) -> Option<String> {
    let mut parser = crate::json::Parser::new();
    match parser.parse_strict(text) {
        Err(e) => Some(format!(
            "{key} is a string that is not valid JSON ({})",
            e.message
        )),
        Ok(d) if d.kind(d.root()) != Kind::Array => Some(format!(
            "{key} encodes {}; expected an array of tool definitions",
            describe(&d, d.root())
        )),
        Ok(d) => d
            .elements(d.root())
            .find(|&t| objects && d.kind(t) != Kind::Object)
            .map(|t| {
                format!(
                    "{key} holds {}; expected an array of tool definitions (objects)",
                    describe(&d, t)
                )
            }),
    }
}

pub(crate) fn check_tool_definitions(
    doc: &Document<'_, '_>,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) {
    if doc.kind(node) == Kind::String && chat_template_tools(ctx) {
        // TRL's documentation stores `tools` as `json.dumps([...])`, which TRL and axolotl
        // read back before the chat template sees it.
        let encoded = doc.str(node).unwrap_or_default();
        if let Some(problem) = encoded_tools_problem(&encoded, "\"tools\"", false) {
            ctx.report(Code::S010, doc.span(node), problem);
        }
        return;
    }
    if doc.kind(node) != Kind::Array {
        ctx.report(
            Code::S010,
            doc.span(node),
            format!(
                "\"tools\" is {}; expected an array of tool definitions",
                describe(doc, node)
            ),
        );
        return;
    }
    for tool in doc.elements(node) {
        let span = doc.span(tool);
        if doc.kind(tool) != Kind::Object {
            ctx.report(Code::S010, span, format!("tool definition is {}; expected {{\"type\": \"function\", \"function\": {{...}}}}", describe(doc, tool)));
            continue;
        }
        for (key, value) in doc.members(tool) {
            let name = doc.str(key).unwrap_or_default();
            match name.as_ref() {
                "type" => {
                    if doc.str(value).as_deref() != Some("function") {
                        ctx.report(
                            Code::S010,
                            doc.span(value),
                            format!(
                                "tool \"type\" is {}; expected \"function\"",
                                describe(doc, value)
                            ),
                        );
                    }
                }
                "function" => {
                    check_function_definition(doc, value, ctx);
                    check_required_function_keys(doc, value, ctx);
                }
                other => unknown_key(
                    ctx,
                    doc.span(key),
                    other,
                    "a tool definition",
                    &["type", "function"],
                ),
            }
        }
        if doc.get(tool, "function").is_none() {
            ctx.report(Code::S010, span, "tool definition has no \"function\"");
        }
    }
}

/// S010 under a target whose trainer requires more than a `name` of each tool's function
/// (mistral-finetune: `description` and `parameters` too). Its `tools` only: the deprecated
/// `functions` is not read there at all.
fn check_required_function_keys(doc: &Document<'_, '_>, node: NodeId, ctx: &mut RecordContext<'_>) {
    let Some(target) = ctx.settings.target else {
        return;
    };
    let Some(keys) = target.function_keys else {
        return;
    };
    if doc.kind(node) != Kind::Object {
        return;
    }
    for key in keys.value.iter().filter(|k| **k != "name") {
        if doc.get(node, key).is_none() {
            ctx.report(
                Code::S010,
                doc.span(node),
                format!(
                    "function definition has no \"{key}\", which {} requires of every tool it is given (its trainer refuses the record)",
                    target.title
                ),
            );
        }
    }
}

fn check_function_definitions(doc: &Document<'_, '_>, node: NodeId, ctx: &mut RecordContext<'_>) {
    if doc.kind(node) != Kind::Array {
        ctx.report(
            Code::S010,
            doc.span(node),
            format!(
                "\"functions\" is {}; expected an array of function definitions",
                describe(doc, node)
            ),
        );
        return;
    }
    for f in doc.elements(node) {
        check_function_definition(doc, f, ctx);
    }
}

fn check_function_definition(doc: &Document<'_, '_>, node: NodeId, ctx: &mut RecordContext<'_>) {
    let span = doc.span(node);
    if doc.kind(node) != Kind::Object {
        ctx.report(
            Code::S010,
            span,
            format!(
                "function definition is {}; expected an object with a \"name\"",
                describe(doc, node)
            ),
        );
        return;
    }
    for (key, value) in doc.members(node) {
        let name = doc.str(key).unwrap_or_default();
        match name.as_ref() {
            "name" => match doc.str(value) {
                Some(n) if valid_function_name(&n) => {}
                Some(n) => ctx.report(
                    Code::S010,
                    doc.span(value),
                    format!(
                        "function name {} must match ^[a-zA-Z0-9_-]{{1,64}}$",
                        quote(&n)
                    ),
                ),
                None => ctx.report(
                    Code::S010,
                    doc.span(value),
                    format!(
                        "function \"name\" is {}; expected a string",
                        describe(doc, value)
                    ),
                ),
            },
            "description" => {
                if doc.kind(value) != Kind::String {
                    ctx.report(
                        Code::S010,
                        doc.span(value),
                        format!(
                            "function \"description\" is {}; expected a string",
                            describe(doc, value)
                        ),
                    );
                }
            }
            "parameters" => {
                if doc.kind(value) != Kind::Object && !encoded_parameters(doc, value, ctx) {
                    ctx.report(
                        Code::S010,
                        doc.span(value),
                        format!(
                            "function \"parameters\" is {}; expected a JSON Schema object",
                            describe(doc, value)
                        ),
                    );
                }
            }
            "strict" => {
                if !matches!(doc.kind(value), Kind::Bool | Kind::Null) {
                    ctx.report(
                        Code::S010,
                        doc.span(value),
                        format!(
                            "function \"strict\" is {}; expected true or false",
                            describe(doc, value)
                        ),
                    );
                }
            }
            // `transformers.utils.get_json_schema` writes what the function returns.
            "return" if chat_template_tools(ctx) => {}
            other => unknown_key(
                ctx,
                doc.span(key),
                other,
                "a function definition",
                &["name", "description", "parameters", "strict"],
            ),
        }
    }
    if doc.get(node, "name").is_none() {
        ctx.report(Code::S010, span, "function definition has no \"name\"");
    }
}

/// S011: every tool result answers an earlier call, and every call but those of the final
/// assistant turn gets an answer (an example may end on a tool call: that is what it teaches).
///
/// Where calls are paired by id (OpenAI and the providers), a call is answered by a later
/// tool message with its id, and a call without one is S010's. Where a chat template renders
/// the calls ([`chat_template_tools`]: TRL, axolotl, Unsloth, no target), the template never
/// reads an id: a tool message without a `tool_call_id` answers a call of the assistant
/// message it follows, the one whose function it names or else the next unanswered one, so
/// a call is judged the same with an id or without. A `tool_call_id` that is written is
/// still honoured: it names the call it answers, and one naming no call is reported.
pub(crate) fn check_tool_pairing(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if !ctx.enabled(Code::S011) {
        return;
    }
    let by_position = chat_template_tools(ctx);
    let last_index = conv.messages.len().saturating_sub(1);
    // Hash lookups, not scans of the other messages: one record may hold 100,000 calls and
    // as many answers. The last tool message answering each id, and the ids called so far.
    let mut last_answer: HashMap<&str, usize> = HashMap::new();
    for (i, m) in conv.messages.iter().enumerate() {
        if m.role == Role::Tool
            && let Some(id) = &m.tool_call_id
        {
            last_answer.insert(&id.value, i);
        }
    }
    let mut called: HashSet<&str> = HashSet::new();
    for (i, m) in conv.messages.iter().enumerate() {
        if m.role == Role::Tool
            && let Some(id) = &m.tool_call_id
            && !called.contains(id.value.as_ref())
        {
            ctx.report(
                Code::S011,
                id.span,
                format!(
                    "tool message answers {}, which no earlier assistant message calls",
                    quote(&id.value)
                ),
            );
        }
        if m.role == Role::Assistant && i != last_index && !m.tool_calls.is_empty() {
            let answered_by_id = |call: &ToolCall<'_>| {
                call.id.as_ref().is_some_and(|id| {
                    last_answer
                        .get(id.value.as_ref())
                        .is_some_and(|&answer| answer > i)
                })
            };
            let mut answered: Vec<bool> = m.tool_calls.iter().map(answered_by_id).collect();
            if by_position {
                answer_by_position(&conv.messages[i + 1..], &m.tool_calls, &mut answered);
            }
            for (call, _) in m.tool_calls.iter().zip(&answered).filter(|(_, a)| !**a) {
                match (&call.id, &call.name) {
                    (Some(id), _) => ctx.report(
                        Code::S011,
                        id.span,
                        format!(
                            "tool call {} is never answered by a tool message",
                            quote(&id.value)
                        ),
                    ),
                    (None, _) if !by_position => {}
                    (None, Some(name)) => ctx.report(
                        Code::S011,
                        call.span,
                        format!(
                            "tool call to {} is never answered by a tool message",
                            quote(&name.value)
                        ),
                    ),
                    (None, None) => ctx.report(
                        Code::S011,
                        call.span,
                        "tool call is never answered by a tool message",
                    ),
                }
            }
        }
        called.extend(
            m.tool_calls
                .iter()
                .filter_map(|c| c.id.as_ref().map(|id| id.value.as_ref())),
        );
    }
}

/// Marks in `answered` the `calls` of one assistant message that the tool messages of `after`
/// (the messages that follow it, up to the next assistant message) answer as a chat template
/// pairs them: a result without a `tool_call_id` answers the first unanswered call to the
/// function it names (`name`), or, naming none or one not called, the first unanswered call.
/// A result with a `tool_call_id` answers by id ([`check_tool_pairing`]), not here.
fn answer_by_position(after: &[Message<'_>], calls: &[ToolCall<'_>], answered: &mut [bool]) {
    // The unanswered calls to each function, in order, and the first unanswered call: each
    // result is paired in constant time, however many calls one message makes.
    let mut by_name: HashMap<&str, std::collections::VecDeque<usize>> = HashMap::new();
    for (k, call) in calls.iter().enumerate() {
        if let Some(name) = &call.name
            && !answered[k]
        {
            by_name.entry(&name.value).or_default().push_back(k);
        }
    }
    let mut next = 0;
    for result in after.iter().take_while(|m| m.role != Role::Assistant) {
        if !matches!(result.role, Role::Tool | Role::Function) || result.tool_call_id.is_some() {
            continue;
        }
        let named = result.name.as_ref().and_then(|name| {
            let queue = by_name.get_mut(name.value.as_ref())?;
            while let Some(k) = queue.pop_front() {
                if !answered[k] {
                    return Some(k);
                }
            }
            None
        });
        let positional = || {
            while next < answered.len() && answered[next] {
                next += 1;
            }
            (next < answered.len()).then_some(next)
        };
        if let Some(k) = named.or_else(positional) {
            answered[k] = true;
        }
    }
}

/// Whether tool calls, media parts and `tools` are taken as a chat template takes them
/// ([`crate::target::Target::chat_template_tools`]): under a target that hands them to one
/// (TRL, axolotl, Unsloth), and without a target for every format a trainer reads too. With
/// no target only what holds for every target is checked, so TRL's own demo data (an
/// `{"type": "image"}` part, arguments as an object, a call without an id) is not called
/// broken; OpenAI's stricter rules apply when an OpenAI-family target is named, and to the
/// formats only OpenAI reads (its preference and reinforcement formats).
fn chat_template_tools(ctx: &RecordContext<'_>) -> bool {
    match ctx.settings.target {
        Some(t) => t.chat_template_tools(),
        None => !matches!(
            ctx.format,
            FormatChoice::OpenAiPreference | FormatChoice::OpenAiRft
        ),
    }
}

pub(crate) fn text<'s>(doc: &Document<'_, 's>, node: NodeId) -> Option<Text<'s>> {
    doc.str(node).map(|value| Text {
        value,
        span: doc.span(node),
    })
}

/// The value at `node` as a [`Text`] whatever its kind: a string decoded, any other value as
/// the JSON written (a tool call's arguments object, a tool's result), which is what a chat
/// template renders of it.
pub(crate) fn json_text<'s>(doc: &Document<'_, 's>, node: NodeId) -> Text<'s> {
    text(doc, node).unwrap_or_else(|| Text {
        value: Cow::Borrowed(doc.raw(node)),
        span: doc.span(node),
    })
}

/// Whether a key the format does not require, holding `value`, reads as absent: a null.
/// pandas (`to_json(orient="records")`, `to_parquet`) and Hugging Face `datasets` (`to_json`,
/// `to_parquet`) write a column some records lack as null on every other record, and
/// `datasets.load_dataset("json")` gives the trainer the same None for a key left out; the
/// trainers read such columns with `if example[col]` or `isinstance`. A key a format requires
/// is reported when null, with the message it gets for any other wrong value; so is an
/// unknown key at the top of a record under a target whose upload check refuses keys it does
/// not read (`top_level`), since that check looks at the names, not the values.
pub(crate) fn unused_key(
    doc: &Document<'_, '_>,
    value: NodeId,
    top_level: bool,
    ctx: &RecordContext<'_>,
) -> bool {
    doc.kind(value) == Kind::Null
        && !(top_level
            && ctx
                .settings
                .target
                .is_some_and(|t| t.extra_keys_refused.is_some()))
}

/// [`unused_key`] for an optional key the format defines: a null is absent under any target.
pub(crate) fn absent(doc: &Document<'_, '_>, value: NodeId) -> bool {
    doc.kind(value) == Kind::Null
}

pub(crate) fn unknown_key(
    ctx: &mut RecordContext<'_>,
    span: Span,
    key: &str,
    place: &str,
    allowed: &[&str],
) {
    unknown_key_noted(ctx, span, key, place, allowed, "", false);
}

/// [`unknown_key`] for a key at the top of a record (`key` and its `value`): an error under a
/// target whose upload check refuses a record with a column it does not read
/// ([`crate::target::Target::extra_keys_refused`]), even when null; elsewhere a null is an
/// unused column ([`unused_key`]) and not reported.
pub(crate) fn unknown_record_key(
    ctx: &mut RecordContext<'_>,
    doc: &Document<'_, '_>,
    (key, value): (NodeId, NodeId),
    name: &str,
    place: &str,
    allowed: &[&str],
) {
    if !unused_key(doc, value, true, ctx) {
        unknown_key_noted(ctx, doc.span(key), name, place, allowed, "", true);
    }
}

/// Whether the configured target reads `key` on assistant messages, although OpenAI's
/// format does not define it (Together's and Fireworks' `reasoning_content`).
fn target_reads(ctx: &RecordContext<'_>, key: &str) -> bool {
    target_reads_at(ctx, KeyPlace::AssistantMessage, key)
}

/// What S008 adds about the targets that read a key (none: nothing), with the way to say
/// which one trains on the file when none is set.
pub(crate) fn readers_note(ctx: &RecordContext<'_>, readers: &[&str]) -> String {
    let set = if ctx.settings.target.is_none() {
        " (set `target`)"
    } else {
        ""
    };
    match readers {
        [] => String::new(),
        [one] => format!("; {one} reads it{set}"),
        many => format!("; {} read it{set}", crate::target::list(many)),
    }
}

/// Whether the configured target reads OpenAI's chat format but not this key of it
/// ([`crate::target::Target::chat_keys_unread`]: Together's upload check takes `messages`
/// and `tools` only, and it reads calls from `tool_calls`).
fn target_leaves_unread(ctx: &RecordContext<'_>, key: &str) -> bool {
    ctx.settings
        .target
        .and_then(|t| t.chat_keys_unread)
        .is_some_and(|keys| keys.value.contains(&key))
}

/// What S008 adds about an OpenAI key the target leaves unread: the key it reads instead,
/// where OpenAI deprecated this one for it, or that only OpenAI reads it.
fn unread_note(ctx: &RecordContext<'_>, key: &str) -> String {
    let title = ctx.settings.target.map_or("the target", |t| t.title);
    match key {
        "functions" => format!("; {title} reads tool definitions from \"tools\""),
        "function_call" => format!("; {title} reads tool calls from \"tool_calls\""),
        _ => format!("; OpenAI reads it, {title} does not"),
    }
}

/// Whether the configured target reads `key` at `place`.
fn target_reads_at(ctx: &RecordContext<'_>, place: KeyPlace, key: &str) -> bool {
    ctx.settings.target.is_some_and(|t| t.reads_key(place, key))
}

/// [`unknown_key`] with `note` after the message.
fn unknown_key_noted(
    ctx: &mut RecordContext<'_>,
    span: Span,
    key: &str,
    place: &str,
    allowed: &[&str],
    note: &str,
    top_level: bool,
) {
    // `[composition] label_key` names a key the B rules read (exempt wherever it appears:
    // the formats report unknown keys of nested objects through here too).
    if !ctx.enabled(Code::S008) || ctx.settings.composition.label_key.as_deref() == Some(key) {
        return;
    }
    let hint = allowed
        .iter()
        .map(|a| (strsim::jaro_winkler(a, key), a))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| format!(" (did you mean \"{a}\"?)"))
        .unwrap_or_default();
    let message = format!("unknown key {} in {place}{hint}{note}", quote(key));
    match ctx
        .settings
        .target
        .filter(|t| top_level && t.extra_keys_refused.is_some())
    {
        Some(t) => ctx.report_error(
            Code::S008,
            span,
            format!(
                "{message}; {} rejects a record with a key it does not read",
                t.title
            ),
        ),
        None => ctx.report(Code::S008, span, message),
    }
}

use crate::wording::{describe, quote, with_article};
