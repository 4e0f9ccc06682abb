//! S014 target-mismatch.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// With a target set (`target = "NAME"` in the config, per glob in `[[overrides]]`, or
    /// `--target NAME`), reports a record whose format the target does not read: a ShareGPT
    /// `conversations` record in a file meant for OpenAI, an Alpaca record for Fireworks. The
    /// finding points at the record and names both sides: the targets that read the record's
    /// format, and the formats the configured target accepts. The record is still read in
    /// its own format, so the other rules check it as usual. Under `trl`, a ShareGPT record
    /// with `images` or `image` is reported too: TRL converts ShareGPT's turns only when it
    /// prepares a text dataset, and its vision collator reads `messages`.
    ///
    /// Without a target (`auto`) the rule is silent: every format is some trainer's. Each
    /// target's formats, with the documentation or trainer code they come from, are listed
    /// below and by `tunelint explain TARGET`.
    ///
    /// ## Why is this bad?
    /// The provider rejects the upload, or the trainer's loader fails or, worse, reads the
    /// wrong columns and trains on nothing: OpenAI requires `messages`, and a ShareGPT file
    /// is only ever valid for the trainers that map `from`/`value`. The usual cause is a
    /// dataset downloaded from the Hub, or exported for one trainer, and sent to another
    /// unconverted.
    ///
    /// ## Example
    /// ```jsonl,invalid,target=openai
    /// {"conversations": [{"from": "human", "value": "How do I rotate my API key?"}, {"from": "gpt", "value": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,target=openai
    /// {"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}
    /// ```
    pub static TARGET_MISMATCH = {
        code: "S014",
        name: "target-mismatch",
        level: Error,
        summary: "record in a format the configured target does not read",
    };
}
