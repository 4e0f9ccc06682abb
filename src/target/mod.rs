//! Targets (§3b): what a dataset will be trained with, and what that trainer or provider
//! accepts. One file per target holds its data — accepted formats, roles, turn rules,
//! limits, default tokenizer — each fact with the documentation or code it comes from, which
//! `tunelint explain` prints.
//!
//! This is data only, in the base layer: formats are named by their config names (strings,
//! resolved against [`crate::settings::FormatChoice`] where they are used), so a target may
//! name a format another module adds later. The formats read [`Target::max_images`] and
//! [`Target::tool_call_id`]; the format dispatcher reports S014 with [`Target::mismatch`].

mod axolotl;
mod azure_openai;
mod bedrock_claude;
mod bedrock_nova;
mod fireworks;
mod llama_factory;
mod mistral;
mod openai;
mod requirement;
mod together;
mod trl;
mod unsloth;
mod vertex_gemini;

use std::fmt::Write as _;

use crate::rule::Level;
use crate::wording::thousands;

/// A value with the documentation (a URL) or trainer code (repository and path) it comes
/// from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cited<T: 'static> {
    pub value: T,
    pub source: &'static str,
}

/// The shape a target requires of tool call ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ToolCallId {
    /// Exactly this many characters.
    pub len: usize,
    /// Only ASCII letters and digits.
    pub alphanumeric: bool,
}

impl ToolCallId {
    pub fn accepts(&self, id: &str) -> bool {
        id.chars().count() == self.len
            && (!self.alphanumeric || id.chars().all(|c| c.is_ascii_alphanumeric()))
    }
}

/// How a target reads a JSON Lines file, which decides whether a field may hold one JSON
/// type in one record and another in the next (S013).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loader {
    /// The provider's own upload validation, record by record: OpenAI's `content` is a
    /// string in one message and a list of parts in the next.
    Own,
    /// Hugging Face `datasets.load_dataset("json")`, at a version the trainer's requirement
    /// allows: `requires` as its packaging writes it (`">=4.7.0"`; empty for any version).
    /// Whether that loads a field whose type changes follows from it
    /// ([`Loader::mixed_types`]): before 4.7 `datasets` cannot, from 4.7 it loads the field
    /// as `Json`. `earlier`, in words, where older releases of the trainer required another
    /// version.
    Datasets {
        requires: &'static str,
        earlier: Option<&'static str>,
    },
}

/// What a target's loader makes of a field whose JSON type changes between records, which
/// sets S013's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MixedTypes {
    /// Every version it may load with reads it: S013 is off.
    Loaded,
    /// Every version it may load with fails on it: S013 is an error.
    Refused,
    /// It depends on the `datasets` installed, which the trainer lets be older or newer than
    /// 4.7: S013 is a warning.
    Installed,
}

/// The first `datasets` that loads a field whose type changes (as its `Json` feature).
const DATASETS_JSON: [u32; 3] = [4, 7, 0];

/// Where a key that a target reads sits in a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPlace {
    /// On an assistant message (a chain of thought beside the answer): a string.
    AssistantMessage,
    /// At the top level of a chat record (a sample weight): a number.
    Record,
    /// On a text content part (axolotl's per-part `weight`, or its text under another
    /// name): any value.
    TextPart,
    /// At the top level of a chat record, a flag: true or false (mistral-finetune's
    /// `only_last`).
    RecordFlag,
    /// At the top level of a chat record, the system prompt as a string, read in place of a
    /// system message (mistral-finetune's `system_prompt`): a record with both is refused.
    SystemPrompt,
    /// At the top level of a chat record, the tool definitions under another name than
    /// `tools`, checked as `tools` is (mistral-finetune's `available_tools`): a record with
    /// both is refused.
    Tools,
}

impl KeyPlace {
    /// The places at the top level of a chat record.
    pub const RECORD: [KeyPlace; 4] = [
        KeyPlace::Record,
        KeyPlace::RecordFlag,
        KeyPlace::SystemPrompt,
        KeyPlace::Tools,
    ];

    /// In words, for messages and `explain`.
    pub fn describe(self) -> &'static str {
        match self {
            KeyPlace::AssistantMessage => "assistant messages, a string",
            KeyPlace::Record => "the top level of a chat record, a number",
            KeyPlace::TextPart => "text content parts",
            KeyPlace::RecordFlag => "the top level of a chat record, true or false",
            KeyPlace::SystemPrompt => {
                "the top level of a chat record, the system prompt as a string (not beside a \
                 system message)"
            }
            KeyPlace::Tools => {
                "the top level of a chat record, tool definitions as `tools` takes them (not \
                 beside `tools`)"
            }
        }
    }
}

/// Keys a target reads beyond what its formats define: under that target they are not
/// unknown (S008), and their value must be of the place's kind (a string on an assistant
/// message, a number at the top level).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keys {
    pub place: KeyPlace,
    pub names: &'static [&'static str],
}

