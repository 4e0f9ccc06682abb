//! Input formats: each file in this folder reads one record shape and normalises it into the
//! conversation model of [`crate::record`], reporting schema (S) diagnostics as it goes.
//!
//! Adding a format is one file here plus one arm in [`detect`] and [`normalize`]; no rule
//! changes, because every later rule sees only the [`Conversation`].

pub mod alpaca;
pub mod axolotl;
pub mod axolotl_instruct;
pub mod axolotl_preference;
pub mod axolotl_segments;
pub mod bedrock_claude;
pub mod bedrock_nova;
mod blocks;
pub mod llama_factory;
mod media;
pub mod openai_chat;
pub mod openai_preference;
pub mod openai_rft;
pub mod pretokenized;
pub mod prompt_completion;
pub mod prompt_only;
pub mod sharegpt;
pub mod text;
mod trl;
pub mod trl_preference;
pub mod trl_prompt_completion;
pub mod trl_unpaired_preference;
pub mod vertex_gemini;

use crate::context::RecordContext;
use crate::json::{Document, Kind};
use crate::record::{Conversation, Role};
use crate::registry::Code;
use crate::settings::{FormatChoice, Settings};
use crate::target::{Cited, ShareGptRoles, Target};
use crate::wording::quote;

/// Whether a record's `messages` hold an answer (an assistant message): what tells a
/// supervised chat file from a file of reinforcement prompts (openai-rft) when its first
/// record is only a prompt.
pub fn answered(doc: &Document<'_, '_>) -> bool {
    openai_rft::answered(doc)
}

