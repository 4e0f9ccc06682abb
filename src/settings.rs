//! Resolved settings for one file: what each rule's level is and what its options are.
//!
//! `crate::config` builds these from defaults, config files, overrides and the command line;
//! the engine and the rules only ever read them. This is a base layer: it knows rule codes
//! (`crate::registry`) and what a rule's options are (`crate::rule`), not the rules.

use std::sync::Arc;

use regex::RegexSet;

use crate::registry::Code;
use crate::rule::{AnyOptions, Level, RuleOptions};

/// The input format of a file, or `Auto` to detect it from the first valid record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FormatChoice {
    #[default]
    Auto,
    OpenAiChat,
    OpenAiPreference,
    PromptCompletion,
    Alpaca,
    ShareGpt,
    Text,
    TrlPromptCompletion,
    TrlPreference,
    TrlUnpairedPreference,
    PromptOnly,
    LlamaFactory,
    AxolotlChat,
    BedrockClaude,
    BedrockNova,
    VertexGemini,
    OpenAiRft,
    Pretokenized,
    AxolotlSegments,
    AxolotlPreference,
    AxolotlInstruct,
}

impl FormatChoice {
    /// The format a record is read as: `auto` reads a record of no known shape as OpenAI
    /// chat (`format::normalize`), so that is the format a target must accept.
    pub fn read_as(self) -> FormatChoice {
        match self {
            FormatChoice::Auto => FormatChoice::OpenAiChat,
            f => f,
        }
    }

    /// One of TRL's dataset formats, whose message lists follow TRL's conventions (an
    /// `{"type": "image"}` part stands for an image of the record's `images` column).
    pub fn is_trl(self) -> bool {
        matches!(
            self,
            FormatChoice::TrlPromptCompletion
                | FormatChoice::TrlPreference
                | FormatChoice::TrlUnpairedPreference
                | FormatChoice::PromptOnly
        )
    }

    pub const NAMES: &'static [&'static str] = &[
        "auto",
        "openai-chat",
        "openai-preference",
        "prompt-completion",
        "alpaca",
        "sharegpt",
        "text",
        "trl-prompt-completion",
        "trl-preference",
        "trl-unpaired-preference",
        "prompt-only",
        "llama-factory",
        "axolotl-chat",
        "bedrock-claude",
        "bedrock-nova",
        "vertex-gemini",
        "openai-rft",
        "pretokenized",
        "axolotl-segments",
        "axolotl-preference",
        "axolotl-instruct",
    ];

    pub fn parse(s: &str) -> Option<FormatChoice> {
        Some(match s {
            "auto" => FormatChoice::Auto,
            "openai-chat" => FormatChoice::OpenAiChat,
            "openai-preference" => FormatChoice::OpenAiPreference,
            "prompt-completion" => FormatChoice::PromptCompletion,
            "alpaca" => FormatChoice::Alpaca,
            "sharegpt" => FormatChoice::ShareGpt,
            "text" => FormatChoice::Text,
            "trl-prompt-completion" => FormatChoice::TrlPromptCompletion,
            "trl-preference" => FormatChoice::TrlPreference,
            "trl-unpaired-preference" => FormatChoice::TrlUnpairedPreference,
            "prompt-only" => FormatChoice::PromptOnly,
            "llama-factory" => FormatChoice::LlamaFactory,
            "axolotl-chat" => FormatChoice::AxolotlChat,
            "bedrock-claude" => FormatChoice::BedrockClaude,
            "bedrock-nova" => FormatChoice::BedrockNova,
            "vertex-gemini" => FormatChoice::VertexGemini,
            "openai-rft" => FormatChoice::OpenAiRft,
            "pretokenized" => FormatChoice::Pretokenized,
            "axolotl-segments" => FormatChoice::AxolotlSegments,
            "axolotl-preference" => FormatChoice::AxolotlPreference,
            "axolotl-instruct" => FormatChoice::AxolotlInstruct,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FormatChoice::Auto => "auto",
            FormatChoice::OpenAiChat => "openai-chat",
            FormatChoice::OpenAiPreference => "openai-preference",
            FormatChoice::PromptCompletion => "prompt-completion",
            FormatChoice::Alpaca => "alpaca",
            FormatChoice::ShareGpt => "sharegpt",
            FormatChoice::Text => "text",
            FormatChoice::TrlPromptCompletion => "trl-prompt-completion",
            FormatChoice::TrlPreference => "trl-preference",
            FormatChoice::TrlUnpairedPreference => "trl-unpaired-preference",
            FormatChoice::PromptOnly => "prompt-only",
            FormatChoice::LlamaFactory => "llama-factory",
            FormatChoice::AxolotlChat => "axolotl-chat",
            FormatChoice::BedrockClaude => "bedrock-claude",
            FormatChoice::BedrockNova => "bedrock-nova",
            FormatChoice::VertexGemini => "vertex-gemini",
            FormatChoice::OpenAiRft => "openai-rft",
            FormatChoice::Pretokenized => "pretokenized",
            FormatChoice::AxolotlSegments => "axolotl-segments",
            FormatChoice::AxolotlPreference => "axolotl-preference",
            FormatChoice::AxolotlInstruct => "axolotl-instruct",
        }
    }
}

