//! Resolved settings for one file: what each rule's level is and what its options are.
//!
//! `crate::config` builds these from defaults, config files, overrides and the command line;
//! the engine and the rules only ever read them.

use std::sync::Arc;

use regex::RegexSet;

use crate::rule::Level;
use crate::rules::{Code, RULES};

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
}

impl FormatChoice {
    pub const NAMES: &'static [&'static str] = &[
        "auto",
        "openai-chat",
        "openai-preference",
        "prompt-completion",
        "alpaca",
        "sharegpt",
    ];

    pub fn parse(s: &str) -> Option<FormatChoice> {
        Some(match s {
            "auto" => FormatChoice::Auto,
            "openai-chat" => FormatChoice::OpenAiChat,
            "openai-preference" => FormatChoice::OpenAiPreference,
            "prompt-completion" => FormatChoice::PromptCompletion,
            "alpaca" => FormatChoice::Alpaca,
            "sharegpt" => FormatChoice::ShareGpt,
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
        }
    }
}

/// Options of individual rules. Each field names the rule it belongs to in its doc; the
/// rule's declaration documents it (`RuleMeta::options`) and `config` sets it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleOptions {
    /// J008 line-too-large: longest line read, in bytes.
    pub max_line_bytes: u64,
    /// C001 content-too-short: fewest characters a message's content may have.
    pub min_chars: usize,
    /// C002 content-too-long: most characters a message's content may have.
    pub max_chars: usize,
    /// T001 too-many-tokens: most tokens in one example (`[tokens] max_per_example`).
    pub max_tokens: u64,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            max_line_bytes: 64 * 1024 * 1024,
            min_chars: 10,
            max_chars: 10_000,
            max_tokens: 65_536,
        }
    }
}

/// Everything the engine needs to know to lint one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Indexed by `Code as usize`.
    pub levels: Vec<Level>,
    pub options: RuleOptions,
    pub format: FormatChoice,
    /// `[dedup]`: what D002/D003 compare and from which similarity on.
    pub dedup: crate::config::DedupConfig,
    /// `[pii] allow`: known-safe matches of the P rules, compiled once per config and shared
    /// by every file it applies to.
    pub pii_allow: Arc<PiiAllow>,
    /// `[tokens] encoding`: the tokenizer of T001 and the token statistics.
    pub encoding: crate::config::Encoding,
    /// Count every example's tokens for the summary (`--token-stats`, `stats`), not only
    /// those T001 must check.
    pub token_stats: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            levels: RULES.iter().map(|r| r.default_level).collect(),
            options: RuleOptions::default(),
            format: FormatChoice::Auto,
            dedup: crate::config::DedupConfig::default(),
            pii_allow: Arc::default(),
            encoding: crate::config::Encoding::default(),
            token_stats: false,
        }
    }
}

impl Settings {
    pub fn level(&self, code: Code) -> Level {
        self.levels[code.index()]
    }

    pub fn enabled(&self, code: Code) -> bool {
        self.level(code) != Level::Off
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
            regex::Regex::new(p).map_err(|e| (i, e.to_string()))?;
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
