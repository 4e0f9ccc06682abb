//! The normalised conversation model every content rule sees, whatever the input format.
//!
//! A format adapter (`crate::format`) turns one parsed JSONL record into a [`Conversation`].
//! Every piece keeps a [`Span`] back into the record's line, so a rule can point at the
//! exact JSON value it complains about.

use std::borrow::Cow;

use crate::diagnostic::Span;

/// Who speaks a message. Formats map their own names onto these (ShareGPT's `gpt` is
/// `Assistant`, its `observation` is `Tool`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    System,
    /// OpenAI's newer name for system instructions.
    Developer,
    User,
    Assistant,
    Tool,
    /// The deprecated predecessor of `Tool`.
    Function,
    /// A role the format does not define, or a message whose role could not be read; the
    /// schema rules have already reported it.
    Unknown,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::Function => "function",
            Role::Unknown => "unknown",
        }
    }

    /// System-like instructions (system or developer).
    pub fn is_instruction(self) -> bool {
        matches!(self, Role::System | Role::Developer)
    }
}

/// A string from the record: its decoded value and the span of its JSON literal (quotes
/// included) in the line. A value a format keeps as JSON rather than as a string (a tool
/// call's arguments object, a tool's result, a column written out as its JSON) is a `Text`
/// too: its JSON as written and that JSON's span, which is then no string literal.
#[derive(Clone, Debug)]
pub struct Text<'a> {
    pub value: Cow<'a, str>,
    pub span: Span,
}

impl Text<'_> {
    /// Length in Unicode code points, the unit of every character threshold.
    pub fn chars(&self) -> usize {
        count_chars(&self.value)
    }

    /// The span in `line` of the bytes `range` of the decoded value, so a rule can underline
    /// one word inside a string that contains escapes. Falls back to the whole literal when
    /// `line` is not the line this text came from.
    pub fn sub_span(&self, line: &str, range: std::ops::Range<usize>) -> Span {
        let Some(raw) = line.get(self.span.range()) else {
            return self.span;
        };
        if raw.len() < 2 || range.start > range.end {
            return self.span;
        }
        let base = self.span.start as usize;
        // JSON kept as written is its own text: its escapes are not decoded in the value, so
        // reading them as a string literal's would move every offset after one.
        if raw == self.value.as_ref() {
            let end = range.end.min(raw.len());
            return Span::from_usize(base + range.start.min(end), base + end);
        }
        let found = crate::json::literal_range_of(raw, range);
        Span::from_usize(base + found.start, base + found.end)
    }

    /// Whether the text is JSON kept as written in `line` (see [`Text`]), not a string
    /// decoded: a string's literal is its value with quotes, never the value itself.
    pub fn as_written(&self, line: &str) -> bool {
        line.get(self.span.range()) == Some(self.value.as_ref())
    }
}

/// Counts code points quickly: every byte that is not a UTF-8 continuation byte starts one.
pub fn count_chars(s: &str) -> usize {
    s.len() - s.bytes().filter(|&b| (b & 0xC0) == 0x80).count()
}

/// One element of a content-parts array.
#[derive(Clone, Debug)]
pub enum Part<'a> {
    Text(Text<'a>),
    Image { span: Span },
}

/// What a message's `content` holds.
#[derive(Clone, Debug)]
pub enum Content<'a> {
    /// No `content` key (allowed on assistant messages that call tools).
    Missing,
    /// `"content": null`.
    Null { span: Span },
    /// `"content": "..."`.
    Text(Text<'a>),
    /// `"content": [ {...}, ... ]`; `span` covers the array.
    Parts { span: Span, parts: Vec<Part<'a>> },
    /// Present but unusable (a number, say); the schema rules have reported it.
    Invalid { span: Span },
}

impl<'a> Content<'a> {
    /// The text pieces of the content, in order.
    pub fn texts(&self) -> impl Iterator<Item = &Text<'a>> {
        let (single, parts): (Option<&Text<'a>>, &[Part<'a>]) = match self {
            Content::Text(t) => (Some(t), &[]),
            Content::Parts { parts, .. } => (None, parts.as_slice()),
            _ => (None, &[]),
        };
        single
            .into_iter()
            .chain(parts.iter().filter_map(|p| match p {
                Part::Text(t) => Some(t),
                Part::Image { .. } => None,
            }))
    }

    /// The span of the whole content value, if there is one.
    pub fn span(&self) -> Option<Span> {
        match self {
            Content::Missing => None,
            Content::Null { span } | Content::Parts { span, .. } | Content::Invalid { span } => {
                Some(*span)
            }
            Content::Text(t) => Some(t.span),
        }
    }

    /// True when the content carries at least one image part.
    pub fn has_image(&self) -> bool {
        matches!(self, Content::Parts { parts, .. } if parts.iter().any(|p| matches!(p, Part::Image { .. })))
    }

    /// The content as one string when it is a single text, or the text parts joined.
    pub fn joined_text(&self) -> Cow<'_, str> {
        match self {
            Content::Text(t) => Cow::Borrowed(&t.value),
            _ => {
                let mut out = String::new();
                for t in self.texts() {
                    out.push_str(&t.value);
                }
                Cow::Owned(out)
            }
        }
    }
}

