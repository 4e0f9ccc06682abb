//! ShareGPT records: `{"conversations": [{"from": ..., "value": str}, ...], "system"?: str,
//! "tools"?: str, "id"?: ...}`. `human` is the user, `gpt` the assistant, `function_call` an
//! assistant tool call (its value a JSON `{"name", "arguments"}`), `observation` a tool result.
//! Turns with OpenAI's `role` and `content` instead (`standardize_sharegpt`'s output) are read
//! as OpenAI chat messages.
//!
//! A key other than `conversations` written null is read as absent, on the record and on a
//! turn: pandas and Hugging Face `datasets` write a column (or a turn key) some records lack
//! as null on the others, and LLaMA-Factory reads `system` and `tools` with `if example[col]`.

use std::borrow::Cow;

use super::openai_chat::{missing_key, role_alias, unknown_key, unused_key};
use super::prompt_completion::push_string_field;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId, Parser};
use crate::record::{Content, Conversation, Message, Role, Text, ToolCall};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

const KEYS: &[&str] = &["conversations", "system", "tools", "id"];
const ROLES: &str = "system, human, gpt, function_call, observation";

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let (mut conversations, mut system, mut tools) = (None, None, None);
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "conversations" => conversations = Some(value),
            // Any other key written null is absent: pandas and `datasets` write a column some
            // records lack (`system`, `tools`) as null on the others.
            _ if unused_key(doc, value, false, ctx) => {}
            "system" => system = Some((key, value)),
            "tools" => {
                check_encoded_tools(doc, value, "\"tools\"", "ShareGPT", ctx);
                tools = Some(doc.span(value));
            }
            "id" => {}
            other => unknown_key(ctx, doc.span(key), other, "a ShareGPT record", KEYS),
        }
    }
    let Some(turns) = conversations else {
        missing_key(doc, root, "conversations", FormatChoice::ShareGpt, ctx);
        return None;
    };
    let as_written = ctx.settings.target.is_some_and(|t| {
        t.sharegpt_roles
            .is_some_and(|r| r.value == crate::target::ShareGptRoles::AsWritten)
    });
    let mut conv = match turn_keys(doc, turns) {
        TurnKeys::RoleValue => {
            read_conversation_with(doc, turns, system, ctx, &TurnWords::PYGMALION)
        }
        TurnKeys::RoleContent => read_messages(doc, turns, system, ctx),
        TurnKeys::FromValue => read_conversation(doc, turns, system, ctx),
    }?;
    conv.roles_as_written = as_written;
    conv.tools_text = tools;
    Some(conv)
}

/// A `tools` column as LLaMA-Factory reads it (`ToolFormatter`): empty, or JSON text of an
/// array of tool definitions (objects). Anything else stops its preprocessing ("Invalid JSON
/// format in tool description") or its tool formatter. `key` is the record's name for the
/// column, `who` the format named in the message.
pub(crate) fn check_encoded_tools(
    doc: &Document<'_, '_>,
    value: NodeId,
    key: &str,
    who: &str,
    ctx: &mut RecordContext<'_>,
) {
    let span = doc.span(value);
    let Some(text) = doc.str(value) else {
        ctx.report(
            Code::S010,
            span,
            format!(
                "{key} is {}; {who} expects the tool definitions as a JSON string",
                describe(doc, value)
            ),
        );
        return;
    };
    if text.is_empty() {
        return;
    }
    if let Some(problem) = super::openai_chat::encoded_tools_problem(&text, key, true) {
        ctx.report(Code::S010, span, problem);
    }
}

/// The keys of a `conversations` column's turns, told by the first turn that is an object.
enum TurnKeys {
    /// ShareGPT's `from` and `value` (also what no turn tells otherwise).
    FromValue,
    /// OpenAI-style `role` and `content`: what Unsloth's `standardize_sharegpt` writes, and
    /// what axolotl's `chat_template` datasets and LLaMA-Factory's `openai` tags read from a
    /// `conversations` column.
    RoleContent,
    /// `role` and `value`, neither `from` nor `content`: axolotl's `pygmalion` type.
    RoleValue,
}