/// How many examples a target takes in one training file (B001).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExampleCount {
    pub min: u64,
    pub max: Option<u64>,
}

impl ExampleCount {
    /// In words, for `explain`: "at least 10", "3 to 3,000,000".
    pub fn describe(&self) -> String {
        match self.max {
            Some(max) => format!("{} to {}", thousands(self.min), thousands(max)),
            None => format!("at least {}", thousands(self.min)),
        }
    }
}

/// The tokenizer a target counts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tokenizer {
    /// OpenAI's `o200k_base`, built in: the counts are the provider's.
    O200kBase,
    /// The provider's own, not published (`whose`: "Claude's"): counts with `o200k_base` are
    /// an estimate.
    Unpublished { whose: &'static str },
    /// The trained model's own (`what`: "the base model's own tokenizer"): exact once `[tokens]
    /// tokenizer` points at it, an estimate with `o200k_base` until then.
    Model { what: &'static str },
}

impl Tokenizer {
    /// In words, for `explain`.
    pub fn describe(&self) -> String {
        match self {
            Tokenizer::O200kBase => "o200k_base (GPT-4o and later models)".to_owned(),
            Tokenizer::Unpublished { whose } => {
                format!("{whose}, which is not published (counts with o200k_base are an estimate)")
            }
            Tokenizer::Model { what } => format!("{what} (point [tokens] tokenizer at it)"),
        }
    }
}

/// One target's data.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// The config name: `target = "together"`.
    pub name: &'static str,
    /// How messages name it: "Together".
    pub title: &'static str,
    /// The formats it reads, by config name (`crate::settings::FormatChoice::as_str`).
    pub formats: Cited<&'static [&'static str]>,
    /// The message roles it accepts.
    pub roles: Cited<&'static [&'static str]>,
    /// Keys it reads beyond its formats' own (S008), where it documents some.
    pub keys: &'static [Cited<Keys>],
    /// Where the provider rejects two user or two assistant messages in a row (O006 is then
    /// an error naming it): the rule in its words.
    pub alternation: Option<Cited<&'static str>>,
    /// Under [`alternation`](Self::alternation), tool results count as the user's turns
    /// (LLaMA-Factory's observation positions): a tool result next to a user turn breaks
    /// it as two user turns would.
    pub tool_turns_alternate: bool,
    /// How its images must be given, where it says (S012): base64 data URLs of these types,
    /// not links; and Together's further upload rules.
    pub image_data: Option<Cited<ImageData>>,
    /// Where a conversation whose first turn after the system prompt is not the user's is
    /// not trained (O006 reports it as an error naming the target): the rule in its words.
    pub user_first: Option<Cited<&'static str>>,
    /// Its turn-order rules, in words.
    pub turns: Cited<&'static str>,
    /// Most images in one example (S012), where documented.
    pub max_images: Option<Cited<usize>>,
    /// The shape tool call ids must have (S010), where it is restricted.
    pub tool_call_id: Option<Cited<ToolCallId>>,
    /// How many examples a training file must hold (B001), where documented.
    pub examples: Option<Cited<ExampleCount>>,
    /// Other documented limits (file size, images), in words.
    pub limits: &'static [Cited<&'static str>],
    /// The tokenizer its token counts should use.
    pub tokenizer: Cited<Tokenizer>,
    /// How it loads a JSON Lines file (S013).
    pub loader: Cited<Loader>,
    /// Where it hands tool calls to the model's chat template as Hugging Face documents
    /// them (S010, S011): a call's `arguments` a JSON object (a string holding one too), no
    /// `id` required, a tool result naming its function with `name` or nothing rather than a
    /// `tool_call_id` and answering the calls it follows in order, a function definition with the `return` that `get_json_schema`
    /// writes. `None`: OpenAI's rules (arguments encoded as a string, ids that pair calls
    /// and results).
    pub chat_template_tools: Option<Cited<&'static str>>,
    /// Where `weight` (0 or 1) may mask any message, not only an assistant's (S009).
    pub weights_any_message: Option<Cited<&'static str>>,
    /// Where the provider asks for files that start with a UTF-8 byte-order mark: J005 then
    /// leaves the mark alone.
    pub byte_order_mark: Option<Cited<&'static str>>,
    /// Where a function definition's `parameters` may be a JSON string holding the schema,
    /// which the trainer decodes (S010).
    pub tool_parameters_encoded: Option<Cited<&'static str>>,
    /// Where a tool call needs no `id` (S010) when no tool message answers it (the example
    /// ends on the call the model learns to make), in the provider's words.
    pub unanswered_call_ids: Option<Cited<&'static str>>,
    /// Where the upload check refuses a record with a top-level key its format does not
    /// read: S008 is then an error there, not a warning.
    pub extra_keys_refused: Option<Cited<&'static str>>,
    /// Where a preference example's prompt is one user turn (after an optional system
    /// message): S002 on a longer `input`.
    pub preference_one_turn: Option<Cited<&'static str>>,
    /// What becomes of ShareGPT turns' role names, where the target converts them itself
    /// rather than reading `human` and `gpt` as the user and the assistant (S005).
    pub sharegpt_roles: Option<Cited<ShareGptRoles>>,
    /// Where the trainer converts the messages of a record with images itself before the
    /// chat template sees them, and raises on what it cannot convert (TRL's
    /// `prepare_multimodal_messages`): a role outside system, user, assistant and tool is
    /// then S005, and image placeholders that do not match the images S012, both errors.
    pub vision_messages: Option<Cited<&'static str>>,
    /// Where a prompt-completion record's `prompt` and `completion` may be lists of content
    /// parts (text and images) rather than strings (Together's vision "Instruction format").
    pub prompt_parts: Option<Cited<&'static str>>,
    /// Strings the provider's job fails on anywhere in a record's text (Nova's `User:`,
    /// `[EOS]`, ...): C010 reports them as errors naming it.
    pub reserved_words: Option<Cited<ReservedWords>>,
    /// The most tokens one example may have (T001's limit under this target, unless
    /// `max_per_example` is configured).
    pub max_tokens: Option<Cited<TokenLimit>>,
    /// The roles of a reinforcement fine-tuning prompt (`openai-rft`), where the target
    /// restricts them (S005); `None`: the format's own (OpenAI's, `developer` included).
    pub rft_roles: Option<Cited<&'static [&'static str]>>,
    /// Where reinforcement fine-tuning prompts (`openai-rft`) may hold no images (S012, an
    /// error naming the target), in the provider's words.
    pub rft_images: Option<Cited<&'static str>>,
    /// Where the provider accepts a conversation that ends on another turn than the
    /// assistant's (O002 is then a warning naming it), in its words.
    pub last_turn_any: Option<Cited<&'static str>>,
    /// Where a tool result must follow the assistant's call (or another result) and be
    /// followed by the assistant's turn (or another result), as mistral-common's validator
    /// requires: O006 is then an error naming it, in its words.
    pub tool_result_turns: Option<Cited<&'static str>>,
    /// Where an assistant message holds text or tool calls, never both (S010), in its words.
    pub calls_without_text: Option<Cited<&'static str>>,
    /// The keys every function definition must have (S010), where it requires more than a
    /// `name`.
    pub function_keys: Option<Cited<&'static [&'static str]>>,
    /// Keys of OpenAI's chat format that a target reading that format otherwise does not
    /// read (S008): OpenAI's own top-level `parallel_tool_calls` and its deprecated
    /// `functions` and `function_call`. At the top of a record they are errors where the
    /// upload check refuses a key it does not read ([`Target::extra_keys_refused`]).
    pub chat_keys_unread: Option<Cited<&'static [&'static str]>>,
}