/// Guesses the format of a file from one of its records (an object). `None` when the record
/// fits no known shape; the caller then keeps looking or falls back to OpenAI chat.
///
/// axolotl's preference records decide first (`messages` beside `chosen` and `rejected`, its
/// string and KTO types: see [`axolotl_preference`]); then a reinforcement prompt: `messages` ending on a user turn beside a key OpenAI
/// chat does not define, for the grader (`openai-rft`, see [`openai_rft::detect`]). Then a
/// key or value only one trainer writes (`axolotl-chat`, then `llama-factory`: see their
/// `detect`). Then a provider's own keys: `contents` or `systemInstruction`
/// (`vertex-gemini`); `schemaVersion`, or `messages` beside a `system` list (`bedrock-nova`);
/// `messages` beside a `system` string (`bedrock-claude`). Then the keys decide, in this
/// order, so every record has one answer: `messages`; `input` with
/// an output; `conversations`; an axolotl instruction type that adds columns to alpaca's
/// (`reflection`: `reflection` and `corrected` beside `instruction` and `output`);
/// `instruction` with `output` or `response`; `prompt` with
/// `completion` (`trl-unpaired-preference` with a `label`, `trl-prompt-completion` when the
/// prompt or completion is a list of messages, `prompt-completion` otherwise, lists of
/// content parts included: Together's vision instruction records) or with
/// `response`; `chosen` with `rejected`; labelled `segments` (`axolotl-segments`); `input_ids`
/// (`pretokenized`); the columns of one of axolotl's instruction types (`axolotl-instruct`:
/// GSM8K's `question` and `answer`, `INSTRUCTION` and `RESPONSE`, ...); `text`; `prompt` alone (no `chosen`, `rejected` or
/// `label`, which say a key is missing rather than that the record is a prompt).
pub fn detect(doc: &Document<'_, '_>) -> Option<FormatChoice> {
    let root = doc.root();
    if doc.kind(root) != Kind::Object {
        return None;
    }
    let has = |k: &str| doc.get(root, k).is_some();
    let is_list = |k: &str| doc.get(root, k).is_some_and(|v| doc.kind(v) == Kind::Array);
    // A reinforcement prompt first: its grader keys are free (`label` among them, which
    // LLaMA-Factory's KTO records also carry, on a conversation that ends on an answer).
    if axolotl_preference::detect(doc) {
        return Some(FormatChoice::AxolotlPreference);
    }
    if openai_rft::detect(doc) {
        return Some(FormatChoice::OpenAiRft);
    }
    // Trainer-specific shapes next, each on a key or value only its trainer writes, so a
    // plain OpenAI chat or ShareGPT record is detected as before.
    if let Some(f) = axolotl::detect(doc).or_else(|| llama_factory::detect(doc)) {
        return Some(f);
    }
    let system = doc.get(root, "system").map(|s| doc.kind(s));
    if has("contents") || has("systemInstruction") {
        Some(FormatChoice::VertexGemini)
    } else if has("schemaVersion") || (has("messages") && system == Some(Kind::Array)) {
        Some(FormatChoice::BedrockNova)
    } else if has("messages") && system == Some(Kind::String) {
        Some(FormatChoice::BedrockClaude)
    } else if has("messages") {
        Some(FormatChoice::OpenAiChat)
    } else if has("input") && (has("preferred_output") || has("non_preferred_output")) {
        Some(FormatChoice::OpenAiPreference)
    } else if has("conversations") {
        Some(FormatChoice::ShareGpt)
    } else if axolotl_instruct::extends_alpaca(doc) {
        Some(FormatChoice::AxolotlInstruct)
    } else if has("instruction") && (has("output") || has("response")) {
        Some(FormatChoice::Alpaca)
    } else if has("prompt") && has("completion") {
        Some(if has("label") {
            FormatChoice::TrlUnpairedPreference
        } else if (is_list("prompt") || is_list("completion"))
            && !prompt_completion::parts_record(doc)
        {
            FormatChoice::TrlPromptCompletion
        } else {
            FormatChoice::PromptCompletion
        })
    } else if has("prompt") && has("response") {
        Some(FormatChoice::PromptCompletion)
    } else if has("chosen") && has("rejected") {
        Some(FormatChoice::TrlPreference)
    } else if axolotl_segments::detect(doc) {
        Some(FormatChoice::AxolotlSegments)
    } else if has("input_ids") {
        // Token ids: the trainer takes them rather than any text beside them.
        Some(FormatChoice::Pretokenized)
    } else if axolotl_instruct::detect(doc) {
        Some(FormatChoice::AxolotlInstruct)
    } else if has("text") {
        Some(FormatChoice::Text)
    } else if has("prompt") && !has("chosen") && !has("rejected") && !has("label") {
        Some(FormatChoice::PromptOnly)
    } else {
        None
    }
}

/// [`detect`] under `target`: a record both LLaMA-Factory and axolotl read the same way
/// (`messages` of text parts giving their text in `value`, see
/// [`axolotl::reads_llama_factory_parts`]) is axolotl's under a target that reads axolotl's
/// records and not LLaMA-Factory's, rather than a LLaMA-Factory record it does not read. An
/// axolotl `reflection` record is alpaca under a target that reads alpaca and not axolotl's
/// instruction types (LLaMA-Factory, Unsloth), its added columns then unknown (S008).
pub fn detect_for(doc: &Document<'_, '_>, target: Option<&Target>) -> Option<FormatChoice> {
    match detect(doc)? {
        FormatChoice::LlamaFactory
            if target.is_some_and(|t| {
                t.accepts(FormatChoice::AxolotlChat.as_str())
                    && !t.accepts(FormatChoice::LlamaFactory.as_str())
            }) && axolotl::reads_llama_factory_parts(doc) =>
        {
            Some(FormatChoice::AxolotlChat)
        }
        // An axolotl type that adds columns to alpaca's (`reflection`) is alpaca with
        // unknown columns to a target that reads alpaca and not axolotl's types.
        FormatChoice::AxolotlInstruct
            if target.is_some_and(|t| {
                t.accepts(FormatChoice::Alpaca.as_str())
                    && !t.accepts(FormatChoice::AxolotlInstruct.as_str())
            }) && axolotl_instruct::extends_alpaca(doc) =>
        {
            Some(FormatChoice::Alpaca)
        }
        detected => Some(detected),
    }
}