fn turn_keys(doc: &Document<'_, '_>, turns: NodeId) -> TurnKeys {
    let first = (doc.kind(turns) == Kind::Array)
        .then(|| doc.elements(turns).find(|&t| doc.kind(t) == Kind::Object))
        .flatten();
    let Some(turn) =
        first.filter(|&t| doc.get(t, "role").is_some() && doc.get(t, "from").is_none())
    else {
        return TurnKeys::FromValue;
    };
    if doc.get(turn, "value").is_some() && doc.get(turn, "content").is_none() {
        TurnKeys::RoleValue
    } else {
        TurnKeys::RoleContent
    }
}

/// A `conversations` column of OpenAI-style messages, after a `system` column when there is
/// one: each message read as an OpenAI chat message.
fn read_messages<'s>(
    doc: &Document<'_, 's>,
    turns: NodeId,
    system: Option<(NodeId, NodeId)>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let mut conv = Conversation {
        span: doc.span(turns),
        ..Default::default()
    };
    if let Some((key, value)) = system {
        push_string_field(doc, (key, value), "system", Role::System, ctx, &mut conv)
    }
    let mut images = 0;
    if !super::openai_chat::read_message_list(
        doc,
        turns,
        "\"conversations\"",
        ctx,
        &mut conv,
        &mut images,
    ) {
        return None;
    }
    Some(conv)
}

/// The `conversations` array of turns, after a `system` column when there is one: the
/// conversation both ShareGPT and LLaMA-Factory's ShareGPT shape read. `None` (with S002) when
/// it is not a non-empty array.
pub(crate) fn read_conversation<'s>(
    doc: &Document<'_, 's>,
    turns: NodeId,
    system: Option<(NodeId, NodeId)>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    read_conversation_with(doc, turns, system, ctx, &TurnWords::SHAREGPT)
}

/// [`read_conversation`] with the words `words` gives for the column and the turns.
pub(crate) fn read_conversation_with<'s>(
    doc: &Document<'_, 's>,
    turns: NodeId,
    system: Option<(NodeId, NodeId)>,
    ctx: &mut RecordContext<'_>,
    words: &TurnWords<'_>,
) -> Option<Conversation<'s>> {
    if doc.kind(turns) != Kind::Array || doc.len(turns) == 0 {
        let what = if doc.kind(turns) == Kind::Array {
            "empty".to_string()
        } else {
            describe(doc, turns)
        };
        ctx.report(
            Code::S002,
            doc.span(turns),
            format!(
                "{} is {what}; expected an array of turns",
                quote(words.column)
            ),
        );
        return None;
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(doc.len(turns) + 2),
        span: doc.span(turns),
        incomplete: false,
        tools: None,
        ..Default::default()
    };
    if let Some((key, value)) = system {
        push_string_field(doc, (key, value), "system", Role::System, ctx, &mut conv)
    }
    for turn in doc.elements(turns) {
        match read_turn_with(doc, turn, ctx, words) {
            Some(m) => {
                conv.incomplete |= m.role == Role::Unknown;
                conv.messages.push(m);
            }
            None => conv.incomplete = true,
        }
    }
    Some(conv)
}

/// The words of a ShareGPT conversation: the column holding the turns, the keys of a turn's
/// role and content, and the role values. ShareGPT's own, or those a LLaMA-Factory
/// `dataset_info.json` entry declares (`columns.messages` and `tags`).
pub(crate) struct TurnWords<'w> {
    pub column: &'w str,
    pub role_key: &'w str,
    pub content_key: &'w str,
    pub user: Option<&'w str>,
    pub assistant: Option<&'w str>,
    pub observation: Option<&'w str>,
    pub function: Option<&'w str>,
    pub system: Option<&'w str>,
    /// Other keys a turn may carry (OpenAI's `tool_calls` in LLaMA-Factory's `openai`).
    pub other_keys: &'w [&'w str],
    /// The entry that declared these words, named in a message about an unknown role;
    /// `None` for ShareGPT's own.
    pub declared_by: Option<&'w str>,
    /// The role values listed in a message about an unknown role, where they are not
    /// ShareGPT's own ([`ROLES`]).
    pub roles: Option<&'w str>,
}