/// A target's limit on an example's tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenLimit {
    pub tokens: u64,
    /// How T001's message names it: "Amazon Bedrock's limit for Claude 3 Haiku".
    pub what: &'static str,
    /// What becomes of a longer example, as the source says.
    pub over: OverLimit,
}

/// What a target does with an example over its token limit (T001's level and wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverLimit {
    /// Training cuts it: T001 a warning, "training would truncate it".
    Truncated,
    /// The provider's validation rejects the record: T001 an error naming the provider.
    Refused,
    /// The source states the limit and not what becomes of a longer example: T001 a
    /// warning that says only that it is over.
    Unstated,
}

impl OverLimit {
    /// In words, for `explain`.
    pub fn describe(self) -> &'static str {
        match self {
            OverLimit::Truncated => "training truncates a longer example",
            OverLimit::Refused => "a longer example is refused (T001 is an error)",
            OverLimit::Unstated => "what becomes of a longer example is not documented",
        }
    }
}

/// Strings a provider reserves for its own prompt format: a record whose text holds one
/// fails its training job (C010).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReservedWords {
    /// The strings, as the provider lists them (ASCII).
    pub words: &'static [&'static str],
    /// Matched in any case (Nova's validator lowercases both sides), or as written.
    pub any_case: bool,
    /// The formats whose records it checks, by config name.
    pub formats: &'static [&'static str],
}

impl ReservedWords {
    /// The reserved words in `text`: the byte range of the first one found, and every word
    /// found, in the provider's order.
    pub fn find(&self, text: &str) -> Option<(std::ops::Range<usize>, Vec<&'static str>)> {
        // ASCII lowercasing keeps byte offsets, and the words are ASCII.
        let lowered;
        let haystack = if self.any_case {
            lowered = text.to_ascii_lowercase();
            lowered.as_str()
        } else {
            text
        };
        let mut first: Option<std::ops::Range<usize>> = None;
        let mut found = Vec::new();
        for word in self.words {
            let at = if self.any_case {
                haystack.find(word.to_ascii_lowercase().as_str())
            } else {
                haystack.find(word)
            };
            if let Some(at) = at {
                found.push(*word);
                if first.as_ref().is_none_or(|f| at < f.start) {
                    first = Some(at..at + word.len());
                }
            }
        }
        first.map(|range| (range, found))
    }