/// The format a file is read in, from the format detected in its first records (`None`:
/// no known shape) and the target: [`fit_target`], and for a file of no known shape OpenAI
/// chat, or the target's own first format when it reads no OpenAI chat (so that what is
/// missing is named in its words: `contents` for Vertex AI, not `messages`).
pub fn resolve(
    detected: Option<FormatChoice>,
    target: Option<&crate::target::Target>,
) -> FormatChoice {
    match (detected, target) {
        (Some(detected), _) => fit_target(detected, target),
        (None, Some(t)) if !t.accepts(FormatChoice::OpenAiChat.as_str()) => t
            .formats
            .value
            .first()
            .and_then(|name| FormatChoice::parse(name))
            .unwrap_or(FormatChoice::OpenAiChat),
        (None, _) => FormatChoice::OpenAiChat,
    }
}

/// The format a file detected as `detected` is read in under `target`: the target's own
/// when it does not read `detected` but its format is a superset of that record shape. An
/// Amazon Bedrock (Claude) record without its optional `system` string is an OpenAI chat
/// record to the eye; judged as OpenAI chat, every such record would be "not in a format
/// Bedrock reads". Likewise an axolotl preference record under LLaMA-Factory, which reads the
/// same shape as a ranking record.
pub fn fit_target(detected: FormatChoice, target: Option<&crate::target::Target>) -> FormatChoice {
    let Some(target) = target else {
        return detected;
    };
    if target.accepts(detected.read_as().as_str()) {
        return detected;
    }
    match detected.read_as() {
        FormatChoice::OpenAiChat if target.accepts(FormatChoice::BedrockClaude.as_str()) => {
            FormatChoice::BedrockClaude
        }
        // `messages` with one `chosen` and one `rejected` answer is also LLaMA-Factory's
        // ranking record (ShareGPT formatting with OpenAI's tags), which its reader takes.
        FormatChoice::AxolotlPreference if target.accepts(FormatChoice::LlamaFactory.as_str()) => {
            FormatChoice::LlamaFactory
        }
        _ => detected,
    }
}

/// The format one record is read in, from its file's ([`fit_target`]): a record read as
/// Amazon Bedrock (Claude)'s because it looks like an OpenAI chat record is OpenAI chat after
/// all when it calls or answers tools, which Bedrock's shape has no place for (`tools`,
/// `tool_calls`, a `tool` message): S014 then says so once, rather than a finding for every
/// key and role Bedrock does not read.
fn fit_record(format: FormatChoice, doc: &Document<'_, '_>) -> FormatChoice {
    if format != FormatChoice::BedrockClaude || detect(doc) != Some(FormatChoice::OpenAiChat) {
        return format;
    }
    let root = doc.root();
    let top = ["tools", "functions", "parallel_tool_calls"]
        .iter()
        .any(|k| doc.get(root, k).is_some());
    let in_messages = doc.get(root, "messages").is_some_and(|list| {
        doc.kind(list) == Kind::Array
            && doc.elements(list).any(|m| {
                doc.kind(m) == Kind::Object
                    && (["tool_calls", "function_call", "tool_call_id"]
                        .iter()
                        .any(|k| doc.get(m, k).is_some())
                        || doc
                            .get(m, "role")
                            .and_then(|r| doc.str(r))
                            .is_some_and(|r| r == "tool" || r == "function"))
            })
    });
    if top || in_messages {
        FormatChoice::OpenAiChat
    } else {
        format
    }
}