impl TurnWords<'static> {
    pub(crate) const SHAREGPT: TurnWords<'static> = TurnWords {
        column: "conversations",
        role_key: "from",
        content_key: "value",
        user: Some("human"),
        assistant: Some("gpt"),
        observation: Some("observation"),
        function: Some("function_call"),
        system: Some("system"),
        other_keys: &[],
        declared_by: None,
        roles: None,
    };

    /// axolotl's `pygmalion` type: `role` and `value`, with the roles `system`, `human` and
    /// `bot` (prompt_strategies/pygmalion.py); `user` and `assistant` as in ShareGPT (what a
    /// `chat_template` dataset mapping `content` to `value` reads).
    pub(crate) const PYGMALION: TurnWords<'static> = TurnWords {
        column: "conversations",
        role_key: "role",
        content_key: "value",
        user: Some("human"),
        assistant: Some("bot"),
        observation: None,
        function: None,
        system: Some("system"),
        other_keys: &[],
        declared_by: None,
        roles: Some("system, human, bot (axolotl's pygmalion type), user, assistant"),
    };
}

/// S005's message for an unknown ShareGPT role under a target that keeps ShareGPT's role
/// names as written (TRL renames the keys only): its own roles, not ShareGPT's `human` and
/// `gpt`, which it does not take either. `None` for any other target.
fn unknown_role_as_written(target: &crate::target::Target, name: &str) -> Option<String> {
    use crate::target::{Cited, ShareGptRoles};
    let Some(Cited {
        value: ShareGptRoles::AsWritten,
        ..
    }) = target.sharegpt_roles
    else {
        return None;
    };
    let roles: Vec<String> = target.roles.value.iter().map(|r| quote(r)).collect();
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    let hint = role_alias(name)
        .filter(|alias| target.roles.value.contains(alias))
        .map(|alias| format!(" (did you mean {}?)", quote(alias)))
        .unwrap_or_default();
    Some(format!(
        "unknown role {}; {} keeps ShareGPT's role names as written and documents {}{hint}",
        quote(name),
        target.title,
        crate::target::list(&roles)
    ))
}

impl TurnWords<'_> {
    /// Whether these are ShareGPT's own words (`from` and `value`, no entry's tags).
    fn is_sharegpt(&self) -> bool {
        self.declared_by.is_none() && self.role_key == "from" && self.content_key == "value"
    }

    /// The role a value of the role key names, and whether it is a function call.
    fn role(&self, name: &str) -> Option<(Role, bool)> {
        let is = |tag: Option<&str>| tag == Some(name);
        Some(if is(self.system) {
            (Role::System, false)
        } else if is(self.user) {
            (Role::User, false)
        } else if is(self.assistant) {
            (Role::Assistant, false)
        } else if is(self.function) {
            (Role::Assistant, true)
        } else if is(self.observation) {
            (Role::Tool, false)
        } else if self.declared_by.is_none() && name == "user" {
            (Role::User, false)
        } else if self.declared_by.is_none() && name == "assistant" {
            (Role::Assistant, false)
        } else {
            return None;
        })
    }

    /// The message about a role value no tag names.
    fn unknown_role(&self, other: &str) -> String {
        if let Some(roles) = self.roles {
            return format!("unknown role {}; expected one of {roles}", quote(other));
        }
        let Some(entry) = self.declared_by else {
            let hint = match role_alias(other) {
                Some("user") => " (did you mean \"human\"?)",
                Some("assistant") => " (did you mean \"gpt\"?)",
                Some("tool") => " (did you mean \"observation\"?)",
                Some("system") => " (did you mean \"system\"?)",
                _ => "",
            };
            return format!(
                "unknown role {}; expected one of {ROLES}{hint}; a trainer maps other names only when configured to (axolotl: `roles:` in the dataset config)",
                quote(other)
            );
        };
        let tags: Vec<String> = [
            ("user_tag", self.user),
            ("assistant_tag", self.assistant),
            ("observation_tag", self.observation),
            ("function_tag", self.function),
            ("system_tag", self.system),
        ]
        .iter()
        .filter_map(|(tag, value)| Some(format!("{tag} {}", quote((*value)?))))
        .collect();
        format!(
            "unknown role {}; {entry} declares {}",
            quote(other),
            if tags.is_empty() {
                "no role tags".to_string()
            } else {
                tags.join(", ")
            }
        )
    }
}