    /// The words quoted, for messages and `explain`: `"User:", "Bot:" and "[EOS]"`.
    pub fn describe(&self) -> String {
        let quoted: Vec<String> = self
            .words
            .iter()
            .map(|w| crate::wording::quote(w))
            .collect();
        list_refs(&quoted)
    }
}

/// How a target converts ShareGPT turns to role and content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareGptRoles {
    /// Through a role map that fails on any other name (Unsloth's `standardize_sharegpt`):
    /// the role names it maps, as written. S005 is an error on any other, whatever the role
    /// it would stand for.
    Mapped(&'static [&'static str]),
    /// The keys renamed and the role names kept as written (TRL's `maybe_convert_to_chatml`):
    /// the chat template sees `human` and `gpt`, so a name not among the target's roles is
    /// S005 at the target's level.
    AsWritten,
    /// Through a role map that hands a name it does not hold to the chat template as written
    /// (axolotl's `roles`, `self.prompter.roles.get(role, role)`): a name not among the
    /// target's roles (LLaMA-Factory's `function_call` and `observation`) is S005 at the
    /// target's level, and a turn is trained only when its name is one of `trained`, those
    /// the map turns into the role trained by default (axolotl's `roles_to_train`,
    /// `["assistant"]`): a `function_call` turn is read as the call it holds, but not trained.
    MappedOrAsWritten {
        /// The names the map holds, as written.
        mapped: &'static [&'static str],
        /// The names whose turns are trained.
        trained: &'static [&'static str],
    },
}

/// A provider's rules for the images of an example (S012, S007, S009).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageData {
    /// The MIME types of the base64 data URLs it reads; a link (`https://...`) is refused.
    pub mime_types: &'static [&'static str],
    /// The longest data URL, in characters (Together: 10 MB of image).
    pub max_url_chars: Option<usize>,
    /// A message holding an image must not carry a non-zero `weight` (Together).
    pub unweighted: bool,
    /// Every message of a conversation has its content as a string, or every one as a list
    /// of parts, not a mix (Together).
    pub uniform_content: bool,
}

impl Target {
    /// Whether tool calls follow the chat-template conventions ([`Target::chat_template_tools`]).
    pub fn chat_template_tools(&self) -> bool {
        self.chat_template_tools.is_some()
    }
}

/// Every target, in the order of the specification and the README.
pub const ALL: &[&Target] = &[
    &openai::TARGET,
    &azure_openai::TARGET,
    &together::TARGET,
    &fireworks::TARGET,
    &bedrock_claude::TARGET,
    &bedrock_nova::TARGET,
    &vertex_gemini::TARGET,
    &mistral::TARGET,
    &trl::TARGET,
    &axolotl::TARGET,
    &llama_factory::TARGET,
    &unsloth::TARGET,
];

/// What `target = ...` and `--target` accept: `auto` (no target) and every target's name.
pub const CHOICES: &[&str] = &[
    "auto",
    "openai",
    "azure-openai",
    "together",
    "fireworks",
    "bedrock-claude",
    "bedrock-nova",
    "vertex-gemini",
    "mistral",
    "trl",
    "axolotl",
    "llama-factory",
    "unsloth",
];

/// A target by its config name, in any case (`openai`, `OpenAI`).
pub fn lookup(name: &str) -> Option<&'static Target> {
    ALL.iter()
        .copied()
        .find(|t| t.name.eq_ignore_ascii_case(name))
}

/// `target = "NAME"` as written: `auto` (no target: only what holds for every target is
/// checked) or a target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TargetChoice(pub Option<&'static Target>);

impl TargetChoice {
    pub fn parse(s: &str) -> Option<TargetChoice> {
        if s.eq_ignore_ascii_case("auto") {
            Some(TargetChoice(None))
        } else {
            lookup(s).map(|t| TargetChoice(Some(t)))
        }
    }
}

/// The reserved words a record of `format` must not hold, and the target whose they are: the
/// named target's, or without one the sole reader's of a format only one target reads.
pub fn reserved_words(
    target: Option<&'static Target>,
    format: &str,
) -> Option<(&'static Target, ReservedWords)> {
    let target = match target {
        Some(t) => t,
        None => sole_reader(format)?,
    };
    let words = target.reserved_words?.value;
    words.formats.contains(&format).then_some((target, words))
}

/// The one target that reads `format`, when only one does (Bedrock's and Vertex AI's own
/// shapes): its rules hold for such a record even without `target`.
pub fn sole_reader(format: &str) -> Option<&'static Target> {
    let mut readers = ALL.iter().copied().filter(|t| t.accepts(format));
    let first = readers.next()?;
    readers.next().is_none().then_some(first)
}

/// The names of the targets that read `format`.
pub fn readers(format: &str) -> Vec<&'static str> {
    ALL.iter()
        .filter(|t| t.accepts(format))
        .map(|t| t.name)
        .collect()
}