/// Normalises one record (the root of `doc`, known to be an object). Returns `None` when the
/// record is too broken to hold a conversation (the schema diagnostics say why).
pub fn normalize<'s>(
    format: FormatChoice,
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let format = fit_record(format, doc);
    ctx.format = format;
    // S014: the record is read in its own format either way, so the other rules still run.
    // A record of no known shape is in no format to name (S001 and the like say what is
    // missing).
    if let Some(target) = ctx.settings.target
        && let Some(mut message) = target.mismatch(format.read_as().as_str())
        && detect(doc).is_some()
    {
        if format == FormatChoice::AxolotlInstruct
            && target.accepts(FormatChoice::LlamaFactory.as_str())
            && let Some(columns) = axolotl_instruct::llama_factory_columns(doc)
        {
            message.push_str(&format!(
                "; to train on it with LLaMA-Factory, name its columns in a dataset_info.json \
                 entry: \"columns\": {columns}"
            ));
        }
        ctx.report(Code::S014, doc.span(doc.root()), message);
    }
    if let Some(target) = ctx.settings.target {
        trl::check_vision(doc, target, ctx);
    }
    let conv = match format {
        FormatChoice::Auto | FormatChoice::OpenAiChat => openai_chat::normalize(doc, ctx),
        FormatChoice::OpenAiPreference => openai_preference::normalize(doc, ctx),
        FormatChoice::PromptCompletion => prompt_completion::normalize(doc, ctx),
        FormatChoice::Alpaca => alpaca::normalize(doc, ctx),
        FormatChoice::ShareGpt => sharegpt::normalize(doc, ctx),
        FormatChoice::Text => text::normalize(doc, ctx),
        FormatChoice::TrlPromptCompletion => trl_prompt_completion::normalize(doc, ctx),
        FormatChoice::TrlPreference => trl_preference::normalize(doc, ctx),
        FormatChoice::TrlUnpairedPreference => trl_unpaired_preference::normalize(doc, ctx),
        FormatChoice::PromptOnly => prompt_only::normalize(doc, ctx),
        FormatChoice::LlamaFactory => llama_factory::normalize(doc, ctx),
        FormatChoice::AxolotlChat => axolotl::normalize(doc, ctx),
        FormatChoice::BedrockClaude => bedrock_claude::normalize(doc, ctx),
        FormatChoice::BedrockNova => bedrock_nova::normalize(doc, ctx),
        FormatChoice::VertexGemini => vertex_gemini::normalize(doc, ctx),
        FormatChoice::OpenAiRft => openai_rft::normalize(doc, ctx),
        FormatChoice::Pretokenized => pretokenized::normalize(doc, ctx),
        FormatChoice::AxolotlSegments => axolotl_segments::normalize(doc, ctx),
        FormatChoice::AxolotlPreference => axolotl_preference::normalize(doc, ctx),
        FormatChoice::AxolotlInstruct => axolotl_instruct::normalize(doc, ctx),
    };
    let mut conv = conv;
    if let Some(conv) = conv.as_mut() {
        conv.preference = is_preference(format, doc, ctx.settings);
    }
    if let (Some(target), Some(conv)) = (ctx.settings.target, &conv) {
        check_target_roles(target, conv, ctx);
    }
    conv
}

/// Whether a record of `format` is one of several answers to its prompt (see
/// [`Conversation::preference`]): the preference formats, and LLaMA-Factory records with
/// `chosen`/`rejected` answers or a KTO tag (as written, or as `dataset_info.json` declares).
fn is_preference(format: FormatChoice, doc: &Document<'_, '_>, settings: &Settings) -> bool {
    match format {
        FormatChoice::OpenAiPreference
        | FormatChoice::TrlPreference
        | FormatChoice::TrlUnpairedPreference
        | FormatChoice::AxolotlPreference => true,
        FormatChoice::LlamaFactory => {
            let declared = settings.declared.as_deref().is_some_and(|d| {
                d.ranking
                    || d.columns
                        .kto_tag
                        .as_deref()
                        .is_some_and(|k| doc.get(doc.root(), k).is_some())
            });
            declared
                || [
                    "chosen",
                    "rejected",
                    "chosen_messages",
                    "rejected_messages",
                    "kto_tag",
                    "label",
                ]
                .iter()
                .any(|k| doc.get(doc.root(), k).is_some())
        }
        _ => false,
    }
}