pub(crate) fn read_turn<'s>(
    doc: &Document<'_, 's>,
    turn: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<Message<'s>> {
    read_turn_with(doc, turn, ctx, &TurnWords::SHAREGPT)
}

/// One turn, read with the words `words` gives.
pub(crate) fn read_turn_with<'s>(
    doc: &Document<'_, 's>,
    turn: NodeId,
    ctx: &mut RecordContext<'_>,
    words: &TurnWords<'_>,
) -> Option<Message<'s>> {
    let span = doc.span(turn);
    let (role_key, content_key) = (words.role_key, words.content_key);
    if doc.kind(turn) != Kind::Object {
        ctx.report(
            Code::S003,
            span,
            format!(
                "turn is {}; expected an object with {} and {}",
                describe(doc, turn),
                quote(role_key),
                quote(content_key)
            ),
        );
        return None;
    }
    for (key, value) in doc.members(turn) {
        let name = doc.str(key).unwrap_or_default();
        // Arrow writes every key any turn of the column has on every turn, null where a turn
        // has none.
        if name != role_key
            && name != content_key
            && !words.other_keys.contains(&&*name)
            && !unused_key(doc, value, false, ctx)
        {
            let mut allowed = vec![role_key, content_key];
            allowed.extend_from_slice(words.other_keys);
            unknown_key(ctx, doc.span(key), &name, "a ShareGPT turn", &allowed);
        }
    }
    // A turn the target's trainer does not train by the name it is given
    // ([`untrained_as_written`]).
    let mut untrained = false;
    let (role, role_span, is_call) = match doc.get(turn, role_key) {
        None => {
            ctx.report(Code::S004, span, format!("turn has no {}", quote(role_key)));
            (Role::Unknown, span, false)
        }
        Some(f) => match doc.str(f) {
            None => {
                let example = words.user.unwrap_or("human");
                ctx.report(
                    Code::S004,
                    doc.span(f),
                    format!(
                        "{} is {}; expected a string such as {}",
                        quote(role_key),
                        describe(doc, f),
                        quote(example)
                    ),
                );
                (Role::Unknown, doc.span(f), false)
            }
            Some(name) => {
                untrained = words.is_sharegpt() && unmapped_as_written(&name, doc.span(f), ctx);
                let (role, is_call) = match words.role(&name) {
                    Some(found) => found,
                    None if let Some(role) = super::converted_role(&name, ctx) => (role, false),
                    None => {
                        // Under a target that hands the names to the model's chat template
                        // as written, as S005 says of `gpt` there: its level and its roles.
                        match ctx
                            .settings
                            .target
                            .filter(|_| words.is_sharegpt())
                            .and_then(|target| {
                                Some((target, unknown_role_as_written(target, &name)?))
                            }) {
                            Some((target, message)) => ctx.report_capped(
                                Code::S005,
                                target.role_level(),
                                doc.span(f),
                                message,
                            ),
                            None => ctx.report(Code::S005, doc.span(f), words.unknown_role(&name)),
                        }
                        (Role::Unknown, false)
                    }
                };
                (role, doc.span(f), is_call)
            }
        },
    };
    // LLaMA-Factory's `openai` formatting: an assistant (or function) turn with OpenAI's
    // `tool_calls` is a function call, its content replaced by the calls' JSON.
    let openai_calls = (words.other_keys.contains(&"tool_calls") && role == Role::Assistant)
        .then(|| doc.get(turn, "tool_calls"))
        .flatten()
        .filter(|&calls| match doc.kind(calls) {
            Kind::Array => doc.len(calls) > 0,
            Kind::Null => false,
            _ => true,
        });
    if let Some(calls) = openai_calls {
        let tool_calls = crate::format::openai_chat::read_tool_calls_with(doc, calls, ctx, true);
        return Some(Message {
            tool_calls,
            ..Message::new(role, role_span, span, Content::Missing)
        });
    }
    let content = match doc.get(turn, content_key) {
        None => {
            ctx.report(
                Code::S006,
                role_span,
                format!("turn has no {}", quote(content_key)),
            );
            Content::Missing
        }
        // axolotl's multimodal datasets convert ShareGPT turns to messages and keep a list
        // of content parts as the message's content (`processing_strategies.py`,
        // `convert_legacy_format`); its chat_template datasets join the parts' text.
        Some(v) if doc.kind(v) == Kind::Array && parts_read(words, ctx) => {
            super::axolotl::read_content(doc, v, content_key, ctx)
        }
        Some(v) if doc.kind(v) != Kind::String => {
            let note = if doc.kind(v) == Kind::Array && words.is_sharegpt() {
                super::openai_chat::readers_note(ctx, &parts_readers())
            } else {
                String::new()
            };
            ctx.report(
                Code::S007,
                doc.span(v),
                format!(
                    "{} is {}; expected a string{note}",
                    quote(content_key),
                    describe(doc, v)
                ),
            );
            Content::Invalid { span: doc.span(v) }
        }
        Some(v) => Content::Text(Text {
            value: doc.str(v).unwrap_or_default(),
            span: doc.span(v),
        }),
    };
    let mut tool_calls = Vec::new();
    if is_call && let Content::Text(t) = &content {
        tool_calls.push(read_call(t, ctx));
    }
    let content = if is_call { Content::Missing } else { content };
    Some(Message {
        tool_calls,
        weight: (untrained && role == Role::Assistant).then_some(0),
        ..Message::new(role, role_span, span, content)
    })
}