/// [`list`] of owned strings.
fn list_refs(items: &[String]) -> String {
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    list(&refs)
}

/// `a, b and c`.
pub(crate) fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The names of the targets that read `name` at `place` although their formats do not
/// define it (S008's hint without a target).
pub fn key_readers(place: KeyPlace, name: &str) -> Vec<&'static str> {
    ALL.iter()
        .filter(|t| t.reads_key(place, name))
        .map(|t| t.name)
        .collect()
}

impl Target {
    pub fn accepts(&self, format: &str) -> bool {
        self.formats.value.contains(&format)
    }

    /// Whether this target reads the key `name` at `place` (beyond its formats' own keys).
    pub fn reads_key(&self, place: KeyPlace, name: &str) -> bool {
        self.keys
            .iter()
            .any(|k| k.value.place == place && k.value.names.contains(&name))
    }

    /// The level of S005 for a role outside [`Target::roles`]: an error where the provider
    /// validates the upload itself (it rejects the file), a warning where a trainer hands the
    /// roles to the model's chat template (which may render it, drop it or fail).
    pub fn role_level(&self) -> Level {
        match self.loader.value {
            Loader::Own => Level::Error,
            _ => Level::Warning,
        }
    }

    /// S005's message for a role (`written` as in the record) this target does not accept.
    pub fn role_refused(&self, written: &str) -> String {
        let roles: Vec<String> = self
            .roles
            .value
            .iter()
            .map(|r| format!("\"{r}\""))
            .collect();
        match self.role_level() {
            Level::Error => format!(
                "role {written} is not accepted by {}, which takes {}",
                self.title,
                list_refs(&roles)
            ),
            _ => format!(
                "role {written} is not one {} documents ({}); the model's chat template may drop it or fail on it",
                self.title,
                list_refs(&roles)
            ),
        }
    }

    /// S014's message when a record in `format` is not one this target reads: which targets
    /// read it, and what this one accepts. `None` when the target reads it.
    pub fn mismatch(&self, format: &str) -> Option<String> {
        if self.accepts(format) {
            return None;
        }
        let readers = readers(format);
        let who = if readers.is_empty() {
            "which no target reads".to_owned()
        } else {
            let verb = if readers.len() == 1 { "reads" } else { "read" };
            format!("which {} {verb}", list(&readers))
        };
        Some(format!(
            "this record is in {format} format, {who}; {} accepts {}",
            self.name,
            list(self.formats.value)
        ))
    }

