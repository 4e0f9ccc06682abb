//! What the trainers that pair a record's media column with placeholders in its messages
//! share: LLaMA-Factory counts `<image>` tokens in the text against `images`, TRL counts
//! `{"type": "image"}` parts against `images` (or `image`). Both stop the run when the
//! numbers differ; the finding reads the same for both, in each trainer's words.

use crate::context::RecordContext;
use crate::diagnostic::Span;
use crate::registry::Code;
use crate::wording::quote;

/// "1 image", "2 images".
pub(crate) fn things(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// One media column against the placeholders the trainer counts for it.
pub(crate) struct MediaCount<'a> {
    /// How many items the column holds.
    pub count: usize,
    /// One item, in words: "image".
    pub one: &'a str,
    /// The record's key for the column.
    pub key: &'a str,
    /// How many placeholders the trainer counts.
    pub placeholders: usize,
    /// One placeholder, as written: `<image>`, `{"type": "image"}`.
    pub placeholder: &'a str,
}

/// Reports `code` at `span` (the column) when the counts differ: "2 images in "images" but
/// 1 <image> placeholder in the messages; `consequence`", where `consequence()` says what the
/// trainer does and how to fix it. True when it reported.
pub(crate) fn check_count(
    ctx: &mut RecordContext<'_>,
    code: Code,
    span: Span,
    media: &MediaCount<'_>,
    consequence: impl FnOnce() -> String,
) -> bool {
    if media.count == media.placeholders {
        return false;
    }
    ctx.report(
        code,
        span,
        format!(
            "{} in {} but {} in the messages; {}",
            things(media.count, media.one),
            quote(media.key),
            things(
                media.placeholders,
                &format!("{} placeholder", media.placeholder)
            ),
            consequence(),
        ),
    );
    true
}