/// Where the target converts ShareGPT turns through a role map that hands a name it does not
/// hold to the chat template as written ([`crate::target::ShareGptRoles::MappedOrAsWritten`]:
/// axolotl), S005 at the target's level on a role name (`name`, at `span`) that is not among
/// its roles: LLaMA-Factory's `function_call` and `observation` reach the template as
/// written, which may drop them or fail on them. Returns whether the turn goes untrained:
/// `roles_to_train` (`["assistant"]`) does not name `function_call`, so the call the turn
/// holds is read but not trained.
fn unmapped_as_written(
    name: &str,
    span: crate::diagnostic::Span,
    ctx: &mut RecordContext<'_>,
) -> bool {
    use crate::target::ShareGptRoles;
    let Some(target) = ctx.settings.target else {
        return false;
    };
    let Some(crate::target::Cited {
        value: ShareGptRoles::MappedOrAsWritten { trained, .. },
        ..
    }) = target.sharegpt_roles
    else {
        return false;
    };
    if ctx.format.read_as() != FormatChoice::ShareGpt {
        return false;
    }
    // A name ShareGPT does not define is S005's already, in ShareGPT's words.
    if !target.roles.value.contains(&name) && TurnWords::SHAREGPT.role(name).is_some() {
        ctx.report_capped(
            Code::S005,
            target.role_level(),
            span,
            format!(
                "{} ({}'s role map passes it on as written, and only the assistant's turns are \
                 trained by default: map it with `roles:` in the dataset config)",
                target.role_refused(&quote(name)),
                target.title
            ),
        );
    }
    !trained.contains(&name)
}

/// The targets that read a ShareGPT turn's `value` as a list of content parts: those that
/// read axolotl's chat records (axolotl).
fn parts_readers() -> Vec<&'static str> {
    crate::target::ALL
        .iter()
        .filter(|t| t.accepts(FormatChoice::AxolotlChat.as_str()))
        .map(|t| t.name)
        .collect()
}

/// Whether a ShareGPT turn's `value` may be a list of content parts: ShareGPT's own words,
/// under a target that reads axolotl's chat records.
fn parts_read(words: &TurnWords<'_>, ctx: &RecordContext<'_>) -> bool {
    words.is_sharegpt()
        && ctx
            .settings
            .target
            .is_some_and(|t| t.accepts(FormatChoice::AxolotlChat.as_str()))
}