/// What near-duplicate detection compares (`[dedup] field`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DedupField {
    #[default]
    User,
    Assistant,
    Conversation,
}

impl DedupField {
    pub const NAMES: &'static [&'static str] = &["user", "assistant", "conversation"];

    pub fn parse(s: &str) -> Option<DedupField> {
        Some(match s {
            "user" => DedupField::User,
            "assistant" => DedupField::Assistant,
            "conversation" => DedupField::Conversation,
            _ => return None,
        })
    }
}

/// `[dedup]`: duplicate detection (D002, D003).
#[derive(Clone, Debug, PartialEq)]
pub struct DedupConfig {
    pub field: DedupField,
    /// Similarity at or above which two examples are near duplicates, in (0, 1].
    pub threshold: f64,
    /// Compare each example with every kept one, as the lesson's loop does (its exact answer,
    /// in quadratic time), instead of the index's candidates: `dedupe --exhaustive`.
    pub exhaustive: bool,
    /// Compare what differs: a prompt template most texts of a file share (D005) is taken
    /// out of the texts before they are compared (`[dedup] ignore_template`).
    pub ignore_template: bool,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            field: DedupField::User,
            threshold: 0.85,
            exhaustive: false,
            ignore_template: false,
        }
    }
}

pub use crate::tokens::{Encoding, Overflow};

/// Everything the engine needs to know to lint one file.
///
/// `Settings::default()` (every rule at its declared level, with its default options) is
/// implemented by `crate::config`, which knows the rules; this module does not.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Indexed by `Code::index()`.
    pub levels: Vec<Level>,
    /// Indexed by `Code::index()`: the level was chosen by the user (a `[rules]` or
    /// `[[overrides]]` entry, `--warn`), not left at the rule's default. A target's limit,
    /// which is an error by default (B001: the provider rejects the file), keeps such a level.
    pub chosen_levels: Vec<bool>,
    /// The options a configuration sets, read with [`Settings::options`].
    pub rule_options: ConfiguredOptions,
    pub format: FormatChoice,
    /// Where the configuration set `format` for this file, as a message names it (S001's
    /// hint): `None` when it did not (the format is detected, or a registry declares it).
    pub format_source: Option<String>,
    /// `[dedup]`: what D002/D003 compare and from which similarity on.
    pub dedup: DedupConfig,
    /// `[pii] allow`: known-safe matches of the P rules, compiled once per config and shared
    /// by every file it applies to.
    pub pii_allow: Arc<PiiAllow>,
    /// `[tokens] encoding`: the tokenizer of T001 and the token statistics.
    pub encoding: Encoding,
    /// Count every example's tokens for the summary (`--token-stats`, `stats`), not only
    /// those T001 must check.
    pub token_stats: bool,
    /// The file is an evaluation split of a dataset in the run (a `test` file beside its
    /// `train` file, a `[[datasets]]` group's `valid`/`test`): it is not trained on, so a
    /// benchmark item in it is no contamination (D004).
    pub evaluation_split: bool,
    /// `[tokens] tokenizer`: an open-weight model's tokenizer and chat template, loaded once
    /// and shared by every file; `None` counts with OpenAI's `encoding`.
    pub model: Option<Arc<crate::tokens::hf::Model>>,
    /// `[tokens] overflow`: what the trainer does with a longer example.
    pub overflow: Overflow,
    /// `target`: what the data will be trained with (§3b); `None` checks only what holds
    /// for every target.
    pub target: Option<&'static crate::target::Target>,
    /// Where configured rule options come from, for messages that name a limit: the rule,
    /// the option, and the setting in words (`rules.T001.max_per_example`, a target's limit);
    /// a later entry for one option wins. Read with [`Settings::option_source`].
    pub option_sources: Vec<(Code, &'static str, String)>,
    /// How T001's message names its limit when it is the target's
    /// ([`crate::target::Target::max_tokens`]); `None` when it is `tokens.max_per_example`.
    pub target_token_limit: Option<crate::target::TokenLimit>,
    /// `[dataset] goal`: how many examples B001 expects; `None` leaves B001 quiet.
    pub goal: Option<crate::composition::Goal>,
    /// `[composition]`: the targets of B002-B004 and the label key, shared by every file.
    pub composition: Arc<crate::composition::CompositionConfig>,
    /// The LLaMA-Factory `dataset_info.json` entry that names this file, when one does: its
    /// columns, tags and ranking are how the file's records are read.
    pub declared: Option<Arc<crate::declared::Declared>>,
    /// `[contamination]`: the benchmarks D004 checks against (built-in fingerprints and the
    /// configured files), indexed once and shared by every file.
    pub contamination: Arc<crate::contamination::Benchmarks>,
}