/// S005 under a target: a message whose role the format accepts but the target does not
/// (Mistral and Together take no `function` messages; Unsloth's `standardize_sharegpt` no
/// tool results). Only where the target reads the record's format (otherwise S014 has said
/// so) and only for formats that write roles by name and that several targets read: the
/// Bedrock and Vertex formats already accept exactly their target's roles, and Alpaca,
/// prompt-completion and text records have no role names to judge.
fn check_target_roles(
    target: &'static Target,
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
) {
    let format = ctx.format;
    let named_roles = matches!(
        format,
        FormatChoice::Auto
            | FormatChoice::OpenAiChat
            | FormatChoice::OpenAiRft
            | FormatChoice::ShareGpt
            | FormatChoice::AxolotlChat
            | FormatChoice::LlamaFactory
            | FormatChoice::TrlPromptCompletion
            | FormatChoice::TrlPreference
            | FormatChoice::TrlUnpairedPreference
            | FormatChoice::AxolotlPreference
            | FormatChoice::PromptOnly
    );
    if !named_roles || !target.accepts(format.read_as().as_str()) {
        return;
    }
    let as_written = format.read_as() == FormatChoice::ShareGpt
        && target
            .sharegpt_roles
            .is_some_and(|r| r.value == ShareGptRoles::AsWritten);
    if format.read_as() == FormatChoice::ShareGpt
        && let Some(Cited {
            value: ShareGptRoles::Mapped(names),
            ..
        }) = target.sharegpt_roles
    {
        check_sharegpt_role_names(target, names, conv, ctx);
        return;
    }
    for message in &conv.messages {
        let written = || written_role(ctx.text, message.role_span);
        let accepted = match message.role {
            // Already S004/S005 by the format.
            Role::Unknown => true,
            // Already S005 by the vision check, as an error.
            _ if ctx.vision
                && written().is_some_and(|name| !trl::VISION_ROLES.contains(&name.as_str())) =>
            {
                true
            }
            // The chat template sees the name as written (`human`, `gpt`, `observation`).
            _ if as_written => {
                written().is_none_or(|name| target.roles.value.contains(&name.as_str()))
            }
            // A reinforcement prompt's instructions: the format's own roles, whoever reads it
            // (Bedrock Nova's RFT prompts are OpenAI's, system turn and all).
            // Where the target restricts them, its own (Nova's RFT validator: system, user
            // and assistant, no developer).
            role if format == FormatChoice::OpenAiRft && target.rft_roles.is_some() => target
                .rft_roles
                .is_some_and(|r| r.value.iter().any(|name| role_named(name) == Some(role))),
            Role::Developer | Role::System if format == FormatChoice::OpenAiRft => true,
            // A tool result where the target hands `messages` to the model's chat template,
            // which takes the tool role with the calls it answers (not through ShareGPT's
            // role names, which Unsloth's `standardize_sharegpt` maps to three roles).
            Role::Tool
                if target.chat_template_tools.is_some()
                    && format.read_as() != FormatChoice::ShareGpt =>
            {
                true
            }
            role => target
                .roles
                .value
                .iter()
                .any(|name| role_named(name) == Some(role)),
        };
        if accepted {
            continue;
        }
        let span = message.role_span;
        let written =
            written_role(ctx.text, span).unwrap_or_else(|| message.role.as_str().to_owned());
        let mut text = match target.rft_roles {
            Some(roles) if format == FormatChoice::OpenAiRft => {
                let names: Vec<String> = roles.value.iter().map(|r| quote(r)).collect();
                format!(
                    "role {} is not accepted in {}'s reinforcement fine-tuning prompts, which take {}",
                    quote(&written),
                    target.title,
                    crate::target::list(&names.iter().map(String::as_str).collect::<Vec<_>>())
                )
            }
            _ => target.role_refused(&quote(&written)),
        };
        if as_written
            && let Some(name) = target
                .roles
                .value
                .iter()
                .find(|r| role_named(r) == Some(message.role))
        {
            text.push_str(&format!(
                " ({} renames ShareGPT's keys to role and content but keeps the names: write {})",
                target.title,
                quote(name)
            ));
        }
        ctx.report_capped(Code::S005, target.role_level(), span, text);
    }
}