/// The pairs of words in which LLaMA-Factory's templates wrap a tool call
/// (`tool_call_words`): when the value holds one, the JSON between them is the call.
const TOOL_CALL_WORDS: &[(&str, &str)] = &[
    ("<tool_call>", "</tool_call>"),
    ("<|tool_call_start|>", "<|tool_call_end|>"),
];

/// The pairs of words in which LLaMA-Factory's templates wrap a thought (`thought_words`):
/// a thought before the call is removed before the JSON is read.
const THOUGHT_WORDS: &[(&str, &str)] = &[
    ("<think>", "</think>"),
    ("<seed:think>", "</seed:think>"),
    ("\u{25c1}think\u{25b7}", "\u{25c1}/think\u{25b7}"),
    ("<|channel>thought", "<channel|>"),
    (
        "<|channel|>analysis<|message|>",
        "<|end|><|start|>assistant<|channel|>final<|message|>",
    ),
];

/// What is wrong with a `function_call` turn's value as LLaMA-Factory reads it
/// (`FunctionFormatter`): JSON text of one `{"name": str, "arguments": ...}` or a non-empty
/// list of them (parallel calls), possibly after a thought or inside a template's tool-call
/// words. `None` when some reading of it is a call: the template is not known here.
fn function_call_problem(value: &str) -> Option<String> {
    let mut readings = vec![value.to_owned()];
    for (open, close) in TOOL_CALL_WORDS {
        if let Some(start) = value.find(open)
            && let Some(len) = value[start + open.len()..].find(close)
        {
            readings.push(value[start + open.len()..start + open.len() + len].to_owned());
        }
    }
    for (open, close) in THOUGHT_WORDS {
        if let Some(start) = value.find(open)
            && let Some(len) = value[start..].find(close)
        {
            let thought = &value[start..start + len + close.len()];
            readings.push(value.replace(thought, ""));
        }
    }
    // The problem of the last reading (the most unwrapped) when none is a call.
    let mut problem = None;
    for reading in &readings {
        problem = Some(call_problem(reading)?);
    }
    problem
}

/// What is wrong with `json` as one call or a list of calls.
fn call_problem(json: &str) -> Option<String> {
    const EXPECTED: &str =
        "expected a JSON object with a \"name\" and \"arguments\", or a list of them";
    let mut parser = Parser::new();
    let call = match parser.parse_strict(json) {
        Ok(call) => call,
        Err(e) => {
            return Some(format!(
                "function_call value is not valid JSON ({}); {EXPECTED}",
                e.message
            ));
        }
    };
    let root = call.root();
    let calls: Vec<NodeId> = match call.kind(root) {
        Kind::Object => vec![root],
        Kind::Array if call.len(root) == 0 => {
            return Some(format!(
                "function_call value is an empty list: the turn calls no function; {EXPECTED}"
            ));
        }
        Kind::Array => call.elements(root).collect(),
        _ => {
            return Some(format!(
                "function_call value encodes {}; {EXPECTED}",
                describe(&call, root)
            ));
        }
    };
    for one in calls {
        if call.kind(one) != Kind::Object {
            return Some(format!(
                "function_call value holds {}; {EXPECTED}",
                describe(&call, one)
            ));
        }
        match call.get(one, "name") {
            Some(name) if call.kind(name) == Kind::String => {}
            Some(name) => {
                return Some(format!(
                    "function_call \"name\" is {}; expected the function's name",
                    describe(&call, name)
                ));
            }
            None => return Some(format!("function_call value has no \"name\"; {EXPECTED}")),
        }
        if call.get(one, "arguments").is_none() {
            return Some(
                "function_call value has no \"arguments\"; LLaMA-Factory reads each call's \"name\" and \"arguments\"".into(),
            );
        }
    }
    None
}

/// A `function_call` turn's value: `{"name": str, "arguments": ...}` (or a list of them) as
/// JSON text.
fn read_call<'s>(value: &Text<'s>, ctx: &mut RecordContext<'_>) -> ToolCall<'s> {
    if let Some(problem) = function_call_problem(&value.value) {
        ctx.report(Code::S010, value.span, problem);
    }
    ToolCall {
        id: None,
        name: None,
        arguments: Some(value.clone()),
        span: value.span,
    }
}