/// A call the assistant makes to a tool.
#[derive(Clone, Debug)]
pub struct ToolCall<'a> {
    pub id: Option<Text<'a>>,
    pub name: Option<Text<'a>>,
    /// The arguments: a JSON document in a string (OpenAI's `arguments`, a ShareGPT
    /// `function_call` turn's value), or JSON kept as written (a chat template's `arguments`
    /// object, Vertex AI's `functionCall.args`, Bedrock's `toolUse.input`).
    pub arguments: Option<Text<'a>>,
    pub span: Span,
}

/// One turn of a conversation.
#[derive(Clone, Debug)]
pub struct Message<'a> {
    pub role: Role,
    /// The span of the role value (or of the message, when it has none).
    pub role_span: Span,
    /// The span of the whole message object.
    pub span: Span,
    pub content: Content<'a>,
    pub name: Option<Text<'a>>,
    pub tool_calls: Vec<ToolCall<'a>>,
    /// `tool_call_id` of a tool message.
    pub tool_call_id: Option<Text<'a>>,
    /// The results of tool calls that a format keeps as data rather than as the message's
    /// content, as JSON kept as written (Vertex AI's `functionResponse.response`, Bedrock's
    /// `toolResult.content`): the chat template renders them into the prompt all the same.
    pub tool_results: Vec<Text<'a>>,
    /// The chain of thought the format reads beside the answer (Bedrock Nova's
    /// `reasoningContent`, a Gemini part marked `thought`, axolotl's `reasoning_content`,
    /// and the `reasoning_content`, `reasoning` or `thinking` of an assistant message under
    /// a target that reads the key): the model is trained on it and the service bills it as
    /// part of the turn, so the token count counts it ([`crate::tokens::said`]); it is not
    /// the answer, which the content rules judge. Empty where the trainer drops the key
    /// (S008 says so).
    pub reasoning: Vec<Text<'a>>,
    /// A chain of thought no template renders but a trainer may: under a key some target
    /// reads, in a record linted without a target (S008 names the targets), or under a
    /// second key the target reads beside the one rendered (transformers renders the first of
    /// `reasoning_content`, `thinking`, `reasoning`). The privacy rules search it; no token
    /// figure counts it.
    pub reasoning_unread: Vec<Text<'a>>,
    /// What an assistant says in refusing, as OpenAI writes it beside or in the content
    /// (`refusal`, a `{"type": "refusal"}` part).
    pub refusals: Vec<Text<'a>>,
    /// `weight` of an assistant message: `Some(0)` means "do not train on this turn". Of
    /// another message, `Some(1)` means "train on it too" (axolotl's `train: true` on a user
    /// turn); see [`Message::trained_input`].
    pub weight: Option<u8>,
    /// axolotl's `train_detail` (the JSON list of `{"begin_offset", "end_offset", "train"}`
    /// character ranges of the content) when the format read one: which part of a trained
    /// turn is learned from.
    pub train_detail: Option<Span>,
    /// The trainer writes this turn itself, whatever the record holds (axolotl's
    /// `context_qa.load_404` answers every question with one refusal of its own): it is
    /// trained and counted, but the message rules, which judge the data's own text, pass
    /// over it.
    pub from_trainer: bool,
}

impl<'a> Message<'a> {
    /// A message with this role and content, no name, tool calls or weight: what the formats
    /// fill in as they read a record.
    pub fn new(role: Role, role_span: Span, span: Span, content: Content<'a>) -> Message<'a> {
        Message {
            role,
            role_span,
            span,
            content,
            name: None,
            tool_calls: Vec::new(),
            tool_call_id: None,
            tool_results: Vec::new(),
            reasoning: Vec::new(),
            refusals: Vec::new(),
            weight: None,
            train_detail: None,
            from_trainer: false,
            reasoning_unread: Vec::new(),
        }
    }

    /// True for an assistant turn that calls tools (its content may then be null).
    pub fn calls_tools(&self) -> bool {
        !self.tool_calls.is_empty()
    }

    /// Whether training learns from this message, if it is an assistant turn: not when the
    /// data marks it otherwise (`weight: 0`). Formats that mark turns their own way (axolotl's
    /// `train`, LLaMA-Factory's `loss_weight`) are to set `weight` from it (0 or 1).
    pub fn trained(&self) -> bool {
        self.weight != Some(0)
    }

    /// Whether training learns from this message though it is not an assistant turn: axolotl
    /// trains a user, system or tool turn its data marks `train: true` (its content and
    /// end-of-turn token, as it trains an answer).
    pub fn trained_input(&self) -> bool {
        !matches!(self.role, Role::Assistant | Role::Unknown) && self.weight == Some(1)
    }

    /// The span to underline when talking about this message's content: the content value,
    /// or the message itself when it has none.
    pub fn content_or_message_span(&self) -> Span {
        self.content.span().unwrap_or(self.span)
    }
}

/// What kind of example a record is, which decides how the order rules judge its turns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// A conversation that ends on the answers the model learns (supervised fine-tuning,
    /// preference pairs): every order rule applies.
    #[default]
    Chat,
    /// A prompt without its answer (`prompt-only`: GRPO and other RL prompt sets): the trainer
    /// generates the answer, so ending on a user turn with no assistant turn is right (no
    /// O001, O002, O004); the other order rules apply.
    Prompt,
    /// Plain text for language modelling (`text`): one message holding the whole text, with
    /// the assistant role because every token of it is trained. It has no turns, so no order
    /// rule applies; the content, privacy, token and duplicate rules read it as they read an
    /// answer.
    Text,
}

