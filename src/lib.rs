//! tunelint: a linter for LLM fine-tuning datasets in JSONL.
//!
//! The pipeline, one module each: the command line (`cli`) and configuration (`config`)
//! resolve into per-file [`settings::Settings`]; `discover` lists the files; `source` streams
//! each file as newline-aligned chunks of lines; `engine` parses every line with spans
//! (`json`), normalises it through its input `format` into the conversation model of
//! `record`, and runs the rules of the `rules` registry on it in parallel (`tokens` counts
//! OpenAI tokens for T001 and the statistics); `gates` turns the
//! summary into an exit status; `report` renders the one list of [`diagnostic::Diagnostic`]s
//! in every output format. Every rule is declared once (`rule`) with its documentation, from
//! which `docs` generates the reference, `docs/rules.md`.
//!
//! Three invariants keep it fast: record rules are pure functions of one record; dataset-wide
//! rules are folds over small per-record facts; diagnostics carry locations, not text.

pub mod app;
pub mod canonical;
pub mod cli;
pub mod config;
pub mod context;
pub mod dataset;
pub mod dedup;
pub mod dedupe;
pub mod diagnostic;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod format;
pub mod gates;
pub mod json;
mod literals;
pub mod output;
mod pii;
pub mod record;
pub mod registry;
pub mod report;
pub mod rule;
pub mod rules;
pub mod settings;
pub mod source;
pub mod splits;
pub mod summary;
pub mod tokens;
pub mod wording;

/// Where the rule documentation is published (SARIF `helpUri`, Markdown links).
pub const DOCS_URL: &str = "https://github.com/tunelint/tunelint/blob/main/docs/rules.md";