impl Settings {
    pub fn level(&self, code: Code) -> Level {
        self.levels[code.index()]
    }

    pub fn enabled(&self, code: Code) -> bool {
        self.level(code) != Level::Off
    }

    /// The name of the tokenizer counts are made with: the model's, or the OpenAI encoding.
    pub fn tokenizer_name(&self) -> &str {
        match &self.model {
            Some(model) => &model.name,
            None => self.encoding.as_str(),
        }
    }

    /// The options of the rule `code`, whose options type is `T`: as configured, or
    /// `T::DEFAULT`.
    pub fn options<T: RuleOptions>(&self, code: Code) -> T {
        self.rule_options.get(code)
    }

    /// Where the option `name` of `code` was set, when the configuration or a target set it.
    pub fn option_source(&self, code: Code, name: &str) -> Option<&str> {
        self.option_sources
            .iter()
            .rev()
            .find(|(c, n, _)| *c == code && *n == name)
            .map(|(.., from)| from.as_str())
    }

    /// Sets the options of the rule `code`, whose options type is `T`.
    pub fn set_options<T: RuleOptions>(&mut self, code: Code, options: T) {
        let value = (options != T::DEFAULT).then(|| Arc::new(options) as Arc<dyn AnyOptions>);
        self.rule_options.set(code, value);
    }
}

/// Each rule's configured options, type-erased, by `Code::index()`; a rule without an entry
/// has its defaults. Equal when every rule's options are.
#[derive(Clone, Debug, Default)]
pub struct ConfiguredOptions(Vec<Option<Arc<dyn AnyOptions>>>);

impl ConfiguredOptions {
    fn get<T: RuleOptions>(&self, code: Code) -> T {
        match self.0.get(code.index()).and_then(Option::as_ref) {
            None => T::DEFAULT,
            Some(any) => match (&**any as &dyn std::any::Any).downcast_ref::<T>() {
                Some(options) => options.clone(),
                None => {
                    debug_assert!(
                        false,
                        "{code} options read as {}",
                        std::any::type_name::<T>()
                    );
                    T::DEFAULT
                }
            },
        }
    }

    /// Sets the options of `code`, as [`crate::rule::ParseOptions`] gives them (`None`: the
    /// defaults).
    pub fn set(&mut self, code: Code, options: Option<Arc<dyn AnyOptions>>) {
        let i = code.index();
        if self.0.len() <= i {
            if options.is_none() {
                return;
            }
            self.0.resize(i + 1, None);
        }
        self.0[i] = options;
    }
}

impl PartialEq for ConfiguredOptions {
    fn eq(&self, other: &Self) -> bool {
        let at = |o: &Self, i: usize| o.0.get(i).cloned().flatten();
        (0..self.0.len().max(other.0.len())).all(|i| match (at(self, i), at(other, i)) {
            (None, None) => true,
            (Some(a), Some(b)) => a.eq_options(b.as_ref()),
            _ => false,
        })
    }
}

/// `[pii] allow`: regular expressions of known-safe matches. A P rule stays quiet about a
/// match (the email address, phone number, key ... as written) that any of them finds.
#[derive(Clone, Debug, Default)]
pub struct PiiAllow {
    patterns: Vec<String>,
    /// `None` when there are no patterns.
    set: Option<RegexSet>,
}

impl PiiAllow {
    /// Compiles the patterns; an error names the index of the first invalid one and why.
    pub fn new(patterns: Vec<String>) -> Result<PiiAllow, (usize, String)> {
        for (i, p) in patterns.iter().enumerate() {
            let regex = regex::Regex::new(p).map_err(|e| (i, e.to_string()))?;
            // Searched for anywhere in a match: one that matches nothing at all would allow
            // every email address, key and password, silently.
            if regex.is_match("") {
                return Err((
                    i,
                    "it matches the empty string, so it would allow every match of every P \
                     rule; to turn those off, set them to \"off\" in [rules]"
                        .to_string(),
                ));
            }
        }
        let set = if patterns.is_empty() {
            None
        } else {
            Some(RegexSet::new(&patterns).map_err(|e| (0, e.to_string()))?)
        };
        Ok(PiiAllow { patterns, set })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// True when a pattern allows `matched`.
    pub fn allows(&self, matched: &str) -> bool {
        self.set.as_ref().is_some_and(|s| s.is_match(matched))
    }
}

impl PartialEq for PiiAllow {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}