/// The role a ShareGPT role name stands for where the target converts the turns with a role
/// map of its own ([`Target::sharegpt_roles`]: Unsloth's `standardize_sharegpt` maps `input`
/// to the user and `output` to the assistant, in either ShareGPT form). `None` elsewhere, and
/// for a name the map does not hold.
pub(crate) fn converted_role(name: &str, ctx: &RecordContext<'_>) -> Option<Role> {
    let ShareGptRoles::Mapped(names) = ctx.settings.target?.sharegpt_roles?.value else {
        return None;
    };
    if ctx.format.read_as() != FormatChoice::ShareGpt || !names.contains(&name) {
        return None;
    }
    role_named(name)
}

/// A message's role as written in the record `text` (the JSON string at `span`), for
/// messages that name it in a target's words, and for a chat template that gets the name
/// as written ([`crate::record::Conversation::roles_as_written`]).
pub(crate) fn written_role(text: &str, span: crate::diagnostic::Span) -> Option<String> {
    text.get(span.start as usize..span.end as usize)
        .and_then(|raw| serde_json::from_str::<String>(raw).ok())
}

/// S005 (an error) for each ShareGPT turn whose role name, as written, is not one `names`
/// maps: Unsloth's `standardize_sharegpt` raises on any other ("not in aliases"), tool turns
/// (`function_call`, `observation`) included.
fn check_sharegpt_role_names(
    target: &'static Target,
    names: &[&str],
    conv: &Conversation<'_>,
    ctx: &mut RecordContext<'_>,
) {
    for message in &conv.messages {
        if message.role == Role::Unknown {
            continue;
        }
        let span = message.role_span;
        let Some(written) = written_role(ctx.text, span) else {
            continue;
        };
        if names.contains(&written.as_str()) {
            continue;
        }
        let known: Vec<String> = names.iter().map(|n| quote(n)).collect();
        ctx.report_capped(
            Code::S005,
            crate::rule::Level::Error,
            span,
            format!(
                "role {} is not one {}'s standardize_sharegpt maps ({}), so converting the \
                 dataset fails",
                quote(&written),
                target.title,
                crate::target::list(&known.iter().map(String::as_str).collect::<Vec<_>>())
            ),
        );
    }
}

/// The conversation-model role a target's role name stands for: targets list roles in their
/// own vocabulary (ShareGPT's `human` and `gpt`, Gemini's `model`, LLaMA-Factory's
/// `function_call` and `observation`, the `input` and `output` Unsloth's ShareGPT
/// conversion maps).
pub(crate) fn role_named(name: &str) -> Option<Role> {
    Some(match name {
        "system" => Role::System,
        "developer" => Role::Developer,
        "user" | "human" | "input" => Role::User,
        "assistant" | "gpt" | "model" | "function_call" | "output" => Role::Assistant,
        "tool" | "observation" | "ipython" => Role::Tool,
        "function" => Role::Function,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A role name a target lists that maps to no role would refuse every message silently
    /// (S005 on valid data); each must stand for one.
    #[test]
    fn every_targets_role_names_map_to_a_role() {
        for target in crate::target::ALL {
            for name in target.roles.value {
                assert!(role_named(name).is_some(), "{}: {name:?}", target.name);
            }
            let roles: Vec<Role> = target
                .roles
                .value
                .iter()
                .filter_map(|n| role_named(n))
                .collect();
            assert!(roles.contains(&Role::User), "{}", target.name);
            assert!(roles.contains(&Role::Assistant), "{}", target.name);
        }
    }
}
