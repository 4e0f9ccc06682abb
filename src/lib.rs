//! tunelint: a linter for LLM fine-tuning datasets in JSONL.
//!
//! The pipeline, one module each: the command line (`cli`, `app`) and configuration
//! (`config`) resolve into per-file [`settings::Settings`]; `discover` lists the files and
//! `splits` groups train and evaluation splits; `engine` reads each file (`source`) as
//! newline-aligned chunks, and its workers parse every line with spans (`json`), normalise it
//! through its input `format` into the conversation model of `record`, and run the rules the
//! registry dispatches (`rules`: what each rule runs on, which rules suppress it); the
//! dataset rules then fold over the facts they declared (`dataset`, `dedup`); `gates` turns
//! each file's `summary` into an exit status; `report` renders the one stream of
//! [`diagnostic::Diagnostic`]s in every output format, and `output` writes files safely.
//! Every rule is declared once (`rule`, with its code in `registry`) with its documentation,
//! from which `docs` generates `docs/rules.md`. Values from the data reach messages only
//! through `wording`, which masks what `pii` recognises. CONTRIBUTING.md draws the layers and
//! says where each kind of change goes.
//!
//! Three invariants keep it fast: record rules are pure functions of one record; dataset-wide
//! rules are folds over small per-record facts; diagnostics carry locations, not text.

pub mod app;
pub(crate) mod baseline;
pub(crate) mod canonical;
pub mod cli;
pub mod composition;
pub mod config;
pub mod contamination;
pub mod context;
pub mod dataset;
pub(crate) mod dataset_info;
pub mod declared;
pub mod dedup;
pub(crate) mod dedupe;
pub mod diagnostic;
pub(crate) mod diffbase;
pub(crate) mod discover;
pub mod docs;
pub mod engine;
pub(crate) mod format;
pub mod gates;
pub(crate) mod guard;
pub(crate) mod interrupt;
pub(crate) mod json;
mod literals;
pub(crate) mod output;
mod pii;
pub(crate) mod record;
pub(crate) mod registry;
pub mod report;
pub mod rule;
pub mod rules;
pub(crate) mod sample;
pub mod settings;
pub(crate) mod snippet;
pub(crate) mod source;
pub(crate) mod splits;
pub(crate) mod stats;
pub(crate) mod summary;
pub mod target;
#[cfg(test)]
mod testing;
pub mod tokens;
pub mod wording;

/// Where the rule documentation is published (SARIF `helpUri`, Markdown links).
pub const DOCS_URL: &str = "https://github.com/tunelint/tunelint/blob/main/docs/rules.md";

/// Removes the temporary files the run has registered: for `main`'s panic hook, when a run
/// ends on an internal error.
pub fn remove_temporary_files() {
    interrupt::remove_pending();
}