    /// This target's data with the source of each fact, as Markdown: what
    /// `tunelint explain NAME` prints.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## target {} ({})\n", self.name, self.title);
        let _ = writeln!(
            out,
            "`target = \"{}\"` in tunelint.toml, or `--target {}`.\n",
            self.name, self.name
        );
        let mut fact = |what: &str, value: String, source: &str| {
            let _ = writeln!(out, "- **{what}**: {value}  \n  source: <{source}>");
        };
        fact(
            "formats (S014)",
            list(self.formats.value),
            self.formats.source,
        );
        fact("roles (S005)", list(self.roles.value), self.roles.source);
        if let Some(roles) = self.rft_roles {
            fact(
                "roles of reinforcement fine-tuning prompts (S005)",
                list(roles.value),
                roles.source,
            );
        }
        for keys in self.keys {
            let names: Vec<String> = keys.value.names.iter().map(|n| format!("`{n}`")).collect();
            fact(
                "keys (S008)",
                format!("{} on {}", list_refs(&names), keys.value.place.describe()),
                keys.source,
            );
        }
        fact("turns", self.turns.value.to_owned(), self.turns.source);
        if let Some(rule) = self.alternation {
            fact(
                "alternation (O006, an error)",
                rule.value.to_owned(),
                rule.source,
            );
        }
        if let Some(rule) = self.last_turn_any {
            fact("last turn (O002)", rule.value.to_owned(), rule.source);
        }
        if let Some(rule) = self.user_first {
            fact(
                "first turn (O006, an error)",
                rule.value.to_owned(),
                rule.source,
            );
        }
        if let Some(rule) = self.tool_result_turns {
            fact(
                "tool results (O006, an error)",
                rule.value.to_owned(),
                rule.source,
            );
        }
        if let Some(images) = self.max_images {
            fact(
                "images per example (S012)",
                format!("at most {}", images.value),
                images.source,
            );
        }
        if let Some(id) = self.tool_call_id {
            let shape = if id.value.alphanumeric {
                format!("exactly {} ASCII letters and digits", id.value.len)
            } else {
                format!("exactly {} characters", id.value.len)
            };
            fact("tool call ids (S010)", shape, id.source);
        }
        if let Some(names) = self.sharegpt_roles {
            let text = match names.value {
                ShareGptRoles::Mapped(names) => {
                    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                    format!(
                        "{}; any other fails the conversion to role and content",
                        list_refs(&quoted)
                    )
                }
                ShareGptRoles::MappedOrAsWritten { mapped, trained } => {
                    let quote_all = |names: &[&str]| -> String {
                        let quoted: Vec<String> =
                            names.iter().map(|n| format!("\"{n}\"")).collect();
                        list_refs(&quoted)
                    };
                    format!(
                        "its role map converts {}; any other name (\"function_call\", \
                         \"observation\") reaches the chat template as written and is judged \
                         as a role, and only {} turns are trained (roles_to_train), \
                         unless the dataset's `roles:` maps more",
                        quote_all(mapped),
                        quote_all(trained)
                    )
                }
                ShareGptRoles::AsWritten => "the turns are renamed to role and content with their \
                                             names kept, so \"human\" and \"gpt\" reach the \
                                             chat template as written and are judged as roles; \
                                             a record with images is not converted at all (S014)"
                    .to_owned(),
            };
            fact("ShareGPT role names (S005)", text, names.source);
        }
        // The facts a target states in words, each where it has one.
        let worded = [
            ("weight (S009)", self.weights_any_message),
            ("byte-order mark (J005)", self.byte_order_mark),
            ("function parameters (S010)", self.tool_parameters_encoded),
            ("tool call ids (S010)", self.unanswered_call_ids),
            ("preference prompts (S002)", self.preference_one_turn),
            (
                "top-level keys it does not read (S008)",
                self.extra_keys_refused,
            ),
            (
                "tool calls (S010, S011), as the chat template takes them",
                self.chat_template_tools,
            ),
            (
                "messages of a record with images (S005, S012, errors)",
                self.vision_messages,
            ),
            (
                "prompt-completion records with images (S007)",
                self.prompt_parts,
            ),
            (
                "assistant messages with tool calls (S010)",
                self.calls_without_text,
            ),
            (
                "images in reinforcement fine-tuning prompts (S012, an error)",
                self.rft_images,
            ),
        ];
        for (what, cited) in worded {
            if let Some(cited) = cited {
                fact(what, cited.value.to_owned(), cited.source);
            }
        }
        if let Some(keys) = self.chat_keys_unread {
            let names: Vec<String> = keys.value.iter().map(|n| format!("`{n}`")).collect();
            fact(
                "OpenAI keys it does not read (S008)",
                format!(
                    "{}, though OpenAI's chat format defines them{}",
                    list_refs(&names),
                    if self.extra_keys_refused.is_some() {
                        "; at the top of a record, refused as any other key it does not read"
                    } else {
                        ""
                    }
                ),
                keys.source,
            );
        }
        if let Some(keys) = self.function_keys {
            let names: Vec<String> = keys.value.iter().map(|n| format!("`{n}`")).collect();
            fact(
                "function definitions (S010)",
                format!("each must have {}", list_refs(&names)),
                keys.source,
            );
        }
        if let Some(limit) = self.max_tokens {
            fact(
                "tokens per example (T001)",
                format!(
                    "at most {} ({}; unless [tokens] max_per_example is set); {}",
                    thousands(limit.value.tokens),
                    limit.value.what,
                    limit.value.over.describe()
                ),
                limit.source,
            );
        }
        if let Some(words) = self.reserved_words {
            fact(
                "reserved words (C010, an error)",
                format!(
                    "{}{} anywhere in a {} record's text fail the training job",
                    words.value.describe(),
                    if words.value.any_case {
                        ", in any case,"
                    } else {
                        ""
                    },
                    list(words.value.formats)
                ),
                words.source,
            );
        }
        if let Some(examples) = self.examples {
            fact(
                "examples per training file (B001)",
                examples.value.describe(),
                examples.source,
            );
        }
        // Documented limits no rule checks (file sizes, a validation split's count): said so,
        // beside the facts that name the rule checking them.
        for limit in self.limits {
            fact("limit (not checked)", limit.value.to_owned(), limit.source);
        }
        fact(
            "tokenizer",
            self.tokenizer.value.describe(),
            self.tokenizer.source,
        );
        fact(
            "loader (S013)",
            self.loader.value.describe(),
            self.loader.source,
        );
        out
    }
}

impl Loader {
    /// What this loader makes of a field whose type changes between records, from the
    /// `datasets` versions the trainer allows (a requirement tunelint cannot read counts as
    /// any version).
    pub fn mixed_types(&self) -> MixedTypes {
        let Loader::Datasets { requires, .. } = self else {
            return MixedTypes::Loaded;
        };
        let sides = requirement::Requirement::parse(requires).map(|r| r.sides(&DATASETS_JSON));
        match sides {
            Some(s) if s.from && !s.before => MixedTypes::Loaded,
            Some(s) if s.before && !s.from => MixedTypes::Refused,
            _ => MixedTypes::Installed,
        }
    }

    /// Whether this loader may run on `datasets` at `version` ("4.3.0"): any version for a
    /// loader of its own (which does not use it) or a requirement tunelint cannot read.
    pub fn allows_datasets(&self, version: &str) -> bool {
        let Loader::Datasets { requires, .. } = self else {
            return true;
        };
        match (
            requirement::Requirement::parse(requires),
            requirement::parse_version(version),
        ) {
            (Some(r), Some(v)) => r.allows(&v),
            _ => true,
        }
    }

