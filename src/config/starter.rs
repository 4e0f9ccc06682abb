//! The starter `tunelint.toml` that `tunelint init` writes.

/// The commented starter `tunelint.toml` written by `tunelint init`. The active lines are
/// the defaults; commented-out `key = value` lines are defaults or valid examples (a test
/// uncomments them all and loads the result).
pub const STARTER: &str = r#"# tunelint configuration. Every key is optional: a commented-out `key = value` line shows
# the key's default, or an example where it has none. Globs and paths are relative to the
# directory of this file. Command-line flags override what is set here.

# Input format of every file: "auto" (detected from the first valid record), "openai-chat",
# "openai-preference", "prompt-completion", "alpaca", "sharegpt", "text",
# "trl-prompt-completion", "trl-preference", "trl-unpaired-preference", "prompt-only",
# "llama-factory" or "axolotl-chat".
format = "auto"

# Files never linted when a directory is walked (files named on the command line are, unless
# --force-exclude is given). Gitignore-style: a pattern without a slash matches a name at any
# depth, "dir/**" everything under dir, and "!pattern" re-includes.
exclude = []

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

[tokens]
# Tokenizer: "o200k_base" or "cl100k_base".
# encoding = "o200k_base"
# Most tokens in one example (T001); longer examples would be truncated in training.
# max_per_example = 65536

[pii]
# Regular expressions of known-safe matches that the privacy rules (P001-P006) accept.
# allow = ["@ourcompany\\.example$"]

# Other levels, options or format for some files. Every matching override applies, in
# order, over [rules].
# [[overrides]]
# files = ["data/legacy/**"]
# rules = { C = "off", S008 = "error" }
# format = "sharegpt"

# Split groups for the split-leak check (D003). Files named train, valid/validation/val
# and test/eval in one directory are grouped without this.
# [[datasets]]
# name = "support"
# train = ["data/train.jsonl"]
# valid = ["data/valid.jsonl"]
"#;
