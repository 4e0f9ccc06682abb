//! J008 line-too-large.

use serde::{Deserialize, Deserializer};

use crate::context::FileContext;
use crate::declare_rule;
use crate::registry::Code;
use crate::rule::{RuleOption, RuleOptions, integer_option};
use crate::settings::Settings;
use crate::wording::thousands;

declare_rule! {
    /// ## What it does
    /// Reports a line longer than `max_line_bytes` bytes (its newline not counted). The line
    /// is skipped without being parsed, and never held in memory whole; it counts as an
    /// example, invalid while the rule is an error.
    ///
    /// ## Why is this bad?
    /// A line of many megabytes is not a conversation anyone meant to train on: a pasted log
    /// or base64 file, or thousands of records that lost their newlines. It is far beyond any
    /// model's context window, so training truncates it or the upload rejects it, and a loader
    /// that reads it whole can run out of memory. Lower the limit to catch oversized examples
    /// early.
    ///
    /// ## Example
    /// ```jsonl,invalid,max_line_bytes=300
    /// {"messages": [{"role": "user", "content": "The export fails. Log: 2024-05-02T10:14:03Z ERROR export job 8812 failed: timeout after 30s; 2024-05-02T10:14:33Z ERROR export job 8812 failed: timeout after 30s; 2024-05-02T10:15:03Z ERROR export job 8812 failed: timeout after 30s"}, {"role": "assistant", "content": "The export timed out. Export one month at a time instead."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,max_line_bytes=300
    /// {"messages": [{"role": "user", "content": "The export fails with: ERROR export job 8812 failed: timeout after 30s"}, {"role": "assistant", "content": "The export timed out. Export one month at a time instead."}]}
    /// ```
    ///
    /// ## Options
    /// - `max_line_bytes` (default `67108864`, 64 MiB): the longest line read, in bytes.
    ///
    /// ```toml
    /// [rules]
    /// line-too-large = { max_line_bytes = 1048576 }
    /// ```
    pub static LINE_TOO_LARGE = {
        code: "J008",
        name: "line-too-large",
        level: Error,
        summary: "line longer than `max_line_bytes` (64 MiB by default); skipped unread",
        options: [RuleOption {
            name: "max_line_bytes",
            default: "67108864",
            doc: "longest line read, in bytes (64 MiB); longer lines are skipped",
        }],
        config: LineTooLargeOptions,
    };
}

/// J008's options: `[rules] line-too-large = { max_line_bytes = 1048576 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LineTooLargeOptions {
    /// The longest line read, in bytes; longer lines are skipped.
    #[serde(deserialize_with = "max_line_bytes")]
    pub max_line_bytes: u64,
}

impl RuleOptions for LineTooLargeOptions {
    const DEFAULT: LineTooLargeOptions = LineTooLargeOptions {
        max_line_bytes: 64 * 1024 * 1024,
    };
}

impl Default for LineTooLargeOptions {
    fn default() -> Self {
        LineTooLargeOptions::DEFAULT
    }
}

fn max_line_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    integer_option(d, 1, "a positive integer (bytes)")
}

impl Settings {
    /// J008's `max_line_bytes`: the reader skips longer lines unread.
    pub fn max_line_bytes(&self) -> u64 {
        self.options::<LineTooLargeOptions>(Code::J008)
            .max_line_bytes
    }
}

/// Reports a line of `len` bytes that is over the limit and was skipped.
pub fn report(ctx: &mut FileContext<'_>, line: u64, offset: u64, len: u64) {
    let max = ctx.settings.max_line_bytes();
    ctx.report_line(
        Code::J008,
        line,
        offset,
        format!(
            "line is {} bytes, over the limit of {} (max_line_bytes); it was skipped",
            thousands(len),
            thousands(max)
        ),
    );
}

/// [`report`] for a record of a `.json` array, at its first character.
pub fn report_record(ctx: &mut FileContext<'_>, start: &crate::diagnostic::RecordStart, len: u64) {
    let max = ctx.settings.max_line_bytes();
    let location = start.location(ctx.file);
    ctx.report(
        Code::J008,
        location,
        format!(
            "record is {} bytes, over the limit of {} (max_line_bytes); it was skipped",
            thousands(len),
            thousands(max)
        ),
    );
}