    /// In words, for `explain`.
    pub fn describe(&self) -> String {
        let Loader::Datasets { requires, earlier } = self else {
            return "its own reader, record by record: a field may change type between records"
                .to_owned();
        };
        let mut out = match self.mixed_types() {
            MixedTypes::Refused => format!(
                "datasets.load_dataset(\"json\") with datasets{requires}, which cannot load a field whose type changes (4.7 and later can)"
            ),
            MixedTypes::Loaded => format!(
                "datasets.load_dataset(\"json\") with datasets{requires}, which loads a field whose type changes (as Json, from 4.7)"
            ),
            MixedTypes::Installed => format!(
                "datasets.load_dataset(\"json\") with the installed datasets ({}), which cannot load a field whose type changes before 4.7",
                if requires.is_empty() {
                    "any version".to_owned()
                } else {
                    format!("datasets{requires}")
                }
            ),
        };
        if let Some(earlier) = earlier {
            out.push_str("; ");
            out.push_str(earlier);
        }
        out
    }
}

/// The target-specific part of a rule's documentation, generated from the data so the
/// citations cannot drift: S014 lists every target's formats, S012 the image limits, S010
/// the tool-call id shapes. `None` for a rule no target changes.
pub fn rule_section(code: &str) -> Option<String> {
    let mut out = String::new();
    match code {
        "S014" => {
            out.push_str("## Targets\n\n| target | accepted formats | source |\n|---|---|---|\n");
            for t in ALL {
                let formats: Vec<String> =
                    t.formats.value.iter().map(|f| format!("`{f}`")).collect();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | <{}> |",
                    t.name,
                    formats.join(", "),
                    t.formats.source
                );
            }
        }
        "S012" => {
            out.push_str(
                "## Targets\n\nWithout a target, at most 10 images per example (OpenAI's limit), and \
                 30 in a Vertex AI record and 10 in one message of an Amazon Nova record, whatever the target \
                 (only Vertex AI and only Nova read those formats). \
                 With a target, its own limit:\n\n| target | images per example | source |\n|---|---|---|\n",
            );
            for t in ALL {
                if let Some(images) = t.max_images {
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | <{}> |",
                        t.name, images.value, images.source
                    );
                }
            }
        }
        "S013" => {
            out.push_str("## Targets\n\n| target | loads JSON Lines with | S013 | source |\n|---|---|---|---|\n");
            for t in ALL {
                let level = match t.loader.value.mixed_types() {
                    MixedTypes::Loaded => "off",
                    MixedTypes::Refused => "error",
                    MixedTypes::Installed => "warning",
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {level} | <{}> |",
                    t.name,
                    t.loader.value.describe(),
                    t.loader.source
                );
            }
        }
        "S005" => {
            out.push_str(
                "## Targets\n\nWith a target, a message whose role the format accepts but the \
                 target does not is S005 too, naming the target: an error for a provider, which \
                 rejects the upload, a warning for a trainer, which hands the role to the model's \
                 chat template (it may render it, drop it or fail on it). Roles are in each \
                 target's own words (`human` is the user, `gpt` and `model` the assistant, \
                 `observation` a tool result). Without a target, `developer` is a warning and \
                 every other role of the format is accepted.\n\n\
                 | target | roles | level | source |\n|---|---|---|---|\n",
            );
            for t in ALL {
                let roles: Vec<String> = t.roles.value.iter().map(|r| format!("`{r}`")).collect();
                let level = match t.role_level() {
                    Level::Error => "error",
                    _ => "warning",
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {level} | <{}> |",
                    t.name,
                    roles.join(", "),
                    t.roles.source
                );
            }
        }
        "S008" => {
            out.push_str(
                "## Targets\n\nKeys a target reads beyond its formats' own are not unknown under \
                 that target (their value must be of the kind shown, S007 otherwise); without it, \
                 S008's message names the targets that read the key.\n\n\
                 | target | keys | where | source |\n|---|---|---|---|\n",
            );
            for t in ALL {
                for keys in t.keys {
                    let names: Vec<String> =
                        keys.value.names.iter().map(|n| format!("`{n}`")).collect();
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | {} | <{}> |",
                        t.name,
                        names.join(", "),
                        keys.value.place.describe(),
                        keys.source
                    );
                }
            }
        }
        "O006" => {
            out.push_str(
                "## Targets\n\nWhere the provider rejects the file for two user or two assistant \
                 messages in a row, O006 reports them as errors naming it: with the target, or \
                 without one for a format only that provider reads.\n\n\
                 | target | its rule | source |\n|---|---|---|\n",
            );
            for t in ALL {
                if let Some(rule) = t.alternation {
                    let _ = writeln!(out, "| `{}` | {} | <{}> |", t.name, rule.value, rule.source);
                }
            }
        }
        "C010" => {
            out.push_str(
                "## Targets\n\nWhere a provider's training job fails on a record whose text holds \
                 one of its reserved words, C010 reports the word as an error naming it, \
                 wherever it stands in the text: with the target, or without one for a format \
                 only that provider reads.\n\n\
                 | target | reserved words | source |\n|---|---|---|\n",
            );
            for t in ALL {
                if let Some(words) = t.reserved_words {
                    let shown: Vec<String> = words
                        .value
                        .words
                        .iter()
                        .map(|w| format!("`{}`", w.replace('\n', "\\n")))
                        .collect();
                    let case = if words.value.any_case {
                        " (any case)"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "| `{}` | {}{case} | <{}> |",
                        t.name,
                        shown.join(", "),
                        words.source
                    );
                }
            }
        }
        "S010" => {
            out.push_str("## Targets\n\n| target | tool call id | source |\n|---|---|---|\n");
            for t in ALL {
                if let Some(id) = t.tool_call_id {
                    let _ = writeln!(
                        out,
                        "| `{}` | exactly {} ASCII letters and digits | <{}> |",
                        t.name, id.value.len, id.source
                    );
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_name_every_target_once_in_order() {
        let names: Vec<&str> = ALL.iter().map(|t| t.name).collect();
        assert_eq!(CHOICES[0], "auto");
        assert_eq!(&CHOICES[1..], names.as_slice());
    }

    #[test]
    fn every_fact_cites_a_source() {
        for t in ALL {
            let mut sources = vec![
                t.formats.source,
                t.roles.source,
                t.turns.source,
                t.tokenizer.source,
                t.loader.source,
            ];
            sources.extend(t.max_images.map(|c| c.source));
            sources.extend(t.tool_call_id.map(|c| c.source));
            sources.extend(t.limits.iter().map(|c| c.source));
            sources.extend(t.keys.iter().map(|c| c.source));
            sources.extend(t.alternation.map(|c| c.source));
            sources.extend(t.user_first.map(|c| c.source));
            sources.extend(t.examples.map(|c| c.source));
            sources.extend(t.reserved_words.map(|c| c.source));
            sources.extend(t.max_tokens.map(|c| c.source));
            sources.extend(t.rft_roles.map(|c| c.source));
            sources.extend(t.rft_images.map(|c| c.source));
            sources.extend(t.tool_result_turns.map(|c| c.source));
            sources.extend(t.calls_without_text.map(|c| c.source));
            sources.extend(t.function_keys.map(|c| c.source));
            sources.extend(t.chat_keys_unread.map(|c| c.source));
            for s in sources {
                assert!(s.starts_with("https://"), "{}: {s:?}", t.name);
            }
            assert!(!t.formats.value.is_empty(), "{}", t.name);
        }
    }

    #[test]
    fn mismatch_names_the_readers_and_the_accepted_formats() {
        let openai = lookup("openai").unwrap();
        assert_eq!(openai.mismatch("openai-chat"), None);
        let message = openai.mismatch("sharegpt").unwrap();
        assert!(
            message.starts_with("this record is in sharegpt format, which "),
            "{message}"
        );
        assert!(message.contains("llama-factory"), "{message}");
        assert!(
            message.ends_with("openai accepts openai-chat, openai-preference and openai-rft"),
            "{message}"
        );
    }

    #[test]
    fn every_datasets_requirement_is_read_and_sets_the_loaders_answer() {
        for t in ALL {
            if let Loader::Datasets { requires, .. } = t.loader.value {
                assert!(
                    requirement::Requirement::parse(requires).is_some(),
                    "{}: {requires:?}",
                    t.name
                );
                assert!(t.loader.source.ends_with("/pyproject.toml"), "{}", t.name);
            }
        }
        let mixed = |name: &str| lookup(name).unwrap().loader.value.mixed_types();
        assert_eq!(mixed("llama-factory"), MixedTypes::Refused);
        assert_eq!(mixed("unsloth"), MixedTypes::Refused);
        assert_eq!(mixed("trl"), MixedTypes::Loaded);
        assert_eq!(mixed("axolotl"), MixedTypes::Loaded);
        assert_eq!(mixed("openai"), MixedTypes::Loaded);
        let any = Loader::Datasets {
            requires: "",
            earlier: None,
        };
        assert_eq!(any.mixed_types(), MixedTypes::Installed);
        let unsloth = lookup("unsloth").unwrap().loader.value;
        assert!(unsloth.allows_datasets("4.3.0"));
        assert!(!unsloth.allows_datasets("4.0.0"));
        assert!(!unsloth.allows_datasets("4.7.0"));
    }

    #[test]
    fn mistral_ids_are_nine_alphanumerics() {
        let id = lookup("mistral").unwrap().tool_call_id.unwrap().value;
        assert!(id.accepts("a1B2c3D4e"));
        assert!(!id.accepts("call_1"));
        assert!(!id.accepts("a1B2c3D4_"));
        assert!(!id.accepts("a1B2c3D4e5"));
    }
}