/// One training example, normalised.
#[derive(Clone, Debug, Default)]
pub struct Conversation<'a> {
    pub messages: Vec<Message<'a>>,
    /// The span of the messages array (or of the whole record for formats without one).
    pub span: Span,
    /// True when the adapter dropped or could not read part of the record, so order rules
    /// should not pile on top of the schema diagnostics already given.
    pub incomplete: bool,
    /// The tool definitions (`tools`, or the deprecated `functions`) of formats that carry
    /// them as JSON: what the token count adds for them.
    pub tools: Option<Span>,
    /// The tool definitions of formats that keep them as JSON text (LLaMA-Factory's `tools`
    /// column, of ShareGPT records and its other shapes): LLaMA-Factory renders them into the
    /// prompt of the example, so the token count counts them as it counts
    /// [`Conversation::tools`], and the P rules search them likewise.
    pub tools_text: Option<Span>,
    /// What kind of example this is (chat, prompt, plain text).
    pub shape: Shape,
    /// One of several answers to its prompt: a preference pair (`chosen`/`rejected`,
    /// `preferred_output`), or an unpaired (KTO) answer with its label. Such datasets repeat a
    /// prompt by design (one pair per pair of sampled answers), so a record is a duplicate of
    /// another only with its answers: [`crate::dedup`] compares each of them too.
    pub preference: bool,
    /// Answers kept out of the content rules because they are meant to be bad: a preference
    /// pair's rejected answer, an undesirable (KTO `false`) answer. What is wrong with them
    /// as data whatever their label is still looked for in them: secrets and personal data
    /// (the P rules), chat-template tokens and encoding artifacts (C010, C011).
    pub set_aside: Vec<Message<'a>>,
    /// An unpaired preference (KTO) record's label as read: whether its answer is desirable.
    /// `None` for other records and for a label that could not be read (S007).
    pub desirable: Option<bool>,
    /// The trainer hands the role names to the chat template as the record writes them
    /// (TRL converts ShareGPT's `from`/`value` turns keeping `human` and `gpt`): the token
    /// count renders them so, not as the roles they stand for.
    pub roles_as_written: bool,
    /// Where the answer begins in a preference record that appends it to its prompt
    /// (`preferred_output` after `input`): the index of its first message. The order rules
    /// judge the prompt's last turn against it as the format's own rule, not as two turns in
    /// a row; an answer of several messages is S002's.
    pub output_start: Option<usize>,
}

impl<'a> Conversation<'a> {
    /// Whether `m` is one of the record's list of messages, not a turn the format took from
    /// another key (a system prompt under its own key: axolotl's `system`, mistral-finetune's
    /// `system_prompt`), which comes before them.
    pub fn listed(&self, m: &Message<'_>) -> bool {
        m.span.start >= self.span.start && m.span.end <= self.span.end
    }

    /// The position, from 1, at which a reader counts message `i` in the record's list (the
    /// turns taken from other keys come first and are not counted).
    pub fn position(&self, i: usize) -> usize {
        let before = self.messages[..i]
            .iter()
            .filter(|m| !self.listed(m))
            .count();
        i + 1 - before
    }

    /// The example as the trainer processes it: an unpaired preference answer labelled
    /// undesirable (KTO `false`) is set aside from the content rules, leaving a prompt, but it
    /// is trained on all the same (against its label), so its tokens, characters and turns
    /// count. Every other conversation is itself.
    pub fn as_trained(&self) -> std::borrow::Cow<'_, Conversation<'a>> {
        if self.shape != Shape::Prompt || self.set_aside.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut trained = self.clone();
        trained.messages.append(&mut trained.set_aside);
        trained.shape = Shape::Chat;
        std::borrow::Cow::Owned(trained)
    }

    pub fn first_user(&self) -> Option<&Message<'a>> {
        self.messages.iter().find(|m| m.role == Role::User)
    }

    pub fn last(&self) -> Option<&Message<'a>> {
        self.messages.last()
    }
}
