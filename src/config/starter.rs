//! The starter `tunelint.toml` that `tunelint init` writes, with `--target` for a target.

use crate::target::Target;

/// The commented starter `tunelint.toml` written by `tunelint init`. The active lines are
/// the defaults; commented-out `key = value` lines are defaults or valid examples (a test
/// uncomments them all and loads the result).
pub const STARTER: &str = r#"# tunelint configuration. Every key is optional: a commented-out `key = value` line shows
# the key's default, or an example where it has none. Globs and paths are relative to the
# directory of this file. Command-line flags override what is set here.

# Input format of every file: "auto" (detected from the first valid record), "openai-chat",
# "openai-preference", "prompt-completion", "alpaca", "sharegpt", "text",
# "trl-prompt-completion", "trl-preference", "trl-unpaired-preference", "prompt-only",
# "llama-factory", "axolotl-chat", "bedrock-claude", "bedrock-nova", "vertex-gemini",
# "openai-rft", "pretokenized", "axolotl-segments", "axolotl-preference"
# or "axolotl-instruct".
format = "auto"

# What the data will be trained with: "auto" (no target: only the checks that hold for every
# target), "openai", "azure-openai", "together", "fireworks", "bedrock-claude", "bedrock-nova",
# "vertex-gemini", "mistral", "trl", "axolotl", "llama-factory" or "unsloth". A target sets
# the formats accepted (S014) and its limits; `tunelint explain TARGET` shows them with their
# sources. `tunelint init --target NAME` writes this file with a target set.
# target = "openai"

# Files never linted when a directory is walked (files named on the command line are, unless
# --force-exclude is given). Gitignore-style: a pattern without a slash matches a name at any
# depth, "dir/**" everything under dir, and "!pattern" re-includes.
exclude = []

# More files to lint when a directory is walked, besides *.jsonl and *.ndjson (plain, .gz or
# .zst) and *.parquet: `.json` files holding one array of records, say. Same glob syntax as
# exclude; exclude wins.
# include = ["data/*.json"]

# Whether a walk leaves out what .gitignore, .ignore and git's excludes ignore (data kept out
# of git by `dvc add`, say); --no-respect-gitignore turns it off for one run. Hidden folders
# are skipped either way.
# respect_gitignore = true

[rules]
# The level of rules — "off", "info", "warning" or "error" — by code ("C001"), name
# ("content-too-short"), code prefix ("C", "C0") or "ALL". The most specific selector wins,
# whatever the order of the lines: ALL, then a category letter, then longer prefixes, then
# codes and names. `tunelint rules` lists every rule with its default level.
# ALL = "warning"
# P = "error"
# S008 = "off"
# as-an-ai = "error"
# A table sets a rule's options, with or without its level:
# content-too-short = { level = "warning", min_chars = 10 }
# content-too-long = { max_chars = 10000 }
# line-too-large = { max_line_bytes = 67108864 }

[gates]
# The run fails (exit status 1) when a gate is not met.
# Least share of valid examples (those without an error-level diagnostic), in percent.
# min_valid_pct = 100
# Most duplicates (D001 + D002 + D003): a count, or a share of the examples like "1%".
# max_duplicates = 0
# Most warnings; unlimited when absent.
# max_warnings = 100

[dedup]
# What near-duplicate detection compares: "user", "assistant" or "conversation" content.
# field = "user"
# Similarity (greater than 0, at most 1) from which two examples are near duplicates.
# threshold = 0.85
# Take out a prompt template most examples share (see D005) and compare what differs.
# ignore_template = false

[contamination]
# Evaluation benchmarks no example may contain (D004): files in any supported format, globs
# relative to this file; each record's first user turn is the item's question.
# benchmarks = ["evals/*.jsonl"]
# Also check the built-in fingerprints (GSM8K test).
# builtins = true

[tokens]
# Tokenizer: "o200k_base" or "cl100k_base".
# encoding = "o200k_base"
# Most tokens in one example (T001); longer examples would be truncated in training.
# max_per_example = 65536

[pii]
# Regular expressions of known-safe matches that the privacy rules (P001-P006) accept.
# allow = ["@ourcompany\\.example$"]

[dataset]
# What the fine-tuning teaches, which sets how many examples B001 expects (minimum,
# recommended): "format" (50, 200), "style" (100, 500), "domain" (300, 1000) or "complex"
# (500, 5000). Without it B001 stays quiet.
# goal = "style"

[composition]
# Target share of each kind of example in percent (B002); they add up to 100.
# targets = { common = 60, edge = 20, clarification = 10, refusal = 10 }
# How far a share may be from its target, in percentage points.
# tolerance = 10
# Fewest examples before B002-B004 judge a file's composition.
# min_examples = 100
# A top-level key holding each example's category ("common", "edge", "clarification" or
# "refusal"), exempt from S008. Without it (or when a record has none) the final assistant
# turn is classified: `tunelint explain B002` says how.
# label_key = "category"

# Other levels, options or format for some files. Every matching override applies, in
# order, over [rules]; a rule one turns "off" stays off for its files even when the command
# line selects it (`--select ALL`), as ruff's per-file-ignores do.
# [[overrides]]
# files = ["data/legacy/**"]
# rules = { C = "off", S008 = "error" }
# format = "sharegpt"
# target = "llama-factory"

# Files of one dataset: each list is compared as one for duplicates (D001, D002), and
# valid/test against train for leaks (D003); `train` alone groups shards. Files named train,
# valid/validation/val/dev and test/eval in one directory are grouped without this.
# [[datasets]]
# name = "support"
# train = ["data/train.jsonl"]
# valid = ["data/valid.jsonl"]
"#;

/// The line of [`STARTER`] that [`starter`] replaces with the target.
const TARGET_LINE: &str = "# target = \"openai\"\n";

/// The starter `tunelint init` writes: [`STARTER`], with `target` set and what the target
/// accepts summed up above it when one is named.
pub fn starter(target: Option<&Target>) -> String {
    let Some(target) = target else {
        return STARTER.to_owned();
    };
    let mut set = format!(
        "# {} reads {} (source: {}).\n",
        target.title,
        target.formats.value.join(", "),
        target.formats.source
    );
    if let Some(images) = target.max_images {
        set.push_str(&format!(
            "# At most {} images per example (source: {}).\n",
            images.value, images.source
        ));
    }
    set.push_str(&format!("target = \"{}\"\n", target.name));
    STARTER.replacen(TARGET_LINE, &set, 1)
}
